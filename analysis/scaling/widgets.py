"""ipywidgets front-end for scaling-law fits: hold out the largest runs, change delta.

The widget only wires sliders to :func:`extrapolation_summary`, a plain function
the tests call directly.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .._validation import check_columns, check_number, check_positive
from ..errors import AnalysisInputError
from .backtest import extrapolation_check

__all__ = ["ExtrapolationExplorer", "extrapolation_summary"]

def extrapolation_summary(runs: pd.DataFrame, max_compute: float, delta: float, *, starts=None) -> str:
    """One line of :func:`~analysis.scaling.extrapolation_check`: exponents, held-out error, allocation."""
    check = extrapolation_check(runs, max_compute, delta=delta, starts=starts)
    text = (f"fit on {check['n_train']} runs: E = {check['E']:.3f}, alpha = {check['alpha']:.3f}, "
            f"beta = {check['beta']:.3f}")
    if check["n_held_out"]:
        text += f"; {check['n_held_out']} held-out runs: MAPE {check['mape']:.2f}%"
    return text + f"; tokens per parameter at 5.9e23 FLOP: {check['tokens_per_param']:.1f}"


class ExtrapolationExplorer(widgets.VBox):
    """Sliders over the compute cut-off of the fitted runs and over Huber's delta.

    Attributes
    ----------
    max_compute, delta : ipywidgets.FloatLogSlider
    readout : ipywidgets.Label
        Shows ``extrapolation_summary(runs, max_compute.value, delta.value, starts=starts)``.
    """

    def __init__(self, runs: pd.DataFrame, *, starts=None, max_compute: float | None = None, delta: float = 1e-3):
        top = np.log10(check_positive(check_columns(runs, ("C",), name="runs")["C"], "runs").max())
        low = np.floor(top) - 2
        if max_compute is not None and not 10**low <= check_number(max_compute, "max_compute") <= 10**top:
            raise AnalysisInputError.about("max_compute", f"a compute in [{10**low:.3g}, {10**top:.3g}] FLOP, the "
                                           "slider's range", str(max_compute), "Pass None to start at the largest run.")
        if not 1e-4 <= check_number(delta, "delta") <= 0.1:
            raise AnalysisInputError.about("delta", "a Huber delta in [1e-4, 0.1], the slider's range", str(delta),
                                           "Pass a delta on the slider, such as 1e-3.")
        self.runs, self.starts = runs, starts
        self.max_compute = widgets.FloatLogSlider(
            value=max_compute or 10**top, min=low, max=top, step=0.05, description="max C",
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
