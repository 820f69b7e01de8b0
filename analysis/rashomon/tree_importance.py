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
        check_choice(kind, "kind", ("ratio", "difference"))
        e_orig = self._training_errors().sum(axis=1) / self._n
        reliance = np.empty((len(e_orig), len(self.feature_names_)))
        for j in range(reliance.shape[1]):
            e_switch = self._switch_errors([j])
            with np.errstate(divide="ignore", invalid="ignore"):  # a tree without errors: inf (or nan if 0/0)
                reliance[:, j] = e_switch / e_orig if kind == "ratio" else e_switch - e_orig
        return pd.DataFrame(reliance, columns=self.feature_names_)

    def model_class_reliance(self, *, kind: str = "ratio") -> RashomonRanges:
        """Model class reliance: the range of :meth:`model_reliance` over the set, exactly.

        ``optimum`` is the best tree's reliance, ``low`` and ``high`` are MCR-
        and MCR+ (Fisher, Rudin & Dominici 2019) over every tree in the set.
        """
        reliance = self.model_reliance(kind=kind)
        table = pd.DataFrame({"optimum": reliance.iloc[0], "low": reliance.min(), "high": reliance.max()})
        quantity = "model reliance" if kind == "ratio" else "model reliance (difference)"
        return RashomonRanges(table.rename_axis("feature"), quantity, self._convention(self.epsilon), "sparse tree")

    def _training_errors(self) -> np.ndarray:
        """Misclassified training rows of every tree at every distinct row, shape (n_trees, u); computed once."""
        if self._train_errors is None:
            counts = self._problem_.counts
            self._train_errors = np.where(self._training_predictions()[0] == 1, counts[:, 0], counts[:, 1])
        return self._train_errors

    def _switch_errors(self, columns: list[int]) -> np.ndarray:
        """Per tree, the 0-1 loss averaged over all ``n (n - 1)`` pairs of training rows with
        ``columns`` taken jointly from the partner row, shape (n_trees,).

        Rows that already hold the partner's values keep their predictions; only
        the others are predicted again.
        """
        problem = self._problem_
        rows, counts, n = problem.rows, problem.counts, self._n
        values, inverse = np.unique(rows[:, columns], axis=0, return_inverse=True)
        inverse = inverse.ravel()
        lenders = np.bincount(inverse, weights=counts.sum(axis=1), minlength=len(values))
        unchanged_errors = self._training_errors()
        total = np.zeros(len(unchanged_errors))
        for k, value in enumerate(values):
            same = inverse == k
            partners = lenders[k] - same  # the other rows holding this value
            total += unchanged_errors @ (partners * same)
            if not same.all():
                moved = rows[~same].copy()
                moved[:, columns] = value
                preds = np.unpackbits(self._predict_rows(moved), axis=1, count=len(moved))
                wrong = np.where(preds == 1, counts[~same, 0], counts[~same, 1])
                total += wrong @ partners[~same]
        return total / (n * (n - 1))

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
