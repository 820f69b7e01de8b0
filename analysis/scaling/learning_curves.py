"""Learning curves of classical models: a real scaling experiment that runs offline.

The test error of a scikit-learn estimator against the number of training
examples follows a saturating power law over a useful range (e.g. Hestness et
al. 2017 for deep models; the same form serves classical ones). The curves are
computed live on any data set, such as those bundled with scikit-learn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_array, check_consistent_length, check_integer, check_labels, check_positive, check_rng
from ..errors import AnalysisInputError

__all__ = ["learning_curves"]


def learning_curves(estimators: dict, X, y, *, sizes, n_splits: int = 5, rng=None) -> pd.DataFrame:
    """Test error of each estimator trained on growing subsets, over stratified splits.

    Parameters
    ----------
    estimators : dict of str to estimator
        scikit-learn classifiers, by name.
    X : array, shape (n, d)
    y : array of int labels, shape (n,)
    sizes : array-like of int
        Training-set sizes (each below the size of a training split).
    n_splits : int
        Stratified shuffle splits (half the data for testing, half for training).
    rng : None, int or Generator
        Seeds the splits and the order in which training examples are added.

    Returns
    -------
    DataFrame with one row per estimator, size and split: ``model``, ``n``
    (training examples), ``split`` and ``error`` (test misclassification rate).
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedShuffleSplit

    X = check_array(X, "X", ndim=2)
    y = check_labels(y, "y")
    check_consistent_length(X=X, y=y)
    n_splits = check_integer(n_splits, "n_splits")
    sizes = check_positive(sizes, "sizes", ndim=1)
    n_train = len(y) - int(np.ceil(0.5 * len(y)))  # the training half of each split
    if (sizes != np.round(sizes)).any() or sizes.max() > n_train:
        raise AnalysisInputError.about("sizes", f"whole numbers of training rows, at most {n_train} (half the data)",
                                       f"{sizes.tolist()}", "Pass training-set sizes that each split can hold.")
    sizes = np.sort(sizes.astype(int))
    rng = check_rng(rng)
    splitter = StratifiedShuffleSplit(n_splits=n_splits, test_size=0.5, random_state=int(rng.integers(2**31 - 1)))
    rows = []
    for split, (train, test) in enumerate(splitter.split(X, y)):
        order = rng.permutation(train)
        for size in sizes:
            subset = order[:size]
            for name, estimator in estimators.items():
                model = clone(estimator).fit(X[subset], y[subset])
                error = float(np.mean(model.predict(X[test]) != y[test]))
                rows.append({"model": name, "n": int(size), "split": split, "error": error})
    return pd.DataFrame(rows)
