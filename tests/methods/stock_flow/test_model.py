"""Estimating the stock-flow model: hand-counted cases for both sets of conventions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from tests.data.test_ssda903 import ep, hd, write_year
from xlfuncs.data.ssda903 import read_ssda903
from xlfuncs.methods.errors import InputError, OutOfDomainError
from xlfuncs.methods.stock_flow.episodes import from_days, to_days
from xlfuncs.methods.stock_flow.forecast import forecast
from xlfuncs.methods.stock_flow.model import (
    PEER_BAND_DAYS,
    adjust,
    birthday_days,
    estimate,
    segments,
)
from xlfuncs.methods.stock_flow.states import (
    N_STATES,
    parse_state,
    placement_category,
    state_labels,
)

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "ssda903"
FOSTER_10_16, RESI_10_16, FOSTER_16 = 12, 13, 16


@pytest.fixture
def one_child(tmp_path):
    """Age 11: fostered 1 May to 1 November 2022, then in a children's home (still open)."""
    write_year(tmp_path, 2023, [hd(1, "15/06/2010")],
               [ep(1, "01/05/2022", "U4", dec="01/11/2022", rec="X1"), ep(1, "01/11/2022", "K2", rne="P")])
    return tmp_path


class TestStates:
    def test_labels_and_codes(self):
        assert state_labels()[FOSTER_10_16] == ("10-16", "fostering")
        assert placement_category(["U1", "U6", "K2", "R1", "H5", "P2", "K1", "A6", "Z1"]).tolist() == [
            0, 0, 1, 1, 2, 2, 3, 3, 3]

    def test_parse_state_errors_name_the_option(self):
        with pytest.raises(InputError, match="--scale-rate"):
            parse_state("teen:fostering", "--scale-rate")
        with pytest.raises(InputError, match="BAND:PLACEMENT"):
            parse_state("fostering")


class TestDefaultEstimate:
    def test_rates_are_transitions_over_days_at_risk(self, one_child):
        model = estimate(read_ssda903(one_child), "2022-04-01", "2023-03-31")
        days_fostered = (dt.date(2022, 11, 1) - dt.date(2022, 5, 1)).days
        assert model.rates[FOSTER_10_16, RESI_10_16] == pytest.approx(1 / days_fostered)
        assert model.rates.sum() == pytest.approx(1 / days_fostered)
        assert model.exits.sum() == 0
        assert model.entrants[FOSTER_10_16] == pytest.approx(1 / 365)
        assert model.stock.tolist() == [0.0] * RESI_10_16 + [1.0] + [0.0] * (N_STATES - 14)

    def test_birthdays_move_children_between_bands(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "10/01/2007")], [ep(1, "01/05/2022", "U4")])
        model = estimate(read_ssda903(tmp_path), "2022-04-01", "2023-03-31")
        days_before_16 = (dt.date(2023, 1, 10) - dt.date(2022, 5, 1)).days
        assert model.rates[FOSTER_10_16, FOSTER_16] == pytest.approx(1 / days_before_16)
        assert model.stock[FOSTER_16] == 1

    def test_exit_counted_on_the_day_care_ends(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2015"), hd(2, "01/01/2015")],
                   [ep(1, "01/04/2021", "U6", dec="01/07/2022"), ep(2, "01/04/2021", "U6")])
        model = estimate(read_ssda903(tmp_path), "2022-04-01", "2023-03-31")
        state = state_labels().index(("5-10", "fostering"))
        # Child 1 at risk 31 March - 30 June (92 days), child 2 the whole year (365).
        assert model.exits[state] == pytest.approx(1 / (92 + 365))
        assert model.entrants.sum() == 0

    def test_leap_day_birthdays(self):
        leap = np.array([to_days("2008-02-29")])
        assert from_days(int(birthday_days(leap, 16)[0])) == dt.date(2024, 2, 29)
        assert from_days(int(birthday_days(leap, 5)[0])) == dt.date(2013, 3, 1)

    def test_segments_cover_episodes_exactly(self):
        table = read_ssda903(SAMPLES)
        child, start, end, state = segments(table)
        assert start.size >= table.n_episodes
        cap = table.collection_end
        total_seg = (np.minimum(end, cap) - np.minimum(start, cap)).sum()
        assert total_seg == (np.minimum(table.end, cap) - table.start).sum()
        assert np.all(end > start)

    def test_reference_period_checked(self, one_child):
        table = read_ssda903(one_child)
        with pytest.raises(OutOfDomainError, match="reference_end"):
            estimate(table, "2022-04-01", "2023-04-30")
        with pytest.raises(OutOfDomainError, match="reference_end: must be after"):
            estimate(table, "2022-06-01", "2022-05-01")
        with pytest.raises(OutOfDomainError, match="reference_start"):
            estimate(table, "2019-04-01", "2023-03-31")

    def test_samples_stock_and_flows_balance(self):
        """Stock at the end = stock at the start + entries - exits over the period."""
        table = read_ssda903(SAMPLES)
        model = estimate(table, "2022-04-01", "2023-03-31")
        before = estimate(table, "2021-04-01", "2022-03-31")
        flows = model.counts["flows"]
        exits = flows[:, N_STATES].sum()
        entries = model.counts["entries"].sum()
        assert model.stock.sum() == before.stock.sum() + entries - exits


