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
# # Is "the best-calibrated model" a fact about the models or about the estimator?
#
# Papers and leaderboards crown the best-calibrated model by one number,
# usually the expected calibration error with 15 equal-width bins. That
# number is an estimator with a dozen free choices: how many bins, of equal
# width or equal mass, the L1 or the L2 norm, plug-in or debiased, top-label or
# classwise, or no bins at all. This notebook ranks the same models under 19
# such choices and asks, with the ranking theme's tools, how much the
# rankings agree: Kendall's tau between every pair, each model's range of
# ranks, and bootstrap rank intervals under each estimator.
#
# Two real cases: seven scikit-learn classifiers with out-of-fold
# probabilities on three bundled data sets (COMPAS recidivism, breast cancer,
# handwritten digits), computed live; and HELM Classic's calibration
# leaderboard, which holds one estimator (10-bin ECE) for 48 language models
# on 12 scenarios. There the question turns: is the best-calibrated model
# stable across scenarios, and how does calibration relate to accuracy?

# %% [markdown]
# ## Learning goals
#
# - Rank models by calibration under many estimator choices and measure how
#   much the rankings agree (Kendall's tau, rank ranges).
# - Separate the disagreement caused by the estimator from that caused by
#   sampling the evaluation items (bootstrap rank intervals per estimator).
# - Treat a calibration leaderboard with the ranking theme's tools: rank
#   intervals over scenarios, concordance, and the relation to accuracy.

# %% tags=["parameters"]
n_boot = 200  # bootstrap resamples of the items (classifiers) and of the scenarios (HELM)
seed = 0
figure_dir = "../build/figures/41_calibration_leaderboards"

# %%
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import datasets, style
from analysis.calibration import choice_probabilities, ece, estimator_stability
from analysis.io import one_per_item, read_results
from analysis.ranking import (
    aggregate,
    bootstrap_ranks,
    default_classifiers,
    kendall_tau,
    kendall_w,
    out_of_fold_probabilities,
)

figure_dir = Path(figure_dir)
style.set_number_format()

# %% [markdown]
# ## Seven classifiers, three data sets
#
# Each classifier predicts every item from a model trained on the other four
# of five stratified folds. COMPAS (6,907 defendants, twelve binary features,
# two-year recidivism) is the largest; breast cancer has 569 items and digits
# 1,797 in ten classes.

# %%
compas = datasets.load_rashomon_data("compas")
features = {"COMPAS": (compas.drop(columns="label").to_numpy(float), compas["label"].to_numpy())}
for name in ("breast_cancer", "digits"):
    frame = datasets.load_sklearn(name)
    features[name] = (frame.drop(columns=["target", "target_name"]).to_numpy(), frame["target"].to_numpy())
data = {name: (y, out_of_fold_probabilities(X, y, default_classifiers(rng=seed), rng=seed))
        for name, (X, y) in features.items()}
pd.DataFrame({name: {model: np.mean((p > 0.5 if p.ndim == 1 else p.argmax(axis=1)) == y)
                     for model, p in probs.items()} for name, (y, probs) in data.items()}).round(3)

# %% [markdown]
# Accuracies are close on COMPAS (0.62 to 0.67) and breast cancer (0.92 to
# 0.98), and spread from 0.85 to 0.98 on digits. The question here is not
# which is most accurate but which is best calibrated.

# %% [markdown]
# ## Nineteen estimators, how many rankings?
#
# `estimator_stability` ranks the models under each estimator of
# `calibration_estimators`: top-label L1 ECE at 5 to 30 bins of equal width
# and of equal mass, the L2 ECE plug-in and debiased, the classwise ECE, the
# smooth ECE, the reliability term of the Brier score and, for two classes,
# the absolute Balance score.

# %%
stability = {name: estimator_stability(y, probs, n_boot=n_boot, rng=seed, progress=False)
             for name, (y, probs) in data.items()}


pd.DataFrame({name: result.agreement for name, result in stability.items()})

