import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize
from sklearn.linear_model import LogisticRegression

from analysis import AnalysisInputError
from analysis.ranking import bradley_terry_covariates, bradley_terry_ties
from analysis.ranking.ties import _davidson, _rao_kupper


@pytest.mark.parametrize("objective", [_davidson, _rao_kupper])
def test_gradients_are_exact(objective):
    rng = np.random.default_rng(0)
    wins = rng.integers(0, 20, (5, 5)).astype(float)
    np.fill_diagonal(wins, 0)
    ties = rng.integers(0, 6, (5, 5)).astype(float)
    ties = np.triu(ties, 1) + np.triu(ties, 1).T
    games = wins + wins.T + ties
    x = rng.normal(0, 0.5, 6)
    error = optimize.check_grad(lambda p: objective(p, wins, ties, games)[0],
                                lambda p: objective(p, wins, ties, games)[1], x)
    assert error < 1e-5 * np.abs(objective(x, wins, ties, games)[1]).max()


@pytest.mark.parametrize("model", ["davidson", "rao_kupper"])
def test_two_items_reproduce_the_observed_frequencies(model):
    # three outcomes, two parameters: the fit is saturated
    wins = np.array([[0.0, 30.0], [12.0, 0.0]])
    ties = np.array([[0.0, 8.0], [8.0, 0.0]])
    fit = bradley_terry_ties(wins, ties, model=model)
    win, tie, loss = fit.probabilities(0, 1)
    np.testing.assert_allclose([win, tie, loss], [0.6, 0.16, 0.24], atol=1e-7)
    if model == "davidson":
        assert fit.tie_parameter == pytest.approx(8 / np.sqrt(30 * 12), rel=1e-6)


def test_ties_are_required():
    with pytest.raises(AnalysisInputError, match="some ties"):
        bradley_terry_ties(np.array([[0.0, 3.0], [1.0, 0.0]]), np.zeros((2, 2)))


def test_style_control_equals_logistic_regression():
    rng = np.random.default_rng(1)
    n, k = 3000, 5
    a, b = rng.integers(0, k, n), rng.integers(0, k, n)
    a, b = a[a != b], b[a != b]
    length = rng.normal(0, 1, len(a))
    strength = np.linspace(-1, 1, k)
    y = (rng.random(len(a)) < 1 / (1 + np.exp(-(strength[a] - strength[b] + 0.8 * length)))).astype(float)
    ours = bradley_terry_covariates(a, b, y, k, length, covariate_names=["length"])
    design = np.zeros((len(a), k))
    design[np.arange(len(a)), a] += 1
    design[np.arange(len(a)), b] -= 1
    X = np.column_stack([design[:, 1:], length])  # item 0 as reference
    ref = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-12, max_iter=10_000).fit(X, y)
    scores = np.append(0.0, ref.coef_[0][:k - 1])
    np.testing.assert_allclose(ours.scores.sort_index(), scores - scores.mean(), atol=1e-6)
    assert ours.coef["length"] == pytest.approx(ref.coef_[0][-1], abs=1e-6)
    assert ours.coef["length"] == pytest.approx(0.8, abs=0.15)
    glm = sm.Logit(y, X).fit(disp=0)  # statsmodels: estimate and standard error, independently
    assert ours.coef["length"] == pytest.approx(glm.params[-1], abs=1e-6)
    assert ours.coef_se["length"] == pytest.approx(glm.bse[-1], rel=1e-6)


def test_rao_kupper_equals_arenakit():
    arenakit = pytest.importorskip("arenakit")
    from arenakit.schema import PairCounts

    rng = np.random.default_rng(0)
    first_won, second_won, tied = (rng.integers(0, high, (5, 5)).astype(float) for high in (30, 30, 8))
    for matrix in (first_won, second_won, tied):
        np.fill_diagonal(matrix, 0)
    counts = PairCounts(first_won, second_won, tied)
    theirs = arenakit.fit_rao_kupper(counts, prior=0)
    ours = bradley_terry_ties(counts.wins, counts.ties, model="rao_kupper")
    np.testing.assert_allclose(ours.scores.sort_index(), theirs.scores - theirs.scores.mean(), atol=1e-7)
    assert ours.tie_parameter == pytest.approx(theirs.tie_theta, rel=1e-7)


def test_a_disconnected_or_unbeaten_comparison_graph_is_refused():
    # two pairs never compared with each other: the scores of one pair against the other are arbitrary
    wins = np.array([[0, 3, 0, 0], [2, 0, 0, 0], [0, 0, 0, 4], [0, 0, 1, 0]], dtype=float)
    ties = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 2], [0, 0, 2, 0]], dtype=float)
    with pytest.raises(AnalysisInputError, match="2 groups of items never compared"):
        bradley_terry_ties(wins, ties)
    # item 0 never loses and never ties: its score is infinite
    wins = np.array([[0, 2, 3], [0, 0, 1], [0, 1, 0]], dtype=float)
    ties = np.array([[0, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=float)
    with pytest.raises(AnalysisInputError, match=r"unbeaten items \[0\]"):
        bradley_terry_ties(wins, ties, model="rao_kupper")
    ties[0, 1] = ties[1, 0] = 1  # one tie with item 0 gives evidence both ways: the scores exist
    assert np.isfinite(bradley_terry_ties(wins, ties).scores).all()
