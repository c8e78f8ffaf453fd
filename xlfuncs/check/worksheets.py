"""A worksheet part beyond its cells: page headers and footers, data validation, hidden rows
and columns, and the rest of its text (hyperlinks' tooltips, conditional formats' formulas,
cell watches, ...), swept as text.

Cells are read by :mod:`xlfuncs.check.cells` and judged by :mod:`xlfuncs.check.personal`:
this module leaves ``<sheetData>`` to them. A sheet part is read here without its cells
(:func:`read_frame`), so a sheet of a million cells costs no more memory than a small one.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import headers, hidden, sweep, validation
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import kinds
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.package import NS_MAIN
from xlfuncs.xlsx.xml import WorkbookError

_M = f"{{{NS_MAIN}}}"
#: Elements read by their own modules (or, for cells, by the cell check).
_OWN = {"sheetData", "headerFooter", "dataValidations"}


def read_frame(survey: Survey, part: str) -> tuple[etree._Element, set[int]]:
    """The worksheet part without its cells, and the numbers of its hidden rows."""
    rows: set[int] = set()
    with survey.archive.open(part) as stream:
        try:
            events = etree.iterparse(stream, events=("end",), resolve_entities=False, no_network=True)
            for _event, element in events:
                if element.tag == f"{_M}row":
                    rows |= hidden.hidden_rows([element])
                    parent = element.getparent()
                    element.clear(keep_tail=False)
                    if parent is not None:
                        parent.remove(element)
            root = events.root
        except etree.XMLSyntaxError as exc:
            raise WorkbookError(f"{part} is not well-formed XML: {exc}") from None
    return root, rows


def _skip(element: etree._Element) -> bool:
    return sweep.local(element.tag) in _OWN


def scan(survey: Survey, part: str, root: etree._Element, rows: set[int]) -> Iterator[Finding]:
    title = survey.sheet_of(part) or part
    yield from headers.scan(survey, part, title, root)
    yield from validation.scan(survey, part, title, root)
    if survey.kind(part) == "worksheet":
        yield from hidden.scan(survey, title, root, rows)
    for hit in sweep.hits(root, survey.identifiers, _skip):
        yield Finding("personal-text", f"{title}: {sweep.local(hit.element.tag)}", f"holds {kinds(hit.matches)}")


def clean(survey: Survey, part: str, root: etree._Element, unhide: bool) -> int:
    """Everything but the cells (see :mod:`xlfuncs.check.fix` for those)."""
    changed = headers.clean(survey, root) + validation.clean(survey, root)
    if unhide:
        changed += hidden.clean(root)
    return changed + sweep.redact(root, survey.identifiers, _skip)
