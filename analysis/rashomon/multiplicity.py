"""Predictive multiplicity (Marx, Calmon & Ustun 2020) from the predictions of a set's members.

``predictions`` has one row per model of the Rashomon set and one column per
input; ``reference`` holds the predictions of the optimal model. With
``sample_weight`` each input counts that many times (e.g. unique rows weighted
by how often they occur).

- ambiguity: the share of inputs on which at least one member disagrees with the reference;
- discrepancy: the largest share of inputs on which one member disagrees with the reference;
- disagreement per input: the share of members that disagree with the reference there.

Over a sample of the set (not the whole set), ambiguity and discrepancy are
lower bounds of the set's values.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_positive
from ..errors import AnalysisInputError

__all__ = ["ambiguity", "disagreement", "discrepancy"]


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
