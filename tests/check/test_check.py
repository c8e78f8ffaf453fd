"""``xlfuncs check``: what a template must not carry to another council, and ``--fix``.

The seeded template holds one of everything: a VBA project, a link to another workbook, an
add-in link as Excel saves xlwings calls on one council's machine, a hidden sheet of data, an
SSDA903 episode table (child IDs, dates of birth, postcodes, UPNs) and a count of 3 UASC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from xlfuncs.check import KINDS, check_workbook, fix_workbook
from xlfuncs.check.counts import find_small_counts
from xlfuncs.check.personal import label_kind, value_kind
from xlfuncs.cli import main
from xlfuncs.engine import WorkbookError, recalculate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEMPLATES = sorted((ROOT / "workbooks").glob("*.xlsx"))
sys.path.insert(0, str(FIXTURES))

from tests.fixtures import xlsx_surgery as surgery  # noqa: E402

ADDIN = r"file:///C:\Users\jsmith\AppData\Roaming\Microsoft\AddIns\xlwings.xlam"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seeded_template(folder: Path) -> Path:
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append(["Council", "Children looked after", "UASC", "Weekly unit cost (£)", "From the budget"])
    summary.append(["Example Borough A", 345, 3, None, None])
    summary.append(["Example County B", 720, 12, None, None])
    summary["D2"] = "=[1]!UNIT_COST(5000000,1000)"  # as Excel saves an add-in call
    summary["D3"] = "=UNIT_COST(21400000,3950)"
    summary["E2"] = "=[2]Budget!B7*2"  # reads another workbook
    summary["F2"] = "=SUM(B2:B3)"
    summary["A6"] = "Forecast horizon (years)"
    summary["B6"] = 3  # a model parameter, not a count
    workbook.defined_names["Horizon"] = DefinedName("Horizon", attr_text="Summary!$B$6")
    episodes = workbook.create_sheet("Episodes")
    episodes.append(["CHILD", "DOB", "HOME_POST", "UPN", "PLACE", "DECOM"])
    episodes.append(["C1001", dt.datetime(2012, 5, 3), "RM17 6SL", "A123456789012", "U1", dt.datetime(2023, 4, 1)])
    episodes.append(["C1002", dt.datetime(2015, 1, 9), "LS1 4AB", "B123456789012", "U3", dt.datetime(2023, 9, 30)])
    for cell in episodes["B"][1:] + episodes["F"][1:]:
        cell.number_format = "dd/mm/yyyy"
    workings = workbook.create_sheet("Workings")
    workings["A1"] = "Last year's figures"
    workings["B2"] = 17
    workings.sheet_state = "hidden"
    base = folder / "base.xlsx"
    workbook.save(base)
    with_addin = surgery.add_external_link(base, folder / "with-addin.xlsx", ADDIN, ("UNIT_COST",))
    with_link = surgery.add_external_link(with_addin, folder / "with-link.xlsx", "file:///C:/Finance/Budget%202025.xlsx")
    seeded = surgery.add_macros(with_link, folder / "seeded.xlsx")
    # the link's last value, as Excel keeps it beside the formula
    contents = surgery.parts(seeded)
    sheet = contents["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("<f>[2]Budget!B7*2</f><v></v>", "<f>[2]Budget!B7*2</f><v>84</v>")
    assert "<v>84</v>" in sheet
    contents["xl/worksheets/sheet1.xml"] = sheet.encode()
    return surgery.write(folder / "seeded.xlsx", contents)


@pytest.fixture
def seeded(tmp_path) -> Path:
    return seeded_template(tmp_path)


class TestSeededTemplate:
    def test_every_kind_of_problem_is_flagged(self, seeded):
        report = check_workbook(seeded)
        kinds = report.by_kind()
        assert [f.where for f in kinds["macro"]] == ["xl/vbaProject.bin"]
        assert "Budget%202025.xlsx" in kinds["workbook-link"][0].message
        assert "xlwings.xlam" in kinds["addin-link"][0].message
        assert [f.where for f in kinds["hidden-sheet"]] == ["Workings"]
        personal = {f.where for f in kinds["personal-data"]}
        assert {"Episodes!A2", "Episodes!A3"} <= personal  # child IDs
        assert {"Episodes!B2", "Episodes!C2", "Episodes!D2"} <= personal  # DOB, postcode, UPN
        assert "Episodes!A1" not in personal and "Episodes!E2" not in personal
        assert "Episodes!F2" not in personal  # a start date is not a date of birth
        assert [f.where for f in kinds["small-count"]] == ["Summary!C2"]
        assert "3 in a table of counts of children" in kinds["small-count"][0].message

    def test_command_exits_non_zero_on_findings(self, seeded, capsys):
        assert main(["check", str(seeded)]) == 1
        out = capsys.readouterr().out
        assert "macro" in out and "Episodes!A2" in out and "Summary!C2" in out

    def test_fix_writes_a_copy_that_passes(self, seeded, tmp_path, capsys):
        before = digest(seeded)
        clean = tmp_path / "clean.xlsx"
        assert main(["check", str(seeded), "--fix", "-o", str(clean)]) == 0
        out = capsys.readouterr().out
        assert "the cleaned copy passes the check" in out
        assert "dropped macros: xl/vbaProject.bin" in out
        assert 'replaced 1 counts from 1 to 5 with "c"' in out
        assert digest(seeded) == before  # the input is never changed
        assert check_workbook(clean).clean
        assert main(["check", str(clean)]) == 0

    def test_what_the_fix_did(self, seeded, tmp_path):
        clean = tmp_path / "clean.xlsx"
        result = fix_workbook(seeded, clean)
        assert result.after.clean
        names = zipfile.ZipFile(clean).namelist()
        assert not [n for n in names if "vbaProject" in n or "externalLink" in n]
        types = zipfile.ZipFile(clean).read("[Content_Types].xml").decode()
        assert "macroEnabled" not in types and "vbaProject" not in types
        book = openpyxl.load_workbook(clean)
        summary = book["Summary"]
        assert summary["D2"].value == "=UNIT_COST(5000000,1000)"  # add-in link normalised
        assert summary["D3"].value == "=UNIT_COST(21400000,3950)"
        assert summary["E2"].value == 84  # link broken: its last value kept
        assert summary["C2"].value == "c" and summary["C3"].value == 12
        assert summary["B6"].value == 3  # the horizon parameter is not a count
        episodes = book["Episodes"]
        assert [c.value for c in episodes[1]] == ["CHILD", "DOB", "HOME_POST", "UPN", "PLACE", "DECOM"]
        assert [c.value for c in episodes[2]][:4] == [None, None, None, None]  # blanked, not deleted
        assert episodes["E2"].value == "U1" and episodes["F2"].value == dt.datetime(2023, 4, 1)
        assert episodes["B2"].number_format == "dd/mm/yyyy"  # style kept
        assert book["Workings"].sheet_state == "visible"
        assert set(book.defined_names) == {"Horizon"}

    def test_the_cleaned_copy_recalculates(self, seeded, tmp_path):
        clean = tmp_path / "clean.xlsx"
        fix_workbook(seeded, clean)
        report = recalculate(clean, tmp_path / "recalculated.xlsx")
        assert report.values["Summary"]["D2"] == pytest.approx(5_000_000 / 1000 / 365 * 7)
        assert report.values["Summary"]["F2"] == 1065

    @pytest.mark.libreoffice
    def test_the_cleaned_copy_opens_in_a_spreadsheet(self, seeded, tmp_path, libreoffice_values):
        clean = tmp_path / "clean.xlsx"
        fix_workbook(seeded, clean)
        values = libreoffice_values(clean)
        assert values.sheetnames == ["Summary", "Episodes", "Workings"]
        assert values["Summary"]["F2"].value == 1065
        assert values["Summary"]["C2"].value == "c"


class TestAddinLinks:
    def test_a_template_saved_at_one_council_opens_at_another(self, tmp_path):
        """Excel saves xlwings calls as links to one machine's add-in; --fix makes them plain."""
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Model"
        sheet["A1"] = 5_000_000
        sheet["A2"] = 1000
        sheet["B1"] = "=[1]!UNIT_COST(A1,A2)"
        sheet["B2"] = "=_xldudf_XLWINGS_LAC_RATE(345,41000)"
        sheet["B3"] = "=ROUND([1]!UNIT_COST(A1,A2,\"year\"),0)"
        base = tmp_path / "base.xlsx"
        workbook.save(base)
        saved = surgery.add_external_link(base, tmp_path / "saved.xlsx", ADDIN, ("UNIT_COST",))
        report = check_workbook(saved)
        assert [f.kind for f in report.findings] == ["addin-link"]
        clean = tmp_path / "clean.xlsx"
        result = fix_workbook(saved, clean)
        assert result.after.clean
        book = openpyxl.load_workbook(clean)["Model"]
        assert book["B1"].value == "=UNIT_COST(A1,A2)"
        assert book["B2"].value == "=LAC_RATE(345,41000)"
        assert book["B3"].value == '=ROUND(UNIT_COST(A1,A2,"year"),0)'
        values = recalculate(clean, tmp_path / "out.xlsx").values["Model"]
        assert values["B3"] == 5000  # £5m / 1,000 children, per year


