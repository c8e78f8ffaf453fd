"""``xlfuncs portable IN.xlsx -o OUT.xlsx``: a copy that works without the add-in.

Every xlfuncs call becomes the same calculation in Excel's own functions, so the copy stays live
in Excel or LibreOffice without xlfuncs; the few functions that have no such form keep their
values, with a note on the cell. Exit status 0 (also when the workbook calls no xlfuncs
function: it is copied unchanged), 2 when the file cannot be read or a call reads another
workbook.
"""

from __future__ import annotations

from pathlib import Path

NAME = "portable"
HELP = (
    "Write a copy of a workbook that works without the add-in: every xlfuncs call in Excel's own "
    "functions, or (for the few with none) its value with a note on the cell."
)


def add_arguments(parser) -> None:
    parser.add_argument("workbook", type=Path, help="the .xlsx to make portable (never modified)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the portable copy (.xlsx)")


def run(args) -> int:
    from xlfuncs.cli import UserError
    from xlfuncs.portable import make_portable

    if args.output.suffix.lower() != ".xlsx":
        raise UserError(f"{args.output}: the portable copy is a plain workbook: give it an .xlsx name")
    report = make_portable(args.workbook, args.output)
    print(report.summary())
    for conversion in report.frozen:
        print(f"  frozen {conversion.where}: {conversion.frozen_function}: {conversion.reason}")
    for conversion in report.live:
        for note in conversion.notes:
            print(f"  note {conversion.where}: {note}")
    return 0
