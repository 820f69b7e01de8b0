# ---
# jupyter:
#   jupytext:
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Sparse and pairwise evaluation
#
# Leaderboards increasingly run each test item on only a few systems (costly
# models, ever-growing pools), or collect pairwise battles instead of scores.
# How much ranking survives? We measure it on real sample-level results
# computed live: seven scikit-learn classifiers, each item of four bundled
# data sets predicted out of fold, scored by the probability given to the
# true class.
#
# - Plackett-Luce turns each item into an ordering of the systems run on it
#   ('ONEBench to Test Them All', 2024) and fits one scale from all of them;
#   Bradley-Terry does the same from the pairs.
# - The ONEBench protocol drops a share of the measurements at random and asks
#   how close the ranking stays to the full-data one.
# - Arena-style battles: Bradley-Terry with bootstrap intervals, the systems
#   statistically tied with the best, and why online Elo depends on the order
#   of the battles.

# %% [markdown]
# ## Learning goals
#
# - Rank systems from item-level orderings (Plackett-Luce) and pairs
#   (Bradley-Terry), and see where ordinal and cardinal scales part.
# - Measure how a ranking degrades as measurements go missing, and read how
#   many systems a method could still rank.
# - Put intervals on arena-style ratings, and see why online Elo depends on the
#   order of the battles.

# %% tags=["parameters"]
n_splits = 5
n_draws = 20
n_boot = 200
seed = 0
figure_dir = "../build/figures/21_ranking_sparse"

# %%
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from analysis import style
from analysis.ranking import (
    aggregate,
    agreement_matrix,
    arena_ranking,
    battles_from_scores,
    bradley_terry,
    classifier_item_scores,
    elo_ratings,
    elo_scale,
    missing_data_stability,
    orderings_from_scores,
    plackett_luce,
    sample_battles,
    win_matrix,
)

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01
items = classifier_item_scores(n_splits=n_splits, rng=seed)
print(f"{items.shape[0]} systems x {items.shape[1]} items")
items.T.describe().T[["mean", "50%"]].round(3)

# %% [markdown]
# ## One scale, four ways
#
# Mean probability of the true class, Borda count over items, Bradley-Terry
# on the item-level pairs, Plackett-Luce on the item-level orderings.

# %%
battles = battles_from_scores(items)
bt = bradley_terry(win_matrix(battles.winner.to_numpy(), battles.loser.to_numpy(), len(items),
                              ties=battles.tie.to_numpy()), systems=items.index)
pl = plackett_luce(orderings_from_scores(items, rng=seed), len(items), systems=items.index)
scales = pd.DataFrame({"mean": aggregate(items).scores, "Borda": aggregate(items, "borda").scores,
                       "Bradley-Terry": bt.scores, "Plackett-Luce": pl.scores})
scales.sort_values("Plackett-Luce", ascending=False).round(3)

# %%
agreement_matrix(scales).round(2)

# %% [markdown]
# The ordinal methods disagree with the mean. They only ask who gave the true
# class more probability on each item, so a decision tree or naive Bayes,
# which put probability 1 on most answers, win most item-level duels (or tie
# among themselves) even though their confident mistakes cost them on the
# mean. Which scale is right depends on whether a near miss should count as a
# loss; the three ordinal methods agree with each other exactly.

# %% [markdown]
# ## Most measurements missing
#
# Drop 10% ... 99% of the (system, item) cells at random, re-fit, and compare
# with the full-data ranking (median and 5-95% band over draws). Plackett-Luce
# is fitted on the systems still linked to each other by orderings; at the
# sparsest levels fewer systems can be ranked at all.

# %%
fractions = [0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99]
curves = {method: missing_data_stability(items, fractions, method=method, n_draws=n_draws, rng=seed)
          for method in ("mean", "borda", "bradley_terry", "plackett_luce")}
names = {"mean": "mean", "borda": "Borda", "bradley_terry": "Bradley-Terry", "plackett_luce": "Plackett-Luce"}
with style.paper_figure(figure_dir / "missing_data", venue="neurips", width="column", aspect=0.62, nrows=2,
                        ncols=2, sharex=True, sharey=True) as (fig, axes):
    for ax, curve, color in zip(axes.flat, curves.values(), style.PALETTE):
        for other in curves.values():
            other.plot(ax=ax, show_band=False, color="0.8", lw=0.8, marker=None)
        curve.plot(ax=ax, ci=0.9, color=color)
        ax.set(xscale="logit")
        ax.set_xticks([0.1, 0.5, 0.9, 0.99], ["10%", "50%", "90%", "99%"])
        ax.xaxis.set_minor_formatter(NullFormatter())
    style.outer_labels(axes, xlabel="share of measurements dropped", ylabel=r"Kendall $\tau$")
    style.panel_labels(axes, names.values())
pd.DataFrame({m: c.taus.groupby("fraction_missing").n_ranked.mean() for m, c in curves.items()}).round(1)

