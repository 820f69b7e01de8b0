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

import numpy as np
import pandas as pd
from scipy import sparse

from .._poisson import poisson_weights, row_keys, seed_from
from .._resample import bootstrap, percentile_interval
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
from .binning import uniform_binner
from .metrics import _bin_sums, _ece_from_sums, ece, ece_ci, metric_ci
from .selective import top_label
from .smooth import _Smoother, search_grid_sizes, smooth_ece, smooth_ece_sigma, spread_positions

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
    keys = [model] if isinstance(model, str) else list(model)
    key = None if key is None else [key] if isinstance(key, str) else list(key)
    n_bins = check_integer(n_bins, "n_bins")
    n_boot = check_integer(n_boot, "n_boot", minimum=0)
    ci = check_level(ci, "ci")
    if n_boot == 1:
        raise AnalysisInputError.about("n_boot", "0 (no intervals) or at least 2 replicates", "1", "Pass e.g. 1000.")
    rng = check_rng(rng)
    if _is_dask(table):
        return _by_model_dask(table, keys, correct, confidence, n_bins, n_boot, ci, key, rng)
    check_columns(table, [*keys, correct, confidence, *(key or [])], name="table")
    _check_names(table, keys)
    rows, sigmas = {}, {}
    for name, group in table.groupby(keys[0] if len(keys) == 1 else keys, sort=True):
        c = check_labels(group[correct].to_numpy(), correct, n_classes=2).astype(float)
        p = check_probabilities(group[confidence].to_numpy(), confidence, ndim=1)
        sigmas[name] = smooth_ece_sigma(c, p, mode="positive")
        row = {"n": len(c), "accuracy": c.mean(), "ece": ece(c, p, n_bins=n_bins, mode="positive"),
               "smooth_ece": smooth_ece(c, p, sigma=sigmas[name], mode="positive"), "brier": np.mean((p - c) ** 2)}
        if n_boot and key is None:  # bins and bandwidth stay those of the full sample, as in ece_ci
            intervals = {
                "ece": ece_ci(c, p, n_bins=n_bins, mode="positive", n_boot=n_boot, ci=ci, rng=rng).interval,
                "smooth_ece": metric_ci(smooth_ece, c, p, sigma=sigmas[name], mode="positive", n_boot=n_boot,
                                        ci=ci, rng=rng, progress=False).interval,
            }
            both = bootstrap(_accuracy_and_brier, c, p, n_boot=n_boot, ci=ci, weighted=True, rng=rng).interval
            intervals["accuracy"] = ConfidenceInterval(both.low[0], both.high[0], ci)
            intervals["brier"] = ConfidenceInterval(both.low[1], both.high[1], ci)
            for metric in METRICS:
                row[f"{metric}_low"], row[f"{metric}_high"] = intervals[metric].low, intervals[metric].high
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    if n_boot and key is not None:
        sums = _replicate_sums(table, keys, correct, confidence, key, n_bins, seed_from(rng), n_boot,
                               {name: _Smoother.grid_size(sigma) for name, sigma in sigmas.items()})
        out = out.join(_poisson_intervals(sums, n_bins, sigmas, ci))
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


