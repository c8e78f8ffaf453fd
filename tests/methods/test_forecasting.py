"""LAC_FORECAST and friends against LibreOffice, scipy, simulation and hand-worked values."""

from __future__ import annotations

import math

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from scipy import stats

from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import forecast_costs, forecasting
from xlfuncs.methods.errors import (
    InputError,
    NoDataError,
    NotFoundError,
    OutOfDomainError,
    ShapeError,
)
from xlfuncs.methods.forecast_costs import lac_cost_change, lac_forecast_cost
from xlfuncs.methods.forecasting import lac_decompose, lac_forecast, lac_forecast_interval

THURROCK = [210, 345]  # seed 003: March 2012 and March 2017
THURROCK_YEARS = [2012, 2017]


def _random_series(rng: np.random.Generator, n: int) -> np.ndarray:
    """A positive series of counts with a trend and noise, to three decimals."""
    slope = rng.uniform(-15, 25)
    level = rng.uniform(150, 600)
    noise = rng.normal(0, rng.uniform(1, 30), n)
    y = level + slope * np.arange(n) + noise
    return np.round(np.maximum(y, 40.0), 3)


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def cases():
    """Random series: (n, horizon, y, known_x or None), the same on every run."""
    rng = np.random.default_rng(20170331)
    out = []
    for k in range(40):
        n = int(rng.integers(2, 21))
        horizon = int(rng.integers(1, 13))
        y = _random_series(rng, n)
        x = None
        if k % 3 == 1:  # years, consecutive
            x = 2000.0 + np.arange(n)
        elif k % 3 == 2:  # uneven gaps, as a history with missing years
            x = np.cumsum(rng.integers(1, 4, n)).astype(float) + 1990.0
        out.append((n, horizon, y, x))
    return out


def _write_parity_workbook(path, cases, with_ets: bool) -> list[dict[str, str]]:
    """One block of columns per case: x, y, new x, then TREND / GROWTH (/ FORECAST.ETS) cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Parity"
    cells = []
    column = 1
    for n, horizon, y, x in cases:
        xs = x if x is not None else np.arange(1.0, n + 1.0)
        L = [get_column_letter(column + i) for i in range(6)]
        for i in range(n):
            sheet.cell(row=i + 1, column=column, value=float(xs[i]))
            sheet.cell(row=i + 1, column=column + 1, value=float(y[i]))
        for j in range(horizon):
            sheet.cell(row=j + 1, column=column + 2, value=float(xs[-1] + j + 1))
        x_ref, y_ref = f"{L[0]}1:{L[0]}{n}", f"{L[1]}1:{L[1]}{n}"
        new_ref = f"{L[2]}1:{L[2]}{horizon}"
        known = f",{x_ref}" if x is not None else ","
        sheet[f"{L[3]}1"] = ArrayFormula(f"{L[3]}1:{L[3]}{horizon}", f"=TREND({y_ref}{known},{new_ref})")
        sheet[f"{L[4]}1"] = ArrayFormula(f"{L[4]}1:{L[4]}{horizon}", f"=GROWTH({y_ref}{known},{new_ref})")
        if with_ets:
            for j in range(horizon):
                sheet[f"{L[5]}{j + 1}"] = f"=_xlfn.FORECAST.ETS({L[2]}{j + 1},{y_ref},{x_ref},0)"
        cells.append({"trend": L[3], "growth": L[4], "ets": L[5]})
        column += 7
    workbook.save(path)
    return cells


def _column(sheet, letter: str, count: int) -> np.ndarray:
    return np.array([sheet[f"{letter}{r}"].value for r in range(1, count + 1)], dtype=float)


@pytest.mark.libreoffice
class TestTrendAndGrowthEqualLibreOffice:
    """"linear" and "exponential" are TREND and GROWTH as LibreOffice computes them."""

    def test_random_series(self, cases, libreoffice_values, tmp_path):
        path = tmp_path / "trend_growth.xlsx"
        cells = _write_parity_workbook(path, cases, with_ets=False)
        sheet = libreoffice_values(path)["Parity"]
        for (n, horizon, y, x), where in zip(cases, cells, strict=True):
            trend = _column(sheet, where["trend"], horizon)
            growth = _column(sheet, where["growth"], horizon)
            ours_linear = lac_forecast(y, horizon, "linear", known_x=x)
            ours_exponential = lac_forecast(y, horizon, "exponential", known_x=x)
            assert ours_linear == pytest.approx(trend, rel=1e-9, abs=0), (n, horizon, x)
            assert ours_exponential == pytest.approx(growth, rel=1e-9, abs=0), (n, horizon, x)


@pytest.mark.libreoffice
class TestEtsEqualsLibreOffice:
    """"ets" is LibreOffice's FORECAST.ETS.ADD with no seasonality (Excel: FORECAST.ETS, 0)."""

    def test_random_series(self, cases, libreoffice_values, tmp_path):
        consecutive = [case for case in cases if case[3] is None or np.all(np.diff(case[3]) == 1)]
        path = tmp_path / "ets.xlsx"
        cells = _write_parity_workbook(path, consecutive, with_ets=True)
        sheet = libreoffice_values(path)["Parity"]
        assert len(consecutive) >= 20
        for (n, horizon, y, x), where in zip(consecutive, cells, strict=True):
            expected = _column(sheet, where["ets"], horizon)
            ours = lac_forecast(y, horizon, "ets", known_x=x)
            assert ours == pytest.approx(expected, rel=1e-9, abs=0), (n, horizon)


