"""The compiled evaluator: agrees with LibreOffice, with the `formulas` engine, and with itself
when many input sets are evaluated in one vector pass."""

import math
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from xlfuncs.engine import WorkbookError, recalculate
from xlfuncs.engine.recalc import Workbook
from xlfuncs.xlsx.package import open_package

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
sys.path.insert(0, str(FIXTURES))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import council_model  # noqa: E402

from tests.fixtures import make_functions_workbook  # noqa: E402


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.fixture(scope="module")
def functions_workbook(tmp_path_factory):
    return make_functions_workbook.build(tmp_path_factory.mktemp("fx") / "standard_functions.xlsx")


def _contents(path):
    sheet = openpyxl.load_workbook(path)["Data"]
    return [[getattr(c.value, "text", c.value) for c in row] for row in sheet.iter_rows()]


def test_committed_fixture_is_current(functions_workbook):
    assert _contents(FIXTURES / "standard_functions.xlsx") == _contents(functions_workbook)


def test_every_standard_function_agrees_with_libreoffice(functions_workbook, libreoffice_values, recalculated):
    report, mine = recalculated(functions_workbook)
    assert report.engine == "compiled"
    theirs = libreoffice_values(functions_workbook)
    compared = 0
    for row in mine["Data"].iter_rows():
        for cell in row:
            other = theirs["Data"][cell.coordinate].value
            assert _same(cell.value, other), f"{cell.coordinate}: {cell.value!r} vs LibreOffice {other!r}"
            compared += 1
    assert compared > 500


def test_compiled_and_formulas_engines_agree(tmp_path):
    model = council_model.build(tmp_path / "model.xlsx", councils=12)
    compiled, _ = Workbook(model, engine="compiled").calculate()
    reference, _ = Workbook(model, engine="formulas").calculate()
    compared = 0
    for sheet, cells in reference.items():
        for ref, value in cells.items():
            if ref in compiled.get(sheet, {}):
                assert _same(compiled[sheet][ref], value), f"{sheet}!{ref}: {compiled[sheet][ref]!r} vs {value!r}"
                compared += 1
    assert compared > 300


def test_vector_pass_equals_one_input_set_at_a_time(tmp_path):
    model = council_model.build(tmp_path / "model.xlsx", councils=15)
    book = Workbook(model, engine="compiled").compiled
    rng = np.random.default_rng(3)
    growth = rng.uniform(-0.05, 0.1, 9)
    discount = np.r_[rng.uniform(0.01, 0.05, 8), -1.0]  # the last set divides by zero in NPV
    vals, _ = book.evaluate({("Assumptions", 1, 2): growth, ("Assumptions", 3, 2): discount}, scenarios=9)
    for s in range(9):
        single, _ = book.evaluate({("Assumptions", 1, 2): float(growth[s]), ("Assumptions", 3, 2): float(discount[s])})
        for key, value in single.items():
            vector = vals[key]
            got = vector[s] if isinstance(vector, np.ndarray) else vector
            assert _same(got, value) or got is value, f"set {s} {key}: {got!r} vs {value!r}"


