"""What a check needs to know about a whole package before it reads any one part.

A part's meaning comes from its content type (``[Content_Types].xml``) and from the
relationships that point at it, not from its file name: Excel writes ``xl/comments1.xml``,
openpyxl ``xl/comments/comment1.xml``. The survey reads those once, then every cell
(:mod:`xlfuncs.check.cells`), the cells that are personal data by their labels
(:mod:`xlfuncs.check.personal`), and from them and from the file's authors and pivot caches
the personal values the rest of the package is searched for
(:class:`xlfuncs.check.identifiers.Identifiers`).
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from xlfuncs.check.cells import Cell, read_cells
from xlfuncs.check.identifiers import Identifiers
from xlfuncs.check.personal import find_personal
from xlfuncs.xlsx.package import NS_PKG_REL, Package, WorkbookError, parse_xml

NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
_MS = "application/vnd.ms-excel."
#: Content type -> the kind of part the check reads it as.
CONTENT_KINDS = {
    _SML + "worksheet+xml": "worksheet",
    _SML + "chartsheet+xml": "chartsheet",
    _SML + "dialogsheet+xml": "chartsheet",  # headers, footers and nothing else of ours
    _SML + "sharedStrings+xml": "shared-strings",
    _SML + "comments+xml": "comments",
    _MS + "threadedcomments+xml": "threaded-comments",
    _MS + "person+xml": "persons",
    "application/vnd.openxmlformats-officedocument.drawingml.chart+xml": "chart",
    "application/vnd.ms-office.chartex+xml": "chart",
    _SML + "pivotCacheDefinition+xml": "pivot-cache",
    _SML + "pivotCacheRecords+xml": "pivot-records",
    _SML + "externalLink+xml": "external-link",
    "application/vnd.openxmlformats-package.core-properties+xml": "core-properties",
    "application/vnd.openxmlformats-officedocument.extended-properties+xml": "app-properties",
    "application/vnd.openxmlformats-officedocument.custom-properties+xml": "custom-properties",
    _SML + "sheet.main+xml": "workbook",
    _MS + "sheet.macroEnabled.main+xml": "workbook",
    _SML + "template.main+xml": "workbook",
    _MS + "template.macroEnabled.main+xml": "workbook",
    _MS + "addin.macroEnabled.main+xml": "workbook",
}
CUSTOM_XML_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
AUTHOR = "an author's name"


@dataclass(frozen=True)
class Relationship:
    owner: str  # the part the relationship belongs to ("" for the package itself)
    rid: str
    type: str
    target: str  # a part name, or the target as written when external
    external: bool


@dataclass
class Survey:
    """A package, its cells and the personal values known in it."""

    package: Package
    archive: zipfile.ZipFile
    content_types: dict[str, str] = field(default_factory=dict)
    relationships: list[Relationship] = field(default_factory=list)
    cells: dict[str, dict[tuple[int, int], Cell]] = field(default_factory=dict)
    used_strings: set[int] = field(default_factory=set)
    identifiers: Identifiers = field(default_factory=Identifiers)
    #: sheet title -> A1 -> why, for every cell that is personal data (blanked by --fix)
    personal: dict[str, dict[str, str]] = field(default_factory=dict)
    #: pivot cache definition part -> positions of its fields that hold personal data
    pivot_fields: dict[str, set[int]] = field(default_factory=dict)
    _owners: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _custom_xml: set[str] = field(default_factory=set, repr=False)

    def index(self) -> None:
        """Index the relationships by target (called once they are read)."""
        self._owners = {}
        for r in self.relationships:
            if not r.external:
                self._owners.setdefault(r.target, []).append(r.owner)
        self._custom_xml = {r.target for r in self.relationships if r.type == CUSTOM_XML_TYPE}

    @property
    def sheet_titles(self) -> dict[str, str]:
        """Worksheet part -> sheet title."""
        return {part: title for title, part in self.package.sheets.items()}

    def kind(self, part: str) -> str | None:
        """What the check reads ``part`` as (see :data:`CONTENT_KINDS`)."""
        if part in self._custom_xml:
            return "custom-xml"
        return CONTENT_KINDS.get(self.content_types.get(part, ""))

    def owners(self, part: str) -> list[str]:
        """The parts that point at ``part``."""
        return self._owners.get(part, [])

    def targets(self, owner: str, kind_suffix: str = "") -> list[str]:
        """The parts ``owner`` points at (whose relationship type ends with ``kind_suffix``)."""
        return [
            r.target for r in self.relationships
            if r.owner == owner and not r.external and r.type.endswith(kind_suffix)
        ]  # fmt: skip

    def sheet_of(self, part: str) -> str:
        """The title of the sheet a part belongs to (a comments part, a drawing's chart), or ""."""
        titles = self.sheet_titles
        seen = {part}
        queue = [part]
        while queue:
            current = queue.pop(0)
            if current in titles:
                return titles[current]
            for owner in self.owners(current):
                if owner not in seen:
                    seen.add(owner)
                    queue.append(owner)
        return ""

    def blank_cells(self, sheet: str) -> set[str]:
        return set(self.personal.get(sheet, {}))

    def read(self, part: str) -> etree._Element:
        return parse_xml(self.archive.read(part), part)


def _content_types(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    part = "[Content_Types].xml"
    if part not in names:
        return {}
    root = parse_xml(archive.read(part), part)
    defaults = {
        (d.get("Extension") or "").lower(): d.get("ContentType") or ""
        for d in root.iter(f"{{{NS_CT}}}Default")
    }
    overrides = {
        (o.get("PartName") or "").lstrip("/"): o.get("ContentType") or ""
        for o in root.iter(f"{{{NS_CT}}}Override")
    }
    out = {}
    for name in names:
        if name in overrides:
            out[name] = overrides[name]
        else:
            out[name] = defaults.get(posixpath.splitext(name)[1].lstrip(".").lower(), "")
    return out


def rels_owner(rels_part: str) -> str:
    """The part a ``.rels`` part belongs to ("" for the package's own ``_rels/.rels``)."""
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")]).lstrip("/")


def resolve(owner: str, target: str) -> str:
    """The part a relationship of ``owner`` points at. A path climbing above the package's
    root stops there (LibreOffice writes ``../customXml/item1.xml`` from the root)."""
    if target.startswith("/"):
        return target.lstrip("/")
    path = posixpath.normpath(posixpath.join(posixpath.dirname(owner), target))
    while path.startswith("../"):
        path = path[3:]
    return path


def _relationships(archive: zipfile.ZipFile, names: set[str]) -> list[Relationship]:
    out = []
    for name in sorted(names):
        if not name.endswith(".rels"):
            continue
        owner = rels_owner(name)
        try:
            root = parse_xml(archive.read(name), name)
        except WorkbookError:
            continue
        for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
            target = rel.get("Target") or ""
            external = rel.get("TargetMode") == "External"
            out.append(
                Relationship(
                    owner, rel.get("Id") or "", rel.get("Type") or "",
                    target if external else resolve(owner, target), external,
                )
            )  # fmt: skip
    return out


def survey(package: Package, archive: zipfile.ZipFile) -> Survey:
    """Read what every part's check needs: content types, relationships, cells, and the
    personal values known from the cells, the authors and the pivot caches."""
    from xlfuncs.check import authors, pivots
    from xlfuncs.check.personal import find_in_text

    names = set(package.members)
    found = Survey(package, archive)
    found.content_types = _content_types(archive, names)
    found.relationships = _relationships(archive, names)
    found.index()
    found.cells = read_cells(package, found.used_strings)
    for title, sheet in found.cells.items():
        for cell, why in find_personal(sheet):
            found.personal.setdefault(title, {})[cell.ref] = why
            found.identifiers.add_found(cell.value, _kind_of(why))
    for name in authors.names(found):
        found.identifiers.add(name, AUTHOR)
    pivots.learn(found)
    for title, sheet in found.cells.items():
        marked = found.personal.setdefault(title, {})
        for cell, why in list(find_in_text(sheet, found.identifiers, marked)):
            marked[cell.ref] = why
    return found


def _kind_of(why: str) -> str:
    """The kind of data in a finding's reason: "child identifiers" from
    'in a column labelled "CHILD" (child identifiers)'."""
    if why.endswith(")") and "(" in why:
        return why[why.rindex("(") + 1 : -1]
    return why.replace("shaped like a ", "")
