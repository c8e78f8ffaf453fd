"""The CSV formula-injection guard, and that every CSV writer in the package uses it."""

from __future__ import annotations

import ast
import csv
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfuncs.xlsx.csv_safety import TRIGGERS, safe_csv_cell, safe_csv_row, write_safe_csv

PACKAGE = Path(__file__).resolve().parents[2] / "xlfuncs"


class TestSafeCsvCell:
    @pytest.mark.parametrize(
        "text",
        [
            "=1+1",
            '=HYPERLINK("http://example.invalid","click")',
            "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
            "  =1+1",
            "=",
            "-",
        ],
    )
    def test_formula_text_is_quoted(self, text):
        assert safe_csv_cell(text) == "'" + text

    @pytest.mark.parametrize(
        "value", ["Example Borough A", "", "   ", "12.5", "-12.5", "+3", "-1e5", "£5", "a=b"]
    )
    def test_harmless_text_is_unchanged(self, value):
        assert safe_csv_cell(value) == value

    @pytest.mark.parametrize("value", [-5, -0.25, 0, 3.5, None, True, math.inf])
    def test_non_text_is_unchanged(self, value):
        assert safe_csv_cell(value) is value

    @given(st.text())
    def test_no_guarded_cell_starts_a_formula(self, text):
        out = safe_csv_cell(text)
        assert out == text or out == "'" + text
        body = out.lstrip(" \t\r\n")
        if body and body[0] in TRIGGERS:
            # only a plain number may still start with a sign
            float(body.strip())

    def test_row(self):
        assert safe_csv_row(["=A1", 1, "ok"]) == ["'=A1", 1, "ok"]


class TestWriteSafeCsv:
    def test_rows_to_file(self, tmp_path):
        target = tmp_path / "out.csv"
        assert write_safe_csv([["=1+1", -2], ["@x", "fine"]], target, header=["=h", "b"]) is None
        with target.open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows == [["'=h", "b"], ["'=1+1", "-2"], ["'@x", "fine"]]
        assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left

    def test_dataframe(self):
        frame = pd.DataFrame({"council": ["=cmd", "Example City C"], "value": [-1.5, math.nan]})
        assert write_safe_csv(frame) == "council,value\n'=cmd,-1.5\nExample City C,\n"

    def test_dataframe_with_index(self):
        frame = pd.DataFrame({"v": [1]}, index=pd.Index(["+x"], name="name"))
        assert write_safe_csv(frame, index=True) == "name,v\n'+x,1\n"

    def test_failed_write_leaves_no_file(self, tmp_path):
        class Boom:
            def __iter__(self):
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            write_safe_csv([Boom()], tmp_path / "out.csv")
        assert list(tmp_path.iterdir()) == []


def _csv_writers(tree: ast.AST) -> list[int]:
    """Lines that write CSV: csv.writer / csv.DictWriter or DataFrame.to_csv."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            owner = node.func.value
            if attr in ("writer", "DictWriter") and isinstance(owner, ast.Name) and owner.id == "csv":
                lines.append(node.lineno)
            elif attr == "to_csv":
                lines.append(node.lineno)
    return lines


def test_every_csv_writer_uses_the_guard():
    """A module that writes CSV must take its cells through :mod:`xlfuncs.xlsx.csv_safety`."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "csv_safety.py" or "reference" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        lines = _csv_writers(ast.parse(source))
        if lines and "csv_safety" not in source:
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{lines[0]}")
    assert not offenders, (
        "these modules write CSV without xlfuncs.xlsx.csv_safety (use write_safe_csv or "
        f"safe_csv_row): {', '.join(offenders)}"
    )
