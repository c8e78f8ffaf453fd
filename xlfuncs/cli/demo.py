"""``xlfuncs demo``: the main jobs on the bundled (synthetic) samples.

Builds every template from code (the same bytes as ``workbooks/``), recalculates each without
Excel into an output folder and prints its headline results; then forecasts children in care
from the bundled SSDA903 sample return, runs the month-end budget report on it (forecast outturn
against budget by placement line, sufficiency, the outturn back-test) and runs the
spend-variation template for every council of the bundled panel (the samples ship in the wheel, so this works wherever xlfuncs is
installed).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from xlfuncs.resources import samples_dir

NAME = "demo"
HELP = "Run the main jobs on the bundled (synthetic) sample data and print the headline results."


def add_arguments(parser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("xlfuncs-demo"), help="output folder (default: xlfuncs-demo)"
    )


def _formats(workbook_bytes: bytes, names: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Number format of each headline cell, so the demo prints £, % as the template shows."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    out = {}
    for name, (sheet, ref) in names.items():
        if sheet in book.sheetnames:
            out[name] = book[sheet][ref.split(":")[0]].number_format or ""
    return out


def show(value, number_format: str = "") -> str:
    """A headline value as the template's cell shows it, roughly (percent, thousands,
    decimals); the labels carry the units.

    >>> show(1225153.5, '£#,##0;[Red]-£#,##0'), show(0.995, "0.0%"), show(0.51)
    ('1,225,154', '99.5%', '0.51')
    """
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if "%" in number_format:
        return f"{value:.1%}"
    decimals = 2 if ".00" in number_format or ("£" not in number_format and abs(value) < 1000) else 0
    return f"{value:,.{decimals}f}"


def run(args) -> int:
    from tqdm import tqdm

    from xlfuncs.engine import recalculate
    from xlfuncs.templates import build_bytes, templates
    from xlfuncs.xlsx.atomic import write_bytes

    out: Path = args.out
    built = out / "templates"
    built.mkdir(parents=True, exist_ok=True)
    found = templates()
    failures = 0
    results = []
    with tqdm(total=len(found), desc="Recalculating templates", unit="workbook", file=sys.stderr, disable=None) as bar:
        for filename, template in found.items():
            bar.set_postfix_str(filename)
            source = built / filename
            data = build_bytes(template)
            write_bytes(source, data)
            report = recalculate(source, out / filename)
            results.append((template, report, _formats(data, report.names)))
            bar.update()
    for template, report, formats in results:
        print(f"\n{template.title}  ->  {report.target}")
        print(f"  {report.formula_cells} formula cells recalculated in {report.seconds:.2f} s")
        for label, name in template.headlines:
            print(f"  {label}: {show(report.named(name), formats.get(name, ''))}")
        for cell, message in sorted(report.errors.items()):
            failures += 1
            print(f"  error {cell}: {message}")
    samples = samples_dir()
    if (samples / "ssda903").is_dir():
        failures += _forecast_903(out)
    if (samples / "ssda903").is_dir() and (samples / "budget_costs.csv").is_file():
        failures += _budget_903(out)
    if (samples / "councils.csv").exists() and "spend_variation.xlsx" in found:
        failures += _every_council(out / "templates" / "spend_variation.xlsx", out / "spend-variation")
    return 1 if failures else 0


def _forecast_903(out: Path) -> int:
    from xlfuncs.cli import main

    print("\nStock-flow forecast from the SSDA903 sample return (xlfuncs forecast-903)")
    target = out / "forecast-903.csv"
    return main(["forecast-903", "--sample", "--months", "24", "--out", str(target)])


#: The as-at date of the demo's month-end report (a month end of the sample's last year).
BUDGET_AS_AT = "2022-12-31"


def _budget_903(out: Path) -> int:
    from xlfuncs.cli import main

    samples = samples_dir()
    print(f"\nMonth-end budget report as at {BUDGET_AS_AT} on the SSDA903 sample return (xlfuncs budget-903)")
    folder = out / "budget-903"
    return main(["budget-903", "--sample", "--as-at", BUDGET_AS_AT,
                 "--costs", str(samples / "budget_costs.csv"), "--budget", str(samples / "budget.csv"),
                 "--capacity", str(samples / "budget_capacity.csv"),
                 "--out", str(folder / "report.csv"), "--sufficiency", str(folder / "sufficiency.csv"),
                 "--high-cost", str(folder / "high-cost.csv"), "--backtest", str(folder / "backtest.csv"),
                 "--template", str(folder / "budget_monitoring.xlsx")])


def _every_council(template: Path, out: Path) -> int:
    from xlfuncs.batch.runner import run_batch

    result = run_batch(template, samples_dir() / "councils.csv", out)
    assert result.summary is not None  # run_batch always writes the summary
    with result.summary.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows.sort(key=lambda r: float(r["SpendGap"]), reverse=True)
    print(f"\nSpend variation for every council ({result.written + result.skipped} workbooks)  ->  {out}")
    print("  Furthest above the spend per head the five factors predict:")
    for row in rows[:3]:
        print(f"    {row['CouncilName']}: £{float(row['ActualSpend']):,.0f} against £{float(row['ExpectedSpend']):,.0f} expected")
    return 1 if result.errors else 0
