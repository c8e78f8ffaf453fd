"""CSV written by xlfuncs cannot carry formulas into the spreadsheet that opens it.

A CSV cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which some spreadsheets skip before reading the rest) is read as a formula by Excel and
LibreOffice: ``=HYPERLINK(...)`` or a DDE call in a council's data would run on a colleague's
machine (OWASP "CSV injection"). Every CSV that the command line writes goes through
:func:`safe_csv_cell`, which puts a single quote before such text so it shows as written.

Numbers stay numbers: ``-5`` as an int or float is written as ``-5``, and so is text that is
exactly a number (``"-12.5"``), since no spreadsheet runs a number.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

from xlfuncs.xlsx.atomic import write_text

#: First characters that make a spreadsheet read a cell as a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def safe_csv_cell(value: Any) -> Any:
    """``value`` made safe for a CSV cell: text that a spreadsheet would run as a formula gets
    a leading single quote; everything else is returned unchanged.

    >>> safe_csv_cell('=HYPERLINK("http://example.invalid","x")')
    '\\'=HYPERLINK("http://example.invalid","x")'
    >>> safe_csv_cell("@SUM(A1)"), safe_csv_cell("+44 20"), safe_csv_cell(" =1")
    ("'@SUM(A1)", "'+44 20", "' =1")
    >>> safe_csv_cell(-5), safe_csv_cell("-12.5"), safe_csv_cell("Example Borough A")
    (-5, '-12.5', 'Example Borough A')
    """
    if not isinstance(value, str) or not value:
        return value
    stripped = value.lstrip(" \t\r\n")
    if not stripped:
        return value
    if stripped[0] in TRIGGERS or value[0] in TRIGGERS:
        if _PLAIN_NUMBER.match(value.strip()):
            return value
        return "'" + value
    return value


def safe_csv_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`safe_csv_cell`."""
    return [safe_csv_cell(v) for v in row]


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value


def write_safe_csv(
    data: Any,
    path: str | os.PathLike[str] | None = None,
    header: Sequence[str] | None = None,
    *,
    index: bool = False,
) -> str | None:
    """Write rows (an iterable of sequences) or a pandas DataFrame as CSV, every cell guarded.

    With ``path`` the file appears atomically (written beside it, then renamed) and ``None`` is
    returned; without, the CSV text is returned. NaN is written as an empty cell.

    >>> print(write_safe_csv([["=1+1", 2.5], ["ok", -3]], header=["a", "b"]), end="")
    a,b
    '=1+1,2.5
    ok,-3
    """
    rows: Iterable[Sequence[Any]]
    columns: Sequence[Any] | None = header
    frame_type: type | None
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        frame_type = None
    else:
        frame_type = pd.DataFrame
    if frame_type is not None and isinstance(data, frame_type):
        frame = data.reset_index() if index else data
        columns = [str(c) for c in frame.columns] if header is None else header
        rows = frame.itertuples(index=False, name=None)
    else:
        rows = data
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if columns is not None:
        writer.writerow(safe_csv_row(columns))
    for row in rows:
        writer.writerow(safe_csv_row(_plain(v) for v in row))
    text = buffer.getvalue()
    if path is None:
        return text
    write_text(path, text)
    return None
