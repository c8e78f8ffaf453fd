"""The compiled evaluator: a workbook read once, its formulas compiled to Python closures and
ordered by their dependencies, then evaluated for one input set or for many at once.

For many input sets (a batch of councils, a what-if table) every cell holds either one value
(it does not depend on the inputs) or a vector with one value per input set; the common
functions work on whole vectors, and a cell whose formula cannot is evaluated input set by
input set. Formulas it does not know raise :class:`~xlfuncs.engine.parser.Unsupported`
at compile time, and the workbook is recalculated by the ``formulas`` engine instead.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from xlfuncs.engine import borrowed
from xlfuncs.engine import library as excel_functions
from xlfuncs.engine.library.dates import DATE1904
from xlfuncs.engine.names import plain_names
from xlfuncs.engine.parser import MAX_COL, MAX_ROW, Unsupported, parse, parse_reference, shape_key
from xlfuncs.engine.stack import deep
from xlfuncs.engine.values import (
    DIV0,
    ERRORS,
    NAME,
    NUM,
    REF,
    VALUE,
    NeedsScalar,
    Rng,
    XlErr,
    compare,
    to_number,
    to_text,
)
from xlfuncs.excel.errors import failure
from xlfuncs.excel.registry import ExcelFunction, functions
from xlfuncs.xlsx.cells import BookCells, read_cells
from xlfuncs.xlsx.package import Package
from xlfuncs.xlsx.refs import col_letters

Key = tuple[str, int, int]


class Env:
    """Cell values during one evaluation, and the ranges already assembled from them."""

    __slots__ = ("vals", "ranges", "messages", "label", "row", "col")

    def __init__(self, vals: dict[Key, Any], messages: dict[str, str]):
        self.vals = vals
        self.ranges: dict[tuple, Rng] = {}
        self.messages = messages
        self.label = ""
        self.row = 0  # the cell being evaluated: relative references count from it
        self.col = 0

    def get(self, key: Key) -> Any:
        return self.vals.get(key)

    def rng(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> Rng:
        cache_key = (sheet, r1, c1, r2, c2)
        found = self.ranges.get(cache_key)
        if found is None:
            cells = np.empty((r2 - r1 + 1, c2 - c1 + 1), dtype=object)
            vectors = False
            get = self.vals.get
            for i in range(r2 - r1 + 1):
                for j in range(c2 - c1 + 1):
                    v = get((sheet, r1 + i, c1 + j))
                    if isinstance(v, np.ndarray):
                        vectors = True
                    cells[i, j] = v
            found = Rng(cells, vectors, origin=(sheet, r1, c1))
            self.ranges[cache_key] = found
        return found


class ScenarioEnv(Env):
    """The values of one input set, out of a vector evaluation."""

    __slots__ = ("index", "shared")

    def __init__(self, vals, messages, index: int, shared: Env | None = None):
        super().__init__(vals, messages)
        self.index = index
        self.shared = shared  # ranges that are the same for every input set come from here

    def get(self, key: Key) -> Any:
        v = self.vals.get(key)
        if isinstance(v, np.ndarray):
            item = v[self.index]
            return item.item() if isinstance(item, np.generic) else item
        return v

    def rng(self, sheet, r1, c1, r2, c2):
        cache_key = (sheet, r1, c1, r2, c2)
        found = self.ranges.get(cache_key)
        if found is None and self.shared is not None:
            common = self.shared.rng(sheet, r1, c1, r2, c2)
            if not common.has_vectors:
                self.ranges[cache_key] = common
                return common
        if found is None:
            cells = np.empty((r2 - r1 + 1, c2 - c1 + 1), dtype=object)
            for i in range(r2 - r1 + 1):
                for j in range(c2 - c1 + 1):
                    cells[i, j] = self.get((sheet, r1 + i, c1 + j))
            found = Rng(cells, origin=(sheet, r1, c1))
            self.ranges[cache_key] = found
        return found


# ----------------------------------------------------------------------------- operators


def _vector_operand(v: Any) -> Any:
    """A float, or a float vector, or raise NeedsScalar."""
    if isinstance(v, np.ndarray):
        if v.dtype != float:
            raise NeedsScalar
        return v
    if isinstance(v, Rng):
        raise NeedsScalar
    n = to_number(v)
    if type(n) is XlErr:
        raise NeedsScalar
    return n


_NUMPY_OPS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power}
_COMPARE_OPS = {
    "=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0,
    ">": lambda c: c > 0, "<=": lambda c: c <= 0, ">=": lambda c: c >= 0,
}
_NUMPY_COMPARE = {"=": np.equal, "<>": np.not_equal, "<": np.less, ">": np.greater, "<=": np.less_equal, ">=": np.greater_equal}


def _single(v: Any) -> Any:
    if isinstance(v, Rng):
        return v.cells.flat[0] if v.cells.size == 1 else VALUE
    return v


def scalar_op(op: str, a: Any, b: Any) -> Any:
    if op in _COMPARE_OPS:
        c = compare(a, b)
        return c if type(c) is XlErr else _COMPARE_OPS[op](c)
    if op == "&":
        left, right = to_text(a), to_text(b)
        if type(left) is XlErr:
            return left
        if type(right) is XlErr:
            return right
        return left + right
    x, y = to_number(a), to_number(b)
    if type(x) is XlErr:
        return x
    if type(y) is XlErr:
        return y
    try:
        if op == "+":
            r = x + y
        elif op == "-":
            r = x - y
        elif op == "*":
            r = x * y
        elif op == "/":
            if y == 0:
                return DIV0
            r = x / y
        else:
            return excel_functions.power(x, y)
    except OverflowError:
        return NUM
    return r if math.isfinite(r) else NUM


def _binary(op: str, a: Any, b: Any, array: bool) -> Any:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if array or op == "&":
            raise NeedsScalar
        x, y = _vector_operand(a), _vector_operand(b)
        if op in _NUMPY_COMPARE:
            return _NUMPY_COMPARE[op](x, y).astype(object)
        with np.errstate(all="ignore"):
            result = _NUMPY_OPS[op](x, y)
        if not np.all(np.isfinite(result)):
            raise NeedsScalar  # the exact error values come from the scalar rules
        return np.asarray(result, dtype=float)
    if array and (isinstance(a, Rng) or isinstance(b, Rng)):
        return _elementwise(lambda x, y: scalar_op(op, x, y), a, b)
    return scalar_op(op, _single(a), _single(b))


def _elementwise(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> Rng:
    """Array arithmetic as in an array formula: shapes broadcast, a mismatch gives #N/A."""
    ca = a.cells if isinstance(a, Rng) else np.array([[a]], dtype=object)
    cb = b.cells if isinstance(b, Rng) else np.array([[b]], dtype=object)
    na = a.nominal if isinstance(a, Rng) else None
    nb = b.nominal if isinstance(b, Rng) else None
    sa, sb = na or ca.shape, nb or cb.shape
    rows, cols = max(sa[0], sb[0]), max(sa[1], sb[1])
    out = np.empty((rows, cols), dtype=object)
    for i in range(rows):
        for j in range(cols):
            x = _pick(ca, i, j, na)
            y = _pick(cb, i, j, nb)
            out[i, j] = fn(x, y)
    return Rng(out)


def _clipped(found: Rng, nominal: tuple[int, int]) -> Rng:
    return Rng(found.cells, found.has_vectors, nominal, found.origin)


def _multi(v: Any) -> bool:
    return type(v) is Rng and (v.cells.size != 1 or v.nominal is not None and v.nominal != (1, 1))


