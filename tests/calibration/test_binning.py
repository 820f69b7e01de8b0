import numpy as np
import pytest

from analysis.calibration import bin_indices


@pytest.mark.parametrize("n_bins", [1, 3, 7, 10, 15, 49])
def test_edge_values_land_in_the_bin_they_open(n_bins):
    edges = np.arange(n_bins + 1) / n_bins  # the floating-point numbers k / B
    idx = bin_indices(edges, n_bins)
    assert idx.tolist() == [*range(n_bins), n_bins - 1]  # 1.0 closes the last bin
    below = np.nextafter(edges[1:-1], 0)
    assert bin_indices(below, n_bins).tolist() == list(range(n_bins - 1))


def test_common_edge_values():
    assert bin_indices(np.array([0.7, 0.3, 0.1, 0.9]), 10).tolist() == [7, 3, 1, 9]


def test_quantile_bins_never_split_ties():
    scores = np.array([0.1] * 5 + [0.5] * 3 + [0.9] * 2)
    idx = bin_indices(scores, 4, "quantile")
    for value in np.unique(scores):
        assert len(set(idx[scores == value])) == 1
    spread = np.random.default_rng(0).uniform(size=1000)
    assert np.bincount(bin_indices(spread, 10, "quantile")).tolist() == [100] * 10


def test_conventions_reproduce_sklearn_and_relplot():
    import relplot
    from sklearn.calibration import calibration_curve

    from analysis.calibration import ece, reliability

    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(size=2000), np.arange(11) / 10, [1.0, 1.0]])  # edges and ones included
    y = (rng.uniform(size=p.size) < p).astype(int)
    for strategy in ("uniform", "quantile"):
        table = reliability(y, p, n_bins=10, mode="positive", strategy=strategy, convention="sklearn")
        full = table[table["count"] > 0]
        prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy=strategy)
        np.testing.assert_allclose(full["accuracy"], prob_true, rtol=1e-12)
        np.testing.assert_allclose(full["mean_confidence"], prob_pred, rtol=1e-12)
    for n_bins in (10, 15):
        expected = relplot.metrics.binnedECE(p, y.astype(float), nbins=n_bins)
        assert ece(y, p, n_bins=n_bins, mode="positive", convention="relplot") == pytest.approx(expected, abs=1e-12)
    assert len(reliability(y, p, mode="positive", convention="relplot")) == 16  # p = 1 has a bin of its own
    # the conventions really differ on edge values
    assert bin_indices(np.array([0.3]), 10).item() == 3
    assert bin_indices(np.array([0.3]), 10, convention="sklearn").item() == 2
