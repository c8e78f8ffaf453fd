"""The registry's functions, installed into the ``formulas`` engine.

A function returns its number, or a real Excel error value. The message that names the
argument is recorded against the cell being computed, so ``xlfuncs recalc`` can print it.
"""

from __future__ import annotations

import contextvars
from typing import Any

import numpy as np
import schedula as sh
from formulas.functions import Array, wrap_func
from formulas.tokens.operand import Error, XlError

from xlfuncs.excel.coercion import UpstreamError
from xlfuncs.excel.registry import ExcelError, ExcelFunction, functions

#: The cell being evaluated, set by the model around each formula call.
current_cell: contextvars.ContextVar[str | None] = contextvars.ContextVar("cell", default=None)
#: Messages of the latest calculation: cell -> "#CODE FUNCTION: argument: why".
messages: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "messages", default=None
)


def _to_python(value: Any) -> Any:
    """Cells from the engine into the shapes xlwings sends: None for blanks, lists for ranges."""
    if isinstance(value, np.ndarray):
        if value.size == 1 and value.ndim <= 2:
            return _cell(value.reshape(-1)[0])
        return [[_cell(v) for v in row] for row in np.atleast_2d(value)]
    return _cell(value)


#: What XLFUNCS_OMITTED() gives: an omitted argument, which the registry reads as a blank.
OMITTED = "\x00xlfuncs-omitted"


def _cell(value: Any) -> Any:
    if value is sh.EMPTY or (isinstance(value, str) and value == OMITTED):
        return None
    if isinstance(value, XlError):
        raise UpstreamError(str(value))
    if isinstance(value, np.generic):
        return value.item()
    return value


def _error(code: str, message: str) -> np.ndarray:
    log = messages.get()
    cell = current_cell.get()
    if log is not None and cell is not None and cell not in log:
        log[cell] = message
    return np.asarray([[Error.errors[code]]], object)


def engine_function(spec: ExcelFunction):
    """A ``formulas`` implementation of one registry entry."""

    def evaluate(*args: Any) -> Any:
        try:
            raw = [_to_python(a) for a in args]
            result = spec(*raw)
        except UpstreamError as exc:
            return _error(exc.code, f"{exc.code} {spec.name}: an argument holds {exc.code}")
        except ExcelError as exc:
            return _error(exc.code, f"{exc.code} {exc.message}")
        except Exception as exc:  # noqa: BLE001 - a cell must hold an error, not crash the model
            return _error("#VALUE!", f"#VALUE! {spec.name}: unexpected failure: {exc}")
        if spec.returns == "array":
            return np.asarray(result, dtype=object).view(Array)
        return result

    evaluate.__name__ = spec.name
    return wrap_func(evaluate)


_installed = False


def install() -> None:
    """Register every registry function into ``formulas`` (idempotent)."""
    global _installed
    if _installed:
        return
    import formulas

    table = formulas.get_functions()
    for name, spec in functions().items():
        table[name] = engine_function(spec)
    table["XLFUNCS_OMITTED"] = wrap_func(lambda: OMITTED)
    _installed = True
