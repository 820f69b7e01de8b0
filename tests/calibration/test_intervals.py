import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import mean_pinball_loss

from analysis import AnalysisInputError
from analysis.calibration import (
    aggregate_quantiles,
    conformal_quantile,
    cqr_interval,
    interval_coverage,
    interval_score,
    pinball_loss,
    repair_crossing,
    split_conformal_interval,
    weighted_interval_score,
)

LEVELS = np.array([0.05, 0.25, 0.5, 0.75, 0.95])


@pytest.fixture
def forecasts():
    rng = np.random.default_rng(0)
    y = rng.normal(size=400)
    q = stats.norm.ppf(LEVELS)[None, :] * 1.3 + rng.normal(0, 0.3, (400, 1))
    return y, q


def test_pinball_loss_equals_sklearn(forecasts):
    y, q = forecasts
    ours = pinball_loss(y, q, LEVELS)
    for j, tau in enumerate(LEVELS):
        assert ours[j] == pytest.approx(mean_pinball_loss(y, q[:, j], alpha=tau), rel=1e-12)


def test_weighted_interval_score_is_twice_the_mean_pinball_loss(forecasts):
    y, q = forecasts
    assert weighted_interval_score(y, q, LEVELS) == pytest.approx(2 * pinball_loss(y, q, LEVELS).mean(), rel=1e-12)
    # the interval score of one interval, from its definition
    lo, hi = q[:, 0], q[:, -1]
    expected = np.mean(hi - lo + 20 * np.maximum(lo - y, 0) + 20 * np.maximum(y - hi, 0))
    assert interval_score(y, lo, hi, 0.1) == pytest.approx(expected)
    with pytest.raises(AnalysisInputError, match="symmetric levels"):
        weighted_interval_score(y, q[:, :4], LEVELS[:4])


def test_repairs_never_increase_the_score():
    rng = np.random.default_rng(1)
    y = rng.normal(size=300)
    for _ in range(20):
        crossed = stats.norm.ppf(LEVELS)[None, :] + rng.normal(0, 0.8, (300, 5))  # many crossings
        before = weighted_interval_score(y, crossed, LEVELS)
        for method in ("sort", "isotonic"):
            fixed = repair_crossing(crossed, LEVELS, method=method)
            assert np.all(np.diff(fixed, axis=1) >= -1e-12)
            assert weighted_interval_score(y, fixed, LEVELS) <= before + 1e-12


def test_aggregation_weights_solve_the_pinball_problem():
    rng = np.random.default_rng(2)
    y = rng.normal(size=200)
    good = stats.norm.ppf(LEVELS)[None, :] + np.zeros((200, 1))
    biased = good + 1.5
    noisy = good + rng.normal(0, 1.0, (200, 5))
    preds = np.stack([good, biased, noisy])
    w = aggregate_quantiles(y, preds, LEVELS)
    assert w.sum() == pytest.approx(1.0) and (w >= -1e-12).all() and w[0] > 0.5
    combined = np.einsum("k,knm->nm", w, preds)
    best = pinball_loss(y, combined, LEVELS).sum()
    for other in ([1, 0, 0], [0.5, 0.25, 0.25], [0.8, 0.1, 0.1]):  # no other mix does better
        assert best <= pinball_loss(y, np.einsum("k,knm->nm", np.array(other), preds), LEVELS).sum() + 1e-9
    per_level = aggregate_quantiles(y, preds, LEVELS, per_level=True)
    assert per_level.shape == (5, 3) and np.allclose(per_level.sum(axis=1), 1)


def test_conformal_quantile_order_statistic():
    scores = np.arange(1.0, 20.0)  # n = 19
    assert conformal_quantile(scores, 0.1) == 18.0  # ceil(0.9 * 20) = 18th smallest
    assert conformal_quantile(scores, 0.01) == np.inf  # ceil(0.99 * 20) = 20 > 19


def test_split_conformal_and_cqr_cover(forecasts):
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 4, 4000)
    y = x + rng.normal(0, 0.2 + 0.3 * x)  # heteroscedastic
    cal, test = slice(0, 2000), slice(2000, None)
    interval = split_conformal_interval(y[cal], x[cal], x[test], 0.1)
    assert (interval.ci, interval.method) == (pytest.approx(0.9), "split conformal")
    split = interval_coverage(y[test], interval.low, interval.high)
    assert split.coverage == pytest.approx(0.9, abs=0.02) and split.n == 2000
    q_lo, q_hi = x - 0.2 * x, x + 0.2 * x  # too narrow quantile estimates
    interval = cqr_interval(y[cal], q_lo[cal], q_hi[cal], q_lo[test], q_hi[test], 0.1)
    cqr = interval_coverage(y[test], interval.low, interval.high)
    assert cqr.coverage == pytest.approx(0.9, abs=0.02)
    assert cqr.interval.low < cqr.coverage < cqr.interval.high


