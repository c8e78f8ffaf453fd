"""Unit costs: the LAIT weekly unit cost, placement costs, CCFR process costing, uprating."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfuncs.engine import recalculate
from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import unit_costs as uc
from xlfuncs.methods.errors import (
    DivisionByZeroError,
    InputError,
    OutOfDomainError,
    ShapeError,
)
from xlfuncs.templates import WORKBOOKS_DIR
from xlfuncs.templates.unit_costs import PLACEMENTS, PRICE_INDEX, PROCESSES

money = st.floats(min_value=0, max_value=1e9, allow_nan=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


def excel(name, *args):
    return functions()[name](*args)


class TestUnitCost:
    def test_lait_definition(self):
        # seed 004, Appendix B: (x / y) / 365 * 7
        assert float(uc.unit_cost(5_000_000, 1000)) == pytest.approx(5_000_000 / 1000 / 365 * 7)

    def test_thurrock_scale_figure_is_within_englands_range(self):
        # England 2012-16: £28 to £510 a week per child in need (seed 004).
        assert 28 <= float(uc.unit_cost(12_750_000, 2_610)) <= 510

    def test_periods(self):
        assert float(uc.unit_cost(365_000, 1, "day")) == pytest.approx(1000.0)
        assert float(uc.unit_cost(365_000, 1, "year")) == pytest.approx(365_000.0)

    def test_zero_count(self):
        with pytest.raises(DivisionByZeroError, match="count"):
            uc.unit_cost(1000, 0)

    def test_excel_face(self):
        assert excel("UNIT_COST", 5_000_000, 1000) == pytest.approx(95.890411, rel=1e-6)
        with pytest.raises(ExcelError) as err:
            excel("UNIT_COST", 5_000_000, 0)
        assert err.value.code == "#DIV/0!"


class TestPlacementWeeklyCost:
    def test_foster_and_residential_reference_points(self):
        # Public reference points, 2016-17 prices: foster ~£650, council home ~£3,000 a week.
        out = uc.placement_weekly_cost([1_300_000, 3_120_000], [2_000, 1_040])
        np.testing.assert_allclose(out, [650.0, 3000.0])

    def test_no_weeks(self):
        with pytest.raises(DivisionByZeroError, match="weeks_of_care"):
            uc.placement_weekly_cost(1000, 0)

    def test_negative_spend(self):
        with pytest.raises(OutOfDomainError, match="annual_spend"):
            uc.placement_weekly_cost(-1, 10)

    def test_excel_face(self):
        assert excel("UNIT_COST_WEEKLY", 1_300_000, 2_000) == 650.0
        with pytest.raises(ExcelError) as err:
            excel("UNIT_COST_WEEKLY", 1_300_000, "lots")
        assert err.value.code == "#VALUE!"


class TestAnnualCost:
    def test_365_day_year(self):
        assert float(uc.annual_cost(700)) == pytest.approx(36_500.0)

    def test_contract_weeks(self):
        assert float(uc.annual_cost(3000, 52)) == 156_000.0

    def test_more_than_a_year(self):
        with pytest.raises(OutOfDomainError, match="weeks_per_year"):
            uc.annual_cost(100, 60)

    @given(positive)
    def test_inverse_of_weekly(self, weekly):
        assert float(uc.annual_cost(weekly)) / uc.WEEKS_PER_YEAR == pytest.approx(weekly)

    def test_excel_face_default(self):
        assert excel("UNIT_COST_ANNUAL", 700) == pytest.approx(36_500.0)
        assert excel("UNIT_COST_ANNUAL", 700, None) == pytest.approx(36_500.0)


class TestCostPerChildYear:
    def test_half_year_child_counts_half(self):
        # One child for half a year costing £20,000 is £40,000 a child-year.
        half_year = uc.WEEKS_PER_YEAR / 2
        assert float(uc.cost_per_child_year(20_000, half_year)) == pytest.approx(40_000.0)

    @given(money, positive)
    def test_equals_weekly_times_weeks_in_year(self, spend, weeks):
        expected = spend / weeks * 365 / 7
        assert float(uc.cost_per_child_year(spend, weeks)) == pytest.approx(expected)

    def test_excel_face(self):
        assert excel("UNIT_COST_CHILD_YEAR", 1_300_000, 2_000) == pytest.approx(33_892.857, rel=1e-6)


class TestProcessCost:
    def test_staff_time_times_hourly_cost(self):
        assert uc.process_cost([6.5, 1.0], [45.0, 60.0]) == 352.5

    def test_overheads(self):
        assert uc.process_cost([6.5, 1.0], [45.0, 60.0], 0.2) == pytest.approx(423.0)

    def test_one_hourly_cost_for_all(self):
        assert uc.process_cost([2, 3], [40]) == 200.0

    def test_mismatched_lengths(self):
        with pytest.raises(ShapeError, match="hourly_cost"):
            uc.process_cost([1, 2, 3], [40, 50])

    def test_negative_overheads(self):
        with pytest.raises(OutOfDomainError, match="overhead_rate"):
            uc.process_cost([1], [40], -0.1)

    def test_excel_face_with_ranges(self):
        assert excel("UNIT_COST_PROCESS", [[6.5], [1.0]], [[45.0], [60.0]], 0.2) == pytest.approx(423.0)
        with pytest.raises(ExcelError) as err:
            excel("UNIT_COST_PROCESS", [[6.5], ["x"]], [[45.0], [60.0]])
        assert err.value.code == "#VALUE!"


class TestCareHistoryCost:
    def test_processes_and_placements(self):
        # 1 care plan at £1,200 + 4 reviews at £352.50 + 40 weeks fostering at £650
        # + 12 weeks residential at £3,000 = 1,200 + 1,410 + 26,000 + 36,000.
        total = uc.care_history_cost([1200.0, 352.5], [1, 4], [40, 12], [650.0, 3000.0])
        assert total == pytest.approx(64_610.0)

    def test_processes_only(self):
        assert uc.care_history_cost([1200.0, 352.5], [1, 4]) == pytest.approx(2_610.0)

    def test_weeks_without_fees(self):
        with pytest.raises(InputError, match="weekly_fees"):
            uc.care_history_cost([100], [1], [10])

    def test_mismatched_occurrences(self):
        with pytest.raises(ShapeError, match="occurrences"):
            uc.care_history_cost([100, 200], [1])

    def test_excel_face(self):
        value = excel(
            "UNIT_COST_HISTORY", [[1200.0], [352.5]], [[1], [4]], [[40], [12]], [[650.0], [3000.0]]
        )
        assert value == pytest.approx(64_610.0)
        assert excel("UNIT_COST_HISTORY", [[1200.0], [352.5]], [[1], [4]]) == pytest.approx(2_610.0)


@pytest.fixture(scope="module")
def values(tmp_path_factory):
    """unit_costs.xlsx recalculated headlessly: (report, data_only workbook)."""
    target = tmp_path_factory.mktemp("unit_costs") / "out.xlsx"
    report = recalculate(WORKBOOKS_DIR / "unit_costs.xlsx", target)
    return report, openpyxl.load_workbook(target, data_only=True)


class TestTemplate:
    """The placement and process-costing sheets of unit_costs.xlsx, recalculated headlessly."""

    def test_no_errors(self, values):
        report, _ = values
        assert report.errors == {}

    def test_placement_costs(self, values):
        report, book = values
        sheet = book["Placement costs"]
        for offset, (_, spend, weeks) in enumerate(PLACEMENTS):
            row = 5 + offset
            assert sheet[f"D{row}"].value == pytest.approx(spend / weeks)
            assert sheet[f"E{row}"].value == pytest.approx(spend / weeks * 365 / 7)
            index = dict(PRICE_INDEX)
            assert sheet[f"G{row}"].value == pytest.approx(spend / weeks * index[2025] / index[2017])
        spend = sum(p[1] for p in PLACEMENTS)
        weeks = sum(p[2] for p in PLACEMENTS)
        assert report.named("AverageWeeklyPlacementCost") == pytest.approx(spend / weeks)
        assert report.named("CostPerChildYear") == pytest.approx(spend / (weeks / (365 / 7)))

    def test_child_history(self, values):
        report, _ = values
        processes = sum((w * 45.0 + m * 60.0) * 1.2 * n for _, w, m, n in PROCESSES)
        placements = 40 * 600.0 + 12 * 4400.0 + 26 * 600.0
        assert report.named("ChildHistoryCost") == pytest.approx(processes + placements)
