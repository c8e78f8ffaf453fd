"""Excel's values and its rules for converting between them (the compiled evaluator's core).

A cell holds a float, a str, a bool, ``None`` (blank) or an :class:`ErrorValue`. Ranges are
:class:`Rng` objects holding a 2-D object array of such values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from xlfuncs.excel.errors import DIV0, ERRORS, NA, NAME, NUM, REF, VALUE, ErrorValue

#: The engine's name for Excel's typed error values (one list, in :mod:`xlfuncs.excel.errors`),
#: imported rather than assigned so that mypy narrows ``type(v) is XlErr`` as it does the class.
from xlfuncs.excel.errors import ErrorValue as XlErr

__all__ = ["DIV0", "ERRORS", "NA", "NAME", "NUM", "REF", "VALUE", "ErrorValue", "XlErr"]


class NeedsScalar(Exception):
    """A vector (one value per scenario) reached code that works one scenario at a time."""


class Rng:
    """The values of a rectangular range."""

    __slots__ = ("cells", "has_vectors", "nominal", "origin", "lookups")

    def __init__(
        self,
        cells: np.ndarray,
        has_vectors: bool = False,
        nominal: tuple[int, int] | None = None,
        origin: tuple[str, int, int] | None = None,
    ):
        self.cells = cells
        self.has_vectors = has_vectors
        #: The shape the reference names when ``cells`` holds only its used part (a whole
        #: row or column clipped to the cells its sheet has): the rest is blank.
        self.nominal = nominal
        #: (sheet, first row, first column) when the values come from a reference; None for
        #: an array constant or a computed array.
        self.origin = origin
        #: Exact-match indexes built by MATCH and the lookups, kept while the range is (a
        #: range is assembled once per evaluation and shared by every formula reading it).
        self.lookups: dict | None = None

    @property
    def size(self) -> tuple[int, int]:
        """Rows and columns the range names (its nominal shape)."""
        return self.nominal or self.cells.shape

    def at(self, i: int, j: int):
        """The value at row ``i``, column ``j`` (from 0) of the range as named."""
        rows, cols = self.cells.shape
        if i < rows and j < cols:
            return self.cells[i, j]
        return None

    @property
    def shape(self) -> tuple[int, int]:
        return self.cells.shape

    def flat(self):
        return self.cells.ravel()


def to_number(v: Any) -> float | XlErr:
    """A value used where a number is expected (arithmetic, direct function arguments)."""
    t = type(v)
    if t is float or t is int:
        return v
    if v is None:
        return 0.0
    if t is bool:
        return 1.0 if v else 0.0
    if t is XlErr:
        return v
    if t is str:
        text = v.strip()
        try:
            return float(text.replace(",", "")) if text else VALUE
        except ValueError:
            if text.endswith("%"):
                try:
                    return float(text[:-1]) / 100
                except ValueError:
                    return VALUE
            return VALUE
    if isinstance(v, Rng):
        if v.cells.size == 1:
            return to_number(v.cells.flat[0])
        return VALUE
    if isinstance(v, np.ndarray):
        raise NeedsScalar
    if isinstance(v, np.generic):
        return to_number(v.item())
    return VALUE


def to_text(v: Any) -> str | XlErr:
    t = type(v)
    if t is str:
        return v
    if v is None:
        return ""
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is float or t is int:
        return number_text(v)
    if t is XlErr:
        return v
    if isinstance(v, Rng):
        return to_text(v.cells.flat[0]) if v.cells.size == 1 else VALUE
    if isinstance(v, np.ndarray):
        raise NeedsScalar
    return str(v)


def number_text(x: float) -> str:
    """A number as Excel's General format writes it in text (up to 15 significant digits)."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text


def to_bool(v: Any) -> bool | XlErr:
    t = type(v)
    if t is bool:
        return v
    if t is float or t is int:
        return v != 0
    if v is None:
        return False
    if t is XlErr:
        return v
    if t is str:
        upper = v.strip().upper()
        if upper in ("TRUE", "FALSE"):
            return upper == "TRUE"
        return VALUE
    if isinstance(v, Rng):
        return to_bool(v.cells.flat[0]) if v.cells.size == 1 else VALUE
    if isinstance(v, np.ndarray):
        raise NeedsScalar
    return VALUE


def scalar(v: Any) -> Any:
    """A range in a single-value position: its only cell (else #VALUE!)."""
    if isinstance(v, Rng):
        return v.cells.flat[0] if v.cells.size == 1 else VALUE
    if isinstance(v, np.ndarray):
        raise NeedsScalar
    return v


def excel_round(x: float, digits: int) -> float:
    """ROUND: half away from zero, after trimming to 15 significant digits as Excel shows."""
    if not math.isfinite(x):
        return x
    if digits > 308:  # more digits than a double holds: nothing to round
        return x
    if digits < -308:  # rounding to a power of ten beyond any double gives 0
        return 0.0
    factor = 10.0 ** digits
    scaled = abs(x) * factor
    if not math.isfinite(scaled) or scaled >= 2.0**53:  # already a whole number at this scale
        return x
    y = float(f"{scaled:.15g}")
    rounded = math.floor(y + 0.5) / factor
    return math.copysign(rounded, x) if math.isfinite(rounded) else x


def finite_or_num(x: float) -> float | XlErr:
    return x if math.isfinite(x) else NUM


_TYPE_ORDER = {float: 0, int: 0, str: 1, bool: 2}


def compare(a: Any, b: Any) -> int | XlErr:
    """Excel's ordering: numbers < text < logicals; text compares case-insensitively."""
    if type(a) is XlErr:
        return a
    if type(b) is XlErr:
        return b
    if a is None:
        a = "" if type(b) is str else (False if type(b) is bool else 0.0)
    if b is None:
        b = "" if type(a) is str else (False if type(a) is bool else 0.0)
    ta, tb = _TYPE_ORDER.get(type(a), 3), _TYPE_ORDER.get(type(b), 3)
    if ta != tb:
        return -1 if ta < tb else 1
    if ta == 1:
        a, b = a.lower(), b.lower()
    return (a > b) - (a < b)
