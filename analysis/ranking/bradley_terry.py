"""Bradley-Terry scores from pairwise comparisons, and online Elo ratings.

Bradley-Terry: ``P(i beats j) = 1 / (1 + exp(s_j - s_i))``. The maximum-
likelihood scores exist exactly when Ford's (1957) condition holds: in every
split of the items into two groups, some item of each group beats some item of
the other, i.e. the directed "beats" graph is strongly connected. An unbeaten
or a winless item, or two groups never compared, violate it and the MLE runs
off to infinity. :func:`bradley_terry` checks the condition first and refuses
such data with an explanation, unless a ``prior`` is given: ``prior`` virtual
ties between every pair (each a half-win both ways), which is a proper
shrinkage towards equal scores and always yields finite scores.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
from scipy import linalg

from .._validation import (
    check_array,
    check_columns,
    check_consistent_length,
    check_integer,
    check_positive,
    check_rng,
    is_dask,
)
from ..errors import AnalysisInputError, ConvergenceWarning
from ._inputs import check_ford, check_scores, check_ties, system_positions
from .result import Ranking, ranking_table

__all__ = ["BradleyTerryRanking", "battles_from_scores", "bradley_terry", "elo_ratings", "elo_scale", "index_battles",
           "sample_battles", "win_matrix", "win_table"]


def win_matrix(winner, loser, n_items: int, *, ties=None, counts=None) -> np.ndarray:
    """Counts ``W[i, j]`` of wins of item ``i`` over item ``j``; a tie adds half a win to both.

    ``winner``, ``loser``: item indices of each comparison; ``ties``: optional
    boolean flags marking comparisons that ended in a tie; ``counts``: optional
    number of times each comparison happened (default 1 each).
    """
    n_items = check_integer(n_items, "n_items")
    a = np.asarray(winner)
    b = np.asarray(loser)
    if a.shape != b.shape or a.ndim != 1:
        raise AnalysisInputError.about("winner and loser", "two 1-D arrays of equal length", f"{a.shape}, {b.shape}",
                                       "Pass one entry per comparison.")
    if not (np.issubdtype(a.dtype, np.integer) and np.issubdtype(b.dtype, np.integer)):
        raise AnalysisInputError.about("winner and loser", "integer item indices", f"{a.dtype}, {b.dtype}",
                                       "Map item names to 0 .. n_items - 1 first (e.g. pandas.factorize).")
    if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n_items):
        raise AnalysisInputError.about("winner and loser", f"indices in 0 .. {n_items - 1}", "others",
                                       "Check n_items.")
    tie = np.zeros(len(a), dtype=bool) if ties is None else check_ties(ties)
    check_consistent_length(winner=a, ties=tie)
    cells, pair = n_items * n_items, a * n_items + b
    if counts is None and not tie.any():
        return np.bincount(pair, minlength=cells).reshape(n_items, n_items).astype(float)
    weight = np.ones(len(a)) if counts is None else check_positive(counts, "counts", strict=False, ndim=1)
    check_consistent_length(winner=a, counts=weight)
    w = np.bincount(pair, weights=np.where(tie, 0.5, 1.0) * weight, minlength=cells)
    w += np.bincount(b[tie] * n_items + a[tie], weights=0.5 * weight[tie], minlength=cells)
    return w.reshape(n_items, n_items)


def battles_from_scores(scores) -> pd.DataFrame:
    """Every pair of systems on every task of a systems x tasks score matrix, as one battle.

    The higher score wins; equal scores are a tie (``winner`` is then the
    first of the pair); missing cells give no battle. Returns ``winner``,
    ``loser`` (row positions in ``scores``), ``tie`` and ``task``.
    """
    scores = check_scores(scores)
    values = scores.to_numpy()
    i, j = np.triu_indices(len(values), 1)
    a, b = values[i], values[j]  # (pairs, tasks)
    present = ~np.isnan(a) & ~np.isnan(b)
    pair, task = np.nonzero(present)
    first_wins = a[pair, task] >= b[pair, task]
    return pd.DataFrame({
        "winner": np.where(first_wins, i[pair], j[pair]), "loser": np.where(first_wins, j[pair], i[pair]),
        "tie": a[pair, task] == b[pair, task], "task": np.asarray(scores.columns)[task],
    })


def index_battles(battles: pd.DataFrame) -> dict:
    """The arguments of :func:`arena_ranking` from a battles table with model names.

    ``battles`` has ``winner`` and ``loser`` (model names; for a tie, the two
    models in either order) and ``tie``, as :func:`analysis.io.read_results`
    reads arena records. Returns ``winner`` and ``loser`` (indices into
    ``systems``, sorted by name), ``ties``, ``n_items`` and ``systems``:
    ``arena_ranking(**index_battles(battles))``.
    """
    check_columns(battles, ("winner", "loser", "tie"), name="battles")
    codes, systems = pd.factorize(pd.concat([battles["winner"], battles["loser"]], ignore_index=True), sort=True)
    n = len(battles)
    return {"winner": codes[:n], "loser": codes[n:], "ties": check_ties(battles["tie"].to_numpy()),
            "n_items": len(systems), "systems": list(systems)}


def win_table(battles, *, winner: str = "winner", loser: str = "loser", tie: str = "tie") -> pd.DataFrame:
    """Wins of each system (row) over each other (column) from a battles table; a tie gives half to both.

    ``battles`` is a pandas or a Dask DataFrame with one row per battle, as
    :func:`analysis.io.read_results` reads arena records. A Dask table is
    counted partition by partition (the counts of each (winner, loser, tie)
    are added up once), so the result equals the in-memory one exactly.
    Systems are sorted by name; ``bradley_terry(table.to_numpy(), systems=list(table.index))``.
    """
    columns = [winner, loser, tie]
    check_columns(battles, columns, name="battles")
    if is_dask(battles):
        import dask

        parts = dask.compute(*[dask.delayed(_battle_counts)(part, winner, loser, tie)
                               for part in battles[columns].to_delayed()])
        counts = pd.concat(parts).groupby(level=[0, 1, 2]).sum()
    else:
        counts = _battle_counts(battles, winner, loser, tie)
    systems = pd.Index(sorted(set(counts.index.get_level_values(0)) | set(counts.index.get_level_values(1))),
                       name="system")
    first = systems.get_indexer(counts.index.get_level_values(0))
    second = systems.get_indexer(counts.index.get_level_values(1))
    ties = counts.index.get_level_values(2).to_numpy(dtype=bool)
    wins = win_matrix(first, second, len(systems), ties=ties, counts=counts.to_numpy(dtype=float))
    return pd.DataFrame(wins, index=systems, columns=systems.rename("opponent"))


def _battle_counts(battles: pd.DataFrame, winner: str, loser: str, tie: str) -> pd.Series:
    """How many battles each (winner, loser, tie) had, checked: names present, ties true or false."""
    for column in (winner, loser):
        if battles[column].isna().any():
            raise AnalysisInputError.about(column, "a system name in every battle",
                                           f"{int(battles[column].isna().sum())} missing", "Drop or fill them.")
    flags = check_ties(battles[tie].to_numpy())
    return battles[[winner, loser]].assign(**{tie: flags}).groupby([winner, loser, tie], sort=False).size()


def sample_battles(scores, n_battles: int, *, rng=None) -> pd.DataFrame:
    """Random battles from a systems x items score matrix, as an arena would collect them.

    Each battle draws two systems uniformly (redrawing none: battles of a
    system with itself are dropped, so fewer than ``n_battles`` may remain) and
    one item; the higher score on it wins, equal scores tie. Returns ``winner``,
    ``loser`` (row positions in ``scores``), ``tie`` and ``item`` (column position).
    """
    values = check_array(scores.to_numpy(dtype=float), "scores", ndim=2)
    n_battles = check_integer(n_battles, "n_battles")
    rng = check_rng(rng)
    a, b = rng.integers(0, len(values), n_battles), rng.integers(0, len(values), n_battles)
    keep = a != b
    a, b, item = a[keep], b[keep], rng.integers(0, values.shape[1], keep.sum())
    first = values[a, item] >= values[b, item]
    return pd.DataFrame({"winner": np.where(first, a, b), "loser": np.where(first, b, a),
                         "tie": values[a, item] == values[b, item], "item": item})


def elo_scale(scores, *, scale: float = 400.0, initial: float = 1000.0):
    """Bradley-Terry scores on the Elo scale: ``initial + scale / ln(10) * score``.

    Elo's expected score ``1 / (1 + 10^((r_j - r_i) / scale))`` is Bradley-Terry's
    win probability with ``r = scale / ln(10) * s``; ``initial`` fixes the mean.
    """
    check_array(scores, "scores", ndim=(1, 2))  # a Series or DataFrame keeps its labels below
    if np.size(scores) == 0:
        raise AnalysisInputError.about("scores", "at least one score", "none", "Pass Bradley-Terry scores.")
    return initial + check_positive(scale, "scale") / np.log(10) * scores


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class BradleyTerryRanking(Ranking):
    """Bradley-Terry scores (log-strengths, centred to mean 0) and the fit's diagnostics.

    Attributes
    ----------
    table, method
        As in :class:`Ranking`; ``score`` is the log-strength.
    n_iter : int
    converged : bool
    prior : float
        Virtual ties added between every pair (0: plain maximum likelihood).
    log_likelihood : float
        Of the observed comparisons (without the prior).
    """

    n_iter: int
    converged: bool
    prior: float
    log_likelihood: float

    @property
    def title(self) -> str:
        return super().title + (f" (prior: {self.prior:g} virtual ties per pair)" if self.prior else "")

    def probability(self, a, b) -> np.ndarray:
        """``P(a beats b)`` under the fitted scores, for systems (or arrays of systems) ``a`` and ``b``."""
        s = self.table["score"]
        sa, sb = (s.to_numpy()[system_positions(x, s.index, name)] for x, name in ((a, "a"), (b, "b")))
        return 1 / (1 + np.exp(sb - sa))


def _log_likelihood(scores, wins) -> float:
    diff = scores[:, None] - scores[None, :]
    return float(-np.sum(wins * np.logaddexp(0, -diff)))


def bradley_terry(wins, *, systems=None, prior: float = 0.0, max_iter: int = 100,
                  tol: float = 1e-10) -> BradleyTerryRanking:
    """Maximum-likelihood (or, with ``prior``, shrunk) Bradley-Terry scores by Newton's method.

    Parameters
    ----------
    wins : array, shape (k, k)
        ``wins[i, j]``: wins of ``i`` over ``j`` (ties as half-wins both ways,
        see :func:`win_matrix`).
    systems : sequence of k names, optional
        Names of the rows of ``wins`` (default 0..k-1).
    prior : float
        Virtual ties added to every pair; 0 requires Ford's condition.
    """
    w = _check_wins(wins, prior)
    scores, n_iter, converged = _newton(w, prior, max_iter, tol)
    return BradleyTerryRanking(ranking_table(scores, systems), "Bradley-Terry", n_iter, converged, float(prior),
                               _log_likelihood(scores, w))


def _check_wins(wins, prior) -> np.ndarray:
    """``wins`` as a valid count matrix, and Ford's condition checked when there is no ``prior``."""
    w = check_win_counts(wins)
    if not (isinstance(prior, int | float | np.number) and np.isfinite(prior) and prior >= 0):
        raise AnalysisInputError.about("prior", "a finite, non-negative number of virtual ties", repr(prior),
                                       "Pass e.g. 1, or 0 for the maximum-likelihood fit.")
    if prior == 0:
        check_ford(w)
    return w


