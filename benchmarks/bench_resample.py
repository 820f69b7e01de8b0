"""analysis.bootstrap against scipy.stats.bootstrap on the same data and seed."""

import numpy as np
from scipy import stats

from analysis import bootstrap

from run import Case

x_large = np.random.default_rng(0).exponential(size=100_000)
x_small = np.random.default_rng(1).exponential(size=2_000)


def _ours(x, n_boot, method, weighted=False):
    if weighted:
        statistic = lambda v, weights: weights @ v / weights.sum(axis=1)  # noqa: E731
    else:
        statistic = lambda v: v.mean(axis=1)  # noqa: E731
    res = bootstrap(statistic, x, n_boot=n_boot, method=method, weighted=weighted, rng=np.random.default_rng(5))
    return [res.interval.low, res.interval.high]


def _scipy(x, n_boot, method):
    res = stats.bootstrap((x,), np.mean, n_resamples=n_boot, method=method, rng=np.random.default_rng(5))
    return list(res.confidence_interval)


CASES = [
    Case("mean, n=1e5, 1000 resamples, percentile", lambda: _ours(x_large, 1000, "percentile"),
         lambda: _scipy(x_large, 1000, "percentile"), "scipy.stats.bootstrap"),
    Case("mean, n=1e5, 1000 resamples, percentile, weighted form",
         lambda: _ours(x_large, 1000, "percentile", weighted=True),
         lambda: _scipy(x_large, 1000, "percentile"), "scipy.stats.bootstrap"),
    Case("mean, n=2000, 2000 resamples, BCa", lambda: _ours(x_small, 2000, "bca"),
         lambda: _scipy(x_small, 2000, "BCa"), "scipy.stats.bootstrap"),
]
