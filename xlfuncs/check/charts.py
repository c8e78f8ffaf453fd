"""Charts: the values a chart keeps of the cells it plots, its titles and labels.

Each series of a chart names its cells (``<c:f>Episodes!$A$2:$A$3</c:f>``) and keeps a copy
of their values beside the reference (``<c:strCache>``, ``<c:numCache>``), which is what a
reader sees until the chart is refreshed. A cache is personal data when it copies a cell that
is personal data (it is blanked, so its copy must go too) or when a value in it is; ``--fix``
then empties the cache (its points go, its length stays), and the chart takes the blanked
cells' values when it is next drawn. A literal series (``<c:strLit>``) has its personal
points taken out. Titles and labels are searched as text.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import sweep
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import Match, kinds
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.package import ranges_in
from xlfuncs.xlsx.refs import cell_ref

NS_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_C = f"{{{NS_CHART}}}"
CACHES = {"strCache", "numCache", "multiLvlStrCache", "strLit", "numLit"}


def _caches(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and sweep.local(e.tag) in CACHES]


def _reference(cache: etree._Element) -> str:
    """The cells a cache copies: the ``f`` beside it."""
    parent = cache.getparent()
    if parent is None:
        return ""
    for sibling in parent:
        if isinstance(sibling.tag, str) and sweep.local(sibling.tag) == "f":
            return sibling.text or ""
    return ""


def _copies_personal_cells(survey: Survey, part: str, formula: str) -> bool:
    home = survey.sheet_of(part)
    titles = {t.upper(): t for t in survey.package.sheets}
    for sheet, r1, c1, r2, c2 in _areas(formula):
        title = titles.get((sheet or home).upper(), "")
        blank = survey.personal.get(title)
        if not blank:
            continue
        if (r2 - r1 + 1) * (c2 - c1 + 1) > len(blank):
            if any(_inside(ref, r1, c1, r2, c2) for ref in blank):
                return True
        elif any(cell_ref(r, c) in blank for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)):
            return True
    return False


def _areas(formula: str) -> list[tuple[str | None, int, int, int, int]]:
    """The ranges and single cells a series formula names."""
    from xlfuncs.xlsx.refs import parse_cell

    areas = list(ranges_in(formula))
    text = formula.strip("()")
    for piece in text.split(","):
        if ":" in piece:
            continue
        sheet, _, ref = piece.rpartition("!")
        try:
            row, col = parse_cell(ref.strip())
        except ValueError:
            continue
        name = sheet.strip()
        if name.startswith("'") and name.endswith("'"):
            name = name[1:-1].replace("''", "'")
        areas.append((name or None, row, col, row, col))
    return areas


def _inside(ref: str, r1: int, c1: int, r2: int, c2: int) -> bool:
    from xlfuncs.xlsx.refs import parse_cell

    row, col = parse_cell(ref)
    return r1 <= row <= r2 and c1 <= col <= c2


def _points(cache: etree._Element) -> list[etree._Element]:
    return [p for p in cache.iter(f"{_C}pt")]


def _point_matches(survey: Survey, cache: etree._Element) -> list[Match]:
    if sweep.local(cache.tag) in ("numCache", "numLit"):
        return []
    found: list[Match] = []
    for point in _points(cache):
        value = point.find(f"{_C}v")
        found.extend(survey.identifiers.find(None if value is None else value.text))
    return found


def _why(survey: Survey, part: str, cache: etree._Element) -> str | None:
    if _copies_personal_cells(survey, part, _reference(cache)):
        return "a copy of cells that are personal data"
    found = _point_matches(survey, cache)
    return kinds(found) if found else None


def _is_cache(element: etree._Element) -> bool:
    return sweep.local(element.tag) in CACHES


def scan(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    for cache in _caches(root):
        why = _why(survey, part, cache)
        if why:
            reference = _reference(cache) or "a literal series"
            yield Finding("personal-text", f"{part}: cache of {reference}", f"the chart keeps {why}")
    for hit in sweep.hits(root, survey.identifiers, _is_cache):
        yield Finding("personal-text", f"{part}: {sweep.local(hit.element.tag)}", f"the chart's text holds {kinds(hit.matches)}")


def clean(survey: Survey, part: str, root: etree._Element) -> int:
    changed = 0
    for cache in _caches(root):
        if not _why(survey, part, cache):
            continue
        literal = sweep.local(cache.tag) in ("strLit", "numLit")
        for point in _points(cache):
            value = point.find(f"{_C}v")
            personal = survey.identifiers.find(None if value is None else value.text)
            if not literal or personal:
                point.getparent().remove(point)
        changed += 1
    return changed + sweep.redact(root, survey.identifiers, _is_cache)
