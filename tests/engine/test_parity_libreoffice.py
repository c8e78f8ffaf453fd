"""Parity with a real spreadsheet engine: every template in ``workbooks/`` and every committed
test fixture, recalculated by xlfuncs and by LibreOffice headless, cell by cell.

How it works, once per session:

1. xlfuncs recalculates each workbook (``xlfuncs.engine.recalculate``).
2. A copy of each workbook is made in which every cell computed by an xlfuncs function (and
   every cell an xlfuncs array formula fills) holds the value xlfuncs computed, as a constant.
   LibreOffice does not know xlfuncs' functions; with their results substituted, every formula
   downstream of them is still compared.
3. LibreOffice loads all the copies in one headless run, with recalculation forced on load
   (``tests.support.libreoffice``), and saves them.
4. Every cell whose formula uses only standard Excel functions is compared: numbers to 1e-9
   relative, text, logical values and error values exactly.

Documented exceptions (:data:`EXCEPTIONS`) are engine-representation differences only. A
mismatch anywhere else is a real difference between xlfuncs and a spreadsheet: the failure
names the workbook, cell, formula and both values.

In CI a missing LibreOffice fails this test (``conftest.libreoffice``); elsewhere it is skipped.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils.datetime import to_excel

from xlfuncs.engine import recalculate
from xlfuncs.engine.names import plain_names
from xlfuncs.excel.registry import functions
from xlfuncs.xlsx.package import NS_MAIN, iter_cells, parse_xml, read_package
from xlfuncs.xlsx.writer import cells_of, encode_value

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
sys.path.insert(0, str(FIXTURES))

from tests.fixtures import make_parity_workbook  # noqa: E402

WORKBOOKS = sorted((ROOT / "workbooks").glob("*.xlsx")) + sorted(FIXTURES.rglob("*.xlsx"))

REL_TOL = 1e-9
#: Below this magnitude two results count as equal whatever the operands (see "cancellation").
ABS_TOL = 1e-12

#: Engine-representation differences only, each with the reason and the test that a mismatch
#: is that difference and not another.
EXCEPTIONS: dict[str, tuple[str, Any]] = {
    "ROUND": (
        "at a value a hair under an exact half the engines round differently (LibreOffice "
        "rounds 2.675 to 2.68 as Excel does, binary floating point holds 2.67499999...)",
        lambda a, b: _one_unit_apart(a, b),
    ),
    "RANK": (
        "ties between values equal only to the last bit may be ranked apart",
        lambda a, b: isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) == 1,
    ),
}
#: Differences of nearly equal numbers: LibreOffice snaps a sum or difference that is within
#: about 1e-15 of its operands to exactly 0 (rtl::math::approxAdd / approxSub); IEEE arithmetic
#: leaves the rounding residue (e.g. -3.7e-9 from two amounts of millions). Such a result is
#: compared to 1e-9 relative to the largest operand the formula refers to.
CANCELLATION = "cancellation"

#: Functions whose value changes every time: never compared.
VOLATILE = frozenset({"NOW", "TODAY", "RAND", "RANDBETWEEN", "RANDARRAY", "INFO", "CELL"})

_FUNCTION = re.compile(r"(?<![A-Za-z0-9_.])((?:_xlfn\.|_xlws\.|_xll\.)?[A-Za-z][A-Za-z0-9_.]*)\s*\(")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_C = f"{{{NS_MAIN}}}c"


def _one_unit_apart(a: Any, b: Any) -> bool:
    if not (isinstance(a, int | float) and isinstance(b, int | float)) or a == b:
        return False
    step = abs(a - b)
    exponent = round(math.log10(step))
    return math.isclose(step, 10.0**exponent, rel_tol=1e-6)


_REF = re.compile(
    r"(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(?<![\w.$])"
    r"(?P<a>\$?[A-Z]{1,3}\$?\d+)(?::(?P<b>\$?[A-Z]{1,3}\$?\d+))?(?![\w(])"
)


def operand_scale(formula: str, sheet: str, book) -> float:
    """The largest magnitude among the numbers a formula refers to (ranges up to 10,000 cells)."""
    scale = 0.0
    for match in _REF.finditer(_STRING.sub('""', formula)):
        title = match.group("sheet") or sheet
        if title.startswith("'"):
            title = title[1:-1].replace("''", "'")
        if title not in book.sheetnames:
            continue
        ref = match.group("a") + (":" + match.group("b") if match.group("b") else "")
        refs = cells_of(ref.replace("$", ""))[:10_000]
        for cell_ref in refs:
            value = _plain(book[title][cell_ref].value)
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                scale = max(scale, abs(value))
    return scale


def function_names(formula: str) -> set[str]:
    """Upper-case function names called in a formula, prefixes such as _xlfn. dropped."""
    bare = _STRING.sub('""', formula)
    names = set()
    for match in _FUNCTION.finditer(bare):
        name = match.group(1).upper()
        for prefix in ("_XLFN.", "_XLWS.", "_XLL."):
            if name.startswith(prefix):
                name = name[len(prefix) :]
        names.add(name)
    return names


@dataclass
class Formulas:
    """Formula cells of one workbook: sheet -> A1 -> formula text, and which are xlfuncs'."""

    text: dict[str, dict[str, str]] = field(default_factory=dict)
    xlfuncs: dict[str, set[str]] = field(default_factory=dict)
    volatile: dict[str, set[str]] = field(default_factory=dict)


