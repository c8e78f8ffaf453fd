"""Episodes as known at a date: in memory (known_at) and as read (read_ssda903(known_at=))."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.data.test_ssda903 import ep, hd, write_year
from tests.support.paths import SAMPLES
from xlfuncs.data.ssda903 import read_ssda903
from xlfuncs.data.ssda903_as_at import collection_year
from xlfuncs.methods.budget.known import known_at
from xlfuncs.methods.budget.lines import LineMap
from xlfuncs.methods.budget.outturn import month_end
from xlfuncs.methods.budget.prices import PriceRow, price_list
from xlfuncs.methods.errors import OutOfDomainError
from xlfuncs.methods.stock_flow.episodes import OPEN, to_days

RETURN = SAMPLES / "ssda903"


def test_cut_at_a_day():
    table = read_ssda903(RETURN)
    day = to_days("2021-10-31")
    cut = known_at(table, "2021-10-31")
    assert cut.start.max() <= day
    assert np.all((cut.end == OPEN) | (cut.end <= day))
    kept = table.start <= day
    assert cut.n_episodes == int(kept.sum())
    assert np.array_equal(cut.end == OPEN, table.end[kept] > day)
    assert cut.last_day <= day


def test_reading_as_known_matches_cutting_on_the_clean_samples():
    whole = read_ssda903(RETURN)
    read = read_ssda903(RETURN, known_at="2021-10-31")
    cut = known_at(whole, "2021-10-31")
    assert read.years == (2019, 2020, 2021, 2022)
    for name in ("start", "end", "place", "provider", "new_period"):
        assert np.array_equal(getattr(read, name), getattr(cut, name)), name
    prices = price_list([PriceRow("default", "", 800.0)], LineMap())
    a = month_end(read, dt.date(2021, 10, 31), LineMap(), prices)
    b = month_end(whole, dt.date(2021, 10, 31), LineMap(), prices)
    assert np.array_equal(a.actual, b.actual) and np.array_equal(a.projected, b.projected)


def test_later_records_are_never_read(tmp_path):
    """A child whose later record the guide's rules would refuse (an overlap) is kept as known."""
    write_year(tmp_path, 2023, [hd("C1", "01/01/2010"), hd("C2", "01/01/2012")], [
        ep("C1", "01/05/2022", "U4", dec="01/12/2022", rec="X1"),
        ep("C1", "01/12/2022", "K2", rne="P"),
        ep("C1", "15/11/2022", "U6", rne="P"),  # overlaps: the child would be left out
        ep("C2", "01/06/2022", "U4", dec="01/02/2023", rec="E4A"),
    ])
    whole = read_ssda903(tmp_path)
    assert "C1" not in whole.child_ids.tolist()
    early = read_ssda903(tmp_path, known_at="2022-10-31")
    assert early.child_ids.tolist() == ["C1", "C2"]
    assert early.end.tolist() == [OPEN, OPEN]
    assert [p for p in early.report.problems if p.child == "C1"] == []


def test_later_years_are_not_read_and_dates_outside_are_refused():
    assert collection_year(to_days("2022-03-31")) == 2022
    assert read_ssda903(RETURN, known_at="2020-03-31").years == (2019, 2020)
    for day in ("2018-03-31", "2023-04-01"):
        with pytest.raises(OutOfDomainError, match="outside the return, which holds 2018-04-01 to 2023-03-31"):
            read_ssda903(RETURN, known_at=day)
