"""The XML of a package: namespaces, and a parser that resolves no entities and reads no network."""

from __future__ import annotations

import re

from lxml import etree

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

#: A DOCTYPE or ENTITY declaration: the way into entity-expansion attacks.
DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class WorkbookError(Exception):
    """A workbook that cannot be read or written, with a message for the user."""


def parse_xml(data: bytes, part: str) -> etree._Element:
    if DOCTYPE.search(data[:4096]) or DOCTYPE.search(data):
        raise WorkbookError(f"{part} declares a DOCTYPE or entities; refusing to read it")
    try:
        return etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"{part} is not well-formed XML: {exc}") from None


