"""Page headers and footers of worksheets and chart sheets.

A header is text with formatting codes (``&L`` left section, ``&"Arial,Bold"`` font, ``&12``
size, ``&D`` date, ``&&`` a literal ampersand): the codes are masked before the text is
searched, so ``&12C1001`` is read as the text ``C1001`` in 12 points. ``--fix`` takes the
personal data out and keeps the rest of the header (page numbers, the file name, titles).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import Identifiers, Match, kinds
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.package import NS_MAIN

_M = f"{{{NS_MAIN}}}"
SECTIONS = ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")
_CODE = re.compile(r'&(?:"[^"]*"|\d{1,3}|K[0-9A-Fa-f]{6}|K\d{2}[+-]\d{3}|[+-]\d+|[A-Za-z&])')


def masked(text: str) -> str:
    """``text`` with its formatting codes replaced by spaces (positions kept).

    >>> masked('&L&"Arial,Bold"&12Child C1001&RPage &P')
    '                  Child C1001  Page   '
    """
    return _CODE.sub(lambda m: " " * len(m.group(0)), text)


def matches(text: str | None, identifiers: Identifiers) -> list[Match]:
    return identifiers.find(masked(text)) if text else []


def sections(root: etree._Element) -> Iterator[etree._Element]:
    for footer in root.iter(f"{_M}headerFooter"):
        for name in SECTIONS:
            yield from footer.iter(f"{_M}{name}")


def scan(survey: Survey, part: str, where: str, root: etree._Element) -> Iterator[Finding]:
    for element in sections(root):
        found = matches(element.text, survey.identifiers)
        if found:
            yield Finding("personal-text", f"{where}: {etree.QName(element).localname}", f"the page header or footer holds {kinds(found)}")


def clean(survey: Survey, root: etree._Element) -> int:
    changed = 0
    for element in sections(root):
        found = matches(element.text, survey.identifiers)
        if found:
            element.text = survey.identifiers.redact(element.text or "", found)
            changed += 1
    return changed
