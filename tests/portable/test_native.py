"""Native forms: declared for every function, exercised by the native-calls workbook, and the
pieces they are built from (reading formula text, the limits of an Excel formula)."""

from __future__ import annotations

import pytest

from tests.fixtures import native_calls
from xlfuncs.excel.native import (
    MAX_FORMULA_CHARS,
    NativeArg,
    NativeCall,
    NoNativeForm,
    PerCell,
    check_limits,
    group,
    laid_out,
    literal_text,
    text_choice,
)
from xlfuncs.excel.registry import functions
from xlfuncs.portable.convert import convert_cell
from xlfuncs.portable.formula import describe, parse, parse_reference, render

#: The functions that have no form in Excel's own functions, and stay with xlfuncs.
WITHOUT_NATIVE = {
    "LAC_STOCKFLOW_SD", "LAC_STOCKFLOW_COST_SD",
    "CBA_STAY_PROFILE",
    "CBA_MC_NPV", "CBA_MC_NET_SAVINGS", "CBA_MC_PAYBACK", "CBA_TORNADO",
    "CBA_COHORT_MC", "CBA_COHORT_MC_PAYBACK", "CBA_COHORT_MC_CORREL", "CBA_COHORT_TORNADO",
    "SPEND_SHAPLEY",
}  # fmt: skip


def test_every_function_declares_its_native_form_or_why_it_has_none():
    registry = functions()
    for name, function in registry.items():
        assert function.native is not None, name
    without = {name for name, function in registry.items() if hasattr(function.native, "reason")}
    assert without == WITHOUT_NATIVE
    for name in without:
        call = NativeCall(name, {})
        with pytest.raises(NoNativeForm) as raised:
            registry[name].native(call)
        assert len(str(raised.value)) > 40


def test_the_native_calls_workbook_calls_every_function_with_a_native_form():
    assert set(functions()) - WITHOUT_NATIVE <= native_calls.functions_called()


def test_formula_text_round_trips_and_finds_calls():
    text = '=IF(A1>0,UNIT_COST(B2,{1,2;3,4},"week"),-SUM(C1:C3))&"x,y"'
    tree = parse(text)
    assert render(tree) == text[1:]
    call = next(item for item in tree[0].args[1] if getattr(item, "upper", "") == "UNIT_COST")
    assert len(call.args) == 3
    assert describe(call.args[1]).shape == (2, 2)
    assert describe(call.args[2]).literal == "week"
    assert describe(parse("=F(-2.5%)")[0].args[0]).literal == pytest.approx(-0.025)


def test_references_and_defined_names_are_described():
    ref = parse_reference("'My sheet'!$B$2:C9")
    assert (ref.prefix, ref.r1, ref.c1, ref.r2, ref.c2) == ("'My sheet'!", 2, 2, 9, 3)
    assert ref.part(1, 1).text == "'My sheet'!$C$3"
    found = describe(parse("=F(Stock)")[0].args[0], {"STOCK": "Model!$A$1:$A$24"})
    assert found.shape == (24, 1) and found.ref.text == "Model!$A$1:$A$24"
    assert describe(parse("=F([1]Data!A1)")[0].args[0]).external


def test_literals_and_grouping():
    assert literal_text((0.035, -0.5, 1)) == "{0.035,-0.5,1}"
    assert group("A1+B1") == "(A1+B1)" and group("Data!$A$1") == "Data!$A$1"


def test_a_text_choice_in_a_cell_is_matched_at_run_time():
    cell = NativeArg("period", "B3", shape=(1, 1), ref=parse_reference("B3"), default="week", optional=True)
    text = text_choice(cell, {"day": "1", "week": "7"}, "week")
    assert text == 'IF(ISBLANK(B3),7,CHOOSE(MATCH(TRIM(B3),{"day","week"},0),1,7))'
    typed = NativeArg("period", '"Day"', literal="Day", shape=(1, 1), default="week", optional=True)
    assert text_choice(typed, {"day": "1", "week": "7"}, "week") == "1"
    with pytest.raises(NoNativeForm, match='method "ets"'):
        text_choice(NativeArg("method", '"ets"', literal="ets"), {"ets": None, "linear": "1"}, "linear")


