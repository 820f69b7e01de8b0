"""Calibration sums of a table, partition by partition: what a Dask DataFrame's metrics are computed from.

Every per-model quantity of :mod:`.summary` is a function of additive sums:
counts, per-bin sums of the confidence ``f``, the outcome ``o``, ``f^2`` and
``f o``, the squared error, and the residuals and masses spread onto the
smooth ECE's grids. Each partition's sums are computed where it lives (a
``dask.distributed`` worker, when a client is active) and added up in a
pairwise tree of Dask tasks, so only the total reaches the client.
Under the Poisson bootstrap (:mod:`analysis._poisson`) the same sums are
weighted by each replicate's draws, which also add up over partitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from .._poisson import PoissonWeights, row_keys
from .._resample import percentile_interval
from .._validation import check_columns, check_labels, check_probabilities
from ..errors import AnalysisInputError
from .binning import uniform_binner
from .smooth import _Smoother, spread_positions

METRICS = ("accuracy", "ece", "smooth_ece", "brier")
BIN_SUMS = ("count", "confidence", "outcome", "confidence_squared", "confidence_outcome")
_BLOCK_WEIGHTS = 2**21  # rows x replicates weighted at once (16 MB of float64)


def check_names(table: pd.DataFrame, keys: list) -> None:
    """Refuse rows without a model name: groupby would drop them silently."""
    if table[keys].isna().any().any():
        raise AnalysisInputError.about("table", f"a name in {keys} on every row", "missing names",
                                       "Fill or drop the rows without a model name.")


def groups(part: pd.DataFrame, keys: list, correct: str, confidence: str):
    """``(name, outcomes, confidences)`` per model of one partition, checked."""
    check_names(part, keys)
    for name, group in part.groupby(keys[0] if len(keys) == 1 else keys, sort=False):
        c = check_labels(group[correct].to_numpy(), correct, n_classes=2).astype(float)
        yield name, group, c, check_probabilities(group[confidence].to_numpy(), confidence, ndim=1)


def bin_sums(c: np.ndarray, p: np.ndarray, n_bins: int) -> np.ndarray:
    """The :data:`BIN_SUMS` of equal-width bins, shape ``(5, n_bins)``."""
    bins = uniform_binner(n_bins)(p)
    return np.stack([np.bincount(bins, weights=w, minlength=n_bins) for w in (np.ones_like(p), p, c, p * p, p * c)])


def partial_sums(part: pd.DataFrame, keys: list, correct: str, confidence: str, n_bins: int, sizes: list) -> dict:
    """Per model of one partition: the row count, squared error, bin sums and smoothing spreads."""
    out = {}
    for name, _, c, p in groups(part, keys, correct, confidence):
        smoother = _Smoother(p, c)
        out[name] = {"n": len(c), "squared_error": np.sum((p - c) ** 2), "bins": bin_sums(c, p, n_bins),
                     "grids": {size: smoother._spread(size) for size in sizes}}
    return out


def merge(partials) -> dict:
    """Per-model sums of every partition added up (nested dicts and tuples of arrays)."""
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


def dask_totals(table, keys: list, columns: list, func, *args) -> dict:
    """``func(partition, *args)`` on every partition of a Dask table, merged; its columns checked first."""
    import dask

    check_columns(table, columns, name="table")
    partials = [dask.delayed(func)(part, *args) for part in table[list(dict.fromkeys(columns))].to_delayed()]
    while len(partials) > 1:  # added pairwise where they were computed: one total reaches the client
        partials = [dask.delayed(merge)(partials[i : i + 2]) for i in range(0, len(partials), 2)]
    return dask.compute(partials[0])[0]


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


def replicate_sums(part: pd.DataFrame, keys: list, correct: str, confidence: str, key: list, n_bins: int,
                   seed, n_boot: int, sizes: dict) -> dict:
    """Per model of one partition: the additive statistics under each replicate's weights, ``(features, n_boot)``."""
    out = {}
    block = max(1, _BLOCK_WEIGHTS // n_boot)
    weights = PoissonWeights(seed, n_boot, block)
    for name, group, c, p in groups(part, keys, correct, confidence):
        features, row_key = _features(c, p, n_bins, sizes[name]), row_keys(group, key)
        total = np.zeros((features.shape[0], n_boot))
        for a in range(0, len(c), block):
            total += features[:, a : a + block] @ weights(row_key[a : a + block])
        out[name] = total
    return out


def poisson_intervals(sums: dict, n_bins: int, sigmas: dict, ci: float) -> pd.DataFrame:
    """Percentile intervals of each of :data:`METRICS` over the replicates, from the merged replicate sums.

    A replicate without rows of a model (probability e^-n) has no estimate and is left out.
    """
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
