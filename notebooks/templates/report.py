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
# # Evaluation report
#
# This report reads one folder of evaluation results and asks three questions
# of it. How well calibrated is each model, with intervals? How firm is the
# leaderboard, under several ways of aggregating the tasks and under
# resampling of the items and of the tasks? And, where model sizes are given,
# does a downstream scaling fit of the smaller models predict the largest
# one? `python -m analysis.report RESULTS --format FORMAT` runs it on your
# results (`make report RESULTS=... FORMAT=...`).

# %% tags=["parameters"]
results = "../../data/examples/lm_eval"  # a results folder or file
format = "lm-eval"  # noqa: A001 (the reader's name for it)
sizes = "../../data/examples/lm_eval_sizes.csv"  # CSV of model, N (parameters), D (tokens); "" for none
n_boot = 1000  # bootstrap replicates of the items
seed = 0
figure_dir = "../../build/reports/figures"

# %%
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import style
from analysis.calibration import by_model, reliability_diagram
from analysis.io import one_per_item, read_results
from analysis.ranking import aggregate, bootstrap_ranks, item_bootstrap_ranks, task_subsampling, task_table
from analysis.scaling import chain_by_model, fit_two_step

figure_dir = Path(figure_dir)
style.set_number_format()
samples = one_per_item(read_results(results, format=format))  # repeated epochs averaged, one filter per task
samples.groupby(["task", "model"]).size().unstack().rename_axis(columns=f"items per task and model ({format})")

# %% [markdown]
# ## Calibration

# %% [markdown] tags=["requires-confidence"]
# For every answer with a confidence (the multiple-choice tasks: the
# probability of the chosen answer, normalised over the choices), the table
# gives each model's accuracy, the 15-bin ECE, the smooth ECE (its
# bandwidth chosen from the data, no bins) and the Brier score. Intervals are
# from a Poisson bootstrap of the items, paired across models: an item keeps
# its replicate weight for every model.

# %% tags=["requires-confidence"]
confident = samples.dropna(subset=["confidence"])
calibration = by_model(confident, n_boot=n_boot, key=["task", "item"], rng=seed)
calibration.sort_values("smooth_ece")

# %% [markdown] tags=["requires-confidence"]
# Each reliability diagram bins the answers by confidence. The dots are the
# share of correct answers per bin with a Wilson interval; the band is where
# 90% of the bins of a perfectly calibrated model would fall. Dots below
# the diagonal mean overconfidence.

# %% tags=["requires-confidence"]
models, columns = calibration.index.tolist(), min(3, len(calibration))
with style.paper_figure(figure_dir / "reliability", width="text", aspect=0.36 * np.ceil(len(models) / columns),
                        ncols=columns, nrows=int(np.ceil(len(models) / columns)), squeeze=False, sharex=True,
                        sharey=True) as (fig, axes):
    for ax, model in zip(axes.flat, models):
        rows = confident[confident["model"] == model]
        reliability_diagram(rows["correct"], rows["confidence"], n_bins=10, mode="positive", n_boot=n_boot,
                            rng=seed).plot(ax=ax)
        ax.set_title(f"{model}\nsmooth ECE {calibration.loc[model, 'smooth_ece']:.3f}", loc="left")
        ax.label_outer()
    style.hide_unused(axes, len(models))

# %% [markdown]
# ## The leaderboard
#
# Each model's accuracy per task, and its rank under several ways of
# combining the tasks. Where the columns disagree, the leaderboard's order
# is a choice of aggregation as much as a fact about the models.

# %%
scores = task_table(samples.dropna(subset=["correct"]))
aggregations = ["mean", "median", "geometric_mean", "borda", "copeland"]
ranks = pd.DataFrame({method: aggregate(scores, method).ranks for method in aggregations})
scores.join(ranks.add_prefix("rank: ")).sort_values("rank: mean")

# %% [markdown]
# How much of the order is the luck of the test items? The ranks when each
# task's items are drawn again, the same items for every model, with their
# 95% intervals and the share of replicates in which each model comes first.

# %%
by_items = item_bootstrap_ranks(samples.dropna(subset=["correct"]), n_boot=n_boot, rng=seed)
height = min(0.75, 0.12 + 0.06 * len(by_items.table))  # one row per model
with style.paper_figure(figure_dir / "rank_intervals", aspect=height) as (fig, ax):
    by_items.plot(ax=ax)
by_items.table[["score", "rank", "rank_low", "rank_high", "p_top_k"]]

# %% [markdown] tags=["requires-tasks"]
# And how much is the choice of tasks? On the left, the ranks when the tasks
# are drawn again; on the right, Kendall's tau between the full ranking and
# the ranking on random subsets of the tasks: how many tasks it takes before
# the order settles. With few tasks the task bootstrap is coarse.

# %% tags=["requires-tasks"]
by_tasks = bootstrap_ranks(scores, n_boot=n_boot, rng=seed)
stability = task_subsampling(scores, n_tasks=list(range(1, scores.shape[1] + 1)), n_draws=200, rng=seed)
with style.paper_figure(figure_dir / "tasks", width="text", aspect=0.4, ncols=2) as (fig, axes):
    by_tasks.plot(ax=axes[0])
    stability.plot(ax=axes[1])
    style.panel_labels(axes, ["tasks resampled", "tasks subsampled"])
by_tasks.table[["rank", "rank_low", "rank_high", "p_top_k"]]

# %% [markdown]
# ## Downstream scaling

# %% [markdown] tags=["requires-sizes"]
# With the models' sizes, the two-step fit of the scaling theme predicts
# accuracy from compute (C = 6ND): the task loss (the mean negative
# log-likelihood of the correct choice) as a saturating power law of
# compute, then accuracy as a sigmoid of that loss, from chance up. The fit
# sees every model but the largest and predicts it: a one-step backtest.

# %% tags=["requires-sizes"]
chain = chain_by_model(samples.dropna(subset=["answer"])).reset_index().merge(
    pd.read_csv(sizes).assign(C=lambda d: 6 * d["N"] * d["D"]), on="model")
largest = chain["N"] == chain["N"].max()
fits = {task: fit_two_step(chain[~largest & (chain["task"] == task)], task_loss="nll",
                           law="saturating_power_law", x="C",
                           floor=1 / samples.loc[samples["task"] == task, "n_choices"].max())
        for task in chain["task"].unique()}
held_out = pd.concat([rows.assign(predicted=fits[task].predict(rows))
                      for task, rows in chain[largest].groupby("task")])
with style.paper_figure(figure_dir / "downstream", width="text", aspect=0.38 * len(fits), nrows=len(fits),
                        ncols=2, squeeze=False) as (fig, axes):
    for row, (task, fit) in zip(axes, fits.items()):
        of_task = chain["task"] == task
        fit.plot(chain[of_task & ~largest], chain[of_task & largest], task_loss="nll", axes=row)
        row[0].set(title=task, xlabel="training compute C = 6ND (FLOPs)")
        row[0].get_legend().remove()
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
held_out[["model", "task", "accuracy", "predicted"]].assign(error=lambda d: d["predicted"] - d["accuracy"])