# --------------------------------------------------------------------------- LAC_FORECAST


class TestLacForecastLinear:
    def test_thurrock_published_counts_by_year(self):
        # 27 more children a year from 345 in 2017.
        assert lac_forecast(THURROCK, 3, known_x=THURROCK_YEARS).tolist() == [372.0, 399.0, 426.0]

    def test_default_x_is_one_to_n(self):
        y = [210, 236, 252, 289, 327, 345]
        assert lac_forecast(y, 4) == pytest.approx(lac_forecast(y, 4, known_x=[1, 2, 3, 4, 5, 6]))
        slope, intercept = np.polyfit(np.arange(1, 7), y, 1)
        assert lac_forecast(y, 4) == pytest.approx(intercept + slope * np.arange(7, 11), rel=1e-12)

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.floats(0, 5000, allow_nan=False), min_size=2, max_size=30),
        st.integers(1, 20),
        st.floats(-3000, 3000),
    )
    def test_shifting_x_changes_nothing(self, y, horizon, shift):
        n = len(y)
        shifted = lac_forecast(y, horizon, known_x=np.arange(n) + shift)
        assert shifted == pytest.approx(lac_forecast(y, horizon), rel=1e-7, abs=1e-6)

    @settings(max_examples=60, deadline=None)
    @given(st.floats(0, 1000), st.floats(-50, 50), st.integers(2, 25), st.integers(1, 15))
    def test_a_straight_line_continues(self, level, slope, n, horizon):
        y = level + slope * np.arange(n) + 10 * abs(slope) * n  # keep counts non-negative
        expected = y[0] + slope * np.arange(n, n + horizon)
        assert lac_forecast(y, horizon) == pytest.approx(expected, rel=1e-9, abs=1e-7)


class TestLacForecastExponential:
    def test_geometric_series_continues(self):
        assert lac_forecast([100, 110, 121], 2, "exponential") == pytest.approx([133.1, 146.41])

    def test_is_exp_of_linear_fit_to_logs(self):
        y = np.array([180.0, 200, 205, 240, 260])
        slope, intercept = np.polyfit(np.arange(1, 6), np.log(y), 1)
        expected = np.exp(intercept + slope * np.arange(6, 9))
        assert lac_forecast(y, 3, "exponential") == pytest.approx(expected, rel=1e-12)


