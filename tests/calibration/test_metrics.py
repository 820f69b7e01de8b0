import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

from analysis import AnalysisInputError
from analysis.calibration import (
    adaptive_calibration_error,
    balance_report,
    balance_score,
    brier_decomposition,
    ece,
    reliability,
)


@pytest.fixture
def binary():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=3000)
    y = (rng.uniform(size=3000) < p**1.5).astype(int)
    return y, p


@pytest.fixture
def multiclass():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(2000, 4)) * 2
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(4, p=row) for row in p**1.2 / (p**1.2).sum(axis=1, keepdims=True)])
    return y, p


def loop_ece(scores, outcomes, n_bins, power=1):
    total = 0.0
    for k in range(n_bins):
        inside = (scores >= k / n_bins) & ((scores < (k + 1) / n_bins) | ((k == n_bins - 1) & (scores <= 1)))
        if inside.any():
            total += inside.mean() * abs(outcomes[inside].mean() - scores[inside].mean()) ** power
    return total ** (1 / power)


def test_reliability_matches_sklearn_calibration_curve(binary):
    y, p = binary
    table = reliability(y, p, n_bins=10, mode="positive")
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    full = table[table["count"] > 0]
    np.testing.assert_allclose(full["accuracy"], prob_true, rtol=1e-12)
    np.testing.assert_allclose(full["mean_confidence"], prob_pred, rtol=1e-12)
    assert table["count"].sum() == len(y) and len(table) == 10


def test_reliability_keeps_empty_bins():
    table = reliability([1, 0, 1], [0.95, 0.05, 0.9], n_bins=10, mode="positive")
    assert len(table) == 10 and (table["count"] == 0).sum() == 8 and table["accuracy"].isna().sum() == 8


def test_ece_variants_match_loops(binary, multiclass):
    y, p = binary
    confidence, correct = np.maximum(p, 1 - p), ((p > 0.5) == y).astype(float)
    assert ece(y, p) == pytest.approx(loop_ece(confidence, correct, 15), rel=1e-12)
    assert ece(y, p, norm="l2", n_bins=10) == pytest.approx(loop_ece(confidence, correct, 10, power=2), rel=1e-12)
    assert ece(y, p, mode="positive") == pytest.approx(loop_ece(p, y.astype(float), 15), rel=1e-12)
    table = reliability(y, p)
    assert ece(y, p, norm="max") == pytest.approx(table["gap"].abs().max())
    ym, pm = multiclass
    top = pm.max(axis=1)
    assert ece(ym, pm) == pytest.approx(loop_ece(top, (pm.argmax(axis=1) == ym).astype(float), 15), rel=1e-12)
    per_class = [loop_ece(pm[:, j], (ym == j).astype(float), 15) for j in range(4)]
    assert ece(ym, pm, mode="classwise") == pytest.approx(np.mean(per_class), rel=1e-12)
    pooled = loop_ece(pm.ravel(), (ym[:, None] == np.arange(4)).ravel().astype(float), 15)
    assert ece(ym, pm, mode="marginal") == pytest.approx(pooled, rel=1e-12)


def test_debiased_ece_removes_the_bias_for_calibrated_predictions():
    rng = np.random.default_rng(2)
    plug_in, debiased = [], []
    for _ in range(200):
        p = rng.uniform(size=300)
        y = (rng.uniform(size=300) < p).astype(int)  # perfectly calibrated
        plug_in.append(ece(y, p, norm="l2", mode="positive", n_bins=10) ** 2)
        debiased.append(ece(y, p, norm="l2", mode="positive", n_bins=10, debiased=True) ** 2)
    assert np.mean(plug_in) > 0.02**2 * 2  # the plug-in estimate is biased upwards
    assert np.mean(debiased) < np.mean(plug_in) / 4
    with pytest.raises(AnalysisInputError, match="norm='l2'"):
        ece([0, 1], [0.2, 0.7], debiased=True)


def test_adaptive_calibration_error(multiclass):
    y, p = multiclass
    gaps = []
    for j in range(4):
        rank = np.argsort(np.argsort(p[:, j]))  # scores are distinct: no ties to keep together
        ranges = rank * 15 // len(y)  # 15 equal-mass ranges
        for r in range(15):
            chunk = ranges == r
            gaps.append(abs((y[chunk] == j).mean() - p[chunk, j].mean()))
    assert adaptive_calibration_error(y, p) == pytest.approx(np.mean(gaps), rel=1e-12)


def test_balance_score_formula_and_cancellation():
    p = np.array([0.9, 0.2, 0.7, 0.4, 0.5])
    y = np.array([1, 0, 0, 1, 0])
    expected = np.mean([1 - 0.9, 0.2, -0.7, -(1 - 0.4), -0.5])
    assert balance_score(y, p) == pytest.approx(expected)
    # over-confident at high scores, under-confident at low ones: they cancel
    rng = np.random.default_rng(3)
    high, low = rng.uniform(0.9, 1.0, 5000), rng.uniform(0.5, 0.6, 5000)
    conf = np.concatenate([high, low])
    correct = rng.uniform(size=10000) < np.concatenate([high - 0.15, low + 0.15])
    y = correct.astype(int)  # predicting class 1 with probability conf
    report = balance_report(y, conf)
    assert abs(report.balance) < 0.01 and report.unsigned > 0.12 and report.cancels
    assert "cancel" in report.summary()


