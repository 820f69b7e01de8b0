"""Exact search over depth-limited decision trees on 0/1 features.

A subproblem is the set of training rows reaching a node together with the
depth left below it. Subproblems reached by the same rows at the same depth are
one node of a lattice, so the trees below it are searched once and shared.

Objectives are integers: with ``lambda = a / b`` (exact fractions), a tree with
``e`` misclassified rows and ``l`` leaves out of ``n`` rows has objective
``e / n + lambda l``, stored as the key ``e b + l a n`` (the objective times
``n b``). Bounds are compared on keys, so no rounding enters the set.

The search runs in four passes over the lattice, one level (depth) at a time:

1. ``expand``: grow the lattice top-down, giving each node a budget from a
   root budget minus lower bounds of its siblings (one leaf plus the errors of
   identical feature rows with different labels); a node is split only if two
   leaves fit in its budget.
2. ``optimum``: the best objective below every node, bottom-up.
3. ``refine``: exact budgets top-down from the Rashomon threshold minus the
   siblings' optima.
4. ``count`` (histograms of keys) or ``enumerate`` (every tree), bottom-up,
   keeping at each node only the trees within its budget.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np

_CHUNK_CELLS = 1 << 22  # rows x unique-rows cells per chunk of child masks


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
    """Nodes at one depth: row masks (s, u), label counts (s, 2), lower-bound budgets (s,),
    and children (s, p, 2) indices into the next level (-1: split not searched)."""

    masks: np.ndarray
    counts: np.ndarray
    budget: np.ndarray
    children: np.ndarray | None = None


def expand(problem: Problem, n_splits: int, root_budget: int) -> list[Level]:
    """The lattice of nodes that can hold a tree within ``root_budget``, ``n_splits`` levels deep."""
    rows, counts = problem.rows, problem.counts
    b, pen = problem.error_weight, problem.penalty
    equivalent = counts.min(axis=1)  # errors no tree avoids on a unique row
    u, p = rows.shape
    per_feature = np.concatenate([rows[:, :, None] * counts[:, None, :], (rows * equivalent[:, None])[:, :, None]],
                                 axis=2).reshape(u, 3 * p).astype(np.float64)
    levels = [Level(np.ones((1, u), bool), counts.sum(axis=0, keepdims=True), np.array([root_budget]))]
    for _ in range(n_splits):
        level = levels[-1]
        s = len(level.masks)
        level.children = np.full((s, p, 2), -1, dtype=np.int64)
        parent_eq = level.masks @ equivalent
        grow = np.flatnonzero(level.budget >= parent_eq * b + 2 * pen)
        ones = (level.masks[grow].astype(np.float64) @ per_feature).round().astype(np.int64).reshape(-1, p, 3)
        ones_counts, eq1 = ones[:, :, :2], ones[:, :, 2]
        zeros_counts = level.counts[grow][:, None, :] - ones_counts
        eq0 = parent_eq[grow][:, None] - eq1
        lb0, lb1 = eq0 * b + pen, eq1 * b + pen
        budget = level.budget[grow][:, None]
        valid = (ones_counts.sum(axis=2) > 0) & (zeros_counts.sum(axis=2) > 0) & (lb0 + lb1 <= budget)
        parent, feature = np.nonzero(valid)
        if len(parent) == 0:
            levels.append(Level(np.zeros((0, u), bool), np.zeros((0, 2), np.int64), np.zeros(0, np.int64)))
            continue
        masks = np.empty((2 * len(parent), u), dtype=bool)
        step = max(1, _CHUNK_CELLS // u)
        for start in range(0, len(parent), step):
            sl = slice(start, start + step)
            m = level.masks[grow[parent[sl]]]
            r = rows[:, feature[sl]].T
            masks[2 * start:2 * (start + step):2] = m & ~r
            masks[2 * start + 1:2 * (start + step) + 1:2] = m & r
        packed = np.packbits(masks, axis=1)
        keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        child_budget = np.stack([(budget - lb1)[valid], (budget - lb0)[valid]], axis=1).ravel()
        new_budget = np.full(len(first), -1, dtype=np.int64)
        np.maximum.at(new_budget, inverse, child_budget)
        new_counts = np.stack([zeros_counts[valid], ones_counts[valid]], axis=1).reshape(-1, 2)
        level.children[grow[parent], feature] = inverse.reshape(-1, 2)
        levels.append(Level(masks[first], new_counts[first], new_budget))
    return levels


_NONE = np.iinfo(np.int64).max // 4  # the value of a missing child; sums of two stay finite
NO_BOUND = 1 << 60  # a budget no tree reaches


def _child_values(children: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``values`` of the left and right children, shape (s, p) each; ``_NONE`` where no split."""
    padded = np.append(values, _NONE)  # index -1 reads the pad
    return padded[children[:, :, 0]], padded[children[:, :, 1]]


