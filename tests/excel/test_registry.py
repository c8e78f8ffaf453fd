"""The registry: declarations are checked, failures map to Excel error values with messages."""

import re

import numpy as np
import pytest

from xlfuncs.excel.registry import ERROR_CODES, Arg, ExcelError, ExcelFunction, functions, register
from xlfuncs.methods.errors import OutOfDomainError


def test_every_declaration_follows_excel_naming_rules():
    declared = functions()
    assert {"UNIT_COST", "LAC_RATE"} <= set(declared)
    for name, spec in declared.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name)
        assert "." not in name
        assert 0 < len(spec.description) <= 255 and "\n" not in spec.description
        assert spec.args, name
        for arg in spec.args:
            assert arg.doc and len(arg.doc) <= 255
        assert spec.impl.__doc__ and "Examples" in spec.impl.__doc__, f"{name}: impl needs numpydoc with doctests"


def _toy(**overrides):
    def impl(x):
        if x < 0:
            raise OutOfDomainError("x", "cannot be negative")
        return x * 2

    impl.__doc__ = "Examples\n--------\n"
    fields = dict(name="TOY_DOUBLE", impl=impl, description="Doubles.", args=(Arg("x", "A number."),), family="Toys")
    fields.update(overrides)
    return ExcelFunction(**fields)


@pytest.mark.parametrize(
    "overrides, problem",
    [
        ({"name": "toy.double"}, "upper-case"),
        ({"description": "x" * 256}, "255"),
        ({"args": (Arg("end", "VBA keyword."),)}, "not usable"),
        ({"args": (Arg("a", "opt", default=1), Arg("b", "req"))}, "follows an optional"),
    ],
)
def test_bad_declarations_are_refused(overrides, problem):
    with pytest.raises(ValueError, match=problem):
        register(_toy(**overrides))


class TestCall:
    spec = _toy()

    def test_value(self):
        assert self.spec(21) == 42.0

    def test_domain_error_maps_to_num_with_names(self):
        with pytest.raises(ExcelError) as caught:
            self.spec(-1)
        assert caught.value.code == "#NUM!"
        assert caught.value.message == "TOY_DOUBLE: x: cannot be negative"

    def test_text_maps_to_value(self):
        with pytest.raises(ExcelError) as caught:
            self.spec("abc")
        assert caught.value.code == "#VALUE!"
        assert "TOY_DOUBLE: x:" in caught.value.message

    def test_too_many_and_missing_arguments(self):
        for args in ((1, 2), ()):
            with pytest.raises(ExcelError) as caught:
                self.spec(*args)
            assert caught.value.code == "#VALUE!"

    def test_declared_override_wins(self):
        spec = _toy(errors={OutOfDomainError: "#N/A"})
        with pytest.raises(ExcelError) as caught:
            spec(-3)
        assert caught.value.code == "#N/A"

    def test_non_finite_result_is_num(self):
        spec = _toy(impl=lambda x: np.inf)
        with pytest.raises(ExcelError) as caught:
            spec(1)
        assert caught.value.code == "#NUM!"


def test_optional_blank_takes_default():
    unit_cost = functions()["UNIT_COST"]
    assert unit_cost(5_000_000, 1000, None) == unit_cost(5_000_000, 1000, "week")
    assert unit_cost(5_000_000, 1000, "YEAR") == pytest.approx(5000.0)


def test_error_codes_are_excel_values():
    assert set(ERROR_CODES) == {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def test_loading_every_function_stays_light():
    """Recalculation starts cold in a fresh process: the registry must not pull in scipy or
    pandas (half a second each); functions import them when called."""
    import subprocess
    import sys

    code = (
        "import sys; from xlfuncs.excel.registry import functions; functions(); "
        "print(sorted(m for m in ('scipy', 'pandas', 'formulas') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
