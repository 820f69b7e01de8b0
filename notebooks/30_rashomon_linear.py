# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Linear Rashomon sets and predictive multiplicity
#
# Many models fit almost as well as the best one. For least squares the set of
# coefficients whose mean squared error is within `epsilon` of the optimum is an
# exact ellipsoid, so what its members disagree on (coefficients, predictions,
# which features they rely on) has closed forms. On scikit-learn's bundled
# diabetes data (442 patients, ten standardised features), we ask how much the
# story told by "the" linear model depends on picking one member of the set.

# %% tags=["parameters"]
seed = 0
n_members = 5000
figure_dir = "../build/figures/30_rashomon_linear"

# %%
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import datasets, style
from analysis.rashomon import LinearRashomonSet, ambiguity, discrepancy, model_class_reliance

figure_dir = Path(figure_dir)
diabetes = datasets.load_sklearn("diabetes")
features = [c for c in diabetes.columns if c != "target"]
X = np.column_stack([np.ones(len(diabetes)), diabetes[features].to_numpy()])
y = diabetes["target"].to_numpy() / diabetes["target"].std()
names = ["intercept", *features]

# %% [markdown]
# ## Coefficients within 1% and 5% of the best mean squared error

# %%
sets = {eps: LinearRashomonSet(eps).fit(X, y) for eps in (0.01, 0.05)}
sets[0.05].coefficient_ranges(names)

# %%
with style.paper_figure(figure_dir / "coefficient_ranges", venue="neurips", width="column", aspect=0.5) as (fig, ax):
    for offset, (eps, rs) in zip((-0.15, 0.15), sets.items()):
        r = rs.coefficient_ranges().to_frame()
        position = np.arange(len(names)) + offset
        ax.errorbar(position, r["optimum"], yerr=[r["optimum"] - r["low"], r["high"] - r["optimum"]], fmt="o",
                    ms=2, capsize=2, label=rf"$\varepsilon$ = {eps:.0%}")
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set_xticks(range(len(names)), names)
    ax.set(ylabel="coefficient (standardised target)")
    ax.legend(loc="lower left")

# %% [markdown]
# ## Which features do good models rely on?
#
# Model reliance: how much worse a model gets when a feature's values are
# switched between patients. Its range over the set (model class reliance) is
# wide for features that other features can stand in for (`s1` and `s2`,
# serum cholesterol measures, are strongly correlated).

# %%
members = np.vstack([sets[0.05].coef_, sets[0.05].sample(n_members, rng=seed)])
mcr = model_class_reliance(members, X, y, feature_names=names).iloc[1:]
mcr.round(3)

# %% [markdown]
# ## Predictive multiplicity of a decision
#
# Say the model's prediction flags patients whose progression exceeds the
# median. How many patients get a different flag from some member of the set?

# %%
threshold = np.median(y)
rows = {}
for eps, rs in sets.items():
    sample = rs.sample(n_members, rng=seed)
    flags = (sample @ X.T > threshold).astype(int)
    reference = (X @ rs.coef_ > threshold).astype(int)
    pr = rs.prediction_range(X)
    rows[f"{eps:.0%}"] = {
        "ambiguity (sampled, lower bound)": ambiguity(flags, reference),
        "ambiguity (exact)": float(np.mean((pr["low"] < threshold) & (pr["high"] > threshold))),
        "discrepancy (sampled, lower bound)": discrepancy(flags, reference),
    }
pd.DataFrame(rows).T.round(3)
