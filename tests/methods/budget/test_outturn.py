"""Month-end outturn: actual to date and committed against an independent day count on the
samples, the projection against the model's own, and the bands."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict

import numpy as np
import pytest

from tests.support.paths import SAMPLES
from xlfuncs.data.budget_files import read_costs
from xlfuncs.data.ssda903 import read_ssda903
from xlfuncs.methods.budget.lines import LineMap
from xlfuncs.methods.budget.outturn import financial_year, month_end
from xlfuncs.methods.budget.prices import PriceRow, price_list
from xlfuncs.methods.errors import InputError, OutOfDomainError
from xlfuncs.methods.stock_flow.episodes import OPEN, to_days
from xlfuncs.methods.stock_flow.placements import DFE_CATEGORIES, PLACEMENTS
from xlfuncs.methods.stock_flow.projection import stockflow_cost

RETURN = SAMPLES / "ssda903"
COSTS = SAMPLES / "budget_costs.csv"


@pytest.fixture(scope="module")
def whole():
    """The whole sample return (2019-2023): the independent count reads it all and must see
    only what each as-at date knew."""
    return read_ssda903(RETURN)


@pytest.fixture(scope="module")
def prices():
    return price_list(read_costs(COSTS), LineMap())


# ----------------------------------------------------------------- the independent count


def plain_price_rows():
    with COSTS.open(newline="") as handle:
        return [(r["placement"], r["provider"], float(r["weekly_cost"]), r["child"])
                for r in csv.DictReader(handle)]


def plain_line(code: str, provider: str) -> str:
    """The budget line as the placement table's budget view states it."""
    row = PLACEMENTS.get(code)
    if row is None:
        return "other"
    if row.fostering:
        return "in_house_fostering" if provider in ("PR1", "") else "agency_fostering"
    return row.budget


def plain_price(rows, child: str, code: str, provider: str, line: str) -> float | None:
    """The price list read in its stated order of precedence, one question at a time."""
    category = PLACEMENTS[code].dfe if code in PLACEMENTS else "other"
    for whose in (child, ""):
        for name in (code, line, category, "default"):
            for prov in (provider, ""):
                for placement, row_provider, cost, row_child in rows:
                    if (row_child == whose and placement == name and row_provider == prov):
                        return cost
    return None


def plain_placements(table, as_at: int):
    """(child id, start, end as known at as_at, code, provider) of every episode starting by
    as_at, a temporary move given the placement it interrupts: the one before it in its
    period of care, else the first one after it known by as_at."""
    out = []
    n = table.n_episodes
    for i in range(n):
        if table.start[i] > as_at:
            continue
        code, provider = str(table.place[i]), str(table.provider[i])
        if PLACEMENTS.get(code) is not None and PLACEMENTS[code].temporary:
            found = None
            j = i
            while j > 0 and not table.new_period[j] and table.child[j - 1] == table.child[i]:
                j -= 1
                if not PLACEMENTS[str(table.place[j])].temporary:
                    found = j
                    break
            if found is None:
                j = i + 1
                while (j < n and table.child[j] == table.child[i] and not table.new_period[j]
                       and table.start[j] <= as_at):
                    if not PLACEMENTS[str(table.place[j])].temporary:
                        found = j
                        break
                    j += 1
            if found is not None:
                code, provider = str(table.place[found]), str(table.provider[found])
        end = int(table.end[i]) if table.end[i] <= as_at else OPEN
        out.append((str(table.child_ids[table.child[i]]), int(table.start[i]), end, code, provider))
    return out


def independent_count(table, as_at: dt.date):
    """Actual to date, committed and children now by line, counted day by day."""
    rows = plain_price_rows()
    day = to_days(as_at)
    year_start, year_end = (to_days(d) for d in financial_year(as_at))
    actual, committed, children = defaultdict(float), defaultdict(float), defaultdict(int)
    for child, start, end, code, provider in plain_placements(table, day):
        line = plain_line(code, provider)
        weekly = plain_price(rows, child, code, provider, line)
        for d in range(max(start, year_start), day + 1):
            if start <= d < end:  # in care in this placement on day d (the DEC day is not)
                actual[line] += weekly / 7
        if start <= day < end:  # open at the end of the as-at date
            children[line] += 1
            for _ in range(day + 1, year_end + 1):
                committed[line] += weekly / 7
    return actual, committed, children


@pytest.mark.parametrize("as_at", ["2022-12-31", "2022-04-01", "2023-03-31", "2021-07-15", "2020-02-29"])
def test_actual_and_committed_equal_an_independent_day_count(whole, prices, as_at):
    day = dt.date.fromisoformat(as_at)
    report = month_end(whole, day, LineMap(), prices)
    actual, committed, children = independent_count(whole, day)
    for k, line in enumerate(report.lines.names):
        assert report.actual[k] == pytest.approx(actual[line], rel=1e-9, abs=1e-6), line
        assert report.committed[k] == pytest.approx(committed[line], rel=1e-9, abs=1e-6), line
        assert report.children_now[k] == children[line], line
    if as_at == "2023-03-31":
        assert report.committed.sum() == 0 and report.projected.sum() == 0
    if as_at == "2022-04-01":  # one day of the year: the children in care that day
        assert report.days_to_date.sum() == pytest.approx(
            sum(1 for _, s, e, _, _ in plain_placements(whole, to_days(day)) if s <= to_days(day) < e))


