import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import GaussianNB

from analysis import AnalysisInputError, datasets
from analysis.ranking import classifier_benchmark, default_classifiers, out_of_fold_probabilities


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


def test_out_of_fold_probabilities_equal_scikit_learn_cross_val_predict():
    for name in ("breast_cancer", "iris"):
        frame = datasets.load_sklearn(name)
        X, y = frame.drop(columns=["target", "target_name"]).to_numpy(), frame["target"].to_numpy()
        models = dict(list(default_classifiers(rng=1).items())[:3])
        probs = out_of_fold_probabilities(X, y, models, n_splits=4, rng=5)
        seed = int(np.random.default_rng(5).integers(2**31 - 1))  # the folds are drawn from rng, as documented
        folds = StratifiedKFold(4, shuffle=True, random_state=seed)
        for model, estimator in models.items():
            expected = cross_val_predict(clone(estimator), X, y, cv=folds, method="predict_proba")
            np.testing.assert_allclose(probs[model], expected[:, 1] if expected.shape[1] == 2 else expected,
                                       atol=1e-12)
    with pytest.raises(AnalysisInputError, match="at least 4 rows"):
        out_of_fold_probabilities(X[:10], y[:10], models, n_splits=4)
