"""Excel face of :mod:`xlfuncs.methods.cohort` and :mod:`xlfuncs.methods.cohort_uncertainty`
(CBA_STAY_ and CBA_COHORT_: cohorts kept out of care, their length of stay and uncertainty)."""

from xlfuncs.excel.catalog.appraisal import band_rates
from xlfuncs.excel.native import (
    NativeArg,
    NativeCall,
    NoNativeForm,
    PerCell,
    clamp,
    either,
    finite_number,
    group,
    guarded,
    is_whole,
    literal_text,
    numbers_check,
    seq,
    text_choice,
    without_native,
)
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import appraisal, cohort, cohort_uncertainty

FAMILY = "Cost-benefit appraisal (cohorts)"

# --------------------------------------------------------------------------- native forms


def profile_checks(stay: NativeArg) -> list[tuple[str, str]]:
    """What :func:`xlfuncs.methods.cohort.stay_profile` checks of a length-of-stay profile."""
    if stay.size > cohort.MAX_YEARS:
        return [("TRUE", "#N/A")]
    total = f"SUM({stay.text})"
    return [
        numbers_check(stay, "zero"),
        (f"MIN({stay.text})<0", "#NUM!"),
        (f"ABS({total}-1)>{cohort._PROFILE_TOLERANCE!r}", "#NUM!"),
    ]


def shares(stay: NativeArg) -> str:
    """The profile as a column of shares divided by their sum (which is within 1e-6 of 1)."""
    return f"({stay.column()}/SUM({stay.text}))"


def profile_mean(stay: NativeArg) -> str:
    return f"SUMPRODUCT({shares(stay)},{seq(stay.size)}-0.5)"


def stretch(stay: NativeArg, mean_stay: NativeArg) -> tuple[str | None, list[tuple[str, str]]]:
    """The factor stretching the profile to ``mean_stay`` (None: the profile's own mean)."""
    if not mean_stay.given:
        return None, []
    m = str(mean_stay)
    ceiling = cohort.LIMITS["mean_stay"][1]
    factor = f"{m}/{profile_mean(stay)}"
    checks = [(either(f"{m}<=0", f"{m}>{ceiling:g}"), "#NUM!")]
    if mean_stay.ref is not None:
        factor = f"IF(ISBLANK({m}),1,{factor})"
        checks = [(f"AND(NOT(ISBLANK({m})),{either(f'{m}<=0', f'{m}>{ceiling:g}')})", "#NUM!")]
    return factor, checks


def occupancy(stay: NativeArg, ks: str, factor: str | None, column: bool) -> str:
    """Share of year k - 1 of a stay spent in care, for each k of ``ks`` (a row, or a column
    with ``column``): f x (A(k/f) - A((k-1)/f)), A the area under the survival curve, straight
    between year ends. A(y) = sum over the profile's years i of t S_i - t^2 p_(i+1) / 2 with
    t = y - i held between 0 and 1; years past the profile's last share count nothing."""
    k = stay.size
    p = shares(stay)
    survival = f"(1-MMULT(({seq(k, 0)}>={seq(k, column=False)})*1,{p}))"
    last = f"MAX(IF({stay.column()}>0,{seq(k)}))"
    i = seq(k, 0, column=column is False)

    def area(y: str) -> str:
        t = f"{clamp(f'({y}-{i})', '0', '1')}*({i}<{last})"
        if column:
            return f"(MMULT({t},{survival})-MMULT(({t})^2,{p})/2)"
        return f"(MMULT(TRANSPOSE({survival}),{t})-MMULT(TRANSPOSE({p}),({t})^2)/2)"

    if factor is None:
        return f"({area(ks)}-{area(f'({ks}-1)')})"
    factor = group(factor)
    inverse = f"(1/{factor})"
    return f"(({area(f'{ks}*{inverse}')}-{area(f'({ks}-1)*{inverse}')})*{factor})"


