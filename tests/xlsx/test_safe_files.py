"""Safe files: recalculation never damages its input, writes its output atomically, keeps
everything of the template, and refuses hostile workbooks with one clear line, in bounded time
and memory.

Hostile files are generated in temporary folders (tests/fixtures/xlsx_surgery.py); none is
committed. The command-line cases run ``xlfuncs`` in a child process with a hard time limit and
an address-space limit, so a zip bomb or a runaway formula fails the test instead of the
machine.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs.engine import WorkbookError, recalculate
from xlfuncs.xlsx import writer as writer_module
from xlfuncs.xlsx.package import MAX_REFERENCED_CELLS, read_package

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "workbooks").glob("*.xlsx"))
sys.path.insert(0, str(FIXTURES))

from tests.fixtures import xlsx_surgery as surgery  # noqa: E402

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
#: Generous bounds for the child process: a refusal takes well under a second.
CHILD_SECONDS = 120
CHILD_MEMORY = 3 * 1024**3


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(path: Path) -> tuple[str, int]:
    stat = path.stat()
    return digest(path), stat.st_mtime_ns


def _engines():
    from xlfuncs.engine import recalc

    return getattr(recalc, "ENGINES", ("auto",))


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, "-m", "xlfuncs", *args],
        capture_output=True,
        text=True,
        timeout=CHILD_SECONDS,
        preexec_fn=limits,
        cwd=cwd,
        env=env,
    )


# --- a workbook with everything a template may hold ---------------------------------------


def build_rich(path: Path) -> Path:
    """Sheets (one hidden), styles, number formats, defined names, a chart, data validation,
    conditional formatting, a comment, merged cells, frozen panes, an array formula and
    xlfuncs functions beside standard ones."""
    workbook = openpyxl.Workbook()
    inputs = workbook.active
    inputs.title = "Inputs"
    inputs["A1"] = "Council inputs"
    inputs["A1"].font = Font(bold=True, size=14)
    inputs.merge_cells("A1:C1")
    inputs.append(["Council", "Spend (£)", "Children in need", "Period"])
    rows = [
        ("Example Borough A", 5_000_000, 1000, "week"),
        ("Example County B", 21_400_000, 3950, "year"),
        ("Example City C", 12_750_000, 2610, "week"),
    ]
    for row in rows:
        inputs.append(row)
    for cell in inputs["B"][2:]:
        cell.number_format = "£#,##0"
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    validation = DataValidation(type="list", formula1='"week,day,month,year"', allow_blank=False)
    inputs.add_data_validation(validation)
    validation.add("D3:D5")
    inputs["A3"].comment = Comment("Synthetic example council", "xlfuncs")
    inputs.freeze_panes = "B3"
    inputs.column_dimensions["A"].width = 24

    model = workbook.create_sheet("Model")
    model.append(["Council", "Weekly unit cost", "Rounded", "Share of total"])
    for i in range(3):
        r = i + 2
        model.append(
            [
                f"=Inputs!A{r + 1}",
                f"=UNIT_COST(Inputs!B{r + 1},Inputs!C{r + 1})",
                f"=ROUND(B{r},2)",
                f"=B{r}/SUM($B$2:$B$4)",
            ]
        )
    model["A6"] = "Total"
    model["B6"] = "=SUM(B2:B4)"
    model["B7"] = "=LAC_RATE(345,41000)"
    model["E2"] = ArrayFormula("E2:E4", "=B2:B4*2")
    model.conditional_formatting.add(
        "B2:B4", CellIsRule(operator="greaterThan", formula=["100"], fill=PatternFill("solid", fgColor="F4CCCC"))
    )
    chart = BarChart()
    chart.title = "Weekly unit cost"
    chart.add_data(Reference(model, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(model, min_col=1, min_row=2, max_row=4))
    model.add_chart(chart, "G2")

    lists = workbook.create_sheet("Lists")
    for period in ("week", "day", "month", "year"):
        lists.append([period])
    lists.sheet_state = "hidden"

    workbook.defined_names["TotalWeekly"] = DefinedName("TotalWeekly", attr_text="Model!$B$6")
    workbook.defined_names["Periods"] = DefinedName("Periods", attr_text="Lists!$A$1:$A$4")
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    return build_rich(tmp_path_factory.mktemp("rich") / "rich.xlsx")


def _array_cells(sheet_data) -> set[str]:
    """Cells covered by array formulas, other than each formula's own cell."""
    from xlfuncs.xlsx.writer import cells_of

    covered = set()
    for formula in sheet_data.iter(f"{{{NS['m']}}}f"):
        if formula.get("t") == "array" and formula.get("ref"):
            anchor = formula.getparent().get("r")
            covered.update(c for c in cells_of(formula.get("ref")) if c != anchor)
    return covered


