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
# # How much can a leaderboard be trusted?
#
# A real leaderboard, computed live: seven scikit-learn classifiers on four
# bundled data sets, each split into stratified folds; every (data set, fold)
# is a task. We aggregate it the standard ways, measure how much the
# aggregations agree, put bootstrap intervals on the ranks, and read the same
# results as pairwise battles through Bradley-Terry. Then the same questions
# on a published leaderboard, HELM Lite, with a widget to drop scenarios or
# models.

# %% [markdown]
# ## Learning goals
#
# - Aggregate a score table in the standard ways (mean, z-scores, median,
#   mean rank, Borda, Copeland, Kemeny) and measure how far they agree.
# - Put bootstrap intervals on ranks, and resample whole clusters of tasks when
#   tasks are correlated.
# - Read a leaderboard as battles (Bradley-Terry) and test which differences
#   are real (critical-difference diagrams).

# %% tags=["parameters"]
n_splits = 5
n_boot = 1000
n_draws = 200
seed = 0
figure_dir = "../build/figures/20_ranking_leaderboard"

# %%
from pathlib import Path

import pandas as pd

from analysis import datasets, style
from analysis.ranking import (
    aggregate,
    agreement_matrix,
    battles_from_scores,
    bootstrap_ranks,
    bradley_terry,
    cardinal_sensitivity,
    classifier_benchmark,
    correlation_ci,
    diversity,
    friedman_nemenyi,
    kemeny,
    kendall_tau,
    leaderboard_change,
    ordinal_sensitivity,
    rank_biased_overlap,
    task_subsampling,
    weighted_tau,
    win_matrix,
)
from analysis.ranking.widgets import LeaderboardExplorer

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01
results = classifier_benchmark(n_splits=n_splits, rng=seed)
scores = results.pivot(index="model", columns="task", values="accuracy")
results.groupby(["model", "data_set"])["accuracy"].mean().unstack().round(3)

# %% [markdown]
# ## Five aggregations, five leaderboards?

# %%
methods = {
    "mean accuracy": aggregate(scores),
    "mean z-score": aggregate(scores, normalise="zscore"),
    "median": aggregate(scores, "median"),
    "mean rank": aggregate(scores, "mean_rank"),
    "Borda": aggregate(scores, "borda"),
    "Copeland": aggregate(scores, "copeland"),
}
consensus = kemeny(scores)
ranks = pd.DataFrame({name: ranking.ranks for name, ranking in methods.items()})
ranks["Kemeny"] = consensus.ranks
ranks.sort_values("Kemeny")

# %%
agreement_matrix(ranks).round(2)

# %% [markdown]
# All seven aggregations agree on the first two places and on the last two;
# they disagree on the middle three (LDA is third by mean accuracy, second by
# mean z-score, fifth by Copeland and Kemeny), and their Kendall taus range
# from 0.71 to 1.

# %% [markdown]
# ## Rank intervals
#
# Resampling the tasks shows which places the data actually support. The
# `arena_rank` is 1 + the number of systems whose score interval lies wholly
# above a system's own, as on LMSYS's arena leaderboard.

# %%
intervals = bootstrap_ranks(scores, n_boot=n_boot, k=1, rng=seed)
intervals

# %% [markdown]
# The folds of one data set are correlated, so treating them as independent
# tasks makes the intervals too narrow. Resampling whole data sets (clusters
# of tasks) keeps that correlation; with only four data sets it is a coarse
# bootstrap, but the honest one.

# %%
data_set_of = results.drop_duplicates("task").set_index("task")["data_set"]
by_data_set = bootstrap_ranks(scores, n_boot=n_boot, k=1, clusters=data_set_of, rng=seed)
pd.concat({"tasks resampled": intervals.table[["rank", "rank_low", "rank_high", "arena_rank"]],
           "data sets resampled": by_data_set.table[["rank_low", "rank_high", "arena_rank"]]}, axis=1)

# %%
with style.paper_figure(figure_dir / "rank_intervals", venue="icml", width="column", aspect=0.7) as (fig, ax):
    intervals.plot(ax=ax)

# %% [markdown]
# Only naive Bayes and the decision tree are pinned to their places: the first
# five all have arena rank 1, none separated from the RBF SVM. Resampling whole
# data sets widens the intervals further (5-NN's reaches sixth place).

# %% [markdown]
# ## Fewer tasks, different leaderboard?
#
# Rank on random subsets of the tasks and compare with the full ranking.

# %%
task_counts = [k for k in (2, 4, 8, 12, 16) if k <= scores.shape[1]]
stability = task_subsampling(scores, task_counts, n_draws=n_draws, rng=seed)
with style.paper_figure(figure_dir / "task_subsampling", venue="icml", width="column", aspect=0.6) as (fig, ax):
    stability.plot(ax=ax)
stability

# %% [markdown]
# With two of the twenty tasks, the ranking keeps a median tau of 0.59 to the
# full one; it takes sixteen to reach 0.90.

# %% [markdown]
# ## Critical-difference diagram
#
# The Friedman test asks whether the mean ranks differ at all; the Nemenyi
# critical difference says which pairs are too close to tell apart (joined
# by a bar).

