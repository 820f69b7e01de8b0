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
# # Relative confidence from pairwise preferences
#
# Language models state their confidence coarsely ("90%", "95%") and
# over-confidently. Asking instead *which of two questions* the model is more
# confident about, and turning many such preferences into one score per
# question, can rank questions by difficulty much better ('Language Models
# Prefer What They Know'). A monotone map fitted on held-out correctness turns
# the scores into probabilities.
#
# **The model here is simulated**, from the process stated in
# `simulate_confidence_preferences`: each question has a chance `pi` of being
# answered correctly; the verbal confidence is an over-confident, noisy,
# rounded version of it; a pairwise preference favours the easier question with
# probability `sigmoid(2 (logit pi_1 - logit pi_2))`.

# %% [markdown]
# ## Learning goals
#
# - Turn pairwise preferences into one confidence score per question
#   (Bradley-Terry, Elo).
# - Map scores to probabilities on held-out correctness, and compare them with
#   verbal confidence on calibration and on selective prediction.
# - Judge how many comparisons such scores need.

# %% tags=["parameters"]
seed = 0
n_questions = 400
n_pairs = 6000
n_boot = 1000
figure_dir = "../build/figures/12_calibration_relative"

# %%
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis import style
from analysis.calibration import (
    IsotonicCalibration,
    PlattScaling,
    by_model,
    predictions_table,
    relative_confidence,
    risk_coverage,
    selective_auc,
    simulate_confidence_preferences,
)

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01
questions, pairs = simulate_confidence_preferences(n_questions=n_questions, n_pairs=n_pairs, rng=seed)
questions.describe().T[["mean", "min", "max"]]

# %% [markdown]
# ## Scores from preferences
#
# Bradley-Terry (with one virtual tie per pair, so that a question preferred in
# all its comparisons still gets a finite score) and Elo averaged over 100
# orders of the comparisons.

# %%
scores = {
    "Bradley-Terry": relative_confidence(pairs["first"], pairs["second"], pairs["prefers_first"], n_questions),
    "Elo": relative_confidence(pairs["first"], pairs["second"], pairs["prefers_first"], n_questions, method="elo",
                               rng=seed),
}
pd.DataFrame(scores).corr(method="spearman").round(4)

# %% [markdown]
# Bradley-Terry and Elo averaged over orders rank the 400 questions alike
# (Spearman correlation 0.99999): with 6000 preferences, the choice between
# them does not matter.

# %% [markdown]
# ## From scores to probabilities, on held-out questions
#
# Fit the map on half the questions (their correctness is known), evaluate on
# the other half: calibration (ECE) and how well the confidence separates right
# from wrong answers (selective AUC, AURC).

# %%
correct = questions["correct"].to_numpy()
rng = np.random.default_rng(seed)
held_out = rng.permutation(n_questions) < n_questions // 2
fit, test = ~held_out, held_out
candidates = {"verbal confidence": questions["verbal_confidence"].to_numpy()[test]}
for name, s in scores.items():
    candidates[f"{name} + Platt"] = PlattScaling().fit(s[fit], correct[fit]).transform(s[test])
    candidates[f"{name} + isotonic"] = IsotonicCalibration().fit(s[fit], correct[fit]).transform(s[test])
summary = by_model(predictions_table(correct[test], candidates, mode="positive"), n_boot=n_boot, rng=seed)
summary["selective_auc"] = pd.Series({name: selective_auc(correct[test], p) for name, p in candidates.items()})
summary["aurc"] = pd.Series({name: risk_coverage(correct[test], p).aurc for name, p in candidates.items()})
style.readable_columns(summary.loc[list(candidates), ["ece", "ece_low", "ece_high", "selective_auc", "aurc"]]).round(4)

# %% [markdown]
# The preference-based scores separate right from wrong answers better
# (higher selective AUC, lower AURC). With 200 held-out questions, the ECE of
# any of them is uncertain to a few points: read its interval before ranking
# methods by it.

# %%
with style.paper_figure(figure_dir / "risk_coverage", venue="icml", width="column") as (fig, ax):
    shown = [name for name in candidates if "isotonic" not in name]
    for name, color, dashes in zip(shown, style.PALETTE, ([], [], [3, 2])):
        risk_coverage(correct[test], candidates[name]).plot(ax=ax, color=color, dashes=dashes, label=name)
    ax.legend()

# %% [markdown]
# Bradley-Terry and Elo order the held-out questions alike, so their curves
# coincide (dashed over solid): only the order of the confidences matters
# here. Both keep the error rate lower than verbal confidence at every
# coverage above 10%; below that the curves rest on a handful of questions.

# %% [markdown]
# ## Summary
#
# - Scores from pairwise preferences, mapped by Platt scaling, are calibrated
#   to within the uncertainty of 200 held-out questions.
# - They separate right from wrong answers better than the verbal confidence
#   does; Bradley-Terry and Elo give the same order.
# - Their advantage needs enough comparisons per question (exercise 2).

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** Which ranks the questions closer to their true chance of a
# correct answer `pi`: the verbal confidence, or the Bradley-Terry scores from
# all the preferences?

# %% tags=["solution"]
agreement = {name: stats.spearmanr(values, questions["pi"]).statistic
             for name, values in {"verbal confidence": questions["verbal_confidence"], **scores}.items()}
assert agreement["Bradley-Terry"] > agreement["verbal confidence"]
pd.Series(agreement, name="Spearman correlation with pi").round(3)

# %% [markdown] tags=["solution"]
# *Answer.* The preference scores, if only by a few hundredths here: verbal
# confidence is rounded to a few values, so it cannot order the questions
# within each value.

# %% [markdown]
# **Exercise 2.** With only the first 400 preferences (two per question on
# average), do the Bradley-Terry scores still rank the questions better than
# the verbal confidence?

# %% tags=["solution"]
few = relative_confidence(pairs["first"][:400], pairs["second"][:400], pairs["prefers_first"][:400], n_questions)
few_agreement = stats.spearmanr(few, questions["pi"]).statistic
assert few_agreement < agreement["verbal confidence"] < agreement["Bradley-Terry"]
print(f"Spearman correlation with pi from 400 preferences: {few_agreement:.3f}")

# %% [markdown] tags=["solution"]
# *Answer.* No: two comparisons per question leave each score too noisy. The
# comparisons pay off only in the thousands, about fifteen per question.
