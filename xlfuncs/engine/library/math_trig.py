"""Excel's Math & Trig functions: SUM, PRODUCT, SUMPRODUCT, ROUND and its kin, POWER, MOD,
ABS, SQRT, EXP, LN, LOG10, INT, SIGN, PI.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from xlfuncs.engine.library.arguments import FUNCTIONS, collect, excel
from xlfuncs.engine.values import (
    DIV0,
    NUM,
    VALUE,
    Rng,
    XlErr,
    excel_round,
    finite_or_num,
    scalar,
    to_number,
)


@excel("SUM")
def f_sum(*args):
    values = collect(args)
    return values if type(values) is XlErr else finite_or_num(math.fsum(values))


@excel("PRODUCT")
def f_product(*args):
    values = collect(args)
    return values if type(values) is XlErr else finite_or_num(math.prod(values) if values else 0.0)

def _unary(fn: Callable[[float], float], domain: Callable[[float], bool] = lambda x: True):
    def apply(x):
        n = to_number(scalar(x))
        if type(n) is XlErr:
            return n
        if not domain(n):
            return NUM
        try:
            return finite_or_num(fn(n))
        except (OverflowError, ValueError):
            return NUM

    return apply


FUNCTIONS["ABS"] = _unary(abs)
FUNCTIONS["SQRT"] = _unary(math.sqrt, lambda x: x >= 0)
FUNCTIONS["EXP"] = _unary(math.exp)
FUNCTIONS["LN"] = _unary(math.log, lambda x: x > 0)
FUNCTIONS["LOG10"] = _unary(math.log10, lambda x: x > 0)
FUNCTIONS["INT"] = _unary(lambda x: float(math.floor(x)))
FUNCTIONS["SIGN"] = _unary(lambda x: float((x > 0) - (x < 0)))


@excel("PI")
def f_pi():
    return math.pi


def _two_numbers(a, b):
    x, y = to_number(scalar(a)), to_number(scalar(b))
    if type(x) is XlErr:
        return x, None
    if type(y) is XlErr:
        return y, None
    return x, y


@excel("ROUND")
def f_round(x, digits=0.0):
    n, d = _two_numbers(x, digits)
    if d is None:
        return n
    return excel_round(n, int(d))


def _round_direction(up: bool):
    def apply(x, digits=0.0):
        n, d = _two_numbers(x, digits)
        if d is None:
            return n
        factor = 10.0 ** int(d)
        y = float(f"{abs(n) * factor:.15g}")
        y = math.ceil(y) if up else math.floor(y)
        return math.copysign(y / factor, n)

    return apply


FUNCTIONS["ROUNDUP"] = _round_direction(True)
FUNCTIONS["ROUNDDOWN"] = _round_direction(False)


@excel("POWER")
def f_power(x, y):
    a, b = _two_numbers(x, y)
    if b is None:
        return a
    return power(a, b)


def power(a: float, b: float):
    if a == 0 and b == 0:
        return NUM
    if a == 0 and b < 0:
        return DIV0
    try:
        result = a**b
    except (OverflowError, ZeroDivisionError):
        return NUM
    if isinstance(result, complex):
        return NUM
    return finite_or_num(result)


@excel("MOD")
def f_mod(x, y):
    a, b = _two_numbers(x, y)
    if b is None:
        return a
    if b == 0:
        return DIV0
    return a - b * math.floor(a / b)

@excel("SUMPRODUCT")
def f_sumproduct(*arrays):
    mats = []
    for a in arrays:
        cells = a.cells if isinstance(a, Rng) else np.array([[a]], dtype=object)
        mats.append(cells)
    if any(m.shape != mats[0].shape for m in mats):
        return VALUE
    total = 0.0
    for items in zip(*(m.ravel() for m in mats), strict=True):
        product = 1.0
        for v in items:
            if type(v) is XlErr:
                return v
            product *= v if (type(v) is float or type(v) is int) else 0.0
        total += product
    return finite_or_num(total)
