"""Backtests: fit on the small runs, predict the large ones.

For each cut-off, the law is fitted to the runs whose ``by`` column (compute,
size, ...) is at most the cut-off, and predicts every run above it. Errors are
reported on the loss itself: mean absolute error (nats per token) and mean
absolute percentage error. :func:`interval_backtest` asks the same of the
bootstrap intervals: do they cover the larger runs as often as they claim?
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd

from .._resample import percentile_interval
from .._results import Result
from .._validation import check_columns, check_level, check_number, check_positive, check_rng
from ..calibration import interval_coverage, interval_score, rank_histogram
from ..errors import AnalysisInputError, LeastAbsoluteDeviationWarning
from .allocation import compute_optimal
from .fit import fit_scaling_law
from .laws import chinchilla
from .near_optimal import near_optimal_set

__all__ = ["CHINCHILLA_COMPUTE", "BacktestResult", "IntervalBacktest", "backtest", "extrapolation_check",
           "interval_backtest"]

CHINCHILLA_COMPUTE = 6 * 70e9 * 1.4e12  # FLOP of Chinchilla itself (70B parameters, 1.4T tokens)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class BacktestResult(Result):
    """Out-of-sample errors of a law fitted below each cut-off.

    Attributes
    ----------
    errors : DataFrame
        One row per cut-off: ``cutoff``, ``n_train``, ``n_test``, ``mae``, ``mape`` (percent).
    predictions : DataFrame
        One row per (cut-off, held-out run): ``cutoff``, ``by``, ``observed``, ``predicted``.
    by : str
        The column the cut-offs apply to.
    fits : tuple of ScalingLawFit
        The fit at each cut-off.
    """

    errors: pd.DataFrame
    predictions: pd.DataFrame
    by: str
    fits: tuple

    @property
    def title(self) -> str:
        return f"Backtest of {self.fits[0].law.name} over {len(self.errors)} cut-offs in {self.by}"

    def to_frame(self) -> pd.DataFrame:
        return self.errors

    def plot(self, *, ax=None):
        """Predicted / observed loss of the held-out runs against ``by``, one colour per cut-off."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        for cutoff, group in self.predictions.groupby("cutoff"):
            ratio = group["predicted"] / group["observed"]
            ax.scatter(group["by"], ratio, s=8, label=f"fit on {self.by} <= {cutoff:.1e}")
        ax.axhline(1.0, color="0.4", lw=0.8, ls="--")
        ax.set(xscale="log", xlabel=self.by, ylabel="predicted / observed loss")
        return ax


def backtest(data: pd.DataFrame, cutoffs, *, by: str = "C", law="chinchilla", **fit_kwargs) -> BacktestResult:
    """Fit ``law`` on runs with ``data[by] <= cutoff`` and score it on the rest, for every cut-off.

    Parameters
    ----------
    data : DataFrame
        Training runs, with the columns the law needs and ``by``.
    cutoffs : float or array-like
        Cut-offs in the units of ``by``; each must leave runs on both sides.
    by : str
        Column that orders runs by scale (e.g. compute ``C`` or size ``N``).
    law, **fit_kwargs
        Passed to :func:`~analysis.scaling.fit_scaling_law` (``x``, ``y``, ``loss``, ``delta``, ``starts``, ...).
    """
    y = fit_kwargs.get("y", "loss")
    rows, predictions, fits = [], [], []
    for cutoff, scale, train, test in _splits(data, cutoffs, by):
        fit = fit_scaling_law(data[train], law, **fit_kwargs)
        observed = data.loc[test, y].to_numpy()
        predicted = fit.predict(data[test])
        error = np.abs(predicted - observed)
        rows.append({
            "cutoff": cutoff, "n_train": int(train.sum()), "n_test": int(test.sum()),
            "mae": error.mean(), "mape": 100 * np.mean(error / observed),
        })
        predictions.append(pd.DataFrame({"cutoff": cutoff, "by": scale[test], "observed": observed,
                                         "predicted": predicted}))
        fits.append(fit)
    return BacktestResult(pd.DataFrame(rows), pd.concat(predictions, ignore_index=True), by, tuple(fits))


