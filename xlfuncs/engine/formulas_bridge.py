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

from xlfuncs.excel.errors import ERRORS, ExcelError, failure
from xlfuncs.excel.registry import ExcelFunction, functions

#: The cell being evaluated, set by the model around each formula call.
current_cell: contextvars.ContextVar[str | None] = contextvars.ContextVar("cell", default=None)
#: Messages of the latest calculation: cell -> "#CODE FUNCTION: argument: why".
messages: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "messages", default=None
)


def _to_python(value: Any) -> Any:
    """Cells from the engine as the registry takes them: None for blanks, lists for ranges,
    typed error values."""
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
        return ERRORS.get(str(value), ERRORS["#VALUE!"])
    if isinstance(value, np.generic):
        return value.item()
    return value


def _error(error: ExcelError) -> np.ndarray:
    log = messages.get()
    cell = current_cell.get()
    if log is not None and cell is not None and cell not in log:
        log[cell] = error.text
    return np.asarray([[Error.errors.get(error.code, Error.errors["#VALUE!"])]], object)


def engine_function(spec: ExcelFunction):
    """A ``formulas`` implementation of one registry entry."""

    def evaluate(*args: Any) -> Any:
        try:
            result = spec(*[_to_python(a) for a in args])
        except ExcelError as exc:
            return _error(exc)
        except Exception as exc:  # noqa: BLE001 - a cell must hold an error, not crash the model
            return _error(failure(spec.name, exc))
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
