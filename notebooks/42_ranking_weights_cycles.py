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
# # Which ranks can a weighting buy, and are the preferences a ranking at all?
#
# A leaderboard that averages tasks has made a choice: equal weights. Anyone
# who thinks reasoning matters more than translation would weight otherwise,
# and get another order. This notebook asks how far that choice reaches. For
# every model of HELM Lite it finds the best and the worst rank that any
# weighting of the ten scenarios can give, exactly, and the weights that do
# it. It puts these ranges beside the bootstrap's rank intervals: one answers
# "what could a weighting choice do", the other "what could sampling the
# tasks do".
#
# Then it asks a prior question: do the scenarios' pairwise verdicts form a
# ranking at all? If model A beats B on most scenarios, B beats C and C beats
# A, no weighting and no Bradley-Terry score can represent the data. We count
# such circular triads (Kendall & Babington Smith 1940), and fit a model
# that can represent cycles, the General Preference Model (Zhang et al.
# 2024), against Bradley-Terry on held-out comparisons.

# %% [markdown]
# ## Learning goals
#
# - Compute each system's best and worst rank over a set of task weightings
#   (all of them, or a box around equal weights), and read off the weights
#   that attain them.
# - Tell apart the spread a weighting choice can cause from the spread that
#   resampling the tasks causes.
# - Count circular triads in a majority relation and test whether it is more
#   consistent than chance.
# - Fit a General Preference Model, see a cycle in its preference plane, and
#   compare it with Bradley-Terry by held-out log-likelihood.

# %% tags=["parameters"]
n_boot = 1000  # bootstrap resamples of the scenarios
n_splits = 5  # folds of the held-out comparison
seed = 0
figure_dir = "../build/figures/42_ranking_weights_cycles"

# %%
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import datasets, style
from analysis.ranking import (
    battles_from_scores,
    bootstrap_ranks,
    cardinal_sensitivity,
    compare_preference_models,
    general_preference,
    intransitivity,
    kendall_tau,
    pairwise_preferences,
    rank_range,
)

figure_dir = Path(figure_dir)
style.set_number_format()

# %% [markdown]
# ## The leaderboard
#
# HELM Lite: 91 models on ten scenarios (`datasets.load_leaderboard`). A
# weighted mean needs every scenario, so the one model with a missing cell is
# left out. The scores are the scenarios' own metrics, as HELM's mean uses
# them.

# %%
helm = datasets.load_leaderboard("helm_lite")
print("left out:", list(helm.index[helm.isna().any(axis=1)]))
scores = helm.dropna()
scores.shape

# %% [markdown]
# Phi-3 (7B) lacks one scenario; 90 models on ten scenarios remain.

# %% [markdown]
# ## What any weighting could do
#
# `rank_range` finds, for every model, the fewest and the most models that
# can be ahead of it under some weight vector: one mixed-integer program per
# model and end, with one binary per rival. It is exact, and each end comes
# with the weights that attain it. Two sets of weights: every weighting (the
# simplex), and a box in which each scenario keeps between half and twice its
# equal share of 10%.

# %%
anything = rank_range(scores, progress=False)
box = rank_range(scores, weights=(0.05, 0.2), progress=False)
ranges = anything.table.join(box.table[["best_rank", "worst_rank"]].add_suffix(" (box)"))
ranges.head(12)

# %%
summary = pd.DataFrame({
    name: {"models that can be first": int((r.table["best_rank"] == 1).sum()),
           "median width of the range": float((r.table["worst_rank"] - r.table["best_rank"]).median()),
           "widest range": int((r.table["worst_rank"] - r.table["best_rank"]).max())}
    for name, r in [("any weighting", anything), ("box: 5% to 20% each", box)]})
summary

# %% [markdown]
# With all weightings allowed, 17 of the 90 models can be ranked first, and
# the typical model's range spans 47 places. The leader under equal weights,
# GPT-4o (2024-05-13), can fall to 15th, and Claude 3.5 Sonnet (20241022),
# fifth under equal weights, to 67th. Even the box, which keeps every
# scenario between 5% and 20%, leaves five models able to lead and moves the
# typical model over 16 places.

# %% [markdown]
# ## Weighting against sampling
#
# The bootstrap resamples the ten scenarios and re-averages with equal
# weights. Its 95% rank intervals, in orange, beside the ranges over
# weightings, in blue, for the top 20 models under equal weights, then the
# widths of all three for all 90 models:

