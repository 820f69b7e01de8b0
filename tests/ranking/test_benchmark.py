import numpy as np
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import GaussianNB

from analysis import datasets
from analysis.ranking import classifier_benchmark


def test_benchmark_rows_equal_a_manual_fold():
    frame = classifier_benchmark({"nb": GaussianNB()}, ("iris",), n_splits=3, rng=0)
    assert list(frame.columns) == ["model", "data_set", "fold", "task", "accuracy"] and len(frame) == 3
    iris = datasets.load_sklearn("iris")
    X, y = iris.drop(columns=["target", "target_name"]).to_numpy(), iris["target"].to_numpy()
    rng = np.random.default_rng(0)
    folds = StratifiedKFold(3, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
    train, test = next(iter(folds.split(X, y)))
    expected = np.mean(GaussianNB().fit(X[train], y[train]).predict(X[test]) == y[test])
    assert frame.loc[0, "accuracy"] == expected
    matrix = frame.pivot(index="model", columns="task", values="accuracy")
    assert matrix.shape == (1, 3)


def test_item_scores_are_out_of_fold_true_class_probabilities():
    from analysis.ranking import classifier_item_scores

    table = classifier_item_scores({"nb": GaussianNB()}, ("iris",), n_splits=3, rng=0)
    assert table.shape == (1, 150)
    iris = datasets.load_sklearn("iris")
    X, y = iris.drop(columns=["target", "target_name"]).to_numpy(), iris["target"].to_numpy()
    rng = np.random.default_rng(0)
    folds = StratifiedKFold(3, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
    train, test = next(iter(folds.split(X, y)))
    proba = GaussianNB().fit(X[train], y[train]).predict_proba(X[test])
    np.testing.assert_allclose(table.iloc[0, test], proba[np.arange(len(test)), y[test]])
