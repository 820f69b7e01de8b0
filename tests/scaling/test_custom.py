import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from analysis import AnalysisInputError
from analysis.scaling import CustomLaw, broken_power_law, chinchilla, fit_scaling_law, grid_search


def kaplan(N, D, Nc, Dc, aN, aD):
    """Kaplan et al. (2020), eq. 1.5."""
    return ((Nc / N) ** (aN / aD) + Dc / D) ** aD


KAPLAN = CustomLaw(kaplan, ("N", "D"), {"Nc": (1e10, 1e16), "Dc": (1e10, 1e16), "aN": (0.01, 1), "aD": (0.01, 1)})


def test_bounds_transform_round_trip():
    law = CustomLaw(lambda x, a, b, c, d: a + b + c + d + 0 * x, ("x",),
                    {"a": (0, 1), "b": (2, np.inf), "c": (-np.inf, 3), "d": (-np.inf, np.inf)})
    params = {"a": 0.25, "b": 7.0, "c": -4.0, "d": 1.5}
    back = law.natural(law.theta(params))
    assert {k: float(v) for k, v in back.items()} == pytest.approx(params)


def test_custom_law_matches_the_built_in_chinchilla_fit():
    def chin(N, D, A, B, E, alpha, beta):
        return E + A / N**alpha + B / D**beta

    custom = CustomLaw(chin, ("N", "D"), {"A": (0, np.inf), "B": (0, np.inf), "E": (0, np.inf),
                                          "alpha": (0, 2), "beta": (0, 2)})
    truth = {"A": 400.0, "B": 1800.0, "E": 1.8, "alpha": 0.34, "beta": 0.37}
    rng = np.random.default_rng(0)
    N, D = np.exp(rng.uniform(18, 23, 80)), np.exp(rng.uniform(21, 26, 80))
    runs = pd.DataFrame({"N": N, "D": D, "loss": chinchilla(truth, N=N, D=D) * np.exp(rng.normal(0, 0.01, 80))})
    starts = {"A": [100.0, 1000.0], "B": [100.0, 1000.0], "E": [1.0, 2.0], "alpha": [0.3], "beta": [0.3]}
    ours = fit_scaling_law(runs, custom, loss="squared", starts=starts)
    built_in = fit_scaling_law(runs, chinchilla, loss="squared")
    assert ours.n_starts == 8
    assert ours.objective == pytest.approx(built_in.objective, rel=1e-6)
    for name in truth:
        assert ours.params[name] == pytest.approx(built_in.params[name], rel=1e-3)


def test_built_in_kaplan_joint_law_is_eq_1_5():
    from analysis.scaling import kaplan_joint

    p = {"N_c": 8.8e13, "D_c": 5.4e13, "alpha_N": 0.076, "alpha_D": 0.095}
    N, D = np.array([1e8, 1e9]), np.array([1e10, 3e9])
    np.testing.assert_allclose(kaplan_joint(p, N=N, D=D), ((8.8e13 / N) ** (0.076 / 0.095) + 5.4e13 / D) ** 0.095)


def test_kaplan_joint_law_recovers_its_parameters():
    truth = {"Nc": 8.8e13, "Dc": 5.4e13, "aN": 0.076, "aD": 0.095}  # Kaplan et al. (2020), Table 2
    rng = np.random.default_rng(1)
    N, D = np.exp(rng.uniform(np.log(1e6), np.log(1e9), 60)), np.exp(rng.uniform(np.log(2e7), np.log(2e10), 60))
    runs = pd.DataFrame({"N": N, "D": D, "loss": KAPLAN(truth, N=N, D=D)})
    fit = fit_scaling_law(runs, KAPLAN, loss="squared", starts={"Nc": [1e13, 1e15], "Dc": [1e13, 1e15],
                                                               "aN": [0.05, 0.1], "aD": [0.05, 0.1]})
    assert fit.objective < 1e-12
    assert fit.params["aN"] == pytest.approx(0.076, rel=1e-3) and fit.params["aD"] == pytest.approx(0.095, rel=1e-3)


