"""Multi-year appraisal: Green Book discount factors, PV/NPV/BCR/payback and the adjustments."""

import numpy as np
import numpy_financial as npf
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import appraisal as ap
from xlfuncs.methods.errors import (
    DivisionByZeroError,
    NoDataError,
    NotFoundError,
    OutOfDomainError,
    ShapeError,
)
from xlfuncs.methods.uprating import reprice

flows = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40)
rates = st.floats(-0.5, 0.5)


def excel(name, *args):
    return functions()[name](*args)


def excel_error(name, *args):
    with pytest.raises(ExcelError) as info:
        excel(name, *args)
    return info.value


class TestDiscountFactor:
    # HM Treasury Green Book (2022), Annex A6: factors to 4 decimal places.
    @pytest.mark.parametrize(
        "year, factor",
        [(0, 1.0), (1, 0.9662), (30, 0.3563), (31, 0.3459), (75, 0.0942), (76, 0.0919), (126, 0.0269)],
    )
    def test_published_schedule(self, year, factor):
        assert round(float(ap.discount_factor(year)), 4) == factor
        assert round(excel("CBA_DISCOUNT_FACTOR", year), 4) == factor

    def test_definition_across_the_bands(self):
        expected = {
            30: 1.035**-30,
            31: 1.035**-30 / 1.03,
            75: 1.035**-30 * 1.03**-45,
            76: 1.035**-30 * 1.03**-45 / 1.025,
            126: 1.035**-30 * 1.03**-45 * 1.025**-50 / 1.02,
            201: 1.035**-30 * 1.03**-45 * 1.025**-50 * 1.02**-75 / 1.015,
            301: 1.035**-30 * 1.03**-45 * 1.025**-50 * 1.02**-75 * 1.015**-100 / 1.01,
        }
        for year, factor in expected.items():
            assert float(ap.discount_factor(year)) == pytest.approx(factor, rel=1e-12)

    def test_health_schedule(self):
        assert float(ap.discount_factor(30, "health")) == pytest.approx(1.015**-30, rel=1e-12)
        assert float(ap.discount_factor(31, "health")) == pytest.approx(1.015**-30 / 1.0129, rel=1e-12)
        assert float(ap.discount_factor(76, "health")) == pytest.approx(
            1.015**-30 * 1.0129**-45 / 1.0107, rel=1e-12
        )

    def test_constant_rate_as_number_or_text(self):
        assert float(ap.discount_factor(5, 0.015)) == pytest.approx(1.015**-5)
        assert excel("CBA_DISCOUNT_FACTOR", 5, "1.5%") == pytest.approx(1.015**-5)
        assert excel("CBA_DISCOUNT_FACTOR", 5, 0.015) == pytest.approx(1.015**-5)

    def test_vectorised_and_decreasing(self):
        factors = ap.discount_factor(np.arange(400))
        assert factors[0] == 1.0 and np.all(np.diff(factors) < 0)

    def test_rate_of_minus_100_percent(self):
        with pytest.raises(OutOfDomainError, match="schedule"):
            ap.discount_factor(3, -1)
        error = excel_error("CBA_DISCOUNT_FACTOR", 3, -1)
        assert error.code == "#NUM!" and "schedule" in error.message

    @pytest.mark.parametrize("year", [-1, 2.5, 10_001])
    def test_bad_years(self, year):
        error = excel_error("CBA_DISCOUNT_FACTOR", year)
        assert error.code == "#NUM!" and "year" in error.message

    def test_unknown_schedule(self):
        with pytest.raises(NotFoundError, match="schedule"):
            ap.discount_factor(3, "treasury")


