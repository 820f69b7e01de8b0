import matplotlib.pyplot as plt
import numpy as np
import pytest

from analysis import AnalysisInputError
from analysis.calibration import bin_sensitivity, ece, smooth_ece


def test_bin_sensitivity_is_ece_at_every_bin_count():
    rng = np.random.default_rng(3)
    p = rng.uniform(size=400)
    y = (rng.uniform(size=400) < p**1.3).astype(int)
    result = bin_sensitivity(y, p, n_bins=[2, 5, 15, 40], strategy="quantile", mode="positive")
    table = result.to_frame()
    assert list(table.index) == [2, 5, 15, 40]
    for b in table.index:
        assert table.loc[b, "ece"] == ece(y, p, n_bins=b, strategy="quantile", mode="positive")
        assert table.loc[b, "debiased_l2"] == ece(y, p, n_bins=b, strategy="quantile", mode="positive", norm="l2",
                                                  debiased=True)
    assert result.smooth_ece == smooth_ece(y, p, mode="positive")
    fig, ax = plt.subplots()
    result.plot(ax=ax)
    np.testing.assert_allclose(ax.get_lines()[0].get_xydata(), np.column_stack([table.index, table["ece"]]))
    assert ax.get_lines()[2].get_ydata()[0] == result.smooth_ece and ax.get_xlabel() == "number of equal-mass bins"
    plt.close(fig)


def test_bin_sensitivity_bad_input():
    y, p = np.array([0, 1, 1, 0]), np.array([0.2, 0.7, 0.9, 0.4])
    with pytest.raises(AnalysisInputError, match="at least one bin count"):
        bin_sensitivity(y, p, n_bins=[])
    with pytest.raises(AnalysisInputError, match="n_bins"):
        bin_sensitivity(y, p, n_bins=[0, 5])
    with pytest.raises(AnalysisInputError, match="strategy"):
        bin_sensitivity(y, p, strategy="equal")
