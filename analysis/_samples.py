"""Checks of a tidy sample-level table shared by the themes: one row per (model, item), every model on every item."""

from __future__ import annotations

import pandas as pd

from ._validation import check_array, check_columns, is_dask
from .errors import AnalysisInputError

__all__ = ["complete_items", "in_memory"]


def in_memory(table, columns: list) -> pd.DataFrame:
    """``table`` itself, or, for a Dask table, its ``columns`` computed: for the functions whose work is on a
    (models, items) matrix that holds one cell per row anyway, so only the columns they read need memory."""
    if not is_dask(table):
        return table
    check_columns(table, columns, name="table")
    return table[columns].compute()


def complete_items(table: pd.DataFrame, model: str, item: list, score: str) -> pd.DataFrame:
    """The rows ``model``, ``*item``, ``score`` checked: names present, a number each, one row per (model, item),
    and every model scored on every item (``item[0]``, when there are several item columns, is the task)."""
    check_columns(table, [model, *item, score], name="table")
    values = check_array(table[score], score, ndim=1)
    rows = table[[model, *item]].assign(**{score: values})
    for column in (model, *item):
        if rows[column].isna().any():
            raise AnalysisInputError.about(column, "a name in every row", f"{int(rows[column].isna().sum())} missing",
                                           "Fill or drop the rows without one.")
    duplicated = rows.duplicated([model, *item])
    if duplicated.any():
        first = rows.loc[duplicated, [model, *item]].iloc[0].tolist()
        raise AnalysisInputError.about("table", f"one row per ({model}, {', '.join(item)})",
                                       f"{int(duplicated.sum())} duplicated, e.g. {first}",
                                       "Keep one filter, epoch or trial per item, or average them first.")
    counts = rows.groupby(item, sort=False)[model].size()
    n_models = rows[model].nunique()
    if (counts < n_models).any():
        where, seen = counts[counts < n_models].index[0], int(counts[counts < n_models].iloc[0])
        where = where if isinstance(where, tuple) else (where,)
        label = f"item {where[1]!r} of task {where[0]!r}" if len(item) == 2 else f"item {where}"
        raise AnalysisInputError.about("table", "every model scored on every item of its task",
                                       f"{label} scored for {seen} of {n_models} models",
                                       "Keep the items every model answered (or use plackett_luce_samples for "
                                       "sparse results).")
    return rows
