"""Single-period cost-benefit (NET_SAVINGS family) against the published Thurrock table."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import cost_benefit as cb
from xlfuncs.methods.errors import DivisionByZeroError, NoDataError, OutOfDomainError, ShapeError

# Seed 003 (Thurrock DPH report 2017), edge-of-care service.
REACH, COST, PREVENTED = 135.5, 2285, 21.7
GROSS, NET, CASHABLE_NET, TOTAL = 1_534_771, 1_225_153, 649_331, 309_618
SAVING = GROSS / PREVENTED

money = st.floats(0, 1e7, allow_nan=False)


def excel(name, *args):
    return functions()[name](*args)


def excel_error(name, *args):
    with pytest.raises(ExcelError) as info:
        excel(name, *args)
    return info.value


class TestTotalCost:
    def test_thurrock_edge_of_care(self):
        assert float(cb.total_cost(REACH, COST)) == pytest.approx(TOTAL, abs=1)
        assert float(cb.total_cost(REACH, COST)) == 309_617.5  # 135.5 x 2,285 exactly

    def test_excel_face(self):
        assert excel("NET_SAVINGS_COST", REACH, COST) == pytest.approx(TOTAL, abs=1)

    def test_negative_cost_names_the_argument(self):
        with pytest.raises(OutOfDomainError, match="cost_per_case"):
            cb.total_cost(10, -1)
        error = excel_error("NET_SAVINGS_COST", -3, 100)
        assert error.code == "#NUM!" and "reach" in error.message


class TestGrossSavings:
    def test_thurrock_edge_of_care(self):
        assert float(cb.gross_savings(PREVENTED, SAVING)) == pytest.approx(GROSS, abs=1e-6)
        assert excel("NET_SAVINGS_GROSS", PREVENTED, SAVING) == pytest.approx(GROSS, abs=1)


class TestNetSavings:
    def test_thurrock_edge_of_care_within_one_pound(self):
        assert float(cb.net_savings(REACH, COST, PREVENTED, SAVING)) == pytest.approx(NET, abs=1)

    def test_exact_figure_is_half_a_pound_above_the_published(self):
        assert float(cb.net_savings(REACH, COST, PREVENTED, SAVING)) == pytest.approx(1_225_153.5)

    def test_excel_face_with_the_issue_formula(self):
        # =NET_SAVINGS(135.5, 2285, 21.7, 1534771/21.7)
        assert excel("NET_SAVINGS", 135.5, 2285, 21.7, 1534771 / 21.7) == pytest.approx(NET, abs=1)

    def test_argument_order_is_reach_cost_prevented_saving(self):
        assert float(cb.net_savings(10, 100, 2, 1000)) == 2 * 1000 - 10 * 100

    def test_vectorised(self):
        out = cb.net_savings(15, 10_000, np.array([2, 5]), 70_000)
        np.testing.assert_array_equal(out, [2 * 70_000 - 150_000, 5 * 70_000 - 150_000])

    def test_prevented_above_reach_is_refused_by_default(self):
        with pytest.raises(OutOfDomainError, match="cases_prevented"):
            cb.net_savings(60, 1000, 144, 900)
        error = excel_error("NET_SAVINGS", 60, 1000, 144, 900)
        assert error.code == "#NUM!" and "cases_prevented" in error.message

    def test_prevented_above_reach_allowed_for_incidents(self):
        # Domestic violence: 144 incidents prevented by about 60 extra places.
        assert excel("NET_SAVINGS", 60, 1000, 144, 900, False) == 144 * 900 - 60 * 1000

    @pytest.mark.parametrize("position, name", [(0, "reach"), (1, "cost_per_case"), (2, "cases_prevented"), (3, "saving_per_prevented_case")])
    def test_negative_arguments_name_themselves(self, position, name):
        args = [100, 1000, 10, 5000]
        args[position] = -1
        error = excel_error("NET_SAVINGS", *args)
        assert error.code == "#NUM!" and name in error.message

    def test_text_is_a_value_error(self):
        error = excel_error("NET_SAVINGS", "many", 1000, 10, 5000)
        assert error.code == "#VALUE!" and "reach" in error.message

    @given(money, money, money, money)
    def test_net_is_gross_less_cost(self, n, c, p, s):
        p = min(p, n)
        net = float(cb.net_savings(n, c, p, s))
        expected = float(cb.gross_savings(p, s)) - float(cb.total_cost(n, c))
        assert net == pytest.approx(expected, rel=1e-12, abs=1e-6)


class TestCashableNetSavings:
    def test_thurrock_from_the_implied_cashable_saving(self):
        implied = float(cb.implied_saving_per_case(REACH, COST, PREVENTED, CASHABLE_NET))
        assert implied == pytest.approx(44_191.18, abs=0.01)
        out = float(cb.cashable_net_savings(REACH, COST, PREVENTED, implied))
        assert out == pytest.approx(CASHABLE_NET, abs=1)

    def test_rounded_implied_saving_still_within_one_pound(self):
        # A user typing the implied figure to the penny reproduces the published £649,331.
        out = excel("NET_SAVINGS_CASHABLE", REACH, COST, PREVENTED, 44_191.18)
        assert out == pytest.approx(CASHABLE_NET, abs=1)

    def test_cashable_part_is_below_the_whole_saving(self):
        implied = float(cb.implied_saving_per_case(REACH, COST, PREVENTED, CASHABLE_NET))
        assert implied < SAVING


class TestImpliedSavingPerCase:
    def test_inverts_net_savings(self):
        assert float(cb.implied_saving_per_case(REACH, COST, PREVENTED, NET)) == pytest.approx(SAVING, abs=0.03)

    def test_zero_prevented_is_a_division_by_zero(self):
        with pytest.raises(DivisionByZeroError, match="cases_prevented"):
            cb.implied_saving_per_case(10, 100, 0, 500)
        assert excel_error("NET_SAVINGS_IMPLIED", 10, 100, 0, 500).code == "#DIV/0!"

    def test_net_below_minus_cost_is_refused(self):
        with pytest.raises(OutOfDomainError, match="net_savings"):
            cb.implied_saving_per_case(10, 100, 2, -5000)

    @given(money, money, st.floats(0.01, 1e5), money)
    def test_round_trip(self, n, c, p, s):
        n = max(n, p)
        net = cb.net_savings(n, c, p, s)
        back = float(cb.implied_saving_per_case(n, c, p, net))
        assert back == pytest.approx(s, rel=1e-9, abs=1e-3 * (1 + n * c / p))


class TestBreakEvenCases:
    def test_thurrock_edge_of_care(self):
        assert float(cb.break_even_cases(REACH, COST, SAVING)) == pytest.approx(309_617.5 / SAVING)
        assert excel("NET_SAVINGS_BREAK_EVEN", REACH, COST, SAVING) == pytest.approx(4.3777, abs=1e-4)

    def test_zero_saving(self):
        assert excel_error("NET_SAVINGS_BREAK_EVEN", 10, 100, 0).code == "#DIV/0!"

    @given(st.floats(1, 1e4), st.floats(1, 1e5), st.floats(1, 1e6))
    def test_net_savings_are_zero_at_break_even(self, n, c, s):
        p = float(cb.break_even_cases(n, c, s))
        assert float(cb.net_savings(n, c, p, s, within_reach=False)) == pytest.approx(0, abs=1e-6 * n * c)


class TestBenefitCostRatio:
    def test_thurrock_edge_of_care(self):
        assert float(cb.benefit_cost_ratio(REACH, COST, PREVENTED, SAVING)) == pytest.approx(GROSS / 309_617.5)
        assert excel("NET_SAVINGS_BCR", REACH, COST, PREVENTED, SAVING) == pytest.approx(4.957, abs=1e-3)

    def test_zero_cost(self):
        error = excel_error("NET_SAVINGS_BCR", 10, 0, 1, 100)
        assert error.code == "#DIV/0!" and "cost_per_case" in error.message


class TestNetSavingsRange:
    def test_low_and_high_from_a_range_of_prevented_cases(self):
        low, high = cb.net_savings_range(15, 10_000, [2, 5], 70_000)
        assert (low, high) == (2 * 70_000 - 150_000, 5 * 70_000 - 150_000)

    def test_corners(self):
        low, high = cb.net_savings_range([100, 120], [2000, 2500], [10, 20], [50_000, 60_000])
        assert low == 10 * 50_000 - 120 * 2500
        assert high == 20 * 60_000 - 100 * 2000

    @given(
        st.tuples(money, money).map(sorted),
        st.tuples(money, money).map(sorted),
        st.tuples(money, money).map(sorted),
        st.tuples(money, money).map(sorted),
        st.floats(0, 1),
        st.floats(0, 1),
        st.floats(0, 1),
        st.floats(0, 1),
    )
    def test_bounds_contain_every_point_in_the_ranges(self, n, c, p, s, a, b, d, e):
        low, high = cb.net_savings_range(n, c, p, s, within_reach=False)
        point = float(
            cb.net_savings(
                n[0] + a * (n[1] - n[0]), c[0] + b * (c[1] - c[0]),
                p[0] + d * (p[1] - p[0]), s[0] + e * (s[1] - s[0]), within_reach=False,
            )
        )
        tolerance = 1e-9 * (n[1] * c[1] + p[1] * s[1]) + 1e-6
        assert low - tolerance <= point <= high + tolerance

    def test_excel_face_returns_one_row(self):
        out = excel("NET_SAVINGS_RANGE", 15, 10_000, [[2, 5]], 70_000)
        assert out.shape == (1, 2)
        np.testing.assert_array_equal(out, [[-10_000, 200_000]])

    def test_low_above_high(self):
        with pytest.raises(OutOfDomainError, match="cases_prevented: low 5 is above high 2"):
            cb.net_savings_range(15, 10_000, [5, 2], 70_000)
        assert excel_error("NET_SAVINGS_RANGE", 15, 10_000, [[5, 2]], 70_000).code == "#NUM!"

    def test_three_values_is_a_shape_error(self):
        with pytest.raises(ShapeError, match="reach"):
            cb.net_savings_range([1, 2, 3], 10, 1, 10)

    def test_empty(self):
        with pytest.raises(NoDataError, match="cost_per_case"):
            cb.net_savings_range(1, [], 1, 10)

    def test_within_reach_checked_at_the_worst_case(self):
        with pytest.raises(OutOfDomainError, match="cases_prevented"):
            cb.net_savings_range([4, 10], 100, [2, 5], 1000)
