"""The rules of DfE's SSDA903 guide applied to episodes read from a return.

:func:`xlfuncs.data.ssda903.read_ssda903` reads the files; this module decides what the rows
mean (codes: :mod:`xlfuncs.methods.stock_flow.codes`):

* :func:`check_codes`: every LS, RNE, REC, PLACE and PLACE_PROVIDER against the guide of the
  row's collection year;
* :func:`merge_years`: one row per episode across years (the latest year's);
* :func:`clean`: children whose episodes overlap, start before their birth or vanish between
  two returns left out;
* :func:`periods_of_care`: a period of care starts at RNE S and ends at a REC other than X1;
  REC X1 joins an episode to the next, which starts the same day (a one-day gap is reported
  and bridged);
* :func:`leave_out`: episodes of an agreed series of short breaks (LS V3, V4) taken out, the
  episode after them starting a period of care;
* :func:`uasc_status`: the day each unaccompanied asylum-seeking child stops being one;
* :func:`peer_clean`, :func:`adjacency_periods`: ``cs-demand-model`` 0.5.1's reading.

Every function records what it finds through ``record(Problem)``; none reads files.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from xlfuncs.data.lookup import Packed, member, pack, packed_codes
from xlfuncs.methods.stock_flow import codes
from xlfuncs.methods.stock_flow.episodes import OPEN

Record = Callable[..., None]


def _bytes(values) -> list[bytes]:
    """Codes as the reader holds the files' fields: bytes."""
    return [v.encode("ascii") for v in values]


SHORT_BREAKS = _bytes(sorted(codes.SHORT_BREAKS))
_LEGAL = _bytes(codes.LEGAL_STATUS)
_RNE = _bytes(codes.NEW_EPISODE_REASONS)
_REC = _bytes(codes.REASONS_CEASED)
_PROVIDERS = _bytes(codes.PROVIDERS)
_NO_PROVIDER = _bytes(sorted(codes.NO_PROVIDER))
_ALL_PLACES = _bytes(sorted(codes.ALL_PLACE_CODES))
_ENDS = _bytes(c for c in codes.REASONS_CEASED if c != codes.CONTINUES)
_X1, _S = codes.CONTINUES.encode(), codes.STARTED.encode()


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def episodes_file(year) -> str:
    """The episodes file of a collection year, as the report names it."""
    return f"{int(year)}/episodes.csv"


def _problem(file, line, child, reason, action):
    from xlfuncs.data.ssda903 import Problem

    return Problem(str(file), int(line) if line is not None else None,
                   _text(child) if child is not None and len(child) else None, reason, action)


def check_codes(rows: dict[str, np.ndarray], record: Record) -> None:
    """Report every code outside the guide of its row's collection year.

    Rows stay in (the action says how each is read); a PLACE_PROVIDER outside the guide is
    blanked, so that it reads as the blank it is to the guide.
    """
    n = rows["child"].size
    if n == 0:
        return
    place, ls, rne, rec, provider = (rows[k] for k in ("place", "ls", "rne", "rec", "provider"))
    year = rows["year"]
    packed_place = pack(place)
    known_elsewhere, valid_place = _place_validity(packed_place, year)
    ended = rows["end"] != OPEN
    packed_provider = pack(provider)
    bad_provider = (provider != b"") & ~member(packed_provider, _PROVIDERS)
    checks = [
        (~member(ls, _LEGAL), lambda i: (
            "LS is blank" if not ls[i] else f'LS "{_text(ls[i])}" is not a code of the guide',
            "kept: not read as a short break")),
        (~member(rne, _RNE), lambda i: (
            "RNE is blank" if not rne[i] else f'RNE "{_text(rne[i])}" is not a code of the guide',
            "kept: the period of care read from REC and the dates")),
        (ended & ~member(rec, _REC), lambda i: (
            "REC is blank for an episode that ended" if not rec[i]
            else f'REC "{_text(rec[i])}" is not a code of the guide',
            "kept: whether the period of care goes on read from the dates")),
        (~ended & (rec != b""), lambda i: (
            "REC is given for an episode with no DEC", "kept: read as still open")),
        (~valid_place & known_elsewhere, lambda i: (
            f'PLACE "{_text(place[i])}" is not a code of the guide for {year[i]}',
            "kept: grouped as the code of other years")),
        (~known_elsewhere, lambda i: (
            "PLACE is blank" if not place[i]
            else f'PLACE "{_text(place[i])}" is not a code of the guide',
            "kept: grouped as other")),
        (bad_provider, lambda i: (
            f'PLACE_PROVIDER "{_text(provider[i])}" is not a code of the guide',
            "kept: read as a blank provider")),
        ((provider == b"") & known_elsewhere & ~member(packed_place, _NO_PROVIDER), lambda i: (
            f"PLACE_PROVIDER is blank (the guide needs one for PLACE {_text(place[i])})",
            "kept: fostering read as in-house")),
    ]
    for mask, words in checks:
        for i in np.flatnonzero(mask):
            reason, action = words(i)
            record(_problem(episodes_file(year[i]), rows["line"][i], rows["child"][i], reason, action))
    if bad_provider.any():
        rows["provider"] = np.where(bad_provider, b"", provider)


