"""Vector forms of the most used standard functions: one call for every input set at once.

Each takes the same arguments as its scalar form in :mod:`xlfuncs.engine.library`,
where some are float vectors (one value per input set), and returns a float vector; anything
it cannot do exactly raises :class:`NeedsScalar` and the cell is evaluated input set by input
set instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlfuncs.engine.values import NeedsScalar, Rng, XlErr


def _as_float(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        if v.dtype != float:
            raise NeedsScalar
        return v
    if type(v) is float or type(v) is int:
        return float(v)
    raise NeedsScalar


def _range_matrix(rng: Rng) -> np.ndarray:
    """A range of numbers and numeric vectors as a (cells, S) or (cells,) float array."""
    items = list(rng.cells.ravel())
    width = next((len(v) for v in items if isinstance(v, np.ndarray)), None)
    if width is None:
        raise NeedsScalar
    out = np.empty((len(items), width))
    for i, v in enumerate(items):
        if isinstance(v, np.ndarray):
            if v.dtype != float:
                raise NeedsScalar
            out[i] = v
        elif type(v) is float or type(v) is int:
            out[i] = v
        else:
            raise NeedsScalar  # blanks, text and errors follow the scalar rules
    return out


def v_sum(*args):
    total = 0.0
    for arg in args:
        if isinstance(arg, Rng):
            total = total + _range_matrix(arg).sum(axis=0)
        else:
            total = total + _as_float(arg)
    if not np.all(np.isfinite(total)):
        raise NeedsScalar
    return np.asarray(total, dtype=float)


def v_round(x, digits=0.0):
    values = _as_float(x)
    if isinstance(digits, np.ndarray):
        raise NeedsScalar
    d = int(_as_float(digits))
    factor = 10.0**d
    scaled = np.abs(values) * factor
    # Trim to 15 significant digits as Excel does before rounding half away from zero.
    with np.errstate(all="ignore"):
        magnitude = np.floor(np.log10(np.where(scaled > 0, scaled, 1.0)))
        step = 10.0 ** (magnitude - 14)
        trimmed = np.round(scaled / step) * step
    result = np.copysign(np.floor(trimmed + 0.5) / factor, values)
    if not np.all(np.isfinite(result)):
        raise NeedsScalar
    return result


def _extreme(reducer):
    def apply(*args):
        parts = []
        for arg in args:
            if isinstance(arg, Rng):
                parts.append(_range_matrix(arg))
            else:
                parts.append(np.atleast_2d(_as_float(arg)))
        width = max(p.shape[-1] for p in parts)
        stacked = np.vstack([np.broadcast_to(p, (p.shape[0], width)) for p in parts])
        return reducer(stacked, axis=0)

    return apply


def v_if(condition, when_true=True, when_false=False):
    if not isinstance(condition, np.ndarray):
        raise NeedsScalar
    test = np.array([bool(c) if type(c) in (bool, np.bool_) or isinstance(c, float | int) else None for c in condition], dtype=object)
    if any(t is None for t in test):
        raise NeedsScalar
    a, b = _as_float(0.0 if when_true is None else when_true), _as_float(0.0 if when_false is None else when_false)
    return np.where(test.astype(bool), a, b).astype(float)


def v_npv(rate, *values):
    r = _as_float(rate)
    flows = []
    for arg in values:
        if isinstance(arg, Rng):
            flows.extend(_range_matrix(arg))
        else:
            flows.append(_as_float(arg))
    total = 0.0
    with np.errstate(all="ignore"):
        for i, flow in enumerate(flows):
            total = total + flow / (1 + r) ** (i + 1)
    total = np.asarray(total, dtype=float)
    if not np.all(np.isfinite(total)):
        raise NeedsScalar
    return total


def v_rank(number, ref, order=0.0):
    x = _as_float(number)
    if not isinstance(ref, Rng) or isinstance(order, np.ndarray):
        raise NeedsScalar
    matrix = _range_matrix(ref)
    if matrix.ndim == 1:
        raise NeedsScalar
    present = np.any(matrix == x, axis=0)
    if not np.all(present):
        raise NeedsScalar  # #N/A for some input sets
    if _as_float(order):
        return 1.0 + np.sum(matrix < x, axis=0)
    return 1.0 + np.sum(matrix > x, axis=0)


def v_abs(x):
    return np.abs(_as_float(x))


def v_iferror(value, fallback):
    if isinstance(value, np.ndarray) and value.dtype == float:
        return value
    if isinstance(value, np.ndarray) and all(type(v) is not XlErr for v in value):
        return value
    raise NeedsScalar


def _lookup_key(v: Any) -> Any:
    if type(v) is str:
        return ("s", v.lower())
    if type(v) is float or type(v) is int:
        return ("n", float(v))
    if type(v) is bool:
        return ("b", v)
    return None


def v_match(value, rng, kind=1.0):
    """MATCH with a vector of lookup values: exact matches (type 0) only, through one index."""
    if not isinstance(value, np.ndarray) or not isinstance(rng, Rng) or rng.has_vectors:
        raise NeedsScalar
    if isinstance(kind, np.ndarray) or kind is None or _as_float(kind) != 0:
        raise NeedsScalar
    if rng.shape[0] > 1 and rng.shape[1] > 1:
        raise NeedsScalar
    first: dict[Any, int] = {}
    for position, item in enumerate(rng.cells.ravel()):
        key = _lookup_key(item)
        if key is not None and key not in first:
            first[key] = position + 1
    out = np.empty(len(value))
    for i, v in enumerate(value):
        if type(v) is str and any(ch in v for ch in "*?~"):
            raise NeedsScalar  # wildcards follow the scalar rules
        key = _lookup_key(v)
        if key is None or key not in first:
            raise NeedsScalar  # #N/A or an error for some input sets
        out[i] = first[key]
    return out


def v_index(rng, row=0.0, column=None):
    """INDEX into a range that is the same for every input set, at a vector of positions."""
    if not isinstance(rng, Rng) or rng.has_vectors or isinstance(column, np.ndarray):
        raise NeedsScalar
    rows = _as_float(row)
    if not isinstance(rows, np.ndarray):
        raise NeedsScalar
    height, width = rng.shape
    if column is None and height == 1:
        cells, positions = rng.cells[0, :], rows
    else:
        col = 1 if column is None else int(_as_float(column))
        if col < 1 or col > width or (column is None and width > 1):
            raise NeedsScalar
        cells, positions = rng.cells[:, col - 1], rows
    if np.any(positions < 1) or np.any(positions > len(cells)) or np.any(positions != np.floor(positions)):
        raise NeedsScalar
    picked = cells[positions.astype(int) - 1]
    if all(type(v) is float or type(v) is int for v in picked):
        return picked.astype(float)
    if any(v is None or isinstance(v, np.ndarray) for v in picked):
        raise NeedsScalar
    return picked


VECTOR_FUNCTIONS = {
    "MATCH": v_match,
    "INDEX": v_index,
    "SUM": v_sum,
    "ROUND": v_round,
    "MIN": _extreme(np.min),
    "MAX": _extreme(np.max),
    "IF": v_if,
    "NPV": v_npv,
    "RANK": v_rank,
    "RANK.EQ": v_rank,
    "ABS": v_abs,
    "IFERROR": v_iferror,
}
