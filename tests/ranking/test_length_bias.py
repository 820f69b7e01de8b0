"""Length-controlled and length-margin win rates: against statsmodels' logistic GLM, closed forms and AlpacaEval."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import special

from analysis import AnalysisInputError, FitError
from analysis.io import read_results
from analysis.ranking import length_controlled_win_rate, length_margin_win_rate

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "alpaca_eval"


@pytest.fixture(scope="module")
def judged():
    return read_results(EXAMPLE, format="alpaca-eval")  # written by alpaca_eval 0.6.6, a simulated judge


def test_length_control_equals_a_binomial_glm_at_equal_length(judged):
    d = (judged["length"] - judged["baseline_length"]).to_numpy(float)
    dummies = pd.get_dummies(judged["model"], dtype=float)
    x = np.column_stack([dummies.to_numpy(), np.tanh(d / d.std(ddof=1))])
    glm = sm.GLM(judged["score"].to_numpy(), x, family=sm.families.Binomial()).fit(tol=1e-13)
    table = length_controlled_win_rate(judged)  # one length coefficient for the judge
    expected = pd.Series(100 * special.expit(glm.params[:-1]), index=dummies.columns)
    np.testing.assert_allclose(table["length_controlled_win_rate"], expected.loc[table.index], atol=1e-8)
    np.testing.assert_allclose(table["length_coefficient"], glm.params[-1], atol=1e-8)
    np.testing.assert_allclose(table["win_rate"], 100 * judged.groupby("model")["score"].mean().loc[table.index],
                               atol=1e-12)
    # the simulated judge prefers longer answers: the verbose model loses most, the concise one gains most
    assert table["length_coefficient"].iloc[0] > 0
    change = table["length_controlled_win_rate"] - table["win_rate"]
    assert change.idxmin() == "sim-verbose" and change.idxmax() == "sim-concise"
    per_model = length_controlled_win_rate(judged[judged["model"] != "sim-verbose"], slope="per-model")
    for name, rows in judged[judged["model"] != "sim-verbose"].groupby("model"):  # AlpacaEval's minimal model
        d = (rows["length"] - rows["baseline_length"]).to_numpy(float)
        fit = sm.GLM(rows["score"].to_numpy(), sm.add_constant(np.tanh(d / d.std(ddof=1))),
                     family=sm.families.Binomial()).fit(tol=1e-13)
        assert per_model.loc[name, "length_controlled_win_rate"] == pytest.approx(100 * special.expit(fit.params[0]),
                                                                                  abs=1e-8)
    ratio = length_controlled_win_rate(judged, feature="log-ratio")  # the simulated judge's own form
    x = np.column_stack([dummies.to_numpy(), np.log(judged["length"] / judged["baseline_length"])])
    glm = sm.GLM(judged["score"].to_numpy(), x, family=sm.families.Binomial()).fit(tol=1e-13)
    assert ratio["length_coefficient"].iloc[0] == pytest.approx(glm.params[-1], abs=1e-8)
    y, mu = judged["score"].to_numpy(), glm.fittedvalues
    assert ratio["log_likelihood"].sum() == pytest.approx(np.sum(y * np.log(mu) + (1 - y) * np.log(1 - mu)), abs=1e-6)
    assert ratio["log_likelihood"].sum() > table["log_likelihood"].sum()  # it describes this judge better
    with pytest.raises(FitError, match="slope='shared'"):  # its answers are always 300+ characters longer
        length_controlled_win_rate(judged, slope="per-model")


def test_length_control_recovers_an_even_match_that_length_alone_decides():
    rng = np.random.default_rng(0)
    n = 40_000
    d = rng.normal(300, 400, n)  # the model answers longer, the judge likes length, the answers are equally good
    p = special.expit(1.2 * np.tanh(d / d.std(ddof=1)))
    annotations = pd.DataFrame({"model": "m", "score": (rng.uniform(size=n) < p).astype(float),
                                "length": 3000 + d, "baseline_length": 3000.0})
    table = length_controlled_win_rate(annotations)
    assert table.loc["m", "win_rate"] > 58
    assert table.loc["m", "length_controlled_win_rate"] == pytest.approx(50, abs=1.5)
    equal = annotations.assign(length=3000.0)  # no length difference: the raw rate stays
    assert length_controlled_win_rate(equal).loc["m", "length_controlled_win_rate"] == pytest.approx(
        100 * annotations["score"].mean())


def test_the_length_margin_turns_wins_of_the_much_longer_answer_into_draws():
    annotations = pd.DataFrame({"model": ["m"] * 5, "score": [1.0, 1.0, 0.0, 0.0, 0.5],
                                "length": [900, 300, 300, 300, 900], "baseline_length": [300, 300, 900, 400, 300]})
    # a win by 600 more characters: a draw at margin 500; a baseline win by 600 more: a draw; the others stay
    rate = {margin: length_margin_win_rate(annotations, margin=margin).loc["m"] for margin in (0, 500, 1000)}
    assert rate[500] == pytest.approx(100 * (0.5 + 1 + 0.5 + 0 + 0.5) / 5)
    assert rate[1000] == pytest.approx(100 * 2.5 / 5)  # the raw rate
    assert rate[0] == pytest.approx(100 * (0.5 + 1 + 0.5 + 0.5 + 0.5) / 5)


def test_bad_annotations_are_refused(judged):
    with pytest.raises(AnalysisInputError, match="score"):
        length_controlled_win_rate(judged.assign(score=judged["score"] * 2))
    with pytest.raises(AnalysisInputError, match="no column"):
        length_margin_win_rate(judged.drop(columns="length"))
    with pytest.raises(AnalysisInputError, match="margin"):
        length_margin_win_rate(judged, margin=-1)
    with pytest.raises(AnalysisInputError, match="at least one row"):
        length_controlled_win_rate(judged.iloc[:0])
