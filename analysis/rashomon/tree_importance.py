"""Model reliance, model class reliance and feature interaction scores of every tree in a set, exactly.

Switching a feature between two people changes a tree's prediction only for
rows that take another path, so every measure is computed once per distinct
training row and weighted by the row counts.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .._validation import check_choice
from .ranges import RashomonRanges

__all__ = ["TreeImportance"]


class TreeImportance:
    """Importance methods of a fitted tree set (mixed into :class:`SparseTreeRashomonSet`)."""

    def model_reliance(self, *, kind: str = "ratio") -> pd.DataFrame:
        """Model reliance of every tree on every feature (Fisher, Rudin & Dominici 2019), exactly.

        ``e_switch`` averages the 0-1 loss over all ``n (n - 1)`` pairs of
        training rows with feature ``j`` taken from the other row; model
        reliance is ``e_switch / e_orig`` or ``e_switch - e_orig``; the ratio
        is infinite for a tree without training errors (nan when switching
        changes nothing either). Shape ``(n_trees, n_features)``; the columns
        are the feature names.
        """
        blocks = []
        self._stream_reliance(kind, blocks.append)
        return pd.DataFrame(np.concatenate(blocks), columns=self.feature_names_)

    def model_class_reliance(self, *, kind: str = "ratio") -> RashomonRanges:
        """Model class reliance: the range of :meth:`model_reliance` over the set, exactly.

        ``optimum`` is the best tree's reliance, ``low`` and ``high`` are MCR-
        and MCR+ (Fisher, Rudin & Dominici 2019) over every tree in the set.
        """
        ends = {}

        def fold(reliance):  # the best tree's reliance, and the running low and high
            ends.setdefault("optimum", reliance[0])
            ends["low"] = np.fmin(ends.get("low", reliance[0]), reliance.min(axis=0))
            ends["high"] = np.fmax(ends.get("high", reliance[0]), reliance.max(axis=0))

        self._stream_reliance(kind, fold)
        table = pd.DataFrame(ends, index=pd.Index(self.feature_names_))
        quantity = "model reliance" if kind == "ratio" else "model reliance (difference)"
        return RashomonRanges(table.rename_axis("feature"), quantity, self._convention(self.epsilon), "sparse tree")

    def _training_errors(self) -> np.ndarray:
        """Misclassified training rows of every tree at every distinct row, shape (n_trees, u); computed once."""
        if self._train_errors is None:
            counts = self._problem_.counts
            self._train_errors = np.where(self._training_predictions()[0] == 1, counts[:, 0], counts[:, 1])
        return self._train_errors

    def _stream_reliance(self, kind: str, func) -> None:
        """``func(reliance)`` on the model reliance of blocks of trees on every feature, (block, n_features), best
        trees first.

        A tree's errors on a row are ``c1 + P (c0 - c1)`` for its prediction
        ``P`` (0/1) and the row's label counts, so ``e_orig`` and every
        ``e_switch`` are linear in the predictions on the training rows and on
        their switched copies: one matrix product per block, exact (integers
        below 2^53 in float64).
        """
        check_choice(kind, "kind", ("ratio", "difference"))
        self._require_list()
        problem = self._problem_
        rows, counts, n = problem.rows, problem.counts, self._n
        c0, c1 = counts[:, 0].astype(float), counts[:, 1].astype(float)
        pieces, weights, constant = [rows], [np.zeros((len(rows), rows.shape[1] + 1))], np.zeros(rows.shape[1] + 1)
        weights[0][:, -1], constant[-1] = c0 - c1, c1.sum()  # the last column: errors on the training rows
        for j in range(rows.shape[1]):
            for same, partners, moved in self._switch_plan([j]):
                weights[0][:, j] += (c0 - c1) * partners * same
                constant[j] += c1 @ (partners * same)
                if moved is not None:
                    pieces.append(moved)
                    weights.append(np.zeros((len(moved), rows.shape[1] + 1)))
                    weights[-1][:, j] = (c0 - c1)[~same] * partners[~same]
                    constant[j] += c1[~same] @ partners[~same]
        stacked, weights = np.vstack(pieces), np.vstack(weights)
        pairs = np.r_[np.full(rows.shape[1], n * (n - 1)), n]  # e_switch averages over pairs, e_orig over rows

        def reliance_of(block):
            predictions = np.unpackbits(block, axis=1, count=len(stacked)).astype(float)
            losses = (predictions @ weights + constant) / pairs  # e_switch of each feature, then e_orig
            e_switch, e_orig = losses[:, :-1], losses[:, -1:]
            with np.errstate(divide="ignore", invalid="ignore"):  # a tree without errors: inf (nan if 0/0)
                func(e_switch / e_orig if kind == "ratio" else e_switch - e_orig)

        self._stream(stacked, self.n_trees_, reliance_of, "model reliance", cells=8 * len(stacked))

    def _switch_plan(self, columns: list[int]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
        """Per value ``columns`` take in the training rows: the rows already holding it (mask, (u,)), each row's
        partners holding it (weights, (u,)), and the other rows with the value moved in (None if there are none)."""
        problem = self._problem_
        rows, counts = problem.rows, problem.counts
        values, inverse = np.unique(rows[:, columns], axis=0, return_inverse=True)
        inverse = inverse.ravel()
        lenders = np.bincount(inverse, weights=counts.sum(axis=1), minlength=len(values))
        plan = []
        for k, value in enumerate(values):
            same = inverse == k
            moved = None
            if not same.all():
                moved = rows[~same].copy()
                moved[:, columns] = value
            plan.append((same, lenders[k] - same, moved))  # partners: the other rows holding this value
        return plan

    def _switch_total(self, plan, errors: np.ndarray, moved_predictions: list) -> np.ndarray:
        """Per tree, the 0-1 loss averaged over all ``n (n - 1)`` pairs of training rows with the plan's columns
        taken from the partner row, from the trees' errors on the rows (m, u) and their predictions on each moved
        copy; rows that already hold the partner's values keep their predictions."""
        counts, n = self._problem_.counts, self._n
        total = np.zeros(len(errors))
        for (same, partners, _), preds in zip(plan, moved_predictions, strict=True):
            total += errors @ (partners * same)
            if preds is not None:
                wrong = np.where(preds == 1, counts[~same, 0], counts[~same, 1])
                total += wrong @ partners[~same]
        return total / (n * (n - 1))

    def _switch_errors(self, columns: list[int]) -> np.ndarray:
        """Per tree, the 0-1 loss with ``columns`` taken jointly from the partner row, shape (n_trees,)."""
        plan = self._switch_plan(columns)
        moved = [None if rows is None else np.unpackbits(self._predict_rows(rows), axis=1, count=len(rows))
                 for _, _, rows in plan]
        return self._switch_total(plan, self._training_errors(), moved)

    def interaction_scores(self, subsets=None) -> pd.DataFrame:
        """Feature interaction scores of every tree: ``FIS_I = phi_I - sum_{j in I} phi_j``, exactly.

        ``phi_I = e_switch(I) - e_orig`` with the 0-1 loss, ``e_switch`` over
        all pairs of training rows with the features in ``I`` taken jointly from
        the partner (Li et al. 2024, with Fisher et al.'s all-pairs switching).
        ``subsets`` lists tuples of feature indices, pairs or triples (default:
        all pairs); a subset of k features costs up to ``2^k`` passes over the
        set. Shape ``(n_trees, n_subsets)``, columns ``"a x b"``.
        """
        self._require_list()
        p = len(self.feature_names_)
        subsets = [tuple(s) for s in (subsets if subsets is not None else itertools.combinations(range(p), 2))]
        e_orig = self._switch_errors([])
        main = {j: self._switch_errors([j]) - e_orig for j in sorted({j for s in subsets for j in s})}
        names = self.feature_names_
        return pd.DataFrame({" x ".join(names[j] for j in s):
                             self._switch_errors(list(s)) - e_orig - sum(main[j] for j in s) for s in subsets})
