"""Excel face of :mod:`xlfuncs.methods.stock_flow.projection` (LAC_STOCKFLOW_ functions).

A workbook holds the model as ranges (no child-level data): stock per state, a matrix of daily
transition probabilities, exit probabilities and entrants per day; ``xlfuncs forecast-903
--template`` fills them from SSDA903 episodes.
"""

from xlfuncs.excel.native import without_native
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods.stock_flow import projection

FAMILY = "Stock-flow forecasting"

#: Why the projection stays with xlfuncs in a portable copy.
_DAILY = without_native(
    "it moves the children between states one day at a time over the horizon, a step for "
    "every day that one Excel formula cannot repeat"
)

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
        native=_DAILY,
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
        native=_DAILY,
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
        native=_DAILY,
    )
)
