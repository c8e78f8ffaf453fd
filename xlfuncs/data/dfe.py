"""Reading local-authority CSV files in the layout the Department for Education publishes.

DfE's statistics (explore-education-statistics) publish one row per geography and period with
the standard columns ``time_period, time_identifier, geographic_level, country_code,
country_name, region_code, region_name, old_la_code, new_la_code, la_name`` followed by the
measures. ``time_period`` is ``2017`` for a reporting year (e.g. children looked after at
31 March 2017) or ``201617`` for a financial or academic year; ``geographic_level`` is
``National``, ``Regional`` or ``Local authority``; suppressed or unavailable values are
symbols such as ``c``, ``x``, ``z`` or ``low``.

:func:`read_la_csv` reads such a file (the bundled synthetic panel or a real download),
checks its layout, turns symbols into missing values with a warning and refuses anything else
that is not a number with an error naming the council and the column. :func:`model_inputs`
turns a panel into the arrays of :mod:`xlfuncs.methods.spend_variation`; :func:`lac_rates` into rates
per 10,000 for :mod:`xlfuncs.methods.rates`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xlfuncs.methods.errors import (
    DivisionByZeroError,
    InputError,
    NoDataError,
    NotANumberError,
    ShapeError,
)
from xlfuncs.resources import samples_dir

#: The bundled synthetic panel (see samples/README.md).
SAMPLE_PANEL = samples_dir() / "la_panel.csv"

#: DfE's standard geography and time columns, in their published order.
GEOGRAPHY_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)

#: Columns without which a file is not a DfE local-authority file.
REQUIRED_COLUMNS = ("time_period", "geographic_level", "new_la_code", "la_name")

LOCAL_AUTHORITY = "Local authority"

#: Symbols DfE and ONS files use for values that are suppressed, unavailable or not
#: applicable: they become missing values, with a warning.
SUPPRESSION_SYMBOLS = frozenset({"c", "x", "z", "u", "low", "k", ":", "..", ".", "-", "~", "*", ""})

#: Regions as DfE's local-authority files name them (London split into Inner and Outer, as
#: the What Works Centre's tables are), with their ONS codes.
REGIONS = {
    "North East": "E12000001",
    "North West": "E12000002",
    "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004",
    "West Midlands": "E12000005",
    "East of England": "E12000006",
    "Inner London": "E13000001",
    "Outer London": "E13000002",
    "South East": "E12000008",
    "South West": "E12000009",
}

#: The 151 English local authorities with children's services responsibilities as at
#: 31 March 2017, Isles of Scilly excluded (as seed 004 does): (old_la_code, new_la_code,
#: la_name, region_name). Codes are the ones in use in 2017 (later boundary changes gave, for
#: example, Northumberland E06000057 and Gateshead E08000037 from 2019).
AUTHORITIES: tuple[tuple[str, str, str, str], ...] = (
    # North East
    ("805", "E06000001", "Hartlepool", "North East"),
    ("806", "E06000002", "Middlesbrough", "North East"),
    ("807", "E06000003", "Redcar and Cleveland", "North East"),
    ("808", "E06000004", "Stockton-on-Tees", "North East"),
    ("841", "E06000005", "Darlington", "North East"),
    ("840", "E06000047", "County Durham", "North East"),
    ("929", "E06000048", "Northumberland", "North East"),
    ("390", "E08000020", "Gateshead", "North East"),
    ("391", "E08000021", "Newcastle upon Tyne", "North East"),
    ("392", "E08000022", "North Tyneside", "North East"),
    ("393", "E08000023", "South Tyneside", "North East"),
    ("394", "E08000024", "Sunderland", "North East"),
    # North West
    ("876", "E06000006", "Halton", "North West"),
    ("877", "E06000007", "Warrington", "North West"),
    ("889", "E06000008", "Blackburn with Darwen", "North West"),
    ("890", "E06000009", "Blackpool", "North West"),
    ("895", "E06000049", "Cheshire East", "North West"),
    ("896", "E06000050", "Cheshire West and Chester", "North West"),
    ("909", "E10000006", "Cumbria", "North West"),
    ("888", "E10000017", "Lancashire", "North West"),
    ("350", "E08000001", "Bolton", "North West"),
    ("351", "E08000002", "Bury", "North West"),
    ("352", "E08000003", "Manchester", "North West"),
    ("353", "E08000004", "Oldham", "North West"),
    ("354", "E08000005", "Rochdale", "North West"),
    ("355", "E08000006", "Salford", "North West"),
    ("356", "E08000007", "Stockport", "North West"),
    ("357", "E08000008", "Tameside", "North West"),
    ("358", "E08000009", "Trafford", "North West"),
    ("359", "E08000010", "Wigan", "North West"),
    ("340", "E08000011", "Knowsley", "North West"),
    ("341", "E08000012", "Liverpool", "North West"),
    ("342", "E08000013", "St. Helens", "North West"),
    ("343", "E08000014", "Sefton", "North West"),
    ("344", "E08000015", "Wirral", "North West"),
    # Yorkshire and The Humber
    ("810", "E06000010", "Kingston upon Hull, City of", "Yorkshire and The Humber"),
    ("811", "E06000011", "East Riding of Yorkshire", "Yorkshire and The Humber"),
    ("812", "E06000012", "North East Lincolnshire", "Yorkshire and The Humber"),
    ("813", "E06000013", "North Lincolnshire", "Yorkshire and The Humber"),
    ("816", "E06000014", "York", "Yorkshire and The Humber"),
    ("815", "E10000023", "North Yorkshire", "Yorkshire and The Humber"),
    ("370", "E08000016", "Barnsley", "Yorkshire and The Humber"),
    ("371", "E08000017", "Doncaster", "Yorkshire and The Humber"),
    ("372", "E08000018", "Rotherham", "Yorkshire and The Humber"),
    ("373", "E08000019", "Sheffield", "Yorkshire and The Humber"),
    ("380", "E08000032", "Bradford", "Yorkshire and The Humber"),
    ("381", "E08000033", "Calderdale", "Yorkshire and The Humber"),
    ("382", "E08000034", "Kirklees", "Yorkshire and The Humber"),
    ("383", "E08000035", "Leeds", "Yorkshire and The Humber"),
    ("384", "E08000036", "Wakefield", "Yorkshire and The Humber"),
    # East Midlands
    ("831", "E06000015", "Derby", "East Midlands"),
    ("856", "E06000016", "Leicester", "East Midlands"),
    ("857", "E06000017", "Rutland", "East Midlands"),
    ("892", "E06000018", "Nottingham", "East Midlands"),
    ("830", "E10000007", "Derbyshire", "East Midlands"),
    ("855", "E10000018", "Leicestershire", "East Midlands"),
    ("925", "E10000019", "Lincolnshire", "East Midlands"),
    ("928", "E10000021", "Northamptonshire", "East Midlands"),
    ("891", "E10000024", "Nottinghamshire", "East Midlands"),
    # West Midlands
    ("884", "E06000019", "Herefordshire, County of", "West Midlands"),
    ("894", "E06000020", "Telford and Wrekin", "West Midlands"),
    ("861", "E06000021", "Stoke-on-Trent", "West Midlands"),
    ("893", "E06000051", "Shropshire", "West Midlands"),
    ("860", "E10000028", "Staffordshire", "West Midlands"),
    ("937", "E10000031", "Warwickshire", "West Midlands"),
    ("885", "E10000034", "Worcestershire", "West Midlands"),
    ("330", "E08000025", "Birmingham", "West Midlands"),
    ("331", "E08000026", "Coventry", "West Midlands"),
    ("332", "E08000027", "Dudley", "West Midlands"),
    ("333", "E08000028", "Sandwell", "West Midlands"),
    ("334", "E08000029", "Solihull", "West Midlands"),
    ("335", "E08000030", "Walsall", "West Midlands"),
    ("336", "E08000031", "Wolverhampton", "West Midlands"),
    # East of England
    ("874", "E06000031", "Peterborough", "East of England"),
    ("821", "E06000032", "Luton", "East of England"),
    ("882", "E06000033", "Southend-on-Sea", "East of England"),
    ("883", "E06000034", "Thurrock", "East of England"),
    ("822", "E06000055", "Bedford", "East of England"),
    ("823", "E06000056", "Central Bedfordshire", "East of England"),
    ("873", "E10000003", "Cambridgeshire", "East of England"),
    ("881", "E10000012", "Essex", "East of England"),
    ("919", "E10000015", "Hertfordshire", "East of England"),
    ("926", "E10000020", "Norfolk", "East of England"),
    ("935", "E10000029", "Suffolk", "East of England"),
    # Inner London
    ("201", "E09000001", "City of London", "Inner London"),
    ("202", "E09000007", "Camden", "Inner London"),
    ("203", "E09000011", "Greenwich", "Inner London"),
    ("204", "E09000012", "Hackney", "Inner London"),
    ("205", "E09000013", "Hammersmith and Fulham", "Inner London"),
    ("206", "E09000019", "Islington", "Inner London"),
    ("207", "E09000020", "Kensington and Chelsea", "Inner London"),
    ("208", "E09000022", "Lambeth", "Inner London"),
    ("209", "E09000023", "Lewisham", "Inner London"),
    ("210", "E09000028", "Southwark", "Inner London"),
    ("211", "E09000030", "Tower Hamlets", "Inner London"),
    ("212", "E09000032", "Wandsworth", "Inner London"),
    ("213", "E09000033", "Westminster", "Inner London"),
    # Outer London
    ("301", "E09000002", "Barking and Dagenham", "Outer London"),
    ("302", "E09000003", "Barnet", "Outer London"),
    ("303", "E09000004", "Bexley", "Outer London"),
    ("304", "E09000005", "Brent", "Outer London"),
    ("305", "E09000006", "Bromley", "Outer London"),
    ("306", "E09000008", "Croydon", "Outer London"),
    ("307", "E09000009", "Ealing", "Outer London"),
    ("308", "E09000010", "Enfield", "Outer London"),
    ("309", "E09000014", "Haringey", "Outer London"),
    ("310", "E09000015", "Harrow", "Outer London"),
    ("311", "E09000016", "Havering", "Outer London"),
    ("312", "E09000017", "Hillingdon", "Outer London"),
    ("313", "E09000018", "Hounslow", "Outer London"),
    ("314", "E09000021", "Kingston upon Thames", "Outer London"),
    ("315", "E09000024", "Merton", "Outer London"),
    ("316", "E09000025", "Newham", "Outer London"),
    ("317", "E09000026", "Redbridge", "Outer London"),
    ("318", "E09000027", "Richmond upon Thames", "Outer London"),
    ("319", "E09000029", "Sutton", "Outer London"),
    ("320", "E09000031", "Waltham Forest", "Outer London"),
    # South East
    ("887", "E06000035", "Medway", "South East"),
    ("867", "E06000036", "Bracknell Forest", "South East"),
    ("869", "E06000037", "West Berkshire", "South East"),
    ("870", "E06000038", "Reading", "South East"),
    ("871", "E06000039", "Slough", "South East"),
    ("868", "E06000040", "Windsor and Maidenhead", "South East"),
    ("872", "E06000041", "Wokingham", "South East"),
    ("826", "E06000042", "Milton Keynes", "South East"),
    ("846", "E06000043", "Brighton and Hove", "South East"),
    ("851", "E06000044", "Portsmouth", "South East"),
    ("852", "E06000045", "Southampton", "South East"),
    ("921", "E06000046", "Isle of Wight", "South East"),
    ("825", "E10000002", "Buckinghamshire", "South East"),
    ("845", "E10000011", "East Sussex", "South East"),
    ("850", "E10000014", "Hampshire", "South East"),
    ("886", "E10000016", "Kent", "South East"),
    ("931", "E10000025", "Oxfordshire", "South East"),
    ("936", "E10000030", "Surrey", "South East"),
    ("938", "E10000032", "West Sussex", "South East"),
    # South West
    ("800", "E06000022", "Bath and North East Somerset", "South West"),
    ("801", "E06000023", "Bristol, City of", "South West"),
    ("802", "E06000024", "North Somerset", "South West"),
    ("803", "E06000025", "South Gloucestershire", "South West"),
    ("879", "E06000026", "Plymouth", "South West"),
    ("880", "E06000027", "Torbay", "South West"),
    ("837", "E06000028", "Bournemouth", "South West"),
    ("836", "E06000029", "Poole", "South West"),
    ("866", "E06000030", "Swindon", "South West"),
    ("908", "E06000052", "Cornwall", "South West"),
    ("865", "E06000054", "Wiltshire", "South West"),
    ("878", "E10000008", "Devon", "South West"),
    ("835", "E10000009", "Dorset", "South West"),
    ("916", "E10000013", "Gloucestershire", "South West"),
    ("933", "E10000027", "Somerset", "South West"),
)

#: Panel columns behind the spend model's five drivers (seed 000), in the model's order.
DRIVER_COLUMNS = {
    "idaci": "idaci_average_score",
    "population_0_25": "population_0_25",
    "household_income": "gdhi_per_head",
    "unemployment": "unemployment_rate",
    "crime": "crime_rate_per_1000",
}

_LA_CODE = re.compile(r"^E(0[6-9]|10)\d{6}$")
_PERIOD = re.compile(r"^(\d{4})(\d{2})?$")


def parse_time_period(value: Any, where: str = "") -> int:
    """The year a DfE ``time_period`` ends in: ``2017`` -> 2017, ``201617`` -> 2017.

    Parameters
    ----------
    value : str or int
        A DfE time period: four digits (reporting or calendar year) or six digits (financial
        or academic year, both years' last digits, e.g. 201617).
    where : str, optional
        The row, for the error message.

    Returns
    -------
    int
        The year the period ends in (31 March 2017 ends 2016-17).

    Examples
    --------
    >>> parse_time_period("201617"), parse_time_period(2017)
    (2017, 2017)
    """
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    match = _PERIOD.match(text)
    if not match:
        raise NotANumberError("time_period", f"{where}{text!r} is not a DfE time period")
    start = int(match.group(1))
    if match.group(2) is None:
        return start
    end = int(match.group(2))
    if end != (start + 1) % 100:
        raise NotANumberError(
            "time_period", f"{where}{text!r}: the second year should follow the first"
        )
    return start + 1


def _numeric_column(frame: pd.DataFrame, column: str) -> tuple[pd.Series, list[str]]:
    """A text column as floats; symbols become NaN (reported), other text is an error."""
    raw = frame[column]
    out = np.full(len(frame), np.nan)
    suppressed = []
    for i, item in enumerate(raw.tolist()):
        if item is None or (isinstance(item, float) and np.isnan(item)):
            suppressed.append(i)
            continue
        text = str(item).strip()
        if text.lower() in SUPPRESSION_SYMBOLS:
            suppressed.append(i)
            continue
        try:
            value = float(text.replace(",", "").replace("£", ""))
        except ValueError:
            row = frame.iloc[i]
            raise NotANumberError(
                column,
                f"{_where(row)}: {text!r} is not a number",
            ) from None
        if not np.isfinite(value):
            raise NotANumberError(column, f"{_where(frame.iloc[i])}: {text!r} is not finite")
        out[i] = value
    labels = [_where(frame.iloc[i]) for i in suppressed]
    return pd.Series(out, index=frame.index, name=column), labels


def _require_numbers(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    for column in columns:
        if column not in frame.columns:
            raise ShapeError("panel", f"no column {column}")
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise NotANumberError(column, "holds no numbers (every value is text or suppressed)")


def _has_number(column: pd.Series) -> bool:
    """Whether a text column holds at least one number (a measure rather than a filter)."""
    for item in column.tolist():
        try:
            float(str(item).replace(",", ""))
        except ValueError:
            continue
        return True
    return False


def _where(row: pd.Series) -> str:
    name = row.get("la_name") or row.get("region_name") or row.get("country_name") or "row"
    code = row.get("new_la_code") or row.get("region_code") or ""
    period = row.get("time_period", "")
    label = f"{name} ({code})" if code else str(name)
    return f"{label}, {period}" if period else label


def read_la_csv(
    path: str | Path,
    numeric: Sequence[str] | None = None,
    levels: Sequence[str] = (LOCAL_AUTHORITY,),
    required: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a DfE local-authority CSV file into a checked table.

    Parameters
    ----------
    path : str or Path
        The CSV file: a DfE download or the synthetic panel in ``samples/``.
    numeric : sequence of str, optional
        Columns that must hold numbers. Default: every column beyond DfE's geography and time
        columns that holds at least one number; a column with no numbers at all is taken as
        one of DfE's filter columns (such as ``characteristic``) and kept as text.
    levels : sequence of str, optional
        Geographic levels to keep (default ``("Local authority",)``; add ``"Regional"`` or
        ``"National"`` for those rows). Compared without regard to case.
    required : sequence of str, optional
        Measure columns the caller needs; a file without them is refused.

    Returns
    -------
    DataFrame
        The rows of the chosen levels with an added integer column ``year`` (the year the
        time period ends), numeric columns as floats (NaN where the file has a suppression
        symbol such as ``c`` or ``x``, with a :class:`UserWarning` naming them) and codes
        and names as text.

    Raises
    ------
    ShapeError
        The file is not in DfE's layout (names the missing columns).
    NotANumberError
        Text in a numeric column, naming the council, period and column.
    InputError
        A council code twice for one period (and filter values), or a malformed council code.

    Examples
    --------
    >>> panel = read_la_csv(SAMPLE_PANEL)
    >>> len(panel), int(panel["year"].min()), int(panel["year"].max())
    (906, 2012, 2017)
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("path", f"{path}: no such file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ShapeError("path", f"{path.name}: not a readable CSV file ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in (*REQUIRED_COLUMNS, *required) if c not in frame.columns]
    if missing:
        shown = ", ".join(frame.columns[:8]) + (", ..." if len(frame.columns) > 8 else "")
        raise ShapeError(
            "path",
            f"{path.name} is not in DfE's local-authority layout: no column "
            f"{', '.join(missing)} (found {shown})",
        )
    wanted = {level.lower() for level in levels}
    level = frame["geographic_level"].str.strip().str.lower()
    frame = frame[level.isin(wanted)].copy()
    if frame.empty:
        raise NoDataError(
            "path", f"{path.name} has no rows at geographic level {', '.join(levels)}"
        )
    frame.index = pd.RangeIndex(len(frame))
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    frame["year"] = [
        parse_time_period(value, f"{_where(row)}: ")
        for value, (_, row) in zip(frame["time_period"], frame.iterrows(), strict=True)
    ]
    is_la = frame["geographic_level"].str.lower() == LOCAL_AUTHORITY.lower()
    bad = frame[is_la & ~frame["new_la_code"].str.match(_LA_CODE)]
    if not bad.empty:
        row = bad.iloc[0]
        raise InputError(
            "new_la_code",
            f"{row['la_name']}, {row['time_period']}: {row['new_la_code']!r} is not an "
            "English local-authority code (E06, E08, E09 or E10 and six digits)",
        )
    measures = [c for c in frame.columns if c not in GEOGRAPHY_COLUMNS and c != "year"]
    columns = list(numeric) if numeric is not None else [
        c for c in measures if _has_number(frame[c])
    ]
    # Text columns that are not measures are DfE's filters (e.g. "characteristic"): a council
    # has one row per period and filter value.
    filters = [c for c in measures if c not in columns]
    keys = frame.loc[is_la, ["new_la_code", "time_period", *filters]]
    duplicated = keys.duplicated(keep=False)
    if duplicated.any():
        row = frame.loc[is_la][duplicated.to_numpy()].iloc[0]
        also = "".join(f", {c} {row[c]!r}" for c in filters)
        raise InputError(
            "new_la_code",
            f"{row['new_la_code']} ({row['la_name']}) appears more than once for "
            f"{row['time_period']}{also}",
        )
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise ShapeError("numeric", f"{path.name} has no column {', '.join(absent)}")
    notes = []
    for column in columns:
        frame[column], labels = _numeric_column(frame, column)
        if labels:
            shown = "; ".join(labels[:5]) + ("; ..." if len(labels) > 5 else "")
            notes.append(f"{column}: {len(labels)} ({shown})")
    if notes:
        warnings.warn(
            f"{path.name}: suppressed or missing values read as missing: " + " | ".join(notes),
            UserWarning,
            stacklevel=2,
        )
    return frame


def load_panel(path: str | Path | None = None) -> pd.DataFrame:
    """The local-authority rows of a panel file (default: the bundled synthetic panel).

    Parameters
    ----------
    path : str or Path, optional
        A CSV file in DfE's layout with the columns of ``samples/la_panel.csv``.

    Returns
    -------
    DataFrame
        As :func:`read_la_csv`, local-authority rows only.

    Examples
    --------
    >>> panel = load_panel()
    >>> panel["new_la_code"].nunique()
    151
    """
    return read_la_csv(SAMPLE_PANEL if path is None else path)


def panel_year(panel: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per council for the period ending in ``year``, in the file's order.

    Parameters
    ----------
    panel : DataFrame
        From :func:`read_la_csv` or :func:`load_panel`.
    year : int
        The year the period ends (2017 for 2016-17).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> len(panel_year(load_panel(), 2017))
    151
    """
    rows = panel[panel["year"] == int(year)]
    if rows.empty:
        years = ", ".join(str(y) for y in sorted(panel["year"].unique()))
        raise NoDataError("year", f"no rows for {year}; the panel has {years}")
    return rows.reset_index(drop=True)


def model_inputs(
    panel: pd.DataFrame,
    year: int = 2017,
    spend: str = "spend_total",
    population: str = "population_0_25",
    drivers: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The spend model's inputs for one year: spend per head aged 0-25 and the drivers.

    Parameters
    ----------
    panel : DataFrame
        From :func:`read_la_csv` or :func:`load_panel`.
    year : int, optional
        The year the financial year ends (default 2017, i.e. FY16/17 as in seed 000).
    spend : str, optional
        Column of spend on children's services (pounds).
    population : str, optional
        Column of the population aged 0-25.
    drivers : sequence of str, optional
        Driver columns, default the five of seed 000 (:data:`DRIVER_COLUMNS`).

    Returns
    -------
    dict
        ``codes``, ``names``, ``regions`` (lists), ``y`` (spend per head, NaN where spend is
        missing) and ``x`` (councils x drivers, NaN where missing), ``drivers`` (the columns).

    Raises
    ------
    DivisionByZeroError
        A council with zero population, naming it and the column.

    Examples
    --------
    >>> data = model_inputs(load_panel())
    >>> data["x"].shape, round(float(data["y"].min())), round(float(data["y"].max()))
    ((151, 5), 292, 1254)
    """
    columns = list(drivers) if drivers is not None else list(DRIVER_COLUMNS.values())
    rows = panel_year(panel, year)
    absent = [c for c in (spend, population, *columns) if c not in rows.columns]
    if absent:
        raise ShapeError("panel", f"no column {', '.join(absent)}")
    _require_numbers(rows, (spend, population, *columns))
    people = rows[population].to_numpy(dtype=float)
    zero = np.flatnonzero(people == 0)
    if zero.size:
        row = rows.iloc[zero[0]]
        raise DivisionByZeroError(
            population, f"{row['la_name']} ({row['new_la_code']}), {year}: the population is zero"
        )
    negative = np.flatnonzero(people < 0)
    if negative.size:
        row = rows.iloc[negative[0]]
        raise NotANumberError(
            population, f"{row['la_name']} ({row['new_la_code']}), {year}: negative population"
        )
    money = rows[spend].to_numpy(dtype=float)
    return {
        "codes": rows["new_la_code"].tolist(),
        "names": rows["la_name"].tolist(),
        "regions": rows["region_name"].tolist() if "region_name" in rows else [],
        "y": money / people,
        "x": rows[columns].to_numpy(dtype=float),
        "drivers": columns,
    }


def lac_rates(
    panel: pd.DataFrame,
    count: str = "cla_at_31_march",
    population: str = "population_0_17",
) -> pd.DataFrame:
    """Rates per 10,000 children for each council (rows) and year (columns).

    Parameters
    ----------
    panel : DataFrame
        From :func:`read_la_csv` or :func:`load_panel`.
    count : str, optional
        Column of children counted (default children looked after at 31 March).
    population : str, optional
        Column of the population aged 0-17.

    Returns
    -------
    DataFrame
        Indexed by ``new_la_code``, one column per year, with ``la_name`` and ``region_name``
        first.

    Raises
    ------
    DivisionByZeroError
        A council-year with zero child population, naming it.

    Examples
    --------
    >>> rates = lac_rates(load_panel())
    >>> rates.shape
    (151, 8)
    """
    _require_numbers(panel, (count, population))
    people = panel[population].to_numpy(dtype=float)
    zero = np.flatnonzero(people == 0)
    if zero.size:
        row = panel.iloc[zero[0]]
        raise DivisionByZeroError(population, f"{_where(row)}: the child population is zero")
    frame = panel.assign(rate=panel[count].to_numpy(dtype=float) / people * 10_000.0)
    wide = frame.pivot(index="new_la_code", columns="year", values="rate")
    labels = frame.drop_duplicates("new_la_code").set_index("new_la_code")
    order = labels.index
    wide = wide.loc[order]
    wide.columns = [int(c) for c in wide.columns]
    wide.insert(0, "region_name", labels["region_name"])
    wide.insert(0, "la_name", labels["la_name"])
    return wide
