"""Benchmark: what an xlwings Lite workbook downloads and waits for, slim install against full.

    python bench/lite.py [--repeat 7]

Builds both wheels from this tree (``scripts/release.py``), then for each of ``xlfuncs-lite``
(the Lite requirement) and ``xlfuncs`` (the full package):

* the download set: ``pip download`` of the wheel into an empty folder, i.e. every
  distribution pip resolves for it and its wheel's size;
* the import time of ``xlfuncs.udfs``: each in its own fresh virtual environment, measured
  inside a new interpreter per run (median of ``--repeat``), against ``import xlwings`` alone
  in the same environment, the floor (xlwings imports pandas when it is installed).

The wheels are the ones pip picks for this machine (manylinux); Lite gets Pyodide's builds of
numpy, scipy, pandas and lxml, whose sizes differ, but the set of distributions is the same
resolution. Needs the package index or pip's cache.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import release  # noqa: E402 - scripts/release.py

TIMER = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def pip(python: Path, *args: str) -> str:
    done = subprocess.run([str(python), "-m", "pip", *args], capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"bench/lite: pip {args[0]} failed")
    return done.stdout


def download_set(wheel: Path, folder: Path) -> list[tuple[str, int]]:
    """Every file pip downloads for ``wheel``: (file name, bytes), largest first."""
    pip(Path(sys.executable), "download", "-q", "--dest", str(folder), "--only-binary", ":all:", str(wheel))
    files = [(p.name, p.stat().st_size) for p in folder.iterdir() if p.is_file()]
    return sorted(files, key=lambda item: -item[1])


def environment(folder: Path, wheel: Path, wheels: Path) -> Path:
    """A fresh virtual environment with ``wheel`` installed from the downloaded files only."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    pip(python, "install", "-q", "--no-index", "--find-links", str(wheels), str(wheel))
    return python


def import_seconds(python: Path, module: str, repeat: int) -> float:
    """Median wall time of ``import module`` in a new interpreter, ``repeat`` times."""
    times = []
    for _ in range(repeat):
        done = subprocess.run([str(python), "-c", TIMER.format(module=module)],
                              capture_output=True, text=True, check=True, cwd=folder_outside())
        times.append(float(done.stdout))
    return statistics.median(times)


def folder_outside() -> str:
    # Run the interpreters away from the checkout, so they import the installed package.
    return tempfile.gettempdir()


def measure(label: str, wheel: Path, work: Path, repeat: int) -> dict:
    wheels = work / f"{label}-wheels"
    wheels.mkdir()
    files = download_set(wheel, wheels)
    python = environment(work / f"{label}-env", wheel, wheels)
    return {
        "label": label,
        "files": files,
        "udfs": import_seconds(python, "xlfuncs.udfs", repeat),
        "xlwings": import_seconds(python, "xlwings", repeat),
    }


def report(results: list[dict]) -> None:
    for result in results:
        total = sum(size for _, size in result["files"])
        print(f"\n{result['label']}: {len(result['files'])} distributions, {total / 1e6:.1f} MB to download")
        for name, size in result["files"]:
            print(f"  {size / 1e6:8.2f} MB  {name}")
    print("\nimport time (median of fresh interpreters)")
    print(f"  {'install':<14}{'xlfuncs.udfs':>14}{'xlwings alone':>15}{'udfs - floor':>14}")
    for result in results:
        print(f"  {result['label']:<14}{result['udfs']:>13.3f}s{result['xlwings']:>14.3f}s"
              f"{result['udfs'] - result['xlwings']:>13.3f}s")
    slim, full = results
    slim_mb = sum(s for _, s in slim["files"]) / 1e6
    full_mb = sum(s for _, s in full["files"]) / 1e6
    print(f"\nslim against full: {slim_mb:.1f} MB against {full_mb:.1f} MB "
          f"({full_mb / slim_mb:.1f}x less), import {slim['udfs']:.2f} s against {full['udfs']:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh interpreters per timing (median)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xlfuncs-bench-lite-") as temporary:
        work = Path(temporary)
        files = release.release(work / "dist", check=False)
        wheel = {f.name.split("-")[0]: f for f in files if f.suffix == ".whl"}
        results = [measure("xlfuncs-lite", wheel["xlfuncs_lite"], work, args.repeat),
                   measure("xlfuncs", wheel["xlfuncs"], work, args.repeat)]
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
