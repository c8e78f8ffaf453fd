"""Rates per 10,000 and the What Works Centre's average change in the rate (seed 004)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfuncs.data import dfe as dfe_data
from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods import rates
from xlfuncs.methods.errors import (
    DivisionByZeroError,
    NoDataError,
    NotANumberError,
    OutOfDomainError,
)

rate = st.floats(min_value=0, max_value=500, allow_nan=False)


def excel(name, *args):
    return functions()[name](*args)


class TestRatePer10000:
    def test_seed_example(self):
        # seed 004: 500 children in care among 50,000 children is 100 per 10,000.
        assert float(rates.rate_per_10000(500, 50_000)) == 100.0

    def test_zero_population(self):
        with pytest.raises(DivisionByZeroError, match="child_population"):
            rates.rate_per_10000(5, 0)

    def test_negative_count(self):
        with pytest.raises(OutOfDomainError, match="count"):
            rates.rate_per_10000(-1, 100)

    def test_excel_face(self):
        assert excel("LAC_RATE", 500, 50_000) == 100.0


class TestAverageChange:
    def test_mean_of_year_on_year_changes(self):
        series = [60.0, 62.0, 61.0, 65.0, 66.0, 64.1]
        assert float(rates.average_change(series)) == pytest.approx(np.mean(np.diff(series)))

    def test_rows_are_authorities(self):
        out = rates.average_change([[50, 52, 55], [80, 79, 75]])
        np.testing.assert_allclose(out, [2.5, -2.5])

    @given(st.lists(rate, min_size=2, max_size=12))
    def test_telescopes_to_first_and_last(self, series):
        expected = (series[-1] - series[0]) / (len(series) - 1)
        assert float(rates.average_change(series)) == pytest.approx(expected, abs=1e-9)

    def test_one_year(self):
        with pytest.raises(NoDataError, match="rates"):
            rates.average_change([60.0])

    def test_missing_year(self):
        with pytest.raises(NotANumberError, match="position 3"):
            rates.average_change([60.0, 61.0, np.nan, 63.0])

    def test_sample_panel_looks_like_england_2012_17(self):
        # seed 004: M = 0.82, SD = 2.81, range -5.6 to 10 over 151 authorities.
        wide = dfe_data.lac_rates(dfe_data.load_panel())
        change = rates.average_change(wide[list(range(2012, 2018))].to_numpy())
        assert change.size == 151
        assert change.mean() == pytest.approx(0.82, abs=0.1)
        assert change.std(ddof=1) == pytest.approx(2.81, abs=0.15)
        assert change.max() == pytest.approx(10, abs=0.5)

    def test_excel_face(self):
        assert excel("LAC_AVG_CHANGE", [[50, 52, 55]]) == pytest.approx(2.5)
        with pytest.raises(ExcelError) as err:
            excel("LAC_AVG_CHANGE", [[50, None, 55]])
        assert err.value.code == "#VALUE!"
        with pytest.raises(ExcelError) as err:
            excel("LAC_AVG_CHANGE", [[50]])
        assert err.value.code == "#DIV/0!"
