"""Excel face of :mod:`xlfuncs.methods.appraisal` (CBA_: multi-year Green Book appraisal)."""

from collections.abc import Sequence

from xlfuncs.excel.catalog.unit_costs import reprice_native
from xlfuncs.excel.native import (
    NativeArg,
    NativeCall,
    Refused,
    clamp,
    either,
    finite_number,
    guarded,
    is_whole,
    literal_text,
    numbers_check,
    refusing,
    seq,
)
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import appraisal, uprating

FAMILY = "Cost-benefit appraisal (multi-year)"

SCHEDULE = Arg(
    "schedule",
    'Optional: "standard" (default, Green Book 3.5% declining), "health" (1.5% declining) or one '
    "constant annual rate such as 0.015.",
    kind="text",
    default="standard",
)
FIRST_YEAR = Arg(
    "first_year",
    "Optional: year of the first value. 0 (default, Green Book: not discounted) or 1 (Excel's NPV: "
    "discounted one year).",
    default=0,
)
COSTS = Arg(
    "costs",
    "One row or column of yearly costs in real terms, year 0 first. Not negative; blanks count as 0.",
    kind="vector",
    blanks="zero",
)
BENEFITS = Arg(
    "benefits",
    "Yearly benefits, same length as costs. Blanks count as 0.",
    kind="vector",
    blanks="zero",
)
SHARE_NOTE = "between 0 and 1"

# --------------------------------------------------------------------------- native forms

_BAND_STARTS = (0,) + appraisal.BAND_ENDS
#: Years in each band; the last is open-ended (profiles stop at MAX_YEAR).
_BAND_YEARS = tuple(b - a for a, b in zip(_BAND_STARTS, appraisal.BAND_ENDS, strict=False)) + (appraisal.MAX_YEAR,)


def band_rates(schedule: NativeArg) -> str:
    """The six Green Book band rates of ``schedule`` as a row: a named schedule, or one
    constant rate in every band (a number, or text such as "3.5%")."""
    named = {key: literal_text(rates) for key, rates in appraisal.SCHEDULES.items()}
    zeros = literal_text((0,) * len(_BAND_STARTS))
    if not schedule.given:
        return named["standard"]
    if schedule.is_literal:
        value = schedule.literal
        if isinstance(value, bool):
            return "#VALUE!"
        if isinstance(value, str) and value.strip().lower() in named:
            return named[value.strip().lower()]
        try:
            rate = appraisal._rate_or_schedule(value if isinstance(value, str) else float(value))
        except Exception:  # noqa: BLE001 - an unreadable rate is the function's own error
            return "#N/A"
        return f"{literal_text(float(rate))}+{zeros}"
    s = schedule.text
    names = f'MATCH(TRIM({s}),{{"standard","health"}},0)'
    # A rate typed as text ("3.5%"); an error in the cell passes through, other text is #N/A.
    typed = f"IFERROR(VALUE(TRIM({s})),IF(ISERROR({s}),{s},#N/A))+{zeros}"
    chosen = f"IFERROR(CHOOSE({names},{named['standard']},{named['health']}),{typed})"
    if schedule.ref is not None:
        chosen = f"IF(ISBLANK({s}),{named['standard']},{chosen})"
    return f"IF(ISNUMBER({s}),{s}+{zeros},{chosen})"


def _band_years(years: str | Sequence[int]) -> str:
    """Years spent in each band by the end of each year: a constant for known years."""
    if isinstance(years, str):
        starts, lengths = literal_text(_BAND_STARTS), literal_text(_BAND_YEARS)
        return clamp(f"({years}-{starts})", "0", lengths)
    rows = [
        ",".join(str(max(0, min(t - a, n))) for a, n in zip(_BAND_STARTS, _BAND_YEARS, strict=True))
        for t in years
    ]
    return "{" + ";".join(rows) + "}"


def discount_factors(schedule: NativeArg, years: str | Sequence[int]) -> str:
    """Green Book discount factors of whole ``years`` (a column, formula text or the known
    years): exp(-sum over bands of the years spent in the band x ln(1 + its rate)), which is
    the product of 1/(1 + r_k) over years 1..t. A rate of -100% or below has no logarithm:
    #NUM!, as the function says."""
    return f"EXP(-MMULT({_band_years(years)},TRANSPOSE(LN(1+{band_rates(schedule)}))))"


