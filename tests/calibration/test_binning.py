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


def _edge_heavy_scores(rng, n=3000):
    """Uniform scores, scores on a 1/15 grid (on the bin edges) and two-decimal scores, with outcomes."""
    p = np.concatenate([rng.uniform(size=n), rng.integers(0, 16, n) / 15, np.round(rng.uniform(size=n), 2)])
    return p, (rng.uniform(size=p.size) < p**1.3).astype(int)


def test_convention_reproduces_netcal():
    from netcal.metrics import ECE

    from analysis.calibration import ece

    rng = np.random.default_rng(1)
    p, y = _edge_heavy_scores(rng)
    for n_bins in (10, 15):  # netcal reduces binary input, one column or two, to the positive class
        expected = ECE(bins=n_bins).measure(p, y)
        assert ece(y, p, n_bins=n_bins, mode="positive", convention="netcal") == pytest.approx(expected, abs=1e-12)
        assert ECE(bins=n_bins).measure(np.column_stack([1 - p, p]), y) == pytest.approx(expected, abs=1e-12)
    probs = rng.dirichlet(np.full(4, 0.5), 2000)
    labels = (probs.cumsum(axis=1) < rng.uniform(size=(2000, 1))).sum(axis=1)
    assert ece(labels, probs, convention="netcal") == pytest.approx(ECE(bins=15).measure(probs, labels), abs=1e-12)
    # np.linspace(0, 1, 11)[3] is 0.30000000000000004, so 0.3, 0.6 and 0.7 join the bin below
    tenths = np.arange(11) / 10
    assert bin_indices(tenths, 10, convention="netcal").tolist() == [0, 1, 2, 2, 4, 5, 5, 6, 8, 9, 9]


def _uncertainty_calibration():
    """The ``calibration`` module of uncertainty-calibration (its name is shadowed by tests/calibration)."""
    import importlib.metadata
    import importlib.util

    path = importlib.metadata.distribution("uncertainty-calibration").locate_file("calibration/utils.py")
    spec = importlib.util.spec_from_file_location("uncertainty_calibration_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_convention_reproduces_uncertainty_calibration():
    from analysis.calibration import ece

    uc = _uncertainty_calibration()

    rng = np.random.default_rng(2)
    p, y = _edge_heavy_scores(rng)
    assert ece(y, p, mode="positive", convention="uncertainty-calibration") == pytest.approx(
        uc.get_ece(p, y, num_bins=15), abs=1e-12)
    assert ece(y, p, mode="positive", strategy="quantile", convention="uncertainty-calibration") == pytest.approx(
        uc.get_ece_em(p, y, num_bins=15), abs=1e-12)
    assert ece(y, p, n_bins=10, mode="positive", norm="l2", convention="uncertainty-calibration") == pytest.approx(
        uc.lower_bound_scaling_ce(p, y, p=2, debias=False, num_bins=10, binning_scheme=uc.get_equal_prob_bins),
        abs=1e-12)
    probs = rng.dirichlet(np.full(3, 0.5), 2000)
    labels = (probs.cumsum(axis=1) < rng.uniform(size=(2000, 1))).sum(axis=1)
    assert ece(labels, probs, convention="uncertainty-calibration") == pytest.approx(
        uc.get_ece(probs, labels), abs=1e-12)
    # its "marginal" mode averages the per-class errors: our "classwise"
    assert ece(labels, probs, mode="classwise", convention="uncertainty-calibration") == pytest.approx(
        uc.get_ece(probs, labels, mode="marginal"), abs=1e-12)
    assert bin_indices(np.array([0.3]), 10, convention="uncertainty-calibration").item() == 2  # right-closed


def test_mapie_num_bins_b_is_b_minus_one_bins():
    from mapie.metrics.calibration import expected_calibration_error

    from analysis.calibration import ece

    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=3000), np.arange(1, 11) / 10])  # inner edges, no exact zeros
    y = (rng.uniform(size=p.size) < p).astype(int)
    for b in (10, 15, 50):
        assert expected_calibration_error(y, p, num_bins=b) == pytest.approx(
            ece(y, p, n_bins=b - 1, mode="positive", convention="sklearn"), abs=1e-12)
        assert expected_calibration_error(y, p, num_bins=b) != pytest.approx(ece(y, p, n_bins=b, mode="positive"))


@pytest.mark.parametrize("n_bins", [1, 3, 7, 10, 15, 49, 100, 1000, 12345])
def test_uniform_conventions_equal_a_search_over_their_edges(n_bins):
    """The truncate-and-correct path against a binary search over each library's own edges."""
    rng = np.random.default_rng(n_bins)
    grid = np.arange(n_bins + 1) / n_bins
    steps = [np.nextafter(grid, 0), np.nextafter(grid, 1), np.nextafter(np.nextafter(grid, 0), 0),
             np.nextafter(np.nextafter(grid, 1), 1)]
    near = np.concatenate([grid, np.linspace(0, 1, n_bins + 1), *steps])
    p = np.clip(np.concatenate([near, rng.uniform(size=2000)]), 0, 1)
    linspace = np.linspace(0, 1, n_bins + 1)
    expected = {
        "analysis": np.minimum(np.searchsorted(grid, p, side="right") - 1, n_bins - 1),
        "netcal": np.minimum(np.searchsorted(linspace, p, side="right") - 1, n_bins - 1),
        "sklearn": np.searchsorted(linspace[1:-1], p),
        "uncertainty-calibration": np.searchsorted(grid[1:], p),
    }
    for convention, reference in expected.items():
        np.testing.assert_array_equal(bin_indices(p, n_bins, convention=convention), reference, err_msg=convention)
