"""Back-testing: each forecast made at a past origin, and its actual, checked one by one."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.support.paths import SAMPLES
from xlfuncs.data.budget_files import read_costs
from xlfuncs.data.ssda903 import read_ssda903
from xlfuncs.methods.budget.backtest import (
    STOCK_FLOW,
    STOCK_FLOW_PEER,
    TOTAL,
    count_backtest,
    origins_for,
    outturn_backtest,
    outturn_month_ends,
    summarise,
    trend_backtest,
    year_actual,
    yearly_counts,
)
from xlfuncs.methods.budget.known import known_at
from xlfuncs.methods.budget.lines import LineMap
from xlfuncs.methods.budget.outturn import month_end
from xlfuncs.methods.budget.prices import price_list
from xlfuncs.methods.forecasting import lac_forecast
from xlfuncs.methods.stock_flow.episodes import to_days
from xlfuncs.methods.stock_flow.forecast import forecast
from xlfuncs.methods.stock_flow.model import estimate
from xlfuncs.methods.stock_flow.placements import DFE_CATEGORIES, PLACEMENTS

RETURN = SAMPLES / "ssda903"


@pytest.fixture(scope="module")
def table():
    return read_ssda903(RETURN)


@pytest.fixture(scope="module")
def result(table):
    return count_backtest(table, 24, 12, peer_table=read_ssda903(RETURN, conventions="cs-demand-model"))


def children_in_care(table, date: dt.date) -> int:
    """Counted one episode at a time: in care at the end of the day."""
    day = to_days(date)
    return sum(1 for s, e in zip(table.start.tolist(), table.end.tolist(), strict=True) if s <= day < e)


def test_origins_are_the_last_24_month_ends_with_a_year_before(table, result):
    assert result.origins == origins_for(table, 24)
    assert result.origins[0] == dt.date(2021, 3, 31) and result.origins[-1] == dt.date(2023, 2, 28)
    assert len(result.origins) == 24


def test_each_stock_flow_forecast_is_the_model_fitted_at_its_origin(table, result):
    for origin in (dt.date(2021, 3, 31), dt.date(2022, 6, 30)):
        model = estimate(known_at(table, origin), origin - dt.timedelta(days=364), origin)
        expected = forecast(model, 12)
        points = [p for p in result.points if p.method == STOCK_FLOW and p.origin == origin and p.placement == TOTAL]
        assert [p.horizon for p in points] == list(range(1, len(points) + 1))
        for p in points:
            assert p.date == expected.dates[p.horizon - 1]
            assert p.forecast == pytest.approx(expected.total[p.horizon - 1], rel=1e-12)
            assert p.actual == children_in_care(table, p.date)


def test_forecasts_are_scored_only_for_months_that_have_happened(result):
    assert max(p.date for p in result.points) == dt.date(2023, 3, 31)
    last = [p for p in result.points if p.method == STOCK_FLOW and p.origin == dt.date(2023, 2, 28)]
    assert {p.horizon for p in last} == {1}


def test_groups_add_up_to_the_total(result):
    by_key: dict = {}
    for p in result.points:
        if p.method == STOCK_FLOW:
            by_key.setdefault((p.origin, p.date), {})[p.placement] = p
    for group in by_key.values():
        assert set(group) == {TOTAL, *DFE_CATEGORIES}
        assert sum(group[g].actual for g in DFE_CATEGORIES) == group[TOTAL].actual
        assert sum(group[g].forecast for g in DFE_CATEGORIES) == pytest.approx(group[TOTAL].forecast)


def test_the_scores_are_the_mean_of_the_errors(result):
    for score in result.scores:
        points = [p for p in result.points if p.method == score.method and p.placement == score.placement
                  and (score.horizon is None or p.horizon == score.horizon)]
        apes = [abs(p.forecast - p.actual) / p.actual * 100 for p in points if p.actual]
        assert score.forecasts == len(points)
        assert score.mape == (pytest.approx(np.mean(apes)) if apes else None)
        bands = [p.lower <= p.actual <= p.upper for p in points if p.lower is not None]
        assert score.inside == (pytest.approx(np.mean(bands)) if bands else None)
    headline = {s.method: s for s in result.scores if s.placement == TOTAL and s.horizon is None}
    assert set(headline) == {STOCK_FLOW, STOCK_FLOW_PEER, "linear", "exponential", "ets"}
    assert headline[STOCK_FLOW].forecasts == sum(min(12, 24 - k) for k in range(24)) == 222
    assert headline[STOCK_FLOW].mape == pytest.approx(2.3633, abs=5e-4)
    assert headline[STOCK_FLOW].inside == pytest.approx(197 / 222)


def test_the_peer_is_scored_against_the_children_dfe_counts(table, result):
    peer = [p for p in result.points if p.method == STOCK_FLOW_PEER and p.placement == TOTAL]
    assert peer and all(p.actual == children_in_care(table, p.date) for p in peer[:12])
    assert any("not estimated" in note for note in result.notes)  # an infinite rate at one origin


def test_trend_methods_on_the_yearly_counts(table):
    dates, counts, names = yearly_counts(table)
    assert dates[0] == dt.date(2018, 3, 31) and dates[-1] == dt.date(2023, 3, 31)
    assert counts.sum(axis=1)[-1] == children_in_care(table, dt.date(2023, 3, 31)) == 417
    points, _ = trend_backtest(table, [dt.date(2021, 3, 31), dt.date(2021, 4, 30)], horizon_years=2)
    assert {p.origin for p in points} == {dt.date(2021, 3, 31)}  # only a 31 March is an origin
    years = [d.year for d in dates]
    for method in ("linear", "exponential", "ets"):
        total = [p for p in points if p.method == method and p.placement == TOTAL]
        want = lac_forecast(counts[:4].sum(axis=1), 2, method, known_x=years[:4])
        assert [p.forecast for p in total] == pytest.approx(want.tolist())
        assert [p.horizon for p in total] == [12, 24]
        assert [p.actual for p in total] == counts[4:6].sum(axis=1).tolist()


def test_summarise_nothing():
    assert summarise([]) == []


# -------------------------------------------------------------------- the outturn


@pytest.fixture(scope="module")
def prices():
    return price_list(read_costs(SAMPLES / "budget_costs.csv"), LineMap())


def test_outturn_backtest_month_by_month(prices):
    as_at = dt.date(2023, 3, 31)
    table = read_ssda903(RETURN, known_at=as_at)
    dates = outturn_month_ends(table, as_at, 24)
    # April to February of 2022-23 and 2021-22, January and February of 2020-21
    assert dates[0] == dt.date(2021, 1, 31) and dates[-1] == dt.date(2023, 2, 28) and len(dates) == 24
    points = outturn_backtest(table, dates, LineMap(), prices)
    totals = [p for p in points if p.line == "Total"]
    assert [p.as_at for p in totals] == dates
    outturn_2223 = year_actual(table, dt.date(2023, 3, 31), LineMap(), prices).sum()
    # the year's outturn is the month-end report at 31 March: everything actual, nothing left
    last = month_end(table, dt.date(2023, 3, 31), LineMap(), prices)
    assert outturn_2223 == pytest.approx(last.actual.sum())
    for p in totals:
        report = month_end(known_at(table, p.as_at), p.as_at, LineMap(), prices)
        assert p.forecast == pytest.approx(report.outturn.sum())
        assert p.standing_still == pytest.approx(report.actual.sum() + report.committed.sum())
        assert p.beats == (abs(p.forecast - p.outturn) < abs(p.standing_still - p.outturn))
        if p.year_start == dt.date(2022, 4, 1):
            assert p.outturn == pytest.approx(outturn_2223)
    # on the samples the projection beats actual plus committed at half the month ends, and
    # the outturn falls inside the band at all but one (January 2021)
    assert sum(p.beats for p in totals) == 12
    assert [p.as_at for p in totals if not p.inside] == [dt.date(2021, 1, 31)]


def test_no_code_unpriced_in_the_sample_costs():
    used = {str(c) for c in read_ssda903(RETURN).place}
    assert all(c in PLACEMENTS for c in used)
