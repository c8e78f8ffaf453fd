"""Hostile input for every registered function, through the registry and both adapters.

Driven by :func:`xlfuncs.excel.registry.functions`: a function is covered the day it is registered.
For each one, hypothesis generates argument lists in the shapes Excel sends (None for blanks,
text, booleans, dates, NaN, +-inf, huge and tiny numbers, error values, empty ranges, ranges
of different sizes, 2-D ranges where a row or column is expected, too few or too many
arguments) mixed with plausible values so the pure function itself is reached, and checks
the declared contract:

* the registry (``ExcelFunction.__call__``) returns a finite float (scalar functions) or a
  2-D array of finite floats (array functions), or raises ``ExcelError`` with a code from
  ``ERROR_CODES`` and a message naming the function, or ``UpstreamError`` for an error value
  already in an argument. Any other exception is a bug;
* the xlwings adapter (``xlfuncs.excel.xlwings_udfs.NAME``) never raises and returns a number, a nested list,
  or text starting with the error value;
* the ``formulas`` engine adapter (``xlfuncs.engine.formulas_bridge``) never raises and returns a
  number, an array, or an Excel error value with its message recorded against the cell.

Every example runs under a hard per-example deadline (SIGALRM), so a hang fails with the
input that caused it instead of stalling the suite.

Examples per function: 200 by default (CI); ``XLFUNCS_HOSTILE_EXAMPLES`` sets more for the
run a maintainer does before a release (``tox -e hostile``). ``XLFUNCS_HOSTILE_SECONDS`` sets
the per-example deadline (default 20 s: generous, since the machine may be shared).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import signal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlfuncs.excel import coercion
from xlfuncs.excel.coercion import UpstreamError
from xlfuncs.excel.registry import ERROR_CODES, Arg, ExcelError, ExcelFunction, functions

EXAMPLES = int(os.environ.get("XLFUNCS_HOSTILE_EXAMPLES", "200"))
SECONDS = float(os.environ.get("XLFUNCS_HOSTILE_SECONDS", "20"))

FUNCTIONS = functions()
NAMES = sorted(FUNCTIONS)

settings.register_profile(
    "hostile",
    max_examples=EXAMPLES,
    deadline=None,  # the hard deadline below is the bound; timing noise is not a failure
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
HOSTILE = settings(settings.get_profile("hostile"))


# --- a hard per-example deadline ---------------------------------------------------------


class Hang(BaseException):
    """A call that did not return in time. A BaseException, so no adapter can swallow it."""


@contextlib.contextmanager
def deadline(what: str):
    def expired(signum, frame):
        raise Hang(f"{what} did not return within {SECONDS:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def shown(args: tuple[Any, ...], limit: int = 300) -> str:
    text = repr(args)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


# --- what Excel sends ----------------------------------------------------------------------

ERROR_TEXTS = sorted(coercion.ERROR_TEXTS)

plausible_numbers = st.one_of(
    st.integers(0, 12),
    st.integers(0, 5000),
    st.floats(0, 1),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([2020, 2024, 2025, 0.035, 0.5, 0.95, 52, 365.25, 10_000]),
)

extreme_numbers = st.one_of(
    st.sampled_from(
        [
            math.nan,
            math.inf,
            -math.inf,
            1e308,
            -1e308,
            1.7976931348623157e308,
            5e-324,
            -5e-324,
            1e-300,
            0.0,
            -0.0,
            2.0**53 + 1,
            1e15,
            1e20,
            -1e20,
            10**20,
            -1,
            -1e-9,
        ]
    ),
    st.floats(),  # any double, NaN and infinities included
    st.integers(-(2**63), 2**63 - 1),
)

text_values = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "12.5", "1,000", " 7 ", "-3", "1e400", "nan", "inf", "TRUE", "n/a", "£5", "x"]
    ),
    st.sampled_from(ERROR_TEXTS),
)

other_cells = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(
        [
            dt.datetime(2024, 3, 31),
            dt.date(2017, 3, 31),
            np.float64(3.5),
            np.int64(7),
            np.float32(2.5),
            np.bool_(True),
            np.float64("nan"),
        ]
    ),
)

#: One cell: mostly plausible numbers, so the pure function is reached, with everything else.
cells = st.one_of(
    plausible_numbers, plausible_numbers, plausible_numbers, extreme_numbers, text_values, other_cells
)
#: A cell of a range that is meant to hold numbers: mostly numbers, sometimes blank or text.
range_cells = st.one_of(
    plausible_numbers, plausible_numbers, plausible_numbers, plausible_numbers, cells
)


@st.composite
def vectors(draw, length: int):
    """A one-row or one-column range (or something else where one is expected)."""
    form = draw(
        st.sampled_from(
            ["column"] * 4
            + ["row"] * 3
            + ["flat", "numpy", "scalar", "empty", "two_d", "ragged", "deep", "other_length"]
        )
    )
    if form == "other_length":
        length = draw(st.integers(0, 40))
        form = draw(st.sampled_from(["column", "row", "flat"]))
    items = draw(st.lists(range_cells, min_size=length, max_size=length))
    if form == "column":
        return [[v] for v in items]
    if form == "row":
        return [items]
    if form == "flat":
        return items
    if form == "numpy":
        return np.asarray([[v] for v in items] or [[]], dtype=object)
    if form == "scalar":
        return draw(cells)
    if form == "empty":
        return draw(st.sampled_from([[], [[]], np.empty((0, 0), dtype=object)]))
    if form == "two_d":
        width = draw(st.integers(2, 4))
        return [[draw(range_cells) for _ in range(width)] for _ in range(max(length, 2))]
    if form == "ragged":
        return [[v] * (1 + i % 3) for i, v in enumerate(items or [1, 2])]
    return [[[v]] for v in items or [1]]  # nested more than two levels deep


@st.composite
def matrices(draw, rows: int, cols: int):
    form = draw(st.sampled_from(["matrix"] * 5 + ["vector", "scalar", "empty", "ragged"]))
    if form == "vector":
        return draw(vectors(rows))
    if form == "scalar":
        return draw(cells)
    if form == "empty":
        return []
    grid = [[draw(range_cells) for _ in range(cols)] for _ in range(rows)]
    if form == "ragged" and grid:
        grid[-1] = grid[-1] + [1.0]
    return grid


@st.composite
def numbers(draw):
    form = draw(st.sampled_from(["cell"] * 8 + ["one_cell_range", "flat_one", "range", "empty"]))
    if form == "cell":
        return draw(cells)
    if form == "one_cell_range":
        return [[draw(cells)]]
    if form == "flat_one":
        return [draw(cells)]
    if form == "range":
        return draw(st.lists(st.lists(range_cells, min_size=2, max_size=2), min_size=1, max_size=3))
    return []


@st.composite
def texts(draw, arg: Arg):
    options = [text_values, cells, st.just("x" * 10_000)]
    if arg.choices:
        choice = st.sampled_from(arg.choices)
        options += [choice, choice, choice.map(str.upper), choice.map(lambda c: f" {c.title()} ")]
    if arg.optional and isinstance(arg.default, str):
        options.append(st.just(arg.default))
    value = draw(st.one_of(*options))
    return [[value]] if draw(st.integers(0, 9)) == 0 else value


flags = st.one_of(
    st.booleans(),
    st.booleans(),
    st.sampled_from([0, 1, 2.5, -1, math.nan, math.inf, "TRUE", "false", "yes", "", None, "#N/A"]),
    cells,
)


def value_for(arg: Arg, length: int, rows: int, cols: int) -> st.SearchStrategy:
    if arg.kind == "vector":
        return vectors(length)
    if arg.kind == "matrix":
        return matrices(rows, cols)
    if arg.kind == "text":
        return texts(arg)
    if arg.kind == "flag":
        return flags
    return numbers()


def plausible_for(arg: Arg, length: int, rows: int, cols: int) -> st.SearchStrategy:
    """A well-formed value for ``arg``, so the pure function itself is reached."""
    if arg.kind == "vector":
        items = st.lists(plausible_numbers, min_size=length, max_size=length)
        return st.one_of(items.map(lambda xs: [[x] for x in xs]), items.map(lambda xs: [xs]))
    if arg.kind == "matrix":
        row = st.lists(plausible_numbers, min_size=max(cols, 1), max_size=max(cols, 1))
        return st.lists(row, min_size=max(rows, 1), max_size=max(rows, 1))
    if arg.kind == "text":
        if arg.choices:
            return st.sampled_from(arg.choices)
        if isinstance(arg.default, str):
            return st.just(arg.default)
        return texts(arg)
    if arg.kind == "flag":
        return st.booleans()
    return plausible_numbers


@st.composite
def arguments(draw, spec: ExcelFunction) -> tuple[Any, ...]:
    """An argument list for ``spec`` as Excel would pass it: well formed, well formed but for
    one hostile value, or hostile throughout."""
    length = draw(st.integers(1, 24))  # ranges mostly share a length, as paired series do
    rows, cols = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    mode = draw(st.sampled_from(["plausible", "plausible", "perturbed", "perturbed", "hostile"]))
    required = sum(not a.optional for a in spec.args)
    if mode == "hostile":
        count = draw(
            st.one_of(
                st.integers(required, len(spec.args)), st.integers(0, len(spec.args) + 2)
            )
        )
    else:
        count = draw(st.integers(required, len(spec.args)))
    args: list[Any] = []
    for position in range(count):
        if position >= len(spec.args):
            args.append(draw(cells))
            continue
        arg = spec.args[position]
        if arg.optional and draw(st.integers(0, 5)) == 0:
            args.append(None)  # an omitted optional argument, as Excel passes it
        elif mode == "hostile":
            args.append(draw(value_for(arg, length, rows, cols)))
        else:
            args.append(draw(plausible_for(arg, length, rows, cols)))
    if mode == "perturbed" and args:
        position = draw(st.integers(0, len(args) - 1))
        target = args[position]
        if isinstance(target, list) and target and isinstance(target[0], list) and target[0]:
            i = draw(st.integers(0, len(target) - 1))
            j = draw(st.integers(0, len(target[i]) - 1))
            target = [list(r) for r in target]
            target[i][j] = draw(st.one_of(extreme_numbers, text_values, other_cells))
            args[position] = target
        elif position < len(spec.args):
            args[position] = draw(value_for(spec.args[position], length, rows, cols))
        else:
            args[position] = draw(cells)
    return tuple(args)


# --- the contract --------------------------------------------------------------------------


def check_registry(spec: ExcelFunction, args: tuple[Any, ...]) -> None:
    try:
        with deadline(f"{spec.name}{shown(args)}"):
            result = spec(*args)
    except ExcelError as exc:
        assert exc.code in ERROR_CODES, f"{spec.name}: unknown error value {exc.code!r}"
        assert exc.message and spec.name in exc.message, f"{spec.name}: message {exc.message!r}"
        return
    except UpstreamError as exc:
        assert exc.code in coercion.ERROR_TEXTS
        return
    if spec.returns == "scalar":
        assert type(result) is float, f"{spec.name} returned {type(result).__name__}"
        assert math.isfinite(result)
    else:
        assert isinstance(result, np.ndarray) and result.ndim == 2 and result.dtype == float
        assert np.all(np.isfinite(result))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_udf(spec: ExcelFunction, args: tuple[Any, ...]) -> None:
    import xlfuncs.excel.xlwings_udfs as udfs

    udf = getattr(udfs, spec.name)
    with deadline(f"xlfuncs.excel.xlwings_udfs.{spec.name}{shown(args)}"):
        result = udf(*args)  # must never raise: an exception would reach Excel
    if isinstance(result, str):
        code = result.split(" ", 1)[0]
        assert code in ERROR_TEXTS, f"{spec.name}: {result!r} does not start with an error value"
        assert "unexpected failure" not in result, result
    elif spec.returns == "scalar":
        assert _is_number(result), f"{spec.name} returned {result!r}"
    else:
        assert isinstance(result, list) and result and all(isinstance(r, list) for r in result)
        assert all(_is_number(v) for row in result for v in row)


def _engine_value(value: Any) -> Any:
    """One raw argument as the ``formulas`` engine passes it: ranges as 2-D object arrays with
    EMPTY for blanks and error objects for error values."""
    import schedula as sh
    from formulas.tokens.operand import Error

    def cell(v):
        if v is None:
            return sh.EMPTY
        if isinstance(v, str) and v.strip() in Error.errors:
            return Error.errors[v.strip()]
        return v

    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        rows = [list(r) if isinstance(r, list | tuple) else [r] for r in value] if value else [[]]
        if len(rows) == 1 and not any(isinstance(v, list | tuple) for v in value):
            rows = [list(value)]
        if len({len(r) for r in rows}) != 1 or any(
            isinstance(v, list | tuple) for r in rows for v in r
        ):
            return None  # ragged or deeper: no engine sends that
        out = np.empty((len(rows), len(rows[0])), dtype=object)
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                out[i, j] = cell(v)
        return out
    if value is None or (isinstance(value, str) and value.strip() in Error.errors):
        return np.asarray([[cell(value)]], dtype=object)
    return value


def check_engine(spec: ExcelFunction, args: tuple[Any, ...]) -> None:
    from formulas.tokens.operand import XlError

    from xlfuncs.engine import formulas_bridge as engine

    converted = [_engine_value(a) for a in args]
    if any(c is None for c in converted):
        return
    function = engine.engine_function(spec)
    log: dict[str, str] = {}
    token_log = engine.messages.set(log)
    token_cell = engine.current_cell.set("S!A1")
    try:
        with deadline(f"engine {spec.name}{shown(args)}"):
            result = function(*converted)
    finally:
        engine.messages.reset(token_log)
        engine.current_cell.reset(token_cell)
    array = np.asarray(result, dtype=object)
    if array.size == 1 and isinstance(array.flat[0], XlError):
        code = str(array.flat[0])
        assert code in ERROR_TEXTS
        message = log.get("S!A1", "")
        assert message.startswith(code) and "unexpected failure" not in message, message
        return
    if spec.returns == "scalar":
        assert _is_number(result), f"engine {spec.name} returned {result!r}"
    else:
        assert array.ndim == 2 and array.size
        assert all(_is_number(v) for v in array.ravel()), array


def check_compiled(spec: ExcelFunction, args: tuple[Any, ...]) -> None:
    """The compiled evaluator's adapter: ranges arrive as Rng, error values as XlErr."""
    from xlfuncs.engine.evaluator import Env, _registry_call
    from xlfuncs.engine.values import ERRORS, Rng, XlErr

    def value(v):
        if isinstance(v, str) and v.strip() in ERRORS:
            return ERRORS[v.strip()]
        return v

    converted = []
    for arg in args:
        array = _engine_value(arg)
        if array is None:
            return
        if isinstance(array, np.ndarray):
            import schedula as sh

            cells = np.empty(array.shape, dtype=object)
            for index, item in np.ndenumerate(array):
                cells[index] = None if item is sh.EMPTY else value(str(item)) if type(item).__name__ == "XlError" else item
            converted.append(Rng(cells))
        else:
            converted.append(value(array))
    env = Env({}, {})
    env.label = "S!A1"
    call = _registry_call(spec, [lambda e, v=v: v for v in converted], array=spec.returns == "array")
    with deadline(f"compiled {spec.name}{shown(args)}"):
        result = call(env)
    if type(result) is XlErr:
        assert result.code in ERROR_TEXTS
        message = env.messages.get("S!A1", result.code)
        assert message.startswith(result.code) and "unexpected failure" not in message, message
        return
    if spec.returns == "scalar":
        assert _is_number(result), f"compiled {spec.name} returned {result!r}"
    else:
        assert isinstance(result, Rng) and result.cells.size
        assert all(_is_number(v) for v in result.cells.ravel())


