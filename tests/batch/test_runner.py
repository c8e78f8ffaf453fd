"""`xlfuncs batch`: one vector pass over every row equals recalculating row by row; runs resume;
inputs are never touched."""

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from xlfuncs.batch.runner import JOURNAL, run_batch
from xlfuncs.engine import WorkbookError
from xlfuncs.engine.recalc import Workbook

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
WORKBOOKS = ROOT / "workbooks"

TEMPLATE = WORKBOOKS / "spend_variation.xlsx"
CODES = ["E06000034", "E09000033", "E08000025", "E10000015", "E06000001"]


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def councils(tmp_path):
    path = tmp_path / "councils.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Council", "la_name"])
        for code in CODES:
            writer.writerow([code, "-"])
    return path


def test_vector_pass_equals_one_council_at_a_time(tmp_path, councils):
    result = run_batch(TEMPLATE, councils, tmp_path / "out")
    assert result.written == len(CODES) and result.engine == "compiled"
    book = Workbook(TEMPLATE)
    sheet, ref = book.defined_cells()["Council"]
    with (tmp_path / "out" / "summary.csv").open(newline="") as handle:
        summary = {row["Council"]: row for row in csv.DictReader(handle)}
    for code in CODES:
        values, _ = book.calculate({(sheet, ref): code})
        written = openpyxl.load_workbook(tmp_path / "out" / f"{code}.xlsx", data_only=True)
        for name in ("CouncilName", "ActualSpend", "ExpectedSpend", "SpendGap", "GapRank", "Neighbour1"):
            target_sheet, target = book.defined_cells()[name]
            expected = values[target_sheet][target]
            assert written[target_sheet][target].value == pytest.approx(expected) if isinstance(expected, float) else expected
            assert str(summary[code][name]) == str(expected)
        assert written["Summary"]["B3"].value == code


def test_resumes_without_redoing_finished_rows(tmp_path, councils):
    out = tmp_path / "out"
    partial = tmp_path / "first-two.csv"
    lines = councils.read_text().splitlines()
    partial.write_text("\n".join(lines[:3]) + "\n")
    assert run_batch(TEMPLATE, partial, out).written == 2
    first = (out / f"{CODES[0]}.xlsx").stat().st_mtime_ns
    with (out / JOURNAL).open("a") as journal:
        journal.write('{"key": "E10000015", "outp')  # a line cut short by a stop
    result = run_batch(TEMPLATE, councils, out)
    assert (result.written, result.skipped) == (3, 2)
    assert (out / f"{CODES[0]}.xlsx").stat().st_mtime_ns == first
    assert not list(out.glob("*.part"))
    with (out / "summary.csv").open(newline="") as handle:
        assert [row["Council"] for row in csv.DictReader(handle)] == CODES


def test_inputs_are_never_modified(tmp_path, councils):
    before = (_digest(TEMPLATE), _digest(councils))
    run_batch(TEMPLATE, councils, tmp_path / "out")
    assert (_digest(TEMPLATE), _digest(councils)) == before


def test_refuses_to_write_over_its_inputs(tmp_path):
    template = tmp_path / "spend_variation.xlsx"
    template.write_bytes(TEMPLATE.read_bytes())
    data = tmp_path / "E06000034.csv"
    data.write_text("Council\nE06000034\n")
    with pytest.raises(WorkbookError, match="refusing to overwrite"):
        run_batch(template, data, tmp_path)


@pytest.mark.parametrize(
    "content, message",
    [
        ("Council\nE06000034\nE06000034\n", "duplicate Council 'E06000034'"),
        ("Nothing,Else\n1,2\n", "no CSV column matches an input name"),
        ("Council\n", "has no rows"),
        ("Council\n\n", "has no rows"),
    ],
)
def test_bad_csv_files_are_named(tmp_path, content, message):
    data = tmp_path / "data.csv"
    data.write_text(content)
    with pytest.raises(WorkbookError, match=message):
        run_batch(TEMPLATE, data, tmp_path / "out")


def test_summary_cells_cannot_inject_formulas(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text('Council\n"=HYPERLINK(""http://x"")"\n')
    run_batch(TEMPLATE, data, tmp_path / "out", workbooks=False)
    text = (tmp_path / "out" / "summary.csv").read_text()
    assert "\n=" not in text and "\n'=" in text or "'=" in text


def test_command_line_on_the_sample_councils(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "xlfuncs", "batch", str(TEMPLATE), str(SAMPLES / "councils.csv"), "--out", str(tmp_path), "--summary-only"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "151 rows recalculated" in result.stdout
    records = [json.loads(line) for line in (tmp_path / JOURNAL).read_text().splitlines()]
    assert len(records) == 151 and all(not r["errors"] for r in records)
