"""Excel formula text to a small syntax tree, for the compiled evaluator.

Tokens come from openpyxl's tokenizer; a precedence-climbing parser follows Excel's operator
precedence (reference ``:``, negation, ``%``, ``^``, ``*`` ``/``, ``+`` ``-``, ``&``,
comparisons; note that ``-2^2`` is 4 in Excel). What the parser does not know raises
:class:`Unsupported`, and the workbook is then recalculated by the ``formulas`` engine instead.

Nodes are tuples: ``("num", x)``, ``("str", s)``, ``("bool", b)``, ``("err", code)``,
``("ref", sheet, r1, c1, r2, c2, relative)``, ``("name", NAME)``, ``("neg", x)``, ``("pct", x)``,
``("op", op, left, right)``, ``("chain", first, ((op, node), ...))`` for a run of operators
of one precedence level (``1+2+...+1000`` is one node, however long), ``("call", NAME, args)``,
``("array", rows)``, ``("missing",)``, ``("table", NAME, specifier)`` for a structured
reference (resolved against the workbook's tables by the evaluator).

Formulas over Excel's own limits (8,192 characters, 64 nested functions, 255 arguments) raise
:class:`FormulaLimit` naming the limit.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xlfuncs.xlsx.refs import col_index
from xlfuncs.xlsx.refs import col_letters as _letters

MAX_ROW = 1_048_576
MAX_COL = 16_384

_BINARY = {
    "=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1,
    "&": 2,
    "+": 3, "-": 3,
    "*": 4, "/": 4,
    "^": 5,
}
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$", re.I)
_COLS = re.compile(r"^\$?([A-Z]{1,3}):\$?([A-Z]{1,3})$", re.I)
_ROWS = re.compile(r"^\$?(\d+):\$?(\d+)$")


class Unsupported(Exception):
    """A formula the compiled evaluator does not handle."""


class FormulaLimit(Unsupported):
    """A formula over one of Excel's limits, which Excel itself would not accept."""


#: Excel's limits on one formula (Excel specifications and limits).
MAX_FORMULA_CHARACTERS = 8_192
MAX_NESTED_FUNCTIONS = 64
MAX_ARGUMENTS = 255


def _split_sheet(text: str, sheet: str) -> tuple[str, str]:
    if "!" not in text:
        return sheet, text
    where, _, address = text.rpartition("!")
    if where.startswith("'") and where.endswith("'"):
        where = where[1:-1].replace("''", "'")
    if "[" in where and not _LINKED.match(where):
        raise Unsupported(f"external reference {text}")
    return where, address


#: A structured (table) reference: ``Table1[Cost]``, ``Table1[[#This Row],[Cost]]``, ``[@Cost]``.
_STRUCTURED = re.compile(r"^([A-Za-z_\\][A-Za-z0-9_.\\]*)?\[(.*)\]$", re.S)

#: A sheet of a linked workbook as Excel stores it: ``[1]Rates`` (link number 1).
_LINKED = re.compile(r"^\[\d+\][^\[\]]*$")


ABSOLUTE = (False, False, False, False)


