"""ipywidgets front-ends. They only wire controls to package functions.

Each widget keeps its computation in a plain function that tests call without a
browser; the widget's callback calls that function and shows its text.
"""

from __future__ import annotations

import ipywidgets as widgets

from ._resample import BootstrapResult, bootstrap, percentile_interval
from ._validation import check_array
from .errors import AnalysisInputError

__all__ = ["IntervalExplorer", "describe_interval"]


def describe_interval(result: BootstrapResult, *, ci: float, label: str = "mean") -> str:
    """One line: the estimate and its percentile interval at level ``ci`` from ``result``'s replicates."""
    if not isinstance(result, BootstrapResult):
        raise AnalysisInputError.about("result", "a BootstrapResult", type(result).__name__,
                                       "Pass what analysis.bootstrap returns.")
    interval = percentile_interval(result.replicates, ci=ci)
    return f"{label} = {result.estimate:.4f}, {ci:.0%} interval [{interval.low:.4f}, {interval.high:.4f}]"


class IntervalExplorer(widgets.VBox):
    """A slider over the confidence level of a bootstrap interval of the mean of ``values``.

    The resamples are drawn once (seeded by ``rng``); moving the slider only
    recomputes the interval from them, so every position is reproducible.

    Attributes
    ----------
    result : BootstrapResult
    ci : ipywidgets.FloatSlider
        The confidence level.
    readout : ipywidgets.Label
        Shows ``describe_interval(result, ci=ci.value, label=label)``.
    """

    def __init__(self, values, *, label: str = "mean", n_boot: int = 2000, rng=0, ci: float = 0.95):
        values = check_array(values, "values", ndim=1)
        self.result = bootstrap(lambda x: x.mean(axis=1), values, n_boot=n_boot, rng=rng)
        self.label = label
        self.ci = widgets.FloatSlider(
            value=ci, min=0.50, max=0.99, step=0.01, description="level", readout_format=".2f",
            continuous_update=False,
        )
        self.readout = widgets.Label(value=describe_interval(self.result, ci=ci, label=label))
        self.ci.observe(self._update, names="value")
        super().__init__([self.ci, self.readout])

    def _update(self, change) -> None:
        self.readout.value = describe_interval(self.result, ci=change["new"], label=self.label)
