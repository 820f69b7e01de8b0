"""Every ranking function returns a Ranking: a per-system table, best first, with the system names attached."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.ranking import (
    Ranking,
    aggregate,
    arena_ranking,
    bootstrap_ranks,
    bradley_terry,
    bradley_terry_covariates,
    bradley_terry_ties,
    elo_ratings,
    kemeny,
    orderings_from_scores,
    plackett_luce,
    two_level_aggregate,
    win_matrix,
)
from analysis.ranking.result import ranking_table

SYSTEMS = ["ant", "bee", "cat", "dog"]


def _rankings():
    rng = np.random.default_rng(0)
    scores = pd.DataFrame(np.arange(4)[:, None] * 0.3 + rng.normal(0, 1.0, (4, 8)), index=SYSTEMS)
    winner = rng.integers(0, 4, 400)
    loser = (winner + rng.integers(1, 4, 400)) % 4
    winner, loser = np.where(winner > loser, winner, loser), np.where(winner > loser, loser, winner)  # 3 best
    upsets = rng.random(400) < 0.3
    winner, loser = np.where(upsets, loser, winner), np.where(upsets, winner, loser)
    ties = rng.random(400) < 0.1
    tie_matrix = win_matrix(winner[ties], loser[ties], 4)
    instances = pd.DataFrame([{"system": s, "task": t, "instance": i, "score": k + rng.normal()}
                              for k, s in enumerate(SYSTEMS) for t in "xy" for i in range(5)])
    return {
        "aggregate": aggregate(scores, "borda"),
        "kemeny": kemeny(scores),
        "bradley_terry": bradley_terry(win_matrix(winner, loser, 4), systems=SYSTEMS),
        "bradley_terry_ties": bradley_terry_ties(win_matrix(winner[~ties], loser[~ties], 4),
                                                 tie_matrix + tie_matrix.T, systems=SYSTEMS),
        "bradley_terry_covariates": bradley_terry_covariates(winner, loser, np.ones(400), 4, rng.normal(size=400),
                                                             systems=SYSTEMS),
        "plackett_luce": plackett_luce(orderings_from_scores(scores, rng=0), 4, systems=SYSTEMS),
        "elo_ratings": elo_ratings(winner, loser, 4, systems=SYSTEMS, n_shuffles=5, rng=0),
        "arena_ranking": arena_ranking(winner, loser, 4, systems=SYSTEMS, n_boot=20, rng=0),
        "two_level_aggregate": two_level_aggregate(instances),
        "bootstrap_ranks": bootstrap_ranks(scores, "borda", n_boot=20, rng=0),
    }


@pytest.mark.parametrize(("name", "ranking"), list(_rankings().items()))
def test_one_shape_for_every_ranking(name, ranking):
    assert isinstance(ranking, Ranking)
    t = ranking.table
    assert t.index.name == "system" and set(t.index) == set(SYSTEMS)
    assert list(t.columns[:2]) == ["score", "rank"]
    assert t["rank"].is_monotonic_increasing and t["rank"].iloc[0] == 1
    higher_is_better = not ranking.method.startswith("Mean rank")
    assert (t["score"].is_monotonic_decreasing if higher_is_better else t["score"].is_monotonic_increasing)
    if "low" in t:
        assert (t["low"] <= t["score"]).all() and (t["score"] <= t["high"]).all()
    assert ranking.systems == list(t.index) and ranking.scores.equals(t["score"])
    assert list(ranking.to_frame().columns[:3]) == ["system", "score", "rank"]
    assert ranking.method in ranking.summary()
    fig, ax = plt.subplots()
    ranking.plot(ax=ax)
    assert [label.get_text() for label in ax.get_yticklabels()] == [str(s) for s in t.index]
    plt.close(fig)


def test_ranking_table_ranks_ties_and_missing_scores():
    table = ranking_table([0.5, np.nan, 0.9, 0.5], ["a", "b", "c", "d"])
    assert list(table.index) == ["c", "a", "d", "b"]
    assert table["rank"].tolist()[:3] == [1, 2, 2] and pd.isna(table["rank"].iloc[3])
    lower = ranking_table([3.0, 1.0, 2.0], higher_is_better=False)
    assert list(lower.index) == [1, 2, 0] and lower["rank"].tolist() == [1, 2, 3]
    with pytest.raises(AnalysisInputError, match="distinct names"):
        ranking_table([1.0, 2.0], ["a", "a"])
    with pytest.raises(AnalysisInputError, match="one name per system"):
        ranking_table([1.0, 2.0], ["a"])
