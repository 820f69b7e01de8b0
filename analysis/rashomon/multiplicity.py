"""Predictive multiplicity (Marx, Calmon & Ustun 2020) from the predictions of a set's members.

``predictions`` has one row per model of the Rashomon set and one column per
input; ``reference`` holds the predictions of the optimal model. With
``sample_weight`` each input counts that many times (e.g. unique rows weighted
by how often they occur).

- ambiguity: the share of inputs on which at least one member disagrees with the reference;
- discrepancy: the largest share of inputs on which one member disagrees with the reference;
- disagreement per input: the share of members that disagree with the reference there;
- Rashomon capacity per input (Hsu & Calmon 2022): how spread the members'
  predicted class probabilities are, as a channel capacity.

Over a sample of the set (not the whole set), ambiguity and discrepancy are
lower bounds of the set's values.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_integer, check_positive
from ..errors import AnalysisInputError

__all__ = ["ambiguity", "disagreement", "discrepancy", "rashomon_capacity"]


def _disagree(predictions, reference) -> np.ndarray:
    predictions = check_array(predictions, "predictions", ndim=2)
    reference = check_array(reference, "reference", ndim=1)
    if predictions.shape[1] != len(reference):
        raise AnalysisInputError.about("reference", f"{predictions.shape[1]} predictions, one per input",
                                       f"{len(reference)}", "Pass the optimal model's predictions on the same inputs.")
    return predictions != reference[None, :]


def _weights(sample_weight, n: int) -> np.ndarray:
    if sample_weight is None:
        return np.full(n, 1.0 / n)
    w = check_positive(sample_weight, "sample_weight", strict=False, ndim=1)
    if len(w) != n or not w.sum() > 0:
        raise AnalysisInputError.about("sample_weight", f"{n} non-negative weights, not all 0", f"{len(w)}",
                                       "Pass one weight per input.")
    return w / w.sum()


def ambiguity(predictions, reference, *, sample_weight=None) -> float:
    """Share of inputs where some member's prediction differs from the reference."""
    differ = _disagree(predictions, reference)
    return float(differ.any(axis=0) @ _weights(sample_weight, differ.shape[1]))


def discrepancy(predictions, reference, *, sample_weight=None) -> float:
    """Largest share of inputs on which a single member differs from the reference."""
    differ = _disagree(predictions, reference)
    return float((differ @ _weights(sample_weight, differ.shape[1])).max())


def disagreement(predictions, reference) -> np.ndarray:
    """Per input, the share of members whose prediction differs from the reference, shape ``(n_inputs,)``."""
    return _disagree(predictions, reference).mean(axis=0)


def rashomon_capacity(probabilities, *, tol: float = 1e-9, max_iter: int = 10_000) -> np.ndarray:
    """Rashomon capacity per input (Hsu & Calmon 2022): ``2 ** C``, C the channel capacity in bits.

    The members' predicted class distributions at an input form a channel from
    "which model" to "which label"; its capacity (by Blahut-Arimoto, to within
    ``tol`` bits) measures how far apart the members' predictions spread. The
    result lies in ``[1, n_classes]``: 1 when all members agree, the number of
    labels predicted when predictions are one-hot.

    Parameters
    ----------
    probabilities : array, shape (n_models, n_inputs, n_classes) or (n_models, n_inputs)
        Predicted class probabilities; a 2-D array holds P(class 1) of a binary task.
    """
    p = check_array(probabilities, "probabilities", ndim=(2, 3))
    max_iter = check_integer(max_iter, "max_iter")
    if not (isinstance(tol, int | float) and tol > 0):
        raise AnalysisInputError.about("tol", "a positive tolerance in bits", repr(tol), "Pass e.g. tol=1e-9.")
    if p.ndim == 2:
        p = np.stack([1 - p, p], axis=2)
    if (p < 0).any() or not np.allclose(p.sum(axis=2), 1, atol=1e-6):
        raise AnalysisInputError.about("probabilities", "class distributions (non-negative, summing to 1)",
                                       "other values", "Pass predict_proba outputs stacked over models.")
    channel = np.transpose(p, (1, 0, 2))  # (n_inputs, n_models, n_classes)
    log_channel = np.log(np.where(channel > 0, channel, 1.0))
    prior = np.full(channel.shape[:2], 1.0 / channel.shape[1])
    capacity = np.zeros(len(channel))
    active = np.arange(len(channel))
    for _ in range(max_iter):
        c, r = channel[active], prior[active]
        output = np.einsum("im,imk->ik", r, c)
        log_output = np.log(np.where(output > 0, output, 1.0))
        divergence = np.sum(c * (log_channel[active] - log_output[:, None, :]), axis=2)  # (i, m), nats
        weighted = r * np.exp(divergence)
        lower = np.log(weighted.sum(axis=1))
        upper = divergence.max(axis=1)
        capacity[active] = lower
        prior[active] = weighted / weighted.sum(axis=1, keepdims=True)
        active = active[(upper - lower) / np.log(2) > tol]
        if len(active) == 0:
            break
    return 2.0 ** (capacity / np.log(2))
