"""Template intervention_cba.xlsx: Thurrock reproduced by recalculated NET_SAVINGS cells, the
appraisal and Monte Carlo sheets equal to the Python functions, nothing invented shown as
published."""

import re
import zipfile

import numpy as np
import openpyxl
import pytest

from xlfuncs.engine import recalculate
from xlfuncs.methods import appraisal, cohort, cost_benefit
from xlfuncs.methods import cohort_uncertainty as cu
from xlfuncs.templates import WORKBOOKS_DIR
from xlfuncs.templates import intervention_cba as layout
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
        for name in ("optimism_bias", "deadweight", "attribution", "displacement", "drop_off", "unit_cost_growth"):
            row = layout.INPUT_TOP + cohort.INPUTS.index(name)
            assert "ILLUSTRATIVE" in sheet[f"C{row}"].value, name
        assert "ILLUSTRATIVE" in sheet[f"A{layout.COSTS_ROW + 15}"].value  # the length-of-stay profile
        assert "ILLUSTRATIVE" in formulas_book["Monte Carlo"]["A2"].value


def appraisal_inputs(values):
    """The Appraisal sheet's 14 inputs, by name, as recalculated."""
    sheet = values["Appraisal"]
    return {name: sheet[f"B{layout.INPUT_TOP + j}"].value for j, name in enumerate(cohort.INPUTS)}


def mc_table(values):
    """The Monte Carlo sheet's input table (code, low, central, high, sd), blanks as NaN."""
    sheet = values["Monte Carlo"]
    rows = []
    for row in range(layout.MC_FIRST, layout.MC_LAST + 1):
        rows.append([np.nan if sheet[f"{c}{row}"].value is None else sheet[f"{c}{row}"].value for c in "CDEFG"])
    return np.array(rows, dtype=float)


class TestAppraisalSheet:
    def row(self, values, row):
        return row_values(values["Appraisal"], row)

    def test_equals_a_hand_built_cohort_appraisal(self, recalculated):
        report, values = recalculated
        cost = cost_benefit.total_cost(135.5, 2285)
        cashable = cost_benefit.implied_saving_per_case(135.5, 2285, 21.7, 649_331)
        non_cashable = 1_534_771 / 21.7 - cashable
        years = np.arange(10)
        ramp = np.array([0.25, 0.75] + [1.0] * 8)
        profile = np.array(layout.STAY_PROFILE)
        # Cohorts net of 20% deadweight and 10% attribution; each avoids the profile's stay.
        cohorts = 21.7 * ramp * 0.8 * 0.9
        share = np.array([1 - profile[:k].sum() - profile[k] / 2 for k in range(10)])  # of each year of stay
        kept = 0.95 ** years  # 5% of a cohort's avoided care lost each year
        cared = np.array([sum(cohorts[s] * share[t - s] * kept[t - s] for s in range(t + 1)) for t in years])
        costs = 1.1 * cost * np.ones(10)
        benefits = cared * (cashable + non_cashable)
        cash = cared * cashable
        np.testing.assert_allclose(self.row(values, layout.YEAR_ROW + 8), cared, rtol=1e-12)
        np.testing.assert_allclose(self.row(values, layout.COSTS_ROW), costs, rtol=1e-12)
        np.testing.assert_allclose(self.row(values, layout.COSTS_ROW + 6), benefits, rtol=1e-12)
        np.testing.assert_allclose(self.row(values, layout.COSTS_ROW + 8), appraisal.discount_factor(years), rtol=1e-12)
        assert report.named("AppraisalNPV") == pytest.approx(appraisal.npv(costs, benefits), rel=1e-12)
        assert report.named("AppraisalCashableNPV") == pytest.approx(appraisal.npv(costs, cash), rel=1e-12)
        assert report.named("AppraisalBCR") == pytest.approx(appraisal.benefit_cost_ratio(costs, benefits))
        assert report.named("AppraisalPayback") == pytest.approx(appraisal.payback_period(costs, benefits))
        assert report.named("AppraisalCashPayback") == pytest.approx(appraisal.cash_payback_period(costs, benefits))
        last = values["Appraisal"][f"K{layout.COSTS_ROW + 10}"].value
        assert last == pytest.approx(report.named("AppraisalNPV"), rel=1e-12)
        assert report.named("MeanStayAvoided") == pytest.approx(cohort.stay_mean(profile))

    def test_every_prevented_child_saves_more_than_one_year(self, recalculated):
        # The tail: more child-years of care avoided than children prevented.
        _, values = recalculated
        cared = sum(self.row(values, layout.YEAR_ROW + 8))
        prevented = sum(self.row(values, layout.YEAR_ROW + 4))
        assert cared > 1.5 * prevented

    def test_payback_is_counted_from_the_start_of_year_zero(self, recalculated, formulas_book):
        report, values = recalculated
        net = self.row(values, layout.COSTS_ROW + 7)
        assert net[0] < 0 < net[1]  # the first year is net negative: pays back during the second
        assert 1 < report.named("AppraisalPayback") < 2
        assert 1 < report.named("AppraisalCashPayback") <= report.named("AppraisalPayback")
        sheet = formulas_book["Appraisal"]
        for row in (layout.PAYBACK_ROW, layout.PAYBACK_ROW + 2):
            assert "from the start of year 0" in sheet[f"A{row}"].value
        assert "spread evenly" in sheet[f"C{layout.PAYBACK_ROW}"].value
        assert "1.5 is half way through year 1" in sheet[f"C{layout.PAYBACK_ROW}"].value
        assert sheet[f"B{layout.PAYBACK_ROW + 2}"].value.startswith("=CBA_PAYBACK_CASH(")

    def test_excel_convention_equals_excels_npv_in_the_same_sheet(self, recalculated):
        _, values = recalculated
        sheet = values["Appraisal"]
        excel_convention, excel_npv = layout.RESULTS_ROW + 16, layout.RESULTS_ROW + 17
        assert sheet[f"B{excel_convention}"].value == pytest.approx(sheet[f"B{excel_npv}"].value, rel=1e-12)
        assert sheet[f"B{excel_convention}"].value != pytest.approx(sheet[f"B{layout.RESULTS_ROW + 5}"].value)

    def test_no_rebasing_by_default(self, recalculated):
        _, values = recalculated
        assert values["Appraisal"][f"B{layout.REBASE_ROW}"].value == 1

    def test_the_profile_sums_to_one_and_is_labelled(self, formulas_book):
        sheet = formulas_book["Appraisal"]
        assert sum(row_values(sheet, layout.PROFILE_ROW)) == pytest.approx(1)
        assert "Length-of-stay profile" in sheet[f"A{layout.PROFILE_ROW}"].value


