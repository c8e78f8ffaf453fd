"""Excel face of :mod:`xlfuncs.methods.forecasting` and :mod:`xlfuncs.methods.forecast_costs` (LAC_ forecasts)."""

from xlfuncs.excel.native import (
    NativeArg,
    NativeCall,
    NoNativeForm,
    Refused,
    either,
    finite_number,
    guarded,
    is_whole,
    literal_text,
    numbers_check,
    refusing,
    seq,
    smaller,
    text_choice,
)
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import forecast_costs, forecasting

FAMILY = "Forecasting"

# --------------------------------------------------------------------------- native forms

_ETS_NOTE = (
    'method "ets" (Holt smoothing, whose constants come from a parameter search no single '
    "Excel formula can repeat) gives #N/A here."
)


def _horizon(call: NativeCall) -> tuple[int, list[tuple[str, str]], str]:
    """Periods the native form computes, the horizon's checks, and the mask of periods past a
    horizon typed in a cell (#N/A there, as an array formula larger than its result shows)."""
    horizon = call["horizon"]
    check = (
        either(is_whole(str(horizon)), f"{horizon}<1", f"{horizon}>{forecasting.MAX_HORIZON}"),
        "#NUM!",
    )
    if horizon.is_literal:
        value = horizon.literal
        if not finite_number(value) or value != int(value) or not 1 <= value <= forecasting.MAX_HORIZON:
            raise Refused("#NUM!")
        return int(value), [], ""
    if call.rows is None:
        raise NoNativeForm("the horizon is a cell and the call sits inside a larger formula, so the length of its result is not known")
    return call.rows, [check], f"{seq(call.rows)}>{horizon}"


def _masked(value: str, mask: str) -> str:
    return f"IF({mask},#N/A,{value})" if mask else value


def _trend_parts(call: NativeCall, logarithmic: bool) -> tuple[str, str, str, str, list[tuple[str, str]]]:
    """(y, x, last x, x mean) texts of a least-squares trend, and its checks."""
    counts, known_x = call["known_counts"], call["known_x"]
    n = counts.size
    if n < 2:
        raise Refused("#DIV/0!")
    checks = [numbers_check(counts, "strict"), (f"MIN({counts.text})<0", "#NUM!")]
    y = counts.column()
    if logarithmic:
        checks.append((f"MIN({counts.text})<=0", "#NUM!"))
        y = f"LN({y})"
    if known_x.given:
        if known_x.size != n:
            raise Refused("#N/A")
        x = known_x.column()
        checks.append(numbers_check(known_x, "strict"))
        later = f"MMULT(({seq(n, column=False)}={seq(n - 1)}+1)-({seq(n, column=False)}={seq(n - 1)}),{x})"
        checks.append((f"MIN({later})<=0", "#NUM!"))  # x strictly increasing
        last = known_x.element(n - 1)
    else:
        x, last = seq(n), str(n)
    return y, x, last, f"AVERAGE({x})", checks


def _slope(y: str, x: str, x_mean: str) -> str:
    return f"SUMPRODUCT({x}-{x_mean},{y}-AVERAGE({y}))/SUMPRODUCT(({x}-{x_mean})^2)"


def _trend(call: NativeCall, steps: str, logarithmic: bool) -> str:
    y, x, last, x_mean, checks = _trend_parts(call, logarithmic)
    fitted = f"AVERAGE({y})+{_slope(y, x, x_mean)}*({last}+{steps}-{x_mean})"
    return guarded(checks, f"EXP({fitted})" if logarithmic else fitted)


def _rate_path(call: NativeCall, method: str, periods: int, steps: str) -> str:
    """The "population", "target" and "rising" scenarios: a rate per 10,000 on the population."""
    counts, population = call["known_counts"], call["population"]
    if not population.given:
        return "#VALUE!"  # the method needs the child population
    if population.ref is None:
        raise NoNativeForm("population is a computed array, not a range")
    if population.size < periods + 1:
        return "#N/A"
    whole = population.ref
    along_row = whole.rows == 1 and whole.cols > 1

    def part(start: int, length: int) -> str:
        ref = whole.part(0, start, 1, length) if along_row else whole.part(start, 0, length, 1)
        return f"TRANSPOSE({ref.text})" if along_row else ref.text

    base, later = population.element(0), part(1, periods)
    checks = [numbers_check(counts, "strict"), (f"MIN({counts.text})<0", "#NUM!")]
    checks.append((f"MIN({part(0, periods + 1)})<=0", "#NUM!"))
    rate = call["start_rate"]
    if rate.given:
        checks.append((f"{rate}<0", "#NUM!"))
        start = rate.or_default()
        if rate.ref is not None:
            start = f"IF(ISBLANK({rate.text}),{counts.element(counts.size - 1)}/{base}*10000,{rate.text})"
    else:
        start = f"{counts.element(counts.size - 1)}/{base}*10000"
    if method == "population":
        return guarded(checks, f"{start}*{later}/10000")
    if method == "rising":
        trend, length = call["rate_trend"], call["trend_years"]
        if not trend.given or not length.given:
            return "#VALUE!"
        checks.append((f"{length}<0", "#NUM!"))
        path = f"({start}+{trend}*{smaller(steps, str(length))})"
        checks.append((f"MIN({path})<0", "#NUM!"))
        return guarded(checks, f"{path}*{later}/10000")
    goal, years = call["target_rate"], call["target_years"]
    if not goal.given or not years.given:
        return "#VALUE!"
    checks += [(f"{goal}<0", "#NUM!"), (f"{years}<=0", "#NUM!")]
    share = f"{steps}/{years}"
    path = f"({start}+({goal}-{start})*{smaller(share, '1')})"
    return guarded(checks, f"{path}*{later}/10000")


