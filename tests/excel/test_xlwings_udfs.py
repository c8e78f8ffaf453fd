"""The xlwings face: every registry function is exposed with its description and argument docs."""

import importlib
import inspect
import subprocess
import sys
import types

import pytest

from xlfuncs.excel import xlwings_udfs as udfs
from xlfuncs.excel.registry import functions


def test_module_imports_on_linux_in_a_fresh_interpreter():
    result = subprocess.run([sys.executable, "-c", "import xlfuncs.udfs"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_registered_function_is_exposed_with_its_signature():
    for name, spec in functions().items():
        udf = getattr(udfs, name)
        assert name in udfs.__all__
        assert udf.__name__ == name
        assert udf.__doc__ == spec.description
        params = list(inspect.signature(udf).parameters.values())
        assert [p.name for p in params] == [a.name for a in spec.args]
        for param, arg in zip(params, spec.args, strict=True):
            assert (param.default is None) == arg.optional


class Recorder:
    """Captures what make_udf declares through xlwings' decorators."""

    def __init__(self):
        self.func_kwargs = None
        self.args = {}
        self.returned = None

    def func(self, **kwargs):
        def wrap(f):
            self.func_kwargs = kwargs
            return f

        return wrap

    def arg(self, name, **kwargs):
        def wrap(f):
            self.args[name] = kwargs
            return f

        return wrap

    def ret(self, **kwargs):
        def wrap(f):
            self.returned = kwargs
            return f

        return wrap


def test_decorators_receive_every_argument_doc():
    for spec in functions().values():
        record = Recorder()
        udfs.make_udf(spec, func=record.func, arg=record.arg, ret=record.ret)
        assert record.func_kwargs == {"category": "xlfuncs"}
        assert {name: kw["doc"] for name, kw in record.args.items()} == {a.name: a.doc for a in spec.args}
        for a in spec.args:
            assert record.args[a.name]["err_to_str"] is True, "error cells must not arrive blank"
            assert record.args[a.name].get("ndim") == (2 if a.kind in ("vector", "matrix") else None)
        assert record.returned == {}


@pytest.fixture
def classic_xlwings(monkeypatch):
    """xlwings' own classic UDF decorators, importable on Linux once the COM modules are stubbed."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        module = types.ModuleType(name)
        module.Dispatch = object
        module.CoInitialize = lambda: None
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    try:
        return importlib.import_module("xlwings.udfs")
    except Exception as exc:  # pragma: no cover - depends on the xlwings release
        pytest.skip(f"xlwings' classic UDF module does not import here: {exc}")


def test_classic_metadata_as_the_add_in_reads_it(classic_xlwings):
    for name, spec in functions().items():
        udf = udfs.make_udf(spec, func=classic_xlwings.xlfunc, arg=classic_xlwings.xlarg, ret=classic_xlwings.xlret)
        meta = udf.__xlfunc__
        assert meta["name"] == name
        assert meta["category"] == "xlfuncs"
        assert meta["ret"]["doc"] == spec.description
        assert [a["name"] for a in meta["args"]] == [a.name for a in spec.args]
        assert [a["doc"] for a in meta["args"]] == [a.doc for a in spec.args]
        optional = [a.name for a in spec.args if a.optional]
        assert [a["name"] for a in meta["args"] if "optional" in a] == optional


class TestClassicResults:
    def test_numbers(self):
        assert udfs.UNIT_COST(5_000_000, 1000) == pytest.approx(95.890410958904)
        assert udfs.LAC_RATE(345, 41000) == pytest.approx(84.146341463415)

    def test_omitted_optional_arrives_as_none(self):
        assert udfs.UNIT_COST(5_000_000, 1000, None) == udfs.UNIT_COST(5_000_000, 1000)

    def test_failure_is_text_beginning_with_the_error_value(self):
        text = udfs.UNIT_COST("five", 1000)
        assert text.startswith("#VALUE! UNIT_COST: annual_spend:")
        assert udfs.LAC_RATE(3, 0).startswith("#DIV/0! LAC_RATE: child_population:")
        assert udfs.UNIT_COST(1, 1, "fortnight").startswith("#N/A UNIT_COST: period:")
        # xlwings delivers an error cell as its text (err_to_str): typed again at the boundary
        assert udfs.UNIT_COST("#N/A", 1) == "#N/A UNIT_COST: annual_spend: holds #N/A"


def test_office_js_raises_so_excel_shows_the_message_on_hover(monkeypatch):
    monkeypatch.setattr(udfs, "OFFICE_JS", True)
    with pytest.raises(ValueError, match="#DIV/0! UNIT_COST: count"):
        udfs.UNIT_COST(5, 0)
