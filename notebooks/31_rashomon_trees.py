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
# # The Rashomon set of sparse decision trees on COMPAS
#
# How many small decision trees predict two-year recidivism almost as well as
# the best one, and how much do they disagree? We list every tree with at most
# `max_depth` splits per path whose objective (misclassification rate plus
# `regularization` per leaf) is within `epsilon` of the optimum, exactly, with
# TreeFARMS' conventions (Xin et al., NeurIPS 2022): its trees equal ours one for
# one on the same data (tested), and the count takes well under a second.
#
# Data: the binarised COMPAS file of the TreeFARMS paper (6,907 people, 12 0/1
# features), byte for byte as TreeFARMS ships it (`data/rashomon/`).

# %% [markdown]
# ## Learning goals
#
# - Enumerate a Rashomon set of sparse trees exactly, and read how fast it
#   grows with epsilon and depth.
# - Tell trees from prediction patterns, and measure predictive multiplicity
#   (ambiguity, discrepancy, per-person disagreement).
# - Read model class reliance and interaction scores over the whole set, and
#   compare with another model class.

# %% tags=["parameters"]
max_depth = 4
regularization = 0.01
epsilon = 0.1
figure_dir = "../build/figures/31_rashomon_trees"

# %%
import re
from pathlib import Path

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import PercentFormatter

from analysis import datasets, style
from analysis.rashomon import ScoringSystemRashomonSet, SparseTreeRashomonSet
from analysis.rashomon.widgets import TreeSetExplorer

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01
table = datasets.load_rashomon_data("compas")  # TreeFARMS' binarisation, shipped in data/rashomon/
X, y = table.drop(columns="label"), table["label"].to_numpy()
print(f"COMPAS: {len(y)} people, {X.shape[1]} binary features; label: re-arrested within two years")

# %% [markdown]
# ## The set

# %%
rset = SparseTreeRashomonSet(max_depth, regularization, epsilon).fit(X, y)
rset.summary()

# %%
rset.to_frame().head(10)

# %% [markdown]
# On COMPAS, 74,300 trees lie within 10% of the best objective (0.3749), yet
# they make only 7,770 distinct sets of predictions on the training data. The
# two best trees tie: they split on the same two features in either order.

# %% [markdown]
# ### Beside TreeFARMS
#
# TreeFARMS' own counts on this file (`data/rashomon/treefarms_compas_counts.csv`,
# TreeFARMS 0.2.4), with ours from the true optimum and from the optimum
# TreeFARMS reports. TreeFARMS counts depth with the root as 1.

# %%
treefarms = datasets.load_treefarms_counts()
rows = []
for setting in treefarms.itertuples():
    config = {"depth_budget": setting.depth_budget, "regularization": setting.regularization,
              "rashomon_bound_multiplier": setting.rashomon_bound_multiplier}
    ours = SparseTreeRashomonSet.from_treefarms(config, enumerate=False).fit(X, y)
    # where TreeFARMS' optimum is the true one (no entry), bounding from it changes nothing
    reference = setting.treefarms_optimum if np.isfinite(setting.treefarms_optimum) else None
    from_theirs = SparseTreeRashomonSet.from_treefarms(config, enumerate=False, reference_objective=reference)
    rows.append({"depth budget": setting.depth_budget, "lambda": setting.regularization,
                 "epsilon": setting.rashomon_bound_multiplier, "TreeFARMS": setting.treefarms_trees,
                 "ours": ours.n_trees_, "ours, from TreeFARMS' optimum": from_theirs.fit(X, y).n_trees_,
                 "optimum": ours.optimum_})
pd.DataFrame(rows).set_index(["depth budget", "lambda", "epsilon"])

# %% [markdown]
# Where TreeFARMS finds the optimum, the counts agree tree for tree. At depth
# budget 5 and lambda 0.005 its optimiser stops at 0.35640 while a deeper tree
# scores 0.35597: its bound is looser, and it lists 63,000 trees where the true
# set holds 54,425. Bounded from its optimum, our count is 63,000 too.

# %% [markdown]
# ## How fast the set grows with epsilon and depth
#
# Counting does not need the list: each depth's set is counted by objective
# once, at the largest epsilon, and read off for every smaller one.

# %%
grid = np.linspace(0, epsilon, 21)
curves = {depth: SparseTreeRashomonSet(depth, regularization, epsilon, enumerate=False).fit(X, y).rashomon_curve(grid)
          for depth in range(1, max_depth + 2)}
