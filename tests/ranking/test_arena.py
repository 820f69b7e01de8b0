import numpy as np
import pytest

from analysis import AnalysisInputError
from analysis.ranking import arena_ranking, bradley_terry, wildbench_rewards, win_matrix


def battles(strength, n, rng):
    i, j = rng.integers(0, len(strength), n), rng.integers(0, len(strength), n)
    i, j = i[i != j], j[i != j]
    first = rng.random(len(i)) < 1 / (1 + np.exp(strength[j] - strength[i]))
    return np.where(first, i, j), np.where(first, j, i)


def test_replicates_are_refits_of_multinomial_resamples():
    rng = np.random.default_rng(0)
    winner, loser = battles(np.array([1.0, 0.5, 0.0, -1.0]), 2000, rng)
    result = arena_ranking(winner, loser, 4, n_boot=5, rng=3)
    outcomes, counts = np.unique(np.column_stack([winner, loser, np.zeros(len(winner), int)]), axis=0,
                                 return_counts=True)
    draw = np.random.default_rng(3).multinomial(counts.sum(), counts / counts.sum(), size=5)[2]
    w = np.zeros((4, 4))
    np.add.at(w, (outcomes[:, 0], outcomes[:, 1]), draw)
    np.testing.assert_allclose(result.replicates[2], bradley_terry(w).scores.sort_index(), atol=1e-9)
    full = bradley_terry(win_matrix(winner, loser, 4)).table
    np.testing.assert_allclose(result.scores, full["score"], atol=1e-12)
    assert result.systems == list(full.index) and result.ranks.tolist() == [1, 2, 3, 4]


def test_arena_ranks_and_ties_with_the_best():
    rng = np.random.default_rng(1)
    # 0 and 1 nearly equal at the top, then 2, then 3 far below
    winner, loser = battles(np.array([1.0, 0.97, 0.0, -1.5]), 6000, rng)
    table = arena_ranking(winner, loser, 4, systems=list("abcd"), n_boot=200, rng=0).table
    assert set(table.index[table.tied_with_best]) == {"a", "b"}
    assert table.loc["c", "arena_rank"] == 3 and table.loc["d", "arena_rank"] == 4
    assert table.p_first.sum() == pytest.approx(1.0)
    assert (table.low <= table.score).all() and (table.score <= table.high).all()


def test_wildbench_length_margin():
    rewards = wildbench_rewards(["A>B", "A>B", "B>A", "A>>B", "A=B", "B>>A"], [2000, 900, 100, 5000, 10, 10],
                                [1000, 600, 700, 100, 10, 10], margin=500)
    np.testing.assert_array_equal(rewards, [0.0, 0.5, 0.0, 1.0, 0.0, -1.0])
    with pytest.raises(AnalysisInputError, match="one of"):
        wildbench_rewards(["A>>>B"], [1], [1])


def test_self_battles_are_refused():
    with pytest.raises(AnalysisInputError, match="self-battles"):
        arena_ranking(np.array([0, 1]), np.array([0, 0]), 2)


def test_plot_colours_the_systems_tied_with_the_best():
    import matplotlib.pyplot as plt


    rng = np.random.default_rng(0)
    winner = rng.integers(0, 4, 300)
    loser = (winner + rng.integers(1, 4, 300)) % 4
    arena = arena_ranking(winner, loser, 4, n_boot=50, rng=0)
    fig, ax = plt.subplots()
    assert arena.plot(ax=ax) is ax
    t = arena.table
    assert [label.get_text() for label in ax.get_yticklabels()] == [str(s) for s in t.index]
    tied, below = ax.containers
    assert len(tied.lines[0].get_xdata()) == t["tied_with_best"].sum() and tied.get_label() == "tied with the best"
    np.testing.assert_allclose(np.asarray(below.lines[0].get_xdata(), float), t.loc[~t["tied_with_best"], "score"])
    plt.close(fig)
