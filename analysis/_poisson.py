"""The Poisson bootstrap: replicate weights that follow a row's key, not its position.

In replicate ``b`` every row is drawn an independent Poisson(1) number of times.
The count is a function of the seed, the row's key and ``b`` alone (a
counter-based generator: SplitMix64's finaliser over the key and the
replicate's counter, inverted to Poisson(1) from 32 of its bits, truncated at
12 draws, a tail of probability 1.6e-10). So a table cut into any partitions,
in any order, on any number of workers, gets the same replicates, and per-partition
sums of weighted rows merge into the replicates of the whole table.

How it differs from the multinomial bootstrap (:func:`analysis.bootstrap`):
there every replicate has exactly ``n`` rows; here its size is Poisson(n)
and rows are drawn independently. For statistics that are smooth functions of
means (accuracy, Brier score, binned ECE) the two agree to first order as
``n`` grows, with intervals that differ by O(1/sqrt(n)) relative (Hanley &
MacGibbon 2006, 'Creating non-parametric bootstrap samples using Poisson
frequencies'; Chamandy et al. 2012, 'Estimating uncertainty for massive data
streams'). They part on tiny samples, where a Poisson replicate can even be
empty (probability e^-n).

Rows that share a key share their weights: a key of item columns without
the model gives paired replicates across models, and a cluster column gives
the cluster bootstrap.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._validation import check_rng

__all__ = ["PoissonWeights", "row_keys", "seed_from"]

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MAX_DRAWS = 12
# P(X <= k) for X ~ Poisson(1), k = 0..11, as thresholds on 32-bit uniforms: X = #{thresholds <= u}
_THRESHOLDS = np.array([math.floor(sum(math.exp(-1) / math.factorial(j) for j in range(k + 1)) * 2**32)
                        for k in range(_MAX_DRAWS)], dtype=np.uint32)


def _mix(z: np.ndarray, scratch: np.ndarray | None = None) -> np.ndarray:
    """SplitMix64's finaliser (Steele, Lea & Flood 2014), elementwise on uint64, in place (``scratch``: same shape)."""
    scratch = np.empty_like(z) if scratch is None else scratch
    for shift, multiplier in ((30, _MIX1), (27, _MIX2), (31, None)):
        np.right_shift(z, np.uint64(shift), out=scratch)
        np.bitwise_xor(z, scratch, out=z)
        if multiplier is not None:
            np.multiply(z, multiplier, out=z)
    return z


def seed_from(rng) -> np.uint64:
    """The 64-bit key of a run's replicates, drawn from ``rng`` (None, int or Generator)."""
    return np.uint64(check_rng(rng).integers(0, 2**63))


def row_keys(frame: pd.DataFrame, columns: list) -> np.ndarray:
    """A stable uint64 key per row from the values in ``columns`` (the same under any dtype of equal values)."""
    return pd.util.hash_pandas_object(frame[columns], index=False).to_numpy(dtype=np.uint64)


class PoissonWeights:
    """Poisson(1) draws for blocks of up to ``block`` rows, ``(rows, n_boot)`` float64, in buffers reused across calls.

    Each 64-bit hash of (seed, key, pair of replicates) gives two replicates' draws.

    Reuse matters where the allocator hands every large array fresh pages
    (dask.distributed's workers set ``MALLOC_TRIM_THRESHOLD_``): there, new
    arrays per block cost more than the arithmetic. The returned array is
    overwritten by the next call.
    """

    def __init__(self, seed: np.uint64, n_boot: int, block: int):
        self.n_boot, pairs = n_boot, (n_boot + 1) // 2
        self.counters = (np.arange(1, pairs + 1, dtype=np.uint64) * _GOLDEN) ^ _mix(np.array([seed], dtype=np.uint64))
        self.bits, self.scratch = np.empty((block, pairs), np.uint64), np.empty((block, pairs), np.uint64)
        self.above = np.empty((block, n_boot), bool)
        self.draws, self.weights = np.empty((block, n_boot), np.uint8), np.empty((block, n_boot))

    def __call__(self, keys: np.ndarray) -> np.ndarray:
        n = len(keys)
        bits, scratch, above, draws = self.bits[:n], self.scratch[:n], self.above[:n], self.draws[:n]
        np.bitwise_xor(keys.astype(np.uint64)[:, None], self.counters[None, :], out=bits)
        _mix(bits, scratch)
        uniforms = bits.view(np.uint32)[:, : self.n_boot]
        draws.fill(0)
        for threshold in _THRESHOLDS:
            np.greater_equal(uniforms, threshold, out=above)
            np.add(draws, above, out=draws)
        np.copyto(self.weights[:n], draws)
        return self.weights[:n]
