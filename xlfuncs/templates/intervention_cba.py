"""Template ``intervention_cba.xlsx``: the cost-benefit case for a preventive intervention.

Four sheets after About:

* **Interventions**: seed 003 (Thurrock DPH report 2017) "Impact and expected savings from
  investing in prevention". The edge-of-care row is recomputed from its published inputs with
  ``NET_SAVINGS`` and its companions, beside the published figures. The Pause and domestic
  violence rows carry only what was published (reach, impact, net savings) and what those
  figures alone support (net saving per outcome prevented), marked as derived: their costs and
  savings per case were not published and are not invented here.
* **Appraisal**: a 10-year Green Book cohort appraisal of the edge-of-care service: each
  year's cohort of children kept out of care saves the care they would have had over their
  stay (a length-of-stay profile), less drop-off within the cohort, with optimism bias,
  deadweight, attribution, displacement, ramp-up, real unit-cost growth and price rebasing;
  fiscal benefits split cashable / non-cashable beside economic and social value; discounted
  and cash payback counted from the start of year 0. Assumptions that are not published are
  labelled as illustrative, for a council to replace.
* **Monte Carlo**: every input of the appraisal given a distribution (fixed, uniform,
  triangular, PERT or truncated normal), chosen inputs rank-correlated (target beside achieved),
  percentiles of the NPV (public value, fiscal, cashable), the probability of payback, and a
  tornado of every input with its chart.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from xlfuncs.methods import cohort
from xlfuncs.templates import Template
from xlfuncs.templates._layout import (
    DERIVED_FILL,
    INPUT_FILL,
    MONEY,
    MONEY_2DP,
    OUTPUT_FILL,
    PERCENT,
    define,
    header_row,
    new_workbook,
    note,
    put,
    sheet_title,
)

SOURCE = "Thurrock DPH report 2017 (seed 003)"
PUBLISHED = f"published: {SOURCE}"
ILLUSTRATIVE = "ILLUSTRATIVE assumption, not published: replace with your own"

#: Edge-of-care service as published (seed 003): label, value, number format.
EDGE_OF_CARE = {
    "reach": 135.5,
    "cost_per_case": 2285,
    "total_cost": 309_618,
    "prevented": 21.7,
    "gross": 1_534_771,
    "net": 1_225_153,
    "cashable_net": 649_331,
}

#: Other rows of the same table: name, reach, reach unit, prevented low/high, what is
#: prevented, net savings low/high, note on the reach.
OTHER_ROWS = (
    (
        "Pause",
        15,
        "women a year who have had babies removed",
        2,
        5,
        "further children taken into care at birth",
        128_520,
        307_945,
        "Published as a range: 2 to 5 children, £128,520 to £307,945.",
    ),
    (
        "Domestic violence victims programme",
        60,
        "extra places a year (~75 to ~135, approximate)",
        144,
        144,
        "incidents of domestic violence",
        133_220,
        133_220,
        "Reach published as approximate (~75 to ~135 places): per-place figures are approximate.",
    ),
    (
        "Domestic violence perpetrators programme",
        10,
        "extra places a year (10 to 20)",
        19,
        19,
        "incidents of domestic violence",
        -7_293,
        -7_293,
        "Costs more than it saves in cash terms on the published figures.",
    ),
)

YEARS = 10
FIRST_COL = 2  # column B holds year 0 on the Appraisal sheet
DEFLATOR_YEARS = tuple(range(2017, 2027))

# Appraisal sheet rows.
INPUT_TOP = 4  # the 14 inputs of the cohort appraisal, in the order of cohort.INPUTS
SCHEDULE_ROW = INPUT_TOP + len(cohort.INPUTS)
REBASE_ROW = SCHEDULE_ROW + 3
YEAR_ROW = REBASE_ROW + 2
RUNNING_ROW = YEAR_ROW + 1
RAMP_ROW = YEAR_ROW + 2
PROFILE_ROW = YEAR_ROW + 5
COSTS_ROW = YEAR_ROW + 10
RESULTS_ROW = COSTS_ROW + 17
PAYBACK_ROW = RESULTS_ROW + 11  # discounted, all benefits; cash payback two rows below
#: ILLUSTRATIVE length-of-stay profile: CBA_STAY_PROFILE of the bundled synthetic SSDA903
#: sample's stock-flow model (2022-23 reference year), rounded to whole per cent.
STAY_PROFILE = (0.31, 0.22, 0.15, 0.10, 0.07, 0.05, 0.03, 0.02, 0.02, 0.03)

# Monte Carlo sheet rows.
MC_HEADER = 4
MC_FIRST = MC_HEADER + 1
MC_LAST = MC_FIRST + len(cohort.INPUTS) - 1
DISTRIBUTION_NAMES = ("fixed", "uniform", "triangular", "PERT", "normal")
#: ILLUSTRATIVE uncertainty of each input: distribution, low, high, sd (the central value is the
#: Appraisal sheet's). Low and high of a normal are its truncation bounds (None: the input's limits).
UNCERTAINTY = {
    "reach": ("triangular", 110, 150, None),
    "cost_per_case": ("triangular", 2000, 2800, None),
    "optimism_bias": ("uniform", 0.05, 0.25, None),
    "children_prevented": ("PERT", 10, 30, None),
    "deadweight": ("triangular", 0.10, 0.40, None),
    "attribution": ("triangular", 0.0, 0.20, None),
    "displacement": ("fixed", None, None, None),
    "drop_off": ("PERT", 0.0, 0.20, None),
    "mean_stay": ("normal", 1.0, 6.0, 0.5),
    "cashable_per_year": ("normal", None, None, 5000),
    "non_cashable_per_year": ("triangular", 15_000, 35_000, None),
    "economic_per_year": ("fixed", None, None, None),
    "social_per_year": ("fixed", None, None, None),
    "unit_cost_growth": ("uniform", -0.01, 0.02, None),
}
#: ILLUSTRATIVE rank correlations: a service that keeps more children out of care also keeps
#: them out longer (less drop-off); placement and staff savings move with care prices.
CORRELATED = (4, 8, 10, 11)
TARGET_CORRELATION = (
    (1.0, -0.3, 0.0, 0.0),
    (-0.3, 1.0, 0.0, 0.0),
    (0.0, 0.0, 1.0, 0.6),
    (0.0, 0.0, 0.6, 1.0),
)
CORREL_TOP = MC_LAST + 2
MC_SETTINGS = CORREL_TOP + len(CORRELATED) + 4
PERCENTILE_TOP = MC_SETTINGS + 5
TORNADO_TOP = PERCENTILE_TOP + 9


def _interventions(workbook: Workbook) -> Worksheet:
    sheet = workbook.create_sheet("Interventions")
    sheet_title(sheet, "Impact and expected savings from investing in prevention (Thurrock, 2017)")
    note(sheet, "A2", f"Yellow: {PUBLISHED}. Green: computed by xlfuncs. Orange: derived, not published.")
    header_row(sheet, 4, ["Edge-of-care service", "Published", "Computed", "Computed - published", "How"])
    e = EDGE_OF_CARE
    rows = [
        # row, label, published value, computed formula, format, how
        (5, "Eligible families (reach)", e["reach"], None, "#,##0.0", PUBLISHED),
        (6, "Cost per family (£)", e["cost_per_case"], None, MONEY, PUBLISHED),
        (7, "Total cost (£)", e["total_cost"], "=NET_SAVINGS_COST(B5,B6)", MONEY, "reach x cost per family"),
        (8, "Children prevented from entering care", e["prevented"], None, "#,##0.0", PUBLISHED),
        (9, "Gross savings (£)", e["gross"], "=NET_SAVINGS_GROSS(B8,C11)", MONEY, "children prevented x saving per child"),
        (10, "Net savings (£)", e["net"], "=NET_SAVINGS(B5,B6,B8,C11)", MONEY, "gross savings - total cost"),
        (11, "Saving per child prevented (£)", None, "=B9/B8", MONEY_2DP, "derived: published gross savings / children prevented"),
        (12, "Directly cashable net savings (£)", e["cashable_net"], "=NET_SAVINGS_CASHABLE(B5,B6,B8,C13)", MONEY, "only placement costs count as directly cashable"),
        (13, "Cashable saving per child prevented (£, IMPLIED)", None, "=NET_SAVINGS_IMPLIED(B5,B6,B8,B12)", MONEY_2DP, "implied by the published cashable net savings, not published (about a year of a fostering placement)"),
        (14, "Non-cashable saving per child prevented (£)", None, "=C11-C13", MONEY_2DP, "derived: staff time and other savings slower to become cash"),
        (15, "Children to prevent to break even", None, "=NET_SAVINGS_BREAK_EVEN(B5,B6,C11)", "#,##0.00", "derived: total cost / saving per child"),
        (16, "Benefit-cost ratio", None, "=NET_SAVINGS_BCR(B5,B6,B8,C11)", "0.00", "derived: gross savings / total cost"),
        (17, "Cashable benefit-cost ratio", None, "=NET_SAVINGS_BCR(B5,B6,B8,C13)", "0.00", "derived: cashable savings / total cost"),
    ]
    for row, label, published, formula, fmt, how in rows:
        sheet.cell(row=row, column=1, value=label)
        if published is not None:
            put(sheet, f"B{row}", published, INPUT_FILL, fmt)
        if formula is not None:
            derived = published is None
            put(sheet, f"C{row}", formula, DERIVED_FILL if derived else OUTPUT_FILL, fmt)
            if not derived:
                put(sheet, f"D{row}", f"=C{row}-B{row}", None, MONEY_2DP)
        sheet.cell(row=row, column=5, value=how)
    note(
        sheet,
        "A18",
        "Published totals are rounded to the pound: 135.5 x £2,285 is £309,617.50, so the net "
        "computed from the inputs is £1,225,153.50 against £1,225,153 published.",
    )
    define(workbook, "EdgeOfCareTotalCost", sheet, "C7")
    define(workbook, "EdgeOfCareGrossSavings", sheet, "C9")
    define(workbook, "EdgeOfCareNetSavings", sheet, "C10")
    define(workbook, "EdgeOfCareCashableNet", sheet, "C12")
    define(workbook, "ImpliedCashableSaving", sheet, "C13")

    header_row(
        sheet,
        21,
        [
            "Other interventions",
            "Reach a year",
            "What is reached",
            "Prevented (low)",
            "Prevented (high)",
            "What is prevented",
            "Net savings, low (£)",
            "Net savings, high (£)",
            "Net saving per outcome prevented, low (£)",
            "Net saving per outcome prevented, high (£)",
            "Net saving per case reached, low (£)",
            "Net saving per case reached, high (£)",
            "Notes",
        ],
    )
    first = 22
    for offset, (name, reach, reach_unit, low, high, what, net_low, net_high, text) in enumerate(OTHER_ROWS):
        row = first + offset
        sheet.cell(row=row, column=1, value=name)
        put(sheet, f"B{row}", reach, INPUT_FILL, "#,##0")
        sheet.cell(row=row, column=3, value=reach_unit)
        put(sheet, f"D{row}", low, INPUT_FILL, "#,##0")
        put(sheet, f"E{row}", high, INPUT_FILL, "#,##0")
        sheet.cell(row=row, column=6, value=what)
        put(sheet, f"G{row}", net_low, INPUT_FILL, MONEY)
        put(sheet, f"H{row}", net_high, INPUT_FILL, MONEY)
        put(sheet, f"I{row}", f"=G{row}/D{row}", DERIVED_FILL, MONEY_2DP)
        put(sheet, f"J{row}", f"=H{row}/E{row}", DERIVED_FILL, MONEY_2DP)
        put(sheet, f"K{row}", f"=G{row}/B{row}", DERIVED_FILL, MONEY_2DP)
        put(sheet, f"L{row}", f"=H{row}/B{row}", DERIVED_FILL, MONEY_2DP)
        sheet.cell(row=row, column=13, value=text)
    pause = first
    sheet[f"A{first + 4}"] = "Pause: cost implied by a straight line through the low and high ends (£)"
    put(
        sheet,
        f"G{first + 4}",
        f"=-(G{pause}-D{pause}*(H{pause}-G{pause})/(E{pause}-D{pause}))",
        DERIVED_FILL,
        MONEY_2DP,
    )
    note(
        sheet,
        f"A{first + 5}",
        "A negative cost: the published Pause range is not one cost with one saving per child, "
        "so no single cost or saving per child can be read from it. Its costs were not published.",
    )
    note(
        sheet,
        f"A{first + 6}",
        "Per-outcome and per-case figures are derived from the published reach, impact and net "
        "savings only; they are not published and do not separate cost from saving.",
    )
    define(workbook, "PauseNetPerChildLow", sheet, f"I{pause}")
    define(workbook, "PauseNetPerChildHigh", sheet, f"J{pause}")
    sheet.column_dimensions["A"].width = 44
    for col in "BCD":
        sheet.column_dimensions[col].width = 16
    sheet.column_dimensions["C"].width = 30
    sheet.column_dimensions["E"].width = 18
    sheet.column_dimensions["F"].width = 28
    for col in "GHIJKL":
        sheet.column_dimensions[col].width = 16
    sheet.column_dimensions["M"].width = 60
    sheet.row_dimensions[21].height = 45
    return sheet


def _year_cols() -> list[str]:
    return [get_column_letter(FIRST_COL + t) for t in range(YEARS)]


def _appraisal(workbook: Workbook) -> Worksheet:
    sheet = workbook.create_sheet("Appraisal")
    sheet_title(sheet, "Edge-of-care service: 10-year cohort appraisal, HM Treasury Green Book discounting")
    note(
        sheet,
        "A2",
        "Each year's cohort of children kept out of care saves the care they would have had in every "
        "year of their stay (length-of-stay profile), less drop-off within the cohort. Year 0 is now and "
        "is not discounted; values in base-year prices; fiscal benefits split cashable / non-cashable "
        "beside economic and social value (HM Treasury local-partnership CBA guidance, 2014).",
    )
    header_row(sheet, 3, ["Assumption", "Value", "Status"])
    rows = {name: row for name, row in zip(cohort.INPUTS, range(INPUT_TOP, INPUT_TOP + len(cohort.INPUTS)), strict=True)}
    profile = _row_range(PROFILE_ROW)
    assumptions = {
        "reach": ("=Interventions!B5", "#,##0.0", OUTPUT_FILL, PUBLISHED),
        "cost_per_case": ("=Interventions!B6", MONEY, OUTPUT_FILL, PUBLISHED),
        "optimism_bias": (0.10, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        "children_prevented": ("=Interventions!B8", "#,##0.0", OUTPUT_FILL, PUBLISHED),
        "deadweight": (0.20, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        "attribution": (0.10, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        "displacement": (0.0, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        "drop_off": (0.05, PERCENT, INPUT_FILL, ILLUSTRATIVE + " (share of a cohort's avoided care lost each year)"),
        "mean_stay": (
            f"=CBA_STAY_MEAN({profile})",
            "0.00",
            DERIVED_FILL,
            f"from the length-of-stay profile (row {PROFILE_ROW}); type a number to stretch the profile to it",
        ),
        "cashable_per_year": (
            "=Interventions!C13",
            MONEY_2DP,
            DERIVED_FILL,
            "IMPLIED by the published cashable net savings, Thurrock's saving per child taken as a year of care",
        ),
        "non_cashable_per_year": ("=Interventions!C14", MONEY_2DP, DERIVED_FILL, "derived: saving per child - cashable part, a year of care"),
        "economic_per_year": (0, MONEY, INPUT_FILL, "not published: enter if known"),
        "social_per_year": (0, MONEY, INPUT_FILL, "not published: enter if known"),
        "unit_cost_growth": (0.0, PERCENT, INPUT_FILL, ILLUSTRATIVE + ": real rise of care prices above the GDP deflator"),
    }
    for name, (value, fmt, fill, status) in assumptions.items():
        row = rows[name]
        sheet.cell(row=row, column=1, value=cohort.LABELS[name])
        put(sheet, f"B{row}", value, fill, fmt)
        sheet.cell(row=row, column=3, value=status)
    settings: list[tuple[int, str, object, str | None, PatternFill, str]] = [
        (SCHEDULE_ROW, "Discount schedule", "standard", None, INPUT_FILL, '"standard" (3.5% to year 30), "health" (1.5%) or a constant rate'),
        (SCHEDULE_ROW + 1, "Price year of the inputs", 2017, "0", INPUT_FILL, "Thurrock report prices"),
        (SCHEDULE_ROW + 2, "Base year of the appraisal", 2017, "0", INPUT_FILL, "restate all values in this year's prices"),
        (REBASE_ROW, "Rebase factor (base-year prices / price-year prices)",
         f"=CBA_REBASE(1,B{SCHEDULE_ROW + 1},B{SCHEDULE_ROW + 2},N5:N14,O5:O14)", "0.0000", OUTPUT_FILL,
         "from the deflator index (columns N:O)"),
    ]
    for row, label, setting, setting_format, fill, status in settings:
        sheet.cell(row=row, column=1, value=label)
        put(sheet, f"B{row}", setting, fill, setting_format)
        sheet.cell(row=row, column=3, value=status)
    define(workbook, "MeanStayAvoided", sheet, f"B{rows['mean_stay']}")

    # Deflator index beside the assumptions.
    header_row(sheet, 4, ["Year", "Deflator index"], column=14)
    for i, year in enumerate(DEFLATOR_YEARS):
        row = 5 + i
        put(sheet, f"N{row}", year, INPUT_FILL, "0")
        put(sheet, f"O{row}", round(100 * 1.02 ** (year - DEFLATOR_YEARS[0]), 2), INPUT_FILL, "0.00")
    note(sheet, "N15", "ILLUSTRATIVE index (2% a year): paste HM Treasury's GDP deflator series.")

    cols = _year_cols()
    first, last = cols[0], cols[-1]
    header_row(sheet, YEAR_ROW, ["Year"] + [None] * YEARS)
    for t, col in enumerate(cols):
        put(sheet, f"{col}{YEAR_ROW}", t, None, "0")
        sheet[f"{col}{YEAR_ROW}"].font = Font(bold=True, color="FFFFFF")
    labels = {
        RUNNING_ROW: "Service running (1 = yes)",
        RAMP_ROW: "Ramp-up: share of the full effect reached",
        YEAR_ROW + 3: "Children kept out of care: this year's cohort, gross",
        YEAR_ROW + 4: "This year's cohort, net of deadweight, attribution and displacement",
        PROFILE_ROW: "Length-of-stay profile: share of stays that would end in their 1st, 2nd, ... year",
        YEAR_ROW + 6: "Share of each year of a stay spent in care (1st, 2nd, ... year of stay)",
        YEAR_ROW + 7: "Persistence of a cohort's effect, by years since prevention",
        YEAR_ROW + 8: "Child-years of care avoided, all cohorts so far",
        YEAR_ROW + 9: "Unit cost index (real growth)",
        COSTS_ROW: "Costs with optimism bias (£)",
        COSTS_ROW + 1: "Fiscal benefits, cashable (£)",
        COSTS_ROW + 2: "Fiscal benefits, non-cashable (£)",
        COSTS_ROW + 3: "Fiscal benefits, total (£)",
        COSTS_ROW + 4: "Economic value (£)",
        COSTS_ROW + 5: "Social value (£)",
        COSTS_ROW + 6: "All benefits: public value (£)",
        COSTS_ROW + 7: "Net benefit (£)",
        COSTS_ROW + 8: "Green Book discount factor",
        COSTS_ROW + 9: "Discounted net benefit (£)",
        COSTS_ROW + 10: "Cumulative discounted net benefit (£)",
        COSTS_ROW + 11: "Discounted cashable net benefit (£)",
        COSTS_ROW + 12: "Cumulative discounted cashable net benefit (£)",
        COSTS_ROW + 13: "Cumulative net benefit, cash: undiscounted (£)",
    }
    for row, label in labels.items():
        sheet.cell(row=row, column=1, value=label)
    r = rows
    gross, net, occupancy, persistence, cared, index = (YEAR_ROW + k for k in (3, 4, 6, 7, 8, 9))
    c = COSTS_ROW
    sheet[f"{first}{occupancy}"] = ArrayFormula(
        f"{first}{occupancy}:{last}{occupancy}", f"=CBA_STAY_OCCUPANCY({profile},{YEARS},$B${r['mean_stay']})"
    )
    sheet[f"{first}{cared}"] = ArrayFormula(
        f"{first}{cared}:{last}{cared}",
        f"=CBA_COHORT_CARE_YEARS({_row_range(net)},{profile},$B${r['drop_off']},$B${r['mean_stay']})",
    )
    adjust = f"$B${r['deadweight']},$B${r['attribution']},$B${r['displacement']}"
    price = f"$B${REBASE_ROW}"
    ramp = [0.25, 0.75] + [1.0] * (YEARS - 2)
    for t, col in enumerate(cols):
        year_cell = f"{col}{YEAR_ROW}"
        put(sheet, f"{col}{RUNNING_ROW}", 1, INPUT_FILL, "0")
        put(sheet, f"{col}{RAMP_ROW}", ramp[t], INPUT_FILL, "0%")
        put(sheet, f"{col}{gross}", f"=$B${r['children_prevented']}*{col}{RUNNING_ROW}*{col}{RAMP_ROW}", OUTPUT_FILL, "0.00")
        put(sheet, f"{col}{net}", f"=CBA_NET_OUTCOME({col}{gross},{adjust})", OUTPUT_FILL, "0.00")
        put(sheet, f"{col}{PROFILE_ROW}", STAY_PROFILE[t], INPUT_FILL, "0%")
        sheet[f"{col}{occupancy}"].fill = OUTPUT_FILL
        sheet[f"{col}{occupancy}"].number_format = "0.000"
        put(sheet, f"{col}{persistence}", f"=CBA_DROP_OFF(1,$B${r['drop_off']},{year_cell})", OUTPUT_FILL, "0.000")
        sheet[f"{col}{cared}"].fill = OUTPUT_FILL
        sheet[f"{col}{cared}"].number_format = "0.00"
        put(sheet, f"{col}{index}", f"=(1+$B${r['unit_cost_growth']})^{year_cell}", OUTPUT_FILL, "0.0000")
        care = f"{col}{cared}*{col}{index}*{price}"
        put(sheet, f"{col}{c}", f"=CBA_OPTIMISM_BIAS($B${r['reach']}*$B${r['cost_per_case']}*{col}{RUNNING_ROW},$B${r['optimism_bias']})*{price}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 1}", f"={care}*$B${r['cashable_per_year']}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 2}", f"={care}*$B${r['non_cashable_per_year']}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 3}", f"={col}{c + 1}+{col}{c + 2}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 4}", f"={care}*$B${r['economic_per_year']}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 5}", f"={care}*$B${r['social_per_year']}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 6}", f"={col}{c + 3}+{col}{c + 4}+{col}{c + 5}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 7}", f"={col}{c + 6}-{col}{c}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 8}", f"=CBA_DISCOUNT_FACTOR({year_cell},$B${SCHEDULE_ROW})", OUTPUT_FILL, "0.0000")
        put(sheet, f"{col}{c + 9}", f"={col}{c + 7}*{col}{c + 8}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 10}", f"=SUM(${first}${c + 9}:{col}{c + 9})", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 11}", f"=({col}{c + 1}-{col}{c})*{col}{c + 8}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 12}", f"=SUM(${first}${c + 11}:{col}{c + 11})", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{c + 13}", f"=SUM(${first}${c + 7}:{col}{c + 7})", OUTPUT_FILL, MONEY)
    note(
        sheet,
        f"A{c + 14}",
        "Child-years avoided in year t = sum over earlier cohorts s of cohort(s) x share of year t-s of a stay "
        "in care x (1 - drop-off)^(t-s) (CBA_COHORT_CARE_YEARS). Benefits = child-years x value a year x unit "
        "cost index, in base-year prices.",
    )
    note(
        sheet,
        f"A{c + 15}",
        f"ILLUSTRATIVE length-of-stay profile: rounded from the bundled synthetic SSDA903 sample (CBA_STAY_PROFILE "
        f"of its stock-flow model); replace with =CBA_STAY_PROFILE(Transitions, Exits, Entrants, {YEARS}) over "
        "your own (stock_flow.xlsx, xlfuncs forecast-903 --template). Care after year 9 is not counted.",
    )

    costs = _row_range(c)
    cashable = _row_range(c + 1)
    fiscal = _row_range(c + 3)
    public = _row_range(c + 6)
    schedule = f"$B${SCHEDULE_ROW}"
    convention = (
        "years from the start of year 0, each year's flows spread evenly through it: 1.5 is half way "
        f"through year 1, the second year; #N/A if not within {YEARS} years"
    )
    header_row(sheet, RESULTS_ROW, ["Result", "Value", "How"])
    results = [
        ("Present value of costs (£)", f"=CBA_PV({costs},{schedule})", MONEY, "CBA_PV"),
        ("Present value of cashable fiscal benefits (£)", f"=CBA_PV({cashable},{schedule})", MONEY, "CBA_PV"),
        ("Present value of all fiscal benefits (£)", f"=CBA_PV({fiscal},{schedule})", MONEY, "CBA_PV"),
        ("Present value of all benefits (£)", f"=CBA_PV({public},{schedule})", MONEY, "CBA_PV"),
        ("Net present value: public value (£)", f"=CBA_NPV({costs},{public},{schedule})", MONEY, "CBA_NPV"),
        ("Net present value: fiscal (£)", f"=CBA_NPV({costs},{fiscal},{schedule})", MONEY, "CBA_NPV"),
        ("Net present value: cashable only (£)", f"=CBA_NPV({costs},{cashable},{schedule})", MONEY, "CBA_NPV"),
        ("Benefit-cost ratio: public value", f"=CBA_BCR({costs},{public},{schedule})", "0.00", "CBA_BCR"),
        ("Benefit-cost ratio: fiscal", f"=CBA_BCR({costs},{fiscal},{schedule})", "0.00", "CBA_BCR"),
        ("Benefit-cost ratio: cashable", f"=CBA_BCR({costs},{cashable},{schedule})", "0.00", "CBA_BCR"),
        ("Payback, discounted, all benefits (years from the start of year 0)", f"=CBA_PAYBACK({costs},{public},{schedule})", "0.00", f"CBA_PAYBACK: {convention}"),
        ("Payback, discounted, cashable only (years from the start of year 0)", f"=CBA_PAYBACK({costs},{cashable},{schedule})", "0.00", f"CBA_PAYBACK, cashable benefits: {convention}"),
        ("Payback, cash (undiscounted), all benefits (years from the start of year 0)", f"=CBA_PAYBACK_CASH({costs},{public})", "0.00", f"CBA_PAYBACK_CASH: {convention}"),
        ("Payback, cash (undiscounted), cashable only (years from the start of year 0)", f"=CBA_PAYBACK_CASH({costs},{cashable})", "0.00", "CBA_PAYBACK_CASH, cashable benefits: the same convention"),
        ("Child-years of care avoided over the 10 years", f"=SUM({_row_range(cared)})", "#,##0.0", "sum of the child-years row"),
        ("NPV with Excel's convention at 3.5% (first year discounted)", f"=CBA_NPV({costs},{public},0.035,1)", MONEY, "CBA_NPV with first_year 1"),
        ("The same by Excel's own NPV", f"=NPV(0.035,{_row_range(c + 7)})", MONEY, "Excel NPV(rate, net benefits): discounts year 0 too"),
    ]
    for offset, (label, formula, fmt, how) in enumerate(results):
        row = RESULTS_ROW + 1 + offset
        sheet.cell(row=row, column=1, value=label)
        put(sheet, f"B{row}", formula, OUTPUT_FILL, fmt)
        sheet.cell(row=row, column=3, value=how)
    result = {label: RESULTS_ROW + 1 + offset for offset, (label, *_rest) in enumerate(results)}
    define(workbook, "AppraisalNPV", sheet, f"B{result['Net present value: public value (£)']}")
    define(workbook, "AppraisalCashableNPV", sheet, f"B{result['Net present value: cashable only (£)']}")
    define(workbook, "AppraisalBCR", sheet, f"B{result['Benefit-cost ratio: public value']}")
    define(workbook, "AppraisalPayback", sheet, f"B{PAYBACK_ROW}")
    define(workbook, "AppraisalCashPayback", sheet, f"B{PAYBACK_ROW + 2}")

    chart = LineChart()
    chart.title = "Cumulative net benefit"
    chart.y_axis.title = "£ (base-year prices)"
    chart.x_axis.title = "Year"
    chart.height, chart.width = 8, 18
    for row in (c + 10, c + 12, c + 13):
        data = Reference(sheet, min_col=1, max_col=FIRST_COL + YEARS - 1, min_row=row, max_row=row)
        chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=FIRST_COL, max_col=FIRST_COL + YEARS - 1, min_row=YEAR_ROW))
    chart.y_axis.number_format = "£#,##0"
    sheet.add_chart(chart, f"E{RESULTS_ROW}")

    sheet.column_dimensions["A"].width = 60
    for col in cols:
        sheet.column_dimensions[col].width = 13
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["N"].width = 10
    sheet.column_dimensions["O"].width = 14
    sheet.freeze_panes = f"B{YEAR_ROW + 1}"
    return sheet


def _row_range(row: int) -> str:
    """The years of one row of the Appraisal sheet, e.g. ``B28:K28``."""
    cols = _year_cols()
    return f"{cols[0]}{row}:{cols[-1]}{row}"


def _monte_carlo(workbook: Workbook) -> Worksheet:
    sheet = workbook.create_sheet("Monte Carlo")
    sheet_title(sheet, "How sure are we? Monte Carlo simulation over every input and one-way sensitivity")
    note(
        sheet,
        "A2",
        "Central values are the Appraisal sheet's; distributions, low, high, standard deviations and "
        "correlations are ILLUSTRATIVE, not published: replace them. Normal: mean = central, truncated at "
        "low and high (blank: the input's own limits).",
    )
    note(
        sheet,
        "A3",
        "Distributions: fixed, uniform (low to high), triangular and PERT (low, most likely, high), normal "
        "(truncated). The code column turns the name into the number the functions read.",
    )
    header_row(
        sheet,
        MC_HEADER,
        ["Input", "Distribution", "Code", "Low", "Central (most likely; mean for normal)", "High", "SD (normal)", "Status"],
    )
    codes = f"$K${MC_FIRST}:$K${MC_FIRST + len(DISTRIBUTION_NAMES) - 1}"
    choices = DataValidation(type="list", formula1=f'"{",".join(DISTRIBUTION_NAMES)}"', allow_blank=False)
    sheet.add_data_validation(choices)
    formats = {
        "reach": "#,##0.0", "cost_per_case": MONEY, "children_prevented": "#,##0.0", "mean_stay": "0.00",
        "cashable_per_year": MONEY, "non_cashable_per_year": MONEY, "economic_per_year": MONEY,
        "social_per_year": MONEY,
    }
    for j, name in enumerate(cohort.INPUTS):
        row = MC_FIRST + j
        kind, low, high, sd = UNCERTAINTY[name]
        fmt = formats.get(name, PERCENT)
        sheet.cell(row=row, column=1, value=cohort.LABELS[name])
        put(sheet, f"B{row}", kind, INPUT_FILL)
        choices.add(f"B{row}")
        put(sheet, f"C{row}", f"=MATCH(B{row},{codes},0)", OUTPUT_FILL, "0")
        for col, value in (("D", low), ("F", high), ("G", sd)):
            if value is not None:
                put(sheet, f"{col}{row}", value, INPUT_FILL, fmt)
            else:
                sheet[f"{col}{row}"].fill = INPUT_FILL
        put(sheet, f"E{row}", f"=Appraisal!B{INPUT_TOP + j}", OUTPUT_FILL, fmt)
        sheet.cell(row=row, column=8, value="central: Appraisal sheet; the rest ILLUSTRATIVE" if kind != "fixed" else "fixed at the Appraisal sheet's value")
    header_row(sheet, MC_HEADER, ["Distribution", "Code"], column=11)
    for i, kind in enumerate(DISTRIBUTION_NAMES):
        sheet.cell(row=MC_FIRST + i, column=11, value=kind)
        sheet.cell(row=MC_FIRST + i, column=12, value=i + 1)
    table = f"$C${MC_FIRST}:$G${MC_LAST}"
    running = f"Appraisal!{_row_range(RUNNING_ROW)}"
    ramp = f"Appraisal!{_row_range(RAMP_ROW)}"
    profile = f"Appraisal!{_row_range(PROFILE_ROW)}"

    # Rank correlations between chosen inputs: the target beside what the draws achieve.
    top = CORREL_TOP
    sheet[f"A{top}"] = "Rank correlations between chosen inputs (ILLUSTRATIVE targets)"
    sheet[f"A{top}"].font = Font(bold=True)
    size = len(CORRELATED)
    target_cols = [get_column_letter(3 + k) for k in range(size)]
    achieved_cols = [get_column_letter(4 + size + k) for k in range(size)]
    header_row(sheet, top + 1, ["Input number", "Input", *["Target"] * size, None, *["Achieved by the draws"] * size])
    for i, number in enumerate(CORRELATED):
        row = top + 2 + i
        put(sheet, f"A{row}", number, INPUT_FILL, "0")
        put(sheet, f"B{row}", f"=INDEX($A${MC_FIRST}:$A${MC_LAST},A{row})", OUTPUT_FILL)
        for k, col in enumerate(target_cols):
            put(sheet, f"{col}{row}", TARGET_CORRELATION[i][k], INPUT_FILL, "0.00")
        for col in achieved_cols:
            sheet[f"{col}{row}"].fill = OUTPUT_FILL
            sheet[f"{col}{row}"].number_format = "0.000"
    numbers = f"$A${top + 2}:$A${top + 1 + size}"
    target = f"${target_cols[0]}${top + 2}:${target_cols[-1]}${top + 1 + size}"
    achieved = f"{achieved_cols[0]}{top + 2}:{achieved_cols[-1]}{top + 1 + size}"
    draws, seed, schedule, price = (f"$B${MC_SETTINGS + k}" for k in range(4))
    sheet[f"{achieved_cols[0]}{top + 2}"] = ArrayFormula(
        achieved, f"=CBA_COHORT_MC_CORREL({table},{numbers},{target},{draws},{seed})"
    )
    gap_cols = [get_column_letter(5 + 2 * size + k) for k in range(size)]
    header_row(sheet, top + 1, ["Achieved - target"] * size, column=5 + 2 * size)
    for i in range(size):
        row = top + 2 + i
        for achieved_col, target_col, gap_col in zip(achieved_cols, target_cols, gap_cols, strict=True):
            put(sheet, f"{gap_col}{row}", f"={achieved_col}{row}-{target_col}{row}", OUTPUT_FILL, "0.000")
    gaps = f"{gap_cols[0]}{top + 2}:{gap_cols[-1]}{top + 1 + size}"
    gap_row = top + 2 + size
    sheet[f"A{gap_row}"] = "Largest gap between achieved and target rank correlation"
    put(sheet, f"B{gap_row}", f"=MAX(MAX({gaps}),-MIN({gaps}))", OUTPUT_FILL, "0.000")
    define(workbook, "CorrelationGap", sheet, f"B{gap_row}")

    settings: list[tuple[str, object, str | None, PatternFill]] = [
        ("Draws", 10_000, "#,##0", INPUT_FILL),
        ("Seed (the same seed gives the same results)", 2017, "0", INPUT_FILL),
        ("Discount schedule", f"=Appraisal!B{SCHEDULE_ROW}", None, OUTPUT_FILL),
        ("Price factor (rebasing)", f"=Appraisal!B{REBASE_ROW}", "0.0000", OUTPUT_FILL),
    ]
    for offset, (label, setting, setting_format, fill) in enumerate(settings):
        sheet.cell(row=MC_SETTINGS + offset, column=1, value=label)
        put(sheet, f"B{MC_SETTINGS + offset}", setting, fill, setting_format)

    common = f"{table},{running},{ramp},{profile}"
    options = f"{numbers},{target},{draws},{seed},{schedule}"
    header_row(
        sheet,
        PERCENTILE_TOP,
        ["Percentile", f"NPV over {YEARS} years: public value (£)", "NPV: fiscal (£)", "NPV: cashable only (£)"],
    )
    first, last = PERCENTILE_TOP + 1, PERCENTILE_TOP + 3
    for i, percentile in enumerate((0.05, 0.5, 0.95)):
        put(sheet, f"A{first + i}", percentile, INPUT_FILL, "0%")
    for col, measure in zip("BCD", cohort.MEASURES, strict=True):
        sheet[f"{col}{first}"] = ArrayFormula(
            f"{col}{first}:{col}{last}",
            f'=CBA_COHORT_MC({common},$A${first}:$A${last},{options},"{measure}",{price})',
        )
        for row in range(first, last + 1):
            sheet[f"{col}{row}"].fill = OUTPUT_FILL
            sheet[f"{col}{row}"].number_format = MONEY
    probability = last + 2
    sheet[f"A{probability}"] = f"Probability of paying back (discounted) within {YEARS} years, all benefits"
    put(sheet, f"B{probability}", f'=CBA_COHORT_MC_PAYBACK({common},{options},"public",{price})', OUTPUT_FILL, PERCENT)
    sheet[f"A{probability + 1}"] = f"Probability of paying back (discounted) within {YEARS} years, cashable only"
    put(sheet, f"B{probability + 1}", f'=CBA_COHORT_MC_PAYBACK({common},{options},"cashable",{price})', OUTPUT_FILL, PERCENT)
    central = probability + 2
    sheet[f"A{central}"] = "NPV at the central values (£)"
    put(sheet, f"B{central}", f'=CBA_COHORT_NPV({common},{schedule},"public",{price})', OUTPUT_FILL, MONEY)
    sheet[f"C{central}"] = "equals the Appraisal sheet's NPV"
    define(workbook, "MedianNPV", sheet, f"B{first + 1}")
    define(workbook, "ProbabilityPayback", sheet, f"B{probability}")
    define(workbook, "CentralNPV", sheet, f"B{central}")

    header_row(
        sheet,
        TORNADO_TOP,
        ["Tornado: input", "Change in NPV at the 5th percentile (£)", "Change in NPV at the 95th percentile (£)",
         "Swing (£)", None, "Input number", "NPV at the 5th percentile (£)", "NPV at the 95th percentile (£)", "Swing (£)"],
    )
    t_first, t_last = TORNADO_TOP + 1, TORNADO_TOP + len(cohort.INPUTS)
    sheet[f"F{t_first}"] = ArrayFormula(
        f"F{t_first}:I{t_last}", f'=CBA_COHORT_TORNADO({common},{schedule},"public",{price})'
    )
    for row in range(t_first, t_last + 1):
        put(sheet, f"A{row}", f"=INDEX($A${MC_FIRST}:$A${MC_LAST},F{row})", OUTPUT_FILL)
        put(sheet, f"B{row}", f"=G{row}-$B${central}", OUTPUT_FILL, MONEY)
        put(sheet, f"C{row}", f"=H{row}-$B${central}", OUTPUT_FILL, MONEY)
        put(sheet, f"D{row}", f"=I{row}", OUTPUT_FILL, MONEY)
        for col in "GHI":
            sheet[f"{col}{row}"].number_format = MONEY
            sheet[f"{col}{row}"].fill = OUTPUT_FILL
        sheet[f"F{row}"].fill = OUTPUT_FILL
    note(
        sheet,
        f"A{t_last + 1}",
        "Each input moved from its 5th to its 95th percentile with the others at their central values; every "
        "input is ranked, largest swing first; fixed inputs swing by nothing and come last.",
    )
    define(workbook, "LargestSwingInput", sheet, f"A{t_first}")

    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 100
    chart.title = "Tornado: change in NPV from the central case"
    chart.x_axis.scaling.orientation = "maxMin"  # largest swing at the top
    chart.y_axis.number_format = "£#,##0"
    chart.height, chart.width = 10, 18
    chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=TORNADO_TOP, max_row=t_last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=t_first, max_row=t_last))
    sheet.add_chart(chart, f"A{t_last + 3}")

    sheet.column_dimensions["A"].width = 58
    for col in "BCDEFGHIJKLMN":
        sheet.column_dimensions[col].width = 16
    sheet.column_dimensions["H"].width = 18
    for row in (MC_HEADER, PERCENTILE_TOP, TORNADO_TOP):
        sheet.row_dimensions[row].height = 45
        for cell in sheet[row]:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    return sheet


def build() -> Workbook:
    workbook = new_workbook(
        "Intervention cost-benefit",
        "The cost-benefit case for preventive children's services: Thurrock's published table "
        "recomputed (edge of care, Pause, domestic violence), a 10-year Green Book cohort appraisal "
        "(children kept out of care for the years they would have stayed) and a Monte Carlo "
        "simulation over every input with a tornado chart. Yellow cells are published figures or "
        "assumptions to replace; orange cells are derived, not published.",
        [
            "Thurrock Director of Public Health annual report 2017: impact and expected savings from investing in prevention",
            "HM Treasury Green Book (2022), Annex A6: discount rates 3.5% (years 0-30), 3.0%, 2.5%, 2.0%, 1.5%, 1.0%",
            "HM Treasury (2014) Supporting public service transformation: cost benefit analysis guidance for local partnerships",
            "Iman and Conover (1982): rank correlation between Monte Carlo inputs; PERT: Malcolm et al. (1959)",
        ],
    )
    _interventions(workbook)
    _appraisal(workbook)
    _monte_carlo(workbook)
    workbook.active = 1
    return workbook


TEMPLATE = Template(
    filename="intervention_cba.xlsx",
    title="Intervention cost-benefit",
    build=build,
    headlines=(
        ("Edge-of-care net savings a year (£)", "EdgeOfCareNetSavings"),
        ("Edge-of-care directly cashable net savings (£)", "EdgeOfCareCashableNet"),
        ("Implied cashable saving per child prevented (£)", "ImpliedCashableSaving"),
        ("10-year NPV, all benefits (£)", "AppraisalNPV"),
        ("10-year NPV, cashable only (£)", "AppraisalCashableNPV"),
        ("Benefit-cost ratio, all benefits", "AppraisalBCR"),
        ("Payback, discounted, from the start of year 0 (years)", "AppraisalPayback"),
        ("Payback, cash, from the start of year 0 (years)", "AppraisalCashPayback"),
        ("Average stay avoided per child (years)", "MeanStayAvoided"),
        ("Median NPV, Monte Carlo (£)", "MedianNPV"),
        ("Probability of paying back within 10 years", "ProbabilityPayback"),
    ),
)
