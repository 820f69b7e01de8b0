import itertools
from math import comb

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.ranking import (
    bradley_terry,
    compare_preference_models,
    general_preference,
    intransitivity,
    pairwise_preferences,
    win_matrix,
)


def random_wins(n, seed, tie_share=0.0):
    rng = np.random.default_rng(seed)
    w = rng.integers(0, 6, (n, n)).astype(float)
    np.fill_diagonal(w, 0)
    w += np.triu(w == w.T, 1)  # no equal pairs by chance
    upper = np.triu(rng.random((n, n)) < tie_share, 1)
    w[upper] = w.T[upper]  # equal wins either way
    return w


def brute_force_triads(w):
    """Expected cyclic triples when each pair of equal wins is broken by a fair coin, triple by triple."""
    total = 0.0
    for a, b, c in itertools.combinations(range(len(w)), 3):
        pairs = [(a, b), (b, c), (c, a)]
        options = [[1.0] if w[i, j] > w[j, i] else [0.0] if w[i, j] < w[j, i] else [0.0, 1.0] for i, j in pairs]
        outcomes = list(itertools.product(*options))
        total += sum(len(set(o)) == 1 for o in outcomes) / len(outcomes)  # a>b>c>a or a<b<c<a
    return total


@pytest.mark.parametrize("n, seed, tie_share", [(5, 0, 0.0), (8, 1, 0.0), (9, 2, 0.3), (12, 3, 0.5)])
def test_circular_triads_equal_a_count_over_every_triple(n, seed, tie_share):
    w = random_wins(n, seed, tie_share)
    result = intransitivity(w)
    assert result.circular_triads == pytest.approx(brute_force_triads(w))
    assert result.cyclic_share == pytest.approx(result.circular_triads / comb(n, 3))
    triples = result.triples()
    assert triples["probability"].sum() == pytest.approx(result.circular_triads)
    m = result.majority
    for a, b, c, p in triples.itertuples(index=False):  # listed in the cyclic direction
        assert m.loc[a, b] > 0 and m.loc[b, c] > 0 and m.loc[c, a] > 0
        assert p == m.loc[a, b] * m.loc[b, c] * m.loc[c, a] + (1 - m.loc[a, b]) * (1 - m.loc[b, c]) * (1 - m.loc[c, a])


def test_the_null_distribution_matches_kendalls_tables_and_the_bounds():
    from analysis.ranking.intransitive import _null_counts

    assert _null_counts(4).tolist() == [24, 16, 24]  # 64 tournaments on 4 items
    assert _null_counts(5).tolist() == [120, 120, 240, 240, 280, 24]  # Kendall & Babington Smith (1940)
    for n in (5, 6, 7):
        counts = _null_counts(n)
        d_max = (n**3 - n) // 24 if n % 2 else (n**3 - 4 * n) // 24
        assert len(counts) - 1 == d_max
        assert np.average(np.arange(len(counts)), weights=counts) == pytest.approx(comb(n, 3) / 4)


def test_a_ranking_is_fully_consistent_and_a_regular_tournament_is_maximally_cyclic():
    order = np.triu(np.ones((7, 7)), 1) * 3  # 0 beats everyone, 1 beats all but 0, ...
    ranked = intransitivity(order)
    assert (ranked.circular_triads, ranked.consistence) == (0, 1.0)
    assert ranked.p_value == pytest.approx(7 * 6 * 5 * 4 * 3 * 2 / 2**21)  # the 7! transitive tournaments
    regular = np.zeros((7, 7))
    for i in range(7):
        for step in (1, 2, 3):
            regular[i, (i + step) % 7] = 1  # each item beats the next three
    cyclic = intransitivity(regular)
    assert cyclic.circular_triads == cyclic.max_circular_triads == 14 and cyclic.consistence == 0
    assert cyclic.p_value == 1.0


def tournament(n, beats_next):
    """Wins of a tournament given, for each pair i < j, whether i beats j."""
    w = np.zeros((n, n))
    i, j = np.triu_indices(n, 1)
    w[i[beats_next], j[beats_next]] = 1
    w[j[~beats_next], i[~beats_next]] = 1
    return w


def test_the_chi_square_approximation_is_close_to_the_exact_and_simulated_tails():
    from scipy import stats

    from analysis.ranking.intransitive import _null_counts

    counts, n = _null_counts(7), 7
    dof = n * (n - 1) * (n - 2) / (n - 4) ** 2
    for d in (3, 5, 7):
        chi2 = 8 / (n - 4) * (comb(n, 3) / 4 - d - 0.5) + dof
        assert stats.chi2.sf(chi2, dof) == pytest.approx(counts[: d + 1].sum() / counts.sum(), abs=0.005)
    rng, n = np.random.default_rng(0), 12
    simulated = np.array([intransitivity(tournament(n, rng.random(66) < 0.5)).circular_triads for _ in range(4000)])
    for seed in range(3):
        observed = intransitivity(tournament(n, np.random.default_rng(seed).random(66) < 0.5))
        assert observed.test == "chi-square"
        assert observed.p_value == pytest.approx((simulated <= observed.circular_triads).mean(), abs=0.02)


def test_the_majority_relation_of_task_scores_can_be_read_from_pairwise_preferences():
    scores = pd.DataFrame([[3, 1, 2], [2, 3, 1], [1, 2, 3]], index=["a", "b", "c"], columns=["t1", "t2", "t3"])
    result = intransitivity(pairwise_preferences(scores), systems=scores.index)  # Condorcet's paradox
    assert result.circular_triads == 1 and result.triples().iloc[0].tolist() == ["a", "b", "c", 1.0]


