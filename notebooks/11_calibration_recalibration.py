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
# # Recalibration and selective prediction
#
# A classifier's scores can rank well and still be badly calibrated. A
# recalibration map, fitted on held-out data, fixes the probabilities without
# retraining. This notebook fits five maps to an SVM and a random forest on
# scikit-learn's bundled digits and breast-cancer data, scores them on a third
# split, and shows what calibration does (and does not do) for abstaining on
# hard inputs.

# %% [markdown]
# ## Learning goals
#
# - Fit recalibration maps (Platt, temperature, isotonic, histogram binning,
#   beta) on a calibration split, with the scikit-learn API, and score them on
#   a test split.
# - Read a reliability diagram with consistency bands before and after.
# - Know what recalibration leaves alone (the predicted class, most of the
#   ranking) and what it trades (log loss against binned ECE).

# %% tags=["parameters"]
seed = 0
n_boot = 500
figure_dir = "../build/figures/11_calibration_recalibration"

# %%
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from analysis import datasets, style
from analysis.calibration import (
    BetaCalibration,
    HistogramBinning,
    IsotonicCalibration,
    PlattScaling,
    TemperatureScaling,
    ece,
    reliability_diagram,
    risk_coverage,
    smooth_ece,
    top_label,
)

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01

# %% [markdown]
# ## Binary: five maps on an SVM's outputs
#
# Train, calibrate and test splits of the breast-cancer data. Platt scaling and
# temperature scaling take the SVM's decision values (log-odds-like); the other
# maps take a probability, here the sigmoid of the decision value.

# %%
cancer = datasets.load_sklearn("breast_cancer")
X, y = cancer.drop(columns=["target", "target_name"]).to_numpy(), cancer["target"].to_numpy()
X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.6, stratify=y, random_state=seed)
X_cal, X_test, y_cal, y_test = train_test_split(X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=seed)
svm = make_pipeline(StandardScaler(), SVC(C=10.0)).fit(X_train, y_train)
f_cal, f_test = svm.decision_function(X_cal), svm.decision_function(X_test)
raw_cal, raw_test = 1 / (1 + np.exp(-f_cal)), 1 / (1 + np.exp(-f_test))

maps = {
    "Platt": (PlattScaling(), f_cal, f_test),
    "temperature": (TemperatureScaling(), f_cal, f_test),
    "isotonic": (IsotonicCalibration(), raw_cal, raw_test),
    "histogram (10 bins)": (HistogramBinning(n_bins=10, strategy="quantile"), raw_cal, raw_test),
    "beta": (BetaCalibration(), raw_cal, raw_test),
}
calibrated = {"uncalibrated sigmoid": raw_test}
calibrated |= {name: m.fit(a, y_cal).transform(b) for name, (m, a, b) in maps.items()}
pd.DataFrame({
    name: {"ECE": ece(y_test, p, mode="positive"), "smooth ECE": smooth_ece(y_test, p, mode="positive"),
           "log loss": log_loss(y_test, p)}
    for name, p in calibrated.items()
}).T.round(4)

# %%
shown = ["uncalibrated sigmoid", "Platt", "isotonic"]
with style.paper_figure(figure_dir / "binary_reliability", venue="neurips", width="text", aspect=0.42,
                        ncols=3, sharey=True) as (fig, axes):
    for ax, name in zip(axes, shown):
        reliability_diagram(y_test, calibrated[name], n_bins=10, strategy="quantile", mode="positive", ci=0.9,
                            n_boot=n_boot, rng=seed).plot(ax=ax)
    style.outer_labels(axes, xlabel="predicted probability", ylabel="observed frequency")
    style.panel_labels(axes, shown)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2)

# %% [markdown]
# Ten equal-mass bins of the test scores (equal-width bins would leave some
# nearly empty, and their noise would hide the point). The raw sigmoid is
# underconfident: below 0.3 none of its cases is positive and above 0.75 all
# are, outside the bands. After Platt scaling every bin lies within its band.
# Isotonic regression maps the scores to a few steps, and equal-mass bins never
# split tied scores, so its cases fill two bins, both on the diagonal.

# %% [markdown]
# ## Ten classes: temperature scaling of a random forest
#
# One parameter for all classes. The forest's probabilities are turned into
# logits by their logarithm (clipped away from zero).

# %%
digits = datasets.load_sklearn("digits")
Xd, yd = digits.drop(columns=["target", "target_name"]).to_numpy(), digits["target"].to_numpy()
Xd_train, Xd_rest, yd_train, yd_rest = train_test_split(Xd, yd, test_size=0.6, stratify=yd, random_state=seed)
Xd_cal, Xd_test, yd_cal, yd_test = train_test_split(Xd_rest, yd_rest, test_size=0.5, stratify=yd_rest,
                                                    random_state=seed)
