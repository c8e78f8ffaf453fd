"""Every text node and attribute of an XML part, searched for personal data.

The parts :mod:`xlfuncs.check` knows (cells, comments, charts, pivot caches, ...) are read by
their own modules, which know what each element means. Everything else, in those parts and in
parts nothing here knows (shapes with text, slicer caches, revision logs, web extensions), is
read by this sweep, so that no text in a package goes unread.

Three rules keep the sweep from damaging what it cannot understand:

* attributes that hold references or identifiers of the package itself (``r``, ``ref``,
  ``sqref``, ``r:id``, ...) are not touched;
* in elements that hold formulas, only the text inside string literals is searched;
* text that is a number is left alone (figures, serial dates, indexes), and known values that
  could be read as a cell reference (a child ID ``C1001``) are looked for in free text only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from xlfuncs.check.identifiers import Identifiers, Match

#: Attributes that name cells, parts or other elements: never personal, never changed.
REFERENCE_ATTRIBUTES = frozenset(
    {
        "r", "ref", "sqref", "spans", "id", "uid", "Id", "Target", "TargetMode", "Type", "PartName",
        "ContentType", "Extension", "location", "cacheId", "sheetId", "localSheetId", "fld",
        "baseField", "baseItem", "x", "v", "idx", "val", "s", "t", "si", "type", "rgb", "theme",
        "uri", "guid", "xfId", "numFmtId", "fontId", "fillId", "borderId", "dxfId", "authorId",
        "personId", "parentId", "shapeId", "spid", "objectId", "macro", "fPrintsWithSheet",
        "topLeftCell", "activeCell", "codeName", "style", "lang", "typeface", "pitchFamily",
        "charset", "panose", "name", "ItemID",
    }
)  # fmt: skip
#: Elements whose text is a formula: only their string literals are text.
FORMULA_ELEMENTS = frozenset({"f", "formula", "formula1", "formula2", "definedName", "refersTo"})
_STRING_LITERAL = re.compile(r'"((?:[^"]|"")*)"')
_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


@dataclass
class Hit:
    """Personal data in one place of a part: an element's text or tail, or an attribute."""

    element: etree._Element
    place: str  # "text", "tail" or the attribute's name
    matches: list[Match]

    @property
    def kinds(self) -> list[str]:
        return [m.kind for m in self.matches]


def local(tag: object) -> str:
    """The local name of an element or attribute tag, without its namespace."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def literal_matches(formula: str, identifiers: Identifiers) -> list[Match]:
    """Personal data inside the string literals of ``formula`` (positions in ``formula``)."""
    found = []
    for literal in _STRING_LITERAL.finditer(formula):
        start = literal.start(1)
        for match in identifiers.find(literal.group(1)):
            found.append(Match(start + match.start, start + match.end, match.kind))
    return found


def text_matches(text: str | None, identifiers: Identifiers, formula: bool = False) -> list[Match]:
    """Personal data in one text of a part (free text, or a formula's string literals)."""
    if not text or _NUMBER.match(text):
        return []
    if formula:
        return literal_matches(text, identifiers)
    return identifiers.find(text)


def hits(
    root: etree._Element,
    identifiers: Identifiers,
    skip: Callable[[etree._Element], bool] = lambda element: False,
) -> Iterator[Hit]:
    """Every place under ``root`` holding personal data; ``skip(element)`` leaves an element
    and everything under it to a module that knows what it means."""
    stack = [root]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        name = local(element.tag)
        if element is not root and skip(element):
            if element.tail:
                found = text_matches(element.tail, identifiers)
                if found:
                    yield Hit(element, "tail", found)
            continue
        formula = name in FORMULA_ELEMENTS
        found = text_matches(element.text, identifiers, formula)
        if found:
            yield Hit(element, "text", found)
        if element is not root and element.tail:
            found = text_matches(element.tail, identifiers)
            if found:
                yield Hit(element, "tail", found)
        for key, value in element.attrib.items():
            if local(key) in REFERENCE_ATTRIBUTES:
                continue
            found = text_matches(value, identifiers)
            if found:
                yield Hit(element, str(key), found)
        stack.extend(reversed(list(element)))


def redact_hit(hit: Hit) -> None:
    """Take the personal data of one hit out of its element."""
    element = hit.element
    if hit.place == "text":
        element.text = _cut(element.text or "", hit.matches)
    elif hit.place == "tail":
        element.tail = _cut(element.tail or "", hit.matches)
    else:
        element.set(hit.place, _cut(element.get(hit.place) or "", hit.matches))


def _cut(text: str, matches: list[Match]) -> str:
    for match in reversed(matches):
        text = text[: match.start] + text[match.end :]
    return text


def redact(
    root: etree._Element,
    identifiers: Identifiers,
    skip: Callable[[etree._Element], bool] = lambda element: False,
) -> int:
    """Take every piece of personal data under ``root`` out; returns the places changed."""
    found = list(hits(root, identifiers, skip))
    for hit in found:
        redact_hit(hit)
    return len(found)


_TAG = re.compile(r"<[^>]*>")


def raw_matches(data: bytes, identifiers: Identifiers) -> list[Match]:
    """Personal data in the text between the tags of a part that is not well-formed XML
    (Excel's VML drawings are sometimes HTML rather than XML); positions in the decoded text."""
    text = data.decode("utf-8", "replace")
    found = []
    position = 0
    for tag in [*_TAG.finditer(text), None]:
        end = len(text) if tag is None else tag.start()
        for match in identifiers.find(text[position:end]):
            found.append(Match(position + match.start, position + match.end, match.kind))
        if tag is not None:
            position = tag.end()
    return found


def redact_raw(data: bytes, identifiers: Identifiers) -> bytes:
    """:func:`raw_matches` taken out of ``data``."""
    text = data.decode("utf-8", "replace")
    return _cut(text, raw_matches(data, identifiers)).encode("utf-8")
