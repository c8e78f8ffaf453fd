"""Cell references: column letters, ``A1`` addresses and the cells of a range."""

from __future__ import annotations

import re

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_index(letters: str) -> int:
    """The column number of ``letters``: A is 1, Z 26, AA 27, XFD 16384.

    >>> col_index("A"), col_index("aa"), col_index("XFD")
    (1, 27, 16384)
    """
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def col_letters(index: int) -> str:
    """The letters of column ``index``.

    >>> col_letters(1), col_letters(27), col_letters(16384)
    ('A', 'AA', 'XFD')
    """
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def parse_cell(ref: str) -> tuple[int, int]:
    """``(row, column)`` of an address like ``B3`` or ``$B$3``.

    >>> parse_cell("$B$3")
    (3, 2)
    """
    match = _CELL.match(ref)
    if not match:
        raise ValueError(ref)
    return int(match.group(2)), col_index(match.group(1))


def cell_ref(row: int, col: int) -> str:
    """The ``A1`` address of ``(row, column)``."""
    return f"{col_letters(col)}{row}"


def cells_of(ref: str) -> list[str]:
    """Every cell of a range like ``B2:C4``, row by row.

    >>> cells_of("B2:C3")
    ['B2', 'C2', 'B3', 'C3']
    """
    first, _, last = ref.replace("$", "").partition(":")
    r1, c1 = parse_cell(first)
    r2, c2 = parse_cell(last or first)
    return [f"{col_letters(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
