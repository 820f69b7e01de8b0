"""Calibration of many models at once, from one tidy table of their predictions.

The table has one row per (model, item): whether the model was right
(``correct``, 0/1) and the confidence it gave (``confidence``, a probability
of being right). For a binary event forecast, ``correct`` is the event and
``confidence`` its forecast probability. Every metric is the positive-class
metric of these pairs, so top-label calibration of a classifier and
calibration of an event forecast read the same way.

A table too large for memory can be a Dask DataFrame. Every metric is then a
sum over partitions, computed by Dask's scheduler (a ``dask.distributed``
cluster when a client is active): counts, per-bin sums for the ECE, and the
scores spread onto the smoothing grids for the smooth ECE, at every grid the
bandwidth search can visit. The results equal the in-memory ones up to the
order of floating-point summation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._resample import bootstrap
from .._results import ConfidenceInterval
from .._validation import (
    check_choice,
    check_columns,
    check_integer,
    check_labels,
    check_level,
    check_probabilities,
    check_rng,
)
from ..errors import AnalysisInputError
from ._inputs import check_inputs
from .metrics import _bin_sums, _ece_from_sums, ece, ece_ci, metric_ci
from .selective import top_label
from .smooth import _Smoother, search_grid_sizes, smooth_ece, smooth_ece_sigma

__all__ = ["by_model", "predictions_table"]

METRICS = ("accuracy", "ece", "smooth_ece", "brier")


def predictions_table(y_true, probs: dict, *, mode: str = "top-label") -> pd.DataFrame:
    """The tidy table :func:`by_model` reads, from each model's predicted probabilities on the same items.

    Parameters
    ----------
    y_true : array, shape (n,)
        Class labels (``mode="top-label"``), or the 0/1 outcome that the
        probabilities forecast (``mode="positive"``: an event, or whether an
        answer was right).
    probs : dict of name to array
        Per model, ``(n,)`` probabilities of class 1 or ``(n, k)`` class
        probabilities (top-label), or ``(n,)`` probabilities of the outcome (positive).
    mode : {'top-label', 'positive'}

    Returns
    -------
    DataFrame with one row per (model, item): ``model``, ``item`` (position in
    ``y_true``), ``correct`` (0/1) and ``confidence``.
    """
    check_choice(mode, "mode", ("top-label", "positive"))
    if not probs:
        raise AnalysisInputError.about("probs", "at least one model's probabilities", "none",
                                       "Pass a dict such as {'model': probabilities}.")
    parts = []
    for name, p in probs.items():
        if mode == "top-label":
            confidence, correct = top_label(y_true, p)
        else:
            if np.ndim(p) == 2 and np.shape(p)[1] > 1:
                raise AnalysisInputError.about("probs", "(n,) probabilities of the outcome for mode='positive'",
                                               f"shape {np.shape(p)} for {name!r}", "Use mode='top-label'.")
            y, confidence = check_inputs(y_true, p)
            correct = y.astype(float)
        parts.append(pd.DataFrame({"model": name, "item": np.arange(len(correct)), "correct": correct.astype(int),
                                   "confidence": confidence}))
    return pd.concat(parts, ignore_index=True)


def _check_names(table: pd.DataFrame, keys: list) -> None:
    """Refuse rows without a model name: groupby would drop them silently."""
    if table[keys].isna().any().any():
        raise AnalysisInputError.about("table", f"a name in {keys} on every row", "missing names",
                                       "Fill or drop the rows without a model name.")


def _accuracy_and_brier(correct, confidence, weights):
    """Weighted accuracy and Brier score of every resample, shape (batch, 2)."""
    total = weights.sum(axis=1)
    return np.stack([weights @ correct / total, weights @ (confidence - correct) ** 2 / total], axis=1)


def by_model(table: pd.DataFrame, *, model="model", correct: str = "correct", confidence: str = "confidence",
             n_bins: int = 15, n_boot: int = 0, ci: float = 0.95, rng=None) -> pd.DataFrame:
    """Accuracy, ECE, smooth ECE and Brier score per model, with bootstrap intervals if asked.

    Parameters
    ----------
    table : DataFrame
        One row per prediction, with the columns named by ``model``,
        ``correct`` (0/1 or bool) and ``confidence`` (in [0, 1]).
    model : str or list of str
        Column(s) naming the model; a list (e.g. ``["model", "task"]``) gives one row per combination.
    n_bins : int
        Equal-width bins of the ECE.
    n_boot : int
        Bootstrap resamples of each model's predictions (0: no intervals).
    ci : float
    rng : None, int or Generator

    Returns
    -------
    DataFrame indexed by model: ``n``, ``accuracy``, ``ece``, ``smooth_ece``,
    ``brier``, and with ``n_boot > 0`` ``<metric>_low`` and ``<metric>_high``
    for each (percentile intervals; the ECE's is vectorised over resamples).
    The resamples keep the full sample's bins and smoothing bandwidth, so the
    intervals show the sampling noise of the items, not of those choices.
    """
    keys = [model] if isinstance(model, str) else list(model)
    if _is_dask(table):
        return _by_model_dask(table, keys, correct, confidence, n_bins, n_boot)
    check_columns(table, [*keys, correct, confidence], name="table")
    n_bins = check_integer(n_bins, "n_bins")
    n_boot = check_integer(n_boot, "n_boot", minimum=0)
    ci = check_level(ci, "ci")
    if n_boot == 1:
        raise AnalysisInputError.about("n_boot", "0 (no intervals) or at least 2 resamples", "1", "Pass e.g. 1000.")
    _check_names(table, keys)
    rng = check_rng(rng)
    rows = {}
    for name, group in table.groupby(keys[0] if len(keys) == 1 else keys, sort=True):
        c = check_labels(group[correct].to_numpy(), correct, n_classes=2).astype(float)
        p = check_probabilities(group[confidence].to_numpy(), confidence, ndim=1)
        sigma = smooth_ece_sigma(c, p, mode="positive")
        row = {"n": len(c), "accuracy": c.mean(), "ece": ece(c, p, n_bins=n_bins, mode="positive"),
               "smooth_ece": smooth_ece(c, p, sigma=sigma, mode="positive"), "brier": np.mean((p - c) ** 2)}
        if n_boot:  # bins and bandwidth stay those of the full sample, as in ece_ci
            intervals = {
                "ece": ece_ci(c, p, n_bins=n_bins, mode="positive", n_boot=n_boot, ci=ci, rng=rng).interval,
                "smooth_ece": metric_ci(smooth_ece, c, p, sigma=sigma, mode="positive", n_boot=n_boot, ci=ci,
                                        rng=rng, progress=False).interval,
            }
            both = bootstrap(_accuracy_and_brier, c, p, n_boot=n_boot, ci=ci, weighted=True, rng=rng).interval
            intervals["accuracy"] = ConfidenceInterval(both.low[0], both.high[0], ci)
            intervals["brier"] = ConfidenceInterval(both.low[1], both.high[1], ci)
            for metric in METRICS:
                row[f"{metric}_low"], row[f"{metric}_high"] = intervals[metric].low, intervals[metric].high
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.names = keys
    return out


# --- tables larger than memory: sums over partitions --------------------------------------------------------------

def _is_dask(table) -> bool:
    return type(table).__module__.startswith("dask")


def _partial_sums(part: pd.DataFrame, keys: list, correct: str, confidence: str, n_bins: int, sizes: list) -> dict:
    """Per group of one partition: counts, per-bin sums and smoothing spreads (all additive)."""
    _check_names(part, keys)
    out = {}
    for name, group in part.groupby(keys[0] if len(keys) == 1 else keys, sort=False):
        c = check_labels(group[correct].to_numpy(), correct, n_classes=2).astype(float)
        p = check_probabilities(group[confidence].to_numpy(), confidence, ndim=1)
        smoother = _Smoother(p, c)
        out[name] = {"n": len(c), "correct": c.sum(), "squared_error": np.sum((p - c) ** 2),
                     "bins": _bin_sums(p, c, n_bins, "uniform"),
                     "grids": {size: smoother._spread(size) for size in sizes}}
    return out


def _by_model_dask(table, keys: list, correct: str, confidence: str, n_bins: int, n_boot: int) -> pd.DataFrame:
    import dask

    missing = [c for c in (*keys, correct, confidence) if c not in table.columns]
    if missing:
        raise AnalysisInputError.about("table", f"columns {[*keys, correct, confidence]}", f"no column {missing}",
                                       "Name the columns with model=, correct= and confidence=.")
    n_bins = check_integer(n_bins, "n_bins")
    if check_integer(n_boot, "n_boot", minimum=0):
        raise AnalysisInputError.about("n_boot", "0 for a Dask table (no bootstrap over partitions yet)",
                                       str(n_boot), "Bootstrap a sample that fits in memory, or pass n_boot=0.")
    sizes = search_grid_sizes()
    parts = [dask.delayed(_partial_sums)(part, keys, correct, confidence, n_bins, sizes)
             for part in table[[*keys, correct, confidence]].to_delayed()]
    totals: dict = {}
    for partial in dask.compute(*parts):
        for name, sums in partial.items():
            if name not in totals:
                totals[name] = sums
                continue
            total = totals[name]
            for field in ("n", "correct", "squared_error", "bins"):
                total[field] = total[field] + sums[field]
            total["grids"] = {size: (total["grids"][size][0] + residual, total["grids"][size][1] + mass)
                              for size, (residual, mass) in sums["grids"].items()}
    rows = {}
    for name in sorted(totals):
        t = totals[name]
        count, score_sum, outcome_sum = t["bins"]
        smoother = _Smoother.from_grids(t["grids"])
        rows[name] = {"n": t["n"], "accuracy": t["correct"] / t["n"],
                      "ece": float(_ece_from_sums(count, outcome_sum - score_sum, outcome_sum, "l1", False)),
                      "smooth_ece": smoother.value(smoother.fixed_point(1e-3)), "brier": t["squared_error"] / t["n"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.names = keys
    return out

