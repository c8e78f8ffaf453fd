"""The LGA / Newton spend-variation model (seed 000): against LibreOffice's LINEST, numpy
and the Shapley decomposition's defining properties."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs.data import dfe as dfe_data
from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import spend_variation as sv
from xlfuncs.methods.errors import (
    DivisionByZeroError,
    NoDataError,
    OutOfDomainError,
    ShapeError,
)


@pytest.fixture(scope="module")
def sample():
    return dfe_data.model_inputs(dfe_data.load_panel(), 2017)


def excel(name, *args):
    return functions()[name](*args)


def column(values):
    return [[float(v)] for v in values]


def small_problem(seed=0, n=40, p=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) * [1.0, 10.0, 0.1][:p]
    y = 5 + x @ np.arange(1, p + 1) + rng.normal(size=n)
    return y, x


def reference_ols(y, x):
    """The textbook formulas, computed independently with numpy's normal equations."""
    a = np.column_stack([x, np.ones(len(y))])
    xtx_inv = np.linalg.inv(a.T @ a)
    beta = xtx_inv @ a.T @ y
    resid = y - a @ beta
    df = len(y) - a.shape[1]
    sigma2 = resid @ resid / df
    return beta, np.sqrt(np.diag(xtx_inv) * sigma2), df, resid


class TestSpendPerHead:
    def test_seed_range_endpoints(self):
        assert float(sv.spend_per_head(29_200_000, 100_000)) == 292.0

    def test_zero_population(self):
        with pytest.raises(DivisionByZeroError, match="population_0_25"):
            sv.spend_per_head(1_000, 0)

    def test_excel_face(self):
        assert excel("SPEND_PER_HEAD", 42_000_000, 70_000) == 600.0
        with pytest.raises(ExcelError) as err:
            excel("SPEND_PER_HEAD", 42_000_000, 0)
        assert err.value.code == "#DIV/0!"


class TestFit:
    def test_against_normal_equations(self):
        y, x = small_problem()
        model = sv.fit(y, x)
        beta, se, df, resid = reference_ols(y, x)
        np.testing.assert_allclose(model.coefficients, beta[:3], rtol=1e-10)
        assert model.intercept == pytest.approx(beta[3], rel=1e-10)
        np.testing.assert_allclose(model.standard_errors, se[:3], rtol=1e-8)
        assert model.intercept_se == pytest.approx(se[3], rel=1e-8)
        assert model.df_resid == df
        sst = np.sum((y - y.mean()) ** 2)
        assert model.r_squared == pytest.approx(1 - resid @ resid / sst, rel=1e-10)
        assert model.f_statistic == pytest.approx(
            (model.ss_reg / 3) / (model.ss_resid / df), rel=1e-10
        )

    def test_sample_panel_matches_the_seed(self, sample):
        # The synthetic panel is calibrated on seed 000: just over 50% explained, IDACI 31%.
        model = sv.fit(sample["y"], sample["x"])
        assert model.r_squared == pytest.approx(0.51, abs=1e-4)
        assert model.n_used == 151 and model.n_dropped == 0
        assert model.coefficients[1] < 0  # larger population aged 0-25 -> lower spend per head

    def test_councils_in_columns(self):
        y, x = small_problem()
        np.testing.assert_allclose(sv.fit(y, x.T).coefficients, sv.fit(y, x).coefficients)

    def test_missing_drivers_are_dropped_and_named(self):
        y, x = small_problem()
        x = x.copy()
        x[[3, 7], 1] = np.nan
        names = [f"Council {i}" for i in range(len(y))]
        with pytest.warns(sv.MissingDataWarning, match=r"2 of 40 councils.*Council 3 \(x2\)"):
            model = sv.fit(y, x, councils=names)
        assert model.n_used == 38
        np.testing.assert_array_equal(model.dropped, [3, 7])
        assert np.isnan(model.fitted[3]) and not np.isnan(model.fitted[4])
        keep = np.setdiff1d(np.arange(40), [3, 7])
        np.testing.assert_allclose(
            model.coefficients, sv.fit(y[keep], x[keep]).coefficients, rtol=1e-12
        )

    def test_sample_with_missing_driver(self, sample):
        x = sample["x"].copy()
        thurrock = sample["codes"].index("E06000034")
        x[thurrock, 4] = np.nan
        with pytest.warns(sv.MissingDataWarning, match=r"Thurrock \(crime\)"):
            model = sv.fit(sample["y"], x, drivers=list(sv.DRIVERS), councils=sample["names"])
        assert model.n_dropped == 1

    def test_collinear_drivers_named(self):
        y, x = small_problem()
        x = np.column_stack([x, 2 * x[:, 0] - x[:, 2]])
        with pytest.raises(OutOfDomainError, match="collinear drivers: a, c, d"):
            sv.fit(y, x, drivers=["a", "b", "c", "d"])

    def test_constant_driver_named(self):
        y, x = small_problem()
        x[:, 1] = 7.0
        with pytest.raises(OutOfDomainError, match="driver b has the same value"):
            sv.fit(y, x, drivers=["a", "b", "c"])

    def test_fewer_councils_than_coefficients(self):
        y, x = small_problem(n=4)
        with pytest.raises(NoDataError, match="4 councils with complete data for 4 coefficients"):
            sv.fit(y, x)

    def test_all_rows_missing(self):
        y, x = small_problem()
        x[:, 0] = np.nan
        with pytest.raises(NoDataError, match="0 councils"):
            sv.fit(y, x, warn=False)

    def test_shape_mismatch(self):
        y, x = small_problem()
        with pytest.raises(ShapeError, match="known_x"):
            sv.fit(y[:-1], x)

    def test_constant_spend(self):
        _, x = small_problem()
        with pytest.raises(NoDataError, match="same spend"):
            sv.fit(np.full(40, 500.0), x)


