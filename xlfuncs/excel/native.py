"""Native forms: an xlfuncs call written in Excel's own functions.

A workbook shared with a council that has no add-in shows ``#NAME?`` in every xlfuncs cell
once anything is recalculated. Each :class:`~xlfuncs.excel.registry.ExcelFunction` therefore
declares, beside its Excel face, a *native form*: a function from the call's arguments (their
formula texts, with what is known of each at conversion time) to a formula in functions that
Excel 2010 and later and LibreOffice both have, giving the same numbers. ``xlfuncs portable``
(:mod:`xlfuncs.portable`) puts the native form where the call was, so the cell stays live.

The rules every native form follows:

* only functions of Excel 2010 that LibreOffice also has, with the ``_xlfn.`` prefix Excel
  needs for the 2010 names (``_xlfn.STDEV.S``, ``_xlfn.T.DIST.2T``); no LAMBDA, LET or dynamic
  arrays. Array arithmetic is evaluated as an array formula (CSE), which the converter makes
  the cell when the form needs it (:attr:`NativeCall.array`);
* the same arithmetic as the method, in the same order where that matters for the last digits
  (``A/B/365*7`` as ``unit_cost`` divides), so the numbers agree to far better than 1e-9;
* bad input gives an error value, the same one the function gives for the checks it states
  (a negative count is ``#NUM!``, a year not in an index ``#N/A``), tested cell by cell
  against the registry. What an error value cannot carry is the message: a native cell shows
  ``#NUM!``, not why. Two differences are by design, because a native cell follows Excel's
  own arithmetic: a blank cell given where a single number belongs counts as 0, and a
  logical value as 1 or 0;
* a choice given as text (a period, a method, a schedule) may be a literal or a cell: a
  literal is resolved when the workbook is converted, a cell is matched at run time with
  ``CHOOSE(MATCH(...))`` over every choice. A choice that has no native form (Holt smoothing's
  parameter search, the exact Mann-Whitney distribution) gives ``#N/A`` in the native cell,
  and the converter notes on the cell which choice needs xlfuncs (:meth:`NativeCall.note`);
* intermediate results are worked out inside the formula, except where no formula can hold
  them: the powers of the stock-flow projection's one-day matrix, each the square of the one
  before, would double the text at every step. Those go in working cells on the call's sheet
  (:class:`HelperCells`), made once for every call over the same inputs;
* a call that cannot be written at all raises :class:`NoNativeForm` with the reason, and the
  converter freezes the cell at its value with a comment saying why and how to get it live.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Excel's limits on one formula (Excel specifications and limits, 2010 and later).
MAX_FORMULA_CHARS = 8192
MAX_NESTING = 64
#: Largest array a native form may build on the way to its result (comparisons of every value
#: with every other, a distance table). Excel's specification bounds arrays in formulas only
#: by memory; a 32-bit Excel 2010 has 2 GB, and an array formula past a million elements
#: takes it seconds to minutes on every recalculation. A million elements is also one full
#: column of the sheet, the largest range an array formula's result can fill.
MAX_ARRAY_ELEMENTS = 1_048_576
#: The rows and columns of a worksheet (Excel 2007 and later).
SHEET_ROWS = 1_048_576
SHEET_COLUMNS = 16_384


def _letters(index: int) -> str:
    """Column letters of ``index`` (1 is A); here, not from :mod:`xlfuncs.xlsx.refs`, so the
    slim distribution that xlwings Lite loads needs nothing of the file layer."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class NoNativeForm(Exception):
    """This call has no form in Excel's own functions; ``str()`` says why, for a person."""


class _NotLiteral:
    def __repr__(self) -> str:
        return "NOT_LITERAL"


#: The ``literal`` of an argument whose text is not a constant (a reference, an expression).
NOT_LITERAL: Any = _NotLiteral()


