"""Recalibration maps with the scikit-learn estimator API.

Each calibrator learns a map from a classifier's outputs ``X`` to calibrated
probabilities on held-out data: ``fit(X, y)``, then ``predict_proba(X)``
(``(n, 2)`` for binary, ``(n, k)`` for temperature scaling of ``k`` classes)
and ``transform(X)`` (``P(y = 1)`` for binary). They are scikit-learn
estimators (``clone``, ``get_params``, the last step of a ``Pipeline``).

Inputs: :class:`TemperatureScaling` takes logits ``(n, k)`` or binary log-odds
``(n,)``; :class:`PlattScaling` any real score ``(n,)``; the others scores in
[0, 1] ``(n,)`` (e.g. uncalibrated probabilities).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import optimize, special
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.validation import check_is_fitted

from .._validation import check_array, check_consistent_length, check_labels, check_probabilities, check_rng
from ..errors import AnalysisInputError, ConvergenceWarning, FitError
from .binning import bin_indices

_CHUNK = 2**15  # logits per pass

__all__ = [
    "BetaCalibration",
    "HistogramBinning",
    "IsotonicCalibration",
    "PlattScaling",
    "ScalingBinning",
    "TemperatureScaling",
]


class _BinaryCalibrator(ClassifierMixin, TransformerMixin, BaseEstimator):
    """Shared plumbing: ``predict_proba`` from ``transform``, and ``predict``."""

    def predict_proba(self, X) -> np.ndarray:
        p = self.transform(X)
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.transform(X) > 0.5).astype(int)

    def _fit_inputs(self, X, y, *, probabilities: bool):
        X = check_probabilities(X, "X", ndim=1) if probabilities else check_array(X, "X", ndim=1)
        y = check_labels(y, "y", n_classes=2)
        check_consistent_length(X=X, y=y)
        self.classes_ = np.array([0, 1])
        return X, y


class TemperatureScaling(ClassifierMixin, TransformerMixin, BaseEstimator):
    """Temperature scaling (Guo et al. 2017): ``softmax(z / T)``, one ``T`` fitted by log-likelihood.

    The negative log-likelihood is convex in ``beta = 1 / T``; Newton's method
    with a backtracking line search finds it. ``converged_`` and ``n_iter_``
    report the run; a run that does not converge warns.

    Attributes
    ----------
    temperature_ : float
    n_iter_ : int
    converged_ : bool
    """

    def __init__(self, max_iter: int = 100, tol: float = 1e-12):
        self.max_iter = max_iter
        self.tol = tol

    @staticmethod
    def _logits(X) -> np.ndarray:
        X = check_array(X, "X", ndim=(1, 2))
        return np.column_stack([np.zeros(len(X)), X]) if X.ndim == 1 else X

    def fit(self, X, y):
        z = self._logits(X)
        y = check_labels(y, "y", n_classes=z.shape[1])
        check_consistent_length(X=z, y=y)
        self.classes_ = np.arange(z.shape[1])
        z_true = z[np.arange(len(z)), y]
        if np.all(z_true >= z.max(axis=1)):
            raise FitError("every label has the largest logit: the likelihood grows without bound as T -> 0; "
                           "fit on held-out data the classifier did not train on")

        rows = max(1, _CHUNK // z.shape[1])

        def derivatives(beta):
            """NLL and its first two derivatives in beta, by chunks of rows that stay in cache."""
            out = np.zeros(3)
            for i in range(0, len(z), rows):
                zc = z[i : i + rows]
                a = beta * zc
                top = a.max(axis=1)
                np.exp(a - top[:, None], out=a)
                total = a.sum(axis=1)
                a *= zc
                mean = a.sum(axis=1) / total
                second = np.einsum("ij,ij->i", a, zc) / total
                out += [np.sum(top + np.log(total)) - beta * np.sum(z_true[i : i + rows]),
                        np.sum(mean) - np.sum(z_true[i : i + rows]), np.sum(second - mean**2)]
            return out

        beta, converged, n_iter = 1.0, False, 0
        nll, grad, hess = derivatives(beta)
        while n_iter < self.max_iter:
            n_iter += 1
            step = grad / hess if hess > 0 else np.sign(grad)
            t = 1.0
            while True:
                candidate = beta - t * step
                if candidate > 0:
                    new = derivatives(candidate)
                    if new[0] <= nll:
                        break
                t /= 2
                if t < 1e-12:
                    break
            if t < 1e-12:
                converged = abs(grad) <= np.sqrt(self.tol) * max(1.0, abs(nll))
                break
            beta, (nll, grad, hess) = candidate, new
            if abs(t * step) <= self.tol * max(1.0, beta):
                converged = True
                break
        if not converged:
            warnings.warn(f"temperature scaling did not converge in {n_iter} Newton steps",
                          ConvergenceWarning, stacklevel=2)
        self.temperature_, self.converged_, self.n_iter_ = 1.0 / beta, converged, n_iter
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "temperature_")
        z = self._logits(X)
        if z.shape[1] != len(self.classes_):
            raise AnalysisInputError.about("X", f"logits of the {len(self.classes_)} classes fitted",
                                           f"{z.shape[1]} columns", "Pass logits of the same classifier and classes.")
        return special.softmax(z / self.temperature_, axis=1)

    def transform(self, X) -> np.ndarray:
        """Calibrated probabilities: ``P(y = 1)`` for binary log-odds, all classes for logits."""
        p = self.predict_proba(X)
        return p[:, 1] if np.ndim(X) == 1 else p

    def predict(self, X) -> np.ndarray:
        return self.predict_proba(X).argmax(axis=1)


class PlattScaling(_BinaryCalibrator):
    """Platt scaling: ``P(y = 1) = 1 / (1 + exp(a f + b))`` fitted by log-likelihood.

    With ``smooth_targets=True`` (Platt 2000, and scikit-learn's ``sigmoid``
    method) the 0/1 targets become ``1 / (n_0 + 2)`` and ``(n_1 + 1) / (n_1 + 2)``,
    which keeps ``a`` finite on separable data.

    Attributes
    ----------
    a_, b_ : float
    """

    def __init__(self, smooth_targets: bool = True):
        self.smooth_targets = smooth_targets

    def fit(self, X, y):
        f, y = self._fit_inputs(X, y, probabilities=False)
        n1 = y.sum()
        n0 = len(y) - n1
        target = np.where(y == 1, (n1 + 1) / (n1 + 2), 1 / (n0 + 2)) if self.smooth_targets else y.astype(float)

        def loss(ab):
            raw = -(ab[0] * f + ab[1])  # log-odds of y = 1
            p = special.expit(raw)
            value = np.sum(np.logaddexp(0, raw) - target * raw)
            return value, np.array([-np.sum((p - target) * f), -np.sum(p - target)])

        start = np.array([0.0, np.log((n0 + 1) / (n1 + 1))])
        res = optimize.minimize(loss, start, jac=True, method="BFGS", options={"gtol": 1e-12})
        if not res.success and np.abs(res.jac).max() > 1e-6:
            warnings.warn(f"Platt scaling did not converge: {res.message}", ConvergenceWarning, stacklevel=2)
        self.a_, self.b_ = float(res.x[0]), float(res.x[1])
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "a_")
        return special.expit(-(self.a_ * check_array(X, "X", ndim=1) + self.b_))


class IsotonicCalibration(_BinaryCalibrator):
    """Isotonic regression of outcomes on scores (Zadrozny & Elkan 2002), clipped outside the fitted range."""

    def fit(self, X, y):
        s, y = self._fit_inputs(X, y, probabilities=False)
        self.isotonic_ = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(s, y)
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "isotonic_")
        return self.isotonic_.predict(check_array(X, "X", ndim=1))


class HistogramBinning(_BinaryCalibrator):
    """Histogram binning (Zadrozny & Elkan 2001): each score maps to its bin's mean outcome.

    Bins follow :func:`~analysis.calibration.bin_indices` (uniform or equal-mass
    on the fitted scores). An empty bin maps to its own mean score (the
    identity), so no bin is silently merged with another.

    Attributes
    ----------
    bin_values_ : array, shape (n_bins,)
    edges_ : array, shape (n_bins + 1,)
        Bin edges on the score scale (for equal-mass bins, from the fitted scores).
    """

    def __init__(self, n_bins: int = 15, strategy: str = "uniform"):
        self.n_bins = n_bins
        self.strategy = strategy

    def fit(self, X, y):
        s, y = self._fit_inputs(X, y, probabilities=True)
        idx = bin_indices(s, self.n_bins, self.strategy)
        if self.strategy == "uniform":
            edges = np.arange(self.n_bins + 1) / self.n_bins
        else:
            lows = [s[idx == b].min() if np.any(idx == b) else np.nan for b in range(self.n_bins)]
            edges = np.append(np.fmax.accumulate(np.nan_to_num(lows, nan=0.0)), 1.0)
            edges[0] = 0.0
        count = np.bincount(idx, minlength=self.n_bins)
        centre = (edges[:-1] + edges[1:]) / 2
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(idx, weights=y, minlength=self.n_bins) / count
        self.bin_values_ = np.where(count > 0, mean, centre)
        self.edges_ = edges
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "bin_values_")
        s = check_probabilities(X, "X", ndim=1)
        idx = np.clip(np.searchsorted(self.edges_, s, side="right") - 1, 0, self.n_bins - 1)
        return self.bin_values_[idx]


class BetaCalibration(_BinaryCalibrator):
    """Beta calibration (Kull, Silva Filho & Flach 2017), the three-parameter version.

    ``logit P(y = 1) = a log(s) - b log(1 - s) + c`` fitted by log-likelihood with
    ``a, b >= 0`` (so the map is monotone); scores are clipped to [1e-12, 1 - 1e-12].

    Attributes
    ----------
    a_, b_, c_ : float
    """

    def fit(self, X, y):
        s, y = self._fit_inputs(X, y, probabilities=True)
        features = self._features(s)

        def loss(w):
            raw = features @ w
            return np.sum(np.logaddexp(0, raw) - y * raw), features.T @ (special.expit(raw) - y)

        res = optimize.minimize(loss, np.array([1.0, 1.0, 0.0]), jac=True, method="L-BFGS-B",
                                bounds=[(0, None), (0, None), (None, None)], options={"gtol": 1e-10})
        if not res.success:
            raise FitError(f"beta calibration did not converge: {res.message}")
        self.a_, self.b_, self.c_ = (float(v) for v in res.x)
        return self

    @staticmethod
    def _features(s: np.ndarray) -> np.ndarray:
        s = np.clip(s, 1e-12, 1 - 1e-12)
        return np.column_stack([np.log(s), -np.log(1 - s), np.ones_like(s)])

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "a_")
        return special.expit(self._features(check_probabilities(X, "X", ndim=1)) @ [self.a_, self.b_, self.c_])


class ScalingBinning(_BinaryCalibrator):
    """Scaling-binning (Kumar, Liang & Ma 2019): Platt scaling, then equal-mass bins of the scaled scores.

    The fitting data are split at random (by ``rng``) into two halves: Platt
    scaling is fitted on the first; the second half's scaled scores define
    ``n_bins`` equal-mass bins, and each bin outputs the mean scaled score of its
    members. The output takes at most ``n_bins`` values, so its calibration error
    can be measured without the binning bias of a continuous map.

    Attributes
    ----------
    platt_ : PlattScaling
    edges_ : array, shape (n_bins + 1,)
        Bin edges on the scaled-score scale.
    bin_values_ : array, shape (n_bins,)
    """

    def __init__(self, n_bins: int = 10, *, rng=None):
        self.n_bins = n_bins
        self.rng = rng

    def fit(self, X, y):
        f, y = self._fit_inputs(X, y, probabilities=False)
        order = check_rng(self.rng).permutation(len(f))
        first, second = order[: len(f) // 2], order[len(f) // 2 :]
        self.platt_ = PlattScaling().fit(f[first], y[first])
        scaled = self.platt_.transform(f[second])
        idx = bin_indices(scaled, self.n_bins, "quantile")
        lows = np.array([scaled[idx == b].min() if np.any(idx == b) else np.nan for b in range(self.n_bins)])
        count = np.bincount(idx, minlength=self.n_bins)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.bincount(idx, weights=scaled, minlength=self.n_bins) / count
        keep = count > 0  # equal-mass bins with tied scores can come out empty: drop them
        self.edges_ = np.append(np.concatenate([[0.0], lows[keep][1:]]), 1.0)
        self.bin_values_ = means[keep]
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "bin_values_")
        scaled = self.platt_.transform(X)
        idx = np.clip(np.searchsorted(self.edges_, scaled, side="right") - 1, 0, len(self.bin_values_) - 1)
        return self.bin_values_[idx]
