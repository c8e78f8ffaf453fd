"""Reading the DfE SSDA903 header and episodes files, one folder per collection year.

The layout is the one Social Finance's demand model (PyPI ``cs-demand-model``) reads:
``DIR/<YYYY>/header.csv`` and ``DIR/<YYYY>/episodes.csv``, where ``YYYY`` is the year in which
the collection year ends (31 March), dates are ``dd/mm/YYYY`` and each year's episodes file
holds every episode open at some time in that year, with ``DEC`` blank for those still open at
its end. Column names and codes are DfE's; files the DfE validation rules accept
(``csc-validator-be-903``: any column order, codes in any case) are accepted.

Problems in rows never pass silently: each is recorded in a :class:`ReadReport` with the file,
line and child, and the row (or the child) is left out; ``strict=True`` raises instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xlfuncs.methods.errors import InputError, NoDataError, NotFoundError
from xlfuncs.methods.stock_flow.episodes import OPEN, EpisodeTable, to_days

#: Columns the model needs; others in the files are ignored.
HEADER_COLUMNS = ("CHILD", "DOB")
EPISODE_COLUMNS = ("CHILD", "DECOM", "DEC", "PLACE")

CONVENTIONS = ("xlfuncs", "cs-demand-model")
_YEAR = re.compile(r"^\d{4}$")


class SSDA903Error(InputError):
    """A file that cannot be read as an SSDA903 return (missing file or column, bad rows)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in the files and what was done about it."""

    file: str
    line: int | None
    child: str | None
    reason: str
    action: str  # "row dropped", "child dropped" or "corrected"

    def __str__(self) -> str:
        where = self.file + (f" line {self.line}" if self.line else "")
        who = f" (CHILD {self.child})" if self.child else ""
        return f"{where}{who}: {self.reason}; {self.action}"


@dataclass
class ReadReport:
    """What was read and every problem met, with the action taken."""

    header_rows: int = 0
    episode_rows: int = 0
    episodes_used: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_dropped(self) -> int:
        """Episode rows read but not used because of a problem (cross-year repeats excluded)."""
        return sum(1 for p in self.problems if p.action != "corrected" and p.file.endswith("episodes.csv"))

    def summary(self) -> list[str]:
        """One line per kind of problem: count, reason, action and the first places it occurs."""
        groups: dict[tuple[str, str], list[Problem]] = {}
        for problem in self.problems:
            groups.setdefault((problem.reason, problem.action), []).append(problem)
        lines = []
        for (reason, action), items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            places = ", ".join(
                f"{p.file}:{p.line}" if p.line else p.file for p in items[:3]
            ) + (", ..." if len(items) > 3 else "")
            lines.append(f"{len(items)} x {reason} ({action}): {places}")
        return lines


def parse_dates(values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse ``dd/mm/YYYY`` texts (day and month may have one digit) to days since 1970.

    Returns (days, blank, bad): ``days`` holds 0 where the text is blank or bad.

    >>> days, blank, bad = parse_dates(["31/03/2023", "", "1/4/2023", "2023-04-01", "31/02/2023"])
    >>> days.tolist(), blank.tolist(), bad.tolist()
    ([19447, 0, 19448, 0, 0], [False, True, False, False, False], [False, False, False, True, True])
    """
    text = np.array(["" if v is None else str(v).strip()
                     for v in np.asarray(values, dtype=object).ravel()], dtype=object)
    n = text.size
    days = np.zeros(n, dtype=np.int64)
    blank = text == ""
    ok = np.zeros(n, dtype=bool)
    # Fast path: exactly "dd/mm/YYYY", decoded as character codes.
    fixed = np.array([len(t) == 10 for t in text], dtype=bool) if n else np.zeros(0, bool)
    if fixed.any():
        codes = np.frombuffer("".join(text[fixed]).encode("ascii", "replace"), dtype=np.uint8)
        codes = codes.reshape(-1, 10).astype(np.int64)
        digits = codes - 48
        digit_ok = np.all((digits[:, [0, 1, 3, 4, 6, 7, 8, 9]] >= 0)
                          & (digits[:, [0, 1, 3, 4, 6, 7, 8, 9]] <= 9), axis=1)
        slash_ok = (codes[:, 2] == 47) & (codes[:, 5] == 47)
        day = digits[:, 0] * 10 + digits[:, 1]
        month = digits[:, 3] * 10 + digits[:, 4]
        year = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
        good = digit_ok & slash_ok & (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1)
        months = (year - 1970) * 12 + (month - 1)
        first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        following = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        good &= day <= following - first
        index = np.flatnonzero(fixed)
        days[index[good]] = first[good] + day[good] - 1
        ok[index[good]] = True
    rest = ~fixed & ~blank
    if rest.any():
        import pandas as pd

        parsed = pd.to_datetime(pd.Series(text[rest]), format="%d/%m/%Y", errors="coerce")
        good = parsed.notna().to_numpy()
        index = np.flatnonzero(rest)
        days[index[good]] = parsed[good].to_numpy().astype("datetime64[D]").astype(np.int64)
        ok[index[good]] = True
    return days, blank, ~blank & ~ok


