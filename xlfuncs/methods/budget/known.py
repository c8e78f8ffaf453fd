"""Episodes as they were known at the end of a day.

:func:`known_at` cuts a table of episodes at a day as the council's system showed it then:
episodes that began after it are left out and an episode that ended after it is still open.
Every figure of a month-end report is computed on the table cut at its date, so the report is
the same whatever happened afterwards; reading the return with
``read_ssda903(..., known_at=day)`` (:mod:`xlfuncs.data.ssda903_as_at`) goes one step further
and never reads the later records at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np

from xlfuncs.methods.stock_flow.episodes import OPEN, EpisodeTable, to_days


def known_at(table: EpisodeTable, day: dt.date | str | int) -> EpisodeTable:
    """The episodes of ``table`` as known at the end of ``day``.

    Parameters
    ----------
    table : EpisodeTable
    day : date, ``YYYY-MM-DD`` or int (days since 1970-01-01)

    Returns
    -------
    EpisodeTable
        Episodes starting on or before ``day``; those ending after it open (``end = OPEN``).
        Children, dates of birth and UASC status as they were (a UASC child's status after
        ``day`` enters no figure computed up to ``day``).

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> table = read_ssda903(samples_dir() / "ssda903")
    >>> cut = known_at(table, "2022-09-30")
    >>> bool(cut.start.max() <= to_days("2022-09-30")), int((cut.end == OPEN).sum())
    (True, 398)
    """
    last = day if isinstance(day, int | np.integer) else to_days(day)
    keep = table.start <= last
    end = table.end[keep]
    end = np.where(end > last, OPEN, end)
    kept_start = table.start[keep]
    closed = end[end != OPEN]
    last_day = int(max(kept_start.max(), closed.max() if closed.size else kept_start.max())) \
        if kept_start.size else int(last)
    return replace(
        table,
        child=table.child[keep],
        start=kept_start,
        end=end,
        place=table.place[keep],
        provider=table.provider[keep],
        legal_status=table.legal_status[keep],
        rne=table.rne[keep],
        new_period=table.new_period[keep],
        last_day=min(last_day, int(last)),
    )
