"""One way a call fails: the same bad input gives the same error value and the same words in
every host (the registry, xlwings classic, xlwings Office.js, the compiled evaluator and the
``formulas`` fallback), and error values stay typed from evaluation to the file."""

from __future__ import annotations

import zipfile
from typing import Any

import numpy as np
import openpyxl
import pytest
from lxml import etree

from xlfuncs.engine import recalculate
from xlfuncs.excel.errors import DIV0, ERRORS, NA, ErrorValue, ExcelError
from xlfuncs.excel.registry import ExcelFunction, functions

FUNCTIONS = functions()


def typical(spec: ExcelFunction) -> list[Any]:
    out: list[Any] = []
    for arg in spec.args:
        if arg.optional:
            break
        if arg.kind == "vector":
            out.append([[100.0], [104.0], [109.0], [115.0], [118.0]])
        elif arg.kind == "matrix":
            out.append([[100.0, 50.0], [104.0, 52.0], [109.0, 55.0]])
        elif arg.kind == "text":
            out.append(arg.choices[0] if arg.choices else "x")
        elif arg.kind == "flag":
            out.append(True)
        else:
            out.append(1.0)
    return out


def failing_calls(spec: ExcelFunction) -> list[tuple[str, list[Any]]]:
    """Calls of ``spec`` that fail in argument coercion: an error value, and text where a number
    belongs, in each required argument."""
    calls = []
    base = typical(spec)
    for position, arg in enumerate(spec.args[: len(base)]):
        upstream = list(base)
        upstream[position] = DIV0 if arg.kind in ("number", "text", "flag") else [[1.0], [DIV0], [3.0]]
        calls.append((f"{arg.name} holds #DIV/0!", upstream))
        if arg.kind in ("number", "vector", "matrix"):
            text = list(base)
            text[position] = "five" if arg.kind == "number" else [["five"], [2.0], [3.0]]
            calls.append((f"{arg.name} holds text", text))
    calls.append(("too many arguments", base + [1.0] * (len(spec.args) - len(base) + 1)))
    return calls


def registry_host(spec, args):
    try:
        spec(*args)
    except ExcelError as exc:
        return exc.code, exc.text
    return None


def classic_host(spec, args):
    """xlwings classic: error cells arrive as their text (err_to_str), failures go back as text."""
    import xlfuncs.excel.xlwings_udfs as udfs

    def as_xlwings(v):
        if type(v) is ErrorValue:
            return v.code
        if isinstance(v, list):
            return [as_xlwings(x) for x in v]
        return v

    text = getattr(udfs, spec.name)(*[as_xlwings(a) for a in args])
    assert isinstance(text, str), text
    return text.split(" ", 1)[0], text


def office_js_host(spec, args, monkeypatch):
    import xlfuncs.excel.xlwings_udfs as udfs

    monkeypatch.setattr(udfs, "OFFICE_JS", True)
    try:
        with pytest.raises(ValueError) as raised:
            getattr(udfs, spec.name)(*args)
    finally:
        monkeypatch.setattr(udfs, "OFFICE_JS", False)
    text = str(raised.value)
    return text.split(" ", 1)[0], text


def compiled_host(spec, args):
    from xlfuncs.engine.evaluator import Env, _registry_call
    from xlfuncs.engine.values import Rng

    def engine_value(v):
        if isinstance(v, list):
            rows = v if isinstance(v[0], list) else [v]
            return Rng(np.array(rows, dtype=object))
        return v

    env = Env({}, {})
    env.label = "S!A1"
    values = [engine_value(a) for a in args]
    call = _registry_call(spec, [lambda e, v=v: v for v in values], array=spec.returns == "array")
    result = call(env)
    assert type(result) is ErrorValue, result
    return result.code, env.messages["S!A1"]