def _sheet_without_values(data: bytes) -> tuple[bytes, dict]:
    """A worksheet part with cached values taken out: (everything but sheetData, cells).
    Cells that an array formula fills count as formula cells."""
    root = etree.fromstring(data)
    sheet_data = root.find("m:sheetData", NS)
    arrays = _array_cells(sheet_data)
    cells = {}
    for cell in sheet_data.iter(f"{{{NS['m']}}}c"):
        formula = cell.find("m:f", NS)
        attrs = dict(cell.attrib)
        if cell.get("r") in arrays:
            attrs.pop("t", None)
            content = ("array", None, None)
        elif formula is not None:
            attrs.pop("t", None)
            content = ("f", formula.text, dict(formula.attrib))
        else:
            value = cell.find("m:v", NS)
            inline = cell.find("m:is", NS)
            content = (
                "v",
                None if value is None else value.text,
                None if inline is None else etree.tostring(inline),
            )
        cells[cell.get("r")] = (attrs, content)
    root.remove(sheet_data)
    return etree.tostring(root, method="c14n"), cells


def assert_everything_kept(source: Path, target: Path, inputs: tuple[str, ...] = ()) -> None:
    """Every part of ``source`` is in ``target``: byte for byte, except worksheets (formulas,
    constants, styles and all else kept; cached values added) and the calculation flag that
    makes Excel recalculate on open. ``inputs`` ("Sheet!A1") are cells a batch fills."""
    package = read_package(source)
    sheet_parts = set(package.sheets.values())
    filled = {(package.sheets[s], ref) for s, _, ref in (i.partition("!") for i in inputs)}
    before, after = surgery.parts(source), surgery.parts(target)
    assert list(before) == list(after), "parts added, removed or reordered"
    for name, data in before.items():
        if name in sheet_parts:
            frame_in, cells_in = _sheet_without_values(data)
            frame_out, cells_out = _sheet_without_values(after[name])
            assert frame_in == frame_out, f"{name}: something other than cell values changed"
            for ref, (attrs, content) in cells_in.items():
                assert ref in cells_out, f"{name}!{ref} lost"
                out_attrs, out_content = cells_out[ref]
                if (name, ref) in filled:
                    assert out_content[0] == "v", f"{name}!{ref}: an input became a formula"
                    assert {k: v for k, v in out_attrs.items() if k != "t"} == {
                        k: v for k, v in attrs.items() if k != "t"
                    }, f"{name}!{ref}: style changed"
                    continue
                assert out_attrs == attrs, f"{name}!{ref}: attributes changed"
                if content[0] == "f":
                    assert out_content == content, f"{name}!{ref}: formula changed"
                else:
                    assert out_content == content, f"{name}!{ref}: constant changed"
            for ref in set(cells_out) - set(cells_in):
                assert cells_out[ref][1][0] == "array", f"{name}!{ref}: cell added"
        elif name == "xl/workbook.xml":
            strip = etree.fromstring(data)
            calc = strip.find("m:calcPr", NS)
            if calc is not None:
                calc.attrib.pop("fullCalcOnLoad", None)
            out = etree.fromstring(after[name])
            assert etree.tostring(strip, method="c14n") == etree.tostring(out, method="c14n")
        else:
            assert after[name] == data, f"{name} changed"


