"""The small CSV files of budget monitoring: weekly costs, budgets, budget lines, capacity.

Each reader returns plain rows with the file's line numbers, for the methods of
:mod:`xlfuncs.methods.budget` to check; a file that cannot be read as the layout asks fails
with one :class:`BudgetFileError` naming the file, the line and the column. Column names are
read in any case and order; amounts may carry a pound sign and thousands separators, as a
spreadsheet saves them.

=============== ======================================================================
file            columns (optional in brackets)
=============== ======================================================================
costs           ``placement``, ``weekly_cost`` (``provider``, ``child``)
budget          ``line``, ``budget``
lines           ``placement``, ``line`` (``provider``, ``label``)
capacity        ``line``, ``places`` (``age_band``, ``source``)
=============== ======================================================================

:func:`digest` is the SHA-256 of a file's bytes, which a report names beside the file so
that every figure can be traced to the prices it used.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from xlfuncs.methods.budget.prices import PriceRow
from xlfuncs.methods.errors import InputError

_MONEY = re.compile(r"^\s*(-?)\s*£?\s*(-?)([0-9][0-9,]*(\.[0-9]*)?|\.[0-9]+)\s*$")


class BudgetFileError(InputError):
    """A budget-monitoring file that cannot be read (``argument`` is the file)."""


def digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def amount(text: str) -> float | None:
    """A number of pounds or places as a spreadsheet writes it; None when it is not one.

    >>> amount("£1,250.50"), amount(" 700 "), amount("-£3"), amount("n/a"), amount("")
    (1250.5, 700.0, -3.0, None, None)
    """
    found = _MONEY.match(text or "")
    if not found:
        return None
    value = float(found.group(3).replace(",", ""))
    return -value if (found.group(1) or found.group(2)) else value


def _rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    """(line number, {column: text}) of every non-blank row; columns lower case."""
    if not path.is_file():
        raise BudgetFileError(str(path), "file not found")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")  # Excel's "CSV" on Windows
        except UnicodeDecodeError:
            raise BudgetFileError(str(path), "not text: save the file as CSV") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise BudgetFileError(str(path), "the file is empty")
    names = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise BudgetFileError(str(path), f"missing column{'s' if len(missing) > 1 else ''} "
                              f"{', '.join(missing)} (the header has {', '.join(n for n in names if n)})")
    wanted = [c for c in (*required, *optional) if c in names]
    position = {c: names.index(c) for c in wanted}
    out = []
    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        out.append((number, {c: (fields[i].strip() if i < len(fields) else "") for c, i in position.items()}))
    return out


def _number(path: Path, line: int, column: str, text: str) -> float:
    value = amount(text)
    if value is None:
        shown = "blank" if not text else "not a number"
        raise BudgetFileError(str(path), f"line {line}: {column} is {shown}")
    return value


def read_costs(path: str | Path) -> list[PriceRow]:
    """Price rows of a costs file; the ``child`` column (the council's own reference) is read
    for matching only and never appears in a message."""
    path = Path(path)
    rows = []
    for line, row in _rows(path, ("placement", "weekly_cost"), ("provider", "child")):
        if not row["placement"]:
            raise BudgetFileError(str(path), f"line {line}: placement is blank")
        rows.append(PriceRow(row["placement"], row.get("provider", ""),
                             _number(path, line, "weekly_cost", row["weekly_cost"]),
                             row.get("child", ""), line))
    if not rows:
        raise BudgetFileError(str(path), "no weekly costs in the file")
    return rows


def read_budget(path: str | Path) -> dict[str, float]:
    """``{line: budget}``; a line given twice is refused."""
    path = Path(path)
    out: dict[str, float] = {}
    lines: dict[str, int] = {}
    for number, row in _rows(path, ("line", "budget")):
        name = row["line"].strip()
        if not name:
            raise BudgetFileError(str(path), f"line {number}: line is blank")
        if name in out:
            raise BudgetFileError(str(path), f"line {number}: {name} has a budget already (line "
                                  f"{lines[name]}): give each line once")
        out[name] = _number(path, number, "budget", row["budget"])
        lines[name] = number
    return out


def read_lines(path: str | Path) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """(mapping rows ``(code, provider, line)``, ``{line: label}``) of a budget-line file."""
    path = Path(path)
    rules, labels = [], {}
    for number, row in _rows(path, ("placement", "line"), ("provider", "label")):
        if not row["placement"] or not row["line"]:
            raise BudgetFileError(str(path), f"line {number}: placement and line are both needed")
        rules.append((row["placement"], row.get("provider", ""), row["line"]))
        if row.get("label"):
            labels[row["line"]] = row["label"]
    return rules, labels


def read_capacity(path: str | Path) -> list[tuple[str, str, float]]:
    """Capacity rows ``(line, age band or "", places)`` (sources summed by the method)."""
    path = Path(path)
    out = []
    for number, row in _rows(path, ("line", "places"), ("age_band", "source")):
        out.append((row["line"], row.get("age_band", ""), _number(path, number, "places", row["places"])))
    return out


def line_error(path: str | Path, exc: InputError) -> BudgetFileError:
    """A method's complaint about a file's rows, as a failure naming the file."""
    return BudgetFileError(str(path), exc.detail)