class TestTemplates:
    @pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
    def test_every_template_passes_as_it_is(self, template):
        report = check_workbook(template)
        assert report.clean, "\n".join(str(f) for f in report.findings)

    def test_fixtures_pass(self):
        for path in sorted(FIXTURES.glob("*.xlsx")):
            assert check_workbook(path).clean, path.name


def _sheet(rows: list[list[object]], title: str = "Data") -> dict:
    from xlfuncs.check.cells import Cell

    cells = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                formula = value if isinstance(value, str) and value.startswith("=") else None
                cells[(r, c)] = Cell(title, f"{chr(64 + c)}{r}", r, c, None if formula else value, formula)
    return cells


class TestSmallCounts:
    def test_counts_in_a_council_table(self):
        cells = _sheet(
            [
                ["Council", "Children looked after", "UASC", "Adoptions"],
                ["Example A", 345, 3, 0],
                ["Example B", 720, 12, 5],
                ["Example C", 1, 40, 6],
            ]
        )
        found = {c.ref for c, _ in find_small_counts(cells)}
        assert found == {"C2", "D3", "B4"}

    def test_counts_across_years(self):
        cells = _sheet([[None, 2021, 2022, 2023], ["Children entering care", 4, 7, 2]])
        assert {c.ref for c, _ in find_small_counts(cells)} == {"B2", "D2"}

    @pytest.mark.parametrize(
        "rows",
        [
            [["Scenario", "Horizon (years)"], [1, 5], [2, 10], [3, 3]],
            [["Age band", "Children"], ["0-1", 100], ["Age", 4]],
            [["Assumption", "Value"], ["Children per placement", 2], ["Years", 3]],
            [["Placement", "Entrants x", "Exits x"], ["fostering", 1, 1], ["residential", 1, 2]],
            [["Process", "Team manager hours"], ["Review", 4], ["Placement search", 2]],
            [["Percentile", "Children"], [5, 100], [50, 200]],
            [["Children looked after", 3]],  # a lone number is not a table
        ],
    )
    def test_model_parameters_are_not_counts(self, rows):
        assert list(find_small_counts(_sheet(rows))) == []

    def test_formulas_and_named_inputs_are_not_counts(self):
        cells = _sheet([["Council", "Children"], ["A", "=1+2"], ["B", 3], ["C", 40]])
        assert [c.ref for c, _ in find_small_counts(cells, named_cells={(3, 2)})] == []


