"""Finding xlfuncs calls in formula text and writing them back in native form.

A formula is read into a small tree with openpyxl's tokenizer: tokens, and for every function
call its name and its arguments (each a list of items). Rendering walks the tree; an xlfuncs
call is rendered by a callback from its arguments' rendered texts (inner xlfuncs calls already
replaced), so ``=UNIT_COST(UNIT_COST_WEEKLY(A1,B1)*52, C1)`` is converted inside out.

What an argument is (a literal, a reference and its shape, an array constant) is read from its
own tokens (:func:`describe`), so a native form can resolve a literal choice when the workbook
is converted and use a range's size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from xlfuncs.excel.native import NOT_LITERAL, Reference
from xlfuncs.xlsx.refs import col_index

_REF = re.compile(
    r"^(?P<prefix>(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_. ]*)!)?"
    r"(?P<c1d>\$?)(?P<c1>[A-Za-z]{1,3})(?P<r1d>\$?)(?P<r1>\d+)"
    r"(?::(?P<c2d>\$?)(?P<c2>[A-Za-z]{1,3})(?P<r2d>\$?)(?P<r2>\d+))?$"
)
_EXTERNAL = re.compile(r"\[[^\]]*\]")


class FormulaError(ValueError):
    """Formula text the tokenizer cannot read."""


@dataclass
class Token:
    value: str
    type: str
    subtype: str


@dataclass
class Call:
    """A function call in the tree: its name as written and its arguments."""

    name: str  # as written, without "("
    args: list[list[Item]] = field(default_factory=list)

    @property
    def upper(self) -> str:
        return self.name.upper()


Item = Token | Call


def parse(formula: str) -> list[Item]:
    """The items of ``formula`` (with or without its leading ``=``)."""
    from openpyxl.formula import Tokenizer
    from openpyxl.formula.tokenizer import TokenizerError

    text = formula if formula.startswith("=") else "=" + formula
    try:
        tokens = [Token(t.value, t.type, t.subtype) for t in Tokenizer(text).items]
    except TokenizerError as exc:
        raise FormulaError(str(exc)) from None
    position = 0

    def items(until_close: bool) -> tuple[list[Item], list[list[Item]] | None]:
        nonlocal position
        out: list[Item] = []
        args: list[list[Item]] = []
        depth = 0  # inside an array constant or parentheses, a comma separates no arguments
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token.type == "FUNC" and token.subtype == "OPEN":
                call = Call(token.value[:-1])
                _, call_args = items(True)
                call.args = call_args or []
                out.append(call)
                continue
            if token.type in ("ARRAY", "PAREN"):
                depth += 1 if token.subtype == "OPEN" else -1
            if until_close and depth == 0 and token.type == "SEP" and token.subtype == "ARG":
                args.append(out)
                out = []
                continue
            if until_close and token.type == "FUNC" and token.subtype == "CLOSE":
                args.append(out)
                return out, args
            out.append(token)
        if until_close:
            raise FormulaError("a function call is not closed")
        return out, None

    tree, _ = items(False)
    return tree


def render(items: list[Item], convert: Callable[[Call, list[str]], str | None] | None = None) -> str:
    """Formula text (without ``=``) of ``items``; ``convert(call, rendered_args)`` may replace a
    call's text (return None to keep the call)."""
    parts = []
    for item in items:
        if isinstance(item, Token):
            parts.append(item.value)
            continue
        rendered = [render(arg, convert) for arg in item.args]
        replaced = convert(item, rendered) if convert is not None else None
        if replaced is None:
            # A call with no arguments (PI()) has one empty argument list.
            parts.append(f"{item.name}({','.join(rendered)})")
        else:
            parts.append(replaced)
    return "".join(parts)


def calls(items: list[Item], names: Mapping[str, Any] | set[str]) -> list[Call]:
    """Every call to one of ``names`` in ``items``, outer calls first."""
    found: list[Call] = []
    for item in items:
        if isinstance(item, Call):
            if item.upper in names:
                found.append(item)
            for arg in item.args:
                found.extend(calls(arg, names))
    return found


@dataclass(frozen=True)
class Described:
    """What an argument is, read from its tokens."""

    literal: Any = NOT_LITERAL
    shape: tuple[int, int] | None = None
    ref: Reference | None = None
    external: bool = False


