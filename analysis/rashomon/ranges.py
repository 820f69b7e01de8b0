"""The range of every coefficient over a Rashomon set: one result for every model class that has coefficients."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._results import Result

__all__ = ["CoefficientRanges"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class CoefficientRanges(Result):
    """The lowest and highest value of every coefficient over a Rashomon set, beside the optimum.

    Attributes
    ----------
    table : DataFrame
        Indexed by coefficient name: ``optimum``, ``low``, ``high`` (infinite
        along directions the data do not identify).
    convention : str
        The set's epsilon convention.
    model : str
        The model class, e.g. ``"least squares"``.
    """

    table: pd.DataFrame
    convention: str
    model: str

    @property
    def title(self) -> str:
        return f"Coefficient ranges over the {self.model} Rashomon set"

    @property
    def notes(self) -> tuple[str, ...]:
        return (self.convention,)

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def plot(self, *, ax=None, offset: float = 0.0, **errorbar_kw):
        """Each coefficient's optimum with its range as an error bar, at positions shifted by ``offset``.

        ``errorbar_kw`` goes to ``Axes.errorbar`` (``label``, ``color``). Returns the Axes.
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        t = self.table
        position = np.arange(len(t))
        ax.errorbar(position + offset, t["optimum"], yerr=[t["optimum"] - t["low"], t["high"] - t["optimum"]],
                    **({"fmt": "o", "ms": 2, "capsize": 2} | errorbar_kw))
        ax.axhline(0, color="0.6", lw=0.6)
        ax.set_xticks(position, [str(name) for name in t.index])
        ax.set(ylabel="coefficient")
        return ax
