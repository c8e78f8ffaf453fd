"""Writing a cleaned copy of a workbook: ``xlfuncs check FILE.xlsx --fix -o CLEAN.xlsx``.

The copy is made part by part, as recalculation writes its output: parts not named below are
copied byte for byte, so styles, charts, names and data validation are kept.

* Macros (VBA project and signature, Excel 4 macro sheets, dialog sheets, ActiveX controls)
  are dropped with every relationship, content type and sheet entry pointing at them; the
  file's type becomes a plain workbook (.xlsx).
* Calls to xlfuncs functions saved through an add-in link (``[1]!UNIT_COST(``, Office.js
  ``_xldudf_`` names) become plain names (:func:`xlfuncs.engine.names.plain_names`), so the
  template opens cleanly at another council.
* Formulas reading other workbooks are replaced by their last values, as Excel's "Break
  links" does; defined names pointing into other workbooks are dropped; then every external
  link part is dropped.
* Hidden and very hidden sheets holding data are made visible.
* Hidden rows and columns holding data are shown.
* Cells of personal data are blanked (their style kept); the columns stay, so every reference
  into the sheet still points where it did. A formula whose last value (or a string in it) is
  personal data keeps its formula and loses the value, and the workbook recalculates on open.
* The shared-strings table is rebuilt from the cells that remain: the text of a blanked cell
  is gone from the file, not only from the cell.
* Personal data outside the cells is taken out where it is (:mod:`xlfuncs.check.parts`): a
  comment's text is replaced, a chart's cache of blanked cells emptied, a pivot cache's
  personal fields replaced by placeholders, a list item, a header's text or a literal in a
  defined name taken out, a custom XML item holding it dropped; the authors' names are
  cleared. Everything else of each part (formulas, names, charts, comments holding no
  personal data, figures) is kept.
* Counts of children from 1 to 5 become the text "c", as DfE publishes suppressed figures.

The output appears atomically and never overwrites the input.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from xlfuncs.check import CheckReport, report_on, worksheets
from xlfuncs.check.custom_xml import parts_to_drop
from xlfuncs.check.links import personal_target
from xlfuncs.check.parts import clean_part, text_parts
from xlfuncs.check.strings import personal_phonetics
from xlfuncs.check.survey import Survey, resolve, survey
from xlfuncs.check.sweep import literal_matches, redact_raw
from xlfuncs.engine.names import plain_names
from xlfuncs.xlsx.atomic import atomic_path
from xlfuncs.xlsx.package import (
    NS_MAIN,
    NS_PKG_REL,
    NS_REL,
    Package,
    WorkbookError,
    external_books,
    parse_xml,
    read_package,
)
from xlfuncs.xlsx.shared_strings import PART as SHARED_STRINGS
from xlfuncs.xlsx.shared_strings import rebuild_shared_strings
from xlfuncs.xlsx.writer import refuse_overwrite

NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
VBA_CONTENT = "application/vnd.ms-office.vbaProject"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_TEMPLATE = "application/vnd.ms-excel.template.macroEnabled.main+xml"
PLAIN_TEMPLATE = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
#: Containers that must not be left empty once what they held is dropped.
_CONTAINERS = {
    f"{{{NS_MAIN}}}{t}" for t in ("controls", "externalReferences", "oleObjects", "definedNames", "hyperlinks")
}
_C, _F, _V, _IS, _T = (f"{{{NS_MAIN}}}{t}" for t in ("c", "f", "v", "is", "t"))
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass
class FixResult:
    source: Path
    target: Path
    actions: list[str] = field(default_factory=list)
    before: CheckReport | None = None
    after: CheckReport | None = None


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _owner(rels_part: str) -> str:
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Plan:
    """What the copy changes, worked out from the check's findings."""

    def __init__(self, package: Package, report: CheckReport, found: Survey):
        from xlfuncs.excel.registry import functions

        self.package = package
        self.survey = found
        self.registry = list(functions())
        self.addin_links = package.addin_links
        self.removed: set[str] = set(package.macro_parts)
        self.removed.update(link.part for link in package.external_links)
        self.custom_xml = parts_to_drop(found)
        self.removed.update(self.custom_xml)
        self.removed.update(_rels_name(p) for p in list(self.removed))
        self.unhide = {f.where for f in report.findings if f.kind == "hidden-sheet"}
        self.unhide_cells = {f.where for f in report.findings if f.kind == "hidden-cells"}
        self.blank: dict[str, set[str]] = {title: set(refs) for title, refs in found.personal.items()}
        self.suppress: dict[str, set[str]] = {}
        for finding in report.findings:
            if finding.kind == "small-count":
                sheet, _, ref = finding.where.rpartition("!")
                self.suppress.setdefault(sheet, set()).add(ref)
        self.dropped_rids: dict[str, set[str]] = {}  # owner part -> relationship ids dropped
        self.counts = {
            "plain": 0, "broken": 0, "blanked": 0, "suppressed": 0, "names": 0, "values": 0,
            "strings": 0, "links": 0,
        }  # fmt: skip

    # -- relationships and content types

    def rels(self, name: str, data: bytes) -> bytes:
        owner = _owner(name)
        root = parse_xml(data, name)
        for rel in list(root.iter(f"{{{NS_PKG_REL}}}Relationship")):
            if rel.get("TargetMode") == "External":
                if personal_target(self.survey, rel.get("Target", "")):
                    # a hyperlink to mailto:jane.smith@... or to C:\Cases\C1001.docx
                    self.dropped_rids.setdefault(owner, set()).add(rel.get("Id"))
                    root.remove(rel)
                    self.counts["links"] += 1
                continue
            if resolve(owner, rel.get("Target", "")) in self.removed:
                self.dropped_rids.setdefault(owner, set()).add(rel.get("Id"))
                root.remove(rel)
        return _serialise(root)

    def content_types(self, data: bytes) -> bytes:
        root = parse_xml(data, "[Content_Types].xml")
        for override in list(root.iter(f"{{{NS_CT}}}Override")):
            if (override.get("PartName") or "").lstrip("/") in self.removed:
                root.remove(override)
            elif override.get("ContentType") == MACRO_MAIN:
                override.set("ContentType", PLAIN_MAIN)
            elif override.get("ContentType") == MACRO_TEMPLATE:
                override.set("ContentType", PLAIN_TEMPLATE)
        for default in list(root.iter(f"{{{NS_CT}}}Default")):
            if default.get("ContentType") == VBA_CONTENT and self.removed & set(self.package.macro_parts):
                root.remove(default)  # no part is a VBA project any more
        return _serialise(root)

    def _drop_dangling(self, owner: str, root: etree._Element) -> None:
        """Elements pointing (r:id) at a relationship that was dropped."""
        dropped = self.dropped_rids.get(owner, set())
        if not dropped:
            return
        for element in list(root.iter()):
            if not isinstance(element.tag, str):
                continue
            if any(k.startswith(f"{{{NS_REL}}}") and v in dropped for k, v in element.attrib.items()):
                parent = element.getparent()
                if parent is None:
                    continue
                parent.remove(element)
                while parent is not None and parent.tag in _CONTAINERS and len(parent) == 0:
                    grand = parent.getparent()
                    if grand is None:
                        break
                    grand.remove(parent)
                    parent = grand
                # an AlternateContent whose choice is now empty goes too
                node = parent
                while node is not None and node.tag in (f"{{{NS_MC}}}Choice", f"{{{NS_MC}}}Fallback"):
                    holder = node.getparent()
                    if len(node) == 0 and holder is not None:
                        holder.remove(node)
                    node = holder
                if node is not None and node.tag == f"{{{NS_MC}}}AlternateContent" and len(node) == 0:
                    node.getparent().remove(node)

    # -- workbook.xml

    def workbook(self, data: bytes) -> bytes:
        root = parse_xml(data, "xl/workbook.xml")
        sheets = root.find(f"{{{NS_MAIN}}}sheets")
        dropped = self.dropped_rids.get("xl/workbook.xml", set())
        removed_positions = []
        if sheets is not None:
            for position, sheet in enumerate(list(sheets)):
                if sheet.get(f"{{{NS_REL}}}id") in dropped:
                    removed_positions.append(position)
                    sheets.remove(sheet)
                elif sheet.get("name") in self.unhide:
                    sheet.attrib.pop("state", None)
        names = root.find(f"{{{NS_MAIN}}}definedNames")
        if names is not None:
            for name in list(names):
                local = name.get("localSheetId")
                if local is not None and local.isdigit():
                    index = int(local)
                    if index in removed_positions:
                        names.remove(name)
                        continue
                    name.set("localSheetId", str(index - sum(p < index for p in removed_positions)))
                text = name.text or ""
                fixed = plain_names(text, self.registry, self.addin_links)
                if external_books(fixed):
                    names.remove(name)
                    self.counts["names"] += 1
                    continue
                if fixed != text:
                    name.text = fixed
            if len(names) == 0:
                root.remove(names)
        refs = root.find(f"{{{NS_MAIN}}}externalReferences")
        if refs is not None:
            root.remove(refs)
        if removed_positions:
            for view in root.iter(f"{{{NS_MAIN}}}workbookView"):
                for attr in ("activeTab", "firstSheet"):
                    if (view.get(attr) or "0").isdigit() and int(view.get(attr) or 0) >= len(sheets):
                        view.set(attr, "0")
        self._drop_dangling("xl/workbook.xml", root)
        clean_part(self.survey, "xl/workbook.xml", root)
        if self.counts["values"]:
            # formulas that lost their last values are computed again when the file is opened
            calc = root.find(f"{{{NS_MAIN}}}calcPr")
            if calc is None:
                calc = etree.SubElement(root, f"{{{NS_MAIN}}}calcPr")
                _place_calc(root, calc)
            calc.set("fullCalcOnLoad", "1")
        return _serialise(root)

    # -- shared strings

    def shared_strings(self, data: bytes, sheets: dict[str, etree._Element]) -> bytes:
        """The table rebuilt from the cells that remain; their indexes renumbered."""
        root = parse_xml(data, SHARED_STRINGS)
        total = sum(1 for child in root if child.tag == f"{{{NS_MAIN}}}si")
        order: dict[int, int] = {}
        references = 0
        for sheet in sheets.values():
            for cell in sheet.iter(_C):
                if cell.get("t") != "s":
                    continue
                value = cell.find(_V)
                if value is None or not (value.text or "").strip().isdigit():
                    continue
                old = int(value.text or 0)
                if old >= total:
                    continue
                references += 1
                value.text = str(order.setdefault(old, len(order)))
        self.counts["strings"] = total - len(order)
        strip = personal_phonetics(self.survey)
        return _serialise(rebuild_shared_strings(root, list(order), strip, references))

    # -- worksheets

    def worksheet(self, name: str, title: str, data: bytes) -> etree._Element:
        root = parse_xml(data, name)
        blank = self.blank.get(title, set())
        suppress = self.suppress.get(title, set())
        broken_groups: set[str] = set()
        cells = list(root.iter(_C))
        for cell in cells:  # masters of shared formulas come before their followers
            formula = cell.find(_F)
            if formula is None:
                continue
            text = formula.text or ""
            if text:
                fixed = plain_names(text, self.registry, self.addin_links)
                if fixed != text:
                    formula.text = fixed
                    self.counts["plain"] += 1
                if external_books(fixed):
                    if formula.get("t") == "shared" and formula.get("si") is not None:
                        broken_groups.add(formula.get("si"))
                    self._keep_value(cell)
                    self.counts["broken"] += 1
                    continue
            elif formula.get("t") == "shared" and formula.get("si") in broken_groups:
                self._keep_value(cell)
                self.counts["broken"] += 1
        for cell in cells:
            ref = cell.get("r")
            if ref in blank:
                if cell.find(_F) is not None:
                    self._drop_value(cell)
                else:
                    self._clear(cell)
                self.counts["blanked"] += 1
            elif ref in suppress:
                self._clear(cell)
                cell.set("t", "inlineStr")
                inline = etree.SubElement(cell, _IS)
                etree.SubElement(inline, _T).text = "c"
                self.counts["suppressed"] += 1
        self._drop_dangling(name, root)
        worksheets.clean(self.survey, name, root, unhide=title in self.unhide_cells)
        return root

    def _drop_value(self, cell: etree._Element) -> None:
        """Keep the formula, lose its last value (and take personal data out of its strings)."""
        formula = cell.find(_F)
        if formula is not None and formula.text:
            for match in reversed(literal_matches(formula.text, self.survey.identifiers)):
                formula.text = formula.text[: match.start] + formula.text[match.end :]
        for child in list(cell):
            if child.tag in (_V, _IS):
                cell.remove(child)
        cell.attrib.pop("t", None)
        self.counts["values"] += 1

    @staticmethod
    def _clear(cell: etree._Element) -> None:
        for child in list(cell):
            cell.remove(child)
        cell.attrib.pop("t", None)

    @staticmethod
    def _keep_value(cell: etree._Element) -> None:
        """Drop the formula, keep its last value as a constant (Excel's "Break links")."""
        formula = cell.find(_F)
        if formula is not None:
            cell.remove(formula)
        value = cell.find(_V)
        if cell.get("t") == "str":
            text = "" if value is None else (value.text or "")
            if value is not None:
                cell.remove(value)
            cell.set("t", "inlineStr")
            inline = etree.SubElement(cell, _IS)
            etree.SubElement(inline, _T).text = text


