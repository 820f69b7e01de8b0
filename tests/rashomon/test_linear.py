import numpy as np
import pytest
from scipy import optimize

from analysis import AnalysisInputError
from analysis.rashomon import LinearRashomonSet


@pytest.fixture
def regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ [2.0, -1.0, 0.5] + 1.0 + rng.normal(0, 0.5, 200)
    return X, y


def test_optimum_and_conventions(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    ols = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0]
    np.testing.assert_allclose(rs.coef_, ols[:3], rtol=1e-10)
    assert rs.intercept_ == pytest.approx(ols[3], rel=1e-10)
    no_intercept = LinearRashomonSet(0.1, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(no_intercept.coef_, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
    assert no_intercept.intercept_ == 0.0 and no_intercept.sample(5, rng=0).shape == (5, 3)
    assert rs.threshold_ == pytest.approx(0.1 * rs.optimum_)
    assert LinearRashomonSet(0.02, epsilon_type="absolute").fit(X, y).threshold_ == 0.02
    assert "optimum x (1 + 0.1)" in rs.coefficient_ranges().summary()


def test_coefficient_range_is_the_extreme_of_a_constrained_problem(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    ranges = rs.coefficient_ranges().to_frame()
    bound = rs.optimum_ + rs.threshold_
    for j, name in ((1, "x1"), (3, "intercept")):  # maximise w_j subject to MSE <= bound, numerically
        res = optimize.minimize(lambda b, j=j: -b[j], ranges["optimum"].to_numpy(), method="SLSQP",
                                constraints=[{"type": "ineq", "fun": lambda b: bound - rs.objective(b)[0]}])
        assert -res.fun == pytest.approx(ranges.loc[name, "high"], rel=1e-5)


def test_uniform_samples_fill_the_ellipsoid(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    samples = rs.sample(20000, rng=0)
    excess = rs.objective(samples) - rs.optimum_
    assert (excess <= rs.threshold_ * (1 + 1e-9)).all()
    # uniform in a d-ball: the share within half the (scaled) radius is 0.5^d
    share = np.mean(excess <= rs.threshold_ / 4)
    assert share == pytest.approx(0.5**4, abs=0.01)
    ranges = rs.coefficient_ranges().to_frame()
    assert (samples.max(axis=0) <= ranges["high"] + 1e-12).all()
    assert (samples.min(axis=0) >= ranges["low"] - 1e-12).all()
    assert np.array_equal(samples, rs.sample(20000, rng=0))


def test_prediction_ranges_match_samples(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    pr = rs.prediction_range(X[:5])
    samples = rs.sample(50000, rng=1)
    predictions = samples[:, :3] @ X[:5].T + samples[:, 3:]
    assert (predictions.max(axis=0) <= pr["high"] + 1e-9).all()
    assert predictions.max(axis=0) == pytest.approx(pr["high"].to_numpy(), abs=0.05 * (pr["high"] - pr["low"]).max())


def test_unbounded_set_reports_infinite_ranges():
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    X = np.column_stack([x, 2 * x])  # dependent columns
    y = 1 + x + rng.normal(0, 0.1, 50)
    rs = LinearRashomonSet(0.1).fit(X, y)
    ranges = rs.coefficient_ranges().to_frame()
    assert not rs.bounded_ and np.isinf(ranges.loc["x1", "high"]) and np.isfinite(ranges.loc["intercept", "high"])
    # predictions stay finite: they do not move along the null direction (2, -1, 0)
    assert np.isfinite(rs.prediction_range(X[:3])[["low", "high"]].to_numpy()).all()
    with pytest.raises(AnalysisInputError, match="unbounded"):
        rs.sample(10)
    ridge = LinearRashomonSet(0.1, l2_penalty=0.02).fit(X, y)
    assert ridge.bounded_ and np.isfinite(ridge.coefficient_ranges().to_frame()["high"]).all()
    # the penalty is l2_penalty / 2 |b|^2, the intercept unpenalised: scikit-learn's Ridge(alpha = n l2_penalty / 2)
    from sklearn.linear_model import Ridge

    ref = Ridge(alpha=len(y) * 0.02 / 2).fit(X, y)
    np.testing.assert_allclose(ridge.coef_, ref.coef_, rtol=1e-8)
    assert ridge.intercept_ == pytest.approx(ref.intercept_, rel=1e-8)


def test_rashomon_ratio_exact_and_sampled_agree(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    ranges = rs.coefficient_ranges().to_frame()
    low, high = ranges["low"].to_numpy() - 0.05, ranges["high"].to_numpy() + 0.05  # box around the set
    exact = rs.rashomon_ratio(low, high)
    assert exact.exact and exact.standard_error == 0
    # the share of uniform draws from the box that lie in the set, by hand
    draws = np.random.default_rng(0).uniform(low, high, size=(400_000, 4))
    share = np.mean(rs.objective(draws) - rs.optimum_ <= rs.threshold_)
    assert exact.ratio == pytest.approx(share, rel=0.03)
    weights = ranges["optimum"].to_numpy()
    cut = rs.rashomon_ratio(weights - 0.01, weights + 0.01, n_samples=1000, rng=0)
    assert not cut.exact and cut.ratio == 1.0  # a box inside the set
    assert "hypothesis space: box" in cut.summary()


def test_linear_and_logistic_sets_share_one_ranges_result_that_draws_itself(regression):
    import matplotlib.pyplot as plt

    from analysis.rashomon import LogisticRashomonSet, RashomonRanges

    X, y = regression
    linear = LinearRashomonSet(0.1).fit(X, y).coefficient_ranges(["a", "b", "c"])
    logistic = LogisticRashomonSet(0.05).fit(X, (y > np.median(y)).astype(int)).coefficient_ranges()
    assert isinstance(linear, RashomonRanges) and isinstance(logistic, RashomonRanges)
    assert list(linear.to_frame().columns) == list(logistic.to_frame().columns) == ["optimum", "low", "high"]
    assert list(logistic.to_frame().index) == ["x0", "x1", "x2", "intercept"]
    assert list(linear.to_frame().index) == ["a", "b", "c", "intercept"]
    fig, ax = plt.subplots()
    linear.plot(ax=ax, offset=0.2, label="eps 10%")
    (bars,) = ax.containers
    t = linear.to_frame()
    np.testing.assert_allclose(np.asarray(bars.lines[0].get_xdata(), float), np.arange(4) + 0.2)
    np.testing.assert_allclose(np.asarray(bars.lines[0].get_ydata(), float), t["optimum"])
    segments = bars.lines[2][0].get_segments()
    np.testing.assert_allclose([s[:, 1] for s in segments], t[["low", "high"]].to_numpy())
    assert [label.get_text() for label in ax.get_xticklabels()] == ["a", "b", "c", "intercept"]
    plt.close(fig)

