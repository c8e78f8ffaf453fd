"""Membership tests of short codes and integer keys at the sizes of a council's return.

``np.isin`` sorts; the reader asks the same few questions (is this PLACE a code of the guide?
is this child in the header?) of every row, so :func:`member` answers them by lookup: codes of
up to eight bytes packed into one integer each (:func:`pack`, once per column), then a bucket
per reference value, or a binary search where buckets would collide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Packed", "member", "pack", "packed_codes"]


def packed_codes(values: np.ndarray) -> np.ndarray:
    """Short byte strings (up to 8 bytes) as unsigned integers, equal where they are equal."""
    n, width = values.size, values.dtype.itemsize
    chars = np.zeros((n, 8), dtype=np.uint8)
    chars[:, :width] = values.view(np.uint8).reshape(n, width)
    return chars.view(np.uint64).ravel()


@dataclass(frozen=True)
class Packed:
    """Short codes (bytes) packed into integers once, for several :func:`member` tests."""

    values: np.ndarray

    def __getitem__(self, index) -> Packed:
        return Packed(self.values[index])


def pack(values: np.ndarray) -> Packed | np.ndarray:
    """Codes (bytes) packed for :func:`member`; codes longer than 8 bytes left as they are."""
    if values.dtype.kind == "S" and values.dtype.itemsize <= 8:
        return Packed(packed_codes(values))
    return values


_BUCKETS = 1 << 16  # short codes packed as integers, folded to 16 bits, fall in distinct buckets


def _bucket(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.uint64, copy=False)
    return ((values ^ (values >> np.uint64(13)) ^ (values >> np.uint64(29)))
            & np.uint64(_BUCKETS - 1)).astype(np.intp)


def _in_sorted(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Whether each value is one of the (few) reference values."""
    table = np.unique(reference)
    if table.size == 0 or values.size == 0:
        return np.zeros(values.shape, dtype=bool)
    if values.dtype.kind == "u" and table.size <= 256:
        # A bucket per reference value: two gathers per value instead of a binary search.
        buckets = _bucket(table)
        if np.unique(buckets).size == table.size:
            slot = np.full(_BUCKETS, table.size, dtype=np.intp)
            slot[buckets] = np.arange(table.size)
            padded = np.append(table, table.dtype.type(0))
            found = slot[_bucket(values)]
            return (found < table.size) & (padded[found] == values)
    position = np.minimum(np.searchsorted(table, values), table.size - 1)
    return table[position] == values


def member(values, reference) -> np.ndarray:
    """``np.isin(values, reference)`` for integer keys or short codes (bytes, or
    :func:`pack`-ed), by binary search in the few reference values: several times faster than
    ``np.isin`` on the return's sizes."""
    if isinstance(values, Packed):
        return _in_sorted(values.values, packed_codes(np.asarray(list(reference), dtype="S")))
    values = np.asarray(values)
    if values.dtype.kind == "S":
        codes = np.asarray(list(reference), dtype="S")
        if values.dtype.itemsize > 8:
            return np.isin(values, codes)
        return _in_sorted(packed_codes(values), packed_codes(codes))
    return _in_sorted(values, np.asarray(reference, dtype=values.dtype))