class TestRecalcKeepsItsInput:
    def test_rich_workbook(self, rich, tmp_path):
        before = snapshot(rich)
        report = recalculate(rich, tmp_path / "out.xlsx")
        assert snapshot(rich) == before
        assert report.formula_cells >= 14
        assert_everything_kept(rich, tmp_path / "out.xlsx")
        values = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)
        assert values["Model"]["B6"].value == pytest.approx(
            5_000_000 / 1000 / 365 * 7 + 21_400_000 / 3950 / 365 * 7 + 12_750_000 / 2610 / 365 * 7
        )
        assert values["Model"]["E4"].value == pytest.approx(2 * values["Model"]["B4"].value)
        kept = openpyxl.load_workbook(tmp_path / "out.xlsx")
        assert kept.sheetnames == ["Inputs", "Model", "Lists"]
        assert kept["Lists"].sheet_state == "hidden"
        assert set(kept.defined_names) >= {"TotalWeekly", "Periods"}
        assert len(kept["Inputs"].data_validations.dataValidation) == 1
        assert len(kept["Model"]._charts) == 1
        assert kept["Inputs"]["A1"].font.bold

    @pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
    def test_every_template(self, template, tmp_path):
        before = snapshot(template)
        recalculate(template, tmp_path / template.name)
        assert snapshot(template) == before
        assert_everything_kept(template, tmp_path / template.name)

    def test_command_line(self, rich, tmp_path):
        before = snapshot(rich)
        result = run_cli("recalc", str(rich), "-o", str(tmp_path / "out.xlsx"))
        assert result.returncode == 0, result.stderr
        assert snapshot(rich) == before
        assert_everything_kept(rich, tmp_path / "out.xlsx")


class TestOutputsAreAtomic:
    def test_no_temporary_file_is_left(self, rich, tmp_path):
        recalculate(rich, tmp_path / "out.xlsx")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]

    def test_a_failed_write_leaves_the_old_output(self, rich, tmp_path, monkeypatch):
        target = tmp_path / "out.xlsx"
        target.write_bytes(b"previous result")

        def fail(*args, **kwargs):
            raise OSError("disk full")

        # the failure strikes after the package copy has started
        monkeypatch.setattr(writer_module, "_patch_sheet", fail)
        with pytest.raises(OSError):
            recalculate(rich, target)
        assert target.read_bytes() == b"previous result"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]

    def test_a_refused_workbook_leaves_the_old_output(self, tmp_path):
        bad = tmp_path / "bad.xlsx"
        bad.write_text("not a workbook")
        target = tmp_path / "out.xlsx"
        target.write_bytes(b"previous result")
        with pytest.raises(WorkbookError):
            recalculate(bad, target)
        assert target.read_bytes() == b"previous result"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx", "out.xlsx"]


class TestRefusesToOverwriteItsInput:
    def test_same_path(self, rich, tmp_path):
        copy = tmp_path / "model.xlsx"
        copy.write_bytes(rich.read_bytes())
        before = snapshot(copy)
        with pytest.raises(WorkbookError, match="refusing to overwrite the input"):
            recalculate(copy, copy)
        assert snapshot(copy) == before

    def test_other_spelling_of_the_path(self, rich, tmp_path):
        copy = tmp_path / "model.xlsx"
        copy.write_bytes(rich.read_bytes())
        (tmp_path / "sub").mkdir()
        with pytest.raises(WorkbookError, match="refusing to overwrite"):
            recalculate(copy, tmp_path / "sub" / ".." / "model.xlsx")

    def test_symbolic_link(self, rich, tmp_path):
        copy = tmp_path / "model.xlsx"
        copy.write_bytes(rich.read_bytes())
        link = tmp_path / "link.xlsx"
        link.symlink_to(copy)
        before = snapshot(copy)
        with pytest.raises(WorkbookError, match="refusing to overwrite"):
            recalculate(copy, link)
        assert snapshot(copy) == before

    def test_hard_link(self, rich, tmp_path):
        copy = tmp_path / "model.xlsx"
        copy.write_bytes(rich.read_bytes())
        link = tmp_path / "hard.xlsx"
        os.link(copy, link)
        with pytest.raises(WorkbookError, match="refusing to overwrite"):
            recalculate(copy, link)
        assert copy.read_bytes() == rich.read_bytes()

    def test_command_line(self, rich, tmp_path):
        copy = tmp_path / "model.xlsx"
        copy.write_bytes(rich.read_bytes())
        before = snapshot(copy)
        result = run_cli("recalc", str(copy), "-o", str(copy))
        assert result.returncode == 2
        assert "refusing to overwrite the input" in result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(copy) == before


# --- hostile workbooks ------------------------------------------------------------------------


def _simple(path: Path, formulas: dict[str, object] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet["A1"] = 5
    sheet["A2"] = 7
    for ref, value in (formulas or {"B1": "=SUM(A1:A2)"}).items():
        sheet[ref] = value
    workbook.save(path)
    return path


XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&xxe;</t></si></sst>"
)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
)


