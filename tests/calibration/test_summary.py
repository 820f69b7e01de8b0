from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError, bootstrap
from analysis.calibration import by_model, choice_probabilities, ece, ece_ci, metric_ci, smooth_ece, smooth_ece_sigma
from analysis.io import one_per_item, read_results


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(0.5, 1, 900)
    frame = pd.DataFrame({"model": np.repeat(["b", "a", "c"], 300), "task": np.tile(["x", "y"], 450),
                          "confidence": confidence})
    frame["correct"] = rng.uniform(size=900) < confidence ** np.repeat([1.0, 1.5, 3.0], 300)
    return frame


def test_one_row_per_model_equals_the_metrics_one_by_one(table):
    result = by_model(table)
    assert list(result.index) == ["a", "b", "c"] and list(result.columns) == ["n", "accuracy", "ece", "smooth_ece",
                                                                           "brier"]
    for name, group in table.groupby("model"):
        c, p = group["correct"].to_numpy(int), group["confidence"].to_numpy()
        row = result.loc[name]
        assert row["n"] == 300 and row["accuracy"] == pytest.approx(c.mean())
        assert row["ece"] == pytest.approx(ece(c, p, mode="positive"))
        assert row["smooth_ece"] == pytest.approx(smooth_ece(c, p, mode="positive"))
        assert row["brier"] == pytest.approx(np.mean((p - c) ** 2))
    # the worst-calibrated model (confidence^3) has the largest errors
    assert result["ece"].idxmax() == "c" and result["smooth_ece"].idxmax() == "c"
    by_task = by_model(table, model=["model", "task"], n_bins=10)
    assert by_task.index.names == ["model", "task"] and len(by_task) == 6 and (by_task["n"] == 150).all()


def test_intervals_are_the_bootstraps_of_each_metric(table):
    one = table[table["model"] == "a"]
    c, p = one["correct"].to_numpy(int).astype(float), one["confidence"].to_numpy()
    result = by_model(one, n_boot=300, ci=0.9, rng=7).loc["a"]
    rng = np.random.default_rng(7)  # the same generator, used in the same order
    expected_ece = ece_ci(c, p, mode="positive", n_boot=300, ci=0.9, rng=rng).interval
    sigma = smooth_ece_sigma(c, p, mode="positive")
    expected_smooth = metric_ci(smooth_ece, c, p, sigma=sigma, mode="positive", n_boot=300, ci=0.9, rng=rng).interval
    both = bootstrap(lambda cc, pp: np.stack([cc.mean(axis=1), ((pp - cc) ** 2).mean(axis=1)], axis=1), c, p,
                     n_boot=300, ci=0.9, rng=rng).interval
    assert (result["ece_low"], result["ece_high"]) == pytest.approx((expected_ece.low, expected_ece.high))
    assert (result["smooth_ece_low"], result["smooth_ece_high"]) == pytest.approx(
        (expected_smooth.low, expected_smooth.high))
    assert (result["accuracy_low"], result["brier_high"]) == pytest.approx((both.low[0], both.high[1]))
    for metric in ("accuracy", "ece", "smooth_ece", "brier"):
        assert result[f"{metric}_low"] <= result[metric] <= result[f"{metric}_high"]


@pytest.mark.parametrize(("change", "match"), [
    (lambda t: t.drop(columns="confidence"), r"no column \['confidence'\]"),
    (lambda t: t.assign(confidence=t["confidence"] + 0.6), "`confidence`"),
    (lambda t: t.assign(correct=2), "`correct`"),
    (lambda t: t.assign(model=t["model"].where(t.index != 5)), "missing names"),
])
def test_bad_tables_are_refused(table, change, match):
    with pytest.raises(AnalysisInputError, match=match):
        by_model(change(table))
    with pytest.raises(AnalysisInputError, match="n_boot"):
        by_model(table, n_boot=1)


def test_predictions_table_is_top_label_or_positive():
    from analysis.calibration import predictions_table, top_label

    y = np.array([0, 1, 1, 0])
    probs = {"m": np.array([0.2, 0.4, 0.9, 0.7]), "k": np.array([[0.6, 0.4], [0.3, 0.7], [0.5, 0.5], [0.9, 0.1]])}
    tidy = predictions_table(y, probs)
    assert list(tidy.columns) == ["model", "item", "correct", "confidence"] and len(tidy) == 8
    confidence, correct = top_label(y, probs["m"])
    np.testing.assert_allclose(tidy.loc[tidy.model == "m", "confidence"], confidence)
    assert tidy.loc[tidy.model == "m", "correct"].tolist() == [1, 0, 1, 0] == correct.tolist()
    positive = predictions_table(y, {"m": probs["m"]}, mode="positive")
    assert positive["correct"].tolist() == [0, 1, 1, 0] and positive["confidence"].tolist() == [0.2, 0.4, 0.9, 0.7]
    # the top-label ECE of a model is by_model's ECE of its table
    assert by_model(tidy).loc["m", "ece"] == pytest.approx(ece(y, probs["m"]))
    with pytest.raises(AnalysisInputError, match="mode='top-label'"):
        predictions_table(y, {"k": probs["k"]}, mode="positive")
    with pytest.raises(AnalysisInputError, match="at least one model"):
        predictions_table(y, {})


def test_choice_probabilities_are_the_softmax_of_each_models_choice_loglikelihoods():
    samples = one_per_item(read_results(Path(__file__).resolve().parents[2] / "data" / "examples" / "lm_eval",
                                        format="lm-eval"))
    choices = samples[samples["task"] == "add_choice"]
    y, probs = choice_probabilities(choices)
    assert len(probs) == 5 and all(p.shape == (80, 4) for p in probs.values())
    for name, p in probs.items():
        rows = choices[choices["model"] == name].sort_values("item")
        np.testing.assert_allclose(p.max(axis=1), rows["confidence"], atol=1e-12)  # the reader's top-label confidence
        np.testing.assert_array_equal(y, rows["answer"].astype(int))
        assert ece(y, p) == pytest.approx(ece(rows["correct"], rows["confidence"], mode="positive"), abs=1e-12)
    with pytest.raises(AnalysisInputError, match="same items"):
        choice_probabilities(choices.iloc[1:])
    with pytest.raises(AnalysisInputError, match="same number of choices"):
        choice_probabilities(samples.dropna(subset=["answer"]))  # 4-way and 2-way tasks together
