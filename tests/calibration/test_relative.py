import numpy as np
import pytest
from scipy import special, stats

from analysis.calibration import (
    PlattScaling,
    ece,
    relative_confidence,
    selective_auc,
    simulate_confidence_preferences,
)
from analysis.ranking import bradley_terry, win_matrix


@pytest.fixture(scope="module")
def simulated():
    return simulate_confidence_preferences(n_questions=400, n_pairs=6000, rng=0)


def test_simulation_follows_its_stated_process(simulated):
    questions, pairs = simulated
    assert (pairs["first"] != pairs["second"]).all()
    assert set(np.round(questions["verbal_confidence"], 1)) <= {0.5, 0.6, 0.7, 0.8, 0.9, 1.0}
    logit = special.logit(questions["pi"].to_numpy())
    gap = logit[pairs["first"]] - logit[pairs["second"]]
    slope = np.polyfit(gap[np.abs(gap) < 0.5], pairs["prefers_first"][np.abs(gap) < 0.5], 1)[0]
    assert slope == pytest.approx(2.0 / 4, abs=0.15)  # sigmoid(2 x) has slope 2/4 at 0


def test_bradley_terry_scores_are_the_shared_solver(simulated):
    _, pairs = simulated
    scores = relative_confidence(pairs["first"], pairs["second"], pairs["prefers_first"], 400)
    winner = np.where(pairs["prefers_first"], pairs["first"], pairs["second"])
    loser = np.where(pairs["prefers_first"], pairs["second"], pairs["first"])
    np.testing.assert_allclose(scores, bradley_terry(win_matrix(winner, loser, 400), prior=1.0).scores.sort_index())


def test_relative_confidence_ranks_better_than_coarse_verbal_confidence(simulated):
    questions, pairs = simulated
    scores = relative_confidence(pairs["first"], pairs["second"], pairs["prefers_first"], 400)
    elo = relative_confidence(pairs["first"], pairs["second"], pairs["prefers_first"], 400, method="elo",
                              n_shuffles=20, rng=0)
    truth = questions["pi"].to_numpy()
    assert stats.spearmanr(scores, truth).statistic > stats.spearmanr(questions["verbal_confidence"], truth).statistic
    assert stats.spearmanr(elo, scores).statistic > 0.95
    correct = questions["correct"].to_numpy()
    fit, test = slice(0, 200), slice(200, None)
    mapped = PlattScaling().fit(scores[fit], correct[fit]).transform(scores[test])
    assert selective_auc(correct[test], mapped) > selective_auc(correct[test], questions["verbal_confidence"][test])
    assert ece(correct[test], mapped, mode="positive") < ece(correct[test], questions["verbal_confidence"][test],
                                                             mode="positive")
