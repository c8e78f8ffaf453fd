"""Loading a workbook into a formula engine and recalculating it.

Two engines sit behind :class:`Workbook`:

* the compiled evaluator (:mod:`xlfuncs.engine.evaluator`): reads the package XML directly,
  compiles each formula once and evaluates in dependency order; many input sets can be
  evaluated in one pass. It knows the common standard functions and every xlfuncs function;
* the ``formulas`` package, which knows far more of Excel's library, used whenever a
  workbook holds a formula the compiled evaluator does not know.

``engine="auto"`` (the default) takes the compiled evaluator where it can.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xlfuncs.engine import formulas_bridge as engine_functions
from xlfuncs.engine.cycles import refuse_cycles
from xlfuncs.excel.errors import error_value, is_error
from xlfuncs.xlsx.package import Package, WorkbookError, open_package
from xlfuncs.xlsx.refs import cells_of, col_letters, parse_cell
from xlfuncs.xlsx.writer import refuse_overwrite, write_cached_values

_KEY = re.compile(r"^'\[(?P<book>[^\]]+)\](?P<sheet>.+)'!(?P<ref>\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$")

ENGINES = ("auto", "compiled", "formulas")


def _plain(value: Any) -> Any:
    """An engine value as a plain Python value (error values stay typed)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass
class RecalcReport:
    """What a recalculation did: cells written, error cells with their messages, timing."""

    source: Path
    target: Path | None
    formula_cells: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    engine: str = ""
    fallback_reason: str = ""
    values: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    names: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    def named(self, name: str) -> Any:
        """The value of a workbook-level defined name that points at one cell."""
        found = self.names.get(name) or {k.upper(): v for k, v in self.names.items()}.get(name.upper())
        if found is None:
            raise KeyError(f"no defined name {name}")
        sheet, ref = found
        return self.values.get(sheet, {}).get(ref.split(":")[0])


