"""Template lac_forecast.xlsx: recalculates headlessly, fills the scenario and cost tables and
the chart, agrees with the Python functions, and labels what Thurrock did not publish."""

from __future__ import annotations

import re
import zipfile

import numpy as np
import openpyxl
import pytest

from xlfuncs.engine import recalculate
from xlfuncs.methods.forecast_costs import lac_cost_change, lac_forecast_cost
from xlfuncs.methods.forecasting import lac_forecast, lac_forecast_interval
from xlfuncs.templates import WORKBOOKS_DIR, build_bytes, templates
from xlfuncs.templates import lac_forecast as layout
from xlfuncs.templates._layout import DERIVED_FILL

PATH = WORKBOOKS_DIR / "lac_forecast.xlsx"
FIRST, BASE, LAST = layout.FIRST, layout.BASE, layout.LAST
ROWS = layout.SCENARIO_ROWS  # each scenario's model row; its published figures are the row below


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    out = tmp_path_factory.mktemp("lac_forecast") / "out.xlsx"
    report = recalculate(PATH, out)
    return report, openpyxl.load_workbook(out, data_only=True), out


@pytest.fixture(scope="module")
def formulas_book():
    return openpyxl.load_workbook(PATH)


def column(sheet, letter, first, last):
    return np.array([sheet[f"{letter}{r}"].value for r in range(first, last + 1)], dtype=float)


class TestBuild:
    def test_committed_file_is_what_the_code_builds(self):
        assert PATH.read_bytes() == build_bytes(templates()["lac_forecast.xlsx"])

    def test_no_macros(self):
        with zipfile.ZipFile(PATH) as package:
            names = package.namelist()
        assert not any("vba" in name.lower() for name in names)
        assert PATH.suffix == ".xlsx"

    def test_scenarios_are_xlfuncs_spills_not_trend_or_forecast_ets(self, formulas_book):
        sheet = formulas_book["Scenarios"]
        texts = []
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                texts.append(value.text if hasattr(value, "text") else str(value))
        joined = " ".join(texts)
        assert "LAC_FORECAST(" in joined and "LAC_FORECAST_INTERVAL(" in joined
        assert not re.search(r"\b(TREND|GROWTH|FORECAST\.ETS|FORECAST\.LINEAR)\(", joined)
        assert '"rising"' in sheet[f"C{BASE + 1}"].value.text
        assert sheet[f"C{BASE + 1}"].value.ref == f"C{BASE + 1}:C{LAST}"
        assert sheet[f"F{BASE + 1}"].value.ref == f"F{BASE + 1}:F{LAST}"
        assert sheet[f"G{BASE + 1}"].value.ref == f"G{BASE + 1}:H{LAST}"