class TestLacForecastEts:
    def test_two_points_continue_their_step(self):
        assert lac_forecast(THURROCK, 2, "ets").tolist() == [480.0, 615.0]

    def test_a_constant_series_stays_constant(self):
        assert lac_forecast([300] * 8, 5, "ets") == pytest.approx([300] * 5)

    def test_an_exact_line_continues(self):
        y = 200 + 12.5 * np.arange(9)
        assert lac_forecast(y, 3, "ets") == pytest.approx(200 + 12.5 * np.arange(9, 12))

    def test_fitted_constants_are_in_range_and_beat_the_corners(self):
        y = np.array([210, 236, 252, 289, 327, 345, 350, 371, 366, 390.0])
        model = forecasting._Holt(y).fit()
        assert 0 <= model.alpha <= 1 and 0 <= model.gamma <= 1
        for corner in [(0, 0), (0, 1), (1, 0), (1, 1)]:
            assert model.mse <= model._run(*corner)[0] + 1e-9

    def test_known_x_must_be_consecutive(self):
        with pytest.raises(OutOfDomainError) as info:
            lac_forecast([1, 2, 3], 2, "ets", known_x=[2012, 2014, 2015])
        assert info.value.argument == "known_x"
        assert lac_forecast([300, 310, 330], 2, "ets", known_x=[2015, 2016, 2017]) == pytest.approx(
            lac_forecast([300, 310, 330], 2, "ets")
        )


class TestLacForecastPopulation:
    POP = [41_000, 41_410, 41_824.1, 42_242.341]

    def test_rate_held_is_count_times_population_growth(self):
        out = lac_forecast([330, 345], 3, "population", self.POP)
        assert out == pytest.approx([345 * 1.01, 345 * 1.01**2, 345 * 1.01**3])

    def test_a_given_rate(self):
        out = lac_forecast([345], 2, "population", self.POP, rate=60)
        assert out == pytest.approx([60 * 41_410 / 10_000, 60 * 41_824.1 / 10_000])

    def test_later_population_values_are_not_used(self):
        assert lac_forecast([345], 2, "population", self.POP) == pytest.approx(
            lac_forecast([345], 2, "population", self.POP[:3])
        )


class TestLacForecastTarget:
    def test_rate_reaches_target_then_holds(self):
        pop = [50_000] * 8
        out = lac_forecast([400], 7, "target", pop, target_rate=60, target_years=5)
        rates = out / 50_000 * 10_000
        assert rates == pytest.approx([76, 72, 68, 64, 60, 60, 60])

    def test_fractional_years_and_a_given_start(self):
        out = lac_forecast([1], 3, "target", [10_000] * 4, rate=70, target_rate=60, target_years=2.5)
        assert out == pytest.approx([66, 62, 60])

    def test_rising_target(self):
        out = lac_forecast([50], 2, "target", [10_000] * 3, target_rate=60, target_years=1)
        assert out == pytest.approx([60, 60])


