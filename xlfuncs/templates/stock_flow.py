"""Template ``stock_flow.xlsx``: the SSDA903 stock-flow model held as ranges, with its projection.

The workbook holds aggregated numbers only (no child-level data): children in each state
(stream x age band x placement: 60 states, UASC and other children, DfE's placement
categories; 20 for a model estimated with cs-demand-model's conventions), the daily transition
probabilities between states, the daily probability of leaving care and the daily entrants,
as estimated by ``xlfuncs forecast-903`` from SSDA903 episodes. A Scenario sheet scales entrants, exits and moves per state; the
Projection sheet projects the adjusted model month by month with ``LAC_STOCKFLOW_PROJECT``,
the total with its band of two standard deviations and the cost of care. The Backtest sheet
holds every forecasting method's past forecasts of the total against the children actually in
care, scored with ``FORECAST_MAPE`` and ``FORECAST_COVERAGE`` (``forecast-903 --backtest``).

The committed template carries the model estimated from the bundled SYNTHETIC samples
(``samples/ssda903``, reference year April 2022 to March 2023). ``xlfuncs forecast-903 DIR
--template OUT.xlsx`` writes a council's own estimates into a copy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs.resources import samples_dir
from xlfuncs.templates import Template, to_bytes
from xlfuncs.templates._backtest import add_backtest_sheet, sample_backtest
from xlfuncs.templates._layout import (
    DERIVED_FILL,
    INPUT_FILL,
    MONEY,
    OUTPUT_FILL,
    define,
    header_row,
    new_workbook,
    note,
    sheet_title,
)

SAMPLES = samples_dir() / "ssda903"
SAMPLE_REFERENCE = (dt.date(2022, 4, 1), dt.date(2023, 3, 31))
#: Illustrative weekly costs (REFERENCE: foster care about £600-650 a week, a council
#: children's home about £3,000, 2016-17 prices); the other groups' are placeholders.
DEFAULT_COSTS = {"fostering": 650.0, "secure_homes": 3000.0, "residential_schools": 3000.0,
                 "with_parents": 300.0, "adoption": 300.0, "other": 800.0,
                 # cs-demand-model's categories, for a model estimated with its conventions
                 "residential": 3000.0, "supported": 1000.0}
DEFAULT_INFLATION = 0.03
FIRST = 8  # first state row on Model and Scenario


def _round(values) -> list[float]:
    """Values rounded to 12 significant digits, so the built bytes are the same everywhere."""
    return [float(f"{float(v):.12g}") for v in np.asarray(values, dtype=float).ravel()]


def sample_model():
    """The model estimated from the bundled synthetic samples, or None without them."""
    if not (SAMPLES / "2023" / "episodes.csv").is_file():
        return None
    from xlfuncs.data.ssda903 import read_ssda903
    from xlfuncs.methods.stock_flow.model import estimate

    return estimate(read_ssda903(SAMPLES), *SAMPLE_REFERENCE)


def _band_chart(sheet, top: int, bottom: int, total: str, lower: str, upper: str, anchor: str) -> None:
    """Children in care at each month end, with the +-2 sd band as dashed lines."""
    from openpyxl.chart import LineChart, Reference

    chart = LineChart()
    chart.title = "Children looked after: projection and band"
    chart.y_axis.title = "Children"
    chart.x_axis.title = "Month end"
    chart.x_axis.number_format = "mmm yy"
    chart.height, chart.width = 8, 18
    for column in (total, lower, upper):
        index = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(column)))
        data = Reference(sheet, min_col=index, min_row=top - 1, max_row=bottom)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, min_row=top, max_row=bottom))
    for series in chart.series[1:]:
        series.graphicalProperties.line.dashStyle = "dash"
    for series in chart.series:
        series.smooth = False
    sheet.add_chart(chart, anchor)


def build(model=None, costs: dict[str, float] | None = None, inflation: float | None = None,
          months: int = 24, backtest=None) -> Workbook:
    """The workbook, holding ``model`` (default: the synthetic samples' model) and the
    back-test of the forecasting methods (default: the samples' with their model)."""
    from xlfuncs.methods.stock_flow.states import DEFAULT

    sample = model is None
    if model is None:
        model = sample_model()
    space = model.space if model is not None else DEFAULT
    n = space.n
    placements = space.placements
    costs = {**DEFAULT_COSTS, **(costs or {})}
    inflation = DEFAULT_INFLATION if inflation is None else float(inflation)
    labels = space.labels
    names = [f"{s} {b} {p}" if len(space.streams) > 1 else f"{b} {p}" for s, b, p in labels]
    last = FIRST + n - 1
    workbook = new_workbook(
        "Stock-flow forecast of children looked after",
        "The SSDA903 stock-flow model (the method of Social Finance's open demand model): "
        "children in each stream (UASC or not) x age band x placement state, daily transition "
        "probabilities, exits and entrants, projected day by day. Yellow cells are inputs "
        "written by `xlfuncs forecast-903 DIR --template OUT.xlsx`; the values shipped come "
        "from the SYNTHETIC samples in samples/ssda903, not from any council.",
        [
            "Stock-flow method: cs-demand-model (Social Finance), as in seed 003 (Thurrock DPH report 2017)",
            "Placements: DfE's published categories of children looked after; UASC a stream of "
            "their own (the SSDA903 UASC table)",
            "Projection P(t+1) = M P(t) + e; band: +-2 sd from multinomial daily flows and Poisson entrants",
            "Weekly costs: illustrative (REFERENCE: foster care ~£600-650, council children's home ~£3,000 a week)",
        ],
    )

    # --- Model: the estimated ranges -------------------------------------------------------
    sheet = workbook.create_sheet("Model")
    sheet_title(sheet, "Estimated model (SYNTHETIC sample values until replaced)")
    rows = (("Projection starts after", model.start if model else dt.date(2023, 3, 31)),
            ("Reference period from", model.reference_start if model else SAMPLE_REFERENCE[0]),
            ("Reference period to", model.reference_end if model else SAMPLE_REFERENCE[1]),
            ("Conventions", model.conventions if model else "xlfuncs"))
    for offset, (label, value) in enumerate(rows, start=2):
        sheet.cell(row=offset, column=1, value=label)
        cell = sheet.cell(row=offset, column=4, value=value)
        cell.fill = INPUT_FILL
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    define(workbook, "StartDate", sheet, "D2")
    header_row(sheet, FIRST - 1, ["Stream", "Age band", "Placement", "Stock (input)",
                                  "Entrants per day", "Exits per day"]
               + [f"to {name}" for name in names])
    stock = _round(model.stock) if model else [0.0] * n
    entrants = _round(model.entrants) if model else [0.0] * n
    exits = _round(model.exits) if model else [0.0] * n
    rates = np.asarray(model.rates if model else np.zeros((n, n)), dtype=float).copy()
    np.fill_diagonal(rates, 0.0)  # moves within a state change no count
    for i, (stream, band, placement) in enumerate(labels):
        row = FIRST + i
        sheet.cell(row=row, column=1, value=stream)
        sheet.cell(row=row, column=2, value=band)
        sheet.cell(row=row, column=3, value=placement)
        for col, value in ((4, stock[i]), (5, entrants[i]), (6, exits[i])):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.fill = INPUT_FILL
        for j, value in enumerate(_round(rates[i])):
            cell = sheet.cell(row=row, column=7 + j, value=value)
            cell.fill = INPUT_FILL
            cell.number_format = "0.000000"
    last_col = get_column_letter(6 + n)
    define(workbook, "Stock", sheet, f"D{FIRST}:D{last}")
    define(workbook, "Entrants", sheet, f"E{FIRST}:E{last}")
    define(workbook, "Exits", sheet, f"F{FIRST}:F{last}")
    define(workbook, "Transitions", sheet, f"G{FIRST}:{last_col}{last}")
    sheet.cell(row=last + 1, column=1, value="All states")
    sheet[f"D{last + 1}"] = f"=SUM(D{FIRST}:D{last})"
    sheet[f"E{last + 1}"] = f"=SUM(E{FIRST}:E{last})*365"
    sheet[f"F{last + 1}"] = "(entrants per year)"
    define(workbook, "StockTotal", sheet, f"D{last + 1}")
    note(sheet, f"A{last + 3}", "Transitions: daily probability that a child in the row's state "
         "is in the column's state the next day; ageing between bands, and a UASC child's status "
         "ending, are transitions too.")
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 9
    sheet.column_dimensions["C"].width = 20
    sheet.freeze_panes = f"D{FIRST}"

    # --- Scenario: per-state factors ---------------------------------------------------------
    scen = workbook.create_sheet("Scenario")
    sheet_title(scen, "Scenario: change entrants, exits and moves state by state (1 = as estimated)")
    note(scen, "A3", "Entrants x and + per day change new entrants; Exits x scales leaving care; "
         "Moves x scales every move out of the state (including ageing into the next band).")
    header_row(scen, FIRST - 1, ["Stream", "Age band", "Placement", "Entrants x",
                                 "Entrants + per day", "Exits x", "Moves x", "Adjusted entrants",
                                 "Adjusted exits"] + [f"to {name}" for name in names])
    for i, (stream, band, placement) in enumerate(labels):
        row = FIRST + i
        scen.cell(row=row, column=1, value=stream)
        scen.cell(row=row, column=2, value=band)
        scen.cell(row=row, column=3, value=placement)
        for col, value in ((4, 1), (5, 0), (6, 1), (7, 1)):
            scen.cell(row=row, column=col, value=value).fill = INPUT_FILL
        scen.cell(row=row, column=8, value=f"=Model!E{row}*D{row}+E{row}").fill = DERIVED_FILL
        scen.cell(row=row, column=9, value=f"=Model!F{row}*F{row}").fill = DERIVED_FILL
        for j in range(n):
            letter = get_column_letter(7 + j)
            cell = scen.cell(row=row, column=10 + j, value=f"=Model!{letter}{row}*$G{row}")
            cell.fill = DERIVED_FILL
            cell.number_format = "0.000000"
    define(workbook, "AdjEntrants", scen, f"H{FIRST}:H{last}")
    define(workbook, "AdjExits", scen, f"I{FIRST}:I{last}")
    define(workbook, "AdjTransitions", scen, f"J{FIRST}:{get_column_letter(9 + n)}{last}")
    scen.freeze_panes = f"D{FIRST}"

    # --- Costs -----------------------------------------------------------------------------------
    cost = workbook.create_sheet("Costs")
    sheet_title(cost, "Weekly cost of a placement, today's prices (illustrative: replace)")
    header_row(cost, 3, ["Placement", "Weekly cost (£)"])
    for k, placement in enumerate(placements):
        cost.cell(row=4 + k, column=1, value=placement)
        cell = cost.cell(row=4 + k, column=2, value=float(costs.get(placement, 0.0)))
        cell.fill = INPUT_FILL
        cell.number_format = MONEY
    end_groups = 3 + len(placements)
    inflation_row = end_groups + 2
    cost[f"A{inflation_row}"] = "Inflation a year"
    cost[f"B{inflation_row}"] = inflation
    cost[f"B{inflation_row}"].fill = INPUT_FILL
    cost[f"B{inflation_row}"].number_format = "0.0%"
    define(workbook, "Inflation", cost, f"B{inflation_row}")
    top_costs = inflation_row + 3
    header_row(cost, top_costs - 1, ["Stream", "Age band", "Placement", "Weekly cost (£)"])
    for i, (stream, band, placement) in enumerate(labels):
        row = top_costs + i
        cost.cell(row=row, column=1, value=stream)
        cost.cell(row=row, column=2, value=band)
        cost.cell(row=row, column=3, value=placement)
        cell = cost.cell(row=row, column=4,
                         value=f"=INDEX($B$4:$B${end_groups},MATCH(C{row},$A$4:$A${end_groups},0))")
        cell.fill = DERIVED_FILL
        cell.number_format = MONEY
    define(workbook, "WeeklyCost", cost, f"D{top_costs}:D{top_costs + n - 1}")
    cost.column_dimensions["A"].width = 20
    cost.column_dimensions["B"].width = 16
    cost.column_dimensions["C"].width = 20

    # --- Projection ------------------------------------------------------------------------------
    proj = workbook.create_sheet("Projection")
    sheet_title(proj, "Projected children looked after at each month end")
    top = 5
    bottom = top + months - 1
    header_row(proj, top - 1, ["Month", "Month end", "Days"] + names
               + ["Total", "Lower (-2 sd)", "Upper (+2 sd)", "Cost in month (£)"])
    from xlfuncs.methods.stock_flow.projection import month_ends

    start_day = model.start if model else dt.date(2023, 3, 31)
    for k, day in enumerate(month_ends(start_day, months)):
        row = top + k
        proj.cell(row=row, column=1, value=k + 1)
        cell = proj.cell(row=row, column=2, value=day)
        cell.number_format = "yyyy-mm-dd"
        cell.fill = INPUT_FILL
        proj.cell(row=row, column=3, value=f"=B{row}-StartDate")
    define(workbook, "HorizonDays", proj, f"C{top}:C{bottom}")
    model_args = "Stock,AdjTransitions,AdjExits,AdjEntrants,HorizonDays"
    first_state, last_state = get_column_letter(4), get_column_letter(3 + n)
    proj[f"{first_state}{top}"] = ArrayFormula(
        f"{first_state}{top}:{last_state}{bottom}", f"=LAC_STOCKFLOW_PROJECT({model_args})")
    total_col, low_col, high_col, cost_col = (get_column_letter(4 + n + k) for k in range(4))
    proj[f"{total_col}{top}"] = ArrayFormula(
        f"{total_col}{top}:{total_col}{bottom}", f"=LAC_STOCKFLOW_TOTAL({model_args},0)")
    proj[f"{low_col}{top}"] = ArrayFormula(
        f"{low_col}{top}:{low_col}{bottom}", f"=LAC_STOCKFLOW_TOTAL({model_args},-2)")
    proj[f"{high_col}{top}"] = ArrayFormula(
        f"{high_col}{top}:{high_col}{bottom}", f"=LAC_STOCKFLOW_TOTAL({model_args},2)")
    proj[f"{cost_col}{top}"] = ArrayFormula(
        f"{cost_col}{top}:{cost_col}{bottom}",
        f"=LAC_STOCKFLOW_COST({model_args},WeeklyCost,Inflation)")
    for row in range(top, bottom + 1):
        for col in range(4, 8 + n):
            cell = proj.cell(row=row, column=col)
            cell.fill = OUTPUT_FILL
            cell.number_format = MONEY if col == 7 + n else "0.0"
    summary = bottom + 2
    year_one = min(12, months)
    proj.cell(row=summary, column=1, value="Children in care at the start")
    proj.cell(row=summary, column=3, value="=StockTotal")
    proj.cell(row=summary + 1, column=1, value=f"Children in care after {year_one} months")
    proj.cell(row=summary + 1, column=3, value=f"={total_col}{top + year_one - 1}")
    proj.cell(row=summary + 2, column=1, value=f"Children in care after {months} months")
    proj.cell(row=summary + 2, column=3, value=f"={total_col}{bottom}")
    proj.cell(row=summary + 3, column=1, value=f"Band after {months} months: lower")
    proj.cell(row=summary + 3, column=3, value=f"={low_col}{bottom}")
    proj.cell(row=summary + 4, column=1, value=f"Band after {months} months: upper")
    proj.cell(row=summary + 4, column=3, value=f"={high_col}{bottom}")
    proj.cell(row=summary + 5, column=1, value=f"Cost of care, first {year_one} months (£)")
    proj.cell(row=summary + 5, column=3, value=f"=SUM({cost_col}{top}:{cost_col}{top + year_one - 1})")
    proj.cell(row=summary + 5, column=3).number_format = MONEY
    for k in range(6):
        proj.cell(row=summary + k, column=3).fill = OUTPUT_FILL
        if k < 5:
            proj.cell(row=summary + k, column=3).number_format = "#,##0.0"
    define(workbook, "ChildrenAtStart", proj, f"C{summary}")
    define(workbook, "ChildrenYearOne", proj, f"C{summary + 1}")
    define(workbook, "ChildrenAtEnd", proj, f"C{summary + 2}")
    define(workbook, "LowerAtEnd", proj, f"C{summary + 3}")
    define(workbook, "UpperAtEnd", proj, f"C{summary + 4}")
    define(workbook, "CostYearOne", proj, f"C{summary + 5}")
    note(proj, f"A{summary + 7}", "Band: +-2 standard deviations from chance in the daily flows; "
         "it does not include uncertainty in the estimated rates.")
    note(proj, f"A{summary + 8}", "Month ends are inputs: if you change the start date on the "
         "Model sheet, change them too (the days are counted from the start date).")
    _band_chart(proj, top, bottom, total_col, low_col, high_col, anchor=f"E{summary}")
    proj.column_dimensions["A"].width = 30
    proj.column_dimensions["B"].width = 12
    proj.freeze_panes = f"D{top}"
    add_backtest_sheet(workbook, sample_backtest() if sample and backtest is None else backtest)
    workbook.active = workbook.sheetnames.index("Projection")
    return workbook


def fill_template(path: str | Path, model, costs: dict[str, float] | None = None,
                  inflation: float | None = None, months: int = 24, backtest=None) -> Path:
    """Write a copy of the template holding ``model``'s ranges (and costs) to ``path``.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> out = Path(tempfile.mkdtemp()) / "mine.xlsx"
    >>> _ = fill_template(out, sample_model(), {"fostering": 700}, 0.02, months=12)
    >>> book = openpyxl.load_workbook(out)
    >>> book["Model"]["D8"].value, book["Costs"]["B4"].value, book["Costs"]["B11"].value
    (15, 700, 0.02)
    """
    from xlfuncs.xlsx.atomic import write_bytes

    path = Path(path)
    write_bytes(path, to_bytes(build(model, costs, inflation, months, backtest)))  # whole or not at all
    return path


TEMPLATE = Template(
    filename="stock_flow.xlsx",
    title="Stock-flow forecast of children looked after (SSDA903)",
    build=build,
    headlines=(
        ("Children looked after at the start", "ChildrenAtStart"),
        ("Children looked after after 12 months", "ChildrenYearOne"),
        ("Children looked after after 24 months", "ChildrenAtEnd"),
        ("Band after 24 months, lower", "LowerAtEnd"),
        ("Band after 24 months, upper", "UpperAtEnd"),
        ("Cost of care in the first 12 months (£)", "CostYearOne"),
    ),
)
