"""Each cell that calls xlfuncs, converted: written in native form, or frozen with the reason.

A cell (or an array formula's range) is converted as a whole. Every xlfuncs call in its formula
is replaced by its function's native form (:mod:`xlfuncs.excel.native`), inner calls first; if
any call has none, the cell keeps the value a fresh recalculation gave it and is noted. A
native form that fills a range one formula per cell (:class:`~xlfuncs.excel.native.PerCell`)
is used only where the call is the cell's whole formula.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from xlfuncs.excel.native import (
    HelperCells,
    NativeArg,
    NativeCall,
    NoNativeForm,
    PerCell,
    PerRow,
    check_limits,
)
from xlfuncs.excel.registry import ExcelFunction
from xlfuncs.portable.formula import Call, FormulaError, Token, describe, parse, render
from xlfuncs.xlsx.refs import col_letters
from xlfuncs.xlsx.xml import WorkbookError

#: Array formula: the range's bounds (first row, first column, last row, last column).
Bounds = tuple[int, int, int, int]


class ExternalArguments(WorkbookError):
    """An xlfuncs call reads another workbook's cells."""


@dataclass
class Conversion:
    """What one cell (or array range) becomes."""

    sheet: str
    anchor: tuple[int, int]
    bounds: Bounds | None  # the array formula's range, None for one cell
    original: str
    functions: list[str]
    live: bool = True
    #: (row, col) -> (formula text without "=", array formula?) for every cell written.
    formulas: dict[tuple[int, int], tuple[str, bool]] = field(default_factory=dict)
    #: (row, col) -> the bounds of the array formula anchored there, where it is not the
    #: whole range (one array formula per row of the result).
    spans: dict[tuple[int, int], Bounds] = field(default_factory=dict)
    reason: str = ""  # why it is frozen
    frozen_function: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.address}"

    @property
    def address(self) -> str:
        r, c = self.anchor
        if self.bounds is None or self.bounds[:2] == self.bounds[2:]:
            return f"{col_letters(c)}{r}"
        r1, c1, r2, c2 = self.bounds
        return f"{col_letters(c1)}{r1}:{col_letters(c2)}{r2}"

    @property
    def cells(self) -> int:
        if self.bounds is None:
            return 1
        r1, c1, r2, c2 = self.bounds
        return (r2 - r1 + 1) * (c2 - c1 + 1)


class _Frozen(Exception):
    def __init__(self, function: str, reason: str):
        super().__init__(reason)
        self.function = function
        self.reason = reason


def _whole_call(tree: list, registry: Mapping[str, ExcelFunction]) -> Call | None:
    items = [i for i in tree if not (isinstance(i, Token) and i.type == "WHITE-SPACE")]
    if len(items) == 1 and isinstance(items[0], Call) and items[0].upper in registry:
        return items[0]
    return None


def _native_args(function: ExcelFunction, call: Call, rendered: list[str], names: Mapping[str, str]) -> dict[str, NativeArg]:
    args: dict[str, NativeArg] = {}
    for position, arg in enumerate(function.args):
        text = rendered[position].strip() if position < len(rendered) else ""
        found = describe(call.args[position], names) if position < len(call.args) else describe([])
        if found.external:
            raise ExternalArguments(
                f"{function.name}: {arg.name} refers to another workbook; xlfuncs recalculates one "
                "self-contained workbook (copy the data in, or break the link in Excel first)"
            )
        shape = found.shape
        if shape is None and arg.kind in ("number", "text", "flag") and text:
            shape = (1, 1)
        args[arg.name] = NativeArg(
            arg.name, text, found.literal, shape, found.ref,
            default=None if not arg.optional else arg.default, optional=arg.optional,
        )
    return args


def convert_formula(
    formula: str,
    registry: Mapping[str, ExcelFunction],
    names: Mapping[str, str],
    rows: int,
    cols: int,
    helpers: HelperCells | None = None,
) -> tuple[str | PerCell | PerRow, bool, list[str], list[str]]:
    """``formula`` in native form: (text or per-cell form, needs an array formula, notes,
    functions called). Raises :class:`_Frozen` naming the function without a native form."""
    tree = parse(formula)
    whole = _whole_call(tree, registry)
    notes: list[str] = []
    called: list[str] = []
    array = False
    per_cell: list[PerCell | PerRow] = []

    def convert(call: Call, rendered: list[str]) -> str | None:
        nonlocal array
        function = registry.get(call.upper)
        if function is None:
            return None
        called.append(function.name)
        if function.native is None:
            raise _Frozen(function.name, "no native form is declared")
        if len(rendered) > len(function.args) or (len(rendered) == 1 and not rendered[0].strip() and not function.args):
            return "#VALUE!"
        for position, arg in enumerate(function.args):
            given = position < len(rendered) and rendered[position].strip()
            if not arg.optional and not given:
                return "#VALUE!"  # a required argument left out, as the function says
        is_whole = call is whole
        native_call = NativeCall(
            function.name, _native_args(function, call, rendered, names),
            rows=rows if is_whole else None, cols=cols if is_whole else None, helpers=helpers,
        )
        try:
            form = function.native(native_call)
        except NoNativeForm as exc:
            raise _Frozen(function.name, str(exc)) from None
        notes.extend(f"{function.name}: {n}" for n in native_call.notes)
        array = array or native_call.array
        if isinstance(form, PerCell | PerRow):
            if not is_whole:
                raise _Frozen(function.name, "its native form fills its range one formula per cell, and here it sits inside a larger formula")
            per_cell.append(form)
            return "__PER_CELL__"
        return f"({form})" if not is_whole else form

    text = render(tree, convert)
    if per_cell:
        return per_cell[0], array, notes, called
    check_limits(text)
    return text, array, notes, called


