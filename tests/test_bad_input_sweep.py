"""Every kind of bad input, for every function in one table of the public API, is refused with AnalysisInputError.

The table (``API``) names, for each function, a valid call and the role of each
argument; ``BAD`` lists, per role, the kinds of bad value that role can receive.
Hypothesis draws the bad values themselves (where a NaN sits, how far a
probability strays, what text replaces a number), so each kind is tried at
several shapes and positions.
"""

import dataclasses
import importlib
import inspect
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.dummy import DummyClassifier

import analysis
import analysis.io
import analysis.notebooks
import analysis.report
from analysis import AnalysisInputError, FitError, style
from analysis import calibration as cal
from analysis import ranking as rk
from analysis import rashomon as ra
from analysis import scaling as sc
from analysis.calibration.widgets import ECEExplorer, describe_ece
from analysis.ranking.widgets import LeaderboardExplorer
from analysis.rashomon.widgets import TreeSetExplorer, describe_tree_set
from analysis.scaling.widgets import ExtrapolationExplorer, extrapolation_summary
from analysis.widgets import IntervalExplorer, describe_interval

RNG = np.random.default_rng(0)
N = 60
Y = np.tile([0, 1], N // 2)
P = np.clip(0.5 + (Y - 0.5) * 0.6 + RNG.normal(0, 0.15, N), 0.01, 0.99)
REAL = RNG.normal(size=N)
BOARD = pd.DataFrame(RNG.normal(size=(5, 6)) + np.arange(5)[:, None], index=list("abcde"),
                     columns=[f"t{j}" for j in range(6)])
WINNER, LOSER = np.array([0, 1, 2, 1, 2, 0, 2, 0]), np.array([1, 2, 0, 0, 1, 2, 0, 1])
QUANTILES = np.sort(REAL[:, None] + np.array([-1.0, 0.0, 1.0]), axis=1)
RUNS = analysis.datasets.load_chinchilla()
PREDS = (RNG.random((4, N)) < 0.5).astype(int)
SAMPLES = pd.DataFrame({"model": np.repeat(list("abc"), N), "task": np.tile(np.repeat(["x", "y"], N // 2), 3),
                        "item": np.tile(np.arange(N), 3), "correct": np.concatenate([Y, PREDS[0], PREDS[1]]),
                        "confidence": np.tile(P, 3)})

ANNOTATIONS = pd.DataFrame({"model": np.repeat(list("ab"), N // 2), "score": P, "length": 100 + 400 * P,
                            "baseline_length": 300.0})

XLIN = np.column_stack([REAL, REAL ** 2])
XBIN = (np.column_stack([REAL, P, REAL * P]) > 0.3).astype(int)
LINEAR = ra.LinearRashomonSet(0.1).fit(XLIN, REAL)
LOGISTIC = ra.LogisticRashomonSet(0.05).fit(REAL[:, None], Y)
TREES = ra.SparseTreeRashomonSet(2, 0.01, 0.05).fit(XBIN, Y)
TIES = np.array([[0, 1, 0], [1, 0, 2], [0, 2, 0]])
SCORING = ra.ScoringSystemRashomonSet(2, 2).fit(XBIN, Y)
FIT = sc.fit_scaling_law(RUNS, loss="squared", starts=sc.chinchilla.start_grid()[::500], n_boot=4, rng=0)
KAPLAN = sc.KaplanLaw(N_c=8.8e13, alpha_N=0.076, S_c=2.1e3, alpha_S=0.76, B_star=2e8, alpha_B=0.21)
CHAIN = sc.choice_chain(-RNG.random((4, 30, 3)), np.arange(30) % 3)
NEAR = sc.near_optimal_set(FIT, epsilon=0.01, n_members=5, rng=0)
BT = rk.bradley_terry(rk.win_matrix(WINNER, LOSER, 3))
TIE_MODEL = rk.bradley_terry_ties(rk.win_matrix(WINNER, LOSER, 3), TIES)
# binary calibrators and the role of their input: any scores or probabilities
CALIBRATORS = {cal.PlattScaling: "values", cal.IsotonicCalibration: "values", cal.ScalingBinning: "values",
               cal.HistogramBinning: "vectorised probabilities", cal.BetaCalibration: "vectorised probabilities"}
TEMPERATURE = cal.TemperatureScaling().fit(np.column_stack([1 - P, P]), PREDS[0])
EMPIRICAL = ra.EmpiricalRashomonSet(DummyClassifier(strategy="stratified"), n_models=4, rng=0).fit(XLIN, Y)
RID = ra.rashomon_importance_distribution(XBIN, Y, n_boot=3, max_depth=1, rng=0)
ACCURACY_CURVE = sc.fit_accuracy_curve(np.linspace(2, 4, 30), np.linspace(0.9, 0.3, 30))
TWO_STEP_RUNS = RUNS.assign(task_loss=RUNS["loss"], accuracy=np.clip(3.2 - RUNS["loss"], 0, 1))
TWO_STEP = sc.fit_two_step(TWO_STEP_RUNS, loss="squared", starts=sc.chinchilla.start_grid()[::500])
COD = sc.cluster_on_difficulty(np.clip(np.linspace(0.1, 0.9, 4)[:, None] + 0.1 * REAL[None, :20], 0, 1),
                               compute=[1e18, 1e19, 1e20, 1e21], n_clusters=2, min_cluster_size=2, rng=0)
GPM = rk.general_preference(pd.DataFrame({"winner": list("abcab"), "loser": list("bcabc"), "tie": False}),
                             n_starts=1, rng=0)
CLOUD = ra.interaction_cloud(LOGISTIC_2D := ra.LogisticRashomonSet(0.05).fit(XLIN, Y),
                             weights=[[0.1, 0.2, 0.0], [0.2, 0.1, 0.1]], X=XLIN, y=Y)
FIGURE_DIR = Path(tempfile.mkdtemp(prefix="sweep-figures-"))
AXES = {"one": lambda: plt.subplots()[1], "grid": lambda: plt.subplots(2, 2)[1]}
LOGPROBS = pd.DataFrame({"model": np.repeat(list("ab"), 6), "item": np.tile(np.repeat([0, 1, 2], 2), 2),
                         "logprobs": [[-0.1, -2.0], [-1.0, -0.5]] * 3 * 2, "answer": 0})


def mean(x):
    return x.mean(axis=1)


# function, valid arguments, role of each argument that gets bad values
API = {
    "calibration.ece": (cal.ece, dict(y_true=Y, y_prob=P), dict(y_true="labels", y_prob="probabilities")),
    "calibration.ece_ci": (cal.ece_ci, dict(y_true=Y, y_prob=P, n_boot=20, rng=0),
                           dict(y_prob="probabilities", n_boot="n_boot", ci="ci", rng="rng")),
    "calibration.smooth_ece": (cal.smooth_ece, dict(y_true=Y, y_prob=P), dict(y_true="labels", y_prob="probabilities")),
    "calibration.brier_decomposition": (cal.brier_decomposition, dict(y_true=Y, y_prob=P),
                                        dict(y_prob="probabilities", n_bins="count")),
    "calibration.balance_score": (cal.balance_score, dict(y_true=Y, y_prob=P), dict(y_true="labels")),
    "calibration.reliability": (cal.reliability, dict(y_true=Y, y_prob=P), dict(y_prob="probabilities")),
    "calibration.reliability_diagram": (cal.reliability_diagram, dict(y_true=Y, y_prob=P, n_boot=20, rng=0),
                                        dict(y_prob="probabilities", ci="ci", n_boot="n_boot", rng="rng")),
    "calibration.smooth_reliability": (cal.smooth_reliability, dict(y_true=Y, y_prob=P, n_boot=5, rng=0),
                                       dict(y_true="labels", ci="ci", n_boot="n_boot")),
    "calibration.corp_decomposition": (cal.corp_decomposition, dict(y_true=Y, y_prob=P), dict(y_prob="probabilities")),
    "calibration.risk_coverage": (cal.risk_coverage, dict(correct=Y, scores=P), dict(correct="labels", scores="real")),
    "calibration.selective_auc": (cal.selective_auc, dict(correct=Y, scores=P), dict(scores="real")),
    "calibration.interval_score": (cal.interval_score, dict(y=REAL, lower=REAL - 1, upper=REAL + 1, alpha=0.1),
                                   dict(y="real", upper="real", alpha="alpha")),
    "calibration.split_conformal_interval": (cal.split_conformal_interval,
                                             dict(y_cal=REAL, pred_cal=REAL * 0.9, pred_test=REAL[:5], alpha=0.1),
                                             dict(y_cal="real", pred_cal="real", alpha="alpha")),
    "calibration.interval_coverage": (cal.interval_coverage, dict(y=REAL, lower=REAL - 1, upper=REAL + 1),
                                      dict(y="real", lower="real", ci="ci")),
    "calibration.pinball_loss": (cal.pinball_loss, dict(y=REAL, quantiles=QUANTILES, levels=[0.1, 0.5, 0.9]),
                                 dict(y="real")),
    "calibration.rank_histogram": (cal.rank_histogram, dict(members=QUANTILES, observed=REAL, rng=0),
                                   dict(observed="real", rng="rng")),
    "calibration.by_model": (cal.by_model, dict(table=pd.DataFrame({"model": "m", "correct": Y, "confidence": P}),
                                                n_boot=5, rng=0), dict(ci="ci", n_boot="n_boot", rng="rng")),
    "calibration.reliability_by_model": (cal.reliability_by_model, dict(table=SAMPLES), dict(n_bins="count")),
    "calibration.brier_by_model": (cal.brier_by_model, dict(table=SAMPLES), dict(n_bins="count")),
    "calibration.by_model (Poisson)": (cal.by_model, dict(table=SAMPLES, n_boot=5, key="item", rng=0),
                                       dict(ci="ci", n_boot="n_boot", rng="rng")),
    "calibration.estimator_stability": (cal.estimator_stability,
                                        dict(y_true=Y, probs={"a": P, "b": P**2}, n_boot=3, rng=0),
                                        dict(y_true="labels", n_boot="n_boot", ci="ci", rng="rng")),
    "ranking.aggregate": (rk.aggregate, dict(scores=BOARD, method="borda"), dict(scores="board")),
    "ranking.kemeny": (rk.kemeny, dict(scores=BOARD, rng=0), dict(scores="board", rng="rng")),
    "ranking.bootstrap_ranks": (rk.bootstrap_ranks, dict(scores=BOARD, n_boot=10, rng=0),
                                dict(scores="board", n_boot="n_boot", ci="ci", rng="rng")),
    "ranking.item_bootstrap_ranks": (rk.item_bootstrap_ranks, dict(table=SAMPLES, n_boot=10, rng=0),
                                     dict(n_boot="n_boot", ci="ci", rng="rng")),
    "ranking.task_table": (rk.task_table, dict(table=SAMPLES), dict()),
    "scaling.pass_rate_table": (sc.pass_rate_table, dict(table=SAMPLES), dict()),
    "ranking.plackett_luce_samples": (rk.plackett_luce_samples, dict(table=SAMPLES, rng=0), dict(rng="rng")),
    "ranking.normal_rank_intervals": (rk.normal_rank_intervals, dict(scores=REAL[:5], standard_errors=np.ones(5),
                                                                     n_draws=50, rng=0),
                                      dict(scores="real", standard_errors="real", n_draws="count", ci="ci",
                                           rng="rng")),
    "ranking.kendall_w": (rk.kendall_w, dict(scores=BOARD), dict(scores="matrix")),
    "ranking.diversity": (rk.diversity, dict(scores=BOARD), dict(scores="board")),
    "ranking.rank_range": (rk.rank_range, dict(scores=BOARD), dict(scores="board")),
    "ranking.friedman_nemenyi": (rk.friedman_nemenyi, dict(scores=BOARD), dict(scores="board", alpha="alpha")),
    "ranking.wilcoxon_holm": (rk.wilcoxon_holm, dict(scores=BOARD), dict(scores="board", alpha="alpha")),
    "ranking.cardinal_sensitivity": (rk.cardinal_sensitivity, dict(scores=BOARD, n_draws=3, rng=0),
                                     dict(scores="board", n_draws="count", rng="rng")),
    "ranking.kendall_tau": (rk.kendall_tau, dict(x=REAL, y=REAL[::-1]), dict(x="real", y="real")),
    "ranking.spearman_rho": (rk.spearman_rho, dict(x=REAL, y=REAL[::-1]), dict(x="real", y="real")),
    "ranking.weighted_tau": (rk.weighted_tau, dict(x=REAL, y=REAL[::-1]), dict(x="real", y="real")),
    "ranking.correlation_ci": (rk.correlation_ci, dict(x=REAL, y=REAL[::-1], n_boot=20, rng=0),
                               dict(x="real", n_boot="n_boot", ci="ci", rng="rng")),
    "ranking.bradley_terry": (rk.bradley_terry, dict(wins=rk.win_matrix(WINNER, LOSER, 3)),
                              dict(wins="counts_matrix", prior="nonnegative")),
    "ranking.intransitivity": (rk.intransitivity, dict(wins=rk.win_matrix(WINNER, LOSER, 3)),
                               dict(wins="counts_matrix")),
    "ranking.general_preference": (rk.general_preference,
                                   dict(battles=pd.DataFrame({"winner": list("abcab"), "loser": list("bcabc"),
                                                              "tie": False}), n_starts=1, rng=0),
                                   dict(dim="count", prior="nonnegative", n_starts="count", rng="rng")),
    "ranking.win_matrix": (rk.win_matrix, dict(winner=WINNER, loser=LOSER, n_items=3),
                           dict(winner="indices", n_items="count")),
    "ranking.elo_ratings": (rk.elo_ratings, dict(winner=WINNER, loser=LOSER, n_items=3, n_shuffles=3, rng=0),
                            dict(winner="indices", n_shuffles="count", rng="rng")),
    "ranking.arena_ranking": (rk.arena_ranking, dict(winner=WINNER, loser=LOSER, n_items=3, n_boot=5, prior=1.0,
                                                     rng=0),
                              dict(winner="indices", n_boot="n_boot", ci="ci", rng="rng")),
    "scaling.compute_optimal": (sc.compute_optimal, dict(fit={"A": 482.0, "B": 2085.0, "E": 1.82, "alpha": 0.35,
                                                              "beta": 0.37}, C=[1e20, 1e22]), dict(C="positive")),
    "scaling.isoflop_fit": (sc.isoflop_fit, dict(data=RUNS, budgets=[1e19, 1e20, 1e21]),
                            dict(budgets="positive", degree="count")),
    "rashomon.ambiguity": (ra.ambiguity, dict(predictions=PREDS, reference=PREDS[0]), dict(reference="real")),
    "rashomon.rashomon_capacity": (ra.rashomon_capacity, dict(probabilities=np.stack([P, 1 - P], axis=-1)[None]),
                                   dict(max_iter="count")),
    "rashomon.model_reliance": (ra.model_reliance, dict(weights=[1.0, 0.5], X=np.column_stack([REAL, REAL ** 2]),
                                                        y=REAL), dict(y="real")),
    "calibration.adaptive_calibration_error": (cal.adaptive_calibration_error, dict(y_true=Y, y_prob=P),
                                               dict(y_prob="probabilities", n_bins="count")),
    "calibration.bin_sensitivity": (cal.bin_sensitivity, dict(y_true=Y, y_prob=P, n_bins=[5, 10]),
                                    dict(y_true="labels", y_prob="probabilities")),
    "calibration.smooth_ece sigma": (cal.smooth_ece, dict(y_true=Y, y_prob=P, sigma=0.1), dict(sigma="sigma")),
    "calibration.weighted_interval_score": (cal.weighted_interval_score,
                                            dict(y=REAL, quantiles=QUANTILES, levels=[0.1, 0.5, 0.9]),
                                            dict(y="real")),
    "calibration.cqr_interval": (cal.cqr_interval, dict(y_cal=REAL, lower_cal=REAL - 1, upper_cal=REAL + 1,
                                                        lower_test=REAL[:5] - 1, upper_test=REAL[:5] + 1, alpha=0.1),
                                 dict(y_cal="real", lower_test="real", alpha="alpha")),
    "calibration.cqr_quantiles": (cal.cqr_quantiles, dict(y_cal=REAL, quantiles_cal=QUANTILES,
                                                          quantiles_test=QUANTILES[:5], levels=[0.1, 0.5, 0.9]),
                                  dict(y_cal="real")),
    "calibration.relative_confidence": (cal.relative_confidence, dict(first=WINNER, second=LOSER,
                                                                      prefers_first=np.ones(8), n_questions=3),
                                        dict(first="indices", n_questions="count", prior="nonnegative")),
    "ranking.plackett_luce": (rk.plackett_luce, dict(orderings=rk.orderings_from_scores(BOARD, rng=0), n_items=5),
                              dict(n_items="count", max_iter="count")),
    "ranking.task_subsampling": (rk.task_subsampling, dict(scores=BOARD, n_tasks=[2, 3], n_draws=3, rng=0),
                                 dict(scores="board", n_draws="count", rng="rng")),
    "ranking.system_subsampling": (rk.system_subsampling, dict(scores=BOARD, n_systems=[3, 4], n_draws=3, rng=0),
                                   dict(scores="board", n_draws="count", rng="rng")),
    "ranking.missing_data_stability": (rk.missing_data_stability, dict(scores=BOARD, fractions=[0.2], n_draws=2,
                                                                       rng=0),
                                       dict(scores="board", fractions="shares", n_draws="count")),
    "ranking.ordinal_sensitivity": (rk.ordinal_sensitivity, dict(scores=BOARD, n_draws=2, rng=0),
                                    dict(scores="board", n_irrelevant="count", rng="rng")),
    "ranking.rank_biased_overlap": (rk.rank_biased_overlap, dict(ranking_a=list("abcde"), ranking_b=list("baced")),
                                    dict(p="closed fraction")),
    "scaling.fit_scaling_law": (sc.fit_scaling_law,
                                dict(data=RUNS, loss="squared", starts=sc.chinchilla.start_grid()[::500]),
                                dict(delta="nonnegative", n_boot="n_boot", ci="ci", rng="rng")),
    "rashomon.LinearRashomonSet.fit": (lambda X, y, epsilon=0.1: ra.LinearRashomonSet(epsilon).fit(X, y),
                                       dict(X=np.column_stack([REAL, REAL ** 2]), y=REAL),
                                       dict(y="real", epsilon="nonnegative")),
    "rashomon.LogisticRashomonSet.fit": (lambda X, y, l2_penalty=0.1: ra.LogisticRashomonSet(
        0.05, l2_penalty=l2_penalty).fit(X, y), dict(X=REAL[:, None], y=Y), dict(y="labels", l2_penalty="nonnegative")),
    "rashomon.SparseTreeRashomonSet.fit": (
        lambda X, y, max_depth=2: ra.SparseTreeRashomonSet(max_depth, 0.01, 0.05).fit(X, y),
        dict(X=(np.column_stack([REAL, P]) > 0.5).astype(int), y=Y), dict(y="labels", max_depth="depth")),
    "calibration.balance_report": (cal.balance_report, dict(y_true=Y, y_prob=P),
                                   dict(y_true="labels", y_prob="probabilities", n_bins="count")),
    "calibration.conformal_quantile": (cal.conformal_quantile, dict(scores=np.abs(REAL), alpha=0.1),
                                       dict(scores="values", alpha="alpha")),
    "calibration.top_label": (cal.top_label, dict(y_true=Y, y_prob=P), dict(y_true="labels", y_prob="probabilities")),
    "calibration.simulate_confidence_preferences": (cal.simulate_confidence_preferences,
                                                    dict(n_questions=20, n_pairs=50, rng=0),
                                                    dict(n_questions="count", n_pairs="count", rng="rng")),
    "ranking.top_k_overlap": (rk.top_k_overlap, dict(x=REAL, y=REAL[::-1], k=5), dict(x="real", k="count")),
    "ranking.sample_battles": (rk.sample_battles, dict(scores=BOARD, n_battles=20, rng=0),
                               dict(n_battles="count", rng="rng")),
    "ranking.wildbench_rewards": (rk.wildbench_rewards, dict(verdicts=["A>B", "B>>A"], length_a=[10, 20],
                                                             length_b=[30, 5]), dict(length_a="real")),
    "ranking.length_controlled_win_rate": (rk.length_controlled_win_rate, dict(annotations=ANNOTATIONS), dict()),
    "ranking.length_margin_win_rate": (rk.length_margin_win_rate, dict(annotations=ANNOTATIONS, margin=100),
                                       dict(margin="nonnegative")),
    "scaling.fit_accuracy_curve": (sc.fit_accuracy_curve, dict(loss=np.linspace(2, 4, 30),
                                                               accuracy=np.linspace(0.9, 0.3, 30)),
                                   dict(loss="real", accuracy="probabilities")),
    "scaling.backtest": (sc.backtest, dict(data=RUNS, cutoffs=[1e20], loss="squared",
                                           starts=sc.chinchilla.start_grid()[::500]), dict(cutoffs="positive")),
    "rashomon.discrepancy": (ra.discrepancy, dict(predictions=PREDS, reference=PREDS[0]), dict(reference="real")),
    "rashomon.binarize": (ra.binarize, dict(X=np.column_stack([REAL, P])), dict(n_thresholds="count")),
    "calibration.bin_edges": (cal.bin_edges, dict(n_bins=10), dict(n_bins="count")),
    "calibration.bin_indices": (cal.bin_indices, dict(scores=P, n_bins=10),
                                dict(scores="vectorised probabilities", n_bins="count")),
    "calibration.consistency_bands": (cal.consistency_bands, dict(y_true=Y, y_prob=P, n_boot=20, rng=0),
                                      dict(y_true="labels", y_prob="probabilities", n_bins="count", ci="ci",
                                           n_boot="n_boot", rng="rng")),
    "calibration.metric_ci": (cal.metric_ci, dict(metric=cal.ece, y_true=Y, y_prob=P, n_boot=20, rng=0),
                              dict(y_prob="probabilities", ci="ci", n_boot="n_boot", rng="rng")),
    "calibration.smooth_ece_sigma": (cal.smooth_ece_sigma, dict(y_true=Y, y_prob=P),
                                     dict(y_true="labels", y_prob="probabilities")),
    "calibration.predictions_table": (cal.predictions_table, dict(y_true=Y, probs={"a": P, "b": P[::-1]}),
                                      dict(y_true="labels")),
    "calibration.repair_crossing": (cal.repair_crossing, dict(quantiles=QUANTILES, levels=[0.1, 0.5, 0.9]),
                                    dict(quantiles="matrix_values", levels="shares")),
    "calibration.aggregate_quantiles": (cal.aggregate_quantiles, dict(y=REAL, predictions=np.stack(
        [QUANTILES, QUANTILES + 0.3]), levels=[0.1, 0.5, 0.9]), dict(y="real", levels="shares")),
    "calibration.TemperatureScaling.fit": (lambda X, y: cal.TemperatureScaling().fit(X, y),
                                           dict(X=np.column_stack([1 - P, P]), y=PREDS[0]), dict(y="labels")),
    "calibration.PlattScaling.fit": (lambda X, y: cal.PlattScaling().fit(X, y), dict(X=P, y=Y),
                                     dict(X="values", y="labels")),
    "calibration.IsotonicCalibration.fit": (lambda X, y: cal.IsotonicCalibration().fit(X, y), dict(X=P, y=Y),
                                            dict(X="values", y="labels")),
    "calibration.HistogramBinning.fit": (lambda X, y: cal.HistogramBinning().fit(X, y), dict(X=P, y=Y),
                                         dict(X="values", y="labels")),
    "calibration.BetaCalibration.fit": (lambda X, y: cal.BetaCalibration().fit(X, y), dict(X=P, y=Y),
                                        dict(X="values", y="labels")),
    "ranking.agreement_matrix": (rk.agreement_matrix, dict(table=BOARD), dict(table="board")),
    "ranking.pairwise_preferences": (rk.pairwise_preferences, dict(scores=BOARD), dict(scores="matrix")),
    "ranking.checkpoint_consistency": (rk.checkpoint_consistency, dict(scores=BOARD), dict(scores="board")),
    "ranking.model_consistency": (rk.model_consistency, dict(before=BOARD, after=BOARD[::-1].set_axis(BOARD.index)),
                                  dict(before="board")),
    "ranking.battles_from_scores": (rk.battles_from_scores, dict(scores=BOARD), dict(scores="board")),
    "ranking.leaderboard_change": (rk.leaderboard_change, dict(scores=BOARD, drop_tasks=["t0"], top=3),
                                   dict(scores="board", top="count")),
    "ranking.orderings_from_scores": (rk.orderings_from_scores, dict(scores=BOARD, rng=0),
                                      dict(scores="matrix", rng="rng")),
    "ranking.elo_scale": (rk.elo_scale, dict(scores=REAL), dict(scores="values")),
    "ranking.top_k_kendall": (rk.top_k_kendall, dict(ranking_a=[1, 2, 3], ranking_b=[2, 1, 4]),
                              dict(p="closed fraction")),
    "rashomon.disagreement": (ra.disagreement, dict(predictions=PREDS, reference=PREDS[0]), dict(reference="real")),
    "rashomon.rashomon_threshold": (ra.rashomon_threshold, dict(baseline=0.3, epsilon=0.05),
                                    dict(baseline="nonnegative", epsilon="nonnegative")),
    "scaling.choice_chain": (sc.choice_chain, dict(logprobs=-RNG.random((2, N, 2)), correct=Y),
                             dict(correct="indices")),
    "scaling.simulate_multiple_choice": (sc.simulate_multiple_choice, dict(compute=[1e18, 1e19, 1e20], n_items=20,
                                                                           rng=0),
                                         dict(compute="positive", n_items="count", n_choices="count", rng="rng")),
    "calibration.combine_quantiles": (cal.combine_quantiles, dict(predictions=np.stack([QUANTILES, QUANTILES + 0.3]),
                                                                  weights=[0.4, 0.6]), dict(weights="shares")),
    "ranking.bradley_terry_ties": (rk.bradley_terry_ties, dict(wins=rk.win_matrix(WINNER, LOSER, 3), ties=TIES),
                                   dict(wins="counts_matrix", ties="counts_matrix")),
    "ranking.select_committee": (rk.select_committee, dict(rankings=np.argsort(-BOARD.to_numpy(), axis=0).T, k=2),
                                 dict(k="count")),
    "rashomon.LinearRashomonSet.predict": (LINEAR.predict, dict(X=XLIN), dict(X="matrix_values")),
    "rashomon.LinearRashomonSet.prediction_range": (LINEAR.prediction_range, dict(X=XLIN), dict(X="matrix_values")),
    "rashomon.LinearRashomonSet.sample": (LINEAR.sample, dict(n_samples=5, rng=0),
                                          dict(n_samples="count", rng="rng")),
    "rashomon.LinearRashomonSet.rashomon_ratio": (LINEAR.rashomon_ratio, dict(low=[-3.0] * 3, high=[3.0] * 3,
                                                                              n_samples=1000, rng=0),
                                                  dict(low="real", n_samples="count", rng="rng")),
    "rashomon.LinearRashomonSet.decision_ambiguity": (LINEAR.decision_ambiguity, dict(X=XLIN, threshold=0.0),
                                                      dict(X="matrix_values", threshold="finite number")),
    "rashomon.LogisticRashomonSet.logit_range": (LOGISTIC.logit_range, dict(X=REAL[:, None]),
                                                 dict(X="matrix_values")),
    "rashomon.LogisticRashomonSet.sample": (LOGISTIC.sample, dict(n_samples=5, rng=0, n_chains=2, burn_in=10),
                                            dict(n_samples="count", rng="rng", n_chains="count", thin="count")),
    "rashomon.SparseTreeRashomonSet.predict": (TREES.predict, dict(X=XBIN), dict(X="matrix_values")),
    "rashomon.SparseTreeRashomonSet.rashomon_curve": (TREES.rashomon_curve, dict(epsilons=[0.01, 0.05]),
                                                      dict(epsilons="nonnegative values")),
    "rashomon.ScoringSystemRashomonSet.fit": (lambda X, y, max_features=2: ra.ScoringSystemRashomonSet(
        max_features, 2).fit(X, y), dict(X=XBIN, y=Y), dict(y="labels", max_features="depth")),
    "rashomon.convert_epsilon": (ra.convert_epsilon, dict(epsilon=0.05, baseline=0.3, from_type="relative",
                                                          to_type="absolute"),
                                 dict(epsilon="nonnegative", baseline="nonnegative")),
    "scaling.learning_curves": (sc.learning_curves, dict(estimators={"mean": DummyClassifier()}, X=XLIN, y=Y,
                                                         sizes=[10, 20], n_splits=2, rng=0),
                                dict(y="class labels", sizes="positive", n_splits="count", rng="rng")),
    "scaling.cluster_on_difficulty": (sc.cluster_on_difficulty, dict(
        pass_rates=np.clip(np.linspace(0.1, 0.9, 4)[:, None] + 0.1 * REAL[None, :20], 0, 1),
        compute=[1e18, 1e19, 1e20, 1e21], n_clusters=2, min_cluster_size=2, rng=0),
        dict(compute="positive", n_clusters="count", rng="rng")),
    "scaling.extrapolation_check": (sc.extrapolation_check, dict(runs=RUNS, max_compute=1e21,
                                                                 starts=sc.chinchilla.start_grid()[::500]),
                                    dict(max_compute="positive number", delta="nonnegative")),
    "scaling.ScalingLawFit.predict": (FIT.predict, dict(N=[1e9, 1e10], D=[2e10, 2e11]),
                                      dict(N="positive", D="positive")),
    "scaling.ScalingLawFit.predict_interval": (FIT.predict_interval, dict(N=[1e9, 1e10], D=[2e10, 2e11], rng=0),
                                               dict(N="positive", rng="rng")),
    "scaling.KaplanLaw.loss": (KAPLAN.loss, dict(N=[1e8, 1e9], S_min=[1e4, 1e5]), dict(N="positive",
                                                                                     S_min="positive")),
    "scaling.KaplanLaw.critical_batch_size": (KAPLAN.critical_batch_size, dict(L=[2.5, 3.0]), dict(L="positive")),
    "scaling.steps_tradeoff": (sc.steps_tradeoff, dict(B=[1e5, 2e5, 4e5, 8e5], S=[9e4, 6e4, 4.5e4, 3.7e4]),
                               dict(B="positive", S="positive")),
    "scaling.chain_predictability": (sc.chain_predictability, dict(chain=CHAIN, compute=[1e18, 1e19, 1e20, 1e21]),
                                     dict(compute="positive")),
    "ranking.bradley_terry_covariates": (rk.bradley_terry_covariates, dict(
        first=WINNER, second=LOSER, outcome=np.array([1, 1, 0, 1, 0.5, 1, 0, 1]), n_items=3,
        covariates=REAL[:8, None]), dict(outcome="shares", n_items="count")),
    "rashomon.model_class_reliance": (ra.model_class_reliance, dict(weights=[[1.0, 0.5], [0.9, 0.6]], X=XLIN,
                                                                    y=REAL), dict(y="real")),
    "rashomon.interaction_halo": (ra.interaction_halo, dict(rset=ra.LogisticRashomonSet(0.05).fit(XLIN, Y), X=XLIN,
                                                            y=Y, i=0, j=1, n_angles=8),
                                  dict(y="labels", n_angles="count")),
    "rashomon.EmpiricalRashomonSet.fit": (lambda X, y, n_models=4: ra.EmpiricalRashomonSet(
        DummyClassifier(strategy="stratified"), n_models=n_models, rng=0).fit(X, y), dict(X=XLIN, y=Y),
        dict(y="class labels", n_models="count")),
    "scaling.chinchilla": (sc.chinchilla, dict(params=FIT.params, N=[1e9, 1e10], D=[2e10, 2e11]),
                           dict(N="positive", D="positive")),
    "scaling.near_optimal_set": (sc.near_optimal_set, dict(fit=FIT, epsilon=0.01, n_members=5, rng=0),
                                 dict(epsilon="nonnegative", n_members="depth", rng="rng")),
    "scaling.plot_runs": (sc.plot_runs, dict(data=RUNS), dict()),
    "scaling.grid_search": (sc.grid_search, dict(data=RUNS, law="chinchilla", grid={
        "A": [400.0], "B": [400.0], "E": [1.7], "alpha": [0.3, 0.35], "beta": [0.3, 0.35]}),
        dict(delta="nonnegative")),
    "ranking.two_level_aggregate": (rk.two_level_aggregate, dict(instances=pd.DataFrame({
        "system": np.repeat(list("abc"), 8), "task": np.tile(np.repeat(["x", "y"], 4), 3),
        "instance": np.tile(np.arange(8), 3), "score": REAL[:24]}), rng=0), dict(rng="rng")),
    "ranking.index_battles": (rk.index_battles, dict(battles=pd.DataFrame({
        "winner": list("abcab"), "loser": list("bcaca"), "tie": [False, False, True, False, False]})), dict()),
    "rashomon.interaction_cloud": (ra.interaction_cloud, dict(rset=ra.LogisticRashomonSet(0.05).fit(XLIN, Y),
                                                              weights=[[0.1, 0.2, 0.0], [0.2, 0.1, 0.1]], X=XLIN, y=Y),
                                   dict(y="labels", max_values="count")),
    "rashomon.SparseTreeRashomonSet.disagreement": (TREES.disagreement, dict(X=XBIN), dict(X="matrix_values")),
    "rashomon.SparseTreeRashomonSet.prediction_patterns": (TREES.prediction_patterns, dict(epsilon=0.02),
                                                           dict(epsilon="nonnegative")),
    "style.figsize": (style.figsize, dict(aspect=0.5), dict(aspect="positive number")),
    "style.sci": (style.sci, dict(value=3.2e21, digits=2), dict(value="finite number", digits="depth")),
    "style.readable_number": (style.readable_number, dict(value=1234.5), dict(value="number")),
    "calibration.plot_intervals": (cal.plot_intervals, dict(lower=REAL - 1, upper=REAL + 1, observed=REAL),
                                   dict(lower="real", observed="real")),
    "calibration.describe_ece": (describe_ece, dict(y_true=Y, y_prob=P, n_bins=10, strategy="uniform"),
                                 dict(y_prob="probabilities", n_bins="count")),
    "scaling.extrapolation_summary": (extrapolation_summary, dict(runs=RUNS, max_compute=1e21, delta=1e-3,
                                                                  starts=sc.chinchilla.start_grid()[::500]),
                                      dict(max_compute="positive number", delta="nonnegative")),
    "scaling.interval_backtest": (sc.interval_backtest, dict(data=RUNS, cutoffs=[1e21], n_boot=4, rng=0,
                                                             levels=[0.5, 0.9],
                                                             starts=sc.chinchilla.start_grid()[::500]),
                                  dict(cutoffs="positive", levels="shares", n_boot="n_boot", rng="rng")),
    "ranking.compare_preference_models": (rk.compare_preference_models, dict(
        battles=rk.sample_battles(BOARD, 300, rng=1), dims=(2,), n_splits=2, n_starts=1, rng=0),
        dict(n_splits="count", prior="nonnegative", n_starts="count", rng="rng")),
    "rashomon.rashomon_importance_distribution": (ra.rashomon_importance_distribution, dict(
        X=XBIN, y=Y, n_boot=3, max_depth=1, rng=0), dict(y="labels", n_boot="n_boot", max_depth="depth", rng="rng")),
    "datasets.load_sklearn": (analysis.datasets.load_sklearn, dict(name="iris"), dict(name="name")),
    "datasets.load_statsmodels": (analysis.datasets.load_statsmodels, dict(name="sunspots"), dict(name="name")),
    "datasets.load_leaderboard": (analysis.datasets.load_leaderboard, dict(name="bigcode"), dict(name="name")),
    "datasets.load_alpaca_eval": (analysis.datasets.load_alpaca_eval, dict(name="alpaca_eval_2"), dict(name="name")),
    "datasets.load_rashomon_data": (analysis.datasets.load_rashomon_data, dict(name="compas"), dict(name="name")),
    "datasets.load_table": (analysis.datasets.load_table, dict(path=analysis.datasets.DATA_DIR / "chinchilla_runs.csv"),
                            dict(path="path")),
    "io.read_results": (analysis.io.read_results, dict(path=analysis.datasets.DATA_DIR / "examples" / "inspect",
                                                       format="inspect"), dict(path="path", format="name")),
    "rashomon.ScoringSystemRashomonSet.predict": (SCORING.predict, dict(X=XBIN), dict(X="matrix_values")),
    "bootstrap": (analysis.bootstrap, dict(statistic=mean, data=REAL, n_boot=10, rng=0),
                  dict(data="sample", n_boot="n_boot", ci="ci", rng="rng")),
}


# Methods of fitted results and helper functions that take data.
API |= {
    "percentile_interval": (analysis.percentile_interval, dict(replicates=REAL), dict(replicates="values", ci="ci")),
    "bca_interval": (analysis.bca_interval, dict(replicates=REAL, estimate=0.0, jackknife=REAL[:20]),
                     dict(replicates="values", estimate="finite number", jackknife="values", ci="ci")),
    "bootstrap_indices": (analysis.bootstrap_indices, dict(n=20, n_boot=5, rng=0),
                          dict(n="count", n_boot="n_boot", rng="rng")),
    "bootstrap_counts": (analysis.bootstrap_counts, dict(n=20, n_boot=5, rng=0),
                         dict(n="count", n_boot="n_boot", rng="rng")),
    "ConfidenceInterval.contains": (analysis.percentile_interval(REAL).contains, dict(value=0.1),
                                    dict(value="finite number")),
    **{f"calibration.{cls.__name__}.{method}": (getattr(cls().fit(P, Y), method), dict(X=P), dict(X=role))
       for cls, role in CALIBRATORS.items() for method in ("transform", "predict", "predict_proba")},
    "calibration.ScalingBinning.fit": (lambda X, y, n_bins=5: cal.ScalingBinning(n_bins).fit(X, y), dict(X=P, y=Y),
                                       dict(X="values", y="labels", n_bins="count")),
    "calibration.TemperatureScaling.transform": (TEMPERATURE.transform, dict(X=np.column_stack([1 - P, P])),
                                                 dict(X="weights")),
    "calibration.TemperatureScaling.predict_proba": (TEMPERATURE.predict_proba, dict(X=np.column_stack([1 - P, P])),
                                                     dict(X="weights")),
    "calibration.TemperatureScaling.predict": (TEMPERATURE.predict, dict(X=np.column_stack([1 - P, P])),
                                               dict(X="weights")),
    "calibration.calibration_estimators": (cal.calibration_estimators, dict(n_classes=3), dict(n_classes="count")),
    "calibration.choice_probabilities": (cal.choice_probabilities, dict(table=LOGPROBS), dict(model="name")),
    "calibration.knn_quantiles": (cal.knn_quantiles, dict(X_fit=XLIN, y_fit=REAL, X_new=XLIN[:5],
                                                          levels=[0.1, 0.9], k=5),
                                  dict(y_fit="real", X_new="matrix_values", levels="shares", k="count")),
    "io.one_per_item": (analysis.io.one_per_item, dict(table=SAMPLES), dict(table="table")),
    "ranking.BradleyTerryRanking.probability": (BT.probability, dict(a=[0, 1], b=[1, 2]), dict(a="indices")),
    "ranking.TieModelRanking.probabilities": (TIE_MODEL.probabilities, dict(a=[0, 1], b=[1, 2]), dict(a="indices")),
    "ranking.simulate_biased_rankings": (rk.simulate_biased_rankings, dict(
        utilities=[2.0, 1.0, 0.0], groups=[0, 1, 0], beta=1.0, n_voters=5, rng=0),
        dict(utilities="real", beta="nonnegative", n_voters="count", noise="nonnegative", rng="rng")),
    "ranking.win_table": (rk.win_table, dict(battles=pd.DataFrame({"winner": list("abcab"), "loser": list("bcaca"),
                                                                   "tie": False})), dict(winner="name")),
    "ranking.out_of_fold_probabilities": (rk.out_of_fold_probabilities, dict(X=XLIN, y=Y, models={
        "prior": DummyClassifier()}, n_splits=2, rng=0), dict(y="class labels", n_splits="count", rng="rng")),
    "rashomon.EmpiricalRashomonSet.predict": (EMPIRICAL.predict, dict(X=XLIN), dict(X="matrix_values")),
    "rashomon.EmpiricalRashomonSet.predict_proba": (EMPIRICAL.predict_proba, dict(X=XLIN), dict(X="matrix_values")),
    "rashomon.ImportanceDistribution.cdf": (RID.cdf, dict(variable=RID.to_frame()["variable"][0], x=[0.0, 0.1]),
                                            dict(variable="name", x="values")),
    "rashomon.ImportanceDistribution.quantiles": (RID.quantiles, dict(q=[0.1, 0.9]), dict(q="shares")),
    "rashomon.LinearRashomonSet.objective": (LINEAR.objective, dict(weights=LINEAR.sample(3, rng=0)),
                                             dict(weights="weights")),
    "rashomon.LogisticRashomonSet.objective": (LOGISTIC.objective, dict(weights=LOGISTIC.sample(
        3, rng=0, n_chains=1, burn_in=10)), dict(weights="weights")),
    "rashomon.LogisticRashomonSet.rashomon_ratio": (LOGISTIC.rashomon_ratio, dict(low=[-3.0] * 2, high=[3.0] * 2,
                                                                                  n_samples=1000, rng=0),
                                                    dict(low="real", n_samples="count", rng="rng")),
    "rashomon.ScoringSystemRashomonSet.to_json": (SCORING.to_json, dict(limit=3), dict(limit="count")),
    "scaling.AccuracyCurve.predict": (ACCURACY_CURVE.predict, dict(loss=[2.5, 3.0]), dict(loss="values")),
    "scaling.CODResult.predict": (COD.predict, dict(compute=[1e22, 1e23]), dict(compute="positive")),
    "scaling.TwoStepFit.predict": (TWO_STEP.predict, dict(data=TWO_STEP_RUNS), dict(data="table")),
    "scaling.fit_two_step": (sc.fit_two_step, dict(data=TWO_STEP_RUNS, loss="squared",
                                                   starts=sc.chinchilla.start_grid()[::500]),
                             dict(data="table", floor="closed fraction")),
    "scaling.NearOptimalSet.objective": (NEAR.objective, dict(params=NEAR.sample(3, rng=0)), dict(params="table")),
    "scaling.NearOptimalSet.predict_band": (NEAR.predict_band, dict(N=[1e9, 1e10], D=[2e10, 2e11]),
                                            dict(N="positive", D="positive")),
    "scaling.NearOptimalSet.sample": (NEAR.sample, dict(n=5, rng=0), dict(n="count", rng="rng")),
    "scaling.ScalingLawFit.bootstrap_draws": (FIT.bootstrap_draws, dict(N=[1e9, 1e10], D=[2e10, 2e11], rng=0),
                                              dict(N="positive", rng="rng")),
    "scaling.ScalingLawFit.derived": (FIT.derived, dict(quantities={
        "a": lambda p: p["beta"] / (p["alpha"] + p["beta"])}), dict(quantities="name")),
    "scaling.KaplanLaw.min_loss": (KAPLAN.min_loss, dict(N=[1e8, 1e9]), dict(N="positive")),
    "scaling.KaplanLaw.min_steps": (KAPLAN.min_steps, dict(L=[3.2, 3.0], N=[1e8, 1e9]), dict(L="positive",
                                                                                              N="positive")),
    "scaling.KaplanLaw.min_tokens": (KAPLAN.min_tokens, dict(L=[3.2, 3.0], N=[1e8, 1e9]), dict(L="positive")),
    "scaling.KaplanLaw.steps": (KAPLAN.steps, dict(L=[3.2, 3.0], N=[1e8, 1e9], B=[2.0**20] * 2),
                                dict(L="positive", B="positive")),
    "scaling.KaplanLaw.tokens": (KAPLAN.tokens, dict(L=[3.2, 3.0], N=[1e8, 1e9], B=[2.0**20] * 2),
                                 dict(N="positive", B="positive")),
    "scaling.KaplanLaw.trajectory": (KAPLAN.trajectory, dict(N=1e8, B=2.0**20, S=[1e3, 1e4]),
                                     dict(N="positive number", S="positive", iterations="count")),
    "scaling.power_law": (sc.power_law, dict(params={"A": 50.0, "alpha": 0.05}, x=[1e3, 1e4]), dict(x="positive")),
    "scaling.saturating_power_law": (sc.saturating_power_law, dict(params={"A": 50.0, "E": 1.7, "alpha": 0.05},
                                                                   x=[1e3, 1e4]), dict(x="positive")),
    "scaling.kaplan_joint": (sc.kaplan_joint, dict(params={"N_c": 8.8e13, "D_c": 5.4e13, "alpha_N": 0.076,
                                                           "alpha_D": 0.095}, N=[1e8, 1e9], D=[1e9, 1e10]),
                             dict(N="positive", D="positive")),
    "scaling.kaplan_steps": (sc.kaplan_steps, dict(params={"A": 8.8e13**0.076, "B": 2.1e3**0.76, "alpha_N": 0.076,
                                                           "alpha_S": 0.76}, N=[1e8, 1e9], S_min=[1e4, 1e5]),
                             dict(N="positive", S_min="positive")),
    "scaling.optimal_tokens_per_param": (sc.optimal_tokens_per_param, dict(params=FIT.params, C=5.88e23),
                                         dict(C="positive number", flops_per_token_param="positive number")),
    "scaling.broken_power_law": (sc.broken_power_law, dict(n_breaks=2), dict(n_breaks="count")),
    "scaling.get_law": (sc.get_law, dict(law="chinchilla"), dict(law="name")),
    "scaling.isoflop_budgets": (sc.isoflop_budgets, dict(data=RUNS, budgets=[1e19, 1e20]),
                                dict(budgets="positive", tolerance_dex="positive number")),
    "scaling.chain_by_model": (sc.chain_by_model, dict(table=LOGPROBS.assign(task="t")), dict(table="table")),
    "scaling.matching_epsilon": (sc.matching_epsilon, dict(
        sets=[NEAR, sc.near_optimal_set(FIT, epsilon=0.05, n_members=5, rng=0)],
        intervals=NEAR.ranges * 1.01), dict(intervals="table")),
}



# The widgets: explorers check their data before drawing anything.
API |= {
    "widgets.IntervalExplorer": (IntervalExplorer, dict(values=REAL, n_boot=20),
                                 dict(values="values", n_boot="n_boot", ci="ci", rng="rng")),
    "widgets.describe_interval": (describe_interval, dict(result=analysis.bootstrap(mean, REAL, n_boot=10, rng=0),
                                                          ci=0.9), dict(result="result", ci="ci")),
    "calibration.ECEExplorer": (ECEExplorer, dict(y_true=Y, y_prob=P),
                                dict(y_true="labels", y_prob="probabilities", n_bins="count")),
    "ranking.LeaderboardExplorer": (LeaderboardExplorer, dict(scores=BOARD, top=3), dict(scores="board", top="count")),
    "rashomon.TreeSetExplorer": (TreeSetExplorer, dict(rset=TREES), dict(rset="result", epsilon="nonnegative")),
    "rashomon.describe_tree_set": (describe_tree_set, dict(rset=TREES, epsilon=0.02),
                                   dict(rset="result", epsilon="nonnegative")),
    "scaling.ExtrapolationExplorer": (ExtrapolationExplorer, dict(runs=RUNS, max_compute=1e21,
                                                                  starts=sc.chinchilla.start_grid()[::500]),
                                      dict(runs="table", max_compute="positive number", delta="nonnegative")),
}

# The notebook tools a teacher uses.
TOUR = analysis.notebooks.read_notebook(analysis.notebooks.NOTEBOOK_DIR / "00_tour.py")
API |= {
    "notebooks.find_notebooks": (analysis.notebooks.find_notebooks, dict(), dict(directory="path")),
    "notebooks.read_notebook": (analysis.notebooks.read_notebook, dict(path=analysis.notebooks.NOTEBOOK_DIR
                                                                         / "00_tour.py"), dict(path="path")),
    "notebooks.student_version": (analysis.notebooks.student_version, dict(notebook=TOUR),
                                  dict(notebook="result")),
    "notebooks.inject_parameters": (analysis.notebooks.inject_parameters, dict(  # adds a cell to its copy per call
        notebook=analysis.notebooks.read_notebook(analysis.notebooks.NOTEBOOK_DIR / "00_tour.py"),
        parameters={"n_boot": 20}), dict(notebook="result", parameters="result")),
    "notebooks.write_html": (lambda notebook=TOUR, target=None: analysis.notebooks.write_html(
        notebook, FIGURE_DIR / "tour.html" if target is None else target), dict(),
        dict(notebook="result", target="new path")),
}

# Plots that take data, and the figure helpers.
API |= {
    "ranking.GeneralPreference.probability": (GPM.probability, dict(a=["a", "b"], b=["b", "c"]), dict(b="name")),
    "rashomon.InteractionCloud.plot_importance": (CLOUD.plot_importance, dict(a=CLOUD.main.columns[0],
                                                                              b=CLOUD.main.columns[1]),
                                                  dict(a="name")),
    "rashomon.LogisticRashomonSet.mask_boundary": (LOGISTIC_2D.mask_boundary, dict(i=0, j=1, n_angles=8),
                                                   dict(i="feature index", n_angles="count")),
    "rashomon.SparseTreeRashomonSet.tree": (TREES.tree, dict(i=0), dict(i="feature index")),
    "scaling.KaplanLaw.plot_tradeoff": (KAPLAN.plot_tradeoff, dict(L=3.2, N=1e8, B=[2.0**16, 2.0**20]),
                                        dict(L="positive number", B="positive")),
    "scaling.KaplanLaw.plot_trajectory": (KAPLAN.plot_trajectory, dict(N=1e8, B=2.0**20, S=[1e3, 1e4]),
                                          dict(B="positive number", S="positive")),
    "scaling.ScalingLawFit.plot_profiles": (FIT.plot_profiles, dict(budgets=[1e19, 1e20]),
                                            dict(budgets="positive", tolerance_dex="positive number")),
    "scaling.TwoStepFit.plot": (TWO_STEP.plot, dict(data=TWO_STEP_RUNS), dict(data="table")),
    "scaling.critical_batch_size_law": (sc.critical_batch_size_law, dict(params={"A": 2e8, "alpha": 0.21},
                                                                         x=[2.5, 3.0]), dict(x="positive")),
    "scaling.plot_allocation": (sc.plot_allocation, dict(table=sc.compute_optimal(
        {"A": 482.0, "B": 2085.0, "E": 1.82, "alpha": 0.35, "beta": 0.37}, C=[1e20, 1e22])), dict(y="name")),
    "scaling.plot_near_optimal": (sc.plot_near_optimal, dict(sets=[NEAR], quantity="alpha"), dict(quantity="name")),
    "style.hide_unused": (lambda axes="grid", n_used=3: style.hide_unused(AXES.get(axes, lambda: axes)(), n_used),
                          dict(), dict(axes="axes", n_used="depth")),
    "style.outer_labels": (lambda axes="grid": style.outer_labels(AXES.get(axes, lambda: axes)(), xlabel="x",
                                                                  ylabel="y"), dict(), dict(axes="axes")),
    "style.panel_labels": (lambda axes="grid", titles=("x", "y"): style.panel_labels(AXES.get(axes, lambda: axes)(),
                                                                                     titles), dict(),
                           dict(axes="axes", titles="titles")),
    "style.readable_columns": (style.readable_columns, dict(frame=BOARD), dict(frame="any table")),
    "style.savefig": (lambda fig="figure", path=None, formats=("png",), dpi=50: style.savefig(
        plt.figure() if fig == "figure" else fig, path or FIGURE_DIR / "figure", formats, dpi=dpi), dict(),
        dict(fig="axes", path="new path", formats="name", dpi="count")),
    "style.small_text": (lambda fig="figure", min_size=6.0: style.small_text(
        plt.figure() if fig == "figure" else fig, min_size=min_size), dict(),
        dict(fig="axes", min_size="positive number")),
}

#: Public callables that take input but are not in ``API``, with the reason.
NOT_IN_TABLE = {
    **{f"scaling.{law}.{method}": "the law protocol: the fitters call it with arrays they have built and checked; "
       "users call the law itself, which is in the table"
       for law in ("ScalingLaw", "CustomLaw")
       for method in ("log_predict", "log_predict_rows", "log_predict_vjp", "natural", "theta")},
    **{f"notebooks.{name}": "starts a Jupyter kernel (or npm) per call; its bad arguments are refused in "
       "tests/test_notebooks.py" for name in ("execute_notebook", "run_notebook", "main", "widget_manager_script")},
    **{f"report.{name}": "executes the report notebook (a minute); its bad requests are refused in "
       "tests/test_report.py" for name in ("write_report", "sections_for")},
}


def _text(length):
    return st.lists(st.sampled_from(["n/a", "", "0.5x", "high"]), min_size=1, max_size=1).map(
        lambda t: np.array([*map(str, range(length - 1)), t[0]], dtype=object))


def _with_value(base, value):
    """``base`` with one entry, at a drawn position, replaced by ``value``."""
    return st.integers(0, len(base) - 1).map(lambda k: np.where(np.arange(len(base)) == k, value, base))


def _with_cell(board, value):
    board = board.copy()
    board.iloc[2, 3] = value
    return board


def bad_values(role, valid):
    """Strategies of bad values for an argument of ``role`` whose valid value is ``valid``, by kind."""
    if role in ("probabilities", "labels", "real", "indices", "positive"):
        base = np.asarray(valid, dtype=float)
        kinds = {
            "empty": st.just(base[:0]),
            "NaN": _with_value(base, np.nan),
            "pd.NA": _with_value(base, np.nan).map(lambda v: pd.Series(v, dtype="Float64")),
            "text": _text(len(base)),
            "3-d": st.just(base.reshape(1, 1, -1)),
            "length mismatch": st.integers(1, len(base) - 1).map(lambda k: base[:k]),
        }
        if role != "real":
            kinds["inf"] = _with_value(base, np.inf)
        if role == "probabilities":
            kinds["above 1"] = st.floats(1.001, 10).flatmap(lambda v: _with_value(base, v))
            kinds["below 0"] = st.floats(-10, -0.001).flatmap(lambda v: _with_value(base, v))
        if role == "labels":
            kinds["not 0/1"] = st.sampled_from([2.0, 0.5, -1.0]).flatmap(lambda v: _with_value(base, v))
        if role == "indices":
            kinds["out of range"] = st.sampled_from([3.0, -1.0, 0.5]).flatmap(lambda v: _with_value(base, v))
            kinds.pop("length mismatch")  # shorter winner arrays are caught by the loser's length, covered below
        if role == "positive":
            kinds["zero or negative"] = st.sampled_from([0.0, -1e20]).flatmap(lambda v: _with_value(base, v))
            kinds.pop("length mismatch")
        return kinds
    if role == "values":  # one array on its own: no partner to mismatch
        kinds = bad_values("real", valid)
        return {kind: strategy for kind, strategy in kinds.items() if kind != "length mismatch"}
    if role == "sample":  # any values a statistic can take; only an empty sample or a NaN estimate is refused
        base = np.asarray(valid, dtype=float)
        return {"empty": st.just(base[:0]), "NaN": _with_value(base, np.nan)}
    if role == "vectorised probabilities":  # any number of probabilities, none included
        kinds = bad_values("probabilities", valid)
        return {kind: kinds[kind] for kind in ("NaN", "text", "3-d", "inf", "above 1", "below 0")}
    if role == "closed fraction":  # a share in [0, 1], both ends allowed
        return {"edge": st.sampled_from([-0.2, 1.5]), "NaN": st.just(np.nan), "text": st.just("0.5")}
    if role == "class labels":  # integer labels of any number of classes
        kinds = bad_values("labels", valid)
        return {kind: kinds[kind] for kind in ("empty", "NaN", "text", "3-d", "length mismatch")} | {
            "fractional": _with_value(np.asarray(valid, dtype=float), 0.5)}
    if role == "name":  # one of a function's named choices
        return {"unknown": st.just("no-such-name"), "number": st.just(3)}
    if role == "path":
        return {"missing": st.just("/no/such/file.csv"), "number": st.just(3)}
    if role == "number":  # any float, NaN and inf included (a table cell shows them as they are)
        return {"text": st.just("1e3"), "bool": st.just(True)}
    if role == "finite number":
        return {"NaN": st.just(np.nan), "inf": st.just(np.inf), "text": st.just("0")}
    if role == "positive number":
        return {"not positive": st.sampled_from([0.0, -1e21]), "NaN": st.just(np.nan), "inf": st.just(np.inf),
                "text": st.just("1e21")}
    if role == "nonnegative values":
        base = np.asarray(valid, dtype=float)
        return {"empty": st.just(base[:0]), "NaN": _with_value(base, np.nan), "text": _text(len(base)),
                "negative": _with_value(base, -0.5), "inf": _with_value(base, np.inf)}
    if role == "matrix_values":  # a 2-d array of any real values
        base = np.asarray(valid, dtype=float)
        return {"NaN": st.just(np.where(np.eye(*base.shape, dtype=bool), np.nan, base)),
                "empty": st.just(base[:0]), "1-d": st.just(base[:, 0]), "3-d": st.just(base[None]),
                "text": st.just(base.astype(str).astype(object))}
    if role == "weights":  # rows of a model's parameters
        kinds = bad_values("matrix_values", valid)
        return {kind: kinds[kind] for kind in ("NaN", "empty", "3-d", "text")} | {
            "wrong width": st.just(np.asarray(valid, dtype=float)[:, :-1])}
    if role == "matrix":  # a systems x tasks array or table
        return {kind: strategy for kind, strategy in bad_values("board", valid).items()
                if kind in ("text cell", "inf cell", "one system")}
    if role == "board":
        return {
            "text cell": st.sampled_from(["n/a", "-", "0.5?"]).map(lambda t: _with_cell(BOARD.astype(object), t)),
            "inf cell": st.just(_with_cell(BOARD, np.inf)),
            "duplicated systems": st.just(pd.concat([BOARD, BOARD.iloc[:1]])),
            "one system": st.just(BOARD.iloc[:1]),
            "not a table": st.just(BOARD.to_numpy()),
        }
    if role == "feature index":  # the position of a feature or a listed model
        return {"negative": st.just(-1), "too large": st.just(10**6), "fractional": st.just(0.5), "text": st.just("0")}
    if role == "axes":  # a matplotlib Axes, Figure or grid of axes
        return {"not axes": st.sampled_from([3, "ax", None])}
    if role == "titles":
        return {"too many": st.just([f"t{k}" for k in range(10)]), "not text": st.just([1, 2])}
    if role == "result":  # a result object of the package
        return {"not a result": st.sampled_from([REAL, "result", None])}
    if role == "any table":  # a data frame of any shape
        return {"not a table": st.just(np.asarray(valid))}
    if role == "new path":  # where a file will be written
        return {"number": st.just(3), "bytes": st.just(b"figure")}
    if role == "table":  # a data frame with named columns
        return {"not a table": st.just(np.asarray(valid)), "empty": st.just(valid.iloc[:0]),
                "missing columns": st.just(valid.iloc[:, :1]),
                "duplicated column": st.just(pd.concat([valid, valid.iloc[:, :1]], axis=1))}
    if role == "counts_matrix":
        base = np.asarray(valid, dtype=float)
        return {"negative count": st.just(base - 2 * np.eye(3)[::-1] * base.max()),
                "NaN count": st.just(np.where(np.eye(3, k=1) > 0, np.nan, base)),
                "not square": st.just(base[:2]),
                "3-d": st.just(base[None])}
    if role == "ci":
        return {"percent": st.sampled_from([95, 90.0, 99]), "edge": st.sampled_from([0.0, 1.0, -0.5, 1.5]),
                "NaN": st.just(np.nan), "text": st.just("0.95")}
    if role == "alpha":
        return {"edge": st.sampled_from([0.0, 1.0, -0.1, 5.0]), "NaN": st.just(np.nan), "text": st.just("0.1")}
    if role == "n_boot":
        return {"one": st.just(1), "negative": st.just(-5), "fractional": st.just(2.5), "text": st.just("100")}
    if role == "count":
        return {"not positive": st.sampled_from([0, -3]), "fractional": st.just(2.5), "NaN": st.just(np.nan),
                "text": st.just("3")}
    if role == "shares":  # any number of shares in [0, 1)
        kinds = bad_values("probabilities", valid)
        return {kind: kinds[kind] for kind in ("NaN", "text", "above 1", "below 0")}
    if role == "sigma":
        return {"edge": st.sampled_from([0.0, -0.2, 1.5]), "NaN": st.just(np.nan), "text": st.just("0.1")}
    if role == "depth":
        return {"negative": st.just(-1), "fractional": st.just(2.5), "NaN": st.just(np.nan), "text": st.just("2")}
    if role == "fraction":
        return {"edge": st.sampled_from([0.0, 1.0, -0.2, 1.5]), "NaN": st.just(np.nan), "text": st.just("0.5")}
    if role == "nonnegative":
        return {"negative": st.floats(-100, -1e-6), "NaN": st.just(np.nan), "inf": st.just(np.inf)}
    if role == "rng":
        return {"text": st.just("seed"), "fractional": st.just(1.5), "negative": st.just(-1)}
    raise KeyError(role)


CASES = [(name, arg, kind) for name, (_, kwargs, roles) in API.items() for arg, role in roles.items()
         for kind in bad_values(role, kwargs.get(arg))]


def _call(func, kwargs):
    if "statistic" in kwargs:  # bootstrap(statistic, *data)
        return func(kwargs.pop("statistic"), kwargs.pop("data"), **kwargs)
    return func(**kwargs)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _refused(name, arg, kind, data):
    """A bad value of the kind drawn for ``arg`` raises AnalysisInputError (or FitError) naming ``arg``."""
    func, kwargs, roles = API[name]
    bad = data.draw(bad_values(roles[arg], kwargs.get(arg))[kind], label=f"{arg} ({kind})")
    with pytest.raises((AnalysisInputError, FitError)) as refused:
        _call(func, dict(kwargs) | {arg: bad})
    if kind != "length mismatch":  # a mismatch may be reported on the other argument of the pair
        assert arg in str(refused.value), f"the message does not name `{arg}`: {refused.value}"


# Tests of at most CASES_PER_TEST cases: hypothesis' pytest plugin nests the settings of a parametrized test once
# per case, and a thousand cases of one test function exceed Python's recursion limit.
HYPOTHESIS = settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
                      database=None)
CASES_PER_TEST = 300


def _theme(name: str) -> str:
    theme = name.split(".")[0]
    return theme if theme in ("calibration", "ranking", "rashomon", "scaling") else "other"


def _refusal_test(cases):
    @pytest.mark.parametrize(("name", "arg", "kind"), cases, ids=[f"{n}-{a}-{k}" for n, a, k in cases])
    @HYPOTHESIS
    @given(data=st.data())
    def test(name, arg, kind, data):
        _refused(name, arg, kind, data)

    return test


for _theme_name in ("calibration", "ranking", "rashomon", "scaling", "other"):
    _theme_cases = [case for case in CASES if _theme(case[0]) == _theme_name]
    for _k in range(0, len(_theme_cases), CASES_PER_TEST):
        globals()[f"test_{_theme_name}_refuses_bad_input_{_k // CASES_PER_TEST}"] = _refusal_test(
            _theme_cases[_k:_k + CASES_PER_TEST])


def test_every_case_is_in_a_refusal_test():
    tested = {case for name, test in globals().items() if name.startswith("test_") and "refuses_bad_input" in name
              for mark in test.pytestmark if mark.name == "parametrize" for case in mark.args[1]}
    assert tested == set(CASES)


NUMERIC_ROLES = ("probabilities", "labels", "real", "indices", "positive", "values", "class labels")


@pytest.mark.parametrize("name", [name for name, (_, kwargs, roles) in API.items()
                                  if any(role in NUMERIC_ROLES and arg in kwargs for arg, role in roles.items())])
def test_nullable_columns_without_missing_values_are_accepted(name):
    func, kwargs, roles = API[name]
    arrays = {arg: np.asarray(kwargs[arg]) for arg, role in roles.items() if role in NUMERIC_ROLES and arg in kwargs}
    nullable = {arg: pd.Series(a, dtype="Int64" if a.dtype.kind in "iu" else "Float64") for arg, a in arrays.items()}
    np.testing.assert_equal(_numbers_of(_call(func, dict(kwargs) | nullable)), _numbers_of(_call(func, dict(kwargs))))


def _numbers_of(result):
    return [values.ravel() for values in _numbers(result)]


@pytest.mark.parametrize("name", API)
def test_the_valid_call_of_every_entry_works(name):
    func, kwargs, _ = API[name]
    _call(func, dict(kwargs))


def _numbers(value, depth=0):
    """Every numeric array inside a result: numbers, arrays, tables, containers and result fields."""
    if depth > 4 or isinstance(value, str | bool | type(None)):
        return
    if isinstance(value, int | float | np.number):
        yield np.asarray(value, dtype=float)
    elif isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            yield value.astype(float)
    elif isinstance(value, pd.DataFrame | pd.Series):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        if "count" in frame:  # an empty bin has no accuracy: NaN there, and only there, by design
            frame = frame[frame["count"] > 0]
        yield frame.select_dtypes("number").to_numpy(dtype=float)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _numbers(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item, depth + 1)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _numbers(getattr(value, field.name), depth + 1)


#: Results that hold NaN by design, as their docstrings say.
NAN_BY_DESIGN = {"scaling.chain_predictability": "an item whose quantity is constant across models has no correlation",
                 "datasets.load_alpaca_eval": "AlpacaEval leaves a cell empty where a model has no value (e.g. no "
                                              "length-controlled rate)",
                 "scaling.interval_backtest": "epsilon and cutoff are NaN in the rows they do not apply to (bootstrap "
                                              "rows, all cutoffs pooled)",
                 "scaling.isoflop_budgets": "a run farther than tolerance_dex from every budget belongs to none",
                 "io.read_results": "a column of one task's rows (its scorer, a multiple-choice task's confidence) "
                                    "is NaN in the other tasks' rows"}


@pytest.mark.parametrize("name", [name for name in API if name not in NAN_BY_DESIGN])
def test_valid_calls_give_finite_numbers(name):
    func, kwargs, _ = API[name]
    result = _call(func, dict(kwargs))
    for values in _numbers(result):
        assert np.isfinite(values).all(), f"{name} returned NaN or inf for valid input"


def _public_callables():
    """``name -> callable`` for every public function, and every public method of every public class, of the
    package's modules (method names as ``module.Class.method``)."""
    modules = {"": analysis, "calibration.": cal, "ranking.": rk, "rashomon.": ra, "scaling.": sc, "style.": style,
               "datasets.": analysis.datasets, "io.": analysis.io, "report.": analysis.report,
               "notebooks.": analysis.notebooks}
    widgets = {"widgets.": analysis.widgets, **{f"{theme}.": importlib.import_module(f"analysis.{theme}.widgets")
                                                for theme in ("calibration", "ranking", "rashomon", "scaling")}}
    found = {}
    for prefix, module in [*modules.items(), *widgets.items()]:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and module in widgets.values():  # an explorer takes its data when built
                found[f"{prefix}{name}"] = obj
            if inspect.isclass(obj):
                for cls in reversed([c for c in obj.__mro__ if c.__module__.startswith("analysis")]):
                    found |= {f"{prefix}{name}.{attr}": getattr(obj, attr) for attr, value in vars(cls).items()
                              if not attr.startswith("_") and inspect.isfunction(value)}
            elif callable(obj) and not inspect.ismodule(obj):
                found[f"{prefix}{name}"] = obj
    return found


def _takes_data(func) -> bool:
    """Whether a callable has a parameter without a default (beyond ``self``), i.e. takes input to check."""
    return any(p.default is inspect.Parameter.empty and p.name != "self"
               and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
               for p in inspect.signature(func).parameters.values())


def test_every_public_callable_that_takes_input_is_in_the_table():
    names = {name.split(" ")[0] for name in API}
    missing = sorted(name for name, func in _public_callables().items()
                     if _takes_data(func) and name not in names and name not in NOT_IN_TABLE)
    assert not missing, f"public callables taking input with no entry in API: {missing}"
