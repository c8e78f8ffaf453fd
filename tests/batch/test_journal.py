"""A batch run started again computes exactly the rows whose numbers would differ.

Each finished row is recorded with digests of its inputs, of the template, and of the
workbook written (xlfuncs/batch/journal.py). These tests change one input (300 children ->
900), the template, a workbook, and stop a real ``xlfuncs batch`` process with SIGKILL at
several points, and compare what the resumed run leaves with what a fresh run writes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from xlfuncs.batch import journal
from xlfuncs.batch.runner import JOURNAL, run_batch
from xlfuncs.cli import main
from xlfuncs.engine import WorkbookError


def make_template(path: Path, multiplier: int = 1) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Model"
    sheet["A1"], sheet["B1"] = "Spend", 5_000_000
    sheet["A2"], sheet["B2"] = "Children", 1000
    sheet["A3"], sheet["B3"] = "Weekly unit cost", f"=UNIT_COST(Spend,Children)*{multiplier}"
    sheet["B4"] = "=ROUND(B3,2)"
    for name, ref in (("Spend", "$B$1"), ("Children", "$B$2"), ("WeeklyCost", "$B$3"), ("Rounded", "$B$4")):
        workbook.defined_names[name] = DefinedName(name, attr_text=f"Model!{ref}")
    workbook.save(path)
    return path


def write_rows(path: Path, rows: list[tuple[str, float, float]]) -> Path:
    lines = ["Council,Spend,Children"] + [f"{key},{spend:g},{children:g}" for key, spend, children in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


ROWS = [("A", 5_000_000, 1000), ("B", 2_000_000, 300), ("C", 9_000_000, 2500), ("D", 750_000, 40)]


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.xlsx")}


def weekly(path: Path) -> float:
    return openpyxl.load_workbook(path, data_only=True)["Model"]["B3"].value


@pytest.fixture
def template(tmp_path) -> Path:
    return make_template(tmp_path / "template.xlsx")


def test_an_unchanged_run_computes_nothing(template, tmp_path):
    data = write_rows(tmp_path / "rows.csv", ROWS)
    out = tmp_path / "out"
    assert run_batch(template, data, out).written == 4
    before, summary = mtimes(out), (out / "summary.csv").read_bytes()
    again = run_batch(template, data, out)
    assert (again.written, again.skipped, again.reasons) == (0, 4, {})
    assert mtimes(out) == before and (out / "summary.csv").read_bytes() == summary


def test_a_changed_row_is_computed_again(template, tmp_path, capsys):
    data = write_rows(tmp_path / "rows.csv", ROWS)
    out = tmp_path / "out"
    run_batch(template, data, out)
    before = mtimes(out)
    old = weekly(out / "B.xlsx")
    write_rows(data, [(k, s, 900 if k == "B" else c) for k, s, c in ROWS])  # 300 -> 900
    assert main(["batch", str(template), str(data), "--out", str(out)]) == 0
    console = capsys.readouterr().out
    assert "1 rows recalculated (1 because its inputs changed), 3 already done" in console
    assert "its inputs changed: B" in console
    assert weekly(out / "B.xlsx") == pytest.approx(old * 300 / 900)
    after = mtimes(out)
    assert after["B.xlsx"] != before["B.xlsx"] and all(after[n] == before[n] for n in ("A.xlsx", "C.xlsx", "D.xlsx"))
    fresh = tmp_path / "fresh"
    run_batch(template, data, fresh)
    assert (out / "summary.csv").read_bytes() == (fresh / "summary.csv").read_bytes()


def test_another_template_into_the_same_folder_recomputes_every_row(template, tmp_path, capsys):
    data = write_rows(tmp_path / "rows.csv", ROWS)
    out = tmp_path / "out"
    run_batch(template, data, out)
    (tmp_path / "other").mkdir()
    other = make_template(tmp_path / "other" / "template.xlsx", multiplier=2)
    assert main(["batch", str(other), str(data), "--out", str(out)]) == 0
    assert "4 rows recalculated (4 because the template changed), 0 already done" in capsys.readouterr().out
    fresh = tmp_path / "fresh"
    run_batch(other, data, fresh)
    assert (out / "summary.csv").read_bytes() == (fresh / "summary.csv").read_bytes()
    assert weekly(out / "A.xlsx") == pytest.approx(2 * 5_000_000 / 1000 / 365 * 7)


def test_a_missing_or_edited_workbook_is_written_again(template, tmp_path):
    data = write_rows(tmp_path / "rows.csv", ROWS)
    out = tmp_path / "out"
    run_batch(template, data, out)
    (out / "A.xlsx").unlink()
    (out / "C.xlsx").write_bytes((out / "D.xlsx").read_bytes())  # someone copied over it
    result = run_batch(template, data, out)
    assert result.reasons == {journal.MISSING: ["A"], journal.EDITED: ["C"]}
    fresh = tmp_path / "fresh"
    run_batch(template, data, fresh)
    for name in ("A.xlsx", "B.xlsx", "C.xlsx", "D.xlsx"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes()


def test_records_of_an_older_journal_are_not_trusted(template, tmp_path):
    data = write_rows(tmp_path / "rows.csv", ROWS)
    out = tmp_path / "out"
    run_batch(template, data, out)
    records = [json.loads(line) for line in (out / JOURNAL).read_text().splitlines()]
    (out / JOURNAL).write_text("".join(json.dumps({"key": r["key"], "outputs": {}, "errors": {}}) + "\n" for r in records))
    result = run_batch(template, data, out)
    assert result.reasons == {journal.OLD_RECORD: ["A", "B", "C", "D"]}


def test_summary_only_then_workbooks(template, tmp_path):
    data = write_rows(tmp_path / "rows.csv", ROWS)
    out = tmp_path / "out"
    run_batch(template, data, out, workbooks=False)
    result = run_batch(template, data, out)
    assert result.written == 4 and set(result.reasons) == {journal.MISSING}
    assert run_batch(template, data, out, workbooks=False).written == 0


def test_one_batch_at_a_time_per_folder(template, tmp_path):
    import fcntl

    data = write_rows(tmp_path / "rows.csv", ROWS)
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".xlfuncs-batch.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(WorkbookError, match="another xlfuncs batch is writing into this folder"):
            run_batch(template, data, out)


# --- kill -9 ------------------------------------------------------------------------------

KILL_ROWS = int(os.environ.get("XLFUNCS_KILL_ROWS", "1200"))


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return handle.read().count(b"\n")
    except FileNotFoundError:
        return 0


def _start(template: Path, data: Path, out: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.Popen(
        [sys.executable, "-m", "xlfuncs", "batch", str(template), str(data), "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip


def _kill_when(process: subprocess.Popen, journal_path: Path, rows: int | None, deadline: float = 120) -> int:
    """SIGKILL ``process`` once the journal holds ``rows`` lines (None: as soon as it runs);
    returns the lines there were."""
    started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < deadline:
        if rows is None or _lines(journal_path) >= rows:
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return _lines(journal_path)


def _whole(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None and "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def test_kill_9_at_any_moment_leaves_no_half_written_workbook(template, tmp_path):
    rows = [(f"R{i:05d}", 1_000_000 + 1000 * i, 100 + i) for i in range(KILL_ROWS)]
    data = write_rows(tmp_path / "rows.csv", rows)
    out = tmp_path / "out"
    journal_path = out / JOURNAL
    seen = []
    # before anything is written, early, in the middle, late, and after the last row
    for point in (None, 1, KILL_ROWS // 3, (2 * KILL_ROWS) // 3, KILL_ROWS):
        process = _start(template, data, out)
        seen.append(_kill_when(process, journal_path, None if point is None else min(point, KILL_ROWS)))
        finished = [p for p in out.glob("*.xlsx")] if out.exists() else []
        broken = [p.name for p in finished if not _whole(p)]
        assert broken == [], f"half-written workbooks after kill -9 at {point}: {broken[:5]}"
        for line in (journal_path.read_text().splitlines() if journal_path.exists() else [])[:-1]:
            json.loads(line)  # every line but the last is whole
    print("journal lines at each kill:", seen)
    assert seen[-1] >= seen[1] > 0
    result = run_batch(template, data, out)
    assert result.written + result.skipped == KILL_ROWS
    assert not list(out.glob(".*.part"))  # what the killed runs left is cleaned up
    fresh = tmp_path / "fresh"
    run_batch(template, data, fresh)
    assert (out / "summary.csv").read_bytes() == (fresh / "summary.csv").read_bytes()
    for name in [f"R{i:05d}.xlsx" for i in (0, KILL_ROWS // 2, KILL_ROWS - 1)]:
        assert (out / name).read_bytes() == (fresh / name).read_bytes()
    assert sorted(p.name for p in out.glob("*.xlsx")) == sorted(p.name for p in fresh.glob("*.xlsx"))
