"""Coercion of what Excel sends, policy by policy."""

import numpy as np
import pytest

from xlfuncs.excel import coercion
from xlfuncs.excel.errors import DIV0
from xlfuncs.methods.errors import NotANumberError, ShapeError


class TestToScalar:
    @pytest.mark.parametrize(
        "raw, expected",
        [(5, 5.0), (5.5, 5.5), ("12", 12.0), (" 1,250 ", 1250.0), ([[7]], 7.0), ([7], 7.0), (np.float64(2), 2.0)],
    )
    def test_accepts_numbers_and_numeric_text(self, raw, expected):
        assert coercion.to_scalar(raw, "x") == expected

    @pytest.mark.parametrize("raw", [None, "abc", True, False, [[1, 2]], float("nan"), float("inf")])
    def test_refuses_with_the_argument_named(self, raw):
        with pytest.raises(NotANumberError) as caught:
            coercion.to_scalar(raw, "annual_spend")
        assert caught.value.argument == "annual_spend"
        assert str(caught.value).startswith("annual_spend:")

    def test_error_value_propagates(self):
        with pytest.raises(coercion.UpstreamError) as caught:
            coercion.to_scalar(DIV0, "x")
        assert caught.value.code == "#DIV/0!"

    def test_text_that_reads_like_an_error_is_text(self):
        with pytest.raises(NotANumberError, match='the text "#DIV/0!"'):
            coercion.to_scalar("#DIV/0!", "x")


class TestToVector:
    def test_row_column_and_flat_give_the_same_series(self):
        expected = np.array([1.0, 2.0, 3.0])
        for raw in ([1, 2, 3], [[1, 2, 3]], [[1], [2], [3]], np.array([[1.0], [2.0], [3.0]])):
            np.testing.assert_array_equal(coercion.to_vector(raw, "y"), expected)

    def test_skip_ignores_blanks_text_and_booleans_like_average(self):
        raw = [[1], [None], ["n/a"], [True], [4]]
        np.testing.assert_array_equal(coercion.to_vector(raw, "y", blanks="skip"), [1.0, 4.0])

    def test_strict_names_the_cell(self):
        with pytest.raises(NotANumberError, match="cell 2,1 of the range is a blank cell"):
            coercion.to_vector([[1], [None], [3]], "known_counts")

    def test_zero_counts_blanks_as_zero_but_refuses_text(self):
        np.testing.assert_array_equal(coercion.to_vector([1, None, 2], "v", blanks="zero"), [1.0, 0.0, 2.0])
        with pytest.raises(NotANumberError):
            coercion.to_vector([1, "x"], "v", blanks="zero")

    def test_two_dimensional_range_is_a_shape_error(self):
        with pytest.raises(ShapeError, match="one row or one column, got 2x2"):
            coercion.to_vector([[1, 2], [3, 4]], "known_counts")

    def test_ragged_rows_are_a_shape_error(self):
        with pytest.raises(ShapeError):
            coercion.to_matrix([[1, 2], [3]], "m")

    def test_huge_range_is_refused_without_work(self):
        big = np.zeros((coercion.MAX_CELLS + 1, 1), dtype=object)
        with pytest.raises(ShapeError, match="larger than"):
            coercion.to_vector(big, "y")


class TestToFlagAndText:
    @pytest.mark.parametrize("raw, expected", [(True, True), (0, False), (2, True), ("true", True), ("FALSE", False)])
    def test_flags_follow_excel(self, raw, expected):
        assert coercion.to_flag(raw, "cumulative") is expected

    def test_text_blank_is_none_and_numbers_read_as_text(self):
        assert coercion.to_text(None, "method") is None
        assert coercion.to_text(2017.0, "year") == "2017"
