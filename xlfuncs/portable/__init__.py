"""Templates that travel: ``xlfuncs portable IN.xlsx -o OUT.xlsx``.

A council that receives a template without the add-in sees ``#NAME?`` in every xlfuncs cell as
soon as anything recalculates. The portable copy replaces every xlfuncs call by its native form,
the same calculation in Excel's own functions (declared beside each function's Excel face:
:mod:`xlfuncs.excel.native`), so the cell stays live when an input changes. A function with no
native form (the variance of the stock-flow projection, the Monte Carlo simulations, the
tornado, the Shapley decomposition) is replaced by its value from a fresh recalculation, with a
note on the cell saying so and how to get it live again. A native form that needs intermediate
results no one formula can hold (the powers of the stock-flow projection's one-day matrix) has
them written in working cells, under a heading, to the right of what the call's sheet holds.

The copy is written from the original part by part: styles, charts, defined names and data
validation are kept byte for byte; only the sheets whose cells change, their relationships (for
the notes) and the content types are rewritten. A native formula keeps the cached value the
original had (none in a template built by code, which Excel and LibreOffice calculate when they
open it); a frozen cell holds the value of a fresh recalculation. The calculation chain is
dropped (Excel rebuilds it), and so is a link to the add-in once nothing calls through it.

* :func:`make_portable` writes the copy and returns a :class:`PortableReport`;
* :func:`xlfuncs_cells` counts the cells of a workbook that call xlfuncs (``xlfuncs check``
  notes them).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from xlfuncs.excel.native import HelperCells
from xlfuncs.portable.convert import Conversion, ExternalArguments, convert_cell
from xlfuncs.xlsx.atomic import atomic_path
from xlfuncs.xlsx.package import Package, WorkbookError, open_package
from xlfuncs.xlsx.writer import refuse_overwrite

__all__ = ["ExternalArguments", "PortableReport", "make_portable", "sharing_note", "xlfuncs_cells"]


@dataclass
class PortableReport:
    """What a portable copy did: each converted cell, live or frozen, and how long it took."""

    source: Path
    target: Path
    conversions: list[Conversion] = field(default_factory=list)
    unchanged: bool = False
    seconds: float = 0.0
    dropped: list[str] = field(default_factory=list)  # parts dropped (add-in links, calc chain)

    @property
    def live(self) -> list[Conversion]:
        return [c for c in self.conversions if c.live]

    @property
    def frozen(self) -> list[Conversion]:
        return [c for c in self.conversions if not c.live]

    @property
    def live_cells(self) -> int:
        return sum(c.cells for c in self.live)

    @property
    def frozen_cells(self) -> int:
        return sum(c.cells for c in self.frozen)

    def by_function(self) -> dict[str, tuple[int, int]]:
        """Function -> (formulas made live, formulas frozen) among the cells calling it."""
        live: Counter[str] = Counter()
        frozen: Counter[str] = Counter()
        for conversion in self.conversions:
            for name in conversion.functions:
                (live if conversion.live else frozen)[name] += 1
        return {name: (live[name], frozen[name]) for name in sorted(set(live) | set(frozen))}

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.target}: {self.source.name} calls no xlfuncs function; copied unchanged"
        return (
            f"{self.target}: {len(self.conversions)} formulas calling xlfuncs: {len(self.live)} live in "
            f"Excel's own functions, {len(self.frozen)} frozen at their values "
            f"({self.live_cells} and {self.frozen_cells} cells) in {self.seconds:.2f} s"
        )


def _found(package: Package):
    """(sheet, anchor, formula with plain names, array bounds) of every cell calling xlfuncs."""
    from xlfuncs.engine.names import plain_names
    from xlfuncs.excel.registry import functions
    from xlfuncs.portable.formula import FormulaError, calls, parse
    from xlfuncs.xlsx.cells import read_cells

    registry = functions()
    cells = read_cells(package)
    links = package.addin_links
    found = []
    for title, sheet in cells.sheets.items():
        for position, formula in sorted(sheet.formulas.items()):
            text = plain_names("=" + formula, registry, links)[1:]
            upper = text.upper()
            if not any(name in upper for name in registry):
                continue
            try:
                if not calls(parse(text), registry):
                    continue
            except FormulaError:
                pass
            found.append((title, position, text, sheet.arrays.get(position)))
    return found, cells, registry


def xlfuncs_cells(package: Package) -> int:
    """How many formulas of ``package`` call an xlfuncs function."""
    return len(_found(package)[0])


def sharing_note(package: Package) -> str | None:
    """What ``xlfuncs check`` tells whoever shares a workbook that calls xlfuncs (not a finding).

    A sheet the cell reader cannot follow gives no note: ``check`` reports what it finds of
    such a file on its own terms."""
    try:
        count = xlfuncs_cells(package)
    except (WorkbookError, ValueError, KeyError):
        return None
    if not count:
        return None
    return (
        f"{count} formula{'s' if count != 1 else ''} call xlfuncs functions: a recipient needs the "
        f"xlfuncs add-in, or a portable copy (xlfuncs portable {package.path.name} -o COPY.xlsx), "
        "which works in Excel or LibreOffice without it"
    )


def _names_for(cells, sheet: str) -> dict[str, str]:
    names = {name.upper(): text for name, text in cells.names.items()}
    for (title, name), text in cells.local_names.items():
        if title == sheet:
            names[name.upper()] = text
    return names


def _helpers_for(sheet) -> HelperCells:
    """Working cells for native forms, two columns to the right of everything the sheet holds
    (values, formulas and array ranges), from its first row: clear of its tables, and of
    charts, which the templates anchor below them."""
    last = 0
    for row_col in (*sheet.values, *sheet.formulas):
        last = max(last, row_col[1])
    for bounds in sheet.arrays.values():
        last = max(last, bounds[3])
    return HelperCells(first_row=1, first_col=last + 2)


def make_portable(source: str | Path, target: str | Path) -> PortableReport:
    """Write a copy of ``source`` to ``target`` in which every xlfuncs call is in native form,
    or frozen at its value with a note. ``source`` is only read; ``target`` appears whole or not
    at all.

    Raises
    ------
    WorkbookError
        The file is not a workbook xlfuncs can read, or an xlfuncs call reads another workbook.
    """
    from xlfuncs.engine import recalculate
    from xlfuncs.portable.write import write_portable

    started = time.perf_counter()
    source, target = Path(source), Path(target)
    refuse_overwrite(source, target)
    package = open_package(source)
    found, cells, registry = _found(package)
    report = PortableReport(source, target)
    if not found:
        with atomic_path(target) as temp:
            shutil.copyfile(source, temp)
        report.unchanged = True
        report.seconds = time.perf_counter() - started
        return report
    names = {title: _names_for(cells, title) for title in cells.sheets}
    helpers = {title: _helpers_for(cells.sheets[title]) for title in {f[0] for f in found}}
    for title, anchor, formula, bounds in found:
        report.conversions.append(convert_cell(title, anchor, formula, bounds, registry, names[title], helpers[title]))
    values: dict = {}
    if report.frozen:
        with tempfile.TemporaryDirectory(prefix="xlfuncs-portable-") as temp:
            values = recalculate(source, Path(temp) / "recalculated.xlsx").values
    report.dropped = write_portable(package, report.conversions, values, target, helpers)
    report.seconds = time.perf_counter() - started
    return report
