"""The Backtest sheet of the forecast templates: how good past forecasts of children in care
were, method by method.

Each method's forecasts of the total at every origin and horizon are held (aggregated counts:
forecast, band, actual), and the sheet scores them with ``FORECAST_MAPE`` and
``FORECAST_COVERAGE``; the mean absolute percentage error by placement group comes from
``forecast-903 --backtest``. See :mod:`xlfuncs.methods.budget.backtest`.
"""

from __future__ import annotations

from functools import lru_cache

from openpyxl.styles import Font

from xlfuncs.resources import samples_dir
from xlfuncs.templates._layout import (
    INPUT_FILL,
    OUTPUT_FILL,
    PERCENT,
    define,
    header_row,
    note,
    sheet_title,
)

DATE = "yyyy-mm-dd"


def _round(value) -> float:
    return float(f"{float(value):.12g}")


@lru_cache(maxsize=1)
def sample_backtest():
    """The back-test of every method on the bundled synthetic samples (None without them)."""
    folder = samples_dir() / "ssda903"
    if not (folder / "2023" / "episodes.csv").is_file():
        return None
    from xlfuncs.data.ssda903 import read_ssda903
    from xlfuncs.methods.budget.backtest import count_backtest

    return count_backtest(read_ssda903(folder), 24, 12,
                          peer_table=read_ssda903(folder, conventions="cs-demand-model"))


def add_backtest_sheet(workbook, backtest, sheet_name: str = "Backtest") -> None:
    """Add the sheet holding ``backtest`` (a :class:`~xlfuncs.methods.budget.backtest.Backtest`,
    or None for an empty sheet that says how to fill it)."""
    from xlfuncs.methods.budget.backtest import TOTAL

    sheet = workbook.create_sheet(sheet_name)
    sheet_title(sheet, "Back-test: forecasts made in the past against the children actually in care")
    note(sheet, "A2", "At each origin (a past month end) each method was fitted to what was known "
         "then and forecast the month ends that have since happened. MAPE: mean absolute "
         "percentage error; inside band: share of actuals within the forecast's band.")
    if backtest is None or not backtest.points:
        note(sheet, "A4", "No back-test: run xlfuncs forecast-903 DIR --backtest OUT.csv --template "
             "OUT.xlsx on a return with more than 12 months of data.")
        return
    totals = [p for p in backtest.points if p.placement == TOTAL]
    methods = list(dict.fromkeys(p.method for p in totals))
    groups = [s for s in backtest.scores if s.horizon is None and s.placement != TOTAL]
    summary_top = 5
    header_row(sheet, summary_top - 1, ["Method", "Forecasts of the total scored", "MAPE of the total",
                                        "Actuals inside the band"])
    detail_top = summary_top + len(methods) + 4 + len(groups) + 4
    header_row(sheet, detail_top - 1, ["Method", "Origin", "Month end", "Months ahead",
                                       "Forecast", "Lower", "Upper", "Actual",
                                       "Absolute % error", "Inside band?"])
    row = detail_top
    spans = {}
    for method in methods:
        first = row
        for p in (q for q in totals if q.method == method):
            sheet.cell(row=row, column=1, value=method)
            sheet.cell(row=row, column=2, value=p.origin).number_format = DATE
            sheet.cell(row=row, column=3, value=p.date).number_format = DATE
            sheet.cell(row=row, column=4, value=p.horizon)
            for col, value in ((5, p.forecast), (6, p.lower), (7, p.upper), (8, p.actual)):
                cell = sheet.cell(row=row, column=col, value=None if value is None else _round(value))
                cell.fill, cell.number_format = INPUT_FILL, "#,##0.0"
            cell = sheet.cell(row=row, column=9, value=f'=IF(H{row}=0,"",ABS(E{row}-H{row})/H{row})')
            cell.fill, cell.number_format = OUTPUT_FILL, PERCENT
            cell = sheet.cell(row=row, column=10,
                              value=f'=IF(F{row}="","",IF(AND(H{row}>=F{row},H{row}<=G{row}),"yes","no"))')
            cell.fill = OUTPUT_FILL
            row += 1
        spans[method] = (first, row - 1)
    for k, method in enumerate(methods):
        r = summary_top + k
        first, last = spans[method]
        sheet.cell(row=r, column=1, value=method)
        sheet.cell(row=r, column=2, value=f"=COUNT(E{first}:E{last})").fill = OUTPUT_FILL
        cell = sheet.cell(row=r, column=3, value=f"=FORECAST_MAPE(H{first}:H{last},E{first}:E{last})")
        cell.fill, cell.number_format = OUTPUT_FILL, "0.00%"
        has_band = any(p.lower is not None for p in totals if p.method == method)
        cell = sheet.cell(row=r, column=4, value=(
            f"=FORECAST_COVERAGE(H{first}:H{last},F{first}:F{last},G{first}:G{last})" if has_band else None))
        cell.fill, cell.number_format = OUTPUT_FILL, PERCENT
        if k == 0:
            define(workbook, "BacktestMape", sheet, f"C{r}")
            define(workbook, "BacktestCoverage", sheet, f"D{r}")
    groups_top = summary_top + len(methods) + 3
    sheet.cell(row=groups_top - 2, column=1, value="By placement group, every horizon "
               "(from forecast-903 --backtest)").font = Font(bold=True)
    header_row(sheet, groups_top - 1, ["Method", "Placement group", "Forecasts scored (origins x months ahead)", "MAPE",
                                       "Actuals inside the band"])
    for k, score in enumerate(groups):
        r = groups_top + k
        sheet.cell(row=r, column=1, value=score.method)
        sheet.cell(row=r, column=2, value=score.placement)
        sheet.cell(row=r, column=3, value=score.forecasts)
        for col, value in ((4, None if score.mape is None else score.mape / 100.0), (5, score.inside)):
            cell = sheet.cell(row=r, column=col, value=None if value is None else _round(value))
            cell.fill, cell.number_format = INPUT_FILL, PERCENT
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 20
    for letter in "CDEFGHIJ":
        sheet.column_dimensions[letter].width = 13
