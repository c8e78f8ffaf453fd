"""Every cell of a workbook as a person sees it: text, number, date, logical or error value,
with its formula if it has one. Read from the package XML (streamed), never by running
anything in the file."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

from xlfuncs.xlsx.escape import unescape
from xlfuncs.xlsx.package import NS_MAIN, Package, iter_cells, parse_xml
from xlfuncs.xlsx.refs import col_index
from xlfuncs.xlsx.shared_strings import read_shared_strings

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass(frozen=True)
class Cell:
    sheet: str
    ref: str
    row: int
    col: int
    value: Any  # str, float, bool, datetime, an error value as text, or None
    formula: str | None
    number_format: str = "General"

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.ref}"

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | float) and not isinstance(self.value, bool)

    @property
    def is_text(self) -> bool:
        return isinstance(self.value, str) and bool(self.value.strip())

    @property
    def empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


def number_formats(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The number format of each cell style (``s`` attribute) in order."""
    part = "xl/styles.xml"
    if part not in names:
        return []
    root = parse_xml(archive.read(part), part)
    custom = {
        int(f.get("numFmtId")): f.get("formatCode") or ""
        for f in root.iter(f"{{{NS_MAIN}}}numFmt")
        if (f.get("numFmtId") or "").isdigit()
    }
    xfs = root.find(f"{{{NS_MAIN}}}cellXfs")
    out = []
    for xf in [] if xfs is None else xfs.iter(f"{{{NS_MAIN}}}xf"):
        number = int(xf.get("numFmtId") or 0)
        out.append(custom.get(number) or BUILTIN_FORMATS.get(number, "General"))
    return out


def read_cells(
    package: Package, used_strings: set[int] | None = None
) -> dict[str, dict[tuple[int, int], Cell]]:
    """sheet title -> (row, column) -> :class:`Cell`, for every sheet of ``package``.

    ``used_strings``, when given, collects the positions of the shared strings the cells use.
    """
    out: dict[str, dict[tuple[int, int], Cell]] = {}
    names = set(package.members)
    with zipfile.ZipFile(package.path) as archive:
        strings = read_shared_strings(archive, names)
        formats = number_formats(archive, names)
        for title, part in package.sheets.items():
            cells: dict[tuple[int, int], Cell] = {}
            if part in names and part.startswith("xl/worksheets/"):
                shared: dict[str, str] = {}
                for record in iter_cells(archive, part):
                    match = _REF.match(record.ref)
                    if not match:
                        continue
                    row, col = int(match.group(2)), col_index(match.group(1))
                    fmt = formats[record.style] if record.style < len(formats) else "General"
                    formula = record.formula
                    if record.formula_type == "shared" and record.shared_index is not None:
                        if formula:
                            shared[record.shared_index] = formula
                        else:
                            formula = shared.get(record.shared_index, formula)
                    value = _value(record.type, record.value, record.inline, strings, fmt)
                    if used_strings is not None and record.type == "s" and (record.value or "").isdigit():
                        used_strings.add(int(record.value or 0))
                    cells[(row, col)] = Cell(title, record.ref, row, col, value, formula, fmt)
            out[title] = cells
    return out


def _value(kind: str | None, text: str | None, inline: str | None, strings: list[str], fmt: str) -> Any:
    if kind == "inlineStr":
        return inline
    if text is None:
        return None
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            return None
    if kind == "str":
        return unescape(text)
    if kind == "e":
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    try:
        number = float(text)
    except ValueError:
        return text
    if kind == "d":
        return text
    if is_date_format(fmt):
        try:
            return from_excel(number)
        except (ValueError, OverflowError):
            return number
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
