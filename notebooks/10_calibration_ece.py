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
# # What ECE hides
#
# The expected calibration error is the most reported calibration number and
# one of the least stable: it depends on how many bins, where their edges are,
# and whether the estimator's upward bias is removed. This notebook measures
# four real classifiers on scikit-learn's bundled breast-cancer data and shows
# what each choice does, next to two estimators that need no bins (smooth ECE)
# or that are signed (the Balance score).

# %% [markdown]
# ## Learning goals
#
# - See how the binned ECE depends on the number of bins and on their edges,
#   and why it is biased upward.
# - Read a reliability diagram with consistency bands and Wilson intervals.
# - Know the estimators that avoid the bins (smooth ECE) or keep the sign
#   (the Balance score), and what selective prediction adds.

# %% tags=["parameters"]
seed = 0
n_boot = 1000
figure_dir = "../build/figures/10_calibration_ece"

# %%
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
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
    bin_sensitivity,
    by_model,
    ece,
    predictions_table,
    reliability_diagram,
    risk_coverage,
    selective_auc,
    smooth_reliability,
    top_label,
)
from analysis.calibration.widgets import ECEExplorer

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01

# %% [markdown]
# ## Out-of-fold probabilities of four classifiers

# %%
cancer = datasets.load_sklearn("breast_cancer")
X, y = cancer.drop(columns=["target", "target_name"]).to_numpy(), cancer["target"].to_numpy()
models = {
    "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    "naive Bayes": GaussianNB(),
    "random forest": RandomForestClassifier(n_estimators=200, random_state=seed),
    "SVM (Platt)": make_pipeline(StandardScaler(), CalibratedClassifierCV(SVC(), method="sigmoid", ensemble=False)),
}
folds = StratifiedKFold(5, shuffle=True, random_state=seed)
probs = {name: cross_val_predict(m, X, y, cv=folds, method="predict_proba")[:, 1] for name, m in models.items()}

# %% [markdown]
# Five-fold cross-validation gives each of the 569 cases a probability from a
# model that did not see it.

# %% [markdown]
# ## One number per model... which one?
#
# Top-label ECE with 15 equal-width bins (the usual default), its bootstrap
# interval, the same with equal-mass bins, the debiased L2 estimator, and the
# smooth ECE.

# %%
summary = by_model(predictions_table(y, probs), n_boot=n_boot, rng=seed)
summary["ece_quantile_bins"] = pd.Series({name: ece(y, p, strategy="quantile") for name, p in probs.items()})
summary["debiased_l2_ece"] = pd.Series({name: ece(y, p, norm="l2", debiased=True) for name, p in probs.items()})
style.readable_columns(summary[["accuracy", "ece", "ece_low", "ece_high", "ece_quantile_bins", "debiased_l2_ece",
                                "smooth_ece", "smooth_ece_low", "smooth_ece_high"]]).round(4)

# %% [markdown]
# By the usual 15-bin ECE the SVM (0.014) edges out logistic regression
# (0.016); by the smooth ECE it is the other way round (0.019 against 0.018),
# and the two bootstrap intervals overlap almost entirely. The debiased L2
# estimator even puts the SVM at 0. Naive Bayes is the worst calibrated by
# every estimator.

# %% [markdown]
# ## The number of bins changes the answer
#
# With 569 predictions most of them near 0 or 1, more bins mean emptier bins,
# and the plug-in ECE grows with them even for a model that does not change.

# %%
bins = np.arange(2, 61)
with style.paper_figure(figure_dir / "ece_vs_bins", venue="neurips", width="text", aspect=0.62, nrows=2, ncols=2,
                        sharex=True, sharey=True) as (fig, axes):
    for ax, p in zip(axes.flat, probs.values()):
        bin_sensitivity(y, p, n_bins=bins).plot(ax=ax)
    style.outer_labels(axes, xlabel="number of equal-width bins", ylabel="calibration error")
    style.panel_labels(axes, probs)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=3)

# %% [markdown]
# The plug-in ECE of three of the four models rises steadily with the number
# of bins (logistic regression's doubles between 10 and 60 bins), although
# nothing about the models changed. The debiased estimator is no cure on 569
# predictions: it jumps from one bin count to the next by as much as the
# models differ. The smooth ECE needs no bins at all.

# %% [markdown]
# Try it: move the slider and switch to equal-mass bins.

# %%
ECEExplorer(y, probs["naive Bayes"])

# %% [markdown]
# Without a kernel, the same numbers for naive Bayes at four bin counts:

# %%
pd.DataFrame([{"bins": b, "strategy": s, "ECE": ece(y, probs["naive Bayes"], n_bins=b, strategy=s),
               "debiased L2 ECE": ece(y, probs["naive Bayes"], n_bins=b, strategy=s, norm="l2", debiased=True)}
              for b in (5, 15, 30, 60) for s in ("uniform", "quantile")]).set_index(["bins", "strategy"]).round(4)

# %% [markdown]
# For naive Bayes the plug-in ECE barely moves (0.058 to 0.061), and with
# equal-mass bins it does not move at all (0.0534): most of its probabilities
# are exactly 0 or 1, equal-mass bins never split tied scores, so more bins add
# nothing. The debiased L2 estimator moves from 0.074 to 0.119.

# %% [markdown]
# ## Reliability diagrams with consistency bands
#
# A bin outside its grey band is miscalibration that sampling noise alone
# would rarely produce. Top-label confidence of a binary classifier is at least
# 0.5, so 20 equal-width bins on [0, 1] leave ten on the axis shown.