class TestRecalculated:
    def test_no_error_cells(self, recalculated):
        report, _, _ = recalculated
        assert report.errors == {}
        assert report.formula_cells > 100

    def test_scenario_table_is_filled(self, recalculated):
        _, values, _ = recalculated
        sheet = values["Scenarios"]
        for letter in "CDEFGHIJKLMN":
            numbers = column(sheet, letter, BASE, LAST)
            assert np.all(np.isfinite(numbers)), letter
        for row in [*ROWS.values(), layout.TREND_ROW]:
            for letter in "BCD":
                assert isinstance(sheet[f"{letter}{row}"].value, int | float), (row, letter)

    def test_scenarios_equal_the_python_functions(self, recalculated):
        _, values, _ = recalculated
        inputs, sheet = values["Inputs"], values["Scenarios"]
        history = column(inputs, "B", layout.HIST_FIRST, layout.HIST_LAST)
        population = column(inputs, "F", layout.POP_FIRST, layout.POP_LAST)

        def named(name):
            return inputs[f"B{layout.ROW[name]}"].value

        rising = lac_forecast(
            history, 10, "rising", population, rate_trend=named("RisingTrend"), trend_years=named("RisingYears")
        )
        assert column(sheet, "C", BASE + 1, LAST) == pytest.approx(rising, rel=1e-12)
        trend = lac_forecast(history, 10)
        assert column(sheet, "F", BASE + 1, LAST) == pytest.approx(trend, rel=1e-12)
        bands = lac_forecast_interval(history, 10, "linear", 0.95)
        assert column(sheet, "G", BASE + 1, LAST) == pytest.approx(bands[:, 0], rel=1e-12)
        assert column(sheet, "H", BASE + 1, LAST) == pytest.approx(bands[:, 1], rel=1e-12)
        falling = lac_forecast(
            history, 10, "target", population, target_rate=named("TargetRate"), target_years=named("TargetYears")
        )
        assert column(sheet, "E", BASE + 1, LAST) == pytest.approx(falling, rel=1e-12)
        costs = lac_forecast_cost(np.r_[history[-1], rising], named("WeeklyCost"))
        assert column(sheet, "I", BASE, LAST) == pytest.approx(costs, rel=1e-12)
        change = [sheet[f"{c}{ROWS['Rising']}"].value for c in "BCD"]
        assert change == pytest.approx(lac_cost_change(costs)[0], rel=1e-12)

    def test_trend_of_the_counts_is_the_excel_trend_of_the_history(self, recalculated):
        _, values, _ = recalculated
        history = column(values["Inputs"], "B", layout.HIST_FIRST, layout.HIST_LAST)
        slope, intercept = np.polyfit(np.arange(1, 7), history, 1)
        expected = intercept + slope * np.arange(7, 17)
        assert column(values["Scenarios"], "F", BASE + 1, LAST) == pytest.approx(expected, rel=1e-10)

    def test_rising_row_reaches_the_published_figures_within_five_percent(self, recalculated, formulas_book):
        _, values, _ = recalculated
        sheet, formulas = values["Scenarios"], formulas_book["Scenarios"]
        row = ROWS["Rising"]
        assert formulas[f"A{row}"].value == "Rising"
        model = np.array([sheet[f"{c}{row}"].value for c in "BCD"])
        published = [formulas[f"{c}{row + 1}"].value for c in "BCD"]
        assert published == [2_080_000, 4_010_000, 5_980_000]  # typed in the row below
        assert all(formulas[f"{c}{row}"].value.startswith("=LAC_COST_CHANGE(") for c in "BCD")
        assert np.all(np.abs(model / np.array(published) - 1) < 0.05)
        # Through the 3- and 10-year figures by construction; 5 years tests the shape.
        assert model[[0, 2]] == pytest.approx([2_080_000, 5_980_000], rel=1e-9)
        assert model[1] == pytest.approx(4_010_000, rel=0.01)
        assert values["Scenarios"][f"B{ROWS['Rising'] + 2}"].value == pytest.approx(model[0] - 2_080_000)

    def test_rising_parameters_and_activity(self, recalculated):
        report, _, _ = recalculated
        assert report.named("RisingActivity10") == pytest.approx(0.27, rel=1e-9)
        assert 0 < report.named("RisingYears") < 10
        assert report.named("RisingTrend") > 0

    def test_population_only_reproduces_the_published_figures(self, recalculated):
        # By construction: the population path is calibrated on these three figures.
        _, values, _ = recalculated
        sheet = values["Scenarios"]
        row = ROWS["Population"]
        model = [sheet[f"{c}{row}"].value for c in "BCD"]
        assert model == pytest.approx([1_070_000, 2_220_000, 3_320_000], abs=1)

    def test_falling_is_within_a_third_of_a_million(self, recalculated):
        # Not by construction: one target rate for three published figures.
        _, values, _ = recalculated
        sheet = values["Scenarios"]
        row = ROWS["Falling"]
        model = np.array([sheet[f"{c}{row}"].value for c in "BCD"])
        published = np.array([-440_000, -590_000, 940_000])
        assert [sheet[f"{c}{row + 1}"].value for c in "BCD"] == published.tolist()
        assert np.all(np.abs(model - published) < 330_000)
        assert [sheet[f"{c}{row + 2}"].value for c in "BCD"] == pytest.approx(model - published)
        assert np.sign(model).tolist() == [-1, -1, 1]  # falls, then population growth wins

    def test_the_trend_of_the_counts_is_shown_not_hidden(self, recalculated):
        report, values, _ = recalculated
        assert values["Scenarios"][f"D{layout.TREND_ROW}"].value > 10_000_000
        assert report.named("TrendActivity10") == pytest.approx(0.82, abs=0.01)

    def test_derived_unit_cost(self, recalculated):
        report, values, _ = recalculated
        # £5.98M is a 27% rise on today's cost; 345 children; 365/7 weeks.
        assert report.named("DerivedWeeklyCost") == pytest.approx(5_980_000 / 0.27 / 345 / (365 / 7))
        assert report.named("PopulationChange10") == pytest.approx(3_320_000, abs=1)

    def test_chart_series_point_at_filled_cells(self, recalculated):
        _, values, out = recalculated
        with zipfile.ZipFile(out) as package:
            charts = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
            assert len(charts) == 1
            xml = package.read(charts[0]).decode()
        assert "<lineChart>" in xml and "<areaChart>" in xml
        refs = re.findall(r"<f>'?Scenarios'?!\$([A-Z])\$(\d+):\$[A-Z]\$(\d+)</f>", xml)
        series = {col for col, first, last in refs if int(first) == FIRST}
        assert series == {"A", "B", "C", "D", "E", "F", "M", "N"}
        sheet = values["Scenarios"]
        for letter in "CDEFMN":
            assert np.all(np.isfinite(column(sheet, letter, BASE, LAST))), letter
        assert column(sheet, "B", FIRST, BASE).tolist() == [210, 236, 252, 289, 327, 345]


