"""Turning what Excel sends into numpy arrays, the way Excel's own functions do.

Excel (through xlwings or a headless engine) sends a scalar, a flat list (one row or column),
a nested list (a 2-D range), with ``None`` for a blank cell. Text and booleans can appear
anywhere. These functions apply one of a few declared policies and raise
:class:`~xlfuncs.methods.errors.InputError` subclasses that name the argument.

Policies for ranges, after Excel's statistical functions:

* ``"skip"``: blanks, text and booleans inside a range are ignored, as AVERAGE and STDEV.S do
  with references; numbers are kept.
* ``"strict"``: every cell must be a number; used where position matters (a time series, paired
  x and y), as TREND and CORREL refuse text where a number belongs.
* ``"zero"``: blanks count as 0 (as SUMPRODUCT does), text or booleans are an error.
* ``"missing"``: blanks are missing values (NaN, shape kept, for the function to drop and
  report), text or booleans are an error; used where a blank means "not published".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from xlfuncs.excel.errors import ERRORS, ErrorValue, UpstreamError
from xlfuncs.methods.errors import NotANumberError, ShapeError

__all__ = ["ERROR_TEXTS", "MAX_CELLS", "UpstreamError", "to_flag", "to_matrix", "to_scalar", "to_text", "to_vector"]

#: Upper bound on cells in one range argument: keeps work bounded for any input.
MAX_CELLS = 1_048_576

#: Excel error values as text: how some hosts deliver an error cell (see the xlwings adapter).
#: Coercion itself only ever sees typed :class:`ErrorValue` objects for error cells.
ERROR_TEXTS = frozenset(ERRORS)


def _describe(value: Any) -> str:
    if value is None:
        return "a blank cell"
    if isinstance(value, bool | np.bool_):
        return f"the logical value {str(bool(value)).upper()}"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:17] + "..."
        return f'the text "{shown}"'
    return repr(value)


def _number_from_scalar(value: Any, name: str) -> float:
    """A single cell given where a number is expected."""
    if type(value) is ErrorValue:
        raise UpstreamError(value.code)
    if isinstance(value, str):
        text = value.strip()
        try:
            # Excel converts numeric text given directly to a function (=SQRT("4") is 2).
            return float(text.replace(",", ""))
        except ValueError:
            raise NotANumberError(name, f"expected a number, got {_describe(value)}") from None
    if value is None or isinstance(value, bool | np.bool_):
        raise NotANumberError(name, f"expected a number, got {_describe(value)}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise NotANumberError(name, f"expected a number, got {_describe(value)}") from None
    return number


def to_scalar(value: Any, name: str) -> float:
    """Coerce a single-cell argument to a float.

    A one-cell range (``[[5]]`` or ``[5]``) is accepted as that cell. NaN and infinities are
    refused: Excel has no such numbers.

    >>> to_scalar([[5]], "count")
    5.0
    >>> to_scalar("12.5", "count")
    12.5
    """
    cells = _as_object_array(value, name)
    if cells.size != 1:
        # Excel gives #VALUE! when a range stands where one value belongs.
        raise NotANumberError(name, f"expected one cell, got a range of {cells.size} cells")
    number = _number_from_scalar(cells.flat[0], name)
    if not math.isfinite(number):
        raise NotANumberError(name, "expected a finite number")
    return number


def to_text(value: Any, name: str) -> str | None:
    """Coerce a single-cell text argument; a blank gives None."""
    cells = _as_object_array(value, name)
    if cells.size != 1:
        raise NotANumberError(name, f"expected one cell, got a range of {cells.size} cells")
    item = cells.flat[0]
    if item is None:
        return None
    if type(item) is ErrorValue:
        raise UpstreamError(item.code)
    if isinstance(item, str):
        return item.strip()
    if isinstance(item, bool | np.bool_):
        raise NotANumberError(name, f"expected text, got {_describe(item)}")
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    return str(item)


def to_flag(value: Any, name: str) -> bool:
    """Coerce a TRUE/FALSE argument; numbers follow Excel (0 is FALSE, others TRUE)."""
    cells = _as_object_array(value, name)
    if cells.size != 1:
        raise NotANumberError(name, f"expected one cell, got a range of {cells.size} cells")
    item = cells.flat[0]
    if isinstance(item, bool | np.bool_):
        return bool(item)
    if type(item) is ErrorValue:
        raise UpstreamError(item.code)
    if isinstance(item, str):
        text = item.strip().upper()
        if text in ("TRUE", "FALSE"):
            return text == "TRUE"
        raise NotANumberError(name, f"expected TRUE or FALSE, got {_describe(item)}")
    if item is None:
        raise NotANumberError(name, "expected TRUE or FALSE, got a blank cell")
    try:
        number = float(item)
    except (TypeError, ValueError):
        raise NotANumberError(name, f"expected TRUE or FALSE, got {_describe(item)}") from None
    if not math.isfinite(number):
        raise NotANumberError(name, "expected TRUE or FALSE")
    return number != 0


def _as_object_array(value: Any, name: str) -> np.ndarray:
    """A 2-D object array of the cells, whatever nesting Excel sent."""
    if isinstance(value, np.ndarray):
        cells = value.astype(object, copy=False)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) and all(
            isinstance(row, Sequence) and not isinstance(row, str) for row in value
        ):
            widths = {len(row) for row in value}
            if len(widths) != 1:
                raise ShapeError(name, "rows of the range have different lengths")
            width = widths.pop()
            _check_size(len(value) * width, name)  # before copying: bounds the work
            cells = np.empty((len(value), width), dtype=object)
            for i, row in enumerate(value):
                for j, item in enumerate(row):
                    cells[i, j] = item
        else:
            _check_size(len(value), name)
            cells = np.empty((1, len(value)), dtype=object)
            for j, item in enumerate(value):
                if isinstance(item, Sequence) and not isinstance(item, str):
                    raise ShapeError(name, "a range nested more than two levels deep")
                cells[0, j] = item
    else:
        cells = np.empty((1, 1), dtype=object)
        cells[0, 0] = value
    if cells.ndim == 1:
        cells = cells.reshape(1, -1)
    if cells.ndim > 2:
        raise ShapeError(name, "a range nested more than two levels deep")
    _check_size(cells.size, name)
    return cells


def _check_size(size: int, name: str) -> None:
    if size > MAX_CELLS:
        raise ShapeError(name, f"a range of {size:,} cells is larger than {MAX_CELLS:,}")


def _cell_number(item: Any) -> float | None:
    """A number cell as float, None for anything Excel's statistics would skip."""
    if item is None or isinstance(item, bool | np.bool_ | str):
        return None
    try:
        number = float(item)
    except (TypeError, ValueError):
        return None
    return number