def parse_reference(text: str, sheet: str, row: int = 0, col: int = 0) -> tuple:
    """``A1``, ``$A$1:B9``, ``Sheet!A:A``, ``'My sheet'!A1`` or a defined name.

    With an anchor cell (``row``, ``col``), the parts without ``$`` are stored as offsets from
    it and flagged in ``relative`` (row1, col1, row2, col2), so formulas copied down a column
    share one syntax tree; without one, every part is absolute.
    """
    structured = _STRUCTURED.match(text)
    if structured and "!" not in text.split("[", 1)[0]:
        return ("table", (structured.group(1) or "").upper(), structured.group(2))
    where, address = _split_sheet(text, sheet)
    if address.count(":") > 1:
        # B8:D8:F7:H8 is the smallest range holding every corner named.
        parts = [_CELL.match(part) for part in address.split(":")]
        if not all(parts):
            raise Unsupported(f"reference {text}")
        span_rows = [int(m.group(2)) for m in parts if m]
        span_cols = [col_index(m.group(1).upper()) for m in parts if m]
        address = f"{_letters(min(span_cols))}{min(span_rows)}:{_letters(max(span_cols))}{max(span_rows)}"
        text = address if where == sheet else f"'{where}'!{address}"
        row = col = 0  # written absolute: the corners' own $ signs are lost in the span
    first, colon, last = address.partition(":")
    one = _CELL.match(first)
    if one and (not colon or _CELL.match(last)):
        two = _CELL.match(last) if colon else one
        anchored = row > 0
        corners = []
        flags = []
        for match, part in ((one, first), (two, last or first)):
            assert match is not None  # both parts matched _CELL in the test above
            c_rel = anchored and not part.startswith("$")
            r_rel = anchored and "$" not in part.lstrip("$")
            r, c = int(match.group(2)), col_index(match.group(1).upper())
            corners += [r - row if r_rel else r, c - col if c_rel else c]
            flags += [r_rel, c_rel]
        if not anchored:
            r1, c1, r2, c2 = corners
            return ("ref", where, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2), ABSOLUTE)
        return ("ref", where, *corners, tuple(flags))
    cols = _COLS.match(address)
    if cols:
        c1, c2 = col_index(cols.group(1).upper()), col_index(cols.group(2).upper())
        return ("ref", where, 1, min(c1, c2), MAX_ROW, max(c1, c2), ABSOLUTE)
    rows = _ROWS.match(address)
    if rows:
        r1, r2 = int(rows.group(1)), int(rows.group(2))
        return ("ref", where, min(r1, r2), 1, max(r1, r2), MAX_COL, ABSOLUTE)
    if where != sheet and _LINKED.match(where) and where.endswith("]"):
        return ("name", f"{where}{address.upper()}")  # a name defined in a linked workbook
    if "!" in text or not re.match(r"^[A-Za-z_\\][A-Za-z0-9_.\\]*$", address):
        raise Unsupported(f"reference {text}")
    return ("name", address.upper())


def _function_name(token: str) -> str:
    name = token[:-1].upper()
    for prefix in ("_XLFN._XLWS.", "_XLFN.", "_XLWS."):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


