"""Excel face of :mod:`xlfuncs.methods.unit_costs` (the UNIT_COST family)."""

from xlfuncs.excel.native import (
    NativeCall,
    either,
    guarded,
    literal_text,
    numbers_check,
    paired,
    text_choice,
)
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import unit_costs, uprating

FAMILY = "Unit costs"


def _unit_cost_native(call: NativeCall) -> str:
    spend, count = call["annual_spend"], call["count"]
    days = text_choice(call["period"], {p: literal_text(d) for p, d in unit_costs.PERIOD_DAYS.items()}, "week")
    # The method's order: spend / count / 365 * days (the LAIT weekly unit cost).
    return guarded(
        [(f"{spend}<0", "#NUM!"), (f"{count}<0", "#NUM!")], f"{spend}/{count}/365*{days}"
    )


def _weekly_native(call: NativeCall) -> str:
    spend, weeks = call["annual_spend"], call["weeks_of_care"]
    return guarded([(either(f"{spend}<0", f"{weeks}<0"), "#NUM!")], f"{spend}/{weeks}")


def _annual_native(call: NativeCall) -> str:
    weekly, weeks = call["weekly_cost"], call["weeks_per_year"].or_default()
    return guarded([(either(f"{weekly}<0", f"{weeks}<0", f"{weeks}>53"), "#NUM!")], f"{weekly}*{weeks}")


def _child_year_native(call: NativeCall) -> str:
    spend, weeks = call["annual_spend"], call["weeks_of_care"]
    return guarded([(either(f"{spend}<0", f"{weeks}<0"), "#NUM!")], f"{spend}/{weeks}*(365/7)")


def _process_native(call: NativeCall) -> str:
    hours, rates, overhead = call["hours"], call["hourly_cost"], call["overhead_rate"].or_default()
    call.needs_array()
    checks = [numbers_check(hours, "strict"), numbers_check(rates, "strict")]
    checks.append((either(f"MIN({hours.text})<0", f"MIN({rates.text})<0"), "#NUM!"))
    if rates.size == 1:
        total = f"SUM({hours.column()}*{rates})"
    elif rates.size == hours.size:
        total = "SUMPRODUCT({},{})".format(*paired(hours, rates))
    else:
        return "#N/A"  # one hourly cost per row of hours, or one for all
    checks.append((f"{overhead}<0", "#NUM!"))
    return guarded(checks, f"{total}*(1+{overhead})")


def _history_native(call: NativeCall) -> str:
    costs, counts = call["process_costs"], call["occurrences"]
    weeks, fees = call["placement_weeks"], call["weekly_fees"]
    call.needs_array()
    if costs.size != counts.size:
        return "#N/A"
    checks = [numbers_check(costs, "strict"), numbers_check(counts, "strict")]
    checks.append((either(f"MIN({costs.text})<0", f"MIN({counts.text})<0"), "#NUM!"))
    total = "SUMPRODUCT({},{})".format(*paired(costs, counts))
    if weeks.given != fees.given:
        return "#VALUE!"  # placement weeks and weekly fees come together
    if weeks.given:
        if weeks.size != fees.size:
            return "#N/A"
        checks += [numbers_check(weeks, "strict"), numbers_check(fees, "strict")]
        checks.append((either(f"MIN({weeks.text})<0", f"MIN({fees.text})<0"), "#NUM!"))
        total += "+SUMPRODUCT({},{})".format(*paired(weeks, fees))
    return guarded(checks, total)


def reprice_native(call: NativeCall, target: str = "target_year") -> str:
    """``amount x index(target) / index(price)`` with INDEX and MATCH; also CBA_REBASE's."""
    amount, price, wanted = call["amount"], call["price_year"], call[target]
    years, values = call["index_years"], call["index_values"]
    call.needs_array()
    if years.size != values.size:
        return "#N/A"
    y, v = years.column(), values.column()
    checks = [numbers_check(years, "strict"), numbers_check(values, "strict")]
    checks.append((f"SUM(({y}={years.row()})*1)>{years.size}", "#NUM!"))  # a year listed twice
    checks.append((f"MIN({values.text})<=0", "#NUM!"))
    found = f"INDEX({v},MATCH({wanted},{y},0))/INDEX({v},MATCH({price},{y},0))"
    return guarded(checks, f"{amount}*{found}")

