"""Templates: the committed files are exactly what the code builds, record their version,
carry no macros, and recalculate headlessly without error cells."""

import zipfile

import openpyxl
import pytest

from xlfuncs import __version__
from xlfuncs.templates import WORKBOOKS_DIR, build_bytes, templates

ALL = sorted(templates())


def test_every_committed_workbook_has_a_template():
    committed = sorted(p.name for p in WORKBOOKS_DIR.glob("*.xlsx"))
    assert committed == ALL


@pytest.mark.parametrize("filename", ALL)
def test_committed_file_is_what_the_code_builds(filename):
    built = build_bytes(templates()[filename])
    assert (WORKBOOKS_DIR / filename).read_bytes() == built, (
        f"workbooks/{filename} is stale: run `xlfuncs templates` and commit the result"
    )


@pytest.mark.parametrize("filename", ALL)
def test_records_the_version_and_has_no_macros(filename):
    path = WORKBOOKS_DIR / filename
    with zipfile.ZipFile(path) as archive:
        assert not any("vbaproject" in n.lower() for n in archive.namelist())
    workbook = openpyxl.load_workbook(path)
    assert workbook.properties.creator == f"xlfuncs {__version__}"
    assert workbook["About"]["B5"].value == f"xlfuncs {__version__}"
    assert {p.name: p.value for p in workbook.custom_doc_props.props}["xlfuncs_version"] == __version__


@pytest.mark.parametrize("filename", ALL)
def test_recalculates_headlessly_without_errors(filename, recalculated):
    report, values = recalculated(WORKBOOKS_DIR / filename)
    assert report.formula_cells > 0
    assert report.errors == {}
    template = templates()[filename]
    for label, name in template.headlines:
        value = report.named(name)
        assert value is not None, f"{filename}: headline {label} ({name}) has no value"


def test_unit_costs_template_values(recalculated):
    report, values = recalculated(WORKBOOKS_DIR / "unit_costs.xlsx")
    sheet = values["Unit costs"]
    # Example Borough A: £5,000,000 over 1,000 children in need; 345 LAC in 41,000 children.
    assert sheet["F4"].value == pytest.approx(5_000_000 / 1000 / 365 * 7)
    assert sheet["G4"].value == pytest.approx(5000.0)
    assert sheet["H4"].value == pytest.approx(345 / 41000 * 10000)
    spend = 5_000_000 + 21_400_000 + 12_750_000 + 3_180_000
    cin = 1000 + 3950 + 2610 + 780
    assert report.named("AllWeeklyUnitCost") == pytest.approx(spend / cin / 365 * 7)