class Workbook:
    """A workbook loaded into an engine, ready to calculate and recalculate with new inputs."""

    def __init__(self, path: str | Path, engine: str = "auto"):
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}")
        self.path = Path(path)
        self.package: Package = open_package(self.path)
        if self.package.workbook_links:
            targets = ", ".join(link.target or link.part for link in self.package.workbook_links)
            raise WorkbookError(
                f"{self.path}: formulas refer to other workbooks ({targets}); "
                "xlfuncs recalculates one self-contained workbook"
            )
        self.compiled = None
        self._cells = None
        self.fallback_reason = ""
        self._formulas = None
        if engine in ("auto", "compiled"):
            from xlfuncs.engine.evaluator import CompiledWorkbook
            from xlfuncs.engine.parser import Unsupported

            try:
                self.compiled = CompiledWorkbook(self.package)
            except Unsupported as exc:
                if engine == "compiled":
                    raise WorkbookError(f"{self.path}: the compiled engine cannot read it: {exc}") from None
                self.fallback_reason = str(exc)
            except (ValueError, KeyError, IndexError) as exc:
                raise WorkbookError(f"{self.path}: cannot read the workbook ({exc})") from None
        if self.compiled is None:
            if self.cells.local_names:
                # The formulas package reads workbook-level names only: a sheet-level name would
                # silently resolve to the workbook-level one of the same name, or to nothing.
                sheet, name = next(iter(self.cells.local_names))
                why = f" ({self.fallback_reason})" if self.fallback_reason else ""
                raise WorkbookError(
                    f"{self.path}: the name {name} is defined for sheet {sheet} only, which the "
                    f"formulas engine this workbook needs{why} cannot read; define it for the "
                    "whole workbook instead"
                )
            self._formulas = FormulasModel(self.path, self.package)
        self.engine = "compiled" if self.compiled is not None else "formulas"

    @property
    def cells(self):
        """Every sheet's constants, formulas and array ranges, read from the package once."""
        if self.compiled is not None:
            return self.compiled.cells
        if self._cells is None:
            from xlfuncs.xlsx.cells import read_cells

            self._cells = read_cells(self.package)
        return self._cells

    def defined_cells(self) -> dict[str, tuple[str, str]]:
        """Workbook-level names that point at cells: name -> (sheet, A1 or A1:B2)."""
        from xlfuncs.engine.parser import Unsupported, parse_reference

        cells = self.cells
        titles = {t.upper(): t for t in self.package.sheets}
        out = {}
        for name, text in cells.names.items():
            try:
                ref = parse_reference(text.strip(), "")
            except Unsupported:
                continue
            if ref[0] != "ref" or ref[1].upper() not in titles:
                continue
            _, sheet, r1, c1, r2, c2, _relative = ref
            first = f"{col_letters(c1)}{r1}"
            address = first if (r1, c1) == (r2, c2) else f"{first}:{col_letters(c2)}{r2}"
            out[name] = (titles[sheet.upper()], address)
        return out

    def calculate(
        self, inputs: Mapping[tuple[str, str], Any] | None = None
    ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """Values of every cell, ``values[sheet][A1]``, and the messages of error cells.

        ``inputs`` maps (sheet, A1) to a value that replaces the cell's own.
        """
        if self.compiled is None:
            return self._formulas.calculate(inputs)
        keyed = {(sheet, *parse_cell(ref)): value for (sheet, ref), value in (inputs or {}).items()}
        vals, messages = self.compiled.evaluate(keyed)
        values: dict[str, dict[str, Any]] = defaultdict(dict)
        for (sheet, r, c), value in vals.items():
            values[sheet][f"{col_letters(c)}{r}"] = _plain(value)
        return dict(values), messages


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


class FormulasModel:
    """A workbook in the ``formulas`` engine."""

    def __init__(self, path: Path, package: Package):
        self.path = path
        self.package = package
        engine_functions.install()
        Model = _model_class()
        model = Model()
        model.addin_links = package.addin_links
        self._load_messages: dict[str, str] = {}
        token = engine_functions.messages.set(self._load_messages)
        try:
            model.loads(str(path)).finish()
        except WorkbookError:
            raise
        except RecursionError:
            raise WorkbookError(f"{path}: formulas nest too deeply to evaluate") from None
        except Exception as exc:  # openpyxl or the engine refusing a damaged file
            raise WorkbookError(f"{path}: cannot read the workbook ({exc})") from None
        finally:
            engine_functions.messages.reset(token)
        refuse_cycles(model, path, package.sheets)
        self.model = model
        self.book_key = f"[{path.name.upper()}]"

    def key(self, sheet: str, ref: str) -> str:
        return f"'{self.book_key}{sheet.upper()}'!{ref.replace('$', '').upper()}"

    def calculate(self, inputs=None):
        import schedula as sh
        from formulas.tokens.operand import XlError

        log: dict[str, str] = dict(self._load_messages)
        token = engine_functions.messages.set(log)
        engine_inputs = {self.key(sheet, ref): value for (sheet, ref), value in (inputs or {}).items()}
        try:
            solution = self.model.calculate(inputs=engine_inputs)
        except RecursionError:
            raise WorkbookError(f"{self.path}: formulas nest too deeply to evaluate") from None
        finally:
            engine_functions.messages.reset(token)

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
        messages = {}
        for cell, message in log.items():
            match = _KEY.match(cell)
            if match:
                sheet = titles.get(match.group("sheet"), match.group("sheet"))
                # An array formula's node is its whole range: report it at its first cell.
                cell = f"{sheet}!{match.group('ref').split(':')[0]}"
            messages[cell] = message
        return dict(values), messages


def recalculate(source: str | Path, target: str | Path, engine: str = "auto") -> RecalcReport:
    """Recalculate ``source`` and write it to ``target`` with every formula and its value.

    ``source`` is only read. ``target`` appears complete or not at all.
    """
    started = time.perf_counter()
    source, target = Path(source), Path(target)
    refuse_overwrite(source, target)
    book = Workbook(source, engine=engine)
    values, messages = book.calculate()
    written = write_cached_values(book.package, values, target)
    report = RecalcReport(
        source, target, formula_cells=written, values=values, engine=book.engine, fallback_reason=book.fallback_reason
    )
    report.names = book.defined_cells()
    formula_cells = _formula_cells(book)
    followers = _array_followers(book)
    for sheet, cells in values.items():
        for ref, value in cells.items():
            if is_error(value) and (sheet, ref) in formula_cells:
                label = f"{sheet}!{ref}"
                anchor = followers.get((sheet, ref))
                if anchor is not None and f"{sheet}!{anchor}" in messages:
                    continue  # the array formula's first cell already says why
                report.errors[label] = messages.get(label, value.code)
    report.seconds = time.perf_counter() - started
    return report


def _array_followers(book: Workbook) -> dict[tuple[str, str], str]:
    """Cells of array formula ranges other than the first: (sheet, A1) -> the first cell."""
    out = {}
    for title, sheet in book.cells.sheets.items():
        for (r0, c0), (r1, c1, r2, c2) in sheet.arrays.items():
            anchor = f"{col_letters(c0)}{r0}"
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r0, c0):
                        out[(title, f"{col_letters(c)}{r}")] = anchor
    return out


def _formula_cells(book: Workbook) -> set[tuple[str, str]]:
    out = set()
    for title, sheet in book.cells.sheets.items():
        for (r, c) in sheet.formulas:
            out.add((title, f"{col_letters(c)}{r}"))
        for (r1, c1, r2, c2) in sheet.arrays.values():
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    out.add((title, f"{col_letters(c)}{r}"))
    return out
