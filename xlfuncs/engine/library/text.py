"""Excel's Text functions: CONCATENATE, CONCAT, UPPER, LOWER, TRIM, LEN, VALUE, LEFT, RIGHT,
MID, TEXT (format codes in :mod:`.number_format`).
"""

from __future__ import annotations

from xlfuncs.engine.library.arguments import FUNCTIONS, excel
from xlfuncs.engine.values import (
    VALUE,
    Rng,
    XlErr,
    scalar,
    to_number,
    to_text,
)


@excel("CONCATENATE", "CONCAT")
def f_concat(*args):
    parts = []
    for arg in args:
        items = arg.cells.flat if isinstance(arg, Rng) else [arg]
        for v in items:
            t = to_text(v)
            if type(t) is XlErr:
                return t
            parts.append(t)
    return "".join(parts)


def _text_fn(fn):
    def apply(x):
        t = to_text(scalar(x))
        return t if type(t) is XlErr else fn(t)

    return apply


FUNCTIONS["UPPER"] = _text_fn(str.upper)
FUNCTIONS["LOWER"] = _text_fn(str.lower)
FUNCTIONS["TRIM"] = _text_fn(lambda s: " ".join(s.split()))
FUNCTIONS["LEN"] = _text_fn(lambda s: float(len(s)))



@excel("VALUE")
def f_value(text):
    v = scalar(text)
    if type(v) is XlErr:
        return v
    if type(v) in (float, int):
        return float(v)
    if type(v) is not str:
        return VALUE if v is not None else 0.0
    return to_number(v)


def _ends(text, count, from_right: bool):
    t = to_text(scalar(text))
    n = to_number(scalar(count))
    if type(t) is XlErr:
        return t
    if type(n) is XlErr:
        return n
    if n < 0:
        return VALUE
    n = int(n)
    return (t[len(t) - n:] if n else "") if from_right else t[:n]


FUNCTIONS["LEFT"] = lambda text, count=1.0: _ends(text, count, False)
FUNCTIONS["RIGHT"] = lambda text, count=1.0: _ends(text, count, True)


@excel("MID")
def f_mid(text, start, count):
    t = to_text(scalar(text))
    s, n = to_number(scalar(start)), to_number(scalar(count))
    for v in (t, s, n):
        if type(v) is XlErr:
            return v
    if s < 1 or n < 0:
        return VALUE
    return t[int(s) - 1 : int(s) - 1 + int(n)]


@excel("TEXT")
def f_text(value, format_text):
    """``value`` written with an Excel number format code."""
    from xlfuncs.engine.library.dates import DATE1904
    from xlfuncs.engine.library.number_format import format_value

    v = scalar(value)
    code = to_text(scalar(format_text))
    if type(v) is XlErr:
        return v
    if type(code) is XlErr:
        return code
    if type(v) is bool:
        return "TRUE" if v else "FALSE"
    if v is None:
        v = 0.0
    if type(v) is str:
        n = to_number(v)
        if type(n) is not XlErr:
            v = n  # text that reads as a number is formatted as one
    try:
        return format_value(v, code, DATE1904.get())
    except (ValueError, IndexError, OverflowError):
        return VALUE