# %% [markdown]
# The estimators never agree on one ranking: 19 of them give 9 different
# rankings of the seven classifiers on COMPAS, 12 on breast cancer and 7 (of
# 18: digits has ten classes, so no Balance score) on digits. The median
# Kendall tau between two estimators is 0.90 on digits, 0.81 on COMPAS and
# only 0.71 on breast cancer, where two estimators can disagree down to tau
# 0.14. The model most often first, the RBF SVM (with Platt scaling) on the
# binary sets and logistic regression on digits, loses first place under 17%
# to 42% of the estimators.

# %%
compas = stability["COMPAS"]
with style.paper_figure(figure_dir / "estimator_ranks", venue="icml", width="column", aspect=1.25) as (fig, ax):
    compas.plot(ax=ax)
    ax.tick_params(axis="x", labelrotation=90)
compas.table

# %% [markdown]
# Each row is one estimator's ranking of the COMPAS classifiers, each column a
# model (best median rank on the left). The RBF SVM is first under 11 of the
# 19 estimators: every one with equal-width bins, the smooth ECE, the Brier
# reliability term and the Balance score. With equal-mass bins it is second
# or third: logistic regression is first with 5, 10, 20 and 30 of them, LDA
# with 15 (L1, L2, debiased and classwise). Places 2 to 5 swap between
# logistic regression, LDA, the random forest and the decision tree as the
# binning changes, while 5-NN and naive Bayes are sixth and seventh under
# every estimator. The estimators agree on who is badly calibrated more than
# on who is best.

# %% [markdown]
# ## Choice or chance?
#
# The bootstrap resamples the items (the same resample for every model) and
# re-ranks under each estimator. If the estimators' disagreement were only
# sampling noise, each model's ranks under different estimators would fall
# inside each other's bootstrap intervals.

# %%
shown = ["ECE, 15 equal-width bins", "ECE, 15 equal-mass bins", "L2 ECE debiased, 15 equal-width bins",
         "smooth ECE", "Brier reliability, 15 bins"]
models = list(compas.table.index)
with style.paper_figure(figure_dir / "bootstrap_ranks", venue="icml", width="column", aspect=0.85) as (fig, ax):
    for k, estimator in enumerate(shown):
        rows = compas.intervals.loc[estimator].loc[models]
        y_pos = np.arange(len(models)) + (k - 2) * 0.15
        rank = compas.ranks.loc[models, estimator]
        ax.errorbar(rank, y_pos, xerr=[rank - rows["rank_low"], rows["rank_high"] - rank], fmt="o", ms=2.5,
                    capsize=1.5, lw=0.8, label=estimator)
    ax.set_yticks(np.arange(len(models)), models)
    ax.set_ylim(len(models) - 0.5, -0.5)
    ax.set(xlabel=f"rank on COMPAS ({compas.ci:.0%} bootstrap interval)")
    fig.legend(loc="outside lower center", ncols=1, fontsize="small")
compas.intervals.loc[shown].round(2).unstack("estimator")["p_first"]

# %% [markdown]
# The table gives each model's share of resamples in which it is first. The
# RBF SVM is first in 90% of them under the 15-bin equal-width ECE, 96% under
# the smooth ECE and 74% under the Brier reliability term, but only in 31%
# with 15 equal-mass bins, where logistic regression (37%) and LDA (30%)
# share the rest. The middle places have bootstrap intervals up to four
# ranks wide under most estimators: with 6,907 items, sampling moves the
# middle of the ranking as much as the estimator choice does. 5-NN and naive
# Bayes are sixth and seventh in every resample under every estimator.

# %% [markdown]
# ## The same question on an evaluation harness's output
#
# Language models answer multiple-choice questions with a log-likelihood per
# choice; the softmax over the choices is the model's probability of each.
# `data/examples/lm_eval/` holds what lm-evaluation-harness itself wrote for
# five simulated models on 80 four-way questions (`add_choice`); read with
# `read_results`, `choice_probabilities` turns the table into the labels
# and per-model probabilities that `estimator_stability` takes.

