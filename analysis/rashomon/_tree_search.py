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
   Once a level's splits are scored, its nodes' best splits give two-step
   bounds, which, taken up the lattice and down again, lower every budget
   before the next level is built.
   Row sets are bits packed in uint64 words, children come from word-wise
   ANDs, and equal row sets are found by hashing. The deepest level's children
   are leaves whose keys follow from their parents' label counts, so the
   optimum and the exact budgets are known before it is built, and only its
   splits within exact budgets are built.
2. ``optimum``: the best objective below every node, bottom-up.
3. ``refine``: exact budgets top-down from the Rashomon threshold minus the
   siblings' optima.
4. ``count`` (histograms of keys) or ``enumerate_trees`` (every tree),
   bottom-up, keeping at each node only the trees within its budget. Each
   level is one set of array operations over all its nodes and splits (in
   blocks of about ``_PAIRS_PER_BLOCK`` pairs of subtrees): pairs of the
   children's sorted lists, cut where the sum of keys leaves the budget by
   one search per left subtree.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pandas as pd

from .._bits import pack_rows, unpack_rows

_NODES_PER_BLOCK = 2048  # nodes whose candidate splits are scored at once (their temporaries stay in cache)
_PAIRS_PER_BLOCK = 1 << 18  # pairs of subtrees (or of their keys) combined at once


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
        # np.minimum, not .min(axis=-1): numpy reduces a length-2 axis element by element, about 10x slower on
        # the deepest level's hundreds of thousands of splits
        return np.minimum(counts[..., 0], counts[..., 1]) * self.error_weight + self.penalty

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


def _scored(problem: Problem, level: Level, weights: np.ndarray, budget: np.ndarray, lookahead: bool):
    """Per block of ``level``'s nodes that can split within ``budget`` (blocks keep their temporaries in cache):
    ``(nodes, right, counts, equivalent, bounds, valid)``. ``right`` (block, columns of ``weights``): the right
    children's label counts (p and p) and, when ``weights`` has them, equivalent-point errors (p); ``bounds``:
    the children's lower bounds, (block, p) each, by one-step lookahead if ``lookahead``, else as leaves;
    ``valid``: the splits that send rows both ways and fit the budget."""
    b, pen = problem.error_weight, problem.penalty
    u, p = problem.rows.shape
    grow = np.flatnonzero(budget >= level.equivalent * b + 2 * pen)
    for start in range(0, len(grow), _NODES_PER_BLOCK):
        nodes = grow[start:start + _NODES_PER_BLOCK]
        right = (unpack_rows(level.masks[nodes], u).astype(weights.dtype) @ weights).astype(np.int64)  # exact sums
        counts, equivalent = level.counts[nodes][:, :, None], level.equivalent[nodes][:, None]
        r0, r1 = right[:, :p], right[:, p:2 * p]
        eq = (equivalent - right[:, 2 * p:], right[:, 2 * p:]) if lookahead else (None, None)
        bounds = _child_bounds(problem, counts[:, 0] - r0, counts[:, 1] - r1, eq[0], r0, r1, eq[1])
        size = r0 + r1
        valid = (size > 0) & (size < counts.sum(axis=1)) & (bounds[0] + bounds[1] <= budget[nodes][:, None])
        yield nodes, right, counts, equivalent, bounds, valid


def _candidate_splits(problem: Problem, level: Level, per_feature: np.ndarray, budget: np.ndarray,
                      lookahead: bool) -> _Splits:
    """The splits of ``level``'s nodes whose children's lower bounds fit the node's ``budget``."""
    p = problem.rows.shape[1]
    blocks = []
    for nodes, right, counts, equivalent, _, valid in _scored(problem, level, per_feature, budget, lookahead):
        node, feature = np.nonzero(valid)
        at = node * right.shape[1] + feature  # the splits' places in `right`, flattened; each column gathered once
        r0, r1, eq_right = (np.take(right, at + shift) for shift in (0, p, 2 * p))
        l0, l1, eq_left = counts[node, 0, 0] - r0, counts[node, 1, 0] - r1, equivalent[node, 0] - eq_right
        eq = (eq_left, eq_right) if lookahead else (None, None)
        blocks.append(_Splits(nodes[node], feature, np.stack([l0, l1, r0, r1], axis=1).reshape(-1, 2, 2),
                              np.stack([eq_left, eq_right], axis=1),
                              np.stack(_child_bounds(problem, l0, l1, eq[0], r0, r1, eq[1]), axis=1)))
    if not blocks:
        return _Splits(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 2, 2), np.int64),
                       np.zeros((0, 2), np.int64), np.zeros((0, 2), np.int64))
    return _Splits(*(np.concatenate([getattr(block, f.name) for block in blocks])
                     for f in dataclasses.fields(_Splits)))