def check_win_counts(wins) -> np.ndarray:
    """``wins`` as a square matrix of finite, non-negative counts."""
    w = check_array(wins, "wins", ndim=2)
    k = len(w)
    if w.shape != (k, k):
        raise AnalysisInputError.about("wins", "a square matrix of counts", f"shape {w.shape}",
                                       "Build it with win_matrix(winner, loser, n_items).")
    if (w < 0).any():
        raise AnalysisInputError.about("wins", "non-negative counts", f"{int((w < 0).sum())} negative entries",
                                       "Count wins as 0, 1, 2, ...; build the matrix with win_matrix.")
    return w


def _newton(w: np.ndarray, prior: float, max_iter: int = 100, tol: float = 1e-10,
            init=None) -> tuple[np.ndarray, int, bool]:
    """Scores (k,), Newton steps taken and convergence, from ``init`` (default 0)."""
    k = len(w)
    fit = w + prior / 2 * (1 - np.eye(k))
    games = fit + fit.T
    scores = np.zeros(k) if init is None else np.array(init, dtype=float) - np.mean(init)
    converged, n_iter = False, 0
    while not converged and n_iter < max_iter:
        n_iter += 1
        p = 1 / (1 + np.exp(scores[None, :] - scores[:, None]))  # P(i beats j)
        grad = fit.sum(axis=1) - (games * p).sum(axis=1)
        weight = games * p * (1 - p)
        hess = np.diag(weight.sum(axis=1)) - weight  # negative Hessian: a weighted graph Laplacian
        # + 1/k: positive definite (Cholesky), and fixes the free shift
        step = linalg.cho_solve(linalg.cho_factor(hess + 1.0 / k, check_finite=False), grad, check_finite=False)
        scores += step
        scores -= scores.mean()
        converged = np.abs(step).max() < tol
    if not converged:
        warnings.warn(f"Bradley-Terry did not converge in {max_iter} Newton steps", ConvergenceWarning, stacklevel=3)
    return scores, n_iter, bool(converged)


