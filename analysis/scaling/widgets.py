"""ipywidgets front-end for scaling-law fits: hold out the largest runs, change delta.

The widget only wires sliders to :func:`extrapolation_summary`, a plain function
the tests call directly.
"""

from __future__ import annotations

import warnings

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..errors import AnalysisInputError, LeastAbsoluteDeviationWarning
from .allocation import compute_optimal
from .backtest import backtest
from .fit import fit_scaling_law
from .laws import chinchilla

__all__ = ["ExtrapolationExplorer", "extrapolation_summary"]

CHINCHILLA_COMPUTE = 6 * 70e9 * 1.4e12  # FLOP of Chinchilla itself (70B parameters, 1.4T tokens)


def extrapolation_summary(runs: pd.DataFrame, max_compute: float, delta: float, *, starts=None) -> str:
    """Fit the Chinchilla law on runs with ``C <= max_compute`` and describe its extrapolation.

    Returns one line: the fitted exponents and ``E``, the mean absolute
    percentage error on the held-out larger runs, and the compute-optimal
    tokens per parameter at Chinchilla's compute.
    """
    n_train = int((runs["C"] <= max_compute).sum())
    if n_train < 10:
        raise AnalysisInputError.about(
            "max_compute", "a cut-off that keeps at least 10 runs for the fit", f"{n_train} runs",
            "Raise the cut-off.",
        )
    options = {"law": chinchilla, "loss": "huber", "delta": delta, "starts": starts}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LeastAbsoluteDeviationWarning)  # the note is in the fit's summary
        if n_train < len(runs):
            result = backtest(runs, max_compute, by="C", **options)
            fit, held_out = result.fits[0], result.errors.iloc[0]
        else:
            fit, held_out = fit_scaling_law(runs, **options), None
    p = fit.params
    text = f"fit on {n_train} runs: E = {p['E']:.3f}, alpha = {p['alpha']:.3f}, beta = {p['beta']:.3f}"
    if held_out is not None:
        text += f"; {int(held_out['n_test'])} held-out runs: MAPE {held_out['mape']:.2f}%"
    ratio = compute_optimal(fit, CHINCHILLA_COMPUTE).loc[0, "tokens_per_param"]
    return text + f"; tokens per parameter at 5.9e23 FLOP: {ratio:.1f}"


class ExtrapolationExplorer(widgets.VBox):
    """Sliders over the compute cut-off of the fitted runs and over Huber's delta.

    Attributes
    ----------
    max_compute, delta : ipywidgets.FloatLogSlider
    readout : ipywidgets.Label
        Shows ``extrapolation_summary(runs, max_compute.value, delta.value, starts=starts)``.
    """

    def __init__(self, runs: pd.DataFrame, *, starts=None, max_compute: float | None = None, delta: float = 1e-3):
        self.runs, self.starts = runs, starts
        top = np.log10(runs["C"].max())
        self.max_compute = widgets.FloatLogSlider(
            value=max_compute or 10**top, min=np.floor(top) - 2, max=top, step=0.05, description="max C",
            readout_format=".2e", continuous_update=False,
        )
        self.delta = widgets.FloatLogSlider(
            value=delta, min=-4, max=-1, step=0.25, description="delta", readout_format=".1e",
            continuous_update=False,
        )
        self.readout = widgets.Label()
        for slider in (self.max_compute, self.delta):
            slider.observe(self._update, names="value")
        self._update()
        super().__init__([self.max_compute, self.delta, self.readout])

    def _update(self, change=None) -> None:
        self.readout.value = extrapolation_summary(
            self.runs, self.max_compute.value, self.delta.value, starts=self.starts
        )