# %%
harness = one_per_item(read_results(datasets.DATA_DIR / "examples" / "lm_eval", format="lm-eval"))
y_choice, choice_probs = choice_probabilities(harness[harness["task"] == "add_choice"])
lm_eval = estimator_stability(y_choice, choice_probs, n_boot=n_boot, rng=seed, progress=False)
lm_eval.agreement

# %%
lm_eval.table

# %% [markdown]
# On 80 questions, 18 estimators (four choices, so no Balance score) give 9
# rankings of five models; the median tau between two of them, 0.6, is lower
# than on any classifier data set above, and the smallest is 0.2. Three
# models are first under some estimator, the 1B model most often (11 of 18),
# not the largest; the two smallest are fourth and fifth under every one. On
# a task of a few dozen to a few hundred items, as many benchmark tasks are,
# "the best-calibrated model" among the better models is mostly a choice of
# estimator.

# %% [markdown]
# Inspect logs hold the same information when a `multiple_choice` task is
# run with `logprobs=True`: the reader takes each choice's probability from
# the answer letter's token, the way an API model reports it.
# `data/examples/inspect/` holds what Inspect itself wrote for three
# simulated models on 80 four-way questions (`add_choice`).

# %%
logs = read_results(datasets.DATA_DIR / "examples" / "inspect", format="inspect")
y_inspect, inspect_probs = choice_probabilities(logs[logs["task"] == "add_choice"])
logs_stability = estimator_stability(y_inspect, inspect_probs, n_boot=n_boot, rng=seed, progress=False)
logs_stability.table

# %% [markdown]
# With three models the question is only who is first: the 410M model under
# 13 of the 18 estimators, the 2.8B model under the other 5. The smallest
# model, the overconfident one, is last under all of them. A clear
# calibration failure survives every estimator; a close call between two
# reasonably calibrated models does not.

# %% [markdown]
# ## HELM Classic: one estimator, twelve scenarios
#
# HELM Classic reports the 10-bin ECE of each model on each scenario
# (`datasets.load_leaderboard("helm_classic_calibration")`, as benchbench
# ships it). 19 of its 67 models have no calibration reported and are left
# out; some scenarios miss some models. Lower ECE is better, so the ranking
# functions get its negative. Borda, the share of models beaten per scenario
# averaged over the scenarios a model has, uses the missing cells honestly.

# %%
ece_board = datasets.load_leaderboard("helm_classic_calibration").dropna(how="all")
accuracy_board = datasets.load_leaderboard("helm_classic_accuracy").loc[ece_board.index]
calibration_rank = aggregate(-ece_board, "borda")
complete = ece_board.dropna(axis=1)
print(f"{len(ece_board)} models; Kendall's W of the {complete.shape[1]} complete scenarios: "
      f"{kendall_w(-complete):.3f}")
helm_intervals = bootstrap_ranks(-ece_board, "borda", n_boot=n_boot, rng=seed)
helm_intervals.table.head(8)

# %% [markdown]
# The scenarios agree only weakly on calibration: Kendall's W of the eight
# scenarios every model has is 0.25. J1-Jumbo v1 (178B) is first by Borda,
# but its 95% rank interval over resampled scenarios runs from 1 to 25, and
# the intervals of the next six also reach first place. "The
# best-calibrated model" of HELM Classic depends on which scenarios one asks;
# twelve scenarios cannot name it.

# %% [markdown]
# ## Calibration against accuracy
#
# Are the accurate models also the calibrated ones? Borda on accuracy beside
# Borda on calibration, and, scenario by scenario, Kendall's tau between a
# model's accuracy and its negative ECE.

# %%
accuracy_rank = aggregate(accuracy_board, "borda")
both = pd.DataFrame({"accuracy (Borda)": accuracy_rank.scores, "calibration (Borda)": calibration_rank.scores})
overall = kendall_tau(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy())
scenario = {c.split(" - ")[0]: c for c in accuracy_board.columns}
per_scenario = {}
for column in ece_board.columns:
    name = column.split(" - ")[0]
    pair = pd.concat([accuracy_board[scenario[name]], -ece_board[column]], axis=1).dropna()
    per_scenario[name] = kendall_tau(pair.iloc[:, 0].to_numpy(), pair.iloc[:, 1].to_numpy())
