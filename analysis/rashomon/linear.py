"""The exact Rashomon set of least squares and ridge regression: an ellipsoid.

With the mean squared error ``L(b) = |y - X b|^2 / n`` (plus ``alpha |b|^2`` for
ridge; ``X`` includes a column of ones if an intercept is wanted), the set of
coefficients within ``epsilon`` of the optimum is

    {b : (b - b*)^T H (b - b*) <= epsilon},   H = X^T X / n + alpha I,

because the objective is exactly quadratic. Every question about the set has a
closed form: the range of any coefficient or of any prediction ``x^T b`` is
``x^T b* -/+ sqrt(epsilon x^T H^-1 x)``, and uniform samples come from the unit
ball mapped through ``H^(-1/2)``. When ``H`` is singular (more features than
independent rows, no ridge), the set is unbounded along its null space and the
ranges there are reported as infinite, never as large finite numbers.

The epsilon convention is explicit (``epsilon_type``): ``"absolute"`` adds
``epsilon`` to the optimal objective, ``"relative"`` multiplies it by ``1 + epsilon``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import special

from .._results import Result
from .._validation import check_array, check_choice, check_consistent_length, check_integer, check_rng
from ..errors import AnalysisInputError
from .ranges import RashomonRanges

__all__ = ["LinearRashomonSet", "RashomonRatio"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class RashomonRatio(Result):
    """Share of a hypothesis space's volume taken by the Rashomon set.

    Attributes
    ----------
    ratio, standard_error : float
        The ratio, and its Monte Carlo standard error (0 when exact).
    exact : bool
    hypothesis_space : str
        What was counted.
    method : str
        How the ratio was obtained.
    """

    ratio: float
    standard_error: float
    exact: bool
    hypothesis_space: str
    method: str

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"{self.method}; hypothesis space: {self.hypothesis_space}",)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"quantity": ["ratio", "standard_error"], "value": [self.ratio, self.standard_error]})


class LinearRashomonSet:
    """The Rashomon set of (ridge) least squares, exactly.

    Parameters
    ----------
    epsilon : float
        Tolerance on the objective.
    epsilon_type : {'absolute', 'relative'}
        ``objective <= optimum + epsilon`` or ``objective <= optimum (1 + epsilon)``.
    alpha : float
        Ridge penalty (0: ordinary least squares); the tolerance applies to the
        penalised objective.

    Attributes (after ``fit``)
    --------------------------
    coef_ : array, shape (d,)
        The optimum.
    optimum_ : float
        The optimal objective.
    threshold_ : float
        ``epsilon`` converted to an absolute excess over the optimum.
    bounded_ : bool
        Whether the set is bounded (``H`` positive definite).
    """

    def __init__(self, epsilon: float = 0.05, *, epsilon_type: str = "relative", alpha: float = 0.0):
        self.epsilon = epsilon
        self.epsilon_type = epsilon_type
        self.alpha = alpha

    def fit(self, X, y):
        X = check_array(X, "X", ndim=2)
        y = check_array(y, "y", ndim=1)
        n = check_consistent_length(X=X, y=y)
        check_choice(self.epsilon_type, "epsilon_type", ("absolute", "relative"))
        if not self.epsilon > 0 or self.alpha < 0:
            raise AnalysisInputError.about("epsilon and alpha", "epsilon > 0 and alpha >= 0",
                                           f"{self.epsilon}, {self.alpha}", "Pass e.g. epsilon=0.05, alpha=0.")
        hessian = X.T @ X / n + self.alpha * np.eye(X.shape[1])
        eigenvalues, eigenvectors = np.linalg.eigh(hessian)
        tol = eigenvalues.max() * X.shape[1] * np.finfo(float).eps
        self.bounded_ = bool(eigenvalues.min() > tol)
        self.coef_ = np.linalg.lstsq(hessian, X.T @ y / n, rcond=None)[0]
        residual = y - X @ self.coef_
        self.optimum_ = float(residual @ residual / n + self.alpha * self.coef_ @ self.coef_)
        self.threshold_ = float(self.epsilon if self.epsilon_type == "absolute" else self.epsilon * self.optimum_)
        self._eigen = (eigenvalues, eigenvectors, tol)
        self._n = n
        return self

    @property
    def convention(self) -> str:
        """The epsilon convention in words, printed with every summary."""
        kind = ("optimum + " if self.epsilon_type == "absolute" else "optimum x (1 + ") + f"{self.epsilon:g}"
        kind += "" if self.epsilon_type == "absolute" else ")"
        target = "mean squared error" + (f" + {self.alpha:g} |b|^2" if self.alpha else "")
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
        """Lowest and highest prediction ``x^T b`` over the set, per row of ``X``: ``low``, ``high``."""
        X = check_array(X, "X", ndim=2)
        centre = X @ self.coef_
        half = np.sqrt(self.threshold_ * self._quadratic_form_inverse(X))
        return pd.DataFrame({"prediction": centre, "low": centre - half, "high": centre + half})

    def coefficient_ranges(self, feature_names=None) -> RashomonRanges:
        """Range of every coefficient over the set (infinite along unidentified directions).

        Coefficients are named by ``feature_names``, else ``x0``, ``x1``, ...
        """
        d = len(self.coef_)
        half = np.sqrt(self.threshold_ * self._quadratic_form_inverse(np.eye(d)))
        names = [f"x{j}" for j in range(d)] if feature_names is None else list(feature_names)
        table = pd.DataFrame({"optimum": self.coef_, "low": self.coef_ - half, "high": self.coef_ + half},
                             index=pd.Index(names, name="coefficient"))
        return RashomonRanges(table, "coefficient", self.convention, "least squares")

    def sample(self, n_samples: int, *, rng=None) -> np.ndarray:
        """Coefficients drawn uniformly from the set, shape ``(n_samples, d)``.

        Raises for an unbounded set: it has no uniform distribution.
        """
        if not self.bounded_:
            raise AnalysisInputError.about(
                "the Rashomon set", "a bounded set to sample uniformly", "an unbounded set (singular X^T X)",
                "Add a ridge penalty (alpha > 0) or drop linearly dependent columns.",
            )
        n_samples = check_integer(n_samples, "n_samples")
        rng = check_rng(rng)
        eigenvalues, eigenvectors, _ = self._eigen
        d = len(self.coef_)
        direction = rng.normal(size=(n_samples, d))
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        radius = rng.uniform(size=(n_samples, 1)) ** (1 / d)
        ball = direction * radius * np.sqrt(self.threshold_)
        return self.coef_ + (ball / np.sqrt(eigenvalues)) @ eigenvectors.T

    def rashomon_ratio(self, low, high, *, n_samples: int = 100_000, rng=None) -> RashomonRatio:
        """Volume of the set divided by the volume of the box ``[low, high]`` of coefficients.

        Exact (``V_d epsilon^(d/2) / sqrt(det H)`` over the box volume) when the
        ellipsoid lies inside the box; otherwise the share of ``n_samples``
        uniform draws from the box that fall in the set, with its standard error.
        """
        low = check_array(np.broadcast_to(low, self.coef_.shape), "low", ndim=1)
        high = check_array(np.broadcast_to(high, self.coef_.shape), "high", ndim=1)
        if not (high > low).all():
            raise AnalysisInputError.about("high", "above low in every coordinate", "not", "Fix the box.")
        box_volume = float(np.prod(high - low))
        ranges = self.coefficient_ranges().to_frame()
        d = len(self.coef_)
        space = f"box of coefficients, volume {box_volume:.4g} in {d} dimensions"
        if self.bounded_ and (ranges["low"] >= low).all() and (ranges["high"] <= high).all():
            eigenvalues = self._eigen[0]
            log_ball = d / 2 * np.log(np.pi) - special.gammaln(d / 2 + 1)
            log_volume = log_ball + d / 2 * np.log(self.threshold_) - 0.5 * np.sum(np.log(eigenvalues))
            return RashomonRatio(float(np.exp(log_volume) / box_volume), 0.0, True, space, "exact ellipsoid volume")
        draws = check_rng(rng).uniform(low, high, size=(check_integer(n_samples, "n_samples"), d))
        inside = np.sum(((draws - self.coef_) @ self._eigen[1]) ** 2 * self._eigen[0], axis=1) <= self.threshold_
        share = float(inside.mean())
        return RashomonRatio(share, float(np.sqrt(share * (1 - share) / len(draws))), False, space,
                             f"Monte Carlo share of {len(draws)} uniform draws")

    def objective(self, coefs, X, y) -> np.ndarray:
        """The (penalised) mean squared error of coefficient rows ``coefs`` on ``(X, y)``."""
        residual = np.asarray(y)[None, :] - np.atleast_2d(coefs) @ np.asarray(X).T
        coefs = np.atleast_2d(coefs)
        return np.mean(residual**2, axis=1) + self.alpha * np.sum(coefs**2, axis=1)
