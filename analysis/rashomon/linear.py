"""The exact Rashomon set of least squares and ridge regression: an ellipsoid.

With weights ``w = (b, b0)`` (coefficients, then the intercept when
``fit_intercept``) and the objective ``L(w) = |y - X b - b0|^2 / n +
l2_penalty / 2 |b|^2`` (the intercept is not penalised), the set of weights
within ``epsilon`` of the optimum is

    {w : (w - w*)^T H (w - w*) <= epsilon},   H = A^T A / n + l2_penalty / 2 D,

with ``A = [X, 1]`` and ``D`` the identity on the coefficients, because the
objective is exactly quadratic. Every question about the set has a closed
form: the range of any weight or of any prediction ``a^T w`` is ``a^T w* -/+
sqrt(epsilon a^T H^-1 a)``, and uniform samples come from the unit ball mapped
through ``H^(-1/2)``. When ``H`` is singular (more features than independent
rows, no penalty), the set is unbounded along its null space and the ranges
there are reported as infinite, never as large finite numbers.

The epsilon convention is explicit (``epsilon_type``): ``"absolute"`` adds
``epsilon`` to the optimal objective, ``"relative"`` multiplies it by ``1 + epsilon``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from .._validation import check_array, check_choice, check_consistent_length, check_integer, check_number, check_rng
from ..errors import AnalysisInputError
from ._base import RashomonSet
from .ranges import RashomonRanges
from .ratio import RashomonRatio, check_box, monte_carlo_ratio

__all__ = ["LinearRashomonSet"]


class LinearRashomonSet(RashomonSet):
    """The Rashomon set of (ridge) least squares, exactly.

    Parameters
    ----------
    epsilon : float
        Tolerance on the objective.
    epsilon_type : {'absolute', 'relative'}
        ``objective <= optimum + epsilon`` or ``objective <= optimum (1 + epsilon)``.
    l2_penalty : float
        ``l2_penalty / 2 |b|^2`` is added to the mean squared error (0: ordinary
        least squares); the tolerance applies to the penalised objective.
    fit_intercept : bool
        Add an unpenalised intercept (the last weight).

    Attributes (after ``fit``)
    --------------------------
    coef_ : array, shape (d,)
    intercept_ : float
        The optimum (0 without an intercept).
    weights_ : array, shape (d + fit_intercept,)
        The optimum as one weight vector: coefficients, then the intercept.
    optimum_ : float
        The optimal objective.
    threshold_ : float
        ``epsilon`` converted to an absolute excess over the optimum.
    bounded_ : bool
        Whether the set is bounded (``H`` positive definite).
    """

    def __init__(self, epsilon: float = 0.05, *, epsilon_type: str = "relative", l2_penalty: float = 0.0,
                 fit_intercept: bool = True):
        self.epsilon = epsilon
        self.epsilon_type = epsilon_type
        self.l2_penalty = l2_penalty
        self.fit_intercept = fit_intercept

    def _design(self, X) -> np.ndarray:
        X = check_array(X, "X", ndim=2)
        return np.column_stack([X, np.ones(len(X))]) if self.fit_intercept else X

    def fit(self, X, y) -> LinearRashomonSet:
        A = self._design(X)
        y = check_array(y, "y", ndim=1)
        n = check_consistent_length(X=A, y=y)
        check_choice(self.epsilon_type, "epsilon_type", ("absolute", "relative"))
        check_number(self.epsilon, "epsilon", minimum=0, strict=True, fix="Pass the tolerance, e.g. epsilon=0.05.")
        check_number(self.l2_penalty, "l2_penalty", minimum=0, fix="Pass e.g. l2_penalty=0 (least squares).")
        mask = np.ones(A.shape[1])
        if self.fit_intercept:
            mask[-1] = 0.0
        hessian = A.T @ A / n + self.l2_penalty / 2 * np.diag(mask)
        eigenvalues, eigenvectors = np.linalg.eigh(hessian)
        tol = eigenvalues.max() * A.shape[1] * np.finfo(float).eps
        self.bounded_ = bool(eigenvalues.min() > tol)
        self._w = self.weights_ = np.linalg.lstsq(hessian, A.T @ y / n, rcond=None)[0]
        self._A, self._y, self._mask = A, y, mask
        self._eigen = (eigenvalues, eigenvectors, tol)
        self.coef_ = self._w[:-1] if self.fit_intercept else self._w
        self.intercept_ = float(self._w[-1]) if self.fit_intercept else 0.0
        self.optimum_ = float(self.objective(self._w)[0])
        self.threshold_ = float(self.epsilon if self.epsilon_type == "absolute" else self.epsilon * self.optimum_)
        return self

    def objective(self, weights) -> np.ndarray:
        """The (penalised) mean squared error on the training data of weight rows ``(b, b0)``, shape (m,)."""
        W = np.atleast_2d(check_array(weights, "weights", ndim=(1, 2)))
        if W.shape[1] != self._A.shape[1]:
            raise AnalysisInputError.about("weights", f"{self._A.shape[1]} weights per row (coefficients"
                                           + (", then the intercept)" if self.fit_intercept else ")"),
                                           f"{W.shape[1]}", "Pass rows as sample() returns them.")
        residual = self._y[None, :] - W @ self._A.T
        return np.mean(residual**2, axis=1) + self.l2_penalty / 2 * np.sum(W**2 * self._mask, axis=1)

    def predict(self, X, *, weights=None) -> np.ndarray:
        """Predictions of the optimum, shape (n,), or of each row of ``weights``, shape (m, n)."""
        A = self._design(X)
        if weights is None:
            return A @ self._w
        self.objective(weights)  # checks the rows' length
        return np.atleast_2d(weights) @ A.T

    def decision_ambiguity(self, X, threshold: float) -> float:
        """Share of the rows of ``X`` whose decision ``prediction > threshold`` some member of the set flips, exactly.

        A row can be flipped exactly when its prediction range straddles the threshold.
        """
        threshold = check_number(threshold, "threshold", fix="Pass the decision threshold on the prediction.")
        ranges = self.prediction_range(X)
        return float(np.mean((ranges["low"] < threshold) & (ranges["high"] > threshold)))

    @property
    def convention(self) -> str:
        """The epsilon convention in words, printed with every summary."""
        kind = ("optimum + " if self.epsilon_type == "absolute" else "optimum x (1 + ") + f"{self.epsilon:g}"
        kind += "" if self.epsilon_type == "absolute" else ")"
        target = "mean squared error" + (f" + {self.l2_penalty:g}/2 |b|^2" if self.l2_penalty else "")
        return f"Rashomon set: {target} <= {kind} (absolute excess {self.threshold_:.4g})"

    def _quadratic_form_inverse(self, vectors: np.ndarray) -> np.ndarray:
        """``v^T H^-1 v`` for rows ``v``; inf where ``v`` reaches the null space of ``H``."""
        eigenvalues, eigenvectors, tol = self._eigen
        proj = vectors @ eigenvectors
        null = eigenvalues <= tol
        finite = np.sum(proj[:, ~null] ** 2 / eigenvalues[~null], axis=1)
        reaches_null = np.abs(proj[:, null]).max(axis=1, initial=0.0) > 1e-9 * np.linalg.norm(vectors, axis=1)
        return np.where(reaches_null, np.inf, finite)

    def prediction_range(self, X) -> pd.DataFrame:
        """Lowest and highest prediction over the set, per row of ``X``: ``prediction``, ``low``, ``high``."""
        A = self._design(X)
        centre = A @ self._w
        half = np.sqrt(self.threshold_ * self._quadratic_form_inverse(A))
        return pd.DataFrame({"prediction": centre, "low": centre - half, "high": centre + half})

    def coefficient_ranges(self, feature_names=None) -> RashomonRanges:
        """Range of every coefficient (and the intercept) over the set, infinite along unidentified directions.

        Coefficients are named by ``feature_names``, else ``x0``, ``x1``, ...
        """
        d = len(self._w)
        half = np.sqrt(self.threshold_ * self._quadratic_form_inverse(np.eye(d)))
        names = [f"x{j}" for j in range(len(self.coef_))] if feature_names is None else list(feature_names)
        table = pd.DataFrame({"optimum": self._w, "low": self._w - half, "high": self._w + half},
                             index=pd.Index(names + ["intercept"] * self.fit_intercept, name="coefficient"))
        return RashomonRanges(table, "coefficient", self.convention, "least squares")

    def sample(self, n_samples: int, *, rng=None) -> np.ndarray:
        """Weights ``(b, b0)`` drawn uniformly from the set, shape ``(n_samples, d + fit_intercept)``.

        Raises for an unbounded set: it has no uniform distribution.
        """
        if not self.bounded_:
            raise AnalysisInputError.about(
                "the Rashomon set", "a bounded set to sample uniformly", "an unbounded set (singular X^T X)",
                "Add a penalty (l2_penalty > 0) or drop linearly dependent columns.",
            )
        n_samples = check_integer(n_samples, "n_samples")
        rng = check_rng(rng)
        eigenvalues, eigenvectors, _ = self._eigen
        d = len(self._w)
        direction = rng.normal(size=(n_samples, d))
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        radius = rng.uniform(size=(n_samples, 1)) ** (1 / d)
        ball = direction * radius * np.sqrt(self.threshold_)
        return self._w + (ball / np.sqrt(eigenvalues)) @ eigenvectors.T

    def rashomon_ratio(self, low, high, *, n_samples: int = 100_000, rng=None) -> RashomonRatio:
        """Volume of the set divided by the volume of the box ``[low, high]`` of weights.

        Exact (``V_d epsilon^(d/2) / sqrt(det H)`` over the box volume) when the
        ellipsoid lies inside the box; otherwise the share of ``n_samples``
        uniform draws from the box that fall in the set, with its standard error.
        """
        d = len(self._w)
        low, high = check_box(low, high, d)
        n_samples, rng = check_integer(n_samples, "n_samples"), check_rng(rng)
        ranges = self.coefficient_ranges().to_frame()
        if self.bounded_ and (ranges["low"] >= low).all() and (ranges["high"] <= high).all():
            eigenvalues = self._eigen[0]
            log_ball = d / 2 * np.log(np.pi) - special.gammaln(d / 2 + 1)
            log_volume = log_ball + d / 2 * np.log(self.threshold_) - 0.5 * np.sum(np.log(eigenvalues))
            box_volume = float(np.prod(high - low))
            space = f"box of weights, volume {box_volume:.4g} in {d} dimensions"
            return RashomonRatio(float(np.exp(log_volume) / box_volume), 0.0, True, space, "exact ellipsoid volume")
        eigenvalues, eigenvectors, _ = self._eigen
        return monte_carlo_ratio(
            lambda w: np.sum(((w - self._w) @ eigenvectors) ** 2 * eigenvalues, axis=1) <= self.threshold_,
            low, high, n_samples, rng)
