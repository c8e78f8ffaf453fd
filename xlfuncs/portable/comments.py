"""Cell comments (notes) written into a package: the comments part, its VML drawing and the
relationships and content types that tie them to a sheet.

Excel reads a note from ``xl/commentsN.xml`` and draws it from a legacy VML shape
(``xl/drawings/vmlDrawingN.vml``); LibreOffice reads the comments part. A sheet that already
has notes keeps them: the new ones are added to its parts. The author is ``xlfuncs``, a
program's name, never a person's.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from xlfuncs.xlsx.package import NS_MAIN, NS_PKG_REL, NS_REL, parse_xml
from xlfuncs.xlsx.refs import parse_cell

AUTHOR = "xlfuncs"
COMMENTS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
VML_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
COMMENTS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CONTENT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_M = f"{{{NS_MAIN}}}"
#: Elements that come after <legacyDrawing> in a worksheet (ECMA-376 CT_Worksheet order).
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")

_VML_HEAD = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
_VML_SHAPE = (
    '<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
    'margin-top:1.5pt;width:{width}pt;height:{height}pt;z-index:{z};visibility:hidden" fillcolor="#ffffe1" '
    'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
    '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
    '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
    "<x:Anchor>{c1}, 15, {r1}, 10, {c2}, 15, {r2}, 4</x:Anchor><x:AutoFill>False</x:AutoFill>"
    "<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
)


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(owner: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(owner), target))


def _relative(owner: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(owner))


@dataclass
class CommentParts:
    """What adding notes to one sheet writes: every part changed or created, by name."""

    parts: dict[str, bytes]
    content_overrides: dict[str, str]  # part name -> content type
    vml_default: bool


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _new_name(members: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in members:
        n += 1
    return pattern.format(n)


def add_comments(
    sheet_part: str,
    sheet_root: etree._Element,
    notes: Mapping[str, str],
    read: Mapping[str, bytes],
    members: set[str],
    block: int,
) -> CommentParts:
    """Add ``notes`` (A1 -> text) to the sheet ``sheet_part`` whose XML is ``sheet_root``
    (changed in place: its ``<legacyDrawing>``).

    ``read`` gives the bytes of existing parts (the sheet's relationships, comments and VML
    drawing); ``members`` every part name in the package (new parts get unused names, and are
    added to it); ``block`` a number unique to the sheet for the VML shape ids.
    """
    parts: dict[str, bytes] = {}
    overrides: dict[str, str] = {}
    rels_part = rels_name(sheet_part)
    if rels_part in read:
        rels = parse_xml(read[rels_part], rels_part)
    else:
        rels = etree.Element(f"{{{NS_PKG_REL}}}Relationships", nsmap={None: NS_PKG_REL})
    comments_part = vml_part = None
    vml_id = None
    for rel in rels.iter(f"{{{NS_PKG_REL}}}Relationship"):
        target = _resolve(sheet_part, rel.get("Target", ""))
        if rel.get("Type") == COMMENTS_TYPE:
            comments_part = target
        elif rel.get("Type") == VML_TYPE:
            vml_part, vml_id = target, rel.get("Id")
    ids = {rel.get("Id") for rel in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}

    def new_id() -> str:
        n = 1
        while f"rId{n}" in ids:
            n += 1
        ids.add(f"rId{n}")
        return f"rId{n}"

    if comments_part is None or comments_part not in read:
        comments_part = _new_name(members, "xl/comments{}.xml")
        members.add(comments_part)
        etree.SubElement(
            rels, f"{{{NS_PKG_REL}}}Relationship", Id=new_id(), Type=COMMENTS_TYPE,
            Target=_relative(sheet_part, comments_part),
        )
        comments = etree.fromstring(
            f'<comments xmlns="{NS_MAIN}"><authors/><commentList/></comments>'.encode()
        )
        overrides[comments_part] = COMMENTS_CONTENT
    else:
        comments = parse_xml(read[comments_part], comments_part)
    authors = comments.find(f"{_M}authors")
    if authors is None:
        authors = etree.Element(f"{_M}authors")
        comments.insert(0, authors)
    names = [a.text or "" for a in authors.iter(f"{_M}author")]
    if AUTHOR not in names:
        etree.SubElement(authors, f"{_M}author").text = AUTHOR
        names.append(AUTHOR)
    author_id = str(names.index(AUTHOR))
    listing = comments.find(f"{_M}commentList")
    if listing is None:
        listing = etree.SubElement(comments, f"{_M}commentList")
    existing = {c.get("ref"): c for c in listing.iter(f"{_M}comment")}
    for ref, text in notes.items():
        old = existing.get(ref)
        if old is not None:  # one note per cell: ours follows what was there
            old_text = "".join(t.text or "" for t in old.iter(f"{_M}t"))
            listing.remove(old)
            text = f"{old_text}\n\n{text}" if old_text else text
        comment = etree.SubElement(listing, f"{_M}comment", ref=ref, authorId=author_id)
        body = etree.SubElement(comment, f"{_M}text")
        run = etree.SubElement(body, f"{_M}t")
        run.text = text
        run.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    parts[comments_part] = _serialise(comments)

    shapes = "".join(_shape(ref, text, block * 1024 + 1 + i, i + 1) for i, (ref, text) in enumerate(notes.items()))
    if vml_part is None or vml_part not in read:
        vml_part = _new_name(members, "xl/drawings/vmlDrawing{}.vml")
        members.add(vml_part)
        vml_id = new_id()
        etree.SubElement(
            rels, f"{{{NS_PKG_REL}}}Relationship", Id=vml_id, Type=VML_TYPE,
            Target=_relative(sheet_part, vml_part),
        )
        parts[vml_part] = (_VML_HEAD.format(block=block) + shapes + "</xml>").encode("utf-8")
        _add_legacy_drawing(sheet_root, vml_id)
    else:
        old = read[vml_part].decode("utf-8", errors="replace")
        cut = old.rfind("</xml>")
        parts[vml_part] = (old[:cut] + shapes + old[cut:]).encode("utf-8") if cut >= 0 else read[vml_part]
        if sheet_root.find(f"{_M}legacyDrawing") is None and vml_id:
            _add_legacy_drawing(sheet_root, vml_id)
    parts[rels_part] = _serialise(rels)
    return CommentParts(parts, overrides, vml_default=True)


def _shape(ref: str, text: str, shape_id: int, z: int) -> str:
    row, col = parse_cell(ref)
    lines = max(4, min(30, len(text) // 40 + text.count("\n") + 1))
    return _VML_SHAPE.format(
        id=shape_id, z=z, row=row - 1, col=col - 1, c1=col, r1=max(row - 2, 0), c2=col + 4, r2=row + lines,
        width=260, height=12 * lines,
    )


def _add_legacy_drawing(sheet_root: etree._Element, rid: str) -> None:
    element = etree.Element(f"{_M}legacyDrawing")
    element.set(f"{{{NS_REL}}}id", rid)
    for name in _AFTER_LEGACY:
        later = sheet_root.find(f"{_M}{name}")
        if later is not None:
            later.addprevious(element)
            return
    sheet_root.append(element)


def content_types(data: bytes, overrides: Mapping[str, str], vml: bool) -> bytes:
    """``[Content_Types].xml`` with the new comments parts and the VML extension."""
    root = parse_xml(data, "[Content_Types].xml")
    present = {(o.get("PartName") or "").lstrip("/") for o in root.iter(f"{{{NS_CT}}}Override")}
    for part, kind in overrides.items():
        if part not in present:
            etree.SubElement(root, f"{{{NS_CT}}}Override", PartName="/" + part, ContentType=kind)
    if vml and not any((d.get("Extension") or "").lower() == "vml" for d in root.iter(f"{{{NS_CT}}}Default")):
        default = etree.Element(f"{{{NS_CT}}}Default", Extension="vml", ContentType=VML_CONTENT)
        root.insert(0, default)
    return _serialise(root)