def _stay_mean_native(call: NativeCall) -> str:
    stay = call["stay_profile"]
    call.needs_array()
    return guarded(profile_checks(stay), profile_mean(stay))


def _whole_years(value, maximum: int) -> int | None:
    if not finite_number(value) or value != int(value) or not 1 <= value <= maximum:
        return None
    return int(value)


def _occupancy_native(call: NativeCall) -> str:
    stay, years = call["stay_profile"], call["years"]
    call.needs_array()
    checks = profile_checks(stay)
    factor, stretch_checks = stretch(stay, call["mean_stay"])
    checks += stretch_checks
    mask = ""
    if years.given and years.is_literal:
        width = _whole_years(years.literal, cohort.MAX_YEARS)
        if width is None:
            return "#NUM!"
    elif call.cols is None:
        raise NoNativeForm("the number of years is not typed in and the call sits inside a larger formula")
    else:
        width = call.cols
        if years.given:
            y = str(years)
            checks.append((either(is_whole(y), f"{y}<1", f"{y}>{cohort.MAX_YEARS}"), "#NUM!"))
            mask = f"{seq(width, column=False)}>{y}"
        else:  # the profile's own length, up to its last share
            mask = f"{seq(width, column=False)}>MAX(IF({stay.column()}>0,{seq(stay.size)}))"
    value = occupancy(stay, seq(width, column=False), factor, column=False)
    return guarded(checks, f"IF({mask},#N/A,{value})" if mask else value)


def _cohort_checks(values: str, arg: NativeArg | None) -> list[tuple[str, str]]:
    checks = [numbers_check(arg, "zero")] if arg is not None else []
    return checks + [(f"MIN({values})<0", "#NUM!")]


def care_years_cell(
    cohorts: list[str], stay: NativeArg, drop: str, factor: str | None
) -> str:
    """Child-years of care avoided in the year of the last of ``cohorts`` (one text each,
    year 0 first): the sum over earlier cohorts of cohort x occupancy x persistence at its lag."""
    tau = len(cohorts) - 1
    lags = "{" + ";".join(str(tau - t) for t in range(tau + 1)) + "}"
    kernel = f"{occupancy(stay, f'({lags}+1)', factor, column=True)}*(1-{drop})^{lags}"
    column = "{" + ";".join(cohorts) + "}" if all(_is_number(c) for c in cohorts) else None
    if column is None:
        column = f"CHOOSE({seq(tau + 1)},{','.join(cohorts)})" if tau else cohorts[0]
    return f"SUMPRODUCT({column},{kernel})"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _care_years_native(call: NativeCall):
    cohorts, stay = call["cohorts"], call["stay_profile"]
    drop = call["drop_off"].or_default()
    call.needs_array()
    n = cohorts.size
    if n > cohort.MAX_YEARS:
        return "#N/A"
    factor, stretch_checks = stretch(stay, call["mean_stay"])
    checks = _cohort_checks(cohorts.text, cohorts) + profile_checks(stay)
    checks += [(f"OR({drop}<0,{drop}>1)", "#NUM!")] + stretch_checks
    elements = [cohorts.element(t) for t in range(n)]
    if call.cols is None:
        raise NoNativeForm("its native form fills its row one formula per cell, and here it sits inside a larger formula")

    rows, cols = call.result_rows(1), call.cols

    def cell(i: int, j: int) -> str:
        position = j if rows == 1 or cols > 1 else i
        if position >= n:
            return "#N/A"
        return guarded(checks, care_years_cell(elements[: position + 1], stay, drop, factor))

    return PerCell(cell)


_TABLE_FLOOR, _TABLE_CEILING = -9.9e307, 9.9e307


def _limit(value: float) -> float:
    return min(max(value, _TABLE_FLOOR), _TABLE_CEILING)


