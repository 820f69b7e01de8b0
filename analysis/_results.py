"""Result objects: frozen dataclasses that hold numbers and know how to show them.

Every analysis returns a subclass of :class:`Result`. The numbers are plain
attributes; ``to_frame()`` gives a tidy table, ``summary()`` a readable text
(also the ``repr``), and notebooks render an HTML table.
"""

from __future__ import annotations

import dataclasses
import html

import numpy as np
import pandas as pd

from ._validation import check_array

__all__ = ["ConfidenceInterval", "Result"]


@dataclasses.dataclass(frozen=True, eq=False)
class ConfidenceInterval:
    """A two-sided interval ``[low, high]`` at confidence level ``ci`` (a fraction).

    ``low`` and ``high`` are floats or arrays of the same shape (one interval per
    component of a vector-valued estimate).
    """

    low: float | np.ndarray
    high: float | np.ndarray
    ci: float
    method: str = "percentile"

    @property
    def width(self) -> float | np.ndarray:
        """``high - low``."""
        return np.subtract(self.high, self.low)

    def contains(self, value) -> bool | np.ndarray:
        """Whether ``value`` lies in the closed interval (elementwise for arrays)."""
        value = check_array(value, "value")
        return (np.asarray(self.low) <= value) & (value <= np.asarray(self.high))

    def __str__(self) -> str:
        if np.ndim(self.low) == 0:
            return f"{self.ci:.0%} CI [{self.low:.4g}, {self.high:.4g}]"
        pairs = ", ".join(f"[{lo:.4g}, {hi:.4g}]" for lo, hi in zip(np.ravel(self.low), np.ravel(self.high)))
        return f"{self.ci:.0%} CIs {pairs}"


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Result:
    """Base class of all results.

    Subclasses are frozen dataclasses (declare them with
    ``@dataclasses.dataclass(frozen=True, repr=False, eq=False)``). They override
    ``to_frame`` when the default (one row per scalar or interval field) does not
    fit, ``title`` for the heading, and ``notes`` for warnings and conventions
    that must travel with the numbers.
    """

    @property
    def title(self) -> str:
        """Heading of the summary."""
        return type(self).__name__

    @property
    def notes(self) -> tuple[str, ...]:
        """Sentences printed under the table: conventions, convergence, caveats."""
        return ()

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per scalar field, with interval bounds where present."""
        rows = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, ConfidenceInterval) and np.ndim(value.low) == 0:
                rows.append({"quantity": field.name, "low": value.low, "high": value.high, "ci": value.ci})
            elif np.ndim(value) == 0 and isinstance(value, int | float | np.number | str | bool):
                rows.append({"quantity": field.name, "value": value})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """A plain-text table with a heading and notes."""
        table = self.to_frame().to_string(index=False, float_format=lambda v: f"{v:.6g}")
        lines = [self.title, "-" * len(self.title), table]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        table = self.to_frame().to_html(index=False, float_format=lambda v: f"{v:.6g}", border=0)
        notes = "".join(f"<p><em>Note:</em> {html.escape(n)}</p>" for n in self.notes)
        return f"<div><strong>{html.escape(self.title)}</strong>{table}{notes}</div>"
