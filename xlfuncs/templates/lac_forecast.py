"""Template ``lac_forecast.xlsx``: how many children in care, and what they cost, if we do nothing.

Thurrock's three scenarios (seed 003, Director of Public Health annual report 2017) side by
side: Rising CLA (the rate per 10,000 rising, then levelling off: LAC_FORECAST's "rising"
method), Population growth only (today's rate held) and Falling CLA (the rate brought to the
national average over 5 years, then held); for comparison, a trend of the counts with its
prediction interval; the change in annual cost after 3, 5 and 10 years, each scenario's row
followed by the published figures; a chart; a Backtest sheet scoring each trend method fitted
to the years before on the year after (``FORECAST_MAPE``, ``FORECAST_COVERAGE``).

The report publishes the 2012 and 2017 counts, the scenario table, the 27% rise in activity of
its Rising scenario and the 5 years of its Falling one; seed 004 gives the national rate. It
does not publish its unit cost, population projection or the form of its Rising trend: the
Calibration sheet derives a blended unit cost and a population path from the published
figures, and calibrates the Rising trend's two parameters to the published Rising figures (3
and 10 years; 5 years is the test). The Scenarios sheet shows published against model,
differences included. The 2013-2016 counts are assumed.
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
    sheet_title,
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
        "Three scenarios after Thurrock's 2017 public health report: Rising (the rate per "
        "10,000 rising, then levelling off), Population growth only (today's rate held) and "
        "Falling (the rate moved to the national average over 5 years, then held), beside a "
        "trend of the counts with its prediction interval. Yellow cells are inputs; orange "
        "cells are derived from Thurrock's published figures (Calibration sheet): replace both "
        "with your own counts, ONS population projection and unit costs.",
        [
            "Thurrock Director of Public Health annual report 2017 (seed 003): LAC 210 (2012), 345 (2017); "
            "scenario cost table; Rising +27% activity over 10 years; Falling to the national average over 5 years",
            "What Works Centre / CASCADE 2018 (seed 004): 60 children in every 10,000 looked after in England, 2012-15",
            "Rising: LAC_FORECAST \"rising\", rate + trend x min(years, trend years), two parameters calibrated to the published Rising figures",
            "Trend of the counts: LAC_FORECAST linear = Excel TREND; interval: OLS prediction interval (LAC_FORECAST_INTERVAL)",
        ],
    )
    inputs = workbook.create_sheet("Inputs")
    calibration = workbook.create_sheet("Calibration")
    scenarios = workbook.create_sheet("Scenarios")
    _inputs(workbook, inputs)
    _calibration(workbook, calibration)
    _scenarios(workbook, scenarios)
    _backtest(workbook, workbook.create_sheet("Backtest"))
    workbook.active = 3
    return workbook


# --------------------------------------------------------------------------- Backtest

#: The trend methods back-tested, and the fewest counts each is fitted to.
BACKTEST_METHODS = ("linear", "exponential", "ets")
BACKTEST_FIRST_FIT = 3


def _backtest(workbook: Workbook, sheet) -> None:
    """Each trend method fitted to the history up to a year and scored on the year after."""
    sheet_title(sheet, "Back-test: each trend fitted to the years before, scored on the year after")
    note(sheet, "A2", "LAC_FORECAST fitted to the counts up to a year, one year ahead, against the "
         "count that year (Inputs). With the illustrative 2013-2016 counts this shows the method; "
         "with your own SSDA903 counts it shows how good each trend would have been.")
    header_row(sheet, 4, ["Method", "Forecasts", "MAPE", "Actuals inside the interval"])
    top = 5 + len(BACKTEST_METHODS) + 2
    header_row(sheet, top - 1, ["Method", "Fitted to years up to", "Year forecast", "Forecast",
                                "Lower", "Upper", "Actual", "Absolute % error", "Inside?"])
    row = top
    for k, method in enumerate(BACKTEST_METHODS):
        first = row
        for fitted in range(BACKTEST_FIRST_FIT, len(HISTORY)):
            known = f"Inputs!$B${HIST_FIRST}:$B${HIST_FIRST + fitted - 1}"
            years = f"Inputs!$A${HIST_FIRST}:$A${HIST_FIRST + fitted - 1}"
            sheet.cell(row=row, column=1, value=method)
            sheet.cell(row=row, column=2, value=f"=Inputs!A{HIST_FIRST + fitted - 1}")
            sheet.cell(row=row, column=3, value=f"=Inputs!A{HIST_FIRST + fitted}")
            cell = sheet.cell(row=row, column=4,
                              value=f'=SUM(LAC_FORECAST({known},1,"{method}",,,,,{years}))')
            cell.fill, cell.number_format = OUTPUT_FILL, COUNT_1DP
            sheet[f"E{row}"] = ArrayFormula(
                f"E{row}:F{row}", f'=LAC_FORECAST_INTERVAL({known},1,"{method}",{_in("Confidence")},{years})')
            for col in "EF":
                sheet[f"{col}{row}"].fill, sheet[f"{col}{row}"].number_format = OUTPUT_FILL, COUNT_1DP
            sheet.cell(row=row, column=7, value=f"=Inputs!B{HIST_FIRST + fitted}").number_format = COUNT
            cell = sheet.cell(row=row, column=8, value=f"=ABS(D{row}-G{row})/G{row}")
            cell.fill, cell.number_format = OUTPUT_FILL, PERCENT
            sheet.cell(row=row, column=9,
                       value=f'=IF(AND(G{row}>=E{row},G{row}<=F{row}),"yes","no")').fill = OUTPUT_FILL
            row += 1
        last = row - 1
        summary = 5 + k
        sheet.cell(row=summary, column=1, value=method)
        sheet.cell(row=summary, column=2, value=f"=COUNT(G{first}:G{last})")
        cell = sheet.cell(row=summary, column=3, value=f"=FORECAST_MAPE(G{first}:G{last},D{first}:D{last})")
        cell.fill, cell.number_format = OUTPUT_FILL, "0.00%"
        cell = sheet.cell(row=summary, column=4,
                          value=f"=FORECAST_COVERAGE(G{first}:G{last},E{first}:E{last},F{first}:F{last})")
        cell.fill, cell.number_format = OUTPUT_FILL, PERCENT
        define(workbook, f"BacktestMape{method.capitalize()}", sheet, f"C{summary}")
    sheet.column_dimensions["A"].width = 14
    for col in "BCDEFGHI":
        sheet.column_dimensions[col].width = 14


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
    "RisingTrend",
    "RisingYears",
    "TrendMethod",
    "Confidence",
)
CALIBRATED = "Calibrated to the published Rising figures (Calibration sheet): not data"
ROW = {name: ASSUMPTIONS_TOP + 2 + i for i, name in enumerate(ASSUMPTION_NAMES)}


def _in(name: str) -> str:
    """Absolute reference to an assumption on the Inputs sheet."""
    return f"Inputs!$B${ROW[name]}"


def _inputs(workbook: Workbook, sheet) -> None:
    sheet_title(sheet, "Inputs (Thurrock as published where published; yellow: replace with yours)")
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
        ("Rising: rise in the rate per 10,000 a year (rate_trend)", f"=Calibration!$C${RISING_TREND_ROW}", "0.000", DERIVED_FILL, CALIBRATED, "RisingTrend"),
        ("Rising: years the rate rises, then held (trend_years)", f"=Calibration!$C${RISING_YEARS_ROW}", "0.00", DERIVED_FILL, CALIBRATED, "RisingYears"),
        ("Trend of the counts: method (linear, exponential, ets)", "linear", "@", INPUT_FILL, "For comparison: a trend of the history", "TrendMethod"),
        ("Trend of the counts: confidence of the interval", 0.95, PERCENT, INPUT_FILL, ASSUMED, "Confidence"),
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
    sheet_title(sheet, "Calibration: a unit cost and population path that reproduce Thurrock's published figures")
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
    _rising_calibration(sheet)
    define(workbook, "AnnualCostToday", sheet, "C8")
    define(workbook, "DerivedWeeklyCost", sheet, "C9")
    define(workbook, "ImpliedPopulation", sheet, "C22")
    sheet.column_dimensions["A"].width = 50
    for col in "BCDE":
        sheet.column_dimensions[col].width = 20


RISING_TOP = 38  # the Rising calibration block on the Calibration sheet
RISING_TREND_ROW = RISING_TOP + 6
RISING_YEARS_ROW = RISING_TOP + 7


def _rising_calibration(sheet) -> None:
    """The two parameters of the Rising trend, through the published 3- and 10-year figures."""
    top = RISING_TOP
    sheet[f"A{top - 1}"] = "Rising: a rate per 10,000 that rises, then levels off (LAC_FORECAST \"rising\")"
    sheet[f"A{top - 1}"].font = Font(bold=True)
    header_row(
        sheet,
        top,
        ["After years", "Rising: published (£)", "Children: ratio to today", "Population index", "Rate: ratio to today"],
    )
    rising = PUBLISHED_CHANGES[0][1]
    for offset, years in enumerate(AFTER):
        row = top + 1 + offset
        sheet.cell(row=row, column=1, value=years)
        sheet.cell(row=row, column=2, value=rising[offset]).number_format = MONEY
        for column, formula in ((3, f"=1+B{row}/$C$8"), (4, f"=C{12 + offset}"), (5, f"=C{row}/D{row}")):
            cell = sheet.cell(row=row, column=column, value=formula)
            cell.number_format = "0.0000"
            cell.fill = DERIVED_FILL
    header_row(sheet, top + 5, ["Parameter (calibrated, not data)", "", "Value", "How"])
    three, ten = top + 1, top + 3
    parameters = (
        (RISING_TREND_ROW, "Rise in the rate per 10,000 a year (rate_trend)", f"=C21*(E{three}-1)/3", "0.000",
         "today's rate x (rate ratio after 3 years - 1) / 3: passes through the 3-year figure"),
        (RISING_YEARS_ROW, "Years the rate rises, then held (trend_years)", f"=3*(E{ten}-1)/(E{three}-1)", "0.00",
         "3 x (ratio after 10 years - 1) / (ratio after 3 years - 1): passes through the 10-year figure"),
    )
    for row, label, formula, fmt, how in parameters:
        sheet.cell(row=row, column=1, value=label)
        cell = sheet.cell(row=row, column=3, value=formula)
        cell.number_format = fmt
        cell.fill = DERIVED_FILL
        _source(sheet, f"D{row}", how)
    note(
        sheet,
        f"A{RISING_YEARS_ROW + 1}",
        "Two parameters chosen so the scenario passes through the published 3- and 10-year Rising "
        "figures on the population path above; the 5-year figure tests the shape (Scenarios sheet). "
        "They describe the published scenario, not a trend estimated from Thurrock's counts.",
    )


# --------------------------------------------------------------------------- Scenarios

FIRST = 6  # first history row on the Scenarios sheet
BASE = FIRST + len(HISTORY) - 1
LAST = BASE + HORIZON
COLUMNS = (
    "Year",
    "Actual",
    "Rising CLA (rate rises, then levels off)",
    "Population growth only",
    "Falling CLA",
    "Trend of the counts (comparison)",
    "Trend: lower bound",
    "Trend: upper bound",
    "Rising: annual cost (£)",
    "Population only: annual cost (£)",
    "Falling: annual cost (£)",
    "Trend of the counts: annual cost (£)",
)
#: Scenario columns (counts) and the columns of their annual cost.
COUNT_COLUMNS = "CDEF"
COST_COLUMNS = "IJKL"
#: First row of the cost-of-doing-nothing table (the Rising row).
COST_TABLE = LAST + 5
#: Row of each scenario's model figures in that table; the published figures are in the row below.
SCENARIO_ROWS = {"Rising": COST_TABLE, "Population": COST_TABLE + 3, "Falling": COST_TABLE + 6}
TREND_ROW = COST_TABLE + 9


def _scenarios(workbook: Workbook, sheet) -> None:
    sheet_title(sheet, "Scenarios: looked-after children and annual cost if we do nothing")
    note(
        sheet,
        "A2",
        "Rising: the rate per 10,000 rises by the calibrated trend, then levels off, applied to the "
        "projected population. Population only: today's rate held. Falling: the rate moved to the "
        "target, then held. Trend of the counts: LAC_FORECAST of the history (method on Inputs).",
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
    for col in "CDEFGH":
        sheet[f"{col}{BASE}"] = f"=B{BASE}"
    first, last = BASE + 1, LAST
    sheet[f"C{first}"] = ArrayFormula(
        f"C{first}:C{last}",
        f'=LAC_FORECAST({history},{HORIZON},"rising",{population},,,,,'
        f"{_in('RisingTrend')},{_in('RisingYears')})",
    )
    sheet[f"D{first}"] = ArrayFormula(
        f"D{first}:D{last}", f'=LAC_FORECAST({history},{HORIZON},"population",{population})'
    )
    sheet[f"E{first}"] = ArrayFormula(
        f"E{first}:E{last}",
        f'=LAC_FORECAST({history},{HORIZON},"target",{population},,'
        f"{_in('TargetRate')},{_in('TargetYears')})",
    )
    sheet[f"F{first}"] = ArrayFormula(
        f"F{first}:F{last}", f"=LAC_FORECAST({history},{HORIZON},{_in('TrendMethod')})"
    )
    sheet[f"G{first}"] = ArrayFormula(
        f"G{first}:H{last}",
        f"=LAC_FORECAST_INTERVAL({history},{HORIZON},{_in('TrendMethod')},{_in('Confidence')})",
    )
    for source, target in zip(COUNT_COLUMNS, COST_COLUMNS, strict=True):
        sheet[f"{target}{BASE}"] = ArrayFormula(
            f"{target}{BASE}:{target}{LAST}",
            f"=LAC_FORECAST_COST({source}{BASE}:{source}{LAST},{_in('WeeklyCost')},,"
            f"{_in('Inflation')},{_in('WeeksPerChild')})",
        )
    for row in range(FIRST, LAST + 1):
        for col in "BCDEFGH":
            sheet[f"{col}{row}"].number_format = COUNT_1DP if row > BASE else COUNT
        for col in COST_COLUMNS:
            sheet[f"{col}{row}"].number_format = MONEY
        if row >= BASE:
            for col in "CDEFGH" + COST_COLUMNS:
                sheet[f"{col}{row}"].fill = OUTPUT_FILL

    _cost_table(workbook, sheet)
    activity = TREND_ROW + 3
    header_row(sheet, activity, ["Change in children over 10 years", "Model", "Published"])
    for offset, (label, col, published) in enumerate(
        (
            ("Rising CLA", "C", 0.27),
            ("Population growth only", "D", None),
            ("Falling CLA", "E", None),
            ("Trend of the counts", "F", None),
        )
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
    define(workbook, "TrendActivity10", sheet, f"B{activity + 4}")
    note(
        sheet,
        f"A{activity + 6}",
        "With Thurrock's figures as shipped: Population growth only matches by construction (it "
        "calibrates the population path); Rising passes through its 3- and 10-year figures by "
        "construction (it calibrates the trend) and tests the shape at 5 years; Falling tests the "
        "calibration: within £0.32M. A trend of the counts alone rises far faster than the "
        "published Rising (+27% over 10 years): the published counts rose 64% from 2012 to 2017.",
    )
    _chart(sheet, activity + 8)

    sheet.column_dimensions["A"].width = 34
    for col in "BCDEFGHIJKLMN":
        sheet.column_dimensions[col].width = 17
    sheet.freeze_panes = "B6"


def _cost_table(workbook: Workbook, sheet) -> None:
    """The cost of doing nothing: each scenario's model row, the published figures below it."""
    top = COST_TABLE - 2
    sheet[f"A{top}"] = "The cost of doing nothing: change in annual cost against the base year"
    sheet[f"A{top}"].font = Font(bold=True)
    header_row(sheet, top + 1, ["Scenario", "3 years", "5 years", "10 years", "How"])
    labels = {"Rising": "Rising", "Population": "Population growth only", "Falling": "Falling"}
    costs = dict(zip(("Rising", "Population", "Falling"), COST_COLUMNS, strict=False))
    published = dict(zip(("Rising", "Population", "Falling"), (f for _, f in PUBLISHED_CHANGES), strict=True))
    for name, row in SCENARIO_ROWS.items():
        cost = costs[name]
        sheet.cell(row=row, column=1, value=labels[name])
        sheet.cell(row=row + 1, column=1, value=f"{labels[name]}: published")
        sheet.cell(row=row + 2, column=1, value=f"{labels[name]}: model - published")
        for col, years, figure in zip("BCD", AFTER, published[name], strict=True):
            model = sheet[f"{col}{row}"]
            model.value = f"=LAC_COST_CHANGE({cost}{BASE}:{cost}{LAST},{years})"
            model.fill = OUTPUT_FILL
            sheet[f"{col}{row + 1}"] = figure
            sheet[f"{col}{row + 2}"] = f"={col}{row}-{col}{row + 1}"
            for r in (row, row + 1, row + 2):
                sheet[f"{col}{r}"].number_format = MONEY_M
        _source(sheet, f"E{row}", "LAC_COST_CHANGE of the scenario's annual cost")
        _source(sheet, f"E{row + 1}", PUBLISHED)
        define(workbook, f"{name}Change10", sheet, f"D{row}")
    sheet.cell(row=TREND_ROW, column=1, value="Trend of the counts (not a published scenario)")
    for col, years in zip("BCD", AFTER, strict=True):
        cell = sheet[f"{col}{TREND_ROW}"]
        cell.value = f"=LAC_COST_CHANGE(L{BASE}:L{LAST},{years})"
        cell.fill = OUTPUT_FILL
        cell.number_format = MONEY_M
    _source(sheet, f"E{TREND_ROW}", "for comparison: what the trend of the history alone gives")
    define(workbook, "TrendChange10", sheet, f"D{TREND_ROW}")


