"""Excel face of budget monitoring and back-testing: the band of a projected cost
(:mod:`xlfuncs.methods.budget.band`) and forecast accuracy (:mod:`xlfuncs.methods.accuracy`).

``budget_monitoring.xlsx`` recalculates its forecast outturn with ``LAC_STOCKFLOW_COST`` and
``LAC_STOCKFLOW_COST_SD`` over the aggregated model ``xlfuncs budget-903`` writes into it; the
back-test sheets score past forecasts with ``FORECAST_MAPE`` and ``FORECAST_COVERAGE``.
"""

import xlfuncs.methods.budget  # noqa: F401  (the package every budget method lives in)
from xlfuncs.excel.native import NativeCall, guarded, numbers_check, without_native
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import accuracy
from xlfuncs.methods.budget import band

_MODEL = (
    Arg("stock", "Children in each state today: one row or column, one cell per state (blank = 0).",
        kind="vector", blanks="zero"),
    Arg("transitions",
        "Square range: daily probability that a child in the row's state is in the column's state the next day (diagonal ignored; blank = 0).",
        kind="matrix", blanks="zero"),
    Arg("exits", "Daily probability of leaving care from each state, one cell per state (blank = 0).",
        kind="vector", blanks="zero"),
    Arg("entrants", "Children entering care per day in each state, one cell per state (blank = 0).",
        kind="vector", blanks="zero"),
    Arg("days", "Increasing horizons in whole days from today, e.g. the days to 31 March.",
        kind="vector"),
)

# --------------------------------------------------------------------------- native forms

#: Why the band stays with xlfuncs in a portable copy.
_CARRIED_VARIANCE = without_native(
    "it carries the covariance of every pair of states forward one day at a time over the "
    "horizon, a step for every day that one Excel formula cannot repeat"
)


def _mape_native(call: NativeCall) -> str:
    actuals, forecasts = call["actuals"], call["forecasts"]
    if actuals.size != forecasts.size:
        return "#N/A"
    call.needs_array()
    a, f = actuals.column(), forecasts.column()
    keep = f"ISNUMBER({a})*ISNUMBER({f})*({a}<>0)"
    # a left-out pair divides by 1, not by its 0, and counts 0
    value = f"SUM({keep}*ABS({f}-{a})/(ABS({a})+1-{keep}))/SUM({keep})"
    checks = [numbers_check(actuals, "missing"), numbers_check(forecasts, "missing"),
              (f"SUM({keep})=0", "#DIV/0!")]
    return guarded(checks, value)


def _coverage_native(call: NativeCall) -> str:
    actuals, lower, upper = call["actuals"], call["lower"], call["upper"]
    if not actuals.size == lower.size == upper.size:
        return "#N/A"
    call.needs_array()
    a, low, high = actuals.column(), lower.column(), upper.column()
    keep = f"ISNUMBER({a})*ISNUMBER({low})*ISNUMBER({high})"
    checks = [numbers_check(actuals, "missing"), numbers_check(lower, "missing"),
              numbers_check(upper, "missing"),
              (f"SUM({keep}*({low}>{high}))>0", "#NUM!"), (f"SUM({keep})=0", "#DIV/0!")]
    return guarded(checks, f"SUM({keep}*({a}>={low})*({a}<={high}))/SUM({keep})")


register(
    ExcelFunction(
        name="LAC_STOCKFLOW_COST_SD",
        impl=band.stockflow_cost_sd,
        family="Stock-flow forecasting",
        returns="array",
        description=(
            "Standard deviation of the cost of the projected care days between successive "
            "horizons (as LAC_STOCKFLOW_COST), the days' correlation included: the band is "
            "cost +- 2 sd."
        ),
        args=(
            *_MODEL,
            Arg("weekly_cost", "Cost of a week of care in each state in today's prices, one cell per state.",
                kind="vector", blanks="zero"),
            Arg("inflation", "Optional: annual rise in costs, e.g. 0.03 for 3% (default 0).", default=0.0),
        ),
        example="=LAC_STOCKFLOW_COST_SD(Stock, Transitions, Exits, Entrants, DaysLeft, WeeklyCost)",
        native=_CARRIED_VARIANCE,
    )
)

register(
    ExcelFunction(
        name="FORECAST_MAPE",
        impl=accuracy.forecast_mape,
        family="Forecast accuracy",
        description=(
            "Mean absolute percentage error of past forecasts against what happened, as a "
            "fraction (format as %); pairs with a blank or an actual of 0 are left out."
        ),
        args=(
            Arg("actuals", "What happened, one cell per forecast.", kind="vector", blanks="missing"),
            Arg("forecasts", "What was forecast, one cell per actual.", kind="vector", blanks="missing"),
        ),
        example="=FORECAST_MAPE(C5:C28, D5:D28)",
        native=_mape_native,
    )
)

register(
    ExcelFunction(
        name="FORECAST_COVERAGE",
        impl=accuracy.forecast_coverage,
        family="Forecast accuracy",
        description=(
            "Share of actuals that fell inside their forecast's band (lower and upper "
            "included); a band of 2 standard deviations should hold about 95%."
        ),
        args=(
            Arg("actuals", "What happened, one cell per forecast.", kind="vector", blanks="missing"),
            Arg("lower", "Lower end of each forecast's band.", kind="vector", blanks="missing"),
            Arg("upper", "Upper end of each forecast's band.", kind="vector", blanks="missing"),
        ),
        example="=FORECAST_COVERAGE(C5:C28, E5:E28, F5:F28)",
        native=_coverage_native,
    )
)
