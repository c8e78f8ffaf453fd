"""Counts of children small enough to identify someone: 1 to 5 in a data table.

DfE's statistical disclosure control suppresses published counts of children from 1 to 5 (shown
as "c"). A template shared between councils should carry none: a count of 3 unaccompanied
children in one council's table can point at three known children.

A cell is taken as such a count when all of these hold:

* it is a constant (not a formula) holding a whole number from 1 to 5;
* it sits in a data table: at least one more number in the same column under the same heading,
  or in the same row beside the same label;
* its column heading or row label speaks of children or events of children (children, looked
  after, in need, placements, starters, leavers, UASC, adoptions, referrals, ...);
* neither label speaks of a model parameter (years, horizons, scenarios, rates, percentages,
  costs, weeks, hours, weights, multipliers such as "Entrants x", ranks, draws, ...) nor is only
  about age, its number format is not a
  percentage or currency, and no defined name points at the cell alone (a named single cell
  is a model input such as a forecast horizon).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from xlfuncs.check.cells import Cell

COUNT_WORDS = re.compile(
    r"\b(child|children|childrens|young people|young person|pupils?|cla|lac|cin|cpp|cp|uasc|"
    r"looked after|in care|in need|protection|care leavers?|leavers?|starters?|entrants?|"
    r"entering|entered|ceased|leaving|left care|placements?|placed|episodes?|admissions?|"
    r"referrals?|re referrals?|assessments?|adopt\w*|sgos?|special guardianship|missing|"
    r"families|mothers|women|babies|people|persons|cases|count|counts|number of|no of|"
    r"how many|headcount)\b"
)
PARAMETER_WORDS = re.compile(
    r"(\b(years?|yr|horizon|scenarios?|rates?|percent|percentage|proportion|share|"
    r"ratio|costs?|spend|spending|price|prices|budget|fees?|weeks?|weekly|days?|daily|months?|"
    r"monthly|quarters?|period|periods|step|index|rank|ranking|version|factor|weights?|"
    r"multiplier|draws|seed|percentile|confidence|elasticity|lag|order|option|"
    r"choice|method|row|column|code|target|level|tier|score|scale|priority|duration|length|"
    r"per|average|mean|median|trend|forecast|projection|projected|growth|change|hours?|"
    r"minutes?|time|fte|staff|x|times|scales?|scaled|adjustment|uplift|assumptions?|"
    r"parameters?|settings?|inputs?)\b|%|£|×)"
)
#: A label that is only about age: the numbers under it are ages, not counts.
AGE_LABEL = re.compile(r"^\s*(age|ages|age band|age group|age at \w+( \w+)?)\s*$")
_MONEY_OR_PERCENT = re.compile(r"[%£$€]")
_MAX_LABEL = 120


def _runs(cells: Mapping[tuple[int, int], Cell], along: int) -> dict[tuple[int, int], tuple[str, int]]:
    """For every number cell: the text heading its run of numbers (the first cell before the
    run, if text) and how many numbers the run holds, going down columns (``along`` = 0) or
    along rows (``along`` = 1). One pass over the cells: linear in the sheet's size."""
    lines: dict[int, list[tuple[int, Cell]]] = {}
    for key, cell in cells.items():
        lines.setdefault(key[1 - along], []).append((key[along], cell))
    out: dict[tuple[int, int], tuple[str, int]] = {}
    for fixed, items in lines.items():
        items.sort(key=lambda item: item[0])
        run: list[tuple[int, int]] = []
        heading = ""
        previous_position = None
        previous_cell: Cell | None = None

        for position, cell in items:
            contiguous = previous_position is not None and position == previous_position + 1
            if cell.is_number and not cell.empty:
                if not (contiguous and run):
                    _close(out, run, heading)
                    run = []
                    heading = (
                        previous_cell.value
                        if contiguous and previous_cell is not None and previous_cell.is_text
                        else ""
                    )
                run.append((position, fixed) if along == 0 else (fixed, position))
            else:
                _close(out, run, heading)
                run = []
            previous_position, previous_cell = position, (None if cell.empty else cell)
            if previous_cell is None:
                previous_position = None
        _close(out, run, heading)
    return out


def _close(out: dict, run: list[tuple[int, int]], heading: str) -> None:
    for key in run:
        out[key] = (heading, len(run))


def _words(label: str) -> str:
    return re.sub(r"[^a-z0-9%£]+", " ", label.lower().replace("-", " "))[:_MAX_LABEL]


def is_small_count(value: object) -> bool:
    """A whole number from 1 to 5.

    >>> [is_small_count(v) for v in (3, 3.0, 0, 6, 2.5, True, "3")]
    [True, True, False, False, False, False, False]
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return 1 <= value <= 5 and float(value).is_integer()


def find_small_counts(
    cells: Mapping[tuple[int, int], Cell], named_cells: Iterable[tuple[int, int]] = ()
) -> Iterator[tuple[Cell, str]]:
    """(cell, why) for each count of children from 1 to 5 in a data table of one sheet."""
    named = set(named_cells)
    down, across = _runs(cells, 0), _runs(cells, 1)
    for (row, col), cell in sorted(cells.items()):
        if cell.formula is not None or not is_small_count(cell.value) or (row, col) in named:
            continue
        if _MONEY_OR_PERCENT.search(cell.number_format or ""):
            continue
        heading, column_numbers = down.get((row, col), ("", 1))
        label, row_numbers = across.get((row, col), ("", 1))
        column_table, row_table = column_numbers >= 2, row_numbers >= 2
        if not (column_table or row_table):
            continue
        labels = _words(heading) + " | " + _words(label)
        if PARAMETER_WORDS.search(labels) or not COUNT_WORDS.search(labels):
            continue
        if AGE_LABEL.match(_words(heading)) or AGE_LABEL.match(_words(label)):
            continue
        shown = " / ".join(f'"{t.strip()}"' for t in (heading, label) if t and t.strip())
        yield cell, f"{int(cell.value)} in a table of counts of children ({shown}): DfE suppresses counts from 1 to 5"
