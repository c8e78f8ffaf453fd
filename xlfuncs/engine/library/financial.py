"""Excel's Financial functions: NPV, PMT, FV, PV, NPER, IRR.
"""

from __future__ import annotations

import math

from xlfuncs.engine.library.arguments import Stop, collect, excel
from xlfuncs.engine.values import (
    DIV0,
    NUM,
    XlErr,
    finite_or_num,
    scalar,
    to_number,
)


@excel("NPV")
def f_npv(rate, *values):
    r = to_number(scalar(rate))
    if type(r) is XlErr:
        return r
    if r == -1:
        return DIV0
    flows = collect(values)
    if type(flows) is XlErr:
        return flows
    return finite_or_num(math.fsum(v / (1 + r) ** (i + 1) for i, v in enumerate(flows)))



def _finance_args(*values):
    out = []
    for v in values:
        n = to_number(scalar(v)) if v is not None else 0.0
        if type(n) is XlErr:
            raise Stop(n)
        out.append(n)
    return out


def _guarded(fn):
    def apply(*args):
        try:
            result = fn(*args)
        except Stop as stop:
            return stop.err
        except (ZeroDivisionError, OverflowError, ValueError):
            return NUM
        return result if type(result) is XlErr else finite_or_num(result)

    return apply


@excel("PMT")
@_guarded
def f_pmt(rate, nper, pv, fv=0.0, kind=0.0):
    r, n, p, f, t = _finance_args(rate, nper, pv, fv, kind)
    if n == 0:
        return NUM
    if r == 0:
        return -(p + f) / n
    growth = (1 + r) ** n
    return -(r * (f + p * growth)) / ((1 + r * (t != 0)) * (growth - 1))


@excel("FV")
@_guarded
def f_fv(rate, nper, pmt, pv=0.0, kind=0.0):
    r, n, c, p, t = _finance_args(rate, nper, pmt, pv, kind)
    if r == 0:
        return -(p + c * n)
    growth = (1 + r) ** n
    return -(p * growth + c * (1 + r * (t != 0)) * (growth - 1) / r)


@excel("PV")
@_guarded
def f_pv(rate, nper, pmt, fv=0.0, kind=0.0):
    r, n, c, f, t = _finance_args(rate, nper, pmt, fv, kind)
    if r == 0:
        return -(f + c * n)
    growth = (1 + r) ** n
    return -(f + c * (1 + r * (t != 0)) * (growth - 1) / r) / growth


@excel("NPER")
@_guarded
def f_nper(rate, pmt, pv, fv=0.0, kind=0.0):
    r, c, p, f, t = _finance_args(rate, pmt, pv, fv, kind)
    if r == 0:
        return DIV0 if c == 0 else -(p + f) / c
    adjusted = c * (1 + r * (t != 0)) / r
    return math.log((adjusted - f) / (adjusted + p)) / math.log(1 + r)


@excel("IRR")
def f_irr(values, guess=0.1):
    flows = collect([values])
    if type(flows) is XlErr:
        return flows
    if not any(v > 0 for v in flows) or not any(v < 0 for v in flows):
        return NUM
    g = to_number(scalar(guess)) if guess is not None else 0.1
    if type(g) is XlErr:
        return g

    def npv(rate):
        return math.fsum(v / (1 + rate) ** i for i, v in enumerate(flows))

    def slope(rate):
        return math.fsum(-i * v / (1 + rate) ** (i + 1) for i, v in enumerate(flows))

    rate = g
    for _ in range(100):  # Newton's method from the guess, as Excel; converged to 1e-12
        try:
            value, step_base = npv(rate), slope(rate)
        except (OverflowError, ZeroDivisionError):
            return NUM
        if step_base == 0:
            return NUM
        step = value / step_base
        rate -= step
        if rate <= -1:
            return NUM
        if abs(step) < 1e-12 * max(1.0, abs(rate)):
            return rate
    return NUM