# %% [markdown]
# Borda, Bradley-Terry and Plackett-Luce keep the full ranking (median tau 1)
# with 70% of the cells missing, while the mean already swaps a pair or two. At
# 99% missing all of them break down, and Plackett-Luce can rank almost no
# system (0.4 on average).

# %% [markdown]
# ## Arena-style battles
#
# Sample battles as an arena would: a random pair of systems on a random
# item, the higher probability of the true class wins. Intervals come from
# resampling the battles (multinomially) and refitting Bradley-Terry; the arena
# rank is 1 + the number of systems whose interval lies entirely above.

# %%
rng = np.random.default_rng(seed)
arenas = {}
for n_battles in (500, 5000):
    sampled = sample_battles(items, n_battles, rng=rng)
    arenas[n_battles] = arena_ranking(sampled.winner, sampled.loser, len(items), ties=sampled.tie,
                                      systems=items.index, n_boot=n_boot, prior=1.0, rng=seed)
with style.paper_figure(figure_dir / "arena", venue="neurips", width="text", ncols=2, aspect=0.42,
                        sharey=True) as (fig, axes):
    for ax, arena in zip(axes, arenas.values()):
        arena.plot(ax=ax)
    style.panel_labels(axes, [f"{n} battles" for n in arenas])
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               title=f"bars: {arenas[500].ci:.0%} interval over resampled battles")
arenas[500].to_frame().round(3)

# %% [markdown]
# With 500 battles, 5-NN and the decision tree cannot be separated (both arena
# rank 1, first in 82% and 18% of the resamples); with 5000, 5-NN stands alone
# at the top and every interval is about a third as wide.

# %% [markdown]
# ## Elo depends on the order of the battles
#
# Online Elo updates after every battle, so the same battles in another order
# give other ratings. Averaging over shuffles removes most of that; the
# Bradley-Terry fit has no order at all.

# %%
single = pd.DataFrame({s: elo_ratings(sampled.winner, sampled.loser, len(items), ties=sampled.tie,
                                      systems=items.index, n_shuffles=1, rng=s).scores for s in range(20)})
averaged = elo_ratings(sampled.winner, sampled.loser, len(items), ties=sampled.tie, systems=items.index,
                       n_shuffles=100, rng=seed)
pd.DataFrame({"one order: min": single.min(axis=1), "one order: max": single.max(axis=1),
              "100 shuffles": averaged.scores, "Bradley-Terry on the Elo scale": elo_scale(arenas[5000].scores)}
             ).reindex(items.index).round(1)

# %% [markdown]
# Over 20 orders of the same battles, a system's single-order Elo rating moves
# by 33 to 58 points, more than the 43-point gap between 5-NN and the decision
# tree. Averaged over 100 shuffles, Elo lands within 4 points of the Bradley-
# Terry rating.

# %% [markdown]
# ## Summary
#
# - The three ordinal methods agree with each other exactly and disagree with
#   the mean probability: whether a near miss counts as a loss decides the
#   order.
# - Rankings survive most missing measurements; at 95% and 99% missing they
#   break down, and some methods rank only the systems still linked.
# - Battle-bootstrap intervals shrink with the number of battles; online Elo
#   moves with the order of the battles by as much as the gaps between some
#   systems.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** With 99% of the measurements dropped, Plackett-Luce keeps
# the highest median tau. Is it the best method there? Count the systems it
# ranks.

# %% tags=["solution"]
ranked = pd.DataFrame({m: c.taus.groupby("fraction_missing").n_ranked.mean() for m, c in curves.items()})
assert ranked.loc[0.99, "plackett_luce"] < 3 and ranked.loc[0.99, "mean"] == len(items)
ranked.loc[[0.9, 0.95, 0.99]]

# %% [markdown] tags=["solution"]
# *Answer.* No. At 99% missing, few systems remain linked to each other by
# orderings, and Plackett-Luce ranks only those: its tau describes a handful of
# systems, or none. Read a stability curve together with what it ranked.

# %% [markdown]
# **Exercise 2.** Elo from a single order of the battles: for how many pairs of
# neighbouring systems is the spread of a rating over 20 orders larger than the
# gap between the two systems' averaged ratings?

# %% tags=["solution"]
worst_first = averaged.systems[::-1]
spread = (single.max(axis=1) - single.min(axis=1)).loc[worst_first].to_numpy()
gaps = np.diff(averaged.scores.loc[worst_first].to_numpy())
unsettled = int(np.sum(np.maximum(spread[:-1], spread[1:]) > gaps))
assert unsettled >= 1
print(f"{unsettled} of {len(gaps)} neighbouring pairs; spreads {spread.round(0)}, gaps {gaps.round(0)}")

# %% [markdown] tags=["solution"]
# *Answer.* One pair here: the random forest and the RBF SVM, 39 points apart
# on average, while one order of the battles moves their ratings by up to 58
# points. The order alone can swap them. Average over shuffles, or fit
# Bradley-Terry, which has no order at all.
