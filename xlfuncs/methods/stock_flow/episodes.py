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
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class EpisodeTable:
    """Clean episodes as arrays, sorted by child then start date.

    Dates are whole days since 1970-01-01 (``numpy.datetime64`` days as integers); an episode
    still open has ``end == OPEN``.
    """

    child_ids: np.ndarray  # str, one per child
    dob: np.ndarray  # int64 days, one per child
    child: np.ndarray  # int64 index into child_ids, one per episode
    start: np.ndarray  # int64 days
    end: np.ndarray  # int64 days or OPEN
    place: np.ndarray  # str SSDA903 PLACE codes, upper case
    years: tuple[int, ...]
    first_day: int  # earliest date in the episodes
    last_day: int  # latest DECOM or DEC in the files
    collection_end: int  # 31 March of the last collection year
    conventions: str
    report: Any  # the reader's ReadReport: what was read and what was left out, and why

    @property
    def n_episodes(self) -> int:
        return int(self.start.size)


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