class TestLinest:
    def test_layout(self):
        y, x = small_problem()
        model = sv.fit(y, x)
        block = sv.linest(y, x)
        assert block.shape == (5, 4)
        np.testing.assert_allclose(block[0], [*model.coefficients[::-1], model.intercept])
        np.testing.assert_allclose(block[1], [*model.standard_errors[::-1], model.intercept_se])
        np.testing.assert_allclose(block[2, :2], [model.r_squared, model.se_y])
        np.testing.assert_allclose(block[3, :2], [model.f_statistic, 36])
        np.testing.assert_allclose(block[4, :2], [model.ss_reg, model.ss_resid])
        assert np.isnan(block[2:, 2:]).all()
        assert sv.linest(y, x, stats=False).shape == (1, 4)

    @pytest.mark.libreoffice
    def test_equals_libreoffice_linest_on_the_sample_panel(self, libreoffice, sample, tmp_path):
        """Excel's LINEST as LibreOffice computes it, every cell of the 5 x 6 block."""
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Data"
        for i, (yi, xi) in enumerate(zip(sample["y"], sample["x"], strict=True), start=1):
            sheet.cell(i, 1, float(yi))
            for j, value in enumerate(xi, start=2):
                sheet.cell(i, j, float(value))
        sheet["H1"] = ArrayFormula("H1:M5", "=LINEST(A1:A151,B1:F151,TRUE,TRUE)")
        source = tmp_path / "linest.xlsx"
        book.save(source)
        out = openpyxl.load_workbook(
            libreoffice.recalculate_file(source, tmp_path / "lo"), data_only=True
        )["Data"]
        theirs = [[out.cell(r, c).value for c in range(8, 14)] for r in range(1, 6)]
        ours = sv.linest(sample["y"], sample["x"])
        for r in range(5):
            for c in range(6):
                if np.isnan(ours[r, c]):
                    assert theirs[r][c] == "#N/A"
                else:
                    assert theirs[r][c] == pytest.approx(ours[r, c], rel=1e-9), (r, c)

    def test_excel_face_fills_na_cells_with_zero(self, sample):
        block = excel("SPEND_LINEST", column(sample["y"]), sample["x"].tolist())
        ours = sv.linest(sample["y"], sample["x"])
        assert block.shape == (5, 6)
        np.testing.assert_allclose(block[:2], ours[:2])
        np.testing.assert_allclose(block[2:, :2], ours[2:, :2])
        assert (block[2:, 2:] == 0).all()
        assert excel("SPEND_LINEST", column(sample["y"]), sample["x"].tolist(), False).shape == (1, 6)

    def test_excel_face_blank_drops_text_refuses(self, sample):
        x = sample["x"].tolist()
        x[10][2] = None
        block = excel("SPEND_LINEST", column(sample["y"]), x)
        keep = np.arange(151) != 10
        np.testing.assert_allclose(block[0], sv.linest(sample["y"][keep], sample["x"][keep])[0])
        x[11][3] = "n/a"
        with pytest.raises(ExcelError) as err:
            excel("SPEND_LINEST", column(sample["y"]), x)
        assert err.value.code == "#VALUE!" and "known_x" in err.value.message

    def test_excel_face_collinear_and_too_few(self):
        y, x = small_problem()
        x[:, 2] = x[:, 0] * 3
        with pytest.raises(ExcelError) as err:
            excel("SPEND_LINEST", column(y), x.tolist())
        assert err.value.code == "#NUM!" and "collinear" in err.value.message
        y, x = small_problem(n=4)
        with pytest.raises(ExcelError) as err:
            excel("SPEND_LINEST", column(y), x.tolist())
        assert err.value.code == "#DIV/0!"


