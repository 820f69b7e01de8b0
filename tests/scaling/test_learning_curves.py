import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.neighbors import KNeighborsClassifier

from analysis import AnalysisInputError, datasets
from analysis.scaling import learning_curves


@pytest.fixture(scope="module")
def digits():
    frame = datasets.load_sklearn("digits")
    return frame.drop(columns=["target", "target_name"]).to_numpy(), frame["target"].to_numpy()


def test_errors_equal_a_manual_refit(digits):
    X, y = digits
    models = {"knn": KNeighborsClassifier(), "logistic": LogisticRegression(max_iter=500)}
    curves = learning_curves(models, X, y, sizes=[50, 400], n_splits=2, rng=0)
    assert len(curves) == 2 * 2 * 2 and curves["error"].between(0, 1).all()
    # rebuild the first split and the first 400 examples of its shuffled training half
    rng = np.random.default_rng(0)
    splitter = StratifiedShuffleSplit(n_splits=2, test_size=0.5, random_state=int(rng.integers(2**31 - 1)))
    train, test = next(iter(splitter.split(X, y)))
    subset = rng.permutation(train)[:400]
    expected = np.mean(KNeighborsClassifier().fit(X[subset], y[subset]).predict(X[test]) != y[test])
    row = curves.query("model == 'knn' and n == 400 and split == 0")
    assert row["error"].item() == pytest.approx(expected)
    mean = curves.groupby(["model", "n"])["error"].mean()
    assert mean["knn", 400] < mean["knn", 50]


def test_same_seed_same_curves(digits):
    X, y = digits
    a = learning_curves({"knn": KNeighborsClassifier()}, X, y, sizes=[60], n_splits=2, rng=4)
    b = learning_curves({"knn": KNeighborsClassifier()}, X, y, sizes=[60], n_splits=2, rng=4)
    assert a.equals(b)


def test_bad_labels(digits):
    X, _ = digits
    with pytest.raises(AnalysisInputError, match="integer class labels"):
        learning_curves({"knn": KNeighborsClassifier()}, X, np.full(len(X), 0.5), sizes=[50])
