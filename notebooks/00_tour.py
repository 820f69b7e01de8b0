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
# # A tour of `analysis`
#
# This notebook shows the ground every theme notebook stands on: the data
# loaders, the result objects and the bootstrap engine, the paper-figure style,
# and an interactive control whose numbers come from a tested package function.
#
# The data are the 245 training runs behind Figure 4 of Hoffmann et al. (2022),
# "Training Compute-Optimal Large Language Models", as extracted by Besiroglu et
# al. (2024). They ship in the repository's `data/` folder.

# %% tags=["parameters"]
n_boot = 4000  # bootstrap resamples
seed = 0  # the only source of randomness
figure_dir = "../build/figures/00_tour"  # where figures are saved (PDF and PNG)

# %%
from pathlib import Path

import pandas as pd

import analysis
from analysis import datasets, style
from analysis.scaling import isoflop_budgets, plot_runs
from analysis.widgets import IntervalExplorer

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01

# %% [markdown]
# ## Data
#
# `list_datasets()` says what the loaders offer and whether each source is
# available on this machine. Every loader returns a tidy DataFrame with
# documented columns.

# %%
datasets.list_datasets().groupby("loader").agg(data_sets=("name", "count"), available=("available", "all"))

# %%
runs = datasets.load_chinchilla()
runs.describe().T[["count", "min", "50%", "max"]]

# %% [markdown]
# Each run has a size `N` (parameters), a compute `C` (FLOP), tokens
# `D = C / (6N)` and a final training loss. Most runs sit on nine compute
# budgets (the IsoFLOP profiles of the paper).

# %%
with style.paper_figure(figure_dir / "chinchilla_runs", venue="neurips", width="column") as (fig, ax):
    plot_runs(runs, ax=ax)

# %% [markdown]
# ## Numbers with uncertainty
#
# `analysis.bootstrap` resamples rows (or strata, or clusters) with a seeded
# generator, evaluates the statistic on all resamples at once and returns a
# result object: the numbers are attributes, `summary()` is a readable table.
# Here: the mean loss of the runs at the largest IsoFLOP budget, with a
# percentile and a BCa interval.

# %%
largest = runs.loc[isoflop_budgets(runs, [3e21]) == 3e21, "loss"].to_numpy()  # within 0.1 dex of 3e21 FLOP

percentile = analysis.bootstrap(lambda x: x.mean(axis=1), largest, n_boot=n_boot, rng=seed)
bca = analysis.bootstrap(lambda x: x.mean(axis=1), largest, n_boot=n_boot, rng=seed, method="bca")
percentile

# %%
print(f"{len(largest)} runs at 3e21 FLOP; percentile: {percentile.interval}; BCa: {bca.interval}")

# %%
with style.paper_figure(figure_dir / "bootstrap_distribution", venue="icml", width="column") as (fig, ax):
    percentile.plot(ax=ax, color=style.PALETTE[0])
    bca.plot(ax=ax, show_replicates=False, color=style.PALETTE[3])
    ax.set(xlabel="mean loss of a resample (nats/token)")
    ax.legend()

# %% [markdown]
# ## Figure sizes for papers
#
# `style.figsize(venue, width)` gives inches for one column, the full text width
# or a fraction of it. PDFs embed TrueType fonts and need no LaTeX.

# %%
pd.DataFrame(
    [(venue, width, *style.figsize(venue, width)) for venue in style.VENUES for width in ("column", "text", 0.5)],
    columns=["venue", "width", "inches wide", "inches high"],
).round(2)

# %% [markdown]
# ## An interactive control
#
# Move the slider: the interval is recomputed from the same resamples by
# `analysis.percentile_interval`, so every position shows reproducible numbers.

# %%
explorer = IntervalExplorer(largest, label="mean loss", n_boot=n_boot, rng=seed)
explorer

# %% [markdown]
# A page read without a running kernel cannot recompute; here are the same
# intervals at four levels, from the same resamples:

# %%
pd.DataFrame([vars(analysis.percentile_interval(explorer.result.replicates, ci=ci)) for ci in (0.5, 0.8, 0.9, 0.95)]
             ).drop(columns="method").set_index("ci").round(4)