def intersect(v: Any, row: int, col: int) -> Any:
    """Excel's implicit intersection: the cell of a range in the formula's own row (a column
    range) or column (a row range), as a one-cell range; #VALUE! when there is none. An array
    constant gives its first value."""
    if not _multi(v):
        return v
    if v.origin is None:
        return v.cells.flat[0] if v.cells.size else VALUE
    sheet, r1, c1 = v.origin
    rows, cols = v.size
    if cols == 1 and r1 <= row < r1 + rows:
        i, j = row - r1, 0
    elif rows == 1 and c1 <= col < c1 + cols:
        i, j = 0, col - c1
    else:
        return VALUE
    one = np.empty((1, 1), dtype=object)
    one[0, 0] = v.at(i, j)
    return Rng(one, origin=(sheet, r1 + i, c1 + j))


def _lift(fn: Callable[..., Any], values: list[Any], lifted: list[int]) -> Rng:
    """``fn`` applied cell by cell over the arguments at ``lifted`` (an array formula giving a
    range where one value is expected): shapes broadcast, positions past a smaller one #N/A."""
    shapes = [values[i].size if type(values[i]) is Rng else (1, 1) for i in lifted]
    rows, cols = max(s[0] for s in shapes), max(s[1] for s in shapes)
    out = np.empty((rows, cols), dtype=object)
    args = list(values)
    for r in range(rows):
        for c in range(cols):
            error = None
            for i, (n_rows, n_cols) in zip(lifted, shapes, strict=True):
                v = values[i]
                if type(v) is not Rng:
                    continue
                if (n_rows > 1 and r >= n_rows) or (n_cols > 1 and c >= n_cols):
                    error = ERRORS["#N/A"]
                    break
                args[i] = v.at(min(r, n_rows - 1), min(c, n_cols - 1))
            if error is not None:
                out[r, c] = error
                continue
            try:
                result = fn(*args)
            except TypeError:
                result = VALUE
            out[r, c] = _element(result)
    return Rng(out)


