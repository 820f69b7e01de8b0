"""Bad input the careful-user sweep found: each is refused with AnalysisInputError naming the argument."""

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError, bootstrap
from analysis.calibration import bin_edges, bin_indices, repair_crossing, selective_auc, smooth_ece, smooth_reliability
from analysis.ranking import (
    aggregate,
    bootstrap_ranks,
    bradley_terry,
    bradley_terry_ties,
    friedman_nemenyi,
    kemeny,
    kendall_w,
    orderings_from_scores,
    rank_biased_overlap,
    win_matrix,
)
from analysis.rashomon import binarize
from analysis.scaling import compute_optimal

LAW = {"A": 482.0, "B": 2085.0, "E": 1.82, "alpha": 0.35, "beta": 0.37}
MEAN = lambda x: x.mean(axis=1)
BOARD = pd.DataFrame({"t1": [0.9, 0.5, 0.2], "t2": [0.4, 0.8, 0.1]}, index=["a", "b", "c"])
TEXT_CELL = BOARD.astype(object).assign(t2=[0.4, "n/a", 0.1])

CASES = {
    "more quantile columns than levels": (lambda: repair_crossing(np.ones((3, 5)), [0.1, 0.5, 0.9]), "quantiles"),
    "a kernel too narrow for memory": (lambda: smooth_ece([0, 1, 1], [0.2, 0.7, 0.9], sigma=1e-9), "sigma"),
    "a kernel of width 0": (lambda: smooth_ece([0, 1, 1], [0.2, 0.7, 0.9], sigma=0), "sigma"),
    "a curve at width 0": (lambda: smooth_reliability([0, 1, 1], [0.2, 0.7, 0.9], sigma=0), "sigma"),
    "a negative A": (lambda: compute_optimal(LAW | {"A": -1.0}, [1e20]), "`A`"),
    "zero FLOP per token": (lambda: compute_optimal(LAW, [1e20], flops_per_token_param=0), "flops_per_token_param"),
    "too few feature names": (lambda: binarize(np.array([[1.0, 3], [2, 2], [3, 1]]), feature_names=["a"]),
                              "feature_names"),
    "ties as words": (lambda: win_matrix([0, 1], [1, 0], 2, ties=["no", "no"]), "ties"),
    "ties with NaN": (lambda: win_matrix([0, 1], [1, 0], 2, ties=[np.nan, 0]), "ties"),
    "a NaN prior": (lambda: bradley_terry(np.array([[0, 3], [2, 0]]), prior=np.nan), "prior"),
    "negative win counts": (lambda: bradley_terry(np.array([[0, -3], [2, 0]])), "negative entries"),
    "a ranking with repeats": (lambda: rank_biased_overlap(["a", "a", "b"], ["a", "b", "c"]), "ranking_a"),
    "only correct predictions": (lambda: selective_auc([1, 1, 1], [0.2, 0.5, 0.9]), "only correct"),
    "a fractional number of bins": (lambda: bin_edges(2.5), "n_bins"),
    "a score above 1": (lambda: bin_indices(np.array([0.2, 1.5]), 10), "scores"),
    "a NaN score": (lambda: bin_indices(np.array([0.2, np.nan]), 10), "scores"),
    "data with NaN": (lambda: bootstrap(MEAN, np.array([1.0, np.nan, 2.0]), n_boot=10, rng=0),
                      r"`statistic`.*1 NaN or infinite values"),
    "a single resample": (lambda: bootstrap(MEAN, np.array([1.0, 3.0, 2.0]), n_boot=1, rng=0), "n_boot"),
    "a text cell in a leaderboard": (lambda: aggregate(TEXT_CELL, "borda"), "'n/a' for system 'b', task 't2'"),
    "a text cell for Kemeny": (lambda: kemeny(TEXT_CELL), "'n/a' for system 'b'"),
    "a text cell for rank intervals": (lambda: bootstrap_ranks(TEXT_CELL, n_boot=10, rng=0), "'n/a'"),
    "True/False scores": (lambda: aggregate(BOARD.assign(t2=[True, False, True])), "True/False in task 't2'"),
    "a missing cell for Kendall's W": (lambda: kendall_w(BOARD.astype("Float64").mask(BOARD > 0.85)),
                                       r"NaN or inf in 1 entry \(at index \(0, 0\)\)"),
    "scores that overflow": (lambda: aggregate(BOARD.assign(t1=[1e308, -1e308, 1.0])), "squares fit in a float"),
    "a task named twice": (lambda: aggregate(BOARD.set_axis(["t", "t"], axis=1), "borda"), "duplicated tasks"),
    "tasks that tie every system": (lambda: kendall_w(np.ones((3, 4))), "every task ties them all"),
    "two systems for Friedman": (lambda: friedman_nemenyi(BOARD.head(2)), "at least 3 systems"),
    "a constant table for Friedman": (lambda: friedman_nemenyi(BOARD * 0 + 1), "every task ties them all"),
    "disconnected ties": (lambda: bradley_terry_ties(np.eye(4)[[1, 0, 3, 2]], np.eye(4)[[1, 0, 3, 2]]),
                          "never compared"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_refused_with_a_message_that_names_the_argument(case):
    call, name = CASES[case]
    with pytest.raises(AnalysisInputError, match=name):
        call()


def test_nullable_leaderboards_read_pd_na_as_missing():
    nullable = BOARD.astype("Float64").mask(BOARD > 0.85)  # pd.NA for a on t1
    plain = BOARD.mask(BOARD > 0.85)
    pd.testing.assert_frame_equal(aggregate(nullable, "borda").table, aggregate(plain, "borda").table)
    assert [list(o) for o in orderings_from_scores(nullable, rng=0)] == [[1, 2], [1, 0, 2]]


def test_ties_as_booleans_or_zeros_and_ones_are_accepted_alike():
    np.testing.assert_array_equal(win_matrix([0, 1], [1, 0], 2, ties=[True, 0]),
                                  win_matrix([0, 1], [1, 0], 2, ties=np.array([1.0, 0.0])))


def test_bca_on_constant_data_is_the_constant_itself():
    result = bootstrap(MEAN, np.ones(10), n_boot=50, method="bca", rng=0)
    assert (result.interval.low, result.interval.high) == (1.0, 1.0)


def test_binarize_names_every_column_of_a_frame():
    X, thresholds = binarize(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [0, 1, 1, 0]}), n_thresholds=1)
    assert list(X.columns) == ["a <= 2", "b"] and thresholds.values.tolist() == [["a", 2.0]]


def test_a_statistic_that_skips_nan_may_bootstrap_data_with_nan():
    values = np.r_[np.nan, np.arange(1.0, 13.0)]
    result = bootstrap(lambda x: np.nanmean(x, axis=1), values, n_boot=200, rng=0)
    assert result.estimate == pytest.approx(6.5) and np.isfinite(result.replicates).all()
