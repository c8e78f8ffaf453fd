"""Reading SSDA903 files: layout, clean episodes, the guide's rules and every kind of bad input
named. The planted cases are small returns written here, one rule each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from xlfuncs.data.ssda903 import SSDA903Error, parse_dates, read_ssda903
from xlfuncs.methods.errors import InputError, NoDataError
from xlfuncs.methods.stock_flow.episodes import NEVER, OPEN, from_days, to_days

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "ssda903"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN")


def write_year(root: Path, year: int, header_rows: list[str], episode_rows: list[str],
               header: str = HEADER, episodes: str = EPISODES,
               uasc_rows: list[str] | None = None) -> None:
    folder = root / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text("\n".join([header, *header_rows]) + "\n")
    (folder / "episodes.csv").write_text("\n".join([episodes, *episode_rows]) + "\n")
    if uasc_rows is not None:
        (folder / "uasc.csv").write_text("\n".join(["CHILD,SEX,DOB,DUC", *uasc_rows]) + "\n")


def ep(child, decom, place, dec="", rne="S", ls="C2", rec="", provider="PR1"):
    rec = rec or ("E4A" if dec else "")
    return f"{child},{decom},{rne},{ls},N1,{place},{provider},{dec},{rec},,MK1 1JN,MK2 2JL,SC990001"


def hd(child, dob, sex="1"):
    return f"{child},{sex},{dob},WBRI,UN1,,"


def problems(table, reason_part: str):
    return [p for p in table.report.problems if reason_part in p.reason]


class TestDates:
    def test_parse_accepts_what_the_validator_accepts(self):
        days, blank, bad = parse_dates(["01/04/2022", "1/4/2022", " 31/03/2023 ", "", None])
        assert days[:3].tolist() == [to_days("2022-04-01"), to_days("2022-04-01"), to_days("2023-03-31")]
        assert blank.tolist() == [False, False, False, True, True]
        assert not bad.any()

    def test_parse_flags_other_formats(self):
        _, _, bad = parse_dates(["2022-04-01", "31/13/2022", "29/02/2023", "next week", "3ı/03/2023"])
        assert bad.all()

    def test_every_fixed_width_date_checked_against_its_month(self):
        days, blank, bad = parse_dates(["31/02/2023", "29/02/2024", "31/04/2022", "01/01/1899"])
        assert bad.tolist() == [True, False, True, False] and days[[0, 2]].tolist() == [0, 0]
        assert days[1] == to_days("2024-02-29") and days[3] == to_days("1899-01-01")

    def test_round_trip(self):
        assert from_days(to_days(dt.date(2020, 2, 29))) == dt.date(2020, 2, 29)


class TestSamples:
    def test_reads_every_year_without_problems(self):
        table = read_ssda903(SAMPLES)
        assert table.years == (2019, 2020, 2021, 2022, 2023)
        assert table.report.problems == []
        assert table.report.episode_rows == 1184 + 1097 + 1143 + 1155 + 1266
        # Episodes repeated across years (open at 31 March) are merged: fewer than the rows.
        assert table.n_episodes < table.report.episode_rows
        open_now = table.end == OPEN
        assert int(open_now.sum()) == 417  # looked after at 31 March 2023, short breaks left out
        assert table.collection_end == to_days("2023-03-31")

    def test_samples_hold_what_the_guide_describes(self):
        table = read_ssda903(SAMPLES, short_breaks="include")
        report = table.report
        assert report.short_break_children == 73 and report.short_break_episodes == 743
        assert report.uasc_children == 88
        places = set(table.place.tolist())
        assert {"K1", "S1", "T1", "T2", "T3", "T4", "H5", "P2", "A6"} <= places
        assert {"V3", "V4"} <= set(table.legal_status.tolist())
        assert {"PR1", "PR4", "PR5", "PR0"} <= set(table.provider.tolist())
        continuing = ~table.new_period
        assert continuing.sum() > 1000  # X1 chains
        assert int((table.end == OPEN).sum()) == 428  # the V4 agreements open at 31 March

    def test_sorted_by_child_then_start_and_no_overlaps(self):
        table = read_ssda903(SAMPLES)
        key = table.child * 10**6 + (table.start - table.start.min())
        assert np.all(np.diff(key) > 0)
        same = table.child[1:] == table.child[:-1]
        assert np.all(table.end[:-1][same] <= table.start[1:][same])
        # An episode that continues a period of care starts the day the one before it ends.
        joined = ~table.new_period[1:]
        assert np.all(same[joined]) and np.all(table.end[:-1][joined] == table.start[1:][joined])

    def test_compatible_reading_agrees_on_clean_data(self):
        ours = read_ssda903(SAMPLES, short_breaks="include")
        peer = read_ssda903(SAMPLES, conventions="cs-demand-model")
        assert peer.report.problems == []
        assert peer.report.short_breaks == "include" and peer.report.short_break_episodes == 743
        assert np.array_equal(ours.start, peer.start) and np.array_equal(ours.end, peer.end)
        # On a valid return REC X1 and adjacent dates say the same.
        assert np.array_equal(ours.new_period, peer.new_period)
        assert np.all(peer.uasc_until == NEVER)


class TestLayoutErrors:
    def test_missing_folder(self, tmp_path):
        with pytest.raises(SSDA903Error, match="no such folder"):
            read_ssda903(tmp_path / "nowhere")

    def test_no_year_folders(self, tmp_path):
        with pytest.raises(SSDA903Error, match="no collection-year folders"):
            read_ssda903(tmp_path)

    def test_files_directly_in_the_folder(self, tmp_path):
        (tmp_path / "episodes.csv").write_text(EPISODES + "\n")
        with pytest.raises(SSDA903Error, match="folder named after the year"):
            read_ssda903(tmp_path)

    def test_missing_file(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], [ep(1, "01/05/2022", "U4")])
        (tmp_path / "2023" / "header.csv").unlink()
        with pytest.raises(SSDA903Error, match="2023/header.csv: file not found"):
            read_ssda903(tmp_path)

    def test_missing_columns_named(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], ["1,01/05/2022,S,C2,N1,PR1"],
                   episodes="CHILD,DECOM,RNE,LS,CIN,PLACE_PROVIDER")
        with pytest.raises(SSDA903Error, match="missing columns DEC, PLACE, REC"):
            read_ssda903(tmp_path)

    def test_peer_reading_needs_fewer_columns(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], ["1,01/05/2022,,U4"],
                   episodes="CHILD,DECOM,DEC,PLACE")
        with pytest.raises(SSDA903Error, match="missing columns RNE, LS, REC, PLACE_PROVIDER"):
            read_ssda903(tmp_path)
        table = read_ssda903(tmp_path, conventions="cs-demand-model")
        assert table.place.tolist() == ["U4"] and table.provider.tolist() == [""]

    def test_empty_file(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], [])
        (tmp_path / "2023" / "episodes.csv").write_text("")
        with pytest.raises(SSDA903Error, match="empty"):
            read_ssda903(tmp_path)

    def test_no_usable_episodes(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], [ep(1, "bad", "U4")])
        with pytest.raises(NoDataError, match="no usable episodes"):
            read_ssda903(tmp_path)

    def test_unknown_conventions_and_rules(self):
        with pytest.raises(InputError, match="conventions"):
            read_ssda903(SAMPLES, conventions="other")
        with pytest.raises(InputError, match="short_breaks"):
            read_ssda903(SAMPLES, short_breaks="sometimes")


class TestBadRows:
    """Each problem is reported with file, line, child and action; never silently used."""

    def read(self, tmp_path, episodes, headers=None, **kwargs):
        headers = headers or [hd(c, "01/01/2010") for c in range(1, 6)]
        write_year(tmp_path, 2023, headers, episodes)
        return read_ssda903(tmp_path, **kwargs)

    def test_unparseable_dates(self, tmp_path):
        table = self.read(tmp_path, [ep(1, "2022-05-01", "U4"), ep(2, "01/05/2022", "U4", dec="31-12-2022"),
                                     ep(3, "01/05/2022", "U4")])
        reasons = {(p.line, p.child, p.reason, p.action) for p in table.report.problems}
        assert (2, "1", "DECOM is not a dd/mm/YYYY date", "row dropped") in reasons
        assert (3, "2", "DEC is not a dd/mm/YYYY date", "row dropped") in reasons
        assert table.n_episodes == 1 and table.report.rows_dropped == 2

    def test_episode_ending_before_it_starts(self, tmp_path):
        table = self.read(tmp_path, [ep(1, "01/05/2022", "U4", dec="01/04/2022"), ep(2, "01/05/2022", "U4")])
        [problem] = table.report.problems
        assert "DEC is before DECOM" in problem.reason and problem.file == "2023/episodes.csv"
        assert problem.line == 2

    def test_zero_length_episode_dropped_chain_kept(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="X1"),
                ep(1, "01/06/2022", "K2", dec="01/06/2022", rne="P", rec="X1"),
                ep(1, "01/06/2022", "U6", rne="P"), ep(2, "01/05/2022", "U4")]
        table = self.read(tmp_path, rows)
        assert any("lasts less than a day" in p.reason for p in table.report.problems)
        mine = table.child == 0
        assert table.end[mine][0] == table.start[mine][1]  # still one period of care
        assert table.new_period[mine].tolist() == [True, False]

    def test_child_with_no_date_of_birth(self, tmp_path):
        headers = [hd(1, "01/01/2010"), hd(2, "")]
        table = self.read(tmp_path, [ep(1, "01/05/2022", "U4"), ep(2, "01/05/2022", "U4"),
                                     ep(3, "01/05/2022", "U4")], headers)
        dropped = {p.child: p for p in table.report.problems if p.action == "child dropped"}
        assert set(dropped) == {"2", "3"}
        assert "no date of birth" in dropped["3"].reason
        assert table.child_ids.tolist() == ["1"]

    def test_duplicate_episode_in_one_file(self, tmp_path):
        table = self.read(tmp_path, [ep(1, "01/05/2022", "U4"), ep(1, "01/05/2022", "K2")])
        [problem] = table.report.problems
        assert problem.reason.startswith("duplicate episode") and problem.line == 2
        assert table.place.tolist() == ["K2"]

    def test_overlapping_episodes_drop_the_child(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/08/2022", rec="X1"),
                ep(1, "01/07/2022", "K2", rne="P"), ep(2, "01/05/2022", "U4")]
        table = self.read(tmp_path, rows)
        [problem] = table.report.problems
        assert problem.action == "child dropped" and "overlapping" in problem.reason
        assert table.child_ids.tolist() == ["2"]

    def test_open_episode_followed_by_another(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4"), ep(1, "01/07/2022", "K2", rne="P")]
        table = self.read(tmp_path, rows + [ep(2, "01/05/2022", "U4")])
        assert "no DEC is followed" in table.report.problems[0].reason

    def test_episode_before_birth(self, tmp_path):
        table = self.read(tmp_path, [ep(1, "01/05/2009", "U4"), ep(2, "01/05/2022", "U4")])
        assert table.report.problems[0].reason == "episode starts before the child's date of birth"

    def test_strict_raises_one_line_naming_the_place(self, tmp_path):
        with pytest.raises(SSDA903Error, match=r"2023/episodes.csv line 2: DEC is before DECOM"):
            self.read(tmp_path, [ep(1, "01/05/2022", "U4", dec="01/04/2022")], strict=True)

    def test_summary_counts_each_reason(self, tmp_path):
        table = self.read(tmp_path, [ep(1, "x", "U4"), ep(2, "y", "U4"), ep(3, "01/05/2022", "U4")])
        assert table.report.summary() == [
            "2 x DECOM is not a dd/mm/YYYY date (row dropped): 2023/episodes.csv:2, 2023/episodes.csv:3"
        ]
        assert table.report.counts() == ["invalid: 2 rows and 0 children left out"]

    def test_lower_case_codes_and_spaces_accepted(self, tmp_path):
        table = self.read(tmp_path, [" 1 , 01/05/2022 ,s,c2,n1, u4 ,pr1,,,,MK1 1JN,MK2 2JL,SC990001"])
        assert table.place.tolist() == ["U4"] and table.child_ids.tolist() == ["1"]
        assert table.provider.tolist() == ["PR1"] and table.report.problems == []

    def test_messages_hold_no_dates(self, tmp_path):
        """A child's dates are personal data: the report names places and codes, never dates."""
        headers = [hd(1, "31/02/2010"), hd(2, "01/01/2010")]
        rows = [ep(2, "01/05/2022", "U4", dec="01/06/2022", rec="X1"),
                ep(2, "02/06/2022", "U4", rne="P")]
        table = self.read(tmp_path, rows, headers)
        assert table.report.problems
        for problem in table.report.problems:
            assert "2010" not in str(problem) and "2022" not in str(problem)


