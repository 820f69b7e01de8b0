"""The Rashomon set of sparse integer scoring systems, enumerated exactly.

A scoring system adds small integer points for a few 0/1 features and
predicts 1 when the total plus an integer offset is positive:
``predict(x) = [b + sum_j c_j x_j > 0]`` with ``c_j`` in
``{-coef_range, ..., coef_range}``, at most ``max_features`` of them nonzero,
and ``b`` in ``{-intercept_range, ..., intercept_range}``. The objective is the
misclassification rate plus ``regularization`` per feature used. Every system
is enumerated: feature subsets one at a time, all their coefficient vectors at
once, and all offsets at once from cumulative counts of the scores.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd

from .._validation import check_array, check_consistent_length, check_integer
from ..errors import AnalysisInputError
from ._base import RashomonSet
from ._inputs import check_binary
from .epsilon import as_fraction, check_epsilon, rashomon_threshold
from .multiplicity import ambiguity, discrepancy

__all__ = ["ScoringSystemRashomonSet"]


class ScoringSystemRashomonSet(RashomonSet):
    """Every sparse integer scoring system within epsilon of the best, on 0/1 features.

    Parameters
    ----------
    max_features : int
        Nonzero coefficients allowed.
    coef_range, intercept_range : int
        Coefficients lie in ``[-coef_range, coef_range]``, offsets in
        ``[-intercept_range, intercept_range]`` (default: ``max_features x coef_range``,
        every offset that can change a prediction, plus one either side).
    regularization : float
        Penalty per nonzero coefficient, in units of the misclassification rate (exact decimal).
    epsilon, epsilon_type : float, {'relative', 'absolute'}

    Attributes (after ``fit``)
    --------------------------
    coefs_ : array, shape (n_models, n_features) of int
    intercepts_ : array, shape (n_models,) of int
    objectives_, losses_ : arrays, shape (n_models,), best first
    n_models_, n_candidates_ : int
        Systems in the set, and in the whole enumerated class.
    optimum_, threshold_ : float
    """

    def __init__(self, max_features: int = 3, coef_range: int = 3, *, intercept_range: int | None = None,
                 regularization: float = 0.01, epsilon: float = 0.05, epsilon_type: str = "relative"):
        self.max_features = max_features
        self.coef_range = coef_range
        self.intercept_range = intercept_range
        self.regularization = regularization
        self.epsilon = epsilon
        self.epsilon_type = epsilon_type

    def _systems(self, rows: np.ndarray, counts: np.ndarray, offsets: np.ndarray):
        """Yield (features, coefficient grid (m, k), errors (m, n_offsets)) for every feature subset."""
        R = self.coef_range
        values = np.array([v for v in range(-R, R + 1) if v != 0])
        for k in range(self.max_features + 1):
            combos = list(itertools.product(values, repeat=k))
            grid = np.array(combos, dtype=np.int64).reshape(len(combos), k)
            for features in itertools.combinations(range(rows.shape[1]), k):
                scores = rows[:, list(features)].astype(np.int64) @ grid.T  # (u, m)
                low = -R * k
                bins = scores - low  # 0 .. 2 R k
                n_bins = 2 * R * k + 1
                flat = bins + n_bins * np.arange(len(grid))[None, :]
                ones = np.bincount(flat.ravel(), np.repeat(counts[:, 1], len(grid)), len(grid) * n_bins)
                zeros = np.bincount(flat.ravel(), np.repeat(counts[:, 0], len(grid)), len(grid) * n_bins)
                ones, zeros = ones.reshape(-1, n_bins), zeros.reshape(-1, n_bins)
                # with offset b, rows scoring s > -b predict 1: errors = zeros above the cut + ones at or below
                cut = np.clip(-offsets - low, -1, n_bins - 1)  # last bin predicted 0
                ones_below = np.concatenate([np.zeros((len(grid), 1)), np.cumsum(ones, axis=1)], axis=1)
                zeros_below = np.concatenate([np.zeros((len(grid), 1)), np.cumsum(zeros, axis=1)], axis=1)
                errors = ones_below[:, cut + 1] + zeros.sum(axis=1, keepdims=True) - zeros_below[:, cut + 1]
                yield features, grid, np.rint(errors).astype(np.int64)

    def fit(self, X, y) -> ScoringSystemRashomonSet:
        """Enumerate every system, find the optimum and keep those within the bound."""
        X, self.feature_names_ = check_binary(X)
        y = check_array(y, "y", ndim=1)
        n = check_consistent_length(X=X, y=y)
        if not np.isin(y, (0, 1)).all() or len(np.unique(y)) < 2:
            raise AnalysisInputError.about("y", "labels 0 and 1, both present", f"values {np.unique(y)[:5]}",
                                           "Encode the two classes as 0 and 1.")
        k = check_integer(self.max_features, "max_features", minimum=0)
        R = check_integer(self.coef_range, "coef_range")
        B = k * R + 1 if self.intercept_range is None else check_integer(self.intercept_range, "intercept_range",
                                                                         minimum=0)
        check_epsilon(self.epsilon, self.epsilon_type)
        lam, eps = as_fraction(self.regularization, "regularization"), as_fraction(self.epsilon, "epsilon")
        rows, inverse = np.unique(X, axis=0, return_inverse=True)
        counts = np.zeros((len(rows), 2), dtype=np.int64)
        np.add.at(counts, (inverse.ravel(), y.astype(np.int64)), 1)
        offsets = np.arange(-B, B + 1)
        # exact keys: objective x n x denominator(lambda) = errors x den + nonzeros x num x n
        den, pen = lam.denominator, lam.numerator * n
        systems = list(self._systems(rows, counts, offsets))
        optimum = min(int(e.min()) * den + len(f) * pen for f, _, e in systems)
        scale = den * n
        bound = rashomon_threshold(optimum, eps * scale if self.epsilon_type == "absolute" else eps,
                                   self.epsilon_type)
        threshold = math.floor(bound)
        coefs, intercepts, keys = [], [], []
        for features, grid, errors in systems:
            key = errors * den + len(features) * pen
            m, b = np.nonzero(key <= threshold)
            full = np.zeros((len(m), X.shape[1]), dtype=np.int64)
            full[:, list(features)] = grid[m]
            coefs.append(full)
            intercepts.append(offsets[b])
            keys.append(key[m, b])
        self.n_candidates_ = sum(e.size for _, _, e in systems)
        order = np.argsort(np.concatenate(keys), kind="stable")
        self.coefs_ = np.concatenate(coefs)[order]
        self.intercepts_ = np.concatenate(intercepts)[order]
        key = np.concatenate(keys)[order]
        self.objectives_ = key / scale
        self.losses_ = (key - np.count_nonzero(self.coefs_, axis=1) * pen) / den / n
        self.n_models_ = len(key)
        self.optimum_, self.threshold_ = optimum / scale, threshold / scale
        self._rows, self._counts = rows, counts
        return self

    @property
    def convention(self) -> str:
        """The set's definition in words."""
        bound = (f"optimum x (1 + {self.epsilon:g})" if self.epsilon_type == "relative"
                 else f"optimum + {self.epsilon:g}")
        return (f"scoring systems with at most {self.max_features} nonzero integer points in "
                f"[-{self.coef_range}, {self.coef_range}] and an integer offset; misclassification rate + "
                f"{self.regularization:g} x features used <= {bound} = {self.threshold_:.6g} "
                f"({self.n_models_:,} of {self.n_candidates_:,} systems enumerated)")

    def predict(self, X) -> np.ndarray:
        """Every system's labels on ``X``, shape ``(n_models, n_rows)``, best first."""
        X, _ = check_binary(X)
        return ((X.astype(np.int64) @ self.coefs_.T + self.intercepts_) > 0).T.astype(np.int8)

    def to_frame(self) -> pd.DataFrame:
        """One row per system: objective, loss, offset and points per feature."""
        table = pd.DataFrame(self.coefs_, columns=self.feature_names_)
        table.insert(0, "intercept", self.intercepts_)
        table.insert(0, "loss", self.losses_)
        table.insert(0, "objective", self.objectives_)
        return table

    def to_json(self, limit: int | None = None) -> str:
        """The convention and the systems (the best ``limit``) as JSON, points by feature name."""
        n = self.n_models_ if limit is None else min(check_integer(limit, "limit"), self.n_models_)
        systems = [{"objective": float(self.objectives_[i]), "intercept": int(self.intercepts_[i]),
                    "points": {self.feature_names_[j]: int(c) for j, c in enumerate(self.coefs_[i]) if c}}
                   for i in range(n)]
        return json.dumps({"convention": self.convention, "optimum": self.optimum_, "threshold": self.threshold_,
                           "n_models": self.n_models_, "systems": systems})

    def multiplicity(self) -> dict:
        """Ambiguity, discrepancy and the number of prediction patterns on the training data."""
        preds = ((self._rows.astype(np.int64) @ self.coefs_.T + self.intercepts_) > 0).T
        weights = self._counts.sum(axis=1)
        return {"ambiguity": ambiguity(preds, preds[0], sample_weight=weights),
                "discrepancy": discrepancy(preds, preds[0], sample_weight=weights),
                "n_patterns": len(np.unique(np.packbits(preds, axis=1), axis=0))}
