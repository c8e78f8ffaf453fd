"""Excel face of :mod:`xlfuncs.methods.uncertainty` (CBA_MC_ Monte Carlo and CBA_TORNADO)."""

from xlfuncs.excel.native import without_native
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import uncertainty

FAMILY = "Cost-benefit uncertainty"

_SIMULATION = without_native(
    "each result is a percentile or probability over thousands of random draws, from xlfuncs's "
    "own random generator, which Excel's own functions cannot repeat draw for draw"
)

_RANGE = "1 cell (known), 2 (low, high: uniform) or 3 (low, most likely, high: triangular)"
REACH = Arg("reach", f"Cases reached a year: {_RANGE}.", kind="vector")
COST = Arg("cost_per_case", f"Cost per case, pounds: {_RANGE}.", kind="vector")
PREVENTED = Arg("cases_prevented", f"Cases prevented a year: {_RANGE}.", kind="vector")
SAVING = Arg("saving_per_prevented_case", f"Saving per prevented case, pounds: {_RANGE}.", kind="vector")
COST_PROFILE = Arg(
    "cost_profile",
    "Multiplier of a year's cost (reach x cost_per_case) in each year, year 0 first, e.g. 1.1 with "
    "10% optimism bias, 0 once the service stops. Blanks count as 0.",
    kind="vector",
    blanks="zero",
)
BENEFIT_PROFILE = Arg(
    "benefit_profile",
    "Multiplier of a year's gross saving in each year, after ramp-up, drop-off, deadweight, "
    "attribution and displacement; same length as cost_profile.",
    kind="vector",
    blanks="zero",
)
PERCENTILES = Arg(
    "percentiles",
    "Percentiles wanted as fractions between 0 and 1 (0.05, 0.5, 0.95); results spill down a column.",
    kind="vector",
)
DRAWS = Arg("draws", "Optional: number of draws, 1 to 1,000,000. Default 10,000.", default=10_000)
SEED = Arg(
    "seed",
    "Optional: whole-number seed; the same seed always gives the same results. Default 1.",
    default=1,
)
SCHEDULE = Arg(
    "schedule",
    'Optional: "standard" (default, Green Book 3.5% declining), "health" or a constant annual rate.',
    kind="text",
    default="standard",
)
WITHIN = Arg(
    "within_reach",
    "Optional: TRUE (default) refuses ranges where cases prevented could exceed reach.",
    kind="flag",
    default=True,
)

register(
    ExcelFunction(
        name="CBA_MC_NPV",
        impl=uncertainty.npv_percentiles,
        family=FAMILY,
        description=(
            "Monte Carlo percentiles of an intervention's Green Book NPV over uniform or "
            "triangular ranges of its inputs; reproducible for a given seed."
        ),
        args=(
            REACH, COST, PREVENTED, SAVING, COST_PROFILE, BENEFIT_PROFILE, PERCENTILES,
            DRAWS, SEED, SCHEDULE, WITHIN,
        ),
        returns="array",
        example="=CBA_MC_NPV(B4:D4, B5:D5, B6:D6, B7:D7, Appraisal!C30:L30, Appraisal!C31:L31, A12:A14)",
        native=_SIMULATION,
    )
)

register(
    ExcelFunction(
        name="CBA_MC_NET_SAVINGS",
        impl=uncertainty.net_savings_percentiles,
        family=FAMILY,
        description=(
            "Monte Carlo percentiles of single-period net savings (NET_SAVINGS) over uniform or "
            "triangular ranges of its inputs; reproducible for a given seed."
        ),
        args=(REACH, COST, PREVENTED, SAVING, PERCENTILES, DRAWS, SEED, WITHIN),
        returns="array",
        example="=CBA_MC_NET_SAVINGS(B4:D4, B5:D5, B6:D6, B7:D7, A12:A14)",
        native=_SIMULATION,
    )
)

register(
    ExcelFunction(
        name="CBA_MC_PAYBACK",
        impl=uncertainty.payback_probability,
        family=FAMILY,
        description=(
            "Monte Carlo probability that an intervention pays back (cumulative discounted net "
            "benefit turns positive) within the years of its profile."
        ),
        args=(REACH, COST, PREVENTED, SAVING, COST_PROFILE, BENEFIT_PROFILE, DRAWS, SEED, SCHEDULE, WITHIN),
        example="=CBA_MC_PAYBACK(B4:D4, B5:D5, B6:D6, B7:D7, Appraisal!C30:L30, Appraisal!C31:L31)",
        native=_SIMULATION,
    )
)

register(
    ExcelFunction(
        name="CBA_TORNADO",
        impl=uncertainty.tornado,
        family=FAMILY,
        description=(
            "One-way sensitivity table (4 rows x 4 columns, largest swing first): input number, "
            "NPV at its low, NPV at its high, swing; others held at most likely."
        ),
        args=(
            REACH,
            COST,
            PREVENTED,
            SAVING,
            Arg(
                "cost_profile",
                "Optional: multiplier of a year's cost in each year, year 0 first. Default one year at 1.",
                kind="vector",
                blanks="zero",
                default=(1.0,),
            ),
            Arg(
                "benefit_profile",
                "Optional: multiplier of a year's gross saving in each year. Default one year at 1.",
                kind="vector",
                blanks="zero",
                default=(1.0,),
            ),
            SCHEDULE,
            WITHIN,
        ),
        returns="array",
        example="=CBA_TORNADO(B4:D4, B5:D5, B6:D6, B7:D7, Appraisal!C30:L30, Appraisal!C31:L31)",
        native=without_native(
            "it moves each input from the low to the high end of its range and sorts the inputs by "
            "the swing in NPV, a reordering of rows no fixed array formula can do"
        ),
    )
)