@dataclass(frozen=True)
class Reference:
    """A plain reference argument: ``Sheet!$A$1:$B$9``, its corners and their ``$`` marks."""

    prefix: str  # the sheet as written, with its "!" ("'My sheet'!"), or "" for this sheet
    r1: int
    c1: int
    r2: int
    c2: int
    absolute: tuple[bool, bool, bool, bool] = (True, True, True, True)  # $ on col1, row1, col2, row2

    @property
    def rows(self) -> int:
        return self.r2 - self.r1 + 1

    @property
    def cols(self) -> int:
        return self.c2 - self.c1 + 1

    def _corner(self, row: int, col: int, col_abs: bool, row_abs: bool) -> str:
        return f"{'$' if col_abs else ''}{_letters(col)}{'$' if row_abs else ''}{row}"

    @property
    def text(self) -> str:
        a1, b1, a2, b2 = self.absolute
        first = self._corner(self.r1, self.c1, a1, b1)
        if (self.r1, self.c1) == (self.r2, self.c2):
            return self.prefix + first
        return f"{self.prefix}{first}:{self._corner(self.r2, self.c2, a2, b2)}"

    def part(self, row: int, col: int, rows: int = 1, cols: int = 1) -> Reference:
        """The sub-range starting ``row``, ``col`` cells in (0-based), ``rows`` x ``cols``."""
        if row < 0 or col < 0 or row + rows > self.rows or col + cols > self.cols:
            raise ValueError("part outside the range")
        r1, c1 = self.r1 + row, self.c1 + col
        return Reference(self.prefix, r1, c1, r1 + rows - 1, c1 + cols - 1, self.absolute)


