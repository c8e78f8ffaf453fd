"""Loading a workbook into the ``formulas`` engine and recalculating it."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..registry import functions
from . import functions as engine_functions
from .names import plain_names
from .package import Package, WorkbookError, open_package
from .writer import ERROR_VALUES, cells_of, refuse_overwrite, write_cached_values

_KEY = re.compile(r"^'\[(?P<book>[^\]]+)\](?P<sheet>.+)'!(?P<ref>\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$")


def _engine_value(value: Any) -> Any:
    """One engine cell value as a plain Python value (errors as their text)."""
    import schedula as sh
    from formulas.tokens.operand import XlError

    if value is sh.EMPTY:
        return None
    if isinstance(value, XlError):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


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

    if not isinstance(excel.tqdm, _QuietProgress):
        excel.tqdm = _QuietProgress(excel.tqdm)

    class Model(formulas.ExcelModel):
        """``formulas``' model, reading add-in and Office.js names as plain xlfuncs names and
        recording which cell each function call belongs to."""

        addin_links: set[int] = set()

        def compile_cell(self, cell, context, references, formula_references):
            if cell.data_type == "f":
                text = cell.value if isinstance(cell.value, str) else cell.value.text
                fixed = plain_names(text, functions(), self.addin_links)
                if fixed != text:
                    if isinstance(cell.value, str):
                        cell.value = fixed
                    else:
                        cell.value.text = fixed
            # Formulas of constants are evaluated while compiling: say which cell it is.
            name = f"'[{context['excel']}]{context['sheet']}'!{cell.coordinate}"
            token = engine_functions.current_cell.set(name)
            try:
                return super().compile_cell(cell, context, references, formula_references)
            finally:
                engine_functions.current_cell.reset(token)

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
        token = engine_functions.current_cell.set(self._cell)
        try:
            return self._func(*args, **kwargs)
        finally:
            engine_functions.current_cell.reset(token)

    def __getattr__(self, name):
        return getattr(self._func, name)


@dataclass
class RecalcReport:
    """What a recalculation did: cells written, error cells with their messages, timing."""

    source: Path
    target: Path | None
    formula_cells: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    values: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    names: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    def named(self, name: str) -> Any:
        """The value of a workbook-level defined name that points at one cell."""
        sheet, ref = self.names[name]
        return self.values.get(sheet, {}).get(ref)


class Workbook:
    """A workbook loaded into the engine, ready to calculate (and recalculate with new inputs)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.package: Package = open_package(self.path)
        if self.package.workbook_links:
            targets = ", ".join(link.target or link.part for link in self.package.workbook_links)
            raise WorkbookError(
                f"{self.path}: formulas refer to other workbooks ({targets}); "
                "xlfuncs recalculates one self-contained workbook"
            )
        engine_functions.install()
        Model = _model_class()
        model = Model()
        model.addin_links = self.package.addin_links
        self._load_messages: dict[str, str] = {}
        token = engine_functions.messages.set(self._load_messages)
        try:
            model.loads(str(self.path)).finish()
        except WorkbookError:
            raise
        except RecursionError:
            raise WorkbookError(f"{self.path}: formulas nest too deeply to evaluate") from None
        except Exception as exc:  # openpyxl or the engine refusing a damaged file
            raise WorkbookError(f"{self.path}: cannot read the workbook ({exc})") from None
        finally:
            engine_functions.messages.reset(token)
        self.model = model
        self.book_key = f"[{self.path.name.upper()}]"

    def defined_cells(self) -> dict[str, tuple[str, str]]:
        """Workbook-level names that point at one cell or range: name -> (sheet, A1 ref)."""
        out = {}
        from formulas.excel import BOOK

        book = self.model.books[self.book_key[1:-1]][BOOK]
        for name, defined in book.defined_names.items():
            for sheet, ref in defined.destinations:
                out[name] = (sheet, ref.replace("$", ""))
        return out

    def key(self, sheet: str, ref: str) -> str:
        """The engine's name for a cell or range on ``sheet``."""
        return f"'{self.book_key}{sheet.upper()}'!{ref.replace('$', '').upper()}"

    def calculate(self, inputs: Mapping[str, Any] | None = None) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """Values of every cell, ``values[SHEET][A1]``, and the messages of error cells."""
        log: dict[str, str] = dict(self._load_messages)
        token = engine_functions.messages.set(log)
        try:
            solution = self.model.calculate(inputs=dict(inputs or {}))
        except RecursionError:
            raise WorkbookError(f"{self.path}: formulas nest too deeply to evaluate") from None
        finally:
            engine_functions.messages.reset(token)
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
                        values[sheet].setdefault(cell_ref, _engine_value(item))
            else:
                singles.append((sheet, ref, array.ravel()[0] if array.size else None))
        for sheet, ref, item in singles:  # a cell's own node wins over ranges that contain it
            values[sheet][ref] = _engine_value(item)
        messages = {}
        for cell, message in log.items():
            match = _KEY.match(cell)
            if match:
                sheet = titles.get(match.group("sheet"), match.group("sheet"))
                cell = f"{sheet}!{match.group('ref')}"
            messages[cell] = message
        return dict(values), messages


def recalculate(source: str | Path, target: str | Path) -> RecalcReport:
    """Recalculate ``source`` and write it to ``target`` with every formula and its value.

    ``source`` is only read. ``target`` appears complete or not at all.
    """
    started = time.perf_counter()
    source, target = Path(source), Path(target)
    refuse_overwrite(source, target)
    book = Workbook(source)
    values, messages = book.calculate()
    written = write_cached_values(book.package, values, target)
    report = RecalcReport(source, target, formula_cells=written, values=values)
    report.names = book.defined_cells()
    for sheet, cells in values.items():
        for ref, value in cells.items():
            if isinstance(value, str) and value in ERROR_VALUES:
                label = f"{sheet}!{ref}"
                report.errors[label] = messages.get(label, value)
    report.seconds = time.perf_counter() - started
    return report
