"""Which arguments of Excel's functions take ranges, and which take single values.

Excel treats a range given where a function expects one value in two ways:

* in an array formula (``{=ABS(B3:P3)}``, a CSE formula saved with ``t="array"``) the
  function is applied to each cell in turn and the results form an array ("lifting");
* in an ordinary formula, the cell of the range in the formula's own row (for a column range)
  or column (for a row range) is taken: implicit intersection; elsewhere #VALUE!.

Arguments that take ranges (SUM's, the lookup table of VLOOKUP, the criteria ranges of
COUNTIFS) are never lifted nor intersected. IF's and CHOOSE's branches, and IFERROR's value,
pass a range through in an ordinary formula (``=SUM(IF(x, A1:A3, B1:B3))``) and are lifted in
an array formula. Every argument of a function not listed here takes a single value.
"""

from __future__ import annotations

from collections.abc import Callable

#: The kinds of argument.
SCALAR, RANGE, THROUGH = "scalar", "range", "through"


def _all(i: int) -> str:
    return RANGE


def _positions(*indexes: int, rest: int | None = None) -> Callable[[int], str]:
    chosen = frozenset(indexes)

    def kind(i: int) -> str:
        return RANGE if i in chosen or (rest is not None and i >= rest) else SCALAR

    return kind


def _ifs_with_target(i: int) -> str:
    return RANGE if i == 0 or i % 2 == 1 else SCALAR  # SUMIFS(sum, range1, crit1, range2, crit2)


def _ifs(i: int) -> str:
    return RANGE if i % 2 == 0 else SCALAR  # COUNTIFS(range1, crit1, range2, crit2)


def _through_from(first: int) -> Callable[[int], str]:
    return lambda i: THROUGH if i >= first else SCALAR


_AGGREGATES = (
    "SUM PRODUCT SUMPRODUCT SUMSQ AVERAGE AVERAGEA MIN MINA MAX MAXA COUNT COUNTA COUNTBLANK "
    "MEDIAN MODE MODE.SNGL MODE.MULT GEOMEAN HARMEAN AVEDEV DEVSQ KURT SKEW SKEW.P STDEV STDEVA "
    "STDEVP STDEVPA STDEV.S STDEV.P VAR VARA VARP VARPA VAR.S VAR.P AND OR XOR CONCAT GCD LCM "
    "MULTINOMIAL LINEST LOGEST TREND GROWTH TRANSPOSE MMULT MINVERSE MDETERM FREQUENCY ROWS COLUMNS "
    "ROW COLUMN AREAS ISREF SUMX2MY2 SUMX2PY2 SUMXMY2 CORREL PEARSON RSQ SLOPE INTERCEPT STEYX COVAR "
    "COVARIANCE.P COVARIANCE.S PROB T.TEST TTEST CHISQ.TEST CHITEST F.TEST FTEST FILTER SORTBY VSTACK "
    "HSTACK MAP REDUCE SCAN BYROW BYCOL MAKEARRAY FORMULATEXT ISFORMULA N T TYPE"
).split()