class TestCodesOfTheGuide:
    """Codes outside DfE's guide for the collection year are reported row by row and read as
    the report says."""

    def test_every_field_checked(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", ls="Z9"), ep(2, "01/05/2022", "U4", rne="Q"),
                ep(3, "01/05/2022", "XX"), ep(4, "01/05/2022", "K3"),
                ep(5, "01/05/2022", "U4", provider="PR9"), ep(6, "01/05/2022", "U4", provider=""),
                ep(7, "01/05/2022", "T1", provider="")]
        write_year(tmp_path, 2023, [hd(c, "01/01/2008") for c in range(1, 8)], rows)
        table = read_ssda903(tmp_path)
        found = {(p.line, p.reason, p.action) for p in table.report.problems}
        assert found == {
            (2, 'LS "Z9" is not a code of the guide', "kept: not read as a short break"),
            (3, 'RNE "Q" is not a code of the guide', "kept: the period of care read from REC and the dates"),
            (4, 'PLACE "XX" is not a code of the guide', "kept: grouped as other"),
            (5, 'PLACE "K3" is not a code of the guide for 2023', "kept: grouped as the code of other years"),
            (6, 'PLACE_PROVIDER "PR9" is not a code of the guide', "kept: read as a blank provider"),
            (7, "PLACE_PROVIDER is blank (the guide needs one for PLACE U4)", "kept: fostering read as in-house"),
        }
        assert table.n_episodes == 7  # every row kept
        assert table.provider[table.child_ids[table.child] == "5"].tolist() == [""]
        assert table.report.counts() == ["read with a correction or as the guide allows: 6 rows"]

    def test_k3_is_a_code_from_2025(self, tmp_path):
        write_year(tmp_path, 2025, [hd(1, "01/01/2008")], [ep(1, "01/05/2024", "K3", provider="PR4")])
        assert read_ssda903(tmp_path).report.problems == []

    def test_rec_must_go_with_dec(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="E99"),
                ep(2, "01/05/2022", "U4", dec="01/06/2022", rec=" "),
                ep(3, "01/05/2022", "U4").replace(",,,MK1", ",X1,,MK1")]
        write_year(tmp_path, 2023, [hd(c, "01/01/2008") for c in range(1, 4)], rows)
        found = {(p.line, p.reason) for p in read_ssda903(tmp_path).report.problems}
        assert (2, 'REC "E99" is not a code of the guide') in found
        assert (4, "REC is given for an episode with no DEC") in found

    def test_strict_stops_at_a_code_outside_the_guide(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2008")], [ep(1, "01/05/2022", "XX")])
        with pytest.raises(SSDA903Error, match='line 2: PLACE "XX" is not a code of the guide'):
            read_ssda903(tmp_path, strict=True)


class TestPeriodsOfCare:
    """A period of care starts at RNE S and ends at a REC other than X1."""

    def read(self, tmp_path, rows, **kwargs):
        write_year(tmp_path, 2023, [hd(1, "01/01/2008"), hd(2, "01/01/2008")], rows)
        return read_ssda903(tmp_path, **kwargs)

    def test_x1_chain_is_one_period(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="X1"),
                ep(1, "01/06/2022", "U4", dec="01/09/2022", rne="L", ls="C1", rec="X1"),
                ep(1, "01/09/2022", "K2", rne="P")]
        table = self.read(tmp_path, rows)
        assert table.new_period.tolist() == [True, False, False] and table.report.problems == []

    def test_same_day_discharge_and_readmission_is_an_exit_and_an_entry(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="E4A"),
                ep(1, "01/06/2022", "K2", rne="S")]
        assert self.read(tmp_path, rows).new_period.tolist() == [True, True]
        # cs-demand-model reads the same rows as a move from fostering to residential.
        peer = read_ssda903(tmp_path, conventions="cs-demand-model")
        assert peer.new_period.tolist() == [True, False]

    def test_one_day_gap_in_an_x1_chain_is_reported_and_bridged(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="X1"),
                ep(1, "02/06/2022", "K2", rne="P")]
        table = self.read(tmp_path, rows)
        [problem] = table.report.problems
        assert problem.reason.startswith("one-day gap after REC X1") and problem.line == 3
        assert problem.action.startswith("joined: no exit and re-entry")
        assert table.new_period.tolist() == [True, False]
        assert table.end[0] == table.start[1] == to_days("2022-06-02")

    def test_longer_gap_after_x1_is_leaving_and_returning(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="X1"),
                ep(1, "11/06/2022", "K2", rne="P")]
        table = self.read(tmp_path, rows)
        assert problems(table, "starts 10 days after the one before ends")
        assert table.new_period.tolist() == [True, True]

    def test_rne_s_after_x1_continues(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="X1"),
                ep(1, "01/06/2022", "K2", rne="S")]
        table = self.read(tmp_path, rows)
        assert problems(table, "RNE S on an episode that follows REC X1")
        assert table.new_period.tolist() == [True, False]

    def test_new_period_without_rne_s_reported(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="E4A"),
                ep(1, "01/09/2022", "K2", rne="P"), ep(2, "01/05/2022", "U4", rne="L")]
        table = self.read(tmp_path, rows)
        assert problems(table, 'RNE "P" on the first episode after a period of care ended (REC E4A)')
        assert problems(table, 'a period of care starts with RNE "L", not S')
        assert table.new_period.tolist() == [True, True, True]

    def test_period_begun_before_the_files_is_not_questioned(self, tmp_path):
        # Open on 1 April of the first year: its RNE S may be in an episode no file holds.
        rows = [ep(1, "01/05/2021", "U4", rne="P")]
        assert self.read(tmp_path, rows).report.problems == []

    def test_x1_with_nothing_after(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022", rec="X1")]
        table = self.read(tmp_path, rows)
        assert problems(table, "REC X1 but no episode follows")

    def test_blank_rec_falls_back_on_the_dates(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4", dec="01/06/2022").replace(",E4A,", ",,"),
                ep(1, "01/06/2022", "K2", rne="P")]
        table = self.read(tmp_path, rows)
        assert problems(table, "REC is blank for an episode that ended")
        assert table.new_period.tolist() == [True, False]


class TestShortBreaks:
    """Children on an agreed series of short breaks (LS V3, V4) are left out and counted."""

    ROWS = [ep(1, "01/05/2022", "K2", dec="03/05/2022", ls="V3"),
            ep(1, "01/06/2022", "K2", dec="03/06/2022", ls="V3"),
            ep(2, "01/05/2022", "U6", ls="V4"),
            ep(3, "01/05/2022", "U4")]

    def write(self, tmp_path):
        write_year(tmp_path, 2023, [hd(c, "01/01/2010") for c in (1, 2, 3)], self.ROWS)

    def test_left_out_and_counted(self, tmp_path):
        self.write(tmp_path)
        table = read_ssda903(tmp_path)
        assert table.child_ids.tolist() == ["3"]
        report = table.report
        assert (report.short_break_children, report.short_break_episodes) == (2, 3)
        assert report.counts() == ["short breaks (LS V3/V4, an agreed series of short-term "
                                   "breaks): 2 children, 3 episodes left out"]
        assert report.problems == [] and report.rows_dropped == 0

    def test_kept_when_asked_and_by_the_peer(self, tmp_path):
        self.write(tmp_path)
        kept = read_ssda903(tmp_path, short_breaks="include")
        assert kept.child_ids.tolist() == ["1", "2", "3"] and int((kept.end == OPEN).sum()) == 2
        peer = read_ssda903(tmp_path, conventions="cs-demand-model")
        assert peer.n_episodes == 4
        assert "kept (cs-demand-model counts them)" in peer.report.counts()[0]

    def test_care_after_short_breaks_starts_a_period(self, tmp_path):
        rows = [ep(1, "01/05/2022", "K2", dec="01/06/2022", ls="V4", rec="X1"),
                ep(1, "01/06/2022", "U4", ls="C1", rne="L")]
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], rows)
        table = read_ssda903(tmp_path)
        assert table.n_episodes == 1 and table.new_period.tolist() == [True]
        assert table.legal_status.tolist() == ["C1"]


