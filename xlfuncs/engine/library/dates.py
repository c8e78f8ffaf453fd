"""Excel's Date & Time functions (1900 date system): DATE, YEAR, MONTH, DAY, WEEKDAY, EOMONTH,
EDATE, YEARFRAC.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from xlfuncs.engine.library.arguments import FUNCTIONS, excel
from xlfuncs.engine.values import (
    NUM,
    XlErr,
    scalar,
    to_number,
)

_EPOCH = _dt.date(1899, 12, 30)


def _serial(day: _dt.date) -> float:
    serial = (day - _EPOCH).days
    return float(serial if serial >= 61 else serial - 1)  # Excel's phantom 29 February 1900


def _date(serial: Any) -> _dt.date | XlErr:
    n = to_number(scalar(serial))
    if type(n) is XlErr:
        return n
    if n < 1 or n > 2958465:
        return NUM
    whole = int(math.floor(n))
    return _EPOCH + _dt.timedelta(days=whole if whole >= 61 else whole + 1)


@excel("DATE")
def f_date(year, month, day):
    parts = [to_number(scalar(v)) for v in (year, month, day)]
    for p in parts:
        if type(p) is XlErr:
            return p
    y, m, d = (int(math.floor(p)) for p in parts)
    if y < 1900:
        y += 1900
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    try:
        first = _dt.date(y, m, 1)
    except ValueError:
        return NUM
    return _serial(first) + d - 1


def _part(attribute: str):
    def apply(serial):
        day = _date(serial)
        return day if type(day) is XlErr else float(getattr(day, attribute))

    return apply


FUNCTIONS["YEAR"] = _part("year")
FUNCTIONS["MONTH"] = _part("month")
FUNCTIONS["DAY"] = _part("day")


@excel("WEEKDAY")
def f_weekday(serial, kind=1.0):
    day = _date(serial)
    if type(day) is XlErr:
        return day
    number = to_number(scalar(kind))
    if type(number) is XlErr:
        return number
    k = int(number or 1)
    monday0 = day.weekday()
    if k == 1:
        return float((monday0 + 1) % 7 + 1)
    if k == 2:
        return float(monday0 + 1)
    if k == 3:
        return float(monday0)
    return NUM


def _add_months(serial, months, month_end: bool):
    day = _date(serial)
    n = to_number(scalar(months))
    if type(day) is XlErr:
        return day
    if type(n) is XlErr:
        return n
    total = day.year * 12 + day.month - 1 + int(n)
    y, m = divmod(total, 12)
    m += 1
    if month_end:
        nxt = _dt.date(y + (m == 12), m % 12 + 1, 1)
        return _serial(nxt - _dt.timedelta(days=1))
    last = (_dt.date(y + (m == 12), m % 12 + 1, 1) - _dt.timedelta(days=1)).day
    return _serial(_dt.date(y, m, min(day.day, last)))


FUNCTIONS["EOMONTH"] = lambda start, months: _add_months(start, months, True)
FUNCTIONS["EDATE"] = lambda start, months: _add_months(start, months, False)

def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_end(day: _dt.date) -> bool:
    return (day + _dt.timedelta(days=1)).month != day.month


@excel("YEARFRAC")
def f_yearfrac(start, end, basis=0.0):
    """Fraction of a year between two dates, on Excel's day-count bases 0 to 4."""
    a, b = _date(start), _date(end)
    if type(a) is XlErr:
        return a
    if type(b) is XlErr:
        return b
    k = to_number(scalar(basis)) if basis is not None else 0.0
    if type(k) is XlErr:
        return k
    k = int(k)
    if k < 0 or k > 4:
        return NUM
    if a > b:
        a, b = b, a
    days = (b - a).days
    if k == 0:
        d1, d2 = a.day, b.day
        if d1 == 31 and d2 == 31:
            d1 = d2 = 30
        elif d1 == 31:
            d1 = 30
        elif d1 == 30 and d2 == 31:
            d2 = 30
        elif a.month == 2 and b.month == 2 and _month_end(a) and _month_end(b):
            d1 = d2 = 30
        elif a.month == 2 and _month_end(a):
            d1 = 30
        return ((b.year - a.year) * 360 + (b.month - a.month) * 30 + d2 - d1) / 360
    if k == 1:
        within_year = a.year == b.year or (
            b.year == a.year + 1 and (a.month > b.month or (a.month == b.month and a.day >= b.day))
        )
        if within_year:
            if a.year == b.year:
                length = 366 if _leap(a.year) else 365
            else:
                spans_leap_day = any(
                    _leap(y) and a <= _dt.date(y, 2, 29) <= b for y in (a.year, b.year)
                )
                length = 366 if spans_leap_day else 365
            return days / length
        years = range(a.year, b.year + 1)
        average = sum(366 if _leap(y) else 365 for y in years) / len(years)
        return days / average
    if k == 2:
        return days / 360
    if k == 3:
        return days / 365
    d1, d2 = min(a.day, 30), min(b.day, 30)
    return ((b.year - a.year) * 360 + (b.month - a.month) * 30 + d2 - d1) / 360
