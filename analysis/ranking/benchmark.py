"""A real leaderboard computed live: scikit-learn classifiers on bundled data sets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_integer, check_rng
from ..datasets import load_sklearn

__all__ = ["classifier_benchmark", "default_classifiers"]


def default_classifiers(seed: int = 0) -> dict:
    """Seven common scikit-learn classifiers, with scaling where they need it."""
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
        "RBF SVM": make_pipeline(StandardScaler(), SVC()),
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
    models = models if models is not None else default_classifiers(int(rng.integers(2**31 - 1)))
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
