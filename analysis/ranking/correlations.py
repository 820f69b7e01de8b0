"""Rank correlations between two scorings of the same items.

Kendall's tau compares concordant and discordant pairs ``C`` and ``D``, counted
in O(n log n) (Knight 1966). Ties follow Kendall's variants (scipy's conventions):

- tau-a: ``(C - D) / (n (n - 1) / 2)``;
- tau-b: ``(C - D) / sqrt((n0 - n1)(n0 - n2))`` with ``n1``, ``n2`` the pairs
  tied in ``x`` and in ``y``;
- tau-c (Stuart): ``2 (C - D) / (n^2 (m - 1) / m)`` with ``m`` the smaller
  number of distinct values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats._stats import _kendall_dis  # compiled merge count of discordant pairs

from .._resample import bootstrap
from .._validation import check_array, check_choice, check_consistent_length, check_integer, check_number
from ..errors import AnalysisInputError
from ._inputs import check_scores
from .weighted_kendall import sorted_ranks, weighted_tau

__all__ = ["agreement_matrix", "correlation_ci", "kendall_tau", "kendall_w", "rank_biased_overlap", "spearman_rho",
           "top_k_kendall", "top_k_overlap"]


def _tied_pairs(starts: np.ndarray, n: int) -> int:
    """Pairs inside the groups that begin at the sorted positions ``starts`` of ``n`` items."""
    if starts.size == n:
        return 0
    return _tied_pairs_of_counts(np.diff(np.append(starts, n)))


def _tied_pairs_of_counts(sizes: np.ndarray) -> int:
    """Pairs inside groups of the given sizes."""
    return int(np.sum(sizes * (sizes - 1) // 2))


def _few_values(values: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Dense ranks (uint16, 0 = smallest) and the number of distinct values, found by hashing in O(n), when there
    are at most 2^16 distinct values; None otherwise (a probe of the first 4096 skips continuous scores early)."""
    if np.unique(values[:4096]).size > 2048:
        return None
    codes, uniques = pd.factorize(values)
    if uniques.size > 1 << 16:
        return None
    rank_of = np.empty(uniques.size, dtype=np.uint16)
    rank_of[np.argsort(uniques)] = np.arange(uniques.size)
    return rank_of[codes], uniques.size


def kendall_tau(x, y, *, variant: str = "b") -> float:
    """Kendall's rank correlation (variant ``"a"``, ``"b"`` or ``"c"``) in O(n log n).

    The items are put in ``(u, v)`` order, and scipy's compiled merge count
    (Knight 1966) counts the discordant pairs. When one scoring has at most
    2^16 distinct values (a benchmark's item scores, a Likert scale), it is
    ``u``: its dense ranks come from hashing and the order from one radix sort,
    so the only comparison sort is the other scoring's. Otherwise both are
    sorted. Tie counts come from the same passes. Equals
    ``scipy.stats.kendalltau`` for ``"b"`` and ``"c"``. NaN when one scoring is
    constant (tau-b, tau-c); tau-a is then 0.
    """
    check_choice(variant, "variant", ("a", "b", "c"))
    x, y = check_array(x, "x", ndim=1), check_array(y, "y", ndim=1)
    n = check_consistent_length(x=x, y=y)
    few = _few_values(x)
    if few is None and (few := _few_values(y)) is not None:
        x, y = y, x
    order_v, ranks_v, starts_v = sorted_ranks(y)
    if few is not None:
        u_rank, n_u = few
        u_by_v = u_rank[order_v]  # in v's sorted order, so a stable sort by u gives (u, v) order
        perm = np.argsort(u_by_v, kind="stable")  # a radix sort of 16-bit ranks
        tied_u = _tied_pairs_of_counts(np.bincount(u_rank, minlength=n_u))
    else:
        order_u, ranks_u, starts_u = sorted_ranks(x)
        n_u = starts_u.size
        u_rank = np.empty(n, dtype=np.intp)
        u_rank[order_u] = ranks_u
        u_by_v = u_rank[order_v]
        if n_u == n:  # no ties: the ranks are a permutation, its inverse sorts them
            perm = np.empty(n, dtype=np.intp)
            perm[u_by_v] = np.arange(n)
        else:
            perm = np.argsort(u_by_v * starts_v.size + ranks_v)
        tied_u = _tied_pairs(starts_u, n)
    total = n * (n - 1) // 2
    tied_v = _tied_pairs(starts_v, n)
    if tied_u == total or tied_v == total:
        return 0.0 if variant == "a" else np.nan
    seq_u, seq_v = u_by_v[perm].astype(np.intp), ranks_v[perm]
    joint = 0  # pairs tied in both
    if tied_u and tied_v:
        joint = _tied_pairs(np.flatnonzero(np.r_[True, (seq_u[1:] != seq_u[:-1]) | (seq_v[1:] != seq_v[:-1])]), n)
    seq_v += 1  # the merge count takes ranks from 1
    discordant = int(_kendall_dis(seq_u, seq_v))
    difference = total - tied_u - tied_v + joint - 2 * discordant  # C - D
    if variant == "a":
        return difference / total
    if variant == "b":
        return float(np.clip(difference / np.sqrt(total - tied_u) / np.sqrt(total - tied_v), -1.0, 1.0))
    m = min(n_u, starts_v.size)
    return float(np.clip(2 * difference / (n**2 * (m - 1) / m), -1.0, 1.0))