per_scenario = pd.Series(per_scenario).sort_values()
with style.paper_figure(figure_dir / "calibration_vs_accuracy", venue="icml", width="text", aspect=0.38,
                        ncols=2) as (fig, axes):
    axes[0].scatter(both["accuracy (Borda)"], both["calibration (Borda)"], s=8)
    axes[0].set(xlabel="accuracy (Borda score)", ylabel="calibration (Borda score)")
    axes[1].barh(per_scenario.index, per_scenario.to_numpy(), color=np.where(per_scenario < 0, "C3", "C0"))
    axes[1].axvline(0, color="0.3", lw=0.8)
    axes[1].set(xlabel="Kendall tau, accuracy vs. -ECE")
    style.panel_labels(axes, [f"over scenarios, tau {overall:.2f}", "per scenario"])
per_scenario.round(3)

# %% [markdown]
# Over all scenarios, accuracy and calibration are nearly unrelated (Kendall's
# tau 0.07 between the two Borda scores). Scenario by scenario the relation
# changes sign: accurate models are the better calibrated ones on OpenbookQA
# (tau 0.72) and CivilComments (0.57), and the worse calibrated ones on
# HellaSwag (-0.68) and, mildly, on MMLU, QuAC and NarrativeQA. A calibration
# leaderboard is not an accuracy leaderboard in disguise, and neither
# direction of the relation generalises across tasks.

# %% [markdown]
# ## Summary
#
# - Nineteen reasonable calibration estimators give 7 to 12 different
#   rankings of seven classifiers, and two estimators can disagree down to a
#   Kendall tau of 0.14; they agree more on the worst-calibrated models than
#   on the best.
# - On COMPAS, sampling the items moves the middle of the calibration ranking
#   as much as the estimator choice does; the leader's bootstrap share of
#   first place ranges from 24% to 98% across estimators.
# - On lm-evaluation-harness output (80 questions), the estimators' median
#   tau is 0.6, and three of five models are first under some estimator; on
#   Inspect's logs two of three models are.
# - HELM Classic's scenarios agree weakly on calibration (W = 0.25); the
#   Borda leader's rank interval over scenarios runs from 1 to 25.
# - Calibration and accuracy rankings are nearly unrelated overall (tau
#   0.07), and their relation changes sign from scenario to scenario.
# - Report a calibration ranking with the estimator family it survives and
#   its rank intervals, not as one number.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** On breast cancer, keep only the top-label L1 ECE with
# equal-width bins (5, 10, 15, 20, 30). Does the best-calibrated model change
# with the number of bins?

# %% tags=["solution"]
y, probs = data["breast_cancer"]
bins_only = {f"{b} bins": (lambda y, p, b=b: ece(y, p, n_bins=b)) for b in (5, 10, 15, 20, 30)}
few = estimator_stability(y, probs, estimators=bins_only)
leaders = few.ranks.idxmin()
assert leaders.nunique() == 2
leaders

# %% [markdown] tags=["solution"]
# *Answer.* Yes: the RBF SVM leads with 5, 10 and 30 bins, logistic
# regression with 15 and 20. Changing only the number of equal-width bins
# moves first place on 569 items.

# %% [markdown]
# **Exercise 2.** In how many HELM Classic scenarios is the overall Borda
# leader in calibration also the best-calibrated model of that scenario?

# %% tags=["solution"]
leader = calibration_rank.systems[0]
per_scenario_best = (-ece_board).idxmax()
wins = int((per_scenario_best == leader).sum())
assert wins < ece_board.shape[1] / 2
print(f"{leader}: best on {wins} of {ece_board.shape[1]} scenarios")
per_scenario_best.value_counts().head()

# %% [markdown] tags=["solution"]
# *Answer.* On none: J1-Jumbo v1 (178B) is never the best-calibrated model of
# a scenario, yet consistently good. T0pp (11B) is best on four scenarios
# and seventh overall. Scenarios crown different models; an average of
# per-scenario shares rewards being good everywhere over being best
# somewhere.
