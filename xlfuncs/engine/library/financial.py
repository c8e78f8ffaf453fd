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
    to_bool,
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


def _ddb_period(cost: float, salvage: float, life: float, period: float, factor: float) -> float:
    """Declining-balance depreciation of one period, never below salvage (DDB's rule)."""
    rate = factor / life
    if rate >= 1.0:
        rate = 1.0
        old = cost if period == 1.0 else 0.0
    else:
        old = cost * (1.0 - rate) ** (period - 1.0)
    new = cost * (1.0 - rate) ** period
    value = old - salvage if new < salvage else old - new
    return max(value, 0.0)


@excel("DDB")
@_guarded
def f_ddb(cost, salvage, life, period, factor=2.0):
    c, s, n, p, f = _finance_args(cost, salvage, life, period, 2.0 if factor is None else factor)
    if c < 0 or s < 0 or n <= 0 or p <= 0 or p > n or f <= 0:
        return NUM
    return _ddb_period(c, s, n, p, f)


def _declining(
    value: float, salvage: float, life: float, rate: float, start: float, span: float, switch: bool, fraction_first: bool = False
) -> float:
    """Depreciation of a book value ``value`` from period ``start`` over ``span`` periods, in
    steps of one period and a fraction (last, or first with ``fraction_first``): the declining
    balance, or the straight line over the life left where that is more and switching is
    allowed."""
    total, t, left = 0.0, start, span
    fraction = span - math.floor(span)
    while left > 1e-12:
        step = min(1.0, left)
        if fraction_first and fraction > 1e-12 and t == start:
            step = fraction
        declining = min(value * rate, max(value - salvage, 0.0))
        straight = (value - salvage) / (life - t) if life - t > 0 else 0.0
        amount = (straight if switch and straight > declining else declining) * step
        total += amount
        value -= amount
        t += step
        left -= step
    return total


@excel("VDB")
@_guarded
def f_vdb(cost, salvage, life, start, end, factor=2.0, no_switch=False):
    """Variable declining balance from period ``start`` to ``end``, as Excel computes it:
    the book value at ``start`` (periods from 0, the last a fraction) depreciated on from
    there period by period, switching to straight line unless ``no_switch``."""
    c, s, n, a, b, f = _finance_args(cost, salvage, life, start, end, 2.0 if factor is None else factor)
    keep = to_bool(scalar(no_switch)) if no_switch is not None else False
    if type(keep) is XlErr:
        return keep
    if a < 0 or b < a or b > n or c < 0 or s > c or f <= 0 or n <= 0:
        return NUM
    rate = min(f / n, 1.0)
    # The schedule up to start runs in whole periods counted back from it.
    value = c - _declining(c, s, n, rate, 0.0, a, not keep, fraction_first=True)
    return _declining(value, s, n, rate, a, b - a, not keep)
