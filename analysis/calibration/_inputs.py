"""Turn ``(y_true, y_prob)`` into the (score, outcome) pairs a calibration metric bins.

Modes (``mode=``):

- ``"top-label"`` (default, Guo et al. 2017): the confidence in the predicted
  class against whether the prediction is right. For binary ``y_prob`` (P(y = 1),
  shape ``(n,)``) the prediction is 1 iff ``p > 0.5`` and the confidence is
  ``max(p, 1 - p)``; for ``(n, k)`` it is the arg-max (first on ties) and its
  probability.
- ``"positive"``: binary only; ``P(y = 1)`` against ``y``.
- ``"classwise"``: one binary problem per class, ``p[:, j]`` against ``y == j``;
  metrics average over classes (Nixon et al. 2019's static calibration error).
- ``"marginal"``: all ``n k`` pairs ``(p[i, j], y_i == j)`` pooled into one problem.
"""

from __future__ import annotations

import numpy as np

from .._validation import (
    check_choice,
    check_consistent_length,
    check_labels,
    check_probabilities,
    check_rows_sum_to_one,
)
from ..errors import AnalysisInputError

MODES = ("top-label", "positive", "classwise", "marginal")


def check_inputs(y_true, y_prob) -> tuple[np.ndarray, np.ndarray]:
    """Validated labels ``(n,)`` and probabilities: ``(n,)`` for binary, ``(n, k)`` rows summing to 1."""
    prob = np.asarray(y_prob)
    if prob.ndim == 2 and prob.shape[1] > 1:
        prob = check_rows_sum_to_one(prob, "y_prob")
        labels = check_labels(y_true, "y_true", n_classes=prob.shape[1])
    else:
        prob = check_probabilities(prob, "y_prob", ndim=(1, 2)).reshape(-1)
        labels = check_labels(y_true, "y_true", n_classes=2)
    check_consistent_length(y_true=labels, y_prob=prob)
    return labels, prob


def score_outcome_pairs(y_true, y_prob, mode: str = "top-label") -> list[tuple[np.ndarray, np.ndarray]]:
    """``[(scores, outcomes)]``: one pair of arrays, or one per class for ``"classwise"``."""
    check_choice(mode, "mode", MODES)
    labels, prob = check_inputs(y_true, y_prob)
    if prob.ndim == 1:
        if mode == "top-label":
            predicted = (prob > 0.5).astype(int)
            return [(np.maximum(prob, 1 - prob), (predicted == labels).astype(float))]
        if mode == "positive":
            return [(prob, labels)]
        prob = np.column_stack([1 - prob, prob])
    elif mode == "positive":
        raise AnalysisInputError.about(
            "mode", "'positive' only for binary y_prob of shape (n,)", f"y_prob of shape {prob.shape}",
            "Use mode='top-label', 'classwise' or 'marginal' for several classes.",
        )
    if mode == "top-label":
        predicted = prob.argmax(axis=1)
        return [(prob[np.arange(len(prob)), predicted], (predicted == labels).astype(float))]
    onehot = (labels[:, None] == np.arange(prob.shape[1])[None, :]).astype(float)
    if mode == "classwise":
        return [(prob[:, j], onehot[:, j]) for j in range(prob.shape[1])]
    return [(prob.ravel(), onehot.ravel())]
