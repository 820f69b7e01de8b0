"""Input checks shared by every public function.

Each check either returns the validated value (as a numpy array, a Generator, ...)
or raises :class:`~analysis.errors.AnalysisInputError` with a message that names
the argument, what was expected, what was found and what to do. Nothing is
silently dropped, clipped or coerced in a way that changes a value.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisInputError

__all__ = [
    "check_array",
    "check_choice",
    "check_columns",
    "check_consistent_length",
    "check_integer",
    "check_labels",
    "check_level",
    "check_positive",
    "check_probabilities",
    "check_rng",
    "check_rows_sum_to_one",
]


def _describe_positions(mask: np.ndarray, limit: int = 5) -> str:
    """'3 entries (at index 0, 7, 9)' for the True entries of ``mask``."""
    if mask.ndim == 0:
        return "the value"
    where = np.argwhere(mask)
    shown = ", ".join(
        str(tuple(int(i) for i in w)) if len(w) > 1 else str(int(w[0])) for w in where[:limit]
    )
    more = ", ..." if len(where) > limit else ""
    return f"{len(where)} {'entry' if len(where) == 1 else 'entries'} (at index {shown}{more})"


def check_array(
    x,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    finite: bool = True,
    min_length: int = 1,
) -> np.ndarray:
    """Return ``x`` as a float array after checking its dimension and values.

    Parameters
    ----------
    x : array-like
        Numeric data; booleans and integers are accepted and returned as float.
    name : str
        Argument name used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    finite : bool
        Reject NaN and infinite entries.
    min_length : int
        Minimum length of the first axis.
    """
    if isinstance(x, pd.DataFrame | pd.Series):
        dtypes = x.dtypes if isinstance(x, pd.DataFrame) else [x.dtype]
        numeric = all(pd.api.types.is_numeric_dtype(d) or pd.api.types.is_bool_dtype(d) for d in dtypes)
        # nullable dtypes (Float64, Int64, boolean): pd.NA becomes NaN, which the finite check below reports
        x = x.to_numpy(dtype=float, na_value=np.nan) if numeric else x.to_numpy()
    arr = np.asarray(x)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise AnalysisInputError.about(
            name, "numbers", f"values of type {arr.dtype}",
            "Convert the column to numbers first (e.g. pandas.to_numeric) and check for text entries.",
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise AnalysisInputError.about(name, "real numbers", "complex numbers", "Pass the real part.")
    arr = arr.astype(float, copy=False)
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and arr.ndim not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise AnalysisInputError.about(
            name, f"a {want} array", f"shape {arr.shape}",
            "Reshape the input (e.g. `np.ravel` for a single column, `x[:, None]` for one feature).",
        )
    length = arr.shape[0] if arr.ndim else 1
    if length < min_length:
        raise AnalysisInputError.about(
            name, f"at least {min_length} entries", f"{length}", "Pass more data.",
        )
    if finite and arr.size and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        bad = ~np.isfinite(arr)  # NaN or inf somewhere: find where, for the message
        if bad.any():
            raise AnalysisInputError.about(
                name, "finite values", f"NaN or inf in {_describe_positions(bad)}",
                "Remove or impute these entries before the call; nothing is dropped silently.",
            )
    return arr


def check_consistent_length(**arrays: np.ndarray) -> int:
    """Check that all arrays have the same first-axis length and return it."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        found = ", ".join(f"len({k}) = {v}" for k, v in lengths.items())
        raise AnalysisInputError.about(
            " and ".join(lengths), "the same number of rows", found,
            "Pass arrays that describe the same samples, one row per sample.",
        )
    return next(iter(lengths.values()))


_ONE_BITS = np.float64(1.0).view(np.uint64)


