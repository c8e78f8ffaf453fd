"""A portable copy is an ordinary workbook: it passes ``xlfuncs check``, ``xlfuncs recalc`` and
``xlfuncs batch`` read it, and ``check`` notes (without a finding) that the original calls
xlfuncs. Bad input: a workbook with no xlfuncs calls, calls reading other workbooks, add-in
links, arrays past Excel's limits."""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from tests.fixtures.xlsx_surgery import add_external_link, set_formula
from tests.portable.conftest import TEMPLATES
from tests.portable.test_templates import compare
from xlfuncs.batch.runner import run_batch
from xlfuncs.check import check_workbook
from xlfuncs.engine import recalculate
from xlfuncs.excel.native import MAX_ARRAY_ELEMENTS
from xlfuncs.portable import make_portable
from xlfuncs.templates import WORKBOOKS_DIR
from xlfuncs.xlsx.package import WorkbookError


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlfuncs", *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_portable_copy_passes_check(portable_copies, name):
    report = check_workbook(portable_copies[name].portable)
    assert report.clean, [str(f) for f in report.findings]
    assert report.notes == []


@pytest.mark.parametrize("name", TEMPLATES)
def test_check_notes_that_the_original_needs_the_add_in(name):
    report = check_workbook(WORKBOOKS_DIR / name)
    assert report.clean
    (note,) = report.notes
    assert "call xlfuncs functions" in note and "xlfuncs portable" in note


def test_check_prints_the_note_and_exits_0():
    done = _cli("check", WORKBOOKS_DIR / "unit_costs.xlsx")
    assert done.returncode == 0, done.stderr
    assert "note: 40 formulas call xlfuncs functions: a recipient needs the xlfuncs add-in, or a portable copy" in done.stdout


@pytest.mark.parametrize("name", TEMPLATES)
def test_recalc_reads_the_portable_copy_and_gives_the_same_numbers(portable_copies, name, tmp_path):
    copy = portable_copies[name]
    report = recalculate(copy.portable, tmp_path / "out.xlsx")
    assert report.errors == {}
    compared, mismatches = compare(copy, report.values)
    assert compared > 0
    assert not mismatches, "\n".join(mismatches[:20])


