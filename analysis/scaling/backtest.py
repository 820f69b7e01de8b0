"""Backtests: fit on the small runs, predict the large ones.

For each cut-off, the law is fitted to the runs whose ``by`` column (compute,
size, ...) is at most the cut-off, and predicts every run above it. Errors are
reported on the loss itself: mean absolute error (nats per token) and mean
absolute percentage error.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd

from .._results import Result
from .._validation import check_columns, check_positive
from ..errors import AnalysisInputError, LeastAbsoluteDeviationWarning
from .allocation import compute_optimal
from .fit import fit_scaling_law
from .laws import chinchilla

__all__ = ["CHINCHILLA_COMPUTE", "BacktestResult", "backtest", "extrapolation_check"]

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
    check_columns(data, (by,))
    scale = check_positive(data[by], by, ndim=1)
    cutoffs = check_positive(np.atleast_1d(cutoffs), "cutoffs", ndim=1)
    y = fit_kwargs.get("y", "loss")
    rows, predictions, fits = [], [], []
    for cutoff in cutoffs:
        train, test = scale <= cutoff, scale > cutoff
        if not test.any() or not train.any():
            raise AnalysisInputError.about(
                "cutoffs", f"values between the smallest and largest {by}", f"{cutoff:.3g}",
                "Pick cut-offs that leave runs to fit and runs to predict.",
            )
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


def extrapolation_check(runs: pd.DataFrame, max_compute: float, *, delta: float = 1e-3, starts=None) -> dict:
    """Fit the Chinchilla law (Huber loss) on the runs with ``C <= max_compute`` and check its extrapolation.

    Returns a dict: ``n_train``; the fitted ``E``, ``alpha`` and ``beta``;
    ``n_held_out`` and ``mape`` (percent) on the larger runs (0 and NaN when
    none is held out); ``tokens_per_param``, the compute-optimal ``D / N`` at
    Chinchilla's compute. The least-absolute-deviation note of a small delta is
    the fit's own and is not repeated as a warning.
    """
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
