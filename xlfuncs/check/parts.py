"""Every part of a package, read by the module that knows what it holds.

The kind of a part comes from its content type (:data:`xlfuncs.check.survey.CONTENT_KINDS`);
a part of a kind nothing here knows (drawings with text boxes, VML, tables, slicer caches,
revision logs, web extensions, ...) is read by :mod:`xlfuncs.check.sweep`, text node by text
node and attribute by attribute, so no XML part goes unread. Binary parts (images, printer
settings, embedded objects) are reported by what they are (:func:`xlfuncs.check.check_package`).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import (
    charts,
    comments,
    custom_xml,
    links,
    names,
    pivots,
    properties,
    strings,
    sweep,
    worksheets,
)
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import kinds
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.package import is_xml_part
from xlfuncs.xlsx.xml import WorkbookError

#: Kind of part -> (scan, clean) for the parts read whole.
HANDLERS = {
    "comments": (comments.scan_comments, comments.clean_comments),
    "threaded-comments": (comments.scan_threaded, comments.clean_threaded),
    "persons": (comments.scan_persons, comments.clean_persons),
    "chart": (charts.scan, charts.clean),
    "pivot-cache": (pivots.scan_definition, pivots.clean_definition),
    "pivot-records": (pivots.scan_records, pivots.clean_records),
    "external-link": (links.scan, links.clean),
    "core-properties": (properties.scan, properties.clean),
    "app-properties": (properties.scan, properties.clean),
    "custom-properties": (properties.scan, properties.clean),
    "workbook": (names.scan, names.clean),
    "custom-xml": (custom_xml.scan, lambda survey, part, root: 0),
}
#: Parts read by their own passes (cells and strings), or that hold no text of their own.
_ELSEWHERE = {"shared-strings"}
#: How many kinds of part are read by a module of their own (the count a check reports).
KINDS_READ = len(HANDLERS) + len(_ELSEWHERE) + 2  # + worksheets and chart sheets


def text_parts(survey: Survey) -> list[str]:
    """The XML parts whose text the check reads (relationships are read for their targets)."""
    return [
        part for part in survey.package.members
        if is_xml_part(part) and not part.endswith(".rels") and part != "[Content_Types].xml"
    ]  # fmt: skip


def scan_part(survey: Survey, part: str) -> Iterator[Finding]:
    kind = survey.kind(part)
    if kind in _ELSEWHERE:
        return
    if kind in ("worksheet", "chartsheet"):
        root, rows = worksheets.read_frame(survey, part)
        yield from worksheets.scan(survey, part, root, rows)
        return
    data = survey.archive.read(part)
    try:
        root = survey.read(part)
    except WorkbookError:
        found = sweep.raw_matches(data, survey.identifiers)
        if found:
            yield Finding("personal-text", part, f"holds {kinds(found)}")
        return
    if kind in HANDLERS:
        yield from HANDLERS[kind][0](survey, part, root)
        return
    for hit in sweep.hits(root, survey.identifiers):
        yield Finding("personal-text", f"{part}: {sweep.local(hit.element.tag)}", f"holds {kinds(hit.matches)}")


def scan_package(survey: Survey) -> Iterator[Finding]:
    """Personal data and authors' names in every part outside the cells."""
    yield from strings.scan(survey)
    for part in text_parts(survey):
        yield from scan_part(survey, part)
    yield from links.scan_targets(survey)


def clean_part(survey: Survey, part: str, root: etree._Element) -> int:
    """Take personal data and authors' names out of one part (not a worksheet, see
    :mod:`xlfuncs.check.fix`); returns the places changed."""
    kind = survey.kind(part)
    changed = 0
    if kind in HANDLERS:
        changed += HANDLERS[kind][1](survey, part, root)
    # whatever the part's own module leaves, the sweep takes
    return changed + sweep.redact(root, survey.identifiers, _keep_for(kind))


def _keep_for(kind: str | None):
    """What the final sweep of a part leaves alone: the timestamps of the properties."""
    if kind == "core-properties":
        return properties.is_timestamp
    if kind == "pivot-cache":
        return pivots.is_items
    return lambda element: False
