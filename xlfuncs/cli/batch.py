"""``xlfuncs batch TEMPLATE.xlsx DATA.csv --out DIR``: one workbook per council or scenario."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "batch"
HELP = (
    "Recalculate a template once per row of a CSV (each column feeds the input cell of the same "
    "defined name); writes one workbook per row and summary.csv, and resumes an interrupted run."
)


def add_arguments(parser) -> None:
    parser.add_argument("template", type=Path, help="the template .xlsx (never modified)")
    parser.add_argument("data", type=Path, help="CSV with one row per council or scenario")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--key", default=None, help="column naming each row (default: Council, la_code, new_la_code, code or the first column)")
    parser.add_argument("--summary-only", action="store_true", help="write summary.csv without a workbook per row")


def run(args) -> int:
    from tqdm import tqdm

    from xlfuncs.batch.journal import INPUTS
    from xlfuncs.batch.runner import run_batch

    def progress(iterator, total):
        return tqdm(iterator, total=total, desc="Councils", unit="row", file=sys.stderr, disable=None)

    result = run_batch(
        args.template, args.data, args.out, key=args.key, progress=progress, workbooks=not args.summary_only
    )
    why = f" ({result.why()})" if result.written else ""
    print(
        f"{args.out}: {result.written} rows recalculated{why}, {result.skipped} already done "
        f"(engine: {result.engine}); summary in {result.summary}"
    )
    for reason, keys in sorted(result.reasons.items()):
        if reason == INPUTS and len(keys) <= 20:
            print(f"  {reason}: {', '.join(keys)}")
    for key, count in sorted(result.errors.items()):
        print(f"  {key}: {count} error cells")
    return 0
