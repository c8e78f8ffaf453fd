"""Excel custom functions through xlwings, generated from the registry.

Two runtimes read this module:

* classic xlwings on Windows desktop Excel: ``UDF MODULES = "xlfuncs.udfs"`` in the xlwings
  config, with the xlwings add-in (``xlfuncs addin install`` sets both up);
* xlwings Lite (Office.js custom functions) on Windows, Mac and Excel on the web: add
  ``xlfuncs-lite`` (the functions only) to the Lite requirements and
  ``from xlfuncs.udfs import *`` in ``main.py`` (``xlfuncs addin lite`` says how before the
  package is published).

Each function is declared once in :mod:`xlfuncs.excel.registry`; this module only wraps it with
xlwings' ``func`` / ``arg`` / ``ret`` decorators, with the converter options that make a range
arrive as the user selected it:

* ``ndim=2`` for every range argument: xlwings' default converter flattens a one-row or
  one-column range to a flat list, which would lose its orientation (a column of councils
  would be read as one council's row);
* ``err_to_str=True`` for every argument: by default xlwings delivers an error cell as a
  blank (classic) or drops it (Office.js), which would let ``AVERAGE``-style skipping hide it;
  with the option it arrives as its text (``"#DIV/0!"``) and is typed again here, so it
  propagates as Excel's own functions propagate it. (Text typed into a cell that reads exactly
  like an error value cannot be told apart at this boundary; in the headless engines it can.)

Failures show as well as each runtime can: Office.js turns a raised exception into #VALUE!
with the message on hover; classic xlwings cannot return an error cell (xlwings#776 is open:
the COM server converts whatever Python returns to a value, and a raised exception becomes the
cell's text through the VBA wrapper's error handler), so there the cell shows the message as
text beginning with the error value, e.g. ``#DIV/0! UNIT_COST: count: the count of children is
zero``, which ``ISERROR`` does not see but ``LEFT(cell, 1) = "#"`` does.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable
from typing import Any

import xlwings as xw

from xlfuncs.excel.errors import ERRORS, ExcelError, failure
from xlfuncs.excel.registry import Arg, ExcelFunction, functions

#: Office.js runtimes (xlwings Lite runs under Pyodide, xlwings Server sets this variable).
OFFICE_JS = sys.platform == "emscripten" or os.environ.get("XLWINGS_ON_SERVER") == "true"

CATEGORY = "xlfuncs"


def _show(error: ExcelError) -> str:
    """An Excel error as this host can show it (see the module notes)."""
    if OFFICE_JS:
        raise ValueError(error.text)
    return error.text


def _typed(value: Any) -> Any:
    """A cell as xlwings delivers it, with error cells (delivered as their text) typed again."""
    if isinstance(value, str):
        return ERRORS.get(value, value)
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return value


def _excel_value(spec: ExcelFunction, result: Any) -> Any:
    if spec.returns == "array":
        return result.tolist()
    return result


def make_udf(
    spec: ExcelFunction,
    func: Callable[..., Any] = xw.func,
    arg: Callable[..., Any] = xw.arg,
    ret: Callable[..., Any] = xw.ret,
) -> Callable[..., Any]:
    """Wrap one registry entry as an xlwings custom function named after it."""

    def udf(*raw_args: Any) -> Any:
        # Excel passes omitted trailing optional arguments as None; trim them so defaults apply.
        args = list(raw_args)
        while args and args[-1] is None and len(args) > _required_count(spec):
            args.pop()
        try:
            return _excel_value(spec, spec(*[_typed(a) for a in args]))
        except ExcelError as exc:
            return _show(exc)
        except Exception as exc:  # noqa: BLE001 - a UDF must never raise into Excel
            return _show(failure(spec.name, exc))

    parameters = [
        inspect.Parameter(
            a.name,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=None if a.optional else inspect.Parameter.empty,
        )
        for a in spec.args
    ]
    udf.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    udf.__name__ = udf.__qualname__ = spec.name
    udf.__doc__ = spec.description
    udf.__module__ = __name__
    udf.__wrapped_spec__ = spec  # type: ignore[attr-defined]

    decorated = udf
    for a in reversed(spec.args):
        decorated = arg(a.name, **converter_options(a))(decorated)
    # Arrays come back as nested lists: Excel 365 spills them; older Excel needs a CSE range.
    decorated = ret()(decorated)
    return func(category=CATEGORY)(decorated)


def converter_options(argument: Arg) -> dict[str, Any]:
    """The xlwings ``arg`` options for one argument (see the module notes)."""
    options: dict[str, Any] = {"doc": argument.doc, "err_to_str": True}
    if argument.kind in ("vector", "matrix"):
        options["ndim"] = 2
    return options


def _required_count(spec: ExcelFunction) -> int:
    return sum(not a.optional for a in spec.args)


def _expose() -> list[str]:
    names = []
    for name, spec in functions().items():
        globals()[name] = make_udf(spec)
        names.append(name)
    return names


__all__ = _expose()
