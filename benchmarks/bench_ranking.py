"""Rank correlation and Bradley-Terry against scipy and choix on the same input; rank ranges against size."""

import time

import choix
import numpy as np
import pandas as pd
from scipy import stats

from analysis.ranking import bradley_terry, kendall_tau, rank_range, weighted_tau, win_matrix

from run import Case, Growth, Timed

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
         "scipy.stats.kendalltau", repeat=2, warmup=1),
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


def _battles(systems, battles, seed=1):
    """``battles`` Bradley-Terry battles among ``systems`` systems of normal strengths: (winners, losers)."""
    g = np.random.default_rng(seed)
    s = g.normal(0, 1, systems)
    a, b = g.integers(0, systems, battles), g.integers(0, systems, battles)
    a, b = a[a != b], b[a != b]
    first = g.uniform(size=a.size) < 1 / (1 + np.exp(s[b] - s[a]))
    return np.where(first, a, b), np.where(first, b, a)


def _bt_ours(systems, battles):
    w, lo = _battles(systems, battles)
    return Timed(*_timed(lambda: bradley_terry(win_matrix(w, lo, systems), tol=1e-12)))


def _bt_arenakit(systems, battles):
    from arenakit.schema import _counts

    w, lo = _battles(systems, battles)
    return Timed(*_timed(lambda: arenakit.fit_bt(_counts(w, lo, np.zeros(len(w), np.int8), systems), prior=0)))


def _leaderboard(systems, tasks=20, seed=2):
    """A leaderboard of one ability per system plus task-specific noise (80% of the variance shared)."""
    r = np.random.default_rng(seed)
    return pd.DataFrame(r.normal(size=(systems, 1)) + 0.5 * r.normal(size=(systems, tasks)))


def _timed(func):
    """``func()`` and its wall-clock time: the battles are drawn outside the timing."""
    start = time.perf_counter()
    out = func()
    return out, time.perf_counter() - start


GROWTH = [
    Growth("Kendall tau-b with ties, time against n", [10**4, 10**5, 10**6],
           lambda n: kendall_tau(x[:n], y[:n]), lambda n: stats.kendalltau(x[:n], y[:n]), "scipy"),
    Growth("Bradley-Terry MLE from battles, 200 systems, time against battles", [10**4, 10**5, 10**6],
           lambda n: _bt_ours(200, n), lambda n: _bt_arenakit(200, n), "arenakit", size_name="battles"),
    Growth("Bradley-Terry MLE from battles, 500 battles per system, time against systems", [20, 200, 2000],
           lambda s: _bt_ours(s, 500 * s), lambda s: _bt_arenakit(s, 500 * s), "arenakit", size_name="systems"),
    Growth("rank_range over the simplex of 20 task weights (exact, no anchor), time against systems",
           [12, 25, 50, 100], lambda s: rank_range(_leaderboard(s), progress=False), size_name="systems"),
]