class TestUASC:
    def test_from_the_uasc_table_until_duc(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "15/06/2006"), hd(2, "01/01/2007"), hd(3, "01/01/2010")],
                   [ep(c, "01/05/2022", "H5", ls="V2", provider="PR4") for c in (1, 2, 3)],
                   uasc_rows=["1,1,15/06/2006,15/06/2024", "2,1,01/01/2007,"])
        table = read_ssda903(tmp_path)
        assert table.uasc_until.tolist() == [to_days("2024-06-15"), OPEN, NEVER]
        assert table.report.uasc_children == 2

    def test_from_a_header_column(self, tmp_path):
        write_year(tmp_path, 2023, ["1,1,01/01/2007,AOTH,UN2,,,1", "2,1,01/01/2007,WBRI,UN1,,,0"],
                   [ep(c, "01/05/2022", "U6", ls="V2") for c in (1, 2)], header=HEADER + ",UASC")
        assert read_ssda903(tmp_path).uasc_until.tolist() == [OPEN, NEVER]

    def test_the_latest_duc_stands_and_a_change_is_reported(self, tmp_path):
        write_year(tmp_path, 2022, [hd(1, "01/01/2006")], [ep(1, "01/05/2021", "U6", ls="V2")],
                   uasc_rows=["1,1,01/01/2006,01/01/2024"])
        write_year(tmp_path, 2023, [hd(1, "01/01/2006")], [ep(1, "01/05/2021", "U6", ls="V2")],
                   uasc_rows=["1,1,01/01/2006,01/09/2022"])
        table = read_ssda903(tmp_path)
        assert table.uasc_until.tolist() == [to_days("2022-09-01")]
        [problem] = table.report.problems
        assert problem.reason.startswith("DUC differs") and problem.action == "corrected"