def _describe(plan: _Plan, package: Package, report: CheckReport) -> list[str]:
    actions = []
    macros = sorted(p for p in package.macro_parts)
    if macros:
        actions.append(f"dropped macros: {', '.join(macros)}")
    for link in package.external_links:
        what = "add-in link" if link.is_addin else "link to another workbook"
        actions.append(f"dropped the {what} {link.target or link.part}")
    if plan.counts["plain"]:
        actions.append(f"normalised {plan.counts['plain']} formulas calling add-in functions to plain function names")
    if plan.counts["broken"]:
        actions.append(f"replaced {plan.counts['broken']} formulas reading other workbooks with their last values")
    if plan.counts["names"]:
        actions.append(f"dropped {plan.counts['names']} defined names pointing into other workbooks")
    for title in sorted(plan.unhide):
        actions.append(f'made the hidden sheet "{title}" visible')
    if plan.counts["blanked"]:
        where = ", ".join(sorted(f.where for f in report.findings if f.kind == "personal-data")[:6])
        more = "..." if plan.counts["blanked"] > 6 else ""
        actions.append(f"blanked {plan.counts['blanked']} cells of personal data ({where}{more})")
    if plan.counts["suppressed"]:
        where = ", ".join(sorted(f.where for f in report.findings if f.kind == "small-count")[:6])
        more = "..." if plan.counts["suppressed"] > 6 else ""
        actions.append(f'replaced {plan.counts["suppressed"]} counts from 1 to 5 with "c" ({where}{more})')
    if plan.counts["values"]:
        actions.append(
            f"dropped the last values of {plan.counts['values']} formulas holding personal data "
            "(the formulas are kept; the workbook recalculates when opened)"
        )
    for title in sorted(plan.unhide_cells):
        actions.append(f'made the hidden rows and columns of "{title}" visible')
    if plan.counts["strings"]:
        actions.append(f"rebuilt the shared-strings table without the {plan.counts['strings']} strings no cell uses any more")
    if plan.counts["links"]:
        actions.append(f"dropped {plan.counts['links']} hyperlinks whose address held personal data")
    for part in sorted(plan.custom_xml):
        if plan.survey.kind(part) == "custom-xml":
            actions.append(f"dropped the custom XML item {part} (and its properties)")
    authors = sorted({f.where.split(":")[0] for f in report.findings if f.kind == "author"})
    if authors:
        actions.append(f"cleared the authors' names ({', '.join(authors)})")
    text = sorted({f.where.split(":")[0] for f in report.findings if f.kind == "personal-text"} - plan.custom_xml)
    if text:
        shown = ", ".join(text[:6]) + ("..." if len(text) > 6 else "")
        actions.append(f"took personal data out of {len(text)} places outside the cells ({shown})")
    return actions


