"""Excel face of :mod:`xlfuncs.methods.cohort` and :mod:`xlfuncs.methods.cohort_uncertainty`
(CBA_STAY_ and CBA_COHORT_: cohorts kept out of care, their length of stay and uncertainty)."""

from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import cohort, cohort_uncertainty

FAMILY = "Cost-benefit appraisal (cohorts)"

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
    )
)
