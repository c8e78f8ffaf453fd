"""Estimating the stock-flow model: hand-counted cases for both sets of conventions, and the
guide's semantics planted one rule at a time."""

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
from xlfuncs.methods.stock_flow.states import DEFAULT, PEER, placement_category

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "ssda903"
REFERENCE = ("2022-04-01", "2023-03-31")


def state(placement: str, band: str = "10-16", stream: str = "non-uasc") -> int:
    return DEFAULT.labels.index((stream, band, placement))


FOSTER_10_16, HOMES_10_16, FOSTER_16 = state("fostering"), state("secure_homes"), state("fostering", "16-18+")
OUT = DEFAULT.n
# cs-demand-model's states
PEER_FOSTER_10_16, PEER_RESI_10_16, PEER_FOSTER_16 = 12, 13, 16


@pytest.fixture
def one_child(tmp_path):
    """Age 11: fostered 1 May to 1 November 2022, then in a children's home (still open)."""
    write_year(tmp_path, 2023, [hd(1, "15/06/2010")],
               [ep(1, "01/05/2022", "U4", dec="01/11/2022", rec="X1"), ep(1, "01/11/2022", "K2", rne="P")])
    return tmp_path


def model_of(tmp_path, rows, headers, **kwargs):
    write_year(tmp_path, 2023, headers, rows, **kwargs)
    return estimate(read_ssda903(tmp_path), *REFERENCE)


class TestStates:
    def test_labels_and_codes(self):
        assert DEFAULT.n == 60 and PEER.n == 20
        assert DEFAULT.labels[FOSTER_10_16] == ("non-uasc", "10-16", "fostering")
        assert PEER.labels[PEER_FOSTER_10_16] == ("all", "10-16", "fostering")
        codes = ["U1", "U6", "K2", "R1", "H5", "P2", "K1", "A6", "Z1", "S1", "P1"]
        assert placement_category(codes, conventions="cs-demand-model").tolist() == [
            0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3]
        assert placement_category(codes).tolist() == [0, 0, 1, 5, 1, 5, 1, 4, 5, 2, 3]

    def test_parse_state_errors_name_the_option(self):
        with pytest.raises(InputError, match="--scale-rate"):
            DEFAULT.parse("teen:fostering", "--scale-rate")
        with pytest.raises(InputError, match="BAND:PLACEMENT"):
            DEFAULT.parse("fostering")
        with pytest.raises(InputError, match="not a stream"):
            DEFAULT.parse("refugee:all:all")
        with pytest.raises(InputError, match="write a state as BAND:PLACEMENT, e.g."):
            PEER.parse("uasc:all:all")


class TestDefaultEstimate:
    def test_rates_are_transitions_over_days_at_risk(self, one_child):
        model = estimate(read_ssda903(one_child), *REFERENCE)
        days_fostered = (dt.date(2022, 11, 1) - dt.date(2022, 5, 1)).days
        assert model.rates[FOSTER_10_16, HOMES_10_16] == pytest.approx(1 / days_fostered)
        assert model.rates.sum() == pytest.approx(1 / days_fostered)
        assert model.exits.sum() == 0
        assert model.entrants[FOSTER_10_16] == pytest.approx(1 / 365)
        expected = np.zeros(OUT)
        expected[HOMES_10_16] = 1
        assert model.stock.tolist() == expected.tolist()

    def test_birthdays_move_children_between_bands(self, tmp_path):
        model = model_of(tmp_path, [ep(1, "01/05/2022", "U4")], [hd(1, "10/01/2007")])
        days_before_16 = (dt.date(2023, 1, 10) - dt.date(2022, 5, 1)).days
        assert model.rates[FOSTER_10_16, FOSTER_16] == pytest.approx(1 / days_before_16)
        assert model.stock[FOSTER_16] == 1

    def test_exit_counted_on_the_day_care_ends(self, tmp_path):
        model = model_of(tmp_path, [ep(1, "01/04/2021", "U6", dec="01/07/2022"), ep(2, "01/04/2021", "U6")],
                         [hd(1, "01/01/2015"), hd(2, "01/01/2015")])
        s = state("fostering", "5-10")
        # Child 1 at risk 31 March - 30 June (92 days), child 2 the whole year (365).
        assert model.exits[s] == pytest.approx(1 / (92 + 365))
        assert model.entrants.sum() == 0

    def test_leap_day_birthdays(self):
        leap = np.array([to_days("2008-02-29")])
        assert from_days(int(birthday_days(leap, 16)[0])) == dt.date(2024, 2, 29)
        assert from_days(int(birthday_days(leap, 5)[0])) == dt.date(2013, 3, 1)

    def test_segments_cover_episodes_exactly(self):
        table = read_ssda903(SAMPLES)
        child, start, end, _, _, _ = segments(table)
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
        model = estimate(table, *REFERENCE)
        before = estimate(table, "2021-04-01", "2022-03-31")
        flows = model.counts["flows"]
        exits = flows[:, OUT].sum()
        entries = model.counts["entries"].sum()
        assert model.stock.sum() == before.stock.sum() + entries - exits


