"""TEXT's format codes, against what Excel writes (the same cells are checked against
LibreOffice in tests/fixtures/make_functions_workbook.py)."""

from __future__ import annotations

import pytest

from xlfuncs.engine.library.number_format import format_value, split_sections

CASES = [
    (1234.5, "#,##0.00", "1,234.50"),
    (1, "#.###", "1."),
    (-1, "#.###", "-1."),
    (0.5, "0%", "50%"),
    (1234567, "#,##0,", "1,235"),
    (45000.75, "yyyy-mm-dd hh:mm", "2023-03-15 18:00"),
    (45000, "dddd, mmmm d", "Wednesday, March 15"),
    (0.5, "h:mm AM/PM", "12:00 PM"),
    (1234.5, "0.00E+00", "1.23E+03"),
    (0.000123, "0.00E+00", "1.23E-04"),
    (-5, "0;(0)", "(5)"),
    (0, '0;-0;"zero"', "zero"),
    (123456789, "000-00-0000", "123-45-6789"),
    (12, "$#,##0", "$12"),
    (1.5, "[h]:mm", "36:00"),
    (5, "0000", "0005"),
    ("abc", '@" x"', "abc x"),
    ("abc", "0.00", "abc"),
    (1234.5, "General", "1234.5"),
    (1234.56, ".0", "1234.6"),
    (-0.001, "0", "0"),
]


@pytest.mark.parametrize(("value", "code", "expected"), CASES)
def test_format_codes(value, code, expected):
    assert format_value(value, code) == expected


def test_sections_respect_quotes_and_escapes():
    assert split_sections('0;"a;b";\\;') == ["0", '"a;b"', "\\;"]


def test_1904_dates():
    assert format_value(0, "yyyy-mm-dd", date1904=True) == "1904-01-01"
