"""One result for every ranking: a per-system table, best first, with the system names attached.

Every ranking function returns a :class:`Ranking` (or a subclass that adds
the fit's diagnostics): ``aggregate``, ``kemeny``, ``bradley_terry`` and its
tie and covariate variants, ``plackett_luce``, ``elo_ratings``,
``arena_ranking`` and ``two_level_aggregate``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import AnalysisInputError

__all__ = ["Ranking"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Ranking(Result):
    """A ranking of systems.

    Attributes
    ----------
    table : DataFrame
        Indexed by ``system``, best first: ``score`` (the method's statistic),
        ``rank`` (1 = best; equal scores share the lowest rank, as in 1, 1, 3),
        then ``low`` and ``high`` (an interval of the score) when the method
        gives one, and the method's own columns.
    method : str
        How the ranking was made, e.g. ``"Borda"`` or ``"Bradley-Terry"``.
    """

    table: pd.DataFrame
    method: str

    @property
    def title(self) -> str:
        return f"{self.method} ranking of {len(self.table)} systems"

    @property
    def systems(self) -> list:
        """The systems, best first."""
        return list(self.table.index)

    @property
    def scores(self) -> pd.Series:
        """Score per system, best first."""
        return self.table["score"]

    @property
    def ranks(self) -> pd.Series:
        """Rank per system (1 = best), best first."""
        return self.table["rank"]

    def to_frame(self) -> pd.DataFrame:
        return self.table.reset_index()

    def plot(self, *, ax=None, top: int | None = None, xlabel: str | None = None):
        """Scores as dots, best at the top, with their intervals when the table has them; returns the Axes.

        ``top`` shows only the best ``top`` systems. Systems in a ``tied_with_best``
        column are drawn in a second colour.
        """
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        t = self.table if top is None else self.table.iloc[:top]
        y = np.arange(len(t))
        tied = t["tied_with_best"].to_numpy(bool) if "tied_with_best" in t else np.zeros(len(t), bool)
        groups = ((tied, "C1", "tied with the best"), (~tied, "C0", "below the best" if tied.any() else None))
        for rows, colour, label in groups:
            part = t[rows]
            if len(part):
                error = [part["score"] - part["low"], part["high"] - part["score"]] if "low" in t else None
                ax.errorbar(part["score"], y[rows], xerr=error, fmt="o", ms=3, capsize=2, color=colour, label=label)
        ax.set_yticks(y, [str(s) for s in t.index])
        ax.set_ylim(len(t) - 0.5, -0.5)
        ax.set(xlabel=xlabel if xlabel is not None else f"{self.method} score")
        return ax


def ranking_table(scores, systems=None, *, higher_is_better: bool = True, tie_tolerance: float = 0.0,
                  **columns) -> pd.DataFrame:
    """The table of a :class:`Ranking`: ``score``, ``rank`` and ``columns``, indexed by system, best first.

    ``scores`` (n,) in the systems' order; ``systems`` names them (default
    0..n-1). Equal scores share the lowest rank, and so do runs of scores
    each within ``tie_tolerance`` of the next. NaN scores get no rank and go last.
    """
    scores = np.asarray(scores, dtype=float)
    systems = pd.Index(range(len(scores)) if systems is None else list(systems), name="system")
    if len(systems) != len(scores):
        raise AnalysisInputError.about("systems", f"{len(scores)} names, one per system", f"{len(systems)} names",
                                       "Pass one name per system.")
    if systems.has_duplicates:
        repeated = list(systems[systems.duplicated()][:3])
        raise AnalysisInputError.about("systems", "distinct names", f"repeated names {repeated}", "Make them unique.")
    if not (isinstance(tie_tolerance, int | float) and np.isfinite(tie_tolerance) and tie_tolerance >= 0):
        raise AnalysisInputError.about("tie_tolerance", "a non-negative score difference", repr(tie_tolerance),
                                       "Pass 0 for exact ties, or e.g. 1e-9 for round-off.")
    key = -scores if higher_is_better else scores
    order = np.lexsort((np.arange(len(scores)), np.nan_to_num(key, nan=0.0), np.isnan(scores)))
    present = order[~np.isnan(scores[order])]
    new_group = np.diff(key[present], prepend=-np.inf) > tie_tolerance
    rank = pd.array(np.zeros(len(scores), dtype=int), dtype="Int64")
    rank[np.isnan(scores)] = pd.NA
    positions = np.arange(1, len(present) + 1)
    rank[present] = np.maximum.accumulate(np.where(new_group, positions, 0))  # each group: its first position
    table = pd.DataFrame({"score": scores, "rank": rank, **columns}, index=systems)
    return table.iloc[order]
