"""What every Rashomon set shares: scikit-learn's estimator contract and NotFittedError before fit."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from analysis.rashomon import (
    EmpiricalRashomonSet,
    LinearRashomonSet,
    LogisticRashomonSet,
    ScoringSystemRashomonSet,
    SparseTreeRashomonSet,
)


def test_every_set_is_a_scikit_learn_estimator_that_refuses_use_before_fit():
    sets = [LinearRashomonSet(0.1, l2_penalty=0.01), LogisticRashomonSet(0.05, fit_intercept=False),
            SparseTreeRashomonSet(2, 0.01, 0.05), ScoringSystemRashomonSet(2, 2),
            EmpiricalRashomonSet(LogisticRegression(), n_models=3)]
    for rset in sets:
        params = rset.get_params(deep=False)
        copy = clone(rset)
        assert copy.get_params(deep=False).keys() == params.keys() and copy is not rset
        assert "fit_intercept" in params or not isinstance(rset, LinearRashomonSet | LogisticRashomonSet)
        with pytest.raises(NotFittedError, match="not fitted yet"):
            _ = rset.optimum_
    linear, logistic, trees, scoring, _ = sets
    with pytest.raises(NotFittedError):
        linear.coefficient_ranges()
    with pytest.raises(NotFittedError):
        logistic.sample(3)
    with pytest.raises(NotFittedError):
        trees.predict(np.zeros((2, 3)))
    with pytest.raises(NotFittedError):
        scoring.predict(np.zeros((2, 3)))
    assert linear.set_params(l2_penalty=0.5).l2_penalty == 0.5
    with pytest.raises(AttributeError, match="no attribute 'misspelt'"):
        _ = linear.misspelt  # an ordinary typo stays an AttributeError