def _years_of(call: NativeCall, n: int) -> tuple[str | list[int], list[tuple[str, str]]]:
    """The years of a profile of ``n`` values (known when first_year is typed) and the checks
    of a first_year given in a cell."""
    first = call["first_year"]
    if not first.given or first.is_literal:
        value = first.literal if first.given else 0
        if not finite_number(value) or value != int(value) or not 0 <= value <= appraisal.MAX_YEAR:
            raise Refused("#NUM!")
        return [int(value) + i for i in range(n)], []
    text = first.or_default()
    check = either(f"{text}<0", is_whole(text), f"{text}>{appraisal.MAX_YEAR}")
    return f"({text}+{seq(n, 0)})", [(check, "#NUM!")]


def _profile_checks(*profiles: NativeArg) -> list[tuple[str, str]]:
    return [numbers_check(p, "zero") for p in profiles]


def _first_text(call: NativeCall) -> str:
    first = call["first_year"]
    return str(int(first.literal)) if first.given and first.is_literal else first.or_default()


def _discount_factor_native(call: NativeCall) -> str:
    year, schedule = call["years"], call["schedule"]
    call.needs_array()
    if year.is_literal:
        value = year.literal
        if not finite_number(value) or value != int(value) or not 0 <= value <= appraisal.MAX_YEAR:
            return "#NUM!"
        return f"SUM({discount_factors(schedule, [int(value)])})"
    checks = [(either(f"{year}<0", is_whole(str(year)), f"{year}>{appraisal.MAX_YEAR}"), "#NUM!")]
    return guarded(checks, f"SUM({discount_factors(schedule, str(year))})")


@refusing
def _pv_native(call: NativeCall) -> str:
    values = call["values"]
    call.needs_array()
    if values.rows > 1 and values.cols > 1:
        return "#N/A"
    years, checks = _years_of(call, values.size)
    factors = discount_factors(call["schedule"], years)
    return guarded(_profile_checks(values) + checks, f"SUMPRODUCT({values.column()},{factors})")


def _pair(call: NativeCall) -> tuple[NativeArg, NativeArg, list[tuple[str, str]]] | str:
    costs, benefits = call["costs"], call["benefits"]
    call.needs_array()
    for arg in (costs, benefits):
        if arg.rows > 1 and arg.cols > 1:
            return "#N/A"
    if costs.size != benefits.size:
        return "#N/A"
    checks = _profile_checks(costs, benefits) + [(f"MIN({costs.text})<0", "#NUM!")]
    return costs, benefits, checks


@refusing
def _npv_native(call: NativeCall) -> str:
    pair = _pair(call)
    if isinstance(pair, str):
        return pair
    costs, benefits, checks = pair
    years, first = _years_of(call, costs.size)
    factors = discount_factors(call["schedule"], years)
    return guarded(checks + first, f"SUMPRODUCT({benefits.column()}-{costs.column()},{factors})")


@refusing
def _bcr_native(call: NativeCall) -> str:
    pair = _pair(call)
    if isinstance(pair, str):
        return pair
    costs, benefits, checks = pair
    years, first = _years_of(call, costs.size)
    factors = discount_factors(call["schedule"], years)
    ratio = f"SUMPRODUCT({benefits.column()},{factors})/SUMPRODUCT({costs.column()},{factors})"
    return guarded(checks + first, ratio)


def crossing(flows: str, n: int, first: str) -> str:
    """Years from the start of year 0 until the running sum of ``flows`` (a column of ``n``)
    turns positive, each year's flow spread through it; #N/A if it never does.

    With p the first year (1-based) that ends positive and S the running sum before it (0 for
    the first year): first + p - 1 + (-S) / flows[p]. The running sums are sums of the flows
    with zeros (a 0/1 triangle), added in year order as the method adds them.
    """
    running = f"MMULT(({seq(n)}>={seq(n, column=False)})*1,{flows})"
    before = f"MMULT(({seq(n)}>{seq(n, column=False)})*1,{flows})"
    p = f"MATCH(TRUE,{running}>0,0)"
    return f"{first}+{p}-1-INDEX({before},{p})/INDEX({flows},{p})"