def test_broken_power_law_formula_and_fit():
    law = broken_power_law(2)
    p = {"a": 0.1, "b": 2.0, "c0": 0.1, "c1": 0.3, "d1": 1e3, "f1": 0.5, "c2": -0.2, "d2": 1e5, "f2": 1.0}
    x = np.array([10.0, 1e4, 1e6])
    expected = 0.1 + 2 * x**-0.1 * (1 + (x / 1e3) ** 2) ** (-0.15) * (1 + x / 1e5) ** 0.2
    np.testing.assert_allclose(law(p, x=x), expected, rtol=1e-12)
    one = broken_power_law(1)
    truth = {"a": 0.5, "b": 20.0, "c0": 0.2, "c1": 0.4, "d1": 1e5, "f1": 0.5}
    xs = np.geomspace(1e3, 1e7, 50)
    runs = pd.DataFrame({"x": xs, "loss": one(truth, x=xs)})
    starts = grid_search(runs, one, {"a": [0.3, 0.6], "b": [10.0, 30.0], "c0": [0.1, 0.3], "c1": [0.2, 0.6],
                                     "d1": [3e4, 3e5], "f1": [0.3, 1.0]}, x="x", loss="squared")
    fit = fit_scaling_law(runs, one, x="x", loss="squared", starts=starts.head(8))
    assert fit.n_starts == 8
    assert fit.objective < 1e-10
    assert fit.params["d1"] == pytest.approx(1e5, rel=1e-3)


def test_grid_search_matches_brute_force():
    law = broken_power_law(1)
    x = np.geomspace(1e3, 1e6, 30)
    y = law({"a": 0.5, "b": 20.0, "c0": 0.2, "c1": 0.4, "d1": 1e5, "f1": 0.5}, x=x)
    runs = pd.DataFrame({"x": x, "loss": y})
    ranges = [(0.2, 0.8, 0.2), (10.0, 30.0, 5.0), (0.1, 0.3, 0.05), (0.2, 0.6, 0.1), (5e4, 2e5, 5e4), (0.3, 0.7, 0.2)]
    grid = dict(zip(["a", "b", "c0", "c1", "d1", "f1"], (np.arange(*r) for r in ranges)))
    table = grid_search(runs, law, grid, x="x", loss="squared")

    def objective(p):
        a, b, c0, c1, d1, f1 = p
        return 0.5 * np.sum((np.log(a + b * x**-c0 * (1 + (x / d1) ** (1 / f1)) ** (-c1 * f1)) - np.log(y)) ** 2)

    best, value, *_ = optimize.brute(objective, [slice(*r) for r in ranges], finish=None, full_output=True)
    assert len(table) == np.prod([len(v) for v in grid.values()])
    assert table["objective"].iloc[0] == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(table.iloc[0][["a", "b", "c0", "c1", "d1", "f1"]].to_numpy(float), best, rtol=1e-12)


def test_custom_law_input_errors():
    with pytest.raises(AnalysisInputError, match="bounds for exactly the parameters"):
        CustomLaw(kaplan, ("N", "D"), {"Nc": (1, 2), "Dc": (1, 2), "aN": (0, 1)})
    with pytest.raises(AnalysisInputError, match="low < high"):
        CustomLaw(kaplan, ("N", "D"), {"Nc": (2, 1), "Dc": (1, 2), "aN": (0, 1), "aD": (0, 1)})
    with pytest.raises(AnalysisInputError, match="none for"):
        fit_scaling_law(pd.DataFrame({"N": [1.0] * 9, "D": [1.0] * 9, "loss": [1.0] * 9}), KAPLAN, starts={"Nc": [1]})


@pytest.mark.parametrize("loss", ["huber", "asymmetric", "absolute"])
def test_grid_search_product_path_equals_each_point(loss):
    """Every grid point against the objective summed directly; a point outside the bounds scores inf."""
    law = broken_power_law(1)
    rng = np.random.default_rng(0)
    x = np.geomspace(1e3, 1e6, 25)
    y = law({"a": 0.5, "b": 20.0, "c0": 0.2, "c1": 0.4, "d1": 1e5, "f1": 0.5}, x=x) * np.exp(rng.normal(0, 0.01, 25))
    runs = pd.DataFrame({"x": x, "loss": y})
    grid = {"a": [0.3, 0.5], "b": [10.0, 20.0, 30.0], "c0": [0.2], "c1": [0.2, 0.5], "d1": [5e4, 1e5],
            "f1": [-0.5, 0.5]}
    table = grid_search(runs, law, grid, x="x", loss=loss, delta=0.01, quantile=0.2)
    assert len(table) == 48 and np.isinf(table.loc[table["f1"] < 0, "objective"]).all()
    for _, row in table[table["f1"] > 0].iterrows():
        r = np.log(law(row.drop("objective").to_dict(), x=x)) - np.log(y)
        if loss == "huber":
            expected = np.where(np.abs(r) <= 0.01, 0.5 * r**2, 0.01 * (np.abs(r) - 0.005)).sum()
        else:
            weight = 1.0 if loss == "absolute" else np.where(r > 0, 0.8, 0.2)
            expected = np.sum(weight * np.abs(r))
        assert row["objective"] == pytest.approx(expected, rel=1e-12)
