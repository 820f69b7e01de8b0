import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats
from statsmodels.nonparametric.smoothers_lowess import lowess

from analysis import AnalysisInputError
from analysis.calibration import consistency_bands, reliability, reliability_diagram, smooth_reliability
from analysis.calibration.smooth import _Smoother


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=4000)
    return (rng.uniform(size=4000) < p).astype(int), p


def test_bands_match_the_binomial_spread_of_a_calibrated_model(data):
    y, p = data
    bands = consistency_bands(y, p, n_bins=10, mode="positive", ci=0.9, n_boot=4000, rng=1)
    table = reliability(y, p, n_bins=10, mode="positive")
    # normal approximation of the Poisson-binomial mean of each bin
    for b in (1, 5, 8):
        inside = np.floor(p * 10).astype(int) == b
        mean, sd = p[inside].mean(), np.sqrt(np.sum(p[inside] * (1 - p[inside]))) / inside.sum()
        assert bands.loc[b, "low"] == pytest.approx(mean + stats.norm.ppf(0.05) * sd, abs=0.01)
        assert bands.loc[b, "high"] == pytest.approx(mean + stats.norm.ppf(0.95) * sd, abs=0.01)
    inside_band = (table["accuracy"] >= bands["low"]) & (table["accuracy"] <= bands["high"])
    assert inside_band.mean() >= 0.7  # calibrated data mostly fall inside their bands
    again = consistency_bands(y, p, n_bins=10, mode="positive", ci=0.9, n_boot=4000, rng=1)
    assert again.equals(bands)


def test_diagram_holds_wilson_intervals_and_the_bands(data):
    y, p = data
    diagram = reliability_diagram(y, p, n_bins=10, mode="positive", ci=0.9, n_boot=500, rng=1)
    t = diagram.table
    # Wilson's closed form, bin 3
    n, k = t.loc[3, "count"], round(t.loc[3, "accuracy"] * t.loc[3, "count"])
    z, phat = stats.norm.ppf(0.95), k / n
    centre = (phat + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(phat * (1 - phat) / n + z**2 / (4 * n**2))
    assert (t.loc[3, "accuracy_low"], t.loc[3, "accuracy_high"]) == pytest.approx((centre - half, centre + half))
    bands = consistency_bands(y, p, n_bins=10, mode="positive", ci=0.9, n_boot=500, rng=1)
    np.testing.assert_array_equal(t["band_low"], bands["low"])
    assert "band_low" not in reliability_diagram(y, p, n_boot=0).table


def test_plots_draw_the_computed_numbers(data):
    y, p = data
    diagram = reliability_diagram(y, p, n_boot=100, rng=0)
    fig, (a, b) = plt.subplots(1, 2)
    assert diagram.plot(ax=a) is a
    assert a.get_xlim() == (0.49, 1.01)  # top-label confidence of a binary model is at least 0.5
    labels = a.get_legend_handles_labels()[1]
    assert labels == ["90% band of a calibrated model", "bin accuracy, 90% Wilson interval"]
    smooth = smooth_reliability(y, p)
    assert smooth.plot(ax=b) is b
    plt.close(fig)


def test_classwise_diagram_is_refused():
    with pytest.raises(AnalysisInputError, match="one diagram per class"):
        consistency_bands([0, 1, 2], np.eye(3), mode="classwise")


def test_smooth_band_brackets_the_curve_and_resamples_reproducibly(data):
    y, p = data
    smooth = smooth_reliability(y, p, mode="positive", sigma=0.05, n_boot=100, rng=0)
    band = smooth.curve
    inside = (band["low"] <= band["accuracy"] + 1e-9) & (band["accuracy"] <= band["high"] + 1e-9)
    assert inside.mean() > 0.95
    points, residual, _ = _Smoother(p, y.astype(float)).curve(0.05)
    np.testing.assert_allclose(band["accuracy"], points - residual)
    assert smooth_reliability(y, p, mode="positive", sigma=0.05, n_boot=100, rng=0).curve.equals(band)
    fig, ax = plt.subplots()
    smooth.plot(ax=ax)
    assert len(ax.collections) == 2  # the band and the density
    plt.close(fig)


def test_smooth_curve_agrees_with_lowess_on_a_miscalibrated_model():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, size=20000)
    y = (rng.uniform(size=p.size) < p**2).astype(float)  # overconfident: true frequency p^2
    curve = smooth_reliability(y, p, mode="positive", sigma=0.05).curve
    fitted = lowess(y, p, frac=0.1, it=0)  # no robustness steps: they would treat 0/1 outcomes as outliers
    inner = (curve["confidence"] > 0.2) & (curve["confidence"] < 0.8)
    ours = curve.loc[inner, "accuracy"].to_numpy()
    theirs = np.interp(curve.loc[inner, "confidence"], fitted[:, 0], fitted[:, 1])
    np.testing.assert_allclose(ours, theirs, atol=0.02)
    np.testing.assert_allclose(ours, curve.loc[inner, "confidence"] ** 2, atol=0.03)


def test_nearby_counts_the_scores_within_a_bandwidth():
    p = np.r_[np.full(50, 0.3), np.full(5, 0.8)]
    y = (np.arange(p.size) % 2).astype(float)
    curve = smooth_reliability(y, p, mode="positive", sigma=0.02).curve
    nearest = lambda x: np.interp(x, curve["confidence"], curve["nearby"])
    assert nearest(0.3) == pytest.approx(50, rel=0.02) and nearest(0.8) == pytest.approx(5, rel=0.02)
    assert nearest(0.3 + 0.02) == pytest.approx(50 * np.exp(-0.5), rel=0.03)  # one bandwidth away
    assert nearest(0.55) < 1e-6
