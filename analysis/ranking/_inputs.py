"""Input checks shared by the ranking functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import csgraph

from ..errors import AnalysisInputError

__all__ = ["check_ford", "check_scores", "check_ties", "system_positions"]


def check_scores(scores, name: str = "scores") -> pd.DataFrame:
    """A systems x tasks score table as floats: unique systems and tasks, 2+ rows, finite scores or NaN.

    ``name`` is the argument's name in the messages.

    Missing cells may be NaN, None or ``pd.NA`` (nullable dtypes); they become
    NaN. Text, booleans or other objects in a cell are refused with the cell named.
    """
    if not isinstance(scores, pd.DataFrame):
        raise AnalysisInputError.about(
            name, "a DataFrame: systems as rows, tasks as columns", type(scores).__name__,
            "Wrap the matrix in pandas.DataFrame(values, index=systems, columns=tasks).",
        )
    if not scores.index.is_unique:
        dup = scores.index[scores.index.duplicated()].unique().tolist()
        raise AnalysisInputError.about(name, "one row per system", f"duplicated systems {dup}",
                                       "Merge or rename the duplicated rows.")
    if not scores.columns.is_unique:
        dup = scores.columns[scores.columns.duplicated()].unique().tolist()
        raise AnalysisInputError.about(name, "one column per task", f"duplicated tasks {dup}",
                                       "Rename or drop the duplicated columns.")
    if scores.shape[0] < 2 or scores.shape[1] < 1:
        raise AnalysisInputError.about(name, "at least 2 systems and 1 task", f"shape {scores.shape}",
                                       "Pass a larger table.")
    for task, column in scores.items():
        if pd.api.types.is_bool_dtype(column):
            raise AnalysisInputError.about(name, "numbers (NaN for a missing cell)", f"True/False in task {task!r}",
                                           "Pass the column as numbers, e.g. column.astype(float) if True means 1.")
        if not pd.api.types.is_numeric_dtype(column):
            present = column.dropna()
            bad = present[[not isinstance(v, int | float | np.number) or isinstance(v, bool | np.bool_)
                           for v in present]]
            if len(bad):
                raise AnalysisInputError.about(
                    name, "numbers (NaN for a missing cell)",
                    f"{bad.iloc[0]!r} for system {bad.index[0]!r}, task {task!r}",
                    "Convert the column with pandas.to_numeric(..., errors='coerce') if such cells mean 'missing'.")
    scores = scores.astype("float64")  # nullable dtypes' pd.NA becomes NaN
    values = scores.to_numpy()
    if np.isinf(values).any():
        raise AnalysisInputError.about(name, "finite scores or NaN for missing", "inf", "Replace inf.")
    with np.errstate(over="ignore"):
        overflows = not np.isfinite(np.nansum(np.square(values)))
    if overflows:  # means, spreads and z-scores would overflow
        raise AnalysisInputError.about(name, "scores whose squares fit in a float (below about 1e150)",
                                       f"values up to {np.nanmax(np.abs(values)):.3g}",
                                       "Rescale the scores (e.g. to their unit or to a share).")
    if np.isnan(values).all(axis=1).any():
        empty = scores.index[np.isnan(values).all(axis=1)].tolist()
        raise AnalysisInputError.about(name, "every system scored on some task", f"no scores for {empty}",
                                       "Drop those systems explicitly.")
    return scores


def system_positions(systems, index: pd.Index, name: str) -> np.ndarray:
    """Positions in ``index`` of ``systems`` (one name or a 1-d array of names), shaped like ``systems``."""
    values = np.asarray(systems)
    if values.ndim > 1 or values.size == 0:
        raise AnalysisInputError.about(name, "a system or a 1-d array of systems", f"shape {values.shape}",
                                       "Pass system names as they appear in the result's table.")
    positions = index.get_indexer(values.ravel())
    if (positions < 0).any():
        unknown = ", ".join(map(repr, values.ravel()[positions < 0][:5]))
        raise AnalysisInputError.about(name, "systems of the fit", f"unknown {unknown}",
                                       "Pass system names as they appear in the result's table: "
                                       + ", ".join(map(repr, index[:5])) + (", ..." if len(index) > 5 else "") + ".")
    return positions.reshape(values.shape)


def check_ties(ties) -> np.ndarray:
    """``ties`` as booleans: True/False or 1/0 only, no NaN."""
    values = np.asarray(ties)
    if values.dtype == bool:
        return values
    if values.dtype.kind in "iuf" and np.isin(values, (0, 1)).all():
        return values.astype(bool)
    raise AnalysisInputError.about("ties", "True/False or 1/0 for each comparison", f"values such as {values[:3]!r}",
                                   "Mark each tie with True or 1 and every other comparison with False or 0.")


def _reaches_all(adjacency: np.ndarray) -> bool:
    """Whether breadth-first search from item 0 along ``adjacency[i, j]`` (edge i -> j) reaches every item."""
    reached = np.zeros(len(adjacency), dtype=bool)
    reached[0] = True
    frontier = reached.copy()
    while frontier.any():
        new = adjacency[frontier].any(axis=0) & ~reached
        reached |= new
        frontier = new
    return bool(reached.all())


_FORD_FIX = ("Their scores would be infinite. Pass prior=1 (virtual ties between every pair) for finite, shrunk "
             "scores, or collect comparisons that connect the groups.")


def check_ford(w: np.ndarray, *, name: str = "wins", fix: str = _FORD_FIX) -> None:
    """Raise unless every item can be reached from every other through 'beats' edges."""
    beats = w > 0
    if _reaches_all(beats) and _reaches_all(beats.T):  # item 0 reaches every item and every item reaches it
        return
    n_components, _ = csgraph.connected_components(beats, directed=True, connection="strong")
    wins_, losses = w.sum(axis=1), w.sum(axis=0)
    unbeaten = np.flatnonzero((losses == 0) & (wins_ > 0))
    winless = np.flatnonzero((wins_ == 0) & (losses > 0))
    weak, _ = csgraph.connected_components((w + w.T) > 0, directed=False)
    if weak > 1:
        found = f"{weak} groups of items never compared with each other"
    elif len(unbeaten) or len(winless):
        found = f"unbeaten items {unbeaten.tolist()} and winless items {winless.tolist()}"
    else:
        found = f"{n_components} groups, one of which never beats another"
    raise AnalysisInputError.about(
        name, "comparisons satisfying Ford's condition (the maximum-likelihood scores exist)", found, fix)