def formulas_host(spec, args):
    import schedula as sh
    from formulas.tokens.operand import Error, XlError

    from xlfuncs.engine import formulas_bridge as bridge

    def engine_value(v):
        def cell(x):
            if x is None:
                return sh.EMPTY
            if type(x) is ErrorValue:
                return Error.errors[x.code]
            return x

        if isinstance(v, list):
            rows = v if isinstance(v[0], list) else [v]
            return np.array([[cell(x) for x in row] for row in rows], dtype=object)
        if type(v) is ErrorValue:
            return np.array([[cell(v)]], dtype=object)
        return v

    log: dict[str, str] = {}
    token_log, token_cell = bridge.messages.set(log), bridge.current_cell.set("S!A1")
    try:
        result = bridge.engine_function(spec)(*[engine_value(a) for a in args])
    finally:
        bridge.messages.reset(token_log)
        bridge.current_cell.reset(token_cell)
    item = np.asarray(result, dtype=object).flat[0]
    assert isinstance(item, XlError), result
    return str(item), log["S!A1"]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_host_gives_the_same_error_and_words(name, monkeypatch):
    spec = FUNCTIONS[name]
    for what, args in failing_calls(spec):
        expected = registry_host(spec, args)
        assert expected is not None, f"{name} with {what} did not fail"
        code, text = expected
        assert text.startswith(f"{code} {name}: "), text
        if "holds" in what and "too many" not in what:
            assert what.split(" holds")[0] in text, text
        hosts = {
            "xlwings classic": classic_host(spec, args),
            "xlwings Office.js": office_js_host(spec, args, monkeypatch),
            "compiled evaluator": compiled_host(spec, args),
            "formulas": formulas_host(spec, args),
        }
        for host, got in hosts.items():
            assert got == expected, f"{name} with {what}: {host} gave {got}, registry {expected}"


def test_an_upstream_error_names_the_argument():
    with pytest.raises(ExcelError) as caught:
        FUNCTIONS["UNIT_COST"](DIV0, 10)
    assert caught.value.text == "#DIV/0! UNIT_COST: annual_spend: holds #DIV/0!"


@pytest.fixture()
def workbook(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet["A1"] = "=1/0"
    sheet["B1"] = "=UNIT_COST(A1,10)"
    sheet["C1"] = '="#N/A"'
    sheet["D1"] = "=ISTEXT(C1)"
    sheet["E1"] = "=ISERROR(C1)"
    path = tmp_path / "errors.xlsx"
    book.save(path)
    return path


def cell_xml(path, ref: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    return root.find(f".//m:c[@r='{ref}']", ns)


@pytest.mark.parametrize("engine", ["compiled", "formulas"])
def test_a_workbook_gives_the_same_message_in_both_engines(workbook, tmp_path, engine):
    report = recalculate(workbook, tmp_path / f"{engine}.xlsx", engine=engine)
    assert report.engine == engine
    assert report.errors["S!B1"] == "#DIV/0! UNIT_COST: annual_spend: holds #DIV/0!"
    assert report.values["S"]["A1"] is DIV0 and report.values["S"]["B1"] is DIV0


@pytest.mark.parametrize("engine", ["compiled", "formulas"])
def test_text_that_reads_like_an_error_stays_text(workbook, tmp_path, engine):
    out = tmp_path / f"{engine}.xlsx"
    report = recalculate(workbook, out, engine=engine)
    assert report.values["S"]["C1"] == "#N/A" and type(report.values["S"]["C1"]) is str
    assert report.values["S"]["D1"] is True and report.values["S"]["E1"] is False
    c1 = cell_xml(out, "C1")
    assert c1.get("t") == "str" and c1.findtext("{*}v") == "#N/A"
    b1 = cell_xml(out, "B1")
    assert b1.get("t") == "e" and b1.findtext("{*}v") == "#DIV/0!"
    assert "S!C1" not in report.errors


def test_error_values_are_one_instance_per_code():
    import copy
    import pickle

    assert ERRORS["#N/A"] is NA
    assert copy.deepcopy(NA) is NA and pickle.loads(pickle.dumps(NA)) is NA
    assert NA != "#N/A"
