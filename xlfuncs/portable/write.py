"""Writing the portable copy: the original workbook, part by part, with the converted cells.

Every part is copied as it is except:

* the sheets holding converted cells: native formulas written in (array formulas where the form
  needs them), frozen cells given their value from a fresh recalculation as a constant, a
  ``<legacyDrawing>`` where notes are added;
* the sheets' relationships, new comments parts and VML drawings, and the content types, for
  the notes;
* ``xl/calcChain.xml``, dropped: it lists formula cells, and Excel rebuilds it;
* links to the add-in (``[1]!UNIT_COST(...)`` as Excel saves an add-in's calls), dropped once
  every call through them is converted, with their entries in the workbook.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from xlfuncs.excel.native import HelperCells
from xlfuncs.portable.comments import NS_CT, add_comments, content_types, rels_name
from xlfuncs.portable.convert import Conversion
from xlfuncs.xlsx.atomic import atomic_path
from xlfuncs.xlsx.package import NS_MAIN, NS_PKG_REL, NS_REL, Package, parse_xml
from xlfuncs.xlsx.refs import cell_ref, parse_cell
from xlfuncs.xlsx.writer import encode_value

_M = f"{{{NS_MAIN}}}"
_C, _F, _V, _IS, _T, _ROW = (f"{_M}{t}" for t in ("c", "f", "v", "is", "t", "row"))
CALC_CHAIN = "xl/calcChain.xml"
_INSTALL = "install xlfuncs (pip install xlfuncs, then xlfuncs addin install) and enter the formula"


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Sheet:
    """One worksheet's XML with its cells found by address."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.data = root.find(f"{_M}sheetData")
        if self.data is None:
            self.data = etree.SubElement(root, f"{_M}sheetData")
        self.rows = {int(r.get("r")): r for r in self.data.iter(_ROW) if r.get("r")}
        self.cells = {c.get("r"): c for c in self.data.iter(_C) if c.get("r")}

    def cell(self, row: int, col: int) -> etree._Element:
        ref = cell_ref(row, col)
        found = self.cells.get(ref)
        if found is not None:
            return found
        line = self.rows.get(row)
        if line is None:
            line = etree.Element(_ROW, r=str(row))
            later = sorted(n for n in self.rows if n > row)
            if later:
                self.rows[later[0]].addprevious(line)
            else:
                self.data.append(line)
            self.rows[row] = line
        cell = etree.Element(_C, r=ref)
        after = [c for c in line.iter(_C) if parse_cell(c.get("r"))[1] > col]
        if after:
            after[0].addprevious(cell)
        else:
            line.append(cell)
        line.attrib.pop("spans", None)
        self.cells[ref] = cell
        return cell


def _set_formula(cell: etree._Element, text: str, array_ref: str | None) -> None:
    for old in cell.findall(_F):
        cell.remove(old)
    formula = etree.Element(_F)
    if array_ref is not None:
        formula.set("t", "array")
        formula.set("ref", array_ref)
    formula.text = text
    cell.insert(0, formula)
    if cell.find(_V) is None and cell.find(_IS) is None:
        etree.SubElement(cell, _V).text = "0"


def _set_constant(cell: etree._Element, value: Any) -> None:
    """Make the cell a constant holding ``value`` (its style kept)."""
    for child in list(cell):
        cell.remove(child)
    cell.attrib.pop("t", None)
    if value is None:
        return
    if isinstance(value, str):
        cell.set("t", "inlineStr")
        node = etree.SubElement(etree.SubElement(cell, _IS), _T)
        node.text = value
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return
    kind, text = encode_value(value)
    if kind is not None:
        cell.set("t", kind)
    etree.SubElement(cell, _V).text = text


def _range_ref(bounds: tuple[int, int, int, int]) -> str:
    r1, c1, r2, c2 = bounds
    first, last = cell_ref(r1, c1), cell_ref(r2, c2)
    return first if first == last else f"{first}:{last}"


def _write_helpers(sheet: _Sheet, helpers: HelperCells) -> None:
    """The working cells native forms asked for, and the sheet's dimension widened to them."""
    if not helpers.cells:
        return
    for helper in helpers.cells:
        cell = sheet.cell(helper.row, helper.col)
        if helper.formula is None:
            _set_constant(cell, helper.value)
            continue
        many = helper.rows * helper.cols > 1
        bounds = (helper.row, helper.col, helper.row + helper.rows - 1, helper.col + helper.cols - 1)
        _set_formula(cell, helper.formula, _range_ref(bounds) if many else None)
    dimension = sheet.root.find(f"{_M}dimension")
    if dimension is None or not dimension.get("ref"):
        return
    corners = dimension.get("ref", "A1").split(":")
    r1, c1 = parse_cell(corners[0])
    r2, c2 = parse_cell(corners[-1])
    for helper in helpers.cells:
        r2 = max(r2, helper.row + helper.rows - 1)
        c2 = max(c2, helper.col + helper.cols - 1)
    dimension.set("ref", _range_ref((r1, c1, r2, c2)))


def _range_cells(conversion: Conversion) -> list[tuple[int, int]]:
    if conversion.bounds is None:
        return [conversion.anchor]
    r1, c1, r2, c2 = conversion.bounds
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def frozen_note(conversion: Conversion) -> str:
    """The note on a frozen cell: what it holds, why, and how to get it live again."""
    many = conversion.cells > 1
    what = f"These cells ({conversion.address}) hold the values" if many else "This cell holds the value"
    enter = (
        f"{_INSTALL} as an array formula over {conversion.address} (Ctrl+Shift+Enter)"
        if many else _INSTALL
    )
    function = conversion.frozen_function or "an xlfuncs function"
    return (
        f"xlfuncs portable: {what} xlfuncs calculated, not a formula: this call of {function} has no form "
        f"in Excel's own functions ({conversion.reason}). {'They do' if many else 'It does'} not change "
        f"when inputs change. To get {'them' if many else 'it'} live again, {enter}:\n={conversion.original}"
    )


