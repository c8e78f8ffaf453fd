"""Template spend_variation.xlsx: recalculated headlessly and by LibreOffice, its numbers are
the model's; the council selector drives the Summary; the chart and the list are intact."""

from __future__ import annotations

import re
import zipfile

import numpy as np
import openpyxl
import pytest

from xlfuncs.data import dfe as dfe_data
from xlfuncs.engine import Workbook, recalculate
from xlfuncs.excel.errors import NA
from xlfuncs.methods import spend_variation as sv
from xlfuncs.templates import WORKBOOKS_DIR, build_bytes, templates

PATH = WORKBOOKS_DIR / "spend_variation.xlsx"
FIRST, LAST = 5, 155


@pytest.fixture(scope="module")
def sample():
    return dfe_data.model_inputs(dfe_data.load_panel(), 2017)


@pytest.fixture(scope="module")
def model(sample):
    return sv.fit(sample["y"], sample["x"])


@pytest.fixture(scope="module")
def headless(tmp_path_factory):
    target = tmp_path_factory.mktemp("spend") / "recalculated.xlsx"
    report = recalculate(PATH, target)
    return report, openpyxl.load_workbook(target, data_only=True), target


def expected_summary(sample, model, code):
    i = sample["codes"].index(code)
    neighbours = sv.statistical_neighbours(sample["x"], k=5)[i].astype(int) - 1
    gaps = model.residuals
    return {
        "CouncilName": sample["names"][i],
        "CouncilRegion": sample["regions"][i],
        "ActualSpend": sample["y"][i],
        "ExpectedSpend": model.fitted[i],
        "SpendGap": gaps[i],
        "SpendGapPercent": gaps[i] / model.fitted[i],
        "GapRank": 1 + int(np.sum(gaps > gaps[i])),
        **{f"Neighbour{k + 1}": sample["names"][j] for k, j in enumerate(neighbours)},
    }


def check_summary(get, expected):
    for name, value in expected.items():
        if isinstance(value, str):
            assert get(name) == value, name
        else:
            assert get(name) == pytest.approx(value, rel=1e-9), name


def test_committed_file_is_built_from_the_sample_panel():
    assert PATH.read_bytes() == build_bytes(templates()["spend_variation.xlsx"])


class TestHeadless:
    def test_no_error_cells(self, headless):
        report, _, _ = headless
        assert report.errors == {}
        assert report.formula_cells > 3000

    def test_model_cells_equal_the_pure_model(self, headless, model, sample):
        report, values, _ = headless
        sheet = values["Model"]
        np.testing.assert_allclose(
            [sheet.cell(5, c).value for c in range(2, 8)],
            [*model.coefficients, model.intercept],
            rtol=1e-9,
        )
        np.testing.assert_allclose(
            [sheet.cell(6, c).value for c in range(2, 8)],
            [*model.standard_errors, model.intercept_se],
            rtol=1e-9,
        )
        np.testing.assert_allclose(
            [sheet.cell(8, c).value for c in range(2, 7)],
            sv.driver_r_squared(sample["y"], sample["x"]),
            rtol=1e-9,
        )
        np.testing.assert_allclose(
            [sheet.cell(9, c).value for c in range(2, 7)],
            sv.shapley_r_squared(sample["y"], sample["x"]),
            rtol=1e-9,
        )
        assert report.named("ModelRSquared") == pytest.approx(model.r_squared, rel=1e-12)
        assert report.named("IdaciRSquared") == pytest.approx(0.31, abs=1e-4)
        assert sheet["B16"].value == pytest.approx(model.f_statistic, rel=1e-9)
        assert report.named("CouncilsInModel") == 151
        assert report.named("DataProblems") == 0
        assert report.named("LinestCheck") < 1e-9
        low, high = sv.expected_range(sample["y"], sample["x"])
        assert report.named("ExpectedLow") == pytest.approx(low, rel=1e-9)
        assert report.named("ExpectedHigh") == pytest.approx(high, rel=1e-9)

    def test_every_councils_expected_spend_gap_and_neighbours(self, headless, model, sample):
        _, values, _ = headless
        sheet = values["Councils"]
        expected = [sheet[f"E{r}"].value for r in range(FIRST, LAST + 1)]
        gap = [sheet[f"F{r}"].value for r in range(FIRST, LAST + 1)]
        np.testing.assert_allclose(expected, model.fitted, rtol=1e-9)
        np.testing.assert_allclose(gap, model.residuals, rtol=1e-7, atol=1e-7)
        positions = sv.statistical_neighbours(sample["x"], k=5).astype(int) - 1
        for r in (FIRST, 80, LAST):
            names = [sheet.cell(r, c).value for c in range(9, 14)]
            assert names == [sample["names"][j] for j in positions[r - FIRST]]

    def test_default_council_summary(self, headless, model, sample):
        report, values, _ = headless
        check_summary(report.named, expected_summary(sample, model, "E06000034"))
        summary = values["Summary"]
        # The driver contributions add up from the average council to this one's expected.
        assert summary["E24"].value == pytest.approx(report.named("ExpectedSpend"), rel=1e-9)

    def test_chart_and_list_survive_recalculation(self, headless):
        _, _, target = headless
        with zipfile.ZipFile(target) as archive:
            charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
            assert len(charts) == 1
            xml = archive.read(charts[0]).decode()
            sheet = next(
                archive.read(n).decode()
                for n in archive.namelist()
                if n.startswith("xl/worksheets/sheet") and "dataValidation" in archive.read(n).decode()
            )
        refs = re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", xml)
        assert "'Councils'!$E$5:$E$155" in refs and "'Councils'!$D$5:$D$155" in refs
        assert "'Summary'!$B$36" in refs and "'Summary'!$C$36" in refs  # the chosen council
        assert len(re.findall(r"<(?:c:)?ser>", xml)) == 3
        assert 'sqref="B3"' in sheet and "Data!$A$5:$A$155" in sheet


