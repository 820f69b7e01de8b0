import matplotlib.pyplot as plt
import numpy as np
import pytest

from analysis import AnalysisInputError, datasets
from analysis.scaling import compute_optimal, plot_allocation, plot_runs

HOFFMANN = {"A": 406.40, "B": 410.72, "E": 1.6934, "alpha": 0.33917, "beta": 0.28491}


def test_plot_runs_colours_by_log_compute():
    runs = datasets.load_chinchilla()
    fig, ax = plt.subplots()
    plot_runs(runs, ax=ax)
    points = ax.collections[0]
    np.testing.assert_allclose(points.get_offsets(), runs[["N", "loss"]].to_numpy())
    np.testing.assert_allclose(points.get_array(), np.log10(runs["C"]))
    assert ax.get_xlabel() == "parameters $N$" and "FLOP" in fig.axes[1].get_ylabel()
    with pytest.raises(AnalysisInputError, match="no column"):
        plot_runs(runs, color="compute", ax=ax)
    plt.close(fig)


def test_plot_allocation_draws_the_table_and_its_band():
    budgets = np.geomspace(1e20, 1e24, 5)
    table = compute_optimal(HOFFMANN, budgets)
    table["tokens_per_param_low"], table["tokens_per_param_high"] = table["tokens_per_param"] / 2, table[
        "tokens_per_param"] * 2
    fig, ax = plt.subplots()
    plot_allocation(table, ax=ax, label="fit")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), table["tokens_per_param"])
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(table["tokens_per_param_low"].min())
    assert band[:, 1].max() == pytest.approx(table["tokens_per_param_high"].max())
    plot_allocation(table, interval_style="lines", y="tokens_per_param", ax=ax)
    np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), table["tokens_per_param_low"])
    assert ax.get_lines()[2].get_linestyle() == ":"
    plot_allocation(table, interval_style="none", y="N_opt", ax=ax)  # no band columns for N_opt: the line alone
    assert len(ax.get_lines()) == 5 and len(ax.collections) == 1
    with pytest.raises(AnalysisInputError, match="interval_style"):
        plot_allocation(table, interval_style="shaded", ax=ax)
    plt.close(fig)
