import itertools
import time

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.ranking import aggregate, kemeny, pairwise_preferences


@pytest.fixture
def board():
    return pd.DataFrame(
        {"t1": [0.9, 0.8, 0.7, 0.1], "t2": [0.2, 0.9, 0.8, 0.7], "t3": [0.5, 0.4, 0.9, 0.3]},
        index=["A", "B", "C", "D"],
    )


def test_mean_median_and_normalisations(board):
    assert aggregate(board)["score"].to_dict() == pytest.approx(board.mean(axis=1).to_dict())
    assert aggregate(board, "median")["score"].to_dict() == pytest.approx(board.median(axis=1).to_dict())
    z = (board - board.mean()) / board.std(ddof=0)
    assert aggregate(board, normalise="zscore")["score"].to_dict() == pytest.approx(z.mean(axis=1).to_dict())
    mm = (board - board.min()) / (board.max() - board.min())
    assert aggregate(board, normalise="minmax")["score"].to_dict() == pytest.approx(mm.mean(axis=1).to_dict())


def test_mean_rank_borda_copeland_by_hand(board):
    ranks = board.rank(ascending=False)  # 1 = best per task
    assert aggregate(board, "mean_rank")["score"].to_dict() == pytest.approx(ranks.mean(axis=1).to_dict())
    beaten = (4 - ranks) / 3  # share of the 3 opponents beaten
    assert aggregate(board, "borda")["score"].to_dict() == pytest.approx(beaten.mean(axis=1).to_dict())
    # majorities: A beats B and D, B beats C and D, C beats A and D: a cycle, D loses all
    copeland = aggregate(board, "copeland")
    assert copeland["score"].to_dict() == {"A": 1, "B": 1, "C": 1, "D": -3}
    assert copeland["rank"].to_dict() == {"A": 1, "B": 1, "C": 1, "D": 4}


def test_borda_uses_present_opponents_only(board):
    holes = board.copy()
    holes.loc["A", "t2"] = np.nan
    result = aggregate(holes, "borda")
    # t1: A beats 3 of 3; t3: A beats B and D (2 of 3); t2 is missing for A
    assert result.loc["A", "score"] == pytest.approx((1 + 2 / 3) / 2)
    with pytest.raises(AnalysisInputError, match="missing='ignore'"):
        aggregate(holes, "mean")
    assert aggregate(holes, "mean", missing="ignore").loc["A", "score"] == pytest.approx((0.9 + 0.5) / 2)


def brute_force_kemeny(prefs):
    n = len(prefs)
    return min(sum(prefs[order[j], order[i]] for i in range(n) for j in range(i + 1, n))
               for order in itertools.permutations(range(n)))


def test_kemeny_exact_matches_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(5):
        scores = pd.DataFrame(rng.normal(size=(7, 9)) + np.arange(7)[:, None] * 0.3)
        result = kemeny(scores)
        assert result.exact and result.gap == 0
        assert result.disagreements == pytest.approx(brute_force_kemeny(pairwise_preferences(scores)))
        assert result.disagreements >= result.lower_bound
    assert list(result.ranks.index) == result.ranking and list(result.ranks) == list(range(1, 8))
    assert result.to_frame().columns.tolist() == ["system", "rank"]


def test_kemeny_twenty_systems_quickly_and_local_search_gap():
    rng = np.random.default_rng(1)
    scores = pd.DataFrame(rng.normal(size=(20, 15)) + np.arange(20)[:, None] * 0.2)
    start = time.perf_counter()
    exact = kemeny(scores)
    assert time.perf_counter() - start < 30  # a loose guard; speed is measured in benchmarks/
    local = kemeny(scores, exact_limit=5, rng=0)
    assert not local.exact and local.disagreements >= exact.disagreements
    assert local.gap >= local.disagreements - exact.disagreements - 1e-9
    assert "local search" in local.summary()


def test_bad_boards(board):
    with pytest.raises(AnalysisInputError, match="duplicated systems"):
        aggregate(pd.concat([board, board.iloc[:1]]))
    with pytest.raises(AnalysisInputError, match="a DataFrame"):
        aggregate(board.to_numpy())
    empty = board.copy()
    empty.loc["D"] = np.nan
    with pytest.raises(AnalysisInputError, match=r"no scores for \['D'\]"):
        aggregate(empty, "borda")
