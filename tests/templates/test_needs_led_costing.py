"""Template needs_led_costing.xlsx: recalculates with no error cell, its synthetic cohort is
aggregated and labelled, its figures are the Python functions', the chart plots need against
cost by placement type, and the step-down case runs through the cohort appraisal."""

import re
import zipfile

import numpy as np
import openpyxl
import pytest

from xlfuncs.check import check_workbook
from xlfuncs.engine import recalculate
from xlfuncs.methods import appraisal, cohort, needs
from xlfuncs.templates import WORKBOOKS_DIR, build_bytes, templates
from xlfuncs.templates import needs_led_costing as layout

PATH = WORKBOOKS_DIR / "needs_led_costing.xlsx"
LEVELS = [level for level, _ in layout.LEVELS]
COSTS = [[0 if c is None else c for c in row] for row in layout.WEEKLY_COSTS]
PRICES = [price for _, price in layout.TYPES]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    out = tmp_path_factory.mktemp("needs_led_costing") / "out.xlsx"
    report = recalculate(PATH, out)
    return report, openpyxl.load_workbook(out, data_only=True)


@pytest.fixture(scope="module")
def formulas_book():
    return openpyxl.load_workbook(PATH)


def row_of(sheet, row, columns):
    return [sheet[f"{c}{row}"].value for c in columns]


class TestBuild:
    def test_committed_file_is_what_the_code_builds(self):
        assert PATH.read_bytes() == build_bytes(templates()["needs_led_costing.xlsx"])

    def test_recalculates_with_no_error_cell(self, recalculated):
        report, _ = recalculated
        assert report.errors == {}
        assert report.formula_cells > 150

    def test_passes_the_check_for_sharing(self):
        report = check_workbook(PATH)
        assert report.clean, "\n".join(str(f) for f in report.findings)


class TestSyntheticAggregatedCohort:
    def test_labelled_synthetic(self, formulas_book):
        sheet = formulas_book["Cohort (synthetic)"]
        assert "SYNTHETIC" in sheet["A1"].value and "SYNTHETIC" in sheet["A2"].value
        assert "never child-level" in sheet["A2"].value
        assert "SYNTHETIC" in sheet[f"A{layout.COST_HEADER - 1}"].value
        assert "SYNTHETIC" in sheet[f"A{layout.PRICE_ROW}"].value
        assert "SYNTHETIC" in formulas_book["About"]["A3"].value

    def test_aggregated_counts_are_zero_or_at_least_six(self, formulas_book):
        sheet = formulas_book["Cohort (synthetic)"]
        for row in range(layout.COUNT_FIRST, layout.COUNT_LAST + 1):
            for col in layout.TYPE_COLUMNS:
                value = sheet[f"{col}{row}"].value
                assert value == 0 or value >= 6, (col, row, value)

    def test_about_half_without_severe_or_complex_needs_and_a_weak_correlation(self, recalculated):
        # Seed 001: "half of children ... did not have severe or complex needs"; "very limited
        # correlation between the needs of children ..., the costs of their care".
        report, _ = recalculated
        assert 0.45 < report.named("ShareNotSevere") < 0.6
        assert 0 < report.named("NeedCostCorrelation") < 0.35