class TestCompatibleEstimate:
    def test_peer_rate_is_the_mean_of_daily_ratios(self, one_child):
        table = read_ssda903(one_child, conventions="cs-demand-model")
        model = estimate(table, "2022-04-01", "2023-03-31")
        # The peer clips the period to the data (1 May to 1 November: 185 days).
        assert model.rates[FOSTER_10_16, RESI_10_16] == pytest.approx(1 / 185)
        # Ageing to the next band at 1/2190 a day (six years of 365 days).
        assert model.rates[FOSTER_10_16, FOSTER_16] == pytest.approx(1 / PEER_BAND_DAYS[3])
        assert model.exits[FOSTER_16] == pytest.approx(1 / PEER_BAND_DAYS[4])
        # Entrants over (end - start).days = 364.
        assert model.entrants[FOSTER_10_16] == pytest.approx(1 / 364)
        assert model.stock[RESI_10_16] == 1 and model.clip

    def test_age_band_fixed_at_episode_start(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "10/01/2007")], [ep(1, "01/05/2022", "U4")])
        model = estimate(read_ssda903(tmp_path, conventions="cs-demand-model"), "2022-04-01", "2023-03-31")
        assert model.stock[FOSTER_10_16] == 1 and model.stock[FOSTER_16] == 0

    def test_zero_length_episode_left_out_so_no_infinite_rate(self, tmp_path):
        # The peer keeps an episode ending the day it starts and divides by an empty state.
        write_year(tmp_path, 2023, [hd(1, "01/01/2012"), hd(2, "01/01/2012")],
                   [ep(1, "01/05/2022", "K2", dec="01/05/2022"), ep(2, "01/05/2022", "U4")])
        table = read_ssda903(tmp_path, conventions="cs-demand-model")
        assert "lasts less than a day" in table.report.problems[0].reason
        model = estimate(table, "2022-04-01", "2023-03-31")
        assert np.all(np.isfinite(model.rates))


class TestAdjust:
    def test_scale_and_add(self):
        model = estimate(read_ssda903(SAMPLES), "2022-04-01", "2023-03-31")
        resi = parse_state("10-16:residential")
        doubled = adjust(model, "rate", "multiply", resi, 2.0, [N_STATES])
        assert doubled.exits[resi] == pytest.approx(2 * model.exits[resi])
        fewer = adjust(model, "entrants", "multiply", parse_state("all:all"), 0.5)
        assert fewer.entrants.sum() == pytest.approx(model.entrants.sum() / 2)
        assert forecast(fewer, 12).total[-1] < forecast(model, 12).total[-1]
        more = adjust(model, "entrants", "add", parse_state("0-1:fostering"), 0.1)
        assert more.entrants[0] == pytest.approx(model.entrants[0] + 0.1)

    def test_refuses_impossible_rates(self):
        model = estimate(read_ssda903(SAMPLES), "2022-04-01", "2023-03-31")
        with pytest.raises(OutOfDomainError, match="negative"):
            adjust(model, "rate", "add", [12], -1.0, [13])
        with pytest.raises(OutOfDomainError, match="more than 1"):
            adjust(model, "rate", "add", [12], 0.9, [13, 14])
        with pytest.raises(OutOfDomainError, match="negative"):
            adjust(model, "entrants", "add", [0], -5.0)
        with pytest.raises(InputError, match="to-states"):
            adjust(model, "rate", "add", [0], 0.1)
