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
# # What ECE hides
#
# The expected calibration error is the most reported calibration number and
# one of the least stable: it depends on how many bins, where their edges are,
# and whether the estimator's upward bias is removed. This notebook measures
# four real classifiers on scikit-learn's bundled breast-cancer data and shows
# what each choice does, next to two estimators that need no bins (smooth ECE)
# or that are signed (the Balance score).

# %% tags=["parameters"]
seed = 0
n_boot = 1000
figure_dir = "../build/figures/10_calibration_ece"

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from analysis import datasets, style
from analysis.calibration import (
    balance_report,
    ece,
    ece_ci,
    plot_reliability,
    plot_smooth_reliability,
    risk_coverage,
    selective_auc,
    smooth_ece,
)
from analysis.calibration.widgets import ECEExplorer

figure_dir = Path(figure_dir)

# %% [markdown]
# ## Out-of-fold probabilities of four classifiers

# %%
cancer = datasets.load_sklearn("breast_cancer")
X, y = cancer.drop(columns=["target", "target_name"]).to_numpy(), cancer["target"].to_numpy()
models = {
    "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    "naive Bayes": GaussianNB(),
    "random forest": RandomForestClassifier(n_estimators=200, random_state=seed),
    "SVM (Platt)": make_pipeline(StandardScaler(), SVC(probability=True, random_state=seed)),
}
folds = StratifiedKFold(5, shuffle=True, random_state=seed)
probs = {name: cross_val_predict(m, X, y, cv=folds, method="predict_proba")[:, 1] for name, m in models.items()}

# %% [markdown]
# ## One number per model... which one?
#
# Top-label ECE with 15 equal-width bins (the usual default), its bootstrap
# interval, the same with equal-mass bins, the debiased L2 estimator, and the
# smooth ECE.

# %%
rows = []
for name, p in probs.items():
    interval = ece_ci(y, p, n_boot=n_boot, rng=seed).interval
    rows.append({
        "model": name, "ECE (15 uniform)": ece(y, p), "95% interval": f"[{interval.low:.3f}, {interval.high:.3f}]",
        "ECE (15 quantile)": ece(y, p, strategy="quantile"),
        "debiased L2 ECE": ece(y, p, norm="l2", debiased=True), "smooth ECE": smooth_ece(y, p),
        "accuracy": np.mean((p > 0.5) == y),
    })
pd.DataFrame(rows).set_index("model").round(4)

# %% [markdown]
# ## The number of bins changes the answer
#
# With 569 predictions most of them near 0 or 1, more bins mean emptier bins,
# and the plug-in ECE grows with them even for a model that does not change.

# %%
bins = np.arange(2, 61)
with style.paper_figure(figure_dir / "ece_vs_bins", venue="icml", width="column", aspect=0.75) as (fig, ax):
    for (name, p), color in zip(probs.items(), style.PALETTE):
        ax.plot(bins, [ece(y, p, n_bins=b) for b in bins], color=color, label=name)
        ax.plot(bins, [ece(y, p, n_bins=b, norm="l2", debiased=True) for b in bins], color=color, ls=":")
        ax.axhline(smooth_ece(y, p), color=color, lw=0.6, ls="--")
    ax.set(xlabel="number of equal-width bins", ylabel="calibration error")
    ax.legend(title="solid: ECE; dotted: debiased L2; dashed: smooth", title_fontsize=6)

# %% [markdown]
# Try it: move the slider and switch to equal-mass bins.

# %%
ECEExplorer(y, probs["naive Bayes"])

# %% [markdown]
# ## Reliability diagrams with consistency bands
#
# A bin outside its grey band is miscalibration that sampling noise alone
# would rarely produce.

# %%
with style.paper_figure(figure_dir / "reliability", venue="neurips", width="text", aspect=0.3,
                        ncols=4) as (fig, axes):
    for ax, (name, p) in zip(axes, probs.items()):
        plot_reliability(y, p, n_bins=10, n_boot=n_boot, rng=seed, ax=ax)
        ax.set_title(name, fontsize=7)

# %%
with style.paper_figure(figure_dir / "smooth_reliability", venue="icml", width="column") as (fig, ax):
    for (name, p), color in zip(probs.items(), style.PALETTE):
        plot_smooth_reliability(y, p, ax=ax, show_density=False, color=color, label=name)
    ax.legend(fontsize=6)

# %% [markdown]
# ## The Balance score: signed, so it can cancel
#
# Accuracy minus confidence, averaged. It says whether a model is over- or
# under-confident on the whole, but opposite errors in different confidence
# ranges cancel; its binned, unsigned counterpart does not.

# %%
pd.DataFrame({name: vars(balance_report(y, p)) for name, p in probs.items()}).T.drop(columns="by_bin")

# %% [markdown]
# ## Selective prediction
#
# Abstaining on the least confident cases: the risk among the accepted ones,
# and the area under that curve (AURC; lower is better).

# %%
with style.paper_figure(figure_dir / "risk_coverage", venue="icml", width="column") as (fig, ax):
    summary = {}
    for (name, p), color in zip(probs.items(), style.PALETTE):
        confidence, correct = np.maximum(p, 1 - p), ((p > 0.5) == y).astype(float)
        curve = risk_coverage(correct, confidence)
        curve.plot(ax=ax, color=color, label=name)
        summary[name] = {"AURC": curve.aurc, "E-AURC": curve.e_aurc,
                         "selective AUC": selective_auc(correct, confidence)}
    ax.legend()
pd.DataFrame(summary).T.round(4)

# %%
plt.close("all")
sorted(p.name for p in figure_dir.iterdir())