def _element(v: Any) -> Any:
    if isinstance(v, _OneCell):
        v = v.value()
    if type(v) is Rng:
        return v.cells.flat[0] if v.cells.size else VALUE
    if type(v) is int:
        return float(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def _shaped(name: str, fn: Callable[..., Any], count: int, array: bool) -> Callable[[list[Any], Env], Any]:
    """``fn`` called with evaluated arguments, ranges given for single values lifted (array
    formula) or intersected (ordinary formula) as Excel does for ``name``."""
    from xlfuncs.engine.library.shapes import RANGE, SCALAR, TOOLPAK, kind_of

    kinds = [kind_of(name, i) for i in range(count)]
    liftable = [i for i, k in enumerate(kinds) if k != RANGE]
    scalars = [i for i, k in enumerate(kinds) if k == SCALAR]
    toolpak = name in TOOLPAK

    def apply(values: list[Any], env: Env) -> Any:
        if array:
            lifted = [i for i in liftable if _multi(values[i])]
            if lifted:
                return VALUE if toolpak else _lift(fn, values, lifted)
        else:
            for i in scalars:
                if _multi(values[i]):
                    values[i] = intersect(values[i], env.row, env.col)
        return fn(*values)

    return apply


def _pick(cells: np.ndarray, i: int, j: int, nominal: tuple[int, int] | None = None) -> Any:
    rows, cols = cells.shape
    if nominal is not None and (i >= rows or j >= cols) and i < nominal[0] and j < nominal[1]:
        return None  # a blank cell past the used part of a whole row or column
    if (rows > 1 and i >= rows) or (cols > 1 and j >= cols):
        return ERRORS["#N/A"]
    return cells[min(i, rows - 1), min(j, cols - 1)]


# ----------------------------------------------------------------------------- compiling


@dataclass
class Node:
    sheet: str
    row: int
    col: int
    bounds: tuple[int, int, int, int] | None  # array formula range, or None for one cell
    fn: Callable[[Env], Any]
    label: str


class CompiledWorkbook:
    """A workbook's formulas, compiled once."""

    def __init__(self, package: Package, cells: BookCells | None = None):
        self.package = package
        self.cells = cells or read_cells(package)
        self.titles = {title.upper(): title for title in self.cells.sheets}
        self.registry: dict[str, ExcelFunction] = functions()
        self.constants: dict[Key, Any] = {}
        self.extent: dict[str, tuple[int, int]] = {}
        for title, sheet in self.cells.sheets.items():
            max_row = max_col = 1
            for (r, c), v in sheet.values.items():
                self.constants[(title, r, c)] = v
                max_row, max_col = max(max_row, r), max(max_col, c)
            for (r, c) in sheet.formulas:
                max_row, max_col = max(max_row, r), max(max_col, c)
            for (_r1, _c1, r2, c2) in sheet.arrays.values():
                max_row, max_col = max(max_row, r2), max(max_col, c2)
            self.extent[title] = (max_row, max_col)
        self._read_external_books()
        self.tables: dict | None = None  # read when a formula first uses a structured reference
        self._upper_names = {name.upper(): text for name, text in self.cells.names.items()}
        self._name_cells: dict[tuple[str, str], tuple[str]] = {}
        self._expanding: set[tuple[str, str]] = set()
        self.nodes: list[Node] = []
        self.node_at: dict[Key, int] = {}
        precedents: list[set[tuple]] = []
        self._precedents = precedents
        addin_links = package.addin_links
        registry_names = list(self.registry)
        shapes: dict[tuple, tuple[Callable, tuple]] = {}
        #: Why a formula could not be compiled, by cell: it shows an error, the rest calculates.
        self.compile_messages: dict[str, str] = {}
        #: Functions neither the evaluator nor the borrowed library knows (they give #NAME?).
        self.unknown_functions: set[str] = set()
        for title, sheet in self.cells.sheets.items():
            for (r, c), text in sheet.formulas.items():
                text = plain_names(text, registry_names, addin_links)
                bounds = sheet.arrays.get((r, c))
                # Copies of one formula down a column share a shape: parsed and compiled once.
                shape = (title, bounds is not None, shape_key(text, r, c))
                compiled = shapes.get(shape)
                if compiled is None:
                    found: set[tuple] = set()
                    try:
                        ast = parse(text, title, r, c)
                        fn = self._compile(ast, title, found, array=bounds is not None)
                        if ast[0] == "call" and ast[1] in self.registry:
                            fn = _EachInputSet(fn, self.registry[ast[1]], ast[2], self, title, found, bounds is not None)
                    except Unsupported as exc:
                        fn = _failed(exc)
                        found = set()
                    except _CELL_FAILURES as exc:  # a formula the parser trips on: its cell only
                        fn = _Failed(VALUE, f"#VALUE! xlfuncs cannot read this formula ({type(exc).__name__}: {exc})")
                        found = set()
                    compiled = shapes[shape] = (fn, tuple(found))
                fn, templates = compiled
                if isinstance(fn, _Failed):
                    self.compile_messages[f"{title}!{col_letters(c)}{r}"] = fn.message
                    if fn.unknown:
                        self.unknown_functions.add(fn.unknown)
                index = len(self.nodes)
                self.nodes.append(Node(title, r, c, bounds, fn, f"{title}!{col_letters(c)}{r}"))
                precedents.append({_anchored(t, r, c) for t in templates})
                if bounds:
                    r1, c1, r2, c2 = bounds
                    for rr in range(r1, r2 + 1):
                        for cc in range(c1, c2 + 1):
                            self.node_at[(title, rr, cc)] = index
                else:
                    self.node_at[(title, r, c)] = index
        self.order = self._order(precedents)

    def _read_external_books(self) -> None:
        """Linked workbooks' cached cells as sheets titled ``[n]Sheet``, read as Excel reads them."""
        from xlfuncs.xlsx.external import read_external_books

        self.unreadable_sheets: set[str] = set()
        self.external_names: dict[str, str] = {}
        if not self.package.external_links:
            return
        for index, book in read_external_books(self.package).items():
            for name, refers in book.names.items():
                self.external_names[f"[{index}]{name}"] = refers
            for sheet, cells in book.sheets.items():
                title = f"[{index}]{sheet}"
                self.titles[title.upper()] = title
                max_row = max_col = 1
                for (r, c), v in cells.items():
                    self.constants[(title, r, c)] = v
                    max_row, max_col = max(max_row, r), max(max_col, c)
                self.extent[title] = (max_row, max_col)
                if sheet in book.unreadable:
                    self.unreadable_sheets.add(title)

    # -- references

    def _title(self, sheet: str) -> str | None:
        title = self.titles.get(sheet.upper())
        return None if title in self.unreadable_sheets else title

    def _bounded(self, title: str, r1: int, c1: int, r2: int, c2: int) -> tuple[int, int, int, int]:
        max_row, max_col = self.extent[title]
        if r2 == MAX_ROW:
            r2 = max(r1, max_row)
        if c2 == MAX_COL:
            c2 = max(c1, max_col)
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 5_000_000:
            raise Unsupported("a range too large to evaluate cell by cell")
        return r1, c1, r2, c2

    def _compile_ref(self, node: tuple, refs: set[tuple]) -> Callable[[Env], Any]:
        _, sheet, r1, c1, r2, c2, relative = node
        title = self._title(sheet)
        if title is None:
            return lambda env: REF
        if any(relative):
            refs.add((title, r1, c1, r2, c2, relative))
            if (r1, c1, relative[0], relative[1]) == (r2, c2, relative[2], relative[3]):
                return _RelativeCell(title, r1, c1, relative[0], relative[1])
            return _RelativeRange(title, r1, c1, r2, c2, relative)
        nominal = (r2 - r1 + 1, c2 - c1 + 1)
        r1, c1, r2, c2 = self._bounded(title, r1, c1, r2, c2)
        refs.add((title, r1, c1, r2, c2, relative))
        if r1 == r2 and c1 == c2 and nominal == (1, 1):
            # A one-cell reference is a value; functions that need a range get one from it.
            return _CellRef((title, r1, c1), (title, r1, c1, r2, c2))
        if nominal != (r2 - r1 + 1, c2 - c1 + 1):
            return lambda env: _clipped(env.rng(title, r1, c1, r2, c2), nominal)
        return lambda env: env.rng(title, r1, c1, r2, c2)

    def _compile(self, node: tuple, sheet: str, refs: set[tuple], array: bool) -> Callable[[Env], Any]:
        kind = node[0]
        if kind == "num" or kind == "str" or kind == "bool":
            value = node[1]
            return lambda env: value
        if kind == "err":
            err = ERRORS.get(node[1], VALUE)
            return lambda env: err
        if kind == "missing":
            return lambda env: None
        if kind == "ref":
            return self._compile_ref(node, refs)
        if kind == "name":
            return self._compile_name(node[1], sheet, refs, array)
        if kind == "table":
            return self._compile_ref(self._table_reference(node[1], node[2], sheet), refs)
        if kind in ("span", "isect"):
            return self._compile_reference_operator(node, sheet, refs, array)
        if kind == "union":
            raise Unsupported("a union of references outside a function that takes several ranges")
        if kind == "array":
            rows = [[self._compile(item, sheet, refs, array) for item in row] for row in node[1]]

            def constant_array(env):
                cells = np.empty((len(rows), len(rows[0])), dtype=object)
                for i, row in enumerate(rows):
                    for j, item in enumerate(row):
                        cells[i, j] = item(env)
                return Rng(cells)

            return constant_array
        if kind == "neg":
            inner = self._compile(node[1], sheet, refs, array)
            return lambda env: _binary("*", -1.0, _operand(inner(env), array, env), array)
        if kind == "pct":
            inner = self._compile(node[1], sheet, refs, array)
            return lambda env: _binary("/", _operand(inner(env), array, env), 100.0, array)
        if kind == "op":
            op = node[1]
            left = self._compile(node[2], sheet, refs, array)
            right = self._compile(node[3], sheet, refs, array)
            return lambda env: _binary(op, _operand(left(env), array, env), _operand(right(env), array, env), array)
        if kind == "chain":
            first = self._compile(node[1], sheet, refs, array)
            rest = [(op, self._compile(item, sheet, refs, array)) for op, item in node[2]]

            def chain(env):
                value = _operand(first(env), array, env)
                for op, item in rest:
                    value = _binary(op, value, _operand(item(env), array, env), array)
                return value

            return chain
        if kind == "call":
            return self._compile_call(node[1], node[2], sheet, refs, array)
        raise Unsupported(f"node {kind}")

    def _compile_name(self, name: str, sheet: str, refs: set[tuple], array: bool) -> Callable[[Env], Any]:
        """A defined name: the sheet's own first, then the workbook's; a reference, a constant
        or a formula compiled where it is used. A name that refers to itself, directly or
        through others, becomes one formula of its own, so that its circular reference is
        iterated or refused as a cell's would be."""
        if name.startswith("["):
            return self._compile_linked_name(name, refs)
        local = self.cells.local_names.get((sheet, name))
        scope, text = (sheet, local) if local is not None else ("", self._upper_names.get(name))
        if text is None:
            return lambda env: NAME  # an undefined name is #NAME? in Excel
        key = (scope, name)
        cell = self._name_cells.get(key)
        if cell is not None:
            refs.add((cell[0], 1, 1, 1, 1, ABSOLUTE_FLAGS))
            return _CellRef((cell[0], 1, 1), (cell[0], 1, 1, 1, 1))
        if key in self._expanding:
            raise _SelfReference(key)
        if "#REF!" in text.upper():
            return lambda env: REF
        self._expanding.add(key)
        try:
            return self._compile(parse(text.strip(), sheet), sheet, refs, array)
        except _SelfReference as exc:
            if exc.key != key:
                raise
        finally:
            self._expanding.discard(key)
        return self._name_formula(key, text, sheet, refs)

    def _name_formula(self, key: tuple[str, str], text: str, sheet: str, refs: set[tuple]) -> Callable[[Env], Any]:
        scope, name = key
        title = f"\x00name {scope}!{name}"
        self._name_cells[key] = (title,)
        found: set[tuple] = set()
        fn = self._compile(parse(text.strip(), sheet), sheet, found, False)
        index = len(self.nodes)
        self.nodes.append(Node(title, 1, 1, None, fn, f"name {name}"))
        self.node_at[(title, 1, 1)] = index
        self._precedents.append({_anchored(t, 1, 1) for t in found})
        self.extent[title] = (1, 1)
        refs.add((title, 1, 1, 1, 1, ABSOLUTE_FLAGS))
        return _CellRef((title, 1, 1), (title, 1, 1, 1, 1))

    def _table_reference(self, name: str, specifier: str, sheet: str) -> tuple:
        """A structured reference as a reference node: ``Table1[Cost]`` (the column's data),
        ``[@Cost]`` and ``Table1[[#This Row],[Cost]]`` (the formula's own row, relative, so a
        column of such formulas shares one compiled form), ``#All``, ``#Headers``, ``#Data``,
        ``#Totals``, ``[A]:[B]`` column spans."""
        if self.tables is None:
            from xlfuncs.xlsx.tables import read_tables

            self.tables = read_tables(self.package)
        table = self.tables.get(name) if name else self._table_at(sheet)
        if table is None:
            raise Unsupported(f"no table {name or 'around this cell'}")
        specials, columns = _table_specifier(specifier)
        first_data = table.first_row + table.header_rows
        last_data = table.last_row - table.totals_rows
        if columns:
            found = [table.column(c) for c in columns]
            if any(c is None for c in found):
                raise Unsupported(f"no column {columns} in table {table.name}")
            c1, c2 = min(found), max(found)  # type: ignore[type-var]
        else:
            c1, c2 = table.first_col, table.last_col
        if "#THIS ROW" in specials:
            return ("ref", table.sheet, 0, c1, 0, c2, (True, False, True, False))
        spans = {
            "#ALL": (table.first_row, table.last_row),
            "#DATA": (first_data, last_data),
            "#HEADERS": (table.first_row, first_data - 1),
            "#TOTALS": (last_data + 1, table.last_row),
        }
        chosen = [spans[k] for k in specials if k in spans] or [spans["#DATA"]]
        r1, r2 = min(a for a, _ in chosen), max(b for _, b in chosen)
        if r1 > r2:
            return ("ref", "\x00no such rows", 1, 1, 1, 1, ABSOLUTE_FLAGS)  # reads as #REF!
        return ("ref", table.sheet, r1, c1, r2, c2, ABSOLUTE_FLAGS)

    def _table_at(self, sheet: str):
        """The table a ``[@Column]`` formula sits in: that of its sheet (first found)."""
        for table in (self.tables or {}).values():
            if table.sheet == sheet:
                return table
        return None

    def _compile_linked_name(self, name: str, refs: set[tuple]) -> Callable[[Env], Any]:
        """``[1]!Rate``: a name of a linked workbook, read from the cache of what it refers to."""
        book, _, plain = name[1:].partition("]")
        refers = self.external_names.get(f"[{book}]{plain}", "")
        try:
            target = parse_reference(refers, "") if refers else None
        except Unsupported:
            target = None
        if target is None or target[0] != "ref":
            return lambda env: NAME
        _, where, r1, c1, r2, c2, relative = target
        return self._compile_ref(("ref", f"[{book}]{where}", r1, c1, r2, c2, relative), refs)

    def _compile_reference_operator(self, node: tuple, sheet: str, refs: set[tuple], array: bool):
        """``A1:INDEX(B:B, n)`` spans both references; ``B2:E5 C3:D4`` is what they share
        (#NULL! when nothing)."""
        kind, left_node, right_node = node
        left = self._compile(left_node, sheet, refs, array)
        right = self._compile(right_node, sheet, refs, array)
        span = kind == "span"

        def apply(env):
            a, b = _bounds_of(left(env)), _bounds_of(right(env))
            if a is None or b is None or a[0] != b[0]:
                return VALUE
            title = a[0]
            if span:
                box = (min(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]), max(a[4], b[4]))
            else:
                box = (max(a[1], b[1]), max(a[2], b[2]), min(a[3], b[3]), min(a[4], b[4]))
                if box[0] > box[2] or box[1] > box[3]:
                    return ERRORS["#NULL!"]
            return env.rng(title, *box)

        return apply

    def _compile_call(self, name: str, arg_nodes: list, sheet: str, refs: set[tuple], array: bool):
        if name in ("ROW", "COLUMN") and len(arg_nodes) <= 1:
            return self._compile_position(name == "ROW", arg_nodes, sheet, array)
        if name == "OFFSET" and 3 <= len(arg_nodes) <= 5:
            return self._compile_offset(arg_nodes, sheet, refs)
        if name == "INDIRECT" and 1 <= len(arg_nodes) <= 2:
            return self._compile_indirect(arg_nodes, sheet, refs)
        if any(a[0] == "union" for a in arg_nodes):
            from xlfuncs.engine.library.shapes import RANGE, kind_of

            if not all(kind_of(name, i) == RANGE for i in range(len(arg_nodes) + 8)):
                raise Unsupported(f"a union of references in {name}")
            spliced: list[tuple] = []
            for a in arg_nodes:
                spliced.extend(a[1] if a[0] == "union" else [a])
            arg_nodes = spliced
        args = [self._compile(a, sheet, refs, array) for a in arg_nodes]
        if not array and name in _LAZY and name not in self.registry:
            eager = self._compile_eager(name, args, arg_nodes, array)
            return _LAZY[name](args, eager)
        return self._compile_eager(name, args, arg_nodes, array)

    def _compile_eager(self, name: str, args: list, arg_nodes: list, array: bool):
        spec = self.registry.get(name)
        if spec is not None:
            return _registry_call(spec, args, array)
        impl = excel_functions.FUNCTIONS.get(name)
        if impl is None:
            if borrowed.knows(name):
                return _borrowed_call(name, args, [a[0] == "missing" for a in arg_nodes], array)
            raise UnknownFunction(name)
        vector = VECTOR_FUNCTIONS.get(name)
        shaped = _shaped(name, impl, len(args), array)

        def call(env):
            values = [_arg_value(a(env)) for a in args]
            try:
                if any(isinstance(v, np.ndarray) or (type(v) is Rng and v.has_vectors) for v in values):
                    if vector is None:
                        raise NeedsScalar
                    return vector(*values)
                return shaped(values, env)
            except TypeError:
                return VALUE  # a wrong number of arguments shows #VALUE!, as it would in Excel

        return call

    def _whole_sheet(self, title: str, refs: set[tuple]) -> None:
        """Depend on every cell of ``title``: a reference found only at run time (OFFSET,
        INDIRECT) may read any of them. Where that makes a circle, the cells are evaluated on
        demand (see :meth:`_evaluate_cycle`), so each is still computed before it is read."""
        max_row, max_col = self.extent.get(title, (1, 1))
        refs.add((title, 1, 1, max_row, max_col, ABSOLUTE_FLAGS))

    def _compile_offset(self, arg_nodes: list, sheet: str, refs: set[tuple]):
        """OFFSET(reference, rows, cols, [height], [width]): a reference, found at run time."""
        base = self._compile(arg_nodes[0], sheet, refs, False)
        numbers = [self._compile(a, sheet, refs, False) for a in arg_nodes[1:]]
        omitted = [a[0] == "missing" for a in arg_nodes[1:]]
        if arg_nodes[0][0] == "ref":
            title = self._title(arg_nodes[0][1])
            if title is not None:
                self._whole_sheet(title, refs)

        def offset(env):
            bounds = _bounds_of(base(env))
            if bounds is None:
                return VALUE
            title, r1, c1, r2, c2 = bounds
            moves = []
            for fn, left_out in zip(numbers, omitted, strict=True):
                if left_out:
                    moves.append(None)
                    continue
                v = _operand(fn(env), False, env)
                v = v.cells.flat[0] if type(v) is Rng else v
                n = to_number(v)
                if type(n) is XlErr:
                    return n
                moves.append(math.trunc(n))
            while len(moves) < 4:
                moves.append(None)
            down, across, height, width = moves
            height = r2 - r1 + 1 if height is None else height
            width = c2 - c1 + 1 if width is None else width
            if height == 0 or width == 0:
                return REF
            top, left = r1 + (down or 0), c1 + (across or 0)
            bottom, right = top + height - 1, left + width - 1
            top, bottom = min(top, bottom), max(top, bottom)
            left, right = min(left, right), max(left, right)
            if top < 1 or left < 1 or bottom > MAX_ROW or right > MAX_COL:
                return REF
            if (bottom - top + 1) * (right - left + 1) > 5_000_000:
                return REF
            return env.rng(title, top, left, bottom, right)

        return offset

    def _compile_indirect(self, arg_nodes: list, sheet: str, refs: set[tuple]):
        """INDIRECT(text, [a1]): the reference a text names, A1 style (R1C1 style gives #REF!)."""
        text_fn = self._compile(arg_nodes[0], sheet, refs, False)
        style = self._compile(arg_nodes[1], sheet, refs, False) if len(arg_nodes) == 2 and arg_nodes[1][0] != "missing" else None
        for title in self.cells.sheets:
            self._whole_sheet(title, refs)

        def indirect(env):
            v = _operand(text_fn(env), False, env)
            v = v.cells.flat[0] if type(v) is Rng else v
            if type(v) is XlErr:
                return v
            if style is not None:
                a1 = _operand(style(env), False, env)
                a1 = a1.cells.flat[0] if type(a1) is Rng else a1
                if a1 is False or a1 == 0:
                    return REF
            if type(v) is not str or not v.strip():
                return REF
            try:
                node = parse_reference(v.strip(), sheet)
            except Unsupported:
                return REF
            if node[0] == "name":
                found = self._upper_names.get(node[1])
                if found is None:
                    return REF
                try:
                    node = parse_reference(found.strip(), sheet)
                except Unsupported:
                    return REF
                if node[0] != "ref":
                    return REF
            _, where, r1, c1, r2, c2, _relative = node
            title = self._title(where)
            if title is None or "[" in title:
                return REF
            r1, c1, r2, c2 = self._bounded(title, r1, c1, r2, c2)
            return env.rng(title, r1, c1, r2, c2)

        return indirect

    def _compile_position(self, rows: bool, arg_nodes: list, sheet: str, array: bool):
        """ROW and COLUMN: of the formula's own cell, or of a reference (each of its rows or
        columns in an array formula, the first otherwise). They read no cell's value, so they
        add no dependency."""
        if not arg_nodes or arg_nodes[0][0] == "missing":
            return lambda env: float(env.row if rows else env.col)
        target = self._compile(arg_nodes[0], sheet, set(), array)

        def position(env):
            v = target(env)
            if isinstance(v, _OneCell):
                v = v.range()
            if type(v) is not Rng or v.origin is None:
                return VALUE
            _sheet, r1, c1 = v.origin
            n_rows, n_cols = v.size
            if not array or (n_rows if rows else n_cols) == 1:
                return float(r1 if rows else c1)
            count = n_rows if rows else n_cols
            cells = np.empty((count, 1) if rows else (1, count), dtype=object)
            cells.flat[:] = [float((r1 if rows else c1) + k) for k in range(count)]
            return Rng(cells)

        return position

    def _order(self, precedents: list[set[tuple]]) -> list[int]:
        by_sheet: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for (title, r, c), index in self.node_at.items():
            by_sheet[title].append((r, c, index))
        positions = {title: np.array(items, dtype=np.int64).reshape(-1, 3) for title, items in by_sheet.items()}
        empty = np.empty((0, 3), dtype=np.int64)
        covered: dict[tuple, set[int]] = {}
        edges: list[set[int]] = [set() for _ in self.nodes]
        for index, refs in enumerate(precedents):
            for ref in refs:
                found = covered.get(ref)
                if found is None:
                    title, r1, c1, r2, c2 = ref
                    if r1 == r2 and c1 == c2:
                        hit = self.node_at.get((title, r1, c1))
                        found = {hit} if hit is not None else set()
                    else:
                        cells = positions.get(title, empty)
                        inside = (cells[:, 0] >= r1) & (cells[:, 0] <= r2) & (cells[:, 1] >= c1) & (cells[:, 1] <= c2)
                        found = set(cells[inside, 2].tolist())
                    covered[ref] = found
                edges[index] |= found
        dependants: list[list[int]] = [[] for _ in self.nodes]
        waiting = [0] * len(self.nodes)
        for index, deps in enumerate(edges):
            for dep in deps:
                dependants[dep].append(index)
                waiting[index] += 1
        ready = deque(i for i, n in enumerate(waiting) if n == 0)
        order = []
        while ready:
            index = ready.popleft()
            order.append(index)
            for later in dependants[index]:
                waiting[later] -= 1
                if waiting[later] == 0:
                    ready.append(later)
        if len(order) != len(self.nodes):
            order.extend(self._order_cycles(edges, {i for i, n in enumerate(waiting) if n > 0}))
        return order

    def _order_cycles(self, edges: list[set[int]], stuck: set[int]) -> list:
        """The formulas left over by the ordering: circular references and what follows from
        them, each cycle one unit (a tuple of its formulas in sheet, row, column order)."""
        from xlfuncs.engine.cycles import strongly_connected

        graph = {i: [d for d in edges[i] if d in stuck] for i in stuck}
        unit_of: dict[int, int] = {}
        units: list[tuple[int, ...] | int] = []
        sheet_order = {title: k for k, title in enumerate(self.cells.sheets)}
        for component in strongly_connected(graph):
            ordered = tuple(sorted(component, key=lambda i: (sheet_order.get(self.nodes[i].sheet, 0), self.nodes[i].row, self.nodes[i].col)))
            for i in ordered:
                unit_of[i] = len(units)
            units.append(ordered)
        for i in sorted(stuck):
            if i not in unit_of:
                unit_of[i] = len(units)
                units.append(i)
        needs: list[set[int]] = [set() for _ in units]
        for i in stuck:
            needs[unit_of[i]] |= {unit_of[d] for d in graph[i]} - {unit_of[i]}
        later: list[list[int]] = [[] for _ in units]
        for u, deps in enumerate(needs):
            for d in deps:
                later[d].append(u)
        count = [len(deps) for deps in needs]
        ready = deque(u for u, n in enumerate(count) if n == 0)
        out = []
        while ready:
            u = ready.popleft()
            out.append(units[u])
            for v in later[u]:
                count[v] -= 1
                if count[v] == 0:
                    ready.append(v)
        self.cycles = [unit for unit in units if isinstance(unit, tuple)]
        return out

    def _cycle_labels(self, unit: tuple[int, ...]) -> list[str]:
        return sorted(self.nodes[i].label for i in unit)

    def _iteration(self) -> tuple[int, float] | None:
        """Excel's iterative calculation when the workbook switches it on: (count, change)."""
        calc = self.cells.calculation
        if calc.get("iterate") not in ("1", "true"):
            return None
        try:
            return int(calc.get("iterateCount", "100")), float(calc.get("iterateDelta", "0.001"))
        except ValueError:
            return 100, 0.001

    # -- evaluation

    def evaluate(self, inputs: Mapping[Key, Any] | None = None, scenarios: int | None = None):
        """All cell values (``vals[(sheet, row, col)]``) and the messages of error cells.

        With ``scenarios`` = S, ``inputs`` may hold vectors of S values; cells that depend on
        them come back as vectors.
        """
        return deep(self._evaluate_in_date_system, inputs, scenarios)

    def _evaluate_in_date_system(self, inputs, scenarios):
        token = DATE1904.set(self.cells.date1904)
        try:
            return self._evaluate(inputs, scenarios)
        finally:
            DATE1904.reset(token)

    def _evaluate(self, inputs: Mapping[Key, Any] | None, scenarios: int | None):
        vals = dict(self.constants)
        skip = set()
        for key, value in (inputs or {}).items():
            vals[key] = value
            if key in self.node_at:
                skip.add(self.node_at[key])
        messages: dict[str, str] = dict(self.compile_messages)
        env = Env(vals, messages)
        for index in self.order:
            if type(index) is tuple:
                self._evaluate_cycle(index, vals, messages, skip)
                continue
            if index in skip:
                continue
            node = self.nodes[index]
            env.label = node.label
            env.row, env.col = node.row, node.col
            try:
                result = node.fn(env)
                if node.bounds is None:
                    if type(result) is Rng and result.origin is not None and _multi(result):
                        result = intersect(result, node.row, node.col)
                    result = _cell_result(result)
                    if isinstance(result, np.ndarray) and not _plain_vector(result):
                        raise NeedsScalar
            except NeedsScalar:
                if not scenarios:
                    raise
                result = self._per_scenario(node, vals, messages, scenarios, env)
            except _CELL_FAILURES as exc:  # a cell shows an error; the workbook still calculates
                result = VALUE
                messages.setdefault(node.label, f"#VALUE! cannot evaluate this formula ({type(exc).__name__}: {exc})")
            self._store(node, result, vals, scenarios)
        return vals, messages

    def _run(self, node: Node, env: Env) -> Any:
        env.label = node.label
        env.row, env.col = node.row, node.col
        try:
            result = node.fn(env)
            if node.bounds is None:
                if type(result) is Rng and result.origin is not None and _multi(result):
                    result = intersect(result, node.row, node.col)
                result = _cell_result(result)
        except _CELL_FAILURES as exc:
            if isinstance(exc, RecursionError):
                raise
            env.messages.setdefault(node.label, f"#VALUE! cannot evaluate this formula ({type(exc).__name__}: {exc})")
            result = VALUE
        return result

    def _evaluate_cycle(self, unit: tuple[int, ...], vals: dict, messages: dict, skip: set) -> None:
        """Formulas that refer to each other in a circle (or may, through OFFSET or INDIRECT):
        first evaluated on demand, which succeeds where the circle is never followed at run time
        (an IF that does not take that branch); where it is, iterated as Excel does when the
        workbook switches iterative calculation on, and refused otherwise."""
        from xlfuncs.engine.cycles import cycle_error

        members = [i for i in unit if i not in skip]
        env = _DemandEnv(vals, messages, self, members)
        try:
            for index in members:
                env.demand(index)
            return
        except (_RuntimeCycle, RecursionError):
            iteration = self._iteration()
            if iteration is None:
                raise cycle_error(self.package.path, self._cycle_labels(unit)) from None
        count, delta = iteration
        plain = Env(vals, messages)
        for _ in range(max(1, count)):
            plain.ranges = {}
            change = 0.0
            for index in members:
                node = self.nodes[index]
                before = vals.get((node.sheet, node.row, node.col))
                result = self._run(node, plain)
                self._store(node, result, vals, None)
                if type(result) is float and type(before) is float:
                    change = max(change, abs(result - before))
                elif result != before:
                    change = math.inf
            if change < delta:
                break

    def _per_scenario(self, node: Node, vals, messages, scenarios: int, shared: Env):
        results = []
        for s in range(scenarios):
            view = ScenarioEnv(vals, messages, s, shared)
            view.label = node.label
            view.row, view.col = node.row, node.col
            value = node.fn(view)
            results.append(value if node.bounds else _cell_result(value))
        if node.bounds:
            return _PerScenario(results)
        if all(type(v) is float for v in results):
            return np.array(results, dtype=float)
        out = np.empty(scenarios, dtype=object)
        out[:] = results
        return out

    def _store(self, node: Node, result: Any, vals: dict, scenarios: int | None) -> None:
        if node.bounds is None:
            vals[(node.sheet, node.row, node.col)] = result
            return
        r1, c1, r2, c2 = node.bounds
        if isinstance(result, _PerScenario):
            if _store_stacked(node, result.values, vals):
                return
            per_cell: dict[Key, list] = defaultdict(list)
            for value in result.values:
                for key, v in _fill(node, value, r1, c1, r2, c2):
                    per_cell[key].append(v)
            for key, items in per_cell.items():
                if all(type(v) is float for v in items):
                    vals[key] = np.array(items, dtype=float)  # arithmetic on it stays vectorised
                    continue
                vector = np.empty(len(items), dtype=object)
                vector[:] = items
                vals[key] = vector
            return
        for key, v in _fill(node, result, r1, c1, r2, c2):
            vals[key] = v