class TestPresentValue:
    @given(flows, rates)
    def test_green_book_convention_does_not_discount_the_first_value(self, values, rate):
        assert ap.present_value(values, rate) == pytest.approx(npf.npv(rate, values), rel=1e-9, abs=1e-6)

    @given(flows, rates)
    def test_excel_convention_discounts_the_first_value(self, values, rate):
        # Excel's NPV(rate, v1..vn) = numpy-financial's npv(rate, [0, v1..vn]).
        expected = npf.npv(rate, [0.0, *values])
        assert ap.present_value(values, rate, first_year=1) == pytest.approx(expected, rel=1e-9, abs=1e-6)

    def test_green_book_schedule(self):
        values = [100.0] * 40
        assert ap.present_value(values) == pytest.approx(float(np.sum(100 * ap.discount_factor(np.arange(40)))))

    def test_excel_face(self):
        assert excel("CBA_PV", [[100, 100, 100]]) == pytest.approx(100 + 100 / 1.035 + 100 / 1.035**2)
        assert excel("CBA_PV", [[100, 100, 100]], 0.1, 1) == pytest.approx(sum(100 / 1.1**t for t in (1, 2, 3)))

    def test_empty_profile(self):
        with pytest.raises(NoDataError, match="values"):
            ap.present_value([])

    def test_first_year_must_be_whole(self):
        error = excel_error("CBA_PV", [[1, 2]], "standard", 0.5)
        assert error.code == "#NUM!" and "first_year" in error.message


@pytest.mark.libreoffice
class TestExcelConventionAgainstLibreOffice:
    def test_equals_npv_as_libreoffice_computes_it(self, libreoffice_values, tmp_path):
        rng = np.random.default_rng(20170101)
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        cases = []
        for row in range(1, 31):
            n = int(rng.integers(1, 25))
            rate = float(rng.uniform(-0.3, 0.4))
            values = (rng.normal(0, 1, n) * 10 ** rng.uniform(1, 7)).round(2).tolist()
            sheet.cell(row=row, column=1, value=rate)
            for j, value in enumerate(values):
                sheet.cell(row=row, column=3 + j, value=value)
            last = openpyxl.utils.get_column_letter(2 + n)
            sheet.cell(row=row, column=2, value=f"=NPV(A{row},C{row}:{last}{row})")
            cases.append((row, rate, values))
        path = tmp_path / "npv.xlsx"
        workbook.save(path)
        computed = libreoffice_values(path).active
        for row, rate, values in cases:
            ours = ap.present_value(values, rate, first_year=1)
            assert ours == pytest.approx(computed.cell(row=row, column=2).value, rel=1e-12, abs=1e-9)
            assert excel("CBA_PV", [values], rate, 1) == pytest.approx(ours, rel=1e-15)


class TestNpv:
    def test_known_value(self):
        assert ap.npv([100, 0, 0], [0, 60, 60]) == pytest.approx(-100 + 60 / 1.035 + 60 / 1.035**2)

    def test_excel_face(self):
        assert excel("CBA_NPV", [[100, 0, 0]], [[0, 60, 60]]) == pytest.approx(ap.npv([100, 0, 0], [0, 60, 60]))

    def test_profiles_of_different_lengths(self):
        with pytest.raises(ShapeError, match="benefits"):
            ap.npv([1, 2, 3], [1, 2])
        error = excel_error("CBA_NPV", [[1, 2, 3]], [[1, 2]])
        assert error.code == "#N/A" and "benefits" in error.message

    def test_empty_profile(self):
        with pytest.raises(NoDataError, match="costs"):
            ap.npv([], [])

    def test_negative_costs(self):
        with pytest.raises(OutOfDomainError, match="costs"):
            ap.npv([-1, 0], [0, 0])

    def test_blank_years_count_as_zero_in_excel(self):
        assert excel("CBA_NPV", [[100, None, None]], [[None, 60, 60]]) == pytest.approx(
            ap.npv([100, 0, 0], [0, 60, 60])
        )

    def test_rate_of_minus_100_percent(self):
        assert excel_error("CBA_NPV", [[1, 2]], [[3, 4]], -1).code == "#NUM!"

    @given(flows, rates)
    def test_npv_is_the_last_cumulative_value(self, values, rate):
        costs = [max(-v, 0.0) for v in values]
        benefits = [max(v, 0.0) for v in values]
        cumulative = ap.cumulative_net_benefit(costs, benefits, rate)
        assert cumulative[-1] == pytest.approx(ap.npv(costs, benefits, rate), rel=1e-9, abs=1e-6)


