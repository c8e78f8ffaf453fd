"""Template intervention_cba.xlsx: Thurrock reproduced by recalculated NET_SAVINGS cells, the
appraisal and Monte Carlo sheets equal to the Python functions, nothing invented shown as
published."""

import re
import zipfile

import numpy as np
import openpyxl
import pytest

from xlfuncs.engine import recalculate
from xlfuncs.methods import appraisal, cost_benefit
from xlfuncs.methods import uncertainty as un
from xlfuncs.templates import WORKBOOKS_DIR
from xlfuncs.templates._layout import DERIVED_FILL, INPUT_FILL

PATH = WORKBOOKS_DIR / "intervention_cba.xlsx"
YEARS = "BCDEFGHIJK"

#: Every figure the Thurrock report (seed 003) publishes for these four interventions.
PUBLISHED = {135.5, 2285, 309_618, 21.7, 1_534_771, 1_225_153, 649_331,
             15, 2, 5, 128_520, 307_945, 60, 144, 133_220, 10, 19, -7_293}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    out = tmp_path_factory.mktemp("intervention_cba") / "out.xlsx"
    report = recalculate(PATH, out)
    return report, openpyxl.load_workbook(out, data_only=True)


@pytest.fixture(scope="module")
def formulas_book():
    return openpyxl.load_workbook(PATH)


def row_values(sheet, row):
    return [sheet[f"{col}{row}"].value for col in YEARS]


class TestThurrockEdgeOfCare:
    def test_recalculates_without_error_cells(self, recalculated):
        report, _ = recalculated
        assert report.errors == {}
        assert report.formula_cells > 200

    @pytest.mark.parametrize(
        "ref, published",
        [("C7", 309_618), ("C9", 1_534_771), ("C10", 1_225_153), ("C12", 649_331)],
    )
    def test_reproduced_within_one_pound(self, recalculated, ref, published):
        _, values = recalculated
        assert values["Interventions"][ref].value == pytest.approx(published, abs=1)

    def test_cells_are_net_savings_formulas(self, formulas_book):
        sheet = formulas_book["Interventions"]
        assert sheet["C10"].value == "=NET_SAVINGS(B5,B6,B8,C11)"
        assert sheet["C12"].value.startswith("=NET_SAVINGS_CASHABLE(")
        assert sheet["C7"].value.startswith("=NET_SAVINGS_COST(")

    def test_cashable_saving_per_child_is_implied_and_labelled(self, recalculated, formulas_book):
        _, values = recalculated
        assert values["Interventions"]["C13"].value == pytest.approx(44_191.18, abs=0.01)
        sheet = formulas_book["Interventions"]
        assert "IMPLIED" in sheet["A13"].value
        assert "not published" in sheet["E13"].value
        assert sheet["C13"].fill.fgColor.rgb == DERIVED_FILL.fgColor.rgb
        assert sheet["B13"].value is None  # no published figure beside it

    def test_headlines(self, recalculated):
        report, _ = recalculated
        assert report.named("EdgeOfCareNetSavings") == pytest.approx(1_225_153.5)
        assert report.named("EdgeOfCareCashableNet") == pytest.approx(649_331, abs=1)


class TestPublishedAndDerived:
    def test_every_yellow_cell_on_the_interventions_sheet_is_a_published_figure(self, formulas_book):
        sheet = formulas_book["Interventions"]
        inputs = [c for row in sheet.iter_rows() for c in row if c.fill.fgColor.rgb == INPUT_FILL.fgColor.rgb]
        assert len(inputs) > 20
        for cell in inputs:
            assert cell.value in PUBLISHED, f"{cell.coordinate} = {cell.value!r} is not published"

    def test_pause_net_saving_per_child_at_each_end(self, recalculated):
        report, values = recalculated
        assert report.named("PauseNetPerChildLow") == pytest.approx(128_520 / 2)
        assert report.named("PauseNetPerChildHigh") == pytest.approx(307_945 / 5)

    def test_pause_straight_line_implies_a_negative_cost(self, recalculated):
        _, values = recalculated
        slope = (307_945 - 128_520) / 3
        implied_cost = -(128_520 - 2 * slope)
        assert values["Interventions"]["G26"].value == pytest.approx(implied_cost)
        assert implied_cost < 0

    def test_derived_cells_are_orange(self, formulas_book):
        sheet = formulas_book["Interventions"]
        for ref in ("C11", "C13", "C14", "I22", "J22", "K23", "L24", "G26"):
            assert sheet[ref].fill.fgColor.rgb == DERIVED_FILL.fgColor.rgb, ref

    def test_illustrative_assumptions_say_so(self, formulas_book):
        sheet = formulas_book["Appraisal"]
        for row in range(10, 15):
            assert "ILLUSTRATIVE" in sheet[f"C{row}"].value
        assert "ILLUSTRATIVE" in formulas_book["Monte Carlo"]["A2"].value