def _condition(v: Any, env: Env) -> Any:
    """A condition's value in an ordinary formula: bool, an error, or a vector (batch)."""
    if isinstance(v, _OneCell):
        v = v.value()
    if type(v) is Rng:
        v = intersect(v, env.row, env.col)
        v = v.cells.flat[0] if type(v) is Rng else v
    if isinstance(v, np.ndarray):
        return v
    from xlfuncs.engine.values import to_bool

    return to_bool(v)


def _branch(v: Any) -> Any:
    return 0.0 if v is None else v


def _lazy_if(args: list[Callable], eager: Callable):
    """IF evaluating only the branch it takes (so a branch that would be circular, or slow, is
    never read), as Excel does."""
    if len(args) not in (2, 3):
        return eager

    def call(env):
        test = _condition(args[0](env), env)
        if isinstance(test, np.ndarray):
            return eager(env)
        if type(test) is XlErr:
            return test
        if test:
            return _branch(args[1](env))
        return _branch(args[2](env)) if len(args) == 3 else False

    return call


def _lazy_ifs(args: list[Callable], eager: Callable):
    if not args or len(args) % 2:
        return eager

    def call(env):
        for i in range(0, len(args), 2):
            test = _condition(args[i](env), env)
            if isinstance(test, np.ndarray):
                return eager(env)
            if type(test) is XlErr:
                return test
            if test:
                return _branch(args[i + 1](env))
        return ERRORS["#N/A"]

    return call


