"""The fallback engine: a workbook in the ``formulas`` package, with xlfuncs' functions in it.

The compiled evaluator recalculates every workbook whose functions it knows; the rest go to
``formulas``, which knows more of Excel's library. Here the registry's functions are
installed into it (a function returns its number, or a real Excel error value, and the message
naming the argument is recorded against the cell being computed, so ``xlfuncs recalc`` can
print it), and :class:`FormulasModel` loads and calculates a workbook with it.
"""

from __future__ import annotations

import contextvars
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import schedula as sh
from formulas.functions import Array, wrap_func
from formulas.tokens.operand import Error, XlError

from xlfuncs.engine.cycles import refuse_cycles
from xlfuncs.excel.errors import ERRORS, ExcelError, error_value, failure
from xlfuncs.excel.registry import ExcelFunction, functions
from xlfuncs.xlsx.package import Package, WorkbookError
from xlfuncs.xlsx.refs import cells_of

#: A cell or range as ``formulas`` names it: ``'[BOOK.XLSX]SHEET'!A1``.
_KEY = re.compile(r"^'\[(?P<book>[^\]]+)\](?P<sheet>.+)'!(?P<ref>\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$")

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


class _QuietProgress:
    """Stands in for the tqdm module inside ``formulas.excel``: its bar is noise per workbook."""

    def __init__(self, module):
        self._module = module

    def tqdm(self, *args, **kwargs):
        kwargs["disable"] = True
        return self._module.tqdm(*args, **kwargs)


def _model_class():
    import formulas
    import formulas.excel as excel

    from xlfuncs.engine.names import mark_omitted, plain_names
    from xlfuncs.excel.registry import functions

    if not isinstance(excel.tqdm, _QuietProgress):
        excel.tqdm = _QuietProgress(excel.tqdm)

    class Model(formulas.ExcelModel):
        """``formulas``' model, reading add-in and Office.js names as plain xlfuncs names and
        recording which cell each function call belongs to."""

        addin_links: set[int] = set()

        def compile_cell(self, cell, context, references, formula_references):
            if cell.data_type == "f":
                text = cell.value if isinstance(cell.value, str) else cell.value.text
                fixed = mark_omitted(plain_names(text, functions(), self.addin_links), functions())
                if fixed != text:
                    if isinstance(cell.value, str):
                        cell.value = fixed
                    else:
                        cell.value.text = fixed
            # Formulas of constants are evaluated while compiling: say which cell it is.
            name = f"'[{context['excel']}]{context['sheet']}'!{cell.coordinate}"
            token = current_cell.set(name)
            try:
                return super().compile_cell(cell, context, references, formula_references)
            finally:
                current_cell.reset(token)

        def add_cell(self, cell, context, formula_ranges):
            if cell.func is not None:
                cell.func = _CellCall(cell.func, cell.output)
            return super().add_cell(cell, context, formula_ranges)

    return Model


class _CellCall:
    """Wraps a compiled cell so xlfuncs functions know which cell they compute."""

    def __init__(self, func, cell: str):
        self._func = func
        self._cell = cell

    def __call__(self, *args, **kwargs):
        token = current_cell.set(self._cell)
        try:
            return self._func(*args, **kwargs)
        finally:
            current_cell.reset(token)

    def __getattr__(self, name):
        return getattr(self._func, name)


class FormulasModel:
    """A workbook in the ``formulas`` engine."""

    def __init__(self, path: Path, package: Package):
        self.path = path
        self.package = package
        install()
        Model = _model_class()
        model = Model()
        model.addin_links = package.addin_links
        self._load_messages: dict[str, str] = {}
        token = messages.set(self._load_messages)
        try:
            model.loads(str(path)).finish()
        except WorkbookError:
            raise
        except RecursionError:
            raise WorkbookError(f"{path}: formulas nest too deeply to evaluate") from None
        except Exception as exc:  # openpyxl or the engine refusing a damaged file
            raise WorkbookError(f"{path}: cannot read the workbook ({type(exc).__name__})") from None
        finally:
            messages.reset(token)
        refuse_cycles(model, path, package.sheets)
        self.model = model
        self.book_key = f"[{path.name.upper()}]"

    def key(self, sheet: str, ref: str) -> str:
        return f"'{self.book_key}{sheet.upper()}'!{ref.replace('$', '').upper()}"

    def calculate(self, inputs=None):
        import schedula as sh
        from formulas.tokens.operand import XlError

        log: dict[str, str] = dict(self._load_messages)
        token = messages.set(log)
        engine_inputs = {self.key(sheet, ref): value for (sheet, ref), value in (inputs or {}).items()}
        try:
            solution = self.model.calculate(inputs=engine_inputs)
        except RecursionError:
            raise WorkbookError(f"{self.path}: formulas nest too deeply to evaluate") from None
        finally:
            messages.reset(token)

        def plain(item):
            if item is sh.EMPTY:
                return None
            if isinstance(item, XlError):
                return error_value(str(item))
            return item.item() if isinstance(item, np.generic) else item

        titles = {title.upper(): title for title in self.package.sheets}
        values: dict[str, dict[str, Any]] = defaultdict(dict)
        singles = []
        for key, rng in solution.items():
            match = _KEY.match(key)
            if not match:
                continue
            sheet, ref = match.group("sheet"), match.group("ref").replace("$", "")
            sheet = titles.get(sheet, sheet)
            array = np.atleast_2d(np.asarray(getattr(rng, "value", rng), dtype=object))
            if ":" in ref:
                refs = cells_of(ref)
                flat = array.ravel()
                if flat.size == len(refs):
                    for cell_ref, item in zip(refs, flat, strict=True):
                        values[sheet].setdefault(cell_ref, plain(item))
            else:
                singles.append((sheet, ref, array.ravel()[0] if array.size else None))
        for sheet, ref, item in singles:  # a cell's own node wins over ranges that contain it
            values[sheet][ref] = plain(item)
        by_cell = {}
        for cell, message in log.items():
            match = _KEY.match(cell)
            if match:
                sheet = titles.get(match.group("sheet"), match.group("sheet"))
                # An array formula's node is its whole range: report it at its first cell.
                cell = f"{sheet}!{match.group('ref').split(':')[0]}"
            by_cell[cell] = message
        return dict(values), by_cell
