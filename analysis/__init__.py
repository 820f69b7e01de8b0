"""Analysis functions for the science of evaluating ML models.

Themes live in subpackages (scaling laws, calibration, Rashomon sets, ranking
stability); the shared ground is importable from here: the error types, the
result and interval types, and the bootstrap engine.
"""

from ._resample import (
    BootstrapResult,
    bca_interval,
    bootstrap,
    bootstrap_counts,
    bootstrap_indices,
    percentile_interval,
)
from ._results import ConfidenceInterval, Result
from .errors import AnalysisInputError, ConvergenceWarning, FigureStyleWarning, FitError, LeastAbsoluteDeviationWarning

__version__ = "0.1.0"

__all__ = [
    "AnalysisInputError",
    "BootstrapResult",
    "ConfidenceInterval",
    "ConvergenceWarning",
    "FigureStyleWarning",
    "FitError",
    "LeastAbsoluteDeviationWarning",
    "Result",
    "bca_interval",
    "bootstrap",
    "bootstrap_counts",
    "bootstrap_indices",
    "percentile_interval",
]
