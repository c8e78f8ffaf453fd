"""Headless recalculation end to end: real openpyxl files through the `formulas` engine."""

import hashlib
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs.engine import WorkbookError, recalculate


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def model(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Model"
    sheet["A1"] = "=UNIT_COST(5000000,1000)"
    sheet["A2"] = "=LAC_RATE(345,41000)"
    sheet["A3"] = "=SUM(A1:A2)"
    sheet["A4"] = '=UNIT_COST("five million",1000)'
    sheet["A5"] = "=ROUND(A3,2)"
    sheet["A6"] = '=IF(A1>90,"high","low")'
    sheet["A7"] = "=A1>1000"
    sheet["B1"] = 5_000_000
    sheet["B2"] = 0
    sheet["A8"] = "=UNIT_COST(B1,B2)"
    sheet["A9"] = "=IFERROR(A4,-1)"
    path = tmp_path / "model.xlsx"
    workbook.save(path)
    return path


def test_values_are_cached_beside_the_formulas(model, tmp_path, recalculated):
    before = _digest(model)
    report, values = recalculated(model)
    sheet = values["Model"]
    assert sheet["A1"].value == pytest.approx(95.890410958904)
    assert sheet["A2"].value == pytest.approx(84.146341463415)
    assert sheet["A3"].value == pytest.approx(95.890410958904 + 84.146341463415)
    assert sheet["A4"].value == "#VALUE!"
    assert sheet["A5"].value == pytest.approx(180.04)
    assert sheet["A6"].value == "high"
    assert sheet["A7"].value is False
    assert sheet["A8"].value == "#DIV/0!"
    assert sheet["A9"].value == -1
    formulas = openpyxl.load_workbook(tmp_path / "out.xlsx")["Model"]
    assert formulas["A1"].value == "=UNIT_COST(5000000,1000)"
    assert formulas["A3"].value == "=SUM(A1:A2)"
    assert report.formula_cells == 9
    assert report.errors == {
        "Model!A4": '#VALUE! UNIT_COST: annual_spend: expected a number, got the text "five million"',
        "Model!A8": "#DIV/0! UNIT_COST: count: the count of children is zero",
    }
    assert _digest(model) == before


def test_error_cells_are_real_error_values(model, tmp_path):
    recalculate(model, tmp_path / "out.xlsx")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="A4" t="e"><f>UNIT_COST("five million",1000)</f><v>#VALUE!</v></c>' in xml
    assert 'fullCalcOnLoad' not in archive_text(tmp_path / "out.xlsx", "xl/workbook.xml")


def archive_text(path, part):
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode()


def test_array_results_fill_their_range(tmp_path, recalculated):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["A2"], sheet["A3"] = 1, 2, 3
    sheet["B1"] = ArrayFormula("B1:B3", "=A1:A3*2")
    sheet["C1"] = "=SUM(B1:B3)"
    path = tmp_path / "array.xlsx"
    workbook.save(path)
    _, values = recalculated(path)
    assert [values.active[f"B{r}"].value for r in (1, 2, 3)] == [2, 4, 6]
    assert values.active["C1"].value == 12


def test_failure_leaves_no_output(tmp_path):
    target = tmp_path / "out.xlsx"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(WorkbookError):
        recalculate(bad, target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_refuses_to_overwrite_its_input(model):
    before = _digest(model)
    with pytest.raises(WorkbookError, match="refusing to overwrite"):
        recalculate(model, model)
    assert _digest(model) == before


def test_addin_and_office_js_names_recalculate(tmp_path, recalculated):
    """A template saved by Excel with the classic add-in or xlwings Lite reads as plain names."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "=_xldudf_XLWINGS_UNIT_COST(5000000,1000)"
    sheet["A2"] = "=XLWINGS.LAC_RATE(345,41000)"
    path = tmp_path / "saved.xlsx"
    workbook.save(path)
    _, values = recalculated(path)
    assert values.active["A1"].value == pytest.approx(95.890410958904)
    assert values.active["A2"].value == pytest.approx(84.146341463415)


class TestCommandLine:
    def run(self, *args):
        return subprocess.run([sys.executable, "-m", "xlfuncs", *map(str, args)], capture_output=True, text=True)

    def test_recalc_prints_cells_and_errors(self, model, tmp_path):
        result = self.run("recalc", model, "-o", tmp_path / "out.xlsx")
        assert result.returncode == 0, result.stderr
        assert "9 formula cells recalculated" in result.stdout
        assert "Model!A4: #VALUE! UNIT_COST: annual_spend" in result.stdout

    @pytest.mark.parametrize(
        "content, message",
        [
            (None, "no such file"),
            (b"name,value\n", "not an .xlsx workbook"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "password-protected"),
            (b"PK\x05\x06" + b"\0" * 18, "not an .xlsx workbook"),
        ],
    )
    def test_bad_files_give_one_line_and_status_2(self, tmp_path, content, message):
        source = tmp_path / "in.xlsx"
        if content is not None:
            source.write_bytes(content)
        result = self.run("recalc", source, "-o", tmp_path / "out.xlsx")
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_shared_formulas_as_excel_saves_them(tmp_path, recalculated):
    """Excel stores a formula filled down as one shared formula; each cell gets its own."""
    import re

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in range(1, 6):
        sheet[f"A{row}"] = row * 10
        sheet[f"B{row}"] = f"=A{row}*2+$A$1"
    sheet["C1"] = "=SUM(B1:B5)"
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    shared = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(shared, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace("<f>A1*2+$A$1</f>", '<f t="shared" ref="B1:B5" si="0">A1*2+$A$1</f>')
                text = re.sub(r"<f>A[2-5]\*2\+\$A\$1</f>", '<f t="shared" si="0"/>', text)
                assert text.count('t="shared"') == 5
                data = text.encode()
            target.writestr(info, data)
    for engine in ("compiled", "formulas"):
        report = recalculate(shared, tmp_path / f"out-{engine}.xlsx", engine=engine)
        values = openpyxl.load_workbook(tmp_path / f"out-{engine}.xlsx", data_only=True).active
        assert [values[f"B{r}"].value for r in range(1, 6)] == [30, 50, 70, 90, 110], engine
        assert values["C1"].value == 350
        assert report.errors == {}


@pytest.mark.parametrize("engine", ["compiled", "formulas"])
def test_an_omitted_argument_takes_its_default(tmp_path, engine):
    """=F(a,,c) leaves the middle argument to its default, as in Excel with the add-in."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = '=UNIT_COST(5000000,1000,)'
    sheet["A2"] = '=UNIT_COST(5000000,1000,"week")'
    sheet["A3"] = "=IF(FALSE,,7)+IF(TRUE,,7)"  # Excel's own functions keep their rules
    path = tmp_path / "omitted.xlsx"
    workbook.save(path)
    recalculate(path, tmp_path / "out.xlsx", engine=engine)
    values = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True).active
    assert values["A1"].value == pytest.approx(values["A2"].value)
    assert values["A3"].value == 7


def test_strict_open_xml_is_refused_in_one_line(tmp_path):
    """Excel's "Strict Open XML Spreadsheet" uses other namespaces: refused naming it, rather
    than written back with every formula left without a value."""
    import zipfile

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "=1+1"
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(strict, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            data = data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")
            target.writestr(info, data)
    with pytest.raises(WorkbookError, match="Strict Open XML") as caught:
        recalculate(strict, tmp_path / "out.xlsx")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out.xlsx").exists()


def test_1904_date_system_is_honoured(tmp_path):
    """A Mac workbook counts days from 1 January 1904: serial 0 is that day, and DATE, YEAR,
    WEEKDAY, EDATE and DATEDIF follow it."""
    import zipfile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = 0
    sheet["B1"] = "=YEAR(A1)"
    sheet["B2"] = "=DATE(2024,1,1)"
    sheet["B3"] = "=WEEKDAY(A1)"
    sheet["B4"] = "=EDATE(A1,13)"
    sheet["B5"] = '=DATEDIF(A1,DATE(1905,3,1),"M")'
    sheet["B6"] = "=MONTH(DATE(2024,1,1)+31)"
    sheet["B7"] = "=WORKDAY(DATE(2024,1,5),1)"
    sheet["B8"] = "=WEEKNUM(DATE(2024,1,7))"
    sheet["B9"] = '=TEXT(A1,"yyyy-mm-dd")'
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    mac = tmp_path / "mac.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(mac, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')
                assert b'date1904="1"' in data
            target.writestr(info, data)
    values = recalculate(mac, tmp_path / "out.xlsx").values["Sheet"]
    assert values["B1"] == 1904
    assert values["B2"] == 43830  # 45292 in the 1900 system, 1,462 days later
    assert values["B3"] == 6  # 1 January 1904 was a Friday
    assert values["B4"] == 397  # 1 February 1905
    assert values["B5"] == 14
    assert values["B6"] == 2
    assert values["B7"] == 43837  # Monday 8 January 2024: 45299 in the 1900 system
    assert values["B8"] == 2
    assert values["B9"] == "1904-01-01"
