"""Writing computed values into a copy of a workbook as Excel's cached values.

openpyxl cannot store a cached value beside a formula, and ``formulas`` writes values only.
Here the input package is copied part by part; in each worksheet part every formula cell gets
a ``<v>`` holding its value (with ``t="str"``, ``"b"`` or ``"e"`` as Excel saves them), and the
cells of an array formula's range are filled. Everything else (styles, charts, names, data
validation) is copied byte for byte. The output appears atomically: it is written to a
temporary file beside the target and renamed only when complete.

A workbook with macros is never written to an ``.xlsx`` (:func:`refuse_macros`): Excel
refuses to open an ``.xlsx`` holding a VBA project, and a file named so must not carry code.

Text values are written as Excel writes them (:mod:`xlfuncs.xlsx.escape`): a control
character such as ``CHAR(1)`` as ``_x0001_``, a literal ``_x0041_`` as ``_x005F_x0041_``.
"""

from __future__ import annotations

import math
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from xlfuncs.excel.errors import ErrorValue
from xlfuncs.xlsx import zipwrite
from xlfuncs.xlsx.atomic import atomic_path
from xlfuncs.xlsx.escape import escape
from xlfuncs.xlsx.package import NS_MAIN, Package, WorkbookError, parse_xml
from xlfuncs.xlsx.refs import cells_of  # noqa: F401  (callers read it from here too)
from xlfuncs.xlsx.refs import parse_cell as split_cell

_C = f"{{{NS_MAIN}}}c"
_F = f"{{{NS_MAIN}}}f"
_V = f"{{{NS_MAIN}}}v"
_IS = f"{{{NS_MAIN}}}is"
_ROW = f"{{{NS_MAIN}}}row"
_SHEETDATA = f"{{{NS_MAIN}}}sheetData"



def _set_value(cell: etree._Element, value: Any) -> None:
    for child in cell.findall(_V) + cell.findall(_IS):
        cell.remove(child)
    kind, text = encode_value(value)
    if kind is None:
        cell.attrib.pop("t", None)
    else:
        cell.set("t", kind)
    v = etree.SubElement(cell, _V)
    v.text = text
    # <v> must follow <f>; SubElement appended it last, before any extLst is rare enough to fix.
    ext = cell.find(f"{{{NS_MAIN}}}extLst")
    if ext is not None:
        cell.remove(ext)
        cell.append(ext)


def encode_value(value: Any) -> tuple[str | None, str]:
    """The ``t`` attribute and ``<v>`` text Excel uses for a cached value."""
    if value is None:
        return None, "0"  # a formula pointing at a blank shows 0 in Excel
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if type(value) is ErrorValue:
        return "e", value.code
    if isinstance(value, str):
        return "str", escape(value)
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            return "e", "#NUM!"
        if number.is_integer() and abs(number) < 1e15:
            return None, str(int(number))
        return None, repr(number)
    return "str", escape(str(value))


def _set_constant(cell: etree._Element, value: Any) -> None:
    """Replace a typed-in value (an input of a batch row)."""
    for child in list(cell):
        cell.remove(child)
    if isinstance(value, str):
        cell.set("t", "inlineStr")
        inline = etree.SubElement(cell, _IS)
        text = etree.SubElement(inline, f"{{{NS_MAIN}}}t")
        text.text = escape(value)
        if value != value.strip():
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return
    if value is None:
        cell.attrib.pop("t", None)
        return
    kind, text = encode_value(value)
    if kind is None:
        cell.attrib.pop("t", None)
    else:
        cell.set("t", kind)
    etree.SubElement(cell, _V).text = text


def _cell_element(sheet_data, rows: dict, ref: str, known: dict | None = None) -> etree._Element:
    """The ``<c>`` of ``ref``, created in order (with its ``<row>``) if the sheet lacks it.

    ``known`` (ref -> ``<c>``, kept up to date here) saves searching a row for each cell: an
    array formula across a whole row fills 16,384 of them."""
    if known is not None and ref in known:
        return known[ref]
    row_number, col = split_cell(ref)
    row = rows.get(row_number)
    if row is None:
        row = etree.Element(_ROW, r=str(row_number))
        later = [r for n, r in rows.items() if n > row_number]
        if later:
            min(later, key=lambda r: int(r.get("r"))).addprevious(row)
        else:
            sheet_data.append(row)
        rows[row_number] = row
    cell = None if known is not None else next((c for c in row.iter(_C) if c.get("r") == ref), None)
    if cell is None:
        cell = etree.Element(_C, r=ref)
        last = row[-1] if len(row) else None
        if last is None or last.tag != _C or split_cell(last.get("r"))[1] < col:
            row.append(cell)  # the usual case, filling left to right: no search
        else:
            after = [c for c in row.iter(_C) if split_cell(c.get("r"))[1] > col]
            if after:
                after[0].addprevious(cell)
            else:
                row.append(cell)
        row.attrib.pop("spans", None)  # spans are optional hints; drop a stale one
    if known is not None:
        known[ref] = cell
    return cell


def _patch_sheet(root: etree._Element, values: Mapping[str, Any], inputs: Mapping[str, Any] | None = None) -> int:
    """Fill cached values of formula cells and array ranges, and replace the typed-in values
    named in ``inputs``; returns cells written."""
    sheet_data = root.find(_SHEETDATA)
    if sheet_data is None:
        return 0
    rows = {int(r.get("r")): r for r in sheet_data.iter(_ROW) if r.get("r")}
    written = 0
    for ref, value in (inputs or {}).items():
        _set_constant(_cell_element(sheet_data, rows, ref), value)
    array_cells: list[str] = []
    for cell in sheet_data.iter(_C):
        formula = cell.find(_F)
        if formula is None:
            continue
        ref = cell.get("r")
        if formula.get("t") == "array" and formula.get("ref"):
            array_cells.extend(c for c in cells_of(formula.get("ref")) if c != ref)
        if ref in values:
            _set_value(cell, values[ref])
            written += 1
    known = {cell.get("r"): cell for cell in sheet_data.iter(_C)} if array_cells else None
    for ref in array_cells:
        if ref not in values:
            continue
        _set_value(_cell_element(sheet_data, rows, ref, known), values[ref])
        written += 1
    return written


