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
# # Predicting downstream capabilities from scale
#
# Pre-training loss follows smooth laws; benchmark scores often do not. This
# notebook compares three ways to predict a large model's score from smaller
# ones:
#
# 1. **Two steps**: scale -> task loss (a Chinchilla law) -> accuracy (a sigmoid
#    with a chance floor).
# 2. **The multiple-choice chain** of Schaeffer et al. (2024): how much of the
#    link to compute each per-item quantity keeps, from the log-likelihood of the
#    correct answer to accuracy.
# 3. **Clustering-On-Difficulty** (Xu et al. 2025): predict only the items whose
#    clusters scale predictably, then map to the full benchmark.
#
# **All data here are simulated** from stated processes (per-item model outputs
# of a whole model family are not available offline). The processes are in the
# docstrings of `simulate_multiple_choice` and in the cells below, so every
# prediction can be checked against the truth.

# %% [markdown]
# ## Learning goals
#
# - Predict a benchmark score in two steps, through the task loss, and know
#   when that works.
# - See, item by item, where the link between compute and a score is lost on
#   the way from log-likelihood to accuracy.
# - Read a Clustering-On-Difficulty prediction and what its filter kept.

# %% tags=["parameters"]
seed = 0
n_items = 1000
figure_dir = "../build/figures/03_scaling_downstream"

# %%
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from analysis import style
from analysis.scaling import (
    chain_predictability,
    chinchilla,
    choice_chain,
    cluster_on_difficulty,
    fit_two_step,
    simulate_multiple_choice,
)

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01
rng = np.random.default_rng(seed)

# %% [markdown]
# ## 1. Two-step prediction
#
# A family of 40 runs: task loss follows a Chinchilla law (Epoch's fit, 0.5%
# noise), accuracy a sigmoid of the task loss above a 25% chance floor (1 point
# noise). Fit on runs below 1e21 FLOP; predict the larger ones.

# %%
law = {"A": 482.0, "B": 2085.0, "E": 1.82, "alpha": 0.348, "beta": 0.366}
N = np.exp(rng.uniform(np.log(5e7), np.log(3e10), 40))
D = 20 * N * np.exp(rng.uniform(-1, 1, 40))
task_loss = chinchilla(law, N=N, D=D) * np.exp(rng.normal(0, 0.005, 40))
accuracy = np.clip(0.25 + 0.75 * special.expit(-8 * (task_loss - 2.25)) + rng.normal(0, 0.01, 40), 0, 1)
family = pd.DataFrame({"N": N, "D": D, "C": 6 * N * D, "task_loss": task_loss, "accuracy": accuracy})
small, large = family[family["C"] < 1e21], family[family["C"] >= 1e21]
two_step = fit_two_step(small, floor=0.25, loss="squared", starts=chinchilla.start_grid()[::9])
predicted = two_step.predict(large)
print(f"fitted on {len(small)} runs; on {len(large)} larger runs the mean absolute error is "
      f"{100 * np.mean(np.abs(predicted - large['accuracy'])):.1f} accuracy points")
two_step

# %%
with style.paper_figure(figure_dir / "two_step", venue="neurips", width="text", aspect=0.4, ncols=2) as (fig, axes):
    two_step.plot(small, large, axes=axes)
    axes[0].set_xlabel("training compute (FLOP)")
    style.panel_labels(axes)

# %% [markdown]
# Fitted on the 23 runs below 1e21 FLOP, the two steps predict the accuracy of
# the 17 larger runs within 0.8 points on average, and the fitted sigmoid turns
# at 2.253 nats, where the simulated one does (2.25).

# %% [markdown]
# ## 2. The multiple-choice chain
#
# Ten models spanning five decades of compute answer 1000 four-choice items.
# For each item, we correlate each quantity with log compute across the models.
# The log-likelihood of the correct answer moves with compute on almost every
# item; normalising over the offered choices and then taking the argmax throws
# that link away, item by item.

# %%
compute = np.geomspace(1e19, 1e24, 10)
logprobs, correct = simulate_multiple_choice(compute, n_items=n_items, rng=rng)
chain = choice_chain(logprobs, correct)
predictability = chain_predictability(chain, compute)
predictability

# %%
with style.paper_figure(figure_dir / "chain", venue="icml", width="column", aspect=0.75) as (fig, ax):
    predictability.plot(ax=ax)

