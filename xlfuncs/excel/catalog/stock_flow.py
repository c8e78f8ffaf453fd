"""Excel face of :mod:`xlfuncs.methods.stock_flow.projection` (LAC_STOCKFLOW_ functions).

A workbook holds the model as ranges (no child-level data): stock per state, a matrix of daily
transition probabilities, exit probabilities and entrants per day; ``xlfuncs forecast-903
--template`` fills them from SSDA903 episodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xlfuncs.excel.native import (
    HelperCell,
    HelperCells,
    NativeArg,
    NativeCall,
    NoNativeForm,
    PerCell,
    PerRow,
    Reference,
    finite_number,
    guarded,
    literal_text,
    numbers_check,
    ones,
    shown,
    without_native,
)
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods.stock_flow import projection

FAMILY = "Stock-flow forecasting"

#: Why the variance of the projection stays with xlfuncs in a portable copy.
_DAILY = without_native(
    "its variance moves the children between states one day at a time over the horizon, a "
    "step for every day that one Excel formula cannot repeat"
)

# --------------------------------------------------------------------------- native forms
#
# The projection is linear: with z = [m; 1] and A = [[M, e], [0, 1]], z(t + 1) = A z(t), so
# z(h) = A^h z(0) for any horizon h. Written as rows, z(h)' = z(0)' B^h with B = A', and
# B^h is the product of the powers B^(2^k) for the bits k of h. The powers are working cells
# on the sheet (each the square of the one before, by MMULT): written inline each would be
# twice the text of the last. Each horizon's row is then z(0)' times, for every bit k, B^(2^k)
# where the bit is set and the identity where it is not.

#: Bits of a horizon: 16 cover 65,535 days, past the method's 36,525.
_BITS = 16


@dataclass(frozen=True)
class _Powers:
    """The working cells of one model: z(0)' as a row, the identity, B^(2^k) for each k."""

    start: str
    identity: str
    states_identity: str  # its first n rows and columns, to pick out a diagonal
    powers: tuple[str, ...]


def _number(text: str) -> str:
    """A working cell's copy of an input: N() so that a blank input is the number 0 (a formula
    showing a blank cell's "0" is an empty result to LibreOffice's MMULT, and #VALUE!)."""
    return f"N({text})"


def _entry(matrix: NativeArg, i: int, j: int) -> str:
    if matrix.ref is not None:
        return matrix.ref.part(i, j).text
    return f"INDEX({matrix.text},{i + 1},{j + 1})"


def _leaving(transitions: NativeArg, exits: NativeArg, i: int, n: int) -> str:
    """Daily probability of leaving state ``i`` (its row, the diagonal ignored, plus its
    exit), as the method adds it."""
    if transitions.ref is not None:
        parts = []
        if i > 0:
            parts.append(f"SUM({transitions.ref.part(i, 0, 1, i).text})")
        if i < n - 1:
            parts.append(f"SUM({transitions.ref.part(i, i + 1, 1, n - i - 1).text})")
    else:
        parts = [_entry(transitions, i, j) for j in range(n) if j != i]
    return "+".join([*parts, exits.element(i)])


def _bits(days: NativeArg) -> int:
    """Bits the horizons need: from the largest when they are typed, else all of them."""
    if days.is_literal:
        values = days.literal if isinstance(days.literal, list) else [(days.literal,)]
        flat = [v for row in values for v in row]
        if flat and all(finite_number(v) and 0 <= v <= projection.MAX_DAYS for v in flat):
            return max(1, int(max(flat)).bit_length())
    return _BITS


def _area(row: int, col: int, rows: int, cols: int) -> str:
    return Reference("", row, col, row + rows - 1, col + cols - 1).text


def _squarings(
    cells: list[HelperCell], row: int, col: int, size: int, bits: int, one_day: Callable[[int], list[HelperCell]]
) -> list[str]:
    """The one-day matrix (its cells from ``one_day(first row)``) and its squares, each under
    a label, from ``row`` down; returns their ranges."""
    powers: list[str] = []
    for k in range(bits):
        days = 2**k
        cells.append(HelperCell(row, col, value=f"One-day matrix to the power {days:,} ({days:,} day{'s' if k else ''})"))
        first = row + 1
        if k == 0:
            cells += one_day(first)
        else:
            cells.append(HelperCell(first, col, formula=f"MMULT({powers[-1]},{powers[-1]})", rows=size, cols=size))
        powers.append(_area(first, col, size, size))
        row = first + size
    return powers


