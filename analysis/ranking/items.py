"""Leaderboards from sample-level results: the task table of a tidy table, and rank intervals over items.

A tidy table has one row per (model, task, item) with a score (``correct``,
0/1, or any number). Its leaderboard is the table of each model's mean score
per task; resampling the items of each task, the same items for every model,
shows how much of the leaderboard is the luck of the test items, which the
task bootstrap of :func:`bootstrap_ranks` does not see.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._resample import bootstrap_counts, map_batches
from .._samples import complete_items, in_memory
from .._validation import check_columns, check_integer, check_level, check_rng, is_dask
from ..errors import AnalysisInputError
from .aggregate import aggregate
from .uncertainty import RankIntervals, rank_intervals

__all__ = ["item_bootstrap_ranks", "task_table"]


def task_table(table: pd.DataFrame, *, model: str = "model", task: str = "task", item: str = "item",
               score: str = "correct") -> pd.DataFrame:
    """Each model's mean score per task, shape ``(models, tasks)``: the leaderboard that ``aggregate`` takes.

    ``table`` (pandas or Dask) has one row per (model, task, item); every model
    must be scored on every item of a task, so the means compare the models on
    the same items.
    """
    if is_dask(table):
        out = _dask_task_table(table, model, task, item, score)
    else:
        rows = complete_items(table, model, [task, item], score)
        out = rows.pivot_table(index=model, columns=task, values=score, aggfunc="mean", sort=True)
    out.index.name, out.columns.name = "system", "task"
    return out


def _dask_task_table(table, model: str, task: str, item: str, score: str) -> pd.DataFrame:
    """The task table of a Dask table, by Dask's own group-by reductions, with the same checks."""
    import dask

    check_columns(table, [model, task, item, score], name="table")
    if not pd.api.types.is_numeric_dtype(table[score].dtype) and not pd.api.types.is_bool_dtype(table[score].dtype):
        raise AnalysisInputError.about(score, "numbers", f"values of type {table[score].dtype}",
                                       "Convert the column to numbers first.")
    by_item = table.groupby([task, item])[model]
    nulls, rows, distinct, means = dask.compute(table[[model, task, item, score]].isna().sum(), by_item.count(),
                                                by_item.nunique(), table.groupby([model, task])[score].mean())
    if nulls.any():
        column = nulls.index[nulls.to_numpy() > 0][0]
        raise AnalysisInputError.about(column, "a value in every row", f"{int(nulls[column])} missing",
                                       "Fill or drop those rows first; nothing is dropped silently.")
    rows, distinct = rows.sort_index(), distinct.sort_index()
    if (rows != distinct).any():
        raise AnalysisInputError.about("table", "one row per (model, task, item)",
                                       f"{int((rows - distinct).sum())} duplicated",
                                       "Keep one filter, epoch or trial per item, or average them first.")
    n_models = means.index.get_level_values(0).nunique()
    if (distinct < n_models).any():
        (t, i), seen = distinct[distinct < n_models].index[0], int(distinct[distinct < n_models].iloc[0])
        raise AnalysisInputError.about("table", "every model scored on every item of its task",
                                       f"item {i!r} of task {t!r} scored for {seen} of {n_models} models",
                                       "Keep the items every model answered.")
    return means.unstack(task).sort_index().sort_index(axis=1)