def test_interval_coverage_counts_closed_intervals_with_an_exact_binomial_interval():
    from scipy import stats

    y = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    lower = np.array([0.0, 0.5, 2.5, -np.inf, 4.0, 5.5, 0.0])
    upper = np.array([1.0, 1.0, 3.0, 3.0, np.inf, 6.0, 6.0])
    result = interval_coverage(y, lower, upper, ci=0.9)
    assert result.coverage == pytest.approx(5 / 7) and result.n == 7 and result.mean_width == np.inf
    beta_low, beta_high = stats.beta.ppf(0.05, 5, 3), stats.beta.ppf(0.95, 6, 2)  # Clopper-Pearson by hand
    assert (result.interval.low, result.interval.high) == (pytest.approx(beta_low), pytest.approx(beta_high))
    row = result.to_frame().iloc[0]
    assert row["coverage_low"] == result.interval.low and row["n"] == 7
    finite = interval_coverage(y, y - 1, y + 2)
    assert (finite.coverage, finite.mean_width, finite.interval.high) == (1.0, 3.0, 1.0)


def test_combined_quantiles_are_the_weighted_sums():
    from analysis.calibration import combine_quantiles

    rng = np.random.default_rng(2)
    preds = rng.normal(size=(3, 6, 4))
    one = np.array([0.2, 0.5, 0.3])
    np.testing.assert_allclose(combine_quantiles(preds, one), sum(w * p for w, p in zip(one, preds)))
    per_level = rng.dirichlet(np.ones(3), size=4)  # (levels, models)
    by_hand = np.column_stack([sum(per_level[j, k] * preds[k, :, j] for k in range(3)) for j in range(4)])
    np.testing.assert_allclose(combine_quantiles(preds, per_level), by_hand)
    with pytest.raises(AnalysisInputError, match="weights"):
        combine_quantiles(preds, np.ones(4) / 4)


def test_plot_intervals_orders_cases_by_the_centre():
    import matplotlib.pyplot as plt

    from analysis.calibration import plot_intervals

    lower, upper = np.array([3.0, 0.0, 1.0]), np.array([5.0, 2.0, 4.0])
    fig, ax = plt.subplots()
    plot_intervals(lower, upper, observed=[4.5, 2.5, 1.0], ax=ax, label="90%", center_label="median")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.0, 2.5, 4.0])  # midpoints, sorted
    np.testing.assert_allclose(ax.collections[1].get_offsets(), [[0, 2.5], [1, 1.0], [2, 4.5]])
    assert ax.get_legend_handles_labels()[1] == ["90%", "median", "observed"]
    with pytest.raises(AnalysisInputError, match="observed"):
        plot_intervals(lower, upper, observed=[1.0], ax=ax)
    plt.close(fig)


def test_cqr_quantiles_conformalise_every_central_interval():
    from analysis.calibration import cqr_quantiles

    rng = np.random.default_rng(5)
    levels = np.arange(1, 8) / 8  # pairs (1/8, 7/8), (2/8, 6/8), (3/8, 5/8), and the median
    y = rng.gamma(2.0, 1.0, 6000)
    members = np.sort(rng.gamma(2.0, 0.6, (6000, 7)) + 0.5, axis=1)  # too narrow and too wet
    cal, test = slice(0, 3000), slice(3000, None)
    out = cqr_quantiles(y[cal], members[cal], members[test], levels, lower_bound=0.0)
    expected = members[test].copy()
    for j, k in ((0, 6), (1, 5), (2, 4)):
        interval = cqr_interval(y[cal], members[cal, j], members[cal, k], members[test, j], members[test, k],
                                alpha=2 * levels[j])
        expected[:, j], expected[:, k] = interval.low, interval.high
    np.testing.assert_allclose(out, np.sort(np.maximum(expected, 0.0), axis=1))
    np.testing.assert_array_equal(out[:, 3], np.maximum(members[test, 3], 0.0))  # the median is kept
    for j, k in ((0, 6), (1, 5), (2, 4)):
        covered = np.mean((out[:, j] <= y[test]) & (y[test] <= out[:, k]))
        assert covered == pytest.approx(1 - 2 * levels[j], abs=0.03)
    with pytest.raises(AnalysisInputError, match="symmetric"):
        cqr_quantiles(y[cal], members[cal, :3], members[test, :3], [0.1, 0.5, 0.8])


def test_knn_quantiles_are_the_quantiles_of_the_nearest_targets():
    from analysis.calibration import knn_quantiles

    rng = np.random.default_rng(3)
    X, y, X_new = rng.normal(size=(200, 3)), rng.normal(size=200), rng.normal(size=(7, 3))
    levels = [0.1, 0.5, 0.9]
    quantiles = knn_quantiles(X, y, X_new, levels, k=15)
    for row, x in zip(quantiles, X_new, strict=True):  # by hand: sort by distance, take the first 15
        nearest = np.argsort(np.linalg.norm(X - x, axis=1))[:15]
        np.testing.assert_allclose(row, np.quantile(y[nearest], levels), atol=1e-12)
    with pytest.raises(AnalysisInputError, match="k"):
        knn_quantiles(X, y, X_new, levels, k=500)
    with pytest.raises(AnalysisInputError, match="X_new"):
        knn_quantiles(X, y, X_new[:, :2], levels)
