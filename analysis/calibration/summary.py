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
order of floating-point summation. Intervals then come from the Poisson
bootstrap (``key=``): each row's replicate weights follow from the seed and the
row's key, so every replicate's sums also add up over partitions, and any
partitioning gives the same intervals.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .._poisson import seed_from
from .._resample import bootstrap
from .._results import ConfidenceInterval
from .._validation import (
    check_array,
    check_choice,
    check_columns,
    check_integer,
    check_labels,
    check_level,
    check_rng,
    is_dask,
)
from ..errors import AnalysisInputError
from ._inputs import check_inputs
from ._partitions import (
    METRICS,
    dask_totals,
    groups,
    partial_sums,
    poisson_intervals,
    replicate_sums,
)
from .metrics import brier_decomposition, ece, ece_ci, metric_ci, reliability
from .selective import top_label
from .smooth import _Smoother, search_grid_sizes, smooth_ece, smooth_ece_sigma

__all__ = ["brier_by_model", "by_model", "choice_probabilities", "predictions_table", "reliability_by_model"]


def choice_probabilities(table: pd.DataFrame, *, model: str = "model", item="item", logprobs: str = "logprobs",
                         answer: str = "answer") -> tuple[np.ndarray, dict]:
    """Each model's probabilities over the offered choices of multiple-choice items, and the correct choices.

    The inverse of :func:`predictions_table` for a tidy table of per-choice
    log-likelihoods (as :func:`analysis.io.read_results` reads lm-eval's):
    the softmax of each row's ``logprobs`` over its choices. Every model must
    answer the same items (``item``: a column, or several, e.g. ``("task",
    "item")``), each with the same number of choices and correct choice.

    Returns
    -------
    ``(y, probs)``: ``y`` ``(n,)`` the correct choice of each item (sorted by
    ``item``), ``probs`` model -> ``(n, n_choices)``; the input of
    :func:`estimator_stability` and the calibration metrics.
    """
    keys = [item] if isinstance(item, str) else list(item)
    check_columns(table, [model, *keys, logprobs, answer], name="table")
    rows = table.sort_values([model, *keys])
    lists = rows[logprobs].to_numpy()
    sizes = {len(v) if isinstance(v, list | tuple | np.ndarray) else -1 for v in lists}
    if len(sizes) != 1 or min(sizes) < 2:
        raise AnalysisInputError.about(logprobs, "a list of log-likelihoods per row, the same number of choices "
                                       "on every item", f"lengths {sorted(sizes)[:5]} (-1: not a list)",
                                       "Keep one multiple-choice task, or tasks with as many choices.")
    by_model = dict(tuple(rows.groupby(model, sort=True)))
    first = next(iter(by_model.values()))
    for name, part in by_model.items():
        if not part[keys].reset_index(drop=True).equals(first[keys].reset_index(drop=True)):
            raise AnalysisInputError.about("table", "the same items for every model, once each",
                                           f"{name!r} answers other items than {next(iter(by_model))!r}",
                                           "Keep the items every model answered (io.one_per_item first).")
        if not np.array_equal(part[answer].to_numpy(), first[answer].to_numpy()):
            raise AnalysisInputError.about(answer, "the same correct choice of an item for every model",
                                           f"a different one for {name!r}", "Check the answers' source.")
    y = check_labels(first[answer].to_numpy(), answer, n_classes=sizes.pop())
    probs = {}
    for name, part in by_model.items():
        values = check_array(np.stack(part[logprobs].to_numpy()).astype(float), logprobs, ndim=2, finite=False)
        if np.isnan(values).any() or np.isposinf(values).any():
            raise AnalysisInputError.about(logprobs, "log-likelihoods (-inf allowed)", f"NaN or +inf for {name!r}",
                                           "Check the model's outputs.")
        probs[name] = np.exp(values - values.max(axis=1, keepdims=True))
        probs[name] /= probs[name].sum(axis=1, keepdims=True)
    return y, probs


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


def _accuracy_and_brier(correct, confidence, weights):
    """Weighted accuracy and Brier score of every resample, shape (batch, 2)."""
    total = weights.sum(axis=1)
    return np.stack([weights @ correct / total, weights @ (confidence - correct) ** 2 / total], axis=1)


