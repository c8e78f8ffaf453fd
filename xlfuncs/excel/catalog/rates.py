"""Excel face of :mod:`xlfuncs.methods.rates` (the LAC_ rate family)."""

from xlfuncs.excel.native import NativeCall, guarded, numbers_check, seq
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import rates


def _rate_native(call: NativeCall) -> str:
    count, population = call["count"], call["child_population"]
    return guarded([(f"{count}<0", "#NUM!"), (f"{population}<0", "#NUM!")], f"{count}/{population}*10000")


def _average_change_native(call: NativeCall) -> str:
    values = call["rates"]
    n = values.size
    if n < 2:
        return "#DIV/0!"
    call.needs_array()
    if values.ref is not None:
        ref = values.ref
        along_row = ref.rows == 1
        later = ref.part(0, 1, 1, n - 1) if along_row else ref.part(1, 0, n - 1, 1)
        earlier = ref.part(0, 0, 1, n - 1) if along_row else ref.part(0, 0, n - 1, 1)
        changes = f"{later.text}-{earlier.text}"
    else:
        # Row k of the difference matrix picks value k + 1 less value k.
        pick_later = f"({seq(n, column=False)}={seq(n - 1)}+1)"
        pick_earlier = f"({seq(n, column=False)}={seq(n - 1)})"
        changes = f"MMULT({pick_later}-{pick_earlier},{values.column()})"
    return guarded([numbers_check(values, "strict")], f"AVERAGE({changes})")

register(
    ExcelFunction(
        name="LAC_RATE",
        impl=rates.rate_per_10000,
        family="Rates and trends",
        description="Children per 10,000 of the child population: count / child_population x 10,000.",
        args=(
            Arg("count", "Children looked after (or in need) at the date."),
            Arg("child_population", "Population aged 0-17 at the same date. Must be positive."),
        ),
        example="=LAC_RATE(345, 41000)",
        native=_rate_native,
    )
)

register(
    ExcelFunction(
        name="LAC_AVG_CHANGE",
        impl=rates.average_change,
        family="Rates and trends",
        description=(
            "What Works Centre average change in the rate: mean of the year-on-year changes "
            "of consecutive yearly rates (oldest first)."
        ),
        args=(
            Arg(
                "rates",
                "Rates per 10,000 in consecutive years, oldest first: one row or column, no gaps.",
                kind="vector",
            ),
        ),
        example="=LAC_AVG_CHANGE(B2:G2)",
        native=_average_change_native,
    )
)