KINDS: dict[str, Callable[[int], str]] = {name: _all for name in _AGGREGATES}
KINDS.update(
    {
        "INDEX": _positions(0),
        "MATCH": _positions(1),
        "XMATCH": _positions(1),
        "VLOOKUP": _positions(1),
        "HLOOKUP": _positions(1),
        "LOOKUP": _positions(1, 2),
        "XLOOKUP": _positions(1, 2),
        "OFFSET": _positions(0),
        "SUMIF": _positions(0, 2),
        "AVERAGEIF": _positions(0, 2),
        "COUNTIF": _positions(0),
        "SUMIFS": _ifs_with_target,
        "AVERAGEIFS": _ifs_with_target,
        "MAXIFS": _ifs_with_target,
        "MINIFS": _ifs_with_target,
        "COUNTIFS": _ifs,
        "NPV": _positions(rest=1),
        "IRR": _positions(0),
        "MIRR": _positions(0),
        "XNPV": _positions(1, 2),
        "XIRR": _positions(0, 1),
        "FVSCHEDULE": _positions(1),
        "LARGE": _positions(0),
        "SMALL": _positions(0),
        "RANK": _positions(1),
        "RANK.EQ": _positions(1),
        "RANK.AVG": _positions(1),
        "PERCENTILE": _positions(0),
        "PERCENTILE.INC": _positions(0),
        "PERCENTILE.EXC": _positions(0),
        "PERCENTRANK": _positions(0),
        "PERCENTRANK.INC": _positions(0),
        "PERCENTRANK.EXC": _positions(0),
        "QUARTILE": _positions(0),
        "QUARTILE.INC": _positions(0),
        "QUARTILE.EXC": _positions(0),
        "FORECAST": _positions(1, 2),
        "FORECAST.LINEAR": _positions(1, 2),
        "NETWORKDAYS": _positions(2),
        "WORKDAY": _positions(2),
        "NETWORKDAYS.INTL": _positions(3),
        "WORKDAY.INTL": _positions(3),
        "SERIESSUM": _positions(3),
        "TEXTJOIN": _positions(rest=2),
        "ARRAYTOTEXT": _positions(0),
        "SORT": _positions(0),
        "UNIQUE": _positions(0),
        "CHOOSECOLS": _positions(0),
        "CHOOSEROWS": _positions(0),
        "TAKE": _positions(0),
        "DROP": _positions(0),
        "TOCOL": _positions(0),
        "TOROW": _positions(0),
        "WRAPROWS": _positions(0),
        "WRAPCOLS": _positions(0),
        "EXPAND": _positions(0),
        "SUBTOTAL": _positions(rest=1),
        "AGGREGATE": _positions(rest=2),
        "DSUM": _positions(0, 2),
        "DAVERAGE": _positions(0, 2),
        "DCOUNT": _positions(0, 2),
        "DCOUNTA": _positions(0, 2),
        "DMAX": _positions(0, 2),
        "DMIN": _positions(0, 2),
        "DGET": _positions(0, 2),
        "DPRODUCT": _positions(0, 2),
        "DSTDEV": _positions(0, 2),
        "DSTDEVP": _positions(0, 2),
        "DVAR": _positions(0, 2),
        "DVARP": _positions(0, 2),
        "IF": _through_from(1),
        "IFS": lambda i: THROUGH if i % 2 == 1 else SCALAR,
        "CHOOSE": _through_from(1),
        "IFERROR": lambda i: THROUGH if i == 0 else THROUGH,
        "IFNA": lambda i: THROUGH,
        "SWITCH": lambda i: SCALAR if i == 0 else THROUGH,
    }
)


#: Functions that came from the Analysis ToolPak: in an array formula a range where they expect
#: one value gives #VALUE! for the whole formula instead of being applied cell by cell (as
#: Excel saves them: EDATE(D9:H9, B9:F9) entered over five cells shows #VALUE! in each).
TOOLPAK = frozenset(
    (
        "EDATE EOMONTH NETWORKDAYS WORKDAY WEEKNUM YEARFRAC ISEVEN ISODD MROUND QUOTIENT FACTDOUBLE "
        "SQRTPI DELTA GESTEP ERF ERFC BESSELI BESSELJ BESSELK BESSELY CONVERT COMPLEX IMABS IMAGINARY "
        "IMARGUMENT IMCONJUGATE IMCOS IMDIV IMEXP IMLN IMLOG10 IMLOG2 IMPOWER IMPRODUCT IMREAL IMSIN "
        "IMSQRT IMSUB IMSUM DEC2BIN DEC2HEX DEC2OCT BIN2DEC BIN2HEX BIN2OCT HEX2BIN HEX2DEC HEX2OCT "
        "OCT2BIN OCT2DEC OCT2HEX XNPV XIRR CUMIPMT CUMPRINC ACCRINT ACCRINTM COUPDAYBS COUPDAYS "
        "COUPDAYSNC COUPNCD COUPNUM COUPPCD DISC DOLLARDE DOLLARFR DURATION EFFECT NOMINAL FVSCHEDULE "
        "INTRATE MDURATION ODDFPRICE ODDFYIELD ODDLPRICE ODDLYIELD PRICE PRICEDISC PRICEMAT RECEIVED "
        "TBILLEQ TBILLPRICE TBILLYIELD YIELD YIELDDISC YIELDMAT AMORDEGRC AMORLINC RANDBETWEEN"
    ).split()
)


def kind_of(name: str, index: int) -> str:
    """What argument ``index`` (from 0) of ``name`` takes: :data:`SCALAR`, :data:`RANGE` or
    :data:`THROUGH`."""
    found = KINDS.get(name)
    return SCALAR if found is None else found(index)