class TestDriverRSquared:
    def test_squared_correlations(self):
        y, x = small_problem()
        expected = [np.corrcoef(x[:, j], y)[0, 1] ** 2 for j in range(3)]
        np.testing.assert_allclose(sv.driver_r_squared(y, x), expected, rtol=1e-10)

    def test_idaci_alone_on_sample(self, sample):
        # seed 000: IDACI alone explains 31%; the panel is calibrated to it.
        alone = sv.driver_r_squared(sample["y"], sample["x"])
        assert alone[0] == pytest.approx(0.31, abs=1e-4)
        assert alone[0] == alone.max()

    def test_excel_face_is_a_row(self, sample):
        out = excel("SPEND_DRIVER_RSQ", column(sample["y"]), sample["x"].tolist())
        assert out.shape == (1, 5)


def brute_force_shapley(y, x):
    """Shapley values by averaging over every order of entry (p! orders)."""
    p = x.shape[1]

    def r2(cols):
        if not cols:
            return 0.0
        return sv.fit(y, x[:, sorted(cols)], warn=False).r_squared

    total = np.zeros(p)
    orders = list(itertools.permutations(range(p)))
    for order in orders:
        entered: list[int] = []
        for j in order:
            before = r2(entered)
            entered.append(j)
            total[j] += r2(entered) - before
    return total / len(orders)


class TestShapley:
    def test_sums_to_r_squared(self, sample):
        parts = sv.shapley_r_squared(sample["y"], sample["x"])
        model = sv.fit(sample["y"], sample["x"])
        assert parts.sum() == pytest.approx(model.r_squared, rel=1e-10)
        assert sv.shapley_r_squared(sample["y"], sample["x"], share=True).sum() == pytest.approx(1.0)

    def test_equals_average_over_orders(self):
        y, x = small_problem(seed=3, p=3)
        x[:, 2] += 0.5 * x[:, 0]  # correlated drivers share what they explain
        np.testing.assert_allclose(sv.shapley_r_squared(y, x), brute_force_shapley(y, x), rtol=1e-9)

    @settings(max_examples=15, deadline=None)
    @given(st.integers(0, 10_000), st.permutations([0, 1, 2, 3]))
    def test_does_not_depend_on_column_order(self, seed, order):
        y, x = small_problem(seed=seed, p=3)
        x = np.column_stack([x, x[:, 0] + np.random.default_rng(seed).normal(size=len(y))])
        base = sv.shapley_r_squared(y, x)
        np.testing.assert_allclose(sv.shapley_r_squared(y, x[:, list(order)]), base[list(order)], rtol=1e-9, atol=1e-12)

    def test_uncorrelated_drivers_get_their_own_r_squared(self):
        # With exactly uncorrelated drivers there is nothing to share.
        n = 8
        x = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]] * 2, dtype=float)
        y = np.array([3.0, 1.0, 2.0, -1.0, 2.5, 1.5, 1.0, -0.5])
        np.testing.assert_allclose(sv.shapley_r_squared(y, x), sv.driver_r_squared(y, x), rtol=1e-10)
        assert n == len(y)

    def test_too_many_drivers(self):
        rng = np.random.default_rng(0)
        x = rng.normal(size=(60, sv.MAX_SHAPLEY_DRIVERS + 1))
        with pytest.raises(OutOfDomainError, match="limited"):
            sv.shapley_r_squared(rng.normal(size=60), x)

    def test_excel_face(self, sample):
        out = excel("SPEND_SHAPLEY", column(sample["y"]), sample["x"].tolist(), True)
        assert out.shape == (1, 5)
        assert out.sum() == pytest.approx(1.0)


