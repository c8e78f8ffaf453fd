"""Every function a portable copy calls is one Excel 2010 has, written as Excel stores it.

The functions of the Office Open XML standard (ECMA-376, Excel 2007's set; openpyxl carries the
list as ``openpyxl.utils.formulas.FORMULAE``) are stored by their plain names. The functions
Excel 2010 added (the renamed statistical functions such as STDEV.S and T.DIST.2T, AGGREGATE,
the .INTL date functions) are stored with the ``_xlfn.`` prefix: without it Excel reads the name
as an unknown function and shows #NAME?. Anything later (IFNA, XOR, IFS, LET, LAMBDA, FILTER,
SEQUENCE and the other dynamic arrays) is not in Excel 2010 at all. That LibreOffice has each
function too is shown by the LibreOffice comparison, where a missing one would give #NAME?.
"""

from __future__ import annotations

import re

import pytest
from openpyxl.utils.formulas import FORMULAE

from tests.portable.conftest import CALLS, TEMPLATES
from tests.portable.test_templates import formula_cells

#: The functions new in Excel 2010 ("What's new in Excel 2010": the statistical functions with
#: improved accuracy and their new names, AGGREGATE, and the others), stored as ``_xlfn.NAME``.
EXCEL_2010 = frozenset("""
AGGREGATE BETA.DIST BETA.INV BINOM.DIST BINOM.INV CEILING.PRECISE CHISQ.DIST CHISQ.DIST.RT
CHISQ.INV CHISQ.INV.RT CHISQ.TEST CONFIDENCE.NORM CONFIDENCE.T COVARIANCE.P COVARIANCE.S
ERF.PRECISE ERFC.PRECISE EXPON.DIST F.DIST F.DIST.RT F.INV F.INV.RT F.TEST FLOOR.PRECISE
GAMMA.DIST GAMMA.INV GAMMALN.PRECISE HYPGEOM.DIST ISO.CEILING LOGNORM.DIST LOGNORM.INV MODE.MULT
MODE.SNGL NEGBINOM.DIST NETWORKDAYS.INTL NORM.DIST NORM.INV NORM.S.DIST NORM.S.INV
PERCENTILE.EXC PERCENTILE.INC PERCENTRANK.EXC PERCENTRANK.INC POISSON.DIST QUARTILE.EXC
QUARTILE.INC RANK.AVG RANK.EQ STDEV.P STDEV.S T.DIST T.DIST.2T T.DIST.RT T.INV T.INV.2T T.TEST
VAR.P VAR.S WEIBULL.DIST WORKDAY.INTL Z.TEST
""".split())

_STRING = re.compile(r'"(?:[^"]|"")*"')
_SHEET = re.compile(r"'(?:[^']|'')*'!")
_CALL = re.compile(r"(?<![A-Za-z0-9_.!$])((?:_xlfn\.)?[A-Za-z][A-Za-z0-9_.]*)\(")


def functions_called(formula: str) -> set[str]:
    """The function names of a formula as stored (``_xlfn.`` kept), text and sheet names out."""
    bare = _SHEET.sub("", _STRING.sub('""', formula))
    return set(_CALL.findall(bare))


def test_the_scanner_reads_names_as_excel_stores_them():
    assert functions_called('IF(A1="SUM(",_xlfn.STDEV.S(B1:B4),\'My SUM(\'!C1+MMULT(D1:E2,F1:F2))') == {
        "IF", "_xlfn.STDEV.S", "MMULT"}


def problems(formula: str) -> list[str]:
    found = []
    for name in functions_called(formula):
        plain = name.removeprefix("_xlfn.").upper()
        prefixed = name.startswith("_xlfn.")
        if plain in EXCEL_2010 and not prefixed:
            found.append(f"{name} needs the _xlfn. prefix Excel 2010 stores it with")
        elif prefixed and plain not in EXCEL_2010:
            found.append(f"{name} is not an Excel 2010 function")
        elif not prefixed and plain not in FORMULAE:
            found.append(f"{name} is not a function of Excel 2007's standard set")
    return found


@pytest.mark.parametrize("name", [*TEMPLATES, CALLS])
def test_portable_copies_call_only_excel_2010_functions(portable_copies, name):
    found = []
    for (sheet, ref), formula in sorted(formula_cells(portable_copies[name].portable).items()):
        found.extend(f"{sheet}!{ref}: {problem}" for problem in problems(formula))
    assert not found, "\n".join(sorted(set(found))[:20])


def test_later_functions_are_refused_by_the_rule():
    assert problems("IFNA(A1,0)") and problems("_xlfn.LET(x,1,x)") and problems("STDEV.S(A1:A3)")
    assert not problems("_xlfn.STDEV.S(A1:A3)+SUMPRODUCT(A1:A3,B1:B3)")