def convert_cell(
    sheet: str,
    anchor: tuple[int, int],
    formula: str,
    bounds: Bounds | None,
    registry: Mapping[str, ExcelFunction],
    names: Mapping[str, str],
    helpers: HelperCells | None = None,
) -> Conversion:
    """One cell or array range in native form, or frozen with the reason; working cells the
    native form needs are added to ``helpers`` (and taken back if the cell is frozen)."""
    point = helpers.checkpoint() if helpers is not None else None
    conversion = _convert_cell(sheet, anchor, formula, bounds, registry, names, helpers)
    if not conversion.live and helpers is not None and point is not None:
        helpers.restore(point)
    return conversion


def _convert_cell(
    sheet: str,
    anchor: tuple[int, int],
    formula: str,
    bounds: Bounds | None,
    registry: Mapping[str, ExcelFunction],
    names: Mapping[str, str],
    helpers: HelperCells | None,
) -> Conversion:
    plain = formula[1:] if formula.startswith("=") else formula
    if bounds is not None:
        rows, cols = bounds[2] - bounds[0] + 1, bounds[3] - bounds[1] + 1
    else:
        rows = cols = 1
    conversion = Conversion(sheet, anchor, bounds, plain, [])
    try:
        form, array, notes, called = convert_formula(plain, registry, names, rows, cols, helpers)
    except _Frozen as frozen:
        conversion.live = False
        conversion.frozen_function = frozen.function
        conversion.reason = frozen.reason
        conversion.functions = _functions(plain, registry)
        return conversion
    except NoNativeForm as exc:  # the whole formula is over Excel's limits
        conversion.live = False
        conversion.functions = _functions(plain, registry)
        conversion.frozen_function = conversion.functions[0] if conversion.functions else ""
        conversion.reason = str(exc)
        return conversion
    except FormulaError as exc:
        conversion.live = False
        conversion.reason = f"its formula could not be read ({exc})"
        conversion.functions = _functions(plain, registry)
        conversion.frozen_function = conversion.functions[0] if conversion.functions else ""
        return conversion
    conversion.functions = list(dict.fromkeys(called))
    conversion.notes = list(dict.fromkeys(notes))
    if isinstance(form, PerCell):
        r0, c0 = (bounds[0], bounds[1]) if bounds is not None else anchor
        try:
            for i in range(rows):
                for j in range(cols):
                    text = form.cell(i, j)
                    check_limits(text)
                    conversion.formulas[(r0 + i, c0 + j)] = (text, array)
        except NoNativeForm as exc:
            conversion.live = False
            conversion.frozen_function = conversion.functions[0]
            conversion.reason = str(exc)
            conversion.formulas.clear()
        return conversion
    if isinstance(form, PerRow):
        r0, c0 = (bounds[0], bounds[1]) if bounds is not None else anchor
        width = min(form.width, cols)
        try:
            for i in range(rows):
                text = form.row(i)
                check_limits(text)
                conversion.formulas[(r0 + i, c0)] = (text, True)
                conversion.spans[(r0 + i, c0)] = (r0 + i, c0, r0 + i, c0 + width - 1)
                for j in range(width, cols):
                    conversion.formulas[(r0 + i, c0 + j)] = ("#N/A", False)
        except NoNativeForm as exc:
            conversion.live = False
            conversion.frozen_function = conversion.functions[0]
            conversion.reason = str(exc)
            conversion.formulas.clear()
            conversion.spans.clear()
        return conversion
    conversion.formulas[anchor] = (form, array or bounds is not None)
    return conversion


def _functions(formula: str, registry: Mapping[str, ExcelFunction]) -> list[str]:
    from xlfuncs.portable.formula import calls

    try:
        return list(dict.fromkeys(c.upper for c in calls(parse(formula), registry)))
    except FormulaError:
        return [name for name in registry if name + "(" in formula.upper()]