@refusing
def _payback_native(call: NativeCall) -> str:
    pair = _pair(call)
    if isinstance(pair, str):
        return pair
    costs, benefits, checks = pair
    call.elements(costs.size * costs.size, "the running sum of the net benefits")
    years, first_check = _years_of(call, costs.size)
    factors = discount_factors(call["schedule"], years)
    flows = f"({benefits.column()}-{costs.column()})*{factors}"
    return guarded(checks + first_check, crossing(flows, costs.size, _first_text(call)))


@refusing
def _cash_payback_native(call: NativeCall) -> str:
    pair = _pair(call)
    if isinstance(pair, str):
        return pair
    costs, benefits, checks = pair
    call.elements(costs.size * costs.size, "the running sum of the net benefits")
    _, first_check = _years_of(call, costs.size)
    flows = f"({benefits.column()}-{costs.column()})"
    return guarded(checks + first_check, crossing(flows, costs.size, _first_text(call)))


def _optimism_native(call: NativeCall) -> str:
    cost, uplift = call["cost"], call["uplift"]
    return guarded([(f"{cost}<0", "#NUM!"), (f"{uplift}<0", "#NUM!")], f"{cost}*(1+{uplift})")


def _share_check(*shares: str) -> tuple[str, str]:
    return either(*(f"OR({s}<0,{s}>1)" for s in shares)), "#NUM!"


def _net_outcome_native(call: NativeCall) -> str:
    gross = call["gross"]
    shares = [call[name].or_default() for name in ("deadweight", "attribution", "displacement")]
    given = [s for s, name in zip(shares, ("deadweight", "attribution", "displacement"), strict=True) if call[name].given]
    value = f"{gross}" + "".join(f"*(1-{s})" for s in shares)
    return guarded([_share_check(*given)] if given else [], value)


def _drop_off_native(call: NativeCall) -> str:
    value, drop, after = call["value"], call["drop_off"], call["years_after"]
    return guarded([_share_check(str(drop)), (f"{after}<0", "#NUM!")], f"{value}*(1-{drop})^{after}")

register(
    ExcelFunction(
        name="CBA_DISCOUNT_FACTOR",
        impl=appraisal.discount_factor,
        family=FAMILY,
        description=(
            "Green Book discount factor for a year: product of 1/(1+r) over years 1..year at the "
            "rate in force each year (3.5% to year 30, then declining); year 0 is 1."
        ),
        args=(
            Arg("years", "Whole years from now (0 = now, not discounted).", keyword="year"),
            SCHEDULE,
        ),
        example="=CBA_DISCOUNT_FACTOR(30)",
        native=_discount_factor_native,
    )
)

register(
    ExcelFunction(
        name="CBA_PV",
        impl=appraisal.present_value,
        family=FAMILY,
        description=(
            "Present value of a yearly profile with Green Book discounting (year 0 undiscounted); "
            "with a constant rate and first_year 1 it equals Excel's NPV(rate, values)."
        ),
        args=(
            Arg(
                "values",
                "One row or column of yearly values in real terms, first year first. Blanks count as 0.",
                kind="vector",
                blanks="zero",
            ),
            SCHEDULE,
            FIRST_YEAR,
        ),
        example="=CBA_PV(B10:K10)",
        native=_pv_native,
    )
)

register(
    ExcelFunction(
        name="CBA_NPV",
        impl=appraisal.npv,
        family=FAMILY,
        description=(
            "Net present value of yearly costs and benefits, Green Book discounting: "
            "PV(benefits) - PV(costs), year 0 undiscounted unless first_year is 1."
        ),
        args=(COSTS, BENEFITS, SCHEDULE, FIRST_YEAR),
        example="=CBA_NPV(B10:K10, B15:K15)",
        native=_npv_native,
    )
)

register(
    ExcelFunction(
        name="CBA_BCR",
        impl=appraisal.benefit_cost_ratio,
        family=FAMILY,
        description="Benefit-cost ratio of yearly profiles: PV(benefits) / PV(costs), Green Book discounting.",
        args=(COSTS, BENEFITS, SCHEDULE, FIRST_YEAR),
        example="=CBA_BCR(B10:K10, B15:K15)",
        native=_bcr_native,
    )
)

