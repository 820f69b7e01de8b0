"""Arena-style leaderboards from pairwise battles: bootstrap intervals and statistically tied ranks.

The battles are resampled as a whole: the counts of each outcome (which pair,
who won, or a tie) are redrawn from a multinomial with the observed
proportions, and Bradley-Terry is refitted on each resample. A system's
"arena rank" is 1 + the number of systems whose interval lies entirely above
its own (LMSYS Chatbot Arena's convention); the systems of arena rank 1 are
those statistically tied with the best.

WildBench (Lin et al. 2024) scores pairwise verdicts on a five-point scale and
neutralises length bias: a "slightly better" verdict counts as a tie when the
winner's answer is more than ``margin`` characters longer.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._resample import map_batches, percentile_interval
from .._validation import check_integer, check_level, check_positive, check_rng
from ..errors import AnalysisInputError
from .bradley_terry import _check_wins, _newton, win_matrix
from .result import Ranking, ranking_table

__all__ = ["ArenaRanking", "arena_ranking", "wildbench_rewards"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ArenaRanking(Ranking):
    """Bradley-Terry scores with bootstrap intervals and arena ranks.

    Attributes
    ----------
    table : DataFrame
        As in :class:`Ranking`, best first: ``score``, ``rank`` (by score),
        ``low`` and ``high`` (the score's interval), ``arena_rank`` (1 + the
        systems whose interval lies wholly above), ``tied_with_best``,
        ``p_first`` (share of resamples in which it scores highest).
    method : str
    replicates : array, shape (n_boot, n_items)
        Scores of each resample, in the systems' input order.
    ci : float
    """

    replicates: np.ndarray
    ci: float

    @property
    def title(self) -> str:
        return f"Arena ranking by {self.method} ({len(self.replicates)} multinomial resamples of the battles)"

    def plot(self, *, ax=None, top: int | None = None, xlabel: str | None = "Bradley-Terry score"):
        """Scores with their intervals, best at the top, systems tied with the best in a second colour."""
        return super().plot(ax=ax, top=top, xlabel=xlabel)


def arena_ranking(winner, loser, n_items: int, *, ties=None, systems=None, n_boot: int = 200, ci: float = 0.95,
                  prior: float = 0.0, rng=None, progress=None, n_jobs=None) -> ArenaRanking:
    """Bradley-Terry scores of battles with multinomial-bootstrap intervals and arena ranks.

    ``winner``, ``loser``, ``ties`` as in :func:`win_matrix`; ``systems`` names
    the items 0..n_items-1. With ``prior=0``
    every resample must meet Ford's condition; pass a small ``prior`` (virtual
    ties per pair) when some systems have few battles. ``n_jobs`` runs the
    refits through joblib (on a Dask cluster inside
    ``joblib.parallel_config(backend="dask")``), with the same numbers.
    """
    n_boot = check_integer(n_boot, "n_boot", minimum=2)
    ci = check_level(ci, "ci")
    rng = check_rng(rng)
    winner, loser = np.asarray(winner), np.asarray(loser)
    tie = np.zeros(len(winner), bool) if ties is None else np.asarray(ties, dtype=bool)
    if len(winner) and (winner == loser).any():
        raise AnalysisInputError.about("winner and loser", "two different systems per battle",
                                       f"{int((winner == loser).sum())} self-battles", "Drop them.")
    full, _, _ = _newton(_check_wins(win_matrix(winner, loser, n_items, ties=tie), prior), prior)
    # distinct outcomes and their counts: resampling battles is a multinomial draw of these counts
    outcomes, counts = np.unique(np.column_stack([winner, loser, tie]), axis=0, return_counts=True)
    draws = rng.multinomial(counts.sum(), counts / counts.sum(), size=n_boot)

    a, b, t = outcomes[:, 0], outcomes[:, 1], outcomes[:, 2].astype(bool)

    def refit(draw):
        w = win_matrix(a, b, n_items, ties=t, counts=draw)
        return _newton(_check_wins(w, prior), prior, init=full)[0]  # each resample must meet Ford's condition

    replicates = np.array(map_batches(refit, draws, n_boot, n_jobs=n_jobs, progress=progress,
                                       desc="battle bootstrap"))
    interval = percentile_interval(replicates, ci=ci)
    low, high = interval.low, interval.high
    better = (low[None, :] > high[:, None]).sum(axis=1)  # systems whose interval lies above each one's
    table = ranking_table(full, systems, low=low, high=high, arena_rank=1 + better, tied_with_best=better == 0,
                          p_first=np.bincount(replicates.argmax(axis=1), minlength=n_items) / n_boot)
    return ArenaRanking(table, "Bradley-Terry", replicates, ci)


_VERDICTS = {"A>>B": 1.0, "A>B": 0.5, "A=B": 0.0, "B>A": -0.5, "B>>A": -1.0}


def wildbench_rewards(verdicts, length_a, length_b, *, margin: int = 500) -> np.ndarray:
    """Reward of answer A over answer B per verdict, WildBench's length-margin rule applied.

    ``verdicts`` are ``"A>>B"`` (+1), ``"A>B"`` (+0.5), ``"A=B"`` (0),
    ``"B>A"`` (-0.5), ``"B>>A"`` (-1). A slight win ("A>B" or "B>A") becomes a
    tie when the winner's answer is more than ``margin`` characters longer than
    the loser's.
    """
    verdicts = np.asarray(verdicts, dtype=object)
    unknown = ~np.isin(verdicts, list(_VERDICTS))
    if unknown.any():
        raise AnalysisInputError.about("verdicts", "one of " + ", ".join(_VERDICTS), repr(verdicts[unknown][0]),
                                       "Map the judge's labels to these five.")
    la = check_positive(length_a, "length_a", strict=False, ndim=1)
    lb = check_positive(length_b, "length_b", strict=False, ndim=1)
    if not (len(la) == len(lb) == len(verdicts)):
        raise AnalysisInputError.about("length_a and length_b", "one length per verdict", f"{len(la)}, {len(lb)}",
                                       "Pass the two answers' lengths in characters.")
    reward = np.array([_VERDICTS[v] for v in verdicts])
    longer_winner = ((reward == 0.5) & (la - lb > margin)) | ((reward == -0.5) & (lb - la > margin))
    return np.where(longer_winner, 0.0, reward)