def spearman_rho(x, y) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    x, y = check_array(x, "x", ndim=1), check_array(y, "y", ndim=1)
    check_consistent_length(x=x, y=y)
    return float(np.corrcoef(stats.rankdata(x), stats.rankdata(y))[0, 1])


def top_k_overlap(x, y, k: int) -> float:
    """Share of the ``k`` highest-scored items under ``x`` that are also among the ``k`` highest under ``y``.

    Ties at the cut-off are broken by item order (stable), the same way for both.
    """
    x, y = check_array(x, "x", ndim=1), check_array(y, "y", ndim=1)
    n = check_consistent_length(x=x, y=y)
    k = check_integer(k, "k")
    k = min(k, n)
    top_x = np.argsort(-x, kind="stable")[:k]
    top_y = np.argsort(-y, kind="stable")[:k]
    return len(np.intersect1d(top_x, top_y)) / k


def top_k_kendall(ranking_a, ranking_b, *, p: float = 0.5) -> float:
    """Kendall distance between two top-k lists, K^(p) of Fagin, Kumar & Sivakumar (2003), normalised to [0, 1].

    ``ranking_a``, ``ranking_b``: the top ``k`` item identifiers, best first.
    Over pairs of items from either list: 1 when the lists order them
    differently (an item missing from a list ranks below all its items), ``p``
    when both items are missing from one list (the order there is unknown).
    Divided by ``k^2 + p k (k - 1)``, the distance of disjoint lists. 0 for
    identical lists.
    """
    a, b = list(ranking_a), list(ranking_b)
    k = len(a)
    if len(b) != k or k == 0 or len(set(a)) != k or len(set(b)) != k:
        raise AnalysisInputError.about("ranking_b", f"{k} distinct items, like ranking_a", f"{len(b)} items",
                                       "Pass the top-k of both rankings with the same k and no repeats.")
    if check_number(p, "p", minimum=0, fix="Pass a penalty in [0, 1], e.g. p=0.5.") > 1:
        raise AnalysisInputError.about("p", "a penalty in [0, 1]", repr(p), "Pass e.g. p=0.5.")
    items = list(dict.fromkeys(a + b))
    pos_a = np.array([a.index(i) if i in a else k for i in items])  # k: below the list
    pos_b = np.array([b.index(i) if i in b else k for i in items])
    i, j = np.triu_indices(len(items), 1)
    both_missing = ((pos_a[i] == k) & (pos_a[j] == k)) | ((pos_b[i] == k) & (pos_b[j] == k))
    opposite = np.sign(pos_a[i] - pos_a[j]) * np.sign(pos_b[i] - pos_b[j]) < 0
    distance = np.sum(np.where(both_missing, p, opposite.astype(float)))
    return float(distance / (k * k + p * k * (k - 1)))


def rank_biased_overlap(ranking_a, ranking_b, *, p: float = 0.9) -> float:
    """Extrapolated rank-biased overlap (Webber, Moffat & Zobel 2010, eq. 32) of two rankings.

    ``ranking_a``, ``ranking_b``: item identifiers from best to worst, of equal
    length (the items may differ). The agreement at depth ``d`` (the shared
    share of the two top-``d`` lists) is weighted by ``p^d``: smaller ``p``
    looks only at the top. 1 for identical rankings, 0 for disjoint ones.
    """
    a, b = list(ranking_a), list(ranking_b)
    if len(a) != len(b) or not a:
        raise AnalysisInputError.about("ranking_b", f"a ranking of {len(a)} items, like ranking_a", f"{len(b)}",
                                       "Truncate both rankings to the same depth.")
    if not (isinstance(p, int | float) and not isinstance(p, bool) and 0 < p < 1):
        raise AnalysisInputError.about("p", "a persistence in (0, 1)", repr(p), "Pass e.g. p=0.9.")
    for name, ranking in (("ranking_a", a), ("ranking_b", b)):
        if len(set(ranking)) != len(ranking):
            raise AnalysisInputError.about(name, "each item once", f"{len(ranking) - len(set(ranking))} repeats",
                                           "A ranking lists every item once, best first; drop the repeats.")
    seen_a, seen_b, overlap, total = set(), set(), 0, 0.0
    for d, (item_a, item_b) in enumerate(zip(a, b), start=1):
        if item_a == item_b:
            overlap += 1
        else:
            overlap += (item_a in seen_b) + (item_b in seen_a)
        seen_a.add(item_a)
        seen_b.add(item_b)
        total += overlap / d * p**d
    k = len(a)
    return float(overlap / k * p**k + (1 - p) / p * total)


