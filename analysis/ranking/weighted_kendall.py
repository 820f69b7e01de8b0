"""Vigna's (2015) weighted Kendall tau in O(n log n), vectorised.

For a rank ``r`` (0 = most important item) and a weigher ``w(r)``, an exchange
of items ``i`` and ``j`` weighs ``w(r_i) + w(r_j)`` (additive) or
``w(r_i) w(r_j)`` (multiplicative), and

    tau_w = sum_{i<j} w_ij sgn(x_i - x_j) sgn(y_i - y_j)
            / sqrt(sum_{i<j} w_ij [x_i != x_j] * sum_{i<j} w_ij [y_i != y_j]).

Both sums reduce to per-item sums ``U_i = sum_j v_j sgn(x_i - x_j) sgn(y_i - y_j)``
(``v = 1`` additive, ``v = w`` multiplicative). The only non-local part of
``U_i``, the weight of items smaller in both ``x`` and ``y``, is counted by a
bottom-up merge sort whose levels are whole-array numpy operations; the rest
comes from sums over tie groups.

Reference: S. Vigna, "A weighted correlation index for rankings with ties",
WWW 2015. Conventions (ranks, default hyperbolic weigher) are scipy's
``weightedtau``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._validation import check_array, check_consistent_length
from ..errors import AnalysisInputError

__all__ = ["weighted_tau"]

_BASE = 8  # merge sort starts from blocks counted by brute force


def weighted_tau(x, y, *, rank=True, weigher: Callable | None = None, additive: bool = True) -> float:
    """Weighted Kendall tau of two scorings (higher score = more important), scipy's conventions.

    Parameters
    ----------
    x, y : array-like, shape (n,)
        Scores of the same ``n`` items; ties allowed, NaN refused.
    rank : True, None, False or array of int, shape (n,)
        Importance rank of each item (0 = most important). ``None``: decreasing
        lexicographic order of ``(x, y)``; ``True``: the mean of the values for
        ``(x, y)`` and ``(y, x)``; ``False``: the item index. Repeated ranks
        follow the definition above (scipy's merge sort assumes distinct ones).
    weigher : callable, optional
        Vectorised map from an int array of ranks to nonnegative weights;
        default hyperbolic ``1 / (r + 1)``.
    additive : bool
        Exchange weight is the sum (True) or the product (False) of the two weights.

    Returns NaN when a scoring is constant.
    """
    x, y = check_array(x, "x", ndim=1, min_length=2), check_array(y, "y", ndim=1, min_length=2)
    n = check_consistent_length(x=x, y=y)
    weigher = _hyperbolic if weigher is None else weigher
    pairs = _PairStructure(x, y)
    if rank is True:
        ranks = (pairs.rank_xy(), pairs.rank_yx())
    elif rank is None:
        ranks = (pairs.rank_xy(),)
    elif rank is False:
        ranks = (np.arange(n),)
    else:
        ranks = (_check_rank(rank, n),)
    weights = [_check_weights(weigher(r), n) for r in ranks]
    if pairs.x_starts.size == 1 or pairs.y_starts.size == 1:
        return np.nan
    if additive:
        u, untied_x, untied_y = pairs.signed_sums(None), n - pairs.tied_x(None), n - pairs.tied_y(None)
        taus = [_ratio(w @ u, w @ untied_x, w @ untied_y) for w in weights]
    else:
        total = [w.sum() for w in weights]
        taus = [_ratio(w @ pairs.signed_sums(w), w @ (t - pairs.tied_x(w)), w @ (t - pairs.tied_y(w)))
                for w, t in zip(weights, total)]
    return float(np.mean(taus))


def _hyperbolic(r: np.ndarray) -> np.ndarray:
    return 1.0 / (r + 1.0)


def _ratio(numerator: float, untied_x: float, untied_y: float) -> float:
    denominator = np.sqrt(untied_x * untied_y)
    return numerator / denominator if denominator > 0 else np.nan


def _check_rank(rank, n: int) -> np.ndarray:
    arr = check_array(rank, "rank", ndim=1)
    check_consistent_length(x=np.empty(n), rank=arr)
    if np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise AnalysisInputError.about("rank", "nonnegative integers (0 = the most important item)",
                                       f"values from {arr.min():g} to {arr.max():g}",
                                       "Pass integer ranks, or rank=True for scipy's default.")
    return arr.astype(np.int64)


def _check_weights(weights, n: int) -> np.ndarray:
    arr = np.asarray(weights, dtype=float)
    if arr.shape != (n,):
        raise AnalysisInputError.about("weigher", f"a map from an int array of {n} ranks to {n} weights",
                                       f"an output of shape {arr.shape}",
                                       "Write it with numpy operations, e.g. lambda r: 1 / (r + 1).")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise AnalysisInputError.about("weigher", "finite nonnegative weights", "negative or non-finite ones",
                                       "Map every rank to a weight >= 0.")
    return arr


class _PairStructure:
    """Orders and tie groups of ``(x, y)`` shared by every weighting."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        n = x.size
        self.n = n
        self.rx, self.x_starts, x_order = _dense_ranks(x)
        self.ry, self.y_starts, y_order = _dense_ranks(y)
        self.x_ties = self.x_starts.size < n
        self.y_ties = self.y_starts.size < n
        # sequence: ascending (x, y); codes: ascending y, then descending x, then descending sequence position
        self.seq = y_order[_stable_argsort(self.rx[y_order], self.x_starts.size)] if self.x_ties else x_order
        if self.y_ties:
            backwards = self.seq[::-1]
            self.code_order = backwards[_stable_argsort(self.ry[backwards], self.y_starts.size)]
        else:
            self.code_order = y_order

    def rank_xy(self) -> np.ndarray:
        """Rank in decreasing lexicographic order of ``(x, y)``."""
        if not self.x_ties:
            return self.n - 1 - self.rx
        r = np.empty(self.n, dtype=np.int64)
        r[self.seq] = np.arange(self.n - 1, -1, -1)
        return r

    def rank_yx(self) -> np.ndarray:
        """Rank in decreasing lexicographic order of ``(y, x)`` (full ties in any order)."""
        if not self.y_ties:
            return self.n - 1 - self.ry
        group = self.ry[self.code_order]
        ends = np.append(self.y_starts[1:], self.n)
        ascending = self.y_starts[group] + ends[group] - 1 - np.arange(self.n)  # code order reversed within groups
        r = np.empty(self.n, dtype=np.int64)
        r[self.code_order] = self.n - 1 - ascending
        return r

    def tied_x(self, v: np.ndarray | None) -> np.ndarray:
        """Weight of the items sharing each item's ``x`` (itself included), shape (n,)."""
        return _group_totals(self.rx, self.x_starts.size, v)

    def tied_y(self, v: np.ndarray | None) -> np.ndarray:
        return _group_totals(self.ry, self.y_starts.size, v)

    def signed_sums(self, v: np.ndarray | None) -> np.ndarray:
        """``U_i = sum_j v_j sgn(x_i - x_j) sgn(y_i - y_j)``, shape (n,); ``v=None`` means all ones."""
        ones = np.ones(self.n) if v is None else v
        x_less = _less_than(self.rx, self.x_starts.size, v)
        x_greater = ones.sum() - x_less - self.tied_x(v)
        u = x_greater - x_less - 2 * _less_than(self.ry, self.y_starts.size, v)
        code = np.empty(self.n, dtype=np.int64)
        code[self.code_order] = np.arange(self.n)
        # smaller before = LL + EL: smaller in both, or same x and smaller y
        both_less = np.empty(self.n)
        both_less[self.seq] = _smaller_before(code[self.seq], None if v is None else v[self.code_order])
        if self.x_ties:  # EL: same x, smaller y (sequence order sorts by x, then y)
            same_x_less_y, _ = _within_group(self.rx, self.ry, ones, self.seq)
            both_less -= same_x_less_y
            u += 2 * same_x_less_y
        if self.y_ties:  # GE: same y, larger x (code order sorts by y, then decreasing x); LE from the rest
            same_y_greater_x, same_xy = _within_group(self.ry, -self.rx, ones, self.code_order)
            u += self.tied_y(v) - same_xy - 2 * same_y_greater_x
        return u + 4 * both_less


def sorted_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sorting order of ``values``, their dense ranks (0 = smallest) in that order, and where each group starts."""
    order = np.argsort(values)
    ordered = values[order]
    new = np.empty(values.size, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    ranks = np.cumsum(new, dtype=np.intp)
    ranks -= 1
    return order, ranks, np.flatnonzero(new)


def _dense_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense ranks (0 = smallest), the sorted positions where each distinct value starts, and the sorting order."""
    order, ranks_in_order, starts = sorted_ranks(values)
    ranks = np.empty(values.size, dtype=np.int64)
    ranks[order] = ranks_in_order
    return ranks, starts, order


def _stable_argsort(ranks: np.ndarray, n_values: int) -> np.ndarray:
    """Stable argsort of dense ranks; by radix sort when they fit in 16 bits."""
    return np.argsort(ranks.astype(np.uint16) if n_values <= 1 << 16 else ranks, kind="stable")


def _group_totals(groups: np.ndarray, n_groups: int, v: np.ndarray | None) -> np.ndarray:
    """Total weight of each item's group, shape (n,)."""
    if n_groups == groups.size:  # no ties
        return np.ones(groups.size) if v is None else v
    if n_groups > 4 * groups.size:  # sparse labels: compress first
        _, groups = np.unique(groups, return_inverse=True)
        n_groups = groups.max() + 1
    return np.bincount(groups, weights=v, minlength=n_groups)[groups]


def _less_than(ranks: np.ndarray, n_groups: int, v: np.ndarray | None) -> np.ndarray:
    """Weight of the items with a smaller dense rank, shape (n,); ``v=None`` counts."""
    if n_groups == ranks.size and v is None:
        return ranks.astype(float)
    totals = np.bincount(ranks, weights=v, minlength=n_groups)
    below = np.concatenate(([0.0], np.cumsum(totals)[:-1]))
    return below[ranks]


def _within_group(groups: np.ndarray, values: np.ndarray, v: np.ndarray, order: np.ndarray):
    """Per item, shape (n,): weight of its group's items with a smaller value, and with an equal one (itself too).

    ``order`` lists the items sorted by group, then value.
    """
    g, val, w = groups[order], values[order], v[order]
    before = np.concatenate(([0.0], np.cumsum(w)))
    new_group = np.concatenate(([True], g[1:] != g[:-1]))
    new_value = new_group | np.concatenate(([True], val[1:] != val[:-1]))
    value_starts = np.flatnonzero(new_value)
    value_block = np.cumsum(new_value) - 1
    group_start = before[np.flatnonzero(new_group)][np.cumsum(new_group) - 1]
    less, equal = np.empty(v.size), np.empty(v.size)
    less[order] = before[value_starts][value_block] - group_start
    equal[order] = np.diff(before[np.append(value_starts, v.size)])[value_block]
    return less, equal


def _smaller_before(code: np.ndarray, v_by_code: np.ndarray | None) -> np.ndarray:
    """``c_i = sum of v_j over j < i with code_j < code_i``, for a permutation ``code`` of 0..n-1.

    ``v_by_code``: weights indexed by code (``None``: counts). Bottom-up merge
    sort: brute force inside blocks of 8, then each level merges all pairs of
    sorted blocks at once and credits every item of a right block with what of
    its left sibling sorts below it. Keys are ``code << 1 | is_right``; counts
    ride in bits above the code, weights in arrays permuted alongside.
    """
    n = code.size
    size = max(_BASE, 1 << int(np.ceil(np.log2(n))))
    codes = np.concatenate([code, np.arange(n, size)]).reshape(-1, _BASE)
    order = np.argsort(codes, axis=1)
    local = np.empty(codes.shape, dtype=np.int8)
    np.put_along_axis(local, order, np.arange(_BASE, dtype=np.int8)[None, :], axis=1)
    earlier_below = (local[:, None, :] < local[:, :, None]) & np.tri(_BASE, _BASE, -1, dtype=bool)
    if v_by_code is None:
        return _merge_counts(codes, earlier_below.sum(axis=2, dtype=np.int64), order)[code]
    vals = np.concatenate([v_by_code, np.zeros(size - n)])[codes]
    sums = np.take_along_axis(np.einsum("bij,bj->bi", earlier_below, vals), order, axis=1).ravel()
    vals = np.take_along_axis(vals, order, axis=1).ravel()
    keys = np.take_along_axis(codes << 1, order, axis=1).ravel()
    width = _BASE
    while width < size:
        pairs = keys.reshape(-1, 2 * width)
        pairs[:, width:] |= 1
        perm = np.argsort(pairs, axis=1, kind="stable")
        keys = np.take_along_axis(pairs, perm, axis=1).ravel()
        vals = np.take_along_axis(vals.reshape(pairs.shape), perm, axis=1).ravel()
        sums = np.take_along_axis(sums.reshape(pairs.shape), perm, axis=1).ravel()
        is_right = (keys & 1).astype(bool)
        left_below = np.cumsum(np.where(is_right, 0.0, vals).reshape(pairs.shape), axis=1).ravel()
        sums += np.where(is_right, left_below, 0.0)
        keys ^= is_right
        width *= 2
    return sums[code]  # keys are now sorted by code


def _merge_counts(codes: np.ndarray, base_counts: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Unweighted levels of :func:`_smaller_before`; returns the counts indexed by code."""
    size = codes.size
    count_bits = size.bit_length()
    keys = np.take_along_axis((codes << (count_bits + 1)) | (base_counts << 1), order, axis=1).ravel()
    width = _BASE
    while width < size:
        pairs = keys.reshape(-1, 2 * width)
        pairs[:, width:] |= 1
        pairs.sort(axis=1, kind="stable")
        is_right = keys & 1
        lefts = np.cumsum(1 - is_right).reshape(-1, 2 * width)
        lefts[1:] -= lefts[:-1, -1:].copy()
        keys += (lefts.ravel() * is_right) << 1
        keys ^= is_right
        width *= 2
    return ((keys >> 1) & ((1 << count_bits) - 1)).astype(float)
