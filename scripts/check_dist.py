"""Try the release files as a council would: installed from the wheel, far from this checkout.

    python scripts/check_dist.py [--keep DIR]

1. builds the four release files with ``scripts/release.py`` (sdist, wheel from it, twine
   check) into a temporary folder outside the checkout;
2. the full wheel: a fresh virtual environment, ``pip install`` the wheel, then in an empty
   folder ``xlfuncs demo``, ``templates --out``, ``recalc``, ``samples``, ``batch``,
   ``forecast-903 --sample`` and ``budget-903 --sample``; checks that nothing was written into
   the installation and that ``templates`` refuses to write there;
3. the slim wheel: a fresh environment holding only what pip resolves for it (numpy, xlwings),
   ``import xlfuncs.udfs``, one function's value and a scipy function's #N/A message.

Prints each step's time and the total; any failure exits non-zero. ``scripts/test.sh`` runs it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import release  # noqa: E402 - the sibling script

#: Distributions that may be installed beside the slim wheel (pip's own and what it resolves).
LITE_ALLOWED = {"xlfuncs-lite", "numpy", "xlwings", "pip", "setuptools"}

LITE_PROBE = """
import importlib.metadata as m, json, sys
import xlfuncs.udfs as udfs
from xlfuncs.registry import functions
print(json.dumps({
    "distributions": sorted(d.metadata["Name"].lower() for d in m.distributions()),
    "functions": len(functions()),
    "unit_cost": udfs.UNIT_COST(5000000, 1000),
    "spearman": udfs.LAC_SPEARMAN([1, 2, 3, 4], [2, 1, 4, 3]),
    "heavy": sorted(n for n in ("scipy", "pandas", "openpyxl", "lxml", "formulas") if n in sys.modules),
}))
"""

UNTOUCHED_PROBE = """
import importlib.metadata as m, pathlib, sys
dist = m.distribution("xlfuncs")
recorded = {pathlib.Path(dist.locate_file(f)).resolve() for f in dist.files}
package = pathlib.Path(dist.locate_file("xlfuncs")).resolve()
extra = [str(p) for p in package.rglob("*")
         if p.is_file() and "__pycache__" not in p.parts and p.resolve() not in recorded]
print("\\n".join(extra))
sys.exit(1 if extra else 0)
"""


class Steps:
    """Runs commands, timing each; the first failure stops the run with its output."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []

    def run(self, label: str, command: list[str], cwd: Path, expect: int = 0) -> str:
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        self.times.append((label, time.perf_counter() - start))
        if done.returncode != expect:
            sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
            raise SystemExit(f"check-dist: {label}: exit {done.returncode}, expected {expect}")
        print(f"check-dist: {label}: ok ({self.times[-1][1]:.1f} s)", flush=True)
        return done.stdout

    def timed(self, label: str, action):
        start = time.perf_counter()
        result = action()
        self.times.append((label, time.perf_counter() - start))
        print(f"check-dist: {label}: ok ({self.times[-1][1]:.1f} s)", flush=True)
        return result


def venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / ("Scripts" if os.name == "nt" else "bin")


