import numpy as np

from analysis.calibration import ece, smooth_ece
from analysis.calibration.widgets import ECEExplorer, describe_ece


def test_describe_ece_reports_the_three_estimators():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=500)
    y = (rng.uniform(size=500) < p**2).astype(int)
    text = describe_ece(y, p, 7, "quantile")
    expected = (f"7 quantile bins: ECE = {ece(y, p, n_bins=7, strategy='quantile'):.4f}, "
                f"debiased L2 ECE = {ece(y, p, n_bins=7, strategy='quantile', norm='l2', debiased=True):.4f}; "
                f"smooth ECE (no bins) = {smooth_ece(y, p):.4f}")
    assert text == expected


def test_controls_drive_the_readout():
    rng = np.random.default_rng(1)
    p = rng.uniform(size=300)
    y = (rng.uniform(size=300) < p).astype(int)
    explorer = ECEExplorer(y, p)
    assert explorer.readout.value == describe_ece(y, p, 15, "uniform")
    explorer.n_bins.value = 40
    explorer.strategy.value = "quantile"
    assert explorer.readout.value == describe_ece(y, p, 40, "quantile")