def to_matrix(value: Any, name: str, blanks: str = "strict") -> np.ndarray:
    """Coerce a range to a 2-D float array under the policy ``blanks``.

    With ``"skip"`` the skipped cells become NaN, so the shape is kept and callers that
    want a flat list drop them (see :func:`to_vector`).

    >>> to_matrix([[1, 2], [3, None]], "x", blanks="zero")
    array([[1., 2.],
           [3., 0.]])
    """
    if isinstance(value, np.ndarray) and value.dtype == float and value.ndim in (1, 2):
        # Already numbers (the engine's many-input-set path): nothing to skip or convert.
        _check_size(value.size, name)
        if not np.all(np.isfinite(value)):
            raise NotANumberError(name, "expected finite numbers, the range holds NaN or infinity")
        return value.reshape(1, -1).copy() if value.ndim == 1 else value.copy()
    cells = _as_object_array(value, name)
    out = np.empty(cells.shape, dtype=float)
    for index, item in np.ndenumerate(cells):
        if type(item) is ErrorValue:
            raise UpstreamError(item.code)
        number = _cell_number(item)
        if number is None:
            if blanks == "skip" or (blanks in ("zero", "missing") and item is None):
                out[index] = 0.0 if blanks == "zero" else np.nan
                continue
            where = f"cell {index[0] + 1},{index[1] + 1} of the range" if cells.size > 1 else "it"
            raise NotANumberError(name, f"expected numbers, {where} is {_describe(item)}")
        if not math.isfinite(number):
            raise NotANumberError(name, "expected finite numbers, the range holds NaN or infinity")
        out[index] = number
    return out


def to_vector(value: Any, name: str, blanks: str = "strict") -> np.ndarray:
    """Coerce a one-row or one-column range to a 1-D float array.

    A 2-D range with more than one row and column is refused (a #N/A-style shape error), since
    position matters in a series. Under ``"skip"``, skipped cells are dropped.

    >>> to_vector([[1], [2], [3]], "known_counts")
    array([1., 2., 3.])
    >>> to_vector([1, None, "n/a", 4], "values", blanks="skip")
    array([1., 4.])
    """
    matrix = to_matrix(value, name, blanks)
    if matrix.shape[0] > 1 and matrix.shape[1] > 1:
        raise ShapeError(
            name, f"expected one row or one column, got {matrix.shape[0]}x{matrix.shape[1]}"
        )
    vector = matrix.ravel()
    if blanks == "skip":
        vector = vector[~np.isnan(vector)]
    return vector
