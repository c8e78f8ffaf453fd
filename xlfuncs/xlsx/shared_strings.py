"""The text of a string item, as Excel shows it: shared strings and inline strings alike.

A string item (``<si>`` in ``xl/sharedStrings.xml``, ``<is>`` in a cell) is plain text in one
``<t>``, or rich text in runs (``<r><t>``) whose texts join, and may carry phonetic guides
(``<rPh><t>``, the furigana of Japanese text) that Excel does not show in the cell and
that are therefore not part of the value.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable

from lxml import etree

from xlfuncs.xlsx.xml import NS_MAIN, WorkbookError

PART = "xl/sharedStrings.xml"
_SI = f"{{{NS_MAIN}}}si"
_T = f"{{{NS_MAIN}}}t"
_RPH = f"{{{NS_MAIN}}}rPh"


def item_text(item: etree._Element) -> str:
    """The shown text of one string item (``<si>`` or ``<is>``): runs joined, phonetics left out."""
    return "".join(t.text or "" for t in item.iter(_T) if t.getparent().tag != _RPH)


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
