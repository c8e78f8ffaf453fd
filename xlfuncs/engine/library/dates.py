"""Excel's Date & Time functions: DATE, YEAR, MONTH, DAY, WEEKDAY, EOMONTH, EDATE, YEARFRAC,
DATEDIF, DATEVALUE, DAYS, TODAY, NOW, WEEKNUM, ISOWEEKNUM, NETWORKDAYS, WORKDAY, HOUR, MINUTE,
SECOND, TIME.

Serial numbers follow the workbook's date system: the 1900 system (day 1 is 1 January 1900,
with Excel's phantom 29 February 1900) or the 1904 system of workbooks first made on a Mac
(``<workbookPr date1904="1"/>``: day 0 is 1 January 1904). The evaluator sets
:data:`DATE1904` for the workbook it evaluates.
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import math
import re
from typing import Any

from xlfuncs.engine.library.arguments import FUNCTIONS, excel
from xlfuncs.engine.values import (
    NUM,
    VALUE,
    XlErr,
    scalar,
    to_number,
)

_EPOCH = _dt.date(1899, 12, 30)
_EPOCH_1904 = _dt.date(1904, 1, 1)
#: Whether the workbook being evaluated uses the 1904 date system.
DATE1904: contextvars.ContextVar[bool] = contextvars.ContextVar("date1904", default=False)


def _serial(day: _dt.date) -> float:
    if DATE1904.get():
        return float((day - _EPOCH_1904).days)
    serial = (day - _EPOCH).days
    return float(serial if serial >= 61 else serial - 1)  # Excel's phantom 29 February 1900


def _date(serial: Any) -> _dt.date | XlErr:
    n = to_number(scalar(serial))
    if type(n) is XlErr:
        return n
    whole = int(math.floor(n))
    if DATE1904.get():
        if n < 0 or n > 2957003:
            return NUM
        return _EPOCH_1904 + _dt.timedelta(days=whole)
    if n < 0 or n > 2958465:
        return NUM
    if whole == 0:
        return _ZERO
    return _EPOCH + _dt.timedelta(days=whole if whole >= 61 else whole + 1)


#: Serial 0 in the 1900 system, which Excel shows as 0 January 1900: YEAR gives 1900,
#: MONTH 1, DAY 0. Stood in for by 31 December 1899, with DAY corrected.
_ZERO = _dt.date(1899, 12, 31)


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


def _phantom(serial) -> bool:
    """Serial 60 in the 1900 system: 29 February 1900, a day Excel keeps that never was."""
    n = to_number(scalar(serial))
    return not DATE1904.get() and type(n) is not XlErr and math.floor(n) == 60


@excel("YEAR")
def f_year(serial):
    day = _date(serial)
    return day if type(day) is XlErr else (1900.0 if day == _ZERO else float(day.year))


@excel("MONTH")
def f_month(serial):
    day = _date(serial)
    if type(day) is XlErr:
        return day
    return 1.0 if day == _ZERO else (2.0 if _phantom(serial) else float(day.month))


@excel("DAY")
def f_day(serial):
    day = _date(serial)
    if type(day) is XlErr:
        return day
    return 0.0 if day == _ZERO else (29.0 if _phantom(serial) else float(day.day))


@excel("WEEKDAY")
def f_weekday(serial, kind=1.0):
    day = _date(serial)
    if type(day) is XlErr:
        return day
    number = to_number(scalar(kind)) if kind is not None else 1.0
    if type(number) is XlErr:
        return number
    whole = int(math.floor(to_number(scalar(serial))))  # a number: _date accepted it
    # Counted from the serial, not the calendar: Excel takes 1 January 1900 for a Sunday.
    sunday0 = (whole + 5) % 7 if DATE1904.get() else (whole - 1) % 7
    k = int(number)
    if k in (1, 17):
        return float(sunday0 + 1)
    if k in (2, 11):
        return float((sunday0 + 6) % 7 + 1)
    if k == 3:
        return float((sunday0 + 6) % 7)
    if 12 <= k <= 16:
        return float((sunday0 - (k - 10)) % 7 + 1)
    return NUM


def _add_months(serial, months, month_end: bool):
    if type(scalar(serial)) is bool or type(scalar(months)) is bool:
        return VALUE  # Analysis ToolPak functions refuse logicals
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
    k = to_number(scalar(basis)) if basis is not None else 0.0
    if type(k) is XlErr:
        return k
    k = int(k)
    if k < 0 or k > 4:
        return NUM  # judged before the dates, as Excel does
    if type(scalar(start)) is bool or type(scalar(end)) is bool:
        return VALUE
    a, b = _date(start), _date(end)
    if type(a) is XlErr:
        return a
    if type(b) is XlErr:
        return b
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


def _months_between(a: _dt.date, b: _dt.date) -> int:
    months = (b.year - a.year) * 12 + b.month - a.month
    return months - 1 if b.day < a.day else months


@excel("DATEDIF")
def f_datedif(start, end, unit):
    """Whole years, months or days between two dates (units Y, M, D, MD, YM, YD)."""
    a, b = _date(start), _date(end)
    if type(a) is XlErr:
        return a
    if type(b) is XlErr:
        return b
    u = scalar(unit)
    if type(u) is XlErr:
        return u
    if type(u) is not str:
        return NUM
    u = u.upper()
    if a > b:
        return NUM
    if u == "D":
        return float((b - a).days)
    if u == "M":
        return float(_months_between(a, b))
    if u == "Y":
        return float(_months_between(a, b) // 12)
    if u == "YM":
        return float(_months_between(a, b) % 12)
    if u == "MD":
        if b.day >= a.day:
            return float(b.day - a.day)
        # Days of the month before the end date, as Excel counts: 31 January to 1 March 2020
        # gives 1 - 31 + 29 = -1, a known oddity of Excel's that LibreOffice keeps too.
        previous = _dt.date(b.year, b.month, 1) - _dt.timedelta(days=1)
        return float(b.day - a.day + previous.day)
    if u == "YD":
        try:
            same_year = a.replace(year=b.year)
        except ValueError:
            same_year = _dt.date(b.year, 3, 1)
        if same_year > b:
            try:
                same_year = a.replace(year=b.year - 1)
            except ValueError:
                same_year = _dt.date(b.year - 1, 3, 1)
        return float((b - same_year).days)
    return NUM


_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}


def _parse_date_text(text: str) -> _dt.date | None:
    t = text.strip()
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2})[-/](\d{1,2})[-/](\d{2,4})", t):
        mo, d, y = int(m.group(1)), int(m.group(2)), int(m.group(3))  # month first, as en-US Excel
    elif m := re.fullmatch(r"(\d{1,2})[- ]([A-Za-z]{3,9})[- ,]*(\d{2,4})", t):
        d, mo, y = int(m.group(1)), _MONTHS.get(m.group(2)[:3].lower(), 0), int(m.group(3))
    elif m := re.fullmatch(r"([A-Za-z]{3,9})[- ](\d{1,2}),?[- ](\d{2,4})", t):
        mo, d, y = _MONTHS.get(m.group(1)[:3].lower(), 0), int(m.group(2)), int(m.group(3))
    else:
        return None
    if y < 100:
        y += 2000 if y < 30 else 1900
    try:
        return _dt.date(y, mo, d)
    except ValueError:
        return None


@excel("DATEVALUE")
def f_datevalue(text):
    t = scalar(text)
    if type(t) is XlErr:
        return t
    if type(t) is not str:
        return VALUE
    day = _parse_date_text(t.split(" ")[0] if re.match(r"^\S+ \d{1,2}:", t) else t)
    if day is None:
        return VALUE
    serial = _serial(day)
    return serial if serial >= (0 if DATE1904.get() else 1) else VALUE


@excel("DAYS")
def f_days(end, start):
    a, b = _date(start), _date(end)
    if type(a) is XlErr:
        return a
    if type(b) is XlErr:
        return b
    return float((b - a).days)


@excel("TODAY")
def f_today():
    return _serial(_dt.date.today())


@excel("NOW")
def f_now():
    now = _dt.datetime.now()
    return _serial(now.date()) + (now.hour * 3600 + now.minute * 60 + now.second) / 86400


@excel("ISOWEEKNUM")
def f_isoweeknum(serial):
    day = _date(serial)
    return day if type(day) is XlErr else float(day.isocalendar()[1])


def _time_part(unit: str):
    def apply(serial):
        n = to_number(scalar(serial))
        if type(n) is XlErr:
            return n
        if n < 0:
            return NUM
        seconds = round((n - math.floor(n)) * 86400)
        if seconds == 86400:
            seconds = 0
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return float({"h": hours, "m": minutes, "s": secs}[unit])

    return apply


FUNCTIONS["HOUR"] = _time_part("h")
FUNCTIONS["MINUTE"] = _time_part("m")
FUNCTIONS["SECOND"] = _time_part("s")


@excel("TIME")
def f_time(hour, minute, second):
    parts = [to_number(scalar(v)) for v in (hour, minute, second)]
    for p in parts:
        if type(p) is XlErr:
            return p
    total = int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2])
    if total < 0:
        return NUM
    return (total % 86400) / 86400


@excel("WEEKNUM")
def f_weeknum(serial, kind=1.0):
    """The week of the year: weeks start on Sunday (1, 17), Monday (2, 11), ... (12-16), or
    ISO weeks (21)."""
    day = _date(serial)
    if type(day) is XlErr:
        return day
    k = to_number(scalar(kind)) if kind is not None else 1.0
    if type(k) is XlErr:
        return k
    k = int(k)
    if k == 21:
        return float(day.isocalendar()[1])
    starts = {1: 6, 17: 6, 2: 0, 11: 0, 12: 1, 13: 2, 14: 3, 15: 4, 16: 5}  # weekday the week starts on
    if k not in starts:
        return NUM
    if day == _ZERO:
        return 0.0
    first = _dt.date(day.year, 1, 1)
    offset = (first.weekday() - starts[k]) % 7
    return float((day - first).days + offset) // 7 + 1


def _holidays(holidays) -> set[_dt.date] | XlErr:
    from xlfuncs.engine.values import Rng

    found: set[_dt.date] = set()
    if holidays is None:
        return found
    items = holidays.cells.flat if isinstance(holidays, Rng) else [holidays]
    for item in items:
        if item is None:
            continue
        day = _date(item)
        if type(day) is XlErr:
            return day
        found.add(day)
    return found


@excel("NETWORKDAYS")
def f_networkdays(start, end, holidays=None):
    """Working days (Monday to Friday, less holidays) from start to end, both counted."""
    a, b = _date(start), _date(end)
    if type(a) is XlErr:
        return a
    if type(b) is XlErr:
        return b
    skip = _holidays(holidays)
    if type(skip) is XlErr:
        return skip
    sign = 1.0
    if a > b:
        a, b, sign = b, a, -1.0
    span = (b - a).days + 1
    weeks, rest = divmod(span, 7)
    count = weeks * 5 + sum(1 for i in range(rest) if (a + _dt.timedelta(days=i)).weekday() < 5)
    count -= sum(1 for d in skip if a <= d <= b and d.weekday() < 5)
    return sign * count


@excel("WORKDAY")
def f_workday(start, days, holidays=None):
    """The working day ``days`` working days after (or before) start."""
    a = _date(start)
    if type(a) is XlErr:
        return a
    n = to_number(scalar(days))
    if type(n) is XlErr:
        return n
    skip = _holidays(holidays)
    if type(skip) is XlErr:
        return skip
    step = 1 if n >= 0 else -1
    left = abs(math.trunc(n))
    day = a
    while left:
        day += _dt.timedelta(days=step)
        if day.weekday() < 5 and day not in skip:
            left -= 1
    return _serial(day)