def _one_day(call: NativeCall, n: int, col: int, first: int, factor: str = "") -> list[HelperCell]:
    """The states' part of the one-day matrix B = A': the transitions off the diagonal, 1 minus
    the daily probability of leaving on it, each times ``factor`` (the daily price factor)."""
    transitions, exits = call["transitions"], call["exits"]
    times = f"{factor}*" if factor else ""
    cells = []
    for i in range(n):
        for j in range(n):
            text = f"1-({_leaving(transitions, exits, i, n)})" if i == j else _number(_entry(transitions, i, j))
            cells.append(HelperCell(first + i, col + j, formula=f"{times}({text})" if factor else text))
    return cells


def _heading(call: NativeCall, what: str) -> str:
    stock, transitions, exits, entrants = (call[name] for name in ("stock", "transitions", "exits", "entrants"))
    return (
        f"xlfuncs portable: working cells of the stock-flow {what} over {stock.text}, "
        f"{transitions.text}, {exits.text} and {entrants.text} (LAC_STOCKFLOW_ formulas of "
        "this sheet read them). Below: today's stock and what follows it; the identity; then "
        "the one-day matrix of the model (the transitions with each diagonal 1 minus the daily "
        "probability of leaving, the entrants below) and its powers, each the square of the one "
        "before. They follow the inputs; do not edit them."
    )


def _helpers(call: NativeCall, size: int) -> HelperCells:
    if call.helpers is None:
        raise NoNativeForm("it needs working cells on the sheet for the powers of its one-day matrix")
    call.elements(size * size, "the one-day matrix")
    return call.helpers


def _model_key(call: NativeCall) -> tuple[str, ...]:
    return tuple(call[name].text for name in ("stock", "transitions", "exits", "entrants"))


def _powers(call: NativeCall, n: int, bits: int) -> _Powers:
    """The working cells of the call's model, made on the sheet once for every call over it:
    z(0)' = [stock, 1] and B = [[M', 0], [e', 1]]."""
    stock, entrants = call["stock"], call["entrants"]
    size = n + 1
    helpers = _helpers(call, size)

    def block(r0: int, c0: int) -> tuple[_Powers, list[HelperCell]]:
        cells = [HelperCell(r0, c0, value=_heading(call, "projection")), HelperCell(r0 + 1, c0, value="Stock today, then 1")]
        cells += [HelperCell(r0 + 2, c0 + j, formula=_number(stock.element(j))) for j in range(n)]
        cells.append(HelperCell(r0 + 2, c0 + n, value=1))
        cells.append(HelperCell(r0 + 3, c0, value="Identity"))
        top = r0 + 4
        cells += [HelperCell(top + i, c0 + j, value=int(i == j)) for i in range(size) for j in range(size)]

        def one_day(first: int) -> list[HelperCell]:
            found = _one_day(call, n, c0, first)
            found += [HelperCell(first + i, c0 + n, value=0) for i in range(n)]
            found += [HelperCell(first + n, c0 + j, formula=_number(entrants.element(j))) for j in range(n)]
            found.append(HelperCell(first + n, c0 + n, value=1))
            return found

        powers = _squarings(cells, top + size, c0, size, bits, one_day)
        return _Powers(_area(r0 + 2, c0, 1, size), _area(top, c0, size, size), _area(top, c0, n, n), tuple(powers)), cells

    return helpers.block(("projection", *_model_key(call), bits), 4 + size + bits * (size + 1), size, block)


