"""Excel's Information functions: ISNUMBER, ISTEXT, ISNONTEXT, ISLOGICAL, ISBLANK, ISERROR,
ISERR, ISNA, ISEVEN, ISODD, N, T, TYPE, ERROR.TYPE.
"""

from __future__ import annotations

import math

from xlfuncs.engine.library.arguments import FUNCTIONS, excel
from xlfuncs.engine.values import (
    NA,
    VALUE,
    Rng,
    XlErr,
    scalar,
    to_number,
)

FUNCTIONS["ISNUMBER"] = lambda x: type(scalar(x)) in (float, int)
FUNCTIONS["ISTEXT"] = lambda x: type(scalar(x)) is str
FUNCTIONS["ISBLANK"] = lambda x: scalar(x) is None
FUNCTIONS["ISERROR"] = lambda x: type(scalar(x)) is XlErr
FUNCTIONS["ISNA"] = lambda x: scalar(x) is NA
FUNCTIONS["ISNONTEXT"] = lambda x: type(scalar(x)) is not str
FUNCTIONS["ISLOGICAL"] = lambda x: type(scalar(x)) is bool
FUNCTIONS["ISERR"] = lambda x: type(scalar(x)) is XlErr and scalar(x) is not NA


def _parity(odd: bool):
    def apply(x):
        v = scalar(x)
        if type(v) is XlErr:
            return v
        if type(v) is bool:
            return VALUE  # an Analysis ToolPak function: logicals are refused
        n = to_number(v)
        if type(n) is XlErr:
            return n
        return (math.trunc(n) % 2 == 1) == odd

    return apply


FUNCTIONS["ISEVEN"] = _parity(False)
FUNCTIONS["ISODD"] = _parity(True)


@excel("N")
def f_n(value):
    v = value.cells.flat[0] if isinstance(value, Rng) and value.cells.size else value
    if type(v) is XlErr:
        return v
    if type(v) is bool:
        return 1.0 if v else 0.0
    if type(v) in (float, int):
        return float(v)
    return 0.0


@excel("T")
def f_t(value):
    v = value.cells.flat[0] if isinstance(value, Rng) and value.cells.size else value
    if type(v) is XlErr:
        return v
    return v if type(v) is str else ""


@excel("TYPE")
def f_type(value):
    if isinstance(value, Rng) and value.cells.size > 1:
        return 64.0
    v = scalar(value)
    if type(v) is XlErr:
        return 16.0
    if type(v) is bool:
        return 4.0
    if type(v) is str:
        return 2.0
    return 1.0


_ERROR_NUMBERS = {"#NULL!": 1, "#DIV/0!": 2, "#VALUE!": 3, "#REF!": 4, "#NAME?": 5, "#NUM!": 6, "#N/A": 7, "#GETTING_DATA": 8}


@excel("ERROR.TYPE")
def f_error_type(value):
    v = scalar(value)
    if type(v) is not XlErr:
        return NA
    return float(_ERROR_NUMBERS.get(v.code, 7))