class TestLacForecastRising:
    """The rate rises by a trend, then levels off, on the population path (seed 003's Rising)."""

    def test_rate_rises_then_holds(self):
        pop = [50_000] * 8
        out = lac_forecast([400], 7, "rising", pop, rate_trend=2, trend_years=3)
        rates = out / 50_000 * 10_000
        assert rates == pytest.approx([82, 84, 86, 86, 86, 86, 86])

    def test_fractional_years_and_a_given_start(self):
        out = lac_forecast([1], 3, "rising", [10_000] * 4, rate=70, rate_trend=4, trend_years=1.5)
        assert out == pytest.approx([74, 76, 76])

    def test_applied_to_the_population_path(self):
        pop = [40_000, 41_000, 42_000]
        out = lac_forecast([320], 2, "rising", pop, rate_trend=1, trend_years=10)
        assert out == pytest.approx([(80 + 1) * 4.1, (80 + 2) * 4.2])

    def test_no_trend_is_population_growth_only(self):
        pop = [41_000, 41_410, 41_824.1]
        held = lac_forecast([345], 2, "population", pop)
        assert lac_forecast([345], 2, "rising", pop, rate_trend=5, trend_years=0) == pytest.approx(held)
        assert lac_forecast([345], 2, "rising", pop, rate_trend=0, trend_years=9) == pytest.approx(held)

    def test_same_shape_as_a_target_reached_in_trend_years(self):
        pop = [10_000] * 8
        rising = lac_forecast([50], 7, "rising", pop, rate_trend=2.5, trend_years=4)
        target = lac_forecast([50], 7, "target", pop, target_rate=60, target_years=4)
        assert rising == pytest.approx(target)

    def test_calibration_through_the_published_three_and_ten_year_figures(self):
        # Seed 003: Rising +£2.08M / £4.01M / £5.98M, Population only +£1.07M / £2.22M / £3.32M
        # after 3 / 5 / 10 years; today's cost £5.98M / 27% (cost in proportion to children).
        today = 5_980_000 / 0.27
        population_index = {h: 1 + c / today for h, c in ((3, 1_070_000), (5, 2_220_000), (10, 3_320_000))}
        published = {3: 2_080_000, 5: 4_010_000, 10: 5_980_000}
        ratio = {h: (1 + published[h] / today) / population_index[h] for h in published}
        rate = 60.0  # any rate today: the calibration is relative to it
        trend, length = rate * (ratio[3] - 1) / 3, 3 * (ratio[10] - 1) / (ratio[3] - 1)
        knots = np.interp(np.arange(11), [0, 3, 5, 10], [1, population_index[3], population_index[5], population_index[10]])
        pop = 345 / rate * 10_000 * knots
        counts = lac_forecast([345], 10, "rising", pop, rate_trend=trend, trend_years=length)
        change = (counts / 345 - 1) * today
        for h in (3, 5, 10):
            assert change[h - 1] == pytest.approx(published[h], rel=0.05)
        assert change[[2, 9]] == pytest.approx([published[3], published[10]], rel=1e-9)
        assert counts[-1] / 345 - 1 == pytest.approx(0.27)  # "+27% activity over 10 years"

    def test_the_missing_parameters(self):
        with pytest.raises(InputError) as info:
            lac_forecast([345], 2, "rising", [1e4] * 3, trend_years=3)
        assert info.value.argument == "rate_trend"
        with pytest.raises(InputError) as info:
            lac_forecast([345], 2, "rising", [1e4] * 3, rate_trend=1)
        assert info.value.argument == "trend_years"

    def test_bad_parameters(self):
        with pytest.raises(OutOfDomainError) as info:
            lac_forecast([345], 2, "rising", [1e4] * 3, rate_trend=1, trend_years=-1)
        assert info.value.argument == "trend_years"
        with pytest.raises(OutOfDomainError, match="below zero") as info:
            lac_forecast([345], 5, "rising", [1e5] * 6, rate_trend=-20, trend_years=5)
        assert info.value.argument == "rate_trend"

    def test_excel_face(self):
        spec = functions()["LAC_FORECAST"]
        out = spec([[400]], 3, "rising", [[50_000]] * 4, None, None, None, None, 2, 1)
        assert out[:, 0].tolist() == pytest.approx([410, 410, 410])
        with pytest.raises(ExcelError) as info:
            spec([[400]], 3, "rising", [[50_000]] * 4, None, None, None, None, 2, -1)
        assert info.value.code == "#NUM!" and "trend_years" in info.value.message
        with pytest.raises(ExcelError) as info:
            spec([[400]], 3, "rising", [[50_000]] * 4)
        assert info.value.code == "#VALUE!" and "rate_trend" in info.value.message


