import itertools

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from analysis import AnalysisInputError
from analysis.calibration import risk_coverage, selective_auc


def brute_force(correct, confidence):
    """Average the risk curve over every ordering that breaks ties."""
    n = len(correct)
    curves = []
    for perm in itertools.permutations(range(n)):
        order = sorted(perm, key=lambda i: -confidence[i])  # stable: perm breaks the ties
        errors = 1 - np.asarray(correct)[order]
        curves.append(np.cumsum(errors) / np.arange(1, n + 1))
    return np.mean(curves, axis=0)


def test_ties_are_averaged_over_orderings():
    correct = np.array([1, 0, 1, 1, 0, 1])
    confidence = np.array([0.9, 0.9, 0.9, 0.5, 0.5, 0.2])
    result = risk_coverage(correct, confidence)
    np.testing.assert_allclose(result.risk, brute_force(correct, confidence), rtol=1e-12)
    assert result.aurc == pytest.approx(brute_force(correct, confidence).mean())


def test_aurc_without_ties_and_the_oracle():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(size=500)
    correct = (rng.uniform(size=500) < confidence).astype(float)
    result = risk_coverage(correct, confidence)
    order = np.argsort(-confidence)
    expected = np.mean(np.cumsum(1 - correct[order]) / np.arange(1, 501))
    assert result.aurc == pytest.approx(expected, rel=1e-12)
    perfect = risk_coverage(correct, correct + 0.01 * confidence)  # correct inputs ranked first
    assert perfect.e_aurc == pytest.approx(0.0, abs=1e-12) and result.e_aurc > 0
    assert result.plot().get_xlabel() == "coverage"


def test_selective_auc_equals_sklearn():
    rng = np.random.default_rng(1)
    confidence = np.round(rng.uniform(size=300), 1)  # many ties
    correct = (rng.uniform(size=300) < confidence).astype(int)
    assert selective_auc(correct, confidence) == pytest.approx(roc_auc_score(correct, confidence), rel=1e-12)


def test_bad_input():
    with pytest.raises(AnalysisInputError, match="same number of rows"):
        risk_coverage([1, 0], [0.5, 0.2, 0.1])


def test_top_label_confidence_and_correctness():
    from analysis.calibration import top_label

    confidence, correct = top_label([1, 0, 1, 0], np.array([0.9, 0.3, 0.2, 0.5]))
    np.testing.assert_allclose(confidence, [0.9, 0.7, 0.8, 0.5])  # p = 0.5 predicts class 0
    np.testing.assert_array_equal(correct, [1, 1, 0, 1])
    probs = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    confidence, correct = top_label([1, 2], probs)
    np.testing.assert_allclose(confidence, [0.5, 0.6])
    np.testing.assert_array_equal(correct, [1, 0])
