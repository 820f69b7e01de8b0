"""How sure is a leaderboard: bootstrap intervals on ranks, stability under task subsampling."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from .._resample import bootstrap
from .._results import Result
from .._validation import check_integer, check_rng
from ..errors import AnalysisInputError
from .aggregate import _check_scores, aggregate
from .correlations import kendall_tau
from .stability import StabilityCurve

__all__ = ["RankIntervals", "bootstrap_ranks", "task_subsampling"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class RankIntervals(Result):
    """Ranks of the systems with bootstrap intervals.

    Attributes
    ----------
    table : DataFrame
        Indexed by system, best first: ``rank`` (on the full data), ``low`` and
        ``high`` (percentile interval of the bootstrap ranks), ``p_top_k`` (share
        of resamples in which the system ranks in the top ``k``).
    replicate_ranks : DataFrame
        One row per resample, one column per system.
    k, ci : int, float
    method : str
    """

    table: pd.DataFrame
    replicate_ranks: pd.DataFrame
    k: int
    ci: float
    method: str

    @property
    def title(self) -> str:
        return f"Rank intervals ({self.method}, {len(self.replicate_ranks)} resamples of tasks)"

    def to_frame(self) -> pd.DataFrame:
        return self.table.reset_index(names="system")

    def plot(self, ax=None):
        """Each system's rank with its interval, best at the top; returns the Axes."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        y = np.arange(len(self.table))
        t = self.table
        ax.errorbar(t["rank"], y, xerr=[t["rank"] - t["low"], t["high"] - t["rank"]], fmt="o", ms=3, capsize=2)
        ax.set_yticks(y, [str(s) for s in t.index])
        ax.invert_yaxis()
        ax.set(xlabel=f"rank ({self.ci:.0%} bootstrap interval)")
        return ax


def bootstrap_ranks(
    scores, method: str = "mean", *, n_boot: int = 1000, ci: float = 0.95, k: int = 1, rng=None, progress=None,
    **aggregate_kw,
) -> RankIntervals:
    """Resample the tasks (columns) with replacement, re-aggregate, and collect each system's rank.

    ``method`` and ``aggregate_kw`` go to :func:`aggregate`. The mean of raw
    scores is vectorised over resamples; other methods are re-aggregated per
    resample.
    """
    scores = _check_scores(scores)
    k = check_integer(k, "k")
    full = aggregate(scores, method, **aggregate_kw)
    tasks = scores.to_numpy(dtype=float).T  # resampled along axis 0
    higher_is_better = method != "mean_rank"

    def to_ranks(stat):
        return stats.rankdata(-stat if higher_is_better else stat, method="min", axis=1)

    if method == "mean" and aggregate_kw.get("normalise", "raw") == "raw" and not np.isnan(tasks).any():
        def statistic(values, weights):
            return to_ranks(weights @ values / weights.sum(axis=1, keepdims=True))

        result = bootstrap(statistic, tasks, n_boot=n_boot, ci=ci, weighted=True, rng=rng, progress=progress)
    else:
        def statistic(batch):
            stat = [aggregate(pd.DataFrame(b.T, index=scores.index), method, **aggregate_kw).loc[scores.index, "score"]
                    for b in batch]
            return to_ranks(np.array(stat))

        result = bootstrap(statistic, tasks, n_boot=n_boot, ci=ci, rng=rng, progress=progress, batch_size=50)
    ranks = pd.DataFrame(result.replicates, columns=scores.index)
    table = pd.DataFrame({
        "rank": full["rank"], "low": ranks.quantile((1 - ci) / 2).loc[full.index],
        "high": ranks.quantile((1 + ci) / 2).loc[full.index], "p_top_k": (ranks <= k).mean().loc[full.index],
    })
    return RankIntervals(table, ranks, k, ci, method)


def task_subsampling(scores, n_tasks, *, method: str = "mean", n_draws: int = 200, rng=None,
                     **aggregate_kw) -> StabilityCurve:
    """Rank on random subsets of ``n_tasks`` tasks (without replacement) and compare with the full ranking.

    ``n_tasks``: an int or a list of ints (each at most the number of tasks).
    Ties in a ranking count as ties for Kendall's tau-b.
    """
    scores = _check_scores(scores)
    n_draws = check_integer(n_draws, "n_draws")
    rng = check_rng(rng)
    sizes = [check_integer(int(k), "n_tasks") for k in np.atleast_1d(n_tasks)]
    if max(sizes) > scores.shape[1]:
        raise AnalysisInputError.about("n_tasks", f"at most {scores.shape[1]} tasks", f"{max(sizes)}",
                                       "Keep no more tasks than the table has.")
    full = aggregate(scores, method, **aggregate_kw)["score"].loc[scores.index].to_numpy()
    rows = []
    for size in sizes:
        for _ in range(n_draws):
            keep = rng.choice(scores.shape[1], size, replace=False)
            sub = aggregate(scores.iloc[:, keep], method, **aggregate_kw)["score"].loc[scores.index].to_numpy()
            rows.append({"n_tasks": size, "tau": kendall_tau(full, sub), "n_ranked": len(scores)})
    return StabilityCurve(pd.DataFrame(rows), "n_tasks", method)
