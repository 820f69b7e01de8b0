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

    def _stream_reliance(self, kind: str, func) -> None:
        """``func(reliance)`` on the model reliance of blocks of trees on every feature, (block, n_features), best
        trees first: the training rows and every switched copy are predicted in one pass per block, and the losses
        are one matrix product (:meth:`_switch_loss`)."""
        check_choice(kind, "kind", ("ratio", "difference"))
        self._require_list()
        problem = self._problem_
        rows, counts, n = problem.rows, problem.counts, self._n
        u, p = rows.shape
        losses = [self._switch_loss([j]) for j in range(p)]
        stacked = np.vstack([rows, *(copy for copies, _, _ in losses for copy in copies)])
        weights = np.zeros((len(stacked), p + 1))
        weights[:u, p] = counts[:, 0] - counts[:, 1]  # the last column: errors on the training rows
        constant = np.r_[[c for _, _, c in losses], counts[:, 1].sum()]
        at = u
        for j, (_, w, _) in enumerate(losses):
            weights[:u, j] = w[:u]
            weights[at:at + len(w) - u, j] = w[u:]
            at += len(w) - u
        pairs = np.r_[np.full(p, n * (n - 1)), n]  # e_switch averages over pairs, e_orig over rows

        def reliance_of(block):
            predictions = np.unpackbits(block, axis=1, count=len(stacked)).astype(float)
            losses = (predictions @ weights + constant) / pairs  # e_switch of each feature, then e_orig
            e_switch, e_orig = losses[:, :-1], losses[:, -1:]
            with np.errstate(divide="ignore", invalid="ignore"):  # a tree without errors: inf (nan if 0/0)
                func(e_switch / e_orig if kind == "ratio" else e_switch - e_orig)

        self._stream(stacked, self.n_trees_, reliance_of, "model reliance", cells=8 * len(stacked))

    def _switch_loss(self, columns: list[int]) -> tuple[list[np.ndarray], np.ndarray, float]:
        """The 0-1 loss summed over all ``n (n - 1)`` pairs of training rows with ``columns`` taken jointly from the
        partner row, as ``constant + P @ weights``, ``P`` a tree's 0/1 predictions on the distinct training rows,
        then on each switched copy. Returns the copies (the rows not holding the partner's values, with them moved
        in), the weights (u + rows of the copies,) and the constant.

        A tree errs on ``c1 + P (c0 - c1)`` people of a row with label counts
        ``c0``, ``c1``, so the loss is linear in ``P``; exact in float64
        (integers below 2^53).
        """
        problem = self._problem_
        rows, counts = problem.rows, problem.counts
        c0, c1 = counts[:, 0].astype(float), counts[:, 1].astype(float)
        values, inverse = np.unique(rows[:, columns], axis=0, return_inverse=True)
        inverse = inverse.ravel()
        lenders = np.bincount(inverse, weights=counts.sum(axis=1), minlength=len(values))
        copies, weights, constant = [], [np.zeros(len(rows))], 0.0
        for k, value in enumerate(values):
            same = inverse == k
            partners = lenders[k] - same  # the other rows holding this value
            weights[0] += (c0 - c1) * partners * same  # rows holding it keep their predictions
            constant += c1 @ (partners * same)
            if not same.all():
                moved = rows[~same].copy()
                moved[:, columns] = value
                copies.append(moved)
                weights.append((c0 - c1)[~same] * partners[~same])
                constant += c1[~same] @ partners[~same]
        return copies, np.concatenate(weights), float(constant)

    def _switch_errors(self, columns: list[int]) -> np.ndarray:
        """Per tree, the 0-1 loss with ``columns`` taken jointly from the partner row, shape (n_trees,)."""
        copies, weights, constant = self._switch_loss(columns)
        predictions = np.hstack([self._training_predictions()[0],
                                 *(np.unpackbits(self._predict_rows(c), axis=1, count=len(c)) for c in copies)])
        return (predictions @ weights + constant) / (self._n * (self._n - 1))

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
