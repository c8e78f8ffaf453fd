"""Opening an .xlsx package safely before any engine parses it.

Templates travel between councils by email: a file may not be a workbook, may be encrypted,
may be a zip bomb or carry XML entities, may link to other workbooks. Each gives a
:class:`WorkbookError` with one clear line, in bounded time and memory, before openpyxl or the
formula engine reads anything.

Two entry points:

* :func:`read_package` lists what is inside (sheets and their visibility, defined names,
  external links, formulas that reach into other workbooks, macro parts) for ``xlfuncs check``;
* :func:`open_package` does the same and also refuses what the formula engine cannot evaluate
  in bounded time (a range reaching millions of cells), for recalculation.

Every XML part is scanned for DOCTYPE and ENTITY declarations in fixed-size chunks, so the
memory used does not grow with a part's size.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from xlfuncs.xlsx.refs import col_index, col_letters
from xlfuncs.xlsx.shared_strings import item_text
from xlfuncs.xlsx.xml import (  # noqa: F401  (the package's names, read from here too)
    DOCTYPE,
    NS_MAIN,
    NS_PKG_REL,
    NS_REL,
    SAFE_PARSER,
    WorkbookError,
    parse_xml,
)

#: Limits that keep a hostile package from exhausting memory.
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 20_000
#: Cells that the formulas of one workbook may reach through ranges (after clipping each range
#: to the cells its sheet really has). The engine visits every position of a range: a formula
#: such as =SUM(A1:XFD1048576) would otherwise run for hours.
MAX_REFERENCED_CELLS = 1_048_576


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20
#: Parts that are binary by design (images, OLE objects, printer settings): not XML.
_BINARY_SUFFIXES = (
    ".bin", ".png", ".jpeg", ".jpg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf",
    ".wdp", ".jfif", ".ico", ".odttf", ".fntdata", ".mp3", ".mp4", ".wav",
)  # fmt: skip
#: What marks an external link as pointing at an add-in rather than a workbook with data.
ADDIN_SUFFIXES = (".xlam", ".xla", ".xll")
#: Parts that carry macros: VBA projects, Excel 4 macro sheets, ActiveX controls.
MACRO_PARTS = re.compile(
    r"(vbaProject\.bin|vbaProjectSignature|vbaData\.xml|^xl/macrosheets/|^xl/activeX/|"
    r"^xl/dialogsheets/)",
    re.IGNORECASE,
)



@dataclass
class ExternalLink:
    index: int  # the n in [n]Sheet!A1 or [n]!NAME(; 0 for a workbook named inside a formula
    part: str  # the externalLink part, or "Sheet!A1" for a workbook named inside a formula
    target: str

    @property
    def is_addin(self) -> bool:
        name = self.target.replace("\\", "/").rsplit("/", 1)[-1].lower()
        return name.endswith(ADDIN_SUFFIXES)


@dataclass
class ExternalReference:
    """A formula (or defined name) that reaches into another workbook."""

    where: str  # "Sheet!A1" or "name Foo"
    formula: str
    book: str  # "1" for [1]..., or the file named in the formula
    link: ExternalLink | None = None  # the package's link, when ``book`` is an index

    @property
    def is_addin(self) -> bool:
        return self.link is not None and self.link.is_addin


@dataclass
class Package:
    """What is inside an .xlsx, read without trusting it."""

    path: Path
    sheets: dict[str, str] = field(default_factory=dict)  # sheet title -> part name
    sheet_states: dict[str, str] = field(default_factory=dict)  # "visible", "hidden", "veryHidden"
    external_links: list[ExternalLink] = field(default_factory=list)
    external_references: list[ExternalReference] = field(default_factory=list)
    defined_names: list[tuple[str, str]] = field(default_factory=list)  # (name, formula text)
    has_macros: bool = False
    macro_parts: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    referenced_cells: int = 0
    largest_reference: tuple[str, str, int] | None = None  # (where, range, cells)

    @property
    def addin_links(self) -> set[int]:
        return {link.index for link in self.external_links if link.is_addin}

    @property
    def workbook_links(self) -> list[ExternalLink]:
        """Links to other workbooks: link parts, and workbooks named directly in formulas."""
        links = [link for link in self.external_links if not link.is_addin]
        known = {link.index for link in self.external_links}
        for ref in self.external_references:
            if ref.link is None and not (ref.book.isdigit() and int(ref.book) in known):
                links.append(ExternalLink(0, ref.where, ref.book))
        return links


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


def _scan_for_doctype(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part declares a DOCTYPE or entities, read in chunks (UTF-16 parts decoded)."""
    with archive.open(info) as member:
        first = member.read(_CHUNK)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or first[:2] in (
            b"<\x00",
            b"\x00<",
        ):
            encoding = "utf-16-be" if first[:2] in (codecs.BOM_UTF16_BE, b"\x00<") else "utf-16-le"
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

            def text(chunk: bytes) -> bytes:
                return decoder.decode(chunk).encode("utf-8", "replace")
        else:

            def text(chunk: bytes) -> bytes:
                return chunk

        tail = b""
        chunk = first
        while chunk:
            window = tail + text(chunk)
            if DOCTYPE.search(window):
                return True
            tail = window[-16:]
            chunk = member.read(_CHUNK)
    return False