def test_circular_reference_is_refused_naming_a_cell(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "=B1+1"
    workbook.active["B1"] = "=A1*2"
    workbook.active["C1"] = "=A1+1"  # downstream of the cycle, not part of it
    path = tmp_path / "circular.xlsx"
    workbook.save(path)
    with pytest.raises(WorkbookError, match=r"circular reference through Sheet!A1, Sheet!B1; xlfuncs"):
        Workbook(path, engine="compiled").calculate()


def test_standard_function_the_evaluator_lacks_is_borrowed(tmp_path):
    """FACT is not in the evaluator's own library: the borrowed library computes it, in the
    compiled evaluator, for the whole workbook."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = 2
    workbook.active["A2"] = "=FACT(A1+2)"
    path = tmp_path / "fact.xlsx"
    workbook.save(path)
    book = Workbook(path)
    assert book.engine == "compiled"
    values, _ = book.calculate()
    assert values["Sheet"]["A2"] == 24


def test_unknown_function_gives_name_error_and_the_rest_recalculates(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = 2
    workbook.active["A2"] = "=NO_SUCH_FUNCTION(A1)"
    workbook.active["A3"] = "=A1*10"
    workbook.active["A4"] = "=IFERROR(A2,-1)"
    path = tmp_path / "unknown.xlsx"
    workbook.save(path)
    report = recalculate(path, tmp_path / "out.xlsx")
    assert report.unknown_functions == ["NO_SUCH_FUNCTION"]
    assert report.values["Sheet"]["A2"].code == "#NAME?"
    assert report.values["Sheet"]["A3"] == 20
    assert report.values["Sheet"]["A4"] == -1
    assert "NO_SUCH_FUNCTION" in report.errors["Sheet!A2"]


def test_package_lists_sheets(functions_workbook):
    assert list(open_package(functions_workbook).sheets) == ["Data"]


def test_sheet_level_names_shadow_workbook_names(tmp_path):
    from openpyxl.workbook.defined_name import DefinedName

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "North"
    second = workbook.create_sheet("South")
    first["A1"], second["A1"] = 10, 20
    workbook.defined_names["Rate"] = DefinedName("Rate", attr_text="North!$A$1")
    second.defined_names["Rate"] = DefinedName("Rate", attr_text="South!$A$1")
    first["B1"] = "=Rate*2"
    second["B1"] = "=Rate*2"
    path = tmp_path / "names.xlsx"
    workbook.save(path)
    values, _ = Workbook(path, engine="compiled").calculate()
    assert (values["North"]["B1"], values["South"]["B1"]) == (20, 40)
    # The formulas package reads workbook-level names only: refused, not silently wrong.
    with pytest.raises(WorkbookError, match="the name RATE is defined for sheet South only"):
        Workbook(path, engine="formulas")


def test_circular_reference_is_iterated_when_the_workbook_asks(tmp_path):
    """A1 = (A1 + 10) / 2 converges to 10; Excel stops at the workbook's maximum change."""
    workbook = openpyxl.Workbook()
    workbook.calculation.iterate = True
    workbook.calculation.iterateCount = 100
    workbook.calculation.iterateDelta = 0.0001
    workbook.active["A1"] = "=(A1+10)/2"
    workbook.active["B1"] = "=A1*2"
    path = tmp_path / "iterate.xlsx"
    workbook.save(path)
    values, _ = Workbook(path).calculate()
    assert abs(values["Sheet"]["A1"] - 10) < 0.001
    assert abs(values["Sheet"]["B1"] - 20) < 0.002


def test_cycle_not_followed_at_run_time_is_calculated(tmp_path):
    """B1 refers to C1 and C1 to B1, but the IF never takes that branch: Excel calculates it."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = False
    workbook.active["B1"] = "=IF(A1,C1,1)"
    workbook.active["C1"] = "=B1+1"
    path = tmp_path / "conditional.xlsx"
    workbook.save(path)
    values, _ = Workbook(path).calculate()
    assert (values["Sheet"]["B1"], values["Sheet"]["C1"]) == (1, 2)


def _named_workbook(tmp_path, names: dict[str, str], cells: dict[str, object], iterate: bool = False, local: dict | None = None):
    from openpyxl.workbook.defined_name import DefinedName

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    if iterate:
        workbook.calculation.iterate = True
        workbook.calculation.iterateCount = 50
        workbook.calculation.iterateDelta = 0.0001
    for name, text in names.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=text)
    for name, text in (local or {}).items():
        sheet.defined_names[name] = DefinedName(name, attr_text=text)
    for ref, value in cells.items():
        sheet[ref] = value
    path = tmp_path / "names.xlsx"
    workbook.save(path)
    return path


def test_names_of_every_kind(tmp_path):
    path = _named_workbook(
        tmp_path,
        {"Rate": "Data!$A$1", "Doubled": "Rate*2", "Label": '"kept"', "Total": "SUM(Data!$A$1:$A$3)", "Gone": "Data!#REF!"},
        {"A1": 2, "A2": 3, "A3": 5, "B1": "=Doubled+1", "B2": "=Label", "B3": "=Total", "B4": "=Gone", "B5": "=Missing",
         "B6": "=SUM(A1:A3 A2:B2)", "B7": "=SUM(A1:A2:A3)", "B8": "=SUM(A1:INDEX(A1:A3,2))", "B9": "=Local*10",
         "C1": "=SUM((A1,A3))"},
        local={"Local": "Data!$A$3+1"},
    )
    values, _ = Workbook(path).calculate()
    data = values["Data"]
    assert (data["B1"], data["B2"], data["B3"]) == (5, "kept", 10)
    assert (data["B4"].code, data["B5"].code) == ("#REF!", "#NAME?")
    assert (data["B6"], data["B7"], data["B8"], data["B9"], data["C1"]) == (3, 10, 5, 60, 7)


def test_self_referring_name_is_a_circular_reference(tmp_path):
    path = _named_workbook(tmp_path, {"Again": "Again+1"}, {"A1": "=Again"})
    with pytest.raises(WorkbookError, match="circular reference through name AGAIN"):
        Workbook(path).calculate()


def test_self_referring_name_is_iterated_when_the_workbook_asks(tmp_path):
    path = _named_workbook(tmp_path, {"Half": "(Half+Data!$B$1)/2"}, {"A1": "=Half", "B1": 8}, iterate=True)
    values, _ = Workbook(path).calculate()
    assert abs(values["Data"]["A1"] - 8) < 0.001


def test_structured_references(tmp_path):
    from openpyxl.worksheet.table import Table, TableColumn

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    rows = [("Council", "Cost", "Children"), ("A", 100, 4), ("B", 250, 5), ("C", 90, 3)]
    for row in rows:
        sheet.append(row)
    table = Table(displayName="Spend", ref="A1:C4")
    table.tableColumns = [TableColumn(id=i + 1, name=n) for i, n in enumerate(rows[0])]
    sheet.add_table(table)
    for r in range(2, 5):
        sheet[f"D{r}"] = "=Spend[[#This Row],[Cost]]/Spend[@Children]"
    sheet["F1"] = "=SUM(Spend[Cost])"
    sheet["F2"] = "=COUNTA(Spend[#All])"
    sheet["F3"] = "=SUM(Spend[[Cost]:[Children]])"
    sheet["F4"] = "=INDEX(Spend[#Headers],2)"
    path = tmp_path / "tables.xlsx"
    workbook.save(path)
    values, _ = Workbook(path).calculate()
    data = values["Data"]
    assert [data[f"D{r}"] for r in range(2, 5)] == [25, 50, 30]
    assert (data["F1"], data["F2"], data["F3"], data["F4"]) == (440, 12, 452, "Cost")


def test_offset_and_indirect_read_cells_computed_after_them(tmp_path):
    """OFFSET and INDIRECT find their cells at run time: the cells they read are computed
    first, wherever they sit in the sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet["A1"] = "=SUM(OFFSET(B1,1,0,3,1))"
    sheet["A2"] = '=INDIRECT("B" & 3)*10'
    sheet["A3"] = '=IFERROR(INDIRECT("Nowhere!B2"),"none")'
    for r in range(2, 5):
        sheet[f"B{r}"] = f"=C{r}*2"
        sheet[f"C{r}"] = r
    path = tmp_path / "dynamic.xlsx"
    workbook.save(path)
    values, _ = Workbook(path).calculate()
    assert (values["Data"]["A1"], values["Data"]["A2"], values["Data"]["A3"]) == (18, 60, "none")
