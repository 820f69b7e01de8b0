"""Exact search over depth-limited decision trees on 0/1 features.

A subproblem is the set of training rows reaching a node together with the
depth left below it. Subproblems reached by the same rows at the same depth are
one node of a lattice, so the trees below it are searched once and shared.

Objectives are integers: with ``lambda = a / b`` (exact fractions), a tree with
``e`` misclassified rows and ``l`` leaves out of ``n`` rows has objective
``e / n + lambda l``, stored as the key ``e b + l a n`` (the objective times
``n b``). Bounds are compared on keys, so no rounding enters the set.

The search runs in passes over the lattice, one level (depth) at a time:

1. ``lattice``: grow the lattice top-down, giving each node a budget from a
   root budget minus lower bounds of its siblings (each sibling a leaf, or a
   split into two leaves that still err on identical feature rows with
   different labels); a node is split only if two leaves fit in its budget.
   Row sets are bits packed in uint64 words, children come from word-wise
   ANDs, and equal row sets are found by hashing. The deepest level's children
   are leaves whose keys follow from their parents' label counts, so the
   optimum and the exact budgets are known before it is built, and only its
   splits within exact budgets are built.
2. ``optimum``: the best objective below every node, bottom-up.
3. ``refine``: exact budgets top-down from the Rashomon threshold minus the
   siblings' optima.
4. ``count`` (histograms of keys) or ``enumerate_trees`` (every tree),
   bottom-up, keeping at each node only the trees within its budget.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pandas as pd

_NODES_PER_BLOCK = 2048  # nodes whose candidate splits are scored at once (their temporaries stay in cache)


@dataclasses.dataclass(frozen=True)
class Problem:
    """Training data reduced to unique 0/1 feature rows.

    ``rows`` (u, p) bool; ``counts`` (u, 2) int64 rows of label 0 and 1;
    ``error_weight`` (b) and ``penalty`` (a n) scale the integer objective keys;
    ``labels`` is ``"majority"`` (ties predict 1) or ``"any"``.
    """

    rows: np.ndarray
    counts: np.ndarray
    error_weight: int
    penalty: int
    labels: str
    trivial_extensions: bool

    @classmethod
    def from_data(cls, X: np.ndarray, y: np.ndarray, regularization: Fraction, labels: str,
                  trivial_extensions: bool) -> Problem:
        rows, inverse = np.unique(X.astype(bool), axis=0, return_inverse=True)
        counts = np.zeros((len(rows), 2), dtype=np.int64)
        np.add.at(counts, (inverse.ravel(), y.astype(np.int64)), 1)
        return cls(rows, counts, regularization.denominator, regularization.numerator * len(y), labels,
                   trivial_extensions)

    def leaf_key(self, counts: np.ndarray) -> np.ndarray:
        """Key of the best leaf for label counts ``(..., 2)``: its label errs on the minority (majority leaves
        predict 1 on ties, erring on as many)."""
        return counts.min(axis=-1) * self.error_weight + self.penalty

    def leaf_options(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Keys and labels of the leaves a node may hold, both shape (s, n_options)."""
        if self.labels == "any":
            labels = np.broadcast_to(np.array([0, 1]), (len(counts), 2))
        else:
            labels = (counts[:, 1] >= counts[:, 0]).astype(np.int64)[:, None]
        errors = np.take_along_axis(counts, 1 - labels, axis=1)
        return errors * self.error_weight + self.penalty, labels


@dataclasses.dataclass
class Level:
    """Nodes at one depth: row sets as bits packed in uint64 words (s, ceil(u / 64)), label counts (s, 2),
    equivalent-point errors (s,), lower-bound budgets (s,), and children (s, p, 2) indices into the next level
    (-1: split not searched)."""

    masks: np.ndarray
    counts: np.ndarray
    equivalent: np.ndarray
    budget: np.ndarray
    children: np.ndarray | None = None


