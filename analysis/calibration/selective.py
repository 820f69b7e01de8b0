"""Selective prediction: abstain on the least confident inputs and measure the risk of the rest.

Ties in confidence are averaged over all orderings of the tied inputs: within
a tie group the expected number of errors grows linearly, so the risk-coverage
curve, AURC and E-AURC are the expectations a random tie-break would give.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from .._results import Result
from .._validation import check_array, check_consistent_length, check_labels
from ..errors import AnalysisInputError
from ._inputs import score_outcome_pairs

__all__ = ["RiskCoverage", "risk_coverage", "selective_auc", "top_label"]


def _check(correct, scores) -> tuple[np.ndarray, np.ndarray]:
    correct = check_labels(correct, "correct", n_classes=2).astype(float)
    scores = check_array(scores, "scores", ndim=1)
    check_consistent_length(correct=correct, scores=scores)
    return correct, scores


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class RiskCoverage(Result):
    """The risk-coverage curve and its summaries.

    Attributes
    ----------
    coverage, risk : arrays, shape (n,)
        Accepting the ``k`` most confident inputs (``coverage = k / n``), the
        expected error rate among them.
    aurc : float
        Mean risk over the ``n`` coverages (Geifman et al. 2019).
    optimal_aurc : float
        AURC of an oracle that accepts every correct input first.
    """

    coverage: np.ndarray
    risk: np.ndarray
    aurc: float
    optimal_aurc: float

    @property
    def e_aurc(self) -> float:
        """Excess AURC: ``aurc - optimal_aurc``."""
        return self.aurc - self.optimal_aurc

    @property
    def title(self) -> str:
        return "Risk-coverage"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"quantity": ["aurc", "e_aurc", "optimal_aurc"],
                             "value": [self.aurc, self.e_aurc, self.optimal_aurc]})

    def plot(self, *, ax=None, **kwargs):
        """Risk against coverage; returns the Axes."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.gca()
        ax.plot(self.coverage, self.risk, **kwargs)
        ax.set(xlabel="coverage", ylabel="risk (error rate)", xlim=(0, 1))
        return ax


def risk_coverage(correct, scores) -> RiskCoverage:
    """Risk-coverage curve, AURC and E-AURC.

    Parameters
    ----------
    correct : array, shape (n,)
        1 for a correct prediction, 0 for an error (fractions allowed, e.g. expected correctness).
    scores : array, shape (n,)
        Confidence scores: higher means more confident; only the order matters.
    """
    correct, scores = _check(correct, scores)
    n = len(correct)
    order = np.argsort(-scores, kind="stable")
    errors = 1.0 - correct[order]
    conf = scores[order]
    # tie groups: cumulative errors at group ends, linear inside each group
    ends = np.append(np.flatnonzero(np.diff(conf) != 0), n - 1)
    starts = np.concatenate([[0], ends[:-1] + 1])
    cum_at_end = np.cumsum(errors)[ends]
    cum_before = np.concatenate([[0.0], cum_at_end[:-1]])
    group = np.repeat(np.arange(len(ends)), ends - starts + 1)
    position = np.arange(1, n + 1) - starts[group]  # 1-based rank inside the tie group
    size = (ends - starts + 1)[group]
    expected = cum_before[group] + position * (cum_at_end - cum_before)[group] / size
    k = np.arange(1, n + 1)
    risk = expected / k
    n_errors = errors.sum()
    oracle = np.maximum(k - (n - n_errors), 0.0) / k
    return RiskCoverage(coverage=k / n, risk=risk, aurc=float(risk.mean()), optimal_aurc=float(oracle.mean()))


def selective_auc(correct, scores) -> float:
    """Area under the ROC curve of confidence ``scores`` telling correct from wrong predictions (ties count half).

    ``correct`` must be 0/1 here.
    """
    correct, scores = _check(correct, scores)
    if not np.isin(correct, (0, 1)).all():
        raise AnalysisInputError.about("correct", "0/1 correctness", "other values",
                                       "Pass 1 for a correct prediction and 0 for an error.")
    positive = correct == 1
    n_pos, n_neg = positive.sum(), (~positive).sum()
    if not (n_pos and n_neg):
        raise AnalysisInputError.about("correct", "both correct and wrong predictions",
                                       f"{'only correct' if n_pos else 'only wrong'} ones",
                                       "The AUC of telling them apart needs some of each; report the accuracy instead.")
    ranks = stats.rankdata(scores)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def top_label(y_true, y_prob) -> tuple[np.ndarray, np.ndarray]:
    """Top-label confidence and correctness of each prediction: ``(confidence, correct)``, shape (n,) each.

    ``y_prob`` is ``(n,)`` binary scores of class 1 (the prediction is class 1
    iff ``p > 0.5``, with confidence ``max(p, 1 - p)``) or ``(n, k)`` class
    probabilities (the prediction is the argmax). ``correct`` is 1.0 or 0.0.
    """
    ((confidence, correct),) = score_outcome_pairs(y_true, y_prob, "top-label")
    return confidence, correct