def _lazy_iferror(only_na: bool):
    def build(args: list[Callable], eager: Callable):
        if len(args) != 2:
            return eager

        def call(env):
            first = args[0](env)
            v = first.value() if isinstance(first, _OneCell) else first
            if type(v) is Rng and _multi(v):
                v = intersect(v, env.row, env.col)
            if type(v) is Rng:
                v = v.cells.flat[0]
            if isinstance(v, np.ndarray):
                return eager(env)
            failed = v is ERRORS["#N/A"] if only_na else type(v) is XlErr
            return _branch(args[1](env)) if failed else first

        return call

    return build


def _lazy_choose(args: list[Callable], eager: Callable):
    if len(args) < 2:
        return eager

    def call(env):
        index = args[0](env)
        v = index.value() if isinstance(index, _OneCell) else index
        if type(v) is Rng:
            v = intersect(v, env.row, env.col)
            v = v.cells.flat[0] if type(v) is Rng else v
        if isinstance(v, np.ndarray):
            return eager(env)
        n = to_number(v)
        if type(n) is XlErr:
            return n
        i = int(n)
        if i < 1 or i >= len(args):
            return VALUE
        return args[i](env)

    return call


_LAZY: dict[str, Callable[[list[Callable], Callable], Callable]] = {
    "IF": _lazy_if,
    "IFS": _lazy_ifs,
    "IFERROR": _lazy_iferror(False),
    "IFNA": _lazy_iferror(True),
    "CHOOSE": _lazy_choose,
}