def test_excels_formula_limits():
    check_limits("1+" * 10 + "1")
    with pytest.raises(NoNativeForm, match="8,192 Excel allows"):
        check_limits("1" * MAX_FORMULA_CHARS)
    with pytest.raises(NoNativeForm, match="64 Excel allows"):
        check_limits("ABS(" * 65 + "1" + ")" * 65)


def test_a_small_result_is_one_formula_per_cell_where_the_call_fills_its_range():
    whole = laid_out(NativeCall("F", {}, rows=2, cols=1), [["MIN(A1:A3)"], ["MAX(A1:A3)"]], [("A1<0", "#NUM!")])
    assert isinstance(whole, PerCell)
    assert whole.cell(1, 0) == "IF(A1<0,#NUM!,MAX(A1:A3))" and whole.cell(2, 0) == "#N/A"
    inside = laid_out(NativeCall("F", {}), [["MIN(A1:A3)"], ["MAX(A1:A3)"]])
    assert inside == "CHOOSE({1;2},MIN(A1:A3),MAX(A1:A3))"


def test_cells_are_converted_inside_out_and_frozen_with_the_reason():
    registry = functions()
    live = convert_cell("S", (1, 1), "=UNIT_COST(UNIT_COST_WEEKLY(A1,B1)*52,C1)+1", None, registry, {})
    assert live.live and sorted(live.functions) == ["UNIT_COST", "UNIT_COST_WEEKLY"]
    (text, array), = live.formulas.values()
    assert "UNIT_COST" not in text and not array
    frozen = convert_cell("S", (1, 1), "=CBA_MC_NPV(A1:C1,A2:C2,A3:C3,A4:C4,A5:J5,A6:J6,A8:A10)", (1, 1, 3, 1), registry, {})
    assert not frozen.live and frozen.frozen_function == "CBA_MC_NPV" and "random" in frozen.reason
    left_out = convert_cell("S", (1, 1), "=UNIT_COST(A1)", None, registry, {})
    assert left_out.formulas[(1, 1)][0] == "#VALUE!"


def test_working_cells_are_made_once_per_key_and_taken_back_when_a_cell_is_frozen():
    from xlfuncs.excel.native import HelperCell, HelperCells

    helpers = HelperCells(first_row=1, first_col=5)
    made = []

    def fill(row, col):
        made.append((row, col))
        return f"R{row}C{col}", [HelperCell(row, col, value="heading"), HelperCell(row + 1, col, formula="1+1")]

    assert helpers.block("model", 2, 1, fill) == "R1C5"
    assert helpers.block("model", 2, 1, fill) == "R1C5" and made == [(1, 5)]
    point = helpers.checkpoint()
    assert helpers.block("other", 2, 1, fill) == "R4C5"
    helpers.restore(point)
    assert len(helpers.cells) == 2 and "other" not in helpers.blocks
    assert helpers.block("other", 2, 1, fill) == "R4C5"
    with pytest.raises(NoNativeForm, match="do not fit on the sheet"):
        HelperCells(first_row=1, first_col=16_380).block("wide", 2, 61, fill)


def test_the_projection_is_frozen_where_it_has_nowhere_to_put_its_working_cells():
    registry = functions()
    formula = "=LAC_STOCKFLOW_PROJECT(A1:A2,B1:C2,D1:D2,E1:E2,F1:F3)"
    nowhere = convert_cell("S", (1, 8), formula, (1, 8, 3, 9), registry, {})
    assert not nowhere.live and "working cells" in nowhere.reason
    from xlfuncs.excel.native import HelperCells

    helpers = HelperCells(first_row=1, first_col=12)
    live = convert_cell("S", (1, 8), formula, (1, 8, 3, 9), registry, {}, helpers)
    assert live.live and set(live.spans.values()) == {(1, 8, 1, 9), (2, 8, 2, 9), (3, 8, 3, 9)}
    assert helpers.cells[0].col == 12 and "working cells" in helpers.cells[0].value