def is_xml_part(name: str) -> bool:
    """Whether a part is XML (not an image, OLE object or printer settings)."""
    return not name.endswith("/") and not name.lower().endswith(_BINARY_SUFFIXES)


# --- cells -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellRecord:
    """One ``<c>`` element of a worksheet part, as stored."""

    ref: str
    type: str | None  # the t attribute: s, str, inlineStr, b, e, n or None
    style: int
    formula: str | None  # None when the cell has no formula; "" for a shared formula's follower
    formula_type: str | None  # "shared", "array", "dataTable" or None
    formula_ref: str | None  # the ref attribute of an array or shared formula
    shared_index: str | None  # the si attribute of a shared formula
    value: str | None  # the text of <v>
    inline: str | None  # the text of an inline string


def iter_cells(archive: zipfile.ZipFile, part: str) -> Iterator[CellRecord]:
    """Every cell of a worksheet part, streamed: memory does not grow with the sheet.

    The part must already have been scanned for DOCTYPE (see :func:`read_package`).
    """
    c_tag, f_tag, v_tag, is_tag = (f"{{{NS_MAIN}}}{t}" for t in ("c", "f", "v", "is"))
    with archive.open(part) as stream:
        try:
            for _event, cell in etree.iterparse(
                stream,
                events=("end",),
                tag=c_tag,
                resolve_entities=False,
                no_network=True,
                huge_tree=False,
            ):
                formula = cell.find(f_tag)
                value = cell.find(v_tag)
                inline = cell.find(is_tag)
                style = cell.get("s")
                yield CellRecord(
                    ref=(cell.get("r") or "").replace("$", ""),
                    type=cell.get("t"),
                    style=int(style) if style and style.isdigit() else 0,
                    formula=None if formula is None else (formula.text or ""),
                    formula_type=None if formula is None else formula.get("t"),
                    formula_ref=None if formula is None else formula.get("ref"),
                    shared_index=None if formula is None else formula.get("si"),
                    value=None if value is None else (value.text or ""),
                    inline=None if inline is None else item_text(inline),
                )
                # Drop what has been read so memory stays flat on a large sheet.
                cell.clear(keep_tail=False)
                row = cell.getparent()
                if row is not None:
                    while cell.getprevious() is not None:
                        del row[0]
                    data = row.getparent()
                    if data is not None:
                        while row.getprevious() is not None:
                            del data[0]
        except etree.XMLSyntaxError as exc:
            raise WorkbookError(f"{part} is not well-formed XML: {exc}") from None


# --- references in formulas --------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"]|"")*"')
#: [book]Sheet!  '[book]Sheet'!  'C:\dir\[book]Sheet'!  [1]!Name  (structured table references
#: such as Table1[Column] are not followed by "!").
_EXTERNAL = re.compile(
    r"'(?:[^'\[]|'')*\[(?P<quoted>[^\[\]]+)\](?:[^']|'')*'!|\[(?P<book>[^\[\]]+)\][\w.]*!"
)
_COL = r"\$?[A-Za-z]{1,3}"
_ROW = r"\$?\d{1,7}"
_RANGE = re.compile(
    rf"(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_\u00c0-\uffff][\w.\u00c0-\uffff]*)!)?"
    rf"(?<![\w.$])(?P<a>{_COL}{_ROW}|{_COL}|{_ROW}):(?P<b>{_COL}{_ROW}|{_COL}|{_ROW})(?![\w(])"
)
_CELL_PARTS = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")
_MAX_ROW, _MAX_COL = 1_048_576, 16_384


def _outside_strings(formula: str) -> str:
    """The formula with string literals blanked, except in formulas using INDIRECT: the engine
    resolves a text reference given to INDIRECT when it loads the workbook."""
    if "INDIRECT" in formula.upper():
        return formula
    return _STRING.sub('""', formula)


def external_books(formula: str) -> list[str]:
    """The other workbooks a formula names: link indexes ("1") or file names.

    >>> external_books("=[1]Data!A1+'C:\\\\x\\\\[rates.xlsx]Rates'!B2")
    ['1', 'rates.xlsx']
    >>> external_books('=SUM(Table1[Cost])+LEN("[a]b!")')
    []
    """
    found = []
    for match in _EXTERNAL.finditer(_outside_strings(formula)):
        book = (match.group("quoted") or match.group("book")).strip()
        if book and book not in found and not book.startswith("#"):
            found.append(book)
    return found