def inputs_checks(inputs: NativeArg) -> tuple[list[str], list[tuple[str, str]]] | str:
    """The central value of each of the 14 inputs, and what
    :func:`xlfuncs.methods.cohort_uncertainty.parse_inputs` checks of the table."""
    if inputs.ref is None:
        raise NoNativeForm("inputs is a computed array, not a range")
    rows, cols = inputs.rows, inputs.cols
    if rows != len(cohort.INPUTS) or not 1 <= cols <= 5:
        return "#N/A"
    column = [inputs.ref.part(0, j, rows, 1).text if j < cols else None for j in range(5)]
    centrals = [inputs.ref.part(r, 2).text if cols >= 3 else "0" for r in range(rows)]
    floors = literal_text(tuple(_limit(cohort.LIMITS[n][0]) for n in cohort.INPUTS)).replace(",", ";")
    ceilings = literal_text(tuple(_limit(cohort.LIMITS[n][1]) for n in cohort.INPUTS)).replace(",", ";")
    code, low, central, high, sd = column
    given = lambda c: f"ISNUMBER({c})" if c else "FALSE"  # noqa: E731
    value = lambda c: c if c else "0"  # noqa: E731
    checks = [
        (f"OR(NOT({given(code)}),{value(code)}<>INT({value(code)}),{value(code)}<1,{value(code)}>5)", "#N/A"),
        (f"OR(NOT({given(central)}),{value(central)}<{floors},{value(central)}>{ceilings})", "#NUM!"),
    ]
    ranged = f"({value(code)}>=2)*({value(code)}<=4)"
    lo, hi, c = value(low), value(high), value(central)
    bad_range = (
        f"(NOT({given(low)})+NOT({given(high)})+({lo}<{floors})+({hi}>{ceilings})+({lo}>{hi})+({c}<{lo})+({c}>{hi}))"
    )
    lo_eff = f"IF({given(low)},{lo},{floors})"
    hi_eff = f"IF({given(high)},{hi},{ceilings})"
    s_ = value(sd)
    bad_normal = f"(NOT({given(sd)})+({s_}<=0)+({lo_eff}<{floors})+({hi_eff}>{ceilings})+({lo_eff}>={hi_eff}))"
    checks.append((f"OR({ranged}*{bad_range}>0,({value(code)}=5)*{bad_normal}>0)", "#NUM!"))
    checks.append((f"{centrals[8]}<=0", "#NUM!"))
    return centrals, checks


def _years_profile(call: NativeCall, name: str) -> NativeArg:
    arg = call[name]
    if arg.rows > 1 and arg.cols > 1:
        raise _Shape()
    return arg


class _Shape(Exception):
    pass


def _central_npv_native(call: NativeCall) -> str:
    try:
        running, ramp = _years_profile(call, "running"), _years_profile(call, "ramp")
    except _Shape:
        return "#N/A"
    stay = call["stay_profile"]
    call.needs_array()
    found = inputs_checks(call["inputs"])
    if isinstance(found, str):
        return found
    centrals, checks = found
    n = running.size
    if ramp.size != n or n > cohort.MAX_YEARS:
        return "#N/A"
    call.elements(n * n, "the cohort appraisal")
    price = call["price_factor"].or_default()
    checks += [numbers_check(running, "zero"), (f"MIN({running.text})<0", "#NUM!")]
    checks += [numbers_check(ramp, "zero"), (f"OR(MIN({ramp.text})<0,MAX({ramp.text})>1)", "#NUM!")]
    checks += profile_checks(stay) + [(f"{price}<=0", "#NUM!")]
    (reach, cost, optimism, children, deadweight, attribution, displacement, drop,
     mean_stay, cashable, non_cashable, economic, social, growth) = centrals  # fmt: skip
    values = {
        "cashable": cashable,
        "fiscal": f"{cashable}+{non_cashable}",
        "public": f"{cashable}+{non_cashable}+{economic}+{social}",
    }
    value = text_choice(call["measure"], values, "public")
    scale = f"{children}*(1-{deadweight})*(1-{attribution})*(1-{displacement})*({value})*{price}"
    cost_scale = f"{reach}*{cost}*(1+{optimism})*{price}"
    factor = f"{mean_stay}/{profile_mean(stay)}"
    kernel = f"{occupancy(stay, seq(n, column=False), factor, column=False)}*(1-{drop})^{seq(n, 0, column=False)}"
    cohorts = f"({running.column()}*{ramp.column()})"
    # The weight of care avoided L years after a cohort's year t: its discount factor and
    # unit-cost growth at year t + L, or nothing once t + L is past the appraisal's last year.
    year = f"({seq(n, 0)}+{seq(n, 0, column=False)})"
    inside = f"({year}<{n})"
    held = f"({year}*{inside})"
    rates = band_rates(call["schedule"])
    exponent = []
    for band, (start, length) in enumerate(zip((0,) + appraisal.BAND_ENDS, _band_lengths(), strict=True), start=1):
        if start >= n - 1 and band > 1:
            break
        spent = held if start == 0 and n - 1 <= length else clamp(f"({held}-{start})", "0", str(length))
        exponent.append(f"{spent}*LN(1+INDEX({rates},{band}))")
    weights = f"EXP(-({'+'.join(exponent)}))*(1+{growth})^{held}*{inside}"
    benefits = f"{scale}*SUMPRODUCT({kernel},MMULT(TRANSPOSE({cohorts}),{weights}))"
    from xlfuncs.excel.catalog.appraisal import discount_factors

    factors = discount_factors(call["schedule"], list(range(n)))
    costs = f"{cost_scale}*SUMPRODUCT({running.column()},{factors})"
    return guarded(checks, f"{benefits}-{costs}")


