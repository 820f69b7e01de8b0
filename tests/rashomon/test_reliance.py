import numpy as np
import pytest

from analysis.rashomon import LinearRashomonSet, model_class_reliance, model_reliance


def brute_force_switch(b, X, y, j):
    n = len(y)
    errors = []
    for i in range(n):
        for k in range(n):
            if i != k:
                row = X[i].copy()
                row[j] = X[k, j]
                errors.append((y[i] - row @ b) ** 2)
    return np.mean(errors)


def test_closed_form_equals_all_switches():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(25), rng.normal(size=(25, 2))])
    y = X @ [0.5, 1.0, -2.0] + rng.normal(0, 0.3, 25)
    coefs = np.array([[0.5, 1.0, -2.0], [0.4, 1.3, -1.5]])
    diff = model_reliance(coefs, X, y, kind="difference").to_numpy()
    ratio = model_reliance(coefs, X, y).to_numpy()
    for m in range(2):
        e_orig = np.mean((y - X @ coefs[m]) ** 2)
        for j in range(3):
            e_switch = brute_force_switch(coefs[m], X, y, j)
            assert diff[m, j] == pytest.approx(e_switch - e_orig, rel=1e-10)
            assert ratio[m, j] == pytest.approx(e_switch / e_orig, rel=1e-10)
    assert diff[0, 0] == pytest.approx(0.0, abs=1e-12)  # the constant column cannot be switched


def test_model_class_reliance_over_a_rashomon_set():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3))
    X[:, 2] = X[:, 1] + 0.1 * rng.normal(size=300)  # two nearly collinear features share the signal
    y = X @ [1.0, 1.0, 0.0] + 2.0 + rng.normal(0, 0.5, 300)
    rs = LinearRashomonSet(0.05).fit(X, y)
    optimum = np.append(rs.coef_, rs.intercept_)
    members = np.vstack([optimum, rs.sample(5000, rng=0)])
    table = model_class_reliance(members, X, y, feature_names=["a", "b", "c"]).to_frame()
    np.testing.assert_allclose(table["optimum"], model_reliance(optimum, X, y).iloc[0])
    # the intercept is part of the model: the same reliance as with a column of ones and no intercept
    with_ones = model_reliance(optimum, np.column_stack([X, np.ones(300)]), y)
    np.testing.assert_allclose(with_ones.iloc[0, :3], table["optimum"], rtol=1e-12)
    assert (table["low"] <= table["optimum"]).all() and (table["optimum"] <= table["high"]).all()
    # collinear features: the set contains models leaning on either one, so their ranges are wide
    spread = (table["high"] - table["low"]).to_numpy()
    assert spread[1] > 5 * spread[0] and spread[2] > 5 * spread[0]