hue = "max depth (splits per path)"
curves = pd.concat(curves, names=[hue]).reset_index(0).astype({hue: str})
with style.paper_figure(figure_dir / "rashomon_curve", venue="neurips", width="column", aspect=0.7) as (fig, ax):
    sns.lineplot(curves, x="epsilon", y="n_trees", hue=hue, drawstyle="steps-post", ax=ax)
    ax.xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
    ax.set(yscale="log", xlabel=r"$\varepsilon$ (objective above the optimum, relative)", ylabel="trees in the set")
    sns.move_legend(ax, "upper left", ncols=2)

# %% [markdown]
# At one split per path the set holds a single stump at every epsilon. From
# three splits on, the count grows about tenfold per two points of epsilon, and
# at 10% the depth-5 set holds about 180,000 trees.

# %% [markdown]
# ## Trees against what they predict
#
# Many trees make the same predictions on every training row (a prediction
# pattern): splitting the same people in a different order, or on features
# that coincide on this data. Patterns, not trees, are what a decision maker
# sees.

# %%
patterns = rset.prediction_patterns().sort_values("trees", ascending=False, ignore_index=True)
patterns["rank"] = np.arange(1, len(patterns) + 1)
multiplicity = pd.DataFrame([{"epsilon": e, "ambiguity": s.ambiguity, "discrepancy": s.discrepancy}
                             for e, s in zip(grid[1:], (rset.summary(e) for e in grid[1:]))])
with style.paper_figure(figure_dir / "patterns", venue="neurips", width="text", ncols=2, aspect=0.4) as (fig, axes):
    sns.scatterplot(patterns, x="rank", y="trees", s=4, linewidth=0, ax=axes[0])
    axes[0].set(xscale="log", yscale="log", xlabel="patterns, most common first", ylabel="trees giving the pattern")
    sns.lineplot(multiplicity.melt("epsilon", var_name="measure"), x="epsilon", y="value", hue="measure", ax=axes[1])
    axes[1].xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
    axes[1].yaxis.set_major_formatter(PercentFormatter(1, decimals=0))
    axes[1].set(xlabel=r"$\varepsilon$ (relative)", ylabel="share of people")
    axes[1].legend(title=None)
    style.panel_labels(axes)

# %% [markdown]
# Ambiguity is the share of people whom at least one tree in the set would
# classify differently from the optimal tree; discrepancy the most any single
# tree changes (Marx, Calmon & Ustun 2020).

# %% [markdown]
# Per person: the share of trees in the set that classify them differently
# from the optimal tree. Most people get the same label from nearly every good
# tree; a minority are a coin flip across the set.

# %%
person = rset.disagreement(X)
with style.paper_figure(figure_dir / "disagreement", venue="neurips", width="column", aspect=0.5) as (fig, ax):
    sns.histplot(person, bins=40, ax=ax)
    ax.xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
    ax.set(xlabel="trees disagreeing with the optimal tree on a person", ylabel="people", yscale="log")
print(f"people on whom some tree disagrees: {(person > 0).mean():.1%}; on whom most do: {(person > 0.5).mean():.1%}")

# %% [markdown]
# Some tree in the set classifies 54% of the people differently from the
# optimal tree, but most trees do so for only 7% of them: the disagreement is
# spread thin over many people.

# %% [markdown]
# ## What the trees rely on
#
# Model reliance (Fisher, Rudin & Dominici 2019): the ratio of a tree's error
# when a feature is switched between people to its own error, computed exactly
# over all pairs. Its range over the set is model class reliance: a feature no
# good tree can ignore has MCR- above 1.

# %%
mcr = rset.model_class_reliance()
mcr.to_frame().sort_values("high", ascending=False).round(3)

# %%
with style.paper_figure(figure_dir / "model_class_reliance", venue="neurips", width="column", aspect=0.8) as (fig, ax):
    mcr.plot(ax=ax, orient="h", sort=True, label="optimal tree, with the range over the set (MCR$-$ to MCR+)")
    ax.set(xlabel="model reliance (error with the feature switched / error)")
    fig.legend(loc="outside lower center")

# %% [markdown]
# The optimal tree relies on priors > 3 (ratio 1.30) and on no juvenile crimes
# (1.12) alone, while other trees rely as strongly on priors = 0 (up to 1.39).
# For all twelve features MCR- is at most 1: for each of them, some near-
# optimal tree does without it.

# %% [markdown]
# ## Interactions among the features the trees rely on most
#
# Feature interaction scores (Li et al. 2024) of every tree, for pairs of the
# four features with the highest MCR+: `FIS_jk = phi_jk - phi_j - phi_k`, the
# extra error from switching both features together beyond switching each
# alone, exact over all pairs of people.

