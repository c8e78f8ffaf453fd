"""Excel face of :mod:`xlfuncs.methods.appraisal` (CBA_: multi-year Green Book appraisal)."""

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
    )
)