def rock_paper_scissors(n_rounds, p_win=0.8, seed=0):
    rng = np.random.default_rng(seed)
    pairs = [("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")]
    rows = []
    for strong, weak in pairs:
        won = rng.random(n_rounds) < p_win
        rows += [{"winner": strong if x else weak, "loser": weak if x else strong, "tie": False} for x in won]
    return pd.DataFrame(rows)


def test_the_general_preference_model_recovers_rock_paper_scissors():
    battles = rock_paper_scissors(2000, 0.8)
    fit = general_preference(battles, dim=2, prior=0.0, rng=0)
    for strong, weak in [("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")]:
        assert fit.probability(strong, weak) == pytest.approx(0.8, abs=0.04)
    # the maximum-likelihood fit of a saturated 3-item model reproduces the observed shares
    wins = battles.groupby(["winner", "loser"]).size()
    assert fit.probability("rock", "scissors") == pytest.approx(
        wins["rock", "scissors"] / (wins["rock", "scissors"] + wins["scissors", "rock"]), abs=1e-4)
    bt = bradley_terry(win_matrix(*(battles[c].map({"paper": 0, "rock": 1, "scissors": 2}).to_numpy()
                                    for c in ("winner", "loser")), 3))
    assert np.allclose(bt.scores, 0, atol=0.05)  # Bradley-Terry sees three equals


def test_on_transitive_data_the_model_equals_bradley_terry_and_cross_validation_prefers_it_on_cycles():
    rng = np.random.default_rng(1)
    strength = np.array([1.5, 0.8, 0.0, -0.6, -1.7])
    names = [f"m{i}" for i in range(5)]
    a, b = rng.integers(0, 5, 4000), rng.integers(0, 5, 4000)
    keep = a != b
    a, b = a[keep], b[keep]
    first = rng.random(len(a)) < 1 / (1 + np.exp(strength[b] - strength[a]))
    battles = pd.DataFrame({"winner": np.array(names)[np.where(first, a, b)],
                            "loser": np.array(names)[np.where(first, b, a)], "tie": False})
    gpm = general_preference(battles, dim=2, prior=0.0, rng=0)
    bt = bradley_terry(win_matrix(*(battles[c].map({n: i for i, n in enumerate(names)}).to_numpy()
                                    for c in ("winner", "loser")), 5), systems=names)
    for x, y in itertools.combinations(names, 2):
        assert gpm.probability(x, y) == pytest.approx(bt.probability(x, y), abs=0.02)
    transitive = compare_preference_models(battles, dims=[2], n_splits=3, rng=0).to_frame()
    assert abs(transitive["log_likelihood"].diff().iloc[-1]) < 0.005
    cyclic = compare_preference_models(rock_paper_scissors(1000), dims=[2], n_splits=3, rng=0).to_frame()
    assert cyclic.index[0] == "GPM, 2 dimensions"
    assert cyclic.loc["GPM, 2 dimensions", "log_likelihood"] == pytest.approx(np.log(0.8) * 0.8 + np.log(0.2) * 0.2,
                                                                            abs=0.03)
    assert cyclic.loc["Bradley-Terry", "log_likelihood"] == pytest.approx(np.log(0.5), abs=0.01)


def test_the_canonical_embedding_keeps_every_preference_and_has_isotropic_planes():
    from analysis.ranking.intransitive import _canonical, _rotation

    v = np.random.default_rng(5).normal(size=(6, 4)) * [3, 0.2, 1, 5]
    c = _canonical(v)
    assert np.allclose(c @ _rotation(4) @ c.T, v @ _rotation(4) @ v.T)
    for b in (0, 2):
        moments = c[:, b:b + 2].T @ c[:, b:b + 2]
        assert np.allclose(moments, moments[0, 0] * np.eye(2))
        longest = c[np.argmax(np.hypot(c[:, b], c[:, b + 1])), b:b + 2]
        assert longest[0] == pytest.approx(0, abs=1e-12) and longest[1] > 0


def test_the_fit_is_reproducible_and_the_plot_shows_one_plane():
    import matplotlib.pyplot as plt

    battles = rock_paper_scissors(50)
    one, two = (general_preference(battles, dim=4, rng=3) for _ in range(2))
    assert one.embedding.equals(two.embedding) and list(one.embedding.columns) == ["x1", "y1", "x2", "y2"]
    fig, ax = plt.subplots()
    one.plot(ax=ax, block=1)
    assert len(ax.texts) == 3
    plt.close(fig)


def test_bad_input_is_refused():
    battles = rock_paper_scissors(10)
    with pytest.raises(AnalysisInputError, match="even"):
        general_preference(battles, dim=3)
    with pytest.raises(AnalysisInputError, match="dim"):
        general_preference(battles, dim=0)
    with pytest.raises(AnalysisInputError, match="even"):
        compare_preference_models(battles, dims=(2, 3))
    with pytest.raises(AnalysisInputError, match="lizard"):
        general_preference(battles, systems=["rock", "paper", "scissors", "lizard"])
    idle = np.ones((4, 4)) - np.eye(4)
    idle[3, :] = idle[:, 3] = 0
    with pytest.raises(AnalysisInputError, match="no comparisons"):
        intransitivity(idle)
    with pytest.raises(AnalysisInputError, match="at least 3"):
        intransitivity(np.array([[0, 1], [1, 0]]))