register(
    ExcelFunction(
        name="CBA_PAYBACK",
        impl=appraisal.payback_period,
        family=FAMILY,
        description=(
            "Discounted payback in years from the start of year 0 (flows spread through each year: "
            "paying back during year 1 gives 1.x); #N/A if the cumulative discounted net benefit "
            "never turns positive."
        ),
        args=(COSTS, BENEFITS, SCHEDULE, FIRST_YEAR),
        example="=CBA_PAYBACK(B10:K10, B15:K15)",
        native=_payback_native,
    )
)

register(
    ExcelFunction(
        name="CBA_PAYBACK_CASH",
        impl=appraisal.cash_payback_period,
        family=FAMILY,
        description=(
            "Cash (undiscounted) payback in years from the start of year 0, flows spread through "
            "each year; #N/A if the cumulative net benefit never turns positive within the profile."
        ),
        args=(COSTS, BENEFITS, FIRST_YEAR),
        example="=CBA_PAYBACK_CASH(B10:K10, B15:K15)",
        native=_cash_payback_native,
    )
)

register(
    ExcelFunction(
        name="CBA_OPTIMISM_BIAS",
        impl=appraisal.optimism_bias,
        family=FAMILY,
        description="A cost raised for optimism bias: cost x (1 + uplift), as the Green Book asks.",
        args=(
            Arg("cost", "The cost as estimated, in pounds. Not negative."),
            Arg("uplift", "Optimism bias uplift as a fraction (0.25 for 25%). Not negative."),
        ),
        example="=CBA_OPTIMISM_BIAS(309618, 0.1)",
        native=_optimism_native,
    )
)

register(
    ExcelFunction(
        name="CBA_NET_OUTCOME",
        impl=appraisal.net_outcome,
        family=FAMILY,
        description=(
            "Gross outcome less deadweight, attribution and displacement: "
            "gross x (1-deadweight) x (1-attribution) x (1-displacement)."
        ),
        args=(
            Arg("gross", "The gross outcome: a count, or its value in pounds."),
            Arg(
                "deadweight",
                f"Optional: share ({SHARE_NOTE}) that would have happened anyway. Default 0.",
                default=0.0,
            ),
            Arg(
                "attribution",
                f"Optional: share ({SHARE_NOTE}) of what remains owed to other services. Default 0.",
                default=0.0,
            ),
            Arg(
                "displacement",
                f"Optional: share ({SHARE_NOTE}) only moved elsewhere, not avoided. Default 0.",
                default=0.0,
            ),
        ),
        example="=CBA_NET_OUTCOME(1534771, 0.2, 0.1, 0)",
        native=_net_outcome_native,
    )
)

register(
    ExcelFunction(
        name="CBA_DROP_OFF",
        impl=appraisal.apply_drop_off,
        family=FAMILY,
        description="An effect after yearly drop-off: value x (1 - drop_off) ^ years_after.",
        args=(
            Arg("value", "The effect, or its value, in its first year."),
            Arg("drop_off", f"Share ({SHARE_NOTE}) of the effect lost each year."),
            Arg("years_after", "Years since the first year of the effect. Not negative."),
        ),
        example="=CBA_DROP_OFF(1000, 0.25, 2)",
        native=_drop_off_native,
    )
)

register(
    ExcelFunction(
        name="CBA_REBASE",
        impl=uprating.reprice,
        family=FAMILY,
        description=(
            "An amount restated from price_year prices to base_year prices with a deflator index "
            "range: amount x index(base_year) / index(price_year)."
        ),
        args=(
            Arg("amount", "The amount in price_year prices."),
            Arg("price_year", "The year whose prices the amount is in (one of index_years)."),
            Arg("base_year", "The year whose prices to restate it in (one of index_years).", keyword="target_year"),
            Arg("index_years", "Years of the deflator index, one row or column.", kind="vector"),
            Arg(
                "index_values",
                "Deflator index for each year (e.g. HM Treasury GDP deflator). Positive.",
                kind="vector",
            ),
        ),
        example="=CBA_REBASE(1000, 2017, 2024, A2:A9, B2:B9)",
        native=lambda call: reprice_native(call, "base_year"),
    )
)
