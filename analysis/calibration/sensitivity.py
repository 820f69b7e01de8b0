"""How a binned calibration error depends on its number of bins, beside the smooth ECE that has none."""

from __future__ import annotations

import dataclasses

import pandas as pd

from .._results import Result
from .._validation import check_choice, check_integer
from ..errors import AnalysisInputError
from .metrics import ece
from .smooth import smooth_ece

__all__ = ["BinSensitivity", "bin_sensitivity"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class BinSensitivity(Result):
    """Binned calibration errors over numbers of bins.

    Attributes
    ----------
    table : DataFrame
        Indexed by ``n_bins``: ``ece`` (plug-in, L1) and ``debiased_l2``
        (Kumar et al.'s debiased L2 ECE).
    smooth_ece : float
        The smooth ECE of the same predictions (no bins).
    strategy : str
        ``"uniform"`` (equal-width) or ``"quantile"`` (equal-mass) bins.
    """

    table: pd.DataFrame
    smooth_ece: float
    strategy: str

    @property
    def title(self) -> str:
        return f"Calibration error over {len(self.table)} bin counts ({self.strategy} bins)"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def plot(self, *, ax=None):
        """Both binned errors against the number of bins, the smooth ECE as a dashed line; returns the Axes."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        ax.plot(self.table.index, self.table["ece"], label="ECE (plug-in, L1)")
        ax.plot(self.table.index, self.table["debiased_l2"], lw=0.8, label="debiased L2 ECE")
        ax.axhline(self.smooth_ece, color="0.3", ls="--", label="smooth ECE (no bins)")
        kind = {"uniform": "equal-width", "quantile": "equal-mass"}[self.strategy]
        ax.set(xlabel=f"number of {kind} bins", ylabel="calibration error")
        return ax


def bin_sensitivity(y_true, y_prob, *, n_bins=range(2, 61), strategy: str = "uniform",
                    mode: str = "top-label") -> BinSensitivity:
    """:func:`~analysis.calibration.ece` plug-in and debiased at every number of bins in ``n_bins``.

    Parameters
    ----------
    y_true : array of int labels, shape (n,)
    y_prob : array, shape (n,) with P(y = 1), or (n, k) with rows summing to 1
    n_bins : iterable of int
        Bin counts, each at least 1.
    strategy : {'uniform', 'quantile'}
    mode : {'top-label', 'positive', 'classwise', 'marginal'}
    """
    check_choice(strategy, "strategy", ("uniform", "quantile"))
    counts = [check_integer(b, "n_bins", minimum=1) for b in n_bins]
    if not counts:
        raise AnalysisInputError.about("n_bins", "at least one bin count", "none", "Pass e.g. n_bins=range(2, 61).")
    table = pd.DataFrame({
        "ece": [ece(y_true, y_prob, n_bins=b, strategy=strategy, mode=mode) for b in counts],
        "debiased_l2": [ece(y_true, y_prob, n_bins=b, strategy=strategy, mode=mode, norm="l2", debiased=True)
                        for b in counts],
    }, index=pd.Index(counts, name="n_bins"))
    return BinSensitivity(table, smooth_ece(y_true, y_prob, mode=mode), strategy)