def kendall_w(scores) -> float:
    """Kendall's coefficient of concordance W of the per-task rankings, with the tie correction.

    ``scores``: systems x tasks (higher is better, complete). With ``n`` systems,
    ``m`` tasks and rank sums ``R_i``: ``W = 12 S / (m^2 (n^3 - n) - m T)``, where
    ``S = sum (R_i - mean R)^2`` and ``T`` sums ``t^3 - t`` over tied groups within
    tasks. 1 when every task ranks the systems alike, near 0 when they disagree.
    """
    values = check_array(scores, "scores", ndim=2)
    n, m = values.shape
    if n < 2 or m < 2:
        raise AnalysisInputError.about("scores", "at least 2 systems and 2 tasks", f"shape {values.shape}",
                                       "Pass a larger table.")
    ranks = stats.rankdata(values, axis=0)
    totals = ranks.sum(axis=1)
    s = float(np.sum((totals - totals.mean()) ** 2))
    ties = 0.0
    for j in range(m):
        _, counts = np.unique(values[:, j], return_counts=True)
        ties += float(np.sum(counts**3 - counts))
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator <= 0:
        raise AnalysisInputError.about("scores", "some task that tells the systems apart", "every task ties them all",
                                       "W is undefined (0/0) when no task ranks the systems.")
    return 12 * s / denominator


def _best_first(scores: np.ndarray) -> np.ndarray:
    return np.argsort(-scores, kind="stable")


_BY_NAME = {
    "kendall": kendall_tau,
    "weighted_tau": weighted_tau,
    "spearman": spearman_rho,
    "top_k_overlap": top_k_overlap,
    "rbo": lambda x, y, p=0.9: rank_biased_overlap(_best_first(x), _best_first(y), p=p),
    "top_k_kendall": lambda x, y, k, p=0.5: top_k_kendall(_best_first(x)[:k], _best_first(y)[:k], p=p),
}


def correlation_ci(x, y, statistic="kendall", *, n_boot: int = 2000, ci: float = 0.95, method: str = "percentile",
                   rng=None, **options):
    """Bootstrap interval of a rank correlation of paired scores, resampling the items (pairs).

    ``statistic``: a name, ``"kendall"``, ``"weighted_tau"``, ``"spearman"``,
    ``"top_k_overlap"`` (needs ``k``), ``"rbo"`` or ``"top_k_kendall"`` (both on
    the rankings the scores imply, higher first; ``k``, ``p`` as options), or
    any ``statistic(x, y)`` on 1-D arrays. ``options`` go to the statistic.
    Returns the :class:`~analysis._resample.BootstrapResult` (estimate,
    interval, replicates).
    """
    if isinstance(statistic, str):
        check_choice(statistic, "statistic", tuple(_BY_NAME))
        statistic = _BY_NAME[statistic]
    x, y = check_array(x, "x", ndim=1), check_array(y, "y", ndim=1)
    check_consistent_length(x=x, y=y)

    def per_resample(xs, ys):
        return np.array([statistic(a, b, **options) for a, b in zip(xs, ys)])

    return bootstrap(per_resample, x, y, n_boot=n_boot, ci=ci, method=method, rng=rng, batch_size=200)


def agreement_matrix(table, *, statistic: str = "kendall") -> pd.DataFrame:
    """Pairwise agreement of the columns of ``table``, each a ranking or a score of the same systems.

    ``statistic`` is ``"kendall"`` (tau-b, ties allowed) or ``"spearman"``.
    Returns a symmetric DataFrame indexed and labelled by ``table``'s columns,
    with 1 on the diagonal. Columns must be oriented alike (all ranks, or all
    scores where higher is better).
    """
    check_choice(statistic, "statistic", ("kendall", "spearman"))
    table = check_scores(table, "table")
    if table.shape[1] < 2 or table.isna().any().any():
        raise AnalysisInputError.about("table", "a column per ranking (at least two), every system in each",
                                       f"{table.shape[1]} columns, {int(table.isna().sum().sum())} missing cells",
                                       "Put each ranking or score in its own column; drop incomplete systems.")
    values = {name: table[name].to_numpy() for name in table.columns}
    measure = kendall_tau if statistic == "kendall" else spearman_rho
    names = list(table.columns)
    out = np.eye(len(names))
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            out[i, j] = out[j, i] = measure(values[a], values[names[j]])
    return pd.DataFrame(out, index=names, columns=names)
