"""Reading DfE's long-format local-authority files (explore education statistics, EES).

EES publishes each data set as a CSV file in a "tidy" layout: one row per time period,
geography and combination of filter values, with

* the time and geography columns ``time_period`` (``2017``, or ``201617`` for a financial or
  academic year), ``time_identifier`` (``Reporting year``, ``Financial year``...),
  ``geographic_level`` (``National``, ``Regional``, ``Local authority``), ``country_code``,
  ``country_name``, ``region_code``, ``region_name``, ``new_la_code``, ``old_la_code``,
  ``la_name``;
* filter columns (text: ``cla_group``, ``characteristic``...), then indicator columns
  (numbers: ``number``, ``percentage``...), where a suppressed or unavailable value is a
  marker (``x``, ``c``, ``z``, ``low``, ``u``...; see :mod:`xlfuncs.data.suppression`).

Beside a data file EES gives its metadata, ``<name>.meta.csv`` (``col_name``, ``col_type``
``Filter`` or ``Indicator``, ``label``...); where it is there, :func:`read_ees` takes the filters
and indicators from it, otherwise from the caller or, failing both, by content (a column
holding a number is an indicator).

:func:`read_ees` reads a file into an :class:`EESTable`: the rows of the chosen levels, the
indicators as floats (markers read as missing and counted, never 0), the filters and
geographies as text, and ``year``, the year the period ends. :func:`series` picks one
indicator and one combination of filter values as a council x year table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from xlfuncs.data.dfe import parse_time_period
from xlfuncs.data.suppression import Suppressed, read_numbers
from xlfuncs.methods.errors import InputError, NoDataError, NotFoundError, ShapeError

#: EES's time and geography columns for national, regional and local-authority rows.
TIME_COLUMNS = ("time_period", "time_identifier")
GEOGRAPHY_COLUMNS = ("geographic_level", "country_code", "country_name", "region_code",
                     "region_name", "new_la_code", "old_la_code", "la_name")
#: Columns without which a file is not an EES local-authority file.
REQUIRED = ("time_period", "time_identifier", "geographic_level", "country_code")
LA_REQUIRED = ("region_code", "new_la_code", "old_la_code", "la_name")
LOCAL_AUTHORITY = "Local authority"

_LA_CODE = re.compile(r"^E(0[6-9]|10)\d{6}$")
_OLD_CODE = re.compile(r"^\d{3}$")


@dataclass
class EESTable:
    """A long-format EES file as read: rows, what each column is, and what was suppressed."""

    frame: pd.DataFrame
    filters: tuple[str, ...]
    indicators: tuple[str, ...]
    source: str
    suppressed: Suppressed = field(default_factory=Suppressed)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())

    def filter_values(self, column: str) -> list[str]:
        """The values a filter column takes, in the file's order."""
        if column not in self.filters:
            raise NotFoundError("filter", f'"{column}" is not a filter of {self.source} '
                                f'({", ".join(self.filters) or "none"})')
        return list(dict.fromkeys(self.frame[column]))


