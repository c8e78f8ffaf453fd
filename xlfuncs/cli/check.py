"""``xlfuncs check FILE.xlsx [--fix -o CLEAN.xlsx]``: is a template safe to share?

Exit status: 0 when nothing is found (or the cleaned copy passes), 1 when findings remain,
2 when the file cannot be read.
"""

from __future__ import annotations

from pathlib import Path

NAME = "check"
HELP = (
    "Check a workbook before it is shared: macros, links to other workbooks or add-ins, hidden "
    "data, child-level personal data, counts of 1-5 children. --fix -o CLEAN.xlsx writes a cleaned copy."
)


def add_arguments(parser) -> None:
    parser.add_argument("workbook", type=Path, help="the .xlsx (or .xlsm) to check (never modified)")
    parser.add_argument("--fix", action="store_true", help="write a cleaned copy (needs -o)")
    parser.add_argument("-o", "--output", type=Path, help="where --fix writes the cleaned copy (.xlsx)")


def _print_findings(report) -> None:
    for kind, found in report.by_kind().items():
        print(f"  {kind} ({len(found)}): --fix: {found[0].fix}")
        for finding in found[:20]:
            print(f"    {finding.where}: {finding.message}")
        if len(found) > 20:
            print(f"    ... and {len(found) - 20} more")


def run(args) -> int:
    from xlfuncs.check import check_workbook, fix_workbook
    from xlfuncs.cli import UserError

    if args.fix and args.output is None:
        raise UserError("--fix needs -o CLEAN.xlsx: the checked file itself is never changed")
    if args.output is not None and not args.fix:
        raise UserError("-o is only used with --fix")
    if not args.fix:
        report = check_workbook(args.workbook)
        print(report.summary())
        _print_findings(report)
        for note in report.notes:
            print(f"  note: {note}")
        if report.clean:
            print("  nothing found: the workbook can be shared")
        return 0 if report.clean else 1
    result = fix_workbook(args.workbook, args.output)
    print(result.before.summary())
    _print_findings(result.before)
    print(f"cleaned copy written to {result.target}:")
    for action in result.actions or ["nothing needed changing"]:
        print(f"  {action}")
    print(result.after.summary())
    if result.after.clean:
        print("  the cleaned copy passes the check")
        return 0
    _print_findings(result.after)
    return 1
