import numpy as np
import pandas as pd
import pytest

from analysis.ranking import cardinal_sensitivity, diversity, kendall_tau, kendall_w, ordinal_sensitivity


@pytest.fixture(scope="module")
def board():
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.uniform(0, 1, (8, 6)), index=[f"s{i}" for i in range(8)])


def test_diversity_is_one_minus_w(board):
    assert diversity(board) == pytest.approx(1 - kendall_w(board))
    same = pd.DataFrame(np.tile(np.arange(5.0)[:, None], (1, 4)))
    assert diversity(same) == pytest.approx(0.0)


def test_rank_based_rules_ignore_rescaling_and_the_mean_does_not(board):
    assert cardinal_sensitivity(board, method="borda", n_draws=30, rng=0).sensitivity == pytest.approx(0.0)
    mean = cardinal_sensitivity(board, method="mean", n_draws=60, rng=0)
    assert mean.sensitivity > 0
    # one draw by hand
    rng = np.random.default_rng(0)
    power = np.exp(rng.uniform(-np.log(3.0), np.log(3.0), board.shape[1]))
    low, high = board.min().to_numpy(), board.max().to_numpy()
    moved = low + (high - low) * ((board.to_numpy() - low) / (high - low)) ** power
    expected = kendall_tau(board.mean(axis=1).to_numpy(), moved.mean(axis=1))
    assert mean.taus[0] == pytest.approx(expected)


def test_mean_is_independent_of_irrelevant_systems_and_borda_is_not(board):
    assert ordinal_sensitivity(board, method="mean", n_draws=20, rng=1).sensitivity == pytest.approx(0.0)
    borda = ordinal_sensitivity(board, method="borda", n_irrelevant=3, n_draws=40, rng=1)
    assert borda.sensitivity > 0.1 and len(borda.taus) == 40  # weak newcomers reorder the leaders