# %%
intervals = bootstrap_ranks(scores, "mean", n_boot=n_boot, rng=seed)
with style.paper_figure(figure_dir / "rank_ranges", venue="icml", width="text", aspect=0.5, ncols=2,
                        sharey=True) as (fig, axes):
    anything.plot(ax=axes[0], intervals=intervals, top=20)
    box.plot(ax=axes[1], intervals=intervals, top=20)
    axes[0].set_xlim(0.3, len(scores) + 0.7)
    axes[1].set_xlim(0.3, 35)
    handles, labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, ["weightings in the set", "equal weights", "bootstrap over scenarios (95%)"],
               loc="outside lower center", ncols=3)
    style.panel_labels(axes, ["any weighting", "each scenario 5% to 20%"])

# %%
pd.DataFrame({"bootstrap interval width": intervals.table["rank_high"] - intervals.table["rank_low"],
              "box range width": box.table["worst_rank"] - box.table["best_rank"],
              "simplex range width": anything.table["worst_rank"] - anything.table["best_rank"]}).describe().round(1)

# %% [markdown]
# The box of weights and the bootstrap spread the ranks about equally (median
# widths 16 and 17.5 places), and the full simplex three times as far (47.5).
# A weighting choice is not a detail to be settled after the fact: a modest
# one, each scenario between half and twice its share, is as large a source
# of rank uncertainty as the choice of the ten scenarios themselves.

# %% [markdown]
# ## The weights behind the extremes
#
# Which weighting drops the equal-weight leader to its worst rank, and which
# lifts a mid-table model to its best?

# %%
leader = anything.table.index[0]
climber = anything.table.query("rank > 15").sort_values("best_rank").index[0]
extremes = pd.DataFrame({f"{leader}: worst rank {anything.table.loc[leader, 'worst_rank']}":
                         anything.worst_weights.loc[leader],
                         f"{climber}: best rank {anything.table.loc[climber, 'best_rank']}":
                         anything.best_weights.loc[climber]})
with style.paper_figure(figure_dir / "extreme_weights", venue="icml", width="column", aspect=0.75) as (fig, ax):
    extremes.plot.barh(ax=ax, width=0.8, legend=False)
    ax.invert_yaxis()
    ax.set(xlabel="weight (share of the mean)")
    fig.legend(loc="outside lower center", ncols=1)
extremes.round(3)

# %%
check = scores.to_numpy() @ anything.worst_weights.loc[leader].to_numpy()
assert 1 + np.sum(check > check[scores.index.get_loc(leader)] + 1e-9) == anything.table.loc[leader, "worst_rank"]

# %% [markdown]
# The weights are sparse: an extreme of a linear program sits at a vertex,
# so a few scenarios carry all the weight. GPT-4o falls to 15th when GSM8K
# takes 79% and MMLU the rest; Qwen2.5 Instruct Turbo (72B), 17th under equal
# weights, leads when LegalBench takes 69%. Recomputing the weighted mean
# with these weights reproduces the rank (the assertion above), so each end of
# a range is a rank that a concrete weighting gives, not a bound.

# %% [markdown]
# ## Beside Zhang and Hardt's sensitivity
#
# Zhang & Hardt (2024) perturb a benchmark in ways that should not matter and
# measure how much the ranking moves. Their cardinal sensitivity rescales
# each scenario by an increasing map; the rank ranges move the weights
# instead. Both are answers to "how fragile is this leaderboard", through
# different doors.

# %%
sensitivity = cardinal_sensitivity(scores, method="mean", n_draws=200, rng=seed)
random_weights = np.random.default_rng(seed).dirichlet(np.full(scores.shape[1], 10.0), 200)  # near equal
equal = scores.mean(axis=1).to_numpy()
taus = [kendall_tau(equal, scores.to_numpy() @ w) for w in random_weights]
pd.DataFrame({"smallest tau": [sensitivity.taus.min(), min(taus)],
              "median tau": [np.median(sensitivity.taus), np.median(taus)]},
             index=["increasing rescaling per scenario (Zhang & Hardt)", "random weights near equal"]).round(3)

# %% [markdown]
# Random weights near equal (Dirichlet with concentration 10) and random
# rescalings both leave Kendall's tau above 0.95 in the median and above 0.9
# at worst: the leaderboard as a whole is stable. The rank ranges show what
# such averages hide: individual models, those with many close neighbours,
# can move by tens of places.

# %% [markdown]
# ## Four leaderboards
#
# The same two measures on three more leaderboards that benchbench ships:
# HELM Classic's accuracy board (the 29 models scored on all 16 scenarios),
# the Open LLM Leaderboard's top 100 on its six tasks, and the BigCode
# leaderboard (41 code models, HumanEval in three languages). "Box" is the
# set where no task counts less than half or more than twice its equal share.

