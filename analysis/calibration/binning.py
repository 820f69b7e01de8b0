"""Bin assignment with explicit edge conventions.

- ``"uniform"``: bins ``[k/B, (k+1)/B)``, the last one closed. A score exactly
  equal to the floating-point number ``k/B`` lands in bin ``k``; the index is
  corrected against the edges themselves, so no rounding in ``p * B`` moves it.
- ``"quantile"``: equal-mass bins by rank; tied scores are never split: every
  score goes to the bin of the first of its ties in sorted order, so a bin can
  hold more (or fewer) than ``n / B`` scores, and some bins can be empty.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_choice, check_integer
from ..errors import AnalysisInputError

STRATEGIES = ("uniform", "quantile")
CONVENTIONS = ("analysis", "sklearn", "relplot")


def n_slots(n_bins: int, convention: str = "analysis") -> int:
    """How many bins a convention uses: relplot gives a score of exactly 1 a bin of its own."""
    return n_bins + 1 if convention == "relplot" else n_bins


def bin_indices(scores: np.ndarray, n_bins: int, strategy: str = "uniform", convention: str = "analysis"):
    """Bin index of each score in [0, 1].

    ``convention`` reproduces other libraries' edges exactly:

    - ``"analysis"`` (default): see the module docstring;
    - ``"sklearn"`` (``sklearn.calibration.calibration_curve``): edges from
      ``np.linspace(0, 1, n_bins + 1)`` (or percentiles for ``"quantile"``),
      bins closed on the right, so a score on an inner edge joins the lower bin;
    - ``"relplot"`` (``relplot.metrics.binnedECE``): ``int(p / (1 / n_bins))``,
      so a score of exactly 1 lands in an extra bin ``n_bins`` (uniform only).
    """
    n_bins = check_integer(n_bins, "n_bins")
    check_choice(strategy, "strategy", STRATEGIES)
    check_choice(convention, "convention", CONVENTIONS)
    if convention == "sklearn":
        edges = np.percentile(scores, np.linspace(0, 1, n_bins + 1) * 100) if strategy == "quantile" else (
            np.linspace(0.0, 1.0, n_bins + 1))
        return np.searchsorted(edges[1:-1], scores)
    if convention == "relplot":
        if strategy != "uniform":
            raise AnalysisInputError.about("strategy", "'uniform' with convention='relplot'", repr(strategy),
                                           "relplot bins equal widths only.")
        return (scores / (1.0 / n_bins)).astype(np.intp)
    if strategy == "uniform":
        # the floating-point edges k / B; a score of 1 (index B) falls back into the last, closed bin
        lower = np.append(np.arange(n_bins) / n_bins, np.inf)
        upper = np.append(lower[1:n_bins], [np.inf, np.inf])
        idx = (scores * n_bins).astype(np.intp)  # truncation is floor for scores >= 0
        idx -= scores < lower[idx]  # p * B rounded up past an edge (or p = 1)
        idx += scores >= upper[idx]  # p * B rounded down below an edge
        return idx
    ordered = np.sort(scores)
    first_rank = np.searchsorted(ordered, scores, side="left")
    return np.minimum(first_rank * n_bins // len(scores), n_bins - 1)


def bin_edges(n_bins: int) -> np.ndarray:
    """The ``n_bins + 1`` edges ``k / n_bins`` of uniform bins."""
    return np.arange(n_bins + 1) / n_bins
