"""xlwings' classic (Windows COM) UDF path, run on Linux from xlwings' own shipped code.

Windows desktop Excel calls a UDF through the VBA wrapper that ``xlwings.udfs.generate_vba_wrapper``
writes, which calls ``xlwings.udfs.call_udf`` in the COM server. Nothing of that needs Excel to
run except the COM modules and the Windows engine module ``xlwings._xlwindows`` (which loads
``windll``). Here:

* ``pythoncom``, ``pywintypes``, ``win32com`` are stand-ins with the few names the import needs;
* ``xlwings._xlwindows`` is a stand-in module into which the value-cleaning code of the real
  ``xlwings/_xlwindows.py`` shipped in the installed xlwings is loaded (``cell_errors``,
  ``_clean_value_data_element`` and the ``Engine`` class's cleaning methods, taken from its
  source, unchanged), registered as the ``excel`` engine;
* everything else is xlwings itself: its decorators (``xlfunc`` / ``xlarg`` / ``xlret``), its
  converters (``conversion.read`` / ``write``), ``call_udf`` and ``generate_vba_wrapper``.

Values arrive as COM delivers them: numbers as floats, an error cell as the integer COM uses
(``-2146826281`` for #DIV/0!), an omitted optional argument as ``-2147352572``.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import importlib
import io
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlwings

#: What COM hands VBA for an error cell, by Excel error value (xlwings/_xlwindows.py).
COM_ERRORS = {
    "#DIV/0!": -2146826281,
    "#N/A": -2146826246,
    "#NAME?": -2146826259,
    "#NULL!": -2146826288,
    "#NUM!": -2146826252,
    "#REF!": -2146826265,
    "#VALUE!": -2146826273,
}
#: What COM hands for an omitted optional argument (DISP_E_PARAMNOTFOUND).
MISSING = -2147352572

XLWINGS = Path(xlwings.__file__).resolve().parent


def _windows_cleaning_code() -> types.ModuleType:
    """The stand-in ``xlwings._xlwindows``, holding the real module's value-cleaning code."""
    source = (XLWINGS / "_xlwindows.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    wanted = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "cell_errors" for t in node.targets
        ):
            wanted.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name == "_clean_value_data_element":
            wanted.append(node)
        elif isinstance(node, ast.ClassDef) and node.name == "Engine":
            node.body = [
                n
                for n in node.body
                if isinstance(n, ast.FunctionDef)
                and n.name in ("name", "type", "prepare_xl_data_element", "clean_value_data")
            ]
            wanted.append(node)
    module = types.ModuleType("xlwings._xlwindows")
    module.__dict__.update(
        time_types=(dt.date, dt.datetime),
        _com_time_to_datetime=lambda value, builder: value,
        _datetime_to_com_time=lambda value: value,
        pd=None,
        np=__import__("numpy"),
    )
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(XLWINGS / "_xlwindows.py"), "exec"), module.__dict__)

    class Range:  # the caller cell: only constructed by call_udf, not read
        def __init__(self, xl=None):
            self.xl = xl

    module.Range = Range
    module.is_range_instance = lambda value: False
    module.BOOK_CALLER = None
    return module


def _com_stand_ins() -> dict[str, types.ModuleType]:
    modules = {}
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        module = types.ModuleType(name)
        module.Dispatch = object
        module.CoInitialize = lambda: None
        module.com_error = type("com_error", (Exception,), {})
        modules[name] = module
    server = types.ModuleType("xlwings.com_server")
    server.loop = None
    modules["xlwings.com_server"] = server
    return modules


class ClassicExcel:
    """xlwings' classic UDF machinery, importable and callable on Linux."""

    def __init__(self, udfs: types.ModuleType, classic: types.ModuleType, module_name: str):
        self.udfs = udfs  # the module of xlwings-decorated functions, as Excel imports it
        self.xlwings_udfs = classic  # xlwings.udfs
        self.module_name = module_name

    def call(self, name: str, *args: Any) -> Any:
        """What the cell receives: ``call_udf`` as the VBA wrapper calls it, args as COM sends them."""
        return self.xlwings_udfs.call_udf(self.module_name, name, tuple(args), None, None)

    def vba(self) -> str:
        """The VBA module xlwings writes into the add-in for these functions."""
        out = io.StringIO()
        workbook = types.SimpleNamespace(Name="xlfuncs.xlam")
        self.xlwings_udfs.generate_vba_wrapper(self.module_name, self.udfs, out, workbook)
        return out.getvalue()


@contextlib.contextmanager
def classic_excel(monkeypatch) -> Iterator[ClassicExcel]:
    """The xlfuncs functions as the classic add-in serves them (``UDF MODULES = xlfuncs.udfs``)."""
    for name, module in _com_stand_ins().items():
        monkeypatch.setitem(sys.modules, name, module)
    windows = _windows_cleaning_code()
    monkeypatch.setitem(sys.modules, "xlwings._xlwindows", windows)
    monkeypatch.setattr(xlwings, "_xlwindows", windows, raising=False)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    classic = importlib.import_module("xlwings.udfs")
    engine = xlwings.main.Engine(impl=windows.Engine())
    monkeypatch.setattr(xlwings.engines, "engines", [*xlwings.engines.engines, engine])
    monkeypatch.setattr(xlwings.engines, "engines_by_name", {**xlwings.engines.engines_by_name, "excel": engine})

    from xlfuncs.excel import xlwings_udfs
    from xlfuncs.excel.registry import functions

    module_name = "xlfuncs.udfs"
    served = types.ModuleType(module_name)
    served.__file__ = xlwings_udfs.__file__
    for name, spec in functions().items():
        setattr(served, name, xlwings_udfs.make_udf(spec, func=classic.xlfunc, arg=classic.xlarg, ret=classic.xlret))
    monkeypatch.setitem(sys.modules, module_name, served)
    classic.udf_modules.pop(module_name, None)
    try:
        yield ClassicExcel(served, classic, module_name)
    finally:
        classic.udf_modules.pop(module_name, None)
        sys.modules.pop("xlwings.udfs", None)


def config_keys_read_by_xlwings() -> set[str]:
    """Every ``GetConfig("KEY")`` key in the VBA that the installed xlwings ships."""
    import re

    keys: set[str] = set()
    for path in XLWINGS.rglob("*.bas"):
        keys.update(re.findall(r'GetConfig\("([^"]+)"', path.read_text(encoding="utf-8", errors="replace")))
    return keys
