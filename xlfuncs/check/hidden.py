"""Hidden rows and columns holding data.

A row or column can be hidden (``hidden="1"``, or collapsed into an outline), and all rows can
be hidden by default (``zeroHeight``): whoever opens the file does not see what they hold.
Their cells are read like every other cell, so personal data in them is found and blanked;
this module reports the hiding itself, as a hidden sheet is reported, and ``--fix`` shows
the rows and columns again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from xlfuncs.check.findings import Finding
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.package import NS_MAIN

_M = f"{{{NS_MAIN}}}"


def _on(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")


def hidden_rows(rows: Iterable[etree._Element]) -> set[int]:
    return {int(r.get("r") or 0) for r in rows if _on(r.get("hidden")) and (r.get("r") or "").isdigit()}


def hidden_columns(root: etree._Element) -> list[tuple[int, int]]:
    out = []
    for col in root.iter(f"{_M}col"):
        if _on(col.get("hidden")) and (col.get("min") or "").isdigit():
            out.append((int(col.get("min") or 0), int(col.get("max") or col.get("min") or 0)))
    return out


def all_rows_hidden(root: etree._Element) -> bool:
    return any(_on(f.get("zeroHeight")) for f in root.iter(f"{_M}sheetFormatPr"))


def scan(survey: Survey, title: str, root: etree._Element, rows: set[int]) -> Iterator[Finding]:
    cells = survey.cells.get(title, {})
    columns = hidden_columns(root)
    everything = all_rows_hidden(root)
    filled = [
        key for key, cell in cells.items()
        if (not cell.empty or cell.formula)
        and (everything or key[0] in rows or any(lo <= key[1] <= hi for lo, hi in columns))
    ]  # fmt: skip
    if filled:
        what = []
        if everything:
            what.append("every row hidden by default")
        hidden_with_data = {r for r, _ in filled if r in rows}
        if hidden_with_data:
            what.append(f"{len(hidden_with_data):,} hidden rows")
        columns_with_data = {c for _, c in filled if any(lo <= c <= hi for lo, hi in columns)}
        if columns_with_data:
            what.append(f"{len(columns_with_data):,} hidden columns")
        yield Finding("hidden-cells", title, f"{' and '.join(what)} holding {len(filled):,} filled cells")


def clean(root: etree._Element) -> int:
    changed = 0
    for element in list(root.iter(f"{_M}row")) + list(root.iter(f"{_M}col")):
        if _on(element.get("hidden")):
            del element.attrib["hidden"]
            changed += 1
    for element in root.iter(f"{_M}sheetFormatPr"):
        if _on(element.get("zeroHeight")):
            del element.attrib["zeroHeight"]
            changed += 1
    return changed
