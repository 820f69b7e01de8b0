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

__all__ = ["poisson_weights", "row_keys", "seed_from"]

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MAX_DRAWS = 12
# P(X <= k) for X ~ Poisson(1), k = 0..11, as thresholds on 32-bit uniforms: X = #{thresholds <= u}
_THRESHOLDS = np.array([math.floor(sum(math.exp(-1) / math.factorial(j) for j in range(k + 1)) * 2**32)
                        for k in range(_MAX_DRAWS)], dtype=np.uint32)


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (Steele, Lea & Flood 2014), elementwise on uint64, in place."""
    z ^= z >> np.uint64(30)
    z *= _MIX1
    z ^= z >> np.uint64(27)
    z *= _MIX2
    z ^= z >> np.uint64(31)
    return z


def seed_from(rng) -> np.uint64:
    """The 64-bit key of a run's replicates, drawn from ``rng`` (None, int or Generator)."""
    return np.uint64(check_rng(rng).integers(0, 2**63))


def row_keys(frame: pd.DataFrame, columns: list) -> np.ndarray:
    """A stable uint64 key per row from the values in ``columns`` (the same under any dtype of equal values)."""
    return pd.util.hash_pandas_object(frame[columns], index=False).to_numpy(dtype=np.uint64)


def poisson_weights(keys: np.ndarray, seed: np.uint64, n_boot: int) -> np.ndarray:
    """Poisson(1) draws per row and replicate, shape ``(len(keys), n_boot)`` (uint8).

    Each 64-bit hash of (seed, key, pair of replicates) gives two replicates' draws.
    """
    pairs = (n_boot + 1) // 2
    counters = (np.arange(1, pairs + 1, dtype=np.uint64) * _GOLDEN) ^ _mix(np.array([seed], dtype=np.uint64))
    with np.errstate(over="ignore"):
        bits = _mix(keys.astype(np.uint64)[:, None] ^ counters[None, :])
    uniforms = bits.view(np.uint32).reshape(len(keys), 2 * pairs)[:, :n_boot]
    draws = np.zeros(uniforms.shape, dtype=np.uint8)
    for threshold in _THRESHOLDS:
        draws += uniforms >= threshold
    return draws