class TestAppraisalSheet:
    def test_equals_the_python_appraisal(self, recalculated):
        report, values = recalculated
        sheet = values["Appraisal"]
        cost = cost_benefit.total_cost(135.5, 2285)
        cashable = cost_benefit.implied_saving_per_case(135.5, 2285, 21.7, 649_331)
        non_cashable = 1_534_771 / 21.7 - cashable
        years = np.arange(10)
        ramp = np.array([0.25, 0.75] + [1.0] * 8)
        effect = appraisal.apply_drop_off(ramp, 0.05, years)
        costs = appraisal.optimism_bias(cost * np.ones(10), 0.10)
        benefits = appraisal.net_outcome(21.7 * effect * (cashable + non_cashable), 0.2, 0.1, 0.0)
        cash = appraisal.net_outcome(21.7 * effect * cashable, 0.2, 0.1, 0.0)
        np.testing.assert_allclose(row_values(sheet, 25), costs, rtol=1e-12)
        np.testing.assert_allclose(row_values(sheet, 31), benefits, rtol=1e-12)
        np.testing.assert_allclose(row_values(sheet, 33), appraisal.discount_factor(years), rtol=1e-12)
        assert report.named("AppraisalNPV") == pytest.approx(appraisal.npv(costs, benefits), rel=1e-12)
        assert report.named("AppraisalCashableNPV") == pytest.approx(appraisal.npv(costs, cash), rel=1e-12)
        assert report.named("AppraisalBCR") == pytest.approx(appraisal.benefit_cost_ratio(costs, benefits))
        assert report.named("AppraisalPayback") == pytest.approx(appraisal.payback_period(costs, benefits))
        assert sheet["K35"].value == pytest.approx(report.named("AppraisalNPV"), rel=1e-12)

    def test_excel_convention_equals_excels_npv_in_the_same_sheet(self, recalculated):
        _, values = recalculated
        sheet = values["Appraisal"]
        assert sheet["B56"].value == pytest.approx(sheet["B57"].value, rel=1e-12)
        assert sheet["B56"].value != pytest.approx(sheet["B47"].value)

    def test_no_rebasing_by_default(self, recalculated):
        _, values = recalculated
        assert values["Appraisal"]["B18"].value == 1


class TestMonteCarloSheet:
    def inputs(self, values):
        mc = values["Monte Carlo"]
        ranges = [[mc[f"{col}{row}"].value for col in "BCD"] for row in range(4, 8)]
        costs = row_values(values["Appraisal"], 39)
        benefits = row_values(values["Appraisal"], 40)
        return ranges, costs, benefits, int(mc["B9"].value), int(mc["B10"].value)

    def test_percentiles_equal_the_python_simulation(self, recalculated):
        _, values = recalculated
        ranges, costs, benefits, draws, seed = self.inputs(values)
        mc = values["Monte Carlo"]
        expected = un.npv_percentiles(*ranges, costs, benefits, [0.05, 0.5, 0.95], draws, seed)
        np.testing.assert_allclose([mc[f"B{r}"].value for r in (14, 15, 16)], expected, rtol=1e-12)
        expected = un.net_savings_percentiles(*ranges, [0.05, 0.5, 0.95], draws, seed)
        np.testing.assert_allclose([mc[f"C{r}"].value for r in (14, 15, 16)], expected, rtol=1e-12)
        assert mc["B18"].value == un.payback_probability(*ranges, costs, benefits, draws, seed)

    def test_most_likely_npv_is_the_appraisal_npv(self, recalculated):
        report, values = recalculated
        assert values["Monte Carlo"]["B19"].value == pytest.approx(report.named("AppraisalNPV"), rel=1e-12)

    def test_tornado_table(self, recalculated):
        _, values = recalculated
        ranges, costs, benefits, _, _ = self.inputs(values)
        mc = values["Monte Carlo"]
        table = [[mc[f"{col}{row}"].value for col in "FGHI"] for row in range(22, 26)]
        np.testing.assert_allclose(table, un.tornado(*ranges, costs, benefits), rtol=1e-12)
        assert mc["A22"].value == "Children prevented"

    def test_recalculation_is_reproducible(self, recalculated, tmp_path):
        report, _ = recalculated
        again = recalculate(PATH, tmp_path / "again.xlsx")
        for name in ("MedianNPV", "ProbabilityPayback"):
            assert again.named(name) == report.named(name)


class TestCharts:
    def test_line_chart_and_horizontal_tornado(self):
        with zipfile.ZipFile(PATH) as archive:
            charts = [archive.read(n).decode() for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
        # Chart parts use DrawingML's chart namespace, with or without a prefix.
        assert any(re.search(r"<(c:)?lineChart>", xml) and "Cumulative discounted" in xml for xml in charts)
        assert any(re.search(r'<(c:)?barDir val="bar"/>', xml) and "Tornado" in xml for xml in charts)
