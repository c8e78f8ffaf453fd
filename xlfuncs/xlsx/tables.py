"""Excel tables (ListObjects): their names, ranges and columns, for structured references.

A table is a part ``xl/tables/tableN.xml`` linked from its sheet: ``ref`` is its whole range,
header row included (``headerRowCount``, 1 unless 0) and totals row included
(``totalsRowCount``, 0 unless 1); its columns are named in order.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass

from xlfuncs.xlsx.package import NS_MAIN, NS_PKG_REL, Package, parse_xml
from xlfuncs.xlsx.refs import parse_cell

_TABLE_TYPE = "/table"


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    columns: tuple[str, ...]
    header_rows: int = 1
    totals_rows: int = 0

    def column(self, name: str) -> int | None:
        """The sheet column of the table column ``name`` (case-insensitive), or None."""
        wanted = name.strip().lower()
        for offset, column in enumerate(self.columns):
            if column.lower() == wanted:
                return self.first_col + offset
        return None


def read_tables(package: Package) -> dict[str, Table]:
    """Every table of the workbook by its upper-cased name."""
    out: dict[str, Table] = {}
    with zipfile.ZipFile(package.path) as archive:
        members = set(archive.namelist())
        for title, part in package.sheets.items():
            folder, name = posixpath.split(part)
            rels_part = posixpath.join(folder, "_rels", name + ".rels")
            if rels_part not in members:
                continue
            rels = parse_xml(archive.read(rels_part), rels_part)
            for rel in rels.iter(f"{{{NS_PKG_REL}}}Relationship"):
                if not rel.get("Type", "").endswith(_TABLE_TYPE) or rel.get("TargetMode") == "External":
                    continue
                where = rel.get("Target", "")
                target = where.lstrip("/") if where.startswith("/") else posixpath.normpath(posixpath.join(folder, where))
                if target not in members:
                    continue
                table = _table(parse_xml(archive.read(target), target), title)
                if table is not None:
                    out[table.name.upper()] = table
    return out


def _table(root, sheet: str) -> Table | None:
    ref = root.get("ref")
    name = root.get("displayName") or root.get("name")
    if not ref or not name:
        return None
    first, _, last = ref.replace("$", "").partition(":")
    (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
    columns = tuple(c.get("name") or "" for c in root.iter(f"{{{NS_MAIN}}}tableColumn"))
    header = int(root.get("headerRowCount", "1") or 1)
    totals = int(root.get("totalsRowCount", "0") or 0)
    return Table(name, sheet, r1, c1, r2, c2, columns, header, totals)
