"""Rows of booleans as bits in 64-bit words, for set operations (AND, OR, equality) a word at a time."""

from __future__ import annotations

import numpy as np


def as_words(packed: np.ndarray) -> np.ndarray:
    """Packed bytes (m, b) as uint64 words (m, ceil(b / 8)), zero-padded."""
    words = np.zeros((len(packed), -(-packed.shape[1] // 8) * 8), dtype=np.uint8)
    words[:, :packed.shape[1]] = packed
    return words.view(np.uint64)


def pack_rows(bits: np.ndarray) -> np.ndarray:
    """Rows of a bool matrix (m, u) as bits in uint64 words (m, ceil(u / 64)), little-endian."""
    return as_words(np.packbits(bits, axis=1, bitorder="little"))


def unpack_rows(words: np.ndarray, u: int) -> np.ndarray:
    """The bool matrix (m, u) of packed rows."""
    return np.unpackbits(words.view(np.uint8), axis=1, count=u, bitorder="little").view(bool)