def read_formulas(path: Path) -> Formulas:
    package = read_package(path)
    registry = set(functions())
    links = package.addin_links
    out = Formulas()
    with zipfile.ZipFile(path) as archive:
        for title, part in package.sheets.items():
            texts: dict[str, str] = {}
            shared: dict[str, str] = {}
            arrays: dict[str, str] = {}
            for cell in iter_cells(archive, part):
                if cell.formula is None:
                    continue
                text = cell.formula
                if cell.formula_type == "shared":
                    if text:
                        shared[cell.shared_index] = text
                    else:
                        text = shared.get(cell.shared_index, "")
                texts[cell.ref] = plain_names(text, registry, links)
                if cell.formula_type == "array" and cell.formula_ref:
                    arrays[cell.ref] = cell.formula_ref
            mine, volatile = set(), set()
            for ref, text in list(texts.items()):
                names = function_names(text)
                covered = cells_of(arrays[ref]) if ref in arrays else [ref]
                for other in covered:
                    texts.setdefault(other, text)
                if names & registry:
                    mine.update(covered)
                if names & VOLATILE:
                    volatile.update(covered)
            out.text[title] = texts
            out.xlfuncs[title] = mine
            out.volatile[title] = volatile
    return out


def substitute(source: Path, target: Path, formulas: Formulas, values: dict[str, dict[str, Any]]) -> int:
    """Copy ``source`` with every xlfuncs cell replaced by xlfuncs' value as a constant."""
    package = read_package(source)
    by_part = {part: title for title, part in package.sheets.items()}
    replaced = 0
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            title = by_part.get(info.filename)
            if title and formulas.xlfuncs.get(title):
                root = parse_xml(data, info.filename)
                mine = formulas.xlfuncs[title]
                sheet_values = values.get(title, {})
                for cell in root.iter(_C):
                    ref = cell.get("r")
                    if ref not in mine:
                        continue
                    for child in list(cell):
                        cell.remove(child)
                    cell.attrib.pop("t", None)
                    _set_constant(cell, sheet_values.get(ref))
                    replaced += 1
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            out.writestr(info, data)
    return replaced


