import numpy as np
import pytest

from analysis import bootstrap, percentile_interval
from analysis.widgets import IntervalExplorer, describe_interval


@pytest.fixture
def values():
    return np.random.default_rng(0).gamma(2.0, size=80)


def test_describe_interval_matches_an_independent_bootstrap(values):
    result = bootstrap(lambda x: x.mean(axis=1), values, n_boot=500, rng=4)
    text = describe_interval(result, ci=0.8, label="mean loss")
    direct = bootstrap(lambda x: x.mean(axis=1), values, n_boot=500, rng=4, ci=0.8).interval
    assert text == f"mean loss = {values.mean():.4f}, 80% interval [{direct.low:.4f}, {direct.high:.4f}]"


def test_slider_drives_the_readout(values):
    explorer = IntervalExplorer(values, label="mean", n_boot=500, rng=4)
    assert explorer.readout.value == describe_interval(explorer.result, ci=0.95, label="mean")
    explorer.ci.value = 0.62
    interval = percentile_interval(explorer.result.replicates, ci=0.62)
    assert explorer.readout.value == (
        f"mean = {values.mean():.4f}, 62% interval [{interval.low:.4f}, {interval.high:.4f}]"
    )
    # a narrower level gives a narrower interval
    wide = percentile_interval(explorer.result.replicates, ci=0.95)
    assert interval.width < wide.width


def test_same_seed_same_readout(values):
    a = IntervalExplorer(values, n_boot=300, rng=7)
    b = IntervalExplorer(values, n_boot=300, rng=7)
    assert a.readout.value == b.readout.value
