"""Budget lines and price lists: each placement in exactly one line, the most specific price."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xlfuncs.methods.budget.lines import LineMap, line_map
from xlfuncs.methods.budget.prices import PriceRow, describe_missing, price_list
from xlfuncs.methods.errors import InputError, NotFoundError, OutOfDomainError
from xlfuncs.methods.stock_flow import codes
from xlfuncs.methods.stock_flow.placements import BUDGET_LINES, PLACEMENTS, classify


class TestLines:
    def test_default_lines_are_the_budget_view(self):
        places = [c for c, row in PLACEMENTS.items() if not row.temporary]
        for provider in ["", *codes.PROVIDERS]:
            got = LineMap().classify(places, [provider] * len(places))
            want = classify(places, [provider] * len(places), "budget")
            assert got.tolist() == want.tolist()

    def test_every_code_and_provider_falls_in_exactly_one_line(self):
        custom = line_map([("K2", "PR1", "in_house_residential"), ("K2", "", "bought_residential"),
                           ("U4", "PR4", "long_term_ifa")])
        assert custom.names == ("in_house_fostering", "agency_fostering", "residential",
                                "supported_accommodation", "secure", "other", "in_house_residential",
                                "bought_residential", "long_term_ifa")
        got = custom.classify(["K2", "K2", "K2", "U4", "U4", "U4", "R1"], ["PR1", "PR4", "", "PR4", "PR5", "PR1", "PR4"])
        assert [custom.names[i] for i in got] == ["in_house_residential", "bought_residential",
                                                  "bought_residential", "long_term_ifa", "agency_fostering",
                                                  "in_house_fostering", "residential"]

    def test_a_default_line_left_without_placements_is_dropped(self):
        custom = line_map([(code, "", "secure_and_remand") for code in ("K1", "R5")])
        assert "secure" not in custom.names and custom.names[-1] == "secure_and_remand"
        assert custom.label("secure_and_remand") == "Secure and remand"

    @pytest.mark.parametrize("rules, error, message", [
        ([("K9", "", "x")], NotFoundError, "not a placement code"),
        ([("T1", "", "x")], NotFoundError, "temporary move"),
        ([("K2", "PR9", "x")], NotFoundError, "not a PLACE_PROVIDER code"),
        ([("K2", "", "Homes")], InputError, "lower case"),
        ([("K2", "", "a"), ("k2", " ", "b")], InputError, "mapped twice"),
    ])
    def test_refuses(self, rules, error, message):
        with pytest.raises(error, match=message):
            line_map(rules)

    def test_index_names_the_lines(self):
        with pytest.raises(NotFoundError, match="not a budget line"):
            LineMap().index("hostels")
        assert LineMap().index("secure") == BUDGET_LINES.index("secure")


class TestPrices:
    ROWS = [PriceRow("default", "", 100.0), PriceRow("fostering", "", 500.0),
            PriceRow("agency_fostering", "", 900.0), PriceRow("agency_fostering", "PR5", 850.0),
            PriceRow("U4", "", 1000.0), PriceRow("U4", "PR4", 1100.0),
            PriceRow("U4", "", 2000.0, child="A1"), PriceRow("K2", "", 9000.0, child="A1")]

    def price(self, code, provider, child=""):
        prices = price_list(self.ROWS, LineMap())
        line = LineMap().classify([code], [provider])
        return float(prices.weekly([code], [provider], line, [child])[0])

    def test_most_specific_row_wins(self):
        assert self.price("U4", "PR4") == 1100  # code and provider
        assert self.price("U4", "PR5") == 1000  # code, any provider, over line and provider
        assert self.price("U6", "PR5") == 850  # line and provider
        assert self.price("U6", "PR4") == 900  # line
        assert self.price("U6", "PR1") == 500  # DfE category (in-house: no line row)
        assert self.price("K2", "PR4") == 100  # default
        assert self.price("U4", "PR4", "A1") == 2000  # the child's own row over any other
        assert self.price("U5", "PR4", "A1") == 900  # the child's rows do not name U5
        assert self.price("K2", "PR1", "A1") == 9000

    def test_unpriced_is_nan_and_named_in_one_phrase(self):
        prices = price_list([PriceRow("K2", "PR1", 4000.0)], LineMap())
        line = LineMap().classify(["K2", "K1"], ["PR4", "PR2"])
        assert [math.isnan(v) for v in prices.weekly(["K2", "K1"], ["PR4", "PR2"], line)] == [True, True]
        assert describe_missing(["K2", "K1"], ["PR4", "PR2"], ["K2"]) == "K1, K2 with provider PR4"

    def test_a_line_named_like_a_category_is_the_line(self):
        prices = price_list([PriceRow("other", "", 77.0)], LineMap())
        codes_, providers = ["P1", "R1"], ["PR0", "PR4"]  # P1: line other; R1: DfE other, line residential
        got = prices.weekly(codes_, providers, LineMap().classify(codes_, providers))
        assert got[0] == 77.0 and np.isnan(got[1])

    @pytest.mark.parametrize("row, error, message", [
        (PriceRow("K2", "", -1.0, source=4), OutOfDomainError, "line 4: a weekly cost"),
        (PriceRow("K2", "", float("nan")), OutOfDomainError, "a weekly cost"),
        (PriceRow("hostels", "", 1.0), NotFoundError, "not a placement code, a budget line"),
        (PriceRow("T3", "", 1.0), InputError, "temporary move"),
        (PriceRow("K2", "PR8", 1.0), NotFoundError, "PLACE_PROVIDER"),
    ])
    def test_refuses(self, row, error, message):
        with pytest.raises(error, match=message):
            price_list([row], LineMap())

    def test_duplicates_for_one_child_are_refused_and_references_never_quoted(self):
        rows = [PriceRow("K2", "", 9000.0, child="77421", source=2), PriceRow("K2", "", 9500.0, child="77421", source=3)]
        with pytest.raises(InputError) as caught:
            price_list(rows, LineMap())
        assert "priced twice for the same child" in str(caught.value)
        assert "77421" not in str(caught.value)

    def test_unmatched_children_are_counted_not_named(self):
        prices = price_list([PriceRow("K2", "", 9000.0, child="X1"), PriceRow("K2", "", 1.0, child="X2")], LineMap())
        assert prices.unmatched_children(["X1", "X3"]) == 1
