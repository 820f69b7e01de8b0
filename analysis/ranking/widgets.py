"""ipywidgets front-end for a leaderboard: drop tasks or systems and watch the ranks move."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ._inputs import check_scores
from .aggregate import METHODS
from .stability import leaderboard_change

__all__ = ["LeaderboardExplorer"]


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
        self.scores, self.normalise, self.top = check_scores(scores), normalise, top
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
