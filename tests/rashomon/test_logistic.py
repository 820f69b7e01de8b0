import numpy as np
import pytest
from scipy import optimize
from sklearn.linear_model import LogisticRegression

from analysis import AnalysisInputError
from analysis.rashomon import LogisticRashomonSet


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (rng.random(400) < 1 / (1 + np.exp(-(X @ [1.0, -0.5, 0.2] + 0.3)))).astype(int)
    return X, y


@pytest.mark.parametrize("penalty", [0.0, 0.01])
def test_optimum_matches_scikit_learn(data, penalty):
    X, y = data
    rset = LogisticRashomonSet(0.05, l2_penalty=penalty).fit(X, y)
    ref = LogisticRegression(C=1 / (penalty * len(y)) if penalty else np.inf, l1_ratio=0, tol=1e-12, max_iter=10_000)
    ref.fit(X, y)
    np.testing.assert_allclose(rset.coef_, ref.coef_[0], atol=1e-6)
    assert rset.intercept_ == pytest.approx(ref.intercept_[0], abs=1e-6)
    assert rset.threshold_ == pytest.approx(1.05 * rset.optimum_)


def test_coefficient_ranges_solve_the_constrained_problem(data):
    X, y = data
    rset = LogisticRashomonSet(0.05, l2_penalty=0.01).fit(X, y)
    ranges = rset.coefficient_ranges(["a", "b", "c"]).to_frame()
    constraint = {"type": "ineq", "fun": lambda w: rset.threshold_ - rset.objective(w)[0]}
    for j, name in enumerate(ranges.index):
        for column, sign in (("high", -1.0), ("low", 1.0)):
            res = optimize.minimize(lambda w, j=j, sign=sign: sign * w[j], rset._w, constraints=[constraint],
                                    method="SLSQP", options={"ftol": 1e-13, "maxiter": 500})
            assert ranges.loc[name, column] == pytest.approx(res.x[j], abs=2e-5)
    assert (ranges["low"] < ranges["optimum"]).all() and (ranges["optimum"] < ranges["high"]).all()


def test_logit_range_is_reached_on_the_boundary(data):
    X, y = data
    rset = LogisticRashomonSet(0.02).fit(X, y)
    top = rset._extreme(np.append(X[0], 1.0))
    assert rset.objective(top)[0] == pytest.approx(rset.threshold_, rel=1e-10)
    ranges = rset.logit_range(X[:3])
    assert ranges.low.iloc[0] < ranges.optimum.iloc[0] < ranges.high.iloc[0]
    assert ranges.high.iloc[0] == pytest.approx(np.append(X[0], 1.0) @ top)


@pytest.mark.parametrize("seed", range(5))
def test_boundary_search_converges_without_an_intercept(seed):
    # once refused on 4 of 5 seeds: the inner minimiser's line search could not confirm its last Newton steps,
    # leaving the boundary point 1e-10 off the threshold
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(200, 4))
    y = (rng.random(200) < 1 / (1 + np.exp(-(X @ [1.0, -0.5, 0.2, 0.0] + 0.4)))).astype(int)
    rset = LogisticRashomonSet(0.05, fit_intercept=False).fit(X, y)
    ranges = rset.coefficient_ranges().to_frame()
    for j in range(X.shape[1]):
        top = rset._extreme(np.eye(X.shape[1])[j])
        assert rset.objective(top)[0] == pytest.approx(rset.threshold_, rel=1e-10)
        assert ranges["high"].iloc[j] == pytest.approx(top[j])
    members = rset.sample(200, rng=seed)
    assert (members >= ranges["low"].to_numpy() - 1e-9).all() and (members <= ranges["high"].to_numpy() + 1e-9).all()


def test_samples_are_inside_and_uniform(data):
    X, y = data
    rset = LogisticRashomonSet(0.002, l2_penalty=0.01).fit(X, y)
    samples = rset.sample(1000, rng=1, burn_in=100, thin=3)
    excess = (rset.objective(samples) - rset.optimum_) / (rset.threshold_ - rset.optimum_)
    assert excess.max() <= 1 + 1e-9
    # a tiny set is nearly an ellipsoid: uniform inside means excess^(d/2) ~ U(0, 1), d = 4
    u = np.sort(excess ** 2)
    assert np.abs(u - (np.arange(1, 1001) - 0.5) / 1000).max() < 0.06
    np.testing.assert_array_equal(samples[:64], rset.sample(64, rng=1, burn_in=100, thin=3))


def test_unbounded_and_separable_sets():
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    y = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(int)
    rset = LogisticRashomonSet(0.05).fit(np.column_stack([x, x]), y)  # a duplicated column
    ranges = rset.coefficient_ranges().to_frame()
    assert not rset.bounded_
    assert np.isinf(ranges.loc["x0", "low"]) and np.isinf(ranges.loc["x1", "high"])
    assert np.isfinite(ranges.loc["intercept"]).all()
    with pytest.raises(AnalysisInputError, match="bounded"):
        rset.sample(10)
    with pytest.raises(AnalysisInputError, match="separable"):
        LogisticRashomonSet().fit(x[:, None], (x > 0).astype(int))


def test_mask_boundary_lies_on_the_threshold(data):
    X, y = data
    rset = LogisticRashomonSet(0.05).fit(X, y)
    halo = rset.mask_boundary(0, 1, n_angles=24)
    values = rset.objective(np.stack(halo.weights))
    np.testing.assert_allclose(values, rset.threshold_, rtol=1e-10)
    assert (halo.m_i.max() > 1) and (halo.m_i.min() < 1)


def test_rejection_samples_are_exactly_uniform(data):
    X, y = data
    rset = LogisticRashomonSet(0.002, l2_penalty=0.01).fit(X, y)
    samples = rset.sample(1500, rng=2, method="rejection")
    excess = (rset.objective(samples) - rset.optimum_) / (rset.threshold_ - rset.optimum_)
    assert excess.max() <= 1
    u = np.sort(excess ** 2)  # as for hit-and-run: ~U(0, 1) for a near-ellipsoid in 4 dimensions
    assert np.abs(u - (np.arange(1, 1501) - 0.5) / 1500).max() < 0.05
    with pytest.raises(AnalysisInputError, match="hit_and_run"):
        rset.sample(10, rng=0, method="rejection", max_draws=5)


def test_rashomon_ratio_of_a_small_set_is_its_ellipsoid_volume(data):
    from scipy import special

    X, y = data
    rset = LogisticRashomonSet(0.001, l2_penalty=0.01).fit(X, y)
    ranges = rset.coefficient_ranges().to_frame()
    low, high = ranges["low"].to_numpy(), ranges["high"].to_numpy()
    ratio = rset.rashomon_ratio(low, high, n_samples=200_000, rng=0)
    d, slack = 4, rset.threshold_ - rset.optimum_  # L - L* ~ (w - w*)' H (w - w*) / 2 <= slack
    log_ball = d / 2 * np.log(np.pi) - special.gammaln(d / 2 + 1)
    log_volume = log_ball - 0.5 * np.linalg.slogdet(rset._hess / (2 * slack))[1]
    expected = np.exp(log_volume) / np.prod(high - low)
    assert ratio.ratio == pytest.approx(expected, rel=0.03)
    assert ratio.standard_error < 0.01 and not ratio.exact
