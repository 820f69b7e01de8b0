"""Rank correlation and Bradley-Terry against scipy and choix on the same input."""

import choix
import numpy as np
from scipy import stats

from analysis.ranking import bradley_terry, kendall_tau, weighted_tau, win_matrix

from run import Case

rng = np.random.default_rng(0)
x = rng.integers(0, 1000, 1_000_000).astype(float)
y = x + rng.normal(0, 300, x.size)
x_cont = rng.normal(size=1_000_000)
y_cont = x_cont + rng.normal(size=x_cont.size)

strength = np.linspace(-2, 2, 50)
i, j = rng.integers(0, 50, 200_000), rng.integers(0, 50, 200_000)
i, j = i[i != j], j[i != j]
i_wins = rng.uniform(size=i.size) < 1 / (1 + np.exp(strength[j] - strength[i]))
winner, loser = np.where(i_wins, i, j), np.where(i_wins, j, i)


def ours_bt():
    return bradley_terry(win_matrix(winner, loser, 50)).scores.sort_index().to_numpy()


def choix_bt():
    scores = choix.ilsr_pairwise(50, np.column_stack([winner, loser]), tol=1e-12)
    return scores - scores.mean()


CASES = [
    Case("Kendall tau-b, n=1e6 with ties", lambda: kendall_tau(x, y), lambda: stats.kendalltau(x, y).statistic,
         "scipy.stats.kendalltau", repeat=2),
    Case("Weighted tau (additive hyperbolic), n=1e6", lambda: weighted_tau(x_cont, y_cont),
         lambda: stats.weightedtau(x_cont, y_cont).statistic, "scipy.stats.weightedtau", repeat=2),
    Case("Weighted tau (additive hyperbolic), n=1e6, ties in x", lambda: weighted_tau(x, y),
         lambda: stats.weightedtau(x, y).statistic, "scipy.stats.weightedtau", repeat=2),
    Case("Weighted tau (multiplicative), n=1e6", lambda: weighted_tau(x_cont, y_cont, additive=False),
         lambda: stats.weightedtau(x_cont, y_cont, additive=False).statistic, "scipy.stats.weightedtau", repeat=1),
    Case("Bradley-Terry MLE, 50 items, 2e5 comparisons", ours_bt, choix_bt, "choix.ilsr_pairwise", repeat=2),
]


# Bradley-Terry at arena scale: 200 systems, 1e6 battles (ties as half-wins), fitted from the battles.
import arenakit  # noqa: E402
import evalica  # noqa: E402
from arenakit.schema import Arena, Battle  # noqa: E402

from analysis.ranking import arena_ranking  # noqa: E402

big_strength = rng.normal(0, 1, 200)
a_big, b_big = rng.integers(0, 200, 1_000_000), rng.integers(0, 200, 1_000_000)
a_big, b_big = a_big[a_big != b_big], b_big[a_big != b_big]
first_wins = rng.uniform(size=a_big.size) < 1 / (1 + np.exp(big_strength[b_big] - big_strength[a_big]))
w_big, l_big = np.where(first_wins, a_big, b_big), np.where(first_wins, b_big, a_big)


def ours_bt_big():
    return bradley_terry(win_matrix(w_big, l_big, 200), tol=1e-12).scores.sort_index().to_numpy()


def arenakit_bt_big():
    from arenakit.schema import _counts

    counts = _counts(w_big, l_big, np.zeros(len(w_big), np.int8), 200)  # code 0: the first listed won
    scores = arenakit.fit_bt(counts, prior=0).scores
    return scores - scores.mean()


def evalica_bt_big():
    result = evalica.bradley_terry(w_big, l_big, [evalica.Winner.X] * len(w_big), index=None,
                                   tolerance=1e-12, limit=1000)
    scores = np.log(result.scores.sort_index().to_numpy())
    return scores - scores.mean()


# 100 bootstrap refits at 200 systems (1e5 battles): multinomial resampling of the battles
boot_w, boot_l = w_big[:100_000], l_big[:100_000]
boot_arena = Arena([Battle(model_a=str(a), model_b=str(b), winner="a") for a, b in zip(boot_w, boot_l)],
                   models=[str(i) for i in range(200)])


def ours_bootstrap():
    return arena_ranking(boot_w, boot_l, 200, n_boot=100, rng=0, progress=False).scores.sort_index().to_numpy()


def arenakit_bootstrap():
    fit = arenakit.bootstrap(boot_arena, fit=lambda counts: arenakit.fit_bt(counts, prior=0), n_resamples=100,
                             seed=0)
    point = fit.point
    return point - point.mean()


CASES += [
    Case("Bradley-Terry MLE, 200 systems, 1e6 battles", ours_bt_big, arenakit_bt_big, "arenakit.fit_bt", repeat=5),
    Case("Bradley-Terry MLE, 200 systems, 1e6 battles", ours_bt_big, evalica_bt_big, "evalica.bradley_terry",
         repeat=3),
    Case("Bradley-Terry MLE, 200 systems, 1e6 battles", ours_bt_big,
         lambda: (lambda s: s - s.mean())(choix.ilsr_pairwise(200, np.column_stack([w_big, l_big]), tol=1e-12)),
         "choix.ilsr_pairwise", repeat=1),
    Case("100 bootstrap refits, 200 systems, 1e5 battles (point scores compared)", ours_bootstrap,
         arenakit_bootstrap, "arenakit.bootstrap", repeat=1),
]
