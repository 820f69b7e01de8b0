import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration, _TemperatureScaling
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from analysis import AnalysisInputError, FitError
from analysis.calibration import (
    BetaCalibration,
    HistogramBinning,
    IsotonicCalibration,
    PlattScaling,
    TemperatureScaling,
    ece,
)


@pytest.fixture
def overconfident():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(3000, 5)) * 3
    p_true = np.exp(logits / 2.5) / np.exp(logits / 2.5).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(5, p=row) for row in p_true])
    return logits, y


def test_temperature_matches_sklearn(overconfident):
    logits, y = overconfident
    ours = TemperatureScaling().fit(logits, y)
    ref = _TemperatureScaling().fit(logits, y)
    assert ours.converged_ and ours.temperature_ == pytest.approx(1 / ref.beta_, rel=1e-6)
    assert ours.temperature_ == pytest.approx(2.5, rel=0.1)  # the generating temperature
    np.testing.assert_allclose(ours.predict_proba(logits).sum(axis=1), 1.0)
    assert ece(y, ours.predict_proba(logits)) < ece(y, np.exp(logits) / np.exp(logits).sum(1, keepdims=True))


def test_temperature_inside_calibrated_classifier_cv():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2000, 3))
    y = (X @ [2.0, -1.0, 0.5] + rng.logistic(size=2000) > 0).astype(int)
    model = LogisticRegression(C=1e-3).fit(X[:1000], y[:1000])  # over-regularised: under-confident
    cal = CalibratedClassifierCV(FrozenEstimator(model), method="temperature").fit(X[1000:], y[1000:])
    log_odds = model.decision_function(X[1000:])
    ours = TemperatureScaling().fit(np.column_stack([-log_odds, log_odds]), y[1000:])
    ref_beta = cal.calibrated_classifiers_[0].calibrators[0].beta_
    assert ours.temperature_ == pytest.approx(1 / ref_beta, rel=1e-6)
    # binary log-odds (n,) mean sigmoid(x / T); the logits (-x, x) give sigmoid(2x / T): half the temperature
    binary = TemperatureScaling().fit(log_odds, y[1000:])
    assert binary.temperature_ == pytest.approx(ours.temperature_ / 2, rel=1e-6)


def test_platt_matches_sklearn_sigmoid():
    rng = np.random.default_rng(2)
    f = rng.normal(size=1500) * 3
    y = (rng.uniform(size=1500) < 1 / (1 + np.exp(-0.7 * f + 0.4))).astype(int)
    ours = PlattScaling().fit(f, y)
    ref = _SigmoidCalibration().fit(f, y)
    assert (ours.a_, ours.b_) == pytest.approx((ref.a_, ref.b_), rel=1e-6, abs=1e-8)
    np.testing.assert_allclose(ours.transform(f), ref.predict(f), rtol=1e-6)
    plain = PlattScaling(smooth_targets=False).fit(f, y)
    lr = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(f[:, None], y)
    assert -plain.a_ == pytest.approx(lr.coef_[0, 0], rel=1e-5)
    glm = sm.GLM(y, sm.add_constant(f), family=sm.families.Binomial()).fit()  # statsmodels, independently
    assert (-plain.b_, -plain.a_) == pytest.approx(tuple(glm.params), rel=1e-6)


def test_isotonic_matches_sklearn():
    rng = np.random.default_rng(3)
    s = rng.uniform(size=800)
    y = (rng.uniform(size=800) < s**2).astype(int)
    ours = IsotonicCalibration().fit(s, y)
    ref = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(s, y)
    grid = np.linspace(-0.1, 1.1, 50)
    np.testing.assert_allclose(ours.transform(grid), ref.predict(grid))
    assert np.all(np.diff(ours.transform(np.sort(s))) >= 0)


def test_histogram_binning_maps_to_bin_means():
    s = np.array([0.05, 0.06, 0.55, 0.58, 0.59, 0.95])
    y = np.array([0, 1, 1, 1, 0, 1])
    hb = HistogramBinning(n_bins=10).fit(s, y)
    np.testing.assert_allclose(hb.transform(np.array([0.01, 0.5, 0.55, 0.99, 0.3])), [0.5, 2 / 3, 2 / 3, 1.0, 0.35])
    q = HistogramBinning(n_bins=3, strategy="quantile").fit(s, y)
    np.testing.assert_allclose(q.transform(s), [0.5, 0.5, 1.0, 1.0, 0.5, 0.5])


def test_beta_calibration_recovers_its_parameters():
    rng = np.random.default_rng(4)
    s = rng.uniform(0.01, 0.99, size=20000)
    true = 1 / (1 + np.exp(-(1.8 * np.log(s) - 0.6 * np.log(1 - s) + 0.3)))
    y = (rng.uniform(size=s.size) < true).astype(int)
    fitted = BetaCalibration().fit(s, y)
    assert (fitted.a_, fitted.b_, fitted.c_) == pytest.approx((1.8, 0.6, 0.3), abs=0.1)


def test_estimator_api_and_pipeline():
    rng = np.random.default_rng(5)
    f = rng.normal(size=500)
    y = (f + rng.logistic(size=500) > 0).astype(int)
    for calibrator in (PlattScaling(), IsotonicCalibration(), TemperatureScaling()):
        pipe = make_pipeline(FunctionTransformer(lambda x: x.ravel()), clone(calibrator)).fit(f[:, None], y)
        proba = pipe.predict_proba(f[:, None])
        assert proba.shape == (500, 2) and np.allclose(proba.sum(axis=1), 1)
    assert HistogramBinning(n_bins=7).get_params() == {"n_bins": 7, "strategy": "uniform"}


def test_bad_input_and_convergence_report():
    with pytest.raises(AnalysisInputError, match="probabilities"):
        HistogramBinning().fit(np.array([0.2, 1.4]), [0, 1])
    with pytest.raises(AnalysisInputError, match=r"labels in 0 \.\.\. 2"):
        TemperatureScaling().fit(np.zeros((3, 3)), [0, 1, 3])
    with pytest.raises(FitError, match="grows without bound"):
        TemperatureScaling().fit(np.array([[0.0, 1.0], [1.0, 0.0]]), [1, 0])  # no maximum: T -> 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TemperatureScaling().fit(np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 2.0]]), [1, 0, 0])


def test_scaling_binning_outputs_bin_means_of_scaled_scores():
    from analysis.calibration import ScalingBinning

    rng = np.random.default_rng(6)
    f = rng.normal(size=4000) * 2
    y = (rng.uniform(size=4000) < 1 / (1 + np.exp(-1.5 * f))).astype(int)
    sb = ScalingBinning(n_bins=10, rng=0).fit(f, y)
    out = sb.transform(f)
    assert len(np.unique(out)) <= 10
    order = np.random.default_rng(0).permutation(4000)
    second = order[2000:]
    platt = PlattScaling().fit(f[order[:2000]], y[order[:2000]])
    np.testing.assert_allclose(sb.platt_.a_, platt.a_)
    scaled = platt.transform(f[second])
    lowest = np.sort(scaled)[:200]  # the first equal-mass bin of the second half
    assert sb.bin_values_[0] == pytest.approx(lowest.mean())
    assert ece(y, out, mode="positive") < 0.03
