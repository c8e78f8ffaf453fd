"""Excel face of :mod:`xlfuncs.methods.spend_variation` (the SPEND_ family).

The model functions take the spend per head (known_y) and the drivers (known_x) as LINEST
does. A council with a blank cell is left out of the fit (SPEND_COUNTS says how many); text
in a numeric cell is an error naming the cell.
"""

from __future__ import annotations

import numpy as np

from xlfuncs.excel.native import (
    NativeArg,
    NativeCall,
    NoNativeForm,
    PerCell,
    either,
    finite_number,
    guarded,
    is_whole,
    laid_out,
    numbers_check,
    seq,
    without_native,
)
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import spend_variation as sv
from xlfuncs.methods.errors import NotANumberError

FAMILY = "Spend variation"

# --------------------------------------------------------------------------- native forms

_GAPS_NOTE = (
    "A council with a blank spend or driver cell, which xlfuncs leaves out of the model, gives "
    "#N/A here: Excel's LINEST and TREND take no gaps."
)


class _Model:
    """The spend model of a call, as LINEST reads it: its ranges, size and checks."""

    def __init__(self, call: NativeCall):
        known_y, known_x = call["known_y"], call["known_x"]
        self.n = n = known_y.size
        rows, cols = known_x.rows, known_x.cols
        self.across = rows != n and cols == n  # drivers in rows, councils in columns
        if self.across:
            rows, cols = cols, rows
        self.valid = rows == n
        self.p = p = cols
        self.known_y, self.known_x = known_y, known_x
        self.y, self.x = y, x = known_y.text, known_x.text
        self.block = f"LINEST({y},{x},TRUE,TRUE)"
        self.complete = f"COUNT({y})+COUNT({x})={n * (p + 1)}"
        checks = [numbers_check(known_y, "missing"), numbers_check(known_x, "missing")]
        checks.append((f"COUNT({y})<{p + 2}", "#DIV/0!"))
        checks.append((f"MAX({y})=MIN({y})", "#DIV/0!"))
        # A constant or collinear driver: LINEST drops it with a standard error of 0 (a perfect
        # fit has every standard error 0 and an infinite F); xlfuncs refuses both.
        dropped = ",".join(f"INDEX({self.block},2,{j})=0" for j in range(1, p + 2))
        checks.append((f"AND({self.complete},OR({dropped}))", "#NUM!"))
        # Excel's LINEST takes no gaps: a council left out by xlfuncs is #N/A here.
        checks.append((f"NOT({self.complete})", "#N/A"))
        self.checks = checks
        call.note(_GAPS_NOTE)

    def coefficient(self, driver: int) -> str:
        """The coefficient of driver ``driver`` (0-based; LINEST lists them last first)."""
        return f"INDEX(LINEST({self.y},{self.x}),1,{self.p - driver})"

    @property
    def intercept(self) -> str:
        return f"INDEX(LINEST({self.y},{self.x}),1,{self.p + 1})"

    def driver(self, j: int) -> str:
        ref = self.known_x.ref
        if ref is None:
            raise NoNativeForm("known_x is a computed array, not a range")
        return (ref.part(j, 0, 1, self.n) if self.across else ref.part(0, j, self.n, 1)).text

    def value(self, i: int, j: int) -> str:
        ref = self.known_x.ref
        if ref is None:
            raise NoNativeForm("known_x is a computed array, not a range")
        return (ref.part(j, i) if self.across else ref.part(i, j)).text

    def fitted(self, values: list[str]) -> str:
        """The expected spend of drivers ``values``, in the method's order: the design's
        columns times the coefficients, then the intercept."""
        terms = "+".join(f"{v}*{self.coefficient(j)}" for j, v in enumerate(values))
        return f"({terms}+{self.intercept})"


def _flag(arg: NativeArg) -> bool | None:
    """A logical argument's value when it is typed (None for a cell)."""
    if not arg.given:
        return bool(arg.default)
    if arg.is_literal and isinstance(arg.literal, bool | int | float):
        return bool(arg.literal)
    return None


