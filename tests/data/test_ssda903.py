"""Reading SSDA903 files: layout, clean episodes and every kind of bad input named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from xlfuncs.data.ssda903 import SSDA903Error, parse_dates, read_ssda903
from xlfuncs.methods.errors import InputError, NoDataError
from xlfuncs.methods.stock_flow.episodes import OPEN, from_days, to_days

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "ssda903"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN")


def write_year(root: Path, year: int, header_rows: list[str], episode_rows: list[str],
               header: str = HEADER, episodes: str = EPISODES) -> None:
    folder = root / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text("\n".join([header, *header_rows]) + "\n")
    (folder / "episodes.csv").write_text("\n".join([episodes, *episode_rows]) + "\n")


def ep(child, decom, place, dec="", rne="S", ls="C2", rec=""):
    rec = rec or ("E4A" if dec else "")
    return f"{child},{decom},{rne},{ls},N1,{place},PR1,{dec},{rec},,MK1 1JN,MK2 2JL,SC990001"


def hd(child, dob, sex="1"):
    return f"{child},{sex},{dob},WBRI,UN1,,"


class TestDates:
    def test_parse_accepts_what_the_validator_accepts(self):
        days, blank, bad = parse_dates(["01/04/2022", "1/4/2022", " 31/03/2023 ", "", None])
        assert days[:3].tolist() == [to_days("2022-04-01"), to_days("2022-04-01"), to_days("2023-03-31")]
        assert blank.tolist() == [False, False, False, True, True]
        assert not bad.any()

    def test_parse_flags_other_formats(self):
        _, _, bad = parse_dates(["2022-04-01", "31/13/2022", "29/02/2023", "next week"])
        assert bad.all()

    def test_round_trip(self):
        assert from_days(to_days(dt.date(2020, 2, 29))) == dt.date(2020, 2, 29)


class TestSamples:
    def test_reads_every_year_without_problems(self):
        table = read_ssda903(SAMPLES)
        assert table.years == (2019, 2020, 2021, 2022, 2023)
        assert table.report.problems == []
        assert table.report.episode_rows == 793 + 788 + 802 + 787 + 866
        # Episodes repeated across years (open at 31 March) are merged: fewer than the rows.
        assert table.n_episodes < table.report.episode_rows
        open_now = table.end == OPEN
        assert int(open_now.sum()) == 347  # looked after at 31 March 2023
        assert table.collection_end == to_days("2023-03-31")

    def test_sorted_by_child_then_start_and_no_overlaps(self):
        table = read_ssda903(SAMPLES)
        key = table.child * 10**6 + (table.start - table.start.min())
        assert np.all(np.diff(key) > 0)
        same = table.child[1:] == table.child[:-1]
        assert np.all(table.end[:-1][same] <= table.start[1:][same])

    def test_compatible_reading_agrees_on_clean_data(self):
        ours = read_ssda903(SAMPLES)
        peer = read_ssda903(SAMPLES, conventions="cs-demand-model")
        assert peer.report.problems == []
        assert np.array_equal(ours.start, peer.start) and np.array_equal(ours.end, peer.end)


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
        with pytest.raises(SSDA903Error, match="missing columns DEC, PLACE"):
            read_ssda903(tmp_path)

    def test_empty_file(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], [])
        (tmp_path / "2023" / "episodes.csv").write_text("")
        with pytest.raises(SSDA903Error, match="empty"):
            read_ssda903(tmp_path)

    def test_no_usable_episodes(self, tmp_path):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], [ep(1, "bad", "U4")])
        with pytest.raises(NoDataError, match="no usable episodes"):
            read_ssda903(tmp_path)

    def test_unknown_conventions(self):
        with pytest.raises(InputError, match="conventions"):
            read_ssda903(SAMPLES, conventions="other")


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

    def test_lower_case_codes_and_spaces_accepted(self, tmp_path):
        table = self.read(tmp_path, [" 1 , 01/05/2022 ,s,c2,n1, u4 ,PR1,,,,MK1 1JN,MK2 2JL,SC990001"])
        assert table.place.tolist() == ["U4"] and table.child_ids.tolist() == ["1"]


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
