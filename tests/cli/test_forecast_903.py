"""``xlfuncs forecast-903``: output, options, and one-line errors with a report of dropped rows."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from tests.data.test_ssda903 import ep, hd, write_year
from xlfuncs.cli import main
from xlfuncs.cli.forecast_903 import safe_text
from xlfuncs.data.ssda903 import read_ssda903
from xlfuncs.methods.stock_flow.forecast import forecast
from xlfuncs.methods.stock_flow.model import estimate

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "ssda903"
REFERENCE = ["--reference-start", "2022-04-01", "--reference-end", "2023-03-31"]


def rows(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def run(argv, capsys):
    status = main(["forecast-903", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


class TestForecast:
    def test_writes_month_end_rows_for_every_state(self, tmp_path, capsys):
        out = tmp_path / "forecast.csv"
        status, stdout, _ = run([SAMPLES, *REFERENCE, "--months", 24, "--out", out], capsys)
        assert status == 0
        data = rows(out)
        assert list(data[0]) == ["date", "age_band", "placement", "count", "lower", "upper", "uasc"]
        assert len(data) == 24 * 5 * 6  # month ends x age bands x DfE's placement categories
        assert data[0]["date"] == "2023-04-30" and data[-1]["date"] == "2025-03-31"
        assert {r["placement"] for r in data} == {"fostering", "secure_homes", "residential_schools",
                                                 "with_parents", "adoption", "other"}
        expected = forecast(estimate(read_ssda903(SAMPLES), "2022-04-01", "2023-03-31"), 24)
        last = [r for r in data if r["date"] == "2025-03-31"]
        assert sum(float(r["count"]) for r in last) == pytest.approx(expected.total[-1], rel=1e-8)
        uasc = [i for i, (s, _, _) in enumerate(expected.space.labels) if s == "uasc"]
        assert sum(float(r["uasc"]) for r in last) == pytest.approx(expected.counts[-1, uasc].sum(), rel=1e-8)
        for r in data:
            assert float(r["lower"]) <= float(r["count"]) <= float(r["upper"])
            assert 0 <= float(r["uasc"]) <= float(r["count"]) + 1e-9
        assert "children in care 417" in stdout and "of whom UASC 18" in stdout

    def test_short_breaks_reported_in_the_summary(self, tmp_path, capsys):
        status, _, err = run([SAMPLES, "--out", tmp_path / "f.csv", "--months", 2], capsys)
        assert status == 0
        assert "short breaks (LS V3/V4, an agreed series of short-term breaks): 73 children, " \
               "743 episodes left out" in err
        status, stdout, _ = run([SAMPLES, "--out", tmp_path / "g.csv", "--months", 2,
                                 "--short-breaks", "include"], capsys)
        assert status == 0 and "children in care 428" in stdout

    def test_default_reference_is_the_last_collection_year(self, tmp_path, capsys):
        status, stdout, _ = run([SAMPLES, "--out", tmp_path / "f.csv", "--months", 3], capsys)
        assert status == 0 and "reference 2022-04-01 to 2023-03-31" in stdout

    def test_compatible_mode(self, tmp_path, capsys):
        out = tmp_path / "peer.csv"
        status, stdout, _ = run([SAMPLES, *REFERENCE, "--out", out, "--compatible", "cs-demand-model"], capsys)
        assert status == 0 and "cs-demand-model conventions" in stdout
        data = rows(out)
        assert list(data[0])[-1] == "uasc" and len(data) == 24 * 20
        assert {r["uasc"] for r in data} == {""}  # no UASC stream in the peer's conventions
        first = [r for r in data if r["date"] == "2023-04-30"]
        expected = forecast(estimate(read_ssda903(SAMPLES, conventions="cs-demand-model"),
                                     "2022-04-01", "2023-03-31"), 1)
        assert sum(float(r["count"]) for r in first) == pytest.approx(expected.total[0], rel=1e-9)

    def test_scenario_options(self, tmp_path, capsys):
        base, fewer = tmp_path / "base.csv", tmp_path / "fewer.csv"
        run([SAMPLES, *REFERENCE, "--out", base, "--months", 12], capsys)
        status, _, _ = run([SAMPLES, *REFERENCE, "--out", fewer, "--months", 12,
                            "--scale-entrants", "all:all", "0.5",
                            "--scale-rate", "10-16:secure_homes", "out", "1.2",
                            "--add-rate", "uasc:16-18+:fostering", "uasc:16-18+:secure_homes",
                            "0.001"], capsys)
        assert status == 0

        def total(path):
            return sum(float(r["count"]) for r in rows(path) if r["date"] == "2024-03-31")

        assert total(fewer) < total(base)

    def test_costs_drivers_and_template(self, tmp_path, capsys, recalculated):
        status, stdout, _ = run([SAMPLES, *REFERENCE, "--out", tmp_path / "f.csv", "--months", 12,
                                 "--weekly-cost", "fostering=650", "secure_homes=3000", "U4=700",
                                 "--inflation", "0.03", "--costs-out", tmp_path / "costs.csv",
                                 "--drivers-out", tmp_path / "drivers.csv",
                                 "--template", tmp_path / "mine.xlsx"], capsys)
        assert status == 0
        costs = rows(tmp_path / "costs.csv")
        assert len(costs) == 12 * 6 and float(costs[0]["cost"]) > 0
        drivers = rows(tmp_path / "drivers.csv")
        ref = [r for r in drivers if r["period_start"] == "2022-04-01" and r["placement"] == "fostering"]
        assert 650 <= float(ref[0]["average_weekly_cost"]) <= 700  # U4 weeks at £700
        assert float(ref[0]["weeks_of_care"]) > 0 and float(ref[0]["average_stay_days"]) > 0
        book = openpyxl.load_workbook(tmp_path / "mine.xlsx")
        assert book["Model"]["D2"].value.date().isoformat() == "2023-03-31"
        report, _ = recalculated(tmp_path / "mine.xlsx")
        assert report.errors == {}
        total = sum(float(r["count"]) for r in rows(tmp_path / "f.csv") if r["date"] == "2024-03-31")
        assert report.named("ChildrenYearOne") == pytest.approx(total, rel=1e-8)


    def test_drivers_by_budget_line(self, tmp_path, capsys):
        status, _, _ = run([SAMPLES, *REFERENCE, "--out", tmp_path / "f.csv", "--months", 1,
                            "--weekly-cost", "fostering=650", "agency_fostering=900", "K1=6000",
                            "--drivers-out", tmp_path / "drivers.csv", "--drivers-view", "budget"],
                           capsys)
        assert status == 0
        ref = {r["placement"]: r for r in rows(tmp_path / "drivers.csv")
               if r["period_start"] == "2022-04-01" and r["period_end"] == "2023-03-31"}
        assert list(ref) == ["in_house_fostering", "agency_fostering", "residential",
                             "supported_accommodation", "secure", "other", "all"]
        assert float(ref["agency_fostering"]["average_weekly_cost"]) == pytest.approx(900)
        assert ref["in_house_fostering"]["cost"] == ""  # a cost of DfE's fostering group is not a line's
        assert float(ref["secure"]["weeks_of_care"]) > 0

    def test_uasc_scenario(self, tmp_path, capsys):
        base, fewer = tmp_path / "base.csv", tmp_path / "fewer.csv"
        run([SAMPLES, *REFERENCE, "--out", base, "--months", 12], capsys)
        run([SAMPLES, *REFERENCE, "--out", fewer, "--months", 12,
             "--scale-entrants", "uasc:all:all", "0"], capsys)

        def uasc(path):
            return sum(float(r["uasc"]) for r in rows(path) if r["date"] == "2024-03-31")

        assert uasc(fewer) < uasc(base)


class TestBadInput:
    def test_missing_column_is_one_line(self, tmp_path, capsys):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], ["1,01/05/2022,U4"], episodes="CHILD,DECOM,PLACE")
        status, _, err = run([tmp_path, "--out", tmp_path / "f.csv"], capsys)
        assert status == 2
        assert err.count("\n") == 1 and "missing columns DEC, RNE, LS, REC, PLACE_PROVIDER" in err

    def test_bad_rows_reported_and_left_out(self, tmp_path, capsys):
        write_year(tmp_path, 2023, [hd(c, "01/01/2010") for c in (1, 2, 3)],
                   [ep(1, "01/05/2022", "U4", dec="01/04/2022"), ep(2, "31/02/2022", "U4"),
                    ep(3, "01/05/2022", "U4"), ep(4, "01/05/2022", "U4")])
        status, _, err = run([tmp_path, "--out", tmp_path / "f.csv", "--months", 2], capsys)
        assert status == 0
        assert "4 episode rows read, 3 left out" in err
        assert "invalid: 2 rows and 1 children left out" in err
        assert "DEC is before DECOM" in err and "2023/episodes.csv:2" in err
        assert "no date of birth" in err and "DECOM is not a dd/mm/YYYY date" in err

    def test_strict_fails_in_one_line(self, tmp_path, capsys):
        write_year(tmp_path, 2023, [hd(1, "01/01/2010")], [ep(1, "01/05/2022", "U4", dec="01/04/2022")])
        status, _, err = run([tmp_path, "--out", tmp_path / "f.csv", "--strict"], capsys)
        assert status == 2 and err.count("\n") == 1
        assert "line 2: DEC is before DECOM" in err

    @pytest.mark.parametrize(
        "extra, message",
        [
            (["--reference-end", "2024-03-31"], "reference_end: is after the end of the data"),
            (["--scale-rate", "teens:all", "out", "2"], '"teens" is not an age band'),
            (["--scale-entrants", "all:all", "lots"], "is not a number"),
            (["--weekly-cost", "fostering"], "write KEY=VALUE"),
            (["--costs-out", "c.csv"], "--costs-out needs --weekly-cost"),
            (["--months", "0"], "--months must be between"),
        ],
    )
    def test_option_errors_are_one_line(self, tmp_path, capsys, extra, message):
        status, _, err = run([SAMPLES, "--out", tmp_path / "f.csv", *extra], capsys)
        assert status == 2 and message in err and err.count("\n") == 1


def test_formula_injection_guard():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("-2+A1") == "'-2+A1" and safe_text("+cmd") == "'+cmd"
    assert safe_text(-2.5) == -2.5 and safe_text("-2.5") == "-2.5"  # numbers stay numbers
    assert safe_text("16-18+") == "16-18+"


class TestSample:
    def test_sample_is_the_bundled_return(self, tmp_path, capsys):
        bundled, given = tmp_path / "sample.csv", tmp_path / "dir.csv"
        assert run(["--sample", *REFERENCE, "--months", 6, "--out", bundled], capsys)[0] == 0
        assert run([SAMPLES, *REFERENCE, "--months", 6, "--out", given], capsys)[0] == 0
        assert bundled.read_bytes() == given.read_bytes()

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            ([SAMPLES, "--sample"], "give DIR or --sample, not both"),
            ([], "give the SSDA903 folder DIR (or --sample"),
        ],
    )
    def test_one_source_exactly(self, tmp_path, capsys, argv, message):
        status, _, err = run([*argv, "--out", tmp_path / "f.csv"], capsys)
        assert status == 2 and message in err and err.count("\n") == 1
        assert not (tmp_path / "f.csv").exists()


class TestBacktest:
    def test_every_method_scored_and_the_template_sheet_filled(self, tmp_path, capsys):
        scores, detail, book = tmp_path / "bt.csv", tmp_path / "btd.csv", tmp_path / "sf.xlsx"
        status, stdout, _ = run([SAMPLES, "--months", 3, "--out", tmp_path / "f.csv", "--backtest", scores,
                                 "--backtest-months", 13, "--backtest-detail", detail, "--template", book], capsys)
        assert status == 0
        data = rows(scores)
        assert list(data[0]) == ["method", "placement", "horizon_months", "forecasts", "mape_percent",
                                 "inside_band_share"]
        methods = {r["method"] for r in data}
        assert methods == {"stock-flow", "stock-flow (cs-demand-model)", "linear", "exponential", "ets"}
        total = {r["method"]: r for r in data if r["placement"] == "total" and r["horizon_months"] == "all"}
        # 13 origins (February 2022 to February 2023), each scored on up to 12 months since;
        # the trend methods fit the yearly counts, from the one origin that is a 31 March
        assert total["stock-flow"]["forecasts"] == str(12 + 12 + sum(range(1, 12)))
        assert total["linear"]["forecasts"] == "1"
        points = rows(detail)
        stock_flow = [p for p in points if p["method"] == "stock-flow" and p["placement"] == "total"]
        ape = [abs(float(p["forecast"]) - float(p["actual"])) / float(p["actual"]) * 100 for p in stock_flow]
        assert float(total["stock-flow"]["mape_percent"]) == pytest.approx(sum(ape) / len(ape), rel=1e-8)
        assert "back-test: 13 origins (2022-02-28 to 2023-02-28)" in stdout
        sheet = openpyxl.load_workbook(book)["Backtest"]
        assert sheet["A5"].value == "stock-flow"

    def test_backtest_months_must_be_positive(self, tmp_path, capsys):
        status, _, err = run([SAMPLES, "--months", 2, "--out", tmp_path / "f.csv", "--backtest",
                              tmp_path / "b.csv", "--backtest-months", 0], capsys)
        assert status == 2 and "--backtest-months must be at least 1" in err