def _branch(form) -> str:
    try:
        return form()
    except Refused as refused:
        return refused.code


@refusing
def _forecast_native(call: NativeCall) -> str:
    periods, checks, mask = _horizon(call)
    steps = seq(periods)
    call.needs_array()
    method = call["method"]
    forms = {
        "linear": lambda: _trend(call, steps, False),
        "exponential": lambda: _trend(call, steps, True),
        "ets": None,
        "population": lambda: _rate_path(call, "population", periods, steps),
        "target": lambda: _rate_path(call, "target", periods, steps),
        "rising": lambda: _rate_path(call, "rising", periods, steps),
    }
    wanted = list(forms) if method.given and not method.is_literal else None
    built: dict[str, str | None] = {}
    for key, form in forms.items():
        if form is None:
            built[key] = None
        elif wanted is not None or _chosen(method, key, "linear"):
            built[key] = _branch(form)
        else:
            built[key] = "#N/A"
    if wanted is not None:
        call.note(_ETS_NOTE)
    return guarded(checks, _masked(text_choice(method, built, "linear"), mask))


def _chosen(method: NativeArg, key: str, default: str) -> bool:
    if not method.given:
        return key == default
    return isinstance(method.literal, str) and method.literal.strip().lower() == key


@refusing
def _interval_native(call: NativeCall) -> str:
    periods, checks, mask = _horizon(call)
    steps = seq(periods)
    call.needs_array()
    method = call["method"]
    confidence = call["confidence"].or_default()
    checks.append((either(f"{confidence}<=0", f"{confidence}>=1"), "#NUM!"))
    counts = call["known_counts"]
    n = counts.size

    def band(logarithmic: bool) -> str:
        if n < 3:
            raise Refused("#DIV/0!")
        y, x, last, x_mean, trend_checks = _trend_parts(call, logarithmic)
        slope = _slope(y, x, x_mean)
        new_x = f"({last}+{steps})"
        fitted = f"AVERAGE({y})+{slope}*({new_x}-{x_mean})"
        residuals = f"{y}-(AVERAGE({y})+{slope}*({x}-{x_mean}))"
        spread = f"SQRT(SUMPRODUCT(({residuals})^2)/{n - 2})"
        quantile = f"_xlfn.T.INV(0.5+{confidence}/2,{n - 2})"
        half = f"{quantile}*{spread}*SQRT(1+1/{n}+({new_x}-{x_mean})^2/SUMPRODUCT(({x}-{x_mean})^2))"
        bounds = f"{fitted}+{half}*{{-1,1}}"
        return guarded(trend_checks, f"EXP({bounds})" if logarithmic else bounds)

    forms = {"linear": lambda: band(False), "exponential": lambda: band(True), "ets": None}
    built: dict[str, str | None] = {}
    for key, form in forms.items():
        if form is None:
            built[key] = None
        elif (method.given and not method.is_literal) or _chosen(method, key, "linear"):
            built[key] = _branch(form)
        else:
            built[key] = "#N/A"
    if method.given and not method.is_literal:
        call.note(_ETS_NOTE)
    return guarded(checks, _masked(text_choice(method, built, "linear"), mask))