def _linest_native(call: NativeCall):
    model = _Model(call)
    if not model.valid:
        return "#N/A"
    stats = _flag(call["stats"])
    if stats is None:
        raise NoNativeForm("stats is a cell: the size of LINEST's result depends on it")
    p = model.p
    if call.rows is None:  # inside a larger formula: the block as one array
        call.needs_array()
        block = f"LINEST({model.y},{model.x},TRUE,{'TRUE' if stats else 'FALSE'})"
        return guarded(model.checks, f"IF(ISNA({block}),0,{block})" if stats else block)
    rows = 5 if stats else 1
    grid = [
        [("0" if i >= 2 and j >= 2 else f"INDEX({model.block},{i + 1},{j + 1})") for j in range(p + 1)]
        for i in range(rows)
    ]
    if not stats:
        grid = [[f"INDEX(LINEST({model.y},{model.x}),1,{j + 1})" for j in range(p + 1)]]
    return laid_out(call, grid, model.checks)


def _councils(call: NativeCall, model: _Model, value) -> str | PerCell:
    """One value per council down a column, each cell its own formula."""
    if call.rows is None:
        raise NoNativeForm("its native form fills its column one formula per cell, and here it sits inside a larger formula")
    grid = [[value(i)] for i in range(model.n)]
    return laid_out(call, grid, model.checks)


def _expected_native(call: NativeCall):
    model = _Model(call)
    if not model.valid:
        return "#N/A"
    new_x = call["new_x"]
    if not new_x.given:
        return _councils(call, model, lambda i: model.fitted([model.value(i, j) for j in range(model.p)]))
    ref = new_x.ref
    if ref is None:
        raise NoNativeForm("new_x is a computed array, not a range")
    rows, cols = ref.rows, ref.cols
    if cols != model.p and rows == model.p:
        rows, cols = cols, rows
        cell = lambda i, j: ref.part(j, i).text  # noqa: E731
    else:
        cell = lambda i, j: ref.part(i, j).text  # noqa: E731
    if cols != model.p:
        return "#N/A"
    if call.rows is None:
        raise NoNativeForm("its native form fills its column one formula per cell, and here it sits inside a larger formula")
    grid = [[model.fitted([cell(i, j) for j in range(model.p)])] for i in range(rows)]
    return laid_out(call, grid, model.checks)


def _gap_native(call: NativeCall):
    model = _Model(call)
    if not model.valid:
        return "#N/A"
    percent = _flag(call["percent"])

    def gap(i: int) -> str:
        fitted = model.fitted([model.value(i, j) for j in range(model.p)])
        actual = model.known_y.element(i)
        if percent is None:
            return f"IF({call['percent'].text},({actual}-{fitted})/{fitted},{actual}-{fitted})"
        return f"({actual}-{fitted})/{fitted}" if percent else f"{actual}-{fitted}"

    return _councils(call, model, gap)


def _range_native(call: NativeCall):
    model = _Model(call)
    if not model.valid:
        return "#N/A"
    fitted = model.fitted([model.driver(j) for j in range(model.p)])
    call.needs_array()
    return laid_out(call, [[f"MIN({fitted})"], [f"MAX({fitted})"]], model.checks)


def _counts_native(call: NativeCall):
    model = _Model(call)
    if not model.valid:
        return "#N/A"
    call.needs_array()
    # A council is used when its spend and every driver are numbers.
    filled = "+".join(f"ISNUMBER({model.driver(j)})*1" for j in range(model.p))
    used = f"SUM(ISNUMBER({model.known_y.column()})*(({filled})={model.p}))"
    checks = model.checks[:2] + [(f"{used}<{model.p + 2}", "#DIV/0!"), model.checks[4]]
    return laid_out(call, [[used], [f"{model.n}-{used}"]], checks)


def _driver_rsq_native(call: NativeCall):
    model = _Model(call)
    if not model.valid:
        return "#N/A"
    return laid_out(call, [[f"RSQ({model.y},{model.driver(j)})" for j in range(model.p)]], model.checks)


