"""Excel's Engineering functions for number bases: BIN2DEC, BIN2HEX, BIN2OCT, DEC2BIN,
DEC2HEX, DEC2OCT, HEX2BIN, HEX2DEC, HEX2OCT, OCT2BIN, OCT2DEC, OCT2HEX.

Numbers in another base are at most 10 digits; 10 digits whose first has its top bit set are
negative, in two's complement (BIN2DEC("1111111111") is -1). A digit the base does not have,
or too many digits, gives #NUM!; a logical value #VALUE!. ``places`` pads a positive result
with zeros and must leave room for every digit (#NUM! otherwise); negative results always have
10 digits.
"""

from __future__ import annotations

import math
from typing import Any

from xlfuncs.engine.library.arguments import FUNCTIONS
from xlfuncs.engine.values import NUM, VALUE, XlErr, number_text, scalar, to_number

_BASES = {"BIN": 2, "OCT": 8, "DEC": 10, "HEX": 16}
_DIGITS = "0123456789ABCDEF"


def _limits(base: int) -> tuple[int, int]:
    """The smallest and largest numbers 10 digits of ``base`` hold in two's complement."""
    span = base**10
    return -(span // 2), span // 2 - 1


def _source(value: Any, base: int) -> int | None | XlErr:
    """The number written in ``base`` (None for a blank)."""
    v = scalar(value)
    if type(v) is XlErr:
        return v
    if type(v) is bool:
        return VALUE
    if v is None:
        return None
    text = number_text(v) if type(v) in (float, int) else str(v)
    text = text.strip().upper()
    if not text:
        return None
    if len(text) > 10 or any(ch not in _DIGITS[:base] for ch in text):
        return NUM
    number = int(text, base)
    if len(text) == 10 and number >= base**10 // 2:
        number -= base**10
    return number


def _places(places: Any) -> int | None | XlErr:
    if places is None:
        return None
    p = scalar(places)
    if type(p) is XlErr:
        return p
    if type(p) is bool:
        return VALUE
    n = to_number(p)
    if type(n) is XlErr:
        return n
    whole = math.trunc(n)
    if whole < 1 or whole > 10:
        return NUM
    return whole


def _written(number: int, base: int, places: Any) -> str | XlErr:
    low, high = _limits(base)
    if number < low or number > high:
        return NUM
    width = _places(places)
    if type(width) is XlErr:
        return width
    if number < 0:
        number += base**10
        width = None  # negative numbers always take 10 digits
    digits = ""
    while True:
        number, rest = divmod(number, base)
        digits = _DIGITS[rest] + digits
        if not number:
            break
    if width is not None:
        if width < len(digits):
            return NUM
        digits = digits.rjust(width, "0")
    return digits


def _from_base(source: int):
    def convert(value):
        number = _source(value, source)
        if type(number) is XlErr:
            return number
        return 0.0 if number is None else float(number)

    return convert


def _between(source: int, target: int):
    def convert(value, places=None):
        number = _source(value, source)
        if type(number) is XlErr:
            return number
        return _written(0 if number is None else number, target, places)

    return convert


def _from_decimal(target: int):
    def convert(value, places=None):
        v = scalar(value)
        if type(v) is XlErr:
            return v
        width = _places(places)  # Excel judges places first: DEC2BIN("E", 0) is #NUM!
        if type(width) is XlErr:
            return width
        if type(v) is bool:
            return VALUE
        n = to_number(v)
        if type(n) is XlErr:
            return n
        return _written(math.trunc(n), target, places)

    return convert


for _source_name, _source_base in _BASES.items():
    for _target_name, _target_base in _BASES.items():
        if _source_name == _target_name:
            continue
        _name = f"{_source_name}2{_target_name}"
        if _source_name == "DEC":
            FUNCTIONS[_name] = _from_decimal(_target_base)
        elif _target_name == "DEC":
            FUNCTIONS[_name] = _from_base(_source_base)
        else:
            FUNCTIONS[_name] = _between(_source_base, _target_base)
