"""Templates that travel: ``xlfuncs portable IN.xlsx -o OUT.xlsx``.

A council that receives a template without the add-in sees ``#NAME?`` in every xlfuncs cell as
soon as anything recalculates. The portable copy replaces every xlfuncs call by its native form,
the same calculation in Excel's own functions (declared beside each function's Excel face:
:mod:`xlfuncs.excel.native`), so the cell stays live when an input changes. A function with no
native form (the daily stock-flow projection, the Monte Carlo simulations, the tornado, the
Shapley decomposition) is replaced by its value from a fresh recalculation, with a note on the
cell saying so and how to get it live again.

The copy is written from the recalculated workbook part by part: styles, charts, defined names
and data validation are kept byte for byte; only the sheets whose cells change, their
relationships (for the notes) and the content types are rewritten. The calculation chain is
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

from xlfuncs.portable.convert import Conversion, ExternalArguments, convert_cell
from xlfuncs.xlsx.atomic import atomic_path
from xlfuncs.xlsx.package import Package, open_package
from xlfuncs.xlsx.writer import refuse_overwrite

__all__ = ["ExternalArguments", "PortableReport", "make_portable", "xlfuncs_cells"]


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


def _names_for(cells, sheet: str) -> dict[str, str]:
    names = {name.upper(): text for name, text in cells.names.items()}
    for (title, name), text in cells.local_names.items():
        if title == sheet:
            names[name.upper()] = text
    return names


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
    for title, anchor, formula, bounds in found:
        report.conversions.append(convert_cell(title, anchor, formula, bounds, registry, names[title]))
    with tempfile.TemporaryDirectory(prefix="xlfuncs-portable-") as temp:
        recalculated = Path(temp) / "recalculated.xlsx"
        recalculate(source, recalculated)
        report.dropped = write_portable(open_package(recalculated), package, report.conversions, target)
    report.seconds = time.perf_counter() - started
    return report