class TestLacForecastBadInput:
    """Every bad input of the issue gives an error naming the argument, never a number."""

    @pytest.mark.parametrize(
        ("kwargs", "error", "argument"),
        [
            ({"known_counts": [345], "horizon": 3}, NoDataError, "known_counts"),
            ({"known_counts": [], "horizon": 3, "method": "ets"}, NoDataError, "known_counts"),
            ({"known_counts": [1, 2], "horizon": 0}, OutOfDomainError, "horizon"),
            ({"known_counts": [1, 2], "horizon": 2.5}, OutOfDomainError, "horizon"),
            ({"known_counts": [1, 2], "horizon": -1}, OutOfDomainError, "horizon"),
            ({"known_counts": [1, 2], "horizon": 1001}, OutOfDomainError, "horizon"),
            ({"known_counts": [3, 0, 4], "horizon": 2, "method": "exponential"}, OutOfDomainError, "known_counts"),
            ({"known_counts": [3, -1], "horizon": 2, "method": "exponential"}, OutOfDomainError, "known_counts"),
            ({"known_counts": [3, -1], "horizon": 2}, OutOfDomainError, "known_counts"),
            ({"known_counts": [1, 2], "horizon": 2, "method": "quadratic"}, NotFoundError, "method"),
            ({"known_counts": [1, 2], "horizon": 3, "method": "population"}, InputError, "population"),
            (
                {"known_counts": [1, 2], "horizon": 3, "method": "population", "population": [9, 9, 9]},
                ShapeError,
                "population",
            ),
            (
                {"known_counts": [1, 2], "horizon": 1, "method": "population", "population": [9, 0]},
                OutOfDomainError,
                "population",
            ),
            (
                {"known_counts": [1, 2], "horizon": 1, "method": "target", "population": [9, 9], "target_rate": 60},
                InputError,
                "target_years",
            ),
            (
                {"known_counts": [1, 2], "horizon": 1, "method": "target", "population": [9, 9], "target_years": 5},
                InputError,
                "target_rate",
            ),
            (
                {
                    "known_counts": [1, 2],
                    "horizon": 1,
                    "method": "target",
                    "population": [9, 9],
                    "target_rate": 60,
                    "target_years": 0,
                },
                OutOfDomainError,
                "target_years",
            ),
            (
                {"known_counts": [1, 2], "horizon": 1, "method": "population", "population": [9, 9], "rate": -1},
                OutOfDomainError,
                "rate",
            ),
            ({"known_counts": [1, 2, 3], "horizon": 1, "known_x": [1, 2]}, ShapeError, "known_x"),
            ({"known_counts": [1, 2, 3], "horizon": 1, "known_x": [1, 3, 3]}, OutOfDomainError, "known_x"),
            ({"known_counts": np.ones(10_001), "horizon": 1}, ShapeError, "known_counts"),
        ],
    )
    def test_error_names_the_argument(self, kwargs, error, argument):
        with pytest.raises(error) as info:
            lac_forecast(**kwargs)
        assert info.value.argument == argument


# --------------------------------------------------------------------------- intervals


