"""Templates that travel: every template in ``workbooks/`` made portable, recalculated by
LibreOffice (which has no xlfuncs) with recalculation forced on load, and every formula cell
compared with ``xlfuncs recalc`` of the original: numbers to 1e-9 relative, text and error
values exactly. The native-calls workbook (every function with a native form, with bad inputs)
is checked the same way.

A number that cancels to about zero (``=C12-B12`` of two equal sums) is compared relative to
the numbers its formula reads: 1e-9 of a million is the agreement asked of the inputs.
"""

from __future__ import annotations

import zipfile

import pytest

from tests.portable.conftest import CALLS, TEMPLATES
from tests.support.cached import agree, input_scale, plain
from xlfuncs.excel.registry import functions
from xlfuncs.xlsx.cells import read_cells
from xlfuncs.xlsx.package import open_package
from xlfuncs.xlsx.refs import col_letters

ALL = [*TEMPLATES, CALLS]


def formula_cells(path) -> dict[tuple[str, str], str]:
    """(sheet, A1) -> the formula computing it (an array formula's for each cell of its range)."""
    cells = read_cells(open_package(path))
    out = {}
    for title, sheet in cells.sheets.items():
        for (r, c), formula in sheet.formulas.items():
            bounds = sheet.arrays.get((r, c), (r, c, r, c))
            for row in range(bounds[0], bounds[2] + 1):
                for col in range(bounds[1], bounds[3] + 1):
                    out[(title, f"{col_letters(col)}{row}")] = formula
    return out


def compare(copy, found_values=None) -> tuple[int, list[str]]:
    """Cells compared, and each formula cell of the original whose value ``found_values``
    (LibreOffice's recalculation of the copy unless given) does not give."""
    found_values = copy.libreoffice if found_values is None else found_values
    compared, mismatches = 0, []
    for (sheet, ref), formula in sorted(formula_cells(copy.original).items()):
        expected = copy.expected.get(sheet, {}).get(ref)
        found = found_values.get(sheet, {}).get(ref)
        compared += 1
        scale = input_scale(formula, sheet, copy.expected) if isinstance(plain(expected), float) else 0.0
        if not agree(expected, found, scale):
            mismatches.append(f"{sheet}!{ref}: xlfuncs {plain(expected)!r}, found {plain(found)!r} (={formula[:80]})")
    return compared, mismatches


@pytest.mark.parametrize("name", ALL)
def test_libreoffice_gives_the_numbers_of_xlfuncs(portable_copies, name):
    compared, mismatches = compare(portable_copies[name])
    assert compared > 0
    assert not mismatches, f"{name}: {len(mismatches)} of {compared} cells differ:\n" + "\n".join(mismatches[:20])


def test_half_the_xlfuncs_cells_stay_live_and_the_counts_are_printed(portable_copies, capsys):
    lines = [f"{'template':<24}{'formulas live':>14}{'frozen':>8}{'cells live':>12}{'frozen':>8}{'compared':>10}"]
    live = frozen = 0
    for name in TEMPLATES:
        report = portable_copies[name].report
        compared, mismatches = compare(portable_copies[name])
        lines.append(
            f"{name:<24}{len(report.live):>14}{len(report.frozen):>8}{report.live_cells:>12}"
            f"{report.frozen_cells:>8}{compared:>10}  {'agree' if not mismatches else 'DIFFER'}"
        )
        live += report.live_cells
        frozen += report.frozen_cells
    lines.append(f"{'all templates':<24}{'':>14}{'':>8}{live:>12}{frozen:>8}")
    with capsys.disabled():
        print("\nxlfuncs cells of the templates made portable:\n" + "\n".join(lines))
    assert live >= (live + frozen) / 2


#: Functions with a native form for some of their arguments only, and why the rest is frozen.
PARTLY_NATIVE = {"LAC_STOCKFLOW_TOTAL": "needs the variance of the projection"}


def test_only_functions_without_a_native_form_are_frozen(portable_copies):
    """Or a call that chooses, by a typed word, a method only xlfuncs computes (the
    back-test's "ets" row): that choice has no native form, the function's others have."""
    registry = functions()
    for name in ALL:
        for conversion in portable_copies[name].report.frozen:
            function = registry[conversion.frozen_function]
            if conversion.frozen_function in PARTLY_NATIVE:
                assert PARTLY_NATIVE[conversion.frozen_function] in conversion.reason, conversion.where
                continue
            chosen = conversion.reason.endswith("has no form in Excel's own functions")
            assert hasattr(function.native, "reason") or chosen, f"{name}: {conversion.where}: {conversion.reason}"


def test_frozen_cells_carry_a_note_saying_how_to_get_them_live(portable_copies):
    report = portable_copies["intervention_cba.xlsx"].report
    assert report.frozen
    with zipfile.ZipFile(portable_copies["intervention_cba.xlsx"].portable) as archive:
        comments = [n for n in archive.namelist() if n.startswith("xl/comments")]
        text = " ".join(archive.read(n).decode() for n in comments)
        assert any(n.endswith(".vml") for n in archive.namelist())
    for conversion in report.frozen:
        assert f'<comment ref="{conversion.address.split(":")[0]}"' in text
    assert "this call of CBA_COHORT_MC has no form in Excel" in text
    assert "install xlfuncs" in text
    assert '=CBA_COHORT_MC($C$5:$G$18,Appraisal!B24:K24,Appraisal!B25:K25,Appraisal!B28:K28,' in text


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_xlfuncs_call_is_left(portable_copies, name):
    """What is live is in Excel's own functions; what is not is a value."""
    from xlfuncs.portable import xlfuncs_cells

    assert xlfuncs_cells(open_package(portable_copies[name].portable)) == 0


@pytest.mark.parametrize("name", TEMPLATES)
def test_styles_charts_names_and_validation_are_kept(portable_copies, name):
    copy = portable_copies[name]
    with zipfile.ZipFile(copy.original) as before, zipfile.ZipFile(copy.portable) as after:
        kept = set(after.namelist())
        for part in before.namelist():
            if part.startswith(("xl/charts/", "xl/drawings/drawing", "xl/theme/")) or part == "xl/styles.xml":
                assert after.read(part) == before.read(part), part
        assert set(before.namelist()) <= kept
        workbook_before, workbook_after = before.read("xl/workbook.xml"), after.read("xl/workbook.xml")
        assert workbook_before.count(b"<definedName ") == workbook_after.count(b"<definedName ")
        for part in before.namelist():
            if part.startswith("xl/worksheets/sheet"):
                assert before.read(part).count(b"<dataValidation ") == after.read(part).count(b"<dataValidation ")
