"""Binned calibration metrics: reliability data, ECE and its variants, Brier decomposition, Balance score.

Conventions (see :mod:`~analysis.calibration.binning` and
:mod:`~analysis.calibration._inputs`): ``n_bins=15`` equal-width bins
``[k/B, (k+1)/B)`` with the last closed, top-label mode, and empty bins kept in
every table (they add nothing to a metric).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import special
from sklearn.isotonic import IsotonicRegression

from .._chunks import chunked_sum
from .._resample import bootstrap
from .._results import Result
from .._validation import check_choice, check_integer
from ..errors import AnalysisInputError
from ._inputs import check_inputs, score_outcome_pairs
from .binning import bin_indices, n_slots, uniform_binner

__all__ = [
    "BalanceReport",
    "BrierDecomposition",
    "CORPDecomposition",
    "adaptive_calibration_error",
    "balance_report",
    "balance_score",
    "brier_decomposition",
    "corp_decomposition",
    "ece",
    "ece_ci",
    "metric_ci",
    "reliability",
]

NORMS = ("l1", "l2", "max")


def _cell_sums(idx: np.ndarray, scores: np.ndarray, outcomes: np.ndarray, slots: int) -> np.ndarray:
    """Counts and score sums of the (bin, outcome) cells ``2 * bin + outcome``, shape (2, 2 * slots)."""
    cells = np.left_shift(idx, 1, dtype=np.intp)  # bincount's own index type: converted once, not per count
    cells += outcomes.astype(np.intp, copy=False)
    return np.stack([np.bincount(cells, minlength=2 * slots), np.bincount(cells, weights=scores, minlength=2 * slots)])


def _bin_sums(scores: np.ndarray, outcomes: np.ndarray, n_bins: int, strategy: str, convention: str = "analysis"):
    """Per-bin count, sum of scores and sum of 0/1 outcomes, shape (3, bins).

    Both counts run over the (bin, outcome) cells: their sizes give the bin
    sizes and outcome sums, their score sums the bins'.
    """
    slots = n_slots(n_bins, convention)
    if strategy == "quantile":  # ranks need all scores at once
        sums = _cell_sums(bin_indices(scores, n_bins, strategy, convention), scores, outcomes, slots)
    else:
        binner = uniform_binner(n_bins, convention)
        sums = chunked_sum(lambda a, b: _cell_sums(binner(scores[a:b]), scores[a:b], outcomes[a:b], slots),
                           len(scores))
    cells, score_sums = sums.astype(float).reshape(2, slots, 2)
    return np.stack([cells.sum(axis=1), score_sums.sum(axis=1), cells[:, 1]])


def _bin_stats(scores: np.ndarray, outcomes: np.ndarray, n_bins: int, strategy: str, convention: str = "analysis"):
    """Per-bin count, mean score and mean outcome (0/1; NaN for empty bins)."""
    count, score_sum, outcome_sum = _bin_sums(scores, outcomes, n_bins, strategy, convention)
    with np.errstate(invalid="ignore", divide="ignore"):
        return count, score_sum / count, outcome_sum / count


def reliability(
    y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform", mode: str = "top-label",
    convention: str = "analysis",
):
    """Reliability-diagram data: one row per bin (and class, for ``mode="classwise"``).

    Returns
    -------
    DataFrame with columns ``class`` (classwise only), ``bin``, ``count``,
    ``mean_confidence``, ``accuracy`` (the mean outcome) and ``gap``
    (``accuracy - mean_confidence``); empty bins have count 0 and NaN means.
    ``convention`` reproduces another library's bin edges
    (:func:`~analysis.calibration.bin_indices`).
    """
    pairs = score_outcome_pairs(y_true, y_prob, mode)
    frames = []
    for j, (scores, outcomes) in enumerate(pairs):
        count, confidence, accuracy = _bin_stats(scores, outcomes, n_bins, strategy, convention)
        frame = pd.DataFrame({"bin": np.arange(len(count)), "count": count.astype(int), "mean_confidence": confidence,
                              "accuracy": accuracy, "gap": accuracy - confidence})
        frames.append(frame.assign(**{"class": j}) if mode == "classwise" else frame)
    out = pd.concat(frames, ignore_index=True)
    return out[["class", *frames[0].columns.drop("class")]] if mode == "classwise" else out


def _ece_from_sums(count, gap_sum, outcome_sum, norm: str, debiased: bool):
    """ECE from per-bin counts and sums ``(..., n_bins)``; vectorised over leading axes."""
    total = count.sum(axis=-1)
    full = count > 0
    safe = np.where(full, count, 1.0)
    gap = gap_sum / safe
    if norm == "max":
        return np.where(full, np.abs(gap), 0.0).max(axis=-1)
    if norm == "l1":
        return np.abs(gap_sum).sum(axis=-1) / total
    squared = gap**2
    if debiased:
        acc = outcome_sum / safe
        squared = np.where(count > 1, squared - acc * (1 - acc) / np.maximum(count - 1, 1), squared)
    return np.sqrt(np.maximum((count * squared).sum(axis=-1) / total, 0.0))


def _ece_one(scores, outcomes, n_bins, strategy, norm, debiased, convention="analysis") -> float:
    if norm == "l1" and strategy == "uniform":  # needs only each bin's summed gap: one weighted count per chunk
        slots, binner = n_slots(n_bins, convention), uniform_binner(n_bins, convention)
        gap = chunked_sum(lambda a, b: np.bincount(binner(scores[a:b]), weights=outcomes[a:b] - scores[a:b],
                                                   minlength=slots), len(scores))
        return float(np.abs(gap).sum() / len(scores))
    count, score_sum, outcome_sum = _bin_sums(scores, outcomes, n_bins, strategy, convention)
    return float(_ece_from_sums(count, outcome_sum - score_sum, outcome_sum, norm, debiased))


def ece(
    y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform", norm: str = "l1", mode: str = "top-label",
    debiased: bool = False, convention: str = "analysis",
) -> float:
    """Expected calibration error, binned.

    Parameters
    ----------
    y_true : array of int labels, shape (n,)
    y_prob : array, shape (n,) with P(y = 1), or (n, k) with rows summing to 1
    n_bins : int
    strategy : {'uniform', 'quantile'}
        Equal-width or equal-mass bins (ties never split).
    norm : {'l1', 'l2', 'max'}
        ``sum_b w_b |gap_b|``, ``sqrt(sum_b w_b gap_b^2)``, or the largest gap of a
        non-empty bin (the maximum calibration error), with ``w_b`` the share of
        scores in bin ``b``.
    mode : {'top-label', 'positive', 'classwise', 'marginal'}
        Which (score, outcome) pairs are binned; classwise averages over classes.
    debiased : bool
        Kumar, Liang & Ma (2019): subtract each bin's sampling variance,
        ``acc_b (1 - acc_b) / (n_b - 1)``, from its squared gap (``norm="l2"``
        only; bins with one score keep their plug-in term; the result is the
        square root of the estimate clipped at 0).
    convention : {'analysis', 'sklearn', 'relplot', 'netcal', 'uncertainty-calibration'}
        Bin edges of this package or of another library
        (:func:`~analysis.calibration.bin_indices`): with ``mode="positive"``,
        ``"relplot"`` equals ``relplot.metrics.binnedECE``, ``"sklearn"`` the ECE
        of ``sklearn.calibration.calibration_curve``'s bins, ``"netcal"``
        ``netcal.metrics.ECE`` (which reduces binary input, one column or two,
        to the positive class; top-label from 3 classes) and
        ``"uncertainty-calibration"`` its ``get_ece`` (``get_ece_em`` with
        ``strategy="quantile"``; its ``mode="marginal"`` is ``"classwise"``
        here). MAPIE's ``expected_calibration_error(num_bins=B)`` takes
        ``np.linspace(0, 1, B)`` as right-closed edges: ``B - 1`` bins (and one
        for scores of exactly 0), so it equals ``n_bins=B - 1`` with
        ``"sklearn"`` when no score is 0; its ``top_label_ece`` is Gupta &
        Ramdas's class-conditional estimator, not the top-label ECE here.
    """
    check_choice(norm, "norm", NORMS)
    if debiased and norm != "l2":
        raise AnalysisInputError.about("norm", "'l2' with debiased=True", repr(norm),
                                       "The debiased estimator corrects the squared gap: pass norm='l2'.")
    pairs = score_outcome_pairs(y_true, y_prob, mode)
    return float(np.mean([_ece_one(s, o, n_bins, strategy, norm, debiased, convention) for s, o in pairs]))


def ece_ci(
    y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform", norm: str = "l1", mode: str = "top-label",
    debiased: bool = False, n_boot: int = 1000, ci: float = 0.95, rng=None, progress=None,
):
    """:func:`ece` with a bootstrap interval over samples, vectorised over resamples.

    Every resample's per-bin sums are one matrix product with the resampling
    counts. Bins stay those of the full sample (for ``strategy="quantile"``, the
    equal-mass edges of the full sample).

    The plug-in ECE is biased upwards, and more so on resamples (their ties add
    spurious gaps): for a well-calibrated model the percentile interval can lie
    entirely above the estimate. ``debiased=True`` removes most of that bias.

    Returns
    -------
    BootstrapResult
        ``estimate`` equals ``ece(...)`` with the same arguments.
    """
    check_choice(norm, "norm", NORMS)
    if debiased and norm != "l2":
        raise AnalysisInputError.about("norm", "'l2' with debiased=True", repr(norm),
                                       "The debiased estimator corrects the squared gap: pass norm='l2'.")
    pairs = score_outcome_pairs(y_true, y_prob, mode)
    if mode == "marginal":  # pooled over classes, resampled by item
        labels, prob = check_inputs(y_true, y_prob)
        k = prob.shape[1] if prob.ndim == 2 else 2
        pairs = [(s.reshape(-1, k), o.reshape(-1, k)) for s, o in pairs]
    onehots = []
    for scores, outcomes in pairs:
        scores, outcomes = np.atleast_2d(scores.T).T, np.atleast_2d(outcomes.T).T  # (n, c): c pooled columns
        idx = bin_indices(scores.ravel(), n_bins, strategy).reshape(scores.shape)
        hot = np.zeros((len(scores), n_bins))
        gap, out = np.zeros_like(hot), np.zeros_like(hot)
        for c in range(scores.shape[1]):
            rows = np.arange(len(scores))
            np.add.at(hot, (rows, idx[:, c]), 1.0)
            np.add.at(gap, (rows, idx[:, c]), outcomes[:, c] - scores[:, c])
            np.add.at(out, (rows, idx[:, c]), outcomes[:, c])
        onehots.append(np.stack([hot, gap, out]))  # (3, n, n_bins)
    stacked = np.stack(onehots)  # (pairs, 3, n, n_bins)

    def statistic(_, weights):
        sums = np.matmul(weights, stacked)  # (pairs, 3, batch, n_bins)
        return _ece_from_sums(sums[:, 0], sums[:, 1], sums[:, 2], norm, debiased).mean(axis=0)

    n = stacked.shape[2]
    return bootstrap(statistic, np.arange(n), n_boot=n_boot, ci=ci, weighted=True, rng=rng, progress=progress,
                     batch_size=max(1, 2**22 // n))


def metric_ci(metric, y_true, y_prob, *, n_boot: int = 1000, ci: float = 0.95, rng=None, progress=None, **kwargs):
    """Bootstrap interval of any metric ``metric(y_true, y_prob, **kwargs)`` over samples.

    For estimators without a batched form (smooth ECE, the Balance score, ACE,
    ...): every resample is evaluated in turn, in batches that show a progress
    bar when slow. :func:`ece_ci` is the vectorised path for binned ECE.
    """
    n_boot = check_integer(n_boot, "n_boot", minimum=2)
    labels, prob = check_inputs(y_true, y_prob)

    def statistic(y_batch, p_batch):
        return np.array([metric(yy, pp, **kwargs) for yy, pp in zip(y_batch, p_batch)])

    return bootstrap(statistic, labels, prob, n_boot=n_boot, ci=ci, rng=rng, progress=progress,
                     batch_size=max(1, min(n_boot, 100)))


def adaptive_calibration_error(y_true, y_prob, *, n_bins: int = 15) -> float:
    """Adaptive calibration error (Nixon et al. 2019): classwise, equal-mass bins, unweighted mean of gaps.

    The mean of ``|accuracy - confidence|`` over every non-empty (class, bin)
    pair; binary ``y_prob`` counts as two classes.
    """
    gaps = []
    for scores, outcomes in score_outcome_pairs(y_true, y_prob, "classwise"):
        count, confidence, accuracy = _bin_stats(scores, outcomes, n_bins, "quantile")
        gaps.append(np.abs(accuracy - confidence)[count > 0])
    return float(np.concatenate(gaps).mean())


def _balance_terms(y_true, y_prob) -> tuple[np.ndarray, np.ndarray]:
    labels, prob = check_inputs(y_true, y_prob)
    if prob.ndim != 1:
        raise AnalysisInputError.about("y_prob", "binary probabilities P(y = 1) of shape (n,)",
                                       f"shape {prob.shape}", "The Balance score is defined for binary outcomes.")
    confident = prob >= 0.5  # the Balance score predicts 1 at p = 0.5
    terms = np.select(
        [confident & (labels == 1), ~confident & (labels == 0), confident & (labels == 0)],
        [1 - prob, prob, -prob], default=-(1 - prob),
    )
    return terms, np.where(confident, prob, 1 - prob)


def balance_score(y_true, y_prob) -> float:
    """The Balance score ('Rethinking Evaluation Metric for Probability Estimation Models Using Esports Data').

    The mean over predictions of ``1 - p`` (p >= 0.5, y = 1), ``p`` (p < 0.5,
    y = 0), ``-p`` (p >= 0.5, y = 0) and ``-(1 - p)`` (p < 0.5, y = 1): accuracy
    minus mean confidence of the predicted side. Negative means over-confident;
    0 can hide over- and under-confidence that cancel (see :func:`balance_report`).
    Unlike the top-label convention, ``p = 0.5`` predicts class 1 here.
    """
    return float(_balance_terms(y_true, y_prob)[0].mean())


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class BalanceReport(Result):
    """The signed Balance score beside its unsigned, binned counterpart.

    Attributes
    ----------
    balance : float
        The signed score (accuracy minus confidence).
    unsigned : float
        ``sum_b w_b |balance_b|`` over confidence bins: the top-label ECE with the
        Balance score's tie rule.
    cancels : bool
        True when ``unsigned > 2 |balance|``: over- and under-confidence in
        different bins largely cancel in the signed score.
    by_bin : DataFrame
        ``bin``, ``count``, ``balance`` per confidence bin.
    """

    balance: float
    unsigned: float
    cancels: bool
    by_bin: pd.DataFrame

    @property
    def notes(self) -> tuple[str, ...]:
        if self.cancels:
            return ("over- and under-confidence cancel in the signed score: read the unsigned one",)
        return ()


def balance_report(y_true, y_prob, *, n_bins: int = 15) -> BalanceReport:
    """Balance score, its binned unsigned version and a flag for cancellation."""
    terms, confidence = _balance_terms(y_true, y_prob)
    idx = bin_indices(confidence, n_bins)
    count = np.bincount(idx, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_bin = np.bincount(idx, weights=terms, minlength=n_bins) / count
    unsigned = float(np.nansum(count / count.sum() * np.abs(per_bin)))
    signed = float(terms.mean())
    by_bin = pd.DataFrame({"bin": np.arange(n_bins), "count": count, "balance": per_bin})
    return BalanceReport(signed, unsigned, bool(unsigned > 2 * abs(signed)), by_bin)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class BrierDecomposition(Result):
    """Murphy's decomposition of the Brier score over bins, with the within-bin terms.

    ``brier = reliability - resolution + uncertainty + within_bin_variance -
    within_bin_covariance`` holds exactly (Stephenson, Coelho & Jolliffe 2008);
    the two within-bin terms vanish when forecasts are constant within bins.
    For ``(n, k)`` probabilities every term is summed over classes.
    """

    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin_variance: float
    within_bin_covariance: float


def brier_decomposition(y_true, y_prob, *, n_bins: int = 15, strategy: str = "uniform") -> BrierDecomposition:
    """Brier score of ``P(y = 1)`` (binary) or of all classes (summed), decomposed over bins."""
    labels, prob = check_inputs(y_true, y_prob)
    pairs = score_outcome_pairs(labels, prob, "positive" if prob.ndim == 1 else "classwise")
    totals = np.zeros(6)
    for f, o in pairs:
        n = len(f)
        idx = bin_indices(f, n_bins, strategy)
        count, f_bar, o_bar = _bin_stats(f, o, n_bins, strategy)
        full = count > 0
        w = count[full] / n
        base = o.mean()
        df, do = f - f_bar[idx], o - o_bar[idx]
        totals += [
            np.mean((f - o) ** 2),
            w @ (f_bar[full] - o_bar[full]) ** 2,
            w @ (o_bar[full] - base) ** 2,
            base * (1 - base),
            np.mean(df**2),
            2 * np.mean(df * do),
        ]
    return BrierDecomposition(*(float(t) for t in totals))


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class CORPDecomposition(Result):
    """CORP decomposition (Dimitriadis, Gneiting & Jordan 2021) of a mean score.

    ``score = miscalibration - discrimination + uncertainty``, exactly, where the
    recalibrated forecast is the isotonic regression of outcomes on forecasts
    (the CORP reliability diagram), ``miscalibration = S(p) - S(p_iso)``,
    ``discrimination = S(mean y) - S(p_iso)`` and ``uncertainty = S(mean y)``.
    """

    scoring_rule: str
    score: float
    miscalibration: float
    discrimination: float
    uncertainty: float

    @property
    def title(self) -> str:
        return f"CORP decomposition of the {self.scoring_rule} score"


def _mean_score(p: np.ndarray, y: np.ndarray, rule: str) -> float:
    if rule == "brier":
        return float(np.mean((p - y) ** 2))
    return float(-np.mean(special.xlogy(y, p) + special.xlogy(1 - y, 1 - p)))


def corp_decomposition(y_true, y_prob, *, scoring_rule: str = "brier") -> CORPDecomposition:
    """Decompose the Brier (``"brier"``) or logarithmic (``"log"``) score of binary ``P(y = 1)`` by CORP.

    Ties in the forecasts are pooled before the isotonic fit, as CORP requires.
    """
    check_choice(scoring_rule, "scoring_rule", ("brier", "log"))
    labels, prob = check_inputs(y_true, y_prob)
    if prob.ndim != 1:
        raise AnalysisInputError.about("y_prob", "binary probabilities P(y = 1) of shape (n,)", f"shape {prob.shape}",
                                       "Decompose one class at a time: pass y == j and y_prob[:, j].")
    y = labels.astype(float)
    recalibrated = IsotonicRegression(y_min=0.0, y_max=1.0).fit_transform(prob, y)
    score = _mean_score(prob, y, scoring_rule)
    calibrated = _mean_score(recalibrated, y, scoring_rule)
    uncertainty = _mean_score(np.full_like(y, y.mean()), y, scoring_rule)
    return CORPDecomposition(scoring_rule, score, score - calibrated, uncertainty - calibrated, uncertainty)