def _cost_powers(call: NativeCall, n: int, bits: int) -> _Powers:
    """The working cells of the cost of the call's model: with g the daily price factor
    (1 + inflation)^(1/365.25), z(t) = [g^t m(t), cost of days 1 to t, g^t] moves by
    B = [[g M', g M' w/7, 0], [0, 1, 0], [g e', g e'w/7, g]] (w the weekly costs), so that the
    cost accumulates in the same powers as the projection."""
    stock, entrants, weekly, inflation = call["stock"], call["entrants"], call["weekly_cost"], call["inflation"]
    size = n + 2
    helpers = _helpers(call, size)

    def block(r0: int, c0: int) -> tuple[_Powers, list[HelperCell]]:
        cells = [
            HelperCell(r0, c0, value=_heading(call, "cost")),
            HelperCell(r0 + 1, c0, value="Stock today, then the cost so far (0) and the price factor (1)"),
        ]
        cells += [HelperCell(r0 + 2, c0 + j, formula=_number(stock.element(j))) for j in range(n)]
        cells += [HelperCell(r0 + 2, c0 + n, value=0), HelperCell(r0 + 2, c0 + n + 1, value=1)]
        cells.append(HelperCell(r0 + 3, c0, value="Cost of a day in each state, then the daily price factor (1 + inflation)^(1/365.25)"))
        cells += [HelperCell(r0 + 4, c0 + j, formula=f"{_number(weekly.element(j))}/7") for j in range(n)]
        cells.append(HelperCell(r0 + 4, c0 + n, formula=f"(1+{inflation.or_default()})^(1/365.25)"))
        daily, factor = _area(r0 + 4, c0, 1, n), _area(r0 + 4, c0 + n, 1, 1)
        cells.append(HelperCell(r0 + 5, c0, value="Identity"))
        top = r0 + 6
        cells += [HelperCell(top + i, c0 + j, value=int(i == j)) for i in range(size) for j in range(size)]

        def one_day(first: int) -> list[HelperCell]:
            found = _one_day(call, n, c0, first, factor)
            for i in range(n):
                found.append(HelperCell(first + i, c0 + n, formula=f"SUMPRODUCT({_area(first + i, c0, 1, n)},{daily})"))
                found.append(HelperCell(first + i, c0 + n + 1, value=0))
            found += [HelperCell(first + n, c0 + j, value=int(j == n)) for j in range(size)]
            last = first + n + 1
            found += [HelperCell(last, c0 + j, formula=f"{factor}*{_number(entrants.element(j))}") for j in range(n)]
            found.append(HelperCell(last, c0 + n, formula=f"SUMPRODUCT({_area(last, c0, 1, n)},{daily})"))
            found.append(HelperCell(last, c0 + n + 1, formula=factor))
            return found

        powers = _squarings(cells, top + size, c0, size, bits, one_day)
        return _Powers(_area(r0 + 2, c0, 1, size), _area(top, c0, size, size), _area(top, c0, n, n), tuple(powers)), cells

    key = ("cost", *_model_key(call), weekly.text, inflation.text, bits)
    return helpers.block(key, 6 + size + bits * (size + 1), size, block)


def _shape_ok(call: NativeCall) -> int | None:
    """The number of states, or None where the shapes do not make a model (#N/A)."""
    stock, transitions, exits, entrants = (call[name] for name in ("stock", "transitions", "exits", "entrants"))
    if stock.rows != 1 and stock.cols != 1:
        return None
    n = stock.size
    if n > projection.MAX_STATES:
        return None
    if (transitions.rows, transitions.cols) != (n, n) or exits.rows * exits.cols != n or entrants.rows * entrants.cols != n:
        return None
    if (exits.rows != 1 and exits.cols != 1) or (entrants.rows != 1 and entrants.cols != 1):
        return None
    return n


def _input_checks(call: NativeCall) -> list[tuple[str, str]]:
    """The coercion's checks of every model argument, in argument order."""
    return [
        numbers_check(call["stock"], "zero"),
        numbers_check(call["transitions"], "zero"),
        numbers_check(call["exits"], "zero"),
        numbers_check(call["entrants"], "zero"),
        numbers_check(call["days"], "strict"),
    ]


def _model_checks(call: NativeCall, n: int, powers: _Powers) -> list[tuple[str, str]]:
    """What :func:`~xlfuncs.methods.stock_flow.projection.check_model` and the horizons'
    check refuse, all #NUM!: negative counts or probabilities (off the diagonal, which is
    ignored), more than certainty of leaving, horizons not whole days from 0 to 36,525."""
    stock, transitions, exits, entrants, days = (
        call[name] for name in ("stock", "transitions", "exits", "entrants", "days")
    )
    off_diagonal = f"(1-{powers.states_identity})"
    leaving = f"MMULT({transitions}*{off_diagonal},{ones(n)})+{exits.column()}"
    return [
        (f"MIN({stock})<0", "#NUM!"),
        (f"MIN({entrants})<0", "#NUM!"),
        (f"SUMPRODUCT(({transitions}<0)*{off_diagonal})>0", "#NUM!"),
        (f"MIN({exits})<0", "#NUM!"),
        (f"MAX({leaving})>1+{literal_text(1e-12)}", "#NUM!"),
        (f"SUMPRODUCT(({days}<>INT({days}))*1)>0", "#NUM!"),
        (f"MIN({days})<0", "#NUM!"),
        (f"MAX({days})>{projection.MAX_DAYS}", "#NUM!"),
    ]


