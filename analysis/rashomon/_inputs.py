"""Input checks shared by the Rashomon sets on 0/1 features."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_array
from ..errors import AnalysisInputError

__all__ = ["check_binary"]


def check_binary(X, name: str = "X") -> tuple[np.ndarray, list[str]]:
    """``X`` as a boolean array (n, p) and its column names; refuses values other than 0 and 1."""
    names = [str(c) for c in X.columns] if isinstance(X, pd.DataFrame) else None
    X = check_array(X, name, ndim=2)
    bad = ~np.isin(X, (0, 1))
    if bad.any():
        column = int(np.nonzero(bad.any(axis=0))[0][0])
        raise AnalysisInputError.about(
            name, "0/1 features", f"value {X[bad][0]:g} in column {names[column] if names else column}",
            "Binarise continuous features first, e.g. with analysis.rashomon.binarize.",
        )
    return X.astype(bool), names or [f"x{j}" for j in range(X.shape[1])]