forest = RandomForestClassifier(n_estimators=100, random_state=seed).fit(Xd_train, yd_train)
logits_cal = np.log(np.clip(forest.predict_proba(Xd_cal), 1e-4, 1))
logits_test = np.log(np.clip(forest.predict_proba(Xd_test), 1e-4, 1))
scaler = TemperatureScaling().fit(logits_cal, yd_cal)
p_before = forest.predict_proba(Xd_test)
p_after = scaler.predict_proba(logits_test)
print(f"temperature {scaler.temperature_:.3f} ({scaler.n_iter_} Newton steps, converged: {scaler.converged_})")
pd.DataFrame({
    "before": {"top-label ECE": ece(yd_test, p_before), "classwise ECE": ece(yd_test, p_before, mode="classwise"),
               "accuracy": top_label(yd_test, p_before)[1].mean()},
    "after": {"top-label ECE": ece(yd_test, p_after), "classwise ECE": ece(yd_test, p_after, mode="classwise"),
              "accuracy": top_label(yd_test, p_after)[1].mean()},
}).round(4)

# %% [markdown]
# One temperature, 0.30, cuts the top-label ECE from 0.225 to 0.030 and the
# classwise ECE from 0.049 to 0.009, and leaves the accuracy at 0.946: it
# sharpens every prediction without changing any.

# %% [markdown]
# ## Selective prediction
#
# Abstain on the least confident test digits. Temperature scaling keeps every
# input's predicted class, but a single temperature can reorder confidences
# across inputs (a flat and a peaked probability vector change differently), so
# the risk-coverage curve moves too. Isotonic and histogram maps, by contrast,
# trade log loss for ECE above: they produce ties and hard 0/1 values.

# %%
with style.paper_figure(figure_dir / "risk_coverage", venue="icml", width="column") as (fig, ax):
    rows = {}
    for name, p, color in (("before", p_before, style.PALETTE[0]), ("after", p_after, style.PALETTE[1])):
        confidence, correct = top_label(yd_test, p)
        curve = risk_coverage(correct, confidence)
        curve.plot(ax=ax, label=f"{name} temperature scaling", color=color)
        rows[name] = {"AURC": curve.aurc, "E-AURC": curve.e_aurc}
    ax.legend()
pd.DataFrame(rows).T.round(5)

# %% [markdown]
# The same temperature lowers the AURC from 0.0030 to 0.0026: it reorders the
# confidences of different digits, and here the new order puts errors later.

# %% [markdown]
# ## Summary
#
# - Platt, temperature and beta scaling cut the SVM's log loss from 0.24 to
#   about 0.10; isotonic and histogram maps win on binned ECE but lose on log
#   loss, because they output hard 0s and 1s.
# - One temperature (about 0.3) fixes most of a random forest's
#   underconfidence on ten classes, without changing a single prediction.
# - Recalibration changes probabilities, not the ranking within an input, so
#   selective prediction moves only as far as confidences reorder across inputs.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** The forest's mean top-label confidence on the test digits is
# far below its accuracy. Is the fitted temperature above or below 1?

# %% tags=["solution"]
confidence, correct = top_label(yd_test, p_before)
confidence_before, accuracy = confidence.mean(), correct.mean()
confidence_after = top_label(yd_test, p_after)[0].mean()
assert scaler.temperature_ < 1 and confidence_before < accuracy and confidence_after > confidence_before
print(f"T = {scaler.temperature_:.2f}; mean confidence {confidence_before:.3f} -> {confidence_after:.3f}; "
      f"accuracy {accuracy:.3f}")

# %% [markdown] tags=["solution"]
# *Answer.* Below 1: dividing the logits by a temperature under 1 sharpens the
# probabilities. A forest averages many trees' votes, which pulls its
# probabilities towards the middle: it is underconfident.

# %% [markdown]
# **Exercise 2.** Which maps give the SVM the worst test log loss, and why,
# although their binned ECE is among the best?

# %% tags=["solution"]
losses = pd.Series({name: log_loss(y_test, p) for name, p in calibrated.items()}).sort_values()
assert set(losses.index[-2:]) == {"isotonic", "histogram (10 bins)"}
losses.round(3)

# %% [markdown] tags=["solution"]
# *Answer.* Isotonic regression and histogram binning. Both are step functions
# fitted on a small calibration split: some steps are exactly 0 or 1, and a
# test case on the wrong side of such a step costs a very large log loss.
