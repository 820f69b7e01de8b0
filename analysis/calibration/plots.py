"""Reliability diagrams with consistency bands, and a smooth diagram, as results that draw themselves.

Consistency bands (Broecker & Smith 2007) show how far each bin's accuracy
would stray from its mean confidence if the model were perfectly calibrated:
outcomes are redrawn as Bernoulli(score) for every score, and the band is the
central ``ci`` share of the resampled bin accuracies. Points outside their band
are miscalibration that sampling noise alone does not explain. Each bin's
accuracy also gets a Wilson interval (statsmodels' ``proportion_confint``): the
uncertainty of the observed accuracy itself, which the band does not show.

The functions compute everything once; ``.plot(ax=...)`` only draws.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from .._resample import percentile_interval
from .._results import Result
from .._validation import check_integer, check_level, check_rng
from ..errors import AnalysisInputError
from ._inputs import score_outcome_pairs
from .binning import bin_indices
from .metrics import reliability
from .smooth import _DENSITY_FLOOR, _Smoother, check_sigma

__all__ = ["ReliabilityDiagram", "SmoothReliability", "consistency_bands", "reliability_diagram", "smooth_reliability"]

_DRAWS_PER_BATCH = 2**22


def _single_pair(y_true, y_prob, mode):
    if mode == "classwise":
        raise AnalysisInputError.about("mode", "'top-label', 'positive' or 'marginal'", "'classwise'",
                                       "Draw one diagram per class with mode='positive' on that class's column.")
    return score_outcome_pairs(y_true, y_prob, mode)[0]


def consistency_bands(
    y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform", mode: str = "top-label", ci: float = 0.9,
    n_boot: int = 1000, rng=None,
) -> pd.DataFrame:
    """Per-bin band of accuracies a calibrated model would show: ``bin``, ``count``, ``low``, ``high``.

    Bins without scores (``count`` 0) get NaN.
    """
    scores, _ = _single_pair(y_true, y_prob, mode)
    ci = check_level(ci, "ci")
    n_boot = check_integer(n_boot, "n_boot", minimum=2)
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
    band = percentile_interval(np.concatenate(accuracies), ci=ci)
    return pd.DataFrame({"bin": np.arange(n_bins), "count": count.astype(int), "low": band.low, "high": band.high})


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ReliabilityDiagram(Result):
    """Per-bin accuracy against confidence, with Wilson intervals and consistency bands.

    Attributes
    ----------
    table : DataFrame
        One row per bin: ``bin``, ``count``, ``mean_confidence``, ``accuracy``,
        ``accuracy_low`` and ``accuracy_high`` (Wilson interval at ``ci``),
        ``band_low`` and ``band_high`` (consistency band at ``ci``; absent when
        ``n_boot=0``). Empty bins have count 0 and NaN elsewhere.
    ci : float
    mode, strategy : str
    n_classes : int
    """

    table: pd.DataFrame
    ci: float
    mode: str
    strategy: str
    n_classes: int

    @property
    def title(self) -> str:
        return f"Reliability diagram ({self.mode}, {len(self.table)} {self.strategy} bins)"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def plot(self, *, ax=None, color=None, label: str | None = None, show_counts: bool = True):
        """Draw the diagram; returns the Axes.

        Points are bin accuracies at their mean confidence with Wilson
        intervals; grey bars are the consistency bands; the grey histogram at
        the bottom is the share of scores per bin (equal-width bins only). The
        x axis starts at 1 / n_classes for top-label confidence, its least value.
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        t = self.table[self.table["count"] > 0]
        x_min = 1 / self.n_classes if self.mode == "top-label" else 0.0
        ax.plot([x_min, 1], [x_min, 1], color="0.5", lw=0.8, ls="--", zorder=1)
        if show_counts and self.strategy == "uniform":
            share = self.table["count"] / self.table["count"].sum()
            edges = np.arange(len(share) + 1) / len(share)
            ax.bar(edges[:-1], 0.2 * share / share.max(), width=np.diff(edges), align="edge", color="0.88",
                   zorder=0)
        if "band_low" in t:
            ax.vlines(t["mean_confidence"], t["band_low"], t["band_high"], color="0.75", lw=3.5, zorder=2,
                      label=f"{self.ci:.0%} band of a calibrated model")
        # Wilson's bounds can miss an accuracy of exactly 0 or 1 by round-off
        errors = np.maximum([t["accuracy"] - t["accuracy_low"], t["accuracy_high"] - t["accuracy"]], 0)
        ax.errorbar(t["mean_confidence"], t["accuracy"], yerr=errors, fmt="o", ms=3, elinewidth=0.8, zorder=3,
                    color=color, label=label or f"bin accuracy, {self.ci:.0%} Wilson interval")
        top_label = self.mode == "top-label"
        ax.set(xlim=(x_min - 0.01, 1.01), ylim=(0, 1.02), xlabel="confidence" if top_label else "predicted probability",
               ylabel="accuracy" if top_label else "observed frequency")
        return ax


