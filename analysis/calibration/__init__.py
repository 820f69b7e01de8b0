"""Calibration: binned and smooth calibration errors, reliability data, Brier decomposition, Balance score."""

from .binning import bin_edges, bin_indices
from .metrics import (
    BalanceReport,
    BrierDecomposition,
    adaptive_calibration_error,
    balance_report,
    balance_score,
    brier_decomposition,
    ece,
    ece_ci,
    reliability,
)
from .smooth import smooth_ece, smooth_ece_sigma

__all__ = [
    "BalanceReport",
    "BrierDecomposition",
    "adaptive_calibration_error",
    "balance_report",
    "balance_score",
    "bin_edges",
    "bin_indices",
    "brier_decomposition",
    "ece",
    "ece_ci",
    "reliability",
    "smooth_ece",
    "smooth_ece_sigma",
]
