import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from analysis import AnalysisInputError, LeastAbsoluteDeviationWarning, datasets
from analysis.scaling import fit_scaling_law, matching_epsilon, near_optimal_set, plot_near_optimal
from analysis.scaling.objectives import Objective

EXPONENT_SHARE = {"a": lambda p: p["beta"] / (p["alpha"] + p["beta"])}


@pytest.fixture(scope="module")
def fit():
    runs = datasets.load_chinchilla()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LeastAbsoluteDeviationWarning)
        return fit_scaling_law(runs[runs["loss"] < np.sort(runs["loss"])[-5]], method="projection")


@pytest.fixture(scope="module")
def sets(fit):
    return {eps: near_optimal_set(fit, eps, EXPONENT_SHARE, n_members=50, rng=0) for eps in (0.0, 0.01, 0.03)}


def _objective(fit):
    log_x = np.log(np.column_stack([fit.observed_inputs["N"], fit.observed_inputs["D"]]))
    return Objective(fit.law, log_x, np.log(fit.observed), fit.loss, fit.delta, 0.1)


def _profile_high(fit, index, bound):
    """Independent: the largest theta[index] whose profile (minimum over the rest) stays within the bound."""
    objective, best = _objective(fit), fit.law.theta(fit.params)
    free = np.arange(best.size) != index

    def profile(value):
        def fun(rest):
            theta = best.copy()
            theta[free], theta[index] = rest, value
            f, g = objective(theta[None], np.zeros(1, dtype=int))
            return f[0], g[0][free]
        return optimize.minimize(fun, best[free], jac=True, method="BFGS", options={"gtol": 1e-12}).fun

    lo, hi = best[index], best[index] + 0.05
    while profile(hi) <= bound:
        lo, hi = hi, hi + 0.05
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if profile(mid) <= bound else (lo, mid)
    return lo


def test_every_extreme_is_a_member_and_ranges_hold_the_optimum(sets):
    for eps, s in sets.items():
        values = s.objective(s.extremes)
        assert np.all(values <= s.bound * (1 + 1e-12)), eps
        assert s.bound == pytest.approx(s.fit.objective * (1 + eps), rel=1e-15)
        assert (s.ranges["low"] <= s.ranges["at_optimum"] + 1e-12).all()
        assert (s.ranges["at_optimum"] <= s.ranges["high"] + 1e-12).all()
        assert list(s.ranges.index) == ["A", "B", "E", "alpha", "beta", "a"]
        assert s.extremes.loc[("alpha", "high"), "alpha"] == pytest.approx(s.ranges.loc["alpha", "high"], rel=1e-12)


def test_ranges_grow_with_epsilon_and_shrink_to_the_optimum(sets):
    width = {eps: s.ranges["high"] - s.ranges["low"] for eps, s in sets.items()}
    scale = sets[0.03].ranges["at_optimum"].abs()
    assert (width[0.0] <= 1e-5 * scale).all()
    assert (width[0.01] > 1e-3 * scale).all()
    assert (sets[0.03].ranges["low"] <= sets[0.01].ranges["low"] + 1e-9 * scale).all()
    assert (sets[0.03].ranges["high"] >= sets[0.01].ranges["high"] - 1e-9 * scale).all()


def test_ranges_reach_the_ends_of_an_independent_profile_search(fit, sets):
    s = sets[0.01]
    for name, index in (("alpha", 3), ("beta", 4)):
        high = _profile_high(fit, index, s.bound)
        width = s.ranges.loc[name, "high"] - s.ranges.loc[name, "low"]
        assert s.ranges.loc[name, "high"] >= high - 1e-3 * width, name


def test_members_and_the_prediction_band(sets):
    s = sets[0.01]
    members = s.sample(60, rng=1)
    assert np.all(s.objective(members) <= s.bound)
    assert members.equals(s.sample(60, rng=1))
    band = s.predict_band(N=[1e9, 7e10], D=[2e10, 1.4e12])
    assert (band["low"] <= band["loss"]).all() and (band["loss"] <= band["high"]).all()
    law = s.fit.law
    for k, (n, d) in enumerate(zip(band["N"], band["D"])):
        predictions = law.log_predict(law.theta({c: members[c].to_numpy() for c in law.param_names}).T,
                                      np.log([[n, d]]))[:, 0]
        assert np.exp(predictions).min() >= band["low"][k] * (1 - 1e-9)
        assert np.exp(predictions).max() <= band["high"][k] * (1 + 1e-9)


def test_matching_epsilon_interpolates_the_range_widths_in_log_epsilon(sets):
    pair = [sets[0.03], sets[0.01]]  # in any order
    widths = {eps: sets[eps].ranges.loc["alpha", "high"] - sets[eps].ranges.loc["alpha", "low"] for eps in (0.01, 0.03)}
    middle = 0.25 * widths[0.01] + 0.75 * widths[0.03]
    matched = np.array([matching_epsilon(pair, pd.DataFrame({"low": [0.0], "high": [width]}, index=["alpha"]))["alpha"]
                        for width in (widths[0.01], widths[0.03], middle, 1e3)])
    intervals = pd.DataFrame({"low": [0.0], "high": [middle]}, index=["alpha"])
    by_hand = np.exp(0.25 * np.log(0.01) + 0.75 * np.log(0.03))  # the width is linear in between, by construction
    np.testing.assert_allclose(matched[:3], [0.01, 0.03, by_hand], rtol=1e-12)
    assert np.isnan(matched[3])  # wider than any set studied
    with pytest.raises(AnalysisInputError, match="positive epsilons"):
        matching_epsilon([sets[0.0], sets[0.01]], intervals)
    with pytest.raises(AnalysisInputError, match="quantities"):
        matching_epsilon(pair, intervals.rename(index={"alpha": "gamma"}))


def test_bad_input(fit):
    with pytest.raises(AnalysisInputError, match="fit"):
        near_optimal_set({"A": 1.0})
    with pytest.raises(AnalysisInputError, match="epsilon"):
        near_optimal_set(fit, -0.1)
    with pytest.raises(AnalysisInputError, match="quantities"):
        near_optimal_set(fit, 0.01, {"alpha": lambda p: p["alpha"]})
    with pytest.raises(AnalysisInputError, match="quantities"):
        near_optimal_set(fit, 0.01, {"a": 3})


def test_plot_draws_the_ranges_and_the_reference(sets):
    import matplotlib.pyplot as plt

    from analysis import ConfidenceInterval

    fig, ax = plt.subplots()
    chosen = [sets[0.03], sets[0.01]]
    plot_near_optimal(chosen, "alpha", reference=ConfidenceInterval(0.33, 0.36, 0.95), ax=ax)
    line, *dashed = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), [0.01, 0.03])
    np.testing.assert_allclose(line.get_ydata(), [sets[0.01].ranges.loc["alpha", "at_optimum"]] * 2)
    np.testing.assert_allclose([d.get_ydata()[0] for d in dashed], [0.33, 0.36])
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(sets[0.03].ranges.loc["alpha", "low"])
    assert band[:, 1].max() == pytest.approx(sets[0.03].ranges.loc["alpha", "high"])
    with pytest.raises(AnalysisInputError, match="epsilon > 0"):
        plot_near_optimal([sets[0.0]], "alpha", ax=ax)
    with pytest.raises(AnalysisInputError, match="'tokens'"):
        plot_near_optimal(chosen, "tokens", ax=ax)
    plt.close(fig)
