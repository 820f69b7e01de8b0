"""ipywidgets front-end for a leaderboard: drop tasks or systems and watch the ranks move."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .aggregate import METHODS, _check_scores, aggregate
from .correlations import kendall_tau

__all__ = ["LeaderboardExplorer", "leaderboard_change"]


def leaderboard_change(scores, *, drop_tasks=(), drop_systems=(), method: str = "borda",
                       normalise: str = "raw", top: int = 10) -> tuple[pd.DataFrame, float]:
    """The ``top`` systems after dropping tasks and systems, with their rank before and after, and
    Kendall's tau between the kept systems' scores before and after."""
    scores = _check_scores(scores)
    kw = {"missing": "ignore"} | ({"normalise": normalise} if method in ("mean", "median") else {})
    full = aggregate(scores, method, **kw)
    kept = scores.drop(index=list(drop_systems), columns=list(drop_tasks))
    after = aggregate(kept, method, **kw)
    table = pd.DataFrame({"rank": after["rank"], "rank on all data": full.loc[after.index, "rank"]}).head(top)
    tau = kendall_tau(full.loc[kept.index, "score"].to_numpy(), after.loc[kept.index, "score"].to_numpy())
    return table, float(tau)


class LeaderboardExplorer(widgets.HBox):
    """Lists of tasks and systems to drop and an aggregation method; shows :func:`leaderboard_change`.

    Attributes
    ----------
    tasks, systems : ipywidgets.SelectMultiple
        What to drop (ctrl/shift-click to pick several).
    method : ipywidgets.Dropdown
    table : ipywidgets.HTML
    readout : ipywidgets.Label
    """

    def __init__(self, scores, *, method: str = "borda", normalise: str = "raw", top: int = 10):
        self.scores, self.normalise, self.top = _check_scores(scores), normalise, top
        self.tasks = widgets.SelectMultiple(options=list(self.scores.columns), description="drop tasks",
                                            rows=min(10, self.scores.shape[1]))
        self.systems = widgets.SelectMultiple(options=list(self.scores.index), description="drop systems", rows=10)
        self.method = widgets.Dropdown(options=list(METHODS), value=method, description="method")
        self.table, self.readout = widgets.HTML(), widgets.Label()
        for control in (self.tasks, self.systems, self.method):
            control.observe(self._update, names="value")
        self._update()
        super().__init__([widgets.VBox([self.method, self.tasks, self.systems]),
                          widgets.VBox([self.readout, self.table])])

    def _update(self, change=None) -> None:
        table, tau = leaderboard_change(self.scores, drop_tasks=self.tasks.value, drop_systems=self.systems.value,
                                        method=self.method.value, normalise=self.normalise, top=self.top)
        self.table.value = table.to_html()
        kept = len(self.scores) - len(self.systems.value)
        self.readout.value = (f"{kept} systems, {self.scores.shape[1] - len(self.tasks.value)} tasks: "
                              f"Kendall tau to the full ranking {tau:.3f}" if np.isfinite(tau) else "")
