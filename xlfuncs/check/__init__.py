"""Checking a template before it is shared: ``xlfuncs check FILE.xlsx``.

Templates travel between councils by email and shared drives. Before one is sent, this finds:

* macros: a VBA project, Excel 4 macro sheets, dialog sheets, ActiveX controls;
* links to other workbooks (external links, and workbooks named inside formulas), and links to
  the xlfuncs or xlwings add-in as Excel saves add-in function calls, with the path of one
  council's machine (``'C:\\Users\\...\\xlwings.xlam'!UNIT_COST(...)``);
* external data connections and embedded objects;
* hidden or very hidden sheets, and hidden rows and columns, that hold data;
* cells that look like child-level personal data (:mod:`xlfuncs.check.personal`), and the
  same data wherever else text hides in a package: the shared-strings table, comments and
  threaded comments, defined names, document properties, chart and pivot caches, pivot
  records, data-validation lists, page headers and footers, external-link caches, custom XML,
  and every other XML part (:mod:`xlfuncs.check.parts`);
* the names of the people who wrote or edited the file (:mod:`xlfuncs.check.authors`);
* counts of children from 1 to 5 in data tables, which DfE's disclosure rules would suppress
  (:mod:`xlfuncs.check.counts`).

:func:`fix_workbook` writes a cleaned copy (:mod:`xlfuncs.check.fix`). Nothing in the file is
ever run: the package is read as XML, with the same limits as recalculation (zip bombs,
entities and encrypted files are refused by :func:`xlfuncs.xlsx.package.read_package`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from xlfuncs.check.cells import Cell
from xlfuncs.check.counts import find_small_counts
from xlfuncs.check.findings import KINDS, CheckReport, Finding
from xlfuncs.check.survey import Survey, survey
from xlfuncs.xlsx.package import Package, read_package
from xlfuncs.xlsx.refs import col_index

__all__ = ["KINDS", "CheckReport", "Finding", "check_package", "check_workbook", "fix_workbook", "report_on"]

_SINGLE_CELL = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")
_EMBEDDED = re.compile(r"^xl/embeddings/", re.IGNORECASE)


def named_single_cells(package: Package) -> dict[str, set[tuple[int, int]]]:
    """Sheet title -> cells that a defined name points at alone (model inputs)."""
    out: dict[str, set[tuple[int, int]]] = {}
    for _name, text in package.defined_names:
        match = _SINGLE_CELL.match(text.strip())
        if match:
            sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
            out.setdefault(sheet, set()).add((int(match.group(4)), col_index(match.group(3))))
    return out


def _has_data(cells: dict[tuple[int, int], Cell]) -> int:
    return sum(1 for c in cells.values() if not c.empty or c.formula)


def check_package(package: Package) -> CheckReport:
    """Everything in an opened package that should not travel to another council."""
    return report_on(package)


def report_on(package: Package, found: Survey | None = None) -> CheckReport:
    """:func:`check_package`, from a survey already made (``--fix`` makes one for both)."""
    if found is None:
        with zipfile.ZipFile(package.path) as archive:
            return report_on(package, survey(package, archive))
    from xlfuncs.check.parts import scan_package

    report = CheckReport(package.path)
    add = report.findings.append
    for part in package.macro_parts:
        add(Finding("macro", part, "macro code (VBA project, macro sheet or ActiveX control)"))
    for link in package.external_links:
        target = link.target or "(no target)"
        if link.is_addin:
            add(Finding("addin-link", link.part, f"add-in functions saved with the path of one machine: {target}"))
        else:
            add(Finding("workbook-link", link.part, f"link to another workbook: {target}"))
    known = {link.index for link in package.external_links}
    for ref in package.external_references:
        if ref.link is None and not (ref.book.isdigit() and int(ref.book) in known):
            add(Finding("workbook-link", ref.where, f"formula reads another workbook: {ref.book}"))
    for name in package.members:
        if name.lower() == "xl/connections.xml":
            add(Finding("data-connection", name, "connection to an external data source"))
        elif _EMBEDDED.match(name):
            add(Finding("embedded-object", name, "embedded file (it may hold data of its own)"))
    cells = found.cells
    named = named_single_cells(package)
    for title, state in package.sheet_states.items():
        if state in ("hidden", "veryHidden"):
            filled = _has_data(cells.get(title, {}))
            if filled:
                what = "very hidden (only VBA can show it)" if state == "veryHidden" else "hidden"
                add(Finding("hidden-sheet", title, f"{what} sheet holding {filled:,} filled cells"))
    for title, sheet in cells.items():
        personal = found.personal.get(title, {})
        by_ref = {cell.ref: cell for cell in sheet.values()}
        for address, why in sorted(personal.items(), key=lambda item: _order(by_ref.get(item[0]))):
            where = by_ref[address].where if address in by_ref else f"{title}!{address}"
            add(Finding("personal-data", where, f"looks like personal data: {why}"))
        for cell, why in find_small_counts(sheet, named.get(title, ())):
            add(Finding("small-count", cell.where, why))
    if found.archive.fp is not None:
        report.findings.extend(scan_package(found))
    else:
        with zipfile.ZipFile(package.path) as archive:
            found.archive = archive  # the survey's archive is closed: read the parts again
            report.findings.extend(scan_package(found))
    order = list(KINDS)
    report.findings.sort(key=lambda f: order.index(f.kind))
    report.notes.extend(_sharing_notes(package))
    return report


def _order(cell: Cell | None) -> tuple[int, int]:
    return (cell.row, cell.col) if cell is not None else (0, 0)


def _sharing_notes(package: Package) -> list[str]:
    from xlfuncs.portable import sharing_note

    note = sharing_note(package)
    return [note] if note else []


def check_workbook(path: str | Path) -> CheckReport:
    """Everything in ``path`` that should not travel to another council."""
    return check_package(read_package(path))


def fix_workbook(source: str | Path, target: str | Path):
    """Write a cleaned copy of ``source`` to ``target``; see :mod:`xlfuncs.check.fix`."""
    from xlfuncs.check.fix import fix_workbook as fix

    return fix(source, target)