def _neighbours_native(call: NativeCall):
    known_x = call["known_x"]
    if known_x.ref is None:
        raise NoNativeForm("known_x is a computed array, not a range")
    n, p = known_x.rows, known_x.cols
    call.needs_array()
    k = call["neighbours"]
    distances = _flag(call["distances"])
    if distances is None:
        raise NoNativeForm("distances is a cell: the form of the result depends on it")
    checks = [numbers_check(known_x, "strict")]
    if n < 2:
        return "#DIV/0!"
    if n > sv.MAX_NEIGHBOUR_COUNCILS:
        return "#NUM!"
    count: int | None = None
    if not k.given or k.is_literal:
        value = k.literal if k.given else 5
        if not finite_number(value) or value != int(value) or value < 1 or value > n - 1:
            return "#NUM!"
        count = int(value)
    else:
        checks.append((either(is_whole(str(k)), f"{k}<1", f"{k}>{n - 1}"), "#NUM!"))
    table = known_x.ref
    columns = [table.part(0, j, n, 1).text for j in range(p)]
    checks.append((f"OR({','.join(f'_xlfn.STDEV.S({c})=0' for c in columns)})", "#NUM!"))
    if call.rows is None:
        raise NoNativeForm("its native form fills its range one formula per cell, and here it sits inside a larger formula")
    positions = seq(n)

    def cell(i: int, j: int) -> str:
        if i >= n or (count is not None and j >= count):
            return "#N/A"
        own = [table.part(i, c).text for c in range(p)]
        # z - z_i = (x - x_i) / sd on each standardised driver: the means cancel.
        terms = "+".join(f"(({col}-{x})/_xlfn.STDEV.S({col}))^2" for col, x in zip(columns, own, strict=True))
        # The council itself stands at a distance no other can reach (the method's infinity).
        others = f"(({terms})^0.5+({positions}={i + 1})*{_FAR})"
        nearest = f"SMALL({others},{j + 1})"
        if distances:
            value = nearest
        else:
            # Ties go to the earlier row: the (j + 1 - nearer)-th row at this distance.
            nearer = f"SUM(({others}<{nearest})*1)"
            value = f"SMALL({positions}+({others}<>{nearest})*{_FAR},{j + 1}-{nearer})"
        if count is None:
            value = f"IF({j + 1}>{k},#N/A,{value})"
        return guarded(checks, value)

    return PerCell(cell)


_FAR = "9.9E+307"


def _per_head_native(call: NativeCall) -> str:
    spend, population = call["spend"], call["population_0_25"]
    return guarded([(f"{spend}<0", "#NUM!"), (f"{population}<0", "#NUM!")], f"{spend}/{population}")

_Y = Arg("known_y", "Spend per head aged 0-25 of each council (one column).", kind="vector", blanks="missing")
_X = Arg(
    "known_x",
    "Drivers: one row per council, one column per driver (IDACI, population 0-25, income, unemployment, crime).",
    kind="matrix",
    blanks="missing",
)


def _every_council(values: np.ndarray, what: str) -> np.ndarray:
    """A per-council result as a column, refusing councils left out for missing values.

    >>> _every_council(np.array([1.0, 2.0]), "gap")
    array([[1.],
           [2.]])
    """
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        rows = ", ".join(str(i + 1) for i in missing[:5]) + (", ..." if missing.size > 5 else "")
        raise NotANumberError(
            "known_x", f"no {what} for row {rows}: a spend or driver cell is blank"
        )
    return values.reshape(-1, 1)


def spend_linest(known_y, known_x, stats=True):
    """The spend model in the layout of Excel's ``LINEST(known_y, known_x, TRUE, stats)``.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    stats : bool, optional
        The 5-row block of statistics (default) or the coefficients only.

    Returns
    -------
    ndarray
        As :func:`xlfuncs.methods.spend_variation.linest`, with 0 in the cells where Excel's LINEST
        shows #N/A (a spreadsheet function here returns numbers only).

    Notes
    -----
    Seed 000 (LGA / Newton 2018) five-factor model; see :func:`xlfuncs.methods.spend_variation.fit`.

    Examples
    --------
    >>> spend_linest([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]])[2].round(4)
    array([0.9997, 0.073 , 0.    ])
    """
    return sv.fit(known_y, known_x, warn=False).linest(stats=stats, fill=0.0)