def test_the_as_at_figures_headline(whole, prices):
    report = month_end(whole, dt.date(2022, 12, 31), LineMap(), prices)
    assert report.children_now.sum() == 408
    assert report.days_left == 90
    assert round(report.actual.sum()) == 21_323_083
    assert round(report.committed.sum()) == 7_331_271
    assert report.reference_start == dt.date(2022, 1, 1) and report.reference_end == dt.date(2022, 12, 31)
    # committed is the weekly cost of the placements open now over the days left
    assert report.committed == pytest.approx(report.weekly_now * 90 / 7)


def test_projected_is_the_priced_projection_less_committed(whole, prices):
    report = month_end(whole, dt.date(2022, 12, 31), LineMap(), prices)
    model = report.model
    space = model.space
    line_of = np.array([space.placements.index(p) for _, _, p in space.labels])
    weekly = report.line_weekly[line_of]
    for k in range(len(report.lines.names)):
        cost = stockflow_cost(model.stock, model.rates, model.exits, model.entrants, [90],
                              np.where(line_of == k, weekly, 0.0))[0]
        assert report.projected[k] == pytest.approx(cost - report.committed[k], rel=1e-9, abs=1e-6)
    # the projection starts from the children open at the as-at date
    assert model.stock.sum() == report.children_now.sum()


def test_a_model_where_nothing_changes_projects_nothing(whole, prices):
    from dataclasses import replace

    from xlfuncs.methods.budget import outturn

    report = month_end(whole, dt.date(2022, 12, 31), LineMap(), prices)
    frozen = replace(report.model, rates=np.zeros_like(report.model.rates),
                     exits=np.zeros_like(report.model.exits), entrants=np.zeros_like(report.model.entrants))
    projected, sd, total_sd = outturn._projected(frozen, frozen.space, report.line_weekly, 90, report.committed)
    assert projected == pytest.approx(np.zeros(6), abs=1e-6)
    assert sd == pytest.approx(np.zeros(6)) and total_sd == 0


def test_band_holds_the_forecast_and_never_falls_below_actual(whole, prices):
    report = month_end(whole, dt.date(2022, 12, 31), LineMap(), prices)
    lower, upper = report.band()
    assert np.all(lower <= report.outturn + 1e-6) and np.all(report.outturn <= upper + 1e-6)
    assert np.all(lower >= report.actual - 1e-6)
    total_lower, total_upper = report.total_band()
    # moves between lines are negatively correlated: the total's sd is below the lines' sum
    assert report.total_projected_sd < report.projected_sd.sum()
    assert total_lower < report.outturn.sum() < total_upper


def test_a_line_with_no_open_placement_is_priced_from_the_reference_window(whole):
    prices = price_list([PriceRow("default", "", 1000.0), PriceRow("secure", "", 9000.0)], LineMap())
    report = month_end(whole, dt.date(2022, 6, 30), LineMap(), prices)
    secure = report.lines.index("secure")
    if report.children_now[secure] == 0:
        assert report.price_source[secure] == "reference window"
        assert report.line_weekly[secure] == pytest.approx(9000.0)


def test_refuses_dates_outside_the_return_and_unpriced_placements(whole, prices):
    with pytest.raises(OutOfDomainError, match="outside the return"):
        month_end(whole, dt.date(2023, 4, 30), LineMap(), prices)
    with pytest.raises(OutOfDomainError, match="outside the return"):
        month_end(whole, dt.date(2018, 3, 31), LineMap(), prices)
    with pytest.raises(OutOfDomainError, match="shorter than 28 days"):
        month_end(whole, dt.date(2018, 4, 10), LineMap(), prices)
    partial = price_list([PriceRow("in_house_fostering", "", 500.0)], LineMap())
    with pytest.raises(InputError, match="no weekly cost for placements in the return: .*K2"):
        month_end(whole, dt.date(2022, 12, 31), LineMap(), partial)


def test_the_first_month_of_the_return_is_reported_with_a_short_window(whole, prices):
    report = month_end(whole, dt.date(2018, 6, 30), LineMap(), prices)
    assert report.reference_start == dt.date(2018, 4, 1)
    assert report.year_start == dt.date(2018, 4, 1)


def test_dfe_categories_price_codes_a_line_does_not_name(prices):
    assert "adoption" in DFE_CATEGORIES
    line = LineMap().classify(["A6"], ["PR5"])
    assert prices.weekly(["A6"], ["PR5"], line).tolist() == [250.0]
    assert plain_price(plain_price_rows(), "", "A6", "PR5", "other") == 250.0
