"""Calibration: binned and smooth calibration errors, reliability data, Brier decomposition, Balance
score, recalibration, selective prediction, prediction intervals."""

from .binning import bin_edges, bin_indices
from .ensembles import RankHistogram, rank_histogram
from .intervals import (
    IntervalCoverage,
    aggregate_quantiles,
    combine_quantiles,
    conformal_quantile,
    cqr_interval,
    cqr_quantiles,
    interval_coverage,
    interval_score,
    pinball_loss,
    plot_intervals,
    repair_crossing,
    split_conformal_interval,
    weighted_interval_score,
)
from .metrics import (
    BalanceReport,
    BrierDecomposition,
    CORPDecomposition,
    adaptive_calibration_error,
    balance_report,
    balance_score,
    brier_decomposition,
    corp_decomposition,
    ece,
    ece_ci,
    metric_ci,
    reliability,
)
from .plots import ReliabilityDiagram, SmoothReliability, consistency_bands, reliability_diagram, smooth_reliability
from .recalibration import (
    BetaCalibration,
    HistogramBinning,
    IsotonicCalibration,
    PlattScaling,
    ScalingBinning,
    TemperatureScaling,
)
from .relative import relative_confidence, simulate_confidence_preferences
from .selective import RiskCoverage, risk_coverage, selective_auc, top_label
from .sensitivity import BinSensitivity, bin_sensitivity
from .smooth import smooth_ece, smooth_ece_sigma
from .stability import EstimatorStability, calibration_estimators, estimator_stability
from .summary import brier_by_model, by_model, predictions_table, reliability_by_model

__all__ = [
    "BalanceReport",
    "BinSensitivity",
    "BetaCalibration",
    "HistogramBinning",
    "IntervalCoverage",
    "IsotonicCalibration",
    "PlattScaling",
    "TemperatureScaling",
    "BrierDecomposition",
    "CORPDecomposition",
    "EstimatorStability",
    "RankHistogram",
    "ReliabilityDiagram",
    "RiskCoverage",
    "ScalingBinning",
    "SmoothReliability",
    "adaptive_calibration_error",
    "aggregate_quantiles",
    "balance_report",
    "brier_by_model",
    "balance_score",
    "bin_sensitivity",
    "by_model",
    "bin_edges",
    "bin_indices",
    "brier_decomposition",
    "combine_quantiles",
    "conformal_quantile",
    "consistency_bands",
    "corp_decomposition",
    "cqr_interval",
    "cqr_quantiles",
    "ece",
    "ece_ci",
    "interval_coverage",
    "interval_score",
    "metric_ci",
    "pinball_loss",
    "predictions_table",
    "plot_intervals",
    "relative_confidence",
    "rank_histogram",
    "reliability",
    "reliability_by_model",
    "reliability_diagram",
    "repair_crossing",
    "risk_coverage",
    "selective_auc",
    "simulate_confidence_preferences",
    "smooth_ece",
    "smooth_ece_sigma",
    "smooth_reliability",
    "split_conformal_interval",
    "top_label",
    "weighted_interval_score",
    "calibration_estimators",
    "estimator_stability",
]
