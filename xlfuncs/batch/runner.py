"""One template, many input sets: every council (or scenario row) of a CSV file.

The template is read and compiled once. Its defined names that point at single constant
cells are its inputs; a CSV column of the same name (case-insensitive) feeds each one. All
pending rows are evaluated in one vector pass by the compiled evaluator (or row by row by the
``formulas`` engine where a template needs it); then each row gets its own workbook, written
atomically, and a line in the summary. A run that stops part-way, or is started again after an
input or the template changed, computes exactly the rows whose numbers would differ
(:mod:`xlfuncs.batch.journal`) and says how many and why; the summary it writes is the one a
fresh run would write.
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xlfuncs.batch import journal
from xlfuncs.engine.recalc import Workbook, _formula_cells, _plain
from xlfuncs.excel.errors import is_error
from xlfuncs.xlsx.package import WorkbookError
from xlfuncs.xlsx.refs import col_letters, parse_cell
from xlfuncs.xlsx.writer import (
    PreparedPackage,
    output_suffix,
    refuse_overwrite,
    write_cached_values,
)

KEY_COLUMNS = ("council", "la_code", "new_la_code", "code", "scenario", "id")
#: One line of JSON per finished row, appended once its workbook is in place: how a run resumes.
JOURNAL = journal.NAME
LOCK = ".xlfuncs-batch.lock"


@dataclass
class BatchPlan:
    """What a batch will do: which CSV columns feed which cells, and what it reports."""

    inputs: dict[str, tuple[str, str]]  # CSV column -> (sheet, A1)
    outputs: dict[str, tuple[str, str]]  # defined name -> (sheet, A1)
    key: str
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    written: int = 0
    skipped: int = 0
    summary: Path | None = None
    errors: dict[str, int] = field(default_factory=dict)  # row key -> error cells
    engine: str = ""
    reasons: dict[str, list[str]] = field(default_factory=dict)  # why -> keys of the rows computed

    def why(self) -> str:
        """How many rows were computed for each reason: "2 new, 1 because its inputs changed"."""
        parts = []
        for reason, keys in sorted(self.reasons.items(), key=lambda item: -len(item[1])):
            parts.append(f"{len(keys)} {reason}" if reason == journal.NEW else f"{len(keys)} because {reason}")
        return ", ".join(parts)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
    except FileNotFoundError:
        raise WorkbookError(f"{path}: no such file") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise WorkbookError(f"{path}: not a readable CSV file ({exc})") from None
    if not columns:
        raise WorkbookError(f"{path}: the CSV file has no header row")
    return columns, rows


def csv_value(text: str | None) -> Any:
    """A CSV cell as Excel would read it when typed: a number if it is one, else text."""
    if text is None:
        return None
    stripped = text.strip()
    if stripped == "":
        return None
    try:
        return float(stripped.replace(",", ""))
    except ValueError:
        return stripped


def plan(book: Workbook, columns: list[str], key: str | None = None) -> BatchPlan:
    names = book.defined_cells()
    formulas = {(t, f"{col_letters(c)}{r}") for t, s in book.cells.sheets.items() for (r, c) in s.formulas}
    single = {name: target for name, target in names.items() if ":" not in target[1]}
    by_upper = {name.upper(): name for name in single}
    inputs, ignored = {}, []
    for column in columns:
        name = by_upper.get(column.strip().upper())
        if name is not None and single[name] not in formulas:
            inputs[column] = single[name]
        else:
            ignored.append(column)
    if not inputs:
        raise WorkbookError(
            "no CSV column matches an input name of the template; its input names are: "
            + ", ".join(sorted(n for n, t in single.items() if t not in formulas))
        )
    outputs = {name: target for name, target in single.items() if target in formulas}
    if key is None:
        lowered = {c.strip().lower(): c for c in columns}
        key = next((lowered[k] for k in KEY_COLUMNS if k in lowered), columns[0])
    elif key not in columns:
        raise WorkbookError(f"--key {key}: no such column in the CSV file")
    return BatchPlan(inputs, outputs, key, [c for c in ignored if c != key])


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def file_stem(key_value: str) -> str:
    stem = _UNSAFE.sub("_", key_value).strip("._")
    return stem or "row"


def _inputs_of(batch: BatchPlan, row: dict[str, str]) -> dict[tuple[str, str], Any]:
    return {batch.inputs[c]: csv_value(row.get(c)) for c in batch.inputs}


def _remove_stale_parts(out_dir: Path) -> None:
    """Temporary files a stopped run left (``.NAME.xxxx.part``): never a finished file."""
    for leftover in out_dir.glob(".*.part"):
        with contextlib.suppress(OSError):
            leftover.unlink()


@contextlib.contextmanager
def _lock(out_dir: Path):
    """One batch at a time writes into a folder (where the system can tell)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, no check
        yield
        return
    handle = (out_dir / LOCK).open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise WorkbookError(f"{out_dir}: another xlfuncs batch is writing into this folder") from None
        yield
    finally:
        handle.close()