class TestGuideSemantics:
    """Each rule of the guide, planted in a small return, and what the model makes of it."""

    def test_secure_homes_and_residential_schools_are_not_other(self, tmp_path):
        model = model_of(tmp_path, [ep(1, "01/05/2022", "K1"), ep(2, "01/05/2022", "S1"),
                                    ep(3, "01/05/2022", "P1", provider="PR0")],
                         [hd(c, "01/01/2010") for c in (1, 2, 3)])
        assert model.stock[state("secure_homes")] == 1
        assert model.stock[state("residential_schools")] == 1
        assert model.stock[state("with_parents")] == 1 and model.stock[state("other")] == 0

    def test_a_temporary_move_and_return_is_no_transition(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/07/2022", rec="X1"),
                ep(1, "01/07/2022", "T3", dec="10/07/2022", rne="P", rec="X1", provider=""),
                ep(1, "10/07/2022", "U4", rne="P")]
        model = model_of(tmp_path, rows, [hd(1, "01/01/2010")])
        assert model.counts["flows"].sum() == 0  # not even a move within fostering
        assert model.rates.sum() == 0 and model.exits.sum() == 0
        assert model.stock[FOSTER_10_16] == 1
        # cs-demand-model reads it as two moves, through "other".
        peer = estimate(read_ssda903(tmp_path, conventions="cs-demand-model"), *REFERENCE)
        assert peer.rates[PEER_FOSTER_10_16, PEER_FOSTER_10_16 + 3] > 0

    def test_a_temporary_move_between_placements_is_one_transition(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/07/2022", rec="X1"),
                ep(1, "01/07/2022", "T1", dec="10/07/2022", rne="P", rec="X1", provider=""),
                ep(1, "10/07/2022", "K2", rne="P")]
        model = model_of(tmp_path, rows, [hd(1, "01/01/2010")])
        flows = model.counts["flows"]
        assert flows.sum() == 1 and flows[FOSTER_10_16, HOMES_10_16] == 1
        days_fostered = (dt.date(2022, 7, 10) - dt.date(2022, 5, 1)).days
        assert model.rates[FOSTER_10_16, HOMES_10_16] == pytest.approx(1 / days_fostered)

    def test_same_day_discharge_and_readmission_is_an_exit_and_an_entry(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/07/2022", rec="E4A"),
                ep(1, "01/07/2022", "K2", rne="S")]
        model = model_of(tmp_path, rows, [hd(1, "01/01/2010")])
        assert model.counts["flows"][FOSTER_10_16, OUT] == 1
        assert model.counts["entries"][FOSTER_10_16] == 1 and model.counts["entries"][HOMES_10_16] == 1
        assert model.rates.sum() == 0  # no move between placements

    def test_moves_within_a_state_are_moves_of_placement_only(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/07/2022", rec="X1"),
                ep(1, "01/07/2022", "U4", dec="01/09/2022", rne="L", ls="C1", rec="X1"),
                ep(1, "01/09/2022", "U6", rne="P", ls="C1")]
        model = model_of(tmp_path, rows, [hd(1, "01/01/2010")])
        flows = model.counts["flows"]
        assert flows.sum() == 1 and flows[FOSTER_10_16, FOSTER_10_16] == 1

    def test_one_day_gap_in_an_x1_chain_is_no_exit(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/07/2022", rec="X1"),
                ep(1, "02/07/2022", "K2", rne="P")]
        model = model_of(tmp_path, rows, [hd(1, "01/01/2010")])
        assert model.exits.sum() == 0 and model.counts["entries"].sum() == 1
        assert model.counts["flows"][FOSTER_10_16, HOMES_10_16] == 1

    def test_short_breaks_are_not_in_the_stock_or_the_entrants(self, tmp_path):
        rows = [ep(1, "01/05/2022", "K2", ls="V4"), ep(2, "01/05/2022", "K2", dec="03/05/2022", ls="V3"),
                ep(3, "01/05/2022", "U4")]
        model = model_of(tmp_path, rows, [hd(c, "01/01/2010") for c in (1, 2, 3)])
        assert model.total_stock() == 1 and model.counts["entries"].sum() == 1
        peer = estimate(read_ssda903(tmp_path, conventions="cs-demand-model"), *REFERENCE)
        assert peer.total_stock() == 2 and peer.counts["entries"].sum() == 3

    def test_uasc_are_a_stream_with_their_own_entrants(self, tmp_path):
        rows = [ep(1, "01/05/2022", "H5", ls="V2", provider="PR4"), ep(2, "01/06/2022", "U6", ls="V2")]
        model = model_of(tmp_path, rows, [hd(1, "01/01/2006"), hd(2, "01/01/2006")],
                         uasc_rows=["1,1,01/01/2006,01/01/2024"])
        uasc_homes = state("secure_homes", "16-18+", "uasc")
        assert model.stock[uasc_homes] == 1 and model.stock[state("fostering", "16-18+")] == 1
        assert model.entrants[uasc_homes] == pytest.approx(1 / 365)
        result = forecast(model, 3)
        rows_out = list(result.rows())
        homes = [r for r in rows_out if r[1] == "16-18+" and r[2] == "secure_homes"]
        assert homes[0][3] == pytest.approx(result.counts[0, uasc_homes] + result.counts[0, state("secure_homes", "16-18+")])
        assert homes[0][6] == pytest.approx(result.counts[0, uasc_homes])

    def test_uasc_status_ending_in_care_is_a_move_between_streams(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", ls="V2")]
        model = model_of(tmp_path, rows, [hd(1, "15/09/2004")], uasc_rows=["1,1,15/09/2004,15/09/2022"])
        from_uasc, to_other = state("fostering", "16-18+", "uasc"), state("fostering", "16-18+")
        assert model.counts["flows"][from_uasc, to_other] == 1
        assert model.stock[to_other] == 1 and model.stock[from_uasc] == 0

    def test_a_missing_year_refuses_the_periods_it_touches(self, tmp_path):
        write_year(tmp_path, 2021, [hd(1, "01/01/2010")], [ep(1, "01/05/2020", "U4")])
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], [ep(1, "01/05/2020", "U4")])
        table = read_ssda903(tmp_path)
        with pytest.raises(OutOfDomainError, match="overlaps collection year 2022"):
            estimate(table, "2021-10-01", "2022-09-30")
        assert estimate(table, *REFERENCE).total_stock() == 1

    def test_placement_map_regroups_codes(self, tmp_path):
        model = model_of(tmp_path, [ep(1, "01/05/2022", "R1")], [hd(1, "01/01/2010")])
        assert model.stock[state("other")] == 1
        moved = estimate(read_ssda903(tmp_path), *REFERENCE, {"R1": "secure_homes"})
        assert moved.stock[HOMES_10_16] == 1