# %%
cd = friedman_nemenyi(scores)
with style.paper_figure(figure_dir / "critical_difference", venue="icml", width="column", aspect=0.45) as (fig, ax):
    cd.plot(ax=ax)
cd

# %% [markdown]
# The Friedman test rejects equal ranks (p = 3e-8), but with a critical
# difference of 2.0 the diagram separates only the decision tree from the first
# five and naive Bayes from the RBF SVM; the first five cannot be told apart.

# %% [markdown]
# ## The same results as battles
#
# Every pair of models on every task is a battle (the higher accuracy wins; an
# equal accuracy is a tie). Bradley-Terry turns the battles into strengths.

# %%
battles = battles_from_scores(scores)
wins = win_matrix(battles["winner"].to_numpy(), battles["loser"].to_numpy(), len(scores), ties=battles["tie"])
bt = bradley_terry(wins, systems=scores.index)
bt.table.round(3)

# %% [markdown]
# Bradley-Terry orders the seven as the mean rank does, but spaces them
# unevenly: 0.86 between naive Bayes and the decision tree, 0.02 between the
# random forest and LDA.

# %% [markdown]
# ## A real leaderboard: HELM Lite
#
# 91 language models on HELM Lite's 10 scenarios (as shipped by the
# `benchbench` package; HELM's own aggregate left out). The scenarios use
# different metrics, so a raw mean weights them unequally: translation's
# BLEU-4 sits near 0.2 while exact-match scores reach 0.9. One cell is not
# reported; Kemeny needs a complete table, so for it that cell is filled with
# its scenario's mean (the other methods skip it). With 91 systems Kemeny is
# solved by local search, with its optimality gap printed.

# %%
helm = datasets.load_leaderboard("helm_lite")
helm_methods = {
    "mean": aggregate(helm, missing="ignore"),
    "mean z-score": aggregate(helm, normalise="zscore", missing="ignore"),
    "Borda": aggregate(helm, "borda"),
    "Copeland": aggregate(helm, "copeland"),
}
helm_kemeny = kemeny(helm.fillna(helm.mean()), rng=seed)
helm_ranks = pd.DataFrame({name: ranking.ranks for name, ranking in helm_methods.items()})
helm_ranks["Kemeny"] = helm_kemeny.ranks
print(*helm_kemeny.notes)
helm_ranks.sort_values("Borda").head(12)

# %% [markdown]
# HELM publishes its own aggregate, the mean win rate: per scenario, the share
# of the other models a model beats, averaged over scenarios. That is the Borda
# score here. Beside the published numbers (`datasets.load_published_aggregate`):

# %%
published = datasets.load_published_aggregate("helm_lite")
beside = pd.DataFrame({"HELM (published)": published, "Borda score (ours)": helm_methods["Borda"].scores}).reindex(
    published.index)
beside["difference"] = beside["Borda score (ours)"] - beside["HELM (published)"]
print(f"largest difference {beside['difference'].abs().max():.4f}; Kendall tau between the two orderings "
      f"{kendall_tau(beside.iloc[:, 0].to_numpy(), beside.iloc[:, 1].to_numpy()):.3f}")
beside.head(8).style.format({"HELM (published)": "{:.3f}", "Borda score (ours)": "{:.4f}", "difference": "{:+.4f}"})

# %% [markdown]
# Our Borda scores reproduce HELM's published win rates to within 0.003 for
# all 91 models. The table rounds scores to three decimals, so it holds ties
# that HELM's unrounded scores did not; each tie moves a win rate by a little.

# %%
agreement_matrix(helm_ranks).round(3)

# %% [markdown]
# BIG-Bench Extra Hard ranks models by the harmonic mean of their task
# accuracies (with 1 point added to each, so that a task at 0 does not zero
# the mean): a weak task costs more than a strong one earns. The arithmetic,
# geometric and harmonic means of HELM Lite, with the same offset:

# %%
means = {"arithmetic": aggregate(helm, missing="ignore"),
         "geometric": aggregate(helm, "geometric_mean", missing="ignore", offset=0.01),
         "harmonic": aggregate(helm, "harmonic_mean", missing="ignore", offset=0.01)}
mean_ranks = pd.DataFrame({name: ranking.ranks for name, ranking in means.items()})
print(agreement_matrix(mean_ranks).round(3).to_string())
mean_ranks.sort_values("harmonic").head(8)

# %% [markdown]
# The three means agree on the leader, but DeepSeek v3 falls from second by
# the arithmetic mean to seventh by the harmonic mean, and Qwen2.5 Instruct
# Turbo (7B) from 38th to 63rd: its 0.16 BLEU on translation weighs more than
# its 0.86 on OpenbookQA. Kendall's tau between the arithmetic and harmonic
# rankings is 0.88. On HELM Lite, whose scenarios use different metrics, a
# harmonic mean mostly rewards not being bad at translation.

# %% [markdown]
# Kendall's tau counts a swap among the last places like a swap at the top.
# Two top-weighted views of the same pairs of leaderboards: Vigna's weighted
# tau (hyperbolic weights, 1/(rank + 1)) and rank-biased overlap (p = 0.9).
# The intervals resample the models. A weighted tau above Kendall's tau means
# two leaderboards agree more near the top than further down.

