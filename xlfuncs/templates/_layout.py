"""Shared look and bookkeeping for template workbooks: styles, the About sheet, names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from xlfuncs import __version__

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: cells a user types into
OUTPUT_FILL = PatternFill("solid", fgColor="E2EFDA")  # pale green: results
DERIVED_FILL = PatternFill("solid", fgColor="FCE4D6")  # pale orange: derived, not published
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="595959")
THIN = Border(bottom=Side(style="thin", color="BFBFBF"))

MONEY = '£#,##0;[Red]-£#,##0'
MONEY_2DP = '£#,##0.00;[Red]-£#,##0.00'
RATE = "0.0"
PERCENT = "0.0%"


def new_workbook(title: str, purpose: str, sources: Iterable[str]) -> Workbook:
    """A workbook whose first sheet says what it is, which xlfuncs built it, and its sources."""
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    about["A1"] = title
    about["A1"].font = TITLE_FONT
    about["A3"] = purpose
    about["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    about.merge_cells("A3:F3")
    about.row_dimensions[3].height = 60
    about["A5"] = "Built by"
    about["B5"] = f"xlfuncs {__version__}"
    about["A6"] = "Colours"
    about["B6"] = "input"
    about["B6"].fill = INPUT_FILL
    about["C6"] = "result"
    about["C6"].fill = OUTPUT_FILL
    about["D6"] = "derived"
    about["D6"].fill = DERIVED_FILL
    about["A8"] = "Sources"
    about["A8"].font = Font(bold=True)
    for row, source in enumerate(sources, start=9):
        about.cell(row=row, column=1, value=source)
    about.column_dimensions["A"].width = 18
    for col in "BCDEF":
        about.column_dimensions[col].width = 16
    props = workbook.properties
    props.creator = f"xlfuncs {__version__}"
    props.title = title
    props.keywords = f"xlfuncs {__version__}"
    props.created = props.modified = dt.datetime(2026, 1, 1)
    workbook.custom_doc_props.append(StringProperty(name="xlfuncs_version", value=__version__))
    return workbook


def header_row(sheet: Worksheet, row: int, labels: Iterable[str | None], column: int = 1) -> None:
    for offset, label in enumerate(labels):
        cell = sheet.cell(row=row, column=column + offset, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def define(workbook: Workbook, name: str, sheet: Worksheet, ref: str) -> None:
    """A workbook-level defined name for ``sheet!ref`` (absolute)."""
    cols_rows = ":".join(_absolute(part) for part in ref.split(":"))
    quoted = sheet.title.replace("'", "''")
    workbook.defined_names[name] = DefinedName(name, attr_text=f"'{quoted}'!{cols_rows}")


def _absolute(cell: str) -> str:
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return f"${letters}${digits}"


def note(sheet: Worksheet, ref: str, text: str) -> None:
    sheet[ref] = text
    sheet[ref].font = NOTE_FONT


def sheet_title(sheet: Worksheet, text: str) -> None:
    """The heading every template sheet starts with, in A1."""
    sheet["A1"] = text
    sheet["A1"].font = Font(bold=True, size=13)


def put(sheet: Worksheet, ref: str, value, fill=None, fmt=None, bold: bool = False):
    """Write ``value`` to ``ref`` with an optional fill, number format and bold face."""
    cell = sheet[ref]
    cell.value = value
    if fill is not None:
        cell.fill = fill
    if fmt is not None:
        cell.number_format = fmt
    if bold:
        cell.font = Font(bold=True)
    return cell
