"""Opening an .xlsx package safely before any engine parses it.

Templates travel between councils by email: a file may not be a workbook, may be encrypted,
may be a zip bomb or carry XML entities, may link to other workbooks. Each gives a
:class:`WorkbookError` with one clear line, in bounded time and memory, before openpyxl or the
formula engine reads anything.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

#: Limits that keep a hostile package from exhausting memory.
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 20_000

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
#: What marks an external link as pointing at an add-in rather than a workbook with data.
ADDIN_SUFFIXES = (".xlam", ".xla", ".xll")

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class WorkbookError(Exception):
    """A workbook that cannot be recalculated, with a message for the user."""


@dataclass
class ExternalLink:
    index: int  # the n in [n]Sheet!A1 or [n]!NAME(
    part: str
    target: str

    @property
    def is_addin(self) -> bool:
        name = self.target.replace("\\", "/").rsplit("/", 1)[-1].lower()
        return name.endswith(ADDIN_SUFFIXES)


@dataclass
class Package:
    """What is inside an .xlsx, read without trusting it."""

    path: Path
    sheets: dict[str, str] = field(default_factory=dict)  # sheet title -> part name
    external_links: list[ExternalLink] = field(default_factory=list)
    has_macros: bool = False
    members: list[str] = field(default_factory=list)

    @property
    def addin_links(self) -> set[int]:
        return {link.index for link in self.external_links if link.is_addin}

    @property
    def workbook_links(self) -> list[ExternalLink]:
        return [link for link in self.external_links if not link.is_addin]


def parse_xml(data: bytes, part: str) -> etree._Element:
    if _DOCTYPE.search(data[:4096]) or _DOCTYPE.search(data):
        raise WorkbookError(f"{part} declares a DOCTYPE or entities; refusing to read it")
    try:
        return etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"{part} is not well-formed XML: {exc}") from None


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in archive.namelist():
        return {}
    root = parse_xml(archive.read(rels_part), rels_part)
    out = {}
    for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External" and not target.startswith("/"):
            target = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", ""), target.lstrip("/"))
    return out


def open_package(path: str | Path) -> Package:
    """Check ``path`` is a safe, readable .xlsx and list its sheets and external links."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"{path}: no such file")
    if not path.is_file():
        raise WorkbookError(f"{path}: not a file")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE_MAGIC:
        raise WorkbookError(
            f"{path}: password-protected (encrypted) or an old .xls file; "
            "save it from Excel as an unprotected .xlsx"
        )
    if not zipfile.is_zipfile(path):
        raise WorkbookError(f"{path}: not an .xlsx workbook (not a zip package)")
    package = Package(path=path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise WorkbookError(f"{path}: {len(infos):,} parts is too many for a workbook")
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if total > MAX_UNCOMPRESSED or (total > 10_000_000 and total / packed > MAX_RATIO):
                raise WorkbookError(
                    f"{path}: expands to {total / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB; "
                    "refusing a possible zip bomb"
                )
            names = [info.filename for info in infos]
            package.members = names
            if "xl/workbook.xml" not in names:
                raise WorkbookError(f"{path}: not an .xlsx workbook (no xl/workbook.xml)")
            package.has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
            for name in names:
                if name.endswith((".xml", ".rels", ".vml")):
                    with archive.open(name) as member:
                        data = member.read(MAX_UNCOMPRESSED)
                    if _DOCTYPE.search(data):
                        raise WorkbookError(
                            f"{path}: part {name} declares a DOCTYPE or entities; refusing it"
                        )
            workbook = parse_xml(archive.read("xl/workbook.xml"), "xl/workbook.xml")
            rels = _rels(archive, "xl/workbook.xml")
            for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
                rid = sheet.get(f"{{{NS_REL}}}id")
                if rid in rels:
                    package.sheets[sheet.get("name")] = rels[rid][1]
            for index, ref in enumerate(workbook.iter(f"{{{NS_MAIN}}}externalReference"), 1):
                rid = ref.get(f"{{{NS_REL}}}id")
                if rid not in rels:
                    continue
                part = rels[rid][1]
                target = ""
                for _type, link_target in _rels(archive, part).values():
                    target = link_target
                package.external_links.append(ExternalLink(index, part, target))
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"{path}: corrupt .xlsx package ({exc})") from None
    return package
