"""Work over long arrays in cache-sized chunks, with blocks of chunks on a few threads.

numpy releases the GIL inside its loops, so blocks run in parallel. The blocks
are fixed (``BLOCK`` elements each, whatever the number of threads) and their
sums are added in order, so results do not depend on the machine.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

CHUNK = 2**17  # elements per numpy pass: few enough passes that threads rarely wait on the GIL
BLOCK = 2**18  # elements per thread task


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="analysis-chunks")


def thread_map(func: Callable, items) -> list:
    """``[func(item) for item in items]``, run on the shared threads (``func`` must not modify shared state)."""
    return list(_pool().map(func, items))


def _block_sum(func: Callable, start: int, stop: int):
    total = func(start, min(start + CHUNK, stop))
    for i in range(start + CHUNK, stop, CHUNK):
        total += func(i, min(i + CHUNK, stop))
    return total


def chunked_sum(func: Callable[[int, int], object], n: int):
    """``func(start, stop)`` summed over consecutive chunks of ``range(n)``; ``func(0, 0)`` when ``n`` is 0.

    ``func`` returns arrays of one shape (or numbers) and must not modify
    shared state: blocks of chunks run on threads.
    """
    if n <= BLOCK:
        return _block_sum(func, 0, n)
    sums = _pool().map(lambda start: _block_sum(func, start, min(start + BLOCK, n)), range(0, n, BLOCK))
    return functools.reduce(lambda a, b: a + b, sums)
