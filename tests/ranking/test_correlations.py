import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import AnalysisInputError
from analysis.ranking import kendall_tau, rank_biased_overlap, spearman_rho, top_k_kendall, top_k_overlap, weighted_tau


@pytest.mark.parametrize("variant", ["b", "c"])
@pytest.mark.parametrize("levels", [5, 50, 10_000])
def test_kendall_equals_scipy(variant, levels):
    rng = np.random.default_rng(levels)
    x = rng.integers(0, levels, 3000).astype(float)
    y = x + rng.integers(0, levels, 3000)
    assert kendall_tau(x, y, variant=variant) == pytest.approx(stats.kendalltau(x, y, variant=variant).statistic,
                                                               rel=1e-12)


@pytest.mark.parametrize("variant", ["b", "c"])
@pytest.mark.parametrize("case", ["no ties", "ties in x only", "few values in y only", "many distinct, ties in both",
                                  "few values first, many later", "signed zeros", "reversed"])
def test_kendall_sort_paths_equal_scipy(variant, case):
    """Each way of putting the items in (x, y) order: hashed ranks and a radix sort (either scoring with few distinct
    values), a permutation, a combined key."""
    rng = np.random.default_rng(7)
    n = 200_000
    few_first = np.r_[np.zeros(5000), rng.integers(0, 100_000, n - 5000)].astype(float)
    x = {"no ties": rng.normal(size=n), "ties in x only": rng.integers(0, 300, n).astype(float),
         "few values in y only": rng.normal(size=n),
         "many distinct, ties in both": rng.integers(0, 100_000, n).astype(float),
         "few values first, many later": few_first, "signed zeros": rng.choice([-0.0, 0.0, 1.0], n),
         "reversed": np.arange(n, dtype=float)}[case]
    y = {"no ties": x + rng.normal(size=n), "ties in x only": x + rng.normal(0, 100, n),
         "few values in y only": np.round(x + rng.normal(size=n)),
         "many distinct, ties in both": x + rng.integers(0, 50_000, n),
         "few values first, many later": x + rng.integers(0, 50_000, n), "signed zeros": x + rng.normal(size=n),
         "reversed": -x}[case]
    got, expected = kendall_tau(x, y, variant=variant), stats.kendalltau(x, y, variant=variant).statistic
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert kendall_tau(y, x, variant=variant) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_kendall_tau_a_by_pairs():
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 4, 40), rng.integers(0, 4, 40)
    signs = [np.sign(x[i] - x[j]) * np.sign(y[i] - y[j]) for i, j in itertools.combinations(range(40), 2)]
    assert kendall_tau(x, y, variant="a") == pytest.approx(np.mean(signs))
    assert np.isnan(kendall_tau(np.ones(5), np.arange(5.0)))
    assert kendall_tau(np.ones(5), np.arange(5.0), variant="a") == 0.0


def test_spearman_and_top_k():
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    y = x + rng.normal(size=200)
    assert spearman_rho(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, rel=1e-12)
    assert top_k_overlap([5.0, 4, 3, 2, 1], [1.0, 4, 3, 2, 5], 2) == 0.5  # {0, 1} vs {4, 1}
    assert top_k_overlap(x, x, 10) == 1.0


def test_rank_biased_overlap():
    assert rank_biased_overlap("abcdef", "abcdef") == pytest.approx(1.0)
    assert rank_biased_overlap("abc", "xyz") == pytest.approx(0.0)
    # by hand, p = 0.5: depth 1 agreement 0, depth 2 agreement 1 (both {a, b}); X_k = 2, k = 2
    expected = 2 / 2 * 0.5**2 + (1 - 0.5) / 0.5 * (0 / 1 * 0.5 + 2 / 2 * 0.25)
    assert rank_biased_overlap("ab", "ba", p=0.5) == pytest.approx(expected)
    # swapping the top two matters more than swapping the bottom two
    assert rank_biased_overlap("abcdef", "bacdef") < rank_biased_overlap("abcdef", "abcdfe")
    with pytest.raises(AnalysisInputError, match="same depth"):
        rank_biased_overlap("abc", "ab")


