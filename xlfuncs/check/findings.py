"""What ``xlfuncs check`` reports: one :class:`Finding` per problem, gathered in a
:class:`CheckReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Kinds of finding, in the order they are reported, with what ``--fix`` does about each.
KINDS = {
    "macro": "dropped",
    "workbook-link": "formulas replaced by their last values, link dropped",
    "addin-link": "calls normalised to plain xlfuncs function names, link dropped",
    "data-connection": "not fixed: remove it in Excel (Data > Queries & Connections)",
    "embedded-object": "not fixed: delete the object in Excel",
    "hidden-sheet": "sheet made visible, so whoever opens the file sees what it holds",
    "hidden-cells": "rows and columns made visible",
    "personal-data": "cell blanked (columns are kept, so references still hold); a formula is kept without its last value",
    "personal-text": "taken out: a comment's text replaced, a cache emptied, a custom XML item dropped, other text redacted",
    "author": 'cleared (each author becomes "Author", as Excel\'s "remove personal information" does)',
    "small-count": 'shown as "c", as DfE publishes suppressed figures',
}


@dataclass(frozen=True)
class Finding:
    """One problem in a workbook: its kind, where it is, and a message for a person."""

    kind: str
    where: str  # "Sheet!A1", a part name, or a sheet title
    message: str

    @property
    def fix(self) -> str:
        return KINDS[self.kind]

    @property
    def fixable(self) -> bool:
        return not KINDS[self.kind].startswith("not fixed")

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.message}"


@dataclass
class CheckReport:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    #: What the recipient should know that is not a problem (exit status 0): e.g. that the
    #: workbook calls xlfuncs functions.
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    def by_kind(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for kind in KINDS:
            found = [f for f in self.findings if f.kind == kind]
            if found:
                out[kind] = found
        return out

    def summary(self) -> str:
        counts = ", ".join(f"{len(found)} {kind}" for kind, found in self.by_kind().items())
        return f"{self.path}: {len(self.findings)} finding{'s' if len(self.findings) != 1 else ''}" + (
            f" ({counts})" if counts else ""
        )