# %%
rows = []
for a, b in [("mean", "mean z-score"), ("mean", "Borda"), ("Borda", "Kemeny"), ("Copeland", "Kemeny")]:
    x, y = -helm_ranks[a].to_numpy(float), -helm_ranks[b].to_numpy(float)  # higher = better
    row = {"pair": f"{a} vs {b}"}
    for label, statistic in [("Kendall tau", kendall_tau), ("weighted tau", weighted_tau)]:
        result = correlation_ci(x, y, statistic, n_boot=n_boot, rng=seed)
        row[label] = f"{result.estimate:.3f} [{result.interval.low:.3f}, {result.interval.high:.3f}]"
    row["RBO"] = round(rank_biased_overlap(helm_ranks[a].sort_values(kind="stable").index,
                                           helm_ranks[b].sort_values(kind="stable").index), 3)
    rows.append(row)
pd.DataFrame(rows).set_index("pair")

# %% [markdown]
# Rank intervals from resampling the ten scenarios (Borda), for the top 15:

# %%
helm_intervals = bootstrap_ranks(helm, "borda", n_boot=n_boot, k=3, rng=seed)
with style.paper_figure(figure_dir / "helm_rank_intervals", venue="icml", width="column", aspect=1.1) as (fig, ax):
    helm_intervals.plot(ax=ax, top=15)
helm_intervals.table.head(15).round(2)

# %% [markdown]
# How diverse are the scenarios, and how sensitive is each aggregation to
# changes that should not matter (Zhang & Hardt 2024)? Cardinal: rescale each
# scenario by an increasing map (no scenario's ranking changes). Ordinal: add
# three weak models that stay below the top 20 (the top 20 should keep their
# order). Sensitivity is 1 - the smallest Kendall tau seen over the draws.

# %%
complete = helm.dropna()
print(f"diversity (1 - Kendall's W): {diversity(complete):.3f}")
pd.DataFrame({method: {"cardinal": cardinal_sensitivity(complete, method=method, n_draws=n_draws // 4,
                                                        rng=seed).sensitivity,
                       "ordinal": ordinal_sensitivity(complete, method=method, top=20, n_draws=n_draws // 4,
                                                      rng=seed).sensitivity}
              for method in ("mean", "borda", "copeland")}).round(3)

# %% [markdown]
# GPT-4o (2024-05-13) is first by every aggregation, but only the two GPT-4o
# versions have rank intervals within the top five; from the third place on the
# intervals span 8 to 24 places: ten scenarios cannot order the rest of the top
# fifteen.

# %% [markdown]
# ## Drop tasks or systems and watch the ranks move
#
# Pick scenarios or models to leave out (ctrl- or shift-click for several);
# the table shows the new top ten beside their ranks on all data.

# %%
LeaderboardExplorer(helm, method="borda")

# %% [markdown]
# Without a kernel: the top five after leaving out each of three scenarios,
# and Kendall's tau of the whole leaderboard to the one on all ten.

# %%
dropped = {task: leaderboard_change(helm, drop_tasks=[task], method="borda", top=5) for task in helm.columns[:3]}
pd.concat({f"without {task} (tau {tau:.3f})": table for task, (table, tau) in dropped.items()})

# %% [markdown]
# Leaving out any one of these scenarios keeps the two GPT-4o versions on top
# and the Kendall tau above 0.93, yet moves models within the top five: without
# NaturalQuestions (open), Claude 3.5 Sonnet (20241022) climbs from ninth to
# fourth.

# %% [markdown]
# ## Summary
#
# - The aggregations agree on most places of both leaderboards, but not on
#   all: on HELM Lite their Kendall taus lie between 0.90 and 0.95.
# - Bootstrap intervals over tasks show which places the data support; with
#   ten scenarios, several HELM Lite models cannot be told apart from the first.
# - Correlated tasks (folds of one data set) should be resampled together.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** Which two aggregations of HELM Lite agree least (lowest
# Kendall tau), and why those two?

# %% tags=["solution"]
helm_agreement = agreement_matrix(helm_ranks)
least = helm_agreement.stack().idxmin()
assert set(least) == {"mean", "Borda"}
print(f"{least[0]} and {least[1]}: tau = {helm_agreement.loc[least]:.3f}")

# %% [markdown] tags=["solution"]
# *Answer.* The raw mean and Borda. The raw mean weights each scenario by the
# spread of its scores (BLEU-4 near 0.2 counts for little); Borda counts only
# the order within each scenario, so every scenario weighs the same.

# %% [markdown]
# **Exercise 2.** How many of the 91 HELM Lite models are tied with the best
# (arena rank 1) when the ten scenarios are resampled?

# %% tags=["solution"]
tied = helm_intervals.table.index[helm_intervals.table["arena_rank"] == 1]
assert len(tied) >= 5
list(tied)

# %% [markdown] tags=["solution"]
# *Answer.* About nine: each of them has a score interval that overlaps the
# leader's. Ten scenarios are too few to order the top of the leaderboard.
