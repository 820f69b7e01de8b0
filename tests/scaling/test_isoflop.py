import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError, datasets
from analysis.scaling import chinchilla, compute_optimal, isoflop_budgets, isoflop_fit
from analysis.scaling.isoflop import _interior_minimum, _weighted_polyfit

BUDGETS = [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21]  # Hoffmann et al., Figure 3


def test_approach_2_on_the_chinchilla_runs():
    result = isoflop_fit(datasets.load_chinchilla(), BUDGETS, n_boot=500, rng=0)
    # 182 runs lie within 0.1 dex of a budget (shared/data/chinchilla/README.md)
    assert result.n_unassigned == 245 - 182 and result.budgets["n_runs"].sum() == 182
    # Hoffmann et al. Table 2, Approach 2: a = 0.49 (0.462, 0.534); Besiroglu et al.: close to 0.50
    assert result.a == pytest.approx(0.50, abs=0.015)
    assert result.intervals["a"].contains(0.49)
    assert result.a + result.b == pytest.approx(1.0)
    assert (result.budgets["N_opt_low"] < result.budgets["N_opt"]).all()


def test_each_run_gets_the_budget_isoflop_fit_groups_it_under():
    runs = datasets.load_chinchilla()
    budget = isoflop_budgets(runs, BUDGETS)
    assert budget.notna().sum() == 182 and budget.index.equals(runs.index)
    near = np.abs(np.log10(runs["C"].to_numpy())[:, None] - np.log10(BUDGETS)).min(axis=1) <= 0.1  # by hand
    np.testing.assert_array_equal(budget.notna().to_numpy(), near)
    result = isoflop_fit(runs, BUDGETS)
    counts = budget.value_counts().sort_index()
    np.testing.assert_array_equal(counts.to_numpy(), result.budgets["n_runs"].to_numpy())
    with pytest.raises(AnalysisInputError, match="tolerance_dex"):
        isoflop_budgets(runs, BUDGETS, tolerance_dex=-1)


def test_recovers_the_optimum_of_a_known_law():
    truth = {"A": 400.0, "B": 1800.0, "E": 1.8, "alpha": 0.34, "beta": 0.37}
    budgets = np.geomspace(1e19, 1e22, 6)
    rows = []
    for c in budgets:
        n_star = compute_optimal(truth, c).loc[0, "N_opt"]
        n = n_star * np.geomspace(0.25, 4, 25)
        rows.append(pd.DataFrame({"N": n, "C": c, "loss": chinchilla(truth, N=n, D=c / (6 * n))}))
    result = isoflop_fit(pd.concat(rows), budgets, degree=3)
    expected = compute_optimal(truth, budgets)["N_opt"].to_numpy()
    np.testing.assert_allclose(result.budgets["N_opt"], expected, rtol=0.02)
    assert result.a == pytest.approx(truth["beta"] / (truth["alpha"] + truth["beta"]), abs=0.005)


def test_weighted_polyfit_matches_numpy():
    rng = np.random.default_rng(0)
    x, y, w = rng.normal(size=20), rng.normal(size=20), rng.integers(0, 4, size=20).astype(float)
    ours = _weighted_polyfit(x, y, w[None], 3)[0]
    np.testing.assert_allclose(ours, np.polyfit(x, y, 3, w=np.sqrt(w)), rtol=1e-10)


def test_interior_minimum_of_parabolas_and_cubics():
    coef = np.array([[1.0, -4.0, 0.0], [-1.0, 0.0, 0.0], [1.0, -20.0, 0.0]])  # min at 2; a maximum; min at 10
    where, value = _interior_minimum(coef, 0.0, 5.0)
    assert where[0] == pytest.approx(2.0) and value[0] == pytest.approx(-4.0)
    assert np.isnan(where[1:]).all()
    cubic = np.array([[1.0, 0.0, -3.0, 0.0]])  # x^3 - 3x: local min at 1, local max at -1
    where, _ = _interior_minimum(cubic, -2.0, 2.0)
    assert where[0] == pytest.approx(1.0)


def test_errors_and_plot():
    runs = datasets.load_chinchilla()
    with pytest.raises(AnalysisInputError, match=r"at least 4 runs"):
        isoflop_fit(runs, [*BUDGETS, 1.3e22])
    one_side = runs[np.isclose(np.log10(runs["C"]), np.log10(1e21), atol=0.1) & (runs["N"] < 2e9)]
    with pytest.raises(AnalysisInputError, match=r"none at 1e\+21 FLOP"):
        isoflop_fit(one_side, [1e21])
    ax = isoflop_fit(runs, BUDGETS).plot()
    assert ax.get_xscale() == "log"
    plt.close("all")
