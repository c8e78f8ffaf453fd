"""Reading the cells of an .xlsx straight from its XML: values, formulas, array ranges, names.

The compiled evaluator needs every cell's constant or formula text and nothing else; reading
the sheet parts with lxml is several times faster than building openpyxl objects. Shared
formulas are translated to each cell, as Excel does when it loads them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from xlfuncs.excel.errors import error_value
from xlfuncs.xlsx.escape import unescape
from xlfuncs.xlsx.package import NS_MAIN, Package, parse_xml
from xlfuncs.xlsx.refs import parse_cell
from xlfuncs.xlsx.shared_strings import item_text, read_shared_strings

_C = f"{{{NS_MAIN}}}c"
_F = f"{{{NS_MAIN}}}f"
_V = f"{{{NS_MAIN}}}v"
_IS = f"{{{NS_MAIN}}}is"


@dataclass
class SheetCells:
    """One sheet: constants and formulas by (row, column); array formula ranges by anchor."""

    title: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    arrays: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)


@dataclass
class BookCells:
    sheets: dict[str, SheetCells]
    names: dict[str, str]  # workbook-level defined name -> its formula text (no '=')
    local_names: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, NAME) -> text
    date1904: bool = False  # <workbookPr date1904="1"/>: serial 0 is 1 January 1904
    calculation: dict[str, str] = field(default_factory=dict)  # the attributes of <calcPr>


def _value(cell: etree._Element, kind: str | None, strings: list[str]) -> Any:
    if kind == "inlineStr":
        inline = cell.find(_IS)
        return item_text(inline) if inline is not None else ""
    v = cell.find(_V)
    if v is None or v.text is None:
        return None
    text = v.text
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return text == "1"
    if kind == "str":
        return unescape(text)
    if kind == "e":
        return error_value(text)
    return float(text)


def read_cells(package: Package) -> BookCells:
    sheets: dict[str, SheetCells] = {}
    with zipfile.ZipFile(package.path) as archive:
        strings = read_shared_strings(archive)
        workbook = parse_xml(archive.read("xl/workbook.xml"), "xl/workbook.xml")
        names = {}
        local_names = {}
        properties = workbook.find(f"{{{NS_MAIN}}}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        calc = workbook.find(f"{{{NS_MAIN}}}calcPr")
        calculation = dict(calc.attrib) if calc is not None else {}
        titles = list(package.sheets)
        for defined in workbook.iter(f"{{{NS_MAIN}}}definedName"):
            if not defined.text:
                continue
            scope = defined.get("localSheetId")
            if scope is None:
                names[defined.get("name")] = defined.text
            elif scope.isdigit() and int(scope) < len(titles):
                # A name scoped to one sheet: formulas on that sheet see it before a global one.
                local_names[(titles[int(scope)], defined.get("name").upper())] = defined.text
        for title, part in package.sheets.items():
            sheet = SheetCells(title)
            if part not in archive.namelist():
                sheets[title] = sheet
                continue
            root = parse_xml(archive.read(part), part)
            shared: dict[str, tuple[str, str]] = {}
            for cell in root.iter(_C):
                ref = cell.get("r")
                if ref is None:
                    continue
                position = parse_cell(ref)
                formula = cell.find(_F)
                if formula is not None:
                    kind = formula.get("t")
                    text = formula.text
                    if kind == "shared":
                        index = formula.get("si")
                        if text:
                            shared[index] = (ref, text)
                        elif index in shared:
                            from openpyxl.formula.translate import (
                                Translator,  # only for shared formulas
                            )

                            origin, source = shared[index]
                            text = Translator("=" + source, origin).translate_formula(ref)[1:]
                    if text:
                        sheet.formulas[position] = text
                        if kind == "array" and formula.get("ref"):
                            first, _, last = formula.get("ref").partition(":")
                            r1, c1 = parse_cell(first)
                            r2, c2 = parse_cell(last or first)
                            sheet.arrays[position] = (r1, c1, r2, c2)
                        continue
                value = _value(cell, cell.get("t"), strings)
                if value is not None:
                    sheet.values[position] = value
            # Cells inside an array range carry cached values: they are results, not inputs.
            for (r1, c1, r2, c2) in sheet.arrays.values():
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        sheet.values.pop((r, c), None)
            sheets[title] = sheet
    return BookCells(sheets, names, local_names, date1904, calculation)
