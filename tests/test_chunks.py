import functools

import numpy as np
import pytest

from analysis import _chunks
from analysis._chunks import BLOCK, CHUNK, chunked_sum
from analysis.calibration import ece, reliability


def test_chunked_sum_is_exact_for_counts_and_covers_every_element():
    n = 2 * BLOCK + 12_345
    idx = np.random.default_rng(0).integers(0, 7, n)
    seen = []

    def count(a, b):
        seen.append((a, b))
        return np.bincount(idx[a:b], minlength=7)

    np.testing.assert_array_equal(chunked_sum(count, n), np.bincount(idx, minlength=7))
    assert sorted(seen)[0][0] == 0 and sum(b - a for a, b in seen) == n
    assert max(b - a for a, b in seen) == CHUNK
    assert chunked_sum(lambda a, b: np.full(3, b - a), 0).tolist() == [0, 0, 0]


def test_float_sums_do_not_depend_on_the_number_of_threads(monkeypatch):
    """Blocks are fixed and added in order: one thread gives the same bits as several."""
    n = 3 * BLOCK + 1
    w = np.random.default_rng(1).normal(size=n)
    several = chunked_sum(lambda a, b: np.array([w[a:b].sum()]), n)
    monkeypatch.setattr(_chunks, "_pool", functools.cache(lambda: _chunks.ThreadPoolExecutor(max_workers=1)))
    assert chunked_sum(lambda a, b: np.array([w[a:b].sum()]), n)[0] == several[0]
    assert several[0] == pytest.approx(w.sum(), rel=1e-12)


def test_binned_metrics_over_several_blocks_equal_one_pass():
    rng = np.random.default_rng(2)
    p = rng.uniform(size=BLOCK + 3 * CHUNK + 7)
    y = (rng.uniform(size=p.size) < p).astype(int)
    bins = np.minimum((p * 15).astype(int), 14)  # no score lies on an edge here
    count = np.bincount(bins, minlength=15)
    gap = np.bincount(bins, weights=y - p, minlength=15)
    assert ece(y, p, n_bins=15, mode="positive") == pytest.approx(np.abs(gap).sum() / p.size, rel=1e-12)
    table = reliability(y, p, n_bins=15, mode="positive")
    np.testing.assert_array_equal(table["count"], count)
    np.testing.assert_allclose(table["accuracy"], np.bincount(bins, weights=y, minlength=15) / count, rtol=1e-12)
