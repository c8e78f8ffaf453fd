"""``budget_monitoring.xlsx``: recalculated with xlfuncs functions, it gives the report's
figures; the back-test sheets of the forecast templates score what the methods say."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest

from xlfuncs.methods.budget.backtest import TOTAL
from xlfuncs.methods.forecasting import lac_forecast, lac_forecast_interval
from xlfuncs.templates import WORKBOOKS_DIR
from xlfuncs.templates._backtest import sample_backtest
from xlfuncs.templates.budget_monitoring import TOP, sample_inputs
from xlfuncs.templates.lac_forecast import BACKTEST_FIRST_FIT, BACKTEST_METHODS, HISTORY

PATH = WORKBOOKS_DIR / "budget_monitoring.xlsx"


@pytest.fixture(scope="module")
def inputs():
    return sample_inputs()


@pytest.fixture
def monitoring(recalculated):
    report, values = recalculated(PATH)
    assert report.errors == {}
    return report, values


def test_the_recalculated_forecast_is_the_report(monitoring, inputs):
    _, values = monitoring
    sheet = values["Monitoring"]
    report = inputs["report"]
    lower, upper = report.band()
    for k, name in enumerate(report.lines.names):
        row = TOP + k
        assert sheet[f"A{row}"].value == name
        assert sheet[f"C{row}"].value == report.children_now[k]
        assert sheet[f"H{row}"].value == pytest.approx(report.committed[k], rel=1e-9)
        assert sheet[f"K{row}"].value == pytest.approx(report.projected[k], rel=1e-6, abs=1e-3)
        assert sheet[f"L{row}"].value == pytest.approx(report.projected_sd[k], rel=1e-6)
        assert sheet[f"M{row}"].value == pytest.approx(report.outturn[k], rel=1e-9)
        assert sheet[f"N{row}"].value == pytest.approx(lower[k], rel=1e-9)
        assert sheet[f"O{row}"].value == pytest.approx(upper[k], rel=1e-9)
        budget = inputs["budget"][name]
        assert sheet[f"Q{row}"].value == pytest.approx(report.outturn[k] - budget, rel=1e-9, abs=1e-3)
    total = TOP + len(report.lines.names)
    assert sheet[f"L{total}"].value == pytest.approx(report.total_projected_sd, rel=1e-6)
    assert sheet[f"M{total}"].value == pytest.approx(28_664_803.05, abs=0.01)


def test_history_runs_from_april_to_the_as_at_month(monitoring, inputs):
    _, values = monitoring
    sheet = values["History"]
    months = inputs["months"]
    assert len(months) == 9  # April to December 2022
    for k, month in enumerate(months):
        assert sheet[f"C{5 + k}"].value == pytest.approx(month.outturn.sum(), rel=1e-9)
        assert sheet[f"F{5 + k}"].value == pytest.approx(27_680_000)
    assert sheet["C14"].value is None  # January: not reported yet


def test_sufficiency_needed_and_gap(monitoring, inputs):
    _, values = monitoring
    sheet = values["Sufficiency"]
    needed = inputs["needed"]
    names = inputs["report"].lines.names
    first = 4 + len(names) + 4
    for k in (0, len(needed.dates) - 1):
        for j in range(len(names)):
            want = needed.counts[k, j].sum()
            assert sheet.cell(row=first + k, column=3 + j).value == pytest.approx(want, rel=1e-6)
            places = sheet.cell(row=5 + j, column=2).value
            gap = sheet.cell(row=first + k, column=3 + len(names) + j).value
            if places is None:
                assert gap in (None, "")
            else:
                assert gap == pytest.approx(want - places, rel=1e-6)
    assert sheet.cell(row=5 + names.index("residential"), column=2).value == 48  # 8 + 40


def test_backtest_sheet_scores_the_outturn_backtest(monitoring, inputs):
    report, values = monitoring
    totals = [p for p in inputs["backtest"] if p.line == "Total"]
    # the last 24 month ends, April to February, of the years ended by 31 December 2022
    assert [p.as_at.isoformat() for p in totals][::11] == ["2020-01-31", "2021-01-31", "2022-01-31"]
    assert len(totals) == 24 and all(p.as_at.month != 3 for p in totals)
    nearer = sum(p.beats for p in totals)
    assert report.named("BacktestNearer") == nearer
    apes = [abs(p.forecast - p.outturn) / p.outturn for p in totals]
    assert report.named("BacktestMape") == pytest.approx(np.mean(apes), rel=1e-9)
    inside = np.mean([p.lower <= p.outturn <= p.upper for p in totals])
    assert report.named("BacktestCoverage") == pytest.approx(inside)


def test_no_child_level_data_in_the_template():
    book = openpyxl.load_workbook(PATH)
    texts = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)
    for reference in ("190168", "210869", "480944"):
        assert reference not in texts


def test_stock_flow_backtest_sheet_is_the_backtest(recalculated):
    report, values = recalculated(WORKBOOKS_DIR / "stock_flow.xlsx")
    assert report.errors == {}
    result = sample_backtest()
    score = next(s for s in result.scores if s.method == "ets" and s.placement == TOTAL and s.horizon is None)
    sheet = values["Backtest"]
    row = {sheet.cell(row=5 + k, column=1).value: 5 + k for k in range(5)}
    assert set(row) == {"ets", "exponential", "linear", "stock-flow", "stock-flow (cs-demand-model)"}
    assert sheet[f"C{row['ets']}"].value == pytest.approx(score.mape / 100, rel=1e-9)
    stock_flow = next(s for s in result.scores if s.method == "stock-flow" and s.placement == TOTAL
                      and s.horizon is None)
    assert sheet[f"B{row['stock-flow']}"].value == stock_flow.forecasts == 222
    assert sheet[f"C{row['stock-flow']}"].value == pytest.approx(stock_flow.mape / 100, rel=1e-9)
    assert sheet[f"D{row['stock-flow']}"].value == pytest.approx(stock_flow.inside, rel=1e-9)


def test_lac_forecast_backtest_sheet_scores_each_trend_on_the_year_after(recalculated):
    report, values = recalculated(WORKBOOKS_DIR / "lac_forecast.xlsx")
    assert report.errors == {}
    years = [y for y, _, _ in HISTORY]
    counts = [c for _, c, _ in HISTORY]
    for method in BACKTEST_METHODS:
        apes, inside = [], []
        for fitted in range(BACKTEST_FIRST_FIT, len(HISTORY)):
            forecast = lac_forecast(counts[:fitted], 1, method, known_x=years[:fitted])[0]
            low, high = lac_forecast_interval(counts[:fitted], 1, method, 0.95, years[:fitted])[0]
            apes.append(abs(forecast - counts[fitted]) / counts[fitted])
            inside.append(low <= counts[fitted] <= high)
        assert report.named(f"BacktestMape{method.capitalize()}") == pytest.approx(np.mean(apes), rel=1e-9)
    sheet = values["Backtest"]
    assert sheet["B5"].value == len(HISTORY) - BACKTEST_FIRST_FIT
