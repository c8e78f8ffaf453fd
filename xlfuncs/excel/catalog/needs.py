"""Excel face of :mod:`xlfuncs.methods.needs` (NEEDS_: needs-led costing after Valuing Care)."""

from xlfuncs.excel.catalog.cohort import care_years_cell, profile_checks
from xlfuncs.excel.native import (
    NativeArg,
    NativeCall,
    NoNativeForm,
    PerCell,
    either,
    guarded,
    numbers_check,
    seq,
    text_choice,
)
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import cohort, needs

FAMILY = "Needs-led costing"

# --------------------------------------------------------------------------- native forms


def _table_checks(call: NativeCall, *tables: str) -> tuple[list[tuple[str, str]], int, int] | str:
    """Checks of the need levels and tables; (checks, levels, placement types)."""
    levels = call["need_levels"]
    scale = call["scale_max"].or_default()
    n = levels.size
    if n > needs.MAX_LEVELS:
        return "#N/A"
    checks = [numbers_check(levels, "strict"), (f"{scale}<=0", "#NUM!")]
    checks.append((f"OR(MIN({levels.text})<0,MAX({levels.text})>{scale})", "#NUM!"))
    types = None
    for name in tables:
        table = call[name]
        rows, cols = table.rows, table.cols
        if rows != n and rows * cols == n:
            rows, cols = n, 1
        if rows != n or cols > needs.MAX_TYPES or (types is not None and cols != types):
            return "#N/A"
        types = cols
        checks += [numbers_check(table, "zero"), (f"MIN({table.text})<0", "#NUM!")]
        if name == "children":
            checks.append((f"SUM({table.text})<=0", "#DIV/0!"))
    return checks, n, types or 1


def _table(call: NativeCall, name: str) -> str:
    """A table as an array of numbers (blanks 0): MMULT and comparisons need numbers."""
    return f"({call[name].text}+0)"


def _extended(table: str, types: int) -> str:
    """The table with a last column of its row sums: [table, total] as one array."""
    pick = f"(({seq(types)}={seq(types + 1, column=False)})+({seq(types + 1, column=False)}={types + 1}))"
    return f"MMULT({table},{pick})"


def _threshold(arg: NativeArg, scale: str) -> tuple[str, tuple[str, str]]:
    value = str(arg) if arg.given else arg.or_default()
    return value, (either(f"{value}<=0", f"{value}>{scale}"), "#NUM!")