def _projected(powers: _Powers, horizon: str) -> str:
    """z(h)' for the horizon ``horizon``: a row of the n projected states and 1."""
    text = powers.start
    for k, power in enumerate(powers.powers):
        bit = f"MOD({horizon},2)=1" if k == 0 else f"MOD(INT({horizon}/{2**k}),2)=1"
        text = f"MMULT({text},IF({bit},{power},{powers.identity}))"
    return text


def _horizons(call: NativeCall) -> int:
    return call["days"].size


def _project_native(call: NativeCall) -> PerRow:
    if call.rows is None:
        raise NoNativeForm("its native form is one array formula per horizon, and here it sits inside a larger formula")
    days = call["days"]
    horizons = _horizons(call)
    n = _shape_ok(call)
    if n is None:
        failed = guarded(_input_checks(call), "#N/A")
        return PerRow(lambda i: failed, call.result_cols(1))
    powers = _powers(call, n, _bits(days))
    checks = _input_checks(call) + _model_checks(call, n, powers)
    call.needs_array()

    def row(i: int) -> str:
        found = shown(i, 0, horizons, n)
        if found is None:
            return "#N/A"
        projected = _projected(powers, days.element(found[0]))
        return guarded(checks, projected if n > 1 else f"INDEX({projected},1,1)")

    return PerRow(row, n if n > 1 else call.result_cols(1))


def _total_native(call: NativeCall) -> str | PerCell:
    days, sds = call["days"], call["sds"]
    variance = "a total plus or minus standard deviations needs the variance of the projection, which moves day by day"
    sds_checks: list[tuple[str, str]] = []
    if sds.given and sds.is_literal:
        if not finite_number(sds.literal) or abs(sds.literal) > 10:
            sds_checks.append(("TRUE", "#NUM!"))
        elif sds.literal != 0:
            raise NoNativeForm(variance)
    elif sds.given:
        call.note("sds other than 0 gives #N/A here: " + variance + ".")
        sds_checks += [numbers_check(sds, "zero"), (f"ABS({sds})>10", "#NUM!"), (f"{sds}<>0", "#N/A")]
    n = _shape_ok(call)
    horizons = _horizons(call)
    if n is None:
        value = guarded(_input_checks(call) + sds_checks, "#N/A")

        def total(h: int) -> str:
            return value
    else:
        powers = _powers(call, n, _bits(days))
        checks = _input_checks(call) + sds_checks + _model_checks(call, n, powers)
        states = "{" + ";".join(["1"] * n + ["0"]) + "}"

        def total(h: int) -> str:
            return guarded(checks, f"MAX(0,MMULT({_projected(powers, days.element(h))},{states}))")

    call.needs_array()
    if call.rows is None:
        if horizons != 1:
            raise NoNativeForm("its native form is one formula per horizon, and here it sits inside a larger formula")
        return total(0)

    def cell(i: int, j: int) -> str:
        found = shown(i, j, horizons, 1)
        return "#N/A" if found is None else total(found[0])

    return PerCell(cell)


_STOCK = Arg("stock", "Children in each state today: one row or column, one cell per state (blank = 0).",
             kind="vector", blanks="zero")
_TRANSITIONS = Arg(
    "transitions",
    "Square range: daily probability that a child in the row's state is in the column's state the next day (diagonal ignored; blank = 0).",
    kind="matrix",
    blanks="zero",
)
_EXITS = Arg("exits", "Daily probability of leaving care from each state, one cell per state (blank = 0).",
             kind="vector", blanks="zero")
_ENTRANTS = Arg("entrants", "Children entering care per day in each state, one cell per state (blank = 0).",
                kind="vector", blanks="zero")
_DAYS = Arg("days", "Horizons in whole days from today (0 to 36,525), one row or column, e.g. month-end dates minus the start date.",
            kind="vector")
_MODEL = (_STOCK, _TRANSITIONS, _EXITS, _ENTRANTS, _DAYS)

def _increasing(days: NativeArg, horizons: int) -> list[tuple[str, str]]:
    """The cost's check that the horizons increase."""
    if horizons == 1:
        return []
    if days.ref is not None:
        if days.ref.rows == 1:
            later, earlier = days.ref.part(0, 1, 1, horizons - 1), days.ref.part(0, 0, 1, horizons - 1)
        else:
            later, earlier = days.ref.part(1, 0, horizons - 1, 1), days.ref.part(0, 0, horizons - 1, 1)
        return [(f"SUMPRODUCT(({later.text}-{earlier.text}<=0)*1)>0", "#NUM!")]
    if days.is_literal:
        values = days.literal if isinstance(days.literal, list) else [(days.literal,)]
        flat = [v for row in values for v in row]
        steps = all(finite_number(a) and finite_number(b) and b > a for a, b in zip(flat, flat[1:], strict=False))
        return [] if steps else [("TRUE", "#NUM!")]
    raise NoNativeForm("days is a computed array: whether it increases cannot be checked in a formula")