class TestPersonalData:
    @pytest.mark.parametrize(
        "label, kind",
        [
            ("CHILD", "child identifiers"),
            ("Child ID", "child identifiers"),
            ("LA child ID", "child identifiers"),
            ("UPN", "unique pupil numbers"),
            ("Unique Pupil Number", "unique pupil numbers"),
            ("DOB", "dates of birth"),
            ("MC_DOB", "dates of birth"),
            ("Date of birth", "dates of birth"),
            ("HOME_POST", "postcodes"),
            ("PL_POST", "postcodes"),
            ("Postcode", "postcodes"),
            ("Surname", "names"),
            ("NHS number", "NHS numbers"),
        ],
    )
    def test_labels(self, label, kind):
        assert label_kind(label) == kind

    @pytest.mark.parametrize(
        "label",
        ["Children in need", "Children looked after", "Council", "Child population aged 0-17",
         "Placement", "Date", "Code", "Region", "Child protection plans"],
    )
    def test_labels_that_are_not_personal(self, label):
        assert label_kind(label) is None

    def test_shapes(self):
        assert value_kind("A123456789012") == "unique pupil number"
        assert value_kind("B12345678901C") == "unique pupil number"
        assert value_kind("I123456789012") is None  # I, O and S never start a UPN
        assert value_kind("SW1A 1AA") == "postcode"
        assert value_kind("rm176sl") == "postcode"
        assert value_kind("E06000034") is None  # a council code
        assert value_kind("UN3") is None

    def test_an_empty_episode_table_is_not_flagged(self, tmp_path):
        workbook = openpyxl.Workbook()
        workbook.active.append(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "HOME_POST"])
        path = tmp_path / "empty-table.xlsx"
        workbook.save(path)
        assert check_workbook(path).clean

    def test_a_label_beside_its_value(self, tmp_path):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet["A1"] = "Date of birth"
        sheet["B1"] = dt.datetime(2014, 2, 1)
        sheet["A3"] = "Postcode"
        sheet["B3"] = "RM17 6SL"
        path = tmp_path / "form.xlsx"
        workbook.save(path)
        where = {f.where for f in check_workbook(path).findings}
        assert where == {"Sheet!B1", "Sheet!B3"}

    def test_postcodes_anywhere_are_flagged(self, tmp_path):
        workbook = openpyxl.Workbook()
        workbook.active["D9"] = "LS1 4AB"
        workbook.active["D10"] = "Leeds"
        path = tmp_path / "postcode.xlsx"
        workbook.save(path)
        assert [f.where for f in check_workbook(path).findings] == ["Sheet!D9"]