# %%
boards = {}
for name in ("helm_lite", "helm_classic_accuracy", "open_llm", "bigcode"):
    board = datasets.load_leaderboard(name).dropna()
    tasks = board.shape[1]
    free, boxed = (rank_range(board, weights=w, progress=False).table
                   for w in ("simplex", (0.5 / tasks, 2 / tasks)))
    taus = cardinal_sensitivity(board, method="mean", n_draws=200, rng=seed).taus
    boards[name] = {"models": len(board), "tasks": tasks,
                    "median range, any weights": (free["worst_rank"] - free["best_rank"]).median(),
                    "median range, box": (boxed["worst_rank"] - boxed["best_rank"]).median(),
                    "can be first, any weights": int((free["best_rank"] == 1).sum()),
                    "can be first, box": int((boxed["best_rank"] == 1).sum()),
                    "rescaling: median tau": np.median(taus), "rescaling: smallest tau": np.min(taus)}
pd.DataFrame(boards).T

# %% [markdown]
# Fragility is a property of the leaderboard. The Open LLM Leaderboard's top
# 100 average between 71.5 and 76.7 while its six tasks disagree: the median
# model can move by 86 places under some weighting, by 67.5 even inside the
# box, and Zhang and Hardt's rescalings bring Kendall's tau down to 0.39.
# BigCode's three languages mostly agree: the median range is 4 places and
# three models can lead. HELM sits between: 17 of 90 models can be first
# under some weighting of HELM Lite, 5 inside the box. Where the rank ranges
# are wide, a single number per model says more about the weights than
# about the models.

# %% [markdown]
# ## Is the majority relation a ranking?
#
# Say model A beats model B when it scores higher on more scenarios
# (`pairwise_preferences`, ties counting half). A ranking has no cycles. A
# circular triad is a triple A > B > C > A; Kendall's coefficient of
# consistence is 1 minus their number over the most any tournament of that
# size can have.

# %%
majority = intransitivity(pairwise_preferences(scores), systems=scores.index)
top = anything.table.index[:15]
top_majority = intransitivity(pairwise_preferences(scores.loc[top]), systems=top)
pd.DataFrame({"all 90": majority.to_frame().set_index("quantity")["value"],
              "top 15": top_majority.to_frame().set_index("quantity")["value"]})

# %%
top_majority.triples().head(8)

# %% [markdown]
# Among all 90 models, 0.5% of the triples are cyclic; the coefficient of
# consistence is 0.98, and random majorities would give far more cycles
# (p < 1e-10). The relation is nearly a ranking, but not quite. Among the top
# 15, 16 pairs split the ten scenarios five to five, and 12.5 triads are
# cyclic in expectation when those splits are broken by a coin (a triple with
# one split pair counts 1/2); none of them is a strict cycle. These are
# models between which the scenarios cannot decide, and no single score
# orders them without overruling some majority or coin.

# %% [markdown]
# ## A model that can hold a cycle
#
# Bradley-Terry gives each system one number, so it cannot represent a cycle.
# The General Preference Model gives each system a vector and sets
# `P(i beats j) = sigmoid(v_i^T R v_j)` with `R` a rotation by 90 degrees in
# each plane: a preference is the signed area between two systems. First a
# toy: rock, paper and scissors, where each beats the next 80% of the time.

# %%
rng = np.random.default_rng(seed)
pairs = [("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")]
won = {pair: rng.random(300) < 0.8 for pair in pairs}
rps = pd.DataFrame([{"winner": a if w else b, "loser": b if w else a, "tie": False}
                    for (a, b), wins in won.items() for w in wins])
toy = general_preference(rps, dim=2, rng=seed)  # one virtual tie per pair (prior=1) keeps it finite
toy.probabilities.round(3)

# %% [markdown]
# The fit recovers the cycle: rock beats scissors, scissors paper and paper
# rock, each with probability 0.74 to 0.81 (the observed shares, pulled a
# little towards 1/2 by the prior). Bradley-Terry can only say that all three
# are equal.
#
# Does HELM Lite need the extra freedom? Each model pair meets on every
# scenario, one battle each; cross-validation holds out a fifth of the
# battles, fits both models on the rest and scores the held-out ones.

# %%
battles = battles_from_scores(scores)
battles[["winner", "loser"]] = np.asarray(scores.index)[battles[["winner", "loser"]].to_numpy()]
cyclic = compare_preference_models(rps, dims=[2], n_splits=n_splits, rng=seed)
helm_comparison = compare_preference_models(battles, dims=[2, 4], n_splits=n_splits, rng=seed)
held_out = pd.concat({"rock-paper-scissors": cyclic.to_frame(), "HELM Lite scenarios": helm_comparison.to_frame()})
held_out

