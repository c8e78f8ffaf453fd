"""Excel face of :mod:`xlfuncs.methods.rates` (the LAC_ rate family)."""

from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import rates

register(
    ExcelFunction(
        name="LAC_RATE",
        impl=rates.rate_per_10000,
        family="Rates and trends",
        description="Children per 10,000 of the child population: count / child_population x 10,000.",
        args=(
            Arg("count", "Children looked after (or in need) at the date."),
            Arg("child_population", "Population aged 0-17 at the same date. Must be positive."),
        ),
        example="=LAC_RATE(345, 41000)",
    )
)

register(
    ExcelFunction(
        name="LAC_AVG_CHANGE",
        impl=rates.average_change,
        family="Rates and trends",
        description=(
            "What Works Centre average change in the rate: mean of the year-on-year changes "
            "of consecutive yearly rates (oldest first)."
        ),
        args=(
            Arg(
                "rates",
                "Rates per 10,000 in consecutive years, oldest first: one row or column, no gaps.",
                kind="vector",
            ),
        ),
        example="=LAC_AVG_CHANGE(B2:G2)",
    )
)