def _place_validity(place, year) -> tuple[np.ndarray, np.ndarray]:
    """(a code of some year's guide, a code of the row's year's guide) for each PLACE."""
    known = member(place, _ALL_PLACES)
    years = np.flatnonzero(np.bincount(year - year.min())) + year.min() if year.size else year
    if not isinstance(place, Packed):
        valid = np.zeros(known.shape, dtype=bool)
        for y in years:
            mask = year == y
            valid[mask] = member(place[mask], _bytes(sorted(codes.place_codes(int(y)))))
        return known, valid
    # One lookup: each row's code (its position among every year's codes) by its year.
    every = np.asarray(_ALL_PLACES, dtype="S")
    packed = packed_codes(every)
    order = np.argsort(packed)
    table, names = packed[order], every[order]
    position = np.minimum(np.searchsorted(table, place.values), table.size - 1)
    by_year = np.array([[name.decode() in codes.place_codes(int(y)) for y in years]
                        for name in names], dtype=bool)
    return known, known & by_year[position, np.searchsorted(years, year)]


def merge_years(rows: dict[str, np.ndarray], record: Record) -> dict[str, np.ndarray]:
    """One row per episode (CHILD and DECOM): of the same episode in several years' files the
    latest year's row stands; the same episode twice in one file is reported. Sorted by child
    and start. ``rows`` come in year and line order."""
    # Rows come year by year, line by line: one stable sort by (child, DECOM) keeps that order
    # within each episode (keys below 2**42, dates from 1900 in 16 bits).
    offset = rows["start"] + 25567  # days since 1900-01-01
    if offset.size and (offset.min() < 0 or offset.max() > 65535 or rows["key"].max() >= 2**42):
        order = np.lexsort((rows["line"], rows["year"], rows["start"], rows["key"]))
    else:
        order = np.argsort((rows["key"] << 16) + offset, kind="stable")
    key, start, year = rows["key"][order], rows["start"][order], rows["year"][order]
    n = key.size
    same_key = np.zeros(n, dtype=bool)
    if n > 1:
        same_key[:-1] = (key[:-1] == key[1:]) & (start[:-1] == start[1:])
    same_file = same_key.copy()
    if n > 1:
        same_file[:-1] &= year[:-1] == year[1:]
    for i in np.flatnonzero(same_file):
        j, k = order[i], order[i + 1]
        record(_problem(episodes_file(year[i]), rows["line"][j], rows["child"][j],
                        f"duplicate episode: the same CHILD and DECOM again at line {rows['line'][k]}",
                        "row dropped"))
    kept = order[~same_key]  # every other column gathered once
    return {k: v[kept] for k, v in rows.items()}


def clean(rows: dict[str, np.ndarray], dob: np.ndarray, last_year: int, record: Record):
    """Children with inconsistent episodes left out whole (rows from :func:`merge_years`).

    Returns ``(child, start, end, columns)`` sorted by child and start, ``columns`` holding
    the episodes' ``key``, ``place``, ``provider``, ``ls``, ``rne``, ``rec``, ``year`` and
    ``line``.
    """
    r = rows
    key, child, start, end, year = r["key"], r["child"], r["start"], r["end"], r["year"]
    bad: dict[int, tuple[str, str, int]] = {}
    for i in np.flatnonzero((end == OPEN) & (year < last_year)):
        bad.setdefault(int(key[i]), (f"episode open at 31 March {year[i]} is not in the "
                                     f"{year[i] + 1} return", episodes_file(year[i]), int(r["line"][i])))
    for i in np.flatnonzero(start < dob):
        bad.setdefault(int(key[i]), ("episode starts before the child's date of birth",
                                     episodes_file(year[i]), int(r["line"][i])))
    if key.size > 1:
        overlap = (key[:-1] == key[1:]) & (end[:-1] > start[1:])
        for i in np.flatnonzero(overlap):
            what = ("an episode with no DEC is followed by a later episode"
                    if end[i] == OPEN else f"overlapping episodes (next starts line {r['line'][i + 1]})")
            bad.setdefault(int(key[i]), (what, episodes_file(year[i]), int(r["line"][i])))
    first_row: dict[int, int] = {}
    for i in np.flatnonzero(member(key, list(bad))):
        first_row.setdefault(int(key[i]), int(i))
    for k, (reason, file, line) in bad.items():
        record(_problem(file, line, child[first_row[k]], reason, "child dropped"))
    if bad:
        keep = ~member(key, np.array(list(bad), dtype=key.dtype))
        r = {k: v[keep] for k, v in r.items()}
    columns = {k: r[k] for k in ("key", "place", "provider", "ls", "rne", "rec", "year", "line")}
    return r["child"], r["start"], r["end"], columns


