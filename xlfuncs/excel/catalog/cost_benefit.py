"""Excel face of :mod:`xlfuncs.methods.cost_benefit` (the NET_SAVINGS family, one period)."""

from xlfuncs.excel.native import NativeArg, NativeCall, PerCell, either, guarded, laid_out
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


def _negative(*args: NativeArg) -> tuple[str, str]:
    return either(*(f"{a}<0" for a in args)), "#NUM!"


def _within(call: NativeCall, reach: str, prevented: str) -> tuple[str, str]:
    """More cases prevented than reached is #NUM! unless within_reach is FALSE."""
    flag = call["within_reach"]
    if not flag.given:
        return f"{prevented}>{reach}", "#NUM!"
    if flag.is_literal and flag.literal in (False, 0):
        return "", ""
    return f"AND({flag.or_default()},{prevented}>{reach})", "#NUM!"


def _net_native(saving_name: str):
    def native(call: NativeCall) -> str:
        n, c, p, s = call["reach"], call["cost_per_case"], call["cases_prevented"], call[saving_name]
        return guarded([_negative(n, c, p, s), _within(call, str(n), str(p))], f"{p}*{s}-{n}*{c}")

    return native


def _cost_native(call: NativeCall) -> str:
    n, c = call["reach"], call["cost_per_case"]
    return guarded([_negative(n, c)], f"{n}*{c}")


def _gross_native(call: NativeCall) -> str:
    p, s = call["cases_prevented"], call["saving_per_prevented_case"]
    return guarded([_negative(p, s)], f"{p}*{s}")


def _break_even_native(call: NativeCall) -> str:
    n, c, s = call["reach"], call["cost_per_case"], call["saving_per_prevented_case"]
    return guarded([_negative(n, c, s)], f"{n}*{c}/{s}")


def _bcr_native(call: NativeCall) -> str:
    n, c, p, s = call["reach"], call["cost_per_case"], call["cases_prevented"], call["saving_per_prevented_case"]
    return guarded([_negative(n, c, p, s), _within(call, str(n), str(p))], f"{p}*{s}/({n}*{c})")


def _implied_native(call: NativeCall) -> str:
    n, c, p, net = call["reach"], call["cost_per_case"], call["cases_prevented"], call["net_savings"]
    saving = f"({net}+{n}*{c})/{p}"
    return guarded(
        [_negative(n, c, p), _within(call, str(n), str(p)), (f"{saving}<0", "#NUM!")], saving
    )


def _range_native(call: NativeCall) -> str | PerCell:
    bounds = []
    checks = []
    for name in ("reach", "cost_per_case", "cases_prevented", "saving_per_prevented_case"):
        arg = call[name]
        if arg.size > 2:
            return "#N/A"
        low, high = arg.element(0), arg.element(arg.size - 1)
        checks.append((either(f"{low}<0", f"{high}<0", f"{low}>{high}"), "#NUM!"))
        bounds.append((low, high))
    (n_low, n_high), (c_low, c_high), (p_low, p_high), (s_low, s_high) = bounds
    checks.append(_within(call, n_low, p_high))  # the worst case: most prevented, fewest reached
    low = f"{p_low}*{s_low}-{n_high}*{c_high}"
    high = f"{p_high}*{s_high}-{n_low}*{c_low}"
    return laid_out(call, [[low, high]], checks)


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
        native=_net_native("saving_per_prevented_case"),
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
        native=_net_native("cashable_saving_per_case"),
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
        native=_cost_native,
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
        native=_gross_native,
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
        native=_break_even_native,
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
        native=_bcr_native,
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
        native=_implied_native,
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
        native=_range_native,
    )
)