class TestLacForecastInterval:
    def test_linear_matches_the_matrix_form_of_the_ols_interval(self):
        y = np.array([210, 236, 252, 289, 327, 345.0])
        n, horizon, level = y.size, 5, 0.9
        X = np.column_stack([np.ones(n), np.arange(1, n + 1)])
        beta, rss, *_ = np.linalg.lstsq(X, y, rcond=None)
        s2 = rss[0] / (n - 2)
        X0 = np.column_stack([np.ones(horizon), np.arange(n + 1, n + horizon + 1)])
        centre = X0 @ beta
        spread = np.sqrt(s2 * (1 + np.einsum("ij,jk,ik->i", X0, np.linalg.inv(X.T @ X), X0)))
        t = stats.t.ppf(0.95, n - 2)
        expected = np.column_stack([centre - t * spread, centre + t * spread])
        assert lac_forecast_interval(y, horizon, confidence=level) == pytest.approx(expected, rel=1e-10)

    def test_linear_covers_the_next_value_at_its_confidence(self):
        # 4,000 simulated histories of 8 years from a known line with normal noise.
        rng = np.random.default_rng(7)
        hits = 0
        trials = 4000
        for _ in range(trials):
            y = 300 + 10 * np.arange(9) + rng.normal(0, 15, 9)
            lower, upper = lac_forecast_interval(y[:8], 1, confidence=0.8)[0]
            hits += lower <= y[8] <= upper
        assert hits / trials == pytest.approx(0.8, abs=0.025)

    def test_exponential_is_the_log_interval_exponentiated(self):
        y = np.array([100, 112, 119, 135, 150.0])
        logs = np.log(y)
        expected = np.exp(lac_forecast_interval(logs, 3, "linear", 0.95))
        assert lac_forecast_interval(y, 3, "exponential", 0.95) == pytest.approx(expected, rel=1e-12)

    def test_interval_surrounds_the_forecast_and_widens(self):
        y = [210, 236, 252, 289, 327, 345, 350, 371]
        for method in ("linear", "exponential", "ets"):
            bands = lac_forecast_interval(y, 10, method)
            centre = lac_forecast(y, 10, method)
            assert np.all(bands[:, 0] < centre) and np.all(centre < bands[:, 1])
            width = bands[:, 1] - bands[:, 0]
            assert np.all(np.diff(width) > 0), method

    def test_ets_one_step_is_normal_quantile_times_rmse(self):
        y = np.array([210, 236, 252, 289, 327, 345, 350, 371.0])
        model = forecasting._Holt(y).fit()
        lower, upper = lac_forecast_interval(y, 1, "ets", 0.95)[0]
        assert (upper - lower) / 2 == pytest.approx(stats.norm.ppf(0.975) * math.sqrt(model.mse))

    @pytest.mark.parametrize(("alpha", "gamma"), [(0.3, 0.2), (0.8, 0.5), (1.0, 0.1)])
    def test_ets_variance_formula_agrees_with_simulation(self, alpha, gamma):
        # Simulate Holt's model as a state space model: l += b + alpha*e, b += alpha*gamma*e.
        rng = np.random.default_rng(11)
        paths, steps, sigma = 200_000, 6, 2.0
        level = np.zeros(paths)
        trend = np.zeros(paths)
        errors = np.empty((paths, steps))
        forecast_level, forecast_trend = 0.0, 0.0
        for h in range(steps):
            e = rng.normal(0, sigma, paths)
            y = level + trend + e
            errors[:, h] = y - (forecast_level + (h + 1) * forecast_trend)
            level, trend = level + trend + alpha * e, trend + alpha * gamma * e
        model = forecasting._Holt(np.array([0.0, 1.0, 2.0]))
        model.alpha, model.gamma, model.mse = alpha, gamma, sigma**2
        z = stats.norm.ppf(0.975)
        predicted = model.half_width(np.arange(1.0, steps + 1), 0.95) / z
        assert errors.std(axis=0) == pytest.approx(predicted, rel=0.01)

    @pytest.mark.parametrize(
        ("kwargs", "error", "argument"),
        [
            ({"known_counts": [1, 2], "horizon": 1}, NoDataError, "known_counts"),
            ({"known_counts": [1, 2, 4], "horizon": 1, "method": "population"}, NotFoundError, "method"),
            ({"known_counts": [1, 2, 4], "horizon": 1, "confidence": 1}, OutOfDomainError, "confidence"),
            ({"known_counts": [1, 2, 4], "horizon": 1, "confidence": 0}, OutOfDomainError, "confidence"),
            ({"known_counts": [1, 2, 4], "horizon": 0.5}, OutOfDomainError, "horizon"),
            ({"known_counts": [1, 0, 4], "horizon": 1, "method": "exponential"}, OutOfDomainError, "known_counts"),
        ],
    )
    def test_bad_input(self, kwargs, error, argument):
        with pytest.raises(error) as info:
            lac_forecast_interval(**kwargs)
        assert info.value.argument == argument


# --------------------------------------------------------------------------- decomposition


class TestLacDecompose:
    def test_hand_worked(self):
        out = lac_decompose([200, 230, 260], [40_000, 41_000, 42_000], [10, 25, 40], [20, 20.5, 21])
        expected = [
            [200, 200, 200],
            [205, 190 / 40_000 * 41_000 + 25, 190 / 40_000 * 41_000 * 20.5 / 20 + 25],
            [210, 190 / 40_000 * 42_000 + 40, 190 / 40_000 * 42_000 * 21 / 20 + 40],
        ]
        assert out == pytest.approx(np.array(expected))

    def test_every_column_starts_at_the_actual_base(self):
        out = lac_decompose([150, 160, 190, 210], [38_000, 39_000, 40_000, 40_500], [5, 9, 30, 20], [18, 19, 19, 20], 1.5)
        assert out[0] == pytest.approx([150, 150, 150])

    def test_omitted_factors_repeat_the_previous_column(self):
        out = lac_decompose([150, 160, 190], [38_000, 39_000, 40_000])
        assert np.array_equal(out[:, 0], out[:, 1]) and np.array_equal(out[:, 1], out[:, 2])
        no_dep = lac_decompose([150, 160, 190], [38_000, 39_000, 40_000], [0, 5, 9])
        assert np.array_equal(no_dep[:, 1], no_dep[:, 2])

    def test_elasticity_zero_removes_the_deprivation_effect(self):
        args = ([150, 160, 190], [38_000, 39_000, 40_000], [0, 5, 9], [10, 12, 15])
        out = lac_decompose(*args, elasticity=0)
        assert out[:, 2] == pytest.approx(out[:, 1])

    @pytest.mark.parametrize(
        ("args", "error", "argument"),
        [
            (([150], [38_000]), NoDataError, "known_counts"),
            (([150, 160], [38_000]), ShapeError, "population"),
            (([150, 160], [38_000, 0]), OutOfDomainError, "population"),
            (([150, 160], [38_000, 39_000], [151, 3]), OutOfDomainError, "uasc"),
            (([150, 160], [38_000, 39_000], [1, 2, 3]), ShapeError, "uasc"),
            (([150, 160], [38_000, 39_000], None, [0, 1]), OutOfDomainError, "deprivation"),
        ],
    )
    def test_bad_input(self, args, error, argument):
        with pytest.raises(error) as info:
            lac_decompose(*args)
        assert info.value.argument == argument