def _read_csv(path: Path, required: tuple[str, ...]) -> dict[str, np.ndarray]:
    import pandas as pd

    if not path.is_file():
        raise SSDA903Error(str(path), "file not found")
    try:
        wanted = set(required)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            usecols=lambda c: str(c).strip().upper() in wanted)
    except UnicodeDecodeError:
        raise SSDA903Error(str(path), "not UTF-8 text: save the file as CSV UTF-8") from None
    except pd.errors.EmptyDataError:
        raise SSDA903Error(str(path), "the file is empty") from None
    except pd.errors.ParserError as exc:
        raise SSDA903Error(str(path), f"not a readable CSV file ({str(exc).strip()})") from None
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SSDA903Error(
            str(path), f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
    return {c: np.array([v.strip() for v in frame[c].to_numpy(dtype=object)], dtype=object)
            for c in required}


def year_folders(directory: Path) -> list[tuple[int, Path]]:
    """The collection-year folders of ``directory`` (four-digit names), oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SSDA903Error(str(directory), "no such folder")
    found = sorted(
        (int(p.name), p) for p in directory.iterdir() if p.is_dir() and _YEAR.match(p.name)
    )
    if not found:
        if (directory / "episodes.csv").is_file():
            raise SSDA903Error(
                str(directory),
                "put each year's header.csv and episodes.csv in a folder named after the year "
                "the collection ends, e.g. 2023/",
            )
        raise SSDA903Error(str(directory), "no collection-year folders (e.g. 2023/) found")
    return found


def read_ssda903(
    directory: str | Path,
    conventions: str = "xlfuncs",
    strict: bool = False,
) -> EpisodeTable:
    """Read every collection year under ``directory`` into one clean table of episodes.

    Parameters
    ----------
    directory : str or Path
        Folder holding ``<YYYY>/header.csv`` and ``<YYYY>/episodes.csv`` per collection year.
    conventions : {"xlfuncs", "cs-demand-model"}
        How episodes are cleaned. ``"xlfuncs"``: a child with overlapping episodes, an episode
        that starts before the child's birth or no date of birth is left out whole and reported;
        the same episode (CHILD and DECOM) in several years is taken from the latest year.
        ``"cs-demand-model"``: the peer's cleaning (see Notes).
    strict : bool
        Raise :class:`SSDA903Error` on the first kind of bad row instead of leaving rows out.

    Returns
    -------
    EpisodeTable
        The episodes, with a :class:`ReadReport` of every problem met.

    Notes
    -----
    The files are DfE's SSDA903 return (one folder per collection year, as read by
    ``cs-demand-model`` 0.5.1). Rows are left out, and reported, when DECOM is blank or not a
    ``dd/mm/YYYY`` date, DEC is not a date, DEC is before DECOM, or DEC equals DECOM (DfE rule
    355: an episode must last at least a day; the episodes before and after stay joined).

    ``cs-demand-model`` conventions, kept by ``conventions="cs-demand-model"``: the first
    header row of each child is used; episodes are sorted by child, DECOM and DEC (blank first);
    of episodes with the same child and DECOM the last is kept, then of those with the same
    child and DEC (blank included) the first; an episode still open, or ending after the next
    one starts, is cut to end when the next starts (reported as "corrected").

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> samples = samples_dir() / "ssda903"
    >>> table = read_ssda903(samples)
    >>> table.years
    (2019, 2020, 2021, 2022, 2023)
    >>> table.report.rows_dropped
    0
    """
    if conventions not in CONVENTIONS:
        raise NotFoundError("conventions", f'"{conventions}" is not one of {", ".join(CONVENTIONS)}')
    folders = year_folders(Path(directory))
    report = ReadReport()
    problems = report.problems

    def fail_or_record(problem: Problem) -> None:
        if strict:
            raise SSDA903Error(f"{problem.file} line {problem.line}" if problem.line else problem.file,
                               f"{problem.reason} (CHILD {problem.child})" if problem.child else problem.reason)
        problems.append(problem)

    # Header rows: child -> (year, dob days) per file.
    h_child, h_dob, h_year, h_ok = [], [], [], []
    e_parts = []
    for year, folder in folders:
        header_path, episodes_path = folder / "header.csv", folder / "episodes.csv"
        rel_h = f"{folder.name}/header.csv"
        rel_e = f"{folder.name}/episodes.csv"
        header = _read_csv(header_path, HEADER_COLUMNS)
        episodes = _read_csv(episodes_path, EPISODE_COLUMNS)
        report.header_rows += len(header["CHILD"])
        report.episode_rows += len(episodes["CHILD"])

        dob, blank, bad = parse_dates(header["DOB"])
        child = header["CHILD"].astype(str)
        no_id = child == ""
        for i in np.flatnonzero(no_id):
            fail_or_record(Problem(rel_h, int(i) + 2, None, "CHILD is blank", "row dropped"))
        for i in np.flatnonzero(~no_id & (blank | bad)):
            what = "DOB is blank" if blank[i] else f'DOB "{header["DOB"][i]}" is not a dd/mm/YYYY date'
            fail_or_record(Problem(rel_h, int(i) + 2, child[i], what, "no date of birth from this row"))
        h_child.append(child[~no_id])
        h_dob.append(dob[~no_id])
        h_year.append(np.full((~no_id).sum(), year))
        h_ok.append(~(blank | bad)[~no_id])

        start, s_blank, s_bad = parse_dates(episodes["DECOM"])
        end, e_blank, e_bad = parse_dates(episodes["DEC"])
        e_child = episodes["CHILD"].astype(str)
        place = np.char.upper(episodes["PLACE"].astype(str))
        lines = np.arange(len(e_child)) + 2
        keep = np.ones(len(e_child), dtype=bool)
        checks = (
            (e_child == "", "CHILD is blank"),
            (s_blank, "DECOM is blank"),
            (s_bad, "DECOM is not a dd/mm/YYYY date"),
            (e_bad, "DEC is not a dd/mm/YYYY date"),
            (~s_blank & ~s_bad & ~e_blank & ~e_bad & (end < start), "DEC is before DECOM (episode ends before it starts)"),
            (~s_blank & ~s_bad & ~e_blank & ~e_bad & (end == start), "DEC equals DECOM (episode lasts less than a day)"),
        )
        for mask, reason in checks:
            for i in np.flatnonzero(mask & keep):
                fail_or_record(Problem(rel_e, int(lines[i]), e_child[i] or None, reason, "row dropped"))
            keep &= ~mask
        end = np.where(e_blank, OPEN, end)
        e_parts.append((year, rel_e, e_child[keep], start[keep], end[keep], place[keep], lines[keep]))

    # Dates of birth across years.
    h_child_all = np.concatenate(h_child)
    h_dob_all = np.concatenate(h_dob)
    h_year_all = np.concatenate(h_year)
    h_ok_all = np.concatenate(h_ok)
    dob_of: dict[str, int] = {}
    if conventions == "cs-demand-model":
        # The peer keeps each child's first header row (files in year order).
        for c, d, ok in zip(h_child_all, h_dob_all, h_ok_all, strict=True):
            if c not in dob_of:
                dob_of[c] = int(d) if ok else -(2**50)
        dob_of = {c: d for c, d in dob_of.items() if d != -(2**50)}
    else:
        seen_year: dict[str, int] = {}
        for c, d, y, ok in zip(h_child_all, h_dob_all, h_year_all, h_ok_all, strict=True):
            if not ok:
                continue
            if c in dob_of and dob_of[c] != d:
                problems.append(Problem(f"{y}/header.csv", None, c,
                                        f"DOB differs from the one given in {seen_year[c]}",
                                        "corrected" if y > seen_year[c] else "corrected"))
            dob_of[c] = int(d)
            seen_year[c] = int(y)

    # All episode rows, oldest year first.
    years = np.concatenate([np.full(p[2].size, p[0]) for p in e_parts])
    files = np.concatenate([np.full(p[2].size, p[1], dtype=object) for p in e_parts])
    e_child = np.concatenate([p[2] for p in e_parts]).astype(str)
    start = np.concatenate([p[3] for p in e_parts])
    end = np.concatenate([p[4] for p in e_parts])
    place = np.concatenate([p[5] for p in e_parts]).astype(str)
    lines = np.concatenate([p[6] for p in e_parts])

    # Children with no usable date of birth.
    has_dob = np.array([c in dob_of for c in e_child], dtype=bool)
    reported: set[str] = set()
    for i in np.flatnonzero(~has_dob):
        if e_child[i] not in reported:
            reported.add(e_child[i])
            fail_or_record(Problem(files[i], int(lines[i]), e_child[i],
                                   "no date of birth for this child in any header.csv",
                                   "child dropped"))
    keep = has_dob
    if conventions == "cs-demand-model":
        table_rows = _peer_clean(e_child[keep], start[keep], end[keep], place[keep],
                                 years[keep], files[keep], lines[keep], problems)
    else:
        table_rows = _clean(e_child[keep], start[keep], end[keep], place[keep],
                            years[keep], files[keep], lines[keep], dob_of, fail_or_record)
    c_ids, c_start, c_end, c_place = table_rows
    if c_ids.size == 0:
        raise NoDataError("episodes", f"no usable episodes under {directory}")

    child_ids, child_index = np.unique(c_ids, return_inverse=True)
    dob = np.array([dob_of[c] for c in child_ids], dtype=np.int64)
    order = np.lexsort((c_start, child_index))
    all_dates = np.concatenate([start, end[end != OPEN]]) if start.size else np.zeros(1, np.int64)
    report.episodes_used = int(order.size)
    return EpisodeTable(
        child_ids=child_ids,
        dob=dob,
        child=child_index[order].astype(np.int64),
        start=c_start[order],
        end=c_end[order],
        place=c_place[order],
        years=tuple(y for y, _ in folders),
        first_day=int(c_start.min()),
        last_day=int(all_dates.max()),
        collection_end=to_days(dt.date(folders[-1][0], 3, 31)),
        conventions=conventions,
        report=report,
    )


def _clean(child, start, end, place, years, files, lines, dob_of, record):
    """Default cleaning: merge years, refuse duplicates within a file, overlaps and pre-birth."""
    n = child.size
    # Same episode (CHILD, DECOM) in several files: the latest year's row stands.
    order = np.lexsort((lines, years, start, child))
    child, start, end, place, years, files, lines = (
        a[order] for a in (child, start, end, place, years, files, lines))
    same_key = np.zeros(n, dtype=bool)
    if n > 1:
        same_key[:-1] = (child[:-1] == child[1:]) & (start[:-1] == start[1:])
    same_file = np.zeros(n, dtype=bool)
    if n > 1:
        same_file[:-1] = same_key[:-1] & (years[:-1] == years[1:])
    for i in np.flatnonzero(same_file):
        record(Problem(files[i], int(lines[i]), child[i],
                       f"duplicate episode: the same CHILD and DECOM again at line {lines[i + 1]}",
                       "row dropped"))
    keep = ~same_key  # the last row of each (CHILD, DECOM) group stands
    child, start, end, place, files, lines = (a[keep] for a in (child, start, end, place, files, lines))

    # Children to leave out whole.
    bad_children: dict[str, tuple[str, str, int]] = {}
    dob = np.array([dob_of[c] for c in child], dtype=np.int64)
    for i in np.flatnonzero(start < dob):
        bad_children.setdefault(child[i], ("episode starts before the child's date of birth",
                                           files[i], int(lines[i])))
    if child.size > 1:
        same = child[:-1] == child[1:]
        overlap = same & (end[:-1] > start[1:])
        for i in np.flatnonzero(overlap):
            what = ("an episode with no DEC is followed by a later episode"
                    if end[i] == OPEN else f"overlapping episodes (next starts line {lines[i + 1]})")
            bad_children.setdefault(child[i], (what, files[i], int(lines[i])))
    for c, (reason, file, line) in bad_children.items():
        record(Problem(file, line, c, reason, "child dropped"))
    if bad_children:
        keep = ~np.isin(child, np.array(list(bad_children), dtype=child.dtype))
        child, start, end, place = (a[keep] for a in (child, start, end, place))
    return child, start, end, place


def _peer_clean(child, start, end, place, years, files, lines, problems):
    """``cs-demand-model`` 0.5.1's cleaning of the combined episodes (see read_ssda903)."""
    # Sort by CHILD, DECOM, DEC with blank DEC first; stable, as pandas' multi-key sort.
    end_key = np.where(end == OPEN, -1, end)
    order = np.lexsort((end_key, start, child))
    child, start, end, place, files, lines = (a[order] for a in (child, start, end, place, files, lines))
    end_key = end_key[order]
    # drop_duplicates(["CHILD", "DECOM"], keep="last")
    n = child.size
    dup = np.zeros(n, dtype=bool)
    dup[:-1] = (child[:-1] == child[1:]) & (start[:-1] == start[1:])
    keep = ~dup
    child, start, end, place, files, lines, end_key = (
        a[keep] for a in (child, start, end, place, files, lines, end_key))
    # drop_duplicates(["CHILD", "DEC"], keep="first"), blank DEC equal to blank DEC.
    seen: set[tuple[str, int]] = set()
    keep = np.ones(child.size, dtype=bool)
    for i in range(child.size):
        key = (child[i], int(end_key[i]))
        if key in seen:
            keep[i] = False
            problems.append(Problem(files[i], int(lines[i]), child[i],
                                    "another episode of this child has the same DEC",
                                    "row dropped"))
        else:
            seen.add(key)
    child, start, end, place, files, lines = (a[keep] for a in (child, start, end, place, files, lines))
    # An episode open, or ending after the next starts, is cut to the next start.
    if child.size > 1:
        same = child[:-1] == child[1:]
        cut = same & ((end[:-1] == OPEN) | (end[:-1] > start[1:]))
        for i in np.flatnonzero(cut):
            problems.append(Problem(files[i], int(lines[i]), child[i],
                                    "episode overlaps the next one", "corrected"))
        idx = np.flatnonzero(cut)
        end = end.copy()
        end[idx] = start[idx + 1]
    return child, start, end, place


def reasons(report: ReadReport) -> Counter:
    """Count of problems by reason."""
    return Counter(p.reason for p in report.problems)
