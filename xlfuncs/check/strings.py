"""The shared-strings table: the text of every cell saved by Excel or LibreOffice.

A cell holding text points at an item of ``xl/sharedStrings.xml``; blanking the cell leaves
the item, so the table is where "blanked" text survives. Items no cell uses (left by a
deleted row, or by an earlier clean-up) and phonetic guides (text kept beside an item but not
shown) are read here; the text cells show is read cell by cell (:mod:`xlfuncs.check.personal`).
``--fix`` rebuilds the table from the cells that remain (:mod:`xlfuncs.check.fix`).
"""

from __future__ import annotations

from collections.abc import Iterator

from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import kinds
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.shared_strings import PART, iter_shared_items


def personal_phonetics(survey: Survey) -> set[int]:
    """Positions of items whose phonetic guide holds personal data."""
    return {
        position
        for position, _shown, phonetic in iter_shared_items(survey.archive, survey.package.members)
        if phonetic and survey.identifiers.find(phonetic)
    }


def scan(survey: Survey) -> Iterator[Finding]:
    unused: list = []
    phonetic: list = []
    for position, shown, guide in iter_shared_items(survey.archive, survey.package.members):
        if position not in survey.used_strings:
            unused.extend(survey.identifiers.find(shown) + survey.identifiers.find(guide))
        elif guide:
            phonetic.extend(survey.identifiers.find(guide))
    if unused:
        yield Finding("personal-text", f"{PART}: strings no cell uses", f"the shared-strings table still holds {kinds(unused)}")
    if phonetic:
        yield Finding("personal-text", f"{PART}: phonetic guides", f"text kept beside the cells' strings holds {kinds(phonetic)}")