register(
    ExcelFunction(
        name="UNIT_COST",
        impl=unit_costs.unit_cost,
        family=FAMILY,
        description=(
            "Cost per child per period: annual spend / count / 365 x 7 for a week "
            "(DfE LAIT weekly unit cost of social work per child in need)."
        ),
        args=(
            Arg("annual_spend", "Spend over the year in pounds (outturn or s251)."),
            Arg("count", "Children counted, e.g. children in need at 31 March. Must be positive."),
            Arg(
                "period",
                'Optional: "week" (default), "day", "month" or "year".',
                kind="text",
                default="week",
                choices=tuple(unit_costs.PERIOD_DAYS),
            ),
        ),
        example="=UNIT_COST(5000000, 1000)",
        native=_unit_cost_native,
    )
)

register(
    ExcelFunction(
        name="UNIT_COST_WEEKLY",
        impl=unit_costs.placement_weekly_cost,
        family=FAMILY,
        description="Average weekly cost of a placement type: spend on it in the year / weeks of care provided.",
        args=(
            Arg("annual_spend", "Spend in the year on placements of one kind, in pounds."),
            Arg("weeks_of_care", "Weeks of care of that kind provided in the year (days / 7). Positive."),
        ),
        example="=UNIT_COST_WEEKLY(1300000, 2000)",
        native=_weekly_native,
    )
)

register(
    ExcelFunction(
        name="UNIT_COST_ANNUAL",
        impl=unit_costs.annual_cost,
        family=FAMILY,
        description="Annual cost of a weekly cost: weekly cost x weeks in the year (365 / 7 unless given).",
        args=(
            Arg("weekly_cost", "Cost per child per week in pounds, e.g. a placement's weekly fee."),
            Arg(
                "weeks_per_year",
                "Optional: weeks the cost runs for in the year; default 365/7 = 52.14.",
                default=unit_costs.WEEKS_PER_YEAR,
            ),
        ),
        example="=UNIT_COST_ANNUAL(650)",
        native=_annual_native,
    )
)

register(
    ExcelFunction(
        name="UNIT_COST_CHILD_YEAR",
        impl=unit_costs.cost_per_child_year,
        family=FAMILY,
        description="Cost per child per year of care: annual spend / (weeks of care / (365/7)) child-years.",
        args=(
            Arg("annual_spend", "Spend in the year on placements, in pounds."),
            Arg("weeks_of_care", "Weeks of care provided in the year. Positive."),
        ),
        example="=UNIT_COST_CHILD_YEAR(1300000, 2000)",
        native=_child_year_native,
    )
)

register(
    ExcelFunction(
        name="UNIT_COST_PROCESS",
        impl=unit_costs.process_cost,
        family=FAMILY,
        description=(
            "Bottom-up (CCFR) cost of one social care process: sum of staff hours x hourly "
            "cost, plus overheads as a fraction of staff cost."
        ),
        args=(
            Arg("hours", "Hours each member of staff spends on one occurrence (a column).", kind="vector"),
            Arg("hourly_cost", "Hourly cost of each member of staff, same order (or one value).", kind="vector"),
            Arg("overhead_rate", "Optional: overheads as a fraction of staff cost, e.g. 0.2; default 0.", default=0.0),
        ),
        example="=UNIT_COST_PROCESS(B2:B3, C2:C3, 0.2)",
        native=_process_native,
    )
)

register(
    ExcelFunction(
        name="UNIT_COST_HISTORY",
        impl=unit_costs.care_history_cost,
        family=FAMILY,
        description=(
            "Cost of one child's care history (CCFR): sum of process costs x occurrences, "
            "plus placement weeks x weekly fees."
        ),
        args=(
            Arg("process_costs", "Cost of one occurrence of each process.", kind="vector"),
            Arg("occurrences", "How often each process happened, same order.", kind="vector"),
            Arg("placement_weeks", "Optional: weeks in each placement.", kind="vector", default=None),
            Arg("weekly_fees", "Optional: weekly fee of each placement, same order.", kind="vector", default=None),
        ),
        example="=UNIT_COST_HISTORY(D2:D9, E2:E9, B12:B13, C12:C13)",
        native=_history_native,
    )
)

register(
    ExcelFunction(
        name="UNIT_COST_UPRATE",
        impl=uprating.reprice,
        family=FAMILY,
        description=(
            "Re-price an amount from one year's prices to another's with a price index: "
            "amount x index(target_year) / index(price_year)."
        ),
        args=(
            Arg("amount", "Amount in pounds at price_year prices."),
            Arg("price_year", "The year the amount is priced in, as in index_years (2017 for 2016-17)."),
            Arg("target_year", "The year to express it in."),
            Arg("index_years", "Years of the index, each once.", kind="vector"),
            Arg("index_values", "Index value for each year (e.g. the GDP deflator). Positive.", kind="vector"),
        ),
        example="=UNIT_COST_UPRATE(650, 2017, 2020, A2:A5, B2:B5)",
        native=reprice_native,
    )
)