@lru_cache(maxsize=1)
def openpyxl_tokenizer():
    """openpyxl's formula tokenizer module (MIT), loaded from its file without importing the
    rest of openpyxl, which takes a tenth of a second a cold start does not need; the module
    already imported when openpyxl is."""
    import importlib.util
    import sys
    from pathlib import Path

    loaded = sys.modules.get("openpyxl.formula.tokenizer")
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("openpyxl")
    if package is None or package.origin is None:
        raise Unsupported("openpyxl is not installed")
    spec = importlib.util.spec_from_file_location(
        "xlfuncs_openpyxl_tokenizer", Path(package.origin).parent / "formula" / "tokenizer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Parser:
    def __init__(self, formula: str, sheet: str, row: int = 0, col: int = 0):
        tokenizer = openpyxl_tokenizer()
        Tokenizer, TokenizerError = tokenizer.Tokenizer, tokenizer.TokenizerError  # noqa: N806

        text = formula[1:] if formula.startswith("=") else formula
        if len(text) > MAX_FORMULA_CHARACTERS:
            raise FormulaLimit(
                f"the formula has {len(text):,} characters, over Excel's limit of {MAX_FORMULA_CHARACTERS:,}"
            )
        try:
            tokens = Tokenizer("=" + text).items
        except TokenizerError as exc:
            raise Unsupported(str(exc)) from None
        self.tokens = []
        #: For each token, whether white space came before it: between two references, a
        #: space is Excel's intersection operator.
        self.spaced: list[bool] = []
        space = False
        for t in tokens:
            if t.type == "WHITE-SPACE":
                space = True
                continue
            self.tokens.append(t)
            self.spaced.append(space)
            space = False
        self.pos = 0
        self.depth = 0  # functions open around the token being read
        self.sheet = sheet
        self.row = row
        self.col = col

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        token = self.peek()
        if token is None:
            raise Unsupported("formula ends early")
        self.pos += 1
        return token

    def parse(self):
        node = self.expression(0)
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek().value!r}")
        return node

    def expression(self, min_level: int):
        left = self.unary()
        chain: list[tuple[str, tuple]] = []  # operators of one level in a row: one node, no nesting
        chain_level = None
        while True:
            token = self.peek()
            if token is None or token.type != "OPERATOR-INFIX" or token.value not in _BINARY:
                if token is not None and token.type == "OPERATOR-INFIX" and token.value != ",":
                    raise Unsupported(f"operator {token.value}")
                break
            level = _BINARY[token.value]
            if level < min_level:
                break
            if chain and level != chain_level:
                left, chain = _joined(left, chain), []
            self.take()
            # ^ is left-associative in Excel (2^3^2 is 64), like the others.
            right = self.expression(level + 1)
            chain.append((token.value, right))
            chain_level = level
        return _joined(left, chain)

    def unary(self):
        token = self.peek()
        if token is not None and token.type == "OPERATOR-PREFIX":
            self.take()
            operand = self.unary()
            return ("neg", operand) if token.value == "-" else operand
        node = self.reference_operators(self.primary())
        while self.peek() is not None and self.peek().type == "OPERATOR-POSTFIX":
            self.take()
            node = ("pct", node)
        return node

    def reference_operators(self, node):
        """``A1:INDEX(...)`` (a span) and ``B2:E5 C3:D4`` (an intersection), which bind
        tighter than any other operator."""
        while True:
            token = self.peek()
            if token is None:
                return node
            if token.type == "OPERATOR-INFIX" and token.value == ":":
                self.take()
                node = ("span", node, self.primary())
            elif self.spaced[self.pos] and _starts_operand(token) and _is_reference(node):
                node = ("isect", node, self.primary())
            else:
                return node

    def primary(self):
        token = self.take()
        kind, sub = token.type, token.subtype
        if kind == "OPERAND":
            if sub == "NUMBER":
                return ("num", float(token.value))
            if sub == "TEXT":
                return ("str", token.value[1:-1].replace('""', '"'))
            if sub == "LOGICAL":
                return ("bool", token.value.upper() == "TRUE")
            if sub == "ERROR":
                return ("err", token.value.upper())
            if sub == "RANGE":
                return parse_reference(token.value, self.sheet, self.row, self.col)
            raise Unsupported(f"operand {token.value}")
        if kind == "PAREN" and sub == "OPEN":
            node = self.expression(0)
            items = [node]
            while self.peek() is not None and self.peek().type == "OPERATOR-INFIX" and self.peek().value == ",":
                self.take()
                items.append(self.expression(0))  # (A1:B2,D4): a union of references
            close = self.take()
            if close.type != "PAREN":
                raise Unsupported("unbalanced parentheses")
            return node if len(items) == 1 else ("union", tuple(items))
        if kind == "FUNC" and sub == "OPEN":
            prefix, colon, function = token.value.rpartition(":")
            if colon and prefix:
                # The tokenizer reads A1:INDEX( as one function name: a reference spanned to a call.
                start = parse_reference(prefix, self.sheet, self.row, self.col)
                return ("span", start, self.call(_function_name(function)))
            return self.call(_function_name(token.value))
        if kind == "ARRAY" and sub == "OPEN":
            return self.array()
        raise Unsupported(f"token {token.value!r}")

    def call(self, name: str):
        self.depth += 1
        if self.depth > MAX_NESTED_FUNCTIONS:
            raise FormulaLimit(f"functions nest more than {MAX_NESTED_FUNCTIONS} deep, Excel's limit")
        try:
            node = self._call(name)
        finally:
            self.depth -= 1
        if len(node[2]) > MAX_ARGUMENTS:
            raise FormulaLimit(f"{name} has {len(node[2])} arguments, over Excel's limit of {MAX_ARGUMENTS}")
        return node

    def _call(self, name: str):
        args: list[tuple] = []
        token = self.peek()
        if token is not None and token.type == "FUNC" and token.subtype == "CLOSE":
            self.take()
            return ("call", name, args)
        while True:
            token = self.peek()
            if token is not None and (token.type == "SEP" or (token.type == "FUNC" and token.subtype == "CLOSE")):
                args.append(("missing",))
            else:
                args.append(self.expression(0))
            token = self.take()
            if token.type == "FUNC" and token.subtype == "CLOSE":
                return ("call", name, args)
            if token.type != "SEP" or token.subtype != "ARG":
                raise Unsupported(f"unexpected {token.value!r} in {name}")

    def array(self):
        rows, row = [], []
        while True:
            token = self.take()
            if token.type == "ARRAY" and token.subtype == "CLOSE":
                rows.append(row)
                break
            if token.type == "SEP":
                if token.subtype == "ROW":
                    rows.append(row)
                    row = []
                continue
            if token.type == "OPERATOR-PREFIX" and token.value == "-":
                value = self.take()
                row.append(("num", -float(value.value)))
                continue
            if token.type != "OPERAND" or token.subtype == "RANGE":
                raise Unsupported("array constant")
            self.pos -= 1
            row.append(self.primary())
        if len({len(r) for r in rows}) != 1:
            raise Unsupported("ragged array constant")
        return ("array", tuple(tuple(r) for r in rows))


