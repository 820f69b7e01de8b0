"""A real leaderboard computed live: scikit-learn classifiers on bundled data sets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_array, check_consistent_length, check_integer, check_labels, check_rng
from ..datasets import load_sklearn
from ..errors import AnalysisInputError

__all__ = ["classifier_benchmark", "classifier_item_scores", "default_classifiers", "out_of_fold_probabilities"]


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
    n_splits = check_integer(n_splits, "n_splits", minimum=2)
    rng = check_rng(rng)
    models = models if models is not None else default_classifiers(rng=rng)
    columns = {}
    for name in data_sets:
        frame = load_sklearn(name)
        X = frame.drop(columns=["target", "target_name"]).to_numpy()
        y = frame["target"].to_numpy()
        truth = np.searchsorted(np.unique(y), y)
        scores = np.stack([p[np.arange(len(y)), truth] for p in _cross_fitted(X, y, models, n_splits, rng).values()])
        columns.update({f"{name}/{i}": scores[:, i] for i in range(len(y))})
    return pd.DataFrame(columns, index=list(models))


def out_of_fold_probabilities(X, y, models: dict | None = None, *, n_splits: int = 5, rng=None) -> dict:
    """Each model's class probabilities for every row of ``X``, from its fit on the folds the row is not in.

    Stratified ``n_splits``-fold cross-fitting, every model on the same folds
    (drawn from ``rng``); ``models`` default to :func:`default_classifiers`.
    Returns name -> probabilities, ``(n,)`` of the second class for two
    classes (the calibration functions' binary convention), else ``(n, k)``
    with the classes in the order of ``np.unique(y)``.
    """
    X = check_array(X, "X", ndim=2)
    y = check_labels(y, "y")
    check_consistent_length(X=X, y=y)
    n_splits = check_integer(n_splits, "n_splits", minimum=2)
    counts = np.unique(y, return_counts=True)[1]
    if len(counts) < 2 or counts.min() < n_splits:
        raise AnalysisInputError.about("y", f"two classes or more, each with at least {n_splits} rows (one per "
                                       "fold)", f"class counts {counts.tolist()}",
                                       "Use fewer folds, or drop the rare classes.")
    rng = check_rng(rng)
    models = models if models is not None else default_classifiers(rng=rng)
    probs = _cross_fitted(X, y, models, n_splits, rng)
    return {name: p[:, 1] if p.shape[1] == 2 else p for name, p in probs.items()}


def _cross_fitted(X: np.ndarray, y: np.ndarray, models: dict, n_splits: int, rng) -> dict:
    """Out-of-fold ``predict_proba`` of each model, ``(n, k)``, on stratified folds seeded from ``rng``."""
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(n_splits, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
    classes = np.unique(y)
    probs = {name: np.zeros((len(y), len(classes))) for name in models}
    for train, test in folds.split(X, y):
        for name, model in models.items():
            fitted = clone(model).fit(X[train], y[train])
            probs[name][np.ix_(test, np.searchsorted(classes, fitted.classes_))] = fitted.predict_proba(X[test])
    return probs
