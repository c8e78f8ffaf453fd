"""The workbook part: defined names, the user who reserved the file, custom views.

A defined name is a formula: personal data in it sits in its string literals (a name
``FirstChild`` standing for ``"C1001"``, a list constant ``{"C1001","C1002"}``) or in its
comment. ``--fix`` takes the data out of the literal and keeps the name, so every formula
using it still finds it. The user name of a write reservation ("read-only recommended,
reserved by ...") names a person and is cleared.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import sweep
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import is_software, kinds
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.package import NS_MAIN

_M = f"{{{NS_MAIN}}}"


def author_names(root: etree._Element) -> list[str]:
    return [
        sharing.get("userName") or ""
        for sharing in root.iter(f"{_M}fileSharing")
        if not is_software(sharing.get("userName") or "")
    ]


def _views(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{_M}customWorkbookView"))


def scan(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    for sharing in root.iter(f"{_M}fileSharing"):
        if not is_software(sharing.get("userName") or ""):
            yield Finding("author", f"{part}: file sharing", "the write reservation names the person who made it")
    for view in _views(root):
        found = survey.identifiers.find(view.get("name"))
        if found:
            yield Finding("personal-text", f"{part}: custom view", f"the view's name holds {kinds(found)}")
    for hit in sweep.hits(root, survey.identifiers):
        where = f"name {hit.element.get('name')}" if hit.element.tag == f"{_M}definedName" else part
        yield Finding("personal-text", where, f"holds {kinds(hit.matches)}")


def clean(survey: Survey, part: str, root: etree._Element) -> int:
    changed = 0
    for sharing in root.iter(f"{_M}fileSharing"):
        if sharing.get("userName") is not None:
            del sharing.attrib["userName"]
            changed += 1
    for view in _views(root):
        found = survey.identifiers.find(view.get("name"))
        if found:
            view.set("name", survey.identifiers.redact(view.get("name") or "", found).strip() or "View")
            changed += 1
    return changed + sweep.redact(root, survey.identifiers)