def run_batch(
    template: Path,
    data: Path,
    out_dir: Path,
    key: str | None = None,
    progress: Callable[[Iterator, int], Iterator] | None = None,
    workbooks: bool = True,
) -> BatchResult:
    """Recalculate ``template`` once per row of ``data`` into ``out_dir``."""
    template, data, out_dir = Path(template), Path(data), Path(out_dir)
    columns, rows = read_rows(data)
    if not rows:
        raise WorkbookError(f"{data}: the CSV file has no rows")
    # the digest of the bytes about to be read, not of a file that may change meanwhile
    template_digest = journal.digest_file(template) if template.is_file() else ""
    book = Workbook(template)
    batch = plan(book, columns, key)
    keys = [(row.get(batch.key) or "").strip() for row in rows]
    seen: dict[str, int] = {}
    for number, value in enumerate(keys, start=2):
        if not value:
            raise WorkbookError(f"{data}: line {number}: the {batch.key} column is empty")
        stem = file_stem(value)
        if stem in seen:
            raise WorkbookError(f"{data}: line {number}: duplicate {batch.key} {value!r} (first on line {seen[stem]})")
        seen[stem] = number
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in (template, data):
        for candidate in (out_dir / "summary.csv", out_dir / path.name):
            refuse_overwrite(path, candidate)
    with _lock(out_dir):
        return _run(book, batch, rows, keys, template, template_digest, out_dir, progress, workbooks)


def _run(
    book: Workbook,
    batch: BatchPlan,
    rows: list[dict[str, str]],
    keys: list[str],
    template: Path,
    template_digest: str,
    out_dir: Path,
    progress: Callable[[Iterator, int], Iterator] | None,
    workbooks: bool,
) -> BatchResult:
    from xlfuncs.xlsx.csv_safety import write_safe_csv

    _remove_stale_parts(out_dir)
    journal_path = out_dir / JOURNAL
    done = journal.read(journal_path)
    result = BatchResult(engine=book.engine)
    pending = []
    digests = [journal.digest_inputs(_inputs_of(batch, row)) for row in rows]
    suffix = output_suffix(book.package)  # a template with macros gives .xlsm workbooks
    for index, value in enumerate(keys):
        target = out_dir / f"{file_stem(value)}{suffix}" if workbooks else None
        reason = journal.why_again(done.get(value), digests[index], template_digest, target)
        if reason is None:
            result.skipped += 1
        else:
            pending.append(index)
            result.reasons.setdefault(reason, []).append(value)
    formula_cells = _formula_cells(book)
    evaluations = _evaluate(book, batch, [rows[i] for i in pending])
    # Sheets whose every cell is the same for all rows are patched and compressed once.
    prepared = None
    if workbooks and isinstance(evaluations, _Scenarios):
        input_sheets = {sheet for sheet, _ in batch.inputs.values()}
        prepared = PreparedPackage(book.package, evaluations.constant, evaluations.varying_sheets | input_sheets)
    iterator: Iterator = zip(pending, evaluations, strict=True)
    if progress is not None:
        iterator = progress(iterator, len(pending))
    log = journal.Appender(journal_path)
    try:
        for index, (values, _messages) in iterator:
            stem = file_stem(keys[index])
            workbook_digest = None
            if workbooks:
                target = out_dir / f"{stem}{suffix}"
                refuse_overwrite(template, target)
                typed: dict[str, dict[str, Any]] = {}
                for column, (sheet, ref) in batch.inputs.items():
                    typed.setdefault(sheet, {})[ref] = csv_value(rows[index].get(column))
                if prepared is not None:
                    prepared.write(values, target, typed)
                else:
                    write_cached_values(book.package, values, target, typed)
                workbook_digest = journal.digest_file(target)
            entry = journal.record(
                keys[index],
                digests[index],
                template_digest,
                workbook_digest,
                {name: values.get(sheet, {}).get(ref) for name, (sheet, ref) in batch.outputs.items()},
                _error_cells(values, formula_cells, evaluations),
            )
            log.add(entry)
            done[keys[index]] = entry
            result.written += 1
    finally:
        log.close()
    header = [batch.key, *batch.outputs]
    lines = []
    for value in keys:
        entry = done[value]
        lines.append([entry["key"], *(entry["outputs"].get(n) for n in batch.outputs)])
        if entry["errors"]:
            result.errors[value] = len(entry["errors"])
    summary = out_dir / "summary.csv"
    write_safe_csv(lines, summary, header)
    if result.written:
        journal.compact(journal_path, done.values())
    result.summary = summary
    return result


