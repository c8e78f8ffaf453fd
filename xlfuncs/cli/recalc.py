"""``xlfuncs recalc IN.xlsx -o OUT.xlsx``: recalculate a workbook without Excel."""

from __future__ import annotations

from pathlib import Path

NAME = "recalc"
HELP = (
    "Recalculate every formula of a workbook without Excel and save it with its values "
    "(a workbook with macros is written to an .xlsm only)."
)


def add_arguments(parser) -> None:
    parser.add_argument("workbook", type=Path, help="the .xlsx to recalculate (never modified)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the result")
    parser.add_argument(
        "--engine",
        choices=["auto", "compiled", "formulas"],
        default="auto",
        help="auto (default) or compiled: the compiled evaluator (standard functions it lacks computed "
        "by IronCalc); formulas: the formulas package, for comparison",
    )


def run(args) -> int:
    from xlfuncs.engine import recalculate
    from xlfuncs.xlsx.package import read_package
    from xlfuncs.xlsx.writer import refuse_macros

    # before any work: an .xlsm's macros never go into an .xlsx
    refuse_macros(read_package(args.workbook), args.output)
    report = recalculate(args.workbook, args.output, engine=args.engine)
    engine = report.engine + (f"; the compiled evaluator does not know {report.fallback_reason}" if report.fallback_reason else "")
    print(
        f"{args.output}: {report.formula_cells} formula cells recalculated "
        f"in {report.seconds:.2f} s (engine: {engine})"
    )
    if report.unknown_functions:
        print(f"  unknown functions (#NAME? in their cells): {', '.join(report.unknown_functions)}")
    for cell, message in sorted(report.errors.items()):
        print(f"  {cell}: {message}")
    return 0
