import numpy as np
import pytest

from analysis import AnalysisInputError
from analysis.scaling import chinchilla, get_law, power_law, saturating_power_law

PARAMS = {"A": 406.4, "B": 410.7, "E": 1.69, "alpha": 0.34, "beta": 0.28}


def test_chinchilla_matches_its_formula():
    N, D = np.array([1e8, 7e10]), np.array([2e9, 1.4e12])
    expected = 1.69 + 406.4 / N**0.34 + 410.7 / D**0.28
    np.testing.assert_allclose(chinchilla(PARAMS, N=N, D=D), expected, rtol=1e-13)


def test_theta_round_trip_and_names():
    theta = chinchilla.theta(PARAMS)
    assert chinchilla.theta_names == ("log A", "log B", "log E", "alpha", "beta")
    back = chinchilla.natural(theta)
    assert {k: pytest.approx(v) for k, v in PARAMS.items()} == {k: float(v) for k, v in back.items()}


def test_vector_jacobian_product_matches_finite_differences():
    rng = np.random.default_rng(0)
    log_x = np.log(np.column_stack([rng.uniform(1e7, 1e10, 30), rng.uniform(1e9, 1e12, 30)]))
    theta = np.array([[6.0, 6.0, 0.5, 0.34, 0.28], [1.0, 9.0, -0.5, 0.1, 0.6]])
    u = rng.normal(size=(2, 30))
    _, vjp = chinchilla.log_predict_vjp(theta, log_x)
    eps = 1e-6
    numeric = np.zeros_like(theta)
    for j in range(theta.shape[1]):
        step = np.zeros_like(theta)
        step[:, j] = eps
        diff = chinchilla.log_predict(theta + step, log_x) - chinchilla.log_predict(theta - step, log_x)
        numeric[:, j] = np.sum(u * diff, axis=1) / (2 * eps)
    np.testing.assert_allclose(vjp(u), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("law", [chinchilla, power_law, saturating_power_law])
def test_row_wise_prediction_is_the_diagonal_and_its_gradient_the_vjp_of_one_point(law):
    rng = np.random.default_rng(1)
    k = 7
    log_x = np.log(rng.uniform(1e7, 1e12, (k, len(law.inputs))))
    p = len(law.param_names)
    theta = rng.normal(size=(k, p)) * 0.3 + np.r_[np.full(p - law.n_terms, 3.0), np.full(law.n_terms, 0.3)]
    value, grad = law.log_predict_rows(theta, log_x)
    np.testing.assert_allclose(value, np.diagonal(law.log_predict(theta, log_x)), rtol=1e-14)
    for row in range(k):
        _, vjp = law.log_predict_vjp(theta[row][None], log_x[row][None])
        np.testing.assert_allclose(grad[row], vjp(np.ones((1, 1)))[0], rtol=1e-13, atol=1e-15)


def test_log_space_evaluation_survives_extreme_parameters():
    out = chinchilla.log_predict(np.array([[25.0, 25.0, 1.0, 0.0, 0.0]]), np.log([[1e9, 1e12]]))
    assert np.isfinite(out).all() and out[0, 0] == pytest.approx(np.log(2 * np.exp(25) + np.e))


def test_hoffmann_start_grid():
    grid = chinchilla.start_grid()
    assert grid.shape == (4500, 5)
    assert sorted(set(grid[:, 0])) == [0, 5, 10, 15, 20, 25]
    assert sorted(set(grid[:, 2])) == [-1, -0.5, 0, 0.5, 1]
    assert sorted(set(grid[:, 3])) == [0, 0.5, 1, 1.5, 2]
    assert saturating_power_law.start_grid().shape == (6 * 5 * 5, 3)
    assert power_law.start_grid().shape == (30, 2)


def test_single_input_laws():
    x = np.array([1e18, 1e21])
    np.testing.assert_allclose(saturating_power_law({"A": 50.0, "E": 1.7, "alpha": 0.05}, x=x), 1.7 + 50 * x**-0.05)
    np.testing.assert_allclose(power_law({"A": 50.0, "alpha": 0.05}, x=x), 50 * x**-0.05)


def test_unknown_law():
    with pytest.raises(AnalysisInputError, match="one of 'chinchilla'"):
        get_law("kaplan_typo")
