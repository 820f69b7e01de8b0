import numpy as np
import pytest

from analysis import AnalysisInputError, datasets
from analysis.scaling import chinchilla, compute_optimal, extrapolation_check, fit_scaling_law
from analysis.scaling.backtest import CHINCHILLA_COMPUTE
from analysis.scaling.widgets import ExtrapolationExplorer, extrapolation_summary

STARTS = chinchilla.start_grid()[::45]  # 100 starts keep the test quick


@pytest.fixture(scope="module")
def runs():
    return datasets.load_chinchilla()


def test_summary_reports_the_fit_and_its_held_out_error(runs):
    text = extrapolation_summary(runs, 1e21, 1e-2, starts=STARTS)
    train, test = runs[runs["C"] <= 1e21], runs[runs["C"] > 1e21]
    fit = fit_scaling_law(train, loss="huber", delta=1e-2, starts=STARTS)
    mape = 100 * np.mean(np.abs(fit.predict(test) / test["loss"] - 1))
    ratio = compute_optimal(fit, CHINCHILLA_COMPUTE).loc[0, "tokens_per_param"]
    assert text == (
        f"fit on {len(train)} runs: E = {fit.params['E']:.3f}, alpha = {fit.params['alpha']:.3f}, "
        f"beta = {fit.params['beta']:.3f}; {len(test)} held-out runs: MAPE {mape:.2f}%; "
        f"tokens per parameter at 5.9e23 FLOP: {ratio:.1f}"
    )
    check = extrapolation_check(runs, 1e21, delta=1e-2, starts=STARTS)
    assert (check["n_train"], check["n_held_out"]) == (len(train), len(test))
    assert check["mape"] == pytest.approx(mape, rel=1e-12) and check["tokens_per_param"] == pytest.approx(ratio)
    everything = extrapolation_check(runs, runs["C"].max(), delta=1e-2, starts=STARTS)
    assert everything["n_held_out"] == 0 and np.isnan(everything["mape"])


def test_sliders_drive_the_readout(runs):
    explorer = ExtrapolationExplorer(runs, starts=STARTS)
    assert "held-out" not in explorer.readout.value  # every run is fitted at first
    explorer.max_compute.value = 3e20
    explorer.delta.value = 1e-2
    shown = (explorer.max_compute.value, explorer.delta.value)
    assert shown[0] == pytest.approx(3e20, rel=0.07) and shown[1] == pytest.approx(1e-2)
    assert explorer.readout.value == extrapolation_summary(runs, *shown, starts=STARTS)


def test_too_few_runs(runs):
    with pytest.raises(AnalysisInputError, match="at least 10 runs"):
        extrapolation_summary(runs, 1e18, 1e-3, starts=STARTS)
