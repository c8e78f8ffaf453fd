"""Excel face of :mod:`xlfuncs.rates` (the LAC_ rate family)."""

from .. import rates
from ..registry import Arg, ExcelFunction, register

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
