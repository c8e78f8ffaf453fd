"""Functions over ranges with criteria (">3", "<>a", wildcards): COUNTIF, SUMIF, AVERAGEIF,
and COUNTIFS, SUMIFS, AVERAGEIFS, MAXIFS, MINIFS over several ranges.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from xlfuncs.engine.library.arguments import FUNCTIONS, excel
from xlfuncs.engine.values import (
    DIV0,
    VALUE,
    Rng,
    XlErr,
    compare,
    scalar,
    to_number,
)


def criterion_test(criterion: Any) -> Callable[[Any], bool]:
    """COUNTIF / SUMIF criteria: "=x", ">3", "<>a", wildcards * and ?."""
    if type(criterion) is not str:
        if criterion is None:
            criterion = 0.0
        return lambda v: compare(v, criterion) == 0 if v is not None else False
    match = re.match(r"^(<=|>=|<>|=|<|>)?(.*)$", criterion, re.S)
    assert match is not None  # the pattern matches any text
    op, operand = match.group(1) or "=", match.group(2)
    number = to_number(operand)
    target: Any = number if type(number) is not XlErr and operand.strip() else operand
    if type(target) is str and op in ("=", "<>") and any(ch in target for ch in "*?"):
        pattern = re.compile(
            "^" + "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in target) + "$",
            re.I | re.S,
        )

        def wild(v):
            hit = type(v) is str and bool(pattern.match(v))
            return hit if op == "=" else not hit

        return wild

    def test(v):
        if op == "=" and target == "":
            return v is None or v == ""
        if v is None:
            return op == "<>"
        if (type(target) is str) != (type(v) is str):
            return op == "<>"
        c = compare(v, target)
        if type(c) is XlErr:
            return False
        return {"=": c == 0, "<>": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]

    return test


@excel("COUNTIF")
def f_countif(rng, criterion):
    if not isinstance(rng, Rng):
        return VALUE
    test = criterion_test(scalar(criterion))
    return float(sum(1 for v in rng.cells.flat if test(v)))


@excel("SUMIF")
def f_sumif(rng, criterion, sum_range=None):
    if not isinstance(rng, Rng):
        return VALUE
    target = sum_range if isinstance(sum_range, Rng) else rng
    if target.shape != rng.shape:
        return VALUE
    test = criterion_test(scalar(criterion))
    total = 0.0
    for v, s in zip(rng.cells.flat, target.cells.flat, strict=True):
        if test(v):
            if type(s) is XlErr:
                return s
            if type(s) is float or type(s) is int:
                total += s
    return total


@excel("AVERAGEIF")
def f_averageif(rng, criterion, average_range=None):
    if not isinstance(rng, Rng):
        return VALUE
    target = average_range if isinstance(average_range, Rng) else rng
    test = criterion_test(scalar(criterion))
    values = [s for v, s in zip(rng.cells.flat, target.cells.flat, strict=False) if test(v) and type(s) in (float, int)]
    return math.fsum(values) / len(values) if values else DIV0



def _ifs(target: Any, pairs: tuple) -> list[Any] | XlErr:
    """Cells of ``target`` where every (range, criterion) pair holds, as SUMIFS reads them."""
    if len(pairs) % 2 or not pairs:
        return VALUE
    ranges = [pairs[i] for i in range(0, len(pairs), 2)]
    tests = [criterion_test(scalar(pairs[i])) for i in range(1, len(pairs), 2)]
    if not all(isinstance(r, Rng) for r in ranges) or (target is not None and not isinstance(target, Rng)):
        return VALUE
    shape = (target if target is not None else ranges[0]).shape
    if any(r.shape != shape for r in ranges):
        return VALUE
    flats = [r.cells.ravel() for r in ranges]
    source = (target if target is not None else ranges[0]).cells.ravel()
    return [source[i] for i in range(source.size) if all(test(flat[i]) for test, flat in zip(tests, flats, strict=True))]


@excel("SUMIFS")
def f_sumifs(sum_range, *pairs):
    picked = _ifs(sum_range, pairs)
    if type(picked) is XlErr:
        return picked
    for v in picked:
        if type(v) is XlErr:
            return v
    return math.fsum(v for v in picked if type(v) in (float, int))


@excel("COUNTIFS")
def f_countifs(*pairs):
    picked = _ifs(None, pairs)
    return picked if type(picked) is XlErr else float(len(picked))


@excel("AVERAGEIFS")
def f_averageifs(average_range, *pairs):
    picked = _ifs(average_range, pairs)
    if type(picked) is XlErr:
        return picked
    values = [v for v in picked if type(v) in (float, int)]
    return math.fsum(values) / len(values) if values else DIV0


def _extreme_ifs(largest: bool):
    def apply(target, *pairs):
        picked = _ifs(target, pairs)
        if type(picked) is XlErr:
            return picked
        values = [v for v in picked if type(v) in (float, int)]
        return (max(values) if largest else min(values)) if values else 0.0

    return apply


FUNCTIONS["MAXIFS"] = _extreme_ifs(True)
FUNCTIONS["MINIFS"] = _extreme_ifs(False)
