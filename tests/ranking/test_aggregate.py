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
    assert aggregate(board).scores.to_dict() == pytest.approx(board.mean(axis=1).to_dict())
    assert aggregate(board, "median").scores.to_dict() == pytest.approx(board.median(axis=1).to_dict())
    z = (board - board.mean()) / board.std(ddof=0)
    assert aggregate(board, normalise="zscore").scores.to_dict() == pytest.approx(z.mean(axis=1).to_dict())
    mm = (board - board.min()) / (board.max() - board.min())
    assert aggregate(board, normalise="minmax").scores.to_dict() == pytest.approx(mm.mean(axis=1).to_dict())


def test_mean_rank_borda_copeland_by_hand(board):
    ranks = board.rank(ascending=False)  # 1 = best per task
    assert aggregate(board, "mean_rank").scores.to_dict() == pytest.approx(ranks.mean(axis=1).to_dict())
    beaten = (4 - ranks) / 3  # share of the 3 opponents beaten
    assert aggregate(board, "borda").scores.to_dict() == pytest.approx(beaten.mean(axis=1).to_dict())
    # majorities: A beats B and D, B beats C and D, C beats A and D: a cycle, D loses all
    copeland = aggregate(board, "copeland")
    assert copeland.scores.to_dict() == {"A": 1, "B": 1, "C": 1, "D": -3}
    assert copeland.ranks.to_dict() == {"A": 1, "B": 1, "C": 1, "D": 4}
    assert copeland.systems == ["A", "B", "C", "D"] and copeland.method == "Copeland"


def test_borda_uses_present_opponents_only(board):
    holes = board.copy()
    holes.loc["A", "t2"] = np.nan
    result = aggregate(holes, "borda")
    # t1: A beats 3 of 3; t3: A beats B and D (2 of 3); t2 is missing for A
    assert result.scores["A"] == pytest.approx((1 + 2 / 3) / 2)
    with pytest.raises(AnalysisInputError, match="missing='ignore'"):
        aggregate(holes, "mean")
    assert aggregate(holes, "mean", missing="ignore").scores["A"] == pytest.approx((0.9 + 0.5) / 2)


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
    assert list(result.ranks.index) == result.systems and list(result.ranks) == list(range(1, 8))
    assert list(result.scores) == list(range(6, -1, -1))  # systems ranked below each one
    assert result.to_frame().columns.tolist() == ["system", "score", "rank"]


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


def test_borda_ties_are_exact_whatever_the_round_off():
    """Equal Borda points tie although their shares, summed in floating point, differ in the last bit."""
    # a system first on task 1 and last on task 2, and one the other way round: 3/3 + 0/3 vs 0/3 + 3/3 tie;
    # with ten tasks of shares 1/3 and 2/3 in different orders the float sums differ
    rng = np.random.default_rng(4)
    n_tasks = 30
    a = rng.permutation(np.repeat([0.1, 0.2], n_tasks // 2))  # thirds beaten: 1/3 or 2/3, in some order
    b = rng.permutation(np.repeat([0.1, 0.2], n_tasks // 2))
    board = pd.DataFrame({f"t{k}": [a[k], b[k], 0.15, 0.0] for k in range(n_tasks)}, index=["a", "b", "c", "d"])
    shares = (board.rank() - 1) / 3
    naive = {name: sum(shares.loc[name]) / n_tasks for name in ["a", "b"]}
    result = aggregate(board, "borda")
    assert result.scores["a"] == result.scores["b"] and result.ranks["a"] == result.ranks["b"] == 1
    assert naive["a"] != naive["b"]  # equal points, but the float sums of the shares differ in the last bit
    holes = board.copy()
    holes.iloc[3, :5] = np.nan  # missing cells: fractions with other denominators, still exact
    exact = aggregate(holes, "borda")
    assert exact.scores["a"] == exact.scores["b"]


def test_tie_tolerance_groups_near_equal_scores():
    board = pd.DataFrame([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [0.0, 0.0, 0.0], [0.5, 0.5, 0.5]], index=list("ABCD"))
    exact = aggregate(board)  # A's and B's means are 0.2 up to round-off: 0.20000000000000004, 0.19999999999999998
    assert exact.ranks.to_dict() == {"D": 1, "A": 2, "B": 3, "C": 4}
    loose = aggregate(board, tie_tolerance=1e-9)
    assert loose.ranks.to_dict() == {"D": 1, "A": 2, "B": 2, "C": 4}
    with pytest.raises(AnalysisInputError, match="tie_tolerance"):
        aggregate(board, tie_tolerance=-1)


def test_harmonic_and_geometric_means_are_scipys_and_take_an_offset(board):
    from scipy import stats

    np.testing.assert_allclose(aggregate(board, "harmonic_mean").scores.loc[board.index], stats.hmean(board, axis=1))
    np.testing.assert_allclose(aggregate(board, "geometric_mean").scores.loc[board.index], stats.gmean(board, axis=1))
    zero = board.assign(t1=[0.9, 0.8, 0.0, 0.1])  # C scores 0 on a task
    with pytest.raises(AnalysisInputError, match="offset=0.01"):
        aggregate(zero, "harmonic_mean")
    shifted = aggregate(zero, "harmonic_mean", offset=0.01)  # BIG-Bench Extra Hard's 1 point, on a [0, 1] scale
    np.testing.assert_allclose(shifted.scores.loc[zero.index], stats.hmean(zero + 0.01, axis=1) - 0.01)
    same = pd.DataFrame({"t1": [0.4, 0.2], "t2": [0.4, 0.9]}, index=["x", "y"])
    assert aggregate(same, "harmonic_mean", offset=0.5).scores["x"] == pytest.approx(0.4)  # equal scores keep it
    # the harmonic mean punishes the weak task: y leads the mean, x the harmonic mean
    assert aggregate(same).systems[0] == "y" and aggregate(same, "harmonic_mean").systems[0] == "x"
    holes = board.copy()
    holes.loc["A", "t2"] = np.nan
    assert aggregate(holes, "geometric_mean", missing="ignore").scores["A"] == pytest.approx(np.sqrt(0.9 * 0.5))
    with pytest.raises(AnalysisInputError, match="offset"):
        aggregate(board, "harmonic_mean", offset=-1)
