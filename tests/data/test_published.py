"""Readers of DfE's published files: EES long-format LA files and LAIT's BDS long table, on
small files in exactly the published layouts (SYNTHETIC numbers, tests/fixtures/README.md).
Every marker is read as missing and counted; none is ever 0."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xlfuncs.data.ees import read_ees, series
from xlfuncs.data.lait import end_year, indicator, read_lait
from xlfuncs.data.suppression import MARKERS, Suppressed, read_numbers
from xlfuncs.methods.errors import (
    InputError,
    NoDataError,
    NotANumberError,
    NotFoundError,
    ShapeError,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EES = FIXTURES / "ees_cla_at_31_march_la_synthetic.csv"
LAIT = FIXTURES / "lait_bds_long_synthetic.csv"


class TestMarkers:
    @pytest.mark.parametrize("marker", ["x", "c", "z", "..", ":", "low", "k", "u", "X", "C", "Low", " c "])
    def test_each_marker_is_missing_and_counted(self, marker):
        counts = Suppressed()
        values = read_numbers(["12", marker, "0"], "number", suppressed=counts)
        assert values[0] == 12 and np.isnan(values[1]) and values[2] == 0
        assert counts.total == 1 and counts.in_column("number") == {marker.strip().lower(): 1}

    def test_the_markers_of_the_brief(self):
        assert {"x", "c", "z", "..", ":", "low", "k", "u"} <= set(MARKERS)

    def test_a_sum_never_takes_a_marker_as_zero(self):
        values = read_numbers(["10", "c", "5"], "number")
        assert np.isnan(values.sum()) and np.nansum(values) == 15

    def test_text_is_an_error_naming_the_row(self):
        with pytest.raises(NotANumberError, match="number: Thurrock: 'five' is neither a number"):
            read_numbers(["1", "five"], "number", lambda i: "Thurrock")
        for text in ("nan", "inf", "1,2,3a"):
            with pytest.raises(NotANumberError):
                read_numbers([text], "number")

    def test_lines(self):
        counts = Suppressed()
        read_numbers(["c", "c", "x", ""], "number", suppressed=counts)
        assert counts.lines() == ['number: 2 "c", 1 "x", 1 blank read as missing']


class TestEES:
    def test_layout_filters_and_indicators_from_the_metadata(self):
        table = read_ees(EES)
        assert table.filters == ("cla_group", "characteristic")
        assert table.indicators == ("number", "percentage")
        assert table.years == [2016, 2017]
        assert set(table.frame["geographic_level"]) == {"Local authority"}
        assert table.filter_values("cla_group") == ["Total", "Placement", "UASC"]
        assert table.frame["number"].dtype == float

    def test_markers_counted_by_indicator(self):
        table = read_ees(EES)
        assert table.suppressed.in_column("number") == {":": 2, "c": 1, "low": 2, "u": 2, "x": 1, "z": 1}
        assert table.suppressed.in_column("percentage") == {"c": 1, "x": 7, "z": 1}
        thurrock = table.frame[(table.frame["la_name"] == "Thurrock") & (table.frame["time_period"] == "2016")]
        schools = thurrock[thurrock["characteristic"] == "Residential schools"]
        assert np.isnan(schools["number"].iloc[0])  # "c": missing, not 0
        # The total is published; the parts with a marker are not taken as 0.
        parts = thurrock[thurrock["cla_group"] == "Placement"]["number"]
        assert parts.isna().sum() == 2 and parts.sum() < 315

    def test_without_metadata_the_content_decides(self, tmp_path):
        shutil.copy(EES, tmp_path / "data.csv")
        table = read_ees(tmp_path / "data.csv")
        assert table.indicators == ("number", "percentage")
        assert table.filters == ("cla_group", "characteristic")

    def test_levels_and_filters(self):
        national = read_ees(EES, levels=("National",))
        assert national.frame["number"].tolist() == [70440.0, 72670.0]
        every = read_ees(EES, levels=("National", "Regional", "Local authority"),
                         filters={"cla_group": "Total"})
        assert len(every.frame) == 2 * (1 + 1 + 3)

    def test_series_is_councils_by_years(self):
        table = read_ees(EES)
        wide = series(table, "number", cla_group="Placement", characteristic="Foster placements")
        assert list(wide.columns) == ["la_name", 2016, 2017]
        assert wide.loc["E06000034", 2017] == 250 and wide.loc["E10000012", 2016] == 790
        schools = series(table, "number", cla_group="Placement", characteristic="Residential schools")
        assert np.isnan(schools.loc["E06000034", 2016]) and np.isnan(schools.loc["E06000033", 2016])
        with pytest.raises(ShapeError, match="give a value for cla_group, characteristic"):
            series(table, "number")
        with pytest.raises(NotFoundError, match="indicator"):
            series(table, "rate", cla_group="Total", characteristic="Total")

    def test_not_an_ees_file(self, tmp_path):
        path = tmp_path / "other.csv"
        path.write_text("council,year,number\nThurrock,2017,345\n")
        with pytest.raises(ShapeError, match="not in EES's long layout: no column time_period"):
            read_ees(path)
        with pytest.raises(InputError, match="no such file"):
            read_ees(tmp_path / "missing.csv")

    def text_frame(self):
        return pd.read_csv(EES, dtype=str, keep_default_na=False)

    def test_text_in_an_indicator_names_the_council(self, tmp_path):
        frame = self.text_frame()
        frame.loc[5, "number"] = "about 40"
        frame.to_csv(tmp_path / "bad.csv", index=False)
        with pytest.raises(NotANumberError, match=r"Thurrock \(E06000034\), 2016: 'about 40'"):
            read_ees(tmp_path / "bad.csv")

    def test_a_council_twice(self, tmp_path):
        frame = self.text_frame()
        frame.loc[len(frame)] = frame.loc[3]
        frame.to_csv(tmp_path / "twice.csv", index=False)
        with pytest.raises(InputError, match=r"E06000034 \(Thurrock\) appears more than once for 2016"):
            read_ees(tmp_path / "twice.csv")

    def test_a_malformed_code(self, tmp_path):
        frame = self.text_frame()
        frame.loc[3, "old_la_code"] = "88"
        frame.to_csv(tmp_path / "code.csv", index=False)
        with pytest.raises(InputError, match="old_la_code: code.csv: Thurrock, 2016: '88'"):
            read_ees(tmp_path / "code.csv")

    def test_unknown_filters(self):
        with pytest.raises(ShapeError, match="not a filter column"):
            read_ees(EES, filters={"region": "East"})
        with pytest.raises(NotFoundError, match='cla_group is never "Ethnicity"'):
            read_ees(EES, filters={"cla_group": "Ethnicity"})
        with pytest.raises(NoDataError, match="no rows at geographic level"):
            read_ees(EES, levels=("Ward",))


class TestLAIT:
    def test_layout(self):
        table = read_lait(LAIT)
        assert table.indicators == ["CIN_rate", "CLA_rate", "SW_spend_per_CIN"]
        frame = table.frame
        assert set(frame["level"]) == {"Local authority", "Region or England"}
        assert frame.loc[frame["area"] == "England", "la_number"].iloc[0] == "970"
        assert sorted(frame["year"].unique()) == [2015, 2016, 2017, 2018]

    def test_markers_are_missing_and_counted(self):
        table = read_lait(LAIT)
        assert table.suppressed.in_column("CIN_rate") == {"-": 1, "c": 1}
        assert table.suppressed.blanks["CIN_rate"] == 1
        assert table.suppressed.in_column("CLA_rate") == {"..": 1}
        assert table.suppressed.in_column("SW_spend_per_CIN") == {"x": 1}

    def test_indicator_by_council_and_year(self):
        table = read_lait(LAIT)
        wide = indicator(table, "SW_spend_per_CIN")
        assert list(wide.columns) == ["area", 2017, 2018]
        assert wide.loc["883", 2017] == 1234 and np.isnan(wide.loc["882", 2017])
        areas = indicator(table, "CLA_rate", level="Region or England")
        assert areas.loc["970"].tolist() == ["England", 60.0, 60.0, 62.0]
        with pytest.raises(NotFoundError, match='"Rate" has no local authority rows'):
            indicator(table, "Rate")

    def test_only_some_indicators(self):
        assert read_lait(LAIT, ["CLA_rate"]).indicators == ["CLA_rate"]
        with pytest.raises(NotFoundError, match="has no indicator Missing"):
            read_lait(LAIT, ["CLA_rate", "Missing"])

    def test_periods(self):
        assert [end_year(p) for p in ("2017", "2016-17", "2016/17", "2014-2016", "1999-00")] == [
            2017, 2017, 2017, 2016, 2000]
        assert np.isnan(end_year("Q1 2017"))

    def test_not_the_bds_long_table(self, tmp_path):
        path = tmp_path / "wide.csv"
        path.write_text("Short Desc,2016,2017\nCLA_rate,81,84\n")
        with pytest.raises(ShapeError, match="no column Years, LA and Regions, LA Number, Values"):
            read_lait(path)

    def test_text_and_repeats_named(self, tmp_path):
        frame = pd.read_csv(LAIT, dtype=str, keep_default_na=False)
        bad = frame.copy()
        bad.loc[0, "Values"] = "n/a"
        bad.to_csv(tmp_path / "bad.csv", index=False)
        with pytest.raises(NotANumberError, match="CLA_rate: Thurrock, 2015: 'n/a'"):
            read_lait(tmp_path / "bad.csv")
        twice = pd.concat([frame, frame.iloc[[0]]])
        twice.to_csv(tmp_path / "twice.csv", index=False)
        with pytest.raises(InputError, match="Thurrock appears more than once for CLA_rate, 2015"):
            read_lait(tmp_path / "twice.csv")

    def test_parquet_needs_pyarrow_or_is_read(self, tmp_path):
        path = tmp_path / "bds_long_0.parquet"
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            path.write_bytes(b"PAR1")
            with pytest.raises(InputError, match="reading parquet needs pyarrow"):
                read_lait(path)
        else:
            pd.read_csv(LAIT, dtype=str, keep_default_na=False).to_parquet(path)
            assert read_lait(path).indicators == read_lait(LAIT).indicators