def _chart(sheet, anchor_row: int) -> None:
    # The interval band: an invisible area up to the lower bound with the band's width stacked
    # on it, under the scenario lines. A line chart alone cannot shade between two series.
    # Over the history the band sits, zero wide, on the actual line: starting it from zero
    # would draw a hairline up to the base year.
    header_row(sheet, 5, ["Chart: band base", "Chart: band width"], column=13)
    for row in range(FIRST, LAST + 1):
        if row <= BASE:
            sheet[f"M{row}"], sheet[f"N{row}"] = f"=B{row}", 0
        else:
            sheet[f"M{row}"], sheet[f"N{row}"] = f"=G{row}", f"=H{row}-G{row}"
        for col in "MN":
            sheet[f"{col}{row}"].number_format = COUNT_1DP
            sheet[f"{col}{row}"].font = Font(color="808080")
    band = AreaChart(grouping="stacked")
    band.add_data(Reference(sheet, min_col=13, max_col=14, min_row=5, max_row=LAST), titles_from_data=True)
    lower, width = band.series
    lower.graphicalProperties.noFill = True
    lower.graphicalProperties.line.noFill = True
    width.tx = SeriesLabel(v="Trend of the counts: prediction interval")
    width.graphicalProperties.solidFill = "EDEDED"
    width.graphicalProperties.line.noFill = True
    lines = LineChart()
    lines.add_data(Reference(sheet, min_col=2, max_col=6, min_row=5, max_row=LAST), titles_from_data=True)
    colours = ("000000", "C00000", "2F5597", "548235", "A6A6A6")
    for series, colour in zip(lines.series, colours, strict=True):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 22000
        series.smooth = False
    lines.series[-1].graphicalProperties.line.dashStyle = "dash"
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
    sheet.add_chart(band, f"A{anchor_row}")


TEMPLATE = Template(
    filename="lac_forecast.xlsx",
    title="Forecast of looked-after children and its cost",
    build=build,
    headlines=(
        ("Rising CLA: change in annual cost after 10 years (£)", "RisingChange10"),
        ("Population growth only: change after 10 years (£)", "PopulationChange10"),
        ("Falling CLA: change after 10 years (£)", "FallingChange10"),
        ("Rising CLA: change in children over 10 years", "RisingActivity10"),
        ("Rising CLA: calibrated rise in the rate per 10,000 a year", "RisingTrend"),
        ("Rising CLA: calibrated years the rate rises", "RisingYears"),
        ("Blended weekly unit cost derived from the published figures (£)", "DerivedWeeklyCost"),
    ),
)