class TestAcrossYears:
    def test_latest_year_closes_an_open_episode(self, tmp_path):
        write_year(tmp_path, 2022, [hd(1, "01/01/2010")], [ep(1, "01/05/2021", "U4")])
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")],
                   [ep(1, "01/05/2021", "U4", dec="01/06/2022")])
        table = read_ssda903(tmp_path)
        assert table.n_episodes == 1 and table.end[0] == to_days("2022-06-01")
        assert table.report.problems == []

    def test_dob_change_between_years_reported(self, tmp_path):
        write_year(tmp_path, 2022, [hd(1, "01/01/2010")], [ep(1, "01/05/2021", "U4")])
        write_year(tmp_path, 2023, [hd(1, "02/01/2010")], [ep(1, "01/05/2021", "U4")])
        table = read_ssda903(tmp_path)
        assert table.dob[0] == to_days("2010-01-02")
        assert table.report.problems[0].action == "corrected"

    def test_open_episode_missing_from_the_next_return(self, tmp_path):
        write_year(tmp_path, 2022, [hd(1, "01/01/2010"), hd(2, "01/01/2010")],
                   [ep(1, "01/05/2021", "U4"), ep(2, "01/05/2021", "U4")])
        write_year(tmp_path, 2023, [hd(2, "01/01/2010")], [ep(2, "01/05/2021", "U4")])
        table = read_ssda903(tmp_path)
        [problem] = table.report.problems
        assert problem.reason == "episode open at 31 March 2022 is not in the 2023 return"
        assert problem.action == "child dropped" and table.child_ids.tolist() == ["2"]

    def test_missing_collection_year_reported(self, tmp_path):
        write_year(tmp_path, 2021, [hd(1, "01/01/2010")], [ep(1, "01/05/2020", "U4")])
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], [ep(1, "01/05/2020", "U4")])
        table = read_ssda903(tmp_path)
        assert table.missing_years == (2022,)
        missing = problems(table, "collection year 2022 is missing")
        assert missing and missing[0].file == "2022/"