class TestHiddenSheets:
    def test_very_hidden_and_empty_hidden(self, tmp_path):
        workbook = openpyxl.Workbook()
        workbook.active.title = "Visible"
        secret = workbook.create_sheet("Secret")
        secret["C3"] = "notes"
        secret.sheet_state = "veryHidden"
        empty = workbook.create_sheet("Empty")
        empty.sheet_state = "hidden"
        path = tmp_path / "hidden.xlsx"
        workbook.save(path)
        findings = check_workbook(path).findings
        assert [(f.kind, f.where) for f in findings] == [("hidden-sheet", "Secret")]
        assert "very hidden" in findings[0].message
        result = fix_workbook(path, tmp_path / "clean.xlsx")
        assert result.after.clean
        book = openpyxl.load_workbook(tmp_path / "clean.xlsx")
        assert book["Secret"].sheet_state == "visible" and book["Empty"].sheet_state == "hidden"


class TestCommandLine:
    def test_a_clean_template(self, capsys):
        if not TEMPLATES:
            pytest.skip("no templates")
        assert main(["check", str(TEMPLATES[0])]) == 0
        assert "nothing found" in capsys.readouterr().out

    def test_fix_needs_an_output(self, seeded, capsys):
        assert main(["check", str(seeded), "--fix"]) == 2
        assert "--fix needs -o" in capsys.readouterr().err

    def test_fix_never_overwrites_the_input(self, seeded, capsys):
        before = digest(seeded)
        assert main(["check", str(seeded), "--fix", "-o", str(seeded)]) == 2
        assert digest(seeded) == before
        assert "refusing to overwrite" in capsys.readouterr().err

    def test_fix_writes_xlsx_only(self, seeded, tmp_path, capsys):
        assert main(["check", str(seeded), "--fix", "-o", str(tmp_path / "clean.xlsm")]) == 2
        assert ".xlsx" in capsys.readouterr().err

    def test_a_hostile_file_is_refused(self, tmp_path, capsys):
        path = tmp_path / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/padding.xml", "<a>" + " " * 40_000_000 + "</a>")
        assert main(["check", str(path)]) == 2
        assert "zip bomb" in capsys.readouterr().err

    def test_entities_are_refused(self, tmp_path, capsys):
        path = tmp_path / "xxe.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(
                "xl/workbook.xml", '<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook>&e;</workbook>'
            )
        assert main(["check", str(path)]) == 2
        assert "DOCTYPE or entities" in capsys.readouterr().err

    def test_runs_as_a_program(self, seeded):
        result = subprocess.run(
            [sys.executable, "-m", "xlfuncs", "check", str(seeded)], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1
        assert "13 findings" in result.stdout


def test_every_kind_has_a_fix_description():
    assert set(KINDS) == {
        "macro", "workbook-link", "addin-link", "data-connection", "embedded-object",
        "hidden-sheet", "hidden-cells", "personal-data", "personal-text", "author", "small-count",
    }


def test_refuses_a_missing_file(tmp_path):
    with pytest.raises(WorkbookError, match="no such file"):
        check_workbook(tmp_path / "missing.xlsx")