def partial_note(conversion: Conversion) -> str:
    """The note on a live cell some of whose choices need xlfuncs."""
    return (
        "xlfuncs portable: this formula is the xlfuncs formula below written in Excel's own "
        f"functions. {' '.join(conversion.notes)} For that, {_INSTALL}:\n={conversion.original}"
    )


def _patch(sheet: _Sheet, conversions: list[Conversion], values: Mapping[str, Any]) -> dict[str, str]:
    notes: dict[str, str] = {}
    for conversion in conversions:
        r0, c0 = conversion.anchor
        anchor_ref = cell_ref(r0, c0)
        if not conversion.live:
            for row, col in _range_cells(conversion):
                _set_constant(sheet.cell(row, col), values.get(cell_ref(row, col)))
            notes[anchor_ref] = frozen_note(conversion)
            continue
        one_formula = list(conversion.formulas) == [conversion.anchor]
        for (row, col), (text, array) in conversion.formulas.items():
            ref = cell_ref(row, col)
            array_ref: str | None
            span = conversion.spans.get((row, col))
            if span is not None:
                array_ref = _range_ref(span)
            elif array and one_formula and conversion.bounds is not None:
                array_ref = conversion.address if conversion.cells > 1 else ref
            else:
                array_ref = ref if array else None
            _set_formula(sheet.cell(row, col), text, array_ref)
        if conversion.notes:
            notes[anchor_ref] = partial_note(conversion)
    return notes


def _addin_links(package: Package) -> set[str]:
    """The add-in link parts to drop: only when every external link is one."""
    links = package.external_links
    if not links or not all(link.is_addin for link in links):
        return set()
    return {link.part for link in links}


def _resolve(owner: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(owner), target))


def write_portable(
    package: Package,
    conversions: list[Conversion],
    values: Mapping[str, Mapping[str, Any]],
    target: Path,
    helpers: Mapping[str, HelperCells] | None = None,
) -> list[str]:
    """Write ``package`` to ``target`` with ``conversions`` applied, frozen cells taking
    ``values[sheet][A1]`` (a fresh recalculation) and ``helpers[sheet]`` the working cells
    native forms need; returns the parts dropped."""
    by_sheet: dict[str, list[Conversion]] = defaultdict(list)
    for conversion in conversions:
        by_sheet[conversion.sheet].append(conversion)
    parts_of = {title: part for title, part in package.sheets.items()}
    dropped: set[str] = {CALC_CHAIN} if CALC_CHAIN in package.members else set()
    links = _addin_links(package)
    dropped |= links | {rels_name(p) for p in links if rels_name(p) in package.members}
    with zipfile.ZipFile(package.path) as archive:
        read = {name: archive.read(name) for name in archive.namelist()}
    members = set(read)
    written: dict[str, bytes] = {}
    overrides: dict[str, str] = {}
    vml = False
    for block, (title, found) in enumerate(sorted(by_sheet.items()), start=1):
        part = parts_of[title]
        root = parse_xml(read[part], part)
        sheet = _Sheet(root)
        notes = _patch(sheet, found, values.get(title, {}))
        if helpers and title in helpers:
            _write_helpers(sheet, helpers[title])
        if notes:
            added = add_comments(part, root, notes, {**read, **written}, members, block + 10)
            written.update(added.parts)
            overrides.update(added.content_overrides)
            vml = vml or added.vml_default
        written[part] = _serialise(root)
    written["[Content_Types].xml"] = _content_types(read["[Content_Types].xml"], overrides, vml, dropped)
    if dropped:
        workbook_rels = "xl/_rels/workbook.xml.rels"
        dropped_ids = set()
        if workbook_rels in read:
            rels = parse_xml(written.get(workbook_rels, read[workbook_rels]), workbook_rels)
            for rel in list(rels.iter(f"{{{NS_PKG_REL}}}Relationship")):
                if rel.get("TargetMode") != "External" and _resolve("xl/workbook.xml", rel.get("Target", "")) in dropped:
                    dropped_ids.add(rel.get("Id"))
                    rels.remove(rel)
            written[workbook_rels] = _serialise(rels)
        if dropped_ids:
            workbook = parse_xml(read["xl/workbook.xml"], "xl/workbook.xml")
            references = workbook.find(f"{_M}externalReferences")
            if references is not None:
                for reference in list(references):
                    if reference.get(f"{{{NS_REL}}}id") in dropped_ids:
                        references.remove(reference)
                if len(references) == 0:
                    workbook.remove(references)
            written["xl/workbook.xml"] = _serialise(workbook)
    with atomic_path(target) as temp, zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as out:
        with zipfile.ZipFile(package.path) as archive:
            for info in archive.infolist():
                if info.filename in dropped:
                    continue
                data = written.pop(info.filename, None)
                out.writestr(info, data if data is not None else archive.read(info))
        for name, data in sorted(written.items()):
            out.writestr(name, data)
    return sorted(dropped)


def _content_types(data: bytes, overrides: dict[str, str], vml: bool, dropped: set[str]) -> bytes:
    root = parse_xml(content_types(data, overrides, vml), "[Content_Types].xml")
    for override in list(root.iter(f"{{{NS_CT}}}Override")):
        if (override.get("PartName") or "").lstrip("/") in dropped:
            root.remove(override)
    return _serialise(root)
