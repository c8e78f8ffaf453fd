"""Personal data in free text: what is found, and what is not (the text of the templates)."""

from __future__ import annotations

import datetime as dt

import pytest

from xlfuncs.check.headers import masked
from xlfuncs.check.identifiers import Identifiers, is_software, shapes


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("UPN A123456789012 on file", ["unique pupil number"]),
        ("moved to RM17 6SL in May", ["postcode"]),
        ("moved to rm17 6sl in May", ["postcode"]),
        ("NHS 943 476 5919", ["NHS number"]),
        ("contact jane.smith@example-council.gov.uk", ["e-mail address"]),
        ("DOB: 3 May 2012", ["date of birth"]),
        ("date of birth 03/05/2012", ["date of birth"]),
        ("child ID 104522 placed", ["child identifier"]),
        ("Case ref: LA-7731", ["child identifier"]),
        ("Child C1001 and child: 77123", ["child identifier", "child identifier"]),
    ],
)
def test_shapes_found(text, kinds):
    assert [m.kind for m in shapes(text)] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Children looked after per 10,000 children aged 0-17",
        "Weekly unit cost (£), 2023-24, E06000034",
        "NHS 943 476 5910",  # the check digit is wrong
        "Child population 41000",  # a figure, not an identifier
        "Forecast from 2023-03-31 for 24 months",
        "=UNIT_COST(B2,C2)",
        "Sources: DfE SSDA903 return, table A1",
        "Page &P of &N",
    ],
)
def test_text_of_a_template_is_not_personal(text):
    assert shapes(text) == []


def test_known_values_stand_on_their_own():
    ids = Identifiers()
    ids.add("C1001", "child identifiers")
    ids.add(dt.date(2012, 5, 3), "dates of birth")
    ids.add("Jane Smith", "an author's name")
    found = ids.find("C1001, C10011, XC1001, jane smith, 2012-05-03T00:00:00, 20120503")
    assert [m.kind for m in found] == ["child identifiers", "an author's name", "dates of birth"]
    assert ids.find("SUM(C1001:C1002)", cell_like=False) == []


def test_common_words_and_short_values_are_not_searched_for():
    ids = Identifiers()
    for value in ("Total", "Unknown", "n/a", "12", "1234"):
        ids.add_found(value, "child identifiers")
    ids.add_found("Total", "names")
    assert not ids


def test_authors_that_are_programs():
    assert is_software("openpyxl") and is_software("Microsoft Office User") and is_software("")
    assert is_software("tc={6D1B3E1E-0000-4000-8000-000000000001}")
    assert not is_software("Jane Smith") and not is_software("j.smith@council.gov.uk")


def test_header_codes_are_masked():
    text = '&L&"Arial,Bold"&12C1001&RPage &P'
    ids = Identifiers()
    ids.add("C1001", "child identifiers")
    match = ids.find(masked(text))[0]
    assert text[match.start : match.end] == "C1001"