def hostile_zip_bomb(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx")
    contents = surgery.parts(base)
    contents["xl/media/padding.xml"] = b"<a>" + b" " * 60_000_000 + b"</a>"
    return surgery.write(tmp / "bomb.xlsx", contents)


def hostile_declared_huge(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx")
    return surgery.lie_about_size(base, tmp / "liar.xlsx", "xl/worksheets/sheet1.xml", 3_000_000_000)


def hostile_declared_small(tmp: Path) -> Path:
    """A part that expands to far more than its header says (the header is believed, the
    stream is cut there and fails its checksum)."""
    base = _simple(tmp / "base.xlsx")
    contents = surgery.parts(base)
    contents["xl/sharedStrings.xml"] = b"<sst>" + b"<si><t>x</t></si>" * 1_000_000 + b"</sst>"
    bomb = surgery.write(tmp / "big.xlsx", contents)
    return surgery.lie_about_size(bomb, tmp / "small-liar.xlsx", "xl/sharedStrings.xml", 100)


def hostile_xxe(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx", {"B1": "x"})
    return surgery.edit_parts(base, tmp / "xxe.xlsx", {"xl/sharedStrings.xml": XXE})


def hostile_xxe_utf16(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx", {"B1": "x"})
    data = codecs.BOM_UTF16_LE + XXE.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16-le")
    return surgery.edit_parts(base, tmp / "xxe16.xlsx", {"xl/sharedStrings.xml": data})


def hostile_laughs(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx")
    return surgery.edit_parts(base, tmp / "laughs.xlsx", {"xl/worksheets/sheet1.xml": LAUGHS})


def hostile_content_types_doctype(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx")
    types = surgery.parts(base)["[Content_Types].xml"]
    doctype = b'<!DOCTYPE Types [<!ENTITY e SYSTEM "http://127.0.0.1:1/x">]>'
    types = types.replace(b"?>", b"?>" + doctype, 1) if b"?>" in types else doctype + types
    return surgery.edit_parts(base, tmp / "types.xlsx", {"[Content_Types].xml": types})


def hostile_text(tmp: Path) -> Path:
    path = tmp / "notes.xlsx"
    path.write_text("Council,Spend\nExample,5\n")
    return path


def hostile_empty(tmp: Path) -> Path:
    path = tmp / "empty.xlsx"
    path.write_bytes(b"")
    return path


def hostile_png(tmp: Path) -> Path:
    path = tmp / "picture.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return path


def hostile_docx(tmp: Path) -> Path:
    path = tmp / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def hostile_encrypted(tmp: Path) -> Path:
    path = tmp / "protected.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    return path


def hostile_truncated(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx")
    data = base.read_bytes()
    path = tmp / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def hostile_broken_xml(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx")
    return surgery.edit_parts(base, tmp / "broken.xlsx", {"xl/workbook.xml": b"<workbook><sheets>"})


def hostile_circular(tmp: Path) -> Path:
    return _simple(tmp / "circular.xlsx", {"B1": "=C1+A1", "C1": "=B1*2", "D1": "=C1"})


def hostile_circular_through_range(tmp: Path) -> Path:
    return _simple(tmp / "circular-range.xlsx", {"B1": "=SUM(B2:B5)", "B3": "=B1/2"})


def hostile_self_reference(tmp: Path) -> Path:
    return _simple(tmp / "self.xlsx", {"B1": "=B1+1"})


def hostile_external_link(tmp: Path) -> Path:
    base = _simple(tmp / "base.xlsx")
    linked = surgery.add_external_link(base, tmp / "linked-base.xlsx", "file:///C:/Finance/budget%202025.xlsx")
    return surgery.set_formula(linked, tmp / "linked.xlsx", "xl/worksheets/sheet1.xml", "C1", "[1]Data!A1*2")


def hostile_inline_external(tmp: Path) -> Path:
    _simple(tmp / "secret.xlsx", {"B1": 42})
    base = _simple(tmp / "base.xlsx")
    return surgery.set_formula(base, tmp / "inline.xlsx", "xl/worksheets/sheet1.xml", "C1", "'[secret.xlsx]Data'!A1+1")


def hostile_indirect_external(tmp: Path) -> Path:
    _simple(tmp / "secret.xlsx", {"B1": 42})
    base = _simple(tmp / "base.xlsx")
    return surgery.set_formula(
        base, tmp / "indirect.xlsx", "xl/worksheets/sheet1.xml", "C1", "INDIRECT(\"'[secret.xlsx]Data'!A1\")"
    )


def hostile_huge_range(tmp: Path) -> Path:
    return _simple(tmp / "huge.xlsx", {"B1": "=SUM(A1:XFD1048576)", "XFD1048576": 1})


def _shared_formula_sheet(tmp: Path, name: str, formula: str, rows: int) -> Path:
    """A sheet whose B1 holds a shared formula copied down to B``rows`` (as Excel saves a
    formula filled down), over numbers in column A."""
    base = _simple(tmp / "base.xlsx")
    cells = [f'<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B{rows}" si="0">{formula}</f></c></row>']
    cells += [f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><f t="shared" si="0"/></c></row>' for r in range(2, rows + 1)]
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{NS["m"]}"><sheetData>{"".join(cells)}</sheetData></worksheet>'
    ).encode()
    return surgery.edit_parts(base, tmp / name, {"xl/worksheets/sheet1.xml": sheet})


def hostile_shared_ranges(tmp: Path) -> Path:
    return _shared_formula_sheet(tmp, "shared.xlsx", "SUM(A1:A3000)", 3000)


def hostile_climbing_part(tmp: Path) -> Path:
    """A part named ../../evil.xml: copied into an output, it would land outside the folder of
    whoever unzips it."""
    base = _simple(tmp / "base.xlsx")
    contents = surgery.parts(base)
    contents["../../evil.xml"] = b"<x/>"
    return surgery.write(tmp / "climbing.xlsx", contents)


def hostile_duplicate_part(tmp: Path) -> Path:
    import warnings

    base = _simple(tmp / "base.xlsx")
    path = tmp / "twice.xlsx"
    path.write_bytes(base.read_bytes())
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as archive:
        warnings.simplefilter("ignore")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    return path


def hostile_macros_named_xlsx(tmp: Path) -> Path:
    """An .xlsm renamed .xlsx: recalculated into an .xlsx, its VBA project must not follow."""
    return surgery.add_macros(_simple(tmp / "base.xlsx"), tmp / "renamed.xlsx")


HOSTILE = {
    "zip bomb": (hostile_zip_bomb, "zip bomb"),
    "size recorded as 3 GB": (hostile_declared_huge, "zip bomb"),
    "size recorded too small": (hostile_declared_small, "corrupt|cannot read|not well-formed"),
    "external entity": (hostile_xxe, "DOCTYPE or entities"),
    "external entity in UTF-16": (hostile_xxe_utf16, "DOCTYPE or entities"),
    "billion laughs": (hostile_laughs, "DOCTYPE or entities"),
    "DOCTYPE in content types": (hostile_content_types_doctype, "DOCTYPE or entities"),
    "text file": (hostile_text, "not an .xlsx workbook"),
    "empty file": (hostile_empty, "empty file"),
    "picture": (hostile_png, "not an .xlsx workbook"),
    "word document": (hostile_docx, r"not an .xlsx workbook \(no xl/workbook.xml\)"),
    "encrypted": (hostile_encrypted, "password-protected"),
    "truncated": (hostile_truncated, "not an .xlsx workbook|corrupt"),
    "broken XML": (hostile_broken_xml, "not well-formed"),
    "circular reference": (hostile_circular, r"circular reference.*Data!B1"),
    "circular through a range": (hostile_circular_through_range, r"circular reference.*Data!B1"),
    "cell referring to itself": (hostile_self_reference, r"circular reference.*Data!B1"),
    "workbook named in a formula": (hostile_inline_external, r"other workbooks \(secret.xlsx"),
    "workbook named in INDIRECT": (hostile_indirect_external, r"other workbooks \(secret.xlsx"),
    "range of 17 billion cells": (hostile_huge_range, f"at most {MAX_REFERENCED_CELLS:,} cells"),
    "a range copied down 3,000 rows": (hostile_shared_ranges, "copied to 3,000 cells"),
    "a part climbing out of the package": (hostile_climbing_part, "is not a part of a package"),
    "two parts of one name": (hostile_duplicate_part, "two parts named"),
    "macros in a file named .xlsx": (hostile_macros_named_xlsx, r"holds macros \(xl/vbaProject.bin\)"),
}


def test_anchored_ranges_copied_down_count_once(tmp_path):
    """=SUM($A$1:$A$3000) filled down 3,000 rows reads one range, not 3,000."""
    anchored = _shared_formula_sheet(tmp_path, "anchored.xlsx", "SUM($A$1:$A$3000)", 3000)
    assert read_package(anchored).referenced_cells == 3000
    shifted = _shared_formula_sheet(tmp_path, "shifted.xlsx", "SUM(A1:A3)", 3000)
    assert read_package(shifted).referenced_cells == 3 * 3000


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("engine", _engines())
def test_hostile_workbook_is_refused(kind, engine, tmp_path):
    make, message = HOSTILE[kind]
    source = make(tmp_path)
    before = snapshot(source)
    target = tmp_path / "out" / "result.xlsx"
    with pytest.raises(WorkbookError, match=message) as caught:
        recalculate(source, target, engine=engine) if engine != "auto" else recalculate(source, target)
    text = str(caught.value)
    assert "\n" not in text and str(source) in text
    assert snapshot(source) == before
    assert not target.exists()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_workbook_on_the_command_line(kind, tmp_path):
    make, message = HOSTILE[kind]
    source = make(tmp_path)
    before = snapshot(source)
    result = run_cli("recalc", str(source), "-o", str(tmp_path / "result.xlsx"))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xlfuncs recalc: "), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(source) == before
    assert not (tmp_path / "result.xlsx").exists()


def test_linked_workbook_is_read_from_the_values_the_file_keeps(tmp_path):
    """Excel calculates a link to another workbook from the cache in xl/externalLinks/ (here
    Data!A1 = 42): so does the compiled evaluator, never opening the other file. The formulas
    engine reads no such cache and refuses the workbook."""
    source = hostile_external_link(tmp_path)
    before = snapshot(source)
    report = recalculate(source, tmp_path / "out.xlsx")
    assert report.values["Data"]["C1"] == 84
    assert snapshot(source) == before
    with pytest.raises(WorkbookError, match=r"other workbooks \(.*budget"):
        recalculate(source, tmp_path / "out-formulas.xlsx", engine="formulas")


def test_another_workbook_is_never_read(tmp_path):
    """A formula naming a file beside the template must not pull that file's values in."""
    source = hostile_inline_external(tmp_path)
    with pytest.raises(WorkbookError):
        recalculate(source, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_a_long_chain_of_formulas_is_not_a_cycle(tmp_path):
    """The cycle search is iterative: 5,000 chained cells neither recurse too deep nor count
    as circular."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Chain"
    sheet["A1"] = 1
    for row in range(2, 5001):
        sheet[f"A{row}"] = f"=A{row - 1}+1"
    path = tmp_path / "chain.xlsx"
    workbook.save(path)
    report = recalculate(path, tmp_path / "out.xlsx")
    assert report.values["Chain"]["A5000"] == 5000


def test_cycle_search_on_the_formulas_engine(tmp_path):
    """The ``formulas`` engine leaves cells of a cycle out silently; the cycle search must also
    ignore the edges it adds so that defined names and ranges can be set as inputs."""
    from xlfuncs.engine import formulas_bridge as engine_functions
    from xlfuncs.engine.cycles import circular_cells
    from xlfuncs.engine.formulas_bridge import _model_class

    engine_functions.install()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "S"
    sheet["A1"] = 5
    sheet["B1"] = "=Council*2"
    sheet["C1"] = "=SUM(A1:B1)"
    workbook.defined_names["Council"] = DefinedName("Council", attr_text="S!$A$1")
    workbook.defined_names["Answer"] = DefinedName("Answer", attr_text="S!$C$1")
    path = tmp_path / "names.xlsx"
    workbook.save(path)
    model = _model_class()()
    model.loads(str(path)).finish()
    assert circular_cells(model, ["S"]) == []
    sheet["A1"] = "=Answer"
    workbook.save(path)
    model = _model_class()()
    model.loads(str(path)).finish()
    assert circular_cells(model, ["S"]) == ["S!A1", "S!B1", "S!C1"]


# --- batch --------------------------------------------------------------------------------


def _batch_available() -> bool:
    try:
        import xlfuncs.batch.runner  # noqa: F401
        import xlfuncs.cli.batch  # noqa: F401
    except ImportError:
        return False
    return True


batch = pytest.mark.skipif(not _batch_available(), reason="the batch command is not there yet")


@pytest.fixture
def batch_inputs(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Model"
    sheet["A1"] = "Spend"
    sheet["B1"] = 5_000_000
    sheet["A2"] = "Children"
    sheet["B2"] = 1000
    sheet["A3"] = "Weekly unit cost"
    sheet["B3"] = "=UNIT_COST(Spend,Children)"
    sheet["B4"] = "=ROUND(B3,2)"
    workbook.defined_names["Spend"] = DefinedName("Spend", attr_text="Model!$B$1")
    workbook.defined_names["Children"] = DefinedName("Children", attr_text="Model!$B$2")
    workbook.defined_names["WeeklyCost"] = DefinedName("WeeklyCost", attr_text="Model!$B$3")
    template = tmp_path / "template.xlsx"
    workbook.save(template)
    data = tmp_path / "councils.csv"
    data.write_text("Council,Spend,Children\nExample A,5000000,1000\n=cmd|' /C calc'!A0,2000000,0\n")
    return template, data


@batch
def test_batch_keeps_its_inputs_byte_identical(batch_inputs, tmp_path):
    template, data = batch_inputs
    before = snapshot(template), snapshot(data)
    result = run_cli("batch", str(template), str(data), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (snapshot(template), snapshot(data)) == before
    outputs = sorted((tmp_path / "out").glob("*.xlsx"))
    assert len(outputs) == 2
    for output in outputs:
        assert_everything_kept(template, output, inputs=("Model!B1", "Model!B2"))
    weekly = sorted(str(openpyxl.load_workbook(o, data_only=True)["Model"]["B3"].value)[:6] for o in outputs)
    assert weekly == ["#DIV/0", "95.890"]  # each row's own inputs, including a bad one
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".part")]
    summary = (tmp_path / "out" / "summary.csv").read_text()
    assert "\n=cmd" not in summary and ",=cmd" not in summary  # formula injection guarded


@batch
def test_batch_refuses_to_write_over_its_inputs(batch_inputs, tmp_path):
    template, data = batch_inputs
    data = data.rename(tmp_path / "summary.csv")  # the name of the summary it would write
    before = snapshot(template), snapshot(data)
    result = run_cli("batch", str(template), str(data), "--out", str(tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "refusing to overwrite" in result.stderr
    assert (snapshot(template), snapshot(data)) == before


@batch
@pytest.mark.parametrize("kind", ["zip bomb", "external entity", "circular reference", "text file"])
def test_batch_refuses_hostile_templates(kind, batch_inputs, tmp_path):
    _, data = batch_inputs
    make, _message = HOSTILE[kind]
    source = make(tmp_path)
    before = snapshot(source)
    result = run_cli("batch", str(source), str(data), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert snapshot(source) == before
    assert not list((tmp_path / "out").glob("*.xlsx")) if (tmp_path / "out").exists() else True


def test_rich_fixture_is_a_real_workbook(rich):
    """The rich workbook opens in openpyxl with everything in place (guards the fixture)."""
    book = openpyxl.load_workbook(io.BytesIO(rich.read_bytes()))
    assert book["Model"]["B2"].value.startswith("=UNIT_COST(")


# --- text Excel writes with escapes, macros, permissions ---------------------------------------


def test_a_control_character_in_a_text_result_is_written_as_excel_writes_it(tmp_path, capsys):
    """="a"&CHAR(1) recalculates (CHAR sends it to the formulas engine); its value is stored
    as a_x0001_, which every reader turns back into the character."""
    from xlfuncs.cli import main
    from xlfuncs.xlsx.cells import read_cells

    path = _simple(tmp_path / "control.xlsx", {"B1": '="a"&CHAR(1)', "B2": "=LEN(B1)", "B3": '=B1&"b"'})
    target = tmp_path / "out.xlsx"
    assert main(["recalc", str(path), "-o", str(target)]) == 0, capsys.readouterr().err
    sheet = surgery.parts(target)["xl/worksheets/sheet1.xml"].decode()
    assert '<v>a_x0001_</v>' in sheet and "<v>a_x0001_b</v>" in sheet
    cells = read_cells(read_package(target)).sheets["Data"]
    openpyxl.load_workbook(target)  # opens
    values = openpyxl.load_workbook(target, data_only=True)["Data"]
    assert values["B2"].value == 2
    assert cells.formulas  # formulas kept
    from xlfuncs.xlsx.escape import unescape

    assert unescape(values["B1"].value) == "a\x01"


def test_a_literal_escape_sequence_survives(tmp_path):
    """Text that reads _x0041_ is stored _x005F_x0041_ (else a reader would show "A")."""
    base = _simple(tmp_path / "base.xlsx", {"B1": '=A3&"!"', "A3": "placeholder"})
    contents = surgery.parts(base)
    sheet = contents["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("<is><t>placeholder</t></is>", "<is><t>_x005F_x0041_ and _x0001_</t></is>")
    contents["xl/worksheets/sheet1.xml"] = sheet.encode()
    path = surgery.write(tmp_path / "literal.xlsx", contents)
    report = recalculate(path, tmp_path / "out.xlsx")
    assert report.values["Data"]["B1"] == "_x0041_ and \x01!"
    written = surgery.parts(tmp_path / "out.xlsx")["xl/worksheets/sheet1.xml"].decode()
    assert "<v>_x005F_x0041_ and _x0001_!</v>" in written


@pytest.mark.libreoffice
def test_libreoffice_opens_what_holds_escapes(tmp_path, libreoffice):
    path = _simple(tmp_path / "control.xlsx", {"B1": '="a"&CHAR(1)&"_x0041_"', "B2": "=LEN(B1)"})
    recalculate(path, tmp_path / "out.xlsx")
    values = openpyxl.load_workbook(libreoffice.recalculate_file(tmp_path / "out.xlsx", tmp_path / "lo"), data_only=True)
    assert values["Data"]["B2"].value == 9


@pytest.fixture
def macro_workbook(tmp_path) -> Path:
    return surgery.add_macros(_simple(tmp_path / "base.xlsx"), tmp_path / "model.xlsm")


def test_macros_are_never_written_into_an_xlsx(macro_workbook, tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous result")
    with pytest.raises(WorkbookError, match=r"holds macros \(xl/vbaProject.bin\), which an .xlsx file cannot carry; write to out.xlsm"):
        recalculate(macro_workbook, target)
    assert target.read_bytes() == b"previous result"
    result = run_cli("recalc", str(macro_workbook), "-o", str(target))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and "out.xlsm" in result.stderr
    assert target.read_bytes() == b"previous result"


def test_an_xlsm_keeps_its_macros_in_an_xlsm(macro_workbook, tmp_path):
    recalculate(macro_workbook, tmp_path / "out.xlsm")
    parts = surgery.parts(tmp_path / "out.xlsm")
    assert parts["xl/vbaProject.bin"] == surgery.parts(macro_workbook)["xl/vbaProject.bin"]
    assert b"macroEnabled" in parts["[Content_Types].xml"]


def test_a_batch_of_a_macro_template_writes_xlsm(tmp_path):
    from xlfuncs.batch.runner import run_batch

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Model"
    sheet["B1"], sheet["B2"] = 5, "=B1*2"
    workbook.defined_names["Input"] = DefinedName("Input", attr_text="Model!$B$1")
    workbook.defined_names["Output"] = DefinedName("Output", attr_text="Model!$B$2")
    workbook.save(tmp_path / "base.xlsx")
    template = surgery.add_macros(tmp_path / "base.xlsx", tmp_path / "template.xlsm")
    (tmp_path / "rows.csv").write_text("id,Input\nfirst,3\n")
    run_batch(template, tmp_path / "rows.csv", tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").glob("first.*")] == ["first.xlsm"]


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_follow_the_umask(mask, mode, rich, batch_inputs, tmp_path):
    """Every file a command writes has the mode the user's umask gives, as any program's."""
    template, data = batch_inputs

    def run(*args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        result = subprocess.run(
            [sys.executable, "-m", "xlfuncs", *args], capture_output=True, text=True,
            timeout=CHILD_SECONDS, preexec_fn=lambda: os.umask(mask), env=env,
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stderr

    run("recalc", str(rich), "-o", str(tmp_path / "recalc.xlsx"))
    run("check", str(rich), "--fix", "-o", str(tmp_path / "clean.xlsx"))
    run("batch", str(template), str(data), "--out", str(tmp_path / "batch"))
    run("forecast-903", str(ROOT / "samples" / "ssda903"), "--months", "2", "--out", str(tmp_path / "f.csv"))
    run("addin", "config", "--config-file", str(tmp_path / "xlwings.conf"))
    written = [tmp_path / n for n in ("recalc.xlsx", "clean.xlsx", "f.csv", "xlwings.conf")]
    written += [p for p in (tmp_path / "batch").iterdir() if p.is_file()]
    assert len(written) >= 8
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in written} == {p.name: oct(mode) for p in written}
