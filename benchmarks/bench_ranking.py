"""Rank correlation and Bradley-Terry against scipy and choix on the same input."""

import choix
import numpy as np
from scipy import stats

from analysis.ranking import bradley_terry, kendall_tau, win_matrix

from run import Case

rng = np.random.default_rng(0)
x = rng.integers(0, 1000, 1_000_000).astype(float)
y = x + rng.normal(0, 300, x.size)

strength = np.linspace(-2, 2, 50)
i, j = rng.integers(0, 50, 200_000), rng.integers(0, 50, 200_000)
i, j = i[i != j], j[i != j]
i_wins = rng.uniform(size=i.size) < 1 / (1 + np.exp(strength[j] - strength[i]))
winner, loser = np.where(i_wins, i, j), np.where(i_wins, j, i)


def ours_bt():
    return bradley_terry(win_matrix(winner, loser, 50)).scores


def choix_bt():
    scores = choix.ilsr_pairwise(50, np.column_stack([winner, loser]), tol=1e-12)
    return scores - scores.mean()


CASES = [
    Case("Kendall tau-b, n=1e6 with ties", lambda: kendall_tau(x, y), lambda: stats.kendalltau(x, y).statistic,
         "scipy.stats.kendalltau", repeat=2),
    Case("Bradley-Terry MLE, 50 items, 2e5 comparisons", ours_bt, choix_bt, "choix.ilsr_pairwise", repeat=2),
]