# %%
helm_fit = general_preference(battles, dim=2, rng=seed)
with style.paper_figure(figure_dir / "preference_planes", venue="icml", width="text", aspect=0.42,
                        ncols=2) as (fig, axes):
    toy.plot(ax=axes[0])
    plane = helm_fit.embedding.join(helm_fit.table)
    points = axes[1].scatter(plane["x1"], plane["y1"], c=plane["average_win"], s=8, cmap="viridis")
    for name in (helm_fit.table.index[0], helm_fit.table.index[-1]):
        axes[1].annotate(name, plane.loc[name, ["x1", "y1"]], xytext=(12, 0), textcoords="offset points",
                         va="center", fontsize="small", arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.5})
    axes[1].set(xlabel="x1", ylabel="y1")
    axes[1].set_aspect("equal", adjustable="datalim")
    fig.colorbar(points, ax=axes[1], label="mean P(beats another model)", shrink=0.8)
    style.panel_labels(axes, ["rock, paper, scissors", "HELM Lite"])

# %% [markdown]
# On rock-paper-scissors the three points sit at the corners of a triangle
# around the origin. Bradley-Terry's held-out log-likelihood per battle is
# -0.70, log(1/2), while the General Preference Model's is -0.53, close to
# the -0.50 of an 80/20 coin. On HELM Lite's scenario battles the extra
# freedom buys a little: -0.403 with two dimensions and -0.399 with four,
# against -0.410 for Bradley-Terry, a gain five times the standard error
# over folds. The plane lays the models along one curved band, Bradley-Terry's
# line bent a little; the bend is the disagreement between scenarios.

# %% [markdown]
# ## Summary
#
# - Over all weightings of its ten scenarios, 17 of HELM Lite's 90 models
#   can be ranked first, and the leader can fall to 15th; a box keeping each
#   scenario between half and twice its share still moves a typical model by
#   about as much as resampling the scenarios does (16 against 17.5 places).
# - The extremes are attained by concrete, sparse weightings, which the
#   result returns; checking one by hand reproduces its rank.
# - Fragility differs by leaderboard: the median Open LLM Leaderboard model
#   can move 86 places under some weighting of six tasks, a BigCode model 4.
# - The scenarios' majority relation is nearly a ranking (consistence 0.98),
#   with its cycles and five-to-five splits denser among the leaders.
# - A General Preference Model recovers a cycle that Bradley-Terry cannot
#   represent; on HELM Lite it predicts held-out scenario battles slightly
#   better than Bradley-Terry (0.011 nats per battle), so one score per model
#   is nearly, but not quite, enough there.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** Narrow the box to 8% to 12% per scenario. How many models
# can still be first, and is the equal-weight leader still first under every
# weighting in it?

# %% tags=["solution"]
narrow = rank_range(scores, weights=(0.08, 0.12), progress=False)
can_lead = narrow.table.index[narrow.table["best_rank"] == 1].tolist()
assert leader in can_lead and narrow.table.loc[leader, "best_rank"] == 1
print("can lead:", can_lead)
narrow.table.head(5)

# %% [markdown] tags=["solution"]
# *Answer.* Two models can lead inside it, GPT-4o (2024-05-13) and DeepSeek
# v3, and the leader falls no lower than second: small weight changes
# shuffle neighbours only.

# %% [markdown]
# **Exercise 2.** Z-score every scenario first (`normalise="zscore"`): a
# scenario with a narrow spread of scores, such as translation, then counts as
# much as one with a wide spread. Do the ranges over all weightings change?

# %% tags=["solution"]
z = rank_range(scores, normalise="zscore", progress=False)
ends = ["best_rank", "worst_rank"]
assert (z.table[ends] == anything.table.loc[z.table.index, ends]).all().all()
moved = (z.table["rank"] != anything.table.loc[z.table.index, "rank"]).sum()
moved

# %% [markdown] tags=["solution"]
# *Answer.* Every end stays the same. Z-scoring maps a scenario's score
# ``x`` to ``(x - m) / s``; a weighting ``w`` of the z-scores ranks like the
# weighting ``w / s`` (renormalised) of the raw scores, and the shift ``m``
# moves every model alike. So the whole simplex of weightings gives the same
# set of rankings either way. Only the equal-weight ranks change (for most
# models), because equal weights on z-scores are unequal weights on raw
# scores. A box of weights is not invariant in this way.

# %% [markdown]
# **Exercise 3.** Build a tournament of five systems in which every system
# beats the next two (modulo five). How many circular triads does it have,
# and what is its coefficient of consistence?

# %% tags=["solution"]
regular = np.zeros((5, 5))
for i in range(5):
    regular[i, (i + 1) % 5] = regular[i, (i + 2) % 5] = 1
regular_result = intransitivity(regular)
assert regular_result.circular_triads == regular_result.max_circular_triads == 5
regular_result.consistence

# %% [markdown] tags=["solution"]
# *Answer.* Five, the most any tournament of five can have, so the
# consistence is 0: every system wins exactly twice, and no ranking can be
# drawn.
