"""Custom XML parts: data a program stored in the package (SharePoint's document metadata,
an add-in's settings, a form's fields), which Excel never shows.

An item holding personal data is dropped by ``--fix`` with its properties part and every
relationship to it (:mod:`xlfuncs.check.fix`); nothing in the workbook depends on it.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import sweep
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import kinds
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.xml import WorkbookError


def holds_personal(survey: Survey, root: etree._Element) -> list:
    return [m for hit in sweep.hits(root, survey.identifiers) for m in hit.matches]


def scan(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    found = holds_personal(survey, root)
    if found:
        yield Finding("personal-text", part, f"the custom XML item holds {kinds(found)}")


def parts_to_drop(survey: Survey) -> set[str]:
    """The custom XML items holding personal data, with their properties parts."""
    out = set()
    for part in survey.package.members:
        if survey.kind(part) != "custom-xml":
            continue
        try:
            root = survey.read(part)
        except WorkbookError:  # an item that is not XML: dropped, nothing can read it
            out.add(part)
            continue
        if holds_personal(survey, root):
            out.add(part)
            out.update(survey.targets(part))
    return out