class TestBenefitCostRatio:
    def test_known_value(self):
        assert ap.benefit_cost_ratio([100, 0, 0], [0, 60, 60]) == pytest.approx(
            (60 / 1.035 + 60 / 1.035**2) / 100
        )

    def test_zero_costs(self):
        with pytest.raises(DivisionByZeroError, match="costs"):
            ap.benefit_cost_ratio([0, 0], [1, 1])
        assert excel_error("CBA_BCR", [[0, 0]], [[1, 1]]).code == "#DIV/0!"


class TestPaybackPeriod:
    def test_counted_from_the_start_of_year_zero(self):
        # Cumulative at the year ends: -100, -42.03, +13.98; the crossing is in year 2.
        before = -100 + 60 / 1.035
        after = before + 60 / 1.035**2
        assert ap.payback_period([100, 0, 0], [0, 60, 60]) == pytest.approx(2 + -before / (after - before))

    def test_a_service_paying_back_during_its_second_year_gives_one_point_something(self):
        # Year 0 net -50 (a budget holder must not read "0.x years"), year 1 net +100.
        payback = ap.payback_period([100, 0], [50, 100], 0.0)
        assert payback == pytest.approx(1.5)
        assert 1 < ap.payback_period([100, 0], [50, 100]) < 2

    def test_positive_in_the_first_year(self):
        assert ap.payback_period([10, 10], [50, 0]) == 0.0

    def test_part_of_year_zero_when_year_zero_is_net_negative_then_recovers_within_it(self):
        # Only year ends are known: a year ending positive pays back within that year.
        assert ap.payback_period([100, 0], [100.0001, 0], 0.0) == pytest.approx(0.0)

    def test_break_even_exactly_at_a_year_end(self):
        # Cumulative -100, 0, +50 (undiscounted): pays back at the end of year 1, i.e. 2 years in.
        assert ap.payback_period([100, 0, 0], [0, 100, 50], 0.0) == pytest.approx(2.0)

    def test_never_pays_back_is_not_available(self):
        with pytest.raises(NotFoundError, match="never turns positive"):
            ap.payback_period([100, 100], [0, 50])
        error = excel_error("CBA_PAYBACK", [[100, 100]], [[0, 50]])
        assert error.code == "#N/A" and "benefits" in error.message

    def test_excel_convention_counts_one_year_later(self):
        assert ap.payback_period([10], [50], first_year=1) == 1.0
        assert ap.payback_period([100, 0], [0, 150], 0.0, first_year=1) == pytest.approx(2 + 100 / 150)

    @given(st.floats(1, 1e6), st.floats(0.01, 10), st.integers(2, 30))
    def test_cumulative_is_zero_at_the_payback_point_when_linear(self, cost, ratio, years):
        # Undiscounted, constant yearly benefit from year 1 after a year-0 cost: the cost is
        # spent through year 0, then recovered at `benefit` a year from the start of year 1.
        benefit = cost * ratio
        costs, benefits = [cost] + [0] * years, [0] + [benefit] * years
        if cost / benefit < years * (1 - 1e-9):
            assert ap.payback_period(costs, benefits, 0.0) == pytest.approx(1 + cost / benefit, rel=1e-9)
        elif cost / benefit > years * (1 + 1e-9):
            with pytest.raises(NotFoundError):
                ap.payback_period(costs, benefits, 0.0)