def item_bootstrap_ranks(table: pd.DataFrame, method: str = "mean", *, model: str = "model", task: str = "task",
                         item: str = "item", score: str = "correct", cluster: str | None = None,
                         n_boot: int = 1000, ci: float = 0.95, k: int = 1, rng=None, progress=None, n_jobs=None,
                         **aggregate_kw) -> RankIntervals:
    """Rank intervals from resampling the items of each task, the same items for every model.

    Each replicate draws every task's items with replacement (a stratified,
    paired bootstrap), recomputes the :func:`task_table` and aggregates it with
    ``method`` (and ``aggregate_kw``, as :func:`aggregate`). With ``cluster``,
    a column grouping the items of a task that are not independent (questions
    on one passage, variants of one prompt), whole clusters are drawn within
    each task and a task's mean is its drawn items' mean (the cluster
    bootstrap; its intervals are wider when clustered items agree). ``n_jobs``
    runs the aggregations through joblib (on a Dask cluster inside
    ``joblib.parallel_config(backend="dask")``), with the same numbers. A
    Dask ``table`` gives the columns these read, computed (the resampled
    item matrix holds one cell per row anyway).

    Returns
    -------
    RankIntervals
        As from :func:`bootstrap_ranks`, with ``unit="items within tasks"``.
    """
    n_boot = check_integer(n_boot, "n_boot", minimum=2)
    ci = check_level(ci, "ci")
    k = check_integer(k, "k")
    rng = check_rng(rng)
    table = in_memory(table, [model, task, item, score] + ([cluster] if cluster else []))
    rows = complete_items(table, model, [task, item], score)
    cube = rows.pivot_table(index=[task, item], columns=model, values=score, sort=True)  # (items, models)
    tasks = cube.index.get_level_values(0)
    full = aggregate(cube.groupby(level=0).mean().T, method, **aggregate_kw)  # the task table
    systems = cube.columns
    strata = pd.factorize(tasks, sort=True)[0]
    if cluster is None:
        counts = bootstrap_counts(len(cube), n_boot=n_boot, rng=rng, strata=strata).astype(float)  # (n_boot, items)
    else:
        counts = _cluster_counts(table, cube.index, task, item, cluster, strata, n_boot, rng)
    values = cube.to_numpy()
    means = np.stack([counts[:, strata == t] @ values[strata == t] / counts[:, strata == t].sum(axis=1)[:, None]
                      for t in range(strata.max() + 1)], axis=2)  # (n_boot, models, tasks)
    names = pd.Index(sorted(set(tasks)), name="task")

    def evaluate(batch):
        return [aggregate(pd.DataFrame(means[b], index=systems, columns=names), method, **aggregate_kw)
                .scores.loc[systems].to_numpy() for b in batch]

    batches = [range(a, min(a + 50, n_boot)) for a in range(0, n_boot, 50)]
    replicates = np.concatenate(map_batches(evaluate, batches, len(batches), n_jobs=n_jobs, progress=progress,
                                              desc="items"))
    return rank_intervals(full, replicates, systems, method=method, ci=ci, k=k, unit="items within tasks")


def _cluster_counts(table: pd.DataFrame, index: pd.MultiIndex, task: str, item: str, cluster: str,
                    strata: np.ndarray, n_boot: int, rng) -> np.ndarray:
    """How often each item of ``index`` is drawn when whole clusters are drawn within each task, ``(n_boot, items)``."""
    check_columns(table, [cluster], name="table")
    labels = table.drop_duplicates([task, item]).set_index([task, item])[cluster]
    if labels.isna().any():
        raise AnalysisInputError.about(cluster, "a cluster for every item", f"{int(labels.isna().sum())} missing",
                                       "Give each item its own cluster if it has none.")
    consistent = table.groupby([task, item])[cluster].nunique() == 1
    if not consistent.all():
        t, i = consistent.index[~consistent.to_numpy()][0]
        raise AnalysisInputError.about(cluster, "one cluster per item", f"several for item {i!r} of task {t!r}",
                                       "Give every model's row of an item the same cluster.")
    codes = labels.loc[index].to_numpy()
    counts = np.empty((n_boot, len(index)))
    for t in range(strata.max() + 1):  # clusters are drawn within their task
        members = np.flatnonzero(strata == t)
        local, n_clusters = pd.factorize(codes[members])[0], len(set(codes[members]))
        drawn = np.apply_along_axis(np.bincount, 1, rng.integers(0, n_clusters, (n_boot, n_clusters)),
                                    minlength=n_clusters)
        counts[:, members] = drawn[:, local]
    return counts
