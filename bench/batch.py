"""Benchmark: ``xlfuncs batch`` against LibreOffice, per council, both measured in this run.

    python bench/batch.py

Runs the spend-variation template once per council of the sample panel (151 councils):
xlfuncs through a model compiled once (load and compilation counted), writing one workbook
per council and summary.csv; LibreOffice through one persistent session that sets the
council selector, recalculates and reads the summary cells for each council (it does not save
a workbook per council, which would only add to its time). Target: xlfuncs at least 5x faster
per council. Without LibreOffice the script says so and exits 0 (1 in CI).
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the LibreOffice harness is test support code

from tests.support import libreoffice  # noqa: E402
from xlfuncs.batch.runner import run_batch  # noqa: E402
from xlfuncs.engine.parser import parse  # noqa: E402
from xlfuncs.engine.recalc import Workbook  # noqa: E402

TEMPLATE = ROOT / "workbooks" / "spend_variation.xlsx"
COUNCILS = ROOT / "samples" / "councils.csv"


def main() -> int:
    if not libreoffice.available():
        print("LibreOffice headless is not installed (scripts/install-libreoffice.sh): skipping the benchmark.")
        return 1 if os.environ.get("CI") else 0
    with COUNCILS.open(newline="", encoding="utf-8") as handle:
        codes = [row["Council"] for row in csv.DictReader(handle)]
    with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-") as temp:
        temp = Path(temp)
        parse.cache_clear()  # each run reads and compiles the template itself
        started = time.perf_counter()
        result = run_batch(TEMPLATE, COUNCILS, temp / "with-workbooks")
        with_workbooks = time.perf_counter() - started
        parse.cache_clear()
        started = time.perf_counter()
        run_batch(TEMPLATE, COUNCILS, temp / "summary-only", workbooks=False)
        summary_only = time.perf_counter() - started

        book = Workbook(TEMPLATE)
        names = book.defined_cells()
        sheet, selector = names["Council"]
        outputs = [names[n][1] for n in ("ActualSpend", "ExpectedSpend", "SpendGap") if names[n][0] == sheet]
        with libreoffice.Session(TEMPLATE) as session:
            started = time.perf_counter()
            for code in codes:
                session.run([(sheet, {selector: code})], [(sheet, outputs)])
            lo = time.perf_counter() - started
            saved = temp / "libreoffice"
            saved.mkdir()
            sample = codes[:20]  # saving is slow: time 20 councils and scale
            started = time.perf_counter()
            for code in sample:
                session.run([(sheet, {selector: code})], [(sheet, outputs)])
                session.save(saved / f"{code}.xlsx")
            lo_saving = (time.perf_counter() - started) / len(sample) * len(codes)

    n = len(codes)
    print(f"spend_variation.xlsx for {n} councils ({result.written} workbooks, engine {result.engine})")
    print(f"  xlfuncs batch, a workbook per council   {with_workbooks:7.2f} s  {with_workbooks / n * 1000:7.1f} ms a council")
    print(f"  xlfuncs batch, summary only             {summary_only:7.2f} s  {summary_only / n * 1000:7.1f} ms a council")
    print(f"  LibreOffice session, recalculate + read {lo:7.2f} s  {lo / n * 1000:7.1f} ms a council")
    print(f"  LibreOffice session, + save a workbook  {lo_saving:7.2f} s  {lo_saving / n * 1000:7.1f} ms a council (20 timed)")
    print(f"  summary only against recalculate + read:         xlfuncs {lo / summary_only:.1f}x faster  (target >= 5x)")
    print(f"  a workbook per council against recalculate+save: xlfuncs {lo_saving / with_workbooks:.1f}x faster")
    print(f"  a workbook per council against recalculate only: xlfuncs {lo / with_workbooks:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
