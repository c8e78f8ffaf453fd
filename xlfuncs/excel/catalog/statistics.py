"""Excel face of :mod:`xlfuncs.methods.statistics`: summaries and rank tests (LAC_ family)."""

from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import statistics

FAMILY = "Rates and trends"

register(
    ExcelFunction(
        name="LAC_SUMMARY",
        impl=statistics.summary,
        family=FAMILY,
        description=(
            "Minimum, maximum, mean, SD (n-1) and count of a range, down a column: the "
            "What Works Centre's regional summary (Table 2). Blank cells are left out."
        ),
        args=(
            Arg("values", "Values for a group of authorities, e.g. average rates 2012-17.", kind="matrix", blanks="missing"),
        ),
        returns="array",
        example="=LAC_SUMMARY(B2:B21)",
    )
)

register(
    ExcelFunction(
        name="LAC_SPEARMAN",
        impl=statistics.spearman,
        family=FAMILY,
        description=(
            "Spearman rank correlation rho and its two-sided p-value, down a column "
            "(as scipy.stats.spearmanr). Pairs with a blank cell are left out."
        ),
        args=(
            Arg("array1", "First values, one per authority.", kind="vector", blanks="missing"),
            Arg("array2", "Second values, paired with array1.", kind="vector", blanks="missing"),
        ),
        returns="array",
        example="=LAC_SPEARMAN(B2:B152, C2:C152)",
    )
)

register(
    ExcelFunction(
        name="LAC_MANN_WHITNEY",
        impl=statistics.mann_whitney,
        family=FAMILY,
        description=(
            "Mann-Whitney U test of two independent groups: U and its two-sided p-value, down "
            "a column (as scipy.stats.mannwhitneyu). Blank cells are left out."
        ),
        args=(
            Arg("sample1", "Values of the first group.", kind="vector", blanks="missing"),
            Arg("sample2", "Values of the second group.", kind="vector", blanks="missing"),
            Arg(
                "statistic",
                'Optional: "u1" (default) the U of sample1, as scipy; "min" the smaller U, as SPSS.',
                kind="text",
                default="u1",
                choices=("u1", "min"),
            ),
            Arg(
                "method",
                'Optional: "auto" (default), "exact" or "asymptotic", as scipy.',
                kind="text",
                default="auto",
                choices=("auto", "exact", "asymptotic"),
            ),
        ),
        returns="array",
        example="=LAC_MANN_WHITNEY(B2:B64, C2:C89)",
    )
)
