"""Episodes of care as arrays: the form every stock-flow method takes.

:func:`xlfuncs.data.ssda903.read_ssda903` builds an :class:`EpisodeTable` from a council's
SSDA903 return; the methods here never read files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

#: End of an episode still open at the end of the data.
OPEN = np.int64(2**40)
#: ``uasc_until`` of a child who was never an unaccompanied asylum-seeking child.
NEVER = np.int64(-(2**40))
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class EpisodeTable:
    """Clean episodes as arrays, sorted by child then start date.

    Dates are whole days since 1970-01-01 (``numpy.datetime64`` days as integers); an episode
    still open has ``end == OPEN``. ``new_period`` marks the episodes that start a period of
    care; every other episode starts the day the one before it (same child) ends. A child is
    an unaccompanied asylum-seeking child (UASC) on the days before ``uasc_until``.
    """

    child_ids: np.ndarray  # str, one per child
    dob: np.ndarray  # int64 days, one per child
    child: np.ndarray  # int64 index into child_ids, one per episode
    start: np.ndarray  # int64 days
    end: np.ndarray  # int64 days or OPEN
    place: np.ndarray  # str SSDA903 PLACE codes, upper case
    provider: np.ndarray  # str PLACE_PROVIDER codes, upper case ("" when blank)
    legal_status: np.ndarray  # str LS codes, upper case
    rne: np.ndarray  # str RNE codes (reason for new episode), upper case ("" when not read)
    new_period: np.ndarray  # bool: the episode starts a period of care
    uasc_until: np.ndarray  # int64 days, one per child: UASC before this day (NEVER, OPEN)
    years: tuple[int, ...]
    first_day: int  # earliest date in the episodes
    last_day: int  # latest DECOM or DEC in the files
    collection_end: int  # 31 March of the last collection year
    conventions: str
    report: Any  # the reader's ReadReport: what was read and what was left out, and why

    @property
    def n_episodes(self) -> int:
        return int(self.start.size)

    def continues(self) -> np.ndarray:
        """True where an episode continues the period of care of the episode before it."""
        return ~self.new_period

    @property
    def missing_years(self) -> tuple[int, ...]:
        """Collection years between the first and the last that the data do not hold."""
        held = set(self.years)
        return tuple(y for y in range(self.years[0], self.years[-1] + 1) if y not in held)


def to_days(value: dt.date | str | np.datetime64) -> int:
    """Whole days since 1970-01-01 of a date (``YYYY-MM-DD`` text accepted).

    >>> to_days("1970-01-02"), to_days(dt.date(2023, 3, 31))
    (1, 19447)
    """
    if isinstance(value, str):
        value = dt.date.fromisoformat(value.strip())
    # numpy's stubs lack the (datetime64, unit) overload that numpy accepts at runtime
    return int(np.datetime64(value, "D").astype(np.int64))  # type: ignore[call-overload]


def from_days(days: int) -> dt.date:
    """The date ``days`` after 1970-01-01.

    >>> from_days(19447)
    datetime.date(2023, 3, 31)
    """
    return EPOCH + dt.timedelta(days=int(days))


_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def days_in_month(year, month) -> np.ndarray:
    """Days in each month (1-12) of each year, leap years counted.

    >>> days_in_month(np.array([2023, 2024, 1900, 2000]), np.array([2, 2, 2, 2])).tolist()
    [28, 29, 28, 29]
    """
    year, month = np.asarray(year), np.asarray(month)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return _MONTH_DAYS[month - 1] + ((month == 2) & leap)


def days_from_civil(year, month, day) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates, in whole-array integer arithmetic
    (H. Hinnant's ``days_from_civil``): no datetime objects, no conversions.

    >>> days_from_civil(np.array([1970, 2023, 2000]), np.array([1, 3, 2]), np.array([1, 31, 29])).tolist()
    [0, 19447, 11016]
    """
    month = np.asarray(month, dtype=np.int64)
    year = np.asarray(year, dtype=np.int64) - (month <= 2)
    era = np.floor_divide(year, 400)
    yoe = year - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + np.asarray(day) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01, the inverse of :func:`days_from_civil`.

    >>> [a.tolist() for a in civil_from_days(np.array([0, 19447, 11016]))]
    [[1970, 2023, 2000], [1, 3, 2], [1, 31, 29]]
    """
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day