#: What evaluating one cell may raise that must not stop the others (an engine bug, a value
#: out of Python's range): the cell shows #VALUE! with the reason.
_CELL_FAILURES = (ArithmeticError, ValueError, TypeError, IndexError, KeyError, AttributeError, RecursionError)


class UnknownFunction(Unsupported):
    """A function neither the evaluator nor the borrowed library knows: #NAME? in its cell."""

    def __init__(self, name: str):
        super().__init__(f"unknown function {name}")
        self.name = name


class _Failed:
    """The compiled form of a formula that could not be compiled: an error value, always."""

    __slots__ = ("error", "message", "unknown")

    def __init__(self, error: XlErr, message: str, unknown: str = ""):
        self.error, self.message, self.unknown = error, message, unknown

    def __call__(self, env: Env) -> Any:
        return self.error


def _failed(exc: Unsupported) -> _Failed:
    from xlfuncs.engine.parser import FormulaLimit

    if isinstance(exc, FormulaLimit):
        return _Failed(VALUE, f"#VALUE! {exc}")
    if isinstance(exc, UnknownFunction):
        return _Failed(NAME, f"#NAME? unknown function {exc.name}", exc.name)
    return _Failed(NAME, f"#NAME? xlfuncs cannot evaluate this formula: {exc}")


def _borrowed_call(name: str, args: list[Callable], omitted: list[bool], array: bool):
    """A standard function computed by the borrowed library, arguments evaluated here."""
    shaped = _shaped(name, lambda *values: borrowed.call(name, list(values)), len(args), array)

    def call(env):
        values = []
        for a, left_out in zip(args, omitted, strict=True):
            if left_out:
                values.append(borrowed.OMITTED)
                continue
            v = _arg_value(a(env))
            if isinstance(v, np.ndarray) or (type(v) is Rng and v.has_vectors):
                raise NeedsScalar
            values.append(v)
        return shaped(values, env)

    return call


ABSOLUTE_FLAGS = (False, False, False, False)


class _SelfReference(Exception):
    """A defined name met again while its own formula was being compiled."""

    def __init__(self, key: tuple[str, str]):
        super().__init__(key)
        self.key = key