def periods_of_care(key, start, end, columns, window_start: int, record: Record, child=None):
    """Which episodes start a period of care, as the guide's RNE and REC say.

    Parameters
    ----------
    key, start, end : ndarray
        Episodes sorted by child (``key``: an integer per child) and start, none overlapping
        (see :func:`clean`).
    columns : dict
        With ``rne`` and ``rec`` (and ``year``, ``line`` for the report).
    window_start : int
        1 April of the first collection year (days): a period that starts before it may have
        begun in an episode the files do not hold, so its first RNE is not checked.
    record : callable
        Receives each :class:`~xlfuncs.data.ssda903.Problem`.
    child : ndarray, optional
        The child ids (bytes) the report names; default ``key``.

    Returns
    -------
    (new_period, end) : tuple of ndarray
        ``new_period`` True where an episode starts a period of care; ``end`` with each
        one-day gap after REC X1 bridged (the episode ends the day the next starts).

    Notes
    -----
    After REC X1 the next episode continues the period (the guide: the new episode begins on
    the same day); after any other REC a new period starts, even on the same day (a discharge
    and a readmission: an exit and an entry). Where REC is blank or not a code, an episode
    continues the period when it starts the day the one before ends and its RNE is not S.
    """
    rne, rec = columns["rne"], columns["rec"]
    year, line = columns["year"], columns["line"]
    names = key if child is None else child
    child = key
    n = child.size
    new = np.ones(n, dtype=bool)
    end = end.copy()
    reported = np.zeros(n, dtype=bool)

    def note(mask_next, reason, action):
        for i in np.flatnonzero(mask_next):
            record(_problem(episodes_file(year[i + 1]), line[i + 1], names[i + 1], reason(i), action))
            reported[i + 1] = True

    if n > 1:
        same = child[1:] == child[:-1]
        gap = np.where(same, start[1:] - np.minimum(end[:-1], start[1:] + 1), 0)
        x1 = rec[:-1] == _X1
        ended = member(rec[:-1], _ENDS)
        unknown = ~x1 & ~ended
        started = rne[1:] == _S
        continuing = same & ((x1 & (gap <= 1)) | (unknown & (gap == 0) & ~started))
        new[1:] = ~continuing
        one_day = same & x1 & (gap == 1)
        note(one_day, lambda i: "one-day gap after REC X1 (this episode starts the day after "
             "the one before ends)", "joined: no exit and re-entry, the gap day counted in care")
        end[:-1][one_day] = start[1:][one_day]
        note(same & x1 & (gap > 1), lambda i: f"REC X1 but this episode starts {gap[i]} days "
             "after the one before ends", "kept: read as leaving care and returning")
        note(same & x1 & (gap <= 1) & started, lambda i: "RNE S on an episode that follows REC X1",
             "kept: read as continuing the period of care (REC X1)")
        note(same & ended & ~started, lambda i: f'RNE "{_text(rne[i + 1])}" on the first episode '
             f'after a period of care ended (REC {_text(rec[i])})', "kept: read as a new period of care")
    last = np.ones(n, dtype=bool)
    if n > 1:
        last[:-1] = child[:-1] != child[1:]
    for i in np.flatnonzero(last & (rec == _X1) & (end != OPEN)):
        record(_problem(episodes_file(year[i]), line[i], names[i], "REC X1 but no episode follows",
                        "kept: read as leaving care"))
    for i in np.flatnonzero(new & ~reported & (rne != _S) & (start >= window_start)
                            & member(rne, _RNE)):
        record(_problem(episodes_file(year[i]), line[i], names[i],
                        f'a period of care starts with RNE "{_text(rne[i])}", not S',
                        "kept: read as the start of a period of care"))
    return new, end


