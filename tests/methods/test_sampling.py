"""Distributions of uncertain inputs and rank correlation: against scipy's distributions and
statistics, reproducible, with correlation matrices checked as the issue asks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from xlfuncs.methods import sampling as sm
from xlfuncs.methods.errors import NotFoundError, OutOfDomainError, ShapeError

nan = np.nan


def generator(seed=1):
    return np.random.Generator(np.random.PCG64(seed))


class TestParse:
    def test_each_code(self):
        assert sm.parse_distribution([1, nan, 5], "x").kind == "fixed"
        assert sm.parse_distribution([2, 1, 2, 3], "x").kind == "uniform"
        assert sm.parse_distribution([3, 1, 2, 3], "x").kind == "triangular"
        assert sm.parse_distribution([4, 1, 2, 3], "x").kind == "pert"
        assert sm.parse_distribution([5, 1, 2, 3, 0.5], "x").kind == "normal"

    def test_unknown_code(self):
        with pytest.raises(NotFoundError, match="x: row 2: distribution code"):
            sm.parse_distribution([6, 1, 2, 3], "x", label="row 2")

    def test_order(self):
        with pytest.raises(OutOfDomainError, match="central value 5 is outside 1 to 3"):
            sm.parse_distribution([3, 1, 5, 3], "x")
        with pytest.raises(OutOfDomainError, match="low 3 is above the high 1"):
            sm.parse_distribution([2, 3, 2, 1], "x")

    def test_limits(self):
        with pytest.raises(OutOfDomainError, match="high 1.2 is outside 0 to 1"):
            sm.parse_distribution([4, 0, 0.5, 1.2], "inputs", (0.0, 1.0))

    def test_normal_needs_a_positive_sd_and_takes_the_limits_as_default_bounds(self):
        with pytest.raises(OutOfDomainError, match="standard deviation"):
            sm.parse_distribution([5, nan, 2, nan, 0], "x")
        d = sm.parse_distribution([5, nan, 0.05, nan, 0.1], "x", (0.0, 1.0))
        assert (d.low, d.high) == (0.0, 1.0)

    def test_normal_bounds_with_no_probability(self):
        with pytest.raises(OutOfDomainError, match="no probability"):
            sm.parse_distribution([5, 100, 0, 101, 1], "x")


class TestAgainstScipy:
    u = np.linspace(0.001, 0.999, 99)

    def test_triangular_quantiles(self):
        ours = sm.Distribution("triangular", 10, 21.7, 30).quantile(self.u)
        theirs = stats.triang(c=11.7 / 20, loc=10, scale=20).ppf(self.u)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)

    def test_pert_quantiles_are_the_pert_beta(self):
        # PERT(a, m, b): beta(1 + 4(m-a)/(b-a), 1 + 4(b-m)/(b-a)) on [a, b], mean (a + 4m + b) / 6.
        d = sm.Distribution("pert", 10, 21.7, 30)
        beta = stats.beta(1 + 4 * 11.7 / 20, 1 + 4 * 8.3 / 20, loc=10, scale=20)
        np.testing.assert_allclose(d.quantile(self.u), beta.ppf(self.u), rtol=1e-10)
        assert beta.mean() == pytest.approx((10 + 4 * 21.7 + 30) / 6)

    def test_truncated_normal_quantiles(self):
        d = sm.Distribution("normal", 0.0, 0.05, 0.2, 0.04)
        theirs = stats.truncnorm((0 - 0.05) / 0.04, (0.2 - 0.05) / 0.04, loc=0.05, scale=0.04)
        np.testing.assert_allclose(d.quantile(self.u), theirs.ppf(self.u), rtol=1e-9)

    @pytest.mark.parametrize(
        "distribution, reference",
        [
            (sm.Distribution("uniform", 2, 3, 6), stats.uniform(2, 4)),
            (sm.Distribution("triangular", 10, 21.7, 30), stats.triang(c=11.7 / 20, loc=10, scale=20)),
            (sm.Distribution("pert", 10, 12, 30), stats.beta(1 + 4 * 2 / 20, 1 + 4 * 18 / 20, loc=10, scale=20)),
            (sm.Distribution("normal", -np.inf, 2.65, 6, 0.6), stats.truncnorm(-np.inf, (6 - 2.65) / 0.6, 2.65, 0.6)),
        ],
        ids=["uniform", "triangular", "pert", "normal"],
    )
    def test_draws_follow_the_distribution(self, distribution, reference):
        draws = distribution.sample(generator(5), 50_000)
        assert stats.kstest(draws, reference.cdf).pvalue > 0.001
        assert draws.mean() == pytest.approx(reference.mean(), rel=0.01)


class TestReproducible:
    table = [
        sm.Distribution("triangular", 10, 21.7, 30),
        sm.Distribution("pert", 0, 0.05, 0.2),
        sm.Distribution("normal", 0, 1, 5, 1),
    ]

    def test_same_seed_same_draws(self):
        np.testing.assert_array_equal(sm.draw(self.table, 1000, 7), sm.draw(self.table, 1000, 7))
        assert not np.array_equal(sm.draw(self.table, 1000, 7), sm.draw(self.table, 1000, 8))

    def test_changing_one_input_leaves_the_others_alone(self):
        changed = list(self.table)
        changed[1] = sm.Distribution("uniform", 0, 0.1, 0.3)
        a, b = sm.draw(self.table, 1000, 3), sm.draw(changed, 1000, 3)
        np.testing.assert_array_equal(a[:, [0, 2]], b[:, [0, 2]])

    def test_fixed_inputs_are_constant(self):
        x = sm.draw([sm.Distribution("fixed", 4, 4, 4), *self.table], 100, 1)
        assert np.all(x[:, 0] == 4)


class TestCorrelationMatrix:
    def test_entries_outside_minus_one_to_one(self):
        with pytest.raises(OutOfDomainError, match="correlation: cell 1,2 is 1.5"):
            sm.check_correlation([[1, 1.5], [1.5, 1]], 2)

    def test_not_positive_semi_definite(self):
        # Each pair is possible, the three together are not.
        bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
        with pytest.raises(OutOfDomainError, match="not positive semi-definite"):
            sm.check_correlation(bad, 3)

    def test_positive_semi_definite_but_singular_is_accepted(self):
        ones = [[1, 1], [1, 1]]
        np.testing.assert_array_equal(sm.check_correlation(ones, 2), ones)

    def test_diagonal_and_symmetry(self):
        with pytest.raises(OutOfDomainError, match="diagonal"):
            sm.check_correlation([[0.9, 0], [0, 1]], 2)
        with pytest.raises(OutOfDomainError, match="not symmetric"):
            sm.check_correlation([[1, 0.2], [0.3, 1]], 2)

    def test_shape(self):
        with pytest.raises(ShapeError, match="expected 3 x 3"):
            sm.check_correlation([[1, 0], [0, 1]], 3)


class TestImanConover:
    target = np.array(
        [
            [1.0, -0.3, 0.0, 0.2],
            [-0.3, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.6],
            [0.2, 0.0, 0.6, 1.0],
        ]
    )
    marginals = [
        sm.Distribution("pert", 10, 21.7, 30),
        sm.Distribution("triangular", 0, 0.05, 0.2),
        sm.Distribution("normal", 0, 44_191, np.inf, 5000),
        sm.Distribution("uniform", 15_000, 26_536, 35_000),
    ]

    def test_achieved_rank_correlation_is_the_target(self):
        x = sm.draw(self.marginals, 100_000, 2017, [0, 1, 2, 3], self.target)
        achieved = stats.spearmanr(x).statistic
        np.testing.assert_allclose(achieved, self.target, atol=0.01)

    def test_marginals_are_untouched(self):
        independent = sm.draw(self.marginals, 20_000, 4)
        correlated = sm.draw(self.marginals, 20_000, 4, [0, 1, 2, 3], self.target)
        np.testing.assert_array_equal(np.sort(independent, axis=0), np.sort(correlated, axis=0))

    def test_only_the_chosen_inputs_are_reordered(self):
        independent = sm.draw(self.marginals, 5000, 4)
        correlated = sm.draw(self.marginals, 5000, 4, [2, 3], self.target[2:, 2:])
        np.testing.assert_array_equal(independent[:, :2], correlated[:, :2])

    @settings(max_examples=25, deadline=None)
    @given(st.floats(-0.95, 0.95), st.integers(0, 2**32))
    def test_any_pair(self, rho, seed):
        x = sm.draw(self.marginals[:2], 20_000, seed, [0, 1], np.array([[1, rho], [rho, 1]]))
        assert stats.spearmanr(x[:, 0], x[:, 1]).statistic == pytest.approx(rho, abs=0.03)

    def test_perfect_correlation(self):
        x = sm.draw(self.marginals[:2], 5000, 1, [0, 1], np.ones((2, 2)))
        assert stats.spearmanr(x[:, 0], x[:, 1]).statistic == pytest.approx(1.0, abs=1e-3)

    def test_normal_scores_correction(self):
        # Pearson (1907): the rank correlation of a bivariate normal with correlation r is
        # (6 / pi) arcsin(r / 2); the scores are given r = 2 sin(pi rho / 6).
        r = sm.normal_score_correlation(np.array([[1, 0.5], [0.5, 1]]))[0, 1]
        assert 6 / np.pi * np.arcsin(r / 2) == pytest.approx(0.5)

    def test_spearman_matrix_matches_scipy(self):
        x = generator(2).random((500, 3))
        np.testing.assert_allclose(sm.spearman_matrix(x), stats.spearmanr(x).statistic, atol=1e-12)
