"""Loading a workbook into a formula engine and recalculating it.

Two engines sit behind :class:`Workbook`:

* the compiled evaluator (:mod:`xlfuncs.engine.evaluator`): reads the package XML directly,
  compiles each formula once and evaluates in dependency order; many input sets can be
  evaluated in one pass. It knows every xlfuncs function and the standard functions of
  :mod:`xlfuncs.engine.library`; the rest of Excel's library it computes call by call through
  IronCalc (:mod:`xlfuncs.engine.borrowed`). A formula it cannot evaluate shows an error in its
  cell, with the reason in the report, and the rest of the workbook recalculates;
* the ``formulas`` package, kept as ``engine="formulas"`` for comparison.

``engine="auto"`` (the default) and ``"compiled"`` both take the compiled evaluator.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xlfuncs.excel.errors import is_error
from xlfuncs.xlsx.package import Package, WorkbookError, open_package
from xlfuncs.xlsx.refs import col_letters, parse_cell
from xlfuncs.xlsx.writer import refuse_overwrite, write_cached_values

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
    unknown_functions: list[str] = field(default_factory=list)
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
        _refuse_strict(self.path)
        # Excel calculates links to other workbooks from the values the file keeps of them
        # (xl/externalLinks/): so does the compiled evaluator. A workbook named only inside a
        # formula has no such values, and the formulas engine reads none.
        unkept = [link for link in self.package.workbook_links if engine == "formulas" or link.index == 0]
        if unkept:
            targets = ", ".join(link.target or link.part for link in unkept)
            raise WorkbookError(
                f"{self.path}: formulas refer to other workbooks ({targets}) whose values the file "
                "does not keep; xlfuncs recalculates one self-contained workbook"
            )
        self.compiled = None
        self._cells = None
        self.fallback_reason = ""
        self._formulas = None
        if engine in ("auto", "compiled"):
            from xlfuncs.engine.evaluator import CompiledWorkbook
            from xlfuncs.engine.parser import Unsupported
            from xlfuncs.engine.stack import deep

            try:
                self.compiled = deep(CompiledWorkbook, self.package)
            except Unsupported as exc:
                if engine == "compiled":
                    raise WorkbookError(f"{self.path}: the compiled engine cannot read it: {exc}") from None
                self.fallback_reason = str(exc)
            except (ValueError, KeyError, IndexError) as exc:
                raise WorkbookError(f"{self.path}: cannot read the workbook ({type(exc).__name__})") from None
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
            # Imported only when chosen: formulas and schedula are slow to import.
            from xlfuncs.engine.formulas_bridge import FormulasModel

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
            assert self._formulas is not None  # __init__ loads it whenever compiled is None
            return self._formulas.calculate(inputs)
        keyed = {(sheet, *parse_cell(ref)): value for (sheet, ref), value in (inputs or {}).items()}
        vals, messages = self.compiled.evaluate(keyed)
        values: dict[str, dict[str, Any]] = defaultdict(dict)
        for (sheet, r, c), value in vals.items():
            values[sheet][f"{col_letters(c)}{r}"] = _plain(value)
        return dict(values), messages


#: The main namespace of Strict Open XML, which Excel writes for "Strict Open XML Spreadsheet".
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"


def _refuse_strict(path: Path) -> None:
    """Refuse a Strict Open XML workbook in one line: its parts use other namespaces, so no
    sheet of it would be read and its formulas would be left without values."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        head = archive.open("xl/workbook.xml").read(4096)
    if STRICT_MAIN.encode() in head:
        raise WorkbookError(
            f"{path}: a Strict Open XML workbook, which xlfuncs does not read; save it from Excel "
            "as an Excel Workbook (.xlsx) instead"
        )


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
    if book.compiled is not None:
        report.unknown_functions = sorted(book.compiled.unknown_functions)
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