class TestLabels:
    def test_published_and_assumed_history(self, formulas_book):
        sheet = formulas_book["Inputs"]
        sources = {
            sheet[f"A{r}"].value: (sheet[f"B{r}"].value, sheet[f"C{r}"].value)
            for r in range(layout.HIST_FIRST, layout.HIST_LAST + 1)
        }
        assert sources[2012][0] == 210 and sources[2012][1].startswith("Published")
        assert sources[2017][0] == 345 and sources[2017][1].startswith("Published")
        for year in (2013, 2014, 2015, 2016):
            assert sources[year][1].startswith("Assumed")

    def test_population_and_unit_cost_are_derived_not_published(self, formulas_book):
        sheet = formulas_book["Inputs"]
        for row in range(layout.POP_FIRST, layout.POP_LAST + 1):
            assert sheet[f"F{row}"].value.startswith("=Calibration!")
            assert sheet[f"G{row}"].value.startswith("Derived")
        row = layout.ROW["WeeklyCost"]
        assert sheet[f"C{row}"].value.startswith("Derived")
        assert "Published" not in " ".join(str(sheet[f"C{r}"].value) for r in (row, layout.ROW["Inflation"]))

    def test_rising_parameters_are_calibrated_not_data(self, formulas_book):
        sheet = formulas_book["Inputs"]
        for name in ("RisingTrend", "RisingYears"):
            row = layout.ROW[name]
            assert sheet[f"B{row}"].value.startswith("=Calibration!")
            assert "Calibrated to the published Rising figures" in sheet[f"C{row}"].value
            assert "not data" in sheet[f"C{row}"].value
            assert sheet[f"B{row}"].fill.fgColor.rgb == DERIVED_FILL.fgColor.rgb
        calibration = formulas_book["Calibration"]
        assert calibration[f"C{layout.RISING_TREND_ROW}"].value.startswith("=")
        assert "calibrated, not data" in calibration[f"A{layout.RISING_TOP + 5}"].value


@pytest.mark.libreoffice
class TestStandardCellsAgreeWithLibreOffice:
    def test_cells_not_fed_by_xlfuncs_functions(self, recalculated, formulas_book, libreoffice_values):
        _, ours, _ = recalculated
        theirs = libreoffice_values(PATH)
        checked = 0
        for sheet in formulas_book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                        continue
                    value = theirs[sheet.title][cell.coordinate].value
                    if value == "#NAME?":  # xlfuncs functions and cells that depend on them
                        continue
                    mine = ours[sheet.title][cell.coordinate].value
                    assert mine == pytest.approx(value, rel=1e-9, abs=1e-9), (sheet.title, cell.coordinate)
                    checked += 1
        assert checked >= 40