class TestExpectedSpendAndGap:
    def test_fitted_plus_gap_is_actual(self, sample):
        expected = sv.expected_spend(sample["y"], sample["x"])
        gap = sv.spend_gap(sample["y"], sample["x"])
        np.testing.assert_allclose(expected + gap, sample["y"], rtol=1e-12)
        assert gap.sum() == pytest.approx(0.0, abs=1e-6)  # OLS residuals sum to zero

    def test_new_x(self, sample):
        model = sv.fit(sample["y"], sample["x"])
        one = sv.expected_spend(sample["y"], sample["x"], sample["x"][5])
        assert float(one[0]) == pytest.approx(model.fitted[5], rel=1e-12)

    def test_percent(self, sample):
        pct = sv.spend_gap(sample["y"], sample["x"], percent=True)
        expected = sv.expected_spend(sample["y"], sample["x"])
        np.testing.assert_allclose(pct, sample["y"] / expected - 1, rtol=1e-9, atol=1e-12)

    def test_expected_range_like_the_seed(self, sample):
        # seed 000: £334 to £883 expected from five factors alone, against £292 to £1,254.
        low, high = sv.expected_range(sample["y"], sample["x"])
        assert 300 < low < 400 and 800 < high < 1000
        assert sample["y"].min() == pytest.approx(292, abs=0.01)
        assert sample["y"].max() == pytest.approx(1254, abs=0.01)

    def test_counts(self):
        y, x = small_problem()
        x[0, 0] = np.nan
        np.testing.assert_array_equal(sv.model_counts(y, x), [39, 1])

    def test_excel_faces(self, sample):
        y, x = column(sample["y"]), sample["x"].tolist()
        expected = excel("SPEND_EXPECTED", y, x)
        assert expected.shape == (151, 1)
        np.testing.assert_allclose(expected.ravel(), sv.expected_spend(sample["y"], sample["x"]))
        one = excel("SPEND_EXPECTED", y, x, [x[5]])
        assert one.shape == (1, 1) and one[0, 0] == pytest.approx(expected[5, 0])
        gap = excel("SPEND_GAP", y, x)
        np.testing.assert_allclose(gap.ravel() + expected.ravel(), sample["y"], rtol=1e-12)
        np.testing.assert_allclose(excel("SPEND_RANGE", y, x).ravel(), sv.expected_range(sample["y"], sample["x"]))
        x[20][0] = None
        np.testing.assert_array_equal(excel("SPEND_COUNTS", y, x).ravel(), [150, 1])
        with pytest.raises(ExcelError) as err:
            excel("SPEND_GAP", y, x)
        assert err.value.code == "#VALUE!" and "row 21" in err.value.message


class TestStatisticalNeighbours:
    def test_against_brute_force(self, sample):
        x = sample["x"]
        z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
        ours = sv.statistical_neighbours(x, k=4)
        for i in (0, 50, 77, 150):
            d = [math.dist(z[i], z[k]) if k != i else math.inf for k in range(len(z))]
            expected = sorted(range(len(z)), key=lambda k: (d[k], k))[:4]
            np.testing.assert_array_equal(ours[i], np.array(expected) + 1)

    def test_distances_increase(self, sample):
        d = sv.statistical_neighbours(sample["x"], k=5, distances=True)
        assert (np.diff(d, axis=1) >= 0).all() and (d > 0).all()

    def test_never_itself(self, sample):
        ours = sv.statistical_neighbours(sample["x"], k=10)
        assert not (ours == np.arange(1, 152)[:, None]).any()

    def test_ties_go_to_earlier_row(self):
        x = [[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 5.0]]
        assert sv.statistical_neighbours(x, k=2)[0].tolist() == [2.0, 3.0]

    def test_bad_k(self, sample):
        with pytest.raises(OutOfDomainError, match="k"):
            sv.statistical_neighbours(sample["x"], k=0)
        with pytest.raises(OutOfDomainError, match="k"):
            sv.statistical_neighbours(sample["x"], k=2.5)
        with pytest.raises(OutOfDomainError, match="151 councils"):
            sv.statistical_neighbours(sample["x"], k=151)

    def test_missing_driver(self, sample):
        x = sample["x"].copy()
        x[4, 2] = np.nan
        with pytest.raises(NoDataError, match="row 5, driver 3"):
            sv.statistical_neighbours(x)

    def test_excel_face(self, sample):
        out = excel("SPEND_NEIGHBOURS", sample["x"].tolist(), 3)
        assert out.shape == (151, 3)
        with pytest.raises(ExcelError) as err:
            excel("SPEND_NEIGHBOURS", sample["x"].tolist(), 500)
        assert err.value.code == "#NUM!"


def test_warning_is_silent_when_asked():
    y, x = small_problem()
    x[0, 0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sv.fit(y, x, warn=False)


def test_neighbours_work_is_bounded():
    x = np.random.default_rng(0).normal(size=(sv.MAX_NEIGHBOUR_COUNCILS + 1, 2))
    with pytest.raises(OutOfDomainError, match="limited"):
        sv.statistical_neighbours(x)
