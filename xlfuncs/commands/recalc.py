"""``xlfuncs recalc IN.xlsx -o OUT.xlsx``: recalculate a workbook without Excel."""

from __future__ import annotations

from pathlib import Path

NAME = "recalc"
HELP = "Recalculate every formula of a workbook without Excel and save it with its values."


def add_arguments(parser) -> None:
    parser.add_argument("workbook", type=Path, help="the .xlsx to recalculate (never modified)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the result")


def run(args) -> int:
    from ..engine import recalculate

    report = recalculate(args.workbook, args.output)
    print(
        f"{args.output}: {report.formula_cells} formula cells recalculated "
        f"in {report.seconds:.2f} s"
    )
    for cell, message in sorted(report.errors.items()):
        print(f"  {cell}: {message}")
    return 0
