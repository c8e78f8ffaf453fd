"""Excel face of :mod:`xlfuncs.methods.cost_benefit` (the NET_SAVINGS family, one period)."""

from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import cost_benefit

FAMILY = "Cost-benefit (one period)"

REACH = Arg("reach", "Cases the service works with in the period (families, women, places). Not negative.")
COST = Arg("cost_per_case", "Cost of working with one case, in pounds. Not negative.")
PREVENTED = Arg("cases_prevented", "Outcomes prevented in the period, e.g. children kept out of care.")
SAVING = Arg("saving_per_prevented_case", "Cost avoided for each prevented case, in pounds. Not negative.")
WITHIN = Arg(
    "within_reach",
    "Optional: TRUE (default) refuses more cases prevented than reached; FALSE where one case "
    "can prevent several outcomes (e.g. incidents of domestic violence).",
    kind="flag",
    default=True,
)


def net_savings_range_row(
    reach, cost_per_case, cases_prevented, saving_per_prevented_case, within_reach=True
):
    """Low and high net savings as one row of two cells: the Excel face of
    :func:`xlfuncs.methods.cost_benefit.net_savings_range` (seed 003, Thurrock DPH report 2017, gives
    Pause's impact as 2 to 5 children).

    Examples
    --------
    >>> net_savings_range_row(15, 10_000, [2, 5], 70_000)
    array([[-10000., 200000.]])
    """
    return cost_benefit.net_savings_range(
        reach, cost_per_case, cases_prevented, saving_per_prevented_case, within_reach
    ).reshape(1, 2)


register(
    ExcelFunction(
        name="NET_SAVINGS",
        impl=cost_benefit.net_savings,
        family=FAMILY,
        description=(
            "Net savings of an intervention: cases_prevented x saving_per_prevented_case - "
            "reach x cost_per_case (Thurrock DPH report 2017)."
        ),
        args=(REACH, COST, PREVENTED, SAVING, WITHIN),
        example="=NET_SAVINGS(135.5, 2285, 21.7, 1534771/21.7)",
    )
)

register(
    ExcelFunction(
        name="NET_SAVINGS_CASHABLE",
        impl=cost_benefit.cashable_net_savings,
        family=FAMILY,
        description=(
            "Directly cashable net savings: cases_prevented x the cashable part of the saving "
            "per case (e.g. placement costs) - reach x cost_per_case."
        ),
        args=(
            REACH,
            COST,
            PREVENTED,
            Arg(
                "cashable_saving_per_case",
                "The part of the saving per prevented case that can quickly be removed from "
                "budgets (e.g. placement costs), in pounds.",
            ),
            WITHIN,
        ),
        example="=NET_SAVINGS_CASHABLE(135.5, 2285, 21.7, 44191.18)",
    )
)

register(
    ExcelFunction(
        name="NET_SAVINGS_COST",
        impl=cost_benefit.total_cost,
        family=FAMILY,
        description="Total cost of an intervention in the period: reach x cost_per_case.",
        args=(REACH, COST),
        example="=NET_SAVINGS_COST(135.5, 2285)",
    )
)

register(
    ExcelFunction(
        name="NET_SAVINGS_GROSS",
        impl=cost_benefit.gross_savings,
        family=FAMILY,
        description="Gross savings of an intervention: cases_prevented x saving_per_prevented_case.",
        args=(
            Arg("cases_prevented", "Outcomes prevented in the period. Not negative."),
            SAVING,
        ),
        example="=NET_SAVINGS_GROSS(21.7, 70727)",
    )
)

register(
    ExcelFunction(
        name="NET_SAVINGS_BREAK_EVEN",
        impl=cost_benefit.break_even_cases,
        family=FAMILY,
        description=(
            "Cases that must be prevented for the savings to cover the cost: "
            "reach x cost_per_case / saving_per_prevented_case."
        ),
        args=(
            REACH,
            COST,
            Arg("saving_per_prevented_case", "Cost avoided for each prevented case, in pounds. Positive."),
        ),
        example="=NET_SAVINGS_BREAK_EVEN(135.5, 2285, 70727)",
    )
)

register(
    ExcelFunction(
        name="NET_SAVINGS_BCR",
        impl=cost_benefit.benefit_cost_ratio,
        family=FAMILY,
        description=(
            "Benefit-cost ratio of one period: gross savings / total cost "
            "(pounds saved for each pound spent)."
        ),
        args=(REACH, COST, PREVENTED, SAVING, WITHIN),
        example="=NET_SAVINGS_BCR(135.5, 2285, 21.7, 70727)",
    )
)

register(
    ExcelFunction(
        name="NET_SAVINGS_IMPLIED",
        impl=cost_benefit.implied_saving_per_case,
        family=FAMILY,
        description=(
            "Saving per prevented case implied by a published net saving: "
            "(net_savings + reach x cost_per_case) / cases_prevented."
        ),
        args=(
            REACH,
            COST,
            Arg("cases_prevented", "Outcomes prevented in the period. Positive."),
            Arg("net_savings", "The published net savings, in pounds (may be negative)."),
            WITHIN,
        ),
        example="=NET_SAVINGS_IMPLIED(135.5, 2285, 21.7, 649331)",
    )
)

register(
    ExcelFunction(
        name="NET_SAVINGS_RANGE",
        impl=net_savings_range_row,
        family=FAMILY,
        description=(
            "Lowest and highest net savings (one row of two cells) when any input is a "
            "(low, high) pair of cells, e.g. 2 to 5 children prevented."
        ),
        args=(
            Arg("reach", "Cases reached: one cell, or two cells (low, high).", kind="vector"),
            Arg("cost_per_case", "Cost per case: one cell, or two cells (low, high).", kind="vector"),
            Arg("cases_prevented", "Cases prevented: one cell, or two cells (low, high).", kind="vector"),
            Arg(
                "saving_per_prevented_case",
                "Saving per prevented case: one cell, or two cells (low, high).",
                kind="vector",
            ),
            WITHIN,
        ),
        returns="array",
        example="=NET_SAVINGS_RANGE(15, 10000, {2,5}, 70000)",
    )
)
