"""Cells that look like child-level personal data.

Two ways to spot them:

* by the column (or row) label: SSDA903's own field names and their plain-English forms:
  ``CHILD`` / child ID, ``UPN`` / unique pupil number, ``DOB`` / ``MC_DOB`` / date of birth,
  ``HOME_POST`` / ``PL_POST`` / postcode, NHS number, forename and surname. Every filled cell
  under (or beside) such a label is flagged;
* by the value's shape, wherever it is: a unique pupil number (a letter other than I, O or S,
  eleven digits, then a digit or letter: DfE's format, as the SSDA903 validator checks it) or a
  full UK postcode filling a cell;
* by what the text of a cell holds (:func:`find_in_text`): the shapes of personal data inside
  longer text ("moved to RM17 6SL"), and values known to be personal elsewhere in the workbook
  (a child ID from an episode table, repeated in a note or in a pivot table's cells); a
  formula's string literals and its last value are read the same way.

Labels naming a count or a rate of children ("Children in need", "Looked-after children per
10,000") are not identifiers: only the forms listed are.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping

from xlfuncs.check.cells import Cell
from xlfuncs.check.identifiers import Identifiers, kinds

#: Label (normalised: lower case, words) -> what the column holds.
_LABELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(la |local authority |former )?child( s)? ?(id|identifier|ref|reference|no|number|code)?$"), "child identifiers"),
    (re.compile(r"^(child|person|client|case|pupil) ?(id|identifier)$"), "child identifiers"),
    (re.compile(r"^(former )?upn$|^(former )?unique pupil number$|^uln$|^unique learner number$"), "unique pupil numbers"),
    (re.compile(r"^(mc )?dob$|^(child s )?date of birth$|^birth ?date$|^d o b$|^mother child dob$"), "dates of birth"),
    (re.compile(r"^(home |placement |pl |child s )?post ?code$|^(home|pl) post$|^postcode (of|at) (home|placement)$"), "postcodes"),
    (re.compile(r"^nhs (no|number)$"), "NHS numbers"),
    (re.compile(r"^(child s )?(forename|surname|first name|last name|family name|given name|full name)s?$|^child s name$|^name of child$"), "names"),
]

UPN = re.compile(r"^[A-HJ-NP-RT-Z]\d{11}[0-9A-Z]$")
POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPS-UW]|[A-HK-Y]\d[ABEHMNPRV-Y]) ?\d[ABD-HJLNP-UW-Z]{2})$",
    re.IGNORECASE,
)
#: A column of data ends after this many empty cells in a row.
_GAP = 5


def normalise(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", label.lower()).strip()


def label_kind(label: str) -> str | None:
    """What a column labelled ``label`` holds, if it names personal data.

    >>> label_kind("CHILD"), label_kind("Date of birth"), label_kind("HOME_POST")
    ('child identifiers', 'dates of birth', 'postcodes')
    >>> label_kind("Children in need"), label_kind("Council")
    (None, None)
    """
    text = normalise(label)
    if not text or len(text) > 40:
        return None
    for pattern, kind in _LABELS:
        if pattern.search(text):
            return kind
    return None


def value_kind(value: object) -> str | None:
    """What a single value is, if its shape alone says it is personal data.

    >>> value_kind("A123456789012"), value_kind("RM17 6SL"), value_kind("E06000034")
    ('unique pupil number', 'postcode', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if UPN.match(text):
        return "unique pupil number"
    if POSTCODE.match(text):
        return "postcode"
    return None


def _looks_like_a_label(cell: Cell) -> bool:
    """Text beside a label that is another label (SSDA903 field names are upper-case words),
    rather than a value: a value is a date, a number, or text with a digit in it."""
    if not cell.is_text:
        return False
    text = cell.value.strip()
    return not any(ch.isdigit() for ch in text) or label_kind(text) is not None


def find_personal(cells: Mapping[tuple[int, int], Cell]) -> Iterator[tuple[Cell, str]]:
    """(cell, why) for every cell of one sheet that looks like personal data."""
    seen: set[tuple[int, int]] = set()
    for (row, col), cell in sorted(cells.items()):
        if not cell.is_text or cell.formula:
            continue
        kind = label_kind(cell.value)
        if kind is None:
            continue
        below = cells.get((row + 1, col))
        step = (1, 0) if below is not None and not below.empty else (0, 1)
        gap = 0
        r, c = row + step[0], col + step[1]
        while gap < _GAP:
            other = cells.get((r, c))
            if other is None or other.empty:
                gap += 1
            else:
                gap = 0
                if step == (0, 1) and _looks_like_a_label(other):
                    break  # a header row of an empty table, not a label and its value
                if (r, c) not in seen:
                    seen.add((r, c))
                    yield other, f'in a column labelled "{cell.value.strip()}" ({kind})'
            r, c = r + step[0], c + step[1]
    for key, cell in sorted(cells.items()):
        if key in seen:
            continue
        kind = value_kind(cell.value)
        if kind:
            seen.add(key)
            yield cell, f"shaped like a {kind}"


def find_in_text(
    cells: Mapping[tuple[int, int], Cell], identifiers: Identifiers, seen: Container[str] = ()
) -> Iterator[tuple[Cell, str]]:
    """(cell, why) for every cell of one sheet (not in ``seen``, by A1) whose text, formula
    literals or last value hold personal data."""
    from xlfuncs.check.sweep import literal_matches

    for _key, cell in sorted(cells.items()):
        if cell.ref in seen:
            continue
        found = identifiers.find(cell.value) if isinstance(cell.value, str) else []
        if found:
            what = "its last value" if cell.formula else "the cell"
            yield cell, f"{what} holds {kinds(found)}"
            continue
        if cell.formula:
            found = literal_matches(cell.formula, identifiers)
            if found:
                yield cell, f"its formula holds {kinds(found)}"
