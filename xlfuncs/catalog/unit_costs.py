"""Excel face of :mod:`xlfuncs.unit_costs` (the UNIT_COST family)."""

from .. import unit_costs
from ..registry import Arg, ExcelFunction, register

register(
    ExcelFunction(
        name="UNIT_COST",
        impl=unit_costs.unit_cost,
        family="Unit costs",
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
    )
)
