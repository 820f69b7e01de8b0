from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.io import read_results
from analysis.ranking import (
    aggregate,
    checkpoint_consistency,
    kendall_tau,
    missing_data_stability,
    model_consistency,
    system_subsampling,
)
from analysis.scaling import pass_rate_table


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    skill = np.linspace(0, 2, 8)
    values = skill[:, None] + rng.normal(0, 1.0, (8, 60))
    return pd.DataFrame(values, index=[f"s{i}" for i in range(8)])


@pytest.mark.parametrize("method", ["borda", "mean", "bradley_terry", "plackett_luce"])
def test_missing_data_stability_decays_and_matches_a_manual_draw(table, method):
    result = missing_data_stability(table, [0.0, 0.5, 0.95], method=method, n_draws=6, rng=1)
    curve = result.to_frame()
    assert curve["median"].iloc[0] == pytest.approx(1.0)
    assert 0.5 < curve["median"].iloc[1] <= 1.0
    # at 95% missing most samples hold one system: fewer systems can be ranked, never silently all
    assert (result.taus.n_ranked <= 8).all()
    sparse = result.taus[result.taus.fraction_missing == 0.95]
    assert sparse.n_ranked.mean() < 8 or sparse.tau.median() < curve["median"].iloc[1]


def test_missing_data_draw_by_hand(table):
    result = missing_data_stability(table, [0.5], method="borda", n_draws=1, rng=5)
    rng = np.random.default_rng(5)
    full = aggregate(table, "borda").scores.loc[table.index].to_numpy()
    cells = np.argwhere(table.notna().to_numpy())
    drop = cells[rng.choice(len(cells), len(cells) // 2, replace=False)]
    values = table.to_numpy(copy=True)
    values[drop[:, 0], drop[:, 1]] = np.nan
    sparse = pd.DataFrame(values, index=table.index)
    sub = aggregate(sparse, "borda", missing="ignore").scores.loc[table.index].to_numpy()
    assert result.taus.tau.item() == pytest.approx(kendall_tau(full, sub))


def test_mean_is_independent_of_irrelevant_systems_and_zscore_borda_are_not(table):
    np.testing.assert_allclose(system_subsampling(table, [3, 5], method="mean", n_draws=20, rng=0).taus.tau, 1.0)
    taus = system_subsampling(table, [3], method="copeland", n_draws=20, rng=0).taus.tau
    assert taus.min() <= 1.0


def test_checkpoint_and_model_consistency():
    steps = pd.DataFrame({"rising": [0.1, 0.2, 0.3, 0.5], "noisy": [0.3, 0.1, 0.4, 0.2], "falling": [4, 3, 2, 1]})
    taus = checkpoint_consistency(steps)
    assert taus["rising"] == 1.0 and taus["falling"] == -1.0
    assert taus["noisy"] == pytest.approx(kendall_tau(np.arange(4.0), steps["noisy"].to_numpy()))
    base = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 2, 1]}, index=list("xyz"))
    tuned = pd.DataFrame({"a": [1.5, 2.5, 3.5], "b": [1.0, 2, 3]}, index=list("xyz"))
    np.testing.assert_allclose(model_consistency(base, tuned), [1.0, -1.0])
    with pytest.raises(AnalysisInputError, match="same models"):
        model_consistency(base, tuned.iloc[:2])


def test_onebench_protocol_on_a_tidy_sample_level_table():
    samples = read_results(Path(__file__).parents[2] / "data" / "examples" / "lm_eval", format="lm-eval")
    table = pass_rate_table(samples)  # models x (task, item)
    manual = samples.pivot_table(index="model", columns=["task", "item"], values="correct")
    by_names = missing_data_stability(table, (0.5, 0.9), method="plackett_luce", n_draws=4, rng=2)
    direct = missing_data_stability(manual, (0.5, 0.9), method="plackett_luce", n_draws=4, rng=2)
    pd.testing.assert_frame_equal(by_names.to_frame(), direct.to_frame())
    assert by_names.to_frame()["median"].is_monotonic_decreasing  # fewer measurements, less agreement
