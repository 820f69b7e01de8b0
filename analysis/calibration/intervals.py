"""Prediction intervals and quantiles: scores, crossing repair, aggregation, conformal calibration.

Scores (lower is better):

- pinball loss of a quantile ``q`` at level ``tau``: ``(1{y < q} - tau) (q - y)``;
- interval score of a central ``(1 - alpha)`` interval (Gneiting & Raftery 2007):
  ``(u - l) + 2/alpha (l - y) 1{y < l} + 2/alpha (y - u) 1{y > u}``;
- weighted interval score (Bracher et al. 2021) of a median and ``K`` intervals:
  ``(|y - m| / 2 + sum_k alpha_k / 2 IS_alpha_k) / (K + 1/2)``, which equals
  twice the mean pinball loss over the ``2K + 1`` quantile levels.

Fakoor et al. (2023), 'Flexible Model Aggregation for Quantile Regression',
combine quantile models with weights fitted by the pinball loss and repair
crossing quantiles by sorting or by isotonic projection; neither repair can
increase the loss.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import optimize, sparse, stats
from sklearn.isotonic import IsotonicRegression

from .._results import ConfidenceInterval, Result
from .._validation import (
    check_alpha,
    check_array,
    check_consistent_length,
    check_integer,
    check_level,
    check_probabilities,
)
from ..errors import AnalysisInputError

__all__ = [
    "IntervalCoverage",
    "aggregate_quantiles",
    "combine_quantiles",
    "conformal_quantile",
    "cqr_interval",
    "cqr_quantiles",
    "interval_coverage",
    "interval_score",
    "knn_quantiles",
    "pinball_loss",
    "plot_intervals",
    "repair_crossing",
    "split_conformal_interval",
    "weighted_interval_score",
]


def _quantile_inputs(y, quantiles, levels, names=("y", "quantiles")):
    y = check_array(y, names[0], ndim=1)
    q = check_array(quantiles, names[1], ndim=2)
    levels = check_probabilities(levels, "levels", ndim=1)
    if q.shape != (len(y), len(levels)):
        raise AnalysisInputError.about(
            names[1], f"shape (n, n_levels) = ({len(y)}, {len(levels)})", f"shape {q.shape}",
            "Pass one column per level, one row per observation.",
        )
    return y, q, levels


def pinball_loss(y, quantiles, levels) -> np.ndarray:
    """Mean pinball loss per level: ``quantiles`` ``(n, m)`` at ``levels`` ``(m,)``; returns ``(m,)``."""
    y, q, levels = _quantile_inputs(y, quantiles, levels)
    diff = q - y[:, None]
    return np.mean((np.where(diff > 0, 1.0, 0.0) - levels) * diff, axis=0)


def interval_score(y, lower, upper, alpha: float) -> float:
    """Mean interval score of central ``(1 - alpha)`` intervals ``[lower, upper]``."""
    y = check_array(y, "y", ndim=1)
    lower, upper = check_array(lower, "lower", ndim=1), check_array(upper, "upper", ndim=1)
    check_consistent_length(y=y, lower=lower, upper=upper)
    alpha = check_alpha(alpha)
    return float(np.mean(upper - lower + 2 / alpha * np.maximum(lower - y, 0) + 2 / alpha * np.maximum(y - upper, 0)))


def weighted_interval_score(y, quantiles, levels) -> float:
    """Weighted interval score from quantiles at symmetric ``levels`` (a median and K pairs ``tau, 1 - tau``)."""
    y, q, levels = _quantile_inputs(y, quantiles, levels)
    order = np.argsort(levels)
    levels, q = levels[order], q[:, order]
    k = len(levels) // 2
    if len(levels) % 2 == 0 or not np.allclose(levels + levels[::-1], 1) or not np.isclose(levels[k], 0.5):
        raise AnalysisInputError.about(
            "levels", "a median and pairs tau, 1 - tau (e.g. 0.05, 0.25, 0.5, 0.75, 0.95)", f"{levels}",
            "Pass symmetric levels including 0.5.",
        )
    total = 0.5 * np.mean(np.abs(y - q[:, k]))
    for j in range(k):
        alpha = 2 * levels[j]
        total += alpha / 2 * interval_score(y, q[:, j], q[:, -1 - j], alpha)
    return float(total / (k + 0.5))


def repair_crossing(quantiles, levels, *, method: str = "sort") -> np.ndarray:
    """Make every row's quantiles non-decreasing in the level.

    ``"sort"``: sort each row (Chernozhukov, Fernandez-Val & Galichon 2010);
    ``"isotonic"``: the least-squares non-decreasing fit of each row (PAV).
    """
    q = check_array(quantiles, "quantiles", ndim=2)
    order = np.argsort(check_probabilities(levels, "levels", ndim=1))
    if q.shape[1] != len(order):
        raise AnalysisInputError.about("quantiles", f"one column per level ({len(order)})", f"{q.shape[1]} columns",
                                       "Pass the quantiles as rows of shape (n, len(levels)).")
    out = np.empty_like(q)
    if method == "sort":
        out[:, order] = np.sort(q[:, order], axis=1)
    elif method == "isotonic":
        position = np.arange(len(order), dtype=float)
        iso = IsotonicRegression()
        for i, row in enumerate(q[:, order]):
            out[i, order] = iso.fit_transform(position, row)
    else:
        raise AnalysisInputError.about("method", "'sort' or 'isotonic'", repr(method), "Pick one.")
    return out


def knn_quantiles(X_fit, y_fit, X_new, levels, *, k: int = 25) -> np.ndarray:
    """Quantile forecasts from the ``k`` nearest neighbours: the empirical ``levels`` of their targets.

    ``X_fit`` ``(n, d)`` and ``y_fit`` ``(n,)`` are the training data; returns
    ``(len(X_new), len(levels))``, one row of quantiles per new point
    (neighbours by Euclidean distance; numpy's default linear interpolation).
    """
    from sklearn.neighbors import NearestNeighbors

    X_fit, X_new = check_array(X_fit, "X_fit", ndim=2), check_array(X_new, "X_new", ndim=2)
    y_fit = check_array(y_fit, "y_fit", ndim=1)
    check_consistent_length(X_fit=X_fit, y_fit=y_fit)
    if X_new.shape[1] != X_fit.shape[1]:
        raise AnalysisInputError.about("X_new", f"{X_fit.shape[1]} columns, as X_fit", f"{X_new.shape[1]}",
                                       "Pass the same features.")
    levels = check_probabilities(levels, "levels", ndim=1)
    k = check_integer(k, "k")
    if k > len(y_fit):
        raise AnalysisInputError.about("k", f"at most {len(y_fit)} (the training rows)", f"{k}", "Pass a smaller k.")
    neighbours = NearestNeighbors(n_neighbors=k).fit(X_fit).kneighbors(X_new, return_distance=False)
    return np.quantile(y_fit[neighbours], levels, axis=1).T


def combine_quantiles(predictions, weights) -> np.ndarray:
    """The models' quantiles combined with ``weights`` from :func:`aggregate_quantiles`, shape (n, m).

    ``predictions`` is ``(n_models, n, m)``; ``weights`` is ``(n_models,)`` (one
    vector for all levels) or ``(m, n_models)`` (one per level).
    """
    preds = check_array(predictions, "predictions", ndim=3)
    w = check_array(weights, "weights", ndim=(1, 2))
    if (w < 0).any() or not np.allclose(w.sum(axis=-1), 1.0, atol=1e-9):
        raise AnalysisInputError.about("weights", "convex weights: non-negative, summing to 1 (per level)",
                                       f"values {np.round(w, 4).tolist()}", "Pass the weights aggregate_quantiles "
                                       "returned, or normalise yours.")
    expected = (preds.shape[0],) if w.ndim == 1 else (preds.shape[2], preds.shape[0])
    if w.shape != expected:
        raise AnalysisInputError.about("weights", f"shape {expected} for predictions of shape {preds.shape}",
                                       f"shape {w.shape}", "Pass the weights aggregate_quantiles returned.")
    return np.einsum("k,knm->nm", w, preds) if w.ndim == 1 else np.einsum("mk,knm->nm", w, preds)


def aggregate_quantiles(y, predictions, levels, *, per_level: bool = False) -> np.ndarray:
    """Convex weights over models that minimise the pinball loss of their combined quantiles.

    Parameters
    ----------
    y : array, shape (n,)
    predictions : array, shape (n_models, n, m)
        Each model's quantiles at ``levels`` ``(m,)``.
    per_level : bool
        One weight vector for all levels (False) or one per level (True).

    Returns
    -------
    weights : array, shape (n_models,) or (m, n_models)
        Non-negative, summing to 1; found exactly by linear programming.
    """
    preds = check_array(predictions, "predictions", ndim=3)
    y = check_array(y, "y", ndim=1)
    levels = check_probabilities(levels, "levels", ndim=1)
    if preds.shape[1:] != (len(y), len(levels)):
        raise AnalysisInputError.about(
            "predictions", f"shape (n_models, {len(y)}, {len(levels)})", f"shape {preds.shape}",
            "Stack each model's (n, n_levels) quantiles.",
        )
    if per_level:
        return np.array([aggregate_quantiles(y, preds[:, :, [j]], levels[[j]]) for j in range(len(levels))])
    n_models, n, m = preds.shape
    # variables: weights (K), then u+ and u- per (observation, level): q_w - y = u+ - u-
    design = preds.transpose(1, 2, 0).reshape(n * m, n_models)
    tau = np.tile(levels, n)
    eye = sparse.identity(n * m, format="csr")
    a_eq = sparse.vstack([
        sparse.hstack([sparse.csr_matrix(design), -eye, eye]),
        sparse.hstack([sparse.csr_matrix(np.ones((1, n_models))), sparse.csr_matrix((1, 2 * n * m))]),
    ])
    b_eq = np.append(np.repeat(y, m), 1.0)
    cost = np.concatenate([np.zeros(n_models), 1 - tau, tau]) / n
    res = optimize.linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if not res.success:
        raise AnalysisInputError.about("predictions", "a solvable weighting problem", res.message, "Check the inputs.")
    return res.x[:n_models]


def conformal_quantile(scores, alpha: float) -> float:
    """The ``ceil((1 - alpha)(n + 1))``-th smallest of ``n`` calibration scores; infinite when that exceeds n."""
    scores = np.sort(check_array(scores, "scores", ndim=1))
    alpha = check_alpha(alpha)
    rank = int(np.ceil((1 - alpha) * (len(scores) + 1)))
    return float(scores[rank - 1]) if rank <= len(scores) else np.inf


def split_conformal_interval(y_cal, pred_cal, pred_test, alpha: float) -> ConfidenceInterval:
    """Split-conformal interval ``pred_test -/+ q`` from absolute calibration residuals (Lei et al. 2018).

    Returns the intervals of the test points (``low``, ``high``, shape (m,)) at nominal coverage ``1 - alpha``.
    """
    y_cal, pred_cal = check_array(y_cal, "y_cal", ndim=1), check_array(pred_cal, "pred_cal", ndim=1)
    check_consistent_length(y_cal=y_cal, pred_cal=pred_cal)
    q = conformal_quantile(np.abs(y_cal - pred_cal), alpha)
    pred_test = check_array(pred_test, "pred_test", ndim=1)
    return ConfidenceInterval(pred_test - q, pred_test + q, 1 - alpha, "split conformal")


def cqr_interval(y_cal, lower_cal, upper_cal, lower_test, upper_test, alpha: float) -> ConfidenceInterval:
    """Conformalised quantile regression (Romano, Patterson & Candes 2019).

    Scores ``max(l - y, y - u)`` on the calibration set give a correction ``Q``;
    the interval is ``[l - Q, u + Q]`` (``Q`` may be negative: it then shrinks).
    Returns the test points' intervals at nominal coverage ``1 - alpha``.
    """
    y_cal = check_array(y_cal, "y_cal", ndim=1)
    lower_cal, upper_cal = check_array(lower_cal, "lower_cal", ndim=1), check_array(upper_cal, "upper_cal", ndim=1)
    check_consistent_length(y_cal=y_cal, lower_cal=lower_cal, upper_cal=upper_cal)
    q = conformal_quantile(np.maximum(lower_cal - y_cal, y_cal - upper_cal), alpha)
    lower_test = check_array(lower_test, "lower_test", ndim=1)
    upper_test = check_array(upper_test, "upper_test", ndim=1)
    check_consistent_length(lower_test=lower_test, upper_test=upper_test)
    return ConfidenceInterval(lower_test - q, upper_test + q, 1 - alpha, "CQR")


def cqr_quantiles(y_cal, quantiles_cal, quantiles_test, levels, *, lower_bound: float | None = None) -> np.ndarray:
    """Conformalise every central interval of a quantile forecast, then repair crossings by sorting.

    The quantiles at levels ``tau_j`` and ``1 - tau_j`` (symmetric ``levels``)
    bound a central interval of nominal coverage ``1 - 2 tau_j``; each is
    corrected by :func:`cqr_interval` on the calibration forecasts. A median
    (level 0.5) is kept. ``lower_bound`` cuts the corrected quantiles from
    below (0 for precipitation). Returns the test quantiles, shape (m, K).
    """
    y_cal, q_cal, levels = _quantile_inputs(y_cal, quantiles_cal, levels, names=("y_cal", "quantiles_cal"))
    q_test = check_array(quantiles_test, "quantiles_test", ndim=2)
    if q_test.shape[1] != len(levels):
        raise AnalysisInputError.about("quantiles_test", f"{len(levels)} columns, one per level",
                                       f"shape {q_test.shape}", "Pass the test forecasts at the same levels.")
    if not np.allclose(levels, 1 - levels[::-1]):
        raise AnalysisInputError.about("levels", "levels symmetric about 0.5 (tau and 1 - tau)", f"{levels}",
                                       "Pass quantiles whose levels pair up into central intervals.")
    out = q_test.copy()
    for j in range(len(levels) // 2):
        k = len(levels) - 1 - j
        interval = cqr_interval(y_cal, q_cal[:, j], q_cal[:, k], q_test[:, j], q_test[:, k], alpha=2 * levels[j])
        out[:, j], out[:, k] = interval.low, interval.high
    if lower_bound is not None:
        out = np.maximum(out, lower_bound)
    return repair_crossing(out, levels)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class IntervalCoverage(Result):
    """How often intervals hold their observations.

    Attributes
    ----------
    coverage : float
        Share of observations inside their closed interval.
    interval : ConfidenceInterval
        Clopper-Pearson (exact binomial) interval of the coverage.
    mean_width : float
        Mean of ``upper - lower`` (inf when a bound is infinite).
    n : int
        Observations.
    """

    coverage: float
    interval: ConfidenceInterval
    mean_width: float
    n: int

    def to_frame(self) -> pd.DataFrame:
        """One row: ``coverage``, ``coverage_low``, ``coverage_high``, ``mean_width`` and ``n``."""
        return pd.DataFrame([{"coverage": self.coverage, "coverage_low": self.interval.low,
                              "coverage_high": self.interval.high, "mean_width": self.mean_width, "n": self.n}])


def interval_coverage(y, lower, upper, *, ci: float = 0.95) -> IntervalCoverage:
    """Share of ``y`` inside ``[lower, upper]``, its exact binomial interval at level ``ci``, and the mean width.

    Bounds may be infinite (an unbounded interval, e.g. a conformal interval
    from too few calibration points), never NaN.
    """
    y = check_array(y, "y", ndim=1)
    lower = check_array(lower, "lower", ndim=1, finite=False)
    upper = check_array(upper, "upper", ndim=1, finite=False)
    for name, bound in (("lower", lower), ("upper", upper)):
        if np.isnan(bound).any():
            raise AnalysisInputError.about(name, "bounds that are numbers or infinite", "NaN",
                                           "Check how the interval was computed; NaN is not a bound.")
    check_consistent_length(y=y, lower=lower, upper=upper)
    ci = check_level(ci)
    inside = int(np.sum((lower <= y) & (y <= upper)))
    bounds = stats.binomtest(inside, len(y)).proportion_ci(confidence_level=ci, method="exact")
    return IntervalCoverage(inside / len(y), ConfidenceInterval(float(bounds.low), float(bounds.high), ci,
                                                                "Clopper-Pearson"),
                            float(np.mean(upper - lower)), len(y))


def plot_intervals(lower, upper, *, observed=None, center=None, ax=None, label: str = "interval",
                   center_label: str = "centre"):
    """Intervals as a band over cases ordered by ``center``, with the centre and the observations; returns the Axes.

    ``center`` (default: each interval's midpoint) orders the cases and is drawn
    as a line labelled ``center_label``; ``observed`` values, if given, are drawn as dots.
    """
    import matplotlib.pyplot as plt

    lower = check_array(lower, "lower", ndim=1)
    upper = check_array(upper, "upper", ndim=1)
    check_consistent_length(lower=lower, upper=upper)
    center = (lower + upper) / 2 if center is None else check_array(center, "center", ndim=1)
    arrays = {"lower": lower, "upper": upper, "center": center}
    if observed is not None:
        arrays["observed"] = observed = check_array(observed, "observed", ndim=1)
    check_consistent_length(**arrays)
    ax = ax if ax is not None else plt.gca()
    order = np.argsort(center, kind="stable")
    x = np.arange(len(order))
    ax.fill_between(x, lower[order], upper[order], color="#56B4E9", alpha=0.5, lw=0, label=label)
    ax.plot(x, center[order], lw=1, label=center_label)
    if observed is not None:
        ax.scatter(x, observed[order], s=4, color="k", label="observed")
    ax.set(xlabel="cases, ordered by the centre")
    return ax