def as_words(packed: np.ndarray) -> np.ndarray:
    """Packed bytes (m, b) as uint64 words (m, ceil(b / 8)), zero-padded."""
    words = np.zeros((len(packed), -(-packed.shape[1] // 8) * 8), dtype=np.uint8)
    words[:, :packed.shape[1]] = packed
    return words.view(np.uint64)


def _pack(bits: np.ndarray) -> np.ndarray:
    """Rows of a bool matrix (m, u) as bits in uint64 words (m, ceil(u / 64)), little-endian."""
    return as_words(np.packbits(bits, axis=1, bitorder="little"))


def _unpack(words: np.ndarray, u: int) -> np.ndarray:
    """The bool matrix (m, u) of packed rows."""
    return np.unpackbits(words.view(np.uint8), axis=1, count=u, bitorder="little").view(bool)


_SPLITMIX = ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB))


def row_hashes(words: np.ndarray, seed: int = 0) -> np.ndarray:
    """One uint64 per row of uint64 ``words`` (m, w): splitmix64's finaliser on each word, offset by its position,
    summed; equal rows hash equally, different rows almost never do (check before relying on it)."""
    z = words + np.random.default_rng(seed).integers(0, 1 << 63, words.shape[1], dtype=np.uint64)
    for shift, multiplier in _SPLITMIX:  # every input bit reaches every output bit
        z ^= z >> np.uint64(shift)
        z *= np.uint64(multiplier)
    z ^= z >> np.uint64(31)
    return z.sum(axis=1, dtype=np.uint64)


def _distinct_rows(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First index of each distinct row of ``words`` (in order of first appearance) and each row's group.

    Rows are hashed to one uint64 and grouped in O(m); a hash shared by different rows (checked) falls back to an
    exact sort of the rows.
    """
    inverse, distinct = pd.factorize(row_hashes(words))
    first = np.empty(len(distinct), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(words) - 1, -1, -1)
    if not (words == words[first[inverse]]).all():
        keys = np.ascontiguousarray(words).view(np.dtype((np.void, words.shape[1] * 8))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.ravel()


@dataclasses.dataclass
class _Splits:
    """Candidate splits of some nodes of a level: node (k,), feature (k,), and per side (left: 0, right: 1)
    label counts (k, 2, 2), equivalent-point errors (k, 2) and lower bounds (k, 2)."""

    node: np.ndarray
    feature: np.ndarray
    counts: np.ndarray
    equivalent: np.ndarray
    bound: np.ndarray

    def __getitem__(self, keep) -> _Splits:
        return _Splits(*(getattr(self, f.name)[keep] for f in dataclasses.fields(self)))


def _candidate_splits(problem: Problem, level: Level, per_feature: np.ndarray, last: bool) -> _Splits:
    """The splits of ``level``'s nodes whose children's lower bounds fit the node's budget (in blocks of nodes that
    keep their temporaries in cache)."""
    b, pen = problem.error_weight, problem.penalty
    u, p = problem.rows.shape
    grow = np.flatnonzero(level.budget >= level.equivalent * b + 2 * pen)
    blocks = []
    for start in range(0, len(grow), _NODES_PER_BLOCK):
        nodes = grow[start:start + _NODES_PER_BLOCK]
        right = (_unpack(level.masks[nodes], u).astype(per_feature.dtype) @ per_feature).round().astype(np.int64)
        r0, r1, eq_right = right[:, :p], right[:, p:2 * p], right[:, 2 * p:]  # (block, p) each
        n0, n1 = level.counts[nodes, :1], level.counts[nodes, 1:]
        l0, l1, eq_left = n0 - r0, n1 - r1, level.equivalent[nodes][:, None] - eq_right
        leaf_left, leaf_right = np.minimum(l0, l1) * b + pen, np.minimum(r0, r1) * b + pen
        if last:
            bound_left, bound_right = leaf_left, leaf_right
        else:  # one-step lookahead: a child is a leaf (its errors) or splits (its equivalent points, two leaves)
            bound_left = np.minimum(leaf_left, eq_left * b + 2 * pen)
            bound_right = np.minimum(leaf_right, eq_right * b + 2 * pen)
        size = r0 + r1
        valid = (size > 0) & (size < n0 + n1) & (bound_left + bound_right <= level.budget[nodes][:, None])
        node, feature = np.nonzero(valid)
        blocks.append(_Splits(nodes[node], feature,
                              np.stack([l0[valid], l1[valid], r0[valid], r1[valid]], axis=1).reshape(-1, 2, 2),
                              np.stack([eq_left[valid], eq_right[valid]], axis=1),
                              np.stack([bound_left[valid], bound_right[valid]], axis=1)))
    if not blocks:
        return _Splits(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 2, 2), np.int64),
                       np.zeros((0, 2), np.int64), np.zeros((0, 2), np.int64))
    return _Splits(*(np.concatenate([getattr(block, f.name) for block in blocks])
                     for f in dataclasses.fields(_Splits)))


def _add_children(level: Level, splits: _Splits, columns: np.ndarray, budget: np.ndarray) -> Level:
    """The next level: the distinct children of ``splits`` (linked from ``level.children``), each with the largest
    budget its parents leave it (``budget`` of the parent minus the sibling's bound)."""
    m, r = level.masks[splits.node], columns[splits.feature]
    masks = np.stack([m & ~r, m & r], axis=1).reshape(-1, columns.shape[1])  # (left, right) per split
    first, inverse = _distinct_rows(masks)
    child_budget = (budget[splits.node][:, None] - splits.bound[:, ::-1]).ravel()
    new_budget = np.full(len(first), -1, dtype=np.int64)
    np.maximum.at(new_budget, inverse, child_budget)
    level.children = np.full((len(level.masks), columns.shape[0], 2), -1, dtype=np.int64)
    level.children[splits.node, splits.feature] = inverse.reshape(-1, 2)
    return Level(masks[first], splits.counts.reshape(-1, 2)[first], splits.equivalent.ravel()[first], new_budget)


def lattice(problem: Problem, n_splits: int, root_budget: int, threshold_of) -> tuple[list[Level], list, list]:
    """The lattice of nodes that can hold a tree within ``threshold_of(optimum key)``, with every node's best key
    and exact budget, ``n_splits`` levels deep; the optimum is searched within ``root_budget`` (at or above it).

    The levels above the deepest are grown within budgets from lower bounds. The deepest level's children are
    leaves whose keys follow from their parents' counts, so the optimum and the exact budgets are known before
    they are built, and only the splits within exact budgets are built.
    """
    rows, counts = problem.rows, problem.counts
    equivalent = counts.min(axis=1)  # errors no tree avoids on a unique row
    u, p = rows.shape
    per_feature = np.hstack([rows * counts[:, :1], rows * counts[:, 1:], rows * equivalent[:, None]])
    per_feature = per_feature.astype(np.float32 if counts.sum() < 1 << 24 else np.float64)  # sums stay exact
    columns = _pack(rows.T)  # (p, words): the rows with each feature set
    levels = [Level(_pack(np.ones((1, u), bool)), counts.sum(axis=0, keepdims=True), equivalent.sum(keepdims=True),
                    np.array([root_budget]))]
    for depth in range(n_splits):
        last = depth == n_splits - 1
        splits = _candidate_splits(problem, levels[-1], per_feature, last)
        if not last:
            levels.append(_add_children(levels[-1], splits, columns, levels[-1].budget))
            continue
        best = optimum(problem, levels, deepest=splits)
        budgets = refine(levels, best, threshold_of(int(best[0][0])))
        kept = splits[splits.bound.sum(axis=1) <= budgets[-1][splits.node]]
        levels.append(_add_children(levels[-1], kept, columns, budgets[-1]))
    best = optimum(problem, levels)
    return levels, best, refine(levels, best, threshold_of(int(best[0][0])))


def greedy_key(problem: Problem, n_splits: int) -> int:
    """The key of a greedy tree (an upper bound on the optimum): each node splits on the feature whose two leaves
    err least, up to ``n_splits`` levels, then each split is kept only where it beats its node as a leaf."""
    rows, counts = problem.rows, problem.counts
    u, p = rows.shape
    per_feature = (rows[:, :, None] * counts[:, None, :]).reshape(u, 2 * p).astype(np.float64)
    masks, level_counts, parents = [np.ones((1, u), bool)], [counts.sum(axis=0, keepdims=True)], []
    for _ in range(n_splits):
        ones = (masks[-1].astype(np.float64) @ per_feature).round().astype(np.int64).reshape(-1, p, 2)
        zeros = level_counts[-1][:, None, :] - ones
        splittable = (ones.sum(axis=2) > 0) & (zeros.sum(axis=2) > 0)
        errors = np.where(splittable, ones.min(axis=2) + zeros.min(axis=2), np.iinfo(np.int64).max)
        node = np.flatnonzero(splittable.any(axis=1))
        feature = errors[node].argmin(axis=1)
        side = rows[:, feature].T
        masks.append(np.stack([masks[-1][node] & ~side, masks[-1][node] & side], axis=1).reshape(-1, u))
        level_counts.append(np.stack([zeros[node, feature], ones[node, feature]], axis=1).reshape(-1, 2))
        parents.append(np.repeat(node, 2))
    best = problem.leaf_key(level_counts[-1])
    for k in range(n_splits - 1, -1, -1):
        split = np.full(len(level_counts[k]), _NONE)
        np.minimum.at(split, parents[k][::2], best[::2] + best[1::2])
        best = np.minimum(problem.leaf_key(level_counts[k]), split)
    return int(best[0])


_NONE = np.iinfo(np.int64).max // 4  # the value of a missing child; sums of two stay finite
NO_BOUND = 1 << 60  # a budget no tree reaches


def _child_values(children: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``values`` of the left and right children, shape (s, p) each; ``_NONE`` where no split."""
    padded = np.append(values, _NONE)  # index -1 reads the pad
    return padded[children[:, :, 0]], padded[children[:, :, 1]]


def optimum(problem: Problem, levels: list[Level], deepest: _Splits | None = None) -> list[np.ndarray]:
    """Best objective key below every node of every level; with ``deepest``, the splits of the deepest level's
    nodes into two leaves, which are not built as a level."""
    best = [problem.leaf_key(levels[-1].counts)]
    if deepest is not None:
        leaves = problem.leaf_key(deepest.counts).sum(axis=1)
        np.minimum.at(best[0], deepest.node, leaves)
    for level in reversed(levels[:-1]):
        leaf = problem.leaf_key(level.counts)
        left, right = _child_values(level.children, best[0])
        split = (left + right).min(axis=1, initial=_NONE)
        best.insert(0, np.minimum(leaf, split))
    return best


def refine(levels: list[Level], best: list[np.ndarray], threshold: int) -> list[np.ndarray]:
    """Exact budgets: the threshold minus the optima of the siblings on the way down."""
    budgets = [np.array([threshold], dtype=np.int64)]
    for k, level in enumerate(levels[:-1]):
        ch = level.children
        b0, b1 = _child_values(ch, best[k + 1])
        own = budgets[k][:, None]
        ok = b0 + b1 <= own
        nxt = np.full(len(levels[k + 1].masks), -1, dtype=np.int64)
        np.maximum.at(nxt, ch[:, :, 0][ok], (own - b1)[ok])
        np.maximum.at(nxt, ch[:, :, 1][ok], (own - b0)[ok])
        budgets.append(nxt)
    return budgets


def _splits(level: Level, best_below: np.ndarray, node: int, budget: int):
    """(feature, left child, right child) of the splits of ``node`` that fit its budget."""
    ch = level.children[node]
    ok = (ch[:, 0] >= 0)
    ok[ok] = best_below[ch[ok, 0]] + best_below[ch[ok, 1]] <= budget
    return [(int(j), int(ch[j, 0]), int(ch[j, 1])) for j in np.flatnonzero(ok)]


def _trivial_keys(keys: np.ndarray, labels: np.ndarray, left: int, right: int) -> list[int]:
    """Keys of the (leaf, leaf) pairs with one label that would be a trivial extension, from the leaf options
    (keys and labels, (s, n_options)) of the level below."""
    if keys.shape[1] == 2:  # either label: options in label order
        return [int(keys[left, 0] + keys[right, 0]), int(keys[left, 1] + keys[right, 1])]
    return [int(keys[left, 0] + keys[right, 0])] if labels[left, 0] == labels[right, 0] else []


def count(problem: Problem, levels: list[Level], best: list[np.ndarray], budgets: list[np.ndarray],
          dtype=np.int64) -> list[dict[int, tuple[np.ndarray, np.ndarray]]]:
    """Per level, per node within budget: the histogram of its trees' keys, (sorted keys, counts).

    ``dtype`` int64 counts exactly (raising OverflowError past 2**62); float64
    counts approximately without limit (for the size of a whole hypothesis space).
    """
    histograms: list[dict] = [{} for _ in levels]
    options = [problem.leaf_options(level.counts) for level in levels]
    largest: dict[int, int] = {}  # the largest count of each node of the level below
    for k in range(len(levels) - 1, -1, -1):
        level, budget, below = levels[k], budgets[k], histograms[k + 1] if k + 1 < len(levels) else {}
        keys = options[k][0]
        for node in np.flatnonzero(budget >= best[k]):
            bud = int(budget[node])
            leaf = keys[node][keys[node] <= bud]
            vals, cnts = [leaf], [np.ones(len(leaf), dtype=dtype)]
            if level.children is not None:
                for _, left, right in _splits(level, best[k + 1], node, bud):
                    (vl, cl), (vr, cr) = below[left], below[right]
                    if dtype == np.int64 and largest[left] * largest[right] * len(cl) > 2**62:
                        raise OverflowError("more than 2**62 trees")
                    sums = vl[:, None] + vr[None, :]
                    keep = sums <= bud
                    vals.append(sums[keep])
                    cnts.append((cl[:, None] * cr[None, :])[keep])
                    if not problem.trivial_extensions:
                        for key in _trivial_keys(*options[k + 1], left, right):
                            if key <= bud:
                                vals.append(np.array([key]))
                                cnts.append(np.array([-1], dtype=dtype))
            v, c = np.concatenate(vals), np.concatenate(cnts)
            order = np.argsort(v, kind="stable")
            v, c = v[order], c[order]
            starts = np.flatnonzero(np.concatenate(([True], v[1:] != v[:-1])))
            v, c = v[starts], np.add.reduceat(c, starts) if len(v) else c
            histograms[k][int(node)] = (v[c != 0], c[c != 0])
        largest = {node: int(c.max(initial=0)) for node, (_, c) in histograms[k].items()}
    return histograms


@dataclasses.dataclass(frozen=True)
class Trees:
    """Every tree within budget, as shared nodes.

    Entry ``i`` is a leaf (``feature[i] == -1``, predicting ``label[i]``) or a
    split on ``feature[i]`` with subtrees ``left[i]`` (feature 0) and
    ``right[i]`` (feature 1), which are earlier entries. ``key`` and ``leaves``
    describe the subtree, ``level`` is its depth. ``roots`` are the entries
    that are whole trees, in increasing key (the entries themselves stay in
    the order they were made).
    """

    feature: np.ndarray
    label: np.ndarray
    left: np.ndarray
    right: np.ndarray
    key: np.ndarray
    leaves: np.ndarray
    level: np.ndarray
    roots: np.ndarray


def _rank_order(keys: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """Stable order of ``keys`` by value, via their ranks among the sorted ``distinct`` values (a radix sort)."""
    dtype = np.uint16 if len(distinct) < 1 << 16 else np.int64  # 16-bit ranks sort by radix
    span = int(distinct[-1] - distinct[0]) + 1
    if span <= max(1 << 16, 4 * len(keys)):  # ranks by table lookup
        table = np.zeros(span, dtype=dtype)
        table[distinct - distinct[0]] = np.arange(len(distinct))
        ranks = table[keys - distinct[0]]
    else:
        ranks = np.searchsorted(distinct, keys).astype(dtype)
    return np.argsort(ranks, kind="stable")


def enumerate_trees(problem: Problem, levels: list[Level], best: list[np.ndarray], budgets: list[np.ndarray],
                    histograms: list[dict]) -> Trees:
    """Every tree within budget at the root, built bottom-up from shared subtrees.

    ``histograms`` (from :func:`count`) size every node's list in advance.
    """
    total = sum(int(c.sum()) for level in histograms for _, c in level.values())
    index = np.int32 if total < 2**31 else np.int64
    room = total + 2  # a node's splits are written before its (at most two) trivial pairs are taken out
    t = Trees(feature=np.empty(room, np.int16), label=np.empty(room, np.int8), left=np.empty(room, index),
              right=np.empty(room, index), key=np.empty(room, np.int64), leaves=np.empty(room, np.int16),
              level=np.empty(room, np.int8), roots=np.zeros(0, index))
    start = 0
    ids: list[dict[int, np.ndarray]] = [{} for _ in levels]  # node -> entry ids, sorted by key
    leaf_ids: list[dict[int, dict[int, tuple[int, int]]]] = [{} for _ in levels]  # node -> {label: (entry, rank)}
    for k in range(len(levels) - 1, -1, -1):
        level, budget = levels[k], budgets[k]
        keys, labels = problem.leaf_options(level.counts)
        for node, (distinct, counts) in histograms[k].items():
            bud, size = int(budget[node]), int(counts.sum())
            sl = slice(start, start + size)
            fit = np.flatnonzero(keys[node] <= bud)
            at = start + len(fit)
            t.feature[start:at], t.label[start:at], t.key[start:at] = -1, labels[node][fit], keys[node][fit]
            t.left[start:at] = t.right[start:at] = -1
            t.leaves[start:at] = 1
            if level.children is not None:
                for feature, left, right in _splits(level, best[k + 1], node, bud):
                    il, ir = ids[k + 1][left], ids[k + 1][right]
                    kl, kr = t.key[il], t.key[ir]
                    n_right = np.searchsorted(kr, bud - kl, side="right")  # right subtrees that fit each left one
                    offset = np.cumsum(n_right) - n_right
                    end = at + int(n_right.sum())
                    li = np.repeat(np.arange(len(kl)), n_right)
                    ri = np.arange(end - at)
                    ri -= np.repeat(offset, n_right)
                    out = slice(at, end)
                    np.take(il, li, out=t.left[out])
                    np.take(ir, ri, out=t.right[out])
                    np.add(kl[li], kr[ri], out=t.key[out])  # gathers from the subtrees' short lists
                    np.add(t.leaves[il][li], t.leaves[ir][ri], out=t.leaves[out])
                    t.feature[out], t.label[out] = feature, -1
                    if not problem.trivial_extensions:  # take out the same-label leaf pairs, the last pair moving in
                        trivial = []
                        for lab, (_, a) in leaf_ids[k + 1][left].items():
                            partner = leaf_ids[k + 1][right].get(lab)
                            if partner is not None and partner[1] < n_right[a]:  # a, c: places in il, ir
                                trivial.append(at + offset[a] + partner[1])
                        for pair in sorted(trivial, reverse=True):  # highest first: a later move cannot hit it
                            for column in (t.feature, t.label, t.left, t.right, t.key, t.leaves):
                                column[pair] = column[end - 1]
                            end -= 1
                    at = end
            if at != start + size:
                raise RuntimeError(f"enumerated {at - start} trees where {size} were counted")
            t.level[sl] = k
            ids[k][node] = np.add(_rank_order(t.key[sl], distinct), start, dtype=index, casting="unsafe")  # by key
            before = np.cumsum(counts) - counts  # entries with a smaller key than each distinct one
            leaf_keys = t.key[start:start + len(fit)]  # leaves are written first; a stable sort keeps their order
            leaf_ids[k][node] = {
                int(t.label[start + e]): (start + e, int(before[np.searchsorted(distinct, key)])
                                          + int(np.sum(leaf_keys[:e] == key)))
                for e, key in enumerate(leaf_keys)}
            start += size
        if k + 1 < len(levels):
            ids[k + 1], leaf_ids[k + 1] = {}, {}
    trimmed = {f.name: getattr(t, f.name)[:total] for f in dataclasses.fields(Trees) if f.name != "roots"}
    return Trees(**trimmed, roots=ids[0].get(0, np.zeros(0, index)))