def elo_ratings(
    winner, loser, n_items: int, *, ties=None, systems=None, k: float = 4.0, scale: float = 400.0,
    initial: float = 1000.0, n_shuffles: int = 100, rng=None,
) -> Ranking:
    """Online Elo ratings, averaged over ``n_shuffles`` random orders of the comparisons.

    Each comparison moves the winner up and the loser down by
    ``k (outcome - expected)`` with ``expected = 1 / (1 + 10^((r_j - r_i) / scale))``.
    One order gives path-dependent ratings; averaging over shuffles removes
    most of that dependence. Returns a :class:`Ranking` whose ``score`` is the
    mean rating; ``systems`` names the items 0..n_items-1.
    """
    a, b = np.asarray(winner), np.asarray(loser)
    win_matrix(a, b, n_items, ties=ties)  # validates the inputs
    outcome = np.where(np.zeros(len(a), bool) if ties is None else np.asarray(ties, bool), 0.5, 1.0)
    rng = check_rng(rng)
    n_shuffles = check_integer(n_shuffles, "n_shuffles")
    ratings = np.full((n_shuffles, n_items), float(initial))
    orders = np.argsort(rng.uniform(size=(n_shuffles, len(a))), axis=1)
    rows = np.arange(n_shuffles)
    for step in range(len(a)):  # one comparison at a time, all shuffles at once
        i, j, o = a[orders[:, step]], b[orders[:, step]], outcome[orders[:, step]]
        expected = 1 / (1 + 10 ** ((ratings[rows, j] - ratings[rows, i]) / scale))
        delta = k * (o - expected)
        ratings[rows, i] += delta
        ratings[rows, j] -= delta
    return Ranking(ranking_table(ratings.mean(axis=0), systems), "Elo")
