import numpy as np
import pytest
from scipy import optimize

from analysis import AnalysisInputError
from analysis.rashomon import LinearRashomonSet


@pytest.fixture
def regression():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(200), rng.normal(size=(200, 3))])
    y = X @ [1.0, 2.0, -1.0, 0.5] + rng.normal(0, 0.5, 200)
    return X, y


def test_optimum_and_conventions(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    np.testing.assert_allclose(rs.coef_, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
    assert rs.threshold_ == pytest.approx(0.1 * rs.optimum_)
    assert LinearRashomonSet(0.02, epsilon_type="absolute").fit(X, y).threshold_ == 0.02
    assert "optimum x (1 + 0.1)" in rs.coefficient_ranges().summary()


def test_coefficient_range_is_the_extreme_of_a_constrained_problem(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    ranges = rs.coefficient_ranges().to_frame()
    bound = rs.optimum_ + rs.threshold_
    for j in (1, 3):  # maximise b_j subject to MSE <= bound, numerically
        res = optimize.minimize(lambda b, j=j: -b[j], rs.coef_, method="SLSQP",
                                constraints=[{"type": "ineq", "fun": lambda b: bound - rs.objective(b, X, y)[0]}])
        assert -res.fun == pytest.approx(ranges.loc[f"x{j}", "high"], rel=1e-5)


def test_uniform_samples_fill_the_ellipsoid(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    samples = rs.sample(20000, rng=0)
    excess = rs.objective(samples, X, y) - rs.optimum_
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
    predictions = rs.sample(50000, rng=1) @ X[:5].T
    assert (predictions.max(axis=0) <= pr["high"] + 1e-9).all()
    assert predictions.max(axis=0) == pytest.approx(pr["high"].to_numpy(), abs=0.05 * (pr["high"] - pr["low"]).max())


def test_unbounded_set_reports_infinite_ranges():
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    X = np.column_stack([np.ones(50), x, 2 * x])  # the last two columns are dependent
    y = 1 + x + rng.normal(0, 0.1, 50)
    rs = LinearRashomonSet(0.1).fit(X, y)
    ranges = rs.coefficient_ranges().to_frame()
    assert not rs.bounded_ and np.isinf(ranges.loc["x1", "high"]) and np.isfinite(ranges.loc["x0", "high"])
    # predictions stay finite: x^T b does not move along the null direction (0, 2, -1)
    assert np.isfinite(rs.prediction_range(X[:3])[["low", "high"]].to_numpy()).all()
    with pytest.raises(AnalysisInputError, match="unbounded"):
        rs.sample(10)
    ridge = LinearRashomonSet(0.1, alpha=0.01).fit(X, y)
    assert ridge.bounded_ and np.isfinite(ridge.coefficient_ranges().to_frame()["high"]).all()


def test_rashomon_ratio_exact_and_sampled_agree(regression):
    X, y = regression
    rs = LinearRashomonSet(0.1).fit(X, y)
    ranges = rs.coefficient_ranges().to_frame()
    low, high = ranges["low"].to_numpy() - 0.05, ranges["high"].to_numpy() + 0.05  # box around the set
    exact = rs.rashomon_ratio(low, high)
    assert exact.exact and exact.standard_error == 0
    # the share of uniform draws from the box that lie in the set, by hand
    draws = np.random.default_rng(0).uniform(low, high, size=(400_000, 4))
    share = np.mean(rs.objective(draws, X, y) - rs.optimum_ <= rs.threshold_)
    assert exact.ratio == pytest.approx(share, rel=0.03)
    cut = rs.rashomon_ratio(rs.coef_ - 0.01, rs.coef_ + 0.01, n_samples=1000, rng=0)
    assert not cut.exact and cut.ratio == 1.0  # a box inside the set
    assert "hypothesis space: box" in cut.summary()


def test_linear_and_logistic_sets_share_one_ranges_result_that_draws_itself(regression):
    import matplotlib.pyplot as plt

    from analysis.rashomon import LogisticRashomonSet, RashomonRanges

    X, y = regression
    linear = LinearRashomonSet(0.1).fit(X, y).coefficient_ranges(["a", "b", "c", "d"])
    logistic = LogisticRashomonSet(0.05).fit(X, (y > np.median(y)).astype(int)).coefficient_ranges()
    assert isinstance(linear, RashomonRanges) and isinstance(logistic, RashomonRanges)
    assert list(linear.to_frame().columns) == list(logistic.to_frame().columns) == ["optimum", "low", "high"]
    assert list(logistic.to_frame().index) == ["x0", "x1", "x2", "x3", "intercept"]
    fig, ax = plt.subplots()
    linear.plot(ax=ax, offset=0.2, label="eps 10%")
    (bars,) = ax.containers
    t = linear.to_frame()
    np.testing.assert_allclose(np.asarray(bars.lines[0].get_xdata(), float), np.arange(4) + 0.2)
    np.testing.assert_allclose(np.asarray(bars.lines[0].get_ydata(), float), t["optimum"])
    segments = bars.lines[2][0].get_segments()
    np.testing.assert_allclose([s[:, 1] for s in segments], t[["low", "high"]].to_numpy())
    assert [label.get_text() for label in ax.get_xticklabels()] == ["a", "b", "c", "d"]
    plt.close(fig)