def _best_splits(problem: Problem, level: Level, per_feature: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Per node of ``level``, the best key of a split into two leaves within ``budget`` (``_NONE``: none),
    without building the splits."""
    p = problem.rows.shape[1]
    best = np.full(len(level.masks), _NONE)
    for nodes, _, _, _, bounds, valid in _scored(problem, level, per_feature[:, :2 * p], budget, False):
        best[nodes] = np.where(valid, bounds[0] + bounds[1], _NONE).min(axis=1, initial=_NONE)
    return best


def _child_bounds(problem: Problem, l0, l1, eq_left, r0, r1, eq_right):
    """Lower bounds on the keys below the left and right children of splits, from their label counts and
    equivalent-point errors: a leaf (its errors), or where the children can still split (``eq_left`` and
    ``eq_right`` given), one-step lookahead (a split errs on at least the equivalent points, with two leaves)."""
    b, pen = problem.error_weight, problem.penalty
    left, right = np.minimum(l0, l1) * b + pen, np.minimum(r0, r1) * b + pen
    if eq_left is None:
        return left, right
    return np.minimum(left, eq_left * b + 2 * pen), np.minimum(right, eq_right * b + 2 * pen)


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
    columns = pack_rows(rows.T)  # (p, words): the rows with each feature set
    levels = [Level(pack_rows(np.ones((1, u), bool)), counts.sum(axis=0, keepdims=True), equivalent.sum(keepdims=True),
                    np.array([root_budget]))]
    for _ in range(n_splits - 1):
        splits = _candidate_splits(problem, levels[-1], per_feature, levels[-1].budget, lookahead=True)
        if len(levels) > 1:
            splits = _tightened(problem, levels, splits, root_budget)
        levels.append(_add_children(levels[-1], splits, columns, levels[-1].budget))
    if n_splits:  # the deepest splits: first only their best keys, then the splits within exact budgets
        best = optimum(problem, levels, deepest=_best_splits(problem, levels[-1], per_feature, levels[-1].budget))
        budgets = refine(levels, best, threshold_of(int(best[0][0])))
        kept = _candidate_splits(problem, levels[-1], per_feature, budgets[-1], lookahead=False)
        levels.append(_add_children(levels[-1], kept, columns, budgets[-1]))
    best = optimum(problem, levels)
    return levels, best, refine(levels, best, threshold_of(int(best[0][0])))


def _tightened(problem: Problem, levels: list[Level], splits: _Splits, root_budget: int) -> _Splits:
    """Lower every level's budgets with two-step bounds of the deepest level's nodes, and keep the deepest
    level's ``splits`` that still fit.

    A node's two-step bound is its leaf or its best split's children's lookahead bounds; taken up the lattice
    (``optimum`` on bounds) and back down (``refine``), it leaves each node the root budget minus its siblings'
    bounds, which are tighter than the lookahead bounds the budgets were grown with. The bound of a split that
    was not built (it did not fit) is above its node's budget, so leaving it out changes no decision.
    """
    level = levels[-1]
    sums = splits.bound.sum(axis=1)
    split_bound = np.full(len(level.masks), _NONE)
    np.minimum.at(split_bound, splits.node, sums)
    for lv, budget in zip(levels, refine(levels, optimum(problem, levels, deepest=split_bound), root_budget)):
        np.minimum(lv.budget, budget, out=lv.budget)
    keep = sums <= level.budget[splits.node]
    return _Splits(*(getattr(splits, field.name)[keep] for field in dataclasses.fields(_Splits)))


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


def optimum(problem: Problem, levels: list[Level], deepest: np.ndarray | None = None) -> list[np.ndarray]:
    """Best objective key below every node of every level; with ``deepest``, the best key of each deepest node's
    splits into two leaves, which are not built as a level."""
    best = [problem.leaf_key(levels[-1].counts)]
    if deepest is not None:
        best[0] = np.minimum(best[0], deepest)
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


def _splits_within(level: Level, best_below: np.ndarray, budget: np.ndarray, nodes: np.ndarray):
    """``(node, feature, left child, right child)`` of every split of ``nodes`` whose children's optima fit the
    node's budget, in node order, then feature order."""
    left, right = _child_values(level.children[nodes], best_below)
    i, j = np.nonzero(left + right <= budget[nodes][:, None])  # a missing child's _NONE never fits
    return nodes[i], j, level.children[nodes[i], j, 0], level.children[nodes[i], j, 1]


def _leaves_within(problem: Problem, level: Level, budget: np.ndarray, nodes: np.ndarray):
    """``(node, key, label)`` of the leaves of ``nodes`` within the node's budget, in node order, then label order."""
    keys, labels = problem.leaf_options(level.counts[nodes])
    fit = keys <= budget[nodes][:, None]
    return np.broadcast_to(nodes[:, None], keys.shape)[fit], keys[fit], labels[fit]


def _trivial_pairs(problem: Problem, below: Level, node, left, right, budget):
    """``(node, key)`` of the splits into two leaves of one label within budget: the trivial extensions."""
    keys, labels = problem.leaf_options(below.counts)
    same = labels[left] == labels[right]  # either label: options in label order, so always the same
    key = keys[left] + keys[right]
    fit = same & (key <= budget[node][:, None])
    return np.broadcast_to(node[:, None], key.shape)[fit], key[fit]


@dataclasses.dataclass(frozen=True)
class Histograms:
    """The keys of the trees below the nodes of one level: node ``nodes[i]`` (increasing) holds ``counts[j]``
    trees of key ``keys[j]`` for ``j`` in ``start[i]:start[i + 1]`` (keys increasing)."""

    nodes: np.ndarray
    start: np.ndarray
    keys: np.ndarray
    counts: np.ndarray

    @classmethod
    def add_up(cls, node: np.ndarray, key: np.ndarray, count: np.ndarray) -> Histograms:
        """The histograms of ``count`` trees of ``key`` below ``node``, entries of one (node, key) added, zero
        totals dropped."""
        order = np.lexsort((key, node))
        node, key, count = node[order], key[order], count[order]
        first = np.flatnonzero(np.r_[True, (node[1:] != node[:-1]) | (key[1:] != key[:-1])][:len(node)])
        total = np.add.reduceat(count, first)
        kept = first[total != 0]
        node, key, total = node[kept], key[kept], total[total != 0]
        nodes, start = np.unique(node, return_index=True)
        return cls(nodes, np.append(start, len(node)), key, total)

    def of(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """(keys, counts) below ``node`` (empty if it holds no tree)."""
        i = int(np.searchsorted(self.nodes, node))
        if i == len(self.nodes) or self.nodes[i] != node:
            return self.keys[:0], self.counts[:0]
        return self.keys[self.start[i]:self.start[i + 1]], self.counts[self.start[i]:self.start[i + 1]]

    def positions(self, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
        """Per node of the level (``n_nodes``), where its entries start and how many there are (0 if none)."""
        first, size = np.zeros(n_nodes, np.int64), np.zeros(n_nodes, np.int64)
        first[self.nodes], size[self.nodes] = self.start[:-1], np.diff(self.start)
        return first, size


def _blocks(sizes: np.ndarray) -> list[slice]:
    """Consecutive slices of ``sizes`` whose totals stay near ``_PAIRS_PER_BLOCK`` (one item at least per slice)."""
    limit = _PAIRS_PER_BLOCK
    ends = np.searchsorted(np.cumsum(sizes), np.arange(limit, int(sizes.sum()) + limit, limit), side="left") + 1
    bounds = np.unique(np.r_[0, np.minimum(ends, len(sizes))])
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def _ranges(first: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ranges ``first[i], ..., first[i] + count[i] - 1`` one after another: each element's range and value, and
    where each range starts among the elements."""
    start = np.cumsum(count) - count
    owner = np.repeat(np.arange(len(count)), count)
    return owner, np.arange(len(owner)) + (first - start)[owner], start


def _pairs(n_left: np.ndarray, n_right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For items with ``n_left x n_right`` pairs each: the item, left and right place of every pair, row-major."""
    item, within, _ = _ranges(np.zeros(len(n_left), np.int64), n_left * n_right)
    return item, within // n_right[item], within % n_right[item]


def count(problem: Problem, levels: list[Level], best: list[np.ndarray], budgets: list[np.ndarray],
          dtype=np.int64) -> list[Histograms]:
    """Per level, the histogram of the keys of the trees within budget below each node.

    ``dtype`` int64 counts exactly (raising OverflowError past 2**62); float64
    counts approximately without limit (for the size of a whole hypothesis space).
    """
    histograms: list[Histograms] = []
    for k in range(len(levels) - 1, -1, -1):
        level, budget = levels[k], budgets[k]
        nodes = np.flatnonzero(budget >= best[k])
        node, key, _ = _leaves_within(problem, level, budget, nodes)
        parts = [(node, key, np.ones(len(key), dtype))]
        if level.children is not None:
            below = histograms[0]
            parent, _, left, right = _splits_within(level, best[k + 1], budget, nodes)
            first, size = below.positions(len(levels[k + 1].masks))
            first_l, first_r, n_l, n_r = first[left], first[right], size[left], size[right]
            if dtype == np.int64 and len(below.counts):
                largest = np.zeros(len(size))
                largest[below.nodes] = np.maximum.reduceat(below.counts, below.start[:-1])
                if (largest[left] * largest[right] * n_l > 2.0**62).any():
                    raise OverflowError("more than 2**62 trees")
            for block in _blocks(n_l * n_r):
                split, a, b = _pairs(n_l[block], n_r[block])
                i, j = first_l[block][split] + a, first_r[block][split] + b
                total = below.keys[i] + below.keys[j]
                fit = total <= budget[parent[block]][split]
                summed = Histograms.add_up(parent[block][split][fit], total[fit],
                                           below.counts[i][fit] * below.counts[j][fit])
                parts.append((np.repeat(summed.nodes, np.diff(summed.start)), summed.keys, summed.counts))
            if not problem.trivial_extensions:
                node, key = _trivial_pairs(problem, levels[k + 1], parent, left, right, budget)
                parts.append((node, key, -np.ones(len(key), dtype)))
        histograms.insert(0, Histograms.add_up(*(np.concatenate(column) for column in zip(*parts))))
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


@dataclasses.dataclass(frozen=True)
class _Listed:
    """The entries of one level sorted by node, then key (ties in the order written): node ``i`` has
    ``ids[first[i]:first[i] + size[i]]``, with their ``keys`` and ``leaves``; ``place`` (node x ranks + key rank
    among ``distinct``) is sorted with them, to count the entries within a key by one search; ``group_start``:
    where each run of one node and key starts among them, then their number; ``leaf_place`` (nodes, 2) is where a
    node's leaf of each label sits among its entries (-1: none)."""

    ids: np.ndarray
    first: np.ndarray
    size: np.ndarray
    keys: np.ndarray
    leaves: np.ndarray
    distinct: np.ndarray
    place: np.ndarray
    group_start: np.ndarray
    leaf_place: np.ndarray

    def within(self, node: np.ndarray, key: np.ndarray) -> np.ndarray:
        """How many of ``node``'s entries have keys at most ``key``, elementwise."""
        rank = np.searchsorted(self.distinct, key, side="right") - 1  # -1: below every key
        return np.searchsorted(self.place, node * len(self.distinct) + rank, side="right") - self.first[node]


def _key_ranks(keys: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """Ranks of ``keys`` among the sorted ``distinct`` values they are drawn from (by table when the span is small)."""
    if not len(keys):
        return np.zeros(0, np.int64)
    span = int(distinct[-1] - distinct[0]) + 1
    if span > max(1 << 16, 4 * len(keys)):
        return np.searchsorted(distinct, keys)
    table = np.zeros(span, dtype=np.uint16 if len(distinct) <= 1 << 16 else np.int64)
    table[distinct - distinct[0]] = np.arange(len(distinct))
    return table[keys - distinct[0]]


def _run_order(local: np.ndarray, rank: np.ndarray, n_ranks: int, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """The entries of runs sorted by (``local`` node, key ``rank``), ties in the order written: run ``r`` is
    ``length[r]`` entries from ``start[r]`` on, one key each, listed in the order written. Sorting the runs instead
    of the entries makes the order cost a pass over the entries; the ids have ``start``'s integer type."""
    if n_ranks > 1 << 16:
        order = np.argsort(local.astype(np.int64) * n_ranks + rank, kind="stable")
    else:
        order = np.argsort(rank.astype(np.uint16), kind="stable")  # a radix sort
        if local.any():
            order = order[np.argsort(local[order], kind="stable")]
    start, length = start[order], length[order]
    steps = np.ones(int(length.sum()), start.dtype)  # each id is the one before plus one, but where a run starts
    steps[np.cumsum(length[:-1])] = start[1:] - (start[:-1] + length[:-1] - 1)
    steps[:1] = start[:1]
    return np.cumsum(steps, out=steps)


def _compact(local, key, start, length, distinct: np.ndarray, index) -> tuple:
    """Runs (``_run_order``) in small integer types, keys as ranks among ``distinct``: a listing's runs can number
    millions."""
    return local.astype(index), _key_ranks(key, distinct), start.astype(index), length.astype(index)


def enumerate_trees(problem: Problem, levels: list[Level], best: list[np.ndarray], budgets: list[np.ndarray],
                    histograms: list[Histograms]) -> Trees:
    """Every tree within budget at the root, built bottom-up from shared subtrees, a level's nodes at once.

    A node's entries are its leaves (in label order), then its splits' pairs of subtrees (in feature order,
    then by the left subtree's key, then the right's). ``histograms`` (from :func:`count`) size the lists in
    advance and check them.
    """
    sizes = [np.add.reduceat(h.counts, h.start[:-1]) if len(h.counts) else np.zeros(0, np.int64)
             for h in histograms]  # trees below each node with a histogram
    total = int(sum(int(size.sum()) for size in sizes))
    index = np.int32 if total < 2**31 else np.int64
    key_type = np.int32 if int(budgets[0].max(initial=0)) < 2**31 else np.int64  # no key exceeds the root's budget
    t = Trees(feature=np.empty(total, np.int16), label=np.empty(total, np.int8), left=np.empty(total, index),
              right=np.empty(total, index), key=np.empty(total, key_type), leaves=np.empty(total, np.int16),
              level=np.empty(total, np.int8), roots=np.zeros(0, index))
    at, below = 0, None
    for k in range(len(levels) - 1, -1, -1):
        level, budget, h = levels[k], budgets[k], histograms[k]
        orders, leaves = [], []
        distinct = np.unique(h.keys)
        for block in _blocks(sizes[k]):
            nodes, n_trees = h.nodes[block], sizes[k][block]
            end = at + int(n_trees.sum())
            node_first = at + np.cumsum(n_trees) - n_trees
            node, key, label = _leaves_within(problem, level, budget, nodes)
            leaf_local = np.searchsorted(nodes, node)
            n_leaves = np.bincount(leaf_local, minlength=len(nodes))
            dest = node_first[leaf_local] + np.arange(len(node)) - (np.cumsum(n_leaves) - n_leaves)[leaf_local]
            t.feature[dest], t.label[dest], t.left[dest], t.right[dest], t.key[dest], t.leaves[dest] = \
                -1, label, -1, -1, key, 1
            leaves.append((node, label, key))
            runs = [_compact(leaf_local, key, dest, np.ones(len(key)), distinct, index)]  # leaves lead ties
            written = n_leaves
            if level.children is not None:
                pairs, pair_runs = _write_splits(t, problem, level, budget, best[k + 1], below, nodes,
                                                 node_first + n_leaves, distinct)
                runs.append(pair_runs)
                written = written + pairs
            if not np.array_equal(written, n_trees):
                raise RuntimeError(f"enumerated {int(written.sum())} trees where {int(n_trees.sum())} were counted")
            t.level[at:end] = k
            local, rank, start, length = (np.concatenate(column) for column in zip(*runs))
            ids = _run_order(local, rank, len(distinct), start, length)
            orders.append(ids)
            at = end
        ids = orders[0] if len(orders) == 1 else np.concatenate([np.zeros(0, index), *orders])  # no copy of one
        if k == 0:
            return dataclasses.replace(t, roots=ids)
        leaf_columns = [np.concatenate(c) for c in zip(*leaves)] if leaves else [np.zeros(0, np.int64)] * 3
        below = _listed(t, level, h, sizes[k], ids, distinct, *leaf_columns)
    raise RuntimeError("no levels")


def _write_splits(t: Trees, problem: Problem, level: Level, budget: np.ndarray, best_below: np.ndarray,
                  below: _Listed, nodes: np.ndarray, pairs_first: np.ndarray, distinct: np.ndarray):
    """Write the split entries of ``nodes`` (pairs of subtrees within budget), node ``i``'s from ``pairs_first[i]``
    on. Returns the pairs written per node and their runs of one key (``_compact``)."""
    parent, feature, left, right = _splits_within(level, best_below, budget, nodes)
    items = _Items.of(problem, below, parent, left, right, budget, feature)
    item_local = np.searchsorted(nodes, parent)[items.split]
    if len(nodes) == 1:  # written a block of items at a time
        place = int(pairs_first[0])
        for chunk in _blocks(items.n_pairs):
            item, right_at = items.pairs(chunk)
            _write_pairs(t, slice(place, place + len(item)), item, right_at, items, below)
            place += len(item)
        pairs = np.array([place - int(pairs_first[0])])
    else:
        item, right_at = items.pairs(slice(None))
        local = item_local[item]
        pairs = np.bincount(local, minlength=len(nodes))
    # items, hence pairs and runs, come in node order: a running count over all of them, less the pairs of the
    # nodes before, places each within its node
    base = pairs_first - (np.cumsum(pairs) - pairs)
    if len(nodes) > 1:
        _write_pairs(t, base[local] + np.arange(len(item)), item, right_at, items, below)
    item, key, length = items.runs(below)
    local = item_local[item]
    return pairs, _compact(local, key, base[local] + np.cumsum(length) - length, length, distinct, t.left.dtype)


def _listed(t: Trees, level: Level, h: Histograms, sizes: np.ndarray, ids: np.ndarray, distinct: np.ndarray,
            leaf_node: np.ndarray, leaf_label: np.ndarray, leaf_key: np.ndarray) -> _Listed:
    """One level's entries (``ids`` sorted by node, then key) as the level above reads them."""
    first, size = np.zeros(len(level.masks), np.int64), np.zeros(len(level.masks), np.int64)
    first[h.nodes], size[h.nodes] = np.cumsum(sizes) - sizes, sizes
    keys = t.key[ids]
    place = np.repeat(h.nodes, sizes) * len(distinct) + _key_ranks(keys, distinct)
    group_start = np.append(np.flatnonzero(np.r_[True, place[1:] != place[:-1]][:len(place)]), len(place))
    listed = _Listed(ids, first, size, keys, t.leaves[ids], distinct, place, group_start,
                     np.full((len(level.masks), 2), -1))
    # a leaf sits after the node's entries of smaller keys (keys are integers) and an earlier leaf of equal key
    tied = np.r_[False, (leaf_node[1:] == leaf_node[:-1]) & (leaf_key[1:] == leaf_key[:-1])][:len(leaf_node)]
    listed.leaf_place[leaf_node, leaf_label] = listed.within(leaf_node, leaf_key - 1) + tied
    return listed


@dataclasses.dataclass(frozen=True)
class _Items:
    """The (split, left subtree) items of some splits: ``split`` (index into the splits), the split's ``feature``
    (int16), ``left_at`` (the left subtree's place in the level below), its right subtrees within budget
    (``n_right`` of them from place ``right_first`` on), and ``trivial`` (items, 2): per label, the right
    subtree that would make a trivial extension (-1: none) when those are excluded."""

    split: np.ndarray
    feature: np.ndarray
    left_at: np.ndarray
    n_right: np.ndarray
    right_first: np.ndarray
    trivial: np.ndarray

    @classmethod
    def of(cls, problem: Problem, below: _Listed, parent, left, right, budget, feature) -> _Items:
        split, left_at, first_item = _ranges(below.first[left], below.size[left])
        n_right = below.within(right[split], budget[parent][split] - below.keys[left_at])
        trivial = np.full((len(split), 2), -1)
        if not problem.trivial_extensions:  # a split into two leaves of one label
            a_leaf, b_leaf = below.leaf_place[left], below.leaf_place[right]  # (splits, 2)
            s, label = np.nonzero((a_leaf >= 0) & (b_leaf >= 0))
            at, b = first_item[s] + a_leaf[s, label], b_leaf[s, label]
            fits = b < n_right[at]
            trivial[at[fits], label[fits]] = b[fits]
        return cls(split, feature.astype(np.int16)[split], left_at, n_right, below.first[right][split], trivial)

    @property
    def n_pairs(self) -> np.ndarray:
        """Pairs made per item."""
        return self.n_right - (self.trivial >= 0).sum(axis=1)

    def runs(self, below: _Listed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(item, key, length)`` of the runs of pairs of one key, in the order the pairs are written: an item's
        right subtrees within budget are whole runs of one key of ``below`` (less a trivial extension)."""
        groups = below.group_start
        g0 = np.searchsorted(groups, self.right_first)
        item, group, first_run = _ranges(g0, np.searchsorted(groups, self.right_first + self.n_right) - g0)
        length = groups[group + 1] - groups[group]
        i, label = np.nonzero(self.trivial >= 0)
        dropped = np.searchsorted(groups, self.right_first[i] + self.trivial[i, label], side="right") - 1
        np.subtract.at(length, first_run[i] + dropped - g0[i], 1)
        kept = length > 0  # a run of one trivial extension is gone
        item, group, length = item[kept], group[kept], length[kept]
        return item, below.keys[self.left_at[item]] + below.keys[groups[group]], length

    def pairs(self, chunk: slice) -> tuple[np.ndarray, np.ndarray]:
        """``(item, right_at)`` of every pair of the items in ``chunk``, in item order, then right subtree order."""
        trivial = self.trivial[chunk]
        item, right_at, first_pair = _ranges(self.right_first[chunk], self.n_right[chunk])
        i, label = np.nonzero(trivial >= 0)
        if len(i):
            keep = np.ones(len(item), bool)
            keep[first_pair[i] + trivial[i, label]] = False
            item, right_at = item[keep], right_at[keep]
        return item + (chunk.start or 0), right_at


def _write_pairs(t: Trees, dest, item, right_at, items: _Items, below: _Listed) -> None:
    """Write the split entries of the pairs ``(item, right_at)`` at ``dest`` (a slice, or places)."""
    left = items.left_at[item]
    if not isinstance(dest, slice):
        t.feature[dest], t.label[dest], t.left[dest], t.right[dest] = items.feature[item], -1, below.ids[left], \
            below.ids[right_at]
        t.key[dest] = below.keys[left] + below.keys[right_at]
        t.leaves[dest] = below.leaves[left] + below.leaves[right_at]
        return
    # straight into the columns (mode="clip" keeps numpy from buffering the output)
    np.take(items.feature, item, out=t.feature[dest], mode="clip")
    t.label[dest] = -1
    np.take(below.ids, left, out=t.left[dest], mode="clip")
    np.take(below.ids, right_at, out=t.right[dest], mode="clip")
    np.add(np.take(below.keys, left), np.take(below.keys, right_at), out=t.key[dest])
    np.add(np.take(below.leaves, left), np.take(below.leaves, right_at), out=t.leaves[dest])