def _place_calc(root: etree._Element, calc: etree._Element) -> None:
    """Put a new ``<calcPr>`` where the schema wants it: after definedNames (or sheets)."""
    root.remove(calc)
    anchor = None
    for tag in ("definedNames", "externalReferences", "sheets"):
        anchor = root.find(f"{{{NS_MAIN}}}{tag}")
        if anchor is not None:
            break
    if anchor is None:
        root.append(calc)
    else:
        anchor.addnext(calc)


def _other_part(plan: _Plan, name: str, data: bytes) -> bytes:
    """A part that is neither a worksheet, the workbook, the shared strings nor a
    relationship: its personal data and authors taken out, dangling pointers dropped."""
    try:
        root = parse_xml(data, name)
    except WorkbookError:
        redacted = redact_raw(data, plan.survey.identifiers)
        return data if redacted == data.decode("utf-8", "replace").encode("utf-8") else redacted
    changed = bool(plan.dropped_rids.get(name))
    plan._drop_dangling(name, root)
    cleaned = clean_part(plan.survey, name, root)
    return _serialise(root) if (changed or cleaned) else data


def fix_workbook(source: str | Path, target: str | Path) -> FixResult:
    """Write a cleaned copy of ``source`` to ``target`` and check the copy."""
    source, target = Path(source), Path(target)
    if target.suffix.lower() != ".xlsx":
        raise WorkbookError(f"{target}: the cleaned copy is a plain workbook: give it an .xlsx name")
    refuse_overwrite(source, target)
    package = read_package(source)
    with zipfile.ZipFile(source) as src:
        found = survey(package, src)
        before = report_on(package, found)
        plan = _Plan(package, before, found)
        contents = _cleaned_parts(plan, src)
        with atomic_path(target) as temp:
            with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as out:
                for info in src.infolist():
                    if info.filename in contents:
                        out.writestr(info, contents[info.filename])
    result = FixResult(source, target, before=before)
    result.actions = _describe(plan, package, before)
    result.after = report_on(read_package(target))
    return result