def read_ees(
    path: str | Path,
    indicators: Sequence[str] | None = None,
    filters: Mapping[str, str] | None = None,
    levels: Sequence[str] = (LOCAL_AUTHORITY,),
) -> EESTable:
    r"""Read an EES long-format CSV file (local-authority, regional or national rows).

    Parameters
    ----------
    path : str or Path
        The data CSV file as downloaded from EES (its ``.meta.csv``, if beside it, is read).
    indicators : sequence of str, optional
        The indicator columns. Default: from the metadata file, else every column beyond the
        time and geography columns that holds at least one number.
    filters : mapping, optional
        ``{filter column: value}`` to keep only those rows, e.g. ``{"cla_group": "Placement"}``.
    levels : sequence of str
        Geographic levels to keep (default ``("Local authority",)``), compared without case.

    Returns
    -------
    EESTable
        ``frame`` holds the time and geography columns and the filters as text, ``year`` (the
        year the period ends: 31 March 2017 and 2016-17 both 2017) and the indicators as
        floats, NaN where the file has a marker or a blank; ``suppressed`` counts them by
        indicator and marker.

    Raises
    ------
    ShapeError
        Not an EES layout (naming the missing columns), an unknown indicator or filter.
    NotANumberError
        Text in an indicator that is neither a number nor a marker, naming the council,
        period and column.
    InputError
        A council twice for one period and filter values, or a malformed council code.

    Examples
    --------
    A file in EES's layout (SYNTHETIC numbers), with a suppressed cell:

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "cla_la.csv"
    >>> _ = path.write_text(
    ...     "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    ...     "region_name,new_la_code,old_la_code,la_name,cla_group,characteristic,number\n"
    ...     "2017,Reporting year,Local authority,E92000001,England,E12000006,East of England,"
    ...     "E06000034,883,Thurrock,Placement,Foster placements,250\n"
    ...     "2017,Reporting year,Local authority,E92000001,England,E12000006,East of England,"
    ...     "E06000034,883,Thurrock,Placement,Residential schools,c\n")
    >>> table = read_ees(path, filters={"cla_group": "Placement"})
    >>> table.indicators, table.years, table.frame["number"].tolist()
    (('number',), [2017], [250.0, nan])
    >>> table.suppressed.in_column("number")
    {'c': 1}
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("path", f"{path}: no such file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ShapeError("path", f"{path.name}: not a readable CSV file ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if LOCAL_AUTHORITY.lower() in {lv.lower() for lv in levels}:
        missing += [c for c in LA_REQUIRED if c not in frame.columns]
    if missing:
        raise ShapeError("path", f"{path.name} is not in EES's long layout: no column "
                         f"{', '.join(missing)}")
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    known = set(TIME_COLUMNS) | set(GEOGRAPHY_COLUMNS)
    others = [c for c in frame.columns if c not in known]
    kinds = _metadata(path)
    if indicators is not None:
        chosen = list(indicators)
    elif kinds:
        chosen = [c for c in others if kinds.get(c) == "indicator"]
    else:
        chosen = [c for c in others if _holds_a_number(frame[c])]
    unknown = [c for c in chosen if c not in frame.columns]
    if unknown:
        raise ShapeError("indicators", f"{path.name} has no column {', '.join(unknown)}")
    filter_columns = [c for c in others if c not in chosen]

    wanted = {lv.lower() for lv in levels}
    frame = frame[frame["geographic_level"].str.lower().isin(wanted)]
    for column, value in (filters or {}).items():
        if column not in filter_columns:
            raise ShapeError("filters", f'{path.name}: "{column}" is not a filter column '
                             f'({", ".join(filter_columns) or "none"})')
        kept = frame[frame[column] == value]
        if kept.empty and not frame.empty:
            values = ", ".join(sorted(frame[column].unique())[:8])
            raise NotFoundError("filters", f'{path.name}: {column} is never "{value}" ({values}...)')
        frame = kept
    if frame.empty:
        raise NoDataError("path", f"{path.name} has no rows at geographic level {', '.join(levels)}")
    frame = frame.reset_index(drop=True)
    frame["year"] = [parse_time_period(v, f"{_where(frame, i)}: ")
                     for i, v in enumerate(frame["time_period"])]
    _check_councils(frame, filter_columns, path.name)
    suppressed = Suppressed()
    for column in chosen:
        frame[column] = read_numbers(frame[column].to_numpy(), column,
                                     lambda i: _where(frame, i), suppressed)
    return EESTable(frame=frame, filters=tuple(filter_columns), indicators=tuple(chosen),
                    source=path.name, suppressed=suppressed)


def series(table: EESTable, indicator: str, **filters: str) -> pd.DataFrame:
    r"""One indicator for one combination of filter values: councils (rows, by ``new_la_code``)
    x years (columns), NaN where suppressed or absent, with ``la_name`` first.

    Every filter column with more than one value must be given, so that a cell is one
    published number, never a sum.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "cla_la.csv"
    >>> head = ("time_period,time_identifier,geographic_level,country_code,region_code,"
    ...         "new_la_code,old_la_code,la_name,characteristic,number\n")
    >>> row = "{},Reporting year,Local authority,E92000001,E12000006,E06000034,883,Thurrock,{},{}\n"
    >>> _ = path.write_text(head + row.format(2016, "Foster placements", 231)
    ...                     + row.format(2017, "Foster placements", 250) + row.format(2017, "Total", 345))
    >>> wide = series(read_ees(path), "number", characteristic="Foster placements")
    >>> wide.loc["E06000034"].tolist() == ["Thurrock", 231.0, 250.0]
    True
    """
    if indicator not in table.indicators:
        raise NotFoundError("indicator", f'"{indicator}" is not an indicator of {table.source} '
                            f'({", ".join(table.indicators)})')
    rows = table.frame
    for column, value in filters.items():
        if column not in table.filters:
            raise NotFoundError("filters", f'"{column}" is not a filter of {table.source}')
        rows = rows[rows[column] == value]
    open_filters = [c for c in table.filters if c not in filters and rows[c].nunique() > 1]
    if open_filters:
        raise ShapeError("filters", f"give a value for {', '.join(open_filters)}: each cell must "
                         "be one published number")
    if rows.empty:
        raise NoDataError("filters", f"no rows of {table.source} with {filters}")
    wide = rows.pivot(index="new_la_code", columns="year", values=indicator)
    names = rows.drop_duplicates("new_la_code").set_index("new_la_code")["la_name"]
    wide.columns = [int(c) for c in wide.columns]
    wide.insert(0, "la_name", names.reindex(wide.index))
    return wide


def _metadata(path: Path) -> dict[str, str]:
    """``{column: "filter" or "indicator"}`` from EES's ``<name>.meta.csv``, if it is there."""
    meta = path.with_name(path.name[:-4] + ".meta.csv") if path.name.endswith(".csv") else None
    if meta is None or not meta.is_file():
        return {}
    frame = pd.read_csv(meta, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if not {"col_name", "col_type"} <= set(frame.columns):
        raise ShapeError("path", f"{meta.name}: an EES metadata file has col_name and col_type")
    return {name.strip(): kind.strip().lower()
            for name, kind in zip(frame["col_name"], frame["col_type"], strict=True)}


def _holds_a_number(column: pd.Series) -> bool:
    cleaned = column.str.replace(",", "", regex=False)
    return bool(pd.to_numeric(cleaned, errors="coerce").notna().any())


def _where(frame: pd.DataFrame, i: int) -> str:
    row = frame.iloc[i]
    name = row.get("la_name") or row.get("region_name") or row.get("country_name") or "row"
    code = row.get("new_la_code") or row.get("region_code") or row.get("country_code") or ""
    return f"{name} ({code}), {row['time_period']}" if code else f"{name}, {row['time_period']}"


def _check_councils(frame: pd.DataFrame, filters: list[str], name: str) -> None:
    """Council codes well formed, and each council once per period and filter values."""
    is_la = frame["geographic_level"].str.lower() == LOCAL_AUTHORITY.lower()
    if not is_la.any():
        return
    councils = frame[is_la]
    new_ok = councils["new_la_code"].str.match(_LA_CODE)
    old_ok = councils["old_la_code"].str.match(_OLD_CODE)
    bad = councils[~(new_ok & old_ok)]
    if not bad.empty:
        row = bad.iloc[0]
        which = "new_la_code" if not _LA_CODE.match(row["new_la_code"]) else "old_la_code"
        raise InputError(which, f"{name}: {row['la_name']}, {row['time_period']}: {row[which]!r} "
                         "is not an English local-authority code")
    keys = councils[["new_la_code", "time_period", *filters]]
    twice = keys.duplicated(keep=False)
    if twice.any():
        row = councils[twice.to_numpy()].iloc[0]
        also = "".join(f", {c} {row[c]!r}" for c in filters)
        raise InputError("new_la_code", f"{name}: {row['new_la_code']} ({row['la_name']}) appears "
                         f"more than once for {row['time_period']}{also}")


