"""Benchmark: headless recalculation against LibreOffice, both measured in this run.

    python bench/recalc.py [--repeat 3]

Builds the 152-council model workbook (about 4,500 formula cells, bench/council_model.py), then
(a) one full cold recalculation: ``xlfuncs recalc`` as a fresh process, from reading the file to
    writing the output, against LibreOffice's command-line conversion with recalculation forced
    on load (its start-up included). Target: ratio <= 0.5.
(b) batch what-if: 152 input sets (one per council) through a model compiled once, against one
    persistent LibreOffice session that sets the inputs, recalculates and reads the outputs for
    each set; compared twice, like with like: each side's load included (xlfuncs' load and
    compilation, LibreOffice's start and load), and the sets alone once both have the model
    loaded. Target: xlfuncs at least 10x faster.
Also prints the ``formulas`` engine alone, for reference. Without LibreOffice the script says
so and exits 0 (in CI, where CI=true, it exits 1).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the LibreOffice harness is test support code
import council_model  # noqa: E402

from tests.support import libreoffice  # noqa: E402


def _time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def input_sets(count: int, seed: int = 152) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    return [
        {
            "B1": float(rng.uniform(-0.02, 0.08)),
            "B2": float(rng.uniform(0.0, 0.06)),
            "B3": float(rng.uniform(0.015, 0.05)),
            "B4": float(rng.uniform(0.2, 0.8)),
        }
        for _ in range(count)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) per engine; the median counts")
    args = parser.parse_args()
    if not libreoffice.available():
        print("LibreOffice headless is not installed (scripts/install-libreoffice.sh): skipping the benchmark.")
        return 1 if os.environ.get("CI") else 0
    with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-") as temp:
        temp = Path(temp)
        model = council_model.build(temp / "council_model.xlsx")
        xlfuncs_cmd = [sys.executable, "-m", "xlfuncs", "recalc", str(model), "-o", str(temp / "out.xlsx")]
        subprocess.run(xlfuncs_cmd, check=True, capture_output=True)  # warm the file cache once
        cold_xlfuncs = _time(lambda: subprocess.run(xlfuncs_cmd, check=True, capture_output=True), args.repeat)
        profile = libreoffice.make_profile(temp / "profile")
        cold_lo = _time(lambda: libreoffice.recalculate_file(model, temp / "lo", profile=profile), args.repeat)

        from xlfuncs.engine.recalc import Workbook

        # The formulas engine alone, for reference, in its own process: its object graph
        # would otherwise slow the garbage collector for everything measured after it.
        probe = (
            "import sys, time; from xlfuncs.engine.recalc import Workbook; t = time.perf_counter(); "
            "Workbook(sys.argv[1], engine='formulas').calculate(); print(time.perf_counter() - t)"
        )
        formulas_alone = float(
            subprocess.run([sys.executable, "-c", probe, str(model)], check=True, capture_output=True, text=True).stdout
        )

        sets = input_sets(council_model.COUNCILS)
        outputs = council_model.OUTPUT_CELLS
        started = time.perf_counter()
        book = Workbook(model, engine="compiled")
        inputs = {
            ("Assumptions", *_cell(ref)): np.array([s[ref] for s in sets]) for ref in sets[0]
        }
        vals, _ = book.compiled.evaluate(inputs, scenarios=len(sets))
        xlfuncs_results = [
            [_at(vals[("Model", *_cell(ref))], i) for ref in outputs] for i in range(len(sets))
        ]
        batch_xlfuncs = time.perf_counter() - started

        evaluate_only = _time(lambda: book.compiled.evaluate(inputs, scenarios=len(sets)), args.repeat)

        session_started = time.perf_counter()
        with libreoffice.Session(model) as session:
            started = time.perf_counter()
            lo_results = [session.run([("Assumptions", s)], [("Model", outputs)])[0] for s in sets]
            batch_lo = time.perf_counter() - started
            batch_lo_with_start = time.perf_counter() - session_started
        # LibreOffice cannot run xlfuncs functions (#NAME?): compare the cells it computes.
        worst = max(
            abs(a - b) / max(1.0, abs(b))
            for row_a, row_b in zip(xlfuncs_results, lo_results, strict=True)
            for a, b in zip(row_a, row_b, strict=True)
            if isinstance(b, float)
        )

    print(f"152-council model: {_formula_count()} formula cells")
    print(f"(a) full recalculation, cold (median of {args.repeat}):")
    print(f"    xlfuncs recalc      {cold_xlfuncs:7.3f} s")
    print(f"    LibreOffice         {cold_lo:7.3f} s")
    print(f"    ratio xlfuncs/LibreOffice = {cold_xlfuncs / cold_lo:.2f}  (target <= 0.5)")
    print(f"    (formulas engine alone, in process: {formulas_alone:.2f} s)")
    print(f"(b) batch what-if, {len(sets)} input sets:")
    print(f"    xlfuncs, load + compile + evaluate  {batch_xlfuncs:7.3f} s  ({batch_xlfuncs / len(sets) * 1000:.2f} ms a set)")
    print(f"    LibreOffice session, start + load + sets  {batch_lo_with_start:7.3f} s")
    print(f"    xlfuncs is {batch_lo_with_start / batch_xlfuncs:.1f}x faster, each loading the model itself  (target >= 10x)")
    print(f"    xlfuncs, the {len(sets)} sets once loaded  {evaluate_only:7.3f} s  ({evaluate_only / len(sets) * 1000:.2f} ms a set)")
    print(f"    LibreOffice, the {len(sets)} sets once loaded  {batch_lo:7.3f} s  ({batch_lo / len(sets) * 1000:.2f} ms a set)")
    print(f"    xlfuncs is {batch_lo / evaluate_only:.1f}x faster, both already loaded  (target >= 10x)")
    print(f"    largest relative difference in outputs: {worst:.2e}")
    return 0


def _cell(ref: str) -> tuple[int, int]:
    from xlfuncs.xlsx.cells import parse_cell

    return parse_cell(ref)


def _at(value, index):
    return float(value[index]) if isinstance(value, np.ndarray) else float(value)


def _formula_count() -> int:
    rows = council_model.COUNCILS
    return rows * 29 + 11


if __name__ == "__main__":
    sys.exit(main())
