"""The small CSV files of budget monitoring, as spreadsheets save them."""

import pytest

from xlfuncs.data.budget_files import (
    BudgetFileError,
    amount,
    digest,
    read_budget,
    read_capacity,
    read_costs,
    read_lines,
)


def test_amounts_as_spreadsheets_write_them():
    assert [amount(t) for t in ("1,000", "£1,000.50", " 12 ", "-£5", "£-5", ".5")] == [1000, 1000.5, 12, -5, -5, 0.5]
    assert [amount(t) for t in ("", "n/a", "1.2.3", "£")] == [None] * 4


def test_costs_any_case_any_order_blank_lines_skipped(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("\ufeffWeekly_Cost,Placement,Child\r\n\"£1,200\",K2,\r\n,,\r\n9000,K2,C7\r\n".encode("utf-8"))
    rows = read_costs(path)
    assert [(r.placement, r.provider, r.weekly_cost, r.child, r.source) for r in rows] == [
        ("K2", "", 1200.0, "", 2), ("K2", "", 9000.0, "C7", 4)]


def test_excel_cp1252_csv_is_read(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes("line,budget\nresidential,\xa31000\n".encode("cp1252"))
    assert read_budget(path) == {"residential": 1000.0}


@pytest.mark.parametrize("text, message", [
    ("placement,cost\nK2,1\n", "missing column weekly_cost"),
    ("placement,weekly_cost\n,5\n", "line 2: placement is blank"),
    ("placement,weekly_cost\nK2,\n", "line 2: weekly_cost is blank"),
    ("placement,weekly_cost\n", "no weekly costs in the file"),
    ("", "the file is empty"),
])
def test_bad_costs_files(tmp_path, text, message):
    path = tmp_path / "c.csv"
    path.write_text(text)
    with pytest.raises(BudgetFileError, match=message):
        read_costs(path)


def test_lines_capacity_and_digest(tmp_path):
    lines = tmp_path / "l.csv"
    lines.write_text("placement,provider,line,label\nK2,PR1,homes,Our homes\nK1,,secure,\n")
    assert read_lines(lines) == ([("K2", "PR1", "homes"), ("K1", "", "secure")], {"homes": "Our homes"})
    capacity = tmp_path / "cap.csv"
    capacity.write_text("line,age_band,places,source\nresidential,,8,beds\nresidential,,40,framework\n")
    assert read_capacity(capacity) == [("residential", "", 8.0), ("residential", "", 40.0)]
    assert len(digest(capacity)) == 64
    with pytest.raises(BudgetFileError, match="file not found"):
        read_budget(tmp_path / "none.csv")
