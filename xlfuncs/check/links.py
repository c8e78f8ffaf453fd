"""External-link parts: the values Excel keeps of the cells another workbook's link reads.

A link to another workbook (``[1]Data!A1`` in a formula) keeps a copy of the cells it read
(``<sheetDataSet>``) and the names of that workbook's sheets and defined names: a council's
case list can travel inside a template this way. ``--fix`` drops every link part (formulas
reading it keep their last values, :mod:`xlfuncs.check.fix`); this module says what the
copies hold.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import sweep
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import kinds
from xlfuncs.check.survey import Survey


def scan(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    found = [m for hit in sweep.hits(root, survey.identifiers) for m in hit.matches]
    if found:
        yield Finding("personal-text", part, f"the link's copy of another workbook's cells holds {kinds(found)}")


def clean(survey: Survey, part: str, root: etree._Element) -> int:
    return sweep.redact(root, survey.identifiers)


def personal_target(survey: Survey, target: str) -> list:
    """Personal data in the address of an external relationship (a hyperlink's
    ``mailto:jane.smith@...``, a path ``C:\\Cases\\C1001.docx``), read percent-decoded."""
    from urllib.parse import unquote

    return survey.identifiers.find(unquote(target))


def scan_targets(survey: Survey) -> Iterator[Finding]:
    for rel in survey.relationships:
        if rel.external:
            found = personal_target(survey, rel.target)
            if found:
                owner = rel.owner or "the package"
                yield Finding("personal-text", f"{owner}: link {rel.rid}", f"the address of a link holds {kinds(found)}")
