"""The people a file names as its authors: document properties, comment authors, the
people of threaded comments, the user who reserved the file.

Their names are personal data wherever else they appear (a footer "Prepared by ...", a
chart title), so the rest of the package is searched for them
(:func:`xlfuncs.check.survey.survey`). Names that are a program's ("openpyxl", "Microsoft
Office User") are not a person's and are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlfuncs.check.identifiers import is_software
from xlfuncs.xlsx.xml import WorkbookError

if TYPE_CHECKING:
    from xlfuncs.check.survey import Survey


def names(survey: Survey) -> list[str]:
    """Every person named as an author somewhere in the package."""
    from xlfuncs.check import comments, properties
    from xlfuncs.check import names as defined_names

    out: list[str] = []
    for part in survey.package.members:
        kind = survey.kind(part)
        if kind not in (
            "core-properties", "app-properties", "custom-properties", "comments", "persons", "workbook", "pivot-cache",
        ):  # fmt: skip
            continue
        try:
            root = survey.read(part)
        except (WorkbookError, KeyError):
            continue
        if kind in ("comments", "persons"):
            out.extend(comments.author_names(kind, root))
        elif kind == "workbook":
            out.extend(defined_names.author_names(root))
        elif kind == "pivot-cache":
            out.append(root.get("refreshedBy") or "")
        else:
            out.extend(properties.author_names(root))
    return [name for name in dict.fromkeys(n.strip() for n in out) if name and not is_software(name)]
