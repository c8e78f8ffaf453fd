"""``xlfuncs demo``: the main job on the bundled samples.

Builds every template from code (the same bytes as ``workbooks/``), recalculates each without
Excel into an output folder and prints its headline results.
"""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "demo"
HELP = "Recalculate every template on the bundled (synthetic) sample data and print the headlines."


def add_arguments(parser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("xlfuncs-demo"), help="output folder (default: xlfuncs-demo)"
    )


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def run(args) -> int:
    from tqdm import tqdm

    from ..engine import recalculate
    from ..templates import build_bytes, templates

    out: Path = args.out
    built = out / "templates"
    built.mkdir(parents=True, exist_ok=True)
    found = templates()
    failures = 0
    results = []
    with tqdm(total=len(found), desc="Recalculating templates", unit="workbook", file=sys.stderr) as bar:
        for filename, template in found.items():
            bar.set_postfix_str(filename)
            source = built / filename
            source.write_bytes(build_bytes(template))
            report = recalculate(source, out / filename)
            results.append((template, report))
            bar.update()
    for template, report in results:
        print(f"\n{template.title}  ->  {report.target}")
        print(f"  {report.formula_cells} formula cells recalculated in {report.seconds:.2f} s")
        for label, name in template.headlines:
            print(f"  {label}: {_format(report.named(name))}")
        for cell, message in sorted(report.errors.items()):
            failures += 1
            print(f"  error {cell}: {message}")
    return 1 if failures else 0