def _splits(data: pd.DataFrame, cutoffs, by: str):
    """``(cutoff, scale, train, test)`` per cut-off: the ``by`` column and the masks of runs at most and above it."""
    check_columns(data, (by,))
    scale = check_positive(data[by], by, ndim=1)
    cutoffs = check_positive(np.atleast_1d(cutoffs), "cutoffs", ndim=1)
    for cutoff in cutoffs:
        train, test = scale <= cutoff, scale > cutoff
        if not test.any() or not train.any():
            raise AnalysisInputError.about(
                "cutoffs", f"values between the smallest and largest {by}", f"{cutoff:.3g}",
                "Pick cut-offs that leave runs to fit and runs to predict.",
            )
        yield cutoff, scale, train, test


def extrapolation_check(runs: pd.DataFrame, max_compute: float, *, delta: float = 1e-3, starts=None) -> dict:
    """Fit the Chinchilla law (Huber loss) on the runs with ``C <= max_compute`` and check its extrapolation.

    Returns a dict: ``n_train``; the fitted ``E``, ``alpha`` and ``beta``;
    ``n_held_out`` and ``mape`` (percent) on the larger runs (0 and NaN when
    none is held out); ``tokens_per_param``, the compute-optimal ``D / N`` at
    Chinchilla's compute. The least-absolute-deviation note of a small delta is
    the fit's own and is not repeated as a warning.
    """
    max_compute = check_number(max_compute, "max_compute", minimum=0, strict=True, fix="Pass a compute in FLOP.")
    check_columns(runs, ["C"], name="runs")
    n_train = int((runs["C"] <= max_compute).sum())
    if n_train < 10:
        raise AnalysisInputError.about(
            "max_compute", "a cut-off that keeps at least 10 runs for the fit", f"{n_train} runs",
            "Raise the cut-off.",
        )
    options = {"law": chinchilla, "loss": "huber", "delta": delta, "starts": starts}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LeastAbsoluteDeviationWarning)
        if n_train < len(runs):
            result = backtest(runs, max_compute, by="C", **options)
            fit, n_held_out, mape = result.fits[0], int(result.errors.loc[0, "n_test"]), result.errors.loc[0, "mape"]
        else:
            fit, n_held_out, mape = fit_scaling_law(runs, **options), 0, np.nan
    p = fit.params
    ratio = compute_optimal(fit, CHINCHILLA_COMPUTE).loc[0, "tokens_per_param"]
    return {"n_train": n_train, "E": p["E"], "alpha": p["alpha"], "beta": p["beta"], "n_held_out": n_held_out,
            "mape": float(mape), "tokens_per_param": float(ratio)}


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class IntervalBacktest(Result):
    """Coverage of bootstrap intervals for runs beyond each compute cut-off.

    Attributes
    ----------
    coverage : DataFrame
        One row per (``cutoff``, ``kind``, ``level``): ``n_test``, ``coverage``
        (share of held-out losses inside), ``mean_width`` (nats per token) and
        ``interval_score`` (Gneiting & Raftery 2007; lower is better), plus
        rows with ``cutoff`` NaN pooling every (cut-off, run) pair. Kind
        ``"near-optimal"`` rows hold the bands of the near-optimal sets, one
        per ``epsilon`` (NaN for the bootstrap's rows); they have no level and
        no interval score.
    pit : dict of str to RankHistogram
        Per kind, the rank of each held-out loss among its bootstrap draws,
        pooled over cut-offs: a flat histogram means calibrated draws.
    fits : tuple of ScalingLawFit
        The fit (with its bootstrap) at each cut-off.
    """

    coverage: pd.DataFrame
    pit: dict
    fits: tuple

    @property
    def title(self) -> str:
        return f"Interval backtest of {self.fits[0].law.name} over {len(self.fits)} cut-offs"

    def to_frame(self) -> pd.DataFrame:
        return self.coverage

    def plot(self, *, ax=None):
        """Pooled empirical coverage against the nominal level, one line per kind, with the diagonal."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        pooled = self.coverage[self.coverage["cutoff"].isna() & self.coverage["level"].notna()]
        for kind, group in pooled.groupby("kind", sort=False):
            ax.plot(group["level"], group["coverage"], marker="o", label=f"{kind} intervals")
        ax.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls="--", label="nominal")
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="nominal level", ylabel="share of held-out runs inside")
        return ax


def interval_backtest(
    data: pd.DataFrame, cutoffs, *, by: str = "C", law="chinchilla", levels=(0.5, 0.8, 0.9, 0.95),
    n_boot: int = 200, epsilons=(), rng=None, progress: bool | None = None, **fit_kwargs,
) -> IntervalBacktest:
    """Fit below each cut-off with a bootstrap and check its intervals on the runs above it.

    For every held-out run the bootstrap fits give draws of its loss:
    ``"confidence"`` draws are the fits' predictions (the law's uncertainty),
    ``"prediction"`` draws add a residual of the fit drawn at random (the
    run-to-run scatter too): :meth:`ScalingLawFit.bootstrap_draws`.
    Central percentile intervals at each level are scored by coverage, width
    and interval score, and the rank of the observed loss among the draws
    gives a PIT histogram (:func:`~analysis.calibration.rank_histogram`).
    For each of ``epsilons``, the band of the near-optimal set
    (:meth:`NearOptimalSet.predict_band`) is scored by coverage and width.

    Parameters
    ----------
    data, cutoffs, by, law, **fit_kwargs
        As for :func:`backtest`.
    levels : sequence of float
        Nominal levels of the central intervals, each in (0, 1).
    n_boot : int
        Bootstrap replicates per fit (at least 2).
    epsilons : sequence of float
        Relative slacks of the near-optimal sets whose bands are checked too
        (none by default: each band point is an optimisation, about 0.1 s).
    rng : None, int or Generator
        For the bootstraps, the residual draws, the ties of the ranks and the
        members of the near-optimal sets.
    progress : bool or None
        Progress bars of the bootstraps.
    """
    levels = [check_level(level, "levels") for level in np.atleast_1d(levels)]
    epsilons = [float(e) for e in check_positive(np.atleast_1d(epsilons), "epsilons", strict=False, ndim=1)] \
        if np.size(epsilons) else []
    rng = check_rng(rng)
    y = fit_kwargs.get("y", "loss")
    rows, draws, observed_all, fits = [], {"confidence": [], "prediction": []}, [], []
    bands = {e: ([], []) for e in epsilons}  # per epsilon: (low, high) arrays per cut-off
    for cutoff, _, train, test in _splits(data, cutoffs, by):
        fit = fit_scaling_law(data[train], law, n_boot=n_boot, rng=rng, progress=progress, **fit_kwargs)
        held_out = data[test]
        observed = held_out[y].to_numpy(float)
        kinds = {kind: fit.bootstrap_draws(held_out, kind=kind, rng=rng) for kind in ("confidence", "prediction")}
        for kind, sample in kinds.items():
            draws[kind].append(sample.T)
            rows += _interval_rows(cutoff, kind, sample, observed, levels)
        for epsilon in epsilons:
            band = near_optimal_set(fit, epsilon, rng=rng).predict_band(
                **{name: held_out[column].to_numpy(float) for name, column in fit.inputs.items()})
            bands[epsilon][0].append(band["low"].to_numpy())
            bands[epsilon][1].append(band["high"].to_numpy())
            rows.append(_band_row(cutoff, epsilon, observed, band["low"], band["high"]))
        observed_all.append(observed)
        fits.append(fit)
    observed = np.concatenate(observed_all)
    for kind in draws:
        rows += _interval_rows(np.nan, kind, np.vstack(draws[kind]).T, observed, levels)
    for epsilon, (low, high) in bands.items():
        rows.append(_band_row(np.nan, epsilon, observed, np.concatenate(low), np.concatenate(high)))
    pit = {kind: rank_histogram(np.vstack(d), observed, rng=rng) for kind, d in draws.items()}
    return IntervalBacktest(pd.DataFrame(rows), pit, tuple(fits))


def _band_row(cutoff, epsilon: float, observed: np.ndarray, low, high) -> dict:
    inside = interval_coverage(observed, np.asarray(low), np.asarray(high))
    return {"cutoff": cutoff, "kind": "near-optimal", "epsilon": epsilon, "level": np.nan, "n_test": len(observed),
            "coverage": inside.coverage, "mean_width": inside.mean_width, "interval_score": np.nan}


def _interval_rows(cutoff, kind: str, sample: np.ndarray, observed: np.ndarray, levels) -> list[dict]:
    """Coverage, width and interval score of the central intervals of ``sample`` (draws, runs) per level."""
    rows = []
    for level in levels:
        interval = percentile_interval(sample, ci=level)
        inside = interval_coverage(observed, interval.low, interval.high)
        rows.append({"cutoff": cutoff, "kind": kind, "epsilon": np.nan, "level": level, "n_test": len(observed),
                     "coverage": inside.coverage, "mean_width": inside.mean_width,
                     "interval_score": interval_score(observed, interval.low, interval.high, 1 - level)})
    return rows
