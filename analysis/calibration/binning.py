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

STRATEGIES = ("uniform", "quantile")


def bin_indices(scores: np.ndarray, n_bins: int, strategy: str = "uniform") -> np.ndarray:
    """Bin index in ``0 .. n_bins - 1`` of each score in [0, 1]."""
    n_bins = check_integer(n_bins, "n_bins")
    check_choice(strategy, "strategy", STRATEGIES)
    if strategy == "uniform":
        lower = np.arange(n_bins) / n_bins  # the floating-point edges k / B
        upper = np.append(lower[1:], np.inf)  # the last bin is closed
        idx = np.minimum((scores * n_bins).astype(np.intp), n_bins - 1)  # truncation is floor for scores >= 0
        idx -= scores < lower[idx]  # p * B rounded up past an edge
        idx += scores >= upper[idx]  # p * B rounded down below an edge
        return idx
    ordered = np.sort(scores)
    first_rank = np.searchsorted(ordered, scores, side="left")
    return np.minimum(first_rank * n_bins // len(scores), n_bins - 1)


def bin_edges(n_bins: int) -> np.ndarray:
    """The ``n_bins + 1`` edges ``k / n_bins`` of uniform bins."""
    return np.arange(n_bins + 1) / n_bins