def _cost_native(call: NativeCall) -> str | PerCell:
    days, weekly, inflation = call["days"], call["weekly_cost"], call["inflation"]
    horizons = _horizons(call)
    inputs = [*_input_checks(call), numbers_check(weekly, "zero")]
    if inflation.ref is not None:
        inputs.append(numbers_check(inflation, "zero"))
    n = _shape_ok(call)
    bits = _bits(days)
    if n is None:
        value = guarded(inputs, "#N/A")

        def cost(h: int) -> str:
            return value
    else:
        weekly_fits = (weekly.rows == 1 or weekly.cols == 1) and weekly.size == n
        powers = _cost_powers(call, n, bits) if weekly_fits else _powers(call, n, bits)
        rate = inflation.or_default()
        checks = [
            *inputs,
            *_model_checks(call, n, powers),
            *_increasing(days, horizons),
            ("" if weekly_fits else "TRUE", "#N/A"),
            (f"MIN({weekly})<0", "#NUM!"),
            (f"OR({rate}<=-1,{rate}>1)", "#NUM!"),
        ]

        def so_far(h: int) -> str:
            return f"INDEX({_projected(powers, days.element(h))},1,{n + 1})"

        def cost(h: int) -> str:
            if not weekly_fits:
                return guarded(checks, "#N/A")
            return guarded(checks, so_far(h) if h == 0 else f"{so_far(h)}-{so_far(h - 1)}")

    call.needs_array()
    if call.rows is None:
        if horizons != 1:
            raise NoNativeForm("its native form is one formula per horizon, and here it sits inside a larger formula")
        return cost(0)

    def cell(i: int, j: int) -> str:
        found = shown(i, j, horizons, 1)
        return "#N/A" if found is None else cost(found[0])

    return PerCell(cell)


register(
    ExcelFunction(
        name="LAC_STOCKFLOW_PROJECT",
        impl=projection.stockflow_project,
        family=FAMILY,
        returns="array",
        description=(
            "Stock-flow projection of children looked after, P(t+1) = M P(t) + e, day by day: "
            "one row per horizon in days, one column per state."
        ),
        args=_MODEL,
        example="=LAC_STOCKFLOW_PROJECT(Stock, Transitions, Exits, Entrants, Days)",
        native=_project_native,
    )
)

register(
    ExcelFunction(
        name="LAC_STOCKFLOW_SD",
        impl=projection.stockflow_sd,
        family=FAMILY,
        returns="array",
        description=(
            "Standard deviation of the projected children in each state (multinomial daily "
            "flows, Poisson entrants): one row per horizon, one column per state."
        ),
        args=_MODEL,
        example="=LAC_STOCKFLOW_SD(Stock, Transitions, Exits, Entrants, Days)",
        native=_DAILY,
    )
)

register(
    ExcelFunction(
        name="LAC_STOCKFLOW_TOTAL",
        impl=projection.stockflow_total,
        family=FAMILY,
        returns="array",
        description=(
            "Total projected children in care at each horizon, plus sds standard deviations "
            "of the total (-2 and 2 give the band), spilled down a column."
        ),
        args=(*_MODEL, Arg("sds", "Optional: standard deviations to add, from -10 to 10 (default 0).",
                           default=0.0)),
        example="=LAC_STOCKFLOW_TOTAL(Stock, Transitions, Exits, Entrants, Days, 2)",
        native=_total_native,
    )
)

register(
    ExcelFunction(
        name="LAC_STOCKFLOW_COST",
        impl=projection.stockflow_cost,
        family=FAMILY,
        returns="array",
        description=(
            "Cost of the projected care days between successive horizons (today to the first, "
            "then each to the next), from weekly costs per state, with annual inflation."
        ),
        args=(
            *_MODEL,
            Arg("weekly_cost", "Cost of a week of care in each state in today's prices, one cell per state.",
                kind="vector", blanks="zero"),
            Arg("inflation", "Optional: annual rise in costs, e.g. 0.03 for 3% (default 0).", default=0.0),
        ),
        example="=LAC_STOCKFLOW_COST(Stock, Transitions, Exits, Entrants, Days, WeeklyCost, 0.03)",
        native=_cost_native,
    )
)
