import numpy as np
import pytest
from scipy import stats

from analysis import AnalysisInputError
from analysis.ranking import correlation_ci, weighted_tau
from analysis.ranking.weighted_kendall import _smaller_before


def _by_pairs(x, y, rank, weigher, additive):
    """Vigna's definition summed over all pairs, O(n^2)."""
    w = weigher(np.asarray(rank))
    sx, sy = np.sign(x[:, None] - x[None, :]), np.sign(y[:, None] - y[None, :])
    pair = w[:, None] + w[None, :] if additive else w[:, None] * w[None, :]
    upper = np.triu_indices(len(x), 1)
    numerator = (pair * sx * sy)[upper].sum()
    return numerator / np.sqrt((pair * (sx != 0))[upper].sum() * (pair * (sy != 0))[upper].sum())


def _scores(rng, n, levels):
    return rng.integers(0, levels, n).astype(float) if levels else rng.normal(size=n)


@pytest.mark.parametrize("n", [2, 7, 8, 9, 100, 1000])
def test_merge_counts_equal_brute_force(n):
    rng = np.random.default_rng(n)
    code, v = rng.permutation(n), rng.random(n)
    earlier = [code[:i][code[:i] < code[i]] for i in range(n)]
    np.testing.assert_array_equal(_smaller_before(code, None), [len(e) for e in earlier])
    np.testing.assert_allclose(_smaller_before(code, v), [v[e].sum() for e in earlier], rtol=1e-12)


@pytest.mark.parametrize("additive", [True, False])
@pytest.mark.parametrize("rank", [True, None, False])
@pytest.mark.parametrize("levels", [(0, 0), (3, 0), (0, 2), (4, 5)])
def test_equals_scipy(additive, rank, levels):
    rng = np.random.default_rng(sum(levels))
    for n in (2, 3, 10, 57, 300):
        x, y = _scores(rng, n, levels[0]), _scores(rng, n, levels[1])
        expected = stats.weightedtau(x, y, rank=rank, additive=additive).statistic
        np.testing.assert_allclose(weighted_tau(x, y, rank=rank, additive=additive), expected, rtol=1e-10,
                                   atol=1e-13, equal_nan=True)


@pytest.mark.parametrize("additive", [True, False])
def test_given_rank_and_weigher_follow_the_definition(additive):
    rng = np.random.default_rng(4)

    def weigher(r):
        return np.exp(-r / 5)

    for n in (5, 40):
        x, y = _scores(rng, n, 4), _scores(rng, n, 0)
        permutation = rng.permutation(n)
        expected = stats.weightedtau(x, y, rank=permutation, weigher=weigher, additive=additive).statistic
        assert weighted_tau(x, y, rank=permutation, weigher=weigher, additive=additive) == pytest.approx(expected)
        # repeated ranks: scipy's merge sort assumes distinct ranks, the definition does not
        repeated = rng.integers(0, n // 2, n)
        assert weighted_tau(x, y, rank=repeated, weigher=weigher, additive=additive) == pytest.approx(
            _by_pairs(x, y, repeated, weigher, additive))


def test_reduces_to_kendall_tau_b_with_unit_weights():
    rng = np.random.default_rng(5)
    x, y = _scores(rng, 200, 6), _scores(rng, 200, 9)
    assert weighted_tau(x, y, weigher=np.ones_like) == pytest.approx(stats.kendalltau(x, y).statistic)


def test_top_swaps_weigh_more_than_bottom_swaps():
    x = np.arange(10.0)[::-1]
    top, bottom = x.copy(), x.copy()
    top[[0, 1]], bottom[[8, 9]] = top[[1, 0]], bottom[[9, 8]]
    assert weighted_tau(x, top) < weighted_tau(x, bottom) < 1
    assert stats.kendalltau(x, top).statistic == stats.kendalltau(x, bottom).statistic


def test_constant_scores_give_nan_and_bootstrap_interval():
    assert np.isnan(weighted_tau([1, 1, 1], [1, 2, 3]))
    rng = np.random.default_rng(6)
    x = rng.normal(size=80)
    y = x + rng.normal(size=80)
    result = correlation_ci(x, y, weighted_tau, n_boot=200, rng=0)
    assert result.estimate == pytest.approx(weighted_tau(x, y))
    assert result.interval.low < result.estimate < result.interval.high


def test_bad_input():
    with pytest.raises(AnalysisInputError, match="NaN|finite"):
        weighted_tau([1, np.nan, 2], [1, 2, 3])
    with pytest.raises(AnalysisInputError, match="weigher"):
        weighted_tau([1, 2, 3], [1, 2, 3], weigher=lambda r: 1.0)
    with pytest.raises(AnalysisInputError, match="nonnegative"):
        weighted_tau([1, 2, 3], [1, 2, 3], rank=[0, -1, 2])
    with pytest.raises(AnalysisInputError):
        weighted_tau([1, 2, 3], [1, 2])


def test_many_distinct_tied_values():
    """Over 2^16 distinct values with ties: the general stable sort instead of radix."""
    rng = np.random.default_rng(7)
    x = rng.integers(0, 150_000, 160_000).astype(float)
    y = x + rng.integers(0, 40_000, x.size)
    assert weighted_tau(x, y) == pytest.approx(stats.weightedtau(x, y).statistic, rel=1e-12)
