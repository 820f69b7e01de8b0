"""ipywidgets front-end for binned calibration error: the number of bins and the binning strategy."""

from __future__ import annotations

import ipywidgets as widgets

from .._validation import check_integer
from ..errors import AnalysisInputError
from .metrics import ece
from .smooth import smooth_ece

__all__ = ["ECEExplorer", "describe_ece"]


def describe_ece(y_true, y_prob, n_bins: int, strategy: str, *, mode: str = "top-label") -> str:
    """One line: plug-in L1 ECE, debiased L2 ECE at these bins, and the bin-free smooth ECE."""
    plug_in = ece(y_true, y_prob, n_bins=n_bins, strategy=strategy, mode=mode)
    debiased = ece(y_true, y_prob, n_bins=n_bins, strategy=strategy, mode=mode, norm="l2", debiased=True)
    smooth = smooth_ece(y_true, y_prob, mode=mode)
    return (f"{n_bins} {strategy} bins: ECE = {plug_in:.4f}, debiased L2 ECE = {debiased:.4f}; "
            f"smooth ECE (no bins) = {smooth:.4f}")


class ECEExplorer(widgets.VBox):
    """A slider over the number of bins and a toggle over the strategy, showing :func:`describe_ece`.

    Attributes
    ----------
    n_bins : ipywidgets.IntSlider
    strategy : ipywidgets.ToggleButtons
    readout : ipywidgets.Label
    """

    def __init__(self, y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform", mode: str = "top-label"):
        if not 2 <= check_integer(n_bins, "n_bins", minimum=2) <= 100:
            raise AnalysisInputError.about("n_bins", "a number of bins from 2 to 100 (the slider's range)",
                                           str(n_bins), "Pass a starting value the slider can show.")
        describe_ece(y_true, y_prob, n_bins, strategy, mode=mode)  # checks the data once, before any widget
        self.y_true, self.y_prob, self.mode = y_true, y_prob, mode
        self.n_bins = widgets.IntSlider(value=n_bins, min=2, max=100, description="bins", continuous_update=False)
        self.strategy = widgets.ToggleButtons(options=["uniform", "quantile"], value=strategy, description="bins are")
        self.readout = widgets.Label()
        self.n_bins.observe(self._update, names="value")
        self.strategy.observe(self._update, names="value")
        self._update()
        super().__init__([self.n_bins, self.strategy, self.readout])

    def _update(self, change=None) -> None:
        self.readout.value = describe_ece(self.y_true, self.y_prob, self.n_bins.value, self.strategy.value,
                                          mode=self.mode)