class TestCompatibleEstimate:
    def test_peer_rate_is_the_mean_of_daily_ratios(self, one_child):
        table = read_ssda903(one_child, conventions="cs-demand-model")
        model = estimate(table, *REFERENCE)
        # The peer clips the period to the data (1 May to 1 November: 185 days).
        assert model.rates[PEER_FOSTER_10_16, PEER_RESI_10_16] == pytest.approx(1 / 185)
        # Ageing to the next band at 1/2190 a day (six years of 365 days).
        assert model.rates[PEER_FOSTER_10_16, PEER_FOSTER_16] == pytest.approx(1 / PEER_BAND_DAYS[3])
        assert model.exits[PEER_FOSTER_16] == pytest.approx(1 / PEER_BAND_DAYS[4])
        # Entrants over (end - start).days = 364.
        assert model.entrants[PEER_FOSTER_10_16] == pytest.approx(1 / 364)
        assert model.stock[PEER_RESI_10_16] == 1 and model.clip and model.space == PEER

    def test_age_band_fixed_at_episode_start(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "10/01/2007")], [ep(1, "01/05/2022", "U4")])
        model = estimate(read_ssda903(tmp_path, conventions="cs-demand-model"), *REFERENCE)
        assert model.stock[PEER_FOSTER_10_16] == 1 and model.stock[PEER_FOSTER_16] == 0

    def test_zero_length_episode_left_out_so_no_infinite_rate(self, tmp_path):
        # The peer keeps an episode ending the day it starts and divides by an empty state.
        write_year(tmp_path, 2023, [hd(1, "01/01/2012"), hd(2, "01/01/2012")],
                   [ep(1, "01/05/2022", "K2", dec="01/05/2022"), ep(2, "01/05/2022", "U4")])
        table = read_ssda903(tmp_path, conventions="cs-demand-model")
        assert "lasts less than a day" in table.report.problems[0].reason
        model = estimate(table, *REFERENCE)
        assert np.all(np.isfinite(model.rates))