def _corner(text: str) -> tuple[int | None, int | None]:
    match = _CELL_PARTS.match(text)
    if not match:
        return None, None
    col, row = match.groups()
    return (int(row) if row else None), (col_index(col) if col else None)


def _fixed(a: str, b: str, rows: bool) -> bool:
    """Whether a range keeps its rows (or columns) when its formula is copied: both corners
    anchored with "$", or a whole column (whole row) that has none."""
    pattern = re.compile(r"\$\d" if rows else r"^\$[A-Za-z]")
    present = re.compile(r"\d" if rows else r"[A-Za-z]")
    if not present.search(a) and not present.search(b):
        return True
    return bool(pattern.search(a)) and bool(pattern.search(b))


def ranges_with_anchors(formula: str) -> list[tuple[str | None, int, int, int, int, bool, bool]]:
    """:func:`ranges_in`, each with whether its rows and its columns stay put when the formula
    is copied (see :func:`_fixed`)."""
    out = []
    for match in _RANGE.finditer(_outside_strings(formula)):
        a, b = match.group("a"), match.group("b")
        (r1, c1), (r2, c2) = _corner(a), _corner(b)
        if (r1 is None) != (r2 is None) or (c1 is None) != (c2 is None):
            continue  # not a range after all (e.g. A1:3)
        if r1 is None and c1 is None:
            continue
        # each pair is both None or both set (checked above): a missing pair is the whole span
        if r1 is None or r2 is None:
            r1, r2 = 1, _MAX_ROW
        if c1 is None or c2 is None:
            c1, c2 = 1, _MAX_COL
        sheet = match.group("sheet")
        if sheet and sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        if "[" in (sheet or ""):
            continue
        out.append(
            (sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2), _fixed(a, b, True), _fixed(a, b, False))
        )
    return out


def ranges_in(formula: str) -> list[tuple[str | None, int, int, int, int]]:
    """Ranges named in a formula: (sheet or None, first row, first column, last row, last column).

    Whole columns and rows run to the sheet's edge.

    >>> ranges_in("=SUM(A1:B3)+'My data'!C:C")
    [(None, 1, 1, 3, 2), ('My data', 1, 3, 1048576, 3)]
    """
    return [r[:5] for r in ranges_with_anchors(formula)]


# --- the package -------------------------------------------------------------------------


def _check_file(path: Path) -> None:
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
    if not head:
        raise WorkbookError(f"{path}: empty file, not an .xlsx workbook")
    if not zipfile.is_zipfile(path):
        raise WorkbookError(f"{path}: not an .xlsx workbook (not a zip package)")


def read_package(path: str | Path) -> Package:
    """Check ``path`` is a safe, readable .xlsx and list what is inside.

    Raises :class:`WorkbookError` for a file that is not a workbook, an encrypted file, a zip
    bomb, a part declaring a DOCTYPE or entities, or malformed XML.
    """
    path = Path(path)
    _check_file(path)
    package = Package(path=path)
    try:
        with zipfile.ZipFile(path) as archive:
            _read(archive, package)
    except WorkbookError as exc:
        message = str(exc)
        if not message.startswith(str(path)):
            raise WorkbookError(f"{path}: {message}") from None
        raise
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"{path}: corrupt .xlsx package ({exc})") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise WorkbookError(f"{path}: cannot read the .xlsx package ({exc})") from None
    return package


def open_package(path: str | Path) -> Package:
    """:func:`read_package`, also refusing what the engine cannot evaluate in bounded time."""
    package = read_package(path)
    if package.referenced_cells > MAX_REFERENCED_CELLS and package.largest_reference:
        where, ref, cells = package.largest_reference
        raise WorkbookError(
            f"{package.path}: formulas reach {package.referenced_cells:,} cells "
            f"(largest: {ref} in {where}, {cells:,} cells); xlfuncs recalculates workbooks whose "
            f"ranges reach at most {MAX_REFERENCED_CELLS:,} cells: narrow the ranges to the data"
        )
    return package


