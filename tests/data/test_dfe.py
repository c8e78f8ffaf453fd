"""Loaders of DfE local-authority CSV files, and the synthetic sample panel."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xlfuncs.data import dfe as dfe_data
from xlfuncs.methods.errors import (
    DivisionByZeroError,
    InputError,
    NoDataError,
    NotANumberError,
    ShapeError,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def panel():
    return dfe_data.load_panel()


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(SAMPLES / "la_panel.csv", dtype=str, keep_default_na=False)


def write(frame: pd.DataFrame, path):
    frame.to_csv(path, index=False)
    return path


def first_la_row(frame: pd.DataFrame, code: str = "E06000034", period: str = "201617") -> int:
    mask = (frame["new_la_code"] == code) & (frame["time_period"] == period)
    return int(np.flatnonzero(mask.to_numpy())[0])


class TestAuthorities:
    def test_151_authorities_isles_of_scilly_excluded(self):
        codes = [a[1] for a in dfe_data.AUTHORITIES]
        assert len(codes) == len(set(codes)) == 151
        assert "E06000053" not in codes  # Isles of Scilly (seed 004 excludes it)
        assert "E09000001" in codes  # City of London is in DfE's files

    def test_regions(self):
        counts = Counter(a[3] for a in dfe_data.AUTHORITIES)
        assert counts == {
            "North East": 12, "North West": 23, "Yorkshire and The Humber": 15,
            "East Midlands": 9, "West Midlands": 14, "East of England": 11,
            "Inner London": 13, "Outer London": 20, "South East": 19, "South West": 15,
        }

    def test_code_types_match_authority_types(self):
        for old, new, name, _ in dfe_data.AUTHORITIES:
            assert new[:3] in {"E06", "E08", "E09", "E10"}, name
            assert len(new) == 9 and len(old) == 3, name
        london = [a for a in dfe_data.AUTHORITIES if "London" in a[3]]
        assert all(a[1].startswith("E09") for a in london)


class TestParseTimePeriod:
    @pytest.mark.parametrize(
        ("text", "year"), [("2017", 2017), ("201617", 2017), (201112, 2012), ("2017.0", 2017), ("199900", 2000)]
    )
    def test_forms(self, text, year):
        assert dfe_data.parse_time_period(text) == year

    @pytest.mark.parametrize("text", ["2016-17", "201618", "17", "x"])
    def test_refused(self, text):
        with pytest.raises(NotANumberError, match="time_period"):
            dfe_data.parse_time_period(text)


class TestReadLaCsv:
    def test_sample_panel(self, panel):
        assert len(panel) == 151 * 6
        assert sorted(panel["year"].unique()) == [2012, 2013, 2014, 2015, 2016, 2017]
        assert panel["spend_total"].dtype == float
        assert panel["new_la_code"].nunique() == 151
        assert set(panel["geographic_level"]) == {"Local authority"}

    def test_national_and_regional_rows_add_up(self):
        every = dfe_data.read_la_csv(
            SAMPLES / "la_panel.csv", levels=("National", "Regional", "Local authority")
        )
        for year, rows in every.groupby("year"):
            national = rows[rows["geographic_level"] == "National"]
            regional = rows[rows["geographic_level"] == "Regional"]
            local = rows[rows["geographic_level"] == "Local authority"]
            assert len(national) == 1 and len(regional) == 10, year
            for col in ("cla_at_31_march", "population_0_17", "spend_total"):
                assert national[col].iloc[0] == local[col].sum() == regional[col].sum()

    def test_suppressed_values_warn_and_become_missing(self, raw, tmp_path):
        frame = raw.copy()
        frame.loc[first_la_row(frame), "crime_rate_per_1000"] = "c"
        frame.loc[first_la_row(frame, "E06000001"), "idaci_average_score"] = "x"
        with pytest.warns(UserWarning, match=r"crime_rate_per_1000: 1 \(Thurrock \(E06000034\), 201617\)"):
            out = dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))
        assert np.isnan(out.loc[first_la_row(out), "crime_rate_per_1000"])

    def test_text_in_numeric_column_names_council_and_column(self, raw, tmp_path):
        frame = raw.copy()
        frame.loc[first_la_row(frame), "unemployment_rate"] = "five"
        with pytest.raises(NotANumberError) as err:
            dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))
        assert err.value.argument == "unemployment_rate"
        assert "Thurrock (E06000034), 201617: 'five' is not a number" in str(err.value)

    def test_thousands_separators_are_numbers(self, raw, tmp_path):
        frame = raw.copy()
        frame.loc[first_la_row(frame), "spend_total"] = "1,234,567"
        out = dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))
        assert out.loc[first_la_row(out), "spend_total"] == 1_234_567

    def test_duplicate_council_code(self, raw, tmp_path):
        frame = raw.copy()
        frame.loc[first_la_row(frame, "E06000001"), "new_la_code"] = "E06000034"
        with pytest.raises(InputError, match=r"E06000034 \((Hartlepool|Thurrock)\) appears more than once for 201617"):
            dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))

    def test_malformed_code(self, raw, tmp_path):
        frame = raw.copy()
        frame.loc[first_la_row(frame), "new_la_code"] = "883"
        with pytest.raises(InputError, match="Thurrock, 201617: '883' is not an English"):
            dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))

    def test_wrong_layout(self, tmp_path):
        path = tmp_path / "other.csv"
        path.write_text("council,year,spend\nThurrock,2017,100\n")
        with pytest.raises(ShapeError, match="not in DfE's local-authority layout: no column time_period"):
            dfe_data.read_la_csv(path)

    def test_missing_measure_column(self, tmp_path, raw):
        path = write(raw.drop(columns=["spend_total"]), tmp_path / "p.csv")
        with pytest.raises(ShapeError, match="spend_total"):
            dfe_data.read_la_csv(path, required=["spend_total"])

    def test_no_rows_at_level(self, raw, tmp_path):
        path = write(raw[raw["geographic_level"] == "National"], tmp_path / "p.csv")
        with pytest.raises(NoDataError, match="Local authority"):
            dfe_data.read_la_csv(path)

    def test_not_a_file(self, tmp_path):
        with pytest.raises(InputError, match="no such file"):
            dfe_data.read_la_csv(tmp_path / "absent.csv")

    def test_reporting_year_periods(self, raw, tmp_path):
        # CLA files use a four-digit reporting year; both forms load to the same years.
        frame = raw.copy()
        frame["time_period"] = frame["time_period"].str[:4].astype(int).add(1).astype(str)
        out = dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))
        assert sorted(out["year"].unique()) == list(range(2012, 2018))


class TestModelInputs:
    def test_shapes_and_order(self, panel):
        data = dfe_data.model_inputs(panel, 2017)
        assert data["x"].shape == (151, 5)
        assert data["codes"][0] == "E06000001"
        assert data["drivers"] == list(dfe_data.DRIVER_COLUMNS.values())
        rows = dfe_data.panel_year(panel, 2017)
        np.testing.assert_allclose(data["y"], rows["spend_total"] / rows["population_0_25"])

    def test_zero_population_names_council(self, raw, tmp_path):
        frame = raw.copy()
        frame.loc[first_la_row(frame), "population_0_25"] = "0"
        panel = dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))
        with pytest.raises(DivisionByZeroError) as err:
            dfe_data.model_inputs(panel, 2017)
        assert err.value.argument == "population_0_25"
        assert "Thurrock (E06000034), 2017" in str(err.value)

    def test_missing_year(self, panel):
        with pytest.raises(NoDataError, match="2012, 2013"):
            dfe_data.model_inputs(panel, 2020)

    def test_missing_driver_stays_missing(self, raw, tmp_path):
        frame = raw.copy()
        frame.loc[first_la_row(frame), "idaci_average_score"] = "x"
        with pytest.warns(UserWarning):
            panel = dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))
        data = dfe_data.model_inputs(panel, 2017)
        assert np.isnan(data["x"][data["codes"].index("E06000034"), 0])


class TestLacRates:
    def test_rates(self, panel):
        wide = dfe_data.lac_rates(panel)
        row = panel[(panel["new_la_code"] == "E06000034") & (panel["year"] == 2017)].iloc[0]
        assert wide.loc["E06000034", 2017] == pytest.approx(
            row["cla_at_31_march"] / row["population_0_17"] * 10_000
        )
        assert list(wide.columns[:2]) == ["la_name", "region_name"]

    def test_zero_child_population(self, raw, tmp_path):
        frame = raw.copy()
        frame.loc[first_la_row(frame), "population_0_17"] = "0"
        panel = dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))
        with pytest.raises(DivisionByZeroError, match="Thurrock"):
            dfe_data.lac_rates(panel)


class TestSamplePanel:
    def test_generator_reproduces_the_committed_file(self):
        spec = importlib.util.spec_from_file_location(
            "make_sample_panel", ROOT / "scripts" / "make_sample_panel.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.to_csv_text(module.generate()) == (SAMPLES / "la_panel.csv").read_text()

    def test_says_it_is_synthetic(self):
        readme = (SAMPLES / "README.md").read_text()
        assert "synthetic" in readme.lower()


class TestPublishedLayout:
    """A file shaped like an explore-education-statistics download: long, with a filter."""

    TEXT = (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,new_la_code,old_la_code,la_name,characteristic,number,percentage\n"
        "2017,Reporting year,National,E92000001,England,,,,,,Total,72670,100\n"
        "2017,Reporting year,Local authority,E92000001,England,E12000006,East of England,"
        "E06000034,883,Thurrock,Total,345,100\n"
        "2017,Reporting year,Local authority,E92000001,England,E12000006,East of England,"
        "E06000034,883,Thurrock,Male,190,55\n"
        "2017,Reporting year,Local authority,E92000001,England,E12000006,East of England,"
        "E06000034,883,Thurrock,Female,155,c\n"
    )

    def test_filter_columns_stay_text_and_key_the_rows(self, tmp_path):
        path = tmp_path / "cla.csv"
        path.write_text(self.TEXT)
        with pytest.warns(UserWarning, match="percentage: 1"):
            frame = dfe_data.read_la_csv(path)
        assert list(frame["characteristic"]) == ["Total", "Male", "Female"]
        assert list(frame["number"]) == [345.0, 190.0, 155.0]
        assert np.isnan(frame["percentage"].iloc[2])

    def test_duplicate_within_a_filter_value(self, tmp_path):
        path = tmp_path / "cla.csv"
        path.write_text(self.TEXT.replace("Female", "Male"))
        with pytest.raises(InputError, match="characteristic 'Male'"):
            dfe_data.read_la_csv(path)

    def test_text_in_a_measure(self, tmp_path):
        path = tmp_path / "cla.csv"
        path.write_text(self.TEXT.replace(",190,", ",one hundred,"))
        with pytest.raises(NotANumberError, match="Thurrock .*'one hundred'"):
            dfe_data.read_la_csv(path)


def test_a_measure_with_no_numbers_is_refused_by_the_model(raw, tmp_path):
    frame = raw.copy()
    frame["crime_rate_per_1000"] = "x"
    panel = dfe_data.read_la_csv(write(frame, tmp_path / "p.csv"))
    with pytest.raises(NotANumberError, match="crime_rate_per_1000: holds no numbers"):
        dfe_data.model_inputs(panel)