def _by_model_dask(table, keys: list, correct: str, confidence: str, n_bins: int, n_boot: int, ci: float,
                   key: list | None, rng) -> pd.DataFrame:
    import dask

    missing = [c for c in (*keys, correct, confidence, *(key or [])) if c not in table.columns]
    if missing:
        raise AnalysisInputError.about("table", f"columns {[*keys, correct, confidence, *(key or [])]}",
                                       f"no column {missing}",
                                       "Name the columns with model=, correct=, confidence= and key=.")
    if n_boot and key is None:
        raise AnalysisInputError.about("key", "the columns identifying a row, for the Poisson bootstrap of a Dask "
                                       "table", "None", "Pass e.g. key=['task', 'item'].")
    sizes = search_grid_sizes()
    parts = table[list(dict.fromkeys([*keys, correct, confidence, *(key or [])]))].to_delayed()
    totals = _merge(dask.compute(*[dask.delayed(_partial_sums)(part, keys, correct, confidence, n_bins, sizes)
                                   for part in parts]))
    rows, sigmas = {}, {}
    for name in sorted(totals):
        t = totals[name]
        count, score_sum, outcome_sum = t["bins"]
        smoother = _Smoother.from_grids(t["grids"])
        sigmas[name] = smoother.fixed_point(1e-3)
        rows[name] = {"n": t["n"], "accuracy": t["correct"] / t["n"],
                      "ece": float(_ece_from_sums(count, outcome_sum - score_sum, outcome_sum, "l1", False)),
                      "smooth_ece": smoother.value(sigmas[name]), "brier": t["squared_error"] / t["n"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    if n_boot:
        grid = {name: _Smoother.grid_size(sigma) for name, sigma in sigmas.items()}
        seed = seed_from(rng)
        sums = _merge(dask.compute(*[dask.delayed(_replicate_sums)(part, keys, correct, confidence, key, n_bins,
                                                                   seed, n_boot, grid) for part in parts]))
        out = out.join(_poisson_intervals(sums, n_bins, sigmas, ci))
    out.index.names = keys
    return out


def _merge(partials) -> dict:
    """Per-group sums of every partition added up (nested dicts and tuples of arrays)."""
    def add(a, b):
        if isinstance(a, dict):
            return {k: add(a[k], b[k]) for k in a}
        if isinstance(a, tuple):
            return tuple(add(x, y) for x, y in zip(a, b, strict=True))
        return a + b

    totals: dict = {}
    for partial in partials:
        for name, sums in partial.items():
            totals[name] = add(totals[name], sums) if name in totals else sums
    return totals


# --- the Poisson bootstrap: per-partition sums of weighted rows ------------------------------------------------------

_BLOCK_WEIGHTS = 2**21  # rows x replicates weighted at once (16 MB of float64)


def _features(c: np.ndarray, p: np.ndarray, n_bins: int, size: int) -> sparse.csc_array:
    """Each row's contributions to the additive statistics, shape ``(3 n_bins + 1 + 2 size, n)``.

    Rows of the result: per-bin counts, outcome sums and score sums; the
    squared error; the residual and the mass spread onto the smoothing grid.
    """
    n = len(c)
    bins = uniform_binner(n_bins)(p)
    left, frac = spread_positions(p, size)
    r = p - c
    grid = 3 * n_bins + 1
    rows = np.stack([bins, n_bins + bins, 2 * n_bins + bins, np.full(n, 3 * n_bins),
                     grid + left, grid + left + 1, grid + size + left, grid + size + left + 1], axis=1)
    values = np.stack([np.ones(n), c, p, r * r, r - frac * r, frac * r, 1 - frac, frac], axis=1)
    return sparse.csc_array((values.ravel(), rows.ravel(), np.arange(0, 8 * n + 1, 8)),
                            shape=(grid + 2 * size, n))


def _replicate_sums(part: pd.DataFrame, keys: list, correct: str, confidence: str, key: list, n_bins: int,
                    seed, n_boot: int, sizes: dict) -> dict:
    """Per group of one partition: the additive statistics under each replicate's weights, ``(features, n_boot)``."""
    _check_names(part, keys)
    out = {}
    block = max(1, _BLOCK_WEIGHTS // n_boot)
    for name, group in part.groupby(keys[0] if len(keys) == 1 else keys, sort=False):
        c = check_labels(group[correct].to_numpy(), correct, n_classes=2).astype(float)
        p = check_probabilities(group[confidence].to_numpy(), confidence, ndim=1)
        features, row_key = _features(c, p, n_bins, sizes[name]), row_keys(group, key)
        total = np.zeros((features.shape[0], n_boot))
        for a in range(0, len(c), block):
            total += features[:, a : a + block] @ poisson_weights(row_key[a : a + block], seed, n_boot).astype(float)
        out[name] = total
    return out


def _poisson_intervals(sums: dict, n_bins: int, sigmas: dict, ci: float) -> pd.DataFrame:
    """Percentile intervals of each metric over the replicates, from the merged replicate sums."""
    rows = {}
    for name, s in sums.items():
        count, outcome, score, squared = s[:n_bins], s[n_bins : 2 * n_bins], s[2 * n_bins : 3 * n_bins], s[3 * n_bins]
        residual, mass = np.split(s[3 * n_bins + 1 :], 2)
        drawn = count.sum(axis=0) > 0
        n = count.sum(axis=0)[drawn]
        size = residual.shape[0]
        smooth = [_Smoother.from_grids({size: (residual[:, b], mass[:, b])}).value(sigmas[name])
                  for b in np.flatnonzero(drawn)]
        replicates = np.column_stack([outcome.sum(axis=0)[drawn] / n,
                                      np.abs(outcome - score).sum(axis=0)[drawn] / n, smooth, squared[drawn] / n])
        interval = percentile_interval(replicates, ci=ci)
        rows[name] = {f"{metric}_{end}": getattr(interval, end)[k]
                      for k, metric in enumerate(METRICS) for end in ("low", "high")}
    return pd.DataFrame.from_dict(rows, orient="index")
