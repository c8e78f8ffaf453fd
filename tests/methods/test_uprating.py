"""Re-pricing with a price index: the one method behind UNIT_COST_UPRATE and CBA_REBASE."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods.errors import (
    NotFoundError,
    OutOfDomainError,
)
from xlfuncs.methods.uprating import reprice

money = st.floats(min_value=0, max_value=1e9, allow_nan=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


def excel(name, *args):
    return functions()[name](*args)


class TestUprate:
    YEARS = [2016, 2017, 2018, 2019, 2020]
    INDEX = [98.0, 100.0, 102.1, 104.2, 109.4]

    def test_ratio_of_index_values(self):
        out = reprice(650, 2017, 2020, self.YEARS, self.INDEX)
        assert float(out) == pytest.approx(650 * 109.4 / 100.0)

    def test_deflate_backwards(self):
        assert float(reprice(100, 2017, 2016, self.YEARS, self.INDEX)) == pytest.approx(98.0)

    @given(st.sampled_from(YEARS), st.sampled_from(YEARS), money)
    def test_round_trip(self, a, b, amount):
        there = reprice(amount, a, b, self.YEARS, self.INDEX)
        back = reprice(there, b, a, self.YEARS, self.INDEX)
        assert float(back) == pytest.approx(amount, rel=1e-12, abs=1e-9)

    def test_year_not_in_index(self):
        with pytest.raises(NotFoundError, match="price_year"):
            reprice(100, 2010, 2017, self.YEARS, self.INDEX)

    def test_duplicate_year(self):
        with pytest.raises(OutOfDomainError, match="index_years"):
            reprice(100, 2017, 2018, [2017, 2017], [1.0, 2.0])

    def test_excel_face(self):
        years = [[y] for y in self.YEARS]
        index = [[v] for v in self.INDEX]
        assert excel("UNIT_COST_UPRATE", 650, 2017, 2020, years, index) == pytest.approx(711.1)
        with pytest.raises(ExcelError) as err:
            excel("UNIT_COST_UPRATE", 650, 2009, 2020, years, index)
        assert err.value.code == "#N/A"


def test_both_excel_names_are_the_one_method():
    years, index = [[2016, 2017, 2018]], [[98.0, 100.0, 102.1]]
    assert excel("UNIT_COST_UPRATE", 650, 2016, 2018, years, index) == excel("CBA_REBASE", 650, 2016, 2018, years, index)
