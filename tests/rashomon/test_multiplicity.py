import numpy as np
import pytest

from analysis import AnalysisInputError
from analysis.rashomon import LinearRashomonSet, ambiguity, disagreement, discrepancy


def test_definitions_by_hand():
    reference = np.array([1, 0, 1, 1])
    members = np.array([[1, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 0]])
    assert ambiguity(members, reference) == 0.75  # inputs 0, 1 and 3 flip somewhere
    assert discrepancy(members, reference) == 0.5  # the third member flips two of four
    np.testing.assert_allclose(disagreement(members, reference), [1 / 3, 1 / 3, 0, 1 / 3])
    with pytest.raises(AnalysisInputError, match="one per input"):
        ambiguity(members, reference[:3])


def test_multiplicity_of_a_least_squares_classifier_grows_with_epsilon():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X @ [1.0, -1.0] + rng.normal(0, 1.0, 300) > 0).astype(float)
    values = []
    for epsilon in (0.01, 0.05, 0.2):
        rs = LinearRashomonSet(epsilon).fit(X, y)
        weights = rs.sample(2000, rng=0)
        members = (weights[:, :2] @ X.T + weights[:, 2:] > 0.5).astype(int)
        reference = (X @ rs.coef_ + rs.intercept_ > 0.5).astype(int)
        values.append((ambiguity(members, reference), discrepancy(members, reference)))
        # exact check: a point can flip iff its prediction range straddles the threshold
        pr = rs.prediction_range(X)
        can_flip = (pr["low"] < 0.5) & (pr["high"] > 0.5)
        assert ambiguity(members, reference) <= can_flip.mean() + 1e-12
    assert values[0][0] < values[1][0] < values[2][0]
    assert all(d <= a for a, d in values)


def test_rashomon_capacity_closed_forms():
    from analysis.rashomon import rashomon_capacity

    # two members p and 1 - p: a binary symmetric channel, capacity 1 - H(p) bits
    p = np.array([0.0, 0.1, 0.3, 0.5])
    capacity = rashomon_capacity(np.stack([p, 1 - p]))
    entropy = -np.where(p > 0, p * np.log2(np.where(p > 0, p, 1)), 0) - (1 - p) * np.log2(1 - p)
    np.testing.assert_allclose(capacity, 2 ** (1 - entropy), atol=1e-7)
    # one-hot predictions: the number of distinct labels predicted
    one_hot = np.eye(3)[np.array([[0, 0], [1, 0], [2, 0]])]  # 3 models, 2 inputs
    np.testing.assert_allclose(rashomon_capacity(one_hot), [3.0, 1.0], atol=1e-7)
    # a useless member (the mixture of the others) adds nothing
    np.testing.assert_allclose(rashomon_capacity(np.array([[0.0], [1.0], [0.5]])), [2.0], atol=1e-7)


def test_rashomon_capacity_rejects_non_distributions():
    from analysis.rashomon import rashomon_capacity

    with pytest.raises(AnalysisInputError, match="class distributions"):
        rashomon_capacity(np.full((2, 3, 2), 0.7))
