import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from analysis import AnalysisInputError
from analysis.rashomon import EmpiricalRashomonSet, ambiguity


@pytest.fixture(scope="module")
def data():
    return make_classification(300, 6, n_informative=3, random_state=0)


def test_params_set_equals_manual_filter(data):
    X, y = data
    grid = {"C": [0.001, 0.01, 0.1, 1.0, 10.0]}
    rset = EmpiricalRashomonSet(LogisticRegression(), vary="params", param_grid=grid, loss="log_loss",
                                epsilon=0.1).fit(X, y)
    losses = [log_loss(y, LogisticRegression(C=c).fit(X, y).predict_proba(X)) for c in grid["C"]]
    np.testing.assert_allclose(rset.candidates_.loss, losses, rtol=1e-12)
    expected = np.array(losses) <= min(losses) * 1.1
    np.testing.assert_array_equal(rset.candidates_.in_set, expected)
    assert len(rset.members_) == expected.sum() == rset.predict(X).shape[0]
    assert rset.predict_proba(X).shape == (expected.sum(), 300, 2)
    assert "inner approximation" in rset.convention


def test_seeds_and_bootstrap_are_reproducible(data):
    X, y = data
    a = EmpiricalRashomonSet(DecisionTreeClassifier(max_depth=3, max_features=2), n_models=20, rng=1).fit(X, y)
    b = EmpiricalRashomonSet(DecisionTreeClassifier(max_depth=3, max_features=2), n_models=20, rng=1).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert 0 < a.share_inside <= 1
    preds = a.predict(X)
    assert 0 <= ambiguity(preds, preds[0]) <= 1
    boot = EmpiricalRashomonSet(KNeighborsClassifier(), vary="bootstrap", n_models=10, epsilon=0.5, rng=2).fit(X, y)
    assert boot.candidates_.loss.min() == boot.optimum_


def test_bad_input(data):
    X, y = data
    with pytest.raises(AnalysisInputError, match="random_state"):
        EmpiricalRashomonSet(KNeighborsClassifier()).fit(X, y)
    with pytest.raises(AnalysisInputError, match="param_grid"):
        EmpiricalRashomonSet(LogisticRegression(), vary="params").fit(X, y)
    with pytest.raises(AnalysisInputError, match="epsilon"):
        EmpiricalRashomonSet(LogisticRegression(), vary="params", param_grid={"C": [1]}, epsilon=-1).fit(X, y)