def _band_lengths() -> tuple[int, ...]:
    starts = (0,) + appraisal.BAND_ENDS
    return tuple(b - a for a, b in zip(starts, appraisal.BAND_ENDS, strict=False)) + (appraisal.MAX_YEAR,)


_SIMULATION = (
    "each result is a percentile or probability over thousands of random draws of every input, "
    "from xlfuncs's own random generator and rank-correlation method, which Excel's own functions "
    "cannot repeat draw for draw"
)

STAY = Arg(
    "stay_profile",
    "Length-of-stay profile: share of children whose stay would end in its 1st, 2nd, ... year, "
    "one row or column summing to 1 (blanks count as 0).",
    kind="vector",
    blanks="zero",
)
MEAN_STAY = Arg(
    "mean_stay",
    "Optional: average stay in years to stretch the profile to (default: the profile's own, "
    "CBA_STAY_MEAN).",
    default=None,
)
INPUTS = Arg(
    "inputs",
    "Input table, 14 rows in order (reach, cost per case, optimism bias, children prevented, "
    "deadweight, attribution, displacement, drop-off, mean stay, 4 values a care-year, growth) "
    "x (code, low, central, high, sd).",
    kind="matrix",
    blanks="missing",
)
RUNNING = Arg(
    "running",
    "One row of years, year 0 first: 1 while the service runs, 0 once it stops (multiplies the "
    "year's cost and its new cohort).",
    kind="vector",
    blanks="zero",
)
RAMP = Arg(
    "ramp",
    "Share (0 to 1) of the full effect reached each year, same length as running.",
    kind="vector",
    blanks="zero",
)
CORRELATED = Arg(
    "correlated",
    "Optional: numbers (1 to 14, the rows of inputs) of the inputs to rank-correlate.",
    kind="vector",
    default=None,
)
CORRELATION = Arg(
    "correlation",
    "Optional: target rank correlations of the correlated inputs, a square matrix: unit "
    "diagonal, symmetric, entries in [-1, 1], positive semi-definite.",
    kind="matrix",
    default=None,
)
DRAWS = Arg("draws", "Optional: number of draws, 1 to 1,000,000. Default 10,000.", default=10_000)
SEED = Arg(
    "seed", "Optional: whole-number seed; the same seed always gives the same draws. Default 1.", default=1
)
SCHEDULE = Arg(
    "schedule",
    'Optional: "standard" (default, Green Book 3.5% declining), "health" or a constant annual rate.',
    kind="text",
    default="standard",
)
MEASURE = Arg(
    "measure",
    'Optional: benefits counted: "public" (default: fiscal, economic and social), "fiscal" or "cashable".',
    kind="text",
    default="public",
    choices=cohort.MEASURES,
)
PRICE = Arg(
    "price_factor",
    "Optional: multiplier of every money value, e.g. the rebasing factor to base-year prices. Default 1.",
    default=1.0,
)

