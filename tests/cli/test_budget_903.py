"""``xlfuncs budget-903``: the report, what it names, no peeking, and every bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.support.paths import SAMPLES
from xlfuncs.cli import main
from xlfuncs.data.budget_files import digest

RETURN = SAMPLES / "ssda903"
COSTS = SAMPLES / "budget_costs.csv"
BUDGET = SAMPLES / "budget.csv"
CAPACITY = SAMPLES / "budget_capacity.csv"
#: The council's own references the sample price list names (synthetic): never written out.
NAMED_CHILDREN = ("190168", "210869", "480944")


def rows(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def run(argv, capsys):
    status = main(["budget-903", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def budget_run(directory, out: Path, capsys, as_at="2022-12-31", extra=()):
    return run([directory, "--as-at", as_at, "--costs", COSTS, "--budget", BUDGET,
                "--out", out, *extra], capsys)


class TestReport:
    def test_one_row_per_line_and_a_total_naming_where_every_number_comes_from(self, tmp_path, capsys):
        out = tmp_path / "report.csv"
        status, stdout, _ = budget_run(RETURN, out, capsys)
        assert status == 0
        data = rows(out)
        assert [r["line"] for r in data] == ["in_house_fostering", "agency_fostering", "residential",
                                             "supported_accommodation", "secure", "other", "Total"]
        for r in data:
            assert r["as_at"] == "2022-12-31" and r["year_start"] == "2022-04-01"
            assert r["reference_start"] == "2022-01-01" and r["reference_end"] == "2022-12-31"
            assert r["costs_file"] == "budget_costs.csv" and r["costs_sha256"] == digest(COSTS)
            total = float(r["actual_to_date"]) + float(r["committed"]) + float(r["projected"])
            assert float(r["forecast_outturn"]) == pytest.approx(total, abs=0.02)
            assert float(r["variance"]) == pytest.approx(float(r["forecast_outturn"]) - float(r["budget"]), abs=0.02)
            assert float(r["forecast_lower"]) <= float(r["forecast_outturn"]) <= float(r["forecast_upper"])
        lines, total = data[:-1], data[-1]
        for column in ("children_now", "actual_to_date", "committed", "projected", "forecast_outturn", "budget"):
            assert float(total[column]) == pytest.approx(sum(float(r[column]) for r in lines), abs=0.1)
        assert total["children_now"] == "408.0"
        assert "forecast outturn £28,664,803" in stdout and "variance £984,803" in stdout
        assert digest(COSTS)[:12] in stdout

    def test_no_child_reference_is_written_anywhere(self, tmp_path, capsys):
        outputs = {name: tmp_path / name for name in ("r.csv", "s.csv", "h.csv", "b.csv", "t.xlsx")}
        status, stdout, stderr = budget_run(RETURN, outputs["r.csv"], capsys, extra=[
            "--capacity", CAPACITY, "--sufficiency", outputs["s.csv"], "--high-cost", outputs["h.csv"],
            "--backtest", outputs["b.csv"], "--template", outputs["t.xlsx"]])
        assert status == 0
        texts = [stdout, stderr]
        for path in outputs.values():
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as archive:
                    texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
            else:
                texts.append(path.read_text())
        for reference in NAMED_CHILDREN:
            assert not any(reference in text for text in texts), reference

    def test_named_high_cost_placements_are_priced_at_their_own_cost(self, tmp_path, capsys):
        plain = tmp_path / "costs.csv"
        plain.write_text("\n".join(line for line in COSTS.read_text().splitlines()
                                   if not line.rstrip().endswith(NAMED_CHILDREN)) + "\n")
        status, _, _ = budget_run(RETURN, tmp_path / "a.csv", capsys)
        status2, _, _ = run([RETURN, "--as-at", "2022-12-31", "--costs", plain, "--out", tmp_path / "b.csv"], capsys)
        assert status == status2 == 0
        named = {r["line"]: float(r["weekly_cost_now"]) for r in rows(tmp_path / "a.csv")}
        unnamed = {r["line"]: float(r["weekly_cost_now"]) for r in rows(tmp_path / "b.csv")}
        # 190168 and 210869 in K2 (PR4, bought at 5,600), 480944 in S1 (5,200), all open at the date
        assert named["residential"] - unnamed["residential"] == pytest.approx(
            (12500 - 5600) + (10800 - 5600) + (9500 - 5200))
        assert named["in_house_fostering"] == unnamed["in_house_fostering"]

    def test_sample_flag_and_custom_lines(self, tmp_path, capsys):
        lines = tmp_path / "lines.csv"
        lines.write_text("placement,provider,line,label\nK2,PR1,in_house_residential,In-house children's homes\n"
                         "K1,,secure_and_remand,\nR5,,secure_and_remand,\n")
        status, _, _ = run(["--sample", "--as-at", "2022-12-31", "--costs", COSTS, "--lines", lines,
                            "--out", tmp_path / "r.csv"], capsys)
        assert status == 0
        data = rows(tmp_path / "r.csv")
        assert [r["line"] for r in data] == ["in_house_fostering", "agency_fostering", "residential",
                                             "supported_accommodation", "other", "in_house_residential",
                                             "secure_and_remand", "Total"]
        assert data[5]["label"] == "In-house children's homes"
        assert data[0]["lines_file"] == "lines.csv" and data[0]["lines_sha256"] == digest(lines)
        default = tmp_path / "d.csv"
        assert run(["--sample", "--as-at", "2022-12-31", "--costs", COSTS, "--out", default], capsys)[0] == 0
        by_line = {r["line"]: r for r in rows(default)}
        moved = {r["line"]: r for r in data}
        assert float(moved["residential"]["children_now"]) + float(moved["in_house_residential"]["children_now"]) \
            == float(by_line["residential"]["children_now"])
        assert float(moved["Total"]["actual_to_date"]) == pytest.approx(float(by_line["Total"]["actual_to_date"]), abs=0.05)


# ------------------------------------------------------------------- no peeking

AS_AT = dt.date(2022, 9, 30)


def _date(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _rewrite(source: Path, target: Path, change) -> None:
    """A copy of the sample return with each episode row passed through ``change``."""
    shutil.copytree(source, target)
    for path in sorted(target.glob("*/episodes.csv")):
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames
            kept = [r for r in (change(dict(r), int(path.parent.name)) for r in reader) if r is not None]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
        path.write_text(buffer.getvalue())


def truncated(row: dict, year: int) -> dict | None:
    """The return as its system showed it at the end of the as-at date."""
    if _date(row["DECOM"]) > AS_AT:
        return None
    if row["DEC"] and _date(row["DEC"]) > AS_AT:
        row["DEC"], row["REC"], row["REASON_PLACE_CHANGE"] = "", "", ""
    return row


def altered(row: dict, year: int) -> dict | None:
    """Everything recorded after the as-at date changed: later placements' codes and providers,
    later end dates and reasons."""
    if _date(row["DECOM"]) > AS_AT:
        row["PLACE"], row["PLACE_PROVIDER"], row["LS"] = "K2", "PR4", "C2"
    if row["DEC"] and _date(row["DEC"]) > AS_AT:
        row["REC"] = "E4A" if row["REC"] == "X1" else "X1"
    return row


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    root = tmp_path_factory.mktemp("returns")
    _rewrite(RETURN, root / "truncated", truncated)
    for later in ("2024",):
        shutil.rmtree(root / "truncated" / later, ignore_errors=True)
    _rewrite(RETURN, root / "altered", altered)
    # a later collection year, with a child's date of birth corrected in it
    shutil.copytree(RETURN / "2023", root / "altered" / "2024")
    header = (root / "altered" / "2024" / "header.csv").read_text().splitlines()
    first = header[1].split(",")
    first[2] = "01/01/2010"
    (root / "altered" / "2024" / "header.csv").write_text("\n".join([header[0], ",".join(first), *header[2:]]) + "\n")
    # rows after the date the guide's rules would refuse, or drop a child for
    with (root / "altered" / "2023" / "episodes.csv").open("a") as handle:
        handle.write("100307,15/10/2022,S,C2,N1,XX,PR9,01/10/2022,E4A,,MK6 2HF,MK13 7PD,SC990001\n")
        handle.write("106773,01/11/2022,S,V2,N1,U4,PR1,,,,MK4 3ZS,MK2 2TE,SC990001\n")
    return root


def test_the_report_is_the_same_whatever_the_return_holds_after_the_as_at_date(returns, tmp_path, capsys):
    outputs = {}
    for name in ("original", "truncated", "altered"):
        directory = RETURN if name == "original" else returns / name
        folder = tmp_path / name
        status, stdout, _ = budget_run(directory, folder / "report.csv", capsys, as_at=AS_AT.isoformat(), extra=[
            "--capacity", CAPACITY, "--sufficiency", folder / "s.csv", "--high-cost", folder / "h.csv",
            "--backtest", folder / "b.csv", "--template", folder / "t.xlsx"])
        assert status == 0, name
        outputs[name] = {p.name: p.read_bytes() for p in folder.iterdir()}
        outputs[name]["stdout"] = stdout.replace(str(folder), "").encode()
    assert outputs["truncated"] == outputs["original"]
    assert outputs["altered"] == outputs["original"]


def test_the_altered_return_does_change_a_later_report(returns, tmp_path, capsys):
    """The alterations are real: a report as at a later date sees them."""
    later = "2023-01-31"
    assert budget_run(RETURN, tmp_path / "a.csv", capsys, as_at=later)[0] == 0
    assert budget_run(returns / "altered", tmp_path / "b.csv", capsys, as_at=later)[0] == 0
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "b.csv").read_bytes()


# ------------------------------------------------------------------- bad input


class TestBadInput:
    def test_a_code_used_in_the_return_with_no_cost_is_named_in_one_line(self, tmp_path, capsys):
        costs = tmp_path / "costs.csv"
        costs.write_text("placement,provider,weekly_cost\nfostering,,600\nresidential,,5000\n")
        status, _, err = run([RETURN, "--as-at", "2022-12-31", "--costs", costs, "--out", tmp_path / "r.csv"], capsys)
        assert status == 2
        assert err.count("\n") == 1
        assert "costs.csv: no weekly cost for placements in the return: A6, H5, K1, P1, P2, Z1" in err
        assert not (tmp_path / "r.csv").exists()

    def test_a_declared_default_prices_them_with_a_warning(self, tmp_path, capsys):
        costs = tmp_path / "costs.csv"
        costs.write_text("placement,provider,weekly_cost\nfostering,,600\nresidential,,5000\ndefault,,1000\n")
        status, _, err = run([RETURN, "--as-at", "2022-12-31", "--costs", costs, "--out", tmp_path / "r.csv"], capsys)
        assert status == 0
        assert "warning: costs.csv: priced by the default row (£1,000.00 a week): A6, H5, K1, P1, P2, Z1" in err

    def test_an_as_at_date_outside_the_return(self, tmp_path, capsys):
        for day in ("2023-04-30", "2018-03-31"):
            status, _, err = run([RETURN, "--as-at", day, "--costs", COSTS, "--out", tmp_path / "r.csv"], capsys)
            assert status == 2
            assert f"--as-at: {day} is outside the return, which holds 2018-04-01 to 2023-03-31" in err

    def test_a_budget_line_that_matches_no_placements(self, tmp_path, capsys):
        budget = tmp_path / "budget.csv"
        budget.write_text("line,budget\nresidential,100\nexternal_residential,200\n")
        status, _, err = run([RETURN, "--as-at", "2022-12-31", "--costs", COSTS, "--budget", budget,
                              "--out", tmp_path / "r.csv"], capsys)
        assert status == 2
        assert "budget.csv: budget line external_residential matches no placements" in err

    def test_a_line_without_a_budget_is_reported_with_a_blank_variance(self, tmp_path, capsys):
        budget = tmp_path / "budget.csv"
        budget.write_text("line,budget\nresidential,\"£15,200,000\"\n")
        status, _, err = run([RETURN, "--as-at", "2022-12-31", "--costs", COSTS, "--budget", budget,
                              "--out", tmp_path / "r.csv"], capsys)
        assert status == 0
        assert "no budget for in_house_fostering" in err
        data = {r["line"]: r for r in rows(tmp_path / "r.csv")}
        assert data["residential"]["budget"] == "15200000.0" and data["secure"]["variance"] == ""

    @pytest.mark.parametrize("text, message", [
        ("placement,provider,weekly_cost\nK2,,5000\nk2,,5200\n", "line 3: K2 (any provider) is priced twice (also line 2)"),
        ("placement,provider,weekly_cost\nK2,PR4,5000\nK2,PR4,5200\n", "line 3: K2 with provider PR4 is priced twice"),
        ("placement,provider,weekly_cost\nK9,,5000\n", 'line 2: "K9" is not a placement code'),
        ("placement,provider,weekly_cost\nK2,PR7,5000\n", 'line 2: "PR7" is not a PLACE_PROVIDER code'),
        ("placement,provider,weekly_cost\nK2,,-5\n", "line 2: a weekly cost must be a number of pounds, 0 or more"),
        ("placement,provider,weekly_cost\nK2,,lots\n", "line 2: weekly_cost is not a number"),
        ("placement,provider,weekly_cost\nT1,,100\n", "line 2: T1 is a temporary move"),
    ])
    def test_bad_costs_files(self, tmp_path, capsys, text, message):
        costs = tmp_path / "costs.csv"
        costs.write_text(text)
        status, _, err = run([RETURN, "--as-at", "2022-12-31", "--costs", costs, "--out", tmp_path / "r.csv"], capsys)
        assert status == 2 and err.count("\n") == 1
        assert f"costs.csv: placement: {message}" in err or f"costs.csv: {message}" in err, err

    def test_duplicate_codes_in_a_line_map_and_in_a_budget(self, tmp_path, capsys):
        lines = tmp_path / "lines.csv"
        lines.write_text("placement,provider,line\nK2,,homes\nK2,,other_homes\n")
        status, _, err = run([RETURN, "--as-at", "2022-12-31", "--costs", COSTS, "--lines", lines,
                              "--out", tmp_path / "r.csv"], capsys)
        assert status == 2 and "K2 (any provider) is mapped twice (to homes and other_homes)" in err
        budget = tmp_path / "budget.csv"
        budget.write_text("line,budget\nresidential,1\nresidential,2\n")
        status, _, err = run([RETURN, "--as-at", "2022-12-31", "--costs", COSTS, "--budget", budget,
                              "--out", tmp_path / "r.csv"], capsys)
        assert status == 2 and "line 3: residential has a budget already (line 2)" in err

    def test_capacity_for_a_line_that_does_not_exist(self, tmp_path, capsys):
        capacity = tmp_path / "capacity.csv"
        capacity.write_text("line,age_band,places\nhostels,,4\n")
        status, _, err = run([RETURN, "--as-at", "2022-12-31", "--costs", COSTS, "--capacity", capacity,
                              "--sufficiency", tmp_path / "s.csv", "--out", tmp_path / "r.csv"], capsys)
        assert status == 2 and 'capacity for "hostels", which is not a budget line' in err


# ------------------------------------------------------------------- the template


def test_the_template_holds_aggregates_and_records_where_they_come_from(tmp_path, capsys):
    out = tmp_path / "bm.xlsx"
    status, _, _ = budget_run(RETURN, tmp_path / "r.csv", capsys, extra=["--template", out])
    assert status == 0
    book = openpyxl.load_workbook(out)
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=15) if row[0].value}
    assert about["As-at date"].date() == dt.date(2022, 12, 31)
    assert about["Reference window from"].date() == dt.date(2022, 1, 1)
    assert about["Costs file"] == "budget_costs.csv" and about["Costs file SHA-256"] == digest(COSTS)
    assert book.sheetnames == ["About", "Monitoring", "Model", "History", "Sufficiency", "Backtest"]
