"""A real leaderboard computed live: scikit-learn classifiers on bundled data sets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_integer, check_rng
from ..datasets import load_sklearn

__all__ = ["classifier_benchmark", "classifier_item_scores", "default_classifiers"]


def default_classifiers(*, rng=0) -> dict:
    """Seven common scikit-learn classifiers, with scaling where they need it; all give probabilities.

    ``rng`` draws the random state of the classifiers that have one.
    """
    seed = int(check_rng(rng).integers(2**31 - 1))
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    return {
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "RBF SVM": make_pipeline(StandardScaler(), CalibratedClassifierCV(SVC(), ensemble=False)),
        "5-NN": make_pipeline(StandardScaler(), KNeighborsClassifier()),
        "decision tree": DecisionTreeClassifier(random_state=seed),
        "random forest": RandomForestClassifier(n_estimators=100, random_state=seed),
        "naive Bayes": GaussianNB(),
        "LDA": LinearDiscriminantAnalysis(),
    }


def classifier_benchmark(
    models: dict | None = None, data_sets=("iris", "wine", "breast_cancer", "digits"), *, n_splits: int = 5,
    rng=None,
) -> pd.DataFrame:
    """Accuracy of every model on every stratified fold of every data set.

    Returns
    -------
    DataFrame with one row per (model, data set, fold): ``model``, ``data_set``,
    ``fold``, ``task`` (``"<data set>/<fold>"``) and ``accuracy``. Pivot with
    ``frame.pivot(index="model", columns="task", values="accuracy")`` for a
    systems x tasks score matrix.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    n_splits = check_integer(n_splits, "n_splits", minimum=2)
    rng = check_rng(rng)
    models = models if models is not None else default_classifiers(rng=rng)
    rows = []
    for name in data_sets:
        frame = load_sklearn(name)
        X = frame.drop(columns=["target", "target_name"]).to_numpy()
        y = frame["target"].to_numpy()
        folds = StratifiedKFold(n_splits, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
        for fold, (train, test) in enumerate(folds.split(X, y)):
            for model_name, model in models.items():
                accuracy = float(np.mean(clone(model).fit(X[train], y[train]).predict(X[test]) == y[test]))
                rows.append({"model": model_name, "data_set": name, "fold": fold, "task": f"{name}/{fold}",
                             "accuracy": accuracy})
    return pd.DataFrame(rows)


def classifier_item_scores(
    models: dict | None = None, data_sets=("iris", "wine", "breast_cancer", "digits"), *, n_splits: int = 5,
    rng=None,
) -> pd.DataFrame:
    """Sample-level results: every model's probability of the true class on every item, out of fold.

    Each item is predicted by models trained on the folds it is not in
    (stratified ``n_splits``-fold cross-fitting). Returns a models x items
    DataFrame (columns ``"<data set>/<row>"``); its rows are systems and its
    columns samples, as :func:`~analysis.ranking.orderings_from_scores` and
    :func:`~analysis.ranking.battles_from_scores` expect.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    n_splits = check_integer(n_splits, "n_splits", minimum=2)
    rng = check_rng(rng)
    models = models if models is not None else default_classifiers(rng=rng)
    columns = {}
    for name in data_sets:
        frame = load_sklearn(name)
        X = frame.drop(columns=["target", "target_name"]).to_numpy()
        y = frame["target"].to_numpy()
        folds = StratifiedKFold(n_splits, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
        scores = np.empty((len(models), len(y)))
        for train, test in folds.split(X, y):
            for m, model in enumerate(models.values()):
                fitted = clone(model).fit(X[train], y[train])
                proba = fitted.predict_proba(X[test])
                scores[m, test] = proba[np.arange(len(test)), np.searchsorted(fitted.classes_, y[test])]
        columns.update({f"{name}/{i}": scores[:, i] for i in range(len(y))})
    return pd.DataFrame(columns, index=list(models))