# %%
diagrams = {name: reliability_diagram(y, p, n_bins=20, ci=0.9, n_boot=n_boot, rng=seed) for name, p in probs.items()}
with style.paper_figure(figure_dir / "reliability", venue="neurips", width="text", aspect=0.8, nrows=2, ncols=2,
                        sharex=True, sharey=True) as (fig, axes):
    for ax, diagram in zip(axes.flat, diagrams.values()):
        diagram.plot(ax=ax)
    style.outer_labels(axes, xlabel="confidence", ylabel="accuracy")
    style.panel_labels(axes, diagrams)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=2)

# %% [markdown]
# Logistic regression stays within its bands everywhere. The random forest is
# right more often than it claims in its upper bins (0.8 to 0.95), beyond its
# bands: it is underconfident there. Naive Bayes puts nearly all its
# predictions in the last bin, and in the few bins below it, it is right less
# often than it claims.

# %% [markdown]
# The smoothed reliability curve needs no bins either. The smooth ECE's own
# bandwidth is its fixed point, about as small as the error itself (0.01 to
# 0.08 here), and a curve that narrow wiggles with single predictions; for the
# picture all four are smoothed at one bandwidth of 0.05, and drawn only where
# at least two predictions lie within about a bandwidth.

# %%
smooth = {name: smooth_reliability(y, p, sigma=0.05, n_boot=n_boot // 5, ci=0.9, rng=seed)
          for name, p in probs.items()}
with style.paper_figure(figure_dir / "smooth_reliability", venue="neurips", width="text", aspect=0.62, nrows=2,
                        ncols=2, sharex=True, sharey=True) as (fig, axes):
    for ax, curve, color in zip(axes.flat, smooth.values(), style.PALETTE):
        curve.plot(ax=ax, color=color)
        ax.set(xlim=(0.5, 1), ylim=(0, 1.02))
    style.outer_labels(axes, xlabel="confidence", ylabel="accuracy")
    style.panel_labels(axes, smooth)

# %% [markdown]
# Shaded: the 90% bootstrap band of each curve; grey at the bottom: the
# density of the predictions. Three models lie on or above the diagonal; naive
# Bayes falls far below it between 0.6 and 0.85, where it has few predictions
# and a wide band.

# %% [markdown]
# ## The Balance score: signed, so it can cancel
#
# Accuracy minus confidence, averaged. It says whether a model is over- or
# under-confident on the whole, but opposite errors in different confidence
# ranges cancel; its binned, unsigned counterpart does not.

# %%
pd.DataFrame({name: vars(balance_report(y, p)) for name, p in probs.items()}).T.drop(columns="by_bin")

# %% [markdown]
# Only naive Bayes is overconfident on the whole (Balance -0.053); the three
# others are underconfident, and for none of the four do opposite errors
# cancel.

# %% [markdown]
# ## Selective prediction
#
# Abstaining on the least confident cases: the risk among the accepted ones,
# and the area under that curve (AURC; lower is better).

# %%
with style.paper_figure(figure_dir / "risk_coverage", venue="icml", width="column") as (fig, ax):
    summary = {}
    for (name, p), color in zip(probs.items(), style.PALETTE):
        confidence, correct = top_label(y, p)
        curve = risk_coverage(correct, confidence)
        curve.plot(ax=ax, color=color, label=name)
        summary[name] = {"AURC": curve.aurc, "E-AURC": curve.e_aurc,
                         "selective AUC": selective_auc(correct, confidence)}
    ax.legend()
pd.DataFrame(summary).T.round(4)

# %% [markdown]
# Logistic regression puts its errors last most reliably (AURC 0.0021); naive
# Bayes, the worst calibrated, abstains worst (0.0078), and the random forest
# has the lowest selective AUC (0.90): calibration and ranking by confidence
# are different properties.

# %% [markdown]
# ## Summary
#
# - The plug-in ECE of the same predictions moves with the number of bins;
#   report the bins, an interval, or a bin-free estimator beside it.
# - Consistency bands separate miscalibration from noise: the random forest is
#   underconfident, naive Bayes overconfident.
# - The signed Balance score tells over- from underconfidence, but opposite
#   errors cancel in it.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** How does each model's plug-in ECE change with 30 equal-width
# bins instead of 15, and why?

# %% tags=["solution"]
by_bins = pd.DataFrame({b: {name: ece(y, p, n_bins=b) for name, p in probs.items()} for b in (15, 30)})
assert (by_bins[30] > by_bins[15]).all()
by_bins.round(4)

# %% [markdown] tags=["solution"]
# *Answer.* It rises for every model. Each bin's gap between accuracy and
# confidence is estimated from fewer predictions, and the noise of that
# estimate adds to its absolute value: the plug-in ECE is biased upward, the
# more so the fewer predictions per bin.

# %% [markdown]
# **Exercise 2.** Can the magnitude of a model's Balance score ever exceed its
# ECE on the same bins? Check on the four models, then say why.

# %% tags=["solution"]
signed = pd.DataFrame({name: {"|Balance|": abs(balance_report(y, p).balance), "ECE": ece(y, p)}
                       for name, p in probs.items()}).T
assert (signed["|Balance|"] <= signed["ECE"] + 1e-12).all()
signed.round(4)

# %% [markdown] tags=["solution"]
# *Answer.* Never. Both average the per-bin gaps `accuracy - confidence` with
# the bins' shares of predictions as weights; the Balance keeps their signs,
# the ECE takes absolute values first, and the absolute value of a sum is at
# most the sum of absolute values. Equality means every bin errs the same way.
