"""Excel face of :mod:`xlfuncs.methods.statistics`: summaries and rank tests (LAC_ family)."""

from xlfuncs.excel.native import (
    NativeArg,
    NativeCall,
    NoNativeForm,
    PerCell,
    laid_out,
    numbers_check,
    text_choice,
)
from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import statistics

FAMILY = "Rates and trends"

# --------------------------------------------------------------------------- native forms


def _summary_native(call: NativeCall) -> str | PerCell:
    values = call["values"]
    x = values.text
    checks = [numbers_check(values, "missing"), (f"COUNT({x})<2", "#DIV/0!")]
    grid = [[f"MIN({x})"], [f"MAX({x})"], [f"AVERAGE({x})"], [f"_xlfn.STDEV.S({x})"], [f"COUNT({x})"]]
    return laid_out(call, grid, checks)


def _ranks(x: str, keep: str) -> str:
    """Average ranks (ties share their mean rank) of the column ``x`` among the values kept,
    by comparing every value with every other: (count below + count at or below + 1) / 2."""
    return f"(MMULT(({x}>TRANSPOSE({x}))+({x}>=TRANSPOSE({x})),{keep})+1)/2"


def _spearman_native(call: NativeCall) -> str | PerCell:
    first, second = call["array1"], call["array2"]
    call.needs_array()
    if first.size != second.size:
        return "#N/A"
    call.elements(first.size * first.size, "ranking the values")
    x, y = first.column(), second.column()
    keep = f"ISNUMBER({x})*ISNUMBER({y})"
    n = f"SUM({keep})"
    rx, ry = _ranks(x, keep), _ranks(y, keep)
    rho = f"CORREL(IF({keep},{rx},\"\"),IF({keep},{ry},\"\"))"
    rho = f"MAX(-1,MIN(1,{rho}))"
    t = f"ABS({rho})*SQRT(({n}-2)/((1+{rho})*(1-{rho})))"
    p = f"IF(ABS({rho})=1,0,_xlfn.T.DIST.2T({t},{n}-2))"
    checks = [numbers_check(first, "missing"), numbers_check(second, "missing"), (f"{n}<3", "#DIV/0!")]
    checks.append((f"OR(MAX(IF({keep},{x}))=MIN(IF({keep},{x})),MAX(IF({keep},{y}))=MIN(IF({keep},{y})))", "#DIV/0!"))
    return laid_out(call, [[rho], [p]], checks)


def _mann_whitney_native(call: NativeCall) -> str | PerCell:
    first, second = call["sample1"], call["sample2"]
    call.needs_array()
    call.elements((first.size + second.size) ** 2, "ranking the values")
    x, y = first.column(), second.column()
    kx, ky = f"ISNUMBER({x})", f"ISNUMBER({y})"
    n1, n2 = f"SUM({kx}*1)", f"SUM({ky}*1)"
    # U1: pairs with the first sample's value above the second's, ties counting a half.
    u1 = f"SUM((({x}>TRANSPOSE({y}))+({x}>=TRANSPOSE({y})))*{kx}*TRANSPOSE({ky}))/2"
    u = text_choice(call["statistic"], {"u1": u1, "min": f"MIN({u1},{n1}*{n2}-{u1})"}, "u1")
    # Tie correction: the sum over tie groups of t^3 - t is the sum over values of (ties^2 - 1).
    ties_x = f"MMULT(({x}=TRANSPOSE({x}))*1,{kx}*1)+MMULT(({x}=TRANSPOSE({y}))*1,{ky}*1)"
    ties_y = f"MMULT(({y}=TRANSPOSE({y}))*1,{ky}*1)+MMULT(({y}=TRANSPOSE({x}))*1,{kx}*1)"
    tie_term = f"(SUM(({ties_x})^2*{kx}-{kx})+SUM(({ties_y})^2*{ky}-{ky}))"
    n = f"({n1}+{n2})"
    spread = f"SQRT({n1}*{n2}/12*(({n}+1)-{tie_term}/({n}*({n}-1))))"
    larger = f"MAX({u1},{n1}*{n2}-{u1})"
    z = f"({larger}-{n1}*{n2}/2-0.5)/{spread}"
    asymptotic = f"MIN(1,2*_xlfn.NORM.S.DIST(-{z},TRUE))"
    method = call["method"]
    # scipy's "auto" is exact when a sample has at most 8 values and nothing is tied.
    exact_wanted = f"AND(MIN({n1},{n2})<=8,{tie_term}=0)"
    auto = f"IF({exact_wanted},#N/A,{asymptotic})"
    key = _literal_choice(method, ("auto", "exact", "asymptotic"), "auto")
    if key == "exact":
        raise NoNativeForm('method "exact": the exact distribution of U is a recursion over every arrangement of the ranks')
    if key != "asymptotic":
        call.note(
            'With method "auto" or "exact", a sample of 8 values or fewer and no ties takes scipy\'s exact '
            "p-value, a recursion over every arrangement of the ranks, and gives #N/A here."
        )
    p = text_choice(method, {"auto": auto, "exact": None, "asymptotic": asymptotic}, "auto")
    checks = [numbers_check(first, "missing"), numbers_check(second, "missing")]
    checks.append((f"OR({n1}=0,{n2}=0)", "#DIV/0!"))
    low, high = f"MIN(IF({kx},{x}))", f"MAX(IF({kx},{x}))"
    checks.append((f"AND({low}={high},MIN(IF({ky},{y}))={high},MAX(IF({ky},{y}))={high})", "#DIV/0!"))
    return laid_out(call, [[u], [p]], checks)


def _literal_choice(arg: NativeArg, choices: tuple[str, ...], default: str) -> str | None:
    """The choice a literal (or an omitted argument) names; None for a cell."""
    if not arg.given:
        return default
    if not arg.is_literal:
        return None
    text = str(arg.literal).strip().lower()
    return text if text in choices else ""

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
        native=_summary_native,
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
        native=_spearman_native,
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
        native=_mann_whitney_native,
    )
)
