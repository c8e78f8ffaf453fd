"""Benchmark: a 100,000-row batch of a template, summary only, in time and memory.

    python bench/batch_rows.py [--rows 100000] [--template stock_flow]

Writes a CSV of ``--rows`` input sets for the template's inputs (stock_flow: the inflation
rate, one per row), runs ``xlfuncs batch TEMPLATE CSV --out DIR --summary-only`` as a fresh
process, and prints its wall-clock time and peak resident memory. Target: under 30 s and
under 1 GiB for 100,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Each template's input columns and how a row's value is drawn.
INPUTS = {
    "stock_flow": {"Inflation": lambda r: round(r.uniform(0.0, 0.05), 4)},
    "lac_forecast": {
        "BaseCount": lambda r: r.randint(100, 900),
        "Inflation": lambda r: round(r.uniform(0.0, 0.05), 4),
        "TargetRate": lambda r: r.randint(40, 90),
    },
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--template", choices=sorted(INPUTS), default="stock_flow")
    args = parser.parse_args()
    draw = random.Random(100_000)
    with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-") as temp:
        data = Path(temp) / "rows.csv"
        columns = INPUTS[args.template]
        with data.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", *columns])
            for i in range(args.rows):
                writer.writerow([f"row{i}", *(make(draw) for make in columns.values())])
        template = ROOT / "workbooks" / f"{args.template}.xlsx"
        command = [sys.executable, "-m", "xlfuncs", "batch", str(template), str(data), "--out", str(Path(temp) / "out"), "--summary-only", "--key", "id"]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"{args.template}: {args.rows:,} rows, summary only: {seconds:.1f} s, peak memory {peak:,.0f} MiB")
    print("target: under 30 s and under 1 GiB for 100,000 rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
