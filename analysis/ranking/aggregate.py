"""Aggregating a score matrix (systems x tasks) into one ranking.

The input is a DataFrame with one row per system and one column per task,
higher scores better, NaN where a system was not evaluated on a task.
Missing cells are never dropped silently: methods that cannot use them ask
for ``missing="ignore"`` (average over the tasks a system has), while
``"borda"`` and ``"copeland"`` are defined on the present cells only.

Methods:

- ``"mean"``, ``"median"``: of the (normalised) scores;
- ``"harmonic_mean"``, ``"geometric_mean"``: of the scores plus ``offset``,
  minus ``offset``, so a system with the same score on every task keeps it.
  Both punish a weak task more than the mean does; BIG-Bench Extra Hard
  (Kazemi et al. 2025) reports the harmonic mean of task accuracies with 1
  point (in percent) added to each, so that a task at 0 does not make the
  mean 0. With ``offset=0`` they are ``scipy.stats.hmean`` and ``gmean``;
- ``"mean_rank"``: mean of per-task ranks (1 = best; ties share the mean rank);
- ``"borda"``: per task, the share of present opponents a system beats (ties
  count half), averaged over the tasks it has;
- ``"copeland"``: pairwise majorities over the tasks both systems have; score
  = majorities won minus majorities lost;
- :func:`kemeny`: the ranking with the fewest pairwise disagreements with the
  per-task rankings.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
from scipy import stats

from .._validation import check_choice, check_integer, check_number, check_rng
from ..errors import AnalysisInputError
from ._inputs import check_scores
from .result import Ranking, ranking_table

__all__ = ["KemenyRanking", "aggregate", "kemeny", "pairwise_preferences"]

METHODS = ("mean", "median", "harmonic_mean", "geometric_mean", "mean_rank", "borda", "copeland")
METHOD_LABELS = {"mean": "Mean", "median": "Median", "harmonic_mean": "Harmonic mean",
                 "geometric_mean": "Geometric mean", "mean_rank": "Mean rank", "borda": "Borda", "copeland": "Copeland"}
_AVERAGES = ("mean", "median", "harmonic_mean", "geometric_mean")  # of the (normalised) scores themselves
NORMALISATIONS = ("raw", "zscore", "minmax", "rank")


def _normalise(values: np.ndarray, how: str) -> np.ndarray:
    """Per-task (column) normalisation, ignoring NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if how == "zscore":
            return (values - np.nanmean(values, axis=0)) / np.nanstd(values, axis=0)
        if how == "minmax":
            low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
            return (values - low) / (high - low)
        if how == "rank":
            return _ranks(values, higher_is_better=True)
    return values


def _ranks(values: np.ndarray, *, higher_is_better: bool) -> np.ndarray:
    """Per-column average ranks of the present cells (1 = lowest), NaN stays NaN."""
    out = np.full_like(values, np.nan)
    for j in range(values.shape[1]):
        present = ~np.isnan(values[:, j])
        column = values[present, j]
        out[present, j] = stats.rankdata(column if higher_is_better else -column)
    return out


def pairwise_preferences(scores) -> np.ndarray:
    """``P[i, j]``: tasks on which system ``i`` scores higher than ``j`` (ties count half; both present)."""
    values = check_scores(scores).to_numpy(dtype=float)
    a, b = values[:, None, :], values[None, :, :]
    both = ~np.isnan(a) & ~np.isnan(b)
    with np.errstate(invalid="ignore"):
        return np.sum(both * ((a > b) + 0.5 * (a == b)), axis=2) - 0.5 * np.eye(len(values)) * both.sum(axis=2)


def _borda(values: np.ndarray) -> np.ndarray:
    """Per system, the mean over its tasks of the share of present opponents beaten (ties half), exactly.

    Shares are summed as fractions and divided once, so systems with equal
    points get equal scores whatever the order of summation.
    """
    present = ~np.isnan(values)
    opponents = present.sum(axis=0) - 1
    counted = present & (opponents > 0)  # a system alone on a task beats no one and loses to no one
    twice_beaten = np.where(counted, 2 * (_ranks(values, higher_is_better=True) - 1), 0).astype(np.int64)
    n_counted = counted.sum(axis=1)
    if counted.all():  # one denominator for every share: integer sums, one division
        return twice_beaten.sum(axis=1) / (2 * opponents[0] * values.shape[1])
    out = np.full(len(values), np.nan)
    for i in np.flatnonzero(n_counted):
        total = sum(Fraction(int(b), 2 * int(o)) for b, o, c in zip(twice_beaten[i], opponents, counted[i]) if c)
        out[i] = float(total / int(n_counted[i]))
    return out


