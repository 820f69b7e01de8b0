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
# # Importance and interaction clouds: what good models disagree on
#
# A single model says how much it relies on a feature and on a pair of
# features together. Over a Rashomon set those numbers become clouds:
#
# - the **variable importance cloud** (Dong & Rudin 2020): every member's model
#   reliance on every feature;
# - the **feature interaction cloud** (Li et al., ICLR 2024): every member's
#   feature interaction score `FIS_ij = phi_ij - phi_i - phi_j`, with its
#   **halo** (the set's boundary along two features, coloured by FIS) and
#   **swarm** plots;
# - the **Rashomon importance distribution** (Donnelly et al., NeurIPS 2023):
#   importance over the tree sets of bootstrap data sets.
#
# Data: the COMPAS binarisation of the FIS paper (7,214 people; age 18-20,
# African-American, no prior crimes, male, no juvenile crimes, misdemeanour
# charge) for the logistic set, and the TreeFARMS binarisation for the trees,
# both byte for byte as their authors ship them (`data/rashomon/`).

# %% [markdown]
# ## Learning goals
#
# - Sample a convex Rashomon set uniformly, and see why a box of coefficient
#   ranges is a poor stand-in for it.
# - Read variable importance and feature interaction clouds, swarms and halos.
# - Pool importance over the tree sets of bootstrap data sets (RID).

# %% tags=["parameters"]
seed = 0
epsilon = 0.05
n_members = 2000
n_rid_boot = 20
figure_dir = "../build/figures/32_rashomon_clouds"

# %%
from pathlib import Path

import numpy as np

from analysis import datasets, style
from analysis.rashomon import (
    LogisticRashomonSet,
    interaction_cloud,
    interaction_halo,
    rashomon_importance_distribution,
)

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01
vic = datasets.load_rashomon_data("compas_vic")  # the FIS paper's binarisation, shipped in data/rashomon/
columns = ["Age=18-20", "Race=African-American", "Prior-Crimes=0", "Gender=Male", "Juvenile-Crimes=0",
           "Current-Charge-Degree=Misdemeanor"]
X, y = vic[columns], vic["label"].to_numpy()
trees = datasets.load_rashomon_data("compas")  # TreeFARMS' binarisation, for the tree sets of RID
X_trees, y_trees = trees.drop(columns="label"), trees["label"].to_numpy()
names = list(X.columns)

# %% [markdown]
# ## The logistic Rashomon set
#
# Logistic regressions whose mean log-loss (plus scikit-learn's default
# penalty, `l2_penalty = 1/n`) is within 5% of the best. The set is convex: each
# coefficient's range is exact.

# %%
rset = LogisticRashomonSet(epsilon, l2_penalty=1 / len(y)).fit(X.to_numpy(float), y)
print(rset.convention)
rset.coefficient_ranges(names).to_frame().round(3)

# %% [markdown]
# Members are drawn uniformly from the set (hit-and-run); as a contrast,
# candidates drawn uniformly from the box of coefficient ranges mostly fall
# outside it: the set is a thin, tilted ellipsoid-like body, not a box.

# %%
members = np.vstack([rset.weights_, rset.sample(n_members, rng=seed)])
ranges = rset.coefficient_ranges(names).to_frame()
box = np.random.default_rng(seed).uniform(ranges["low"], ranges["high"], size=(n_members, len(ranges)))
cloud = interaction_cloud(rset, members, X.to_numpy(float), y, feature_names=names)
candidates = interaction_cloud(rset, box, X.to_numpy(float), y, feature_names=names)
print(f"members inside: {cloud.inside.mean():.0%}; box candidates inside: {candidates.inside.mean():.1%}")

# %% [markdown]
# On COMPAS, every coefficient's range within 5% of the best log-loss crosses
# 0: for each feature some near-optimal model gives it the opposite sign. Only
# 0.6% of the box of ranges lies in the set.

# %% [markdown]
# ## The variable importance cloud
#
# Model reliance `phi_j` (the increase in log-loss when feature `j` is taken
# from another person, over all pairs) of every member, projected on the two
# features the optimum relies on most.

# %%
top = cloud.main.iloc[cloud.reference].sort_values(ascending=False).index[:2]
with style.paper_figure(figure_dir / "importance_cloud", venue="neurips", width="column", aspect=0.8) as (fig, ax):
    cloud.plot_importance(top[0], top[1], ax=ax)
    ax.legend()
cloud.main.describe().T[["min", "50%", "max"]].round(4)