def _set_constant(cell: etree._Element, value: Any) -> None:
    if value is None:
        return
    kind, text = encode_value(value)
    if kind == "str":
        cell.set("t", "inlineStr")
        inline = etree.SubElement(cell, f"{{{NS_MAIN}}}is")
        etree.SubElement(inline, f"{{{NS_MAIN}}}t").text = text
        return
    if kind is not None:
        cell.set("t", kind)
    etree.SubElement(cell, f"{{{NS_MAIN}}}v").text = text


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return float(to_excel(value))
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if value == "":
        return None
    return value


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def same(mine: Any, theirs: Any) -> bool:
    mine, theirs = _plain(mine), _plain(theirs)
    numbers = (int, float)
    if isinstance(mine, bool) or isinstance(theirs, bool):
        return mine is theirs or (mine == theirs and type(mine) is type(theirs))
    if isinstance(mine, numbers) and isinstance(theirs, numbers):
        return math.isclose(mine, theirs, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return mine == theirs


@dataclass
class Comparison:
    workbook: Path
    compared: int = 0
    excepted: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    substituted: int = 0


@pytest.fixture(scope="session")
def parity(libreoffice, tmp_path_factory) -> list[Comparison]:
    work = tmp_path_factory.mktemp("parity")
    prepared = []
    for number, workbook in enumerate(WORKBOOKS):
        stem = f"{number:02d}_{workbook.stem}"
        ours = work / "xlfuncs" / f"{stem}.xlsx"
        ours.parent.mkdir(exist_ok=True)
        report = recalculate(workbook, ours)
        formulas = read_formulas(workbook)
        copy = work / "substituted" / f"{stem}.xlsx"
        copy.parent.mkdir(exist_ok=True)
        result = Comparison(workbook)
        result.substituted = substitute(workbook, copy, formulas, report.values)
        prepared.append((stem, ours, copy, formulas, result))
    theirs_dir = work / "libreoffice"
    libreoffice.recalculate_files([copy for _, _, copy, _, _ in prepared], theirs_dir)
    results = []
    for stem, ours, _copy, formulas, result in prepared:
        theirs_path = theirs_dir / f"{stem}.xlsx"
        assert theirs_path.exists(), f"LibreOffice did not convert {result.workbook.name}"
        mine_book = openpyxl.load_workbook(ours, data_only=True)
        theirs_book = openpyxl.load_workbook(theirs_path, data_only=True)
        for title, texts in formulas.text.items():
            skip = formulas.xlfuncs[title] | formulas.volatile[title]
            for ref, text in sorted(texts.items()):
                if ref in skip:
                    continue
                mine = mine_book[title][ref].value
                theirs = theirs_book[title][ref].value
                if same(mine, theirs):
                    result.compared += 1
                    continue
                label = f"{result.workbook.name} {title}!{ref} ={text.lstrip('=')}"
                if _numbers(mine, theirs) and abs(mine - theirs) <= REL_TOL * operand_scale(
                    text, title, mine_book
                ):
                    result.excepted.append(f"{label}: {mine!r} vs {theirs!r} ({CANCELLATION})")
                    continue
                names = function_names(text)
                excused = [n for n in names if n in EXCEPTIONS and EXCEPTIONS[n][1](_plain(mine), _plain(theirs))]
                if excused:
                    result.excepted.append(f"{label}: {mine!r} vs {theirs!r} ({excused[0]})")
                    continue
                result.mismatches.append(f"{label}: xlfuncs {mine!r}, LibreOffice {theirs!r}")
        results.append(result)
    return results


def test_every_template_and_fixture_is_compared():
    names = {p.name for p in WORKBOOKS}
    assert "parity_finance.xlsx" in names
    assert any(p.parent.name == "workbooks" for p in WORKBOOKS)


def test_parity_fixture_is_current(tmp_path):
    built = make_parity_workbook.build(tmp_path / "parity_finance.xlsx")

    def contents(path):
        book = openpyxl.load_workbook(path)
        return {
            title: [[getattr(c.value, "text", c.value) for c in row] for row in book[title].iter_rows()]
            for title in book.sheetnames
        }

    assert contents(FIXTURES / "parity_finance.xlsx") == contents(built)


@pytest.mark.libreoffice
def test_parity_with_libreoffice(parity, capsys):
    total = sum(r.compared for r in parity)
    lines = [f"parity with LibreOffice: {total:,} cells compared in {len(parity)} workbooks"]
    for result in parity:
        lines.append(
            f"  {result.workbook.name}: {result.compared:,} compared, {result.substituted:,} xlfuncs "
            f"cells substituted, {len(result.excepted)} documented exceptions"
        )
        lines.extend(f"    exception {e}" for e in result.excepted)
    with capsys.disabled():  # shown in the CI log whether or not output is captured
        print()
        for line in lines:
            print(line)
    mismatches = [m for r in parity for m in r.mismatches]
    assert not mismatches, f"{len(mismatches)} cells differ from LibreOffice:\n" + "\n".join(mismatches[:60])
    for result in parity:
        assert result.compared > 0, f"{result.workbook.name}: no cell compared"


@pytest.mark.libreoffice
def test_downstream_of_xlfuncs_cells_is_compared(parity):
    """The fixture's standard formulas fed by xlfuncs results were compared, not skipped."""
    fixture = next(r for r in parity if r.workbook.name == "parity_finance.xlsx")
    assert fixture.substituted == 15  # G2:H7, Model B3, B6 and B48
    assert fixture.compared >= 45


class TestHelpers:
    def test_operand_scale(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "S"
        sheet["A1"], sheet["A2"], sheet["B1"] = 2_500_000.5, -7_000_000, "text"
        other = book.create_sheet("Other sheet")
        other["C3"] = 9e9
        assert operand_scale("=A1-A2", "S", book) == 7_000_000
        assert operand_scale("=SUM(A1:B2)+'Other sheet'!C3", "S", book) == 9e9
        assert operand_scale('="A1"&B1', "S", book) == 0


    def test_function_names(self):
        assert function_names('=_xlfn.STDEV.S(A1:A3)+IF(B1>0,UNIT_COST(1,2),"SUM(")') == {
            "STDEV.S",
            "IF",
            "UNIT_COST",
        }

    def test_one_unit_apart(self):
        assert _one_unit_apart(2.68, 2.67)
        assert _one_unit_apart(1300, 1200)
        assert not _one_unit_apart(2.68, 2.66)
        assert not _one_unit_apart(2.68, 2.68)

    def test_same(self):
        assert same(1.0, 1.0 + 1e-12)
        assert same(0.0, 5e-17)
        assert not same(0.0, 3.7e-9)  # near zero: judged against the operands instead
        assert not same(1.0, 1.0001)
        assert not same(True, 1)
        assert same(dt.datetime(2025, 3, 31), 45747)
        assert same("#DIV/0!", "#DIV/0!")
        assert not same("#DIV/0!", "#VALUE!")