def leave_out(mask, child, start, end, new_period, columns):
    """Episodes without those in ``mask``; the episode after a left-out one starts a period."""
    n = child.size
    after = np.zeros(n, dtype=bool)
    if n > 1:
        after[1:] = mask[:-1] & (child[1:] == child[:-1])
    keep = ~mask
    new = new_period | after
    return (child[keep], start[keep], end[keep], new[keep],
            {k: v[keep] for k, v in columns.items()})


def uasc_status(parts, record: Record) -> tuple[np.ndarray, np.ndarray]:
    """(sorted child keys, UASC until) from each year's UASC table and header flags.

    ``parts`` are ``(keys, until, file, ids)`` in year order, ``until`` the date UASC status
    ceased (DUC) or ``OPEN`` when not given. A child's latest dated DUC stands; with none, the
    child is UASC throughout.
    """
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = np.concatenate([p[0] for p in parts])
    until = np.concatenate([np.asarray(p[1], dtype=np.int64) for p in parts])
    files = np.concatenate([np.full(len(p[0]), p[2], dtype=object) for p in parts])
    ids = np.concatenate([p[3] for p in parts])
    seq = np.arange(keys.size)
    dated = until != OPEN
    order = np.lexsort((seq, dated, keys))
    keys, until, dated, files, ids = keys[order], until[order], dated[order], files[order], ids[order]
    differs = np.zeros(keys.size, dtype=bool)
    if keys.size > 1:
        differs[1:] = (keys[1:] == keys[:-1]) & dated[1:] & dated[:-1] & (until[1:] != until[:-1])
    for i in np.flatnonzero(differs):
        record(_problem(files[i], None, ids[i], "DUC differs from the one in an earlier UASC table",
                        "corrected"))
    last = np.ones(keys.size, dtype=bool)
    last[:-1] = keys[:-1] != keys[1:]
    return keys[last], until[last]


def peer_clean(rows: dict[str, np.ndarray], problems: list):
    """``cs-demand-model`` 0.5.1's cleaning of the combined episodes (see read_ssda903)."""
    start, end = rows["start"], rows["end"]
    # Sort by CHILD, DECOM, DEC with blank DEC first; stable, as pandas' multi-key sort (the
    # order of children does not matter: every step works within a child).
    end_key = np.where(end == OPEN, -1, end)
    order = np.lexsort((end_key, start, rows["key"]))
    r = {k: v[order] for k, v in rows.items()}
    end_key = end_key[order]
    child, start = r["key"], r["start"]
    # drop_duplicates(["CHILD", "DECOM"], keep="last")
    n = child.size
    dup = np.zeros(n, dtype=bool)
    dup[:-1] = (child[:-1] == child[1:]) & (start[:-1] == start[1:])
    r = {k: v[~dup] for k, v in r.items()}
    end_key = end_key[~dup]
    # drop_duplicates(["CHILD", "DEC"], keep="first"), blank DEC equal to blank DEC.
    child = r["key"]
    order = np.lexsort((np.arange(child.size), end_key, child))
    repeat = np.zeros(child.size, dtype=bool)
    sorted_child, sorted_end = child[order], end_key[order]
    repeat[order[1:]] = (sorted_child[1:] == sorted_child[:-1]) & (sorted_end[1:] == sorted_end[:-1])
    for i in np.flatnonzero(repeat):
        problems.append(_problem(episodes_file(r["year"][i]), r["line"][i], r["child"][i],
                                 "another episode of this child has the same DEC", "row dropped"))
    r = {k: v[~repeat] for k, v in r.items()}
    child, start, end = r["key"], r["start"], r["end"].copy()
    # An episode open, or ending after the next starts, is cut to the next start.
    if child.size > 1:
        same = child[:-1] == child[1:]
        cut = same & ((end[:-1] == OPEN) | (end[:-1] > start[1:]))
        for i in np.flatnonzero(cut):
            problems.append(_problem(episodes_file(r["year"][i]), r["line"][i], r["child"][i],
                                     "episode overlaps the next one", "corrected"))
        idx = np.flatnonzero(cut)
        end[idx] = start[idx + 1]
    columns = {k: r[k] for k in ("key", "place", "provider", "ls", "rne", "rec", "year", "line")}
    return r["child"], start, end, columns


def adjacency_periods(child, start, end) -> np.ndarray:
    """``cs-demand-model``'s periods of care: a new one wherever an episode does not start the
    day the one before it (same child) ends."""
    n = child.size
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = ~((child[1:] == child[:-1]) & (end[:-1] == start[1:]))
    return new
