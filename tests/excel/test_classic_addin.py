"""The classic add-in (Windows desktop Excel), checked against the xlwings that is installed:
the VBA it ships, the VBA it generates for every function, and its own call path and
converters (``tests/support/xlwings_classic.py`` says how they run on Linux)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.support.arguments import as_row, outcome, working_arguments
from tests.support.xlwings_classic import (
    COM_ERRORS,
    MISSING,
    classic_excel,
    config_keys_read_by_xlwings,
)
from xlfuncs.excel import addin
from xlfuncs.excel.registry import functions

FUNCTIONS = functions()

#: VBA keywords and the VBA library's functions and statements: a parameter of one of these
#: names either does not compile or shadows the built-in inside the wrapper.
VBA_NAMES = frozenset(
    """abs and any array as asc atn attribute base binary boolean byref byte byval call case cbool
    cbyte ccur cdate cdbl cdec cdecl chdir chdrive choose chr cint circle clng clnglng clngptr close
    command compare const cos createobject csng cstr currency curdir cvar cverr date dateadd datediff
    datepart dateserial datevalue day ddb debug decimal declare defbool defbyte defcur defdate defdbl
    defdec defint deflng deflnglng deflngptr defobj defsng defstr defvar dim dir do doevents double
    each else elseif empty end endif enum environ eof eqv erase err error event exit exp explicit
    false filecopy fileattr filedatetime filelen filter fix for format freefile friend function fv
    get getattr getobject global gosub goto hex hour if iif imp implements in input inputb inputbox
    instr instrrev int integer ipmt irr is isarray isdate isempty iserror ismissing isnull
    isnumeric isobject join kill lbound lcase left len let lib like line load loc local lock lof
    log long longlong longptr loop lset ltrim me mid minute mirr mkdir mod month msgbox name new
    next not nothing now nper npv null object oct on open option optional or paramarray partition
    pmt ppmt preserve print private property public put pv qbcolor raiseevent randomize rate
    redim rem replace reset resume return rgb right rmdir rnd round rset rtrim savepicture second
    seek select sendkeys set setattr sgn shell sin single sln space spc split sqr static step stop
    str strcomp strconv string strreverse sub switch syd tab tan then time timer timeserial
    timevalue to trim true type typename typeof ubound ucase unload unlock until val variant
    vartype wend weekday while width with withevents write xor year""".split()
)
#: Names the wrapper's own body uses (generate_vba_wrapper): a parameter must not hide them.
WRAPPER_NAMES = frozenset({"application", "xlpy", "activeworkbook", "thisworkbook", "failed", "argsarray", "k"})
A1_REFERENCE = re.compile(r"^[A-Z]{1,3}[0-9]{1,7}$")
R1C1_REFERENCE = re.compile(r"^R[0-9]*C[0-9]*$")


# --- the config -------------------------------------------------------------------------


def test_every_key_we_write_is_one_xlwings_reads():
    read = {key.upper() for key in config_keys_read_by_xlwings()}
    assert "UDF MODULES" in read and "INTERPRETER_WIN" in read, "xlwings renamed its config keys"
    assert {key.upper() for key in addin.written_keys()} <= read


def test_a_config_written_with_the_wrong_key_is_repaired(tmp_path):
    path = tmp_path / "xlwings.conf"
    path.write_text('"UDF_MODULES","budget_tools;xlfuncs.udfs"\n"udf modules","other_tools"\n"CONDA PATH","C:\\conda"\n')
    addin.write_config(path, interpreter="C:\\py\\python.exe")
    lines = path.read_text().splitlines()
    assert lines == [
        '"UDF MODULES","budget_tools;xlfuncs.udfs;other_tools"',
        '"CONDA PATH","C:\\conda"',
        '"INTERPRETER_WIN","C:\\py\\python.exe"',
    ]


def test_a_missing_config_is_created_and_a_read_only_one_is_left_alone(tmp_path):
    fresh = tmp_path / "new" / "xlwings.conf"
    addin.write_config(fresh, interpreter="python")
    assert '"UDF MODULES","xlfuncs.udfs"' in fresh.read_text()
    locked = tmp_path / "locked.conf"
    locked.write_text('"SHOW CONSOLE","True"\n')
    locked.chmod(0o444)
    try:
        if locked.stat().st_mode & 0o200 == 0 and not __import__("os").access(locked, __import__("os").W_OK):
            with pytest.raises(addin.AddinError, match="read-only"):
                addin.write_config(locked, interpreter="python")
            assert locked.read_text() == '"SHOW CONSOLE","True"\n'
    finally:
        locked.chmod(0o644)


# --- the VBA xlwings generates ---------------------------------------------------------------


@pytest.fixture(scope="module")
def classic(request):
    monkeypatch = pytest.MonkeyPatch()
    with classic_excel(monkeypatch) as excel:
        yield excel
    monkeypatch.undo()


def signatures(vba: str) -> dict[str, list[str]]:
    found = {}
    for name, params in re.findall(r"^Function (\w+)\((.*)\)$", vba, flags=re.M):
        found[name] = [p.strip() for p in params.split(",") if p.strip()]
    return found


def test_the_generated_vba_declares_every_function_validly(classic):
    vba = classic.vba()
    declared = signatures(vba)
    assert set(declared) == set(FUNCTIONS)
    assert max(len(line) for line in vba.splitlines()) <= 1023, "VBA lines stop at 1,023 characters"
    for name, params in declared.items():
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", name), name
        assert name.lower() not in VBA_NAMES, name
        assert not A1_REFERENCE.match(name) and not R1C1_REFERENCE.match(name), f"{name} reads as a cell"
        seen_optional = False
        for param in params:
            optional = param.startswith("Optional ")
            bare = param.removeprefix("Optional ")
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", bare), (name, bare)
            assert bare.lower() not in VBA_NAMES, f"{name}: argument {bare} is a VBA keyword or built-in"
            assert bare.lower() not in WRAPPER_NAMES, f"{name}: argument {bare} hides a name the wrapper uses"
            assert bare.lower() != name.lower()
            assert not (seen_optional and not optional), f"{name}: required {bare} after an optional one"
            seen_optional = seen_optional or optional
        spec = FUNCTIONS[name]
        assert [p.removeprefix("Optional ") for p in params] == [a.name for a in spec.args]
        assert [p.startswith("Optional ") for p in params] == [a.optional for a in spec.args]


def test_descriptions_fit_the_function_wizard(classic):
    """xlwings cuts descriptions at 255 characters when it registers them (MacroOptions)."""
    for name in FUNCTIONS:
        meta = getattr(classic.udfs, name).__xlfunc__
        assert len(meta["ret"]["doc"]) <= 255, name
        assert all(len(a["doc"]) <= 255 for a in meta["args"]), name


# --- the call path: xlwings' call_udf and converters ------------------------------------------


def com_value(value):
    """A cell or range as COM hands it to the COM server: 2-D tuples, error cells as integers."""
    if isinstance(value, list):
        rows = value if value and isinstance(value[0], list) else [value]
        return tuple(tuple(com_value(v) for v in row) for row in rows)
    if isinstance(value, str) and value in COM_ERRORS:
        return COM_ERRORS[value]
    return value


def cell_shown(result):
    """What the cell shows: the value or the error's text (a 1x1 result is a scalar)."""
    rows = result if isinstance(result, list) else [[result]]
    if len(rows) == 1 and len(rows[0]) == 1 and isinstance(rows[0][0], str):
        return ("error", rows[0][0])
    return ("value", [[float(v) for v in row] for row in rows])