def _named_inputs_workbook(path):
    """A small model with named inputs, calling xlfuncs functions whose native forms the
    compiled evaluator computes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Model"
    sheet["A1"], sheet["B1"] = "Spend", 5_000_000
    sheet["A2"], sheet["B2"] = "Children", 1000
    sheet["A3"], sheet["B3"] = "Period", "week"
    sheet["B5"] = "=UNIT_COST(B1,B2,B3)"
    sheet["B6"] = "=LAC_RATE(B2,41000)*2"
    sheet["B7"] = "=NET_SAVINGS(135.5,2285,21.7,B5*52)"
    from openpyxl.workbook.defined_name import DefinedName

    for name, ref in (("Spend", "$B$1"), ("Children", "$B$2"), ("Period", "$B$3"), ("Cost", "$B$5"), ("Net", "$B$7")):
        workbook.defined_names[name] = DefinedName(name, attr_text=f"Model!{ref}")
    workbook.save(path)
    return path


def test_batch_reads_the_portable_copy(tmp_path):
    original = _named_inputs_workbook(tmp_path / "model.xlsx")
    portable = make_portable(original, tmp_path / "portable.xlsx").target
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Spend", "Children", "Period"])
        writer.writerows([[4_000_000, 800, "year"], [6_500_000, 1300, "month"], [1, 0, "week"]])
    summaries = []
    for template in (original, portable):
        result = run_batch(template, rows, tmp_path / template.stem, workbooks=False)
        assert result.written == 3
        with (tmp_path / template.stem / "summary.csv").open(newline="") as handle:
            summaries.append(list(csv.DictReader(handle)))
    assert summaries[0] == summaries[1]


def test_a_workbook_without_xlfuncs_calls_is_copied_unchanged(tmp_path):
    source = tmp_path / "plain.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"], workbook.active["A2"] = 5, "=A1*2"
    workbook.save(source)
    done = _cli("portable", source, "-o", tmp_path / "copy.xlsx")
    assert done.returncode == 0, done.stderr
    assert "calls no xlfuncs function; copied unchanged" in done.stdout
    assert (tmp_path / "copy.xlsx").read_bytes() == source.read_bytes()


def test_a_call_reading_another_workbook_is_refused(tmp_path):
    plain = _named_inputs_workbook(tmp_path / "model.xlsx")
    linked = add_external_link(plain, tmp_path / "linked.xlsx", "file:///C:/data/rates.xlsx")
    source = set_formula(linked, tmp_path / "source.xlsx", "xl/worksheets/sheet1.xml", "B9", "UNIT_COST([1]Data!A1,B2)")
    with pytest.raises(WorkbookError, match="refers to another workbook"):
        make_portable(source, tmp_path / "copy.xlsx")
    done = _cli("portable", source, "-o", tmp_path / "copy.xlsx")
    assert done.returncode == 2
    assert "UNIT_COST: annual_spend refers to another workbook" in done.stderr
    assert not (tmp_path / "copy.xlsx").exists()


def test_calls_saved_through_the_add_in_link_are_converted_and_the_link_dropped(tmp_path):
    plain = _named_inputs_workbook(tmp_path / "model.xlsx")
    linked = add_external_link(plain, tmp_path / "linked.xlsx", "file:///C:/Users/someone/xlwings.xlam")
    source = set_formula(linked, tmp_path / "source.xlsx", "xl/worksheets/sheet1.xml", "B5", "[1]!UNIT_COST(B1,B2,B3)")
    source = set_formula(source, tmp_path / "source2.xlsx", "xl/worksheets/sheet1.xml", "B6", "_xldudf_XLWINGS_LAC_RATE(B2,41000)")
    assert {f.kind for f in check_workbook(source).findings} == {"addin-link"}
    report = make_portable(source, tmp_path / "copy.xlsx")
    assert len(report.live) == 3 and not report.frozen
    assert check_workbook(tmp_path / "copy.xlsx").clean
    with zipfile.ZipFile(tmp_path / "copy.xlsx") as archive:
        assert not any("externalLink" in name for name in archive.namelist())
        assert b"externalReference" not in archive.read("xl/workbook.xml")
    values = recalculate(tmp_path / "copy.xlsx", tmp_path / "values.xlsx").values["Model"]
    assert values["B5"] == pytest.approx(5_000_000 / 1000 / 365 * 7, rel=1e-12)
    assert values["B6"] == pytest.approx(1000 / 41000 * 10000, rel=1e-12)


def test_an_array_call_past_excels_array_limits_is_frozen_and_said_so(tmp_path):
    source = tmp_path / "big.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    n = int(MAX_ARRAY_ELEMENTS**0.5) + 10
    for i in range(n):
        sheet.cell(i + 1, 1, (i * 37) % 101 + i / 1000)
        sheet.cell(i + 1, 2, (i * 53) % 89 + i / 500)
    sheet["D1"] = ArrayFormula("D1:D2", f"=LAC_SPEARMAN(A1:A{n},B1:B{n})")
    sheet["D4"] = "=LAC_RATE(345,41000)"
    workbook.save(source)
    report = make_portable(source, tmp_path / "copy.xlsx")
    (frozen,) = report.frozen
    assert frozen.address == "D1:D2" and "array of" in frozen.reason and "elements" in frozen.reason
    assert len(report.live) == 1
    done = _cli("portable", source, "-o", tmp_path / "copy2.xlsx")
    assert "frozen Sheet!D1:D2: LAC_SPEARMAN: ranking the values would need an array of" in done.stdout
    copy = openpyxl.load_workbook(tmp_path / "copy.xlsx")
    assert "more than the 1,048,576 an array formula can be relied on to hold" in copy["Sheet"]["D1"].comment.text
    original = recalculate(source, tmp_path / "values.xlsx").values["Sheet"]
    assert copy["Sheet"]["D1"].value == pytest.approx(original["D1"], rel=1e-15)


def test_the_input_is_never_changed_and_never_overwritten(tmp_path):
    source = tmp_path / "unit_costs.xlsx"
    source.write_bytes((WORKBOOKS_DIR / "unit_costs.xlsx").read_bytes())
    before = source.read_bytes()
    with pytest.raises(WorkbookError, match="refusing to overwrite"):
        make_portable(source, source)
    make_portable(source, tmp_path / "copy.xlsx")
    assert source.read_bytes() == before


def test_cli_summary_and_frozen_cells(tmp_path):
    done = _cli("portable", WORKBOOKS_DIR / "stock_flow.xlsx", "-o", tmp_path / "copy.xlsx")
    assert done.returncode == 0, done.stderr
    assert "15 formulas calling xlfuncs: 13 live in Excel's own functions, 2 frozen at their values" in done.stdout
    assert "frozen Projection!BM5:BM28: LAC_STOCKFLOW_TOTAL: a total plus or minus standard deviations" in done.stdout
    refused = _cli("portable", WORKBOOKS_DIR / "stock_flow.xlsx", "-o", tmp_path / "copy.xlsm")
    assert refused.returncode == 2 and "give it an .xlsx name" in refused.stderr


def test_shared_formulas_are_written_out_and_the_calculation_chain_dropped(tmp_path):
    """As Excel saves a column of copied formulas: one shared formula, and a calcChain part."""
    from tests.fixtures.xlsx_surgery import edit_parts, parts

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in range(1, 5):
        sheet.cell(row, 1, 1000 * row)
        sheet.cell(row, 2, 10 * row)
    sheet["C1"] = "=UNIT_COST(A1,B1)"
    workbook.save(tmp_path / "plain.xlsx")
    xml = parts(tmp_path / "plain.xlsx")["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace("<f>UNIT_COST(A1,B1)</f><v></v>", '<f t="shared" ref="C1:C4" si="0">UNIT_COST(A1,B1)</f>')
    xml = xml.replace("<f>UNIT_COST(A1,B1)</f>", '<f t="shared" ref="C1:C4" si="0">UNIT_COST(A1,B1)</f>')
    for row in range(2, 5):
        xml = xml.replace(f'<c r="B{row}" t="n"><v>{10 * row}</v></c>', f'<c r="B{row}" t="n"><v>{10 * row}</v></c><c r="C{row}"><f t="shared" si="0"/></c>')
    types = parts(tmp_path / "plain.xlsx")["[Content_Types].xml"].decode().replace(
        "</Types>",
        '<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    rels = parts(tmp_path / "plain.xlsx")["xl/_rels/workbook.xml.rels"].decode().replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    chain = '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="C1" i="1"/></calcChain>'
    source = edit_parts(
        tmp_path / "plain.xlsx", tmp_path / "shared.xlsx",
        {"xl/worksheets/sheet1.xml": xml.encode(), "[Content_Types].xml": types.encode(),
         "xl/_rels/workbook.xml.rels": rels.encode(), "xl/calcChain.xml": chain.encode()},
    )
    assert xml.count('si="0"') == 4
    report = make_portable(source, tmp_path / "copy.xlsx")
    assert len(report.live) == 4 and report.dropped == ["xl/calcChain.xml"]
    copied = parts(tmp_path / "copy.xlsx")
    assert "xl/calcChain.xml" not in copied
    assert b"calcChain" not in copied["xl/_rels/workbook.xml.rels"] + copied["[Content_Types].xml"]
    assert b't="shared"' not in copied["xl/worksheets/sheet1.xml"]
    values = recalculate(tmp_path / "copy.xlsx", tmp_path / "values.xlsx").values["Sheet"]
    assert [values[f"C{r}"] for r in range(1, 5)] == pytest.approx([100 / 365 * 7] * 4, rel=1e-12)


def test_a_note_joins_a_comment_already_on_the_cell(tmp_path):
    from openpyxl.comments import Comment

    source = tmp_path / "noted.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = ArrayFormula("A1:A3", '=CBA_MC_NET_SAVINGS(10,{1000,2000},{2,5},60000,{0.05;0.5;0.95},1000,7)')
    sheet["A1"].comment = Comment("Checked by finance, March", "Finance")
    sheet["C1"] = "Inputs"
    sheet["C1"].comment = Comment("Typed from the business case", "Finance")
    workbook.save(source)
    make_portable(source, tmp_path / "copy.xlsx")
    copy = openpyxl.load_workbook(tmp_path / "copy.xlsx")["Sheet"]
    assert copy["A1"].comment.text.startswith("Checked by finance, March\n\nxlfuncs portable: These cells (A1:A3)")
    assert copy["C1"].comment.text == "Typed from the business case"
    assert isinstance(copy["A2"].value, float)


def test_a_choice_only_xlfuncs_computes_is_frozen_when_typed_and_noted_when_in_a_cell(tmp_path):
    source = tmp_path / "ets.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row, value in enumerate([300, 320, 345, 352, 370], start=1):
        sheet.cell(row, 1, value)
    sheet["B1"] = "linear"
    sheet["C1"] = ArrayFormula("C1:C3", '=LAC_FORECAST(A1:A5,3,"ets")')
    sheet["D1"] = ArrayFormula("D1:D3", "=LAC_FORECAST(A1:A5,3,B1)")
    workbook.save(source)
    report = make_portable(source, tmp_path / "copy.xlsx")
    (frozen,) = report.frozen
    assert frozen.address == "C1:C3" and 'method "ets" has no form' in frozen.reason
    (live,) = report.live
    assert live.address == "D1:D3" and any('"ets"' in note for note in live.notes)
    copy = openpyxl.load_workbook(tmp_path / "copy.xlsx")["Sheet"]
    assert 'method "ets"' in copy["D1"].comment.text and "gives #N/A here" in copy["D1"].comment.text


def test_the_projection_works_in_labelled_cells_right_of_the_sheet_shared_by_its_calls(portable_copies):
    copy = portable_copies["stock_flow.xlsx"]
    sheet = openpyxl.load_workbook(copy.portable)["Projection"]
    original = openpyxl.load_workbook(copy.original)["Projection"]
    first = original.max_column + 2
    headings = [cell.value for cell in sheet[1][first - 1:] if isinstance(cell.value, str)]
    # One block for the projection, shared by LAC_STOCKFLOW_PROJECT and LAC_STOCKFLOW_TOTAL
    # over the same model, and one for the cost.
    assert len(headings) == 1 and "working cells of the stock-flow projection over Stock" in headings[0]
    labels = [sheet.cell(row, first).value for row in range(1, sheet.max_row + 1)]
    assert labels.count("Identity") == 2
    assert "One-day matrix to the power 32,768 (32,768 days)" in labels
    assert any(isinstance(v, str) and "working cells of the stock-flow cost" in v for v in labels)
    for row in range(1, original.max_row + 1):
        for col in range(original.max_column + 1, first):
            assert sheet.cell(row, col).value is None
    # Every horizon's row reads the powers of its 16 bits: one array formula over its 60 states.
    formula = sheet["D6"].value
    assert isinstance(formula, ArrayFormula) and formula.ref == "D6:BK6"
    assert formula.text.count(",2)=1,") == 16 and "LAC_STOCKFLOW" not in formula.text