def _correlation_native(call: NativeCall) -> str:
    found = _table_checks(call, "children", "weekly_costs")
    if isinstance(found, str):
        return found
    checks, n, types = found
    call.needs_array()
    cells = n * types
    call.elements(cells * cells, "ranking the children's costs")
    levels = call["need_levels"].column()
    # Every cell of the tables as one column, row by row: a 0/1 matrix picks each cell's row,
    # another its column (sums of one value and zeros, exact).
    row_of = "{" + ";".join(str(k // types + 1) for k in range(cells)) + "}"
    col_of = "{" + ";".join(str(k % types + 1) for k in range(cells)) + "}"
    pick_row = f"({row_of}={seq(n, column=False)})*1"
    pick_col = f"(({col_of}={seq(types, column=False)})*1)"

    def flat(table: str) -> str:
        return f"MMULT(MMULT({pick_row},{table})*{pick_col},{seq(types)}^0)"

    w = flat(_table(call, "children"))
    x = f"MMULT({pick_row},{levels})"
    y = flat(_table(call, "weekly_costs"))

    total = f"SUM({call['children'].text})"

    def centred_ranks(v: str) -> str:
        # A child's mean rank is the weight below plus half the weight tied plus a half:
        # (W + sum of w x sign(v - v') + 1) / 2. The ranks of W children average (W + 1) / 2.
        return f"(MMULT(SIGN({v}-TRANSPOSE({v})),{w})/2)"

    def centred(v: str) -> str:
        return f"({v}-SUMPRODUCT({w},{v})/{total})"

    def pearson(da: str, db: str) -> str:
        return f"SUMPRODUCT({w},{da}*{db})/SQRT(SUMPRODUCT({w},{da}^2)*SUMPRODUCT({w},{db}^2))"

    forms = {"spearman": pearson(centred_ranks(x), centred_ranks(y)), "pearson": pearson(centred(x), centred(y))}
    value = text_choice(call["method"], forms, "spearman")
    checks.append((f"SUM({call['children'].text})<2", "#DIV/0!"))
    return guarded(checks, value)


def _share_native(call: NativeCall) -> str:
    found = _table_checks(call, "children")
    if isinstance(found, str):
        return found
    checks, n, types = found
    call.needs_array()
    scale = call["scale_max"].or_default()
    severe, check = _threshold(call["severe_from"], scale)
    table = _extended(_table(call, "children"), types)
    below = f"TRANSPOSE(({call['need_levels'].column()}<{severe})*1)"
    value = f"MMULT({below},{table})/MMULT(TRANSPOSE({seq(n)}^0),{table})"
    return guarded(checks + [check], value)


def _per_type(call: NativeCall, weighted: str, counts: str, types: int, n: int, keep: str) -> str:
    """Column averages of ``weighted`` over ``counts`` (rows kept by ``keep``), then overall."""
    sums = f"MMULT(TRANSPOSE({keep}),{_extended(weighted, types)})"
    totals = f"MMULT(TRANSPOSE({keep}),{_extended(counts, types)})"
    return f"{sums}/{totals}"


def _kept(call: NativeCall, n: int) -> tuple[str, list[tuple[str, str]]]:
    below = call["below_level"]
    if not below.given:
        return f"({seq(n)}^0)", []
    scale = call["scale_max"].or_default()
    level, check = _threshold(below, scale)
    keep = f"(({call['need_levels'].column()}<{level})*1)"
    if below.ref is not None:
        keep = f"IF(ISBLANK({below.text}),{seq(n)}^0,{keep})"
        check = (f"AND(NOT(ISBLANK({below.text})),{check[0]})", check[1])
    return keep, [check]


def _average_native(call: NativeCall) -> str:
    found = _table_checks(call, "children", "weekly_costs")
    if isinstance(found, str):
        return found
    checks, n, types = found
    call.needs_array()
    keep, keep_checks = _kept(call, n)
    counts = _table(call, "children")
    value = _per_type(call, f"{counts}*{_table(call, 'weekly_costs')}", counts, types, n, keep)
    return guarded(checks + keep_checks, value)


def _matched_native(call: NativeCall) -> str:
    found = _table_checks(call, "children")
    if isinstance(found, str):
        return found
    checks, n, types = found
    call.needs_array()
    prices, matched = call["type_costs"], call["matched_type"]
    if prices.size != types or matched.size != n:
        return "#N/A"
    checks += [numbers_check(prices, "strict"), (f"MIN({prices.text})<0", "#NUM!")]
    m = matched.column()
    checks += [numbers_check(matched, "strict")]
    checks.append((f"OR({m}<>INT({m}),{m}<1,{m}>{types})", "#N/A"))
    keep, keep_checks = _kept(call, n)
    price = f"MMULT(({m}={seq(types, column=False)})*1,{prices.column()})"
    counts = _table(call, "children")
    value = _per_type(call, f"{counts}*{price}", counts, types, n, keep)
    return guarded(checks + keep_checks, value)


def _step_checks(call: NativeCall) -> list[tuple[str, str]]:
    candidates, ramp = call["candidates"], call["ramp"]
    optimism = call["optimism_bias"].or_default()
    r = ramp.text
    checks = [(f"{candidates}<0", "#NUM!"), numbers_check(ramp, "zero")]
    checks.append((f"OR(MIN({r})<0,MAX({r})>1)", "#NUM!"))
    n = ramp.size
    if n > 1:
        later = f"MMULT(({seq(n, column=False)}={seq(n - 1)}+1)-({seq(n, column=False)}={seq(n - 1)}),{ramp.column()})"
        checks.append((f"MIN({later})<0", "#NUM!"))
    checks.append((f"OR({optimism}<0,{optimism}>1)", "#NUM!"))
    return checks


def _step_cohorts(call: NativeCall) -> list[str]:
    """Each year's children stepped down: candidates x (1 - optimism) x the ramp's rise."""
    candidates, ramp = call["candidates"], call["ramp"]
    optimism = call["optimism_bias"].or_default()
    scale = f"{candidates}*(1-{optimism})"
    out = []
    for t in range(ramp.size):
        rise = ramp.element(t) if t == 0 else f"({ramp.element(t)}-{ramp.element(t - 1)})"
        out.append(f"{scale}*{rise}")
    return out


def _step_cohorts_native(call: NativeCall) -> str:
    ramp = call["ramp"]
    n = ramp.size
    if n > cohort.MAX_YEARS:
        return "#N/A"
    call.needs_array()
    candidates = call["candidates"]
    optimism = call["optimism_bias"].or_default()
    # Row t of the difference matrix picks year t's cumulative share less year t - 1's.
    rises = f"MMULT(({seq(n, column=False)}={seq(n)})-({seq(n, column=False)}={seq(n)}-1),{ramp.column()})"
    return guarded(_step_checks(call), f"{candidates}*(1-{optimism})*TRANSPOSE({rises})")


def _step_savings_native(call: NativeCall):
    ramp, stay = call["ramp"], call["stay_profile"]
    n = ramp.size
    if n > cohort.MAX_YEARS:
        return "#N/A"
    if ramp.ref is None:
        raise NoNativeForm("ramp is a computed array, not a range")
    call.needs_array()
    saving = call["weekly_saving"]
    weeks = call["weeks_per_year"].or_default()
    drop = call["drop_off"].or_default()
    checks = [(f"{saving}<0", "#NUM!"), (either(f"{weeks}<=0", f"{weeks}>53"), "#NUM!")]
    checks += _step_checks(call) + profile_checks(stay) + [(f"OR({drop}<0,{drop}>1)", "#NUM!")]
    cohorts = _step_cohorts(call)
    if call.cols is None:
        raise NoNativeForm("its native form fills its row one formula per cell, and here it sits inside a larger formula")

    rows, cols = call.result_rows(1), call.cols

    def cell(i: int, j: int) -> str:
        position = j if rows == 1 or cols > 1 else i
        if position >= n:
            return "#N/A"
        years = care_years_cell(cohorts[: position + 1], stay, drop, None)
        return guarded(checks, f"{years}*{saving}*{weeks}")

    return PerCell(cell)

LEVELS = Arg(
    "need_levels",
    "Need level of each row of the table, on the scale 0 (no identified need) to scale_max "
    "(e.g. 0 none, 1 low, 2 medium, 3 high, 4 severe, 5 complex).",
    kind="vector",
)
CHILDREN = Arg(
    "children",
    "Aggregated table: children at each need level (rows) in each placement type (columns). "
    "Blanks count as 0.",
    kind="matrix",
    blanks="zero",
)
COSTS = Arg(
    "weekly_costs",
    "Average weekly cost (£) of the children of each cell, same shape as children; cells with "
    "no children are not used (blank = 0).",
    kind="matrix",
    blanks="zero",
)
SCALE = Arg("scale_max", "Optional: top of the need scale. Default 5.", default=needs.SCALE_MAX)
BELOW = Arg(
    "below_level",
    "Optional: count only children below this need level (e.g. 4: without severe or complex "
    "needs). Default: every child.",
    default=None,
)
CANDIDATES = Arg(
    "candidates",
    "Children who could step down, e.g. in residential care without severe or complex needs.",
)
RAMP = Arg(
    "ramp",
    "Cumulative share (0 to 1) of the candidates stepped down by the end of each year, year 0 "
    "first; one row; it cannot fall.",
    kind="vector",
    blanks="zero",
)
OPTIMISM = Arg(
    "optimism_bias",
    "Optional: share (0 to 1) by which the step-downs planned are expected to fall short. Default 0.",
    default=0.0,
)

register(
    ExcelFunction(
        name="NEEDS_COST_CORREL",
        impl=needs.need_cost_correlation,
        family=FAMILY,
        description=(
            "Correlation of need level and weekly cost across the children of an aggregated "
            "profile (need levels x placement types): Spearman (default) or Pearson."
        ),
        args=(
            LEVELS,
            CHILDREN,
            COSTS,
            SCALE,
            Arg(
                "method",
                'Optional: "spearman" (default, rank correlation) or "pearson".',
                kind="text",
                default="spearman",
                choices=needs.CORRELATIONS,
            ),
        ),
        example="=NEEDS_COST_CORREL(A6:A11, C6:G11, C16:G21)",
        native=_correlation_native,
    )
)

register(
    ExcelFunction(
        name="NEEDS_SHARE_NOT_SEVERE",
        impl=needs.share_without_severe_needs,
        family=FAMILY,
        returns="array",
        description=(
            "Share of each placement type's children (columns) without severe or complex needs, "
            "then of all children: one row."
        ),
        args=(
            LEVELS,
            CHILDREN,
            Arg(
                "severe_from",
                "Optional: the lowest need level counted as severe or complex. Default 4.",
                default=needs.SEVERE_FROM,
            ),
            SCALE,
        ),
        example="=NEEDS_SHARE_NOT_SEVERE(A6:A11, C6:G11)",
        native=_share_native,
    )
)

register(
    ExcelFunction(
        name="NEEDS_AVERAGE_COST",
        impl=needs.average_cost,
        family=FAMILY,
        returns="array",
        description=(
            "Average weekly cost now of the children in each placement type, then of all "
            "children (optionally only those below a need level): one row."
        ),
        args=(LEVELS, CHILDREN, COSTS, BELOW, SCALE),
        example="=NEEDS_AVERAGE_COST(A6:A11, C6:G11, C16:G21, 4)",
        native=_average_native,
    )
)

register(
    ExcelFunction(
        name="NEEDS_MATCHED_COST",
        impl=needs.matched_cost,
        family=FAMILY,
        returns="array",
        description=(
            "Average weekly cost of the needs-matched placement of the children in each placement "
            "type, then of all: each need level's matched type at that type's cost; one row."
        ),
        args=(
            LEVELS,
            CHILDREN,
            Arg(
                "type_costs",
                "Weekly cost (£) of a placement of each type, one per column of children.",
                kind="vector",
            ),
            Arg(
                "matched_type",
                "For each need level, the number (1 = first column) of the placement type its needs call for.",
                kind="vector",
            ),
            BELOW,
            SCALE,
        ),
        example="=NEEDS_MATCHED_COST(A6:A11, C6:G11, C25:G25, H6:H11, 4)",
        native=_matched_native,
    )
)

register(
    ExcelFunction(
        name="NEEDS_STEP_DOWN_COHORTS",
        impl=needs.step_down_cohorts,
        family=FAMILY,
        returns="array",
        description=(
            "Children stepped down to a needs-matched placement each year: candidates x (1 - "
            "optimism bias) x the rise in the ramp's cumulative share; one row (cohorts)."
        ),
        args=(CANDIDATES, RAMP, OPTIMISM),
        example="=NEEDS_STEP_DOWN_COHORTS(B5, B10:K10, 0.25)",
        native=_step_cohorts_native,
    )
)

register(
    ExcelFunction(
        name="NEEDS_STEP_DOWN_SAVINGS",
        impl=needs.step_down_savings,
        family=FAMILY,
        returns="array",
        description=(
            "Savings each year of stepping children down: their child-years in the needs-matched "
            "placement (cohorts over their remaining stay, less drop-off) x weekly saving x weeks."
        ),
        args=(
            CANDIDATES,
            Arg("weekly_saving", "Weekly cost now less the needs-matched placement's, per child (£). Not negative."),
            RAMP,
            Arg(
                "stay_profile",
                "Share of the children stepped down whose remaining time in care ends in its 1st, "
                "2nd, ... year; sums to 1 (blanks count as 0).",
                kind="vector",
                blanks="zero",
                keyword="stay",
            ),
            OPTIMISM,
            Arg(
                "drop_off",
                "Optional: share (0 to 1) of a year's step-downs that break down each year after. Default 0.",
                default=0.0,
            ),
            Arg("weeks_per_year", "Optional: weeks of care in a year. Default 365/7.", default=needs.WEEKS_PER_YEAR),
        ),
        example="=NEEDS_STEP_DOWN_SAVINGS(B5, B6, B10:K10, B12:K12, 0.25, 0.1)",
        native=_step_savings_native,
    )
)