def test_kendall_w():
    from analysis.ranking import kendall_w

    rng = np.random.default_rng(2)
    scores = rng.normal(size=(8, 5))  # no ties
    m = scores.shape[1]
    rhos = [stats.spearmanr(scores[:, a], scores[:, b]).statistic for a, b in itertools.combinations(range(m), 2)]
    # without ties, the mean pairwise Spearman correlation is (m W - 1) / (m - 1)
    assert np.mean(rhos) == pytest.approx((m * kendall_w(scores) - 1) / (m - 1), rel=1e-12)
    same = np.tile(np.arange(6.0)[:, None], (1, 4))
    assert kendall_w(same) == pytest.approx(1.0)
    tied = np.array([[1.0, 1.0], [1.0, 2.0], [2.0, 3.0]])  # a tie in the first task
    ranks = np.array([[1.5, 1.0], [1.5, 2.0], [3.0, 3.0]])
    s = np.sum((ranks.sum(axis=1) - ranks.sum(axis=1).mean()) ** 2)
    assert kendall_w(tied) == pytest.approx(12 * s / (4 * 24 - 2 * 6))
    with pytest.raises(AnalysisInputError, match="at least 2 systems and 2 tasks"):
        kendall_w(np.ones((3, 1)))


def test_top_k_kendall_cases():
    from analysis.ranking import kendall_tau, top_k_kendall

    assert top_k_kendall([1, 2, 3], [1, 2, 3]) == 0.0
    assert top_k_kendall([1, 2, 3], [4, 5, 6]) == 1.0
    # pairs (2, 3): 3 ahead only in b; (2, 4): each in one list; the other four agree
    assert top_k_kendall([1, 2, 3], [1, 3, 4], p=0.5) == pytest.approx(2 / 12)
    # same items: the plain Kendall distance, (1 - tau) / 2 of all pairs, over k^2 + p k (k - 1)
    a, b = [3, 1, 4, 2], [1, 3, 2, 4]
    discordant = (1 - kendall_tau(np.argsort(a), np.argsort(b))) / 2 * 6
    assert top_k_kendall(a, b, p=0.0) == pytest.approx(discordant / 16)


def test_correlation_ci_resamples_pairs():
    from analysis.ranking import correlation_ci, kendall_tau, spearman_rho

    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    y = x + rng.normal(0, 1, 60)
    result = correlation_ci(x, y, n_boot=300, rng=3)
    assert result.estimate == pytest.approx(kendall_tau(x, y))
    idx = np.random.default_rng(3).integers(0, 60, (300, 60))
    np.testing.assert_allclose(result.replicates[:5], [kendall_tau(x[i], y[i]) for i in idx[:5]])
    assert result.interval.low < result.estimate < result.interval.high
    rho = correlation_ci(x, y, spearman_rho, n_boot=200, rng=0)
    assert rho.estimate == pytest.approx(spearman_rho(x, y))


def _best_first(scores):
    return np.argsort(-scores, kind="stable")


@pytest.mark.parametrize("name, options, direct", [
    ("weighted_tau", {}, lambda x, y: weighted_tau(x, y)),
    ("top_k_overlap", {"k": 10}, lambda x, y: top_k_overlap(x, y, 10)),
    ("rbo", {"p": 0.8}, lambda x, y: rank_biased_overlap(_best_first(x), _best_first(y), p=0.8)),
    ("top_k_kendall", {"k": 10}, lambda x, y: top_k_kendall(_best_first(x)[:10], _best_first(y)[:10])),
])
def test_correlation_ci_by_name(name, options, direct):
    from analysis.ranking import correlation_ci

    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    y = x + rng.normal(0, 0.7, 50)
    result = correlation_ci(x, y, name, n_boot=100, rng=2, **options)
    assert result.estimate == pytest.approx(direct(x, y))
    first = np.random.default_rng(2).integers(0, 50, (100, 50))[0]
    assert result.replicates[0] == pytest.approx(direct(x[first], y[first]))
    assert result.interval.low <= result.estimate <= result.interval.high


def test_agreement_matrix_holds_every_pairwise_tau():
    from analysis.ranking import agreement_matrix

    rng = np.random.default_rng(4)
    table = pd.DataFrame(rng.normal(size=(12, 3)), columns=["a", "b", "c"])
    table["d"] = table["a"].rank()  # ranks of a: the same order
    matrix = agreement_matrix(table)
    assert list(matrix.index) == list(matrix.columns) == ["a", "b", "c", "d"]
    assert matrix.loc["a", "c"] == pytest.approx(stats.kendalltau(table["a"], table["c"]).statistic)
    assert matrix.loc["a", "d"] == pytest.approx(1.0) and (np.diag(matrix) == 1).all() and np.allclose(matrix, matrix.T)
    spearman = agreement_matrix(table, statistic="spearman")
    assert spearman.loc["b", "c"] == pytest.approx(stats.spearmanr(table["b"], table["c"]).statistic)
    with pytest.raises(AnalysisInputError, match="at least two"):
        agreement_matrix(table[["a"]])
