"""How sure is a leaderboard: bootstrap intervals on ranks, stability under task subsampling."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from .._resample import bootstrap, percentile_interval
from .._validation import check_array, check_integer, check_level, check_rng
from ..errors import AnalysisInputError
from ._inputs import check_scores
from .aggregate import aggregate
from .correlations import kendall_tau
from .result import Ranking, ranking_table
from .stability import StabilityCurve

__all__ = ["RankIntervals", "bootstrap_ranks", "normal_rank_intervals", "task_subsampling"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class RankIntervals(Ranking):
    """Ranks and scores of the systems with bootstrap intervals.

    Attributes
    ----------
    table : DataFrame
        As in :class:`Ranking`, best first: ``score`` and ``rank`` on the full
        data, ``low`` and ``high`` (percentile interval of the bootstrap
        scores), ``rank_low`` and ``rank_high`` (of the bootstrap ranks),
        ``p_top_k`` (share of resamples in which the system ranks in the top
        ``k``), ``arena_rank`` (1 + the number of systems whose score interval
        lies wholly above this one's) and ``tied_with_best`` (no such system).
    method : str
    replicate_ranks : DataFrame
        One row per resample, one column per system.
    k, ci : int, float
    unit : str
        What was resampled: ``"tasks"`` or ``"task clusters"``.
    """

    replicate_ranks: pd.DataFrame
    k: int
    ci: float
    unit: str

    @property
    def title(self) -> str:
        return f"Rank intervals ({self.method}, {len(self.replicate_ranks)} resamples of {self.unit})"

    def plot(self, *, ax=None, top: int | None = None):
        """Each system's rank with its interval, best at the top; the ``top`` best only, if given.

        Returns the Axes.
        """
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        ax = ax if ax is not None else plt.gca()
        n = len(self.table)
        t = self.table.head(n if top is None else check_integer(top, "top"))
        y = np.arange(len(t))
        ax.errorbar(t["rank"], y, xerr=[t["rank"] - t["rank_low"], t["rank_high"] - t["rank"]], fmt="o", ms=3,
                    capsize=2)
        ax.set_yticks(y, [str(s) for s in t.index])
        ax.set_ylim(len(t) - 0.5, -0.5)
        worst = t["rank_high"].max()
        ticks = [k for k in MaxNLocator(integer=True, steps=[1, 2, 5, 10]).tick_values(1, worst) if k >= 1]
        ax.set_xlim(0.5, worst + 0.5)
        ax.set_xticks(ticks if ticks[0] == 1 else [1, *ticks])
        ax.set(xlabel=f"{self.method} rank ({self.ci:.0%} interval)")
        if len(t) < n:
            ax.set_title(f"top {len(t)} of {n} systems", loc="left")
        return ax


def bootstrap_ranks(
    scores, method: str = "mean", *, n_boot: int = 1000, ci: float = 0.95, k: int = 1, clusters=None, rng=None,
    progress=None, **aggregate_kw,
) -> RankIntervals:
    """Resample the tasks (columns) with replacement, re-aggregate, and collect each system's score and rank.

    ``clusters``: one label per task (array-like in column order, or a Series
    indexed by task) to resample whole groups of tasks, e.g. the folds of one
    data set, whose results are correlated. ``method`` and ``aggregate_kw`` go
    to :func:`aggregate`. The mean of raw scores is vectorised over resamples;
    other methods are re-aggregated per resample.
    """
    scores = check_scores(scores)
    k = check_integer(k, "k")
    if isinstance(clusters, pd.Series):
        missing = scores.columns.difference(clusters.index)
        if len(missing):
            raise AnalysisInputError.about("clusters", "a label for every task", f"none for {list(missing)[:5]}",
                                           "Index the Series by the score columns.")
        clusters = clusters.loc[scores.columns].to_numpy()
    full = aggregate(scores, method, **aggregate_kw)
    tasks = scores.to_numpy(dtype=float).T  # resampled along axis 0

    if method == "mean" and aggregate_kw.get("normalise", "raw") == "raw" and not np.isnan(tasks).any():
        def statistic(values, weights):
            return weights @ values / weights.sum(axis=1, keepdims=True)
        batch_size = None
    else:
        def statistic(values, weights):
            return np.array([
                aggregate(pd.DataFrame(np.repeat(values, w.astype(int), axis=0).T, index=scores.index), method,
                          **aggregate_kw).scores.loc[scores.index]
                for w in weights])
        batch_size = 50
    result = bootstrap(statistic, tasks, n_boot=n_boot, ci=ci, weighted=True, clusters=clusters, rng=rng,
                       progress=progress, batch_size=batch_size)
    return rank_intervals(full, result.replicates, scores.index, method=method, ci=ci, k=k,
                          unit="tasks" if clusters is None else "task clusters")


def rank_intervals(full, replicates: np.ndarray, systems: pd.Index, *, method: str, ci: float, k: int,
                   unit: str) -> RankIntervals:
    """:class:`RankIntervals` from the full-data ranking and replicate scores ``(n_boot, systems)``.

    ``systems`` names the replicates' columns; for ``method="mean_rank"`` lower scores are better.
    """
    sign = -1.0 if method == "mean_rank" else 1.0
    ranks = pd.DataFrame(stats.rankdata(-sign * replicates, method="min", axis=1), columns=systems)
    interval = percentile_interval(replicates, ci=ci)
    score_low, score_high = (pd.Series(v, index=systems) for v in (interval.low, interval.high))
    worst, best = (score_low, score_high) if sign > 0 else (-score_high, -score_low)
    better = pd.Series((worst.to_numpy()[None, :] > best.to_numpy()[:, None]).sum(axis=1), index=systems)
    index = full.systems
    table = full.table.assign(
        low=score_low.loc[index], high=score_high.loc[index], rank_low=ranks.quantile((1 - ci) / 2).loc[index],
        rank_high=ranks.quantile((1 + ci) / 2).loc[index], p_top_k=(ranks <= k).mean().loc[index],
        arena_rank=1 + better.loc[index], tied_with_best=better.loc[index] == 0,
    )
    return RankIntervals(table, full.method, ranks, k, ci, unit)


def normal_rank_intervals(scores, standard_errors, *, n_draws: int = 10_000, ci: float = 0.95, k: int = 1,
                          rng=None) -> RankIntervals:
    """Rank intervals from published scores and their standard errors, by drawing each score from its normal.

    For leaderboards that publish ``score +- standard error`` per system
    (AlpacaEval, the Open LLM Leaderboard) but not the samples behind them.
    Each draw takes every system's score independently from
    ``N(score, standard_error^2)`` and ranks them; systems evaluated on the same
    items are correlated in truth, so the intervals are conservative for
    close systems when their errors are positively correlated.

    Parameters
    ----------
    scores, standard_errors : Series indexed by system (or array-likes of one length)
    n_draws : int
    ci : float
    k : int
        ``p_top_k`` is the share of draws that put a system in the top ``k``.
    rng : None, int or Generator
    """
    names = scores.index if isinstance(scores, pd.Series) else pd.RangeIndex(len(np.asarray(scores)))
    mean = check_array(scores, "scores", ndim=1)
    se = check_array(standard_errors, "standard_errors", ndim=1)
    if isinstance(standard_errors, pd.Series) and isinstance(scores, pd.Series):
        if not standard_errors.index.equals(scores.index):
            raise AnalysisInputError.about("standard_errors", "the systems of scores, in the same order",
                                           "another index", "Align them: standard_errors.loc[scores.index].")
    if len(se) != len(mean) or len(mean) < 2:
        raise AnalysisInputError.about("standard_errors", f"{len(mean)} values, one per system (2 or more)",
                                       f"{len(se)}", "Pass one standard error per score.")
    if (se < 0).any():
        raise AnalysisInputError.about("standard_errors", "non-negative numbers", f"{int((se < 0).sum())} negative",
                                       "Pass standard errors, not signed differences.")
    n_draws = check_integer(n_draws, "n_draws", minimum=2)
    k = check_integer(k, "k")
    rng = check_rng(rng)
    full = Ranking(ranking_table(mean, names), "published score")
    replicates = mean + se * rng.standard_normal((n_draws, len(mean)))
    return rank_intervals(full, replicates, pd.Index(names, name="system"), method="mean", ci=check_level(ci),
                          k=k, unit="normal draws from the standard errors")


def task_subsampling(scores, n_tasks, *, method: str = "mean", n_draws: int = 200, rng=None,
                     **aggregate_kw) -> StabilityCurve:
    """Rank on random subsets of ``n_tasks`` tasks (without replacement) and compare with the full ranking.

    ``n_tasks``: an int or a list of ints (each at most the number of tasks).
    Ties in a ranking count as ties for Kendall's tau-b.
    """
    scores = check_scores(scores)
    n_draws = check_integer(n_draws, "n_draws")
    rng = check_rng(rng)
    sizes = [check_integer(int(k), "n_tasks") for k in np.atleast_1d(n_tasks)]
    if max(sizes) > scores.shape[1]:
        raise AnalysisInputError.about("n_tasks", f"at most {scores.shape[1]} tasks", f"{max(sizes)}",
                                       "Keep no more tasks than the table has.")
    full = aggregate(scores, method, **aggregate_kw).scores.loc[scores.index].to_numpy()
    rows = []
    for size in sizes:
        for _ in range(n_draws):
            keep = rng.choice(scores.shape[1], size, replace=False)
            sub = aggregate(scores.iloc[:, keep], method, **aggregate_kw).scores.loc[scores.index].to_numpy()
            rows.append({"n_tasks": size, "tau": kendall_tau(full, sub), "n_ranked": len(scores)})
    return StabilityCurve(pd.DataFrame(rows), "n_tasks", method)
