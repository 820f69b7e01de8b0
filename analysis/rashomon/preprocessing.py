"""Turning continuous features into the 0/1 features that tree and scoring-system sets take."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_array, check_integer
from ..errors import AnalysisInputError

__all__ = ["binarize"]


def binarize(X, n_thresholds: int = 5, *, feature_names=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """0/1 features ``x_j <= t`` at up to ``n_thresholds`` quantile thresholds per column.

    Returns the binary table (columns named ``"name <= t"``) and the thresholds
    used (``feature``, ``threshold``). Columns that are already 0/1 are kept as they are.
    """
    names = list(X.columns) if isinstance(X, pd.DataFrame) else feature_names
    X = check_array(X, "X", ndim=2)
    names = [str(n) for n in names] if names is not None else [f"x{j}" for j in range(X.shape[1])]
    if len(names) != X.shape[1]:
        raise AnalysisInputError.about("feature_names", f"one name per column of X ({X.shape[1]})",
                                       f"{len(names)} names", "Name every column, or none.")
    n_thresholds = check_integer(n_thresholds, "n_thresholds")
    columns, used = {}, []
    for j, name in enumerate(names):
        values = X[:, j]
        if np.isin(values, (0, 1)).all():
            columns[name] = values.astype(np.int8)
            continue
        qs = np.unique(np.quantile(values, np.arange(1, n_thresholds + 1) / (n_thresholds + 1), method="lower"))
        for t in qs[qs < values.max()]:
            columns[f"{name} <= {t:g}"] = (values <= t).astype(np.int8)
            used.append((name, float(t)))
    return pd.DataFrame(columns), pd.DataFrame(used, columns=["feature", "threshold"])