def _evaluate(book: Workbook, batch: BatchPlan, rows: list[dict[str, str]]):
    """Values and messages for each row: one vector pass where the compiled engine can."""
    if not rows:
        return []
    if book.compiled is None:
        return [book.calculate({batch.inputs[c]: csv_value(r.get(c)) for c in batch.inputs}) for r in rows]
    scenarios = len(rows)
    inputs = {}
    for column, (sheet, ref) in batch.inputs.items():
        cells = [csv_value(r.get(column)) for r in rows]
        if all(type(v) is float for v in cells):
            vector = np.array(cells, dtype=float)
        else:
            vector = np.empty(scenarios, dtype=object)
            vector[:] = cells
        inputs[(sheet, *parse_cell(ref))] = vector
    vals, messages = book.compiled.evaluate(inputs, scenarios=scenarios)
    return _Scenarios(vals, messages, scenarios)


def _error_cells(values, formula_cells, evaluations) -> dict[str, str]:
    """Formula cells holding error values; cells the same in every row are scanned once."""
    if isinstance(evaluations, _Scenarios):
        found = dict(evaluations.constant_errors(formula_cells))
        for sheet, ref, vector, index in evaluations.current_varying():
            value = _plain(vector[index])
            if is_error(value) and (sheet, ref) in formula_cells:
                found[f"{sheet}!{ref}"] = value
        return found
    return {
        f"{sheet}!{ref}": value
        for sheet, cells in values.items()
        for ref, value in cells.items()
        if is_error(value) and (sheet, ref) in formula_cells
    }


class _Scenarios:
    """Lazily splits a vector evaluation into per-row ``values[sheet][A1]`` dictionaries."""

    def __init__(self, vals: dict, messages: dict[str, str], count: int):
        self.count = count
        self.constant: dict[str, dict[str, Any]] = {}
        self.varying: list[tuple[str, str, np.ndarray]] = []
        for (sheet, r, c), value in vals.items():
            ref = f"{col_letters(c)}{r}"
            if isinstance(value, np.ndarray):
                self.varying.append((sheet, ref, value))
            else:
                self.constant.setdefault(sheet, {})[ref] = _plain(value)
        self.messages = messages
        self.varying_sheets = {sheet for sheet, _, _ in self.varying}
        self.index = 0
        self._constant_errors: dict[str, str] | None = None

    def __len__(self) -> int:
        return self.count

    def constant_errors(self, formula_cells) -> dict[str, str]:
        if self._constant_errors is None:
            self._constant_errors = {
                f"{sheet}!{ref}": value
                for sheet, cells in self.constant.items()
                for ref, value in cells.items()
                if is_error(value) and (sheet, ref) in formula_cells
            }
        return self._constant_errors

    def current_varying(self):
        for sheet, ref, vector in self.varying:
            yield sheet, ref, vector, self.index

    def __iter__(self):
        from collections import ChainMap

        for s in range(self.count):
            self.index = s
            row: dict[str, dict[str, Any]] = {}
            for sheet, ref, vector in self.varying:
                row.setdefault(sheet, {})[ref] = _plain(vector[s])
            sheets = set(self.constant) | set(row)
            # Each row's values read through to the shared constants without copying them.
            yield {sheet: ChainMap(row.get(sheet, {}), self.constant.get(sheet, {})) for sheet in sheets}, {}
