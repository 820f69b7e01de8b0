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
import pandas as pd

from .._resample import map_batches
from .._results import Result
from .._validation import check_integer, check_level, check_rng
from ..errors import AnalysisInputError
from .bradley_terry import bradley_terry, win_matrix

__all__ = ["ArenaRanking", "arena_ranking", "wildbench_rewards"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ArenaRanking(Result):
    """Bradley-Terry scores with bootstrap intervals and arena ranks.

    Attributes
    ----------
    table : DataFrame
        One row per system, best first: ``score``, ``low``, ``high``, ``rank``
        (by score), ``arena_rank``, ``tied_with_best``, ``p_first`` (share of
        resamples in which it scores highest).
    replicates : array, shape (n_boot, n_items)
    ci : float
    """

    table: pd.DataFrame
    replicates: np.ndarray
    ci: float

    @property
    def title(self) -> str:
        return f"Arena ranking ({len(self.replicates)} multinomial resamples of the battles)"

    def to_frame(self) -> pd.DataFrame:
        return self.table.reset_index(names="system")

    def plot(self, *, ax=None):
        """Scores with their intervals, best at the top; systems tied with the best in a second colour.

        Returns the Axes.
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        t = self.table
        y = np.arange(len(t))
        tied = t["tied_with_best"].to_numpy()
        for rows, colour, label in ((tied, "C1", "tied with the best"), (~tied, "C0", "below the best")):
            part = t[rows]
            if len(part):
                ax.errorbar(part["score"], y[rows], xerr=[part["score"] - part["low"], part["high"] - part["score"]],
                            fmt="o", ms=3, capsize=2, color=colour, label=label)
        ax.set_yticks(y, [str(s) for s in t.index])
        ax.set_ylim(len(t) - 0.5, -0.5)
        ax.set(xlabel="Bradley-Terry score")
        return ax


def arena_ranking(winner, loser, n_items: int, *, ties=None, names=None, n_boot: int = 200, ci: float = 0.95,
                  prior: float = 0.0, rng=None, progress=None) -> ArenaRanking:
    """Bradley-Terry scores of battles with multinomial-bootstrap intervals and arena ranks.

    ``winner``, ``loser``, ``ties`` as in :func:`win_matrix`. With ``prior=0``
    every resample must meet Ford's condition; pass a small ``prior`` (virtual
    ties per pair) when some systems have few battles.
    """
    n_boot = check_integer(n_boot, "n_boot")
    ci = check_level(ci, "ci")
    rng = check_rng(rng)
    winner, loser = np.asarray(winner), np.asarray(loser)
    tie = np.zeros(len(winner), bool) if ties is None else np.asarray(ties, dtype=bool)
    if len(winner) and (winner == loser).any():
        raise AnalysisInputError.about("winner and loser", "two different systems per battle",
                                       f"{int((winner == loser).sum())} self-battles", "Drop them.")
    full = bradley_terry(win_matrix(winner, loser, n_items, ties=tie), prior=prior)
    # distinct outcomes and their counts: resampling battles is a multinomial draw of these counts
    outcomes, counts = np.unique(np.column_stack([winner, loser, tie]), axis=0, return_counts=True)
    draws = rng.multinomial(counts.sum(), counts / counts.sum(), size=n_boot)

    a, b, t = outcomes[:, 0], outcomes[:, 1], outcomes[:, 2].astype(bool)

    def refit(draw):
        w = win_matrix(a, b, n_items, ties=t, counts=draw)
        return bradley_terry(w, prior=prior, init=full.scores).scores

    replicates = np.array(map_batches(refit, draws, n_boot, progress=progress, desc="battle bootstrap"))
    low, high = np.quantile(replicates, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
    better = (low[None, :] > high[:, None]).sum(axis=1)  # systems whose interval lies above each one's
    order = np.argsort(-full.scores, kind="stable")
    names = np.arange(n_items) if names is None else np.asarray(names)
    table = pd.DataFrame({
        "score": full.scores, "low": low, "high": high,
        "rank": np.argsort(np.argsort(-full.scores, kind="stable")) + 1, "arena_rank": 1 + better,
        "tied_with_best": better == 0, "p_first": np.bincount(replicates.argmax(axis=1), minlength=n_items) / n_boot,
    }, index=names).iloc[order]
    return ArenaRanking(table, replicates, ci)


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
    la, lb = np.asarray(length_a), np.asarray(length_b)
    if not (len(la) == len(lb) == len(verdicts)):
        raise AnalysisInputError.about("length_a and length_b", "one length per verdict", f"{len(la)}, {len(lb)}",
                                       "Pass the two answers' lengths in characters.")
    reward = np.array([_VERDICTS[v] for v in verdicts])
    longer_winner = ((reward == 0.5) & (la - lb > margin)) | ((reward == -0.5) & (lb - la > margin))
    return np.where(longer_winner, 0.0, reward)