class TestPeerCleaning:
    """cs-demand-model 0.5.1's cleaning (datacontainer.combined_data), row for row."""

    def test_overlap_is_cut_to_the_next_start(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")],
                   [ep(1, "01/05/2022", "U4", dec="01/08/2022", rec="X1"), ep(1, "01/07/2022", "K2", rne="P")])
        table = read_ssda903(tmp_path, conventions="cs-demand-model")
        assert table.end[0] == to_days("2022-07-01")
        assert table.report.problems[0].action == "corrected"

    def test_same_start_keeps_the_closed_one_and_same_end_the_earlier(self, tmp_path):
        rows = [ep(1, "01/05/2022", "U4"), ep(1, "01/05/2022", "K2", dec="01/06/2022", rec="X1"),
                ep(1, "01/06/2022", "U6", dec="01/09/2022", rne="P"),
                ep(1, "10/06/2022", "H5", dec="01/09/2022", rne="P")]
        write_year(tmp_path, 2023, [hd(1, "01/01/2006")], rows)
        table = read_ssda903(tmp_path, conventions="cs-demand-model")
        assert table.place.tolist() == ["K2", "U6"]
        assert table.end.tolist() == [to_days("2022-06-01"), to_days("2022-09-01")]


class TestPlainCSV:
    """The whole-array CSV reader gives what pandas gives, and hands anything unusual to it."""

    WANTED = {"CHILD", "DECOM", "DEC", "PLACE", "RNE", "LS", "REC", "PLACE_PROVIDER"}
    UPPER = {"PLACE", "RNE", "LS", "REC", "PLACE_PROVIDER"}

    def both(self, path: Path):
        from xlfuncs.data.ssda903 import _pandas_columns, _plain_csv_columns

        return (_plain_csv_columns(path.read_bytes(), self.WANTED, self.UPPER),
                _pandas_columns(path, self.WANTED, self.UPPER))

    def test_samples_read_alike(self):
        for year in (2019, 2023):
            fast, slow = self.both(SAMPLES / str(year) / "episodes.csv")
            assert fast is not None and set(fast) == set(slow)
            for column in fast:
                assert fast[column].tolist() == slow[column].tolist(), column

    @pytest.mark.parametrize("text", [
        EPISODES + "\r\n" + ep(1, "01/05/2022", "u4") + "\r\n",  # CRLF
        "\ufeff" + EPISODES + "\n" + ep(1, "01/05/2022", "U4") + "\n",  # byte-order mark
        EPISODES + "\n\n" + ep(1, "01/05/2022", "U4") + "\n\n",  # blank lines
        EPISODES + "\n" + ep(1, " 01/05/2022 ", "U4 ").replace("PR1", "pr1 ") + "\n",  # spaces
        EPISODES + "\n" + ep(1, "01/05/2022", "U4"),  # no final newline
    ])
    def test_plain_variants(self, tmp_path, text):
        path = tmp_path / "episodes.csv"
        path.write_text(text, encoding="utf-8")
        fast, slow = self.both(path)
        assert fast is not None
        assert {k: v.tolist() for k, v in fast.items()} == {k: v.tolist() for k, v in slow.items()}
        assert fast["PLACE"].tolist() == [b"U4"] and fast["DECOM"].tolist() == [b"01/05/2022"]

    @pytest.mark.parametrize("text", [
        EPISODES + '\n1,01/05/2022,S,C2,N1,"U4",PR1,,,,MK1 1JN,MK2 2JL,SC990001\n',  # quotes
        EPISODES + "\n" + ep(1, "01/05/2022", "U4") + ",extra\n",  # a ragged line
        EPISODES + "\n" + ep("é1", "01/05/2022", "U4") + "\n",  # non-ASCII
    ])
    def test_unusual_files_go_to_pandas(self, tmp_path, text):
        from xlfuncs.data.ssda903 import _plain_csv_columns

        path = tmp_path / "episodes.csv"
        path.write_text(text, encoding="utf-8")
        assert _plain_csv_columns(path.read_bytes(), self.WANTED, self.UPPER) is None

    def test_non_ascii_ids_read_through_pandas(self, tmp_path):
        write_year(tmp_path, 2023, ["é1,1,01/01/2010,WBRI,UN1,,"], [ep("é1", "01/05/2022", "U4")])
        table = read_ssda903(tmp_path)
        assert table.child_ids.tolist() == ["é1"] and table.place.tolist() == ["U4"]

    def test_ids_that_are_not_numbers_or_have_leading_zeros(self, tmp_path):
        headers = [hd("0123", "01/01/2010"), hd("123", "01/01/2010"), hd("A7", "01/01/2010")]
        rows = [ep("0123", "01/05/2022", "U4"), ep("123", "01/05/2022", "K2"), ep("A7", "01/05/2022", "S1")]
        write_year(tmp_path, 2023, headers, rows)
        table = read_ssda903(tmp_path)
        assert sorted(table.child_ids.tolist()) == ["0123", "123", "A7"]
        by_child = dict(zip(table.child_ids[table.child].tolist(), table.place.tolist(), strict=True))
        assert by_child == {"0123": "U4", "123": "K2", "A7": "S1"}