def _shifted_mean(values: np.ndarray, method: str, offset: float) -> np.ndarray:
    """Harmonic or geometric mean over the present cells of each row of ``values + offset``, minus ``offset``."""
    shifted = values + offset
    if (shifted[~np.isnan(shifted)] <= 0).any():
        raise AnalysisInputError.about(
            "scores", f"scores above -offset = {-offset:g} for a {method.replace('_', ' ')}",
            f"{int((shifted[~np.isnan(shifted)] <= 0).sum())} scores at or below it",
            "Pass offset=0.01 for accuracies in [0, 1] or offset=1 for percent, as BIG-Bench Extra Hard does.")
    with np.errstate(divide="ignore"):
        if method == "harmonic_mean":
            return (~np.isnan(shifted)).sum(axis=1) / np.nansum(1 / shifted, axis=1) - offset
        return np.exp(np.nanmean(np.log(shifted), axis=1)) - offset


def aggregate(scores, method: str = "mean", *, normalise: str = "raw", missing: str = "raise",
              offset: float = 0.0, tie_tolerance: float = 0.0) -> Ranking:
    """Aggregate a systems x tasks score matrix into one ranking.

    Parameters
    ----------
    scores : DataFrame
        Systems as rows, tasks as columns, higher is better, NaN for missing.
    method : {'mean', 'median', 'harmonic_mean', 'geometric_mean', 'mean_rank', 'borda', 'copeland'}
    normalise : {'raw', 'zscore', 'minmax', 'rank'}
        Per-task normalisation before the means and the median.
    missing : {'raise', 'ignore'}
        For the means, the median and mean_rank: refuse NaN, or average over present tasks.
    offset : float
        Added to every score before a harmonic or geometric mean and taken off
        after; it must leave every score positive (see the module docstring).
    tie_tolerance : float
        Aggregate scores closer than this share a rank (chained: a run of
        scores each within the tolerance of the next ties as one group). The
        default 0 ties only equal scores, which are exact for Borda, Copeland
        and mean ranks; use a small tolerance for means of rounded columns.

    Returns
    -------
    :class:`Ranking` whose ``score`` is the method's statistic (for
    ``mean_rank`` lower is better) and ``rank`` 1 for the best (equal scores
    share the lowest rank; missing for a system with no score).
    """
    scores = check_scores(scores)
    check_choice(method, "method", METHODS)
    check_choice(normalise, "normalise", NORMALISATIONS)
    check_choice(missing, "missing", ("raise", "ignore"))
    offset = check_number(offset, "offset", minimum=0, fix="Pass e.g. offset=0.01 for accuracies in [0, 1].")
    values = scores.to_numpy(dtype=float)
    if method in (*_AVERAGES, "mean_rank") and np.isnan(values).any() and missing == "raise":
        raise AnalysisInputError.about(
            "scores", f"no missing cells for method='{method}'", f"{int(np.isnan(values).sum())} NaN cells",
            "Pass missing='ignore' to average over the tasks each system has, or use method='borda'.",
        )
    if method == "mean":
        stat = np.nanmean(_normalise(values, normalise), axis=1)
    elif method == "median":
        stat = np.nanmedian(_normalise(values, normalise), axis=1)
    elif method in ("harmonic_mean", "geometric_mean"):
        stat = _shifted_mean(_normalise(values, normalise), method, offset)
    elif method == "mean_rank":
        n_present = (~np.isnan(values)).sum(axis=0)
        stat = np.nanmean(n_present + 1 - _ranks(values, higher_is_better=True), axis=1)  # 1 = best
    elif method == "borda":
        stat = _borda(values)
    else:
        prefs = pairwise_preferences(scores)
        stat = np.sum(np.sign(prefs - prefs.T), axis=1)
    table = ranking_table(stat, scores.index, higher_is_better=method != "mean_rank", tie_tolerance=tie_tolerance)
    normalised = normalise != "raw" and method in _AVERAGES
    return Ranking(table, METHOD_LABELS[method] + (f" ({normalise})" if normalised else ""))


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class KemenyRanking(Ranking):
    """A Kemeny ranking and how far it is from optimal.

    Its ``score`` is the number of systems ranked below each one; no two
    systems tie.

    Attributes
    ----------
    table, method
        As in :class:`Ranking`.
    disagreements : float
        Pairwise disagreements with the per-task rankings (summed over tasks).
    lower_bound : float
        ``sum over pairs of min(P[i, j], P[j, i])``; no ranking does better.
    exact : bool
        Whether the ranking is proven optimal (dynamic programming over subsets).
    """

    disagreements: float
    lower_bound: float
    exact: bool

    @property
    def gap(self) -> float:
        """Upper bound on how many disagreements an optimal ranking could save (0 when exact)."""
        return 0.0 if self.exact else self.disagreements - self.lower_bound

    @property
    def notes(self) -> tuple[str, ...]:
        if self.exact:
            return ("exact: optimal over all orderings",)
        return (f"local search: at most {self.gap:g} disagreements above the optimum",)


