"""Standard functions the compiled evaluator does not implement itself, computed by IronCalc.

The compiled evaluator implements the functions councils' workbooks use most, in
:mod:`xlfuncs.engine.library`, where they also work on vectors (a batch). For the rest of
Excel's library (engineering conversions, Bessel functions, text and date functions seen more
rarely) a call is handed, with its arguments already evaluated, to IronCalc (PyPI
``ironcalc``, MIT or Apache-2.0, a spreadsheet engine in Rust): range arguments are written
into the cells of a scratch sheet, other arguments become literals, ``=FN(...)`` is evaluated
there, and its value (or the array it spills) is read back. One scratch model serves the whole
process; a call takes some tens of microseconds.

Functions that look at references themselves rather than at values (ROW, OFFSET, INDIRECT,
ISFORMULA, ...) and the date functions, which must follow the workbook's date system, are
always the evaluator's own. A function neither knows gives ``#NAME?``, as Excel does.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from xlfuncs.engine.values import ERRORS, NAME, VALUE, Rng, XlErr

#: Where the formula goes in the scratch sheet: right of every argument block, so that an
#: array it spills has room.
_FORMULA_ROW, _FORMULA_COL = 1, 2000
#: Arguments are laid out from column 1, one block after another.
_MAX_ARGUMENT_COLUMNS = _FORMULA_COL - 2
#: Errors IronCalc has that Excel does not: a formula Excel would not accept, or a cycle.
_OWN_ERRORS = {"#ERROR!": "#VALUE!", "#CIRC!": "#VALUE!", "#N/IMPL!": "#NAME?"}
#: Functions whose meaning depends on the cell or reference rather than on values: never borrowed.
NEVER = frozenset(
    "ROW COLUMN ROWS COLUMNS OFFSET INDIRECT ISREF ISFORMULA FORMULATEXT SHEET SHEETS CELL AREAS "
    "INFO GETPIVOTDATA RTD CALL REGISTER.ID LET LAMBDA".split()
)


class _Scratch:
    """One IronCalc model used as a calculator."""

    def __init__(self):
        import ironcalc

        self.model = ironcalc.create("xlfuncs-scratch", "en", "UTC")

    def call(self, name: str, args: list[Any], shape: tuple[int, int] | None) -> Any:
        model = self.model
        texts = []
        column = 1
        blocks = []
        for arg in args:
            if arg is _OMITTED:
                texts.append("")
                continue
            if isinstance(arg, Rng):
                rows, cols = arg.cells.shape
                if column + cols > _MAX_ARGUMENT_COLUMNS or rows > 1_048_576:
                    return VALUE
                for (i, j), value in np.ndenumerate(arg.cells):
                    _put(model, 1 + i, column + j, value)
                blocks.append((1, column, rows, column + cols - 1))
                texts.append(f"{_letters(column)}1:{_letters(column + cols - 1)}{rows}")
                column += cols
                continue
            literal = _literal(arg)
            if literal is None:
                return VALUE
            texts.append(literal)
        try:
            model.update_cell_with_formula(0, _FORMULA_ROW, _FORMULA_COL, f"={name}({','.join(texts)})")
            model.evaluate()
            result = self._result(shape)
        finally:
            for r1, c1, r2, c2 in blocks:
                model.range_clear_contents(0, r1, c1, r2, c2)
        return result

    def _result(self, shape: tuple[int, int] | None) -> Any:
        model = self.model
        first = _read(model, _FORMULA_ROW, _FORMULA_COL)
        rows = cols = 1
        while not model.is_empty_cell(0, _FORMULA_ROW + rows, _FORMULA_COL):
            rows += 1
        while not model.is_empty_cell(0, _FORMULA_ROW, _FORMULA_COL + cols):
            cols += 1
        if rows == 1 and cols == 1:
            model.range_clear_contents(0, _FORMULA_ROW, _FORMULA_COL, _FORMULA_ROW, _FORMULA_COL)
            return first
        cells = np.empty((rows, cols), dtype=object)
        for i in range(rows):
            for j in range(cols):
                cells[i, j] = _read(model, _FORMULA_ROW + i, _FORMULA_COL + j)
        model.range_clear_contents(0, _FORMULA_ROW, _FORMULA_COL, _FORMULA_ROW + rows - 1, _FORMULA_COL + cols - 1)
        return Rng(cells)


class _Omitted:
    """An argument left out of the call (``=F(1,,3)``), which is not the same as a blank."""

    __repr__ = lambda self: "OMITTED"  # noqa: E731


_OMITTED = _Omitted()
OMITTED = _OMITTED


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _put(model, row: int, col: int, value: Any) -> None:
    t = type(value)
    if value is None:
        return
    if t is float or t is int:
        model.update_cell_with_number(0, row, col, float(value))
    elif t is bool:
        model.update_cell_with_bool(0, row, col, value)
    elif t is str:
        model.update_cell_with_text(0, row, col, value)
    elif t is XlErr:
        model.update_cell_with_formula(0, row, col, "=" + _error_literal(value))
    else:
        model.update_cell_with_text(0, row, col, str(value))


def _error_literal(error: XlErr) -> str:
    return error.code if error.code in ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A") else "#N/A"


def _literal(value: Any) -> str | None:
    t = type(value)
    if value is None:
        return ""  # a blank passed by value reads as an omitted argument, as in Excel
    if t is float or t is int:
        number = float(value)
        if not math.isfinite(number):
            return None
        return repr(number) if number >= 0 else f"({number!r})"
    if t is bool:
        return "TRUE" if value else "FALSE"
    if t is str:
        return '"' + value.replace('"', '""') + '"'
    if t is XlErr:
        return _error_literal(value)
    return None


def _read(model, row: int, col: int) -> Any:
    import ironcalc

    kind = model.get_cell_type(0, row, col)
    value = model.get_cell_value(0, row, col)
    if kind == ironcalc.CellType.ErrorValue:
        code = _OWN_ERRORS.get(str(value), str(value))
        return ERRORS.get(code, VALUE)
    if kind == ironcalc.CellType.Number:
        return float(value)
    if kind == ironcalc.CellType.LogicalValue:
        return bool(value)
    if value is None:
        return None
    return str(value) if not isinstance(value, float | bool) else value


_scratch: _Scratch | None = None


def _model() -> _Scratch:
    global _scratch
    if _scratch is None:
        _scratch = _Scratch()
    return _scratch


def available() -> bool:
    try:
        import ironcalc  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1024)
def knows(name: str) -> bool:
    """Whether IronCalc has a function of this name (an unknown one gives #NAME?)."""
    if name in NEVER or not available() or not name.replace(".", "").replace("_", "").isalnum():
        return False
    value = _model().call(name, [], None)
    return not (type(value) is XlErr and value is NAME)


def call(name: str, args: list[Any], shape: tuple[int, int] | None = None) -> Any:
    """``name`` applied to evaluated ``args`` (values, :class:`Rng` blocks, or
    :data:`OMITTED`): a value, or a :class:`Rng` when the function returns an array."""
    try:
        return _model().call(name, args, shape)
    except BaseException as exc:  # noqa: BLE001 - a panic in the library must not stop the workbook
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return VALUE
