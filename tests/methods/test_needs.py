"""Needs-led costing (seed 001, Valuing Care): correlations against scipy on the children listed
one by one, shares and costs worked by hand, step-down savings through the cohort model, and
bad input as Excel errors naming the argument."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import cohort, needs
from xlfuncs.methods.errors import DivisionByZeroError, OutOfDomainError

LEVELS = [0, 1, 2, 3, 4, 5]
#: A small aggregated profile: need levels (rows) x fostering, residential (columns).
CHILDREN = [[10, 0], [20, 6], [12, 8], [8, 14], [6, 20], [0, 12]]
COSTS = [[450, 0], [460, 4200], [480, 4500], [500, 4300], [520, 4800], [0, 5200]]


def excel(name, *args):
    return functions()[name](*args)


def excel_error(name, *args):
    with pytest.raises(ExcelError) as info:
        excel(name, *args)
    return info.value


def column(values):
    return [[v] for v in values]


def listed_one_by_one(levels, children, costs):
    """The children of an aggregated table as one row each: (need level, weekly cost)."""
    x, y = [], []
    for i, level in enumerate(levels):
        for j, count in enumerate(children[i]):
            x += [level] * int(count)
            y += [costs[i][j]] * int(count)
    return np.array(x, dtype=float), np.array(y, dtype=float)


class TestCorrelation:
    def test_spearman_is_scipys_of_the_children_listed_one_by_one(self):
        x, y = listed_one_by_one(LEVELS, CHILDREN, COSTS)
        assert needs.need_cost_correlation(LEVELS, CHILDREN, COSTS) == pytest.approx(stats.spearmanr(x, y).statistic)
        assert excel("NEEDS_COST_CORREL", column(LEVELS), CHILDREN, COSTS) == pytest.approx(stats.spearmanr(x, y).statistic)

    def test_pearson_is_scipys_of_the_children_listed_one_by_one(self):
        x, y = listed_one_by_one(LEVELS, CHILDREN, COSTS)
        ours = needs.need_cost_correlation(LEVELS, CHILDREN, COSTS, method="pearson")
        assert ours == pytest.approx(stats.pearsonr(x, y).statistic)

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=4, max_size=4),
        st.lists(st.lists(st.integers(200, 6000), min_size=3, max_size=3), min_size=4, max_size=4),
    )
    def test_any_table(self, children, costs):
        x, y = listed_one_by_one([0, 1, 3, 5], children, costs)
        if x.size < 2 or np.all(x == x[0]) or np.all(y == y[0]):
            with pytest.raises(ExcelError):
                excel("NEEDS_COST_CORREL", column([0, 1, 3, 5]), children, costs)
            return
        ours = needs.need_cost_correlation([0, 1, 3, 5], children, costs)
        assert ours == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)

    def test_one_cost_for_every_child_is_div0(self):
        with pytest.raises(DivisionByZeroError, match="weekly_costs"):
            needs.need_cost_correlation([1, 2], [[5, 5], [5, 5]], [[100, 100], [100, 100]])


class TestNeedScale:
    def test_a_level_outside_the_scale_is_num_naming_need_levels(self):
        error = excel_error("NEEDS_COST_CORREL", column([0, 1, 2, 3, 4, 6]), CHILDREN, COSTS)
        assert error.code == "#NUM!" and "need_levels" in error.message and "outside the need scale 0 to 5" in error.message
        error = excel_error("NEEDS_SHARE_NOT_SEVERE", column([-1, 1, 2, 3, 4, 5]), CHILDREN)
        assert error.code == "#NUM!" and "need_levels" in error.message
        error = excel_error("NEEDS_MATCHED_COST", column([0, 1, 2, 3, 4, 7]), CHILDREN, [[450, 4500]], column([1] * 6))
        assert error.code == "#NUM!" and "need_levels" in error.message

    def test_another_scale(self):
        scaled = [level * 2 for level in LEVELS]  # a 0-10 scale
        assert excel("NEEDS_COST_CORREL", column(scaled), CHILDREN, COSTS, 10) == pytest.approx(
            excel("NEEDS_COST_CORREL", column(LEVELS), CHILDREN, COSTS)
        )
        assert excel_error("NEEDS_COST_CORREL", column(scaled), CHILDREN, COSTS).code == "#NUM!"

    def test_threshold_outside_the_scale(self):
        assert excel_error("NEEDS_SHARE_NOT_SEVERE", column(LEVELS), CHILDREN, 9).code == "#NUM!"

    def test_shapes(self):
        assert excel_error("NEEDS_COST_CORREL", column(LEVELS[:5]), CHILDREN, COSTS).code == "#N/A"
        assert excel_error("NEEDS_COST_CORREL", column(LEVELS), CHILDREN, [row[:1] for row in COSTS]).code == "#N/A"

    def test_negative_count(self):
        bad = [row[:] for row in CHILDREN]
        bad[2][1] = -3
        assert excel_error("NEEDS_SHARE_NOT_SEVERE", column(LEVELS), bad).code == "#NUM!"


class TestShares:
    def test_by_hand(self):
        # Fostering: 10 + 20 + 12 + 8 = 50 of 56 below level 4; residential 28 of 60; all 78 of 116.
        shares = needs.share_without_severe_needs(LEVELS, CHILDREN)[0]
        np.testing.assert_allclose(shares, [50 / 56, 28 / 60, 78 / 116])

    def test_a_placement_type_with_no_children(self):
        error = excel_error("NEEDS_SHARE_NOT_SEVERE", column([1, 4]), [[5, 0], [6, 0]])
        assert error.code == "#DIV/0!" and "placement type 2" in error.message


class TestCosts:
    def test_average_cost_by_hand(self):
        out = needs.average_cost(LEVELS, CHILDREN, COSTS)[0]
        fostering = (10 * 450 + 20 * 460 + 12 * 480 + 8 * 500 + 6 * 520) / 56
        residential = (6 * 4200 + 8 * 4500 + 14 * 4300 + 20 * 4800 + 12 * 5200) / 60
        np.testing.assert_allclose(out, [fostering, residential, (fostering * 56 + residential * 60) / 116])

    def test_average_cost_of_children_without_severe_needs(self):
        out = needs.average_cost(LEVELS, CHILDREN, COSTS, below_level=4)[0]
        assert out[1] == pytest.approx((6 * 4200 + 8 * 4500 + 14 * 4300) / 28)

    def test_matched_cost_by_hand(self):
        # Levels 0-3 call for fostering (type 1, £450), 4-5 for residential care (type 2, £4,500).
        out = needs.matched_cost(LEVELS, CHILDREN, [450, 4500], [1, 1, 1, 1, 2, 2])[0]
        assert out[0] == pytest.approx((50 * 450 + 6 * 4500) / 56)
        assert out[1] == pytest.approx((28 * 450 + 32 * 4500) / 60)
        candidates = needs.matched_cost(LEVELS, CHILDREN, [450, 4500], [1, 1, 1, 1, 2, 2], below_level=4)[0]
        assert candidates[1] == pytest.approx(450)

    def test_matched_type_that_is_not_a_column(self):
        error = excel_error("NEEDS_MATCHED_COST", column(LEVELS), CHILDREN, [[450, 4500]], column([1, 1, 1, 3, 2, 2]))
        assert error.code == "#N/A" and "matched_type" in error.message


class TestStepDown:
    def test_cohorts_by_hand(self):
        cohorts = needs.step_down_cohorts(28, [0.2, 0.4, 0.5, 0.5], 0.25)[0]
        np.testing.assert_allclose(cohorts, [28 * 0.75 * 0.2, 28 * 0.75 * 0.2, 28 * 0.75 * 0.1, 0])

    def test_savings_are_the_cohort_model_times_the_weekly_saving(self):
        ramp, profile = [0.2, 0.4, 0.5, 0.5, 0.5], [0.35, 0.3, 0.2, 0.1, 0.05]
        savings = needs.step_down_savings(28, 3650, ramp, profile, 0.25, 0.1)[0]
        cohorts = needs.step_down_cohorts(28, ramp, 0.25)[0]
        expected = cohort.care_years(cohorts, profile, 0.1)[0] * 3650 * 365 / 7
        np.testing.assert_allclose(savings, expected, rtol=1e-12)
        spill = excel("NEEDS_STEP_DOWN_SAVINGS", 28, 3650, [ramp], [profile], 0.25, 0.1)
        np.testing.assert_allclose(spill[0], expected)

    def test_savings_by_hand(self):
        # 4.2 children stepped down in each of two years; stays end half in the first year, half in
        # the second: shares of the years in care 0.75, 0.25.
        savings = needs.step_down_savings(28, 1000, [0.2, 0.4, 0.4], [0.5, 0.5], 0.25, weeks_per_year=52)[0]
        np.testing.assert_allclose(savings, np.array([4.2 * 0.75, 4.2 * 0.25 + 4.2 * 0.75, 4.2 * 0.25]) * 52_000)

    def test_a_ramp_that_falls(self):
        error = excel_error("NEEDS_STEP_DOWN_COHORTS", 28, [[0.2, 0.4, 0.3]])
        assert error.code == "#NUM!" and "ramp" in error.message

    def test_a_profile_not_summing_to_one(self):
        error = excel_error("NEEDS_STEP_DOWN_SAVINGS", 28, 3650, [[0.2, 0.4]], [[0.5, 0.4]])
        assert error.code == "#NUM!" and "stay_profile" in error.message

    def test_optimism_bias_and_saving_bounds(self):
        with pytest.raises(OutOfDomainError, match="optimism_bias"):
            needs.step_down_cohorts(28, [0.5], 1.5)
        with pytest.raises(OutOfDomainError, match="weekly_saving"):
            needs.step_down_savings(28, -10, [0.5], [1.0])
