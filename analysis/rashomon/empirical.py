"""An empirical Rashomon set for any scikit-learn estimator, by retraining.

Candidates come from retraining the estimator with different seeds, on
bootstrap resamples, or over a grid of hyper-parameters; the set keeps those
whose loss on the evaluation data is within epsilon of the best candidate's.
It is an inner approximation: every member is a good model, but the true set
of the model class holds more, so ranges and multiplicity measured over it are
lower bounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import log_loss, zero_one_loss
from sklearn.model_selection import ParameterGrid

from .._resample import bootstrap_indices, map_batches
from .._validation import check_array, check_choice, check_consistent_length, check_integer, check_labels, check_rng
from ..errors import AnalysisInputError
from ._base import RashomonSet
from .epsilon import check_epsilon, rashomon_threshold

__all__ = ["EmpiricalRashomonSet"]

_LOSSES = {"zero_one": lambda est, X, y: zero_one_loss(y, est.predict(X)),
           "log_loss": lambda est, X, y: log_loss(y, est.predict_proba(X), labels=est.classes_)}


class EmpiricalRashomonSet(RashomonSet):
    """Retrained models of one estimator within epsilon of the best of them.

    Parameters
    ----------
    estimator : scikit-learn estimator
    vary : {'seed', 'bootstrap', 'params'}
        What changes between candidates: ``random_state``, the training rows
        (a bootstrap resample), or the hyper-parameters in ``param_grid``.
    n_models : int
        Candidates for ``'seed'`` and ``'bootstrap'``.
    param_grid : dict or list of dicts
        For ``'params'``: as scikit-learn's ``ParameterGrid``.
    epsilon, epsilon_type : float, {'relative', 'absolute'}
    loss : {'zero_one', 'log_loss'} or callable ``loss(estimator, X, y)``
    rng : seed or Generator
        Seeds and resamples.

    Attributes (after ``fit``)
    --------------------------
    candidates_ : DataFrame
        One row per candidate: what varied, its loss, whether it is in the set.
    members_ : list of fitted estimators in the set, best first.
    optimum_, threshold_ : float
        Best candidate loss and the set's bound.
    """

    def __init__(self, estimator, *, vary: str = "seed", n_models: int = 50, param_grid=None,
                 epsilon: float = 0.05, epsilon_type: str = "relative", loss="zero_one", rng=None):
        self.estimator = estimator
        self.vary = vary
        self.n_models = n_models
        self.param_grid = param_grid
        self.epsilon = epsilon
        self.epsilon_type = epsilon_type
        self.loss = loss
        self.rng = rng

    def _candidates(self, n: int) -> list[dict]:
        check_choice(self.vary, "vary", ("seed", "bootstrap", "params"))
        rng = check_rng(self.rng)
        if self.vary == "params":
            if not self.param_grid:
                raise AnalysisInputError.about("param_grid", "a grid of hyper-parameters for vary='params'",
                                               repr(self.param_grid), "Pass e.g. param_grid={'C': [0.1, 1, 10]}.")
            return [{"params": p} for p in ParameterGrid(self.param_grid)]
        n_models = check_integer(self.n_models, "n_models")
        if self.vary == "seed":
            if "random_state" not in self.estimator.get_params():
                raise AnalysisInputError.about("estimator", "a random_state parameter for vary='seed'",
                                               type(self.estimator).__name__, "Use vary='bootstrap' instead.")
            return [{"params": {"random_state": int(s)}} for s in rng.integers(0, 2**31 - 1, n_models)]
        return [{"rows": rows} for rows in bootstrap_indices(n, n_boot=n_models, rng=rng)]

    def fit(self, X, y, *, X_eval=None, y_eval=None, progress=None, n_jobs=None) -> EmpiricalRashomonSet:
        """Train every candidate on ``(X, y)`` and keep the good ones.

        Losses are measured on ``(X_eval, y_eval)`` when given (held-out data),
        else on the training data. ``n_jobs`` trains through joblib (on a Dask
        cluster inside ``joblib.parallel_config(backend="dask")``).
        """
        check_epsilon(self.epsilon, self.epsilon_type)
        X = check_array(X, "X", ndim=2)
        loss = self.loss if callable(self.loss) else _LOSSES[check_choice(self.loss, "loss", tuple(_LOSSES))]
        targets = check_array if callable(self.loss) else (lambda v, name, ndim: check_labels(v, name))
        y = targets(y, "y", ndim=1)  # a built-in loss scores a classifier: class labels 0, ..., k - 1
        check_consistent_length(X=X, y=y)
        X_eval = X if X_eval is None else check_array(X_eval, "X_eval", ndim=2)
        y_eval = y if y_eval is None else targets(y_eval, "y_eval", ndim=1)
        check_consistent_length(X_eval=X_eval, y_eval=y_eval)
        self.n_features_in_ = X.shape[1]
        candidates = self._candidates(len(y))

        def train(candidate):
            est = clone(self.estimator).set_params(**candidate.get("params", {}))
            rows = candidate.get("rows", slice(None))
            est.fit(X[rows], y[rows])
            return est, float(loss(est, X_eval, y_eval))

        fitted = map_batches(train, candidates, len(candidates), n_jobs=n_jobs, progress=progress,
                             desc="retraining")
        losses = np.array([f[1] for f in fitted])
        self.optimum_ = float(losses.min())
        self.threshold_ = float(rashomon_threshold(self.optimum_, self.epsilon, self.epsilon_type))
        inside = losses <= self.threshold_ * (1 + 1e-12)
        described = [c["params"] if "params" in c else f"bootstrap {i}" for i, c in enumerate(candidates)]
        self.candidates_ = pd.DataFrame({"candidate": described, "loss": losses, "in_set": inside})
        order = np.argsort(losses, kind="stable")
        self.members_ = [fitted[i][0] for i in order if inside[i]]
        return self

    @property
    def convention(self) -> str:
        """The set's definition in words."""
        bound = (f"best x (1 + {self.epsilon:g})" if self.epsilon_type == "relative" else f"best + {self.epsilon:g}")
        name = self.loss if isinstance(self.loss, str) else getattr(self.loss, "__name__", "custom loss")
        return (f"{len(self.members_)} of {len(self.candidates_)} {type(self.estimator).__name__} candidates "
                f"(varying {self.vary}) with {name} <= {bound} = {self.threshold_:.6g}; an inner approximation "
                "of the model class's Rashomon set, so ranges over it are lower bounds")

    @property
    def share_inside(self) -> float:
        """Share of the candidates that are in the set."""
        return float(self.candidates_.in_set.mean())

    def predict(self, X) -> np.ndarray:
        """Every member's predictions, shape ``(n_models, n_rows)``, best first."""
        X = self._features(X)
        return np.stack([m.predict(X) for m in self.members_])

    def predict_proba(self, X) -> np.ndarray:
        """Every member's class probabilities, shape ``(n_models, n_rows, n_classes)``."""
        X = self._features(X)
        return np.stack([m.predict_proba(X) for m in self.members_])

    def _features(self, X) -> np.ndarray:
        X = check_array(X, "X", ndim=2)
        if X.shape[1] != self.n_features_in_:
            raise AnalysisInputError.about("X", f"{self.n_features_in_} columns, as in fit", f"{X.shape[1]}",
                                           "Pass the features the set was fitted on.")
        return X