def optimum(problem: Problem, levels: list[Level]) -> list[np.ndarray]:
    """Best objective key below every node of every level."""
    best = [problem.leaf_options(levels[-1].counts)[0].min(axis=1)]
    for level in reversed(levels[:-1]):
        leaf = problem.leaf_options(level.counts)[0].min(axis=1)
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


def _trivial_pairs(problem: Problem, level: Level, left: int, right: int):
    """Keys of the (leaf, leaf) pairs with one label that would be a trivial extension, by label."""
    keys, labels = problem.leaf_options(level.counts[[left, right]])
    return [(int(lab), int(keys[0, a] + keys[1, c])) for a, lab in enumerate(labels[0])
            for c, lab2 in enumerate(labels[1]) if lab == lab2]


def count(problem: Problem, levels: list[Level], best: list[np.ndarray], budgets: list[np.ndarray],
          dtype=np.int64) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of the objective keys of the trees within budget at the root: (keys, counts).

    ``dtype`` int64 counts exactly (raising OverflowError past 2**62); float64
    counts approximately without limit (for the size of a whole hypothesis space).
    """
    below: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for k in range(len(levels) - 1, -1, -1):
        level, budget = levels[k], budgets[k]
        keys, _ = problem.leaf_options(level.counts)
        here = {}
        for node in np.flatnonzero(budget >= best[k]):
            bud = int(budget[node])
            leaf = keys[node][keys[node] <= bud]
            vals, cnts = [leaf], [np.ones(len(leaf), dtype=dtype)]
            if level.children is not None:
                for _, left, right in _splits(level, best[k + 1], node, bud):
                    (vl, cl), (vr, cr) = below[left], below[right]
                    sums = vl[:, None] + vr[None, :]
                    keep = sums <= bud
                    products = cl[:, None] * cr[None, :]
                    vals.append(sums[keep])
                    cnts.append(products[keep])
                    if not problem.trivial_extensions:
                        for _, key in _trivial_pairs(problem, levels[k + 1], left, right):
                            if key <= bud:
                                vals.append(np.array([key]))
                                cnts.append(np.array([-1], dtype=dtype))
            v, c = np.concatenate(vals), np.concatenate(cnts)
            order = np.argsort(v, kind="stable")
            v, c = v[order], c[order]
            starts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
            v, c = v[starts], np.add.reduceat(c, starts) if len(v) else c
            nonzero = c != 0
            if dtype == np.int64 and len(c) and c.max() > 2**62:
                raise OverflowError("more than 2**62 trees")
            here[int(node)] = (v[nonzero], c[nonzero])
        below = here
    return below.get(0, (np.zeros(0, np.int64), np.zeros(0, dtype)))


@dataclasses.dataclass(frozen=True)
class Trees:
    """Every tree within budget, as shared nodes.

    Entry ``i`` is a leaf (``feature[i] == -1``, predicting ``label[i]``) or a
    split on ``feature[i]`` with subtrees ``left[i]`` (feature 0) and
    ``right[i]`` (feature 1), which are earlier entries. ``key``, ``errors`` and
    ``leaves`` describe the subtree. ``roots`` are the entries that are whole
    trees, sorted by key; ``level`` gives each entry's depth.
    """

    feature: np.ndarray
    label: np.ndarray
    left: np.ndarray
    right: np.ndarray
    key: np.ndarray
    errors: np.ndarray
    leaves: np.ndarray
    level: np.ndarray
    roots: np.ndarray


def enumerate_trees(problem: Problem, levels: list[Level], best: list[np.ndarray],
                    budgets: list[np.ndarray]) -> Trees:
    """Every tree within budget at the root, built bottom-up from shared subtrees."""
    columns = {name: [] for name in ("feature", "label", "left", "right", "key", "errors", "leaves", "level")}
    total = 0
    below: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # node -> (sorted keys, entry ids)
    leaf_ids: dict[int, dict[int, int]] = {}
    errors_of, leaves_of = [], []  # per entry, to sum into parents
    for k in range(len(levels) - 1, -1, -1):
        level, budget = levels[k], budgets[k]
        keys, labels = problem.leaf_options(level.counts)
        errors = np.take_along_axis(level.counts, 1 - labels, axis=1)
        err_all = np.concatenate(errors_of) if errors_of else np.zeros(0, np.int64)
        leaves_all = np.concatenate(leaves_of) if leaves_of else np.zeros(0, np.int64)
        here, here_leaves = {}, {}
        for node in np.flatnonzero(budget >= best[k]):
            bud = int(budget[node])
            fit = keys[node] <= bud
            parts = [dict(feature=np.full(fit.sum(), -1), label=labels[node][fit], left=np.full(fit.sum(), -1),
                          right=np.full(fit.sum(), -1), key=keys[node][fit], errors=errors[node][fit],
                          leaves=np.ones(fit.sum(), np.int64))]
            if level.children is not None:
                for feature, left, right in _splits(level, best[k + 1], node, bud):
                    (kl, il), (kr, ir) = below[left], below[right]
                    n_right = np.searchsorted(kr, bud - kl, side="right")
                    li = np.repeat(np.arange(len(kl)), n_right)
                    ri = np.arange(len(li)) - np.repeat(np.cumsum(n_right) - n_right, n_right)
                    lid, rid, key = il[li], ir[ri], kl[li] + kr[ri]
                    if not problem.trivial_extensions:
                        keep = np.ones(len(lid), bool)
                        for lab, gid in leaf_ids[left].items():
                            if lab in leaf_ids[right]:
                                keep &= (lid != gid) | (rid != leaf_ids[right][lab])
                        lid, rid, key = lid[keep], rid[keep], key[keep]
                    m = len(lid)
                    parts.append(dict(feature=np.full(m, feature), label=np.full(m, -1), left=lid, right=rid, key=key,
                                      errors=err_all[lid] + err_all[rid], leaves=leaves_all[lid] + leaves_all[rid]))
            part = {name: np.concatenate([q[name] for q in parts]) for name in parts[0]}
            order = np.argsort(part["key"], kind="stable")
            ids = total + np.arange(len(order))
            for name, values in part.items():
                columns[name].append(values[order])
            columns["level"].append(np.full(len(order), k))
            errors_of.append(part["errors"][order])
            leaves_of.append(part["leaves"][order])
            is_leaf = part["feature"][order] == -1
            here_leaves[int(node)] = dict(zip(part["label"][order][is_leaf].tolist(), ids[is_leaf].tolist(),
                                              strict=True))
            here[int(node)] = (part["key"][order], ids)
            total += len(order)
        below, leaf_ids = here, here_leaves
    table = {name: np.concatenate(values) if values else np.zeros(0, np.int64) for name, values in columns.items()}
    roots = below[0][1] if 0 in below else np.zeros(0, np.int64)
    return Trees(roots=roots, **table)