def _table_specifier(text: str) -> tuple[set[str], list[str]]:
    """The special items (#ALL, #DATA, #HEADERS, #TOTALS, #THIS ROW) and the column names of
    what is inside a structured reference's outer brackets."""
    items: list[str] = []
    depth, current, i = 0, "", 0
    text = text.strip()
    while i < len(text):
        ch = text[i]
        if ch == "'" and i + 1 < len(text):  # an escaped bracket, #, ' or @ in a column name
            current += text[i : i + 2]
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += ch
        i += 1
    if current.strip():
        items.append(current.strip())
    specials: set[str] = set()
    columns: list[str] = []
    for item in items:
        if item.startswith("@"):
            specials.add("#THIS ROW")
            item = item[1:].strip()
            if not item:
                continue
        for part in _column_parts(item):
            if part.upper() in ("#ALL", "#DATA", "#HEADERS", "#TOTALS", "#THIS ROW"):
                specials.add(part.upper())
            else:
                columns.append(part)
    return specials, columns


def _column_parts(item: str) -> list[str]:
    """``[A]:[B]`` -> [A, B]; ``[A]`` or ``A`` -> [A], unescaped."""
    import re

    parts = re.findall(r"\[((?:[^\]']|'.)*)\]", item) if item.startswith("[") else [item]
    return [re.sub(r"'(.)", r"\1", p) for p in parts]


def _bounds_of(v: Any) -> tuple[str, int, int, int, int] | None:
    """(sheet, r1, c1, r2, c2) of a reference's value, None for a value that is not one."""
    if isinstance(v, _OneCell):
        return v.ref.bounds
    if type(v) is Rng and v.origin is not None:
        sheet, r1, c1 = v.origin
        rows, cols = v.size
        return sheet, r1, c1, r1 + rows - 1, c1 + cols - 1
    return None


class _RuntimeCycle(Exception):
    """A formula needed its own value while being calculated."""


