import itertools
import math

import numpy as np
import pytest

from analysis import AnalysisInputError
from analysis.ranking import select_committee, simulate_biased_rankings


@pytest.fixture(scope="module")
def election():
    rng = np.random.default_rng(0)
    rankings = simulate_biased_rankings(np.linspace(2, 0, 7), np.array([0, 1, 0, 1, 0, 1, 1]), beta=1.0,
                                        n_voters=40, noise=1.0, rng=rng)
    return rankings, np.array([0, 1, 0, 1, 0, 1, 1])


def brute_force(rankings, k, value, groups=None, lower=None, upper=None):
    m = rankings.shape[1]
    best = -np.inf
    for subset in itertools.combinations(range(m), k):
        if groups is not None:
            counts = np.bincount(groups[list(subset)], minlength=len(lower))
            if (counts < lower).any() or (counts > upper).any():
                continue
        best = max(best, value(subset))
    return best


def points(rankings, rule, k):
    m = rankings.shape[1]
    positions = np.argsort(rankings, axis=1)
    table = {"sntv": positions == 0, "bloc": positions < k, "k_borda": m - 1 - positions}[rule]
    return np.asarray(table, float)


@pytest.mark.parametrize("rule", ["sntv", "bloc", "k_borda"])
def test_additive_rules_are_optimal_with_and_without_bounds(election, rule):
    rankings, groups = election
    totals = points(rankings, rule, 3).sum(axis=0)
    plain = select_committee(rankings, 3, rule=rule)
    assert plain.score == brute_force(rankings, 3, lambda s: totals[list(s)].sum())
    fair = select_committee(rankings, 3, rule=rule, groups=groups, lower=[0, 2], upper=[3, 3])
    assert np.sum(groups[fair.members] == 1) >= 2
    assert fair.score == brute_force(rankings, 3, lambda s: totals[list(s)].sum(), groups, [0, 2], [3, 3])


def test_chamberlin_courant_exact_and_greedy(election):
    rankings, groups = election
    borda = points(rankings, "k_borda", 3)
    value = lambda s: borda[:, list(s)].max(axis=1).sum()  # noqa: E731
    exact = select_committee(rankings, 3, rule="chamberlin_courant")
    assert exact.score == brute_force(rankings, 3, value) and exact.method.startswith("exact")
    greedy = select_committee(rankings, 3, rule="chamberlin_courant", exact_limit=1)
    assert greedy.score >= (1 - 1 / math.e) * exact.score and "greedy" in greedy.method
    fair = select_committee(rankings, 3, rule="chamberlin_courant", groups=groups, lower=[2, 0], upper=[3, 3],
                            exact_limit=1)
    assert np.sum(groups[fair.members] == 0) >= 2


def test_bias_lowers_representation_and_bounds_restore_it():
    rng = np.random.default_rng(1)
    utilities = rng.uniform(0, 1, 20)
    groups = np.tile([0, 1], 10)
    fair_share = []
    for beta in (1.0, 0.5):
        rankings = simulate_biased_rankings(utilities, groups, beta=beta, n_voters=200, noise=0.2, rng=rng)
        fair_share.append(np.mean(groups[select_committee(rankings, 6).members] == 1))
    assert fair_share[1] < fair_share[0]
    rankings = simulate_biased_rankings(utilities, groups, beta=0.5, n_voters=200, noise=0.2, rng=rng)
    bounded = select_committee(rankings, 6, groups=groups, lower=[3, 3], upper=[3, 3])
    assert np.sum(groups[bounded.members] == 1) == 3


def test_bad_input(election):
    rankings, groups = election
    with pytest.raises(AnalysisInputError, match="permutation"):
        select_committee(np.array([[0, 0, 1]]), 1)
    with pytest.raises(AnalysisInputError, match="bounds"):
        select_committee(rankings, 3, groups=groups, lower=[3, 3], upper=[3, 3])
