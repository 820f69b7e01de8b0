import numpy as np
import pytest
import relplot

from analysis.calibration import smooth_ece, smooth_ece_sigma


@pytest.mark.parametrize("n", [50, 2000, 100_000])
def test_equals_relplot_smece(n):
    rng = np.random.default_rng(n)
    p = rng.beta(2, 1, size=n)
    y = (rng.uniform(size=n) < p**1.4).astype(float)
    value, width = relplot.smECE(p, y, return_width=True)
    assert smooth_ece(y.astype(int), p, mode="positive") == pytest.approx(value, abs=1e-9)
    assert smooth_ece_sigma(y.astype(int), p, mode="positive") == width


@pytest.mark.parametrize("sigma", [0.003, 0.05, 0.3])
def test_equals_relplot_at_a_fixed_bandwidth(sigma):
    rng = np.random.default_rng(0)
    p = rng.uniform(size=5000)
    y = (rng.uniform(size=5000) < p).astype(float)
    assert smooth_ece(y.astype(int), p, sigma=sigma, mode="positive") == pytest.approx(
        relplot.smECE_sigma(p, y, sigma), abs=1e-9)


def test_top_label_feeds_confidence_and_correctness():
    rng = np.random.default_rng(1)
    p = rng.uniform(size=3000)
    y = (rng.uniform(size=3000) < p).astype(int)
    confidence, correct = np.maximum(p, 1 - p), ((p > 0.5) == y).astype(float)
    assert smooth_ece(y, p) == pytest.approx(relplot.smECE(confidence, correct), abs=1e-9)
    assert smooth_ece(y, p) < 0.05  # calibrated data give a small value
