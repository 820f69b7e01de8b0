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

from .._validation import check_choice, check_integer, check_probabilities
from ..errors import AnalysisInputError

STRATEGIES = ("uniform", "quantile")
CONVENTIONS = ("analysis", "sklearn", "relplot", "netcal", "uncertainty-calibration")


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
      so a score of exactly 1 lands in an extra bin ``n_bins`` (uniform only);
    - ``"netcal"`` (``netcal.metrics.ECE``, ``np.histogramdd``): edges from
      ``np.linspace``, bins closed on the left, the last closed (uniform only);
    - ``"uncertainty-calibration"`` (``calibration.get_ece`` and ``get_ece_em``):
      upper edges ``i * 1.0 / n_bins``, bins closed on the right; equal-mass
      edges halfway between the ``np.array_split`` blocks of the sorted scores.
    """
    n_bins = check_integer(n_bins, "n_bins")
    check_choice(strategy, "strategy", STRATEGIES)
    check_choice(convention, "convention", CONVENTIONS)
    if np.size(scores):  # no scores, no bins
        scores = check_probabilities(scores, "scores", ndim=1)
    if strategy == "uniform":
        return uniform_binner(n_bins, convention)(scores).astype(np.intp)
    if convention == "relplot":
        raise AnalysisInputError.about("strategy", "'uniform' with convention='relplot'", repr(strategy),
                                       "relplot bins equal widths only.")
    if convention == "sklearn":
        return np.searchsorted(np.percentile(scores, np.linspace(0, 1, n_bins + 1) * 100)[1:-1], scores)
    if convention == "netcal":
        raise AnalysisInputError.about("strategy", "'uniform' with convention='netcal'", repr(strategy),
                                       "Only its equal-width bins are reproduced.")
    if convention == "uncertainty-calibration":
        blocks = np.array_split(np.sort(scores), min(n_bins, len(scores)))
        upper = np.unique([(a[-1] + b[0]) / 2.0 for a, b in zip(blocks[:-1], blocks[1:])] + [1.0])
        return np.searchsorted(upper, scores)
    ordered = np.sort(scores)
    first_rank = np.searchsorted(ordered, scores, side="left")
    return np.minimum(first_rank * n_bins // len(scores), n_bins - 1)


def uniform_binner(n_bins: int, convention: str = "analysis"):
    """The map from scores in [0, 1] to equal-width bin indices under ``convention``, its tables built once.

    Truncates ``p * B`` rounded a little up and a little down; where the two
    differ, the index is checked against the convention's own edges (``k / B``
    or ``np.linspace``), bins closed on the left (``"analysis"``, ``"netcal"``)
    or on the right (``"sklearn"``, ``"uncertainty-calibration"``); 0 and 1
    fall in the first and last bin (int32 indices). ``"relplot"`` truncates
    only. For loops over chunks of scores.
    """
    n_bins = check_integer(n_bins, "n_bins")
    check_choice(convention, "convention", CONVENTIONS)
    if convention == "relplot":
        width = 1.0 / n_bins
        return lambda scores: (scores / width).astype(np.intp)
    exact = convention in ("analysis", "uncertainty-calibration")
    edges = np.arange(n_bins + 1) / n_bins if exact else np.linspace(0.0, 1.0, n_bins + 1)
    # p * B rounded with a bias of 8 to 16 ulps up truncates to the bin or one above, with the bias down to the bin
    # or one below: where the two agree that is the bin; the scores where they differ lie within a few ulps of an
    # edge (almost never any) and are checked against the edges themselves
    up, down = float(n_bins), float(n_bins)
    for _ in range(8):
        up, down = np.nextafter(up, np.inf), np.nextafter(down, -np.inf)
    right_closed = convention in ("sklearn", "uncertainty-calibration")
    if right_closed:  # the lower guess, plus one above its bin's upper edge
        guess, other, edge = down, up, np.append(edges[1:n_bins], [np.inf, np.inf])
    else:  # the upper guess, less one below its bin's lower edge (a score of 1, guessed B, falls into the last bin)
        guess, other, edge = up, down, np.append(edges[:n_bins], np.inf)

    def binner(scores: np.ndarray) -> np.ndarray:
        idx = (scores * guess).astype(np.int32)
        near = np.flatnonzero(idx != (scores * other).astype(np.int32))
        if right_closed:
            idx[near] += scores[near] > edge[idx[near]]
        else:
            idx[near] -= scores[near] < edge[idx[near]]
        return idx

    return binner


def bin_edges(n_bins: int) -> np.ndarray:
    """The ``n_bins + 1`` edges ``k / n_bins`` of uniform bins."""
    n_bins = check_integer(n_bins, "n_bins")
    return np.arange(n_bins + 1) / n_bins
