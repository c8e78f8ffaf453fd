"""Excel face of :mod:`xlfuncs.methods.needs` (NEEDS_: needs-led costing after Valuing Care)."""

from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import needs

FAMILY = "Needs-led costing"

LEVELS = Arg(
    "need_levels",
    "Need level of each row of the table, on the scale 0 (no identified need) to scale_max "
    "(e.g. 0 none, 1 low, 2 medium, 3 high, 4 severe, 5 complex).",
    kind="vector",
)
CHILDREN = Arg(
    "children",
    "Aggregated table: children at each need level (rows) in each placement type (columns). "
    "Blanks count as 0.",
    kind="matrix",
    blanks="zero",
)
COSTS = Arg(
    "weekly_costs",
    "Average weekly cost (£) of the children of each cell, same shape as children; cells with "
    "no children are not used (blank = 0).",
    kind="matrix",
    blanks="zero",
)
SCALE = Arg("scale_max", "Optional: top of the need scale. Default 5.", default=needs.SCALE_MAX)
BELOW = Arg(
    "below_level",
    "Optional: count only children below this need level (e.g. 4: without severe or complex "
    "needs). Default: every child.",
    default=None,
)
CANDIDATES = Arg(
    "candidates",
    "Children who could step down, e.g. in residential care without severe or complex needs.",
)
RAMP = Arg(
    "ramp",
    "Cumulative share (0 to 1) of the candidates stepped down by the end of each year, year 0 "
    "first; one row; it cannot fall.",
    kind="vector",
    blanks="zero",
)
OPTIMISM = Arg(
    "optimism_bias",
    "Optional: share (0 to 1) by which the step-downs planned are expected to fall short. Default 0.",
    default=0.0,
)

register(
    ExcelFunction(
        name="NEEDS_COST_CORREL",
        impl=needs.need_cost_correlation,
        family=FAMILY,
        description=(
            "Correlation of need level and weekly cost across the children of an aggregated "
            "profile (need levels x placement types): Spearman (default) or Pearson."
        ),
        args=(
            LEVELS,
            CHILDREN,
            COSTS,
            SCALE,
            Arg(
                "method",
                'Optional: "spearman" (default, rank correlation) or "pearson".',
                kind="text",
                default="spearman",
                choices=needs.CORRELATIONS,
            ),
        ),
        example="=NEEDS_COST_CORREL(A6:A11, C6:G11, C16:G21)",
    )
)

register(
    ExcelFunction(
        name="NEEDS_SHARE_NOT_SEVERE",
        impl=needs.share_without_severe_needs,
        family=FAMILY,
        returns="array",
        description=(
            "Share of each placement type's children (columns) without severe or complex needs, "
            "then of all children: one row."
        ),
        args=(
            LEVELS,
            CHILDREN,
            Arg(
                "severe_from",
                "Optional: the lowest need level counted as severe or complex. Default 4.",
                default=needs.SEVERE_FROM,
            ),
            SCALE,
        ),
        example="=NEEDS_SHARE_NOT_SEVERE(A6:A11, C6:G11)",
    )
)

register(
    ExcelFunction(
        name="NEEDS_AVERAGE_COST",
        impl=needs.average_cost,
        family=FAMILY,
        returns="array",
        description=(
            "Average weekly cost now of the children in each placement type, then of all "
            "children (optionally only those below a need level): one row."
        ),
        args=(LEVELS, CHILDREN, COSTS, BELOW, SCALE),
        example="=NEEDS_AVERAGE_COST(A6:A11, C6:G11, C16:G21, 4)",
    )
)

register(
    ExcelFunction(
        name="NEEDS_MATCHED_COST",
        impl=needs.matched_cost,
        family=FAMILY,
        returns="array",
        description=(
            "Average weekly cost of the needs-matched placement of the children in each placement "
            "type, then of all: each need level's matched type at that type's cost; one row."
        ),
        args=(
            LEVELS,
            CHILDREN,
            Arg(
                "type_costs",
                "Weekly cost (£) of a placement of each type, one per column of children.",
                kind="vector",
            ),
            Arg(
                "matched_type",
                "For each need level, the number (1 = first column) of the placement type its needs call for.",
                kind="vector",
            ),
            BELOW,
            SCALE,
        ),
        example="=NEEDS_MATCHED_COST(A6:A11, C6:G11, C25:G25, H6:H11, 4)",
    )
)

register(
    ExcelFunction(
        name="NEEDS_STEP_DOWN_COHORTS",
        impl=needs.step_down_cohorts,
        family=FAMILY,
        returns="array",
        description=(
            "Children stepped down to a needs-matched placement each year: candidates x (1 - "
            "optimism bias) x the rise in the ramp's cumulative share; one row (cohorts)."
        ),
        args=(CANDIDATES, RAMP, OPTIMISM),
        example="=NEEDS_STEP_DOWN_COHORTS(B5, B10:K10, 0.25)",
    )
)

register(
    ExcelFunction(
        name="NEEDS_STEP_DOWN_SAVINGS",
        impl=needs.step_down_savings,
        family=FAMILY,
        returns="array",
        description=(
            "Savings each year of stepping children down: their child-years in the needs-matched "
            "placement (cohorts over their remaining stay, less drop-off) x weekly saving x weeks."
        ),
        args=(
            CANDIDATES,
            Arg("weekly_saving", "Weekly cost now less the needs-matched placement's, per child (£). Not negative."),
            RAMP,
            Arg(
                "stay_profile",
                "Share of the children stepped down whose remaining time in care ends in its 1st, "
                "2nd, ... year; sums to 1 (blanks count as 0).",
                kind="vector",
                blanks="zero",
                keyword="stay",
            ),
            OPTIMISM,
            Arg(
                "drop_off",
                "Optional: share (0 to 1) of a year's step-downs that break down each year after. Default 0.",
                default=0.0,
            ),
            Arg("weeks_per_year", "Optional: weeks of care in a year. Default 365/7.", default=needs.WEEKS_PER_YEAR),
        ),
        example="=NEEDS_STEP_DOWN_SAVINGS(B5, B6, B10:K10, B12:K12, 0.25, 0.1)",
    )
)