# %%
leading = [X.columns.get_loc(f) for f in mcr.to_frame().sort_values("high", ascending=False).index[:4]]
pairs = [(a, b) for i, a in enumerate(leading) for b in leading[i + 1:]]
fis = rset.interaction_scores(pairs)
names = [re.sub(r":([=<>])", r" \1 ", c).replace(" x ", " × ") for c in fis.columns]
labels = {c: f"{n} ({share:.0%})" for c, n, share in zip(fis.columns, names, (fis != 0).mean())}
scored = fis.rename(columns=labels).melt(var_name="pair", value_name="score").query("score != 0")
with style.paper_figure(figure_dir / "fis_trees", venue="neurips", width="column", aspect=0.6) as (fig, ax):
    sns.boxplot(scored, x="score", y="pair", order=list(labels.values()), whis=(5, 95), showfliers=False,
                color=style.PALETTE[4], ax=ax)
    ax.axvline(0, color="0.6", lw=0.6)
    ax.set(xlabel="interaction score where not 0 (error rate)", ylabel="pair (share of trees with a score)")
fis.describe().T[["min", "50%", "max"]].round(4)

# %% [markdown]
# Every pair's median score is 0, since most trees do not use both features;
# the trees that do reach -0.041 (priors = 0 with priors = 1) and +0.023
# (priors > 3 with priors = 0). Whether two features interact depends on which
# good tree one picks.

# %% [markdown]
# ## Another model class: integer scoring systems
#
# Sparse point systems (at most three features, points in -3..3, an integer
# offset) with the same penalty and epsilon, every one enumerated. A different
# class has a different set, and a different amount of disagreement.

# %%
scores = ScoringSystemRashomonSet(3, 3, regularization=regularization, epsilon=epsilon).fit(X, y)
print(scores.convention)
pd.Series(scores.multiplicity())

# %%
scores.to_frame().head(5).loc[:, lambda t: (t != 0).any()]

# %% [markdown]
# The best scoring system reaches the best tree's loss (0.3449) with two
# features; its 215 prediction patterns disagree with it on 57% of the people,
# as much as the trees do.

# %% [markdown]
# ## Explore epsilon
#
# The slider reads smaller sets off the one listed above (they are its
# best-first prefixes).

# %%
TreeSetExplorer(rset, epsilon=epsilon / 2)

# %% [markdown]
# Without a kernel, the same summary at four values of epsilon:

# %%
pd.DataFrame({f"{e:.3f}": vars(rset.summary(e)) for e in np.linspace(0, epsilon, 5)[1:]}).T.drop(
    columns="convention").rename_axis("epsilon")

# %% [markdown]
# The set grows from 56 trees at 2.5% to 74,300 at 10%, while ambiguity rises
# from 24% to 54%: most of the disagreement is already there at 5% (45%).

# %% [markdown]
# ## Summary
#
# - The number of near-optimal trees grows about exponentially with epsilon
#   and, beyond two splits per path, with depth.
# - Many trees share a prediction pattern, yet the patterns still disagree on a
#   large share of the people; most people are classified alike by almost every
#   tree, a few by almost none.
# - Whether "the model" relies on a feature is, for most features, a choice
#   among equally good trees: their model class reliance spans 1.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** Can a set's discrepancy (the most people any one tree
# classifies differently from the optimal tree) exceed its ambiguity (the
# people whom at least one tree classifies differently)? Check at every
# epsilon of the grid.

# %% tags=["solution"]
assert (multiplicity["discrepancy"] <= multiplicity["ambiguity"]).all()
multiplicity.set_index(multiplicity["epsilon"].round(3)).drop(columns="epsilon").iloc[::4].round(3)

# %% [markdown] tags=["solution"]
# *Answer.* Never: the people one tree classifies differently are among those
# whom at least one tree does. Equality would mean one tree carries all the
# disagreement of the set.

# %% [markdown]
# **Exercise 2.** The summary at half the epsilon is read off the listed set.
# Does a new enumeration at that epsilon count the same trees?

# %% tags=["solution"]
half = SparseTreeRashomonSet(max_depth, regularization, epsilon / 2, enumerate=False).fit(X, y)
assert half.n_trees_ == rset.summary(epsilon / 2).n_trees
print(f"{half.n_trees_:,} trees within epsilon / 2, both ways")

# %% [markdown] tags=["solution"]
# *Answer.* Yes. The threshold is relative to the same optimum, so the smaller
# set is exactly the best-first prefix of the larger one; no refit is needed to
# move the slider.
