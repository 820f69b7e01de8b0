import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError, LeastAbsoluteDeviationWarning, datasets
from analysis.calibration import interval_score
from analysis.scaling import chinchilla, interval_backtest

LEVELS = (0.5, 0.8, 0.95)


@pytest.fixture(scope="module")
def chinchilla_backtest():
    runs = datasets.load_chinchilla()
    kept = runs[runs["loss"] < np.sort(runs["loss"])[-5]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LeastAbsoluteDeviationWarning)
        result = interval_backtest(kept, [1e20, 1e21], levels=LEVELS, n_boot=100, rng=0, progress=False,
                                   method="projection")
    return kept, result


def test_confidence_intervals_equal_the_fits_own(chinchilla_backtest):
    """Against ScalingLawFit.predict_interval at each level, and the calibration theme's interval score."""
    kept, result = chinchilla_backtest
    for cutoff, fit in zip([1e20, 1e21], result.fits):
        held_out = kept[kept["C"] > cutoff]
        for level in LEVELS:
            interval = dataclasses.replace(fit, ci=level).predict_interval(held_out, kind="confidence")
            observed = held_out["loss"].to_numpy()
            inside = (interval["low"].to_numpy() <= observed) & (observed <= interval["high"].to_numpy())
            row = result.coverage.query("cutoff == @cutoff and kind == 'confidence' and level == @level").iloc[0]
            assert row["n_test"] == len(held_out)
            assert row["coverage"] == pytest.approx(inside.mean(), abs=1e-12)
            assert row["mean_width"] == pytest.approx((interval["high"] - interval["low"]).mean(), rel=1e-12)
            assert row["interval_score"] == pytest.approx(
                interval_score(observed, interval["low"], interval["high"], 1 - level), rel=1e-12)


def test_pooled_rows_and_pit(chinchilla_backtest):
    _, result = chinchilla_backtest
    table = result.coverage
    for _, group in table.groupby(["kind", "level"]):
        per_cutoff, pooled = group[group["cutoff"].notna()], group[group["cutoff"].isna()].iloc[0]
        assert pooled["n_test"] == per_cutoff["n_test"].sum()
        assert pooled["coverage"] == pytest.approx(np.average(per_cutoff["coverage"], weights=per_cutoff["n_test"]))
    for _, group in table.groupby(["cutoff", "kind"], dropna=False):
        assert group["coverage"].is_monotonic_increasing and group["mean_width"].is_monotonic_increasing
    for kind in ("confidence", "prediction"):
        assert result.pit[kind].counts.sum() == table["n_test"][table["cutoff"].isna()].iloc[0]
        assert len(result.pit[kind].counts) == 101
    wider = table.pivot_table(index=["cutoff", "level"], columns="kind", values="mean_width")
    assert (wider["prediction"] > wider["confidence"]).all()


def test_prediction_intervals_cover_a_well_specified_law_at_about_their_level():
    """Losses drawn from a Chinchilla law with 2% log-normal scatter: the extrapolation intervals of the
    right law, with the scatter in them, cover near their nominal level."""
    rng = np.random.default_rng(3)
    n = np.exp(rng.uniform(np.log(1e7), np.log(3e10), 800))
    d = 20 * n * np.exp(rng.uniform(-1.5, 1.5, n.size))
    truth = {"A": 406.4, "B": 410.7, "E": 1.69, "alpha": 0.34, "beta": 0.28}
    runs = pd.DataFrame({"N": n, "D": d, "C": 6 * n * d})
    runs["loss"] = chinchilla(truth, N=n, D=d) * np.exp(rng.normal(0, 0.02, n.size))
    result = interval_backtest(runs, [np.quantile(runs["C"], 0.5)], levels=(0.5, 0.8, 0.9), n_boot=200, rng=0,
                               progress=False, loss="squared", method="projection")
    pooled = result.coverage[result.coverage["cutoff"].isna() & (result.coverage["kind"] == "prediction")]
    np.testing.assert_allclose(pooled["coverage"], pooled["level"], atol=0.06)  # 400 runs: binomial sd <= 0.025


def test_bad_input(chinchilla_backtest):
    kept, _ = chinchilla_backtest
    with pytest.raises(AnalysisInputError, match="levels"):
        interval_backtest(kept, [1e20], levels=(0.5, 95), n_boot=10)
    with pytest.raises(AnalysisInputError, match="cutoffs"):
        interval_backtest(kept, [1e30], n_boot=10)
    with pytest.raises(AnalysisInputError, match="n_boot"):
        interval_backtest(kept, [1e20], n_boot=1)


def test_near_optimal_bands_are_the_sets_own_and_widen_with_epsilon():
    """Against near_optimal_set(...).predict_band on the same fit, and nested in epsilon."""
    from analysis.scaling import fit_scaling_law, near_optimal_set

    runs = datasets.load_chinchilla()
    kept = runs[runs["loss"] < np.sort(runs["loss"])[-5]]
    kept = kept[kept["C"] > 3e19]  # fewer runs held out: each band point is an optimisation
    cutoff = np.sort(kept["C"])[-8]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LeastAbsoluteDeviationWarning)
        result = interval_backtest(kept, [cutoff], levels=(0.9,), n_boot=20, epsilons=(0.005, 0.05), rng=0,
                                   progress=False, method="projection")
        fit = fit_scaling_law(kept[kept["C"] <= cutoff], method="projection")
    rows = result.coverage.query("kind == 'near-optimal'")
    assert len(rows) == 4 and rows["level"].isna().all() and rows["interval_score"].isna().all()
    held_out = kept[kept["C"] > cutoff]
    band = near_optimal_set(result.fits[0], 0.05, rng=np.random.default_rng(0)).predict_band(
        N=held_out["N"].to_numpy(), D=held_out["D"].to_numpy())
    observed = held_out["loss"].to_numpy()
    row = rows[rows["cutoff"].notna() & (rows["epsilon"] == 0.05)].iloc[0]
    assert row["n_test"] == len(held_out) == 7
    assert row["coverage"] == pytest.approx(np.mean((band["low"] <= observed) & (observed <= band["high"])))
    assert row["mean_width"] == pytest.approx((band["high"] - band["low"]).mean(), rel=1e-6)
    widths = rows[rows["cutoff"].isna()].set_index("epsilon")["mean_width"]
    assert widths[0.05] > widths[0.005] > 0
    assert fit.params == pytest.approx(result.fits[0].params, rel=1e-9)
    assert result.coverage.query("kind != 'near-optimal'")["epsilon"].isna().all()
