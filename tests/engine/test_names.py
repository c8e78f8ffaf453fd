"""Add-in and Office.js function names in saved files read back as plain names."""

import pytest

from xlfuncs.engine.names import plain_names

NAMES = ["UNIT_COST", "LAC_RATE", "LAC_FORECAST", "FORECAST"]


@pytest.mark.parametrize(
    "saved, plain",
    [
        ("=[1]!UNIT_COST(B2,C2)", "=UNIT_COST(B2,C2)"),
        ("=[2]!UNIT_COST(B2,C2)", "=[2]!UNIT_COST(B2,C2)"),  # link 2 is a workbook, not the add-in
        ("='C:\\Users\\fin\\xlwings.xlam'!LAC_RATE(A1,B1)", "=LAC_RATE(A1,B1)"),
        ("=_xldudf_XLWINGS_LAC_FORECAST(A1:A5,3)", "=LAC_FORECAST(A1:A5,3)"),
        ("=_xldudf_LAC_FORECAST(A1:A5,3)", "=LAC_FORECAST(A1:A5,3)"),
        ("=XLWINGS.LAC_FORECAST(A1:A5,3)", "=LAC_FORECAST(A1:A5,3)"),
        ("=_xll.UNIT_COST(1,2)", "=UNIT_COST(1,2)"),
        ("=xlfuncs.unit_cost(1,2)", "=UNIT_COST(1,2)"),
        ("=_xlfn.FORECAST.LINEAR(1,A1:A3,B1:B3)", "=_xlfn.FORECAST.LINEAR(1,A1:A3,B1:B3)"),
        ("=MY_UNIT_COST(1,2)", "=MY_UNIT_COST(1,2)"),
        ('="[1]!UNIT_COST(" & [1]!UNIT_COST(1,2)', '="[1]!UNIT_COST(" & UNIT_COST(1,2)'),
    ],
)
def test_plain_names(saved, plain):
    assert plain_names(saved, NAMES, addin_links=[1]) == plain