class _DemandEnv(Env):
    """Values of a cycle's formulas computed when first read, each once; reading one that is
    being computed is a real circular reference."""

    __slots__ = ("book", "pending", "by_sheet", "busy")

    def __init__(self, vals, messages, book: CompiledWorkbook, members: list[int]):
        super().__init__(vals, messages)
        self.book = book
        self.pending: dict[Key, int] = {}
        self.by_sheet: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
        for index in members:
            node = book.nodes[index]
            r1, c1, r2, c2 = node.bounds or (node.row, node.col, node.row, node.col)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self.pending[(node.sheet, r, c)] = index
                    self.by_sheet[node.sheet][(r, c)] = index
        self.busy: set[int] = set()

    def demand(self, index: int) -> None:
        if index in self.busy:
            raise _RuntimeCycle
        node = self.book.nodes[index]
        if (node.sheet, node.row, node.col) not in self.pending:
            return
        self.busy.add(index)
        saved = (self.label, self.row, self.col)
        try:
            result = self.book._run(node, self)
        finally:
            self.label, self.row, self.col = saved
            self.busy.discard(index)
        r1, c1, r2, c2 = node.bounds or (node.row, node.col, node.row, node.col)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.pending.pop((node.sheet, r, c), None)
                self.by_sheet[node.sheet].pop((r, c), None)
        self.book._store(node, result, self.vals, None)
        self.ranges = {}

    def get(self, key: Key) -> Any:
        index = self.pending.get(key)
        if index is not None:
            self.demand(index)
        return self.vals.get(key)

    def rng(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> Rng:
        waiting = self.by_sheet.get(sheet)
        if waiting:
            if len(waiting) < (r2 - r1 + 1) * (c2 - c1 + 1):
                inside = [i for (r, c), i in waiting.items() if r1 <= r <= r2 and c1 <= c <= c2]
            else:
                inside = [waiting[(r, c)] for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in waiting]
            for index in inside:
                self.demand(index)
            if inside:
                self.ranges = {}
        return super().rng(sheet, r1, c1, r2, c2)


def _store_stacked(node: Node, results: list, vals: dict) -> bool:
    """An array formula's results for many input sets, when each is a range of numbers of the
    same shape, stored as one number vector per cell without visiting each value; False when
    they are not (the caller then fills cell by cell)."""
    first = results[0] if results else None
    if type(first) is not Rng or first.nominal is not None:
        return False
    shape = first.cells.shape
    if any(type(v) is not Rng or v.cells.shape != shape or v.nominal is not None for v in results):
        return False
    if not all(type(x) is float for v in results for x in v.cells.flat):
        return False  # logicals would silently become 1 and 0
    stack = np.array([v.cells for v in results], dtype=float)
    r1, c1, r2, c2 = node.bounds  # type: ignore[misc]
    rows, cols = shape
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            i, j = r - r1, c - c1
            if (rows > 1 and i >= rows) or (cols > 1 and j >= cols):
                return False  # past a smaller result: #N/A cells, filled the slow way
            vals[(node.sheet, r, c)] = stack[:, min(i, rows - 1), min(j, cols - 1)].copy()
    return True


class _PerScenario:
    __slots__ = ("values",)

    def __init__(self, values):
        self.values = values


def _anchored(template: tuple, row: int, col: int) -> tuple:
    """A reference template made absolute for the cell at (row, col), corners in order."""
    title, r1, c1, r2, c2, (rr1, rc1, rr2, rc2) = template
    r1, c1 = r1 + row if rr1 else r1, c1 + col if rc1 else c1
    r2, c2 = r2 + row if rr2 else r2, c2 + col if rc2 else c2
    return (title, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


class _RelativeCell:
    """A one-cell reference counted from the cell being evaluated."""

    __slots__ = ("title", "r", "c", "r_rel", "c_rel")

    def __init__(self, title, r, c, r_rel, c_rel):
        self.title, self.r, self.c, self.r_rel, self.c_rel = title, r, c, r_rel, c_rel

    def __call__(self, env: Env) -> Any:
        r = self.r + env.row if self.r_rel else self.r
        c = self.c + env.col if self.c_rel else self.c
        key = (self.title, r, c)
        return _OneCell(env, _CellRef(key, (self.title, r, c, r, c)))


class _RelativeRange:
    __slots__ = ("title", "corners", "relative")

    def __init__(self, title, r1, c1, r2, c2, relative):
        self.title, self.corners, self.relative = title, (r1, c1, r2, c2), relative

    def __call__(self, env: Env) -> Any:
        _, r1, c1, r2, c2 = _anchored((self.title, *self.corners, self.relative), env.row, env.col)
        return env.rng(self.title, r1, c1, r2, c2)


class _CellRef:
    """A compiled one-cell reference: a value, and a range for functions that want one."""

    __slots__ = ("key", "bounds")

    def __init__(self, key: Key, bounds: tuple):
        self.key = key
        self.bounds = bounds

    def __call__(self, env: Env) -> Any:
        return _OneCell(env, self)


class _OneCell:
    """The result of a one-cell reference before it is used: becomes a value or a range."""

    __slots__ = ("env", "ref")

    def __init__(self, env: Env, ref: _CellRef):
        self.env = env
        self.ref = ref

    def value(self) -> Any:
        return self.env.get(self.ref.key)

    def range(self) -> Rng:
        return self.env.rng(*self.ref.bounds)


def _value(v: Any, array: bool) -> Any:
    if isinstance(v, _OneCell):
        return v.value()
    return v


def _operand(v: Any, array: bool, env: Env) -> Any:
    """An operator's operand: a one-cell reference's value; in an ordinary formula, a range
    by implicit intersection."""
    if isinstance(v, _OneCell):
        return v.value()
    if not array and type(v) is Rng and _multi(v):
        return intersect(v, env.row, env.col)
    return v


def _arg_value(v: Any) -> Any:
    """A function argument: one-cell references arrive as one-cell ranges (so RANK, SUM over a
    reference and INDEX treat them as references), except vectors, which stay vectors."""
    if isinstance(v, _OneCell):
        value = v.value()
        if isinstance(value, np.ndarray):
            return value
        return v.range()
    return v


def _cell_result(v: Any) -> Any:
    if isinstance(v, _OneCell):
        v = v.value()
    if isinstance(v, Rng):
        return v.cells.flat[0] if v.cells.size else VALUE  # top-left, as a legacy cell shows
    if isinstance(v, np.generic):
        return v.item()
    if type(v) is int:
        return float(v)
    return v


def _plain_vector(v: np.ndarray) -> bool:
    return v.dtype == float or all(not isinstance(x, np.ndarray | Rng) for x in v)


def _fill(node: Node, result: Any, r1: int, c1: int, r2: int, c2: int):
    if isinstance(result, _OneCell):
        result = result.range()
    if isinstance(result, np.ndarray):
        raise NeedsScalar
    cells = result.cells if isinstance(result, Rng) else np.array([[result]], dtype=object)
    nominal = result.nominal if isinstance(result, Rng) else None
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            value = _pick(cells, r - r1, c - c1, nominal)
            if type(value) is int:
                value = float(value)
            yield (node.sheet, r, c), value


# ----------------------------------------------------------------------------- xlfuncs functions


def _raw(v: Any) -> Any:
    """An engine value as the registry takes it: None blanks, lists for ranges, typed errors."""
    if isinstance(v, _OneCell):
        v = v.value()
    if isinstance(v, Rng):
        if v.cells.size == 1:
            return _raw(v.cells.flat[0])
        return [[_raw(x) for x in row] for row in v.cells]
    if isinstance(v, np.ndarray):
        raise NeedsScalar
    return v


def _registry_call(spec: ExcelFunction, args: list[Callable], array: bool):
    vectorisable = spec.returns == "scalar" and all(a.kind in ("number", "text", "flag") for a in spec.args)

    def call(env):
        values = [a(env) for a in args]
        try:
            raw = [_raw(v) for v in values]
        except NeedsScalar:
            if not vectorisable:
                raise
            return _registry_vector(spec, values)
        try:
            result = spec(*raw)
        except Exception as exc:  # noqa: BLE001 - a cell holds an error, never crashes the model
            error = failure(spec.name, exc)
            if env.label and env.label not in env.messages:
                env.messages[env.label] = error.text
            return error.value
        if spec.returns == "array":
            cells = np.asarray(result, dtype=object)
            return Rng(cells) if array else float(cells.flat[0])
        return result

    return call


class _EachInputSet:
    """A formula that is one xlfuncs call (``=LAC_STOCKFLOW_COST(...)``), for many input sets:
    its arguments are evaluated once, the ones that are the same for every input set coerced
    once, and the method called for each input set with only the varying values in turn,
    instead of the whole formula being evaluated input set by input set."""

    __slots__ = ("fn", "spec", "args", "array")

    def __init__(self, fn, spec: ExcelFunction, arg_nodes, book: CompiledWorkbook, sheet: str, refs: set, array: bool):
        self.fn = fn
        self.spec = spec
        self.args = [book._compile(a, sheet, set(refs), array) for a in arg_nodes]
        self.array = array

    def __call__(self, env: Env) -> Any:
        try:
            return self.fn(env)
        except NeedsScalar:
            if type(env) is not Env:
                raise
            found = _registry_each(self.spec, [a(env) for a in self.args], self.array, env)
            if found is None:
                raise
            return found


def _registry_each(spec: ExcelFunction, values: list[Any], array: bool, env: Env) -> Any:
    """One call of ``spec`` per input set, constants coerced once (see :class:`_EachInputSet`);
    None where that cannot be done exactly (the caller then evaluates input set by input set)."""
    if len(values) > len(spec.args):
        return None
    constant: dict[str, Any] = {}
    varying: list[tuple[Any, Any]] = []
    count = None
    for position, arg in enumerate(spec.args):
        value = values[position] if position < len(values) else None
        if position >= len(values) and not arg.optional:
            return None
        if isinstance(value, _OneCell):
            value = value.value()
        if isinstance(value, np.ndarray):
            if count is not None and value.shape[0] != count:
                return None
            count = value.shape[0]
            varying.append((arg, value))
            continue
        if type(value) is Rng and value.has_vectors:
            lengths = {v.shape[0] for v in value.cells.flat if isinstance(v, np.ndarray)}
            if len(lengths) != 1 or (count is not None and lengths != {count}):
                return None
            count = lengths.pop()
            varying.append((arg, _stacked(value, count)))
            continue
        try:
            constant[arg.name] = arg.coerce(_raw(value), spec.name)
        except Exception:  # noqa: BLE001 - the input-set-by-input-set path reports it exactly
            return None
    if count is None:
        return None
    results: list[Any] = []
    for s in range(count):
        kwargs = dict(constant)
        try:
            for arg, vector in varying:
                item = _input_set(vector, s)
                try:
                    kwargs[arg.name] = arg.coerce(item, spec.name)
                except Exception as exc:  # noqa: BLE001 - named after its argument, as the registry does
                    raise failure(spec.name, exc, arg.name, spec.errors) from exc
            with np.errstate(all="ignore"):
                result = spec._check_result(spec.impl(**kwargs))
        except Exception as exc:  # noqa: BLE001 - a cell holds an error, never crashes the model
            error = failure(spec.name, exc, overrides=spec.errors)
            env.messages.setdefault(env.label, error.text)
            results.append(error.value)
            continue
        if spec.returns == "array":
            cells = np.asarray(result, dtype=object)
            results.append(Rng(cells) if array else float(cells.flat[0]))
        else:
            results.append(result)
    if array:
        return _PerScenario(results)
    if all(type(v) is float for v in results):
        return np.array(results, dtype=float)
    out = np.empty(count, dtype=object)
    out[:] = results
    return out


class _Stack:
    """A range whose cells are numbers or number vectors, as one array (input sets, rows,
    columns): input set s is one slice of it."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray):
        self.array = array

    def __getitem__(self, s: int) -> np.ndarray:
        return self.array[s]


def _stacked(value: Rng, count: int) -> Any:
    """``value`` as a :class:`_Stack` when every cell is a number or a vector of numbers, so
    that each input set's range is a slice; the range itself otherwise."""
    rows, cols = value.cells.shape
    out = np.empty((count, rows, cols), dtype=float)
    for (i, j), v in np.ndenumerate(value.cells):
        if isinstance(v, np.ndarray):
            if v.dtype != float:
                return value
            out[:, i, j] = v
        elif type(v) is float:
            out[:, i, j] = v
        else:
            return value
    return _Stack(out)


def _input_set(value: Any, s: int) -> Any:
    """Input set ``s`` of a vector, or of a range some of whose cells are vectors, as the
    registry takes it (a value, or lists for a range)."""
    if type(value) is _Stack:
        return value[s]
    if type(value) is Rng:
        rows = []
        for row in value.cells:
            rows.append([_input_set(v, s) if isinstance(v, np.ndarray) else v for v in row])
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    item = value[s]
    return item.item() if isinstance(item, np.generic) else item


def _registry_vector(spec: ExcelFunction, values: list[Any]) -> np.ndarray:
    """Call a scalar xlfuncs function once over whole vectors of inputs; any failure falls
    back to one call per input set, so every error value and message is exact."""
    kwargs = {}
    for arg, value in zip(spec.args, values + [None] * (len(spec.args) - len(values)), strict=True):
        if isinstance(value, _OneCell):
            value = value.value()
        if isinstance(value, np.ndarray):
            if value.dtype != float or arg.kind != "number":
                raise NeedsScalar
            kwargs[arg.name] = value
            continue
        try:
            kwargs[arg.name] = arg.coerce(_raw(value), spec.name)
        except Exception:  # noqa: BLE001 - the per-input-set path reports it exactly
            raise NeedsScalar from None
    try:
        result = np.asarray(spec.run(kwargs), dtype=float)
    except Exception:  # noqa: BLE001 - the per-input-set path reports it exactly
        raise NeedsScalar from None
    if result.ndim != 1 or not np.all(np.isfinite(result)):
        raise NeedsScalar
    return result


from xlfuncs.engine.vectorised import VECTOR_FUNCTIONS  # noqa: E402  (they use the helpers above)