def by_model(table: pd.DataFrame, *, model="model", correct: str = "correct", confidence: str = "confidence",
             n_bins: int = 15, n_boot: int = 0, ci: float = 0.95, key=None, rng=None) -> pd.DataFrame:
    """Accuracy, ECE, smooth ECE and Brier score per model, with bootstrap intervals if asked.

    Parameters
    ----------
    table : DataFrame or dask DataFrame
        One row per prediction, with the columns named by ``model``,
        ``correct`` (0/1 or bool) and ``confidence`` (in [0, 1]).
    model : str or list of str
        Column(s) naming the model; a list (e.g. ``["model", "task"]``) gives one row per combination.
    n_bins : int
        Equal-width bins of the ECE.
    n_boot : int
        Bootstrap replicates (0: no intervals).
    ci : float
    key : None, str or list of str
        Columns whose values identify a row (e.g. ``["task", "item"]``): the
        intervals then come from the Poisson bootstrap keyed by them (see
        :mod:`analysis._poisson`), the same on any partitioning of the table,
        and the only bootstrap of a Dask table. Rows sharing a key share their
        weights: leave ``model`` out of the key for replicates paired across
        models, or name a cluster column for the cluster bootstrap. None: the
        multinomial bootstrap of each model's rows (pandas only).
    rng : None, int or Generator

    Returns
    -------
    DataFrame indexed by model: ``n``, ``accuracy``, ``ece``, ``smooth_ece``,
    ``brier``, and with ``n_boot > 0`` ``<metric>_low`` and ``<metric>_high``
    for each (percentile intervals). The replicates keep the full sample's bins
    and smoothing bandwidth, so the intervals show the sampling noise of the
    items, not of those choices. A Poisson replicate without rows of a model
    (probability e^-n for n rows) has no estimate and is left out of its interval.
    """
    keys = _keys(model)
    key = None if key is None else [key] if isinstance(key, str) else list(key)
    n_bins = check_integer(n_bins, "n_bins")
    n_boot = check_integer(n_boot, "n_boot", minimum=0)
    ci = check_level(ci, "ci")
    if n_boot == 1:
        raise AnalysisInputError.about("n_boot", "0 (no intervals) or at least 2 replicates", "1", "Pass e.g. 1000.")
    rng = check_rng(rng)
    columns = [*keys, correct, confidence, *(key or [])]
    if is_dask(table):
        if n_boot and key is None:
            raise AnalysisInputError.about("key", "the columns identifying a row, for the Poisson bootstrap of a "
                                           "Dask table", "None", "Pass e.g. key=['task', 'item'].")
        totals = dask_totals(table, keys, columns, partial_sums, keys, correct, confidence, n_bins,
                             search_grid_sizes())
        rows, sigmas = {}, {}
        for name in sorted(totals):
            t, smoother = totals[name], _Smoother.from_grids(totals[name]["grids"])
            count, score_sum, outcome_sum = t["bins"][:3]
            sigmas[name] = smoother.fixed_point(1e-3)
            rows[name] = {"n": t["n"], "accuracy": outcome_sum.sum() / t["n"],
                          "ece": np.abs(outcome_sum - score_sum).sum() / t["n"],
                          "smooth_ece": smoother.value(sigmas[name]), "brier": t["squared_error"] / t["n"]}
    else:
        check_columns(table, columns, name="table")
        rows, sigmas = {}, {}
        for name, _, c, p in sorted(groups(table, keys, correct, confidence), key=lambda g: g[0]):
            sigmas[name] = smooth_ece_sigma(c, p, mode="positive")
            rows[name] = {"n": len(c), "accuracy": c.mean(), "ece": ece(c, p, n_bins=n_bins, mode="positive"),
                          "smooth_ece": smooth_ece(c, p, sigma=sigmas[name], mode="positive"),
                          "brier": np.mean((p - c) ** 2)}
            if n_boot and key is None:
                rows[name] |= _multinomial_intervals(c, p, n_bins, sigmas[name], n_boot, ci, rng)
    out = pd.DataFrame.from_dict(rows, orient="index")
    if n_boot and key is not None:
        sizes = {name: _Smoother.grid_size(sigma) for name, sigma in sigmas.items()}
        args = (keys, correct, confidence, key, n_bins, seed_from(rng), n_boot, sizes)
        sums = (dask_totals(table, keys, columns, replicate_sums, *args) if is_dask(table)
                else replicate_sums(table, *args))
        out = out.join(poisson_intervals(sums, n_bins, sigmas, ci))
    out.index.names = keys
    return out


def _keys(model) -> list:
    return [model] if isinstance(model, str) else list(model)