# %% [markdown]
# Prior-Crimes=0 has the highest median reliance (0.034) and Current-Charge-
# Degree the lowest (0.003), but every feature's cloud dips below 0 (a member
# does slightly better with it scrambled), and the clouds overlap: the order of
# importance is not settled.

# %% [markdown]
# ## Interactions: swarm and halo
#
# The swarm shows every member's FIS per pair (a tick marks the optimum): pairs
# whose cloud straddles zero interact in some good models and not in others.

# %%
with style.paper_figure(figure_dir / "fis_swarm", venue="neurips", width="column", aspect=1.0) as (fig, ax):
    cloud.plot_swarm(ax=ax, rng=seed)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2)
cloud.to_frame().sort_values("high", key=abs, ascending=False).head(6).round(5)

# %% [markdown]
# The halo of the pair with the widest FIS range: scaling the two
# coefficients by masks `(m_i, m_j)` around the optimum `(1, 1)`, the set's
# boundary is a closed curve; colour shows the interaction score there.

# %%
widest = cloud.to_frame().assign(width=lambda t: t.high - t.low).sort_values("width").subset.iloc[-1]
i, j = (names.index(part) for part in widest.split(" x "))
halo = interaction_halo(rset, X.to_numpy(float), y, i, j, feature_names=names)
with style.paper_figure(figure_dir / "fis_halo", venue="neurips", width="column", aspect=0.6) as (fig, ax):
    halo.plot(ax=ax)
    ax.legend(loc="lower left")
halo.table[["m_i", "m_j", "fis"]].describe().round(4)

# %% [markdown]
# Prior-Crimes=0 with Juvenile-Crimes=0 interacts most in the optimum (0.010)
# and spans -0.008 to 0.038 over the set. On its halo the score stays positive
# on most of the boundary (median 0.004), turns slightly negative where the
# prior-crimes mask is smallest, and peaks (0.024) where both coefficients
# grow.

# %% [markdown]
# ## Rashomon importance distribution over trees
#
# The tree sets (at most 3 splits, `lambda = 0.01`, `epsilon = 5%`) of
# `n_rid_boot` bootstrap data sets, each weighted equally, each member of a
# set equally within it. Whiskers at the 5% and 95% quantiles.

# %%
rid = rashomon_importance_distribution(X_trees, y_trees, n_boot=n_rid_boot, max_depth=3, regularization=0.01,
                                       epsilon=0.05, rng=seed)
with style.paper_figure(figure_dir / "rid", venue="neurips", width="column", aspect=0.9) as (fig, ax):
    rid.plot(ax=ax)
rid.to_frame().round(4)

# %% [markdown]
# Over 20 bootstrap data sets, only priors > 3 matters to nearly every tree
# (importance above 0 with probability 0.95, median 0.107); every other feature
# has median importance 0 and matters to at most 37% of the pooled trees.

# %% [markdown]
# ## Summary
#
# - The logistic set is a thin, tilted body: most points of its bounding box
#   lie outside it, so sample the set itself.
# - Over the set, the models' reliance on each feature, and the interaction
#   scores of most pairs, spread on both sides of what the optimum says.
# - On the set's boundary, the interaction of a pair changes along the curve
#   (the halo); over bootstrap data sets, RID shows which importances survive
#   resampling.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** The halo's points are models on the boundary of the set.
# What is their objective?

# %% tags=["solution"]
boundary = rset.mask_boundary(i, j, 24)
objective = rset.objective(np.stack(boundary.weights))
assert np.allclose(objective, rset.threshold_, rtol=1e-6)
print(f"threshold {rset.threshold_:.6f}; boundary objectives from {objective.min():.6f} to {objective.max():.6f}")

# %% [markdown] tags=["solution"]
# *Answer.* Exactly the set's threshold, `(1 + epsilon)` times the optimum:
# each mask pair is pushed out from the optimum until the loss reaches it.

# %% [markdown]
# **Exercise 2.** Candidates drawn uniformly from the box of exact coefficient
# ranges: would more of them fall inside the set if the set had fewer
# dimensions? Compare the share inside with the members'.

# %% tags=["solution"]
assert cloud.inside.all() and candidates.inside.mean() < 0.5
print(f"{candidates.inside.mean():.1%} of the box lies in the set, against all of the sampled members")

# %% [markdown] tags=["solution"]
# *Answer.* Yes. Even an ellipsoid aligned with the axes fills only
# `pi^(d/2) / (2^d Gamma(d/2 + 1))` of its box (79% in two dimensions, 8% in
# six); a tilted one fills less. The box grows more misleading with every
# feature.
