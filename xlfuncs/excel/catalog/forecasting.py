"""Excel face of :mod:`xlfuncs.methods.forecasting` and :mod:`xlfuncs.methods.forecast_costs` (LAC_ forecasts)."""

from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import forecast_costs, forecasting

FAMILY = "Forecasting"

_COUNTS = Arg(
    "known_counts",
    "History of children looked after (or rates), oldest first, one row or column.",
    kind="vector",
)
_HORIZON = Arg("horizon", "Number of periods to forecast: a whole number from 1 to 1,000.")
_KNOWN_X = Arg(
    "known_x",
    "Optional: the x of each known value, e.g. years (default 1..n, as TREND). Forecasts are at the last x + 1, 2, ...",
    kind="vector",
    default=None,
)

register(
    ExcelFunction(
        name="LAC_FORECAST",
        impl=forecasting.lac_forecast,
        family=FAMILY,
        returns="array",
        description=(
            "Forecast of children looked after for the next horizon periods, spilled down a "
            'column: "linear" (=TREND), "exponential" (=GROWTH), "ets" (Holt), "population" '
            '(rate held), "target" (rate moves to a target) or "rising" (rate rises, levels off).'
        ),
        args=(
            _COUNTS,
            _HORIZON,
            Arg(
                "method",
                'Optional: "linear" (default), "exponential", "ets", "population", "target" or "rising".',
                kind="text",
                default="linear",
                choices=forecasting.METHODS,
            ),
            Arg(
                "population",
                '"population"/"target"/"rising": child population 0-17 at the last known period, then each forecast period (horizon + 1 values).',
                kind="vector",
                default=None,
            ),
            Arg(
                "start_rate",
                '"population"/"target"/"rising": optional rate per 10,000 to start from (default: last count / first population x 10,000).',
                default=None,
                keyword="rate",
            ),
            Arg("target_rate", '"target": the rate per 10,000 to reach, e.g. the national average.', default=None),
            Arg("target_years", '"target": periods taken to reach target_rate, then held. Positive.', default=None),
            _KNOWN_X,
            Arg(
                "rate_trend",
                '"rising": change in the rate per 10,000 each period while it rises (Thurrock 2017: calibrated, not data).',
                default=None,
            ),
            Arg("trend_years", '"rising": periods the trend lasts before the rate levels off. At least 0.', default=None),
        ),
        example='=LAC_FORECAST(B2:B7, 10, "linear")',
    )
)

register(
    ExcelFunction(
        name="LAC_FORECAST_INTERVAL",
        impl=forecasting.lac_forecast_interval,
        family=FAMILY,
        returns="array",
        description=(
            "Prediction interval of LAC_FORECAST's trend methods: horizon rows of lower and "
            "upper bounds (OLS t interval for linear, on the log scale for exponential, "
            "approximate for ets)."
        ),
        args=(
            Arg(
                "known_counts",
                "History of children looked after (or rates), oldest first; at least 3 values.",
                kind="vector",
            ),
            _HORIZON,
            Arg(
                "method",
                'Optional: "linear" (default), "exponential" or "ets".',
                kind="text",
                default="linear",
            ),
            Arg(
                "confidence",
                "Optional: probability a future value falls inside, between 0 and 1. Default 0.95.",
                default=0.95,
            ),
            _KNOWN_X,
        ),
        example="=LAC_FORECAST_INTERVAL(B2:B7, 10)",
    )
)

register(
    ExcelFunction(
        name="LAC_FORECAST_COST",
        impl=forecast_costs.lac_forecast_cost,
        family=FAMILY,
        returns="array",
        description=(
            "Annual cost of forecast counts, base year first: children x weeks of care x weekly "
            "unit cost (blended or by placement type), x (1 + inflation)^year."
        ),
        args=(
            Arg(
                "counts",
                "Children looked after each year, base year first: a column of totals, or one column per placement type.",
                kind="matrix",
            ),
            Arg(
                "weekly_cost",
                "Weekly cost per child: one blended cost, or one per placement type (a row).",
                kind="vector",
            ),
            Arg(
                "placement_mix",
                "Optional, with totals and several costs: share of children in each placement type (a row summing to 1, or one row per year).",
                kind="matrix",
                default=None,
            ),
            Arg("inflation", "Optional: annual rise in unit costs, e.g. 2%. Default 0 (today's prices).", default=0.0),
            Arg(
                "weeks_per_child",
                "Optional: weeks of care per child counted per year. Default 365/7 (the count is the year's average). At most 53.",
                default=forecast_costs.WEEKS_PER_YEAR,
            ),
        ),
        example="=LAC_FORECAST_COST(C8:C18, 1231, , 2%)",
    )
)

register(
    ExcelFunction(
        name="LAC_COST_CHANGE",
        impl=forecast_costs.lac_cost_change,
        family=FAMILY,
        returns="array",
        description=(
            "The cost of doing nothing: change in annual cost against the base year (first value) "
            "after 3, 5 and 10 years, or the years given, spilled across a row."
        ),
        args=(
            Arg("annual_costs", "Annual cost of each year, the base year (today) first.", kind="vector"),
            Arg(
                "after_years",
                "Optional: whole numbers of years after the base year. Default {3,5,10}.",
                kind="vector",
                default=forecast_costs.THURROCK_YEARS,
            ),
        ),
        example="=LAC_COST_CHANGE(D8:D18)",
    )
)

register(
    ExcelFunction(
        name="LAC_DECOMPOSE",
        impl=forecasting.lac_decompose,
        family=FAMILY,
        returns="array",
        description=(
            "Demand decomposition (Thurrock 2017, figure 5): counts with the base-year rate held "
            "as population changes; plus actual UASC; plus a deprivation effect. Three columns."
        ),
        args=(
            Arg("known_counts", "Children looked after at each date, base year first.", kind="vector"),
            Arg("population", "Child population aged 0-17 at the same dates.", kind="vector"),
            Arg(
                "uasc",
                "Optional: unaccompanied asylum-seeking children looked after at the same dates.",
                kind="vector",
                default=None,
            ),
            Arg(
                "deprivation",
                "Optional: a deprivation measure at the same dates, e.g. % of children in low-income families.",
                kind="vector",
                default=None,
            ),
            Arg(
                "elasticity",
                "Optional: % change in the rate per 1% change in deprivation. Default 1 (proportional).",
                default=1.0,
            ),
        ),
        example="=LAC_DECOMPOSE(B2:B10, C2:C10, D2:D10, E2:E10)",
    )
)
