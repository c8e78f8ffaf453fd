"""Cohort appraisal: a hand-computed example, the length-of-stay profile (typed, stretched and
estimated from an SSDA903 return with the stock-flow model), and agreement of the vectorised
model with the row-by-row functions a worksheet uses."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from xlfuncs.data.ssda903 import read_ssda903
from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import appraisal, cohort
from xlfuncs.methods.errors import OutOfDomainError, ShapeError
from xlfuncs.methods.stock_flow import estimate
from xlfuncs.methods.stock_flow.projection import stockflow_total
from xlfuncs.resources import samples_dir


def excel(name, *args):
    return functions()[name](*args)


def excel_error(name, *args):
    with pytest.raises(ExcelError) as info:
        excel(name, *args)
    return info.value


#: The hand-computed example: a three-year appraisal of a service that runs two years.
HAND = {
    "reach": 10,
    "cost_per_case": 4000,
    "optimism_bias": 0.10,
    "children_prevented": 4,
    "deadweight": 0.25,
    "attribution": 0.0,
    "displacement": 0.0,
    "drop_off": 0.20,
    "mean_stay": 1.0,
    "cashable_per_year": 20_000,
    "non_cashable_per_year": 8000,
    "economic_per_year": 2000,
    "social_per_year": 0,
    "unit_cost_growth": 0.0,
}
RUNNING, RAMP, STAY = [1, 1, 0], [0.5, 1, 1], [0.5, 0.5]


class TestHandComputedExample:
    """Worked by hand, each step written out.

    Cohorts net of 25% deadweight: year 0, 4 x 0.5 x 0.75 = 1.5; year 1, 4 x 1 x 0.75 = 3; year
    2, the service has stopped: 0. Half the stays end in the first year, half in the second:
    share of each year of stay in care c = (1 - 0.5/2, 0.5 - 0.5/2, 0) = (0.75, 0.25, 0); mean
    stay 0.5 x 0.5 + 0.5 x 1.5 = 1 year. Drop-off 20%: persistence (1, 0.8, 0.64).

    Child-years of care avoided: year 0, 1.5 x 0.75 = 1.125; year 1, 1.5 x 0.25 x 0.8 + 3 x 0.75
    = 2.55; year 2, 1.5 x 0 + 3 x 0.25 x 0.8 = 0.6. At £30,000 a year of care (20,000 cashable,
    8,000 non-cashable, 2,000 economic), benefits 33,750, 76,500 and 18,000; costs 10 x 4,000 x
    1.1 = 44,000 in years 0 and 1. Net -10,250, 32,500, 18,000.
    """

    cared = [1.125, 2.55, 0.6]
    benefits = [33_750, 76_500, 18_000]
    costs = [44_000, 44_000, 0]
    net = [-10_250, 32_500, 18_000]

    def test_occupancy_and_mean(self):
        assert cohort.stay_occupancy(STAY, 3).tolist() == [[0.75, 0.25, 0.0]]
        assert cohort.stay_mean(STAY) == 1.0

    def test_child_years_of_care_avoided(self):
        cohorts = [1.5, 3, 0]
        np.testing.assert_allclose(cohort.care_years(cohorts, STAY, 0.2)[0], self.cared, rtol=1e-12)
        np.testing.assert_allclose(excel("CBA_COHORT_CARE_YEARS", [cohorts], [STAY], 0.2)[0], self.cared)

    def test_costs_and_benefits(self):
        flows = cohort.evaluate(HAND, cohort.setting(RUNNING, RAMP, STAY))
        np.testing.assert_allclose(flows.costs[:, 0], self.costs, rtol=1e-12)
        np.testing.assert_allclose(flows.benefits[:, 0], self.benefits, rtol=1e-12)

    def test_npv_and_payback(self):
        fixed = cohort.setting(RUNNING, RAMP, STAY)
        flows = cohort.evaluate(HAND, fixed)
        npv = -10_250 + 32_500 / 1.035 + 18_000 / 1.035**2
        assert cohort.npv(flows, fixed)[0] == pytest.approx(npv, rel=1e-12)
        # Discounted: -10,250 then +31,400.97 in year 1: pays back a third of the way through year 1.
        assert cohort.payback(flows, fixed)[0] == pytest.approx(1 + 10_250 / (32_500 / 1.035), rel=1e-12)
        assert cohort.payback(flows, fixed, discounted=False)[0] == pytest.approx(1 + 10_250 / 32_500)
        assert appraisal.payback_period(self.costs, self.benefits) == pytest.approx(cohort.payback(flows, fixed)[0])
        assert appraisal.cash_payback_period(self.costs, self.benefits) == pytest.approx(1 + 10_250 / 32_500)

    def test_fiscal_and_cashable_measures(self):
        fixed = cohort.setting(RUNNING, RAMP, STAY)
        fiscal = cohort.evaluate(HAND, fixed, "fiscal").benefits[:, 0]
        cashable = cohort.evaluate(HAND, fixed, "cashable").benefits[:, 0]
        np.testing.assert_allclose(fiscal, np.array(self.cared) * 28_000)
        np.testing.assert_allclose(cashable, np.array(self.cared) * 20_000)

    def test_unit_cost_growth_and_price_factor(self):
        fixed = cohort.setting(RUNNING, RAMP, STAY, price_factor=1.1)
        flows = cohort.evaluate(HAND | {"unit_cost_growth": 0.02}, fixed)
        expected = np.array(self.benefits) * 1.02 ** np.arange(3) * 1.1
        np.testing.assert_allclose(flows.benefits[:, 0], expected, rtol=1e-12)
        np.testing.assert_allclose(flows.costs[:, 0], np.array(self.costs) * 1.1, rtol=1e-12)

    def test_attribution_and_displacement_multiply(self):
        fixed = cohort.setting(RUNNING, RAMP, STAY)
        base = cohort.evaluate(HAND, fixed).benefits[:, 0]
        less = cohort.evaluate(HAND | {"attribution": 0.1, "displacement": 0.2}, fixed).benefits[:, 0]
        np.testing.assert_allclose(less, base * 0.9 * 0.8, rtol=1e-12)


class TestEachChildAvoidsTheMeanStay:
    def test_one_cohort_avoids_its_mean_stay_in_all(self):
        profile = [0.31, 0.22, 0.15, 0.10, 0.07, 0.05, 0.03, 0.02, 0.02, 0.03]
        cared = cohort.care_years([1] + [0] * 11, profile)[0]
        assert cared.sum() == pytest.approx(cohort.stay_mean(profile))

    def test_a_mean_stay_of_one_year_is_the_single_period_saving_spread_over_two_years(self):
        # Seed 003 counts one year's cost per child prevented (£1,534,771 / 21.7 children). A
        # mean stay avoided of one year gives the same undiscounted saving, spread over the
        # years the stays would have lasted rather than counted at once.
        saving_per_year = 1_534_771 / 21.7
        cared = cohort.care_years([21.7, 0, 0], [1.0], 0.0, mean_stay=1.0)[0]
        assert cared.sum() * saving_per_year == pytest.approx(1_534_771)
        np.testing.assert_allclose(cared, [21.7 * 0.75, 21.7 * 0.25, 0])


class TestProfile:
    def test_not_summing_to_one_is_num_naming_the_argument(self):
        with pytest.raises(OutOfDomainError, match="stay_profile: the shares sum to 0.9"):
            cohort.stay_profile([0.5, 0.4])
        error = excel_error("CBA_COHORT_CARE_YEARS", [[1, 1]], [[0.5, 0.4]])
        assert error.code == "#NUM!" and "stay_profile" in error.message and "sum to 1" in error.message
        assert excel_error("CBA_STAY_MEAN", [[0.7, 0.7]]).code == "#NUM!"
        assert excel_error("CBA_STAY_OCCUPANCY", [[0.2, 0.2]]).code == "#NUM!"

    def test_negative_share(self):
        assert excel_error("CBA_STAY_MEAN", [[1.5, -0.5]]).code == "#NUM!"

    def test_rounding_in_typed_cells_is_accepted(self):
        assert cohort.stay_mean([0.3333333, 0.3333333, 0.3333334]) == pytest.approx(1.5)

    def test_occupancy_sums_to_the_mean_stay(self):
        profile = [0.31, 0.22, 0.15, 0.10, 0.07, 0.05, 0.03, 0.02, 0.02, 0.03]
        assert cohort.stay_occupancy(profile).sum() == pytest.approx(cohort.stay_mean(profile))

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(st.floats(0, 1), min_size=1, max_size=8).filter(lambda v: sum(v) > 0.01),
        st.floats(0.2, 4.0),
    )
    def test_stretch_is_the_integral_of_the_stretched_survival_curve(self, shares, factor):
        p = np.array(shares) / sum(shares)
        mean = cohort.stay_mean(p)
        knots = np.arange(p.size + 1)
        survival = np.clip(np.r_[1.0, 1.0 - np.cumsum(p)], 0, 1)
        survival[-1] = 0.0

        def s(x):
            return np.interp(x / factor, knots, survival, right=0.0)

        years = int(np.ceil(p.size * factor)) + 1
        ours = cohort.stay_occupancy(p, years, mean_stay=mean * factor)[0]
        theirs = [integrate.quad(s, k, k + 1, points=list(knots * factor), limit=200)[0] for k in range(years)]
        np.testing.assert_allclose(ours, theirs, atol=1e-9)
        assert ours.sum() == pytest.approx(mean * factor)

    def test_mean_stay_must_be_positive(self):
        assert excel_error("CBA_STAY_OCCUPANCY", [[1.0]], 3, 0).code == "#NUM!"


class TestProfileFromTheStockFlowModel:
    def test_one_state_is_geometric(self):
        rate = 1 / 730
        profile = cohort.stay_profile_from_model([[0]], [rate], [1], 5)[0]
        survival = (1 - rate) ** (365 * np.arange(5))
        np.testing.assert_allclose(profile[:-1], survival[:-1] - survival[1:], rtol=1e-12)
        assert profile[-1] == pytest.approx(survival[-1])
        assert profile.sum() == pytest.approx(1)

    def test_is_the_projection_of_the_entrants_with_no_more_entrants(self):
        transitions = [[0, 0.002], [0, 0]]
        exits, entrants = [0.0005, 0.002], [0.3, 0.1]
        profile = cohort.stay_profile_from_model(transitions, exits, entrants, 4)[0]
        start = np.array(entrants) / 0.4
        survival = stockflow_total(start, transitions, exits, [0, 0], [0, 365, 730, 1095])
        np.testing.assert_allclose(np.cumsum(profile[:-1]), 1 - survival[1:], rtol=1e-10)

    def test_no_entrants(self):
        assert excel_error("CBA_STAY_PROFILE", [[0]], [[0.001]], [[0]]).code == "#NUM!"

    def test_from_the_sample_ssda903_return(self):
        table = read_ssda903(samples_dir() / "ssda903")
        profile = cohort.stay_profile_from_903(table, "2022-04-01", "2023-03-31", 10)
        assert profile.shape == (10,) and profile.sum() == pytest.approx(1)
        assert np.all(profile >= 0)
        model = estimate(table, "2022-04-01", "2023-03-31")
        np.testing.assert_allclose(
            excel("CBA_STAY_PROFILE", model.rates.tolist(), [model.exits.tolist()], [model.entrants.tolist()], 10)[0],
            profile,
        )
        # Synthetic sample: most stays end within three years, the mean is a few years.
        assert 1 < cohort.stay_mean(profile) < 5


class TestSetting:
    def test_ramp_outside_zero_to_one(self):
        with pytest.raises(OutOfDomainError, match="ramp"):
            cohort.setting([1, 1], [0.5, 1.5], [1.0])

    def test_lengths_differ(self):
        with pytest.raises(ShapeError, match="ramp"):
            cohort.setting([1, 1], [1], [1.0])


class TestVectorisedEqualsRowByRow:
    @settings(max_examples=30, deadline=None)
    @given(
        st.floats(0, 0.5),  # drop-off
        st.floats(0.3, 5.0),  # mean stay
        st.floats(-0.05, 0.05),  # unit cost growth
        st.lists(st.floats(0, 1), min_size=10, max_size=10),  # ramp
    )
    def test_the_model_is_the_worksheet_rows(self, drop, stay, growth, ramp):
        profile = [0.31, 0.22, 0.15, 0.10, 0.07, 0.05, 0.03, 0.02, 0.02, 0.03]
        running = [1] * 7 + [0] * 3
        values = HAND | {"drop_off": drop, "mean_stay": stay, "unit_cost_growth": growth}
        fixed = cohort.setting(running, ramp, profile)
        flows = cohort.evaluate(values, fixed)
        # The worksheet's rows: net cohorts, CBA_COHORT_CARE_YEARS, values, CBA_NPV.
        cohorts = appraisal.net_outcome(4 * np.array(running) * np.array(ramp), 0.25)
        cared = cohort.care_years(cohorts, profile, drop, stay)[0]
        benefits = cared * 30_000 * (1 + growth) ** np.arange(10)
        costs = 44_000 * np.array(running, dtype=float)
        np.testing.assert_allclose(flows.benefits[:, 0], benefits, rtol=1e-10, atol=1e-6)
        assert cohort.npv(flows, fixed)[0] == pytest.approx(appraisal.npv(costs, benefits), rel=1e-10, abs=1e-6)
