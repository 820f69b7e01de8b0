"""What every Rashomon set shares: scikit-learn's estimator contract."""

from __future__ import annotations

from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

__all__ = ["RashomonSet"]


class RashomonSet(BaseEstimator):
    """Base of the Rashomon sets.

    Parameters are set in ``__init__`` and read back by ``get_params``,
    ``set_params`` and ``sklearn.base.clone``, as for any scikit-learn
    estimator. Anything learned by ``fit`` ends in an underscore (``coef_``,
    ``optimum_``); reading it, or calling a method that needs it, before
    ``fit`` raises scikit-learn's ``NotFittedError``.
    """

    def __getattr__(self, name: str):
        # reached only when ordinary lookup fails: learned state of a set that was never fitted
        learned = name.endswith("_") or name.startswith("_")
        if learned and not name.startswith("__") and "optimum_" not in vars(self):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call fit(X, y) before using it.")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
