"""``xlfuncs check --fix`` leaves no personal data in any part of the package.

Children's identifiers (UPNs, child IDs, postcodes, dates of birth) and authors' names are
planted in every place of a package where text can hide (tests/fixtures/planted_workbook.py:
cells as inline, shared and rich text, a phonetic guide, a string no cell uses, formulas and
their last values, hidden rows, columns and sheets, comments and threaded comments and their
people, defined names, core, extended and custom properties, a chart's cache and title, a
pivot cache, its records and its table's cells, validation lists and prompts, headers and
footers, a hyperlink, an external link's cache, custom XML, a text box), in a file written by
openpyxl and the same file re-saved by LibreOffice. The cleaned copy is unzipped and every
part of it searched for each planted text: none may survive, and formulas, names, charts,
comments holding no personal data and figures must.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from tests.fixtures import planted_workbook as planted
from xlfuncs.check import check_workbook, fix_workbook
from xlfuncs.cli import main


def leaks(path: Path) -> dict[str, list[str]]:
    """Planted text -> the parts of ``path`` still holding it (every part, decoded)."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            text = data.decode("utf-8", "replace")
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                text = data.decode("utf-16", "replace")
            text = text + "\n" + unquote(text)
            for planted_text in planted.PLANTED:
                if planted_text.lower() in text.lower():
                    found.setdefault(planted_text, []).append(info.filename)
    return found


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    return planted.planted_workbook(tmp_path_factory.mktemp("planted"))


@pytest.fixture(scope="module")
def resaved(written, tmp_path_factory, libreoffice) -> Path:
    return libreoffice.recalculate_file(written, tmp_path_factory.mktemp("resaved"))


@pytest.fixture(params=["openpyxl", pytest.param("libreoffice", marks=pytest.mark.libreoffice)])
def source(request, written) -> Path:
    return written if request.param == "openpyxl" else request.getfixturevalue("resaved")


def test_every_planted_text_is_in_the_source(source):
    """The test means something: each planted text is in the file before the clean-up."""
    before = leaks(source)
    missing = [t for t in planted.PLANTED if t not in before]
    # LibreOffice keeps no threaded comments and no extended-property manager, and writes dates
    # as serial numbers: what it drops cannot leak, but most of the planted text must be there
    assert len(missing) <= (0 if "resaved" not in str(source) else 4), missing


def test_fix_leaves_no_planted_text_in_any_part(source, tmp_path, capsys):
    clean = tmp_path / "clean.xlsx"
    assert main(["check", str(source), "--fix", "-o", str(clean)]) == 0, capsys.readouterr().out
    assert "the cleaned copy passes the check" in capsys.readouterr().out
    assert leaks(clean) == {}


def test_check_reads_every_place(written):
    """Each place where text was planted is reported before the clean-up."""
    report = check_workbook(written)
    where = " | ".join(f"{f.kind} {f.where}" for f in report.findings)
    expected = [
        "personal-data Episodes!A2",  # inline strings under CHILD
        "personal-data Notes!A1",  # rich text holding a postcode
        "personal-data Notes!A3",  # a shared string in rich text runs
        "personal-data Notes!C5",  # a hidden column
        "personal-data Episodes!G2",  # a UPN in a formula's string literal
        "personal-data Episodes!H2",  # a formula's last value
        "personal-data Secret!A1",  # a very hidden sheet
        "personal-data Pivot!A2",  # the pivot table's cells
        "hidden-sheet Secret",
        "hidden-cells Episodes",
        "hidden-cells Notes",
        "personal-text xl/sharedStrings.xml: strings no cell uses",
        "personal-text xl/sharedStrings.xml: phonetic guides",
        "personal-text xl/comments/comment1.xml: comment on Episodes!A2",
        "author xl/comments/comment1.xml: comment authors",
        "personal-text xl/threadedComments/threadedComment1.xml: comment on Episodes!B2",
        "author xl/persons/person.xml",
        "personal-text name FirstChild",
        "personal-text name Costs",
        "author docProps/core.xml: creator",
        "author docProps/core.xml: last modified by",
        "personal-text docProps/core.xml: title",
        "author docProps/app.xml: manager",
        "personal-text docProps/custom.xml: property Case",
        "author docProps/custom.xml: property Reviewed by",
        "personal-text docProps/custom.xml: property DOB",
        "personal-text xl/charts/chart1.xml: cache of",
        "personal-text xl/charts/chart1.xml: t",
        "personal-text xl/pivotCache/pivotCacheDefinition1.xml: field CHILD",
        "author xl/pivotCache/pivotCacheDefinition1.xml: refreshed by",
        "personal-text xl/pivotCache/pivotCacheRecords1.xml",
        "personal-text Episodes: validation of J2:J3",
        "personal-text Episodes: oddHeader",
        "personal-text Episodes: oddFooter",
        "personal-text xl/worksheets/sheet1.xml: link",
        "personal-text xl/externalLinks/externalLink1.xml",
        "personal-text customXml/item1.xml",
        "personal-text xl/drawings/drawing1.xml",
    ]
    assert [e for e in expected if e not in where] == []
    assert len(expected) >= len(planted.PLACES) - 4  # pieces of one part share a finding


def test_messages_never_repeat_the_data(written):
    report = check_workbook(written)
    text = "\n".join(str(f) for f in report.findings)
    assert [t for t in planted.PLANTED if t.strip('"<>') in text] == []