@refusing
def _forecast_cost_native(call: NativeCall) -> str:
    counts, costs, mix = call["counts"], call["weekly_cost"], call["placement_mix"]
    inflation, weeks = call["inflation"].or_default(), call["weeks_per_child"].or_default()
    call.needs_array()
    types = costs.size
    checks = [numbers_check(costs, "strict"), (f"MIN({costs.text})<0", "#NUM!")]
    checks.append(numbers_check(counts, "strict"))
    if not mix.given and types > 1:
        if counts.cols != types:
            return "#N/A"
        years = counts.rows
        table = f"MMULT({counts},{costs.column()})"
        checks.append((f"MIN({counts.text})<0", "#NUM!"))
    else:
        if counts.rows > 1 and counts.cols > 1:
            return "#N/A"
        years = counts.size
        totals = counts.column()
        checks.append((f"MIN({counts.text})<0", "#NUM!"))
        if not mix.given:
            table = f"{totals}*{costs}"
        else:
            shares = str(mix)
            rows, cols = mix.rows, mix.cols
            if cols != types and rows == types and cols == 1:
                shares, rows, cols = f"TRANSPOSE({mix.text})", cols, rows
            if cols != types or rows not in (1, years):
                return "#N/A"
            checks.append(numbers_check(mix, "strict"))
            checks.append((f"MIN({mix.text})<0", "#NUM!"))
            sums = f"MMULT({shares},{seq(types)}^0)"
            checks.append((f"MAX(ABS({sums}-1))>{literal_text(forecast_costs._MIX_TOLERANCE)}", "#NUM!"))
            table = f"MMULT({totals}*{shares},{costs.column()})"
    checks.append((f"{inflation}<=-1", "#NUM!"))
    checks.append((either(f"{weeks}<=0", f"{weeks}>53"), "#NUM!"))
    return guarded(checks, f"{table}*{weeks}*(1+{inflation})^{seq(years, 0)}")


@refusing
def _cost_change_native(call: NativeCall) -> str:
    costs, after = call["annual_costs"], call["after_years"]
    n = costs.size
    if n < 2:
        return "#DIV/0!"
    call.needs_array()
    checks = [numbers_check(costs, "strict")]
    if after.given and after.shape == (1, 1):
        years = str(after)
        checks.append((either(is_whole(years), f"{years}<1"), "#NUM!"))
        checks.append((f"{years}>{n - 1}", "#N/A"))
        return guarded(checks, f"INDEX({costs.column()},{years}+1)-INDEX({costs.column()},1)")
    if after.given:
        if after.shape is None:
            raise NoNativeForm("after_years is a computed array, not a range")
        years = after.row()
        checks.append(numbers_check(after, "strict"))
    else:
        years = literal_text(tuple(int(y) for y in forecast_costs.THURROCK_YEARS))
    checks.append((f"OR({years}<>INT({years}),{years}<1)", "#NUM!"))
    checks.append((f"MAX({years})>{n - 1}", "#N/A"))
    # Picking each year's cost with a 0/1 matrix: a sum of one value and zeros, exact.
    picked = f"MMULT(TRANSPOSE({costs.column()}),({seq(n, 0)}={years})*1)"
    return guarded(checks, f"{picked}-INDEX({costs.column()},1)")


@refusing
def _decompose_native(call: NativeCall) -> str:
    counts, population = call["known_counts"], call["population"]
    uasc, deprivation, elasticity = call["uasc"], call["deprivation"], call["elasticity"].or_default()
    n = counts.size
    if n < 2:
        return "#DIV/0!"
    call.needs_array()
    checks = [numbers_check(counts, "strict"), (f"MIN({counts.text})<0", "#NUM!")]
    for arg in (population, uasc, deprivation):
        if arg.given and arg.size != n:
            return "#N/A"
    checks += [numbers_check(population, "strict"), (f"MIN({population.text})<=0", "#NUM!")]
    pop, n0, p0 = population.column(), counts.element(0), population.element(0)
    held = f"{n0}/{p0}*{pop}"
    if uasc.given:
        u0 = uasc.element(0)
        checks += [numbers_check(uasc, "strict"), (f"MIN({uasc.text})<0", "#NUM!"), (f"{u0}>{n0}", "#NUM!")]
        base = f"({n0}-{u0})/{p0}*{pop}"
        with_uasc = f"{base}+{uasc.column()}"
    else:
        base, with_uasc = None, held
    if deprivation.given:
        d0 = deprivation.element(0)
        checks += [numbers_check(deprivation, "strict"), (f"MIN({deprivation.text})<=0", "#NUM!")]
        scaled = f"({deprivation.column()}/{d0})^{elasticity}"
        if base is None:
            with_deprivation = f"({n0}-0)/{p0}*{pop}*{scaled}+0"
        else:
            with_deprivation = f"{base}*{scaled}+{uasc.column()}"
    else:
        with_deprivation = with_uasc
    return guarded(checks, f"CHOOSE({{1,2,3}},{held},{with_uasc},{with_deprivation})")

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
        native=_forecast_native,
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
        native=_interval_native,
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
        native=_forecast_cost_native,
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
        native=_cost_change_native,
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
        native=_decompose_native,
    )
)