def literal_text(value: Any) -> str:
    """A Python constant as Excel formula text.

    >>> literal_text(0.95), literal_text(5.0), literal_text(True), literal_text(-2.5)
    ('0.95', '5', 'TRUE', '(-2.5)')
    >>> literal_text("week")
    '"week"'
    >>> literal_text(365 / 7), literal_text(365 / 12)
    ('(365/7)', '(365/12)')
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, int | float):
        number = float(value)
        # Written as the division: Excel reads at most 15 significant digits of a constant.
        for numerator, denominator in ((365, 7), (365, 12)):
            if number == numerator / denominator:
                return f"({numerator}/{denominator})"
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        text = repr(number).upper()  # 1E-06, as Excel writes an exponent
        return f"({text})" if number < 0 else text
    if isinstance(value, tuple | list):
        # Inside an array constant a number stands bare: -0.5, not (-0.5).
        return "{" + ",".join(_constant(v) for v in value) + "}"
    raise TypeError(f"no Excel literal for {value!r}")


def _constant(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number).upper()
    return literal_text(value)


_SHEET = r"(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!"
_CELLS = r"\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?"
_ATOM = re.compile(
    rf"^(?:(?:{_SHEET})?{_CELLS}|\d+(?:\.\d+)?(?:[Ee][+-]?\d+)?|TRUE|FALSE|#[A-Z/0!?]+|"
    r"[A-Za-z_][A-Za-z0-9_.]*|\{[^{}]*\}|\"(?:[^\"]|\"\")*\")$"
)


def _wrapped(text: str) -> bool:
    """Whether ``text`` is one parenthesised group or one function call end to end."""
    start = 0
    if not text.startswith("("):
        match = re.match(r"^[A-Za-z_][A-Za-z0-9_.]*\(", text)
        if not match:
            return False
        start = match.end() - 1
    depth = 0
    quoted = False
    for position in range(start, len(text)):
        ch = text[position]
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and position != len(text) - 1:
                return False
    return depth == 0 and text.endswith(")")


def group(text: str) -> str:
    """``text`` ready to stand as an operand: parenthesised unless it is one already.

    >>> group("B2"), group("B2*2"), group("SUM(A1:A3)"), group("(A1)+(B1)"), group("'My s'!A1")
    ('B2', '(B2*2)', 'SUM(A1:A3)', '((A1)+(B1))', "'My s'!A1")
    """
    stripped = text.strip()
    if _ATOM.match(stripped) or _wrapped(stripped):
        return stripped
    return f"({stripped})"


@dataclass(frozen=True)
class NativeArg:
    """One argument of a call as the converter found it.

    ``text`` is the argument's formula text (already in native form where it held xlfuncs calls),
    empty when the argument was left out; ``literal`` its value when it is a constant;
    ``shape`` its (rows, columns) where known (a reference, a constant, a single number);
    ``ref`` the reference when it is a plain one (or a defined name of one).
    """

    name: str
    text: str
    literal: Any = NOT_LITERAL
    shape: tuple[int, int] | None = None
    ref: Reference | None = None
    default: Any = None
    optional: bool = False

    @property
    def given(self) -> bool:
        return bool(self.text.strip())

    @property
    def is_literal(self) -> bool:
        return self.literal is not NOT_LITERAL

    @property
    def omitted_or_default(self) -> bool:
        """Left out, so the default applies for certain (a blank cell may also give it)."""
        return not self.given

    def __str__(self) -> str:
        if self.given:
            return group(self.text)
        if self.default is None:
            raise NoNativeForm(f"{self.name} has no default to write")
        return literal_text(self.default)

    @property
    def size(self) -> int:
        if self.shape is None:
            raise NoNativeForm(
                f"{self.name} is a computed array, not a range: its size is not known before it is calculated"
            )
        return self.shape[0] * self.shape[1]

    @property
    def rows(self) -> int:
        return self._shape()[0]

    @property
    def cols(self) -> int:
        return self._shape()[1]

    def _shape(self) -> tuple[int, int]:
        if self.shape is None:
            raise NoNativeForm(
                f"{self.name} is a computed array, not a range: its shape is not known before it is calculated"
            )
        return self.shape

    @property
    def is_row(self) -> bool:
        return self.rows == 1 and self.cols > 1

    def column(self) -> str:
        """The argument as a column (a row is transposed), as the vector coercion reads it."""
        return f"TRANSPOSE({self.text})" if self.is_row else str(self)

    def row(self) -> str:
        """The argument as a row (a column is transposed)."""
        return f"TRANSPOSE({self.text})" if self.rows > 1 and self.cols == 1 else str(self)

    def or_default(self) -> str:
        """The argument, or its default where it is left out or is a blank cell.

        Where the default is 0 a blank counts as 0 anyway (Excel's arithmetic), so the plain
        reference is enough.
        """
        if not self.given:
            return literal_text(self.default)
        if self.ref is not None and self.ref.rows * self.ref.cols == 1 and self.default not in (None, 0, 0.0):
            return f"IF(ISBLANK({self.text}),{literal_text(self.default)},{self.text})"
        return str(self)

    def element(self, index: int) -> str:
        """Element ``index`` (0-based, row by row) of a vector argument, as formula text."""
        if self.ref is not None:
            row, col = (0, index) if self.ref.rows == 1 else (index, 0)
            return self.ref.part(row, col).text
        if self.is_literal:
            values = self.literal if isinstance(self.literal, list) else [(self.literal,)]
            flat = [v for row in values for v in row]
            return _constant(flat[index]) if not isinstance(flat[index], str) else literal_text(flat[index])
        if self.shape == (1, 1):
            return str(self)
        return f"INDEX({self.column()},{index + 1})"


@dataclass
class NativeCall:
    """A call being written in native form: its arguments and where the result goes."""

    function: str
    args: Mapping[str, NativeArg]
    #: The rows and columns the result fills when the call is the whole formula of a cell or
    #: array range; None when the call sits inside a larger formula.
    rows: int | None = None
    cols: int | None = None
    #: Set by the native form when its text needs array evaluation (CSE).
    array: bool = False
    notes: list[str] = field(default_factory=list)
    #: Where the native form may write working cells it cannot do without (None: nowhere).
    helpers: HelperCells | None = None

    def __getitem__(self, name: str) -> NativeArg:
        return self.args[name]

    def note(self, text: str) -> None:
        """Record that some inputs give #N/A natively where xlfuncs computes a value."""
        if text not in self.notes:
            self.notes.append(text)

    def needs_array(self) -> None:
        self.array = True

    def elements(self, count: int, what: str) -> None:
        """Refuse an intermediate array of ``count`` elements beyond Excel's array limits."""
        if count > MAX_ARRAY_ELEMENTS:
            raise NoNativeForm(
                f"{what} would need an array of {count:,} elements, more than the "
                f"{MAX_ARRAY_ELEMENTS:,} an array formula can be relied on to hold in Excel"
            )

    def result_rows(self, default: int) -> int:
        return self.rows if self.rows is not None else default

    def result_cols(self, default: int) -> int:
        return self.cols if self.cols is not None else default


@dataclass(frozen=True)
class HelperCell:
    """One working cell: a constant, a formula, or an array formula anchored here over
    ``rows`` x ``cols`` cells."""

    row: int
    col: int
    value: Any = None
    formula: str | None = None
    rows: int = 1
    cols: int = 1


class HelperCells:
    """Working cells on a sheet, to the right of what the sheet holds, for native forms that
    need intermediate results no single formula can hold (a matrix and its powers).

    Blocks are stacked down from ``first_row`` in columns from ``first_col``; a block is made
    once per ``key``, so calls over the same inputs share it.
    """

    def __init__(self, first_row: int, first_col: int):
        self.first_row = first_row
        self.first_col = first_col
        self.next_row = first_row
        self.blocks: dict[Any, Any] = {}
        self.cells: list[HelperCell] = []

    def block(
        self, key: Any, rows: int, cols: int, fill: Callable[[int, int], tuple[Any, list[HelperCell]]]
    ) -> Any:
        """What ``fill(first_row, first_col)`` returned for ``key`` (made now if new): the
        block takes ``rows`` x ``cols`` cells, and ``fill`` gives what callers need of it and
        its cells. A block past the sheet's last row or column raises :class:`NoNativeForm`."""
        if key not in self.blocks:
            if self.next_row + rows - 1 > SHEET_ROWS or self.first_col + cols - 1 > SHEET_COLUMNS:
                raise NoNativeForm(
                    f"its {rows:,} x {cols} working cells do not fit on the sheet right of what it holds"
                )
            found, cells = fill(self.next_row, self.first_col)
            self.cells.extend(cells)
            self.blocks[key] = found
            self.next_row += rows + 1
        return self.blocks[key]

    def checkpoint(self) -> tuple[int, int, int]:
        return self.next_row, len(self.cells), len(self.blocks)

    def restore(self, point: tuple[int, int, int]) -> None:
        """Forget the blocks made since ``point``: the call that made them was frozen."""
        self.next_row, cells, blocks = point
        del self.cells[cells:]
        for key in list(self.blocks)[blocks:]:
            del self.blocks[key]


@dataclass(frozen=True)
class PerRow:
    """A native form written as one array formula per row of the result range: ``row(i)``
    spans the first ``width`` columns (cells past them show #N/A)."""

    row: Callable[[int], str]
    width: int


@dataclass(frozen=True)
class PerCell:
    """A native form written one formula per cell of the result range: ``cell(i, j)`` gives
    the formula of the cell ``i`` rows and ``j`` columns from the range's first cell."""

    cell: Callable[[int, int], str]


def shown(i: int, j: int, rows: int, cols: int) -> tuple[int, int] | None:
    """Which value of a result of ``rows`` x ``cols`` the cell ``i``, ``j`` of its array range
    shows: a result of one row (or column) repeats down (or across) a larger range, past a
    longer one the cells show #N/A (None), as Excel and LibreOffice fill array formulas.

    >>> shown(3, 1, 1, 4), shown(3, 1, 2, 4), shown(0, 5, 1, 4)
    ((0, 1), None, None)
    """
    if i >= rows and rows > 1 or j >= cols and cols > 1:
        return None
    return (i if rows > 1 else 0, j if cols > 1 else 0)


def laid_out(call: NativeCall, grid: Sequence[Sequence[str]], checks: Iterable[tuple[str, str]] = ()) -> str | PerCell:
    """A small result of fixed layout (``grid``: rows of formula texts, one per value).

    Where the call fills its range, each cell gets its own formula, which reads plainly
    (``=MIN(B2:B21)``, ``=MAX(B2:B21)``, ...); inside a larger formula the values are gathered
    with CHOOSE into one row or column. Cells past the result show #N/A, as an array formula
    larger than its result does.
    """
    checks = list(checks)
    if call.rows is not None:

        def cell(i: int, j: int) -> str:
            found = shown(i, j, len(grid), len(grid[0]))
            return "#N/A" if found is None else guarded(checks, grid[found[0]][found[1]])

        return PerCell(cell)
    if len(grid) == 1:
        values = list(grid[0])
        index = seq(len(values), column=False)
    elif all(len(row) == 1 for row in grid):
        values = [row[0] for row in grid]
        index = seq(len(values))
    else:
        raise NoNativeForm("its result is a table, and here it sits inside a larger formula")
    call.needs_array()
    return guarded(checks, f"CHOOSE({index},{','.join(values)})" if len(values) > 1 else values[0])


#: What a ``native=`` declaration is: the call in, formula text (or one per cell) out.
NativeForm = Callable[[NativeCall], "str | PerCell | PerRow"]


def without_native(reason: str) -> NativeForm:
    """The ``native=`` of a function that has no form in Excel's own functions.

    ``reason`` is shown, after the function's name, on each cell the converter freezes.
    """

    def refuse(call: NativeCall) -> str:
        raise NoNativeForm(reason)

    refuse.reason = reason  # type: ignore[attr-defined]
    return refuse


class Refused(Exception):
    """Raised inside a native form: the call gives this error value whatever the cells hold."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def refusing(native: Callable[[NativeCall], str]) -> Callable[[NativeCall], str]:
    """A native form in which :class:`Refused` anywhere gives its error value as the formula."""

    def wrapped(call: NativeCall) -> str:
        try:
            return native(call)
        except Refused as refused:
            return refused.code

    wrapped.__doc__ = native.__doc__
    return wrapped


# --------------------------------------------------------------------------- text helpers


def seq(n: int, start: int = 1, column: bool = True) -> str:
    """The array constant ``{start; start+1; ...}`` (a column) or ``{start, ...}`` (a row).

    >>> seq(3), seq(3, 0, column=False)
    ('{1;2;3}', '{0,1,2}')
    """
    joiner = ";" if column else ","
    return "{" + joiner.join(str(start + i) for i in range(n)) + "}"


def ones(n: int, column: bool = True) -> str:
    """``{1;1;...}`` (a column) or ``{1,1,...}`` (a row) of ``n`` ones."""
    joiner = ";" if column else ","
    return "{" + joiner.join("1" for _ in range(n)) + "}"


def either(*conditions: str) -> str:
    """``OR(...)`` of the conditions, or the one condition alone."""
    conditions = tuple(c for c in conditions if c)
    if len(conditions) == 1:
        return conditions[0]
    return f"OR({','.join(conditions)})"


def guarded(checks: Iterable[tuple[str, str]], value: str) -> str:
    """``value`` behind checks, each (condition, error value), in the order the method checks.

    >>> guarded([("A1<0", "#NUM!"), ("", "#N/A")], "SQRT(A1)")
    'IF(A1<0,#NUM!,SQRT(A1))'
    """
    merged: list[tuple[list[str], str]] = []
    for condition, code in checks:
        if not condition:
            continue
        if merged and merged[-1][1] == code:
            merged[-1][0].append(condition)
        else:
            merged.append(([condition], code))
    out = value
    for conditions, code in reversed(merged):
        out = f"IF({either(*conditions)},{code},{out})"
    return out


def paired(a: NativeArg, b: NativeArg) -> tuple[str, str]:
    """Two vectors of one length as SUMPRODUCT takes them: as they are when their shapes
    agree, else both as columns (the vector coercion reads either orientation)."""
    if a.shape == b.shape:
        return str(a), str(b)
    return a.column(), b.column()


def smaller(a: str, b: str) -> str:
    """Element by element minimum (MIN would take the minimum of everything)."""
    return f"IF({a}<{b},{a},{b})"


def clamp(x: str, low: str, high: str) -> str:
    """``x`` held between ``low`` and ``high``, element by element."""
    return f"IF({x}<{low},{low},IF({x}>{high},{high},{x}))"


def upstream(arg: NativeArg) -> str:
    """The first error value in ``arg``, or #VALUE!: what a range with a bad cell gives."""
    return f"SUM({arg.text})+#VALUE!"


def numbers_check(arg: NativeArg, blanks: str) -> tuple[str, str]:
    """The check that a range holds what its coercion policy accepts.

    ``strict``: numbers only (a blank, text or a logical value is #VALUE!); ``zero`` and
    ``missing``: numbers and blanks; ``skip``: anything.
    """
    if not arg.given or blanks == "skip":
        return "", ""
    if arg.is_literal and not isinstance(arg.literal, str | bool):
        return "", ""
    if blanks == "strict":
        return f"COUNT({arg.text})<{arg.size}", upstream(arg)
    return f"COUNTA({arg.text})>COUNT({arg.text})", upstream(arg)


def text_choice(arg: NativeArg, forms: Mapping[str, str | None], default: str) -> str:
    """The form of the choice ``arg`` names: resolved now for a literal, matched at run time
    for a cell (``CHOOSE(MATCH(...))``; a blank cell takes ``default``, MATCH ignores case).

    ``forms[choice]`` is the formula text for that choice, or None where the choice has no
    native form: a literal naming it raises :class:`NoNativeForm`, a cell choosing it gives
    #N/A (the caller notes which choice).
    """
    choices = list(forms)
    if arg.given and not arg.is_literal:
        branches = ",".join(forms[c] or "#N/A" for c in choices)
        names = ",".join(literal_text(c) for c in choices)
        matched = f"CHOOSE(MATCH(TRIM({arg.text}),{{{names}}},0),{branches})"
        if arg.ref is None:
            return matched
        return f"IF(ISBLANK({arg.text}),{forms[default] or '#N/A'},{matched})"
    if not arg.given or (isinstance(arg.literal, str) and not arg.literal.strip()):
        key = default
    elif isinstance(arg.literal, str):
        key = next((c for c in choices if c.lower() == arg.literal.strip().lower()), "")
    else:  # a number where a word is expected: not one of the choices
        key = ""
    if not key:
        return "#N/A"
    form = forms[key]
    if form is None:
        raise NoNativeForm(f'{arg.name} "{key}" has no form in Excel\'s own functions')
    return form


def is_whole(x: str) -> str:
    return f"{x}<>INT({x})"


def finite_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(float(value))


# --------------------------------------------------------------------------- limits


def check_limits(text: str) -> None:
    """Refuse a formula longer or more deeply nested than Excel reads."""
    if len(text) + 1 > MAX_FORMULA_CHARS:
        raise NoNativeForm(
            f"its native form would be {len(text) + 1:,} characters long, more than the "
            f"{MAX_FORMULA_CHARS:,} Excel allows in one formula"
        )
    depth = deepest = 0
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    if deepest > MAX_NESTING:
        raise NoNativeForm(
            f"its native form nests {deepest} levels of functions, more than the {MAX_NESTING} Excel allows"
        )