def spend_expected(known_y, known_x, new_x=None):
    """Expected spend per head: every council down a column, or the councils in ``new_x``.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    new_x : array_like, optional
        Drivers of the councils to predict for, one row each.

    Returns
    -------
    ndarray
        A column of expected spend per head (see :func:`xlfuncs.methods.spend_variation.expected_spend`).
        Without ``new_x``, a council with a blank cell is an error naming its row.

    Notes
    -----
    Seed 000: compare a council with what the factors predict for it.

    Examples
    --------
    >>> spend_expected([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]], [[6, 1]]).round(4)
    array([[12.82]])
    """
    if new_x is None:
        return _every_council(sv.expected_spend(known_y, known_x), "expected spend")
    return sv.expected_spend(known_y, known_x, new_x).reshape(-1, 1)


def spend_gap(known_y, known_x, percent=False):
    """Actual minus expected spend per head for every council, down a column.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    percent : bool, optional
        The gap as a fraction of expected spend.

    Returns
    -------
    ndarray
        A column of gaps (see :func:`xlfuncs.methods.spend_variation.spend_gap`); a council with a
        blank cell is an error naming its row.

    Notes
    -----
    Seed 000: coding of the returns alone moved some councils' spend by up to 12%.

    Examples
    --------
    >>> spend_gap([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]).round(4).ravel()
    array([-0.0533,  0.04  ,  0.0667, -0.04  , -0.0133])
    """
    return _every_council(sv.spend_gap(known_y, known_x, percent), "gap")


def spend_driver_rsq(known_y, known_x):
    """Each driver's R-squared on its own, as a row under the driver columns.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.

    Returns
    -------
    ndarray
        Shape (1, drivers); see :func:`xlfuncs.methods.spend_variation.driver_r_squared`.

    Notes
    -----
    Seed 000: IDACI alone explains 31% of the variation in spend per head.

    Examples
    --------
    >>> spend_driver_rsq([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]).round(4)
    array([[0.9973, 0.0024]])
    """
    return sv.driver_r_squared(known_y, known_x).reshape(1, -1)


def spend_shapley(known_y, known_x, share=False):
    """Each driver's Shapley (LMG) share of R-squared, as a row under the driver columns.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    share : bool, optional
        Fractions of R-squared (adding up to 1) instead of R-squared points.

    Returns
    -------
    ndarray
        Shape (1, drivers); see :func:`xlfuncs.methods.spend_variation.shapley_r_squared`.

    Notes
    -----
    Seed 000: the five drivers together explain just over 50%; this divides it among them.

    Examples
    --------
    >>> spend_shapley([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]], True).round(4)
    array([[0.9976, 0.0024]])
    """
    return sv.shapley_r_squared(known_y, known_x, share).reshape(1, -1)


register(
    ExcelFunction(
        name="SPEND_PER_HEAD",
        impl=sv.spend_per_head,
        family=FAMILY,
        description="Spend on children's services per head of the population aged 0-25 (LGA / Newton 2018).",
        args=(
            Arg("spend", "Revenue outturn spend on children's services in the year, pounds."),
            Arg("population_0_25", "Resident population aged 0-25. Must be positive."),
        ),
        example="=SPEND_PER_HEAD(42000000, 70000)",
        native=_per_head_native,
    )
)

register(
    ExcelFunction(
        name="SPEND_LINEST",
        impl=spend_linest,
        family=FAMILY,
        description=(
            "The spend model in LINEST(known_y,known_x,TRUE,stats) layout: coefficients last "
            "driver first then intercept; SEs; R2, se y; F, df; SS reg, SS resid. 0 where "
            "LINEST shows #N/A."
        ),
        args=(
            _Y,
            _X,
            Arg("stats", "Optional: TRUE (default) for the 5-row block of statistics, FALSE for coefficients only.", kind="flag", default=True),
        ),
        returns="array",
        example="=SPEND_LINEST(F5:F155, G5:K155)",
        native=_linest_native,
    )
)