register(
    ExcelFunction(
        name="CBA_STAY_MEAN",
        impl=cohort.stay_mean,
        family=FAMILY,
        description=(
            "Mean length of stay in years of a length-of-stay profile: sum of (d - 0.5) x share "
            "of stays ending in year d (each stay ends half way through its last year)."
        ),
        args=(Arg("stay_profile", STAY.doc, kind="vector", blanks="zero", keyword="stay"),),
        example="=CBA_STAY_MEAN(B28:K28)",
        native=_stay_mean_native,
    )
)

register(
    ExcelFunction(
        name="CBA_STAY_OCCUPANCY",
        impl=cohort.stay_occupancy,
        family=FAMILY,
        returns="array",
        description=(
            "Share of each year of a stay spent in care, from a length-of-stay profile "
            "(optionally stretched to another mean stay), spilled across a row."
        ),
        args=(
            Arg("stay_profile", STAY.doc, kind="vector", blanks="zero", keyword="stay"),
            Arg("years", "Optional: years of stay to show (default: the profile's length).", default=None),
            MEAN_STAY,
        ),
        example="=CBA_STAY_OCCUPANCY(B28:K28, 10)",
        native=_occupancy_native,
    )
)

register(
    ExcelFunction(
        name="CBA_STAY_PROFILE",
        impl=cohort.stay_profile_from_model,
        family=FAMILY,
        returns="array",
        description=(
            "Length-of-stay profile of new entrants under a stock-flow model (e.g. from an SSDA903 "
            "return): share of stays ending in each year, the last holding longer stays; a row."
        ),
        args=(
            Arg(
                "transitions",
                "Square range: daily probability of moving from the row's state to the column's "
                "(as LAC_STOCKFLOW_PROJECT; blank = 0).",
                kind="matrix",
                blanks="zero",
            ),
            Arg("exits", "Daily probability of leaving care from each state (blank = 0).", kind="vector", blanks="zero"),
            Arg(
                "entrants",
                "Children entering care per day in each state: where a new cohort starts (blank = 0).",
                kind="vector",
                blanks="zero",
            ),
            Arg("years", "Optional: years of the profile, 1 to 200. Default 10.", default=10),
        ),
        example="=CBA_STAY_PROFILE(Transitions, Exits, Entrants, 10)",
        native=without_native(
            "it projects the stock-flow model day by day over the years of the profile, a "
            "matrix power that needs one step per day"
        ),
    )
)

register(
    ExcelFunction(
        name="CBA_COHORT_CARE_YEARS",
        impl=cohort.care_years,
        family=FAMILY,
        returns="array",
        description=(
            "Child-years of care avoided each year by cohorts kept out of care, each avoiding "
            "the stay of a length-of-stay profile, less drop-off within each cohort; a row."
        ),
        args=(
            Arg(
                "cohorts",
                "Children kept out of care in each year's cohort, year 0 first (net of deadweight, "
                "attribution and displacement).",
                kind="vector",
                blanks="zero",
            ),
            Arg("stay_profile", STAY.doc, kind="vector", blanks="zero", keyword="stay"),
            Arg(
                "drop_off",
                "Optional: share (0 to 1) of a cohort's avoided care lost each year after "
                "prevention. Default 0.",
                default=0.0,
            ),
            MEAN_STAY,
        ),
        example="=CBA_COHORT_CARE_YEARS(B27:K27, B28:K28, 0.05)",
        native=_care_years_native,
    )
)