class TestCashPayback:
    def test_undiscounted_from_the_start_of_year_zero(self):
        # Cumulative cash -100, -40, +20: crosses two thirds of the way through year 2.
        assert ap.cash_payback_period([100, 0, 0], [0, 60, 60]) == pytest.approx(2 + 40 / 60)
        assert excel("CBA_PAYBACK_CASH", [[100, 0, 0]], [[0, 60, 60]]) == pytest.approx(2 + 40 / 60)

    def test_equals_the_discounted_payback_at_a_zero_rate(self):
        costs, benefits = [300, 50, 50, 50], [0, 200, 220, 200]
        assert ap.cash_payback_period(costs, benefits) == pytest.approx(
            ap.payback_period(costs, benefits, 0.0)
        )

    def test_no_later_than_the_discounted_payback_when_costs_come_first(self):
        costs, benefits = [300, 50, 50, 50], [0, 200, 220, 200]
        assert ap.cash_payback_period(costs, benefits) < ap.payback_period(costs, benefits)

    def test_never_pays_back_is_not_available(self):
        error = excel_error("CBA_PAYBACK_CASH", [[100, 100]], [[0, 50]])
        assert error.code == "#N/A" and "benefits" in error.message and "cash" in error.message

    def test_profiles_of_different_lengths(self):
        assert excel_error("CBA_PAYBACK_CASH", [[100, 100]], [[0, 50, 50]]).code == "#N/A"


class TestOptimismBias:
    def test_uplift(self):
        assert float(ap.optimism_bias(1000, 0.44)) == pytest.approx(1440)
        assert excel("CBA_OPTIMISM_BIAS", 1000, 2.0) == 3000

    def test_negative_uplift(self):
        error = excel_error("CBA_OPTIMISM_BIAS", 1000, -0.1)
        assert error.code == "#NUM!" and "uplift" in error.message


class TestNetOutcome:
    def test_adjustments_multiply(self):
        assert float(ap.net_outcome(1000, 0.2, 0.1, 0.5)) == pytest.approx(1000 * 0.8 * 0.9 * 0.5)
        assert excel("CBA_NET_OUTCOME", 1000) == 1000

    @pytest.mark.parametrize("position, name", [(1, "deadweight"), (2, "attribution"), (3, "displacement")])
    @pytest.mark.parametrize("share", [-0.1, 1.5])
    def test_share_outside_zero_to_one(self, position, name, share):
        args = [1000, 0, 0, 0]
        args[position] = share
        error = excel_error("CBA_NET_OUTCOME", *args)
        assert error.code == "#NUM!" and name in error.message


class TestDropOff:
    def test_geometric_decline(self):
        np.testing.assert_allclose(ap.apply_drop_off(1000, 0.25, [0, 1, 2, 3]), [1000, 750, 562.5, 421.875])
        assert excel("CBA_DROP_OFF", 1000, 0.1, 2) == pytest.approx(810)

    def test_bad_share_and_years(self):
        assert "drop_off" in excel_error("CBA_DROP_OFF", 1000, 1.1, 2).message
        assert "years_after" in excel_error("CBA_DROP_OFF", 1000, 0.1, -2).message


class TestRebase:
    YEARS = [2016, 2017, 2018, 2019]
    INDEX = [88.0, 90.0, 92.0, 95.0]

    def test_restates_prices(self):
        assert float(reprice(1000, 2017, 2019, self.YEARS, self.INDEX)) == pytest.approx(1000 * 95 / 90)
        assert excel("CBA_REBASE", 1000, 2019, 2016, [self.YEARS], [self.INDEX]) == pytest.approx(1000 * 88 / 95)

    def test_same_year_is_unchanged(self):
        assert float(reprice(1234.5, 2018, 2018, self.YEARS, self.INDEX)) == 1234.5

    def test_year_not_in_the_index(self):
        error = excel_error("CBA_REBASE", 1000, 2015, 2019, [self.YEARS], [self.INDEX])
        assert error.code == "#N/A" and "price_year" in error.message

    def test_index_of_different_length(self):
        with pytest.raises(ShapeError, match="index_values"):
            reprice(1000, 2017, 2018, self.YEARS, self.INDEX[:3])

    def test_non_positive_index(self):
        with pytest.raises(OutOfDomainError, match="index_values"):
            reprice(1000, 2017, 2018, self.YEARS, [88, 0, 92, 95])

    def test_repeated_year(self):
        with pytest.raises(OutOfDomainError, match="index_years"):
            reprice(1000, 2017, 2018, [2017, 2017, 2018, 2019], self.INDEX)
