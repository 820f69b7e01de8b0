"""Model reliance (Fisher, Rudin & Dominici 2019) of linear regression models, exactly.

For a model ``b`` with squared error, ``e_orig`` is its mean squared error and
``e_switch`` for feature ``j`` the mean squared error when each row is paired
with every other row's value of feature ``j`` (all ``n (n - 1)`` switches). For a
linear model both are closed forms in a few sums, so they are computed for
many models at once. Model reliance is ``e_switch / e_orig`` (``kind="ratio"``)
or ``e_switch - e_orig`` (``kind="difference"``); its range over a Rashomon set
is model class reliance, ``[MCR-, MCR+]``; over sampled members the range is
an inner bound of the set's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_array, check_choice, check_consistent_length
from ..errors import AnalysisInputError
from .ranges import RashomonRanges

__all__ = ["model_class_reliance", "model_reliance"]


def model_reliance(weights, X, y, *, kind: str = "ratio", feature_names=None) -> pd.DataFrame:
    """Model reliance of every model on every feature, shape ``(n_models, d)``.

    ``weights`` rows hold a linear model's ``d`` coefficients, then its
    intercept if it has one (as :meth:`LinearRashomonSet.sample` returns them).
    Columns are named by ``feature_names`` (default ``x0``, ``x1``, ...).
    """
    check_choice(kind, "kind", ("ratio", "difference"))
    X = check_array(X, "X", ndim=2)
    y = check_array(y, "y", ndim=1)
    n = check_consistent_length(X=X, y=y)
    w = np.atleast_2d(check_array(weights, "weights", ndim=(1, 2)))
    d = X.shape[1]
    if w.shape[1] not in (d, d + 1):
        raise AnalysisInputError.about("weights", f"{d} coefficients per row, or {d + 1} with the intercept last",
                                       f"{w.shape[1]}", "Pass rows as the Rashomon set's sample() returns them.")
    names = _feature_names(feature_names, d)
    b, intercept = w[:, :d], (w[:, d:] if w.shape[1] > d else 0.0)
    r = y[None, :] - b @ X.T - intercept  # residuals (m, n)
    e_orig = np.mean(r**2, axis=1, keepdims=True)
    sum_r, sum_x = r.sum(axis=1, keepdims=True), X.sum(axis=0)[None, :]
    cross = r @ X  # sum_i r_i x_ij, (m, d)
    pairs = n * (n - 1)
    # sums over i != k of r_i (x_ij - x_kj) and of (x_ij - x_kj)^2
    r_dx = n * cross - sum_r * sum_x
    dx2 = 2 * n * np.sum(X**2, axis=0)[None, :] - 2 * sum_x**2
    e_switch = ((n - 1) * np.sum(r**2, axis=1, keepdims=True) + 2 * b * r_dx + b**2 * dx2) / pairs
    with np.errstate(divide="ignore", invalid="ignore"):  # a perfect fit: inf (or nan if 0/0)
        reliance = e_switch / e_orig if kind == "ratio" else e_switch - e_orig
    return pd.DataFrame(reliance, columns=names)


def _feature_names(feature_names, d: int) -> list:
    names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(d)]
    if len(names) != d:
        raise AnalysisInputError.about("feature_names", f"{d} names, one per column of X", f"{len(names)} names",
                                       "Pass one name per feature.")
    return names


def model_class_reliance(weights, X, y, *, kind: str = "ratio", feature_names=None) -> RashomonRanges:
    """Range of model reliance per feature over the models ``weights`` (optimal model first).

    Returns :class:`RashomonRanges` with ``optimum`` (the first row's reliance),
    ``low`` (MCR-) and ``high`` (MCR+), indexed by feature. Over sampled
    members it is an inner bound of the set's range.
    """
    mr = model_reliance(weights, X, y, kind=kind, feature_names=feature_names)
    table = pd.DataFrame({"optimum": mr.iloc[0], "low": mr.min(), "high": mr.max()}).rename_axis("feature")
    quantity = "model reliance" if kind == "ratio" else "model reliance (difference)"
    return RashomonRanges(table, quantity, f"over {len(mr)} given models (an inner bound of a set's range)",
                          "least squares")
