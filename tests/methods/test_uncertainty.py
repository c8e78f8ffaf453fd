"""Monte Carlo and tornado: reproducible, consistent with the deterministic appraisal."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import appraisal, cost_benefit
from xlfuncs.methods import uncertainty as un
from xlfuncs.methods.errors import NoDataError, OutOfDomainError, ShapeError

EDGE = ([110, 135.5, 150], [2000, 2285, 2800], [10, 21.7, 30], [50_000, 1_534_771 / 21.7, 85_000])
COSTS = [1.1] * 10
BENEFITS = [0.25 * 0.72, 0.75 * 0.95 * 0.72] + [0.72 * 0.95**t for t in range(2, 10)]


def excel(name, *args):
    return functions()[name](*args)


def excel_error(name, *args):
    with pytest.raises(ExcelError) as info:
        excel(name, *args)
    return info.value


class TestParseRange:
    def test_one_two_and_three_values(self):
        assert un.parse_range(5, "x") == un.Triangle(5, 5, 5, "fixed")
        assert un.parse_range([2, 6], "x") == un.Triangle(2, 4, 6, "uniform")
        assert un.parse_range([2, 3, 6], "x") == un.Triangle(2, 3, 6, "triangular")

    def test_low_above_high(self):
        with pytest.raises(OutOfDomainError, match="reach: low 150 is above high 110"):
            un.parse_range([150, 110], "reach")

    def test_mode_outside(self):
        with pytest.raises(OutOfDomainError, match="most likely"):
            un.parse_range([1, 9, 5], "x")

    def test_too_many_values(self):
        with pytest.raises(ShapeError, match="x"):
            un.parse_range([1, 2, 3, 4], "x")

    def test_negative(self):
        with pytest.raises(OutOfDomainError, match="cost_per_case"):
            un.parse_range([-1, 2], "cost_per_case")

    def test_triangular_quantiles_match_scipy(self):
        u = np.linspace(0, 1, 101)
        ours = un.parse_range([10, 21.7, 30], "x").quantile(u)
        theirs = stats.triang(c=(21.7 - 10) / 20, loc=10, scale=20).ppf(u)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)

    def test_uniform_quantiles_match_scipy(self):
        u = np.linspace(0, 1, 11)
        np.testing.assert_allclose(
            un.parse_range([2, 5], "x").quantile(u), stats.uniform(2, 3).ppf(u), rtol=1e-12
        )


class TestDraws:
    def test_same_seed_same_draws(self):
        a = un.simulate(*EDGE, COSTS, BENEFITS, draws=5000, seed=42)
        b = un.simulate(*EDGE, COSTS, BENEFITS, draws=5000, seed=42)
        np.testing.assert_array_equal(a.npv, b.npv)
        np.testing.assert_array_equal(a.pays_back, b.pays_back)
        np.testing.assert_array_equal(a.net_savings, b.net_savings)

    def test_different_seed_different_draws(self):
        a = un.simulate(*EDGE, COSTS, BENEFITS, draws=100, seed=1)
        b = un.simulate(*EDGE, COSTS, BENEFITS, draws=100, seed=2)
        assert not np.array_equal(a.npv, b.npv)

    def test_narrowing_one_range_leaves_the_others_draws(self):
        a = un.simulate(*EDGE, draws=1000, seed=5)
        narrowed = (EDGE[0], 2285, EDGE[2], EDGE[3])
        b = un.simulate(*narrowed, draws=1000, seed=5)
        np.testing.assert_array_equal(a.inputs[:, [0, 2, 3]], b.inputs[:, [0, 2, 3]])
        assert np.all(b.inputs[:, 1] == 2285)

    def test_draws_stay_within_ranges_and_match_moments(self):
        sim = un.simulate(*EDGE, draws=200_000, seed=3)
        for j, (low, mode, high) in enumerate(EDGE):
            column = sim.inputs[:, j]
            assert column.min() >= low and column.max() <= high
            assert column.mean() == pytest.approx((low + mode + high) / 3, rel=3e-3)

    @pytest.mark.parametrize("draws", [0, -5, 2.5, 1_000_001])
    def test_bad_draw_counts(self, draws):
        with pytest.raises(OutOfDomainError, match="draws"):
            un.simulate(*EDGE, draws=draws)
        assert "draws" in excel_error("CBA_MC_NPV", *[[r] for r in EDGE], [COSTS], [BENEFITS], 0.5, draws).message

    def test_work_is_bounded(self):
        with pytest.raises(OutOfDomainError, match="draw-years"):
            un.simulate(*EDGE, [1] * 5000, [1] * 5000, draws=1_000_000)

    def test_bad_seed(self):
        with pytest.raises(OutOfDomainError, match="seed"):
            un.simulate(*EDGE, seed=-1)


class TestSimulationAgainstTheAppraisal:
    def test_each_draw_is_the_deterministic_appraisal_of_its_inputs(self):
        sim = un.simulate(*EDGE, COSTS, BENEFITS, draws=50, seed=9)
        for (reach, cost, cases, saving), npv, pays in zip(sim.inputs, sim.npv, sim.pays_back, strict=True):
            costs = reach * cost * np.asarray(COSTS)
            benefits = cases * saving * np.asarray(BENEFITS)
            assert npv == pytest.approx(appraisal.npv(costs, benefits), rel=1e-10)
            try:
                appraisal.payback_period(costs, benefits)
                expected = True
            except Exception:
                expected = False
            assert pays == expected

    def test_net_savings_are_net_savings(self):
        sim = un.simulate(*EDGE, draws=50, seed=9)
        expected = cost_benefit.net_savings(*sim.inputs.T)
        np.testing.assert_allclose(sim.net_savings, expected, rtol=1e-12)

    def test_blocks_of_draws_give_the_same_payback_as_one_block(self, monkeypatch):
        whole = un.simulate(*EDGE, COSTS, BENEFITS, draws=3000, seed=4)
        monkeypatch.setattr(un, "_CHUNK_CELLS", 70)  # 7 draws per block
        blocks = un.simulate(*EDGE, COSTS, BENEFITS, draws=3000, seed=4)
        np.testing.assert_array_equal(whole.pays_back, blocks.pays_back)


class TestPercentiles:
    def test_known_inputs_give_thurrocks_net_savings(self):
        out = un.net_savings_percentiles(135.5, 2285, 21.7, 1_534_771 / 21.7, [0.05, 0.5, 0.95])
        np.testing.assert_allclose(out, 1_225_153.5)

    def test_percentile_inc_interpolation(self):
        sim = un.simulate(*EDGE, COSTS, BENEFITS, draws=1001, seed=8)
        out = un.npv_percentiles(*EDGE, COSTS, BENEFITS, [0, 0.1, 0.5, 1], draws=1001, seed=8)
        ordered = np.sort(sim.npv)
        # PERCENTILE.INC: rank k*(n-1) from 0; with n = 1001 the ranks 0, 100, 500, 1000 are exact.
        np.testing.assert_allclose(out, ordered[[0, 100, 500, 1000]])

    def test_excel_face_spills_a_column_and_is_deterministic(self):
        args = (*[[r] for r in EDGE], [COSTS], [BENEFITS], [[0.05], [0.5], [0.95]], 2000, 11)
        first = excel("CBA_MC_NPV", *args)
        assert first.shape == (3, 1)
        np.testing.assert_array_equal(first, excel("CBA_MC_NPV", *args))
        assert first[0, 0] < first[1, 0] < first[2, 0]

    @pytest.mark.parametrize("bad", [[-0.1], [5], []])
    def test_percentiles_outside_zero_to_one(self, bad):
        with pytest.raises((OutOfDomainError, NoDataError), match="percentiles"):
            un.npv_percentiles(*EDGE, COSTS, BENEFITS, bad, draws=10)

    def test_net_savings_face(self):
        out = excel("CBA_MC_NET_SAVINGS", *[[r] for r in EDGE], [[0.5]], 500, 3)
        sim = un.simulate(*EDGE, draws=500, seed=3)
        assert out[0, 0] == pytest.approx(np.median(sim.net_savings))


class TestPaybackProbability:
    def test_share_of_draws(self):
        sim = un.simulate(*EDGE, COSTS, BENEFITS, draws=4000, seed=6)
        p = un.payback_probability(*EDGE, COSTS, BENEFITS, draws=4000, seed=6)
        assert p == sim.pays_back.mean()

    def test_certain_and_impossible(self):
        assert un.payback_probability(10, 100, 1, 10_000, [1], [1], draws=100) == 1.0
        assert un.payback_probability(10, 100, 1, 10, [1, 1], [1, 1], draws=100) == 0.0

    def test_uniform_half(self):
        # Pays back when cases > 1 on a uniform 0..2 range: probability 1/2.
        p = un.payback_probability(100, 1000, [0, 2], 100_000, [1], [1], draws=100_000, seed=1)
        assert p == pytest.approx(0.5, abs=0.01)

    def test_profiles_of_different_lengths(self):
        error = excel_error("CBA_MC_PAYBACK", *[[r] for r in EDGE], [COSTS], [BENEFITS[:5]])
        assert error.code == "#N/A" and "benefit_profile" in error.message

    def test_empty_profile(self):
        with pytest.raises(NoDataError, match="cost_profile"):
            un.payback_probability(*EDGE, [], [], draws=10)

    def test_cases_above_reach(self):
        error = excel_error("CBA_MC_PAYBACK", [[5, 10]], 100, [[2, 8]], 1000, 1, 1)
        assert error.code == "#NUM!" and "cases_prevented" in error.message
        assert excel("CBA_MC_PAYBACK", [[5, 10]], 100, [[2, 8]], 1000, 1, 1, 100, 1, "standard", False) >= 0


class TestTornado:
    def test_rows_sorted_by_swing_with_exact_values(self):
        table = un.tornado(*EDGE, COSTS, BENEFITS)
        assert table.shape == (4, 4)
        assert np.all(np.diff(table[:, 3]) <= 0)
        pv_c, pv_b = appraisal.present_value(COSTS), appraisal.present_value(BENEFITS)
        base = [r[1] for r in EDGE]
        for number, at_low, at_high, swing in table:
            j = int(number) - 1
            for end, value in ((0, at_low), (2, at_high)):
                x = list(base)
                x[j] = EDGE[j][end]
                assert value == pytest.approx(x[2] * x[3] * pv_b - x[0] * x[1] * pv_c, rel=1e-12)
            assert swing == pytest.approx(abs(at_high - at_low))

    def test_children_prevented_moves_the_edge_of_care_answer_most(self):
        assert un.tornado(*EDGE, COSTS, BENEFITS)[0, 0] == 3

    def test_known_input_has_no_swing(self):
        table = un.tornado(100, [2000, 3000], 20, 50_000)
        assert table[0, 0] == 2 and np.all(table[1:, 3] == 0)

    def test_excel_face(self):
        out = excel("CBA_TORNADO", *[[r] for r in EDGE])
        np.testing.assert_allclose(out, un.tornado(*EDGE))

    @given(st.floats(0, 1e3), st.floats(0, 1e3), st.floats(0, 1e3), st.floats(0, 1e3))
    def test_swings_are_never_negative(self, a, b, c, d):
        table = un.tornado([a, a + b], [c, c + d], 1, [10, 20], within_reach=False)
        assert np.all(table[:, 3] >= 0)