@pytest.fixture(scope="module")
def book():
    return Workbook(PATH)


class TestSelector:
    def test_council_is_an_input_name(self, book):
        names = book.defined_cells()
        assert names["Council"] == ("Summary", "B3")
        for output in ("CouncilName", "ActualSpend", "ExpectedSpend", "SpendGap", "Neighbour5"):
            assert names[output][0] == "Summary"

    @pytest.mark.parametrize("code", ["E09000001", "E10000016", "E08000025"])
    def test_changing_the_council_recalculates_the_summary(self, book, code, model, sample):
        values, messages = book.calculate({("Summary", "B3"): code})
        names = book.defined_cells()

        def get(name):
            sheet, ref = names[name]
            return values[sheet][ref]

        check_summary(get, expected_summary(sample, model, code))
        # The chart's highlighted point follows the council.
        assert values["Summary"]["B36"] == pytest.approx(get("ExpectedSpend"))

    def test_unknown_code(self, book):
        values, _ = book.calculate({("Summary", "B3"): "E99999999"})
        assert values["Summary"]["B5"] == "Code not found"
        assert values["Summary"]["B9"] is NA


@pytest.mark.libreoffice
def test_libreoffice_computes_the_same_model(libreoffice_values, model, sample):
    """Excel's LINEST, RSQ and the formulas on them, as LibreOffice computes them."""
    values = libreoffice_values(PATH)
    sheet = values["Model"]
    np.testing.assert_allclose(
        [sheet.cell(5, c).value for c in range(2, 8)],
        [*model.coefficients, model.intercept],
        rtol=1e-9,
    )
    assert sheet["B13"].value == pytest.approx(model.r_squared, rel=1e-12)
    assert sheet["B8"].value == pytest.approx(0.31, abs=1e-4)
    summary = values["Summary"]
    expected = expected_summary(sample, model, "E06000034")
    assert summary["B5"].value == expected["CouncilName"]
    assert summary["B9"].value == pytest.approx(expected["ExpectedSpend"], rel=1e-9)
    assert summary["B10"].value == pytest.approx(expected["SpendGap"], rel=1e-7)
    councils = values["Councils"]
    np.testing.assert_allclose(
        [councils[f"E{r}"].value for r in range(FIRST, LAST + 1)], model.fitted, rtol=1e-9
    )
