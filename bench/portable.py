"""Benchmark: the time to make each template portable (``xlfuncs portable``).

    python bench/portable.py [--repeat 3]

For each template in ``workbooks/``: the median wall-clock and processor time of
:func:`xlfuncs.portable.make_portable` over ``--repeat`` runs (reading the workbook, writing every
xlfuncs call in native form, the fresh recalculation that frozen cells take their values from,
writing the copy), with the formulas made live and frozen. Also, for scale, LibreOffice's
recalculation of the portable copy (one conversion with recalculation forced on load, its
start-up included) where LibreOffice is installed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the LibreOffice harness is test support code

from tests.support import libreoffice  # noqa: E402
from xlfuncs.portable import make_portable  # noqa: E402
from xlfuncs.templates import WORKBOOKS_DIR, templates  # noqa: E402


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per template; the median counts")
    args = parser.parse_args()
    print(f"{'template':<24}{'live':>6}{'frozen':>8}{'portable (s)':>14}{'cpu (s)':>9}{'LibreOffice (s)':>17}")
    with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-portable-") as temp:
        folder = Path(temp)
        total = 0.0
        for name in templates():
            target = folder / name
            wall, cpu, report = _timed(lambda n=name, t=target: make_portable(WORKBOOKS_DIR / n, t), args.repeat)
            total += wall
            office = ""
            if libreoffice.available():
                started = time.perf_counter()
                libreoffice.recalculate_file(target, folder / "libreoffice")
                office = f"{time.perf_counter() - started:.2f}"
            print(f"{name:<24}{len(report.live):>6}{len(report.frozen):>8}{wall:>14.2f}{cpu:>9.2f}{office:>17}")
        print(f"{'all templates':<24}{'':>6}{'':>8}{total:>14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