def parse_reference(text: str) -> Reference | None:
    """A plain reference such as ``'My sheet'!$A$1:B9``, or None."""
    match = _REF.match(text.strip())
    if not match:
        return None
    r1, c1 = int(match["r1"]), col_index(match["c1"])
    r2 = int(match["r2"]) if match["r2"] else r1
    c2 = col_index(match["c2"]) if match["c2"] else c1
    flags = (bool(match["c1d"]), bool(match["r1d"]))
    flags2 = (bool(match["c2d"]), bool(match["r2d"])) if match["c2"] else flags
    top, bottom = sorted((r1, r2))
    left, right = sorted((c1, c2))
    return Reference(match["prefix"] or "", top, left, bottom, right, (*flags, *flags2))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _array_constant(tokens: list[Token]) -> tuple[list[list[Any]], tuple[int, int]] | None:
    """``{1,2;3,4}`` read from its tokens."""
    rows: list[list[Any]] = [[]]
    sign = 1.0
    for token in tokens[1:-1]:
        if token.type == "ARRAY" and token.subtype == "OPEN" or token.type == "ARRAY" and token.subtype == "CLOSE":
            continue
        if token.type == "SEP" and token.subtype == "ROW":
            rows.append([])
        elif token.type == "SEP" and token.subtype == "ARG":
            continue
        elif token.type == "OPERATOR-PREFIX" and token.value == "-":
            sign = -sign
        elif token.type == "OPERAND":
            if token.subtype == "NUMBER":
                value = _number(token.value)
                if value is None:
                    return None
                rows[-1].append(sign * value)
            elif token.subtype == "TEXT":
                rows[-1].append(token.value[1:-1].replace('""', '"'))
            elif token.subtype == "LOGICAL":
                rows[-1].append(token.value.upper() == "TRUE")
            else:
                rows[-1].append(token.value)
            sign = 1.0
        elif token.type == "WHITE-SPACE":
            continue
        else:
            return None
    widths = {len(r) for r in rows}
    if len(widths) != 1 or 0 in widths:
        return None
    return rows, (len(rows), widths.pop())


def describe(items: list[Item], names: Mapping[str, str] | None = None) -> Described:
    """What the argument ``items`` is: a literal, a plain reference (or a defined name of one),
    an array constant, or an expression (nothing known)."""
    tokens = [i for i in items if not (isinstance(i, Token) and i.type == "WHITE-SPACE")]
    if any(isinstance(i, Call) for i in tokens):
        return Described()
    plain: list[Token] = [t for t in tokens if isinstance(t, Token)]
    if not plain:
        return Described()
    if plain[0].type == "ARRAY" and plain[-1].type == "ARRAY":
        found = _array_constant(plain)
        if found is None:
            return Described()
        rows, shape = found
        literal = rows[0][0] if shape == (1, 1) else [tuple(r) for r in rows]
        return Described(literal=literal, shape=shape)
    sign = 1.0
    while plain and plain[0].type == "OPERATOR-PREFIX" and plain[0].value in "+-":
        sign = -sign if plain[0].value == "-" else sign
        plain = plain[1:]
    percent = 1.0
    while plain and plain[-1].type == "OPERATOR-POSTFIX" and plain[-1].value == "%":
        percent /= 100.0
        plain = plain[:-1]
    if len(plain) != 1 or plain[0].type != "OPERAND":
        return Described()
    token = plain[0]
    if token.subtype == "NUMBER":
        value = _number(token.value)
        return Described() if value is None else Described(literal=sign * value * percent, shape=(1, 1))
    if sign != 1.0 or percent != 1.0:
        return Described(shape=(1, 1))
    if token.subtype == "TEXT":
        return Described(literal=token.value[1:-1].replace('""', '"'), shape=(1, 1))
    if token.subtype == "LOGICAL":
        return Described(literal=token.value.upper() == "TRUE", shape=(1, 1))
    if token.subtype == "ERROR":
        return Described(shape=(1, 1))
    if token.subtype != "RANGE":
        return Described()
    text = token.value
    if _EXTERNAL.search(text.replace("''", "")):
        return Described(external=True)
    ref = parse_reference(text)
    if ref is None and names is not None:
        target = names.get(text.upper())
        if target is not None:
            if _EXTERNAL.search(target):
                return Described(external=True)
            ref = parse_reference(target.lstrip("="))
    if ref is None:
        return Described()
    return Described(shape=(ref.rows, ref.cols), ref=ref)
