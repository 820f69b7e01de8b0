"""Two-level aggregation of instance-level scores (Colombo et al., 'What are the best systems? New
perspectives on NLP Benchmarking', NeurIPS 2022).

Averaging raw scores over instances and then over tasks lets one task's scale
or one outlier instance dominate. Instead, each instance ranks the systems;
the instance rankings of a task are aggregated into the task's ranking (level
one), and the task rankings into the final one (level two), by Borda count or
by Kemeny consensus at both levels.
"""

from __future__ import annotations

import pandas as pd

from .._validation import check_choice, check_columns, check_rng
from ..errors import AnalysisInputError
from .aggregate import aggregate, kemeny
from .result import Ranking, ranking_table

__all__ = ["two_level_aggregate"]


def _level(scores: pd.DataFrame, method: str, rng) -> pd.Series:
    """A score per system from a systems x voters table (higher is better)."""
    return (aggregate(scores, "borda") if method == "borda" else kemeny(scores, rng=rng)).scores


def two_level_aggregate(instances: pd.DataFrame, *, method: str = "borda", rng=None) -> Ranking:
    """Rank systems from instance-level scores in two levels: instances into tasks, tasks into one ranking.

    Parameters
    ----------
    instances : DataFrame
        Long format, one row per (system, task, instance): columns ``system``,
        ``task``, ``instance``, ``score`` (higher is better). A system missing
        an instance is left out of that instance's ranking.
    method : {'borda', 'kemeny'}
        Used at both levels.

    Returns
    -------
    :class:`Ranking` whose table holds, besides ``score`` and ``rank`` of the
    final ranking, each task's level-one score.
    """
    check_choice(method, "method", ("borda", "kemeny"))
    check_rng(rng)  # checked here; each level's search starts from the same seed
    frame = check_columns(instances, ["system", "task", "instance", "score"], "instances")
    if frame.duplicated(["system", "task", "instance"]).any():
        raise AnalysisInputError.about("instances", "one score per (system, task, instance)", "duplicates",
                                       "Average repeated runs first, or give them distinct instance ids.")
    if method == "kemeny" and frame["score"].isna().any():
        raise AnalysisInputError.about("instances", "no missing scores for Kemeny", "NaN scores",
                                       "Drop them or use method='borda'.")
    per_task = {}
    for task, part in frame.groupby("task", sort=True):
        table = part.pivot(index="system", columns="instance", values="score")
        per_task[task] = _level(table, method, rng)
    tasks = pd.DataFrame(per_task)
    final = _level(tasks, method, rng).reindex(tasks.index)
    table = ranking_table(final.to_numpy(), tasks.index, **{str(task): tasks[task].to_numpy() for task in tasks})
    return Ranking(table, f"Two-level {'Borda' if method == 'borda' else 'Kemeny'}")