def _cleaned_parts(plan: _Plan, src: zipfile.ZipFile) -> dict[str, bytes]:
    """Every part the copy keeps, cleaned: part name -> bytes."""
    package = plan.package
    sheet_titles = {part: title for title, part in package.sheets.items()}
    infos = [i for i in src.infolist() if i.filename not in plan.removed]
    text = set(text_parts(plan.survey))
    # relationships first: the parts that point at dropped ones need their ids
    out = {i.filename: plan.rels(i.filename, src.read(i)) for i in infos if i.filename.endswith(".rels")}
    sheets = {
        i.filename: plan.worksheet(i.filename, sheet_titles[i.filename], src.read(i))
        for i in infos
        if i.filename in sheet_titles and plan.survey.kind(i.filename) == "worksheet"
    }
    names = {i.filename for i in infos}
    if SHARED_STRINGS in names:  # renumbers the sheets' string cells: before they are written
        out[SHARED_STRINGS] = plan.shared_strings(src.read(SHARED_STRINGS), sheets)
    for info in infos:
        name = info.filename
        if name in out:
            continue
        if name in sheets:
            out[name] = _serialise(sheets[name])
        elif name == "[Content_Types].xml":
            out[name] = plan.content_types(src.read(info))
        elif name == "xl/workbook.xml":
            out[name] = plan.workbook(src.read(info))
        elif name in text or plan.dropped_rids.get(name):
            out[name] = _other_part(plan, name, src.read(info))
        else:
            out[name] = src.read(info)
    return out
