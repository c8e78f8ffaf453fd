"""Speed of month-end budget monitoring and of the back-tests, for an authority of about 2,000
children in care.

    python bench/budget.py [--scale 5.5] [--repeat 5] [--as-at 2022-12-31]

Generates the synthetic SSDA903 return at ``--scale`` times the bundled sample's children
(``scripts/make_sample_903.py --scale``: about 2,000 looked after at 5.5) and times, best of
``--repeat`` runs after a warm-up, in one process:

* the month-end report (target: under 1 s): reading the return as known at the as-at date,
  pricing every placement (``samples/budget_costs.csv``), actual to date, committed, the
  model over budget lines and its priced projection with the band, and REPORT.csv written;
* the same with every output of ``budget-903``: sufficiency (24 months), the high-cost tail, the
  month-by-month history of the year and the 24-month outturn back-test, and the template;
* the 24-month back-test of ``forecast-903 --backtest`` (target: under 10 s): both stock-flow
  conventions re-estimated at 24 origins, each forecasting up to 12 months, and LAC_FORECAST's
  trend methods on the yearly counts;
* ``xlfuncs budget-903`` as a user runs it (a new process, imports included), once.

Timings depend on the machine; the targets are the issue's.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COSTS = ROOT / "samples" / "budget_costs.csv"
BUDGET = ROOT / "samples" / "budget.csv"
CAPACITY = ROOT / "samples" / "budget_capacity.csv"


def best(function, repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs after one warm-up, and the last result."""
    result = function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--as-at", type=dt.date.fromisoformat, default=dt.date(2022, 12, 31))
    args = parser.parse_args(argv)

    from xlfuncs.cli import main as xlfuncs
    from xlfuncs.data.budget_files import read_costs
    from xlfuncs.data.ssda903 import read_ssda903
    from xlfuncs.methods.budget.backtest import count_backtest
    from xlfuncs.methods.budget.lines import LineMap
    from xlfuncs.methods.budget.outturn import month_end
    from xlfuncs.methods.budget.prices import price_list

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / f"x{args.scale:g}"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_903.py"), "--out", str(folder),
                        "--scale", str(args.scale), "--quiet"], check=True)
        out = Path(tmp) / "out"
        common = ["budget-903", str(folder), "--as-at", args.as_at.isoformat(), "--costs", str(COSTS),
                  "--budget", str(BUDGET)]

        def report_only():
            table = read_ssda903(folder, known_at=args.as_at)
            lines = LineMap()
            return month_end(table, args.as_at, lines, price_list(read_costs(COSTS), lines))

        def command(*extra):
            def run():
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    assert xlfuncs([*common, "--out", str(out / "report.csv"), *extra]) == 0
            return run

        seconds, report = best(report_only, args.repeat)
        children = int(report.children_now.sum())
        episodes = report.priced.table.n_episodes
        print(f"return x{args.scale:g}: {children:,} children in care at {args.as_at}, "
              f"{episodes:,} episodes known then, {report.model.n_states} model states")
        print(f"month-end report (read, price, actual, committed, model, projection, band): "
              f"{seconds:.3f} s (target < 1 s)")
        seconds_csv, _ = best(command(), args.repeat)
        print(f"  budget-903 in process, REPORT.csv written: {seconds_csv:.3f} s")
        everything = command("--capacity", str(CAPACITY), "--sufficiency", str(out / "s.csv"),
                             "--high-cost", str(out / "h.csv"), "--backtest", str(out / "b.csv"),
                             "--template", str(out / "t.xlsx"))
        seconds_all, _ = best(everything, max(1, args.repeat // 2))
        print(f"  with sufficiency, tail, history, 24-month outturn back-test and template: "
              f"{seconds_all:.3f} s")

        whole = read_ssda903(folder)
        peer = read_ssda903(folder, conventions="cs-demand-model")
        seconds_bt, result = best(lambda: count_backtest(whole, 24, 12, peer_table=peer),
                                  max(1, args.repeat // 2))
        print(f"24-month back-test of every method ({len(result.points):,} forecasts scored): "
              f"{seconds_bt:.3f} s (target < 10 s)")

        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "xlfuncs", *common, "--out", str(out / "cold.csv")],
                       check=True, capture_output=True)
        print(f"xlfuncs budget-903 as a new process (imports included): "
              f"{time.perf_counter() - started:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