# --------------------------------------------------------------------------- costs


class TestLacForecastCost:
    def test_blended_cost(self):
        weeks = 365 / 7
        assert lac_forecast_cost([345, 350], 1231) == pytest.approx([345 * 1231 * weeks, 350 * 1231 * weeks])

    def test_inflation_compounds_from_the_base_year(self):
        out = lac_forecast_cost([100, 100, 100], 1000, inflation=0.03, weeks_per_child=52)
        assert out == pytest.approx([5_200_000, 5_356_000, 5_516_680])

    def test_mix_equals_counts_by_type(self):
        totals = np.array([100.0, 120, 150])
        costs = [650, 900, 3000]
        mix = [0.6, 0.25, 0.15]
        by_type = totals[:, None] * np.array(mix)
        assert lac_forecast_cost(totals, costs, mix) == pytest.approx(lac_forecast_cost(by_type, costs))
        blended = float(np.dot(costs, mix))
        assert lac_forecast_cost(totals, costs, mix) == pytest.approx(lac_forecast_cost(totals, blended))

    def test_a_mix_per_year(self):
        out = lac_forecast_cost([100, 100], [500, 3000], [[1, 0], [0.9, 0.1]], weeks_per_child=52)
        assert out == pytest.approx([2_600_000, 100 * (0.9 * 500 + 0.1 * 3000) * 52])

    @pytest.mark.parametrize(
        ("args", "kwargs", "error", "argument"),
        [
            (([100], [500, 3000], [0.5, 0.4]), {}, OutOfDomainError, "placement_mix"),
            (([100], [500, 3000], [0.5, 0.3, 0.2]), {}, ShapeError, "placement_mix"),
            (([100, 90, 80], [500, 3000], [[0.5, 0.5], [0.6, 0.4]]), {}, ShapeError, "placement_mix"),
            (([100], [500, 3000]), {}, ShapeError, "counts"),
            (([[80, 20, 5]], [500, 3000]), {}, ShapeError, "counts"),
            (([100, -1], 500), {}, OutOfDomainError, "counts"),
            (([100], -500), {}, OutOfDomainError, "weekly_cost"),
            (([100], 500), {"inflation": -1}, OutOfDomainError, "inflation"),
            (([100], 500), {"weeks_per_child": 60}, OutOfDomainError, "weeks_per_child"),
            (([100], 500), {"weeks_per_child": 0}, OutOfDomainError, "weeks_per_child"),
        ],
    )
    def test_bad_input(self, args, kwargs, error, argument):
        with pytest.raises(error) as info:
            lac_forecast_cost(*args, **kwargs)
        assert info.value.argument == argument


