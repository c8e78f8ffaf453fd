"""The one table of placement codes and its two views: DfE's published categories and budget
lines (the interface budget monitoring builds on)."""

from __future__ import annotations

import numpy as np
import pytest

from xlfuncs.methods.errors import NotFoundError
from xlfuncs.methods.stock_flow import codes
from xlfuncs.methods.stock_flow.placements import (
    BUDGET_LINES,
    DFE_CATEGORIES,
    IN_HOUSE_PROVIDERS,
    LABELS,
    PLACEMENTS,
    VIEWS,
    classify,
    codes_in,
    group_of,
    groups,
    is_temporary,
    resolve_temporary,
)


class TestTable:
    def test_every_row_is_in_a_group_of_each_view(self):
        for code, row in PLACEMENTS.items():
            assert row.code == code and row.description
            assert row.dfe in DFE_CATEGORIES and row.budget in BUDGET_LINES

    def test_views_and_labels(self):
        assert VIEWS == ("dfe", "budget")
        assert groups("dfe") == DFE_CATEGORIES and groups("budget") == BUDGET_LINES
        for view in VIEWS:
            assert tuple(LABELS[view]) == groups(view)
        assert LABELS["dfe"]["secure_homes"] == (
            "Secure units, children's homes and semi-independent living accommodation")
        with pytest.raises(NotFoundError, match="view"):
            groups("finance")

    def test_secure_homes_and_residential_schools_are_never_other(self):
        for view in VIEWS:
            assert group_of("K1", "PR2", view) != "other"
            assert group_of("S1", "PR5", view) != "other"
        assert group_of("K1") == "secure_homes" and group_of("K1", view="budget") == "secure"
        assert group_of("S1") == "residential_schools" and group_of("S1", view="budget") == "residential"

    def test_dfe_categories_partition_the_codes(self):
        seen: list[str] = []
        for group in DFE_CATEGORIES:
            seen.extend(codes_in(group))
        assert sorted(seen) == sorted(PLACEMENTS)
        assert codes_in("fostering") == ("U1", "U2", "U3", "U4", "U5", "U6")
        assert codes_in("adoption") == ("A3", "A4", "A5", "A6")
        assert codes_in("with_parents") == ("P1",)
        assert codes_in("secure_homes") == ("H5", "K1", "K2", "K3")
        assert codes_in("residential_schools") == ("S1",)

    def test_budget_lines_partition_the_codes_but_fostering(self):
        lines = [g for g in BUDGET_LINES if g not in ("in_house_fostering", "agency_fostering")]
        seen = [c for g in lines for c in codes_in(g, "budget")]
        fostering = codes_in("in_house_fostering", "budget")
        assert fostering == codes_in("agency_fostering", "budget") == codes_in("fostering")
        assert sorted(seen + list(fostering)) == sorted(PLACEMENTS)
        assert codes_in("supported_accommodation", "budget") == ("H5", "K3", "P2")
        assert codes_in("secure", "budget") == ("K1", "R5")
        assert codes_in("residential", "budget") == ("K2", "R1", "R3", "S1")

    def test_fostering_line_follows_the_provider(self):
        providers = sorted(codes.PROVIDERS) + [""]
        got = classify(["U4"] * len(providers), providers, "budget")
        names = [BUDGET_LINES[i] for i in got]
        expected = ["in_house_fostering" if p in IN_HOUSE_PROVIDERS else "agency_fostering"
                    for p in providers]
        assert names == expected
        assert dict(zip(providers, names, strict=True))["PR4"] == "agency_fostering"
        # The provider moves only fostering: a private children's home is residential.
        assert group_of("K2", "PR4", "budget") == "residential"

    def test_unknown_codes_are_other_and_overrides_apply(self):
        assert classify(["XX", "", "u4 "]).tolist() == [5, 5, 0]
        assert classify(["XX"], view="budget").tolist() == [5]
        assert classify(["R1"], view="dfe", overrides={"r1": "secure_homes"}).tolist() == [1]
        assert classify(["U4"], ["PR4"], "budget", {"U4": "residential"}).tolist() == [2]
        with pytest.raises(NotFoundError, match="placement_map"):
            classify(["R1"], overrides={"R1": "homes"})
        with pytest.raises(NotFoundError, match="group"):
            codes_in("homes")

    def test_vectorised_shapes(self):
        assert classify(np.array([["U4", "K1"], ["S1", "P1"]])).tolist() == [[0, 1], [2, 3]]
        assert classify([]).tolist() == []


class TestTemporary:
    def test_temporary_codes(self):
        assert [c for c in PLACEMENTS if is_temporary([c])[0]] == ["T0", "T1", "T2", "T3", "T4"]

    def test_takes_the_placement_before_within_the_period(self):
        place, provider = resolve_temporary(["U4", "T3", "T1", "U4"], ["PR4", "", "", "PR4"],
                                            [False, True, True, True])
        assert place.tolist() == ["U4"] * 4 and provider.tolist() == ["PR4"] * 4

    def test_at_the_start_of_a_period_the_placement_after(self):
        place, _ = resolve_temporary(["K2", "T1", "U6"], ["PR1", "", "PR1"], [False, False, True])
        assert place.tolist() == ["K2", "U6", "U6"]

    def test_never_across_periods_of_care(self):
        place, _ = resolve_temporary(["U4", "T1", "K2"], ["PR1", "", "PR1"], [False, False, False])
        assert place.tolist() == ["U4", "T1", "K2"]  # a period of temporary moves only
        assert classify(place).tolist() == [0, 5, 1]

    def test_nothing_to_resolve(self):
        place, provider = resolve_temporary(["U4"], ["PR1"], [False])
        assert place.tolist() == ["U4"] and provider.tolist() == ["PR1"]
        empty = resolve_temporary([], [], [])
        assert empty[0].size == 0