def test_what_the_clean_copy_keeps(source, tmp_path):
    clean = tmp_path / "clean.xlsx"
    fix_workbook(source, clean)
    book = openpyxl.load_workbook(clean)
    episodes = book["Episodes"]
    assert episodes["F4"].value == "=SUM(F2:F3)"  # formulas
    assert episodes["G2"].value == '=IF(D2="",1,0)'  # the UPN is gone from the literal, not the formula
    assert episodes["H2"].value == "=A2"
    assert book["Notes"]["B7"].value == "=Episodes!F4"
    assert [episodes["F2"].value, episodes["F3"].value] == list(planted.COSTS)  # figures
    assert episodes["F2"].comment.text.startswith(planted.KEPT_COMMENT)  # a comment with no personal data
    assert episodes["A1"].value == "CHILD" and episodes["A2"].value is None  # labels kept, data blanked
    assert set(book.defined_names) == {"FirstChild", "Costs"}  # names
    assert book.defined_names["Costs"].attr_text == "Episodes!$F$2:$F$3"
    assert len(episodes._charts) == 1  # the chart
    assert book.custom_doc_props["Status"].value == "final"  # a property holding no personal data
    assert episodes.oddFooter.center.text.strip() == "Prepared by"  # the name is gone, the words kept
    with zipfile.ZipFile(clean) as archive:
        names = archive.namelist()
        sheet = archive.read(next(n for n in names if n.startswith("xl/worksheets/sheet1"))).decode()
        assert "&amp;RPage &amp;P" in sheet  # a footer section holding no personal data
        core = archive.read("docProps/core.xml").decode()
        assert "creator" not in core and "lastModifiedBy" not in core  # the authors are cleared
        cache = "".join(archive.read(n).decode() for n in names if n.startswith("xl/pivotCache/"))
        assert "41250.5" in cache and "removed 1" in cache  # the cache's figures kept, its IDs not
        threaded = [n for n in names if n.startswith("xl/threadedComments/")]
        for part in threaded:
            assert "Cost agreed with the provider" in archive.read(part).decode()


@pytest.mark.libreoffice
def test_the_clean_copy_opens_in_libreoffice(source, tmp_path, libreoffice):
    clean = tmp_path / "clean.xlsx"
    fix_workbook(source, clean)
    values = openpyxl.load_workbook(libreoffice.recalculate_file(clean, tmp_path / "lo"), data_only=True)
    assert values.sheetnames == ["Episodes", "Notes", "Secret", "Pivot"]
    assert values["Episodes"]["F4"].value == pytest.approx(sum(planted.COSTS))
    assert values["Notes"]["B7"].value == pytest.approx(sum(planted.COSTS))


def test_cleaning_twice_changes_nothing_more(source, tmp_path):
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    fix_workbook(source, once)
    result = fix_workbook(once, twice)
    assert result.before.clean and result.after.clean
    assert leaks(twice) == {}


def test_a_child_id_that_is_a_cell_address_stays_an_address(tmp_path):
    """C1001 is a child in the table and a cell in the formulas: the formulas keep the cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["CHILD", "Cost"])
    sheet.append(["C1001", 5])
    sheet.append(["AB12345", 7])
    sheet["E1"] = "=SUM(C1001:C1002)+AB12345"
    sheet["E2"] = '=COUNTIF(A:A,"C1001")'
    sheet.conditional_formatting.add("C1001:C1002", openpyxl.formatting.rule.FormulaRule(formula=["C1001>0"]))
    path = tmp_path / "addresses.xlsx"
    workbook.save(path)
    clean = tmp_path / "clean.xlsx"
    fix_workbook(path, clean)
    cleaned = openpyxl.load_workbook(clean).active
    assert cleaned["E1"].value == "=SUM(C1001:C1002)+AB12345"
    assert cleaned["E2"].value == '=COUNTIF(A:A,"")'
    assert cleaned["A2"].value is None and cleaned["B2"].value == 5
    with zipfile.ZipFile(clean) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 'sqref="C1001:C1002"' in sheet_xml and "<formula>C1001&gt;0</formula>" in sheet_xml


def test_numbers_that_equal_a_numeric_child_id_are_figures(tmp_path):
    """A child ID of digits only is searched in text, never in numbers: figures stay."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["CHILD", "Cost"])
    sheet.append(["104522", 104522])
    sheet["D1"] = "Note about 104522"
    path = tmp_path / "numeric.xlsx"
    workbook.save(path)
    clean = tmp_path / "clean.xlsx"
    fix_workbook(path, clean)
    cleaned = openpyxl.load_workbook(clean).active
    assert cleaned["A2"].value is None and cleaned["B2"].value == 104522 and cleaned["D1"].value is None


def test_templates_are_not_changed_by_the_new_reading():
    """The shipped templates hold no authors' names or identifiers anywhere."""
    from tests.support.paths import WORKBOOKS

    for template in sorted(WORKBOOKS.glob("*.xlsx")):
        assert check_workbook(template).clean, template.name


def test_common_words_under_a_personal_label_are_not_searched_for_elsewhere(tmp_path):
    """A "Total" row under CHILD is blanked with the column, but "Total" elsewhere stays."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["CHILD", "Cost", None, "Summary"])
    sheet.append(["C1001", 5, None, "Total"])
    sheet.append(["Total", 5])
    path = tmp_path / "total.xlsx"
    workbook.save(path)
    where = {f.where for f in check_workbook(path).findings}
    assert where == {"Sheet!A2", "Sheet!A3"}