class TestMonteCarloSheet:
    def profiles(self, values):
        sheet = values["Appraisal"]
        return (row_values(sheet, layout.RUNNING_ROW), row_values(sheet, layout.RAMP_ROW),
                row_values(sheet, layout.PROFILE_ROW))

    def settings(self, values):
        mc = values["Monte Carlo"]
        top = layout.CORREL_TOP + 2
        correlated = [mc[f"A{r}"].value for r in range(top, top + len(layout.CORRELATED))]
        target = [[mc[f"{c}{r}"].value for c in "CDEF"] for r in range(top, top + len(layout.CORRELATED))]
        draws, seed = int(mc[f"B{layout.MC_SETTINGS}"].value), int(mc[f"B{layout.MC_SETTINGS + 1}"].value)
        return correlated, target, draws, seed

    def test_the_table_covers_every_input_with_the_appraisals_central_values(self, recalculated):
        _, values = recalculated
        table = mc_table(values)
        central = appraisal_inputs(values)
        assert table.shape == (14, 5)
        np.testing.assert_allclose(table[:, 2], [central[name] for name in cohort.INPUTS])
        kinds = {int(code) for code in table[:, 0]}
        assert kinds == {1, 2, 3, 4, 5}  # every distribution is used

    def test_percentiles_equal_the_python_simulation(self, recalculated):
        _, values = recalculated
        running, ramp, profile = self.profiles(values)
        correlated, target, draws, seed = self.settings(values)
        mc = values["Monte Carlo"]
        first = layout.PERCENTILE_TOP + 1
        for col, measure in zip("BCD", cohort.MEASURES, strict=True):
            expected = cu.npv_percentiles(
                mc_table(values), running, ramp, profile, [0.05, 0.5, 0.95], correlated, target, draws, seed,
                measure=measure,
            )
            np.testing.assert_allclose([mc[f"{col}{r}"].value for r in range(first, first + 3)], expected, rtol=1e-12)
        probability = cu.payback_probability(mc_table(values), running, ramp, profile, correlated, target, draws, seed)
        assert mc[f"B{layout.PERCENTILE_TOP + 5}"].value == probability

    def test_central_npv_is_the_appraisal_npv(self, recalculated):
        report, _ = recalculated
        assert report.named("CentralNPV") == pytest.approx(report.named("AppraisalNPV"), rel=1e-12)

    def test_achieved_rank_correlation_is_beside_its_target(self, recalculated):
        report, values = recalculated
        correlated, target, draws, seed = self.settings(values)
        mc = values["Monte Carlo"]
        top = layout.CORREL_TOP + 2
        achieved = [[mc[f"{c}{r}"].value for c in "HIJK"] for r in range(top, top + 4)]
        np.testing.assert_allclose(achieved, cu.rank_correlation(mc_table(values), correlated, target, draws, seed))
        np.testing.assert_allclose(achieved, target, atol=0.02)
        assert report.named("CorrelationGap") < 0.02

    def test_tornado_ranks_every_input(self, recalculated):
        _, values = recalculated
        running, ramp, profile = self.profiles(values)
        mc = values["Monte Carlo"]
        rows = range(layout.TORNADO_TOP + 1, layout.TORNADO_TOP + 15)
        table = [[mc[f"{col}{row}"].value for col in "FGHI"] for row in rows]
        np.testing.assert_allclose(table, cu.tornado(mc_table(values), running, ramp, profile), rtol=1e-12)
        assert sorted(int(r[0]) for r in table) == list(range(1, 15))
        assert mc[f"A{layout.TORNADO_TOP + 1}"].value == cohort.LABELS[cohort.INPUTS[int(table[0][0]) - 1]]

    def test_recalculation_is_reproducible(self, recalculated, tmp_path):
        report, _ = recalculated
        again = recalculate(PATH, tmp_path / "again.xlsx")
        for name in ("MedianNPV", "ProbabilityPayback", "CorrelationGap"):
            assert again.named(name) == report.named(name)


class TestCharts:
    def test_line_chart_and_horizontal_tornado(self):
        with zipfile.ZipFile(PATH) as archive:
            charts = [archive.read(n).decode() for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
        # Chart parts use DrawingML's chart namespace, with or without a prefix.
        assert any(re.search(r"<(c:)?lineChart>", xml) and "Cumulative net benefit" in xml for xml in charts)
        assert any(re.search(r'<(c:)?barDir val="bar"/>', xml) and "Tornado" in xml for xml in charts)