def _multinomial_intervals(c, p, n_bins: int, sigma: float, n_boot: int, ci: float, rng) -> dict:
    """``<metric>_low`` and ``_high`` from resampling one model's rows; bins and bandwidth stay the full sample's."""
    intervals = {
        "ece": ece_ci(c, p, n_bins=n_bins, mode="positive", n_boot=n_boot, ci=ci, rng=rng).interval,
        "smooth_ece": metric_ci(smooth_ece, c, p, sigma=sigma, mode="positive", n_boot=n_boot, ci=ci, rng=rng,
                                progress=False).interval,
    }
    both = bootstrap(_accuracy_and_brier, c, p, n_boot=n_boot, ci=ci, weighted=True, rng=rng).interval
    intervals["accuracy"] = ConfidenceInterval(both.low[0], both.high[0], ci)
    intervals["brier"] = ConfidenceInterval(both.low[1], both.high[1], ci)
    return {f"{metric}_{end}": getattr(intervals[metric], end) for metric in METRICS for end in ("low", "high")}


def _bin_totals(table, keys: list, correct: str, confidence: str, n_bins: int) -> dict:
    """Per model: the row count, squared error and bin sums, from a pandas or a Dask table."""
    n_bins = check_integer(n_bins, "n_bins")
    columns = [*keys, correct, confidence]
    if is_dask(table):
        return dask_totals(table, keys, columns, partial_sums, keys, correct, confidence, n_bins, [])
    check_columns(table, columns, name="table")
    return partial_sums(table, keys, correct, confidence, n_bins, [])


def reliability_by_model(table, *, model="model", correct: str = "correct", confidence: str = "confidence",
                         n_bins: int = 15) -> pd.DataFrame:
    """Reliability-diagram data of every model: one row per (model, equal-width bin).

    Takes the table of :func:`by_model` (pandas or Dask). Returns a DataFrame
    indexed by model and ``bin`` with ``count``, ``mean_confidence``,
    ``accuracy`` and ``gap`` as :func:`reliability` gives them (empty bins: count
    0, NaN means).
    """
    keys = _keys(model)
    if not is_dask(table):  # the one-model function on each model's rows
        check_columns(table, [*keys, correct, confidence], name="table")
        frames = {name: reliability(c, p, n_bins=check_integer(n_bins, "n_bins"), mode="positive").set_index("bin")
                  for name, _, c, p in groups(table, keys, correct, confidence)}
        return _stack(frames, keys)
    frames = {}
    for name, t in _bin_totals(table, keys, correct, confidence, n_bins).items():
        count, score_sum, outcome_sum = t["bins"][:3]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_confidence, accuracy = score_sum / count, outcome_sum / count
        frames[name] = pd.DataFrame({"count": count.astype(int), "mean_confidence": mean_confidence,
                                     "accuracy": accuracy, "gap": accuracy - mean_confidence},
                                    index=pd.RangeIndex(len(count), name="bin"))
    return _stack(frames, keys)


def brier_by_model(table, *, model="model", correct: str = "correct", confidence: str = "confidence",
                   n_bins: int = 15) -> pd.DataFrame:
    """Murphy's decomposition of each model's Brier score over equal-width bins (pandas or Dask table).

    Returns a DataFrame indexed by model with the fields of
    :class:`BrierDecomposition`: ``brier = reliability - resolution +
    uncertainty + within_bin_variance - within_bin_covariance``.
    """
    keys = _keys(model)
    if not is_dask(table):
        check_columns(table, [*keys, correct, confidence], name="table")
        rows = {name: dataclasses.asdict(brier_decomposition(c, p, n_bins=check_integer(n_bins, "n_bins")))
                for name, _, c, p in groups(table, keys, correct, confidence)}
    else:
        rows = {name: _murphy(t) for name, t in _bin_totals(table, keys, correct, confidence, n_bins).items()}
    out = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    out.index.names = keys
    return out


def _murphy(t: dict) -> dict:
    """The decomposition from a model's bin sums (count, f, o, f^2, f o per bin)."""
    count, f, o, ff, fo = t["bins"]
    n, full = t["n"], t["bins"][0] > 0
    f_bar, o_bar = f[full] / count[full], o[full] / count[full]
    base, w = o.sum() / n, count[full] / n
    return {"brier": t["squared_error"] / n, "reliability": w @ (f_bar - o_bar) ** 2,
            "resolution": w @ (o_bar - base) ** 2, "uncertainty": base * (1 - base),
            "within_bin_variance": (ff[full] - count[full] * f_bar**2).sum() / n,
            "within_bin_covariance": 2 * (fo[full] - count[full] * f_bar * o_bar).sum() / n}


def _stack(frames: dict, keys: list) -> pd.DataFrame:
    """One table of per-model frames, indexed by the model keys and the frames' own index, models sorted."""
    return pd.concat({name: frames[name] for name in sorted(frames)}, names=[*keys, "bin"])
