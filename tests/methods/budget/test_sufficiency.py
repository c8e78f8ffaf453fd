"""Sufficiency: placements needed by line and age band against capacity, the gap, and the
high-cost tail."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.support.paths import SAMPLES
from xlfuncs.data.budget_files import read_capacity, read_costs
from xlfuncs.data.ssda903 import read_ssda903
from xlfuncs.methods.budget.lines import LineMap
from xlfuncs.methods.budget.outturn import month_end
from xlfuncs.methods.budget.prices import price_list
from xlfuncs.methods.budget.sufficiency import (
    capacity_table,
    check_thresholds,
    high_cost_tail,
    placements_needed,
    sufficiency_rows,
)
from xlfuncs.methods.errors import InputError, NotFoundError
from xlfuncs.methods.stock_flow.episodes import OPEN, to_days
from xlfuncs.methods.stock_flow.projection import stockflow_project

AS_AT = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def report():
    table = read_ssda903(SAMPLES / "ssda903", known_at=AS_AT)
    return month_end(table, AS_AT, LineMap(), price_list(read_costs(SAMPLES / "budget_costs.csv"), LineMap()))


@pytest.fixture(scope="module")
def needed(report):
    return placements_needed(report.model, 24)


def test_needed_is_the_models_projection_by_line_and_band(report, needed):
    model = report.model
    days = [(d - AS_AT).days for d in needed.dates]
    counts = stockflow_project(model.stock, model.rates, model.exits, model.entrants, days)
    space = model.space
    for j, line in enumerate(needed.lines):
        for b, band in enumerate(needed.bands):
            cols = [i for i, (_, bb, p) in enumerate(space.labels) if p == line and bb == band]
            assert needed.counts[:, j, b] == pytest.approx(counts[:, cols].sum(axis=1), rel=1e-9, abs=1e-9)
    assert needed.dates[0] == dt.date(2023, 1, 31) and needed.dates[-1] == dt.date(2024, 12, 31)


def test_the_gap_is_needed_less_places_held(needed):
    capacity = capacity_table(read_capacity(SAMPLES / "budget_capacity.csv"), needed.lines, needed.bands)
    assert capacity[("residential", "all")] == 48  # in-house beds and framework places added
    rows = list(sufficiency_rows(needed, capacity))
    assert len(rows) == 24 * 6 * 6  # month ends x lines x (five bands and all ages)
    for date, line, band, count, lower, upper, places, gap, gap_upper in rows:
        k = needed.dates.index(date)
        j = needed.lines.index(line)
        if band == "all":
            assert count == pytest.approx(needed.counts[k, j].sum())
        else:
            assert count == pytest.approx(needed.counts[k, j, needed.bands.index(band)])
        assert lower <= count <= upper
        held = capacity.get((line, band))
        if held is None:
            assert gap is None
        else:
            assert places == held and gap == pytest.approx(count - held)
            assert gap_upper == pytest.approx(upper - held)
    residential_now = next(r for r in rows if r[1] == "residential" and r[2] == "all")
    assert residential_now[7] == pytest.approx(residential_now[3] - 48)
    supported = next(r for r in rows if r[1] == "supported_accommodation" and r[2] == "16-18+")
    assert supported[6] == 30 and supported[7] == pytest.approx(supported[3] - 30)


def test_capacity_of_every_band_adds_up_to_the_line():
    bands = ("0-1", "1-5")
    table = capacity_table([("secure", "0-1", 1), ("secure", "1-5", 2)], ("secure",), bands)
    from xlfuncs.methods.budget.sufficiency import Needed

    needed = Needed([dt.date(2023, 1, 31)], ("secure",), bands, np.array([[[0.5, 1.5]]]),
                    np.zeros((1, 1, 2)), np.zeros((1, 1)), None)
    rows = list(sufficiency_rows(needed, table))
    assert rows[-1][2] == "all" and rows[-1][6] == 3 and rows[-1][7] == pytest.approx(-1.0)
    with pytest.raises(NotFoundError, match="not an age band"):
        capacity_table([("secure", "11-15", 1)], ("secure",), bands)
    with pytest.raises(NotFoundError, match="not a budget line"):
        capacity_table([("hostels", "", 1)], ("secure",), bands)


def test_high_cost_tail_now_and_projected(report, needed):
    priced = report.priced
    tails = high_cost_tail(priced.table, priced.line, priced.weekly, AS_AT, report.reference_start,
                           needed, (5000, 10000))
    day = to_days(AS_AT)
    open_now = (priced.table.start <= day) & (priced.table.end == OPEN)
    for tail in tails:
        high = open_now & (priced.weekly >= tail.threshold)
        assert tail.now == int(high.sum())
        assert tail.weekly_now == pytest.approx(priced.weekly[high].sum())
        # at the as-at date the shares reproduce today's count exactly
        shares = np.array([(high & (priced.line == k)).sum() / max((open_now & (priced.line == k)).sum(), 1)
                           for k in range(len(needed.lines))])
        assert shares @ report.children_now == pytest.approx(tail.now)
        assert np.all(tail.counts >= 0) and np.all(tail.cost > 0)
    assert [t.now for t in tails] == [47, 2]  # the two named placements at 12,500 and 10,800


def test_thresholds():
    assert check_thresholds([10000, 5000]) == (5000.0, 10000.0)
    with pytest.raises(InputError):
        check_thresholds([5000, 5000])
    with pytest.raises(InputError):
        check_thresholds([0])
