import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

from analysis import AnalysisInputError
from analysis.calibration import consistency_bands, plot_reliability, plot_smooth_reliability, reliability


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=4000)
    return (rng.uniform(size=4000) < p).astype(int), p


def test_bands_match_the_binomial_spread_of_a_calibrated_model(data):
    y, p = data
    bands = consistency_bands(y, p, n_bins=10, mode="positive", level=0.9, n_boot=4000, rng=1)
    table = reliability(y, p, n_bins=10, mode="positive")
    # normal approximation of the Poisson-binomial mean of each bin
    for b in (1, 5, 8):
        inside = np.floor(p * 10).astype(int) == b
        mean, sd = p[inside].mean(), np.sqrt(np.sum(p[inside] * (1 - p[inside]))) / inside.sum()
        assert bands.loc[b, "low"] == pytest.approx(mean + stats.norm.ppf(0.05) * sd, abs=0.01)
        assert bands.loc[b, "high"] == pytest.approx(mean + stats.norm.ppf(0.95) * sd, abs=0.01)
    inside_band = (table["accuracy"] >= bands["low"]) & (table["accuracy"] <= bands["high"])
    assert inside_band.mean() >= 0.7  # calibrated data mostly fall inside their bands
    again = consistency_bands(y, p, n_bins=10, mode="positive", level=0.9, n_boot=4000, rng=1)
    assert again.equals(bands)


def test_plots_return_their_axes(data):
    y, p = data
    fig, (a, b) = plt.subplots(1, 2)
    assert plot_reliability(y, p, n_boot=100, rng=0, ax=a) is a
    assert len(a.lines) == 2 and len(a.collections) == 1  # diagonal, bins; bands
    assert plot_smooth_reliability(y, p, ax=b) is b
    plt.close(fig)


def test_classwise_diagram_is_refused():
    with pytest.raises(AnalysisInputError, match="one diagram per class"):
        consistency_bands([0, 1, 2], np.eye(3), mode="classwise")


def test_smooth_band_brackets_the_curve_and_resamples_reproducibly(data):
    from analysis.calibration import smooth_reliability_band
    from analysis.calibration.smooth import _Smoother

    y, p = data
    band = smooth_reliability_band(y, p, mode="positive", sigma=0.05, n_boot=100, rng=0)
    inside = (band["low"] <= band["accuracy"] + 1e-9) & (band["accuracy"] <= band["high"] + 1e-9)
    assert inside.mean() > 0.95
    points, residual, _ = _Smoother(p, y.astype(float)).curve(0.05)
    np.testing.assert_allclose(band["accuracy"], points - residual)
    assert smooth_reliability_band(y, p, mode="positive", sigma=0.05, n_boot=100, rng=0).equals(band)
    fig, ax = plt.subplots()
    plot_smooth_reliability(y, p, mode="positive", band=0.9, n_boot=50, rng=0, ax=ax)
    assert len(ax.collections) == 2  # the band and the density
    plt.close(fig)