def _read(archive: zipfile.ZipFile, package: Package) -> None:
    path = package.path
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
    _check_names(path, names)
    package.members = names
    if "xl/workbook.xml" not in names:
        raise WorkbookError(f"{path}: not an .xlsx workbook (no xl/workbook.xml)")
    package.macro_parts = [n for n in names if MACRO_PARTS.search(n)]
    package.has_macros = bool(package.macro_parts)
    for info in infos:
        if is_xml_part(info.filename) and _scan_for_doctype(archive, info):
            raise WorkbookError(
                f"{path}: part {info.filename} declares a DOCTYPE or entities; refusing it"
            )
    workbook = parse_xml(archive.read("xl/workbook.xml"), "xl/workbook.xml")
    rels = _rels(archive, "xl/workbook.xml")
    for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
        rid = sheet.get(f"{{{NS_REL}}}id")
        if rid in rels:
            package.sheets[sheet.get("name")] = rels[rid][1]
            package.sheet_states[sheet.get("name")] = sheet.get("state") or "visible"
    for index, ref in enumerate(workbook.iter(f"{{{NS_MAIN}}}externalReference"), 1):
        rid = ref.get(f"{{{NS_REL}}}id")
        if rid not in rels:
            continue
        part = rels[rid][1]
        target = ""
        for _type, link_target in _rels(archive, part).values():
            target = link_target
        package.external_links.append(ExternalLink(index, part, target))
    for defined in workbook.iter(f"{{{NS_MAIN}}}definedName"):
        package.defined_names.append((defined.get("name") or "", defined.text or ""))
    _scan_formulas(archive, package)


_BAD_NAME = re.compile(r"(^/|^[A-Za-z]:|\\|(^|/)\.\.(/|$)|[\x00-\x1f])")


def _check_names(path: Path, names: list[str]) -> None:
    """Refuse part names that climb out of the package or name one part twice: copied into an
    output, they would travel on to whoever unzips it."""
    seen: set[str] = set()
    for name in names:
        if _BAD_NAME.search(name):
            shown = name.encode("unicode_escape").decode("ascii")[:80]
            raise WorkbookError(f"{path}: part name {shown!r} is not a part of a package; refusing it")
        folded = name.lower()
        if folded in seen:
            raise WorkbookError(f"{path}: two parts named {name[:80]!r}; refusing an ambiguous package")
        seen.add(folded)


def _copies(ref: str | None) -> tuple[int, int]:
    """Rows and columns a shared formula's ``ref`` covers."""
    if not ref:
        return 1, 1
    first, _, last = ref.partition(":")
    (r1, c1), (r2, c2) = _corner(first), _corner(last or first)
    if r1 is None or c1 is None or r2 is None or c2 is None:
        return 1, 1
    return abs(r2 - r1) + 1, abs(c2 - c1) + 1


def _scan_formulas(archive: zipfile.ZipFile, package: Package) -> None:
    """Find formulas naming other workbooks, and how many cells the formulas' ranges reach.

    A shared formula (one text stored once for a block of cells) reaches, in each cell it is
    copied to, a range shifted along with it, unless the range is anchored with "$".
    """
    links = {link.index: link for link in package.external_links}
    extents: dict[str, tuple[int, int]] = {}
    ranges: dict[tuple[str, int, int, int, int], tuple[str, int]] = {}

    def note(where: str, sheet: str | None, formula: str, copies: tuple[int, int] = (1, 1)) -> None:
        for book in external_books(formula):
            link = links.get(int(book)) if book.isdigit() else None
            package.external_references.append(ExternalReference(where, formula, book, link))
        for ref_sheet, r1, c1, r2, c2, rows_fixed, cols_fixed in ranges_with_anchors(formula):
            target = (ref_sheet or sheet or "").upper()
            if target:
                weight = (1 if rows_fixed else copies[0]) * (1 if cols_fixed else copies[1])
                key = (target, r1, c1, r2, c2)
                if key not in ranges or ranges[key][1] < weight:
                    ranges[key] = (where, weight)

    members = set(package.members)
    for title, part in package.sheets.items():
        if part not in members:
            continue
        max_row = max_col = 0
        for cell in iter_cells(archive, part):
            row, col = _corner(cell.ref)
            if row and col:
                max_row, max_col = max(max_row, row), max(max_col, col)
            if cell.formula:
                copies = _copies(cell.formula_ref) if cell.formula_type == "shared" else (1, 1)
                note(f"{title}!{cell.ref}", title, cell.formula, copies)
        extents[title.upper()] = (max_row, max_col)
    for name, text in package.defined_names:
        note(f"name {name}", None, text)
    total = 0
    largest: tuple[str, str, int] | None = None
    for (sheet, r1, c1, r2, c2), (where, weight) in ranges.items():
        max_row, max_col = extents.get(sheet, (0, 0))
        rows = max(0, min(r2, max_row) - r1 + 1)
        cols = max(0, min(c2, max_col) - c1 + 1)
        cells = rows * cols * weight
        total += cells
        if largest is None or cells > largest[2]:
            ref = f"{col_letters(c1)}{r1}:{col_letters(c2)}{r2}"
            if weight > 1:
                ref += f" copied to {weight:,} cells"
            largest = (where, ref, cells)
    package.referenced_cells = total
    package.largest_reference = largest