def _starts_operand(token) -> bool:
    return (token.type == "OPERAND" and token.subtype == "RANGE") or (
        token.type in ("FUNC", "PAREN") and token.subtype == "OPEN"
    )


def _is_reference(node: tuple) -> bool:
    return node[0] in ("ref", "name", "call", "span", "isect", "union", "table")


def _joined(first: tuple, chain: list[tuple[str, tuple]]) -> tuple:
    """``first op1 x1 op2 x2 ...`` (one precedence level, left to right) as one node."""
    if not chain:
        return first
    if len(chain) == 1:
        return ("op", chain[0][0], first, chain[0][1])
    return ("chain", first, tuple(chain))


@lru_cache(maxsize=65_536)
def parse(formula: str, sheet: str, row: int = 0, col: int = 0) -> tuple:
    """The syntax tree of ``formula`` (without or with its leading ``=``) on ``sheet``;
    with the formula's own cell (``row``, ``col``), relative references are offsets from it."""
    return _Parser(formula, sheet, row, col).parse()


_SHAPE_TOKEN = re.compile(
    r'"(?:[^"]|"")*"'  # a string literal: kept as it is
    r"|'(?:[^']|'')*'"  # a quoted sheet name: kept as it is
    r"|(?<![A-Za-z0-9_.])(\$?)([A-Z]{1,3})(\$?)([0-9]{1,7})(?![A-Za-z0-9_(])"
)


def shape_key(formula: str, row: int, col: int) -> str:
    """``formula`` with each relative cell reference written as an offset from its own cell:
    the same for every copy of a formula filled down a column or across a row.

    >>> shape_key("=A2*$B$1+Data!C2", 2, 4) == shape_key("=A3*$B$1+Data!C3", 3, 4)
    True
    """

    def rewrite(match: re.Match) -> str:
        if match.group(2) is None:
            return match.group(0)
        c_abs, letters, r_abs, digits = match.groups()
        c = col_index(letters)
        r = int(digits)
        return f"\x01{'$' + str(c) if c_abs else c - col},{'$' + str(r) if r_abs else r - row}\x02"

    return _SHAPE_TOKEN.sub(rewrite, formula)
