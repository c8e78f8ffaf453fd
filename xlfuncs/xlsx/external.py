"""The values a workbook keeps of the other workbooks its formulas read (external links).

When a formula reads ``[1]Rates!B2``, Excel saves, in ``xl/externalLinks/externalLink1.xml``,
the cells of that other workbook the formulas use, and calculates from them until the links
are updated. Headless recalculation does the same: it never opens the other file (which may
be anywhere, or at another council), only reads these caches.

A linked sheet whose cache Excel could not refresh (``refreshError``) and that holds no cells
reads as ``#REF!``, as Excel shows it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Any

from xlfuncs.excel.errors import error_value
from xlfuncs.xlsx.package import NS_MAIN, Package, parse_xml
from xlfuncs.xlsx.refs import parse_cell

_M = f"{{{NS_MAIN}}}"


@dataclass
class ExternalBook:
    """One linked workbook as its cache keeps it."""

    index: int  # n in [n]Sheet!A1
    target: str
    sheets: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)  # title -> cells
    unreadable: set[str] = field(default_factory=set)  # sheets Excel could not refresh, empty
    names: dict[str, str] = field(default_factory=dict)  # NAME -> refersTo (no '='), may be ""


def _value(cell, kind: str | None) -> Any:
    v = cell.find(f"{_M}v")
    if v is None or v.text is None:
        return None
    if kind == "str" or kind == "s":
        return v.text
    if kind == "b":
        return v.text == "1"
    if kind == "e":
        return error_value(v.text)
    try:
        return float(v.text)
    except ValueError:
        return v.text


def read_external_books(package: Package) -> dict[int, ExternalBook]:
    """The cached cells of every linked workbook (add-in links hold none), by link number."""
    books: dict[int, ExternalBook] = {}
    with zipfile.ZipFile(package.path) as archive:
        names = set(archive.namelist())
        for link in package.external_links:
            if link.is_addin or link.part not in names:
                continue
            root = parse_xml(archive.read(link.part), link.part)
            book = ExternalBook(link.index, link.target)
            external = root.find(f"{_M}externalBook")
            if external is None:
                continue
            titles = [s.get("val") or "" for s in external.iter(f"{_M}sheetName")]
            for defined in external.iter(f"{_M}definedName"):
                refers = (defined.get("refersTo") or "").lstrip("=")
                book.names[(defined.get("name") or "").upper()] = refers
            for data in external.iter(f"{_M}sheetData"):
                sheet_id = data.get("sheetId") or ""
                if not sheet_id.isdigit() or int(sheet_id) >= len(titles):
                    continue
                title = titles[int(sheet_id)]
                cells: dict[tuple[int, int], Any] = {}
                for cell in data.iter(f"{_M}cell"):
                    ref = cell.get("r")
                    if not ref:
                        continue
                    value = _value(cell, cell.get("t"))
                    if value is not None:
                        cells[parse_cell(ref)] = value
                book.sheets[title] = cells
                if data.get("refreshError") in ("1", "true") and not cells:
                    book.unreadable.add(title)
            for title in titles:
                book.sheets.setdefault(title, {})
            books[link.index] = book
    return books
