"""Excel's Lookup & Reference functions: CHOOSE, ROWS, COLUMNS, MATCH, INDEX, VLOOKUP,
HLOOKUP, TRANSPOSE.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlfuncs.engine.library.arguments import FUNCTIONS, excel
from xlfuncs.engine.library.criteria import criterion_test
from xlfuncs.engine.values import (
    NA,
    VALUE,
    Rng,
    XlErr,
    compare,
    scalar,
    to_bool,
    to_number,
)
from xlfuncs.engine.values import (
    REF as REF_ERROR,
)


@excel("CHOOSE")
def f_choose(index, *options):
    i = to_number(scalar(index))
    if type(i) is XlErr:
        return i
    i = int(i)
    if i < 1 or i > len(options):
        return VALUE
    return options[i - 1]

@excel("ROWS")
def f_rows(rng):
    return float(rng.shape[0]) if isinstance(rng, Rng) else 1.0


@excel("COLUMNS")
def f_columns(rng):
    return float(rng.shape[1]) if isinstance(rng, Rng) else 1.0

def _kind(v: Any) -> int:
    t = type(v)
    return 1 if t is str else 2 if t is bool else 0


def _exact_key(v: Any) -> Any:
    t = type(v)
    if t is str:
        return (1, v.lower())
    if t is bool:
        return (2, v)
    if t is float or t is int:
        return (0, float(v))
    return None


def _exact_position(value: Any, rng: Rng, axis: str, items) -> int | XlErr:
    """An exact match's first position through an index of the range (built once per range and
    evaluation: a column of VLOOKUPs over one table reads it once)."""
    if type(value) is str and any(ch in value for ch in "*?~"):
        return _match_position(value, list(items), 0)
    if rng.lookups is None:
        rng.lookups = {}
    index = rng.lookups.get(axis)
    if index is None:
        index = {}
        for i, v in enumerate(items):
            key = _exact_key(v)
            if key is not None and key not in index:
                index[key] = i
        rng.lookups[axis] = index
    key = _exact_key(value)
    found = index.get(key) if key is not None else None
    return NA if found is None else found


def _match_position(value: Any, items: list[Any], kind: int) -> int | XlErr:
    if kind == 0:
        if type(value) is str and any(ch in value for ch in "*?"):
            test = criterion_test(value)
            for i, v in enumerate(items):
                if test(v):
                    return i
            return NA
        for i, v in enumerate(items):
            if v is not None and type(v) is not XlErr and compare(v, value) == 0:
                if (type(v) is str) == (type(value) is str):
                    return i
        return NA
    best: int | XlErr = NA
    wanted = _kind(value)
    for i, v in enumerate(items):
        if v is None or type(v) is XlErr or _kind(v) != wanted:
            continue  # an approximate search compares numbers, text and logicals only among their own
        c = compare(v, value)
        assert type(c) is not XlErr  # v is no error (skipped above), nor is value (callers check)
        if kind > 0:
            if c <= 0:
                best = i
            else:
                break
        else:
            if c >= 0:
                best = i
            else:
                break
    return best


@excel("MATCH")
def f_match(value, rng, kind=1.0):
    value = scalar(value)
    if type(value) is XlErr:
        return value
    if not isinstance(rng, Rng) or (rng.shape[0] > 1 and rng.shape[1] > 1):
        return NA
    k = to_number(scalar(kind))
    if type(k) is XlErr:
        return k
    kind = int(np.sign(k))
    if kind == 0:
        position = _exact_position(value, rng, "flat", rng.cells.ravel())
    else:
        position = _match_position(value, list(rng.cells.ravel()), kind)
    return position if type(position) is XlErr else float(position + 1)


@excel("INDEX")
def f_index(rng, row=0.0, column=None):
    if not isinstance(rng, Rng):
        return scalar(rng) if row in (0.0, 1.0) else VALUE
    r = to_number(scalar(row)) if row is not None else 0.0
    c = to_number(scalar(column)) if column is not None else 0.0
    if type(r) is XlErr:
        return r
    if type(c) is XlErr:
        return c
    r, c = int(r), int(c)
    rows, cols = rng.shape
    if rows == 1 and column is None:
        r, c = 1, r  # INDEX(row_range, n) reads along the row
    if r < 0 or c < 0:
        return VALUE
    if r > rows or c > cols:
        return REF_ERROR
    if r == 0 and c == 0:
        return rng
    if r == 0:
        return _part(rng, 0, c - 1, rows, 1)
    if c == 0:
        if cols == 1:
            return _part(rng, r - 1, 0, 1, 1)
        return _part(rng, r - 1, 0, 1, cols)
    return _part(rng, r - 1, c - 1, 1, 1)


def _part(rng: Rng, i: int, j: int, rows: int, cols: int) -> Rng:
    """Rows and columns of a range, still a reference (so A1:INDEX(...) and ROW(INDEX(...))
    work) when the range is one."""
    origin = None
    if rng.origin is not None:
        sheet, r1, c1 = rng.origin
        origin = (sheet, r1 + i, c1 + j)
    cells = np.empty((rows, cols), dtype=object)
    for a in range(rows):
        for b in range(cols):
            cells[a, b] = rng.at(i + a, j + b)
    return Rng(cells, origin=origin)


def _lookup(value, table, index, approximate, by_rows: bool):
    value = scalar(value)
    if type(value) is XlErr:
        return value
    if not isinstance(table, Rng):
        return NA
    i = to_number(scalar(index))
    if type(i) is XlErr:
        return i
    i = int(i)
    cells = table.cells if by_rows else table.cells.T
    if i < 1:
        return VALUE
    if i > cells.shape[1]:
        return REF_ERROR
    approx = True if approximate is None else to_bool(scalar(approximate))
    if type(approx) is XlErr:
        return approx
    if approx:
        position = _match_position(value, list(cells[:, 0]), 1)
    else:
        position = _exact_position(value, table, "rows" if by_rows else "columns", cells[:, 0])
    if type(position) is XlErr:
        return position
    return cells[position, i - 1]


FUNCTIONS["VLOOKUP"] = lambda v, t, i, a=None: _lookup(v, t, i, a, True)
FUNCTIONS["HLOOKUP"] = lambda v, t, i, a=None: _lookup(v, t, i, a, False)


@excel("TRANSPOSE")
def f_transpose(rng):
    if isinstance(rng, Rng):
        return Rng(rng.cells.T.copy())
    return rng


@excel("LOOKUP")
def f_lookup(value, lookup, result=None):
    """LOOKUP's vector form (a row or column searched, the same position of ``result`` given)
    and its array form (the first row or column of a table searched, by its longer side, the
    last row or column given). The search is approximate, as in a sorted list."""
    value = scalar(value)
    if type(value) is XlErr:
        return value
    if not isinstance(lookup, Rng):
        lookup = Rng(np.array([[lookup]], dtype=object))
    cells = lookup.cells
    rows, cols = cells.shape
    if result is None:
        if cols > rows:
            keys, answers = list(cells[0, :]), list(cells[-1, :])
        else:
            keys, answers = list(cells[:, 0]), list(cells[:, -1])
    else:
        # A table given as the lookup vector is searched down its first column (or along its
        # first row when it is wider than tall), as Excel does.
        keys = list(cells[0, :]) if cols > rows else list(cells[:, 0])
        answers = list(result.cells.ravel()) if isinstance(result, Rng) else [result]
    position = _match_position(value, keys, 1)
    if type(position) is XlErr:
        return position
    if position >= len(answers):
        return NA if result is None or not isinstance(result, Rng) else None
    found = answers[position]
    return 0.0 if found is None else found
