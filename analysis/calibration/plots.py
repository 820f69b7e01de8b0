"""Reliability diagrams with consistency bands, and a smooth diagram.

Consistency bands (Broecker & Smith 2007) show how far each bin's accuracy
would stray from its mean confidence if the model were perfectly calibrated:
outcomes are redrawn as Bernoulli(score) for every score, and the band is the
central ``level`` share of the resampled bin accuracies. Points outside their
band are miscalibration that sampling noise alone does not explain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_integer, check_level, check_rng
from ..errors import AnalysisInputError
from ._inputs import score_outcome_pairs
from .binning import bin_indices
from .metrics import reliability
from .smooth import _Smoother

__all__ = ["consistency_bands", "plot_reliability", "plot_smooth_reliability", "smooth_reliability_band"]

_DRAWS_PER_BATCH = 2**22


def _single_pair(y_true, y_prob, mode):
    if mode == "classwise":
        raise AnalysisInputError.about("mode", "'top-label', 'positive' or 'marginal'", "'classwise'",
                                       "Draw one diagram per class with mode='positive' on that class's column.")
    return score_outcome_pairs(y_true, y_prob, mode)[0]


def consistency_bands(
    y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform", mode: str = "top-label", level: float = 0.9,
    n_boot: int = 1000, rng=None,
) -> pd.DataFrame:
    """Per-bin band of accuracies a calibrated model would show: ``bin``, ``low``, ``high``.

    Bins without scores get NaN.
    """
    scores, _ = _single_pair(y_true, y_prob, mode)
    level = check_level(level, "level")
    n_boot = check_integer(n_boot, "n_boot")
    rng = check_rng(rng)
    idx = bin_indices(scores, n_bins, strategy)
    onehot = np.zeros((len(scores), n_bins))
    onehot[np.arange(len(scores)), idx] = 1.0
    count = onehot.sum(axis=0)
    batch = max(1, _DRAWS_PER_BATCH // len(scores))
    accuracies = []
    for start in range(0, n_boot, batch):
        size = min(batch, n_boot - start)
        outcomes = (rng.uniform(size=(size, len(scores))) < scores).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            accuracies.append(outcomes @ onehot / count)
    low, high = np.quantile(np.concatenate(accuracies), [(1 - level) / 2, (1 + level) / 2], axis=0)
    return pd.DataFrame({"bin": np.arange(n_bins), "low": low, "high": high})


def plot_reliability(
    y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform", mode: str = "top-label", band: float | None = 0.9,
    n_boot: int = 1000, rng=None, ax=None,
):
    """Reliability diagram: accuracy against mean confidence per bin, with consistency bands and counts.

    Each bin is a point at (mean confidence, accuracy); the vertical bars are
    the consistency band at level ``band`` (None: no band); grey bars at the
    bottom show the share of scores per bin. Empty bins are not drawn.
    Returns the Axes.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.gca()
    table = reliability(y_true, y_prob, n_bins=n_bins, strategy=strategy, mode=mode)
    full = table["count"] > 0
    edges = np.arange(n_bins + 1) / n_bins
    if strategy == "uniform":
        share = table["count"] / table["count"].sum()
        ax.bar(edges[:-1], 0.25 * share / share.max(), width=1 / n_bins, align="edge", color="0.85", zorder=0)
    ax.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls="--", zorder=1)
    if band is not None:
        bands = consistency_bands(y_true, y_prob, n_bins=n_bins, strategy=strategy, mode=mode, level=band,
                                  n_boot=n_boot, rng=rng)
        x = table.loc[full, "mean_confidence"]
        ax.vlines(x, bands.loc[full, "low"], bands.loc[full, "high"], color="0.6", lw=2.5, zorder=2,
                  label=f"{band:.0%} consistency band")
    ax.plot(table.loc[full, "mean_confidence"], table.loc[full, "accuracy"], "o-", ms=3, zorder=3,
            label="bins")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", ylabel="accuracy", aspect="equal")
    return ax


def smooth_reliability_band(
    y_true, y_prob, *, mode: str = "top-label", sigma: float | None = None, level: float = 0.9, n_boot: int = 200,
    rng=None,
) -> pd.DataFrame:
    """The smoothed reliability curve with a bootstrap band, at a fixed bandwidth.

    The bandwidth is the smooth-ECE fixed point of the full sample (or
    ``sigma``); each resample of the predictions is smoothed at that bandwidth.
    Returns ``confidence``, ``accuracy``, ``low``, ``high`` and ``density`` on the
    evaluation grid.
    """
    scores, outcomes = _single_pair(y_true, y_prob, mode)
    level = check_level(level, "level")
    smoother = _Smoother(scores, outcomes)
    sigma = smoother.fixed_point(1e-3) if sigma is None else sigma
    points, residual, density = smoother.curve(sigma)
    rows = check_rng(rng).integers(0, len(scores), (check_integer(n_boot, "n_boot"), len(scores)))
    curves = np.array([points - _Smoother(scores[r], outcomes[r]).curve(sigma)[1] for r in rows])
    low, high = np.quantile(curves, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return pd.DataFrame({"confidence": points, "accuracy": points - residual, "low": low, "high": high,
                         "density": density})


def plot_smooth_reliability(
    y_true, y_prob, *, mode: str = "top-label", sigma: float | None = None, band: float | None = None,
    n_boot: int = 200, rng=None, show_density: bool = True, ax=None, **line_kw,
):
    """Kernel-smoothed reliability curve (Blasiok & Nakkiran 2023) at the smooth-ECE bandwidth.

    The curve is drawn where the smoothed density of scores is at least 1% of
    its peak (elsewhere it is extrapolation); ``band`` adds a bootstrap band at
    that level (:func:`smooth_reliability_band`); ``show_density`` shades the
    density at the bottom. ``line_kw`` goes to the curve (``label``, ``color``).
    Returns the Axes.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.gca()
    if band:
        curve = smooth_reliability_band(y_true, y_prob, mode=mode, sigma=sigma, level=band, n_boot=n_boot, rng=rng)
    else:  # the curve alone: no resampling
        smoother = _Smoother(*_single_pair(y_true, y_prob, mode))
        points, residual, density = smoother.curve(smoother.fixed_point(1e-3) if sigma is None else sigma)
        curve = pd.DataFrame({"confidence": points, "accuracy": points - residual, "density": density})
    supported = curve["density"] >= 0.01 * curve["density"].max()
    ax.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls="--")
    (line,) = ax.plot(curve["confidence"], curve["accuracy"].where(supported), **line_kw)
    if band:
        ax.fill_between(curve["confidence"], curve["low"].where(supported), curve["high"].where(supported),
                        color=line.get_color(), alpha=0.25, lw=0)
    if show_density:
        ax.fill_between(curve["confidence"], 0, 0.25 * curve["density"] / curve["density"].max(), color="0.85",
                        lw=0, zorder=0)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", ylabel="accuracy", aspect="equal")
    return ax