def reliability_diagram(
    y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform", mode: str = "top-label", ci: float = 0.9,
    n_boot: int = 1000, rng=None,
) -> ReliabilityDiagram:
    """Reliability-diagram data with Wilson intervals and, for ``n_boot > 0``, consistency bands.

    ``mode`` is ``"top-label"`` (confidence of the predicted class),
    ``"positive"`` (binary scores of class 1) or ``"marginal"``; draw one
    diagram per class for class-wise calibration.
    """
    ci = check_level(ci, "ci")
    _single_pair(y_true, y_prob, mode)  # one diagram: class-wise is refused with advice
    table = reliability(y_true, y_prob, n_bins=n_bins, strategy=strategy, mode=mode)
    count = table["count"].to_numpy()
    successes = np.rint(np.nan_to_num(table["accuracy"].to_numpy()) * count)
    full = count > 0
    low, high = np.full(len(count), np.nan), np.full(len(count), np.nan)
    low[full], high[full] = proportion_confint(successes[full], count[full], alpha=1 - ci, method="wilson")
    table = table.drop(columns="gap").assign(accuracy_low=low, accuracy_high=high)
    if n_boot:
        bands = consistency_bands(y_true, y_prob, n_bins=n_bins, strategy=strategy, mode=mode, ci=ci, n_boot=n_boot,
                                  rng=rng)
        table = table.assign(band_low=bands["low"].to_numpy(), band_high=bands["high"].to_numpy())
    y_prob = np.asarray(y_prob)
    n_classes = 2 if y_prob.ndim == 1 else y_prob.shape[1]
    return ReliabilityDiagram(table=table, ci=ci, mode=mode, strategy=strategy, n_classes=n_classes)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SmoothReliability(Result):
    """The kernel-smoothed reliability curve (Blasiok & Nakkiran 2023), with a bootstrap band.

    Attributes
    ----------
    curve : DataFrame
        On the evaluation grid: ``confidence``, ``accuracy``, ``density`` (of the
        scores), ``nearby`` (the Gaussian-weighted number of scores around each
        point, about those within one bandwidth) and, for a bootstrap, ``low``
        and ``high`` at level ``ci``.
    sigma : float
        The bandwidth (the smooth-ECE fixed point unless given).
    ci : float or None
    mode : str
    """

    curve: pd.DataFrame
    sigma: float
    ci: float | None
    mode: str

    @property
    def title(self) -> str:
        return f"Smoothed reliability curve ({self.mode}, sigma = {self.sigma:.3g})"

    def to_frame(self) -> pd.DataFrame:
        return self.curve

    def plot(self, *, ax=None, show_density: bool = True, min_nearby: float = 2.0, **line_kw):
        """Draw the curve where at least ``min_nearby`` scores lie within about a bandwidth; returns the Axes.

        Elsewhere the curve is extrapolation and is left out. The band (if any)
        is shaded in the curve's colour; ``show_density`` shades the density at
        the bottom. ``line_kw`` goes to the curve (``label``, ``color``).
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        c = self.curve
        supported = c["nearby"] >= min_nearby
        ax.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls="--")
        (line,) = ax.plot(c["confidence"], c["accuracy"].where(supported), **line_kw)
        if "low" in c:
            ax.fill_between(c["confidence"], c["low"].where(supported), c["high"].where(supported),
                            color=line.get_color(), alpha=0.25, lw=0)
        if show_density:
            ax.fill_between(c["confidence"], 0, 0.2 * c["density"] / c["density"].max(), color="0.88", lw=0,
                            zorder=0)
        top_label = self.mode == "top-label"
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence" if top_label else "predicted probability",
               ylabel="accuracy" if top_label else "observed frequency")
        return ax


def smooth_reliability(
    y_true, y_prob, *, mode: str = "top-label", sigma: float | None = None, n_boot: int = 0, ci: float = 0.9,
    rng=None,
) -> SmoothReliability:
    """The smoothed reliability curve at the smooth-ECE bandwidth, with a bootstrap band for ``n_boot > 0``.

    Each resample of the predictions is smoothed at the bandwidth of the full
    sample, so the band shows the spread of the curve, not of the bandwidth.
    """
    scores, outcomes = _single_pair(y_true, y_prob, mode)
    smoother = _Smoother(scores, outcomes)
    sigma = smoother.fixed_point(1e-3) if sigma is None else check_sigma(sigma)
    points, residual, density = smoother.curve(sigma)
    curve = pd.DataFrame({"confidence": points, "accuracy": points - residual, "density": density,
                          "nearby": (density - _DENSITY_FLOOR) * np.sqrt(2 * np.pi) * sigma})
    if not n_boot:
        return SmoothReliability(curve=curve, sigma=float(sigma), ci=None, mode=mode)
    ci = check_level(ci, "ci")
    rows = check_rng(rng).integers(0, len(scores), (check_integer(n_boot, "n_boot", minimum=2), len(scores)))
    curves = np.array([points - _Smoother(scores[r], outcomes[r]).curve(sigma)[1] for r in rows])
    band = percentile_interval(curves, ci=ci)
    return SmoothReliability(curve=curve.assign(low=band.low, high=band.high), sigma=float(sigma), ci=ci, mode=mode)
