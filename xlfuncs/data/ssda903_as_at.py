"""The SSDA903 return as it stood at the end of a day: nothing recorded after it is read.

A month-end report must be the same whatever the return holds after its date (the episodes
that began since, the dates and reasons episodes ended since, the years collected since, and
corrections made in them). :func:`~xlfuncs.data.ssda903.read_ssda903` with ``known_at=``
applies these two functions before it reads any row as the guide defines it, so that no
decision it takes (which year's copy of an episode stands, which children are left out as
inconsistent, where a period of care ends) can depend on a later record:

* :func:`folders_known_at`: the collection years up to the one holding the day;
* :func:`rows_known_at`: episodes that start after the day left out; an episode that ends
  after it read as open (DEC and REC blank), as the council's system showed it that day.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from xlfuncs.methods.errors import OutOfDomainError
from xlfuncs.methods.stock_flow.episodes import OPEN, from_days


def collection_year(day: int) -> int:
    """The collection year (named after the 31 March it ends on) holding a day.

    >>> from xlfuncs.methods.stock_flow.episodes import to_days
    >>> collection_year(to_days("2022-03-31")), collection_year(to_days("2022-04-01"))
    (2022, 2023)
    """
    date = from_days(day)
    return date.year + (1 if date.month >= 4 else 0)


def folders_known_at(folders: list[tuple[int, Path]], day: int) -> list[tuple[int, Path]]:
    """The year folders a return known at ``day`` has: up to the year holding the day.

    Raises :class:`OutOfDomainError` (argument ``as_at``) when the day lies outside the
    collection years held.
    """
    year = collection_year(day)
    held = [y for y, _ in folders]
    if year < held[0] or year > held[-1]:
        first, last = dt.date(held[0] - 1, 4, 1), dt.date(held[-1], 3, 31)
        raise OutOfDomainError("as_at", f"{from_days(day)} is outside the return, which holds "
                               f"{first} to {last}")
    return [(y, folder) for y, folder in folders if y <= year]


def rows_known_at(rows: dict[str, np.ndarray], day: int) -> dict[str, np.ndarray]:
    """Episode rows as known at the end of ``day``.

    ``rows`` are the reader's columns (``start``, ``end`` in days with ``OPEN`` for a blank DEC,
    ``rec`` as bytes, any others): rows starting after ``day`` are left out; rows ending after
    it get ``end = OPEN`` and a blank ``rec``.

    >>> rows = {"start": np.array([10, 12, 20]), "end": np.array([12, 25, OPEN]),
    ...         "rec": np.array([b"X1", b"E11", b""])}
    >>> known = rows_known_at(rows, 15)
    >>> known["start"].tolist(), known["end"].tolist() == [12, OPEN], known["rec"].tolist()
    ([10, 12], True, [b'X1', b''])
    """
    keep = rows["start"] <= day
    out = {k: v[keep] for k, v in rows.items()}
    later = out["end"] > day  # OPEN too: already open
    if later.any():
        out["end"] = np.where(later, OPEN, out["end"])
        if "rec" in out:
            out["rec"] = np.where(later, np.zeros(1, dtype=out["rec"].dtype), out["rec"])
    return out