def _cost(order: np.ndarray, prefs: np.ndarray) -> float:
    """Disagreements of an ordering: pairs ranked (i before j) that tasks rank the other way."""
    placed = prefs[np.ix_(order, order)]
    return float(np.triu(placed.T, 1).sum())


def _kemeny_exact(prefs: np.ndarray) -> np.ndarray:
    """Optimal ordering by dynamic programming over subsets of placed systems (O(2^n n))."""
    n = len(prefs)
    size = 1 << n
    subsets = np.arange(size)
    popcount = np.zeros(size, dtype=np.int64)
    # inside[v, S]: tasks preferring a member of S over v; built by doubling, one bit at a time
    inside = np.zeros((n, size), dtype=np.float64 if n <= 16 else np.float32)
    for bit in range(n):
        half = 1 << bit
        popcount[half : 2 * half] = popcount[:half] + 1
        inside[:, half : 2 * half] = inside[:, :half] + prefs[bit][:, None]
    column = prefs.sum(axis=0)  # tasks preferring anyone over v
    best = np.full(size, np.inf)
    choice = np.full(size, -1)
    best[0] = 0.0
    for k in range(1, n + 1):
        layer = subsets[popcount == k]
        for v in range(n):
            with_v = layer[(layer >> v) & 1 == 1]
            before = with_v ^ (1 << v)
            # v goes right after the systems in `before`: it disagrees with tasks preferring a later system
            candidate = best[before] + (column[v] - inside[v, before])
            better = candidate < best[with_v]
            best[with_v[better]] = candidate[better]
            choice[with_v[better]] = v
    order, state = [], size - 1
    while state:
        v = choice[state]
        order.append(v)
        state ^= 1 << v
    return np.array(order[::-1])


def _kemeny_local(prefs: np.ndarray, rng, restarts: int) -> np.ndarray:
    """KwikSort (Ailon, Charikar & Newman 2008) from random pivots, then adjacent swaps."""
    n = len(prefs)
    best_order, best_cost = None, np.inf
    for _ in range(restarts):
        order = _kwiksort(np.arange(n), prefs, rng)
        improved = True
        while improved:
            improved = False
            for i in range(n - 1):
                a, b = order[i], order[i + 1]
                if prefs[b, a] > prefs[a, b]:
                    order[i], order[i + 1] = b, a
                    improved = True
        cost = _cost(order, prefs)
        if cost < best_cost:
            best_order, best_cost = order.copy(), cost
    return best_order


def _kwiksort(items: np.ndarray, prefs: np.ndarray, rng) -> np.ndarray:
    if len(items) <= 1:
        return items
    pivot = items[rng.integers(len(items))]
    rest = items[items != pivot]
    ahead = prefs[rest, pivot] > prefs[pivot, rest]
    return np.concatenate([_kwiksort(rest[ahead], prefs, rng), [pivot], _kwiksort(rest[~ahead], prefs, rng)])


def kemeny(scores, *, exact_limit: int = 20, restarts: int = 20, rng=None) -> KemenyRanking:
    """Kemeny consensus of the per-task rankings of a systems x tasks score matrix.

    Exact by dynamic programming for at most ``exact_limit`` systems (about a
    second at 20); above that, KwikSort with adjacent-swap improvement from
    ``restarts`` random pivots, with its optimality gap reported.
    """
    scores = check_scores(scores)
    prefs = pairwise_preferences(scores)
    exact_limit = check_integer(exact_limit, "exact_limit")
    restarts, rng = check_integer(restarts, "restarts"), check_rng(rng)
    n = len(prefs)
    exact = n <= exact_limit
    order = _kemeny_exact(prefs) if exact else _kemeny_local(prefs, rng, restarts)
    lower = float(np.triu(np.minimum(prefs, prefs.T), 1).sum())
    below = np.empty(n)
    below[order] = np.arange(n - 1, -1, -1)  # systems ranked below each one
    return KemenyRanking(ranking_table(below, scores.index), "Kemeny", _cost(order, prefs), lower, exact)
