"""Template ``budget_monitoring.xlsx``: the month-end forecast outturn of the placement budget.

What a children's services finance business partner reports each month, by budget line:
actual to date, committed (the placements open today continued to 31 March), projected (the
stock-flow model's exits, entrants and moves to 31 March, with its band), forecast outturn,
budget and variance, and a chart of the forecast outturn against budget month by month through
the year. The workbook holds aggregated figures only (no child-level data, no child's
reference): the totals by line ``xlfuncs budget-903`` computed, and the model over budget lines
(children in each stream x age band x line, daily transitions, exits and entrants), which
``LAC_STOCKFLOW_COST`` and ``LAC_STOCKFLOW_COST_SD`` recalculate into the projected cost and its
band. Sufficiency (children needed in each line at each month end for 24 months, by
``LAC_STOCKFLOW_PROJECT``, against the places held), the high-cost tail and the outturn
back-test (each past month end's forecast against the year's outturn, scored by
``FORECAST_MAPE`` and ``FORECAST_COVERAGE``) have a sheet each. The About sheet records the
as-at date, the reference window and the costs file with its SHA-256.

The committed template carries the report on the bundled SYNTHETIC samples as at 31 December
2022 (``samples/ssda903``, ``samples/budget_costs.csv``, ``samples/budget.csv``,
``samples/budget_capacity.csv``). ``xlfuncs budget-903 DIR --template OUT.xlsx`` writes a
council's own figures into a copy.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs.resources import samples_dir
from xlfuncs.templates import Template, to_bytes
from xlfuncs.templates._layout import (
    DERIVED_FILL,
    INPUT_FILL,
    MONEY,
    OUTPUT_FILL,
    PERCENT,
    define,
    header_row,
    new_workbook,
    note,
    sheet_title,
)

SAMPLE_AS_AT = dt.date(2022, 12, 31)
SAMPLE_FILES = ("budget_costs.csv", "budget.csv", "budget_capacity.csv")
MAX_STATES = 64  # the LAC_STOCKFLOW_ functions' limit
COUNT_1DP = "#,##0.0"
DATE = "yyyy-mm-dd"
TOP = 7  # first line row on Monitoring
FIRST_STATE = 6  # first state row on Model


def _round(value) -> float:
    """A value rounded to 12 significant digits, so the built bytes are the same everywhere."""
    return float(f"{float(value):.12g}")


@lru_cache(maxsize=1)
def sample_inputs():
    """Everything the committed template holds, computed from the bundled synthetic samples
    (None without them)."""
    samples = samples_dir()
    if not (samples / "ssda903" / "2023" / "episodes.csv").is_file() or not all(
            (samples / name).is_file() for name in SAMPLE_FILES):
        return None
    from xlfuncs.data.budget_files import digest, read_budget, read_capacity, read_costs
    from xlfuncs.data.ssda903 import read_ssda903
    from xlfuncs.methods.budget.backtest import outturn_backtest, outturn_month_ends
    from xlfuncs.methods.budget.lines import LineMap
    from xlfuncs.methods.budget.outturn import month_end
    from xlfuncs.methods.budget.prices import price_list
    from xlfuncs.methods.budget.sufficiency import capacity_table, high_cost_tail, placements_needed

    costs, budget_file, capacity_file = (samples / name for name in SAMPLE_FILES)
    table = read_ssda903(samples / "ssda903", known_at=SAMPLE_AS_AT)
    lines = LineMap()
    prices = price_list(read_costs(costs), lines)
    report = month_end(table, SAMPLE_AS_AT, lines, prices)
    months = [month_end(table, d, lines, prices) for d in _month_ends_before(report)] + [report]
    needed = placements_needed(report.model, 24)
    priced = report.priced
    tails = high_cost_tail(priced.table, priced.line, priced.weekly, SAMPLE_AS_AT,
                           report.reference_start, needed, (5000.0, 10000.0))
    backtest = outturn_backtest(table, outturn_month_ends(table, SAMPLE_AS_AT, 24), lines, prices)
    provenance = {"costs_file": costs.name, "costs_sha256": digest(costs), "lines_file": "",
                  "lines_sha256": ""}
    capacity = capacity_table(read_capacity(capacity_file), lines.names, report.model.space.bands)
    return dict(report=report, budget=read_budget(budget_file), provenance=provenance,
                months=months, needed=needed, capacity=capacity, tails=tails, backtest=backtest,
                years=table.years)


def _month_ends_before(report) -> list[dt.date]:
    from xlfuncs.methods.stock_flow.projection import month_ends

    return [d for d in month_ends(report.year_start - dt.timedelta(days=1), 12) if d < report.as_at]


def live_model(report):
    """(state indices kept, labels) of the model: the states that can ever hold a child."""
    from xlfuncs.methods.stock_flow.projection import live_states

    model = report.model
    keep = np.flatnonzero(live_states(model.stock, model.rates, model.entrants))
    if keep.size > MAX_STATES:
        raise ValueError(f"the model has {keep.size} states that can hold a child; the template "
                         f"holds at most {MAX_STATES}: use fewer budget lines")
    return keep, [model.space.labels[i] for i in keep]


def build(report=None, budget=None, provenance=None, months=None, needed=None, capacity=None,
          tails=None, backtest=None, years=None) -> Workbook:
    """The workbook, holding ``report`` (default: the synthetic samples' report)."""
    if report is None:
        inputs = sample_inputs()
        if inputs is None:
            raise FileNotFoundError("budget_monitoring.xlsx is built from the bundled samples, "
                                    "which this installation does not have")
        return build(**inputs)
    provenance = provenance or {}
    workbook = new_workbook(
        "Placement budget: month-end forecast outturn",
        "The month-end forecast outturn of the placement budget by line: actual to date, "
        "committed (placements open today continued to 31 March at today's cost), projected "
        "(the stock-flow model's exits, entrants and moves to 31 March, with a band of two "
        "standard deviations), against budget; sufficiency against the places held; the "
        "outturn back-test. Aggregated figures only. Yellow cells are inputs written by "
        "`xlfuncs budget-903 DIR --as-at DATE --costs COSTS.csv --template OUT.xlsx`; the values "
        "shipped come from the SYNTHETIC samples, not from any council.",
        [
            "SSDA903 return read as DfE's guide defines it; short breaks (LS V3, V4) left out",
            "Budget lines: in-house fostering, agency fostering (by PLACE_PROVIDER), residential, "
            "supported accommodation, secure, other (or the council's mapping)",
            "Stock-flow model over stream x age band x budget line (the method of Social "
            "Finance's open demand model), estimated over the reference window",
            "Band of the projected cost: exact variance of the priced daily counts (LAC_STOCKFLOW_COST_SD)",
        ],
    )
    about = workbook["About"]
    _provenance(workbook, about, report, provenance, years)
    keep, labels = live_model(report)
    monitoring = workbook.create_sheet("Monitoring")
    model_sheet = workbook.create_sheet("Model")
    _model(workbook, model_sheet, report, keep, labels)
    _monitoring(workbook, monitoring, report, budget, len(keep))
    _history(workbook, workbook.create_sheet("History"), report, months or [report])
    _sufficiency(workbook, workbook.create_sheet("Sufficiency"), report, needed, capacity or {},
                 tails or [], len(keep))
    _backtest(workbook, workbook.create_sheet("Backtest"), backtest or [])
    workbook.active = workbook.sheetnames.index("Monitoring")
    return workbook


def _provenance(workbook, about, report, provenance, years) -> None:
    row = 15
    about.cell(row=row, column=1, value="Figures").font = Font(bold=True)
    fy = f"{report.year_start.year}-{str(report.year_end.year)[2:]}"
    items = [
        ("As-at date", report.as_at, "AsAt"),
        ("Financial year", fy, None),
        ("Year end", report.year_end, "YearEnd"),
        ("Reference window from", report.reference_start, "ReferenceStart"),
        ("Reference window to", report.reference_end, "ReferenceEnd"),
        ("Costs file", provenance.get("costs_file", ""), None),
        ("Costs file SHA-256", provenance.get("costs_sha256", ""), "CostsDigest"),
        ("Budget lines", provenance.get("lines_file") or "the default lines", None),
        ("Line map SHA-256", provenance.get("lines_sha256", ""), None),
        ("Return's collection years", ", ".join(str(y) for y in years or ()), None),
        ("Known at", "only what the return held at the end of the as-at date", None),
    ]
    for offset, (label, value, name) in enumerate(items, start=1):
        about.cell(row=row + offset, column=1, value=label)
        cell = about.cell(row=row + offset, column=2, value=value)
        if isinstance(value, dt.date):
            cell.number_format = DATE
        if name:
            define(workbook, name, about, f"B{row + offset}")
    about.column_dimensions["A"].width = 26


def _line_rows(report) -> tuple[int, int]:
    return TOP, TOP + len(report.lines.names) - 1


def _model(workbook, sheet, report, keep, labels) -> None:
    model = report.model
    names = report.lines.names
    n = keep.size
    sheet_title(sheet, "The model over budget lines (aggregated: children per state, daily rates)")
    note(sheet, "A2", "States that can never hold a child are left out. Transitions: daily "
         "probability that a child in the row's state is in the column's state the next day "
         "(ageing into the next band and a UASC child's status ending are transitions too).")
    note(sheet, "A3", f"Estimated over {report.reference_start} to {report.reference_end}; the "
         "projection starts from the children in care at the end of the as-at date.")
    first_line_col = 8
    matrix_col = first_line_col + len(names)
    header_row(sheet, FIRST_STATE - 1,
               ["Stream", "Age band", "Line", "Stock (input)", "Entrants per day", "Exits per day",
                "Weekly cost (£)", *names, *[f"to {s} {b} {p}" for s, b, p in labels]])
    rates = np.asarray(model.rates, dtype=float)[np.ix_(keep, keep)].copy()
    np.fill_diagonal(rates, 0.0)
    last = FIRST_STATE + n - 1
    top, bottom = _line_rows(report)
    for i, (stream, band, line) in enumerate(labels):
        row = FIRST_STATE + i
        state = int(keep[i])
        sheet.cell(row=row, column=1, value=stream)
        sheet.cell(row=row, column=2, value=band)
        sheet.cell(row=row, column=3, value=line)
        for col, value in ((4, model.stock[state]), (5, model.entrants[state]), (6, model.exits[state])):
            sheet.cell(row=row, column=col, value=_round(value)).fill = INPUT_FILL
        cell = sheet.cell(row=row, column=7, value=f"=INDEX(Monitoring!$J${top}:$J${bottom},"
                          f"MATCH(C{row},Monitoring!$A${top}:$A${bottom},0))")
        cell.fill, cell.number_format = DERIVED_FILL, MONEY
        for k in range(len(names)):
            letter = get_column_letter(first_line_col + k)
            cell = sheet.cell(row=row, column=first_line_col + k,
                              value=f"=IF($C{row}={letter}${FIRST_STATE - 1},$G{row},0)")
            cell.fill, cell.number_format = DERIVED_FILL, MONEY
        for j in range(n):
            cell = sheet.cell(row=row, column=matrix_col + j, value=_round(rates[i, j]))
            cell.fill, cell.number_format = INPUT_FILL, "0.000000"
    define(workbook, "Stock", sheet, f"D{FIRST_STATE}:D{last}")
    define(workbook, "Entrants", sheet, f"E{FIRST_STATE}:E{last}")
    define(workbook, "Exits", sheet, f"F{FIRST_STATE}:F{last}")
    define(workbook, "WeeklyCost", sheet, f"G{FIRST_STATE}:G{last}")
    define(workbook, "Transitions", sheet, f"{get_column_letter(matrix_col)}{FIRST_STATE}:"
           f"{get_column_letter(matrix_col + n - 1)}{last}")
    for k in range(len(names)):
        letter = get_column_letter(first_line_col + k)
        define(workbook, f"WeeklyCost{k + 1}", sheet, f"{letter}{FIRST_STATE}:{letter}{last}")
    sheet.column_dimensions["C"].width = 24
    sheet.freeze_panes = f"D{FIRST_STATE}"


def _monitoring(workbook, sheet, report, budget, n_states: int) -> None:
    names = report.lines.names
    last_state = FIRST_STATE + n_states - 1
    top, bottom = _line_rows(report)
    total = bottom + 1
    sheet_title(sheet, "Forecast outturn against budget, by placement line")
    sheet["A2"], sheet["C2"] = "As-at date", "=AsAt"
    sheet["C2"].number_format = DATE
    sheet["A3"], sheet["C3"] = "Days left to 31 March", "=YearEnd-AsAt"
    sheet["A4"], sheet["C4"] = "Band (standard deviations)", float(report.sds)
    sheet["C4"].fill = INPUT_FILL
    define(workbook, "DaysLeft", sheet, "C3")
    define(workbook, "Sds", sheet, "C4")
    header_row(sheet, TOP - 1, [
        "Line", "Label", "Children now", "Weekly cost now (£)", "Care days to date",
        "Actual to date (£)", "Days left", "Committed (£)", "Reference-window weekly cost (£)",
        "Weekly cost of a projected week (£)", "Projected (£)", "Projected sd (£)",
        "Forecast outturn (£)", "Lower (£)", "Upper (£)", "Budget (£)", "Variance (£)", "Variance %",
    ])
    model = "Stock,Transitions,Exits,Entrants,DaysLeft"
    for k, name in enumerate(names):
        row = top + k
        budget_value = None if budget is None else budget.get(name)
        values = {1: name, 2: report.lines.label(name),
                  4: _round(report.weekly_now[k]), 5: _round(report.days_to_date[k]),
                  6: _round(report.actual[k]), 9: _round(report.line_weekly[k]),
                  16: None if budget_value is None else _round(budget_value)}
        for col, value in values.items():
            cell = sheet.cell(row=row, column=col, value=value)
            if col >= 3:
                cell.fill = INPUT_FILL
        formulas = {
            3: f"=SUMIF(Model!$C${FIRST_STATE}:$C${last_state},A{row},Stock)", 7: "=DaysLeft", 8: f"=D{row}*G{row}/7", 10: f"=IF(C{row}>0,D{row}/C{row},I{row})",
            11: f"=SUM(LAC_STOCKFLOW_COST({model},WeeklyCost{k + 1}))-H{row}",
            12: f"=SUM(LAC_STOCKFLOW_COST_SD({model},WeeklyCost{k + 1}))",
            13: f"=F{row}+H{row}+K{row}", 14: f"=MAX(F{row},M{row}-Sds*L{row})",
            15: f"=M{row}+Sds*L{row}", 17: f"=M{row}-P{row}", 18: f'=IF(P{row}=0,"",Q{row}/P{row})',
        }
        for col, formula in formulas.items():
            sheet.cell(row=row, column=col, value=formula).fill = (
                OUTPUT_FILL if col in (11, 13, 14, 15, 17, 18) else DERIVED_FILL)
    sheet.cell(row=total, column=1, value="Total").font = Font(bold=True)
    sheet.cell(row=total, column=2, value="All placement lines")
    for col in (3, 4, 5, 6, 8, 11, 13, 16, 17):
        letter = get_column_letter(col)
        sheet.cell(row=total, column=col, value=f"=SUM({letter}{top}:{letter}{bottom})").fill = OUTPUT_FILL
    sheet.cell(row=total, column=7, value="=DaysLeft")
    sheet.cell(row=total, column=12, value=f"=SUM(LAC_STOCKFLOW_COST_SD({model},WeeklyCost))").fill = OUTPUT_FILL
    sheet.cell(row=total, column=14, value=f"=MAX(F{total},M{total}-Sds*L{total})").fill = OUTPUT_FILL
    sheet.cell(row=total, column=15, value=f"=M{total}+Sds*L{total}").fill = OUTPUT_FILL
    sheet.cell(row=total, column=18, value=f'=IF(P{total}=0,"",Q{total}/P{total})').fill = OUTPUT_FILL
    for row in range(top, total + 1):
        for col in range(4, 18):
            if col not in (5, 7):
                sheet.cell(row=row, column=col).number_format = MONEY
        sheet.cell(row=row, column=3).number_format = "#,##0"
        sheet.cell(row=row, column=5).number_format = "#,##0"
        sheet.cell(row=row, column=18).number_format = PERCENT
    for name, letter in (("ActualToDate", "F"), ("Committed", "H"), ("Projected", "K"),
                         ("ForecastOutturn", "M"), ("ForecastLower", "N"), ("ForecastUpper", "O"),
                         ("TotalBudget", "P"), ("Variance", "Q"), ("ChildrenNow", "C")):
        define(workbook, name, sheet, f"{letter}{total}")
    note(sheet, f"A{total + 2}", "Actual to date: days of care from 1 April to the as-at date "
         "(the day a placement ends not counted) x weekly cost / 7. Committed: placements open "
         "at the as-at date continued to 31 March at their current cost. Projected: the model's "
         "exits, entrants and moves to 31 March, each projected week priced at its line's weekly "
         "cost (column J); the band is +-Sds standard deviations of chance in the daily flows.")
    note(sheet, f"A{total + 3}", "Prices are today's throughout: the figures price the volume "
         "of care, not the invoices. Variance: forecast outturn - budget (positive: overspend).")
    _variance_chart(sheet, top, bottom, f"A{total + 5}")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 30
    for col in range(3, 19):
        sheet.column_dimensions[get_column_letter(col)].width = 14
    sheet.freeze_panes = f"C{top}"


def _variance_chart(sheet, top: int, bottom: int, anchor: str) -> None:
    """Forecast outturn and budget side by side for each line."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Forecast outturn against budget, by line"
    chart.x_axis.title = "Line"
    chart.y_axis.title = "£"
    chart.height, chart.width = 9, 20
    for col in (13, 16):
        chart.add_data(Reference(sheet, min_col=col, min_row=top - 1, max_row=bottom), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=top, max_row=bottom))
    sheet.add_chart(chart, anchor)


def _history(workbook, sheet, report, months) -> None:
    from xlfuncs.methods.stock_flow.projection import month_ends

    sheet_title(sheet, "Forecast outturn month by month through the year")
    note(sheet, "A2", "Each month's figures are the report as at that month end, from what the "
         "return held then; the as-at month's row is the Monitoring sheet's total.")
    top = 5
    header_row(sheet, top - 1, ["Month end", "Actual to date (£)", "Forecast outturn (£)",
                                "Lower (£)", "Upper (£)", "Budget (£)"])
    ends = month_ends(report.year_start - dt.timedelta(days=1), 12)
    by_month = {(m.as_at.year, m.as_at.month): m for m in months}
    for k, end in enumerate(ends):
        row = top + k
        found = by_month.get((end.year, end.month))
        day = found.as_at if found is not None else end
        cell = sheet.cell(row=row, column=1, value=day)
        cell.number_format = DATE
        if found is report:
            for col, name in ((2, "ActualToDate"), (3, "ForecastOutturn"), (4, "ForecastLower"),
                              (5, "ForecastUpper")):
                sheet.cell(row=row, column=col, value=f"={name}").fill = OUTPUT_FILL
        elif found is not None:
            lower, upper = found.total_band()
            for col, value in ((2, found.actual.sum()), (3, found.outturn.sum()), (4, lower), (5, upper)):
                sheet.cell(row=row, column=col, value=_round(value)).fill = INPUT_FILL
        sheet.cell(row=row, column=6, value="=TotalBudget")
        for col in range(2, 7):
            sheet.cell(row=row, column=col).number_format = MONEY
    bottom = top + len(ends) - 1
    chart = LineChart()
    chart.title = "Forecast outturn against budget, month by month"
    chart.y_axis.title = "£"
    chart.x_axis.title = "Month end"
    chart.x_axis.number_format = "mmm yy"
    chart.height, chart.width = 9, 20
    for col in (3, 6, 2, 4, 5):
        chart.add_data(Reference(sheet, min_col=col, min_row=top - 1, max_row=bottom), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=top, max_row=bottom))
    for series in chart.series[3:]:
        series.graphicalProperties.line.dashStyle = "dash"
    for series in chart.series:
        series.smooth = False
    sheet.add_chart(chart, "H4")
    sheet.column_dimensions["A"].width = 12
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 16


def _sufficiency(workbook, sheet, report, needed, capacity, tails, n_states) -> None:
    from xlfuncs.methods.budget.sufficiency import ALL_AGES
    from xlfuncs.methods.stock_flow.projection import month_ends

    names = report.lines.names
    sheet_title(sheet, "Sufficiency: placements needed by line against the places held")
    note(sheet, "A2", "Needed: children the model projects in each line at each month end "
         "(LAC_STOCKFLOW_PROJECT). Gap: needed - places held (positive: places to find or buy). "
         "By age band: xlfuncs budget-903 --sufficiency.")
    header_row(sheet, 4, ["Line", "Places held (all ages)"])
    for k, name in enumerate(names):
        sheet.cell(row=5 + k, column=1, value=name)
        places = capacity.get((name, ALL_AGES))
        if places is None and needed is not None:
            bands = [capacity.get((name, b)) for b in needed.bands]
            if any(b is not None for b in bands):
                places = float(sum(b for b in bands if b is not None))
        cell = sheet.cell(row=5 + k, column=2, value=None if places is None else _round(places))
        cell.fill = INPUT_FILL
    cap_top, cap_bottom = 5, 4 + len(names)
    months = 24 if needed is None else len(needed.dates)
    ends = month_ends(report.as_at, months)
    head = cap_bottom + 3
    first = head + 1
    last = first + len(ends) - 1
    need_col, gap_col = 3, 3 + len(names)
    header_row(sheet, head, ["Month end", "Days", *names, *[f"gap {n}" for n in names], "Total needed"])
    state_col = gap_col + len(names) + 2
    for k in range(n_states):
        col = state_col + k
        sheet.cell(row=head - 1, column=col, value=f"=Model!C{FIRST_STATE + k}")
        sheet.cell(row=head, column=col, value=f"=Model!B{FIRST_STATE + k}")
    for k, day in enumerate(ends):
        row = first + k
        sheet.cell(row=row, column=1, value=day).number_format = DATE
        sheet.cell(row=row, column=2, value=f"=A{row}-AsAt")
        span = f"${get_column_letter(state_col)}${head - 1}:${get_column_letter(state_col + n_states - 1)}${head - 1}"
        values = f"${get_column_letter(state_col)}{row}:${get_column_letter(state_col + n_states - 1)}{row}"
        for j in range(len(names)):
            need = sheet.cell(row=row, column=need_col + j,
                              value=f"=SUMIF({span},$A${cap_top + j},{values})")
            need.fill, need.number_format = OUTPUT_FILL, COUNT_1DP
            gap = sheet.cell(row=row, column=gap_col + j,
                             value=f'=IF($B${cap_top + j}="","",{get_column_letter(need_col + j)}{row}-$B${cap_top + j})')
            gap.fill, gap.number_format = OUTPUT_FILL, COUNT_1DP
        total = sheet.cell(row=row, column=gap_col + len(names),
                           value=f"=SUM({get_column_letter(need_col)}{row}:{get_column_letter(gap_col - 1)}{row})")
        total.fill, total.number_format = OUTPUT_FILL, COUNT_1DP
    define(workbook, "SufficiencyDays", sheet, f"B{first}:B{last}")
    sheet.cell(row=head - 1, column=state_col - 1, value="Projected children in each state (line, band):")
    left = get_column_letter(state_col)
    right = get_column_letter(state_col + n_states - 1)
    sheet[f"{left}{first}"] = ArrayFormula(
        f"{left}{first}:{right}{last}",
        "=LAC_STOCKFLOW_PROJECT(Stock,Transitions,Exits,Entrants,SufficiencyDays)")
    for row in range(first, last + 1):
        for col in range(state_col, state_col + n_states):
            sheet.cell(row=row, column=col).number_format = COUNT_1DP
    define(workbook, "NeededAtEnd", sheet, f"{get_column_letter(gap_col + len(names))}{last}")
    _tail_table(workbook, sheet, report, tails, last + 3)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 12
    sheet.freeze_panes = f"C{first}"


def _tail_table(workbook, sheet, report, tails, top: int) -> None:
    sheet.cell(row=top, column=1, value="High-cost tail: placements at or above a weekly cost").font = Font(bold=True)
    header_row(sheet, top + 1, ["Weekly cost at or above (£)", "Weekly cost now (£)",
                                "Projected at 12 months", "Projected at 24 months",
                                "Cost, next 12 months (£)"])
    for k, tail in enumerate(tails):
        row = top + 2 + k
        at = [float(tail.counts[min(m, len(tail.counts)) - 1]) if len(tail.counts) else 0.0 for m in (12, 24)]
        values = (tail.threshold, tail.weekly_now, at[0], at[1], float(tail.cost[:12].sum()))
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=_round(value))
            cell.fill = INPUT_FILL
            cell.number_format = MONEY if col in (1, 2, 5) else COUNT_1DP
    note(sheet, f"A{top + 3 + len(tails)}", "Each line's share of children at that cost today (and "
         "their average cost) applied to the line's projected children; the count today is in "
         "budget-903 --high-cost (a count that small is not for a shared workbook).")


def _backtest(workbook, sheet, points) -> None:
    sheet_title(sheet, "Outturn back-test: past month-end forecasts against the year's outturn")
    note(sheet, "A2", "At each month end of the years that have ended: the forecast outturn the "
         "report gave (from what the return held then), and actual to date plus committed alone, "
         "against what the year cost (the same prices).")
    totals = [p for p in points if p.line == "Total"]
    top = 12
    header_row(sheet, top - 1, ["Month end", "Outturn (£)", "Actual to date (£)", "Committed (£)",
                                "Projected (£)", "Forecast outturn (£)", "Lower (£)", "Upper (£)",
                                "Actual + committed (£)", "Forecast error (£)",
                                "Actual + committed error (£)", "Forecast nearer?", "Inside band?"])
    for k, p in enumerate(totals):
        row = top + k
        sheet.cell(row=row, column=1, value=p.as_at).number_format = DATE
        for col, value in ((2, p.outturn), (3, p.actual_to_date), (4, p.committed),
                           (5, p.projected), (7, p.lower), (8, p.upper)):
            cell = sheet.cell(row=row, column=col, value=_round(value))
            cell.fill, cell.number_format = INPUT_FILL, MONEY
        for col, formula in ((6, f"=C{row}+D{row}+E{row}"), (9, f"=C{row}+D{row}"),
                             (10, f"=F{row}-B{row}"), (11, f"=I{row}-B{row}"),
                             (12, f'=IF(ABS(J{row})<ABS(K{row}),"yes","no")'),
                             (13, f'=IF(AND(B{row}>=G{row},B{row}<=H{row}),"yes","no")')):
            cell = sheet.cell(row=row, column=col, value=formula)
            cell.fill = OUTPUT_FILL
            if col < 12:
                cell.number_format = MONEY
    bottom = top + max(len(totals), 1) - 1
    rows = (
        ("Month ends back-tested", f"=COUNT(A{top}:A{bottom})", "#,##0", "BacktestMonths"),
        ("Forecast outturn nearer the outturn", f'=COUNTIF(L{top}:L{bottom},"yes")', "#,##0", "BacktestNearer"),
        ("MAPE of the forecast outturn", f"=FORECAST_MAPE(B{top}:B{bottom},F{top}:F{bottom})", "0.00%", "BacktestMape"),
        ("MAPE of actual + committed alone", f"=FORECAST_MAPE(B{top}:B{bottom},I{top}:I{bottom})", "0.00%", "BacktestMapeStill"),
        ("Outturns inside the band", f"=FORECAST_COVERAGE(B{top}:B{bottom},G{top}:G{bottom},H{top}:H{bottom})", PERCENT, "BacktestCoverage"),
    )
    if not totals:
        note(sheet, "A4", "No financial year of the return has ended with 12 months of data "
             "before it: nothing to back-test yet.")
    else:
        for k, (label, formula, number_format, name) in enumerate(rows):
            sheet.cell(row=4 + k, column=1, value=label)
            cell = sheet.cell(row=4 + k, column=4, value=formula)
            cell.fill, cell.number_format = OUTPUT_FILL, number_format
            define(workbook, name, sheet, f"D{4 + k}")
    sheet.column_dimensions["A"].width = 14
    for col in range(2, 14):
        sheet.column_dimensions[get_column_letter(col)].width = 15


def fill_template(path: str | Path, report, budget=None, provenance=None, **parts) -> Path:
    """Write a copy of the template holding ``report``'s aggregated figures to ``path``."""
    from xlfuncs.xlsx.atomic import write_bytes

    path = Path(path)
    write_bytes(path, to_bytes(build(report, budget, provenance, **parts)))  # whole or not at all
    return path


TEMPLATE = Template(
    filename="budget_monitoring.xlsx",
    title="Placement budget: month-end forecast outturn by line, sufficiency and back-test (SSDA903)",
    build=build,
    headlines=(
        ("Children in care at the as-at date", "ChildrenNow"),
        ("Actual to date (£)", "ActualToDate"),
        ("Committed to 31 March (£)", "Committed"),
        ("Projected change to 31 March (£)", "Projected"),
        ("Forecast outturn (£)", "ForecastOutturn"),
        ("Budget (£)", "TotalBudget"),
        ("Variance (£)", "Variance"),
        ("Back-test: month ends the forecast was nearer", "BacktestNearer"),
    ),
)
