"""Template ``lac_forecast.xlsx``: how many children in care, and what they cost, if we do nothing.

Thurrock's three scenarios (seed 003, Director of Public Health annual report 2017) side by
side: Rising CLA (a trend of the history, with its prediction interval), Population growth only
(today's rate held) and Falling CLA (the rate brought to the national average over 5 years,
then held); the change in annual cost after 3, 5 and 10 years; a chart.

The report publishes the 2012 and 2017 counts, the scenario table, the 27% rise in activity of
its Rising scenario and the 5 years of its Falling one; seed 004 gives the national rate. It
does not publish its unit cost or population projection: the Calibration sheet derives a
blended unit cost and a population path from the published figures, and the Scenarios sheet
shows published against model, differences included. The 2013-2016 counts are assumed.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import AreaChart, LineChart, Reference
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs.templates import Template
from xlfuncs.templates._layout import (
    DERIVED_FILL,
    INPUT_FILL,
    MONEY,
    OUTPUT_FILL,
    PERCENT,
    RATE,
    define,
    header_row,
    new_workbook,
    note,
)

MONEY_M = '£#,##0.00,,"M";[Red]-£#,##0.00,,"M"'
COUNT = "#,##0"
COUNT_1DP = "#,##0.0"

PUBLISHED = "Published: seed 003 (Thurrock DPH report 2017)"
ASSUMED = "Assumed (not published)"
DERIVED = "Derived (Calibration sheet)"

#: Children looked after at 31 March: (year, count, source). The report publishes 2012 and 2017.
HISTORY = (
    (2012, 210, PUBLISHED),
    (2013, 236, ASSUMED),
    (2014, 252, ASSUMED),
    (2015, 289, ASSUMED),
    (2016, 327, ASSUMED),
    (2017, 345, PUBLISHED),
)
HORIZON = 10
AFTER = (3, 5, 10)
#: Seed 003, "the cost of doing nothing": change in annual LAC cost against today (£).
PUBLISHED_CHANGES = (
    ("Rising CLA", (2_080_000, 4_010_000, 5_980_000)),
    ("Population growth only", (1_070_000, 2_220_000, 3_320_000)),
    ("Falling CLA", (-440_000, -590_000, 940_000)),
)


def _source(sheet, ref: str, text: str) -> None:
    sheet[ref] = text
    sheet[ref].font = Font(italic=True, color="595959")


def build() -> Workbook:
    workbook = new_workbook(
        "Forecast of looked-after children and its cost",
        "How many children will be looked after, and what will it cost, if we do nothing? "
        "Three scenarios after Thurrock's 2017 public health report: Rising (a trend of the "
        "history, with its prediction interval), Population growth only (today's rate held) and "
        "Falling (the rate moved to the national average over 5 years, then held). Yellow cells "
        "are inputs; orange cells are derived from Thurrock's published figures (Calibration "
        "sheet): replace both with your own counts, ONS population projection and unit costs.",
        [
            "Thurrock Director of Public Health annual report 2017 (seed 003): LAC 210 (2012), 345 (2017); "
            "scenario cost table; Rising +27% activity over 10 years; Falling to the national average over 5 years",
            "What Works Centre / CASCADE 2018 (seed 004): 60 children in every 10,000 looked after in England, 2012-15",
            "Trend: LAC_FORECAST linear = Excel TREND; interval: OLS prediction interval (LAC_FORECAST_INTERVAL)",
        ],
    )
    inputs = workbook.create_sheet("Inputs")
    calibration = workbook.create_sheet("Calibration")
    scenarios = workbook.create_sheet("Scenarios")
    _inputs(workbook, inputs)
    _calibration(workbook, calibration)
    _scenarios(workbook, scenarios)
    workbook.active = 3
    return workbook


# --------------------------------------------------------------------------- Inputs

HIST_FIRST = 5
HIST_LAST = HIST_FIRST + len(HISTORY) - 1  # row of the base year (2017)
POP_FIRST = 5  # population table beside the history: base year, then 10 years
POP_LAST = POP_FIRST + HORIZON
ASSUMPTIONS_TOP = POP_LAST + 3
#: Row of each assumption on the Inputs sheet, by defined name.
ASSUMPTION_NAMES = (
    "WeeklyCost",
    "WeeksPerChild",
    "Inflation",
    "TargetRate",
    "TargetYears",
    "TrendMethod",
    "Confidence",
)
ROW = {name: ASSUMPTIONS_TOP + 2 + i for i, name in enumerate(ASSUMPTION_NAMES)}


def _in(name: str) -> str:
    """Absolute reference to an assumption on the Inputs sheet."""
    return f"Inputs!$B${ROW[name]}"


def _inputs(workbook: Workbook, sheet) -> None:
    sheet["A1"] = "Inputs (Thurrock as published where published; yellow: replace with yours)"
    sheet["A1"].font = Font(bold=True, size=13)
    note(sheet, "A2", "Orange cells are derived on the Calibration sheet; yellow cells are typed inputs.")

    sheet["A3"] = "History of looked-after children"
    sheet["A3"].font = Font(bold=True)
    header_row(sheet, 4, ["Year", "Looked after at 31 March", "Source"])
    for offset, (year, count, source) in enumerate(HISTORY):
        row = HIST_FIRST + offset
        sheet.cell(row=row, column=1, value=year)
        cell = sheet.cell(row=row, column=2, value=count)
        cell.fill = INPUT_FILL
        cell.number_format = COUNT
        _source(sheet, f"C{row}", source)
    note(
        sheet,
        f"A{HIST_LAST + 1}",
        "2013-2016 are illustrative: the report publishes only 2012 and 2017. Use your SSDA903 counts.",
    )
    define(workbook, "History", sheet, f"B{HIST_FIRST}:B{HIST_LAST}")
    define(workbook, "BaseCount", sheet, f"B{HIST_LAST}")

    header_row(sheet, 4, ["Year", "Population aged 0-17", "Source"], column=5)
    sheet["E3"] = "Child population projection (base year, then 10 years)"
    sheet["E3"].font = Font(bold=True)
    for t in range(HORIZON + 1):
        row = POP_FIRST + t
        sheet.cell(row=row, column=5, value=HISTORY[-1][0] + t)
        cell = sheet.cell(row=row, column=6, value=f"=Calibration!$C$22*Calibration!C{24 + t}")
        cell.fill = DERIVED_FILL
        cell.number_format = COUNT
        _source(sheet, f"G{row}", DERIVED)
    note(
        sheet,
        f"E{POP_LAST + 1}",
        "Replace with the ONS sub-national population projection for your area (0-17).",
    )
    define(workbook, "Population", sheet, f"F{POP_FIRST}:F{POP_LAST}")

    top = ASSUMPTIONS_TOP
    sheet[f"A{top}"] = "Assumptions"
    sheet[f"A{top}"].font = Font(bold=True)
    header_row(sheet, top + 1, ["Input", "Value", "Source"])
    rows = (
        ("Blended weekly unit cost per child (£)", "=Calibration!C9", MONEY, DERIVED_FILL, DERIVED, "WeeklyCost"),
        ("Weeks of care per child per year", "=365/7", "0.00", INPUT_FILL, "365/7: the count is the year's average", "WeeksPerChild"),
        ("Annual inflation of unit costs", 0, PERCENT, INPUT_FILL, ASSUMED + ": today's prices", "Inflation"),
        ("Target rate per 10,000 (national average)", 60, RATE, INPUT_FILL, "Published: seed 004 (England 2012-15: 60 per 10,000)", "TargetRate"),
        ("Years to reach the target, then held", 5, "0", INPUT_FILL, PUBLISHED, "TargetYears"),
        ("Rising: trend method (linear, exponential, ets)", "linear", "@", INPUT_FILL, "Seed 003: trend of past years", "TrendMethod"),
        ("Rising: confidence of the interval", 0.95, PERCENT, INPUT_FILL, ASSUMED, "Confidence"),
    )
    for label, value, fmt, fill, source, name in rows:
        row = ROW[name]
        sheet.cell(row=row, column=1, value=label)
        cell = sheet.cell(row=row, column=2, value=value)
        cell.number_format = fmt
        cell.fill = fill
        _source(sheet, f"C{row}", source)
        define(workbook, name, sheet, f"B{row}")
    methods = DataValidation(type="list", formula1='"linear,exponential,ets"', allow_blank=False)
    methods.add(f"B{ROW['TrendMethod']}")
    sheet.add_data_validation(methods)
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 44
    sheet.column_dimensions["E"].width = 10
    sheet.column_dimensions["F"].width = 16
    sheet.column_dimensions["G"].width = 28


# --------------------------------------------------------------------------- Calibration


def _calibration(workbook: Workbook, sheet) -> None:
    sheet["A1"] = "Calibration: a unit cost and population path that reproduce Thurrock's published figures"
    sheet["A1"].font = Font(bold=True, size=13)
    note(
        sheet,
        "A2",
        "The report does not publish its unit cost, child population or base rate. These are "
        "derived from its published figures, assuming constant prices and cost in proportion to children.",
    )
    header_row(sheet, 4, ["Published figure", "", "Value", "Source"])
    published = (
        ("Rising CLA: rise in activity over 10 years", 0.27, PERCENT),
        ("Rising CLA: change in annual cost after 10 years (£)", 5_980_000, MONEY),
    )
    for offset, (label, value, fmt) in enumerate(published):
        row = 5 + offset
        sheet.cell(row=row, column=1, value=label)
        cell = sheet.cell(row=row, column=3, value=value)
        cell.number_format = fmt
        _source(sheet, f"D{row}", PUBLISHED)

    header_row(sheet, 7, ["Derived", "", "Value", "How"])
    derived = (
        (8, "Annual cost of today's looked-after children (£)", "=C6/C5", MONEY, "£5.98M / 27%"),
        (9, "Blended weekly unit cost per child (£)", f"=C8/Inputs!$B${HIST_LAST}/{_in('WeeksPerChild')}", MONEY, "/ 345 children / (365/7) weeks"),
    )
    for row, label, formula, fmt, how in derived:
        sheet.cell(row=row, column=1, value=label)
        cell = sheet.cell(row=row, column=3, value=formula)
        cell.number_format = fmt
        cell.fill = DERIVED_FILL
        _source(sheet, f"D{row}", how)

    header_row(sheet, 11, ["After years", "Population only: published (£)", "Population index", "Falling: published (£)", "Implied rate ratio (target / today)"])
    pop = PUBLISHED_CHANGES[1][1]
    fall = PUBLISHED_CHANGES[2][1]
    for offset, years in enumerate(AFTER):
        row = 12 + offset
        sheet.cell(row=row, column=1, value=years)
        sheet.cell(row=row, column=2, value=pop[offset]).number_format = MONEY
        index = sheet.cell(row=row, column=3, value=f"=1+B{row}/$C$8")
        index.number_format = "0.0000"
        index.fill = DERIVED_FILL
        sheet.cell(row=row, column=4, value=fall[offset]).number_format = MONEY
        # Falling count / today = index x (1 + (ratio - 1) x min(t/T, 1)); solve for the ratio.
        ratio = sheet.cell(
            row=row,
            column=5,
            value=f"=1+((1+D{row}/$C$8)/C{row}-1)/MIN(A{row}/{_in('TargetYears')},1)",
        )
        ratio.number_format = "0.0000"
        ratio.fill = DERIVED_FILL
    sheet["A16"] = "Rate ratio used (mean of the three)"
    sheet["E16"] = "=AVERAGE(E12:E14)"
    sheet["E16"].number_format = "0.0000"
    sheet["E16"].fill = DERIVED_FILL
    note(
        sheet,
        "A17",
        "The three ratios differ: no single target reproduces all three Falling figures; "
        "the Scenarios sheet shows the gaps.",
    )

    header_row(sheet, 19, ["Base year", "", "Value", "How"])
    base = (
        (20, "Target rate per 10,000", f"={_in('TargetRate')}", RATE, "Inputs (seed 004)"),
        (21, "Implied rate today per 10,000", "=C20/E16", RATE, "target / rate ratio"),
        (22, "Implied child population today (0-17)", f"=Inputs!$B${HIST_LAST}/C21*10000", COUNT, "345 / rate x 10,000"),
    )
    for row, label, formula, fmt, how in base:
        sheet.cell(row=row, column=1, value=label)
        cell = sheet.cell(row=row, column=3, value=formula)
        cell.number_format = fmt
        cell.fill = DERIVED_FILL
        _source(sheet, f"D{row}", how)
    header_row(sheet, 23, ["Year", "Years on", "Population index", "How"])
    for t in range(HORIZON + 1):
        row = 24 + t
        sheet.cell(row=row, column=1, value=HISTORY[-1][0] + t)
        sheet.cell(row=row, column=2, value=t)
        if t == 0:
            formula, how = "=1", "base year"
        elif t <= 3:
            formula, how = f"=1+($C$12-1)*B{row}/3", "straight line to year 3"
        elif t <= 5:
            formula, how = f"=$C$12+($C$13-$C$12)*(B{row}-3)/2", "straight line, years 3 to 5"
        else:
            formula, how = f"=$C$13+($C$14-$C$13)*(B{row}-5)/5", "straight line, years 5 to 10"
        cell = sheet.cell(row=row, column=3, value=formula)
        cell.number_format = "0.0000"
        cell.fill = DERIVED_FILL
        _source(sheet, f"D{row}", how)
    note(
        sheet,
        "A36",
        "The implied population is what the published Falling figures need if the target is 60 "
        "per 10,000; it is not an ONS figure. If Thurrock's child population was smaller, its "
        "target was nearer its own rate than 60.",
    )
    define(workbook, "AnnualCostToday", sheet, "C8")
    define(workbook, "DerivedWeeklyCost", sheet, "C9")
    define(workbook, "ImpliedPopulation", sheet, "C22")
    sheet.column_dimensions["A"].width = 50
    for col in "BCDE":
        sheet.column_dimensions[col].width = 20


# --------------------------------------------------------------------------- Scenarios

FIRST = 6  # first history row on the Scenarios sheet
BASE = FIRST + len(HISTORY) - 1
LAST = BASE + HORIZON
COLUMNS = (
    "Year",
    "Actual",
    "Rising CLA (trend)",
    "Rising: lower bound",
    "Rising: upper bound",
    "Population growth only",
    "Falling CLA",
    "Rising: annual cost (£)",
    "Population only: annual cost (£)",
    "Falling: annual cost (£)",
)


def _scenarios(workbook: Workbook, sheet) -> None:
    sheet["A1"] = "Scenarios: looked-after children and annual cost if we do nothing"
    sheet["A1"].font = Font(bold=True, size=13)
    note(
        sheet,
        "A2",
        "Rising: LAC_FORECAST of the history (method on Inputs) with its prediction interval. "
        "Population only: today's rate x projected population. Falling: the rate moved to the "
        "target, then held.",
    )
    note(sheet, "A3", "Each column spills 10 years from one formula; the base year repeats the actual count.")
    header_row(sheet, 5, COLUMNS)
    history = f"Inputs!$B${HIST_FIRST}:$B${HIST_LAST}"
    population = f"Inputs!$F${POP_FIRST}:$F${POP_LAST}"
    for offset, (year, _, _) in enumerate(HISTORY):
        row = FIRST + offset
        sheet.cell(row=row, column=1, value=year)
        sheet.cell(row=row, column=2, value=f"=Inputs!B{HIST_FIRST + offset}").number_format = COUNT
    for t in range(1, HORIZON + 1):
        sheet.cell(row=BASE + t, column=1, value=HISTORY[-1][0] + t)
    for col in "CDEFG":
        sheet[f"{col}{BASE}"] = f"=B{BASE}"
    first, last = BASE + 1, LAST
    sheet[f"C{first}"] = ArrayFormula(
        f"C{first}:C{last}", f"=LAC_FORECAST({history},{HORIZON},{_in('TrendMethod')})"
    )
    sheet[f"D{first}"] = ArrayFormula(
        f"D{first}:E{last}",
        f"=LAC_FORECAST_INTERVAL({history},{HORIZON},{_in('TrendMethod')},{_in('Confidence')})",
    )
    sheet[f"F{first}"] = ArrayFormula(
        f"F{first}:F{last}", f'=LAC_FORECAST({history},{HORIZON},"population",{population})'
    )
    sheet[f"G{first}"] = ArrayFormula(
        f"G{first}:G{last}",
        f'=LAC_FORECAST({history},{HORIZON},"target",{population},,'
        f"{_in('TargetRate')},{_in('TargetYears')})",
    )
    for source, target in zip("CFG", "HIJ", strict=True):
        sheet[f"{target}{BASE}"] = ArrayFormula(
            f"{target}{BASE}:{target}{LAST}",
            f"=LAC_FORECAST_COST({source}{BASE}:{source}{LAST},{_in('WeeklyCost')},,"
            f"{_in('Inflation')},{_in('WeeksPerChild')})",
        )
    for row in range(FIRST, LAST + 1):
        for col in "BCDEFG":
            sheet[f"{col}{row}"].number_format = COUNT_1DP if row > BASE else COUNT
        for col in "HIJ":
            sheet[f"{col}{row}"].number_format = MONEY
        if row >= BASE:
            for col in "CDEFGHIJ":
                sheet[f"{col}{row}"].fill = OUTPUT_FILL

    # The cost of doing nothing, in the published table's shape, beside the published figures.
    top = LAST + 3
    sheet[f"A{top}"] = "The cost of doing nothing: change in annual cost against the base year"
    sheet[f"A{top}"].font = Font(bold=True)
    header_row(
        sheet,
        top + 1,
        [
            "Scenario",
            "Model: 3 years",
            "Model: 5 years",
            "Model: 10 years",
            "Published: 3 years",
            "Published: 5 years",
            "Published: 10 years",
            "Model - published: 3 years",
            "5 years",
            "10 years",
        ],
    )
    names = ("Rising", "Population", "Falling")
    for offset, ((label, figures), cost_col, name) in enumerate(
        zip(PUBLISHED_CHANGES, "HIJ", names, strict=True)
    ):
        row = top + 2 + offset
        sheet.cell(row=row, column=1, value=label)
        sheet[f"B{row}"] = ArrayFormula(
            f"B{row}:D{row}", f"=LAC_COST_CHANGE({cost_col}{BASE}:{cost_col}{LAST})"
        )
        for col, value in zip("EFG", figures, strict=True):
            sheet[f"{col}{row}"] = value
        for model_col, published_col, diff_col in zip("BCD", "EFG", "HIJ", strict=True):
            sheet[f"{diff_col}{row}"] = f"={model_col}{row}-{published_col}{row}"
        for col in "BCDEFGHIJ":
            sheet[f"{col}{row}"].number_format = MONEY_M
        for col in "BCD":
            sheet[f"{col}{row}"].fill = OUTPUT_FILL
        define(workbook, f"{name}Change10", sheet, f"D{row}")
    activity = top + 6
    header_row(sheet, activity, ["Change in children over 10 years", "Model", "Published"])
    for offset, (label, col, published) in enumerate(
        (("Rising CLA", "C", 0.27), ("Population growth only", "F", None), ("Falling CLA", "G", None))
    ):
        row = activity + 1 + offset
        sheet.cell(row=row, column=1, value=label)
        sheet[f"B{row}"] = f"={col}{LAST}/{col}{BASE}-1"
        sheet[f"B{row}"].number_format = PERCENT
        sheet[f"B{row}"].fill = OUTPUT_FILL
        if published is not None:
            sheet[f"C{row}"] = published
            sheet[f"C{row}"].number_format = PERCENT
    define(workbook, "RisingActivity10", sheet, f"B{activity + 1}")
    note(
        sheet,
        f"A{activity + 5}",
        "With Thurrock's figures as shipped: Population growth only matches by construction (it "
        "calibrates the population path); Falling tests the calibration: within £0.32M. Rising does "
        "not match: the published "
        "Rising is +27% over 10 years, while the published counts alone rose 64% from 2012 to 2017; "
        "the report's 5-10 year trend is not published.",
    )

    # The interval band: an invisible area up to the lower bound with the band's width stacked
    # on it, under the scenario lines. A line chart alone cannot shade between two series.
    # Over the history the band sits, zero wide, on the actual line: starting it from zero
    # would draw a hairline up to the base year.
    header_row(sheet, 5, ["Chart: band base", "Chart: band width"], column=11)
    for row in range(FIRST, LAST + 1):
        if row <= BASE:
            sheet[f"K{row}"], sheet[f"L{row}"] = f"=B{row}", 0
        else:
            sheet[f"K{row}"], sheet[f"L{row}"] = f"=D{row}", f"=E{row}-D{row}"
        for col in "KL":
            sheet[f"{col}{row}"].number_format = COUNT_1DP
            sheet[f"{col}{row}"].font = Font(color="808080")
    band = AreaChart(grouping="stacked")
    band.add_data(Reference(sheet, min_col=11, max_col=12, min_row=5, max_row=LAST), titles_from_data=True)
    lower, width = band.series
    lower.graphicalProperties.noFill = True
    lower.graphicalProperties.line.noFill = True
    width.tx = SeriesLabel(v="Rising: prediction interval")
    width.graphicalProperties.solidFill = "F4CCCC"
    width.graphicalProperties.line.noFill = True
    lines = LineChart()
    lines.add_data(Reference(sheet, min_col=2, max_col=3, min_row=5, max_row=LAST), titles_from_data=True)
    lines.add_data(Reference(sheet, min_col=6, max_col=7, min_row=5, max_row=LAST), titles_from_data=True)
    for series, colour in zip(lines.series, ("000000", "C00000", "2F5597", "548235"), strict=True):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 22000
        series.smooth = False
    categories = Reference(sheet, min_col=1, min_row=FIRST, max_row=LAST)
    band.set_categories(categories)
    lines.set_categories(categories)
    band.title = "Looked-after children: actual and scenarios"
    band.y_axis.title = "Children looked after"
    band.x_axis.title = "Year (31 March)"
    band.height = 9
    band.width = 22
    band.display_blanks = "gap"
    band.legend.position = "b"
    band.legend.legendEntry = [LegendEntry(idx=0, delete=True)]  # the invisible lower area
    band += lines
    sheet.add_chart(band, f"A{activity + 7}")

    sheet.column_dimensions["A"].width = 24
    for col in "BCDEFGHIJKL":
        sheet.column_dimensions[col].width = 17
    sheet.freeze_panes = "B6"


TEMPLATE = Template(
    filename="lac_forecast.xlsx",
    title="Forecast of looked-after children and its cost",
    build=build,
    headlines=(
        ("Rising CLA: change in annual cost after 10 years (£)", "RisingChange10"),
        ("Population growth only: change after 10 years (£)", "PopulationChange10"),
        ("Falling CLA: change after 10 years (£)", "FallingChange10"),
        ("Rising CLA: change in children over 10 years", "RisingActivity10"),
        ("Blended weekly unit cost derived from the published figures (£)", "DerivedWeeklyCost"),
    ),
)