def shapes(spec, args):
    """The argument list again with each range argument in turn as a column, a row and 1x1."""
    yield "columns", args
    for position, arg in enumerate(spec.args[: len(args)]):
        if arg.kind not in ("vector", "matrix") or not isinstance(args[position], list):
            continue
        forms = {"row": as_row(args[position]), "one cell": [[args[position][0][0]]]}
        if arg.kind == "matrix":
            forms["one column"] = [[row[0]] for row in args[position]]
        for form, value in forms.items():
            changed = list(args)
            changed[position] = value
            yield f"{arg.name} as {form}", changed


def expected(spec, args):
    kind, value = outcome(spec, args)
    if kind == "value" and spec.returns == "scalar":
        value = [[value]]
    return kind, value


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_range_reaches_the_method_as_the_user_selected_it(classic, name):
    spec = FUNCTIONS[name]
    args = working_arguments(spec)
    for what, form in shapes(spec, args):
        optional = [MISSING] * (len(spec.args) - len(form))
        got = cell_shown(classic.call(name, *[com_value(a) for a in form], *optional))
        want = expected(spec, form)
        if want[0] == "value":
            assert got[0] == "value", f"{name} with {what}: {got}"
            assert np.shape(got[1]) == np.shape(want[1]), f"{name} with {what}: shape {np.shape(got[1])}"
            np.testing.assert_allclose(got[1], want[1], rtol=1e-12, atol=1e-12, err_msg=f"{name} with {what}")
        else:
            assert got == want, f"{name} with {what}"


def test_an_error_cell_in_a_range_arrives_as_an_error_not_a_blank(classic):
    # AVERAGE-style skipping would silently drop a blank; an error must propagate.
    result = classic.call("LAC_SUMMARY", ((10.0,), (COM_ERRORS["#DIV/0!"],), (12.0,)), MISSING)
    assert cell_shown(result) == ("error", "#DIV/0! LAC_SUMMARY: values: holds #DIV/0!")
    result = classic.call("UNIT_COST", COM_ERRORS["#N/A"], 1000.0, MISSING)
    assert cell_shown(result) == ("error", "#N/A UNIT_COST: annual_spend: holds #N/A")


def test_a_column_of_councils_is_read_as_councils(classic):
    """SPEND_NEIGHBOURS over a 7x1 column: seven councils with one driver, not one council."""
    column = tuple((v,) for v in (1.0, 3.0, 2.0, 7.0, 5.0, 4.0, 6.0))
    result = classic.call("SPEND_NEIGHBOURS", column, 2.0, MISSING)
    assert cell_shown(result)[0] == "value" and len(result) == 7


def test_an_omitted_optional_argument_takes_its_default(classic):
    assert classic.call("UNIT_COST", 5e6, 1000.0, MISSING) == classic.call("UNIT_COST", 5e6, 1000.0, "week")


def test_a_million_cells_give_the_declared_error_quickly(classic):
    column = tuple((1.0,) for _ in range(1_048_577))
    result = classic.call("LAC_SUMMARY", column, MISSING)
    kind, text = cell_shown(result)
    assert kind == "error" and text.startswith("#N/A LAC_SUMMARY: values:"), text
