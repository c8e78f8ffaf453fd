"""Template ``needs_led_costing.xlsx``: children's needs against the cost of their care, and the
case for stepping children down to the placements their needs call for (Valuing Care, seed 001).

Three sheets after About:

* **Cohort (synthetic)**: an aggregated, SYNTHETIC profile of children in care: how many
  children at each need level (0 none ... 5 complex) are in each placement type, the average
  weekly cost of each cell, the weekly cost of a placement of each type and the placement each
  need level calls for. Aggregated counts only, each 0 or at least 6: never child-level data.
* **Needs and cost**: the correlation of need and weekly cost, the share of each placement
  type's children without severe or complex needs, the average weekly cost now against the
  needs-matched placement's, and a chart of need against cost by placement type.
* **Step-down**: children in residential care without severe or complex needs stepped down
  over ten years with a ramp and optimism bias, each cohort saving the difference for the rest
  of its time in care less placements that break down (the cohort appraisal of
  :mod:`xlfuncs.methods.cohort`), costed and discounted as the Green Book asks.

Seed 001 publishes findings, not figures a council could reuse: every number here is synthetic
or illustrative, and says so.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from xlfuncs.templates import Template
from xlfuncs.templates._layout import (
    INPUT_FILL,
    MONEY,
    OUTPUT_FILL,
    PERCENT,
    define,
    header_row,
    new_workbook,
    note,
    put,
    sheet_title,
)

SYNTHETIC = "SYNTHETIC: made up to show the method, not a real council"
ILLUSTRATIVE = "ILLUSTRATIVE assumption, not published: replace with your own"
SEED = "Valuing Care (seed 001)"

#: The template's need scale, in the words of seed 001.
LEVELS = (
    (0, "No identified need"),
    (1, "Low"),
    (2, "Medium"),
    (3, "High"),
    (4, "Severe"),
    (5, "Complex"),
)
SEVERE_FROM = 4
#: Placement types (columns) and the SYNTHETIC weekly cost of a placement of each type.
TYPES = (
    ("In-house fostering", 450),
    ("Independent fostering agency", 920),
    ("Kinship and connected carers", 280),
    ("Residential (children's home)", 4500),
    ("Supported accommodation", 1200),
)
RESIDENTIAL = 4  # the type children step down from
#: SYNTHETIC children at each need level (rows) in each placement type (columns): each cell 0
#: or at least 6, so no count could point at a child.
CHILDREN = (
    (10, 6, 12, 0, 0),
    (18, 14, 16, 10, 6),
    (24, 22, 14, 14, 8),
    (26, 30, 8, 16, 10),
    (36, 40, 8, 22, 12),
    (24, 28, 6, 22, 8),
)
#: SYNTHETIC average weekly cost (£) of each cell's children: set by the placement market more
#: than by need, as seed 001 found ("very limited correlation"); blank where there are none.
WEEKLY_COSTS = (
    (470, 950, 300, None, None),
    (430, 900, 260, 4800, 1300),
    (480, 980, 320, 4300, 1150),
    (450, 920, 280, 5200, 1250),
    (500, 1000, 290, 4500, 1200),
    (440, 940, 270, 4700, 1350),
)
#: ILLUSTRATIVE practice judgement: the placement type (code) each need level calls for.
MATCHED = (1, 1, 1, 2, 2, 4)
YEARS = 10
RAMP = (0.0, 0.15, 0.30, 0.45, 0.50, 0.50, 0.50, 0.50, 0.50, 0.50)
ONE_OFF = (200_000, 0, 0, 0, 0, 0, 0, 0, 0, 0)  # setting up: recruiting and training carers
REMAINING_STAY = (0.35, 0.30, 0.20, 0.10, 0.05, 0, 0, 0, 0, 0)

# Cohort sheet layout.
COUNT_HEADER = 5
COUNT_FIRST = COUNT_HEADER + 1
COUNT_LAST = COUNT_FIRST + len(LEVELS) - 1
COST_HEADER = COUNT_LAST + 4
COST_FIRST = COST_HEADER + 1
COST_LAST = COST_FIRST + len(LEVELS) - 1
PRICE_ROW = COST_LAST + 3
CODE_ROW = PRICE_ROW + 1
TYPE_COLUMNS = [get_column_letter(3 + j) for j in range(len(TYPES))]  # C..G
ALL_COLUMN = get_column_letter(3 + len(TYPES))  # H
MATCH_COLUMN = get_column_letter(4 + len(TYPES))  # I


def _ref(column: str, first: int, last: int | None = None, sheet: str = "Cohort (synthetic)") -> str:
    end = f":${column}${last}" if last is not None else ""
    return f"'{sheet}'!${column}${first}{end}"


LEVEL_RANGE = _ref("A", COUNT_FIRST, COUNT_LAST)
CHILDREN_RANGE = f"'Cohort (synthetic)'!$C${COUNT_FIRST}:${TYPE_COLUMNS[-1]}${COUNT_LAST}"
COSTS_RANGE = f"'Cohort (synthetic)'!$C${COST_FIRST}:${TYPE_COLUMNS[-1]}${COST_LAST}"
PRICES_RANGE = f"'Cohort (synthetic)'!$C${PRICE_ROW}:${TYPE_COLUMNS[-1]}${PRICE_ROW}"
MATCHED_RANGE = _ref(MATCH_COLUMN, COUNT_FIRST, COUNT_LAST)


def _cohort(workbook: Workbook) -> Worksheet:
    sheet = workbook.create_sheet("Cohort (synthetic)")
    sheet_title(sheet, "SYNTHETIC aggregated cohort: children in care by need level and placement type")
    note(
        sheet,
        "A2",
        "SYNTHETIC: every number on this sheet is made up to show the method; it describes no real "
        "council and no real child. Aggregated counts only, never child-level: each cell is 0 or at least 6.",
    )
    note(
        sheet,
        "A3",
        "Need levels are this template's six-level scale, in the words of seed 001 (high, severe, complex); "
        "Valuing Care's own scale is not published there. Paste your council's aggregated profile.",
    )
    types = [name for name, _ in TYPES]
    header_row(
        sheet,
        COUNT_HEADER,
        ["Need level", "Level name", *types, "All placement types",
         "Placement type code its needs call for (ILLUSTRATIVE)", "Placement its needs call for"],
    )
    sheet[f"A{COUNT_HEADER - 1}"] = "Children (SYNTHETIC)"
    sheet[f"A{COUNT_HEADER - 1}"].font = Font(bold=True)
    last_type = TYPE_COLUMNS[-1]
    for i, ((level, name), counts) in enumerate(zip(LEVELS, CHILDREN, strict=True)):
        row = COUNT_FIRST + i
        put(sheet, f"A{row}", level, INPUT_FILL, "0")
        sheet.cell(row=row, column=2, value=name)
        for col, count in zip(TYPE_COLUMNS, counts, strict=True):
            put(sheet, f"{col}{row}", count, INPUT_FILL, "#,##0")
        put(sheet, f"{ALL_COLUMN}{row}", f"=SUM(C{row}:{last_type}{row})", OUTPUT_FILL, "#,##0")
        put(sheet, f"{MATCH_COLUMN}{row}", MATCHED[i], INPUT_FILL, "0")
        put(
            sheet,
            f"{get_column_letter(5 + len(TYPES))}{row}",
            f"=INDEX($C${COUNT_HEADER}:${last_type}${COUNT_HEADER},{MATCH_COLUMN}{row})",
            OUTPUT_FILL,
        )
    total = COUNT_LAST + 1
    sheet.cell(row=total, column=1, value="All need levels")
    for col in [*TYPE_COLUMNS, ALL_COLUMN]:
        put(sheet, f"{col}{total}", f"=SUM({col}{COUNT_FIRST}:{col}{COUNT_LAST})", OUTPUT_FILL, "#,##0", bold=True)
    define(workbook, "ChildrenInProfile", sheet, f"{ALL_COLUMN}{total}")

    sheet[f"A{COST_HEADER - 1}"] = "Average weekly cost of the children of each cell (£, SYNTHETIC)"
    sheet[f"A{COST_HEADER - 1}"].font = Font(bold=True)
    header_row(sheet, COST_HEADER, ["Need level", "Level name", *types])
    for i, ((_level, name), costs) in enumerate(zip(LEVELS, WEEKLY_COSTS, strict=True)):
        row = COST_FIRST + i
        put(sheet, f"A{row}", f"=A{COUNT_FIRST + i}", OUTPUT_FILL, "0")
        sheet.cell(row=row, column=2, value=name)
        for col, cost in zip(TYPE_COLUMNS, costs, strict=True):
            cell = put(sheet, f"{col}{row}", cost, INPUT_FILL, MONEY)
            if cost is None:
                cell.value = None
    note(sheet, f"A{COST_LAST + 1}", "Blank where a cell has no children. Costs are set by the market more than by need (seed 001).")

    sheet.cell(row=PRICE_ROW, column=1, value="Weekly cost of a placement of this type (£, SYNTHETIC)")
    sheet.cell(row=CODE_ROW, column=1, value="Placement type code")
    for j, (col, (_, price)) in enumerate(zip(TYPE_COLUMNS, TYPES, strict=True)):
        put(sheet, f"{col}{PRICE_ROW}", price, INPUT_FILL, MONEY)
        put(sheet, f"{col}{CODE_ROW}", j + 1, None, "0")
    note(
        sheet,
        f"A{CODE_ROW + 1}",
        "Which placement a need level calls for is a practice judgement (column I): ILLUSTRATIVE here. The "
        "weekly costs are SYNTHETIC; they are not the published reference points of any council.",
    )

    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 20
    for col in [*TYPE_COLUMNS, ALL_COLUMN]:
        sheet.column_dimensions[col].width = 16
    sheet.column_dimensions[MATCH_COLUMN].width = 24
    sheet.column_dimensions[get_column_letter(5 + len(TYPES))].width = 30
    for row in (COUNT_HEADER, COST_HEADER):
        sheet.row_dimensions[row].height = 45
    return sheet


ANALYSIS_HEADER = 4
CHILDREN_ROW = 5
SHARE_ROW = 6
AVERAGE_ROW = 7
MATCHED_ROW = 8
SAVING_ROW = 9
CANDIDATE_COST_ROW = 10
CANDIDATE_MATCHED_ROW = 11
CORREL_ROW = 13
SEVERE_ROW = 16


def _analysis(workbook: Workbook) -> Worksheet:
    sheet = workbook.create_sheet("Needs and cost")
    sheet_title(sheet, "Needs against the cost of care, by placement type")
    note(
        sheet,
        "A2",
        "From the SYNTHETIC cohort: what the children cost a week now, what the placements their needs call "
        f"for would cost, and how far need and cost go together ({SEED}).",
    )
    columns = [get_column_letter(2 + j) for j in range(len(TYPES) + 1)]  # B..G: types, then all
    header_row(sheet, ANALYSIS_HEADER, ["Measure", *[name for name, _ in TYPES], "All placement types"])
    severe = f"$B${SEVERE_ROW}"
    rows = {
        CHILDREN_ROW: ("Children", None, "#,##0"),
        SHARE_ROW: (
            "Share without severe or complex needs",
            f"=NEEDS_SHARE_NOT_SEVERE({LEVEL_RANGE},{CHILDREN_RANGE},{severe})",
            PERCENT,
        ),
        AVERAGE_ROW: (
            "Average weekly cost now (£)",
            f"=NEEDS_AVERAGE_COST({LEVEL_RANGE},{CHILDREN_RANGE},{COSTS_RANGE})",
            MONEY,
        ),
        MATCHED_ROW: (
            "Average weekly cost of the needs-matched placement (£)",
            f"=NEEDS_MATCHED_COST({LEVEL_RANGE},{CHILDREN_RANGE},{PRICES_RANGE},{MATCHED_RANGE})",
            MONEY,
        ),
        SAVING_ROW: ("Difference a child a week: now - needs-matched (£)", None, MONEY),
        CANDIDATE_COST_ROW: (
            "Children without severe or complex needs: average weekly cost now (£)",
            f"=NEEDS_AVERAGE_COST({LEVEL_RANGE},{CHILDREN_RANGE},{COSTS_RANGE},{severe})",
            MONEY,
        ),
        CANDIDATE_MATCHED_ROW: (
            "Children without severe or complex needs: their needs-matched placement (£ a week)",
            f"=NEEDS_MATCHED_COST({LEVEL_RANGE},{CHILDREN_RANGE},{PRICES_RANGE},{MATCHED_RANGE},{severe})",
            MONEY,
        ),
    }
    first, last = columns[0], columns[-1]
    for row, (label, formula, fmt) in rows.items():
        sheet.cell(row=row, column=1, value=label)
        if formula is not None:
            sheet[f"{first}{row}"] = ArrayFormula(f"{first}{row}:{last}{row}", formula)
        for j, col in enumerate(columns):
            cell = sheet[f"{col}{row}"]
            if row == CHILDREN_ROW:
                source = TYPE_COLUMNS[j] if j < len(TYPES) else ALL_COLUMN
                cell.value = f"='Cohort (synthetic)'!{source}{COUNT_LAST + 1}"
            elif row == SAVING_ROW:
                cell.value = f"={col}{AVERAGE_ROW}-{col}{MATCHED_ROW}"
            cell.fill = OUTPUT_FILL
            cell.number_format = fmt
    header_row(sheet, CORREL_ROW - 1, ["Need and cost", "Value", "How"])
    correlations = (
        (CORREL_ROW, "Correlation of need level and weekly cost: Spearman (rank)", "spearman"),
        (CORREL_ROW + 1, "Correlation of need level and weekly cost: Pearson", "pearson"),
    )
    for row, label, method in correlations:
        sheet.cell(row=row, column=1, value=label)
        put(sheet, f"B{row}", f'=NEEDS_COST_CORREL({LEVEL_RANGE},{CHILDREN_RANGE},{COSTS_RANGE},5,"{method}")', OUTPUT_FILL, "0.00")
        sheet.cell(row=row, column=3, value="each child taken at their cell's need level and average cost")
    sheet.cell(row=CORREL_ROW + 2, column=1, value="Share of all children without severe or complex needs")
    put(sheet, f"B{CORREL_ROW + 2}", f"={last}{SHARE_ROW}", OUTPUT_FILL, PERCENT)
    sheet.cell(row=CORREL_ROW + 2, column=3, value='seed 001: "half of children ... did not have severe or complex needs"')
    sheet.cell(row=SEVERE_ROW, column=1, value="Severe or complex: from need level")
    put(sheet, f"B{SEVERE_ROW}", SEVERE_FROM, INPUT_FILL, "0")
    sheet.cell(row=SEVERE_ROW, column=3, value="4 = severe on this template's 0-5 scale")
    note(
        sheet,
        f"A{SEVERE_ROW + 1}",
        'Seed 001 found "very limited correlation between the needs of children and young people, the costs '
        'of their care and the type of care they receive": sufficiency and the market drive cost more than need.',
    )
    define(workbook, "NeedCostCorrelation", sheet, f"B{CORREL_ROW}")
    define(workbook, "ShareNotSevere", sheet, f"B{CORREL_ROW + 2}")
    define(workbook, "SevereFrom", sheet, f"B{SEVERE_ROW}")

    chart = ScatterChart()
    chart.title = "Need against weekly cost by placement type (SYNTHETIC)"
    chart.style = 13
    chart.x_axis.title = "Need level (0 none ... 5 complex)"
    chart.y_axis.title = "Average weekly cost (£)"
    chart.y_axis.number_format = "£#,##0"
    chart.x_axis.scaling.min = 0
    chart.x_axis.scaling.max = 5
    chart.height, chart.width = 10, 20
    cohort_sheet = workbook["Cohort (synthetic)"]
    levels = Reference(cohort_sheet, min_col=1, min_row=COST_FIRST, max_row=COST_LAST)
    for j in range(len(TYPES)):
        values = Reference(cohort_sheet, min_col=3 + j, min_row=COST_HEADER, max_row=COST_LAST)
        series = Series(values, levels, title_from_data=True)
        series.marker.symbol = "circle"
        series.marker.size = 8
        series.graphicalProperties.line.noFill = True
        chart.series.append(series)
    chart.display_blanks = "gap"
    chart.legend.position = "b"
    sheet.add_chart(chart, f"A{SEVERE_ROW + 3}")

    sheet.column_dimensions["A"].width = 62
    for col in columns:
        sheet.column_dimensions[col].width = 18
    sheet.row_dimensions[ANALYSIS_HEADER].height = 45
    for cell in sheet[ANALYSIS_HEADER]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    return sheet


# Step-down sheet layout.
STEP_INPUTS = 5
YEAR_ROW = 19
STEP_COLS = [get_column_letter(2 + t) for t in range(YEARS)]  # B..K
STEP_RESULTS = YEAR_ROW + 17


def _row(row: int) -> str:
    return f"{STEP_COLS[0]}{row}:{STEP_COLS[-1]}{row}"


def _step_down(workbook: Workbook) -> Worksheet:
    sheet = workbook.create_sheet("Step-down")
    sheet_title(sheet, "Stepping children down to the placements their needs call for: a cohort appraisal")
    note(
        sheet,
        "A2",
        "Each year's children stepped down save the difference in weekly cost for the rest of their time in "
        "care, less placements that break down (CBA_COHORT_CARE_YEARS); costs raised for optimism bias, the "
        "step-downs reduced for it; Green Book discounting, year 0 undiscounted.",
    )
    header_row(sheet, STEP_INPUTS - 1, ["Assumption", "Value", "Status"])
    analysis = "'Needs and cost'"
    types = f"{analysis}!$B${{row}}:${get_column_letter(1 + len(TYPES))}${{row}}"
    step_from = f"$B${STEP_INPUTS}"
    inputs: list[tuple[str, str, object, str, PatternFill, str]] = [
        ("StepDownFrom", "Placement type code the children step down from", RESIDENTIAL, "0", INPUT_FILL,
         "4 = residential (children's home), the Cohort sheet's codes"),
        ("StepDownCandidates", "Candidates: its children without severe or complex needs",
         f"=INDEX({types.format(row=SHARE_ROW)},{step_from})*INDEX({types.format(row=CHILDREN_ROW)},{step_from})",
         "#,##0.0", OUTPUT_FILL, "share without severe or complex needs x children (Needs and cost sheet)"),
        ("StepDownCostNow", "Their average weekly cost now (£)",
         f"=INDEX({types.format(row=CANDIDATE_COST_ROW)},{step_from})", MONEY, OUTPUT_FILL, "NEEDS_AVERAGE_COST, below the severe level"),
        ("StepDownCostMatched", "Average weekly cost of their needs-matched placements (£)",
         f"=INDEX({types.format(row=CANDIDATE_MATCHED_ROW)},{step_from})", MONEY, OUTPUT_FILL, "NEEDS_MATCHED_COST, below the severe level"),
        ("StepDownWeeklySaving", "Weekly saving per child stepped down (£)",
         f"=B{STEP_INPUTS + 2}-B{STEP_INPUTS + 3}", MONEY, OUTPUT_FILL, "now - needs-matched"),
        ("StepDownShortfall", "Optimism bias: shortfall on the step-downs planned", 0.25, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        ("StepDownBreakdown", "Drop-off: share of a year's step-downs that break down each year after", 0.10, PERCENT,
         INPUT_FILL, ILLUSTRATIVE),
        ("StepDownProgramme", "Programme cost a year (£): finding and supporting the placements", 150_000, MONEY,
         INPUT_FILL, ILLUSTRATIVE),
        ("StepDownTransition", "Transition support per child stepped down (£)", 10_000, MONEY, INPUT_FILL, ILLUSTRATIVE),
        ("StepDownUplift", "Optimism bias uplift on costs", 0.20, PERCENT, INPUT_FILL, ILLUSTRATIVE),
        ("StepDownSchedule", "Discount schedule", "standard", "@", INPUT_FILL,
         '"standard" (3.5% to year 30), "health" (1.5%) or a constant rate'),
        ("StepDownWeeks", "Weeks of care in a year", "=365/7", "0.00", INPUT_FILL, "365/7"),
    ]
    rows = {}
    for offset, (name, label, value, fmt, fill, status) in enumerate(inputs):
        row = STEP_INPUTS + offset
        rows[name] = f"$B${row}"
        sheet.cell(row=row, column=1, value=label)
        put(sheet, f"B{row}", value, fill, fmt)
        sheet.cell(row=row, column=3, value=status)
        define(workbook, name, sheet, f"B{row}")

    header_row(sheet, YEAR_ROW, ["Year"] + [None] * YEARS)
    for t, col in enumerate(STEP_COLS):
        put(sheet, f"{col}{YEAR_ROW}", t, None, "0")
        sheet[f"{col}{YEAR_ROW}"].font = Font(bold=True, color="FFFFFF")
    r = {k: YEAR_ROW + k for k in range(1, 15)}
    labels = {
        r[1]: "Programme running (1 = yes)",
        r[2]: "One-off costs (£): setting up, recruiting and training carers",
        r[3]: "Cumulative share of the candidates stepped down by the end of the year",
        r[4]: "Remaining time in care: share of stays ending in their 1st, 2nd, ... year",
        r[5]: "Children stepped down this year (after the shortfall)",
        r[6]: "Child-years in needs-matched placements instead, all cohorts so far",
        r[7]: "Savings: fiscal, cashable (placement costs, £)",
        r[8]: "The same by NEEDS_STEP_DOWN_SAVINGS (£)",
        r[9]: "Costs with optimism bias (£)",
        r[10]: "Net benefit (£)",
        r[11]: "Green Book discount factor",
        r[12]: "Discounted net benefit (£)",
        r[13]: "Cumulative discounted net benefit (£)",
        r[14]: "Cumulative net benefit, cash: undiscounted (£)",
    }
    for row, label in labels.items():
        sheet.cell(row=row, column=1, value=label)
    first = STEP_COLS[0]
    sheet[f"{first}{r[5]}"] = ArrayFormula(
        _row(r[5]), f"=NEEDS_STEP_DOWN_COHORTS({rows['StepDownCandidates']},{_row(r[3])},{rows['StepDownShortfall']})"
    )
    sheet[f"{first}{r[6]}"] = ArrayFormula(
        _row(r[6]), f"=CBA_COHORT_CARE_YEARS({_row(r[5])},{_row(r[4])},{rows['StepDownBreakdown']})"
    )
    sheet[f"{first}{r[8]}"] = ArrayFormula(
        _row(r[8]),
        f"=NEEDS_STEP_DOWN_SAVINGS({rows['StepDownCandidates']},{rows['StepDownWeeklySaving']},{_row(r[3])},"
        f"{_row(r[4])},{rows['StepDownShortfall']},{rows['StepDownBreakdown']},{rows['StepDownWeeks']})",
    )
    for t, col in enumerate(STEP_COLS):
        put(sheet, f"{col}{r[1]}", 1, INPUT_FILL, "0")
        put(sheet, f"{col}{r[2]}", ONE_OFF[t], INPUT_FILL, MONEY)
        put(sheet, f"{col}{r[3]}", RAMP[t], INPUT_FILL, "0%")
        put(sheet, f"{col}{r[4]}", REMAINING_STAY[t], INPUT_FILL, "0%")
        for row, fmt in ((r[5], "0.00"), (r[6], "0.00"), (r[8], MONEY)):
            sheet[f"{col}{row}"].fill = OUTPUT_FILL
            sheet[f"{col}{row}"].number_format = fmt
        put(sheet, f"{col}{r[7]}", f"={col}{r[6]}*{rows['StepDownWeeklySaving']}*{rows['StepDownWeeks']}", OUTPUT_FILL, MONEY)
        put(
            sheet,
            f"{col}{r[9]}",
            f"=CBA_OPTIMISM_BIAS({rows['StepDownProgramme']}*{col}{r[1]}+{col}{r[2]}"
            f"+{rows['StepDownTransition']}*{col}{r[5]},{rows['StepDownUplift']})",
            OUTPUT_FILL,
            MONEY,
        )
        put(sheet, f"{col}{r[10]}", f"={col}{r[7]}-{col}{r[9]}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{r[11]}", f"=CBA_DISCOUNT_FACTOR({col}{YEAR_ROW},{rows['StepDownSchedule']})", OUTPUT_FILL, "0.0000")
        put(sheet, f"{col}{r[12]}", f"={col}{r[10]}*{col}{r[11]}", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{r[13]}", f"=SUM(${first}${r[12]}:{col}{r[12]})", OUTPUT_FILL, MONEY)
        put(sheet, f"{col}{r[14]}", f"=SUM(${first}${r[10]}:{col}{r[10]})", OUTPUT_FILL, MONEY)
    note(
        sheet,
        f"A{r[14] + 1}",
        "ILLUSTRATIVE costs, ramp and remaining stays: replace with your plan and your children's remaining time in "
        "care (CBA_STAY_PROFILE from the stock-flow model gives entrants' stays). Care after year 9 is not counted.",
    )

    savings, costs = _row(r[7]), _row(r[9])
    schedule = rows["StepDownSchedule"]
    convention = "years from the start of year 0, each year's flows spread evenly through it; #N/A if not within 10 years"
    header_row(sheet, STEP_RESULTS, ["Result", "Value", "How"])
    results = [
        ("StepDownPVSavings", "Present value of the savings (£)", f"=CBA_PV({savings},{schedule})", MONEY, "CBA_PV"),
        ("StepDownPVCosts", "Present value of the costs (£)", f"=CBA_PV({costs},{schedule})", MONEY, "CBA_PV"),
        ("StepDownNPV", "Net present value (£)", f"=CBA_NPV({costs},{savings},{schedule})", MONEY, "CBA_NPV"),
        ("StepDownBCR", "Benefit-cost ratio", f"=CBA_BCR({costs},{savings},{schedule})", "0.00", "CBA_BCR"),
        ("StepDownPayback", "Payback, discounted (years from the start of year 0)",
         f"=CBA_PAYBACK({costs},{savings},{schedule})", "0.00", f"CBA_PAYBACK: {convention}"),
        ("StepDownCashPayback", "Payback, cash (undiscounted; years from the start of year 0)",
         f"=CBA_PAYBACK_CASH({costs},{savings})", "0.00", f"CBA_PAYBACK_CASH: {convention}"),
        ("StepDownChildren", "Children stepped down over the 10 years", f"=SUM({_row(r[5])})", "#,##0.0", "after the shortfall"),
    ]
    for offset, (name, label, formula, fmt, how) in enumerate(results):
        row = STEP_RESULTS + 1 + offset
        sheet.cell(row=row, column=1, value=label)
        put(sheet, f"B{row}", formula, OUTPUT_FILL, fmt)
        sheet.cell(row=row, column=3, value=how)
        define(workbook, name, sheet, f"B{row}")

    sheet.column_dimensions["A"].width = 66
    for col in STEP_COLS:
        sheet.column_dimensions[col].width = 13
    sheet.column_dimensions["C"].width = 16
    sheet.freeze_panes = f"B{YEAR_ROW + 1}"
    return sheet


def build() -> Workbook:
    workbook = new_workbook(
        "Needs-led costing (Valuing Care)",
        "Children's needs against the cost of their care, and the case for stepping children down to "
        "the placements their needs call for, after Valuing Care (seed 001). The cohort is SYNTHETIC and "
        "aggregated (children by need level and placement type, never child-level): paste your own "
        "profile. Yellow cells are inputs; green cells are results.",
        [
            "Analysis of children's needs delivers savings for councils (seed 001): Valuing Care, Impower with "
            "the County Councils Network, needs and costs of 3,500+ children in four councils",
            "HM Treasury Green Book (2022), Annex A6: discount rates; supplementary guidance on optimism bias",
            "HM Treasury (2014) Supporting public service transformation: cost benefit analysis guidance for local partnerships",
        ],
    )
    _cohort(workbook)
    _analysis(workbook)
    _step_down(workbook)
    workbook.active = 2
    return workbook


TEMPLATE = Template(
    filename="needs_led_costing.xlsx",
    title="Needs-led costing (Valuing Care)",
    build=build,
    headlines=(
        ("Children in the synthetic profile", "ChildrenInProfile"),
        ("Share without severe or complex needs", "ShareNotSevere"),
        ("Correlation of need and weekly cost (Spearman)", "NeedCostCorrelation"),
        ("Residential children who could step down", "StepDownCandidates"),
        ("Weekly saving per child stepped down (£)", "StepDownWeeklySaving"),
        ("Step-down: 10-year net present value (£)", "StepDownNPV"),
        ("Step-down: discounted payback from the start of year 0 (years)", "StepDownPayback"),
    ),
)