register(
    ExcelFunction(
        name="SPEND_EXPECTED",
        impl=spend_expected,
        family=FAMILY,
        description=(
            "Expected spend per head from the drivers (the model's fitted value), for every "
            "council down a column, or for the councils in new_x."
        ),
        args=(
            _Y,
            _X,
            Arg("new_x", "Optional: drivers of the councils to predict for, one row each.", kind="matrix", default=None),
        ),
        returns="array",
        example="=SPEND_EXPECTED(F5:F155, G5:K155, G5:K5)",
        native=_expected_native,
    )
)

register(
    ExcelFunction(
        name="SPEND_GAP",
        impl=spend_gap,
        family=FAMILY,
        description=(
            "Actual minus expected spend per head for every council, down a column; "
            "positive = spending more than the drivers predict."
        ),
        args=(
            _Y,
            _X,
            Arg("percent", "Optional: TRUE for the gap as a fraction of expected spend.", kind="flag", default=False),
        ),
        returns="array",
        example="=SPEND_GAP(F5:F155, G5:K155)",
        native=_gap_native,
    )
)

register(
    ExcelFunction(
        name="SPEND_RANGE",
        impl=sv.expected_range,
        family=FAMILY,
        description="Lowest and highest expected spend per head across the councils, down a column (seed: £334 to £883).",
        args=(_Y, _X),
        returns="array",
        example="=SPEND_RANGE(F5:F155, G5:K155)",
        native=_range_native,
    )
)

register(
    ExcelFunction(
        name="SPEND_COUNTS",
        impl=sv.model_counts,
        family=FAMILY,
        description="Councils the spend model uses and councils it leaves out for blank cells, down a column.",
        args=(_Y, _X),
        returns="array",
        example="=SPEND_COUNTS(F5:F155, G5:K155)",
        native=_counts_native,
    )
)

register(
    ExcelFunction(
        name="SPEND_DRIVER_RSQ",
        impl=spend_driver_rsq,
        family=FAMILY,
        description="R-squared of each driver on its own, in a row in the order of the driver columns (IDACI alone: 31%).",
        args=(_Y, _X),
        returns="array",
        example="=SPEND_DRIVER_RSQ(F5:F155, G5:K155)",
        native=_driver_rsq_native,
    )
)

register(
    ExcelFunction(
        name="SPEND_SHAPLEY",
        impl=spend_shapley,
        family=FAMILY,
        description=(
            "Each driver's share of the model's R-squared (Shapley value, LMG method), in a row "
            "in driver order; they add up to R-squared, or to 1 with share TRUE."
        ),
        args=(
            _Y,
            _X,
            Arg("share", "Optional: TRUE for fractions of R-squared instead of R-squared points.", kind="flag", default=False),
        ),
        returns="array",
        example="=SPEND_SHAPLEY(F5:F155, G5:K155)",
        native=without_native(
            "it fits the model on every subset of the drivers (2 to the power of their number) and averages each driver's gain over every order"
        ),
    )
)

register(
    ExcelFunction(
        name="SPEND_NEIGHBOURS",
        impl=sv.statistical_neighbours,
        family=FAMILY,
        description=(
            "Row numbers of each council's nearest councils on the standardised drivers, "
            "nearest first (not DfE's official statistical neighbours)."
        ),
        args=(
            Arg("known_x", "Drivers: one row per council, one column per driver. No blanks.", kind="matrix"),
            Arg("neighbours", "Optional: neighbours per council, default 5.", default=5, keyword="k"),
            Arg("distances", "Optional: TRUE for the distances instead of row numbers.", kind="flag", default=False),
        ),
        returns="array",
        example="=SPEND_NEIGHBOURS(G5:K155, 5)",
        native=_neighbours_native,
    )
)
