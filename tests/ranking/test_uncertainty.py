import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import AnalysisInputError, bootstrap_indices
from analysis.ranking import aggregate, bootstrap_ranks, normal_rank_intervals


@pytest.fixture
def board():
    rng = np.random.default_rng(0)
    quality = np.array([0.0, 0.05, 0.3, 0.32, 1.0])  # two near-ties and one clear winner
    return pd.DataFrame(quality[:, None] + rng.normal(0, 0.2, (5, 12)), index=list("ABCDE"),
                        columns=[f"task{j}" for j in range(12)])


def test_vectorised_mean_equals_reaggregation_per_resample(board):
    fast = bootstrap_ranks(board, n_boot=200, rng=3)
    for r, cols in enumerate(bootstrap_indices(12, n_boot=200, rng=3)[:5]):
        expected = aggregate(board.iloc[:, cols].set_axis(range(len(cols)), axis=1)).ranks  # a task drawn twice
        assert fast.replicate_ranks.iloc[r].to_dict() == expected.to_dict()
    slow = bootstrap_ranks(board, normalise="zscore", n_boot=40, rng=3)  # the per-resample path
    cols = bootstrap_indices(12, n_boot=40, rng=3)[7]
    expected = aggregate(board.iloc[:, cols].set_axis(range(len(cols)), axis=1), normalise="zscore").ranks
    assert slow.replicate_ranks.iloc[7].to_dict() == expected.to_dict()


def test_intervals_separate_clear_from_tied_systems(board):
    result = bootstrap_ranks(board, n_boot=1000, rng=0)
    t = result.table
    assert t.index[0] == "E" and t.loc["E", "p_top_k"] > 0.99 and t.loc["E", "rank_high"] == 1
    assert t.loc["A", "rank_high"] - t.loc["A", "rank_low"] >= 1  # A and B swap places across resamples
    ax = result.plot(top=2)
    assert ax.get_xlabel() == "Mean rank (95% interval)" and ax.get_xticks()[0] == 1
    assert [t.get_text() for t in ax.get_yticklabels()] == list(t.index[:2])
    assert ax.get_title(loc="left") == f"top 2 of {len(t)} systems" and ax.get_xlim()[0] == 0.5
    plt.close("all")


def test_borda_with_missing_cells(board):
    holes = board.copy()
    holes.iloc[0, :4] = np.nan
    result = bootstrap_ranks(holes, "borda", n_boot=30, rng=1)
    assert list(result.table.columns) == ["score", "rank", "low", "high", "rank_low", "rank_high", "p_top_k",
                                          "arena_rank", "tied_with_best"]
    assert result.scores.equals(aggregate(holes, "borda").scores)


def test_arena_rank_counts_systems_clearly_above(board):
    t = bootstrap_ranks(board, n_boot=1000, rng=0).table
    assert t["arena_rank"].to_dict() == {"E": 1, "D": 2, "C": 2, "B": 4, "A": 4}
    assert t.index[t["tied_with_best"]].tolist() == ["E"]
    assert (t["low"] < t["score"]).all() and (t["score"] < t["high"]).all()
    by_rank = bootstrap_ranks(board, "mean_rank", n_boot=300, rng=0).table  # lower is better
    assert by_rank.index[0] == "E" and by_rank.loc["E", "arena_rank"] == 1


@pytest.mark.parametrize("method", ["mean", "borda"])
def test_cluster_bootstrap_draws_whole_groups(board, method):
    base = board.iloc[:, :4]
    copies = pd.concat([base] * 3, axis=1)  # every task three times: three perfectly correlated folds
    copies.columns = [f"fold{j}" for j in range(12)]
    clusters = np.tile(np.arange(4), 3)
    by_cluster = bootstrap_ranks(copies, method, n_boot=100, clusters=clusters, rng=5)
    plain = bootstrap_ranks(base, method, n_boot=100, rng=5)
    pd.testing.assert_frame_equal(by_cluster.replicate_ranks, plain.replicate_ranks)
    naive = bootstrap_ranks(copies, method, n_boot=100, rng=5)  # treats the copies as independent tasks
    width = {name: (r.table["high"] - r.table["low"]).sum() for name, r in
             [("naive", naive), ("cluster", by_cluster)]}
    assert width["naive"] < 0.8 * width["cluster"]
    series = pd.Series(clusters, index=copies.columns)
    assert bootstrap_ranks(copies, method, n_boot=100, clusters=series, rng=5).title.endswith("task clusters)")


def test_task_subsampling_stability(board):
    from analysis.ranking import aggregate, kendall_tau, task_subsampling

    result = task_subsampling(board, [2, 6, 12], n_draws=50, rng=0)
    summary = result.to_frame().set_index("n_tasks")
    assert summary.loc[12, "median"] == pytest.approx(1.0)  # all tasks: the full ranking itself
    assert summary.loc[2, "median"] < summary.loc[6, "median"] <= 1.0
    rng = np.random.default_rng(0)
    keep = rng.choice(12, 2, replace=False)  # the first draw
    full = aggregate(board).scores.loc[board.index]
    sub = aggregate(board.iloc[:, keep]).scores.loc[board.index]
    assert result.taus.loc[0, "tau"] == pytest.approx(kendall_tau(full, sub))
    assert result.plot().get_ylabel().startswith("Kendall")
    plt.close("all")


def test_normal_rank_intervals_match_the_normal_closed_forms():
    scores = pd.Series([52.0, 50.0, 30.0], index=["a", "b", "c"])
    se = pd.Series([1.5, 2.0, 1.0], index=scores.index)
    result = normal_rank_intervals(scores, se, n_draws=200_000, rng=1)
    p_first = stats.norm.cdf(2.0 / np.hypot(1.5, 2.0))  # a above b; c is never near
    assert result.table.loc["a", "p_top_k"] == pytest.approx(p_first, abs=0.004)
    assert result.table.loc["b", "p_top_k"] == pytest.approx(1 - p_first, abs=0.004)
    np.testing.assert_allclose(result.table.loc[scores.index, "high"], scores + 1.96 * se, atol=0.03)
    assert result.table.loc["c", ["rank_low", "rank_high"]].tolist() == [3, 3]
    assert result.table.loc["a", ["rank_low", "rank_high"]].tolist() == [1, 2]
    with pytest.raises(AnalysisInputError, match="standard_errors"):
        normal_rank_intervals(scores, se.iloc[::-1])
    with pytest.raises(AnalysisInputError, match="non-negative"):
        normal_rank_intervals(scores, -se)
