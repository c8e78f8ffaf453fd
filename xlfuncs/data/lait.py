"""Reading DfE's LAIT database: the long table behind the Local Authority Interactive Tool.

The tool's data are published in its public repository
(``dfe-analytical-services/local-authority-interactive-tool``, ``01_data/02_prod/bds_long_0.parquet``,
"the BDS long" table, Open Government Licence v3.0) with one row per indicator, area and
period, in the columns the tool's own code reads (``global.R``):

``Short Desc``
    the indicator's short name (the key of LAIT's data dictionary, ``Measure_short``);
``Years``
    the period as published: ``2017``, ``2016-17``, ``2016/17`` (the tool takes the first four
    characters as a year);
``LA and Regions``
    the area's name: a council, a region or England;
``LA Number``
    DfE's old three-digit council number (883 Thurrock); 970 and above for regions and England;
``Values``
    the value as text, with ``-``, ``c``, ``..`` and blanks (the markers the tool reads as
    missing) and the others of :mod:`xlfuncs.data.suppression`.

:func:`read_lait` reads that table from a CSV export or the parquet file itself (parquet needs
``pyarrow``) into a :class:`LAITTable`; :func:`indicator` picks one indicator as a council x
year table. Markers are read as missing and counted, never as 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from xlfuncs.data.suppression import MARKERS, Suppressed, read_numbers
from xlfuncs.methods.errors import InputError, NoDataError, NotFoundError, ShapeError

#: The columns of the BDS long table that are read (others are kept as they are).
COLUMNS = ("Short Desc", "Years", "LA and Regions", "LA Number", "Values")
#: LAIT numbers its regions and England from 970 (the tool's ``LA Number >= 970``).
FIRST_AREA_NUMBER = 970
LOCAL_AUTHORITY = "Local authority"
AREA = "Region or England"

_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")


@dataclass
class LAITTable:
    """The BDS long table as read, and what was suppressed (counted by indicator)."""

    frame: pd.DataFrame
    source: str
    suppressed: Suppressed = field(default_factory=Suppressed)

    @property
    def indicators(self) -> list[str]:
        return sorted(self.frame["measure"].unique())


def end_year(period: str) -> float:
    """The year a LAIT period ends: ``2017`` -> 2017, ``2016-17`` and ``2016/17`` -> 2017,
    ``2014-2016`` -> 2016; NaN for any other form.

    >>> end_year("2016-17"), end_year("2017"), end_year("2099/00"), end_year("Q1 2017")
    (2017, 2017, 2100, nan)
    """
    text = str(period).strip()
    match = _YEAR.match(text)
    if match:
        return int(text)
    match = _RANGE.match(text)
    if not match:
        return float("nan")
    first, second = int(match.group(1)), match.group(2)
    if len(second) == 4:
        return int(second)
    end = first - first % 100 + int(second)
    return end + 100 if end <= first else end


def read_lait(path: str | Path, indicators: Sequence[str] | None = None) -> LAITTable:
    r"""Read LAIT's BDS long table (CSV, or parquet with ``pyarrow``).

    Parameters
    ----------
    path : str or Path
        ``bds_long_0.parquet`` as published, or a CSV with the same columns.
    indicators : sequence of str, optional
        ``Short Desc`` values to keep (default: all). An indicator the file does not hold is
        an error naming it.

    Returns
    -------
    LAITTable
        ``frame`` with ``measure`` (Short Desc), ``period`` (Years as published), ``year`` (the
        year the period ends, NaN where the form is not a year), ``area`` (LA and Regions),
        ``la_number`` (text), ``level`` (``Local authority``, or ``Region or England`` for
        numbers from 970), ``value`` (float, NaN where LAIT has a marker or a blank) and
        ``value_text`` (the text as published); ``suppressed`` counts markers by indicator.

    Raises
    ------
    ShapeError
        Not the BDS long layout (naming the missing columns).
    NotANumberError
        A value that is neither a number nor a marker, naming the indicator, area and period.
    InputError
        An area twice for one indicator and period.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "bds_long.csv"
    >>> _ = path.write_text(
    ...     "Short Desc,Years,LA and Regions,LA Number,Values\n"
    ...     "CIN_rate,2016-17,Thurrock,883,416.1\n"
    ...     "CIN_rate,2016-17,England,970,330.4\n"
    ...     "CIN_rate,2015-16,Thurrock,883,c\n")
    >>> table = read_lait(path)
    >>> table.frame[["year", "level", "value"]].values.tolist()
    [[2017.0, 'Local authority', 416.1], [2017.0, 'Region or England', 330.4], [2016.0, 'Local authority', nan]]
    >>> table.suppressed.in_column("CIN_rate")
    {'c': 1}
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("path", f"{path}: no such file")
    frame = _load(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ShapeError("path", f"{path.name} is not LAIT's BDS long table: no column "
                         f"{', '.join(missing)}")
    frame = frame.astype({c: str for c in COLUMNS}).replace({c: {"None": "", "nan": ""} for c in COLUMNS})
    for column in COLUMNS:
        frame[column] = frame[column].str.strip()
    if indicators is not None:
        absent = sorted(set(indicators) - set(frame["Short Desc"]))
        if absent:
            raise NotFoundError("indicators", f"{path.name} has no indicator {', '.join(absent)}")
        frame = frame[frame["Short Desc"].isin(list(indicators))]
    frame = frame[frame["Years"] != ""].reset_index(drop=True)
    if frame.empty:
        raise NoDataError("path", f"{path.name} holds no rows")
    la_number = frame["LA Number"].str.replace(r"\.0$", "", regex=True)
    numbers = pd.to_numeric(la_number, errors="coerce")
    out = pd.DataFrame({
        "measure": frame["Short Desc"],
        "period": frame["Years"],
        "year": np.array([end_year(p) for p in frame["Years"]], dtype=float),
        "area": frame["LA and Regions"],
        "la_number": la_number,
        "level": np.where(numbers >= FIRST_AREA_NUMBER, AREA, LOCAL_AUTHORITY),
        "value_text": frame["Values"],
    })
    twice = out.duplicated(["measure", "period", "area"], keep=False)
    if twice.any():
        row = out[twice].iloc[0]
        raise InputError("LA and Regions", f"{path.name}: {row['area']} appears more than once for "
                         f"{row['measure']}, {row['period']}")
    suppressed = Suppressed()
    values = np.full(len(out), np.nan)
    for measure, rows in out.groupby("measure", sort=False):
        index = rows.index.to_numpy()
        values[index] = read_numbers(
            rows["value_text"].to_numpy(), str(measure),
            lambda i, rows=rows: f"{rows['area'].iloc[i]}, {rows['period'].iloc[i]}",
            suppressed, MARKERS)
    out["value"] = values
    return LAITTable(frame=out, source=path.name, suppressed=suppressed)


def indicator(table: LAITTable, measure: str, level: str = LOCAL_AUTHORITY) -> pd.DataFrame:
    """One indicator as areas (rows, by ``la_number``) x years (columns, the year a period
    ends), NaN where suppressed or absent, with ``area`` first.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "bds_long.csv"
    >>> _ = path.write_text("Short Desc,Years,LA and Regions,LA Number,Values\\n"
    ...                     "CLA_rate,2017,Thurrock,883,84\\nCLA_rate,2016,Thurrock,883,81\\n")
    >>> wide = indicator(read_lait(path), "CLA_rate")
    >>> wide.loc["883"].tolist() == ["Thurrock", 81.0, 84.0]
    True
    """
    rows = table.frame[(table.frame["measure"] == measure) & (table.frame["level"] == level)]
    if rows.empty:
        raise NotFoundError("measure", f'"{measure}" has no {level.lower()} rows in {table.source}')
    if rows["year"].isna().any():
        bad = rows.loc[rows["year"].isna(), "period"].iloc[0]
        raise ShapeError("measure", f'{measure}: the period "{bad}" is not a year')
    wide = rows.pivot(index="la_number", columns="year", values="value")
    wide.columns = [int(c) for c in wide.columns]
    names = rows.drop_duplicates("la_number").set_index("la_number")["area"]
    wide.insert(0, "area", names.reindex(wide.index))
    return wide


def _load(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        try:
            return pd.read_parquet(path)
        except ImportError:
            raise InputError("path", f"{path.name}: reading parquet needs pyarrow "
                             "(pip install pyarrow), or export the table to CSV") from None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ShapeError("path", f"{path.name}: not a readable CSV file ({exc})") from None
