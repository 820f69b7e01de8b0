import numpy as np
import pandas as pd
import pytest

from analysis.ranking import aggregate, kendall_tau, leaderboard_change
from analysis.ranking.widgets import LeaderboardExplorer


@pytest.fixture
def scores():
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(size=(6, 5)), index=list("abcdef"), columns=[f"t{i}" for i in range(5)])


def test_change_equals_a_manual_refit(scores):
    table, tau = leaderboard_change(scores, drop_tasks=["t0", "t3"], drop_systems=["b"], method="borda", top=3)
    after = aggregate(scores.drop(index=["b"], columns=["t0", "t3"]), "borda")
    full = aggregate(scores, "borda")
    assert list(table.index) == after.systems[:3]
    assert list(table["rank on all data"]) == list(full.ranks.loc[table.index])
    kept = after.systems
    assert tau == pytest.approx(kendall_tau(full.scores.loc[kept].to_numpy(), after.scores.loc[kept].to_numpy()))


def test_explorer_follows_its_controls(scores):
    explorer = LeaderboardExplorer(scores, method="mean", top=4)
    explorer.tasks.value = ("t1",)
    explorer.method.value = "copeland"
    table, tau = leaderboard_change(scores, drop_tasks=["t1"], method="copeland", top=4)
    assert explorer.table.value == table.to_html()
    assert f"{tau:.3f}" in explorer.readout.value and "4 tasks" in explorer.readout.value