class PreparedPackage:
    """A package whose unchanging parts are patched and compressed once, for writing many
    copies that differ only in the sheets named ``varying`` (one workbook per council)."""

    def __init__(self, package: Package, values: Mapping[str, Mapping[str, Any]], varying: set[str]):
        self.package = package
        varying_upper = {t.upper() for t in varying}
        upper = {k.upper(): v for k, v in values.items()}
        self.varying_parts = {part: title for title, part in package.sheets.items() if title.upper() in varying_upper}
        self.members: list[tuple[str, zipwrite.Member | None]] = []
        self.fixed_cells = 0
        sheets = {part: title for title, part in package.sheets.items()}
        with zipfile.ZipFile(package.path) as source:
            for info in source.infolist():
                name = info.filename
                if name in self.varying_parts:
                    self.members.append((name, None))
                    continue
                data = source.read(name)
                if name in sheets and sheets[name].upper() in upper:
                    root = parse_xml(data, name)
                    self.fixed_cells += _patch_sheet(root, upper[sheets[name].upper()])
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                elif name == "xl/workbook.xml":
                    data = _keep_cached_values_on_open(data)
                self.members.append((name, zipwrite.compress(name, data)))
            self.varying_xml = {part: source.read(part) for part in self.varying_parts}

    def write(
        self,
        values: Mapping[str, Mapping[str, Any]],
        out_path: str | Path,
        inputs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> int:
        """Write one copy with ``values`` in the varying sheets and ``inputs[sheet][A1]``
        typed in; returns cells written."""
        out_path = Path(out_path)
        refuse_macros(self.package, out_path)
        upper = {k.upper(): v for k, v in values.items()}
        typed = {k.upper(): v for k, v in (inputs or {}).items()}
        written = self.fixed_cells
        members = []
        for name, member in self.members:
            if member is None:
                root = parse_xml(self.varying_xml[name], name)
                title = self.varying_parts[name].upper()
                written += _patch_sheet(root, upper.get(title, {}), typed.get(title))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                member = zipwrite.compress(name, data)
            members.append(member)
        # No fsync per council: a batch resumes instead.
        with atomic_path(out_path, durable=False) as temp, open(temp, "wb") as out:
            zipwrite.write_zip(out, members)
        return written


def write_cached_values(
    package: Package,
    values: Mapping[str, Mapping[str, Any]],
    out_path: str | Path,
    inputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> int:
    """Copy ``package`` to ``out_path`` with cached values; ``values[SHEET][A1]``, and the
    typed-in values ``inputs[SHEET][A1]`` replaced.

    Sheet titles are matched case-insensitively (the engine upper-cases them).
    Returns the number of cells written.
    """
    typed = {k.upper(): v for k, v in (inputs or {}).items()}
    out_path = Path(out_path)
    refuse_macros(package, out_path)
    by_part = {}
    upper = {k.upper(): v for k, v in values.items()}
    for title, part in package.sheets.items():
        if title.upper() in upper or title.upper() in typed:
            by_part[part] = (upper.get(title.upper(), {}), typed.get(title.upper()))
    written = 0
    with atomic_path(out_path) as temp_name:
        with zipfile.ZipFile(package.path) as source, zipfile.ZipFile(
            temp_name, "w", compression=zipfile.ZIP_DEFLATED
        ) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename in by_part:
                    root = parse_xml(data, info.filename)
                    written += _patch_sheet(root, *by_part[info.filename])
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                elif info.filename == "xl/workbook.xml":
                    data = _keep_cached_values_on_open(data)
                target.writestr(info, data)
    return written


def _keep_cached_values_on_open(data: bytes) -> bytes:
    """Drop ``fullCalcOnLoad`` so Excel shows the values just computed when it opens the file."""
    root = parse_xml(data, "xl/workbook.xml")
    calc = root.find(f"{{{NS_MAIN}}}calcPr")
    if calc is None or calc.get("fullCalcOnLoad") is None:
        return data
    del calc.attrib["fullCalcOnLoad"]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


#: Names of files that must hold no macros.
MACRO_FREE = (".xlsx", ".xltx")


def output_suffix(package: Package) -> str:
    """The file type a copy of ``package`` is written as: ``.xlsm`` when it has macros."""
    return ".xlsm" if package.macro_parts else ".xlsx"


def refuse_macros(package: Package, out_path: str | Path) -> None:
    """Refuse to write a workbook with macros to an ``.xlsx`` (or ``.xltx``): one line."""
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if package.macro_parts and suffix in MACRO_FREE:
        parts = ", ".join(package.macro_parts[:3]) + (", ..." if len(package.macro_parts) > 3 else "")
        raise WorkbookError(
            f"{out_path}: {package.path} holds macros ({parts}), which an {suffix} file cannot "
            f"carry; write to {out_path.with_suffix('.xlsm').name} to keep them, or remove them first "
            "with xlfuncs check --fix"
        )


def refuse_overwrite(source: Path, target: Path) -> None:
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise WorkbookError(f"{target}: refusing to overwrite the input workbook")