register(
    ExcelFunction(
        name="CBA_COHORT_NPV",
        impl=cohort_uncertainty.central_npv,
        family=FAMILY,
        description=(
            "Green Book NPV of a cohort appraisal at the central values of its input table "
            "(the case the Monte Carlo and tornado vary)."
        ),
        args=(INPUTS, RUNNING, RAMP, STAY, SCHEDULE, MEASURE, PRICE),
        example='=CBA_COHORT_NPV(C5:G18, Appraisal!B24:K24, Appraisal!B25:K25, Appraisal!B28:K28)',
        native=_central_npv_native,
    )
)

register(
    ExcelFunction(
        name="CBA_COHORT_MC",
        impl=cohort_uncertainty.npv_percentiles,
        family=FAMILY,
        returns="array",
        description=(
            "Monte Carlo percentiles of a cohort appraisal's NPV over any of its inputs (fixed, "
            "uniform, triangular, PERT, truncated normal), with rank correlation; reproducible."
        ),
        args=(
            INPUTS,
            RUNNING,
            RAMP,
            STAY,
            Arg(
                "percentiles",
                "Percentiles wanted as fractions between 0 and 1 (0.05, 0.5, 0.95); results spill down a column.",
                kind="vector",
            ),
            CORRELATED,
            CORRELATION,
            DRAWS,
            SEED,
            SCHEDULE,
            MEASURE,
            PRICE,
        ),
        example="=CBA_COHORT_MC(C5:G18, Running, Ramp, Stay, A25:A27, I5:I8, J5:M8)",
        native=without_native(_SIMULATION),
    )
)

register(
    ExcelFunction(
        name="CBA_COHORT_MC_PAYBACK",
        impl=cohort_uncertainty.payback_probability,
        family=FAMILY,
        description=(
            "Monte Carlo probability that a cohort appraisal pays back (cumulative discounted net "
            "benefit turns positive) within its years."
        ),
        args=(INPUTS, RUNNING, RAMP, STAY, CORRELATED, CORRELATION, DRAWS, SEED, SCHEDULE, MEASURE, PRICE),
        example="=CBA_COHORT_MC_PAYBACK(C5:G18, Running, Ramp, Stay, I5:I8, J5:M8)",
        native=without_native(_SIMULATION),
    )
)

register(
    ExcelFunction(
        name="CBA_COHORT_MC_CORREL",
        impl=cohort_uncertainty.rank_correlation,
        family=FAMILY,
        returns="array",
        description=(
            "The rank (Spearman) correlations the Monte Carlo draws achieve between the correlated "
            "inputs, to set beside their target: a square matrix."
        ),
        args=(
            INPUTS,
            Arg("correlated", "Numbers (1 to 14, the rows of inputs) of the correlated inputs.", kind="vector"),
            Arg("correlation", "Their target rank correlations, a square matrix.", kind="matrix"),
            DRAWS,
            SEED,
        ),
        example="=CBA_COHORT_MC_CORREL(C5:G18, I5:I8, J5:M8)",
        native=without_native(_SIMULATION),
    )
)

register(
    ExcelFunction(
        name="CBA_COHORT_TORNADO",
        impl=cohort_uncertainty.tornado,
        family=FAMILY,
        returns="array",
        description=(
            "One-way sensitivity of a cohort appraisal's NPV to every input (14 rows, largest swing "
            "first): input number, NPV at its 5th and 95th percentiles, swing."
        ),
        args=(
            INPUTS,
            RUNNING,
            RAMP,
            STAY,
            SCHEDULE,
            MEASURE,
            PRICE,
            Arg(
                "tail",
                "Optional: each input moves from this percentile to 1 - tail. Default 0.05; 0 uses "
                "the low and high ends.",
                default=0.05,
            ),
        ),
        example="=CBA_COHORT_TORNADO(C5:G18, Running, Ramp, Stay)",
        native=without_native(
            "it moves each of the 14 inputs to the percentiles of its distribution (PERT and "
            "truncated normal quantiles found by search) and sorts the swings"
        ),
    )
)