class TestLacCostChange:
    def test_thurrock_shape(self):
        costs = np.linspace(20.0, 30.0, 11)
        assert lac_cost_change(costs) == pytest.approx(np.array([[3.0, 5.0, 10.0]]))
        assert lac_cost_change(costs).shape == (1, 3)
        assert forecast_costs.THURROCK_YEARS == (3.0, 5.0, 10.0)

    def test_other_years(self):
        assert lac_cost_change([100, 90, 125], [2, 1]).tolist() == [[25.0, -10.0]]

    @pytest.mark.parametrize(
        ("args", "error", "argument"),
        [
            (([100],), NoDataError, "annual_costs"),
            (([100, 110, 120], [3]), ShapeError, "after_years"),
            (([100, 110, 120], [1.5]), OutOfDomainError, "after_years"),
            (([100, 110, 120], [0]), OutOfDomainError, "after_years"),
        ],
    )
    def test_bad_input(self, args, error, argument):
        with pytest.raises(error) as info:
            lac_cost_change(*args)
        assert info.value.argument == argument


# --------------------------------------------------------------------------- Excel faces


class TestExcelFaces:
    """What a user sees in a cell: spilled shapes and error values with messages."""

    def test_forecast_spills_down_a_column(self):
        out = functions()["LAC_FORECAST"]([[210], [345]], 3, None, None, None, None, None, [[2012], [2017]])
        assert out.shape == (3, 1) and out[:, 0].tolist() == [372.0, 399.0, 426.0]

    def test_interval_is_two_columns(self):
        out = functions()["LAC_FORECAST_INTERVAL"]([[210], [236], [252], [289]], 4, "linear", 0.9)
        assert out.shape == (4, 2)

    def test_cost_change_spills_across_a_row(self):
        out = functions()["LAC_COST_CHANGE"]([[float(v)] for v in range(11)])
        assert out.tolist() == [[3.0, 5.0, 10.0]]

    def test_decompose_is_three_columns(self):
        out = functions()["LAC_DECOMPOSE"]([[1], [2]], [[10], [11]])
        assert out.shape == (2, 3)

    def test_cost_by_placement_type_from_a_table(self):
        out = functions()["LAC_FORECAST_COST"]([[80, 20], [85, 20]], [[650, 3000]], None, 0, 52)
        assert out[:, 0].tolist() == [(80 * 650 + 20 * 3000) * 52, (85 * 650 + 20 * 3000) * 52]

    @pytest.mark.parametrize(
        ("name", "args", "code", "words"),
        [
            ("LAC_FORECAST", ([[345]], 3), "#DIV/0!", "known_counts: needs at least 2 history points"),
            ("LAC_FORECAST", ([[1], [2]], 0), "#NUM!", "horizon"),
            ("LAC_FORECAST", ([[1], [2]], 1.5), "#NUM!", "horizon: must be a whole number"),
            ("LAC_FORECAST", ([[1], [0]], 2, "exponential"), "#NUM!", "positive"),
            ("LAC_FORECAST", ([[1], [2]], 3, "population", [[9], [9]]), "#N/A", "population: needs 4 values"),
            ("LAC_FORECAST", ([[1], [2]], 1, "target", [[9], [9]], None, 60, 0), "#NUM!", "target_years"),
            ("LAC_FORECAST", ([[1], [2]], 1, "trend"), "#N/A", "method"),
            ("LAC_FORECAST", ([[1], ["n/a"]], 1), "#VALUE!", "known_counts"),
            ("LAC_FORECAST_INTERVAL", ([[1], [2], [3]], 1, "target"), "#N/A", "no prediction interval"),
            ("LAC_COST_CHANGE", ([[1], [2]],), "#N/A", "after_years"),
        ],
    )
    def test_errors_are_excel_errors_naming_the_argument(self, name, args, code, words):
        with pytest.raises(ExcelError) as info:
            functions()[name](*args)
        assert info.value.code == code
        assert name in info.value.message and words in info.value.message

    def test_every_function_is_documented(self):
        for name in ("LAC_FORECAST", "LAC_FORECAST_INTERVAL", "LAC_FORECAST_COST", "LAC_COST_CHANGE", "LAC_DECOMPOSE"):
            spec = functions()[name]
            doc = spec.impl.__doc__
            for section in ("Parameters", "Returns", "Notes", "Examples", "seed 00"):
                assert section in doc, (name, section)
            assert spec.example.startswith(f"={name}(")
