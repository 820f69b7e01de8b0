import numpy as np
from scipy import optimize

from analysis.scaling._optimize import minimize_batched


def rosenbrock(x, rows):
    a, b = x[:, 0], x[:, 1]
    f = (1 - a) ** 2 + 100 * (b - a**2) ** 2
    g = np.column_stack([-2 * (1 - a) - 400 * a * (b - a**2), 200 * (b - a**2)])
    return f, g


def test_batched_bfgs_solves_every_problem_like_scipy():
    starts = np.random.default_rng(0).uniform(-2, 2, (50, 2))
    res = minimize_batched(rosenbrock, starts)
    assert res.converged.all()
    np.testing.assert_allclose(res.x, 1.0, atol=1e-6)
    ref = optimize.minimize(lambda x: rosenbrock(x[None], None)[0][0], starts[0], method="BFGS")
    np.testing.assert_allclose(res.x[0], ref.x, atol=1e-5)


def test_problems_keep_their_own_data():
    targets = np.arange(6.0).reshape(3, 2)
    scales = np.array([1.0, 10.0, 1000.0])

    def quadratic(x, rows):
        d = x - targets[rows]
        return scales[rows] * np.sum(d**2, axis=1), 2 * scales[rows, None] * d

    res = minimize_batched(quadratic, np.zeros((3, 2)))
    np.testing.assert_allclose(res.x, targets, atol=1e-8)
    assert (res.n_iter < 20).all()
