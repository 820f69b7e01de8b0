import choix
import numpy as np
import pytest

from analysis import AnalysisInputError
from analysis.ranking import bradley_terry, elo_ratings, elo_scale, win_matrix


@pytest.fixture
def comparisons():
    rng = np.random.default_rng(0)
    strength = np.linspace(-1.5, 1.5, 8)
    i, j = rng.integers(0, 8, 3000), rng.integers(0, 8, 3000)
    keep = i != j
    i, j = i[keep], j[keep]
    i_wins = rng.uniform(size=i.size) < 1 / (1 + np.exp(strength[j] - strength[i]))
    return np.where(i_wins, i, j), np.where(i_wins, j, i), strength


def test_two_items_closed_form():
    result = bradley_terry(np.array([[0.0, 30.0], [10.0, 0.0]]))
    assert result.scores.sort_index()[0] - result.scores.sort_index()[1] == pytest.approx(np.log(3.0), rel=1e-10)
    assert result.converged and result.probability(0, 1) == pytest.approx(0.75)


def test_equals_choix_mle(comparisons):
    winner, loser, strength = comparisons
    ours = bradley_terry(win_matrix(winner, loser, 8))
    ref = choix.opt_pairwise(8, list(zip(winner, loser)))
    np.testing.assert_allclose(ours.scores.sort_index(), ref - ref.mean(), atol=1e-6)
    assert np.corrcoef(ours.scores.sort_index(), strength)[0, 1] > 0.99


def test_ties_count_half_a_win_each_way():
    w = win_matrix(np.array([0, 1, 0]), np.array([1, 0, 1]), 2, ties=[False, False, True])
    np.testing.assert_array_equal(w, [[0.0, 1.5], [1.5, 0.0]])  # a win each, and a tie split in halves


@pytest.mark.parametrize(
    ("winner", "loser", "match"),
    [
        ([0, 0, 1], [1, 2, 2], r"unbeaten items \[0\]"),
        ([0, 1, 2, 3], [1, 0, 3, 2], "never compared"),
    ],
)
def test_ford_condition_is_checked(winner, loser, match):
    w = win_matrix(np.array(winner), np.array(loser), 4 if max(winner + loser) == 3 else 3)
    with pytest.raises(AnalysisInputError, match=match):
        bradley_terry(w)
    shrunk = bradley_terry(w, prior=1.0)
    assert np.isfinite(shrunk.scores.sort_index()).all() and shrunk.converged


def test_prior_shrinks_towards_equal_scores(comparisons):
    winner, loser, _ = comparisons
    w = win_matrix(winner, loser, 8)
    plain, shrunk = bradley_terry(w), bradley_terry(w, prior=50.0)
    assert np.ptp(shrunk.scores.sort_index()) < np.ptp(plain.scores.sort_index())
    assert plain.log_likelihood >= shrunk.log_likelihood


def test_elo_orders_items_like_bradley_terry(comparisons):
    winner, loser, _ = comparisons
    elo = elo_ratings(winner, loser, 8, n_shuffles=50, rng=0).scores.sort_index()
    bt = bradley_terry(win_matrix(winner, loser, 8)).scores.sort_index()
    assert np.argsort(elo).tolist() == np.argsort(bt).tolist()
    assert np.array_equal(elo, elo_ratings(winner, loser, 8, n_shuffles=50, rng=0).scores.sort_index())
    # the Elo scale: 400 points = a factor 10 in odds; roughly log(10) / 400 per point against BT
    slope = np.polyfit(bt, elo, 1)[0]
    assert slope == pytest.approx(400 / np.log(10), rel=0.25)
    on_elo_scale = elo_scale(bt)
    assert np.polyfit(bt, on_elo_scale, 1) == pytest.approx([400 / np.log(10), 1000])
    # the same win probability: 1 / (1 + 10^(-(r_i - r_j) / 400)) = 1 / (1 + exp(-(s_i - s_j)))
    r, s = on_elo_scale.to_numpy(), bt.to_numpy()
    np.testing.assert_allclose(1 / (1 + 10 ** ((r[1] - r[0]) / 400)), 1 / (1 + np.exp(s[1] - s[0])))


def test_bad_comparisons():
    with pytest.raises(AnalysisInputError, match="integer item indices"):
        win_matrix(np.array([0.5]), np.array([1.0]), 2)
    with pytest.raises(AnalysisInputError, match=r"indices in 0 \.\. 1"):
        win_matrix(np.array([0]), np.array([2]), 2)


def test_battles_from_a_score_matrix():
    import pandas as pd

    from analysis.ranking import battles_from_scores

    scores = pd.DataFrame({"t1": [0.9, 0.5, np.nan], "t2": [0.2, 0.2, 0.7]}, index=["A", "B", "C"])
    battles = battles_from_scores(scores)
    # t1: A beats B (C missing); t2: A ties B, C beats A, C beats B
    assert len(battles) == 4 and battles["tie"].sum() == 1
    w = win_matrix(battles["winner"].to_numpy(), battles["loser"].to_numpy(), 3, ties=battles["tie"])
    np.testing.assert_array_equal(w, [[0, 1.5, 0], [0.5, 0, 0], [1, 1, 0]])


def test_counted_comparisons_equal_repeated_ones():
    winner, loser, ties = np.array([0, 1, 2]), np.array([1, 2, 0]), np.array([False, True, False])
    repeated = win_matrix(np.repeat(winner, [3, 2, 1]), np.repeat(loser, [3, 2, 1]), 3,
                          ties=np.repeat(ties, [3, 2, 1]))
    np.testing.assert_array_equal(win_matrix(winner, loser, 3, ties=ties, counts=[3, 2, 1]), repeated)
