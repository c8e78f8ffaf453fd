"""Reading the values a workbook's file holds (cached formula results and constants) straight
from its XML, and comparing two engines' values as the portable tests do.

openpyxl turns numbers in date-formatted cells into datetimes; here every number stays a number,
text stays text and an error value is its code (``"#N/A"``).
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any

from xlfuncs.excel.errors import ErrorValue
from xlfuncs.xlsx.package import iter_cells, read_package
from xlfuncs.xlsx.shared_strings import read_shared_strings

#: The agreement asked of a portable copy: numbers to 1e-9 relative.
RELATIVE = 1e-9
_CELL = re.compile(r"(?:(?:'((?:[^']|'')+)'|([A-Za-z_][\w.]*))!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")


def cached_values(path: str | Path) -> dict[str, dict[str, Any]]:
    """Sheet title -> A1 -> the value the file holds for that cell."""
    package = read_package(path)
    out: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(package.path) as archive:
        strings = read_shared_strings(archive)
        for title, part in package.sheets.items():
            values: dict[str, Any] = {}
            if part in archive.namelist():
                for cell in iter_cells(archive, part):
                    values[cell.ref] = _value(cell, strings)
            out[title] = values
    return out


def _value(cell, strings: list[str]) -> Any:
    if cell.type == "inlineStr":
        return cell.inline or ""
    if cell.value is None:
        return None
    if cell.type == "s":
        return strings[int(cell.value)]
    if cell.type == "str":
        return cell.value
    if cell.type == "b":
        return cell.value == "1"
    if cell.type == "e":
        return cell.value
    return float(cell.value)


def plain(value: Any) -> Any:
    """An engine's value as :func:`cached_values` reads one (an error value as its code)."""
    if isinstance(value, ErrorValue):
        return value.code
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def referenced(formula: str, sheet: str) -> list[tuple[str, int, int, int, int]]:
    """(sheet, first row, first column, last row, last column) of each reference in ``formula``."""
    from xlfuncs.xlsx.refs import col_index

    text = re.sub(r'"(?:[^"]|"")*"', '""', formula)
    found = []
    for match in _CELL.finditer(text):
        quoted, bare, c1, r1, c2, r2 = match.groups()
        where = (quoted or "").replace("''", "'") or bare or sheet
        a, b = col_index(c1), col_index(c2 or c1)
        found.append((where, int(r1), min(a, b), int(r2 or r1), max(a, b)))
    return found


def agree(expected: Any, found: Any, scale: float = 0.0) -> bool:
    """Numbers within 1e-9 of each other relative to the larger, or to ``scale`` (the size of
    the numbers the formula combines, for a result that cancels to about 0); text, logical
    values and error values exactly; a blank and empty text alike."""
    expected, found = plain(expected), plain(found)
    if isinstance(expected, bool) or isinstance(found, bool):
        return expected == found
    if isinstance(expected, float) and isinstance(found, float):
        if math.isclose(expected, found, rel_tol=RELATIVE, abs_tol=0.0):
            return True
        return abs(expected - found) <= RELATIVE * scale
    if expected in (None, "") and found in (None, ""):
        return True
    return expected == found


def input_scale(formula: str, sheet: str, values: dict[str, dict[str, Any]], limit: int = 10_000) -> float:
    """The largest magnitude among the numbers ``formula`` reads directly."""
    from xlfuncs.xlsx.refs import col_letters

    titles = {t.upper(): t for t in values}
    largest = 0.0
    for where, r1, c1, r2, c2 in referenced(formula, sheet):
        title = titles.get(where.upper())
        if title is None or (r2 - r1 + 1) * (c2 - c1 + 1) > limit:
            continue
        cells = values[title]
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                value = cells.get(f"{col_letters(c)}{r}")
                if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                    largest = max(largest, abs(float(value)))
    return largest