# %% [markdown]
# The log-likelihood of the answer keeps a median correlation of magnitude 0.98
# with log compute; normalising over the choices lowers it to 0.87 and the
# argmax to 0.66, and on 14% of the items accuracy never changes across the ten
# models.

# %% [markdown]
# ## 3. Clustering-On-Difficulty
#
# The expected pass rate of each item is its normalised probability of the
# correct choice (it can lie below chance: hard items attract the distractors,
# so the cluster law's floor is 0 here). Cluster items by their pass rates across the six smallest
# models, keep the clusters that rise with compute and follow the cluster law,
# extrapolate, and map to the full benchmark. Compare with the truth for the
# four largest models.

# %%
pass_rates = chain["p_choice"]
fitted_models = 6
cod = cluster_on_difficulty(pass_rates[:fitted_models], compute[:fitted_models], n_clusters=8, rng=seed)
cod

# %%
comparison = cod.predict(compute[fitted_models:]).assign(
    observed_full=pass_rates[fitted_models:].mean(axis=1),
    observed_accuracy=chain["accuracy"][fitted_models:].mean(axis=1),
)
comparison.assign(error_points=lambda t: 100 * (t["full_score"] - t["observed_full"]))

# %% [markdown]
# Read the table with care: the filter keeps the clusters whose mean pass rate
# follows an S-curve in log compute, and the map from subset to full score is a
# line fitted on the small models only. When the kept clusters are a small share
# of the items, that line is extrapolated far, and the error grows with the
# distance from the fitted models. Compare with the two-step route above, whose
# link from loss to accuracy was fitted across the whole range of losses.

# %% [markdown]
# Xu et al. cluster with MeanShift instead, and leave out items far from every
# cluster's centre and clusters that are too small. With the kernel width
# estimated from the data:

# %%
cod_meanshift = cluster_on_difficulty(pass_rates[:fitted_models], compute[:fitted_models], clustering="meanshift",
                                      min_cluster_size=20, rng=seed)
print(cod_meanshift.title, f"({(cod_meanshift.labels < 0).sum()} outlier items)")
cod_meanshift.predict(compute[fitted_models:]).assign(
    error_points=lambda t: 100 * (t["full_score"] - comparison["observed_full"].to_numpy()))

# %% [markdown]
# With k-means, 2 of 8 clusters (21% of the items) pass the filter, and the
# error grows from -0.3 to 10 points as the models get further from the fitted
# ones; MeanShift keeps one cluster and errs by 2.3 to 6.0 points.

# %% [markdown]
# ## Summary
#
# - Two steps predict the larger runs' accuracy within about a point when the
#   fitted runs already show the accuracy rising from chance.
# - Per item, the log-likelihood of the answer tracks log compute almost
#   perfectly (median Spearman correlation of magnitude 0.98); accuracy keeps
#   much less of that link (0.66), and on 14% of the items it does not vary at
#   all across the family.
# - Clustering-On-Difficulty predicts only what its filter keeps: read the
#   share of kept items before its error.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** Fit the two-step route only on the runs below 1e20 FLOP,
# where accuracy never rises more than a few points above chance. How large is
# its error on the same larger runs?

# %% tags=["solution"]
early = family[family["C"] < 1e20]
early_error = np.mean(np.abs(fit_two_step(early, floor=0.25, loss="squared", starts=chinchilla.start_grid()[::9])
                             .predict(large) - large["accuracy"]))
late_error = np.mean(np.abs(predicted - large["accuracy"]))
assert early_error > 10 * late_error
print(f"{100 * early_error:.1f} accuracy points (fitted below 1e20 FLOP) against {100 * late_error:.1f}")

# %% [markdown] tags=["solution"]
# *Answer.* Tens of points. Before the rise, the runs pin down the task loss
# but not where the sigmoid of accuracy turns: the second step is then a
# guess, however good the first.

# %% [markdown]
# **Exercise 2.** On what share of the items does the log-likelihood of the
# answer correlate with log compute beyond 0.9 in magnitude? And accuracy?

# %% tags=["solution"]
strong = (predictability.correlations.abs() > 0.9).mean()
assert strong["nll"] > 0.8 and strong["accuracy"] < 0.1
strong.round(3)

# %% [markdown] tags=["solution"]
# *Answer.* Almost all of them for the log-likelihood, almost none for
# accuracy: the argmax turns a smooth per-item trend into a step that happens
# at one model, or never.
