"""The journal of a batch: what each finished row was computed from, so a run that is started
again redoes exactly the rows whose numbers would differ.

One line of JSON per finished row, appended (and flushed) once the row's workbook is in
place, in ``OUT/.xlfuncs-batch.jsonl``. Each record holds:

* ``key``: the row's key (council code, scenario name);
* ``inputs``: a digest of the values the row feeds into the template, by the cell each feeds;
* ``template``: a digest of the template file's bytes;
* ``xlfuncs``: the version that computed it (a new version may compute differently);
* ``workbook``: a digest of the workbook written (none for ``--summary-only``);
* ``outputs`` and ``errors``: what the summary reports.

A row is done when its record's digests match the row, the template and this version, and
its workbook is there unchanged; otherwise it is computed again, and :func:`why_again` says
why. A line cut short by a stop (kill -9 while appending) is ignored. When a run finishes, the
journal is rewritten, atomically, with the latest record of each key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from xlfuncs import __version__
from xlfuncs.xlsx.atomic import OutputError, write_text

NAME = ".xlfuncs-batch.jsonl"

#: Why a row is computed (again), as the console says it.
NEW = "new"
INPUTS = "its inputs changed"
TEMPLATE = "the template changed"
VERSION = "computed by another xlfuncs version"
MISSING = "its workbook is missing"
EDITED = "its workbook was changed since"
OLD_RECORD = "recorded without digests"


def canonical(value: Any) -> Any:
    """A value as the journal stores it (what JSON gives back), so that a summary written
    from records read back equals one written from records just made."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_file(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def digest_inputs(values: Mapping[tuple[str, str], Any]) -> str:
    """A digest of what a row feeds into the template: (sheet, cell) -> value."""
    items = sorted(([sheet, ref, canonical(value)] for (sheet, ref), value in values.items()), key=lambda i: (i[0], i[1]))
    return digest_bytes(json.dumps(items, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def read(path: Path) -> dict[str, dict]:
    """The latest record of each key; a line that is not a whole record is ignored."""
    done: dict[str, dict] = {}
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and isinstance(record.get("key"), str):
            done[record["key"]] = record
    return done


def record(
    key: str, inputs: str, template: str, workbook: str | None, outputs: Mapping[str, Any], errors: Mapping[str, Any]
) -> dict[str, Any]:
    return canonical(
        {
            "key": key, "inputs": inputs, "template": template, "xlfuncs": __version__,
            "workbook": workbook, "outputs": dict(outputs), "errors": dict(errors),
        }
    )  # fmt: skip


def why_again(
    previous: Mapping[str, Any] | None, inputs: str, template: str, workbook: Path | None
) -> str | None:
    """Why a row must be computed, or None when its record still holds. ``workbook`` is the
    path its workbook should be at (None for a summary-only run)."""
    if previous is None:
        return NEW
    if "template" not in previous or "inputs" not in previous:
        return OLD_RECORD
    if previous["template"] != template:
        return TEMPLATE
    if previous["inputs"] != inputs:
        return INPUTS
    if previous.get("xlfuncs") != __version__:
        return VERSION
    if workbook is not None:
        if not workbook.exists() or not previous.get("workbook"):
            return MISSING
        if digest_file(workbook) != previous["workbook"]:
            return EDITED
    return None


class Appender:
    """Appends records, one flushed line each, so a stop loses at most the line being written."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.handle = path.open("a", encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None

    def add(self, entry: Mapping[str, Any]) -> None:
        try:
            self.handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.handle.flush()
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None

    def close(self) -> None:
        with contextlib.suppress(OSError):  # a failed flush was reported by add
            self.handle.close()


def compact(path: Path, records: Iterable[Mapping[str, Any]]) -> None:
    """Rewrite the journal, atomically, with one record per key."""
    write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
