"""Forecast accuracy: MAPE and band coverage, as methods and as Excel functions."""

import numpy as np
import pytest

from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods.accuracy import forecast_coverage, forecast_mape
from xlfuncs.methods.errors import NoDataError, OutOfDomainError, ShapeError


class TestMape:
    def test_mean_of_absolute_percentage_errors(self):
        actual, forecast = np.array([100.0, 250.0, 40.0]), np.array([90.0, 275.0, 41.0])
        assert forecast_mape(actual, forecast) == pytest.approx(np.mean(np.abs(forecast - actual) / actual))

    def test_blanks_and_zero_actuals_are_left_out(self):
        assert forecast_mape([100, np.nan, 0, 200], [110, 5, 3, np.nan]) == pytest.approx(0.1)

    def test_refuses_unequal_ranges_and_nothing_to_score(self):
        with pytest.raises(ShapeError):
            forecast_mape([1, 2], [1, 2, 3])
        with pytest.raises(NoDataError):
            forecast_mape([0, 0], [1, 2])

    def test_excel_face(self):
        spec = functions()["FORECAST_MAPE"]
        assert spec([[100], [200], [None]], [[110], [180], [5]]) == pytest.approx(0.1)
        with pytest.raises(ExcelError, match="#DIV/0! FORECAST_MAPE: actuals"):
            spec([[0]], [[1]])


class TestCoverage:
    def test_share_inside_ends_included(self):
        assert forecast_coverage([1, 2, 3, 4], [1, 0, 2.5, 0], [2, 1, 5, 4]) == 0.75

    def test_refuses_a_band_upside_down(self):
        with pytest.raises(OutOfDomainError, match="lower end is above"):
            forecast_coverage([1], [2], [1])

    def test_excel_face(self):
        spec = functions()["FORECAST_COVERAGE"]
        assert spec([[10], [20]], [[9], [21]], [[11], [25]]) == 0.5
