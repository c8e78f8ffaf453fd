"""Template ``intervention_cba.xlsx``: the cost-benefit case for a preventive intervention.

Four sheets after About:

* **Interventions**: seed 003 (Thurrock DPH report 2017) "Impact and expected savings from
  investing in prevention". The edge-of-care row is recomputed from its published inputs with
  ``NET_SAVINGS`` and its companions, beside the published figures. The Pause and domestic
  violence rows carry only what was published (reach, impact, net savings) and what those
  figures alone support (net saving per outcome prevented), marked as derived: their costs and
  savings per case were not published and are not invented here.
* **Appraisal**: a 10-year Green Book appraisal of the edge-of-care service, with optimism
  bias, deadweight, attribution, displacement, ramp-up, drop-off and price rebasing; fiscal
  benefits split cashable / non-cashable beside economic and social value. Assumptions that
  are not published are labelled as illustrative, for a council to replace.
* **Monte Carlo**: percentiles of the NPV and of one year's net savings over ranges of the four
  inputs, the probability of payback, and a tornado table and chart.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

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


def _cell(sheet: Worksheet, ref: str, value, fill=None, fmt=None, bold=False):
    cell = sheet[ref]
    cell.value = value
    if fill is not None:
        cell.fill = fill
    if fmt is not None:
        cell.number_format = fmt
    if bold:
        cell.font = Font(bold=True)
    return cell


def _title(sheet: Worksheet, text: str) -> None:
    sheet["A1"] = text
    sheet["A1"].font = Font(bold=True, size=13)


def _interventions(workbook: Workbook) -> Worksheet:
    sheet = workbook.create_sheet("Interventions")
    _title(sheet, "Impact and expected savings from investing in prevention (Thurrock, 2017)")
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
            _cell(sheet, f"B{row}", published, INPUT_FILL, fmt)
        if formula is not None:
            derived = published is None
            _cell(sheet, f"C{row}", formula, DERIVED_FILL if derived else OUTPUT_FILL, fmt)
            if not derived:
                _cell(sheet, f"D{row}", f"=C{row}-B{row}", None, MONEY_2DP)
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
        _cell(sheet, f"B{row}", reach, INPUT_FILL, "#,##0")
        sheet.cell(row=row, column=3, value=reach_unit)
        _cell(sheet, f"D{row}", low, INPUT_FILL, "#,##0")
        _cell(sheet, f"E{row}", high, INPUT_FILL, "#,##0")
        sheet.cell(row=row, column=6, value=what)
        _cell(sheet, f"G{row}", net_low, INPUT_FILL, MONEY)
        _cell(sheet, f"H{row}", net_high, INPUT_FILL, MONEY)
        _cell(sheet, f"I{row}", f"=G{row}/D{row}", DERIVED_FILL, MONEY_2DP)
        _cell(sheet, f"J{row}", f"=H{row}/E{row}", DERIVED_FILL, MONEY_2DP)
        _cell(sheet, f"K{row}", f"=G{row}/B{row}", DERIVED_FILL, MONEY_2DP)
        _cell(sheet, f"L{row}", f"=H{row}/B{row}", DERIVED_FILL, MONEY_2DP)
        sheet.cell(row=row, column=13, value=text)
    pause = first
    sheet[f"A{first + 4}"] = "Pause: cost implied by a straight line through the low and high ends (£)"
    _cell(
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
    _title(sheet, "Edge-of-care service: 10-year appraisal, HM Treasury Green Book discounting")
    note(
        sheet,
        "A2",
        "Year 0 is now and is not discounted. Values in base-year prices. Fiscal benefits are split "
        "cashable / non-cashable beside economic and social value (HM Treasury local-partnership CBA guidance, 2014).",
    )
    header_row(sheet, 3, ["Assumption", "Value", "Status"])
    assumptions = [
        (4, "Annual service cost (£)", "=Interventions!C7", MONEY, OUTPUT_FILL, "computed from published reach and cost per family"),
        (5, "Children prevented from care a year", "=Interventions!B8", "#,##0.0", OUTPUT_FILL, PUBLISHED),
        (6, "Cashable saving per child prevented (£)", "=Interventions!C13", MONEY_2DP, DERIVED_FILL, "IMPLIED by the published cashable net savings"),
        (7, "Non-cashable fiscal saving per child prevented (£)", "=Interventions!C14", MONEY_2DP, DERIVED_FILL, "derived: saving per child - cashable part"),
        (8, "Economic value per child prevented (£)", 0, MONEY, INPUT_FILL, "not published: enter if known"),
        (9, "Social value per child prevented (£)", 0, MONEY, INPUT_FILL, "not published: enter if known"),
        (10, "Optimism bias uplift on costs", 0.10, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        (11, "Deadweight (would have happened anyway)", 0.20, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        (12, "Attribution (owed to other services)", 0.10, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        (13, "Displacement (moved, not avoided)", 0.0, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        (14, "Drop-off of the effect a year", 0.05, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        (15, "Discount schedule", "standard", None, INPUT_FILL, '"standard" (3.5% to year 30), "health" (1.5%) or a constant rate'),
        (16, "Price year of the inputs", 2017, "0", INPUT_FILL, "Thurrock report prices"),
        (17, "Base year of the appraisal", 2017, "0", INPUT_FILL, "restate all values in this year's prices"),
        (18, "Rebase factor (base-year prices / price-year prices)", "=CBA_REBASE(1,B16,B17,N5:N14,O5:O14)", "0.0000", OUTPUT_FILL, "from the deflator index (columns N:O)"),
    ]
    for row, label, value, fmt, fill, status in assumptions:
        sheet.cell(row=row, column=1, value=label)
        _cell(sheet, f"B{row}", value, fill, fmt)
        sheet.cell(row=row, column=3, value=status)

    # Deflator index beside the assumptions.
    header_row(sheet, 4, ["Year", "Deflator index"], column=14)
    for i, year in enumerate(DEFLATOR_YEARS):
        row = 5 + i
        _cell(sheet, f"N{row}", year, INPUT_FILL, "0")
        _cell(sheet, f"O{row}", round(100 * 1.02 ** (year - DEFLATOR_YEARS[0]), 2), INPUT_FILL, "0.00")
    note(sheet, "N15", "ILLUSTRATIVE index (2% a year): paste HM Treasury's GDP deflator series.")

    cols = _year_cols()
    first, last = cols[0], cols[-1]
    header_row(sheet, 20, ["Year"] + [None] * YEARS)
    for t, col in enumerate(cols):
        _cell(sheet, f"{col}20", t, None, "0")
        sheet[f"{col}20"].font = Font(bold=True, color="FFFFFF")
    labels = {
        21: "Service running (1 = yes)",
        22: "Ramp-up: share of the full effect reached",
        23: "Effect after drop-off",
        24: "Children prevented from care",
        25: "Costs with optimism bias (£)",
        26: "Fiscal benefits, cashable (£)",
        27: "Fiscal benefits, non-cashable (£)",
        28: "Fiscal benefits, total (£)",
        29: "Economic value (£)",
        30: "Social value (£)",
        31: "All benefits: public value (£)",
        32: "Net benefit (£)",
        33: "Green Book discount factor",
        34: "Discounted net benefit (£)",
        35: "Cumulative discounted net benefit (£)",
        36: "Discounted cashable net benefit (£)",
        37: "Cumulative discounted cashable net benefit (£)",
        39: "Cost profile for the Monte Carlo (x a year's cost)",
        40: "Benefit profile for the Monte Carlo (x a year's gross saving)",
    }
    for row, label in labels.items():
        sheet.cell(row=row, column=1, value=label)
    ramp = [0.25, 0.75] + [1.0] * (YEARS - 2)
    adjust = "$B$11,$B$12,$B$13"
    for t, col in enumerate(cols):
        _cell(sheet, f"{col}21", 1, INPUT_FILL, "0")
        _cell(sheet, f"{col}22", ramp[t], INPUT_FILL, "0%")
        _cell(sheet, f"{col}23", f"=CBA_DROP_OFF({col}22,$B$14,{col}20)", OUTPUT_FILL, "0.000")
        _cell(sheet, f"{col}24", f"=$B$5*{col}23", OUTPUT_FILL, "0.0")
        _cell(sheet, f"{col}25", f"=CBA_OPTIMISM_BIAS($B$4*{col}21,$B$10)*$B$18", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}26", f"=CBA_NET_OUTCOME({col}24*$B$6,{adjust})*$B$18", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}27", f"=CBA_NET_OUTCOME({col}24*$B$7,{adjust})*$B$18", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}28", f"={col}26+{col}27", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}29", f"=CBA_NET_OUTCOME({col}24*$B$8,{adjust})*$B$18", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}30", f"=CBA_NET_OUTCOME({col}24*$B$9,{adjust})*$B$18", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}31", f"={col}28+{col}29+{col}30", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}32", f"={col}31-{col}25", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}33", f"=CBA_DISCOUNT_FACTOR({col}20,$B$15)", OUTPUT_FILL, "0.0000")
        _cell(sheet, f"{col}34", f"={col}32*{col}33", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}35", f"=SUM(${first}$34:{col}34)", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}36", f"=({col}26-{col}25)*{col}33", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}37", f"=SUM(${first}$36:{col}36)", OUTPUT_FILL, MONEY)
        _cell(sheet, f"{col}39", f"={col}25/$B$4", DERIVED_FILL, "0.0000")
        _cell(sheet, f"{col}40", f"={col}31/($B$5*Interventions!$C$11)", DERIVED_FILL, "0.0000")
    note(
        sheet,
        "A38",
        "Effect after drop-off = ramp-up x (1 - drop-off) ^ year. Benefits = children prevented x "
        "value per child, less deadweight, attribution and displacement, in base-year prices.",
    )

    costs = f"{first}25:{last}25"
    cashable = f"{first}26:{last}26"
    fiscal = f"{first}28:{last}28"
    public = f"{first}31:{last}31"
    header_row(sheet, 42, ["Result", "Value", "How"])
    results = [
        (43, "Present value of costs (£)", f"=CBA_PV({costs},$B$15)", MONEY, "CBA_PV"),
        (44, "Present value of cashable fiscal benefits (£)", f"=CBA_PV({cashable},$B$15)", MONEY, "CBA_PV"),
        (45, "Present value of all fiscal benefits (£)", f"=CBA_PV({fiscal},$B$15)", MONEY, "CBA_PV"),
        (46, "Present value of all benefits (£)", f"=CBA_PV({public},$B$15)", MONEY, "CBA_PV"),
        (47, "Net present value: public value (£)", f"=CBA_NPV({costs},{public},$B$15)", MONEY, "CBA_NPV"),
        (48, "Net present value: fiscal (£)", f"=CBA_NPV({costs},{fiscal},$B$15)", MONEY, "CBA_NPV"),
        (49, "Net present value: cashable only (£)", f"=CBA_NPV({costs},{cashable},$B$15)", MONEY, "CBA_NPV"),
        (50, "Benefit-cost ratio: public value", f"=CBA_BCR({costs},{public},$B$15)", "0.00", "CBA_BCR"),
        (51, "Benefit-cost ratio: fiscal", f"=CBA_BCR({costs},{fiscal},$B$15)", "0.00", "CBA_BCR"),
        (52, "Benefit-cost ratio: cashable", f"=CBA_BCR({costs},{cashable},$B$15)", "0.00", "CBA_BCR"),
        (53, "Payback period, all benefits (years)", f"=CBA_PAYBACK({costs},{public},$B$15)", "0.00", f"CBA_PAYBACK: when the cumulative discounted net benefit turns positive (#N/A if not within {YEARS} years)"),
        (54, "Payback period, cashable only (years)", f"=CBA_PAYBACK({costs},{cashable},$B$15)", "0.00", "CBA_PAYBACK, cashable benefits only"),
        (56, "NPV with Excel's convention at 3.5% (first year discounted)", f"=CBA_NPV({costs},{public},0.035,1)", MONEY, "CBA_NPV with first_year 1"),
        (57, "The same by Excel's own NPV", f"=NPV(0.035,{first}32:{last}32)", MONEY, "Excel NPV(rate, net benefits): discounts year 0 too"),
    ]
    for row, label, formula, fmt, how in results:
        sheet.cell(row=row, column=1, value=label)
        _cell(sheet, f"B{row}", formula, OUTPUT_FILL, fmt)
        sheet.cell(row=row, column=3, value=how)
    define(workbook, "AppraisalNPV", sheet, "B47")
    define(workbook, "AppraisalCashableNPV", sheet, "B49")
    define(workbook, "AppraisalBCR", sheet, "B50")
    define(workbook, "AppraisalPayback", sheet, "B53")

    chart = LineChart()
    chart.title = "Cumulative discounted net benefit"
    chart.y_axis.title = "£ (base-year prices, discounted)"
    chart.x_axis.title = "Year"
    chart.height, chart.width = 8, 18
    for row in (35, 37):
        data = Reference(sheet, min_col=1, max_col=FIRST_COL + YEARS - 1, min_row=row, max_row=row)
        chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=FIRST_COL, max_col=FIRST_COL + YEARS - 1, min_row=20))
    chart.y_axis.number_format = "£#,##0"
    sheet.add_chart(chart, "E42")

    sheet.column_dimensions["A"].width = 52
    for col in cols:
        sheet.column_dimensions[col].width = 13
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["N"].width = 10
    sheet.column_dimensions["O"].width = 14
    sheet.freeze_panes = "B21"
    return sheet


def _monte_carlo(workbook: Workbook) -> Worksheet:
    sheet = workbook.create_sheet("Monte Carlo")
    _title(sheet, "How sure are we? Monte Carlo simulation and one-way sensitivity")
    note(
        sheet,
        "A2",
        "Most likely values are the published ones; low and high are ILLUSTRATIVE ranges, not "
        "published: replace them. Two cells (low, high) give a uniform range, three a triangular one.",
    )
    header_row(sheet, 3, ["Input", "Low", "Most likely", "High", "Status"])
    inputs = [
        (4, "Eligible families (reach)", 110, "=Interventions!B5", 150, "#,##0.0"),
        (5, "Cost per family (£)", 2000, "=Interventions!B6", 2800, MONEY),
        (6, "Children prevented from care", 10, "=Interventions!B8", 30, "#,##0.0"),
        (7, "Saving per child prevented (£)", 50_000, "=Interventions!C11", 85_000, MONEY),
    ]
    for row, label, low, mode, high, fmt in inputs:
        sheet.cell(row=row, column=1, value=label)
        _cell(sheet, f"B{row}", low, INPUT_FILL, fmt)
        _cell(sheet, f"C{row}", mode, OUTPUT_FILL, fmt)
        _cell(sheet, f"D{row}", high, INPUT_FILL, fmt)
        sheet.cell(row=row, column=5, value=f"most likely {PUBLISHED}; low and high illustrative")
    sheet["A9"] = "Draws"
    _cell(sheet, "B9", 10_000, INPUT_FILL, "#,##0")
    sheet["A10"] = "Seed (the same seed gives the same results)"
    _cell(sheet, "B10", 2017, INPUT_FILL, "0")
    sheet["A11"] = "Discount schedule"
    _cell(sheet, "B11", "=Appraisal!B15", OUTPUT_FILL)

    cols = _year_cols()
    cost_profile = f"Appraisal!{cols[0]}39:{cols[-1]}39"
    benefit_profile = f"Appraisal!{cols[0]}40:{cols[-1]}40"
    ranges = "B4:D4,B5:D5,B6:D6,B7:D7"
    header_row(sheet, 13, ["Percentile", f"NPV over {YEARS} years (£)", "Net savings, one year (£)"])
    for i, k in enumerate((0.05, 0.5, 0.95)):
        _cell(sheet, f"A{14 + i}", k, INPUT_FILL, "0%")
    sheet["B14"] = ArrayFormula(
        "B14:B16",
        f"=CBA_MC_NPV({ranges},{cost_profile},{benefit_profile},A14:A16,B9,B10,B11)",
    )
    sheet["C14"] = ArrayFormula("C14:C16", f"=CBA_MC_NET_SAVINGS({ranges},A14:A16,B9,B10)")
    for row in (14, 15, 16):
        for col in "BC":
            sheet[f"{col}{row}"].fill = OUTPUT_FILL
            sheet[f"{col}{row}"].number_format = MONEY
    sheet["A18"] = f"Probability of paying back within {YEARS} years"
    _cell(
        sheet,
        "B18",
        f"=CBA_MC_PAYBACK({ranges},{cost_profile},{benefit_profile},B9,B10,B11)",
        OUTPUT_FILL,
        PERCENT,
    )
    sheet["A19"] = "NPV at the most likely values (£)"
    _cell(
        sheet,
        "B19",
        f"=C6*C7*CBA_PV({benefit_profile},B11)-C4*C5*CBA_PV({cost_profile},B11)",
        OUTPUT_FILL,
        MONEY,
    )
    sheet["C19"] = "equals the Appraisal sheet's NPV"
    define(workbook, "MedianNPV", sheet, "B15")
    define(workbook, "ProbabilityPayback", sheet, "B18")

    header_row(
        sheet,
        21,
        ["Tornado: input", "Change in NPV at low (£)", "Change in NPV at high (£)", "Swing (£)",
         None, "Input number", "NPV at low (£)", "NPV at high (£)", "Swing (£)"],
    )
    sheet["F22"] = ArrayFormula(
        "F22:I25",
        f"=CBA_TORNADO({ranges},{cost_profile},{benefit_profile},B11)",
    )
    for row in range(22, 26):
        _cell(
            sheet,
            f"A{row}",
            f'=CHOOSE(F{row},"Eligible families","Cost per family","Children prevented","Saving per child")',
            OUTPUT_FILL,
        )
        _cell(sheet, f"B{row}", f"=G{row}-$B$19", OUTPUT_FILL, MONEY)
        _cell(sheet, f"C{row}", f"=H{row}-$B$19", OUTPUT_FILL, MONEY)
        _cell(sheet, f"D{row}", f"=I{row}", OUTPUT_FILL, MONEY)
        for col in "GHI":
            sheet[f"{col}{row}"].number_format = MONEY
            sheet[f"{col}{row}"].fill = OUTPUT_FILL
        sheet[f"F{row}"].fill = OUTPUT_FILL
    note(sheet, "A26", "Each input moved from its low to its high with the others at their most likely values; largest swing first.")
    define(workbook, "LargestSwingInput", sheet, "A22")

    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 100
    chart.title = "Tornado: change in NPV from the most likely case"
    chart.x_axis.scaling.orientation = "maxMin"  # largest swing at the top
    chart.y_axis.number_format = "£#,##0"
    chart.height, chart.width = 8, 18
    chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=21, max_row=25), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=22, max_row=25))
    sheet.add_chart(chart, "A28")

    sheet.column_dimensions["A"].width = 44
    for col in "BCDFGHI":
        sheet.column_dimensions[col].width = 18
    sheet.column_dimensions["E"].width = 60
    sheet.row_dimensions[21].height = 30
    for row in (13, 21):
        for cell in sheet[row]:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    return sheet


def build() -> Workbook:
    workbook = new_workbook(
        "Intervention cost-benefit",
        "The cost-benefit case for preventive children's services: Thurrock's published table "
        "recomputed (edge of care, Pause, domestic violence), a 10-year Green Book appraisal and "
        "a Monte Carlo simulation with a tornado chart. Yellow cells are published figures or "
        "assumptions to replace; orange cells are derived, not published.",
        [
            "Thurrock Director of Public Health annual report 2017: impact and expected savings from investing in prevention",
            "HM Treasury Green Book (2022), Annex A6: discount rates 3.5% (years 0-30), 3.0%, 2.5%, 2.0%, 1.5%, 1.0%",
            "HM Treasury (2014) Supporting public service transformation: cost benefit analysis guidance for local partnerships",
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
        ("Payback period (years)", "AppraisalPayback"),
        ("Median NPV, Monte Carlo (£)", "MedianNPV"),
        ("Probability of paying back within 10 years", "ProbabilityPayback"),
    ),
)