# --- the tests -----------------------------------------------------------------------------


def test_every_function_is_covered():
    assert NAMES, "no functions registered"
    assert {"UNIT_COST", "LAC_RATE"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
@HOSTILE
@given(data=st.data())
def test_hostile_arguments(name, data):
    spec = FUNCTIONS[name]
    args = data.draw(arguments(spec), label="args")
    check_registry(spec, args)
    check_udf(spec, args)
    check_engine(spec, args)
    check_compiled(spec, args)


def _big(value: Any, cells: int, kind: str) -> Any:
    if kind == "matrix":
        side = int(math.isqrt(cells)) + 1
        return [[value] * side] * side  # rows shared: cheap to build, the same to coerce
    return [[value]] * cells


@pytest.mark.parametrize("name", NAMES)
def test_very_large_ranges_are_bounded(name):
    """Every range argument given more cells than a worksheet column holds: refused quickly,
    never a hang or an exhausted memory."""
    spec = FUNCTIONS[name]
    ranges = [i for i, a in enumerate(spec.args) if a.kind in ("vector", "matrix")]
    if not ranges:
        pytest.skip(f"{name} takes no ranges")
    big = coercion.MAX_CELLS + 1
    for position in ranges:
        args: list[Any] = [_typical(a) for a in spec.args]
        args[position] = _big(1.0, big, spec.args[position].kind)
        args = tuple(args)
        with pytest.raises(ExcelError) as caught, deadline(f"{name} with {big:,} cells"):
            spec(*args)
        assert caught.value.code in ERROR_CODES
        assert spec.args[position].name in caught.value.message


@pytest.mark.parametrize("name", NAMES)
def test_long_ranges_finish(name):
    """Ranges of 20,000 cells (a generous council data table) give an answer or an error in
    bounded time, through the registry and the xlwings adapter."""
    spec = FUNCTIONS[name]
    ranges = [i for i, a in enumerate(spec.args) if a.kind in ("vector", "matrix")]
    if not ranges:
        pytest.skip(f"{name} takes no ranges")
    args = [_typical(a) for a in spec.args]
    for position in ranges:
        kind = spec.args[position].kind
        args[position] = _big(1.0, 20_000, kind) if kind == "matrix" else [[1.0 + (i % 7)] for i in range(20_000)]
    args = tuple(args)
    check_registry(spec, args)
    check_udf(spec, args)


@pytest.mark.parametrize("name", NAMES)
def test_huge_numbers_are_bounded(name):
    """A number that sizes the work (a horizon, a count of draws, a number of years) given as
    10^9, 10^15 or 10^300: an answer or an error within the deadline, never an attempt."""
    spec = FUNCTIONS[name]
    numbers = [i for i, a in enumerate(spec.args) if a.kind == "number"]
    if not numbers:
        pytest.skip(f"{name} takes no single numbers")
    for position in numbers:
        for big in (1e9, 1e15, 1e300, -1e9):
            args = [_typical(a) for a in spec.args]
            args[position] = big
            check_registry(spec, tuple(args))


def _typical(arg: Arg) -> Any:
    """A well-formed value: an 8-year series, a small table, a valid choice."""
    if arg.optional:
        return None
    if arg.kind == "vector":
        return [[v] for v in (100.0, 104.0, 109.0, 115.0, 118.0, 124.0, 130.0, 133.0)]
    if arg.kind == "matrix":
        return [[100.0, 50.0], [104.0, 52.0], [109.0, 55.0], [115.0, 57.0]]
    if arg.kind == "text":
        return arg.choices[0] if arg.choices else "x"
    if arg.kind == "flag":
        return True
    return 1.0