def check_full(steps: Steps, wheel: Path, work: Path) -> None:
    bin_dir = steps.timed("full: fresh virtual environment", lambda: venv(work / "full-env"))
    python, xlfuncs = str(bin_dir / "python"), str(bin_dir / "xlfuncs")
    steps.run("full: pip install the wheel", [python, "-m", "pip", "install", "-q", str(wheel)], work)
    empty = work / "empty"
    empty.mkdir()
    steps.run("full: xlfuncs demo", [xlfuncs, "demo", "--out", "demo"], empty)
    steps.run("full: xlfuncs templates --out", [xlfuncs, "templates", "--out", "templates"], empty)
    built = sorted(p.name for p in (empty / "templates").glob("*.xlsx"))
    committed = sorted(p.name for p in (release.ROOT / "workbooks").glob("*.xlsx"))
    if built != committed:
        raise SystemExit(f"check-dist: templates wrote {built}, expected {committed}")
    steps.run("full: xlfuncs recalc", [xlfuncs, "recalc", "templates/unit_costs.xlsx", "-o", "unit_costs.xlsx"], empty)
    steps.run("full: xlfuncs samples", [xlfuncs, "samples", "--out", "samples"], empty)
    steps.run("full: xlfuncs batch", [xlfuncs, "batch", "templates/spend_variation.xlsx",
                                      "samples/councils.csv", "--out", "batch", "--summary-only"], empty)
    steps.run("full: xlfuncs forecast-903 --sample",
              [xlfuncs, "forecast-903", "--sample", "--months", "12", "--out", "forecast.csv"], empty)
    steps.run("full: xlfuncs budget-903 --sample",
              [xlfuncs, "budget-903", "--sample", "--as-at", "2022-12-31", "--out", "budget.csv",
               "--template", "budget_monitoring.xlsx"], empty)
    site = steps.run("full: where the package is installed",
                     [python, "-c", "import xlfuncs, pathlib; print(pathlib.Path(xlfuncs.__file__).parent)"],
                     empty).strip()
    if release.ROOT in Path(site).parents:
        raise SystemExit(f"check-dist: xlfuncs was imported from the checkout ({site})")
    steps.run("full: templates refuses the installation",
              [xlfuncs, "templates", "--out", str(Path(site) / "workbooks")], empty, expect=2)
    steps.run("full: nothing written into the installation", [python, "-c", UNTOUCHED_PROBE], empty)


def check_lite(steps: Steps, wheel: Path, work: Path) -> dict:
    import json

    bin_dir = steps.timed("lite: fresh virtual environment", lambda: venv(work / "lite-env"))
    python = str(bin_dir / "python")
    steps.run("lite: pip install the slim wheel", [python, "-m", "pip", "install", "-q", str(wheel)], work)
    probe = json.loads(steps.run("lite: import xlfuncs.udfs", [python, "-c", LITE_PROBE], work))
    extra = set(probe["distributions"]) - LITE_ALLOWED
    if extra or probe["heavy"]:
        raise SystemExit(f"check-dist: the slim install holds {sorted(extra)}, imported {probe['heavy']}")
    if abs(probe["unit_cost"] - 95.890411) > 1e-4:
        raise SystemExit(f"check-dist: UNIT_COST(5000000, 1000) gave {probe['unit_cost']!r}")
    if not str(probe["spearman"]).startswith("#N/A LAC_SPEARMAN: needs the Python package scipy"):
        raise SystemExit(f"check-dist: LAC_SPEARMAN without scipy gave {probe['spearman']!r}")
    return probe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="xlfuncs-check-dist-") as temporary:
        work = (args.keep or Path(temporary)).resolve()
        if release.ROOT in (work, *work.parents):
            raise SystemExit("check-dist: the work folder must lie outside the checkout")
        work.mkdir(parents=True, exist_ok=True)
        steps = Steps()
        files = steps.timed("release files (build, twine check)", lambda: release.release(work / "dist"))
        by_name = {f.name: f for f in files}
        full = next(f for n, f in by_name.items() if n.startswith("xlfuncs-") and n.endswith(".whl"))
        lite = next(f for n, f in by_name.items() if n.startswith("xlfuncs_lite-") and n.endswith(".whl"))
        sizes = ", ".join(f"{f.name} {f.stat().st_size / 1024:,.0f} KiB" for f in files)
        check_full(steps, full, work)
        probe = check_lite(steps, lite, work)
    total = time.perf_counter() - start
    print(f"check-dist: built {sizes}")
    print(f"check-dist: the slim install holds {', '.join(probe['distributions'])} "
          f"and registers {probe['functions']} functions")
    print(f"check-dist: done in {total:.0f} s")
    # The plain closing line CI reads, as pytest's would be.
    print(f"check-dist: {len(steps.times)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