class TestAdjust:
    def test_scale_and_add(self):
        model = estimate(read_ssda903(SAMPLES), *REFERENCE)
        homes = DEFAULT.parse("10-16:secure_homes")
        doubled = adjust(model, "rate", "multiply", homes, 2.0, [OUT])
        assert doubled.exits[homes] == pytest.approx(2 * model.exits[homes])
        fewer = adjust(model, "entrants", "multiply", DEFAULT.parse("all:all"), 0.5)
        assert fewer.entrants.sum() == pytest.approx(model.entrants.sum() / 2)
        assert forecast(fewer, 12).total[-1] < forecast(model, 12).total[-1]
        more = adjust(model, "entrants", "add", DEFAULT.parse("non-uasc:0-1:fostering"), 0.1)
        assert more.entrants[0] == pytest.approx(model.entrants[0] + 0.1)

    def test_fewer_uasc_arrivals(self):
        """Seed 003: the national dispersal of UASC cut Thurrock's numbers; a scenario halves
        UASC entrants and leaves every other child's alone."""
        model = estimate(read_ssda903(SAMPLES), *REFERENCE)
        halved = adjust(model, "entrants", "multiply", DEFAULT.parse("uasc:all:all"), 0.5)
        uasc = np.array([s == "uasc" for s, _, _ in DEFAULT.labels])
        assert halved.entrants[uasc].sum() == pytest.approx(model.entrants[uasc].sum() / 2)
        assert np.array_equal(halved.entrants[~uasc], model.entrants[~uasc])

    def test_refuses_impossible_rates(self):
        model = estimate(read_ssda903(SAMPLES), *REFERENCE)
        with pytest.raises(OutOfDomainError, match="negative"):
            adjust(model, "rate", "add", [12], -1.0, [13])
        with pytest.raises(OutOfDomainError, match="more than 1"):
            adjust(model, "rate", "add", [12], 0.9, [13, 14])
        with pytest.raises(OutOfDomainError, match="negative"):
            adjust(model, "entrants", "add", [0], -5.0)
        with pytest.raises(InputError, match="to-states"):
            adjust(model, "rate", "add", [0], 0.1)