def test_brier_decomposition_identity(binary, multiclass):
    y, p = binary
    d = brier_decomposition(y, p, n_bins=10)
    assert d.brier == pytest.approx(brier_score_loss(y, p), rel=1e-12)
    total = d.reliability - d.resolution + d.uncertainty + d.within_bin_variance - d.within_bin_covariance
    assert total == pytest.approx(d.brier, rel=1e-12)
    ym, pm = multiclass
    dm = brier_decomposition(ym, pm)
    assert dm.brier == pytest.approx(np.mean(np.sum((pm - np.eye(4)[ym]) ** 2, axis=1)), rel=1e-12)
    centred = (np.floor(p * 10) + 0.5) / 10  # constant within bins: the within-bin terms vanish
    dc = brier_decomposition(y, centred, n_bins=10)
    assert dc.within_bin_variance == pytest.approx(0, abs=1e-15)
    assert dc.reliability - dc.resolution + dc.uncertainty == pytest.approx(dc.brier, rel=1e-12)


@pytest.mark.parametrize(
    ("y", "p", "match"),
    [
        ([0, 1], [0.2, 1.7], "logits"),
        ([0, 1], [20.0, 70.0], "percentages"),
        ([0, 1], [[0.2, 0.7], [0.5, 0.5]], "rows summing to 1"),
        ([0.5, 1], [0.2, 0.7], "integer class labels"),
        ([0, 1, 1], [0.2, 0.7], "same number of rows"),
        ([0, 1], [np.nan, 0.7], "finite values"),
        ([0, 2], [0.2, 0.7], r"labels in 0 \.\.\. 1"),
    ],
)
def test_bad_input(y, p, match):
    with pytest.raises(AnalysisInputError, match=match):
        ece(y, p)


def test_positive_mode_needs_binary(multiclass):
    y, p = multiclass
    with pytest.raises(AnalysisInputError, match="'positive' only for binary"):
        ece(y, p, mode="positive")


def test_all_equal_scores_and_ties_are_normal_input():
    y = np.array([0, 1, 1, 0])
    assert ece(y, np.full(4, 0.5), mode="positive") == pytest.approx(0.0)
    assert isinstance(reliability(y, np.full(4, 0.5), strategy="quantile"), pd.DataFrame)


@pytest.mark.parametrize(("mode", "norm"), [("top-label", "l1"), ("classwise", "l2"), ("marginal", "max")])
def test_ece_ci_replicates_equal_ece_on_each_resample(multiclass, mode, norm):
    from analysis import bootstrap_indices
    from analysis.calibration import ece_ci

    y, p = multiclass
    result = ece_ci(y, p, mode=mode, norm=norm, n_boot=40, rng=5)
    assert result.estimate == pytest.approx(ece(y, p, mode=mode, norm=norm), rel=1e-12)
    for r, rows in enumerate(bootstrap_indices(len(y), n_boot=40, rng=5)[:5]):
        assert result.replicates[r] == pytest.approx(ece(y[rows], p[rows], mode=mode, norm=norm), rel=1e-10)
    assert result.interval.low < result.interval.high and result.standard_error > 0


def test_debiased_ece_ci(binary):
    from analysis.calibration import ece_ci

    y, p = binary
    result = ece_ci(y, p, norm="l2", debiased=True, n_boot=50, rng=0)
    assert result.estimate == pytest.approx(ece(y, p, norm="l2", debiased=True), rel=1e-12)


@pytest.mark.parametrize("rule", ["brier", "log"])
def test_corp_decomposition(binary, rule):
    from sklearn.isotonic import IsotonicRegression
    from sklearn.metrics import log_loss

    from analysis.calibration import corp_decomposition

    y, p = binary
    d = corp_decomposition(y, p, scoring_rule=rule)
    expected = brier_score_loss(y, p) if rule == "brier" else log_loss(y, p)
    assert d.score == pytest.approx(expected, rel=1e-12)
    assert d.miscalibration - d.discrimination + d.uncertainty == pytest.approx(d.score, rel=1e-12)
    assert d.miscalibration >= 0 and d.discrimination >= 0
    recalibrated = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit_transform(p, y)
    again = corp_decomposition(y, np.clip(recalibrated, 1e-12, 1 - 1e-12), scoring_rule=rule)
    assert again.miscalibration == pytest.approx(0.0, abs=1e-9)  # isotonic forecasts are CORP-calibrated
    base = y.mean()
    unc = base * (1 - base) if rule == "brier" else -(base * np.log(base) + (1 - base) * np.log(1 - base))
    assert d.uncertainty == pytest.approx(unc, rel=1e-12)


def test_metric_ci_for_any_estimator(binary):
    from analysis import bootstrap_indices
    from analysis.calibration import metric_ci, smooth_ece

    y, p = binary
    y, p = y[:500], p[:500]
    result = metric_ci(smooth_ece, y, p, n_boot=30, rng=2, mode="positive")
    assert result.estimate == pytest.approx(smooth_ece(y, p, mode="positive"))
    rows = bootstrap_indices(500, n_boot=30, rng=2)[7]
    assert result.replicates[7] == pytest.approx(smooth_ece(y[rows], p[rows], mode="positive"))
    assert metric_ci(balance_score, y, p, n_boot=30, rng=2).standard_error > 0


def test_ece_over_many_chunks_matches_loops():
    rng = np.random.default_rng(11)
    p = np.concatenate([rng.uniform(size=200_000), np.arange(16) / 15])  # scores on every edge too
    y = (rng.uniform(size=p.size) < p).astype(int)
    assert ece(y, p, mode="positive") == pytest.approx(loop_ece(p, y.astype(float), 15), rel=1e-12)
    assert ece(y, p, mode="positive", norm="l2") == pytest.approx(loop_ece(p, y.astype(float), 15, power=2),
                                                                  rel=1e-12)
