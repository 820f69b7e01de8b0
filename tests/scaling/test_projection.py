import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError, LeastAbsoluteDeviationWarning, datasets
from analysis.scaling import broken_power_law, chinchilla, fit_scaling_law, saturating_power_law
from analysis.scaling.objectives import Objective
from analysis.scaling.projection import solve_coefficients


@pytest.fixture(scope="module")
def epoch_runs():
    runs = datasets.load_chinchilla()
    return runs[runs["loss"] < np.sort(runs["loss"])[-5]]


@pytest.mark.parametrize("loss", ["huber", "squared"])
def test_projection_reaches_the_optimum_of_all_4500_starts(epoch_runs, loss):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LeastAbsoluteDeviationWarning)
        joint = fit_scaling_law(epoch_runs, loss=loss)
        projected = fit_scaling_law(epoch_runs, loss=loss, method="projection")
    assert projected.n_starts == 25 and joint.n_starts == 4500  # the grid's distinct (alpha, beta) pairs
    assert projected.objective <= joint.objective + 1e-12 * abs(joint.objective)
    for name, value in joint.params.items():
        assert projected.params[name] == pytest.approx(value, rel=1e-5)


def test_coefficients_at_the_true_exponents_are_the_true_ones():
    """Noise-free losses: at the generating exponents the coefficients solve exactly."""
    rng = np.random.default_rng(0)
    n, d = np.exp(rng.uniform(np.log(1e7), np.log(1e10), 60)), np.exp(rng.uniform(np.log(1e9), np.log(1e12), 60))
    truth = {"A": 406.4, "B": 410.7, "E": 1.69, "alpha": 0.34, "beta": 0.28}
    loss = chinchilla(truth, N=n, D=d)
    objective = Objective(chinchilla, np.log(np.column_stack([n, d])), np.log(loss), "huber", 1e-3, 0.1)
    theta = solve_coefficients(objective, [[0.34, 0.28], [0.5, 0.5]])
    np.testing.assert_allclose(np.exp(theta[0, :3]), [truth["A"], truth["B"], truth["E"]], rtol=1e-9)
    assert objective.values(theta[:1])[0] < 1e-20
    assert objective.values(theta[1:])[0] > 1e-4  # wrong exponents: no coefficients fit
    np.testing.assert_array_equal(theta[:, 3:], [[0.34, 0.28], [0.5, 0.5]])


def test_coefficients_are_optimal_for_each_exponent_row():
    """Against an independent minimisation over the coefficients alone (Nelder-Mead from a shifted point)."""
    from scipy import optimize

    rng = np.random.default_rng(1)
    x = np.geomspace(1e6, 1e10, 40)
    y = (1.7 + 400 * x**-0.3) * np.exp(rng.normal(0, 0.02, x.size))
    objective = Objective(saturating_power_law, np.log(x)[:, None], np.log(y), "huber", 1e-2, 0.1)
    theta = solve_coefficients(objective, [[0.25], [0.3], [0.4]])
    for row in theta:
        best = optimize.minimize(lambda c, row=row: objective.values(np.r_[c, row[2:]][None])[0], row[:2] + 0.3,
                                 method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20_000})
        assert objective.values(row[None])[0] <= best.fun + 1e-10


def test_projection_input_errors(epoch_runs):
    with pytest.raises(AnalysisInputError, match="method"):
        fit_scaling_law(epoch_runs, method="grid")
    runs = pd.DataFrame({"x": np.geomspace(1e3, 1e6, 30), "loss": np.linspace(3, 2, 30)})
    with pytest.raises(AnalysisInputError, match="ScalingLaw"):
        fit_scaling_law(runs, broken_power_law(1), x="x", method="projection")