class TestNeedsAndCost:
    def test_equal_the_python_functions(self, recalculated):
        _, values = recalculated
        sheet = values["Needs and cost"]
        columns = "BCDEFG"
        children = layout.CHILDREN
        np.testing.assert_allclose(
            row_of(sheet, layout.SHARE_ROW, columns), needs.share_without_severe_needs(LEVELS, children)[0]
        )
        np.testing.assert_allclose(row_of(sheet, layout.AVERAGE_ROW, columns), needs.average_cost(LEVELS, children, COSTS)[0])
        np.testing.assert_allclose(
            row_of(sheet, layout.MATCHED_ROW, columns), needs.matched_cost(LEVELS, children, PRICES, layout.MATCHED)[0]
        )
        np.testing.assert_allclose(
            row_of(sheet, layout.CANDIDATE_MATCHED_ROW, columns),
            needs.matched_cost(LEVELS, children, PRICES, layout.MATCHED, below_level=4)[0],
        )
        assert sheet[f"B{layout.CORREL_ROW}"].value == pytest.approx(needs.need_cost_correlation(LEVELS, children, COSTS))
        assert sheet[f"B{layout.CORREL_ROW + 1}"].value == pytest.approx(
            needs.need_cost_correlation(LEVELS, children, COSTS, method="pearson")
        )

    def test_chart_of_need_against_cost_by_placement_type(self):
        with zipfile.ZipFile(PATH) as archive:
            charts = [archive.read(n).decode() for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) == 1
        xml = charts[0]
        assert re.search(r"<(c:)?scatterChart>", xml) and "Need against weekly cost" in xml
        x_refs = re.findall(r"<(?:c:)?xVal>.*?<(?:c:)?f>([^<]+)</(?:c:)?f>", xml, re.S)
        y_refs = re.findall(r"<(?:c:)?yVal>.*?<(?:c:)?f>([^<]+)</(?:c:)?f>", xml, re.S)
        levels = f"'Cohort (synthetic)'!$A${layout.COST_FIRST}:$A${layout.COST_LAST}"
        assert x_refs == [levels] * len(layout.TYPES)
        expected = [f"'Cohort (synthetic)'!${c}${layout.COST_FIRST}:${c}${layout.COST_LAST}" for c in layout.TYPE_COLUMNS]
        assert y_refs == expected


class TestStepDownFeedsTheCohortAppraisal:
    def test_candidates_and_weekly_saving(self, recalculated):
        report, _ = recalculated
        residential = [row[layout.RESIDENTIAL - 1] for row in layout.CHILDREN]
        assert report.named("StepDownCandidates") == pytest.approx(sum(n for n, level in zip(residential, LEVELS, strict=True) if level < 4))
        now = needs.average_cost(LEVELS, layout.CHILDREN, COSTS, below_level=4)[0][layout.RESIDENTIAL - 1]
        matched = needs.matched_cost(LEVELS, layout.CHILDREN, PRICES, layout.MATCHED, below_level=4)[0][layout.RESIDENTIAL - 1]
        assert report.named("StepDownWeeklySaving") == pytest.approx(now - matched)

    def test_rows_are_the_cohort_model(self, recalculated):
        report, values = recalculated
        sheet = values["Step-down"]
        cols = layout.STEP_COLS
        y = layout.YEAR_ROW
        candidates, saving = report.named("StepDownCandidates"), report.named("StepDownWeeklySaving")
        cohorts = needs.step_down_cohorts(candidates, layout.RAMP, 0.25)[0]
        np.testing.assert_allclose(row_of(sheet, y + 5, cols), cohorts, rtol=1e-12)
        cared = cohort.care_years(cohorts, layout.REMAINING_STAY, 0.10)[0]
        np.testing.assert_allclose(row_of(sheet, y + 6, cols), cared, rtol=1e-12)
        savings = needs.step_down_savings(candidates, saving, layout.RAMP, layout.REMAINING_STAY, 0.25, 0.10)[0]
        np.testing.assert_allclose(row_of(sheet, y + 7, cols), savings, rtol=1e-12)
        np.testing.assert_allclose(row_of(sheet, y + 8, cols), savings, rtol=1e-12)
        costs = appraisal.optimism_bias(150_000 + np.array(layout.ONE_OFF) + 10_000 * cohorts, 0.20)
        np.testing.assert_allclose(row_of(sheet, y + 9, cols), costs, rtol=1e-12)
        assert report.named("StepDownNPV") == pytest.approx(appraisal.npv(costs, savings), rel=1e-12)
        assert report.named("StepDownPayback") == pytest.approx(appraisal.payback_period(costs, savings))
        assert report.named("StepDownCashPayback") == pytest.approx(appraisal.cash_payback_period(costs, savings))

    def test_pays_back_during_its_second_year(self, recalculated):
        report, _ = recalculated
        assert 1 < report.named("StepDownPayback") < 2
        assert report.named("StepDownNPV") > 0

    def test_illustrative_assumptions_say_so(self, formulas_book):
        sheet = formulas_book["Step-down"]
        statuses = [sheet[f"C{row}"].value for row in range(layout.STEP_INPUTS + 5, layout.STEP_INPUTS + 10)]
        assert all("ILLUSTRATIVE" in text for text in statuses)
