"""The parser and evaluator take whatever Excel takes, and name the limit a formula breaks.

Excel's limits for one formula: 8,192 characters, 64 nested functions, 255 arguments. Within
them, a formula may be a sum of thousands of terms or nest parentheses thousands deep; none of
it may end in RecursionError.
"""

from __future__ import annotations

import openpyxl
import pytest

from xlfuncs.engine import recalculate
from xlfuncs.engine.parser import FormulaLimit, parse


@pytest.fixture
def limits(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = 1
    sheet["B1"] = "=" + "+".join(["A1"] * 1000)  # a sum of 1,000 terms
    sheet["B2"] = "=" + "+".join(["1"] * 4000)  # 7,999 characters
    sheet["B3"] = "=" + "ABS(" * 64 + "-2" + ")" * 64  # 64 nested functions
    sheet["B4"] = "=" + "ABS(" * 65 + "-2" + ")" * 65
    sheet["B5"] = "=" + "+".join(["1"] * 4600)  # 9,199 characters
    sheet["B6"] = "=SUM(" + ",".join(["1"] * 256) + ")"
    sheet["B7"] = "=" + "(" * 3000 + "1" + ")" * 3000
    sheet["B8"] = "=" + "1+(" * 2000 + "1" + ")" * 2000
    sheet["B9"] = "=" + "-" * 4000 + "2"
    sheet["C1"] = "=B1*2"  # cells after the refused ones still calculate
    path = tmp_path / "limits.xlsx"
    workbook.save(path)
    return recalculate(path, tmp_path / "out.xlsx")


def test_long_and_deep_formulas_within_excels_limits_calculate(limits):
    values = limits.values["Sheet"]
    assert values["B1"] == 1000
    assert values["B2"] == 4000
    assert values["B3"] == 2
    assert values["B7"] == 1
    assert values["B8"] == 2001
    assert values["B9"] == 2
    assert values["C1"] == 2000


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("B4", "functions nest more than 64 deep"),
        ("B5", "9,199 characters, over Excel's limit of 8,192"),
        ("B6", "256 arguments, over Excel's limit of 255"),
    ],
)
def test_formula_over_excels_limits_is_refused_naming_the_limit(limits, cell, words):
    assert limits.values["Sheet"][cell].code == "#VALUE!"
    assert words in limits.errors[f"Sheet!{cell}"]


def test_operators_of_one_level_make_one_node():
    node = parse("=1+2-3+4", "Sheet")
    assert node[0] == "chain" and [op for op, _ in node[2]] == ["+", "-", "+"]
    assert parse("=1+2*3", "Sheet") == ("op", "+", ("num", 1.0), ("op", "*", ("num", 2.0), ("num", 3.0)))


def test_limit_error_is_an_unsupported_formula():
    with pytest.raises(FormulaLimit, match="255"):
        parse("=SUM(" + ",".join(["1"] * 300) + ")", "Sheet")


def test_structured_reference_without_a_table_name_inside_no_table(tmp_path):
    """[@Cost] outside any table, and a bracket the parser cannot place, fail in their own
    cells only."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = 2
    workbook.active["B1"] = "=[@Cost]*2"
    workbook.active["C1"] = "=A1*3"
    path = tmp_path / "no-table.xlsx"
    workbook.save(path)
    report = recalculate(path, tmp_path / "out.xlsx")
    assert report.values["Sheet"]["B1"].code == "#NAME?"
    assert report.values["Sheet"]["C1"] == 6
