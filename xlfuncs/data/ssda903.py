"""Reading the DfE SSDA903 return: header, episodes and UASC files, one folder per collection year.

The layout is the one Social Finance's demand model (PyPI ``cs-demand-model``) reads:
``DIR/<YYYY>/header.csv`` and ``DIR/<YYYY>/episodes.csv``, where ``YYYY`` is the year in which
the collection year ends (31 March), dates are ``dd/mm/YYYY`` and each year's episodes file
holds every episode open at some time in that year, with ``DEC`` and ``REC`` blank for those
still open at its end; a year's ``uasc.csv`` (CHILD, SEX, DOB, DUC: the return's UASC table),
or a ``UASC`` column (0/1) in its header file, says which children are unaccompanied
asylum-seeking children. Column names and codes are DfE's; files the DfE validation rules
accept (``csc-validator-be-903``: any column order, codes in any case) are accepted.

With the default conventions the return is read as DfE's guide defines it (see
:mod:`xlfuncs.data.ssda903_rules`): periods of care start at RNE S and end at a REC other
than X1; episodes of an agreed series of short breaks (LS V3, V4) are left out and counted;
every code is checked against the guide of its collection year.

Problems in rows never pass silently: each is recorded in a :class:`ReadReport` with the file,
line and child and what was done (the row or the child left out, or the row kept and how it
was read); ``strict=True`` raises instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xlfuncs.data import ssda903_rules as rules
from xlfuncs.data.lookup import member
from xlfuncs.data.ssda903_as_at import folders_known_at, rows_known_at
from xlfuncs.methods.errors import InputError, NoDataError, NotFoundError
from xlfuncs.methods.stock_flow.episodes import (
    NEVER,
    OPEN,
    EpisodeTable,
    days_from_civil,
    days_in_month,
    to_days,
)

#: Columns every reading needs; others in the files are ignored.
HEADER_COLUMNS = ("CHILD", "DOB")
EPISODE_COLUMNS = ("CHILD", "DECOM", "DEC", "PLACE")
#: Columns of the return the default conventions read too (every return has them).
RETURN_COLUMNS = ("RNE", "LS", "REC", "PLACE_PROVIDER")
#: The UASC table of a year, when given as a file of its own.
UASC_FILE = "uasc.csv"
UASC_COLUMNS = ("CHILD", "DUC")

CONVENTIONS = ("xlfuncs", "cs-demand-model")
SHORT_BREAK_RULES = ("exclude", "include")
_YEAR = re.compile(r"^\d{4}$")
#: Actions after which a problem's row (or child) is not in the table.
LEAVING_OUT = ("row dropped", "child dropped")


class SSDA903Error(InputError):
    """A file that cannot be read as an SSDA903 return (missing file or column, bad rows)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in the files and what was done about it.

    ``action`` is ``"row dropped"``, ``"child dropped"``, ``"corrected"`` or a sentence
    starting ``"kept"`` or ``"joined"`` that says how the row was read.
    """

    file: str
    line: int | None
    child: str | None
    reason: str
    action: str

    def __str__(self) -> str:
        where = self.file + (f" line {self.line}" if self.line else "")
        who = f" (CHILD {self.child})" if self.child else ""
        return f"{where}{who}: {self.reason}; {self.action}"


@dataclass
class ReadReport:
    """What was read, what was left out by rule, and every problem met, with the action taken."""

    header_rows: int = 0
    episode_rows: int = 0
    episodes_used: int = 0
    problems: list[Problem] = field(default_factory=list)
    short_breaks: str = "exclude"  # the rule applied to LS V3/V4 episodes
    short_break_children: int = 0  # children with at least one short-break episode
    short_break_episodes: int = 0  # short-break episodes (left out when the rule is exclude)
    uasc_children: int = 0

    @property
    def rows_dropped(self) -> int:
        """Episode rows (or children) not used because of a problem (repeats across years and
        short breaks left out by rule excluded)."""
        return sum(1 for p in self.problems
                   if p.action in LEAVING_OUT and p.file.endswith("episodes.csv"))

    def counts(self) -> list[str]:
        """What was left out, by rule and as invalid, one line each (the CLI's summary)."""
        lines = []
        if self.short_break_episodes:
            verb = "left out" if self.short_breaks == "exclude" else "kept (cs-demand-model counts them)"
            lines.append(f"short breaks (LS V3/V4, an agreed series of short-term breaks): "
                         f"{self.short_break_children:,} children, "
                         f"{self.short_break_episodes:,} episodes {verb}")
        rows = sum(1 for p in self.problems if p.action == "row dropped")
        children = sum(1 for p in self.problems if p.action == "child dropped")
        kept = sum(1 for p in self.problems if p.action not in LEAVING_OUT)
        if rows or children:
            lines.append(f"invalid: {rows:,} rows and {children:,} children left out")
        if kept:
            lines.append(f"read with a correction or as the guide allows: {kept:,} rows")
        return lines

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


_TABLE_FIRST_YEAR = 1900
_TABLE_YEARS = np.repeat(np.arange(_TABLE_FIRST_YEAR, _TABLE_FIRST_YEAR + 300), 12).reshape(300, 12)
_TABLE_MONTHS = np.tile(np.arange(1, 13), 300).reshape(300, 12)
#: Days since 1970 of the first of each month, and the month's length, 1900 to 2199.
_MONTH_TABLE = days_from_civil(_TABLE_YEARS, _TABLE_MONTHS, 1)
_MONTH_LENGTH = days_in_month(_TABLE_YEARS, _TABLE_MONTHS)


def parse_dates(values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse ``dd/mm/YYYY`` texts (day and month may have one digit) to days since 1970.

    ``values`` may be text or bytes (as the reader holds the files' fields). Returns (days,
    blank, bad): ``days`` holds 0 where the text is blank or bad.

    >>> days, blank, bad = parse_dates(["31/03/2023", "", "1/4/2023", "2023-04-01", "31/02/2023"])
    >>> days.tolist(), blank.tolist(), bad.tolist()
    ([19447, 0, 19448, 0, 0], [False, True, False, False, False], [False, False, False, True, True])
    """
    raw = np.asarray(values)
    if raw.dtype.kind != "S":
        objects = np.asarray(values, dtype=object).ravel()
        text = np.char.strip(np.where(objects == None, "", objects).astype(str))  # noqa: E711
        raw = np.char.encode(text, "ascii", "replace") if text.size else np.zeros(0, "S1")
    raw = raw.ravel()
    n = raw.size
    days = np.zeros(n, dtype=np.int64)
    blank = raw == b""
    ok = np.zeros(n, dtype=bool)
    width = raw.dtype.itemsize
    # Fast path: exactly "dd/mm/YYYY", decoded from the bytes.
    if n and width >= 10:
        chars = raw.view(np.uint8).reshape(n, width)
        fixed = (chars[:, 9] != 0) & ((chars[:, 10] == 0) if width > 10 else True)
    else:
        fixed = np.zeros(n, dtype=bool)
    if fixed.any():
        every = bool(fixed.all())
        index = np.arange(n) if every else np.flatnonzero(fixed)
        block = chars if every else chars[index]
        digits = block[:, :10].astype(np.int16) - 48  # "/" becomes -1
        is_digit = ((digits >= 0) & (digits <= 9)).view(np.uint8)
        digit_ok = is_digit @ np.ones(10, dtype=np.uint8) == 8  # (a row sum, several times faster)
        slash_ok = (digits[:, 2] == -1) & (digits[:, 5] == -1)
        day = digits[:, 0] * 10 + digits[:, 1]
        month = digits[:, 3] * 10 + digits[:, 4]
        year = (digits[:, 6].astype(np.int32) * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10
                + digits[:, 9])
        good = digit_ok & slash_ok & (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1)
        common = (year >= _TABLE_FIRST_YEAR) & (year < _TABLE_FIRST_YEAR + _MONTH_TABLE.shape[0])
        if good.all() and common.all():
            # Month starts and lengths looked up, 1900 to 2199: two gathers per date.
            cell = (year - _TABLE_FIRST_YEAR) * 12 + (month - 1)
            good = day <= _MONTH_LENGTH.ravel()[cell]
            days[index] = np.where(good, _MONTH_TABLE.ravel()[cell] + day - 1, 0)
            ok[index] = good
        else:
            good &= day <= days_in_month(year, np.minimum(np.maximum(month, 1), 12))
            days[index[good]] = days_from_civil(year[good], month[good], day[good])
            ok[index[good]] = True
    rest = ~fixed & ~blank
    if rest.any():
        import pandas as pd

        text = np.char.decode(raw[rest], "ascii", "replace")
        parsed = pd.to_datetime(pd.Series(text), format="%d/%m/%Y", errors="coerce")
        good = parsed.notna().to_numpy()
        index = np.flatnonzero(rest)
        days[index[good]] = parsed[good].to_numpy().astype("datetime64[D]").astype(np.int64)
        ok[index[good]] = True
    return days, blank, ~blank & ~ok


def _read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
              upper: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """The ``required`` and present ``optional`` columns of a CSV file as stripped UTF-8
    bytes (``upper`` ones in upper case): the reader works on bytes, which numpy compares and
    sorts several times faster than text, and decodes only what it returns."""
    if not path.is_file():
        raise SSDA903Error(str(path), "file not found")
    data = path.read_bytes()
    wanted = (*required, *optional)
    columns = _plain_csv_columns(data, set(wanted), set(upper))
    if columns is None:
        columns = _pandas_columns(path, set(wanted), set(upper))
    missing = [c for c in required if c not in columns]
    if missing:
        raise SSDA903Error(
            str(path), f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
    return columns


def _pandas_columns(path: Path, wanted: set[str], upper: set[str]) -> dict[str, np.ndarray]:
    """Any CSV file pandas reads (quoted fields, non-ASCII text, ragged lines)."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            usecols=lambda c: str(c).strip().upper() in wanted)
    except UnicodeDecodeError:
        raise SSDA903Error(str(path), "not UTF-8 text: save the file as CSV UTF-8") from None
    except pd.errors.EmptyDataError:
        raise SSDA903Error(str(path), "the file is empty") from None
    except pd.errors.ParserError as exc:
        raise SSDA903Error(str(path), f"not a readable CSV file ({str(exc).strip()})") from None
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    out = {}
    for c in frame.columns:
        text = np.char.strip(frame[c].to_numpy(dtype=str))
        text = np.char.upper(text) if c in upper else text
        out[c] = np.char.encode(text, "utf-8") if text.size else np.zeros(0, "S1")
    return out


_SPACE, _TAB, _QUOTE, _COMMA, _LF, _CR = 32, 9, 34, 44, 10, 13
_PADDING = 256  # bytes after the file's end: the longest field the fast reader takes


def _plain_csv_columns(data: bytes, wanted: set[str], upper: set[str]) -> dict[str, np.ndarray] | None:
    """Columns of a plain CSV file, parsed with whole-array operations, or None for pandas.

    A plain file is ASCII (after an optional UTF-8 byte-order mark), has no quoted fields and
    the same number of fields on every line: what council systems and DfE's tools write. Blank
    lines are skipped and CRLF line ends accepted, as pandas does.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    buf = np.frombuffer(data, dtype=np.uint8)
    if buf.size == 0 or (buf >= 128).any() or (buf == _QUOTE).any():
        return None
    is_separator = (buf == _COMMA) | (buf == _LF)
    separators = np.flatnonzero(is_separator)
    is_newline = buf[separators] == _LF
    newline, commas = separators[is_newline], separators[~is_newline]
    starts = np.concatenate(([0], newline + 1))
    ends = np.concatenate((newline, [buf.size]))
    ends = ends - ((ends > starts) & (buf[np.maximum(ends - 1, 0)] == _CR))
    nonblank = ends > starts
    starts, ends = starts[nonblank], ends[nonblank]
    if starts.size == 0:
        return None
    names = [name.strip().upper() for name in data[starts[0]:ends[0]].decode("ascii").split(",")]
    if len(names) < 2 or commas.size != starts.size * (len(names) - 1):
        return None
    grid = commas.reshape(starts.size, len(names) - 1)
    # As many commas as the lines need, and each line's first and last inside it: then every
    # line has exactly as many fields as the header.
    if not (np.all(grid[:, 0] > starts) and np.all(grid[:, -1] < ends)):
        return None
    # Whether any field has a space or tab at either end (next to a separator, or at the
    # file's ends): only then is there stripping to do.
    blanks = np.flatnonzero((buf == _SPACE) | (buf == _TAB))
    padded = bool(blanks.size) and bool(
        blanks[0] == 0 or blanks[-1] >= buf.size - 2 or is_separator[blanks - 1].any()
        or is_separator[np.minimum(blanks + 1, buf.size - 1)].any()
        or (buf[np.minimum(blanks + 1, buf.size - 1)] == _CR).any())
    buf = np.concatenate([buf, np.zeros(_PADDING, dtype=np.uint8)])
    out: dict[str, np.ndarray] = {}
    last = len(names) - 1
    for j, name in enumerate(names):
        if name not in wanted or name in out:
            continue
        start = (starts if j == 0 else grid[:, j - 1] + 1)[1:]
        end = (ends if j == last else grid[:, j])[1:]
        text = _field_text(buf, start, end, name in upper, padded)
        if text is None:
            return None
        out[name] = text
    return out


def _field_text(buf: np.ndarray, start: np.ndarray, end: np.ndarray, upper: bool,
                padded: bool = True) -> np.ndarray | None:
    """The bytes of one field on every line, stripped of spaces and tabs (upper case if asked);
    ``buf`` ends in ``_PADDING`` zero bytes; None for a field longer than that. ``padded``
    False says no field has a space or tab at either end."""
    lead = trail = np.zeros(0, dtype=bool)
    if padded:
        first_char, last_char = buf[start], buf[np.maximum(end - 1, 0)]
        lead = (start < end) & ((first_char == _SPACE) | (first_char == _TAB))
        trail = (start < end) & ((last_char == _SPACE) | (last_char == _TAB))
    if lead.any() or trail.any():
        start, end = start.copy(), end.copy()
        while lead.any() or trail.any():  # spaces are rare: a few passes at most
            start += lead
            end -= trail & (start < end)
            first_char, last_char = buf[start], buf[np.maximum(end - 1, 0)]
            lead = (start < end) & ((first_char == _SPACE) | (first_char == _TAB))
            trail = (start < end) & ((last_char == _SPACE) | (last_char == _TAB))
    length = end - start
    width = int(length.max()) if start.size else 0
    if width == 0:
        return np.full(start.size, b"", dtype="S1")
    if width > _PADDING:
        return None
    # Rows of a sliding window over the file: each field's bytes copied whole, no index grid.
    windows = np.lib.stride_tricks.as_strided(buf, shape=(buf.size - width + 1, width),
                                              strides=(1, 1), writeable=False)
    chars = windows[start]
    if int(length.min()) < width:
        chars *= np.arange(width) < length[:, None]  # zero the bytes past each field's end
    if upper:
        lower = (chars >= 97) & (chars <= 122)
        if lower.any():
            chars -= np.uint8(32) * lower
    return chars.view(f"S{width}").ravel()


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


def _uasc_file(folder: Path) -> Path | None:
    for path in folder.iterdir():
        if path.name.lower() == UASC_FILE and path.is_file():
            return path
    return None


def read_ssda903(
    directory: str | Path,
    conventions: str = "xlfuncs",
    strict: bool = False,
    short_breaks: str | None = None,
    known_at: dt.date | str | None = None,
) -> EpisodeTable:
    """Read every collection year under ``directory`` into one clean table of episodes.

    Parameters
    ----------
    directory : str or Path
        Folder holding ``<YYYY>/header.csv`` and ``<YYYY>/episodes.csv`` per collection year,
        and optionally ``<YYYY>/uasc.csv`` (the return's UASC table).
    conventions : {"xlfuncs", "cs-demand-model"}
        How the return is read. ``"xlfuncs"``: as DfE's guide defines it (see Notes); a child
        with overlapping episodes, an episode that starts before the child's birth or no date
        of birth is left out whole and reported; the same episode (CHILD and DECOM) in several
        years is taken from the latest year. ``"cs-demand-model"``: the peer's reading (see
        Notes), which uses only CHILD, DOB, DECOM, DEC and PLACE.
    strict : bool
        Raise :class:`SSDA903Error` on the first problem instead of reporting it.
    short_breaks : {"exclude", "include"}, optional
        Episodes with legal status V3 or V4 (an agreed series of short breaks): left out
        (default with ``"xlfuncs"``, as DfE's counts of children looked after leave them out)
        or kept (default with ``"cs-demand-model"``, which counts them). Either way the
        report counts them.
    known_at : date or ``YYYY-MM-DD``, optional
        Read the return as it stood at the end of this day (:mod:`xlfuncs.data.ssda903_as_at`):
        later collection years and episodes starting after the day are not read, and an
        episode ending after it is read as open.

    Returns
    -------
    EpisodeTable
        The episodes, with a :class:`ReadReport` of what was left out and every problem met.

    Notes
    -----
    Rows are left out, and reported, when DECOM is blank or not a ``dd/mm/YYYY`` date, DEC is
    not a date, DEC is before DECOM, or DEC equals DECOM (DfE rule 355: an episode must last at
    least a day; the episodes before and after stay joined).

    The default conventions apply the guide (:mod:`xlfuncs.data.ssda903_rules`): a period of
    care starts at an episode with RNE S and ends at a REC other than X1 (a discharge and a
    readmission on the same day are an exit and an entry); a one-day gap after REC X1 is
    reported and bridged, not read as leaving and returning; LS, RNE, REC, PLACE and
    PLACE_PROVIDER are checked against the guide's codes for the collection year (a row with
    a code outside them is kept, reported, and read as the report says); a collection year
    missing between the first and the last is reported (estimates refuse reference periods
    that overlap it); an episode open at the end of a year that the next year's return does
    not hold is reported and its child left out. UASC status comes from the UASC table
    (``uasc.csv``) or a header column ``UASC``: a child is UASC until DUC (the date UASC
    status ceased), or throughout when DUC is blank.

    ``cs-demand-model`` conventions, kept by ``conventions="cs-demand-model"``: the first
    header row of each child is used; episodes are sorted by child, DECOM and DEC (blank first);
    of episodes with the same child and DECOM the last is kept, then of those with the same
    child and DEC (blank included) the first; an episode still open, or ending after the next
    one starts, is cut to end when the next starts (reported as "corrected"); an episode
    continues a period of care when the one before it ends the day it starts.

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> samples = samples_dir() / "ssda903"
    >>> table = read_ssda903(samples)
    >>> table.years
    (2019, 2020, 2021, 2022, 2023)
    >>> table.report.rows_dropped, table.report.short_break_children > 0
    (0, True)
    """
    if conventions not in CONVENTIONS:
        raise NotFoundError("conventions", f'"{conventions}" is not one of {", ".join(CONVENTIONS)}')
    peer = conventions == "cs-demand-model"
    rule = short_breaks or ("include" if peer else "exclude")
    if rule not in SHORT_BREAK_RULES:
        raise NotFoundError("short_breaks", f'"{rule}" is not one of {", ".join(SHORT_BREAK_RULES)}')
    folders = year_folders(Path(directory))
    if known_at is not None:
        as_at = to_days(known_at)
        folders = folders_known_at(folders, as_at)
    report = ReadReport(short_breaks=rule)
    problems = report.problems

    def record(problem: Problem) -> None:
        if strict:
            raise SSDA903Error(f"{problem.file} line {problem.line}" if problem.line else problem.file,
                               f"{problem.reason} (CHILD {problem.child})" if problem.child else problem.reason)
        problems.append(problem)

    headers, parts, uasc_parts = [], [], []
    for year, folder in folders:
        (header_rows, episode_rows), part, header_part, uasc_part, found = _read_year(year, folder, peer)
        report.header_rows += header_rows
        report.episode_rows += episode_rows
        for problem in found:
            record(problem)
        headers.append(header_part)
        parts.append(part)
        uasc_parts.extend(uasc_part)

    rows = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    if known_at is not None:
        rows = rows_known_at(rows, as_at)
    # Children by an integer key (the same id gives the same key in every file).
    ids = [rows["child"], *(h[0] for h in headers), *(u[0] for u in uasc_parts)]
    keys = np.split(_child_keys(np.concatenate(ids)), np.cumsum([a.size for a in ids])[:-1])
    rows["key"] = keys[0]
    headers = [(keys[1 + i], *h) for i, h in enumerate(headers)]
    uasc_parts = [(keys[1 + len(headers) + i], u[1], u[2], u[0]) for i, u in enumerate(uasc_parts)]
    dob_keys, dob_days = _dates_of_birth(headers, peer, problems)

    if peer:
        rows = _known_children(rows, dob_keys, record)
        child, start, end, cols = rules.peer_clean(rows, problems)
        new_period = rules.adjacency_periods(cols["key"], start, end)
        uasc_until = None
    else:
        missing = [y for y in range(folders[0][0], folders[-1][0] + 1) if y not in {f[0] for f in folders}]
        for y in missing:
            record(Problem(f"{y}/", None, None,
                           f"collection year {y} is missing (the return of 1 April {y - 1} to "
                           f"31 March {y})", "kept: estimates refuse reference periods overlapping it"))
        rows = rules.merge_years(rows, record)
        position = np.minimum(np.searchsorted(dob_keys, rows["key"]), max(dob_keys.size - 1, 0))
        known = dob_keys[position] == rows["key"] if dob_keys.size else np.zeros(rows["key"].size, bool)
        rows = _known_children(rows, dob_keys, record, known)
        rules.check_codes(rows, record)
        dob_rows = dob_days[position[known]] if dob_keys.size else np.zeros(0, np.int64)
        child, start, end, cols = rules.clean(rows, dob_rows, folders[-1][0], record)
        new_period, end = rules.periods_of_care(cols["key"], start, end, cols, to_days(
            dt.date(folders[0][0] - 1, 4, 1)), record, child)
        uasc_until = rules.uasc_status(uasc_parts, record)
    count = member(cols["ls"], rules.SHORT_BREAKS)
    report.short_break_episodes = int(count.sum())
    report.short_break_children = int(np.unique(cols["key"][count]).size)
    if rule == "exclude" and count.any():
        child, start, end, new_period, cols = rules.leave_out(count, child, start, end,
                                                                new_period, cols)
    if child.size == 0:
        raise NoDataError("episodes", f"no usable episodes under {directory}")

    # Rows are sorted by child key and start: a child's rows are one run.
    key = cols["key"]
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    child_keys = key[first]
    child_index = np.cumsum(np.concatenate(([False], key[1:] != key[:-1])))
    dob = dob_days[np.searchsorted(dob_keys, child_keys)]
    until = np.full(child_keys.size, NEVER, dtype=np.int64)
    if uasc_until is not None and uasc_until[0].size:
        uasc_keys, days = uasc_until
        found = member(child_keys, uasc_keys)
        until[found] = days[np.searchsorted(uasc_keys, child_keys[found])]
    report.uasc_children = int((until != NEVER).sum())
    report.episodes_used = int(start.size)
    closed = end[end != OPEN]
    return EpisodeTable(
        child_ids=_text(child[first]),
        dob=dob,
        child=child_index.astype(np.int64),
        start=start,
        end=end,
        place=_text(cols["place"]),
        provider=_text(cols["provider"]),
        legal_status=_text(cols["ls"]),
        rne=_text(cols["rne"]),
        new_period=new_period,
        uasc_until=until,
        years=tuple(y for y, _ in folders),
        first_day=int(start.min()),
        last_day=int(max(start.max(), closed.max() if closed.size else start.max())),
        collection_end=to_days(dt.date(folders[-1][0], 3, 31)),
        conventions=conventions,
        report=report,
    )


def _read_year(year: int, folder: Path, peer: bool):
    """One collection year's files: (row counts, episode rows, header rows, UASC rows,
    problems found)."""
    found: list[Problem] = []
    record = found.append
    rel_h, rel_e = f"{folder.name}/header.csv", f"{folder.name}/episodes.csv"
    header = _read_csv(folder / "header.csv", HEADER_COLUMNS, ("UASC",), upper=("UASC",))
    episode_required = EPISODE_COLUMNS if peer else EPISODE_COLUMNS + RETURN_COLUMNS
    episodes = _read_csv(folder / "episodes.csv", episode_required,
                         RETURN_COLUMNS if peer else (), upper=("PLACE", *RETURN_COLUMNS))
    counts = (len(header["CHILD"]), len(episodes["CHILD"]))
    header_part = _header_rows(header, year, rel_h, record)
    part = _episode_rows(episodes, year, rel_e, record)
    uasc_part = []
    if not peer:
        uasc_path = _uasc_file(folder)
        if uasc_path is not None:
            uasc = _read_csv(uasc_path, UASC_COLUMNS)
            uasc_part.append(_uasc_rows(uasc, f"{folder.name}/{uasc_path.name}", record))
        if "UASC" in header:
            flagged = np.isin(header["UASC"], [b"1", b"TRUE"]) & (header["CHILD"] != b"")
            uasc_part.append((header["CHILD"][flagged], np.full(int(flagged.sum()), OPEN), rel_h))
    return counts, part, header_part, uasc_part, found


def _child_keys(ids: np.ndarray) -> np.ndarray:
    """An integer key for each child id (bytes), equal for equal ids and below 2**42: the number
    and its length for the all-digit ids (up to 11 digits) council systems give, ranks
    otherwise."""
    width = ids.dtype.itemsize
    if ids.size and width <= 11:
        chars = ids.view(np.uint8).reshape(ids.size, width)
        digit = (chars - np.uint8(48)) <= 9  # bytes below "0" wrap round to large numbers
        if np.all(digit | (chars == 0)) and digit[:, 0].all():
            lengths = np.char.str_len(ids)
            if width <= 8:
                value = _eight_digits(chars, lengths)
            else:
                powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
                # Digits read left-aligned (the padding adds zeros), then shifted back.
                value = ((chars.astype(np.int64) - 48) * digit) @ powers // powers[lengths - 1]
            return value * 32 + lengths
    return np.unique(ids, return_inverse=True)[1].astype(np.int64).ravel()


def _eight_digits(chars: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The numbers that up to eight ASCII digits (left-aligned, zero-padded) write, eight bytes
    at a time in one integer (the SWAR digit-parsing method)."""
    n, width = chars.shape
    word = np.zeros((n, 8), dtype=np.uint8)
    word[:, :width] = chars
    v = word.view(np.uint64).ravel()
    # Right-align the digits (the first character is the lowest byte), fill with "0"s.
    shift = (8 - lengths).astype(np.uint64) * np.uint64(8)
    v = (v << shift) | (np.uint64(0x3030303030303030) & ((np.uint64(1) << shift) - np.uint64(1)))
    v = v - np.uint64(0x3030303030303030)
    v = ((v * np.uint64(10)) + (v >> np.uint64(8))) & np.uint64(0x00FF00FF00FF00FF)
    v = ((v * np.uint64(100)) + (v >> np.uint64(16))) & np.uint64(0x0000FFFF0000FFFF)
    v = (v * np.uint64(10000)) + (v >> np.uint64(32))
    return (v & np.uint64(0xFFFFFFFF)).astype(np.int64)


def _known_children(rows: dict[str, np.ndarray], dob_keys: np.ndarray, record,
                    known: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Rows of children with a date of birth; the others reported once each and left out."""
    if known is None:
        known = member(rows["key"], dob_keys)
    if known.all():
        return rows
    reported: set[int] = set()
    for i in np.flatnonzero(~known):
        if int(rows["key"][i]) not in reported:
            reported.add(int(rows["key"][i]))
            record(Problem(rules.episodes_file(rows["year"][i]), int(rows["line"][i]),
                           _text(rows["child"][i]), "no date of birth for this child in any header.csv",
                           "child dropped"))
    return {k: v[known] for k, v in rows.items()}


def _text(values):
    """Bytes as text: one value, or an array (ASCII fast, UTF-8 otherwise)."""
    if isinstance(values, bytes):
        return values.decode("utf-8", "replace")
    width = max(values.dtype.itemsize, 1)
    chars = values.view(np.uint8).reshape(values.size, values.dtype.itemsize)
    if values.size and chars.max() >= 128:
        return np.char.decode(values, "utf-8", "replace")
    # ASCII: each byte widened to a UCS-4 character (numpy's own astype is ~100x slower).
    widened = np.zeros((values.size, width), dtype=np.uint32)
    widened[:, :values.dtype.itemsize] = chars
    return widened.view(f"<U{width}").ravel()


def _header_rows(header, year, file, record):
    """(child, dob, dob usable, year) of a header file's rows; problems recorded."""
    child = header["CHILD"]
    dob, blank, bad = parse_dates(header["DOB"])
    no_id = child == b""
    for i in np.flatnonzero(no_id):
        record(Problem(file, int(i) + 2, None, "CHILD is blank", "row dropped"))
    for i in np.flatnonzero(~no_id & (blank | bad)):
        what = "DOB is blank" if blank[i] else "DOB is not a dd/mm/YYYY date"
        record(Problem(file, int(i) + 2, _text(child[i]), what, "no date of birth from this row"))
    keep = ~no_id
    return child[keep], dob[keep], ~(blank | bad)[keep], np.full(int(keep.sum()), year)


def _episode_rows(episodes, year, file, record) -> dict[str, np.ndarray]:
    """The usable rows of an episodes file as arrays; unusable rows recorded and left out."""
    n = len(episodes["CHILD"])
    start, s_blank, s_bad = parse_dates(episodes["DECOM"])
    end, e_blank, e_bad = parse_dates(episodes["DEC"])
    child = episodes["CHILD"]
    lines = np.arange(n) + 2
    keep = np.ones(n, dtype=bool)
    dated = ~s_blank & ~s_bad & ~e_blank & ~e_bad
    checks = (
        (child == b"", "CHILD is blank"),
        (s_blank, "DECOM is blank"),
        (s_bad, "DECOM is not a dd/mm/YYYY date"),
        (e_bad, "DEC is not a dd/mm/YYYY date"),
        (dated & (end < start), "DEC is before DECOM (episode ends before it starts)"),
        (dated & (end == start), "DEC equals DECOM (episode lasts less than a day)"),
    )
    for mask, reason in checks:
        for i in np.flatnonzero(mask & keep):
            record(Problem(file, int(lines[i]), _text(child[i]) or None, reason, "row dropped"))
        keep &= ~mask
    blank = np.full(n, b"", dtype="S1")

    def codes(name):
        return episodes[name] if name in episodes else blank

    columns = {
        "child": child, "start": start, "end": np.where(e_blank, OPEN, end),
        "place": codes("PLACE"), "provider": codes("PLACE_PROVIDER"), "ls": codes("LS"),
        "rne": codes("RNE"), "rec": codes("REC"),
        "year": np.full(n, year, dtype=np.int32), "line": lines,
    }
    return columns if keep.all() else {k: v[keep] for k, v in columns.items()}


def _uasc_rows(uasc, file, record):
    """(child, UASC until) of a UASC table: DUC, or OPEN when blank."""
    child = uasc["CHILD"]
    duc, blank, bad = parse_dates(uasc["DUC"])
    keep = child != b""
    for i in np.flatnonzero(~keep):
        record(Problem(file, int(i) + 2, None, "CHILD is blank", "row dropped"))
    for i in np.flatnonzero(keep & bad):
        record(Problem(file, int(i) + 2, _text(child[i]), "DUC is not a dd/mm/YYYY date",
                       "kept: UASC with no date status ceased"))
    until = np.where(blank | bad, OPEN, duc)
    return child[keep], until[keep], file


def _dates_of_birth(headers, peer: bool, problems: list[Problem]) -> tuple[np.ndarray, np.ndarray]:
    """(sorted child keys, their dates of birth) from every year's header rows
    ``(key, child, dob, usable, year)``."""
    key = np.concatenate([h[0] for h in headers])
    child = np.concatenate([h[1] for h in headers])
    dob = np.concatenate([h[2] for h in headers])
    ok = np.concatenate([h[3] for h in headers])
    year = np.concatenate([h[4] for h in headers])
    if peer:
        # The peer keeps each child's first header row (files in year order), usable or not.
        keys, first = np.unique(key, return_index=True)
        usable = ok[first]
        return keys[usable], dob[first][usable]
    key, child, dob, year = key[ok], child[ok], dob[ok], year[ok]
    order = np.lexsort((year, key))
    key, child, dob, year = key[order], child[order], dob[order], year[order]
    changed = np.zeros(key.size, dtype=bool)
    changed[1:] = (key[1:] == key[:-1]) & (dob[1:] != dob[:-1])
    for i in np.flatnonzero(changed):
        problems.append(Problem(f"{year[i]}/header.csv", None, _text(child[i]),
                                f"DOB differs from the one given in {year[i - 1]}",
                                "corrected"))
    last = np.ones(key.size, dtype=bool)
    last[:-1] = key[:-1] != key[1:]
    return key[last], dob[last]


def reasons(report: ReadReport) -> Counter:
    """Count of problems by reason."""
    return Counter(p.reason for p in report.problems)
