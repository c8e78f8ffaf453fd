"""Membership by lookup gives what ``np.isin`` gives, for codes and integer keys."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from xlfuncs.data.lookup import member, pack

CODES = st.lists(st.binary(min_size=0, max_size=4).filter(lambda b: b"\x00" not in b), max_size=40)


@settings(max_examples=80, deadline=None)
@given(CODES, CODES)
def test_codes_as_isin(values, reference):
    array = np.array(values, dtype="S4") if values else np.zeros(0, "S4")
    expected = np.isin(array, np.array(reference, dtype="S4")) if reference else np.zeros(array.size, bool)
    assert member(array, reference).tolist() == expected.tolist()
    assert member(pack(array), reference).tolist() == expected.tolist()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 2**40), max_size=60), st.lists(st.integers(0, 2**40), max_size=300))
def test_keys_as_isin(values, reference):
    array = np.array(values, dtype=np.int64)
    assert member(array, reference).tolist() == np.isin(array, reference).tolist()


def test_long_codes_fall_back():
    values = np.array([b"PLACEMENT", b"U4"])
    assert member(values, [b"U4"]).tolist() == [False, True]
