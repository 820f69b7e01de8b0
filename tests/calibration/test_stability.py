import numpy as np
import pytest
from scipy import stats

from analysis import AnalysisInputError
from analysis.calibration import (
    balance_score,
    brier_decomposition,
    calibration_estimators,
    ece,
    estimator_stability,
    smooth_ece,
)


@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(0)
    truth = rng.uniform(0.02, 0.98, 4000)
    y = (rng.random(truth.size) < truth).astype(int)
    logit = np.log(truth / (1 - truth))
    probs = {"calibrated": truth, "over-confident": 1 / (1 + np.exp(-2.0 * logit)),
             "under-confident": 1 / (1 + np.exp(-0.5 * logit)), "shifted": 1 / (1 + np.exp(-(logit + 1.0)))}
    return y, probs


def test_errors_are_the_estimators_own_values_and_ranks_follow_them(models):
    y, probs = models
    result = estimator_stability(y, probs)
    for name, p in probs.items():
        assert result.errors.loc[name, "ECE, 15 equal-width bins"] == ece(y, p)
        assert result.errors.loc[name, "ECE, 10 equal-mass bins"] == ece(y, p, n_bins=10, strategy="quantile")
        assert result.errors.loc[name, "L2 ECE debiased, 15 equal-width bins"] == ece(y, p, norm="l2", debiased=True)
        assert result.errors.loc[name, "smooth ECE"] == smooth_ece(y, p)
        assert result.errors.loc[name, "Brier reliability, 15 bins"] == brier_decomposition(y, p).reliability
        assert result.errors.loc[name, "|Balance score|"] == abs(balance_score(y, p))
    expected = result.errors.rank(method="min").astype(int)
    assert result.ranks.equals(expected)


def test_taus_equal_scipy_on_the_rankings(models):
    y, probs = models
    result = estimator_stability(y, probs)
    names = result.ranks.columns
    for a, b in [(names[0], names[5]), (names[3], names[-1]), (names[7], names[-2])]:
        assert result.taus.loc[a, b] == pytest.approx(stats.kendalltau(result.ranks[a], result.ranks[b]).statistic)
    assert np.allclose(np.diag(result.taus), 1) and np.allclose(result.taus, result.taus.T)


def test_agreement_counts_the_rankings_and_their_taus(models):
    y, probs = models
    result = estimator_stability(y, probs)
    agreement = result.agreement
    rankings = {tuple(result.ranks[name]) for name in result.ranks.columns}  # by hand
    assert agreement["estimators"] == result.ranks.shape[1] and agreement["distinct rankings"] == len(rankings)
    pairs = [stats.kendalltau(result.ranks[a], result.ranks[b]).statistic
             for i, a in enumerate(result.ranks.columns) for b in result.ranks.columns[i + 1:]]
    assert agreement["median tau between estimators"] == pytest.approx(np.median(pairs))
    assert agreement["smallest tau"] == pytest.approx(min(pairs))
    firsts = {result.ranks[name].idxmin() for name in result.ranks.columns}
    assert agreement["models ranked first by some estimator"] == len(firsts)
    assert agreement["most often first"] == "calibrated"


def test_a_calibrated_model_is_first_under_every_estimator_that_sees_calibration(models):
    y, probs = models
    result = estimator_stability(y, probs)
    binned = [c for c in result.ranks.columns if "Balance" not in c]
    assert (result.ranks.loc["calibrated", binned] == 1).all()
    assert result.table.index[0] == "calibrated"
    assert result.table.loc["calibrated", "share_first"] >= len(binned) / result.ranks.shape[1]


def test_the_bootstrap_gives_rank_intervals_per_estimator_and_is_reproducible(models):
    y, probs = models
    small = {k: v[:800] for k, v in probs.items()}
    one = estimator_stability(y[:800], small, n_boot=40, rng=1)
    two = estimator_stability(y[:800], small, n_boot=40, rng=1)
    assert one.intervals.equals(two.intervals)
    assert one.intervals.index.names == ["estimator", "model"] and len(one.intervals) == 4 * one.errors.shape[1]
    full = one.ranks.stack().swaplevel().sort_index()
    inside = (one.intervals["rank_low"] <= full.reindex(one.intervals.index)) & (
        full.reindex(one.intervals.index) <= one.intervals["rank_high"])
    assert inside.mean() > 0.9
    # P(first) sums to at least 1 per estimator (ties can share first place)
    assert (one.intervals["p_first"].groupby("estimator").sum() >= 1 - 1e-12).all()
    # a bootstrap replicate by hand: the first resample of rng 1
    rows = np.random.default_rng(1).integers(0, 800, 800)
    errors = [ece(y[:800][rows], p[rows]) for p in small.values()]
    assert one.intervals.loc[("ECE, 15 equal-width bins", "calibrated"), "rank_low"] <= 1 + sum(
        e < errors[0] for e in errors[1:])


def test_several_classes_use_the_classwise_estimators_and_no_balance_score():
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(600, 3))
    truth = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in truth])
    sharp = np.exp(2 * logits) / np.exp(2 * logits).sum(axis=1, keepdims=True)
    result = estimator_stability(y, {"calibrated": truth, "sharp": sharp})
    assert "|Balance score|" not in result.errors and "classwise ECE, 15 equal-mass bins" in result.errors
    assert result.errors.loc["sharp", "classwise ECE, 15 equal-width bins"] == ece(y, sharp, mode="classwise")
    assert set(calibration_estimators(3)) == set(result.errors.columns)


def test_bad_input_is_refused(models):
    y, probs = models
    with pytest.raises(AnalysisInputError, match="at least 2 models"):
        estimator_stability(y, {"one": probs["calibrated"]})
    with pytest.raises(AnalysisInputError):
        estimator_stability(y[:10], probs)
    with pytest.raises(AnalysisInputError, match="same classes"):
        estimator_stability(y % 2, {"a": probs["calibrated"], "b": np.full((len(y), 3), 1 / 3)})
    with pytest.raises(AnalysisInputError, match="n_boot"):
        estimator_stability(y, probs, n_boot=1)
    with pytest.raises(AnalysisInputError, match="finite"):
        estimator_stability(y, probs, estimators={"nan": lambda a, b: np.nan, "ece": ece})
    with pytest.raises(AnalysisInputError, match="estimators"):
        estimator_stability(y, probs, estimators={"only": ece})
