"""The range of a per-feature quantity over a Rashomon set: coefficients, model reliance.

One result for every model class and every quantity that has one value per
feature and model: the lowest and highest value over the set, beside the
optimum's.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._results import Result
from .._validation import check_choice

__all__ = ["RashomonRanges"]

_NEUTRAL = {"coefficient": 0.0, "model reliance": 1.0, "model reliance (difference)": 0.0}


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class RashomonRanges(Result):
    """The lowest and highest value of a quantity per feature over a Rashomon set, beside the optimum.

    Attributes
    ----------
    table : DataFrame
        Indexed by feature (or coefficient) name: ``optimum``, ``low``, ``high``
        (infinite along directions the data do not identify). For model reliance,
        ``low`` and ``high`` are model class reliance, MCR- and MCR+.
    quantity : {'coefficient', 'model reliance', 'model reliance (difference)'}
    convention : str
        The set's epsilon convention, or how the models were gathered.
    model : str
        The model class, e.g. ``"least squares"``.
    """

    table: pd.DataFrame
    quantity: str
    convention: str
    model: str

    @property
    def title(self) -> str:
        return f"{self.quantity.capitalize()} ranges over the {self.model} Rashomon set"

    @property
    def notes(self) -> tuple[str, ...]:
        return (self.convention,)

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def plot(self, *, ax=None, offset: float = 0.0, orient: str = "v", sort: bool = False, **errorbar_kw):
        """Each feature's optimum with its range as an error bar; returns the Axes.

        ``orient="h"`` puts the features on the y axis (for long names),
        ``sort=True`` orders them by ``high``, and ``offset`` shifts the
        positions (to set several ranges side by side). A line marks the
        neutral value (0 for coefficients, 1 for reliance ratios).
        ``errorbar_kw`` goes to ``Axes.errorbar`` (``label``, ``color``).
        """
        import matplotlib.pyplot as plt

        check_choice(orient, "orient", ("v", "h"))
        ax = ax if ax is not None else plt.gca()
        t = self.table.sort_values("high", kind="stable") if sort else self.table
        position = np.arange(len(t)) + offset
        error = [t["optimum"] - t["low"], t["high"] - t["optimum"]]
        style = {"fmt": "o", "ms": 2, "capsize": 2} | errorbar_kw
        names = [str(name) for name in t.index]
        if orient == "v":
            ax.errorbar(position, t["optimum"], yerr=error, **style)
            ax.axhline(_NEUTRAL[self.quantity], color="0.6", lw=0.6)
            ax.set_xticks(np.arange(len(t)), names)
            ax.set(ylabel=self.quantity)
        else:
            ax.errorbar(t["optimum"], position, xerr=error, **style)
            ax.axvline(_NEUTRAL[self.quantity], color="0.6", lw=0.6)
            ax.set_yticks(np.arange(len(t)), names)
            ax.set(xlabel=self.quantity)
        return ax
