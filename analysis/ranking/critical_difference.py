"""Critical-difference diagrams: Friedman + Nemenyi (Demsar 2006) or pairwise Wilcoxon tests with Holm's
correction (Benavoli, Corani & Mangili 2016), which do not let the other systems change whether two differ."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from .._results import Result
from .._validation import check_alpha
from ..errors import AnalysisInputError
from ._inputs import check_scores

__all__ = ["CriticalDifference", "friedman_nemenyi", "wilcoxon_holm"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class CriticalDifference(Result):
    """Mean ranks, the Friedman test and the Nemenyi critical difference.

    Attributes
    ----------
    mean_ranks : Series
        Mean rank per system over tasks (1 = best), sorted best first.
    statistic, p_value : float
        Friedman's chi-square (with scipy's tie correction) and its p-value.
    critical_difference : float or None
        Nemenyi: ``q_alpha sqrt(k (k + 1) / (6 N))`` with ``q_alpha`` the exact
        studentized range quantile divided by sqrt(2); None for Wilcoxon-Holm.
    alpha : float
    cliques : list of list
        Maximal groups of systems, adjacent in mean rank, not significantly
        different from each other.
    p_values : DataFrame or None
        Wilcoxon-Holm: Holm-adjusted p-values of every pair.
    """

    mean_ranks: pd.Series
    statistic: float
    p_value: float
    critical_difference: float | None
    alpha: float
    cliques: list
    p_values: pd.DataFrame | None = None

    @property
    def title(self) -> str:
        if self.critical_difference is None:
            return f"Friedman test and pairwise Wilcoxon tests, Holm-corrected (alpha = {self.alpha:g})"
        return f"Friedman test and Nemenyi critical difference (alpha = {self.alpha:g})"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"system": self.mean_ranks.index, "mean_rank": self.mean_ranks.to_numpy()})

    @property
    def notes(self) -> tuple[str, ...]:
        tail = ("" if self.critical_difference is None
                else f"; critical difference {self.critical_difference:.3f}")
        return (f"Friedman chi-square {self.statistic:.3f}, p = {self.p_value:.3g}{tail}",)

    def plot(self, *, ax=None):
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
        if self.critical_difference is not None:
            ax.plot([1, 1 + self.critical_difference], [0.95, 0.95], color="k", lw=1.0)
            ax.text(1 + self.critical_difference / 2, 0.97, f"CD = {self.critical_difference:.2f}", ha="center",
                    fontsize=6)
        ax.axis("off")
        return ax


def friedman_nemenyi(scores, *, alpha: float = 0.05) -> CriticalDifference:
    """Friedman test over tasks and the Nemenyi critical difference of mean ranks.

    ``scores``: systems x tasks, higher is better, no missing cells.
    """
    scores = check_scores(scores)
    values = scores.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise AnalysisInputError.about("scores", "a complete systems x tasks table", "missing cells",
                                       "The Friedman test needs every system on every task; drop or fill them.")
    level = 1 - check_alpha(alpha)
    k, n = values.shape
    if k < 3:
        raise AnalysisInputError.about("scores", "at least 3 systems (the Friedman test compares 3 or more)",
                                       f"{k}", "Compare two systems with a paired test such as wilcoxon_holm.")
    if (values == values[:1]).all():
        raise AnalysisInputError.about("scores", "some task that tells the systems apart", "every task ties them all",
                                       "The Friedman statistic is undefined (0/0).")
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


def _maximal_groups(names, same: np.ndarray) -> list:
    """Maximal runs of systems (in mean-rank order) in which every pair is ``same`` (not different)."""
    k, groups, last_end = len(names), [], -1
    for start in range(k):
        end = start
        while end + 1 < k and same[start:end + 2, start:end + 2].all():
            end += 1
        if end > start and end > last_end:
            groups.append(list(names[start:end + 1]))
            last_end = end
    return groups


def wilcoxon_holm(scores, *, alpha: float = 0.05) -> CriticalDifference:
    """Pairwise Wilcoxon signed-rank tests over tasks, Holm-corrected, with the Friedman test beside them.

    Two systems differ when Holm's step-down rejects their pair at ``alpha``;
    cliques in the diagram join systems no test separates.
    """
    scores = check_scores(scores)
    values = scores.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise AnalysisInputError.about("scores", "a complete systems x tasks table", "missing cells",
                                       "The paired tests need every system on every task; drop or fill them.")
    check_alpha(alpha)
    ranks = stats.rankdata(-values, axis=0)
    mean_ranks = pd.Series(ranks.mean(axis=1), index=scores.index).sort_values(kind="stable")
    order = [scores.index.get_loc(name) for name in mean_ranks.index]
    k = len(order)
    pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
    raw = np.array([stats.wilcoxon(values[order[a]], values[order[b]]).pvalue
                    if np.any(values[order[a]] != values[order[b]]) else 1.0 for a, b in pairs])
    adjusted = multipletests(raw, alpha=alpha, method="holm")[1]
    table = np.ones((k, k))
    for (a, b), p in zip(pairs, adjusted):
        table[a, b] = table[b, a] = p
    names = np.asarray(mean_ranks.index)
    p_values = pd.DataFrame(table, index=names, columns=names)
    friedman = stats.friedmanchisquare(*values)
    return CriticalDifference(mean_ranks, float(friedman.statistic), float(friedman.pvalue), None, float(alpha),
                              _maximal_groups(names, table > alpha), p_values)
