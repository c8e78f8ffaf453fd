"""The text of a string item, as Excel shows it: shared strings and inline strings alike.

A string item (``<si>`` in ``xl/sharedStrings.xml``, ``<is>`` in a cell) is plain text in one
``<t>``, or rich text in runs (``<r><t>``) whose texts join, and may carry phonetic guides
(``<rPh><t>``, the furigana of Japanese text) that Excel does not show in the cell and
that are therefore not part of the value.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence

from lxml import etree

from xlfuncs.xlsx.escape import unescape
from xlfuncs.xlsx.xml import NS_MAIN, WorkbookError

PART = "xl/sharedStrings.xml"
_SI = f"{{{NS_MAIN}}}si"
_T = f"{{{NS_MAIN}}}t"
_RPH = f"{{{NS_MAIN}}}rPh"


def item_text(item: etree._Element) -> str:
    """The shown text of one string item (``<si>`` or ``<is>``): runs joined, phonetics left
    out, Excel's escapes (``_x0001_``) read back (:mod:`xlfuncs.xlsx.escape`)."""
    return "".join(unescape(t.text or "") for t in item.iter(_T) if t.getparent().tag != _RPH)


def phonetic_text(item: etree._Element) -> str:
    """The text of a string item's phonetic guides, which Excel keeps but does not show in
    the cell (text can hide there)."""
    return "".join(unescape(t.text or "") for rph in item.iter(_RPH) for t in rph.iter(_T))


def iter_shared_items(
    archive: zipfile.ZipFile, names: Iterable[str] | None = None
) -> Iterator[tuple[int, str, str]]:
    """(position, shown text, phonetic text) of every item of the shared-strings table,
    streamed."""
    members = set(names) if names is not None else set(archive.namelist())
    if PART not in members:
        return
    with archive.open(PART) as stream:
        try:
            for position, (_event, item) in enumerate(
                etree.iterparse(stream, events=("end",), tag=_SI, resolve_entities=False, no_network=True)
            ):
                yield position, item_text(item), phonetic_text(item)
                item.clear()
        except etree.XMLSyntaxError as exc:
            raise WorkbookError(f"{PART} is not well-formed XML: {exc}") from None


def rebuild_shared_strings(
    root: etree._Element,
    keep: Sequence[int],
    strip_phonetics: Iterable[int] = (),
    references: int | None = None,
) -> etree._Element:
    """A shared-strings table holding only the items at ``keep``, in that order (the new
    position of ``keep[i]`` is ``i``); the phonetic guides of the items at
    ``strip_phonetics`` are dropped. Items not kept leave nothing behind. ``references`` is
    how many cells use the table (its ``count``)."""
    items = [child for child in root if child.tag == _SI]
    strip = set(strip_phonetics)
    new = etree.Element(root.tag, nsmap=root.nsmap)
    for key, value in root.attrib.items():
        if key not in ("count", "uniqueCount"):
            new.set(key, value)
    for position in keep:
        item = items[position]
        if position in strip:
            for phonetic in list(item.iter(_RPH)):
                phonetic.getparent().remove(phonetic)
        new.append(item)
    new.set("count", str(len(keep) if references is None else references))
    new.set("uniqueCount", str(len(keep)))
    for child in root:
        if child.tag != _SI:
            new.append(child)  # extLst
    return new


def read_shared_strings(archive: zipfile.ZipFile, names: Iterable[str] | None = None) -> list[str]:
    """The shared-strings table of a package, streamed (memory stays flat on a large table).

    ``names`` is the package's member list when the caller has it already.
    """
    members = set(names) if names is not None else set(archive.namelist())
    if PART not in members:
        return []
    strings = []
    with archive.open(PART) as stream:
        try:
            for _event, item in etree.iterparse(
                stream, events=("end",), tag=_SI, resolve_entities=False, no_network=True
            ):
                strings.append(item_text(item))
                item.clear()
        except etree.XMLSyntaxError as exc:
            raise WorkbookError(f"{PART} is not well-formed XML: {exc}") from None
    return strings
