"""Friedman test with the Nemenyi post-hoc test, and the critical-difference diagram (Demsar 2006)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from .._results import Result
from .._validation import check_level
from ..errors import AnalysisInputError
from .aggregate import _check_scores

__all__ = ["CriticalDifference", "friedman_nemenyi"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class CriticalDifference(Result):
    """Mean ranks, the Friedman test and the Nemenyi critical difference.

    Attributes
    ----------
    mean_ranks : Series
        Mean rank per system over tasks (1 = best), sorted best first.
    statistic, p_value : float
        Friedman's chi-square (with scipy's tie correction) and its p-value.
    critical_difference : float
        ``q_alpha sqrt(k (k + 1) / (6 N))`` with ``q_alpha`` the exact studentized
        range quantile divided by sqrt(2).
    alpha : float
    cliques : list of list
        Maximal groups of systems, adjacent in mean rank, whose ranks differ by
        less than the critical difference (not significantly different).
    """

    mean_ranks: pd.Series
    statistic: float
    p_value: float
    critical_difference: float
    alpha: float
    cliques: list

    @property
    def title(self) -> str:
        return f"Friedman test and Nemenyi critical difference (alpha = {self.alpha:g})"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"system": self.mean_ranks.index, "mean_rank": self.mean_ranks.to_numpy()})

    @property
    def notes(self) -> tuple[str, ...]:
        return (f"Friedman chi-square {self.statistic:.3f}, p = {self.p_value:.3g}; "
                f"critical difference {self.critical_difference:.3f}",)

    def plot(self, ax=None):
        """Critical-difference diagram: systems on a mean-rank axis, cliques joined by bars; returns the Axes."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        ranks = self.mean_ranks
        k = len(ranks)
        ax.set_xlim(k + 0.5, 0.5)  # best (rank 1) on the right
        ax.set_ylim(0, 1)
        ax.plot([1, k], [0.8, 0.8], color="k", lw=0.8)
        for r in range(1, k + 1):
            ax.plot([r, r], [0.8, 0.83], color="k", lw=0.8)
            ax.text(r, 0.85, str(r), ha="center", fontsize=6)
        for position, (name, rank) in enumerate(ranks.items()):
            left_side = position >= k / 2
            y = 0.7 - 0.55 * (position if not left_side else k - 1 - position) / max(1, k / 2)
            ax.plot([rank, rank], [0.8, y], color="k", lw=0.6)
            x_text = 0.5 if not left_side else k + 0.5
            ax.plot([rank, x_text], [y, y], color="k", lw=0.6)
            ax.text(x_text, y, f" {name} ({rank:.2f}) ", ha="left" if not left_side else "right", va="center",
                    fontsize=6)
        for level, clique in enumerate(self.cliques):
            low, high = ranks[clique].min(), ranks[clique].max()
            ax.plot([low - 0.03, high + 0.03], [0.76 - 0.03 * level] * 2, color="0.3", lw=2.0)
        ax.plot([1, 1 + self.critical_difference], [0.95, 0.95], color="k", lw=1.0)
        ax.text(1 + self.critical_difference / 2, 0.97, f"CD = {self.critical_difference:.2f}", ha="center",
                fontsize=6)
        ax.axis("off")
        return ax


def friedman_nemenyi(scores, *, alpha: float = 0.05) -> CriticalDifference:
    """Friedman test over tasks and the Nemenyi critical difference of mean ranks.

    ``scores``: systems x tasks, higher is better, no missing cells.
    """
    scores = _check_scores(scores)
    values = scores.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise AnalysisInputError.about("scores", "a complete systems x tasks table", "missing cells",
                                       "The Friedman test needs every system on every task; drop or fill them.")
    level = check_level(1 - alpha, "alpha")
    k, n = values.shape
    ranks = stats.rankdata(-values, axis=0)  # 1 = best within each task, ties averaged
    mean_ranks = pd.Series(ranks.mean(axis=1), index=scores.index).sort_values(kind="stable")
    friedman = stats.friedmanchisquare(*values)
    q = stats.studentized_range.ppf(level, k, np.inf) / np.sqrt(2)
    cd = float(q * np.sqrt(k * (k + 1) / (6 * n)))
    sorted_ranks = mean_ranks.to_numpy()
    cliques, last_end = [], -1
    for start in range(k):
        end = int(np.searchsorted(sorted_ranks, sorted_ranks[start] + cd, side="left")) - 1
        if end > start and end > last_end:  # maximal: not inside the previous group
            cliques.append(list(mean_ranks.index[start : end + 1]))
            last_end = end
    return CriticalDifference(mean_ranks, float(friedman.statistic), float(friedman.pvalue), cd, float(alpha), cliques)