def check_probabilities(p, name: str, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``p`` as a float array after checking that every entry lies in [0, 1]."""
    arr = check_array(p, name, ndim=ndim, finite=False)
    if arr.dtype == np.float64 and arr.size and arr.view(np.uint64).max() <= _ONE_BITS:
        return arr  # one pass: non-negative doubles order as their bit patterns; NaN, inf and -x lie above 1's
    lo, hi = (arr.min(), arr.max()) if arr.size else (0.0, 1.0)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        check_array(arr, name)  # raises, naming the NaN or inf entries
    if lo < 0 or hi > 1:
        bad = (arr < 0) | (arr > 1)
        hint = (
            " If they are percentages, divide by 100; if logits or scores, apply a sigmoid or softmax first."
            if lo >= 0 and hi <= 100
            else " They look like logits or scores: apply a sigmoid or softmax first."
        )
        raise AnalysisInputError.about(
            name, "probabilities in [0, 1]",
            f"values outside [0, 1] in {_describe_positions(bad)}, range [{lo:.4g}, {hi:.4g}]",
            "Pass probabilities." + hint,
        )
    return arr


def check_rows_sum_to_one(p, name: str, *, atol: float = 1e-6) -> np.ndarray:
    """Return an ``(n, k)`` probability matrix after checking that each row sums to 1."""
    arr = check_probabilities(p, name, ndim=2)
    err = np.abs(arr.sum(axis=1) - 1.0)
    bad = err > atol
    if bad.any():
        raise AnalysisInputError.about(
            name, f"rows summing to 1 (within {atol:g})",
            f"{_describe_positions(bad)} off by up to {err.max():.3g}",
            "Normalise the rows (p / p.sum(axis=1, keepdims=True)) or check that every class has a column.",
        )
    return arr


def check_labels(y, name: str, *, n_classes: int | None = None) -> np.ndarray:
    """Return integer class labels ``0, ..., n_classes - 1`` as an int array.

    Booleans, integers and integer-valued floats (1.0) are accepted; anything
    else (2.5, text, NaN) raises.
    """
    arr = np.asarray(y.to_numpy() if isinstance(y, pd.Series) else y)
    if arr.ndim != 1:
        raise AnalysisInputError.about(
            name, "a 1-D array of class labels", f"shape {arr.shape}",
            "Pass one label per sample; for one-hot labels use `y.argmax(axis=1)`.",
        )
    if np.issubdtype(arr.dtype, np.bool_):
        arr = arr.astype(int)
    elif np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            raise AnalysisInputError.about(
                name, "integer class labels", f"non-integer values in {_describe_positions(bad)}",
                "Encode classes as 0, 1, ..., k - 1 (e.g. sklearn.preprocessing.LabelEncoder).",
            )
        arr = arr.astype(int)
    elif not np.issubdtype(arr.dtype, np.integer):
        raise AnalysisInputError.about(
            name, "integer class labels", f"values of type {arr.dtype}",
            "Encode classes as 0, 1, ..., k - 1 (e.g. sklearn.preprocessing.LabelEncoder).",
        )
    if len(arr) == 0:
        raise AnalysisInputError.about(name, "at least one label", "an empty array", "Pass data.")
    upper = n_classes if n_classes is not None else np.inf
    if n_classes is not None and arr.dtype.kind == "i" and arr.view(f"u{arr.itemsize}").max() < n_classes:
        return arr  # one pass: negative labels read as huge unsigned numbers
    if arr.min() < 0 or arr.max() >= upper:
        bad = (arr < 0) | (arr >= upper)
        raise AnalysisInputError.about(
            name, f"labels in 0 ... {upper - 1}" if n_classes else "non-negative labels",
            f"out-of-range labels in {_describe_positions(bad)}",
            "Encode classes as 0, 1, ..., k - 1, matching the columns of the probabilities.",
        )
    return arr


def check_positive(x, name: str, *, strict: bool = True, ndim=None) -> np.ndarray:
    """Return ``x`` as a float array after checking that it is positive (or >= 0)."""
    arr = check_array(x, name, ndim=ndim)
    bad = arr <= 0 if strict else arr < 0
    if bad.any():
        raise AnalysisInputError.about(
            name, "positive values" if strict else "non-negative values",
            f"{'non-positive' if strict else 'negative'} values in {_describe_positions(bad)}",
            "Sizes, counts and compute must be > 0 for power laws and logarithms; "
            "check units and remove placeholder rows explicitly.",
        )
    return arr


def is_dask(data) -> bool:
    """Whether ``data`` is a Dask collection (checked without importing Dask)."""
    return type(data).__module__.startswith("dask")


def check_columns(data, columns: Iterable[str], name: str = "data") -> pd.DataFrame:
    """Check that ``data`` is a pandas or Dask DataFrame with rows, distinct column names and every column in
    ``columns``."""
    if not isinstance(data, pd.DataFrame) and not (is_dask(data) and hasattr(data, "columns")):
        raise AnalysisInputError.about(
            name, "a pandas DataFrame", type(data).__name__,
            "Wrap the data in pandas.DataFrame with named columns.",
        )
    if data.columns.has_duplicates:
        repeated = list(dict.fromkeys(data.columns[data.columns.duplicated()]))
        raise AnalysisInputError.about(name, "distinct column names", f"{repeated} more than once",
                                       "Rename or drop the repeated columns.")
    if isinstance(data, pd.DataFrame) and data.empty:
        raise AnalysisInputError.about(name, "at least one row", "an empty table", "Pass the rows to analyse.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise AnalysisInputError.about(
            name, f"columns {list(columns)}", f"no column {missing}; it has {list(data.columns)}",
            "Rename the columns or pass the names that the data uses.",
        )
    return data


def check_rng(rng) -> np.random.Generator:
    """Normalise ``rng`` (None, a non-negative int or a Generator) to a Generator.

    The same int always gives the same stream. ``None`` gives fresh entropy.
    """
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise AnalysisInputError.about(
        "rng", "None, a non-negative int seed or a numpy.random.Generator", repr(rng),
        "Pass e.g. rng=0, or rng=np.random.default_rng(0); the legacy RandomState "
        "and global np.random.seed are not used.",
    )


def check_number(value, name: str, *, minimum: float = -np.inf, strict: bool = False, fix: str = "") -> float:
    """Check ``value`` is a finite real number (not a bool or text) at least ``minimum`` (above it if ``strict``)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(float(value))
    if not ok or (value <= minimum if strict else value < minimum):
        bound = "" if minimum == -np.inf else f" {'>' if strict else '>='} {minimum:g}"
        raise AnalysisInputError.about(name, f"a finite number{bound}", repr(value), fix or f"Pass a number{bound}.")
    return float(value)


def _check_fraction(value, name: str, expected: str, fix: str) -> float:
    """Check ``value`` is a real number strictly between 0 and 1; percentages get a hint."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not 0 < value < 1:
        hint = (f" It is a fraction: use {value / 100:g} for {value:g}%."
                if isinstance(value, numbers.Real) and 1 < value < 100 else "")
        raise AnalysisInputError.about(name, expected, repr(value), fix + hint)
    return float(value)


def check_level(level, name: str = "ci") -> float:
    """Check a confidence level, a fraction strictly between 0 and 1."""
    return _check_fraction(level, name, "a fraction in (0, 1), e.g. 0.95", "Pass a level such as 0.9 or 0.95.")


def check_alpha(alpha, name: str = "alpha") -> float:
    """Check a miscoverage or significance level ``alpha``, a fraction strictly between 0 and 1."""
    return _check_fraction(alpha, name, "a miscoverage or significance level in (0, 1), e.g. 0.05 or 0.1",
                           "Pass alpha = 1 - the confidence level, such as 0.1 for 90% intervals.")


def check_integer(n, name: str, *, minimum: int = 1) -> int:
    """Check an integer argument (a count, a number of resamples, ...) is >= ``minimum``."""
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < minimum:
        raise AnalysisInputError.about(
            name, f"an integer >= {minimum}", repr(n), f"Pass a whole number of at least {minimum}.",
        )
    return int(n)


def check_path(path, name: str = "path") -> Path:
    """``path`` as a :class:`~pathlib.Path`: a string or path-like object, not a number or a file object."""
    if not isinstance(path, str | os.PathLike):
        raise AnalysisInputError.about(name, "a file or folder path (a string or pathlib.Path)",
                                       type(path).__name__, "Pass the path as text, e.g. 'results/'.")
    return Path(path)


def check_choice(value, name: str, options: Sequence[str]) -> str:
    """Check that ``value`` is one of ``options``."""
    if value not in options:
        raise AnalysisInputError.about(
            name, "one of " + ", ".join(repr(o) for o in options), repr(value),
            "Pick one of the listed options.",
        )
    return value
