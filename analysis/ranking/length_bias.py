"""A judge's preference for long answers, removed from win rates against a baseline: two published corrections.

- Length control (Dubois et al. 2024, "Length-Controlled AlpacaEval"): model
  the judge's preference as a logistic function of the length difference and
  report the preference predicted at equal length.
- The length margin (Lin et al. 2024, WildBench): a win by an answer more
  than ``margin`` characters longer than the other counts as a draw.

Both take the per-instance annotations that
``analysis.io.read_results(..., format="alpaca-eval")`` reads: one row per
(model, instruction) with ``score``, the judged probability that the model's
answer beats the baseline's (0.5 a draw), and both answers' lengths.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from .._validation import check_choice, check_columns, check_positive, check_probabilities
from ..errors import AnalysisInputError, FitError

__all__ = ["length_controlled_win_rate", "length_margin_win_rate"]


def _annotations(annotations: pd.DataFrame, model: str, score: str, length: str, baseline_length: str):
    """The checked columns: model names, scores in [0, 1], and the two lengths (characters)."""
    check_columns(annotations, [model, score, length, baseline_length], name="annotations")
    if len(annotations) == 0:
        raise AnalysisInputError.about("annotations", "at least one row", "none", "Pass per-instance annotations.")
    if annotations[model].isna().any():
        raise AnalysisInputError.about(model, "a name in every row", f"{int(annotations[model].isna().sum())} missing",
                                       "Fill or drop those rows first.")
    scores = check_probabilities(annotations[score], score, ndim=1)
    lengths = [check_positive(annotations[c], c, strict=False, ndim=1) for c in (length, baseline_length)]
    return annotations[model].to_numpy(), scores, lengths


def _logistic_fit(design: np.ndarray, y: np.ndarray, max_iter: int = 100) -> np.ndarray:
    """Maximum-likelihood coefficients of logit P(y) = design @ beta for soft targets ``y`` in [0, 1] (Newton)."""
    beta = np.zeros(design.shape[1])
    for _ in range(max_iter):
        p = special.expit(design @ beta)
        hessian = design.T @ (design * (p * (1 - p))[:, None])
        step = np.linalg.lstsq(hessian, design.T @ (y - p), rcond=None)[0]
        beta = beta + step
        if np.abs(step).max() < 1e-12 * (1 + np.abs(beta).max()):
            return beta
        if np.abs(beta).max() > 40:
            break
    raise FitError("The logistic length model has no finite fit: a model's verdicts are all one way, or its "
                   "answers are always much longer (or shorter) than the baseline's, so its preference at equal "
                   "length cannot be told from its length. slope='shared' learns the judge's taste for length from "
                   "all models together.")


def length_controlled_win_rate(annotations: pd.DataFrame, *, feature: str = "tanh", slope: str = "shared",
                               model: str = "model", score: str = "score", length: str = "length",
                               baseline_length: str = "baseline_length") -> pd.DataFrame:
    """Each model's win rate against the baseline, raw and at equal answer length (Dubois et al. 2024).

    A logistic model of the judged preference, ``logit P = a_m + b x``, with
    ``x`` a feature of the two answers' lengths that is 0 when they are
    equal, is fitted by maximum likelihood to the scores; a model's
    length-controlled win rate is the preference it predicts at equal
    length, ``100 sigmoid(a_m)``.

    Parameters
    ----------
    feature : {'tanh', 'log-ratio'}
        ``"tanh"``: ``x = tanh(d / s)``, where ``d`` is the model's answer
        length minus the baseline's (characters) and ``s`` the standard
        deviation of ``d``, AlpacaEval's feature. ``"log-ratio"``:
        ``x = log(length / baseline_length)``, for a judge that weighs length
        in proportion (100 against 200 characters as 1,000 against 2,000).
        Compare the two by ``log_likelihood``.
    slope : {'shared', 'per-model'}
        ``"shared"``: one length coefficient ``b`` for the judge, fitted on
        all models at once (``s`` over all annotations), so a model whose
        answers are always longer than the baseline's is still controlled
        by what the others show of the judge. ``"per-model"``: a separate
        fit per model (``s`` over its annotations), AlpacaEval's
        ``length_controlled_minimal`` model; it has no finite fit for a model
        that is never near the baseline's length. AlpacaEval 2's default
        adds an instruction-difficulty term and a pull toward deliberately
        verbose and terse baselines, learned from its own 805 instructions.

    Returns
    -------
    DataFrame indexed by model, sorted by the length-controlled win rate: ``n``,
    ``win_rate`` and ``length_controlled_win_rate`` (percent),
    ``length_coefficient`` (``b``: positive when the judge prefers the longer
    answer) and ``log_likelihood`` (of the model's scores under the fit;
    higher is the better description of the judge).
    """
    check_choice(feature, "feature", ("tanh", "log-ratio"))
    check_choice(slope, "slope", ("shared", "per-model"))
    names, scores, lengths = _annotations(annotations, model, score, length, baseline_length)
    if feature == "log-ratio" and min(lengths[0].min(), lengths[1].min()) == 0:
        raise AnalysisInputError.about("length", "answers of at least one character for feature='log-ratio'",
                                       "empty answers", "Use feature='tanh', or drop the empty answers.")
    models, codes = np.unique(names, return_inverse=True)
    groups = [np.arange(len(codes))] if slope == "shared" else [np.flatnonzero(codes == m) for m in range(len(models))]
    intercepts, coefficients = np.empty(len(models)), np.empty(len(models))
    fitted = np.empty(len(codes))
    for rows in groups:
        x = _length_feature(lengths[0][rows], lengths[1][rows], feature)
        present = np.unique(codes[rows])
        design = np.column_stack([np.eye(len(models))[codes[rows]][:, present], x])
        if np.ptp(x) > 0:
            beta = _logistic_fit(design, scores[rows])
        else:  # every answer of the baseline's length: the raw rate
            with np.errstate(divide="ignore"):
                beta = np.append(special.logit(design[:, :-1].T @ scores[rows] / design[:, :-1].sum(axis=0)), 0.0)
        intercepts[present], coefficients[present] = beta[:-1], beta[-1]
        fitted[rows] = special.expit(design @ beta)
    terms = special.xlogy(scores, fitted) + special.xlogy(1 - scores, 1 - fitted)
    table = pd.DataFrame({"n": np.bincount(codes), "win_rate": 100 * np.bincount(codes, scores) / np.bincount(codes),
                          "length_controlled_win_rate": 100 * special.expit(intercepts),
                          "length_coefficient": coefficients, "log_likelihood": np.bincount(codes, terms)},
                         index=pd.Index(models, name="model"))
    return table.sort_values("length_controlled_win_rate", ascending=False)


def _length_feature(length: np.ndarray, baseline_length: np.ndarray, feature: str) -> np.ndarray:
    """The regression's length feature, 0 at equal length."""
    if feature == "log-ratio":
        return np.log(length / baseline_length)
    difference = length - baseline_length
    spread = difference.std(ddof=1) if len(difference) > 1 else 0.0
    return np.tanh(difference / spread) if spread > 0 else np.zeros_like(difference)


def length_margin_win_rate(annotations: pd.DataFrame, margin: float = 500, *, model: str = "model",
                           score: str = "score", length: str = "length",
                           baseline_length: str = "baseline_length") -> pd.Series:
    """Each model's win rate against the baseline (percent), a win by the longer answer beyond ``margin`` a draw.

    WildBench's rule (Lin et al. 2024) for its "slightly better" verdicts,
    applied to every verdict: a preference for the model (score above 0.5)
    whose answer is more than ``margin`` characters longer than the
    baseline's, or for the baseline whose answer is that much longer, counts
    as 0.5. AlpacaEval's verdicts have one level, so all of them are treated
    as slight; a margin above every length difference gives the raw win rate.
    """
    names, scores, (mine, theirs) = _annotations(annotations, model, score, length, baseline_length)
    difference = mine - theirs
    margin = float(check_positive(margin, "margin", strict=False))
    longer_won = ((scores > 0.5) & (difference > margin)) | ((scores < 0.5) & (-difference > margin))
    adjusted = np.where(longer_won, 0.5, scores)
    rates = pd.Series(100 * adjusted, index=pd.Index(names, name="model")).groupby(level=0, sort=False).mean()
    return rates.rename("length_margin_win_rate")
