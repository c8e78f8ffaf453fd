"""Regional summaries, Spearman and Mann-Whitney: against numpy and scipy (seed 004)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from xlfuncs.data import dfe as dfe_data
from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import statistics
from xlfuncs.methods.errors import NoDataError, NotFoundError, OutOfDomainError, ShapeError

# Values with deliberate ties (small integers) and without.
values = st.lists(
    st.one_of(st.integers(-20, 20).map(float), st.floats(-1e3, 1e3, allow_nan=False)),
    min_size=3,
    max_size=40,
)

#: Table 2 of seed 004: region -> (minimum, maximum, mean, SD) of average rates 2012-17.
TABLE_2 = {
    "Outer London": (22, 85, 45.6, 16.9),
    "South East": (21, 111, 53.6, 22.6),
    "East Midlands": (35, 90, 57.1, 19.1),
    "South West": (30, 119, 57.2, 21.9),
    "East of England": (36, 76, 57.6, 15.1),
    "Inner London": (35, 92, 62.2, 18.9),
    "Yorkshire and The Humber": (38, 119, 66.0, 19.4),
    "West Midlands": (47, 122, 79.0, 21.4),
    "North West": (49, 165, 85.6, 25.7),
    "North East": (60, 119, 87.7, 16.9),
}


def excel(name, *args):
    return functions()[name](*args)


def column(xs):
    return [[x] for x in xs]


class TestSummary:
    def test_against_numpy(self):
        data = [22, 85, 40, 38, 43]
        out = statistics.summary(data)
        expected = [22, 85, np.mean(data), np.std(data, ddof=1), 5]
        np.testing.assert_allclose(out, expected)

    def test_missing_values_left_out(self):
        np.testing.assert_allclose(statistics.summary([1.0, np.nan, 3.0])[:4], [1, 3, 2, np.sqrt(2)])

    def test_one_value(self):
        with pytest.raises(NoDataError, match="values"):
            statistics.summary([5.0])

    def test_excel_face_skips_blanks_refuses_text(self):
        out = excel("LAC_SUMMARY", [[1, 2], [None, 4]])
        assert out.shape == (5, 1)
        np.testing.assert_allclose(out.ravel(), [1, 4, 7 / 3, np.std([1, 2, 4], ddof=1), 3])
        with pytest.raises(ExcelError) as err:
            excel("LAC_SUMMARY", [[1, 2], ["n/a", 4]])
        assert err.value.code == "#VALUE!"


class TestGroupedSummary:
    def test_sample_panel_reproduces_table_2(self):
        # The synthetic panel is calibrated to Table 2; whole-child rounding moves small
        # authorities' rates a little.
        wide = dfe_data.lac_rates(dfe_data.load_panel())
        average = wide[list(range(2012, 2018))].mean(axis=1).to_numpy()
        table = statistics.grouped_summary(average, wide["region_name"])
        assert set(table) == set(TABLE_2)
        for region, (low, high, mean, sd) in TABLE_2.items():
            got = table[region]
            assert got[0] == pytest.approx(low, abs=0.6), region
            assert got[1] == pytest.approx(high, abs=0.6), region
            assert got[2] == pytest.approx(mean, abs=0.15), region
            assert got[3] == pytest.approx(sd, abs=0.3), region
        assert sum(v[4] for v in table.values()) == 151

    def test_group_too_small(self):
        with pytest.raises(NoDataError, match="'b'"):
            statistics.grouped_summary([1, 2, 3], ["a", "a", "b"])

    def test_lengths_differ(self):
        with pytest.raises(ShapeError, match="groups"):
            statistics.grouped_summary([1, 2, 3], ["a", "a"])


class TestSpearman:
    @settings(max_examples=80, deadline=None)
    @given(values, st.randoms(use_true_random=False))
    def test_equals_scipy(self, xs, rnd):
        ys = [x * rnd.uniform(-2, 2) + rnd.randint(-5, 5) for x in xs]
        if len(set(xs)) < 2 or len(set(ys)) < 2:
            return
        ours = statistics.spearman(xs, ys)
        theirs = sps.spearmanr(xs, ys)
        assert ours[0] == pytest.approx(theirs.statistic, abs=1e-12)
        assert ours[1] == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-15)

    def test_perfect_correlation(self):
        np.testing.assert_allclose(statistics.spearman([1, 2, 3, 4], [10, 20, 30, 40]), [1.0, 0.0])

    def test_pairs_with_missing_left_out(self):
        ours = statistics.spearman([1, 2, np.nan, 4, 5], [2, 1, 9, 3, 5])
        theirs = sps.spearmanr([1, 2, 4, 5], [2, 1, 3, 5])
        np.testing.assert_allclose(ours, [theirs.statistic, theirs.pvalue])

    def test_constant(self):
        with pytest.raises(NoDataError, match="array2"):
            statistics.spearman([1, 2, 3], [4, 4, 4])

    def test_unpaired(self):
        with pytest.raises(ShapeError, match="array2"):
            statistics.spearman([1, 2, 3], [1, 2])

    def test_sample_panel_deprivation_and_rates(self):
        # On the synthetic panel, deprivation and the rate of children in care are strongly
        # associated, as low income and the rate are in seed 004 (r_s = .682, p < .001).
        panel = dfe_data.load_panel()
        rows = dfe_data.panel_year(panel, 2017)
        rate = rows["cla_at_31_march"] / rows["population_0_17"] * 1e4
        rho, p = statistics.spearman(rows["idaci_average_score"], rate)
        assert rho > 0.5 and p < 0.001

    def test_excel_face(self):
        out = excel("LAC_SPEARMAN", column([1, 2, 3, 4, 5]), column([2, 1, 4, 3, 5]))
        theirs = sps.spearmanr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
        np.testing.assert_allclose(out.ravel(), [theirs.statistic, theirs.pvalue])
        with pytest.raises(ExcelError) as err:
            excel("LAC_SPEARMAN", column([1, 2, 3]), column([1, "x", 3]))
        assert err.value.code == "#VALUE!"


class TestMannWhitney:
    @settings(max_examples=80, deadline=None)
    @given(values, values, st.sampled_from(["auto", "exact", "asymptotic"]))
    def test_equals_scipy(self, xs, ys, method):
        if len(set(xs + ys)) < 2:
            return
        ours = statistics.mann_whitney(xs, ys, method=method)
        theirs = sps.mannwhitneyu(xs, ys, alternative="two-sided", method=method)
        assert ours[0] == theirs.statistic
        assert ours[1] == pytest.approx(theirs.pvalue, rel=1e-12)

    def test_smaller_u_as_spss(self):
        x, y = [5, 6, 7, 8], [1, 2, 3]
        u1 = sps.mannwhitneyu(x, y).statistic
        assert u1 == 12
        assert statistics.mann_whitney(x, y, statistic="min")[0] == 0

    def test_innovation_programme_scale(self):
        # seed 004: 63 of 152 authorities had programmes; U has n1 x n2 = 63 x 88 pairs and
        # the reported U = 2275 is well below half of that (lower rates, p < .05).
        rng = np.random.default_rng(4)
        with_programme = rng.normal(55, 20, 63)
        without = rng.normal(65, 22, 88)
        u, p = statistics.mann_whitney(with_programme, without, statistic="min")
        assert 0 <= u <= 63 * 88 / 2
        theirs = sps.mannwhitneyu(with_programme, without)
        assert p == pytest.approx(theirs.pvalue)

    def test_empty_sample(self):
        with pytest.raises(NoDataError, match="sample2"):
            statistics.mann_whitney([1, 2], [np.nan])

    def test_unknown_method(self):
        with pytest.raises(NotFoundError, match="method"):
            statistics.mann_whitney([1, 2], [3, 4], method="permutation")

    def test_exact_is_bounded(self):
        with pytest.raises(OutOfDomainError, match="exact"):
            statistics.mann_whitney(np.arange(2000.0), np.arange(1000.0), method="exact")

    def test_excel_face(self):
        out = excel("LAC_MANN_WHITNEY", column([1, 2, 3, None]), column([4, 5, 6, 7]))
        theirs = sps.mannwhitneyu([1, 2, 3], [4, 5, 6, 7])
        np.testing.assert_allclose(out.ravel(), [theirs.statistic, theirs.pvalue])
        out = excel("LAC_MANN_WHITNEY", column([5, 6, 7, 8]), column([1, 2, 3]), "MIN")
        assert out[0, 0] == 0
        with pytest.raises(ExcelError) as err:
            excel("LAC_MANN_WHITNEY", column([1, 2]), column([3, 4]), "u3")
        assert err.value.code == "#N/A"
