"""Excel's standard functions for the compiled evaluator, one scenario at a time.

Each implementation takes evaluated arguments (values or :class:`Rng`) and returns a value,
following Excel's documented rules (what ranges skip, which error each failure gives). Some
also have a vector form in :mod:`xlfuncs.engine.vectorised`, used when one workbook is
evaluated for many input sets at once. A function not listed here sends the workbook to the
``formulas`` engine instead.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from xlfuncs.engine.values import (
    DIV0,
    NA,
    NUM,
    VALUE,
    Rng,
    XlErr,
    compare,
    excel_round,
    finite_or_num,
    scalar,
    to_bool,
    to_number,
    to_text,
)
from xlfuncs.engine.values import (
    REF as REF_ERROR,
)

FUNCTIONS: dict[str, Callable[..., Any]] = {}


def excel(*names: str):
    def register(fn):
        for name in names:
            FUNCTIONS[name] = fn
        return fn

    return register


class _Stop(Exception):
    def __init__(self, err: XlErr):
        self.err = err


def _numbers(args, direct_text_ok: bool = True) -> Iterator[float]:
    """Numbers as SUM sees them: ranges give their numbers only; direct arguments convert."""
    for arg in args:
        if isinstance(arg, Rng):
            for v in arg.cells.flat:
                t = type(v)
                if t is float or t is int:
                    yield v
                elif t is XlErr:
                    raise _Stop(v)
        elif isinstance(arg, np.ndarray):
            from xlfuncs.engine.values import NeedsScalar

            raise NeedsScalar
        elif arg is None:
            continue
        else:
            n = to_number(arg)
            if type(n) is XlErr:
                raise _Stop(n)
            yield n


def _collect(args) -> list[float] | XlErr:
    try:
        return list(_numbers(args))
    except _Stop as stop:
        return stop.err


def _int_arg(v: Any) -> int | XlErr:
    n = to_number(scalar(v))
    if type(n) is XlErr:
        return n
    return int(math.floor(n)) if n >= 0 else int(math.ceil(n))


@excel("SUM")
def f_sum(*args):
    values = _collect(args)
    return values if type(values) is XlErr else finite_or_num(math.fsum(values))


@excel("PRODUCT")
def f_product(*args):
    values = _collect(args)
    return values if type(values) is XlErr else finite_or_num(math.prod(values) if values else 0.0)


@excel("AVERAGE")
def f_average(*args):
    values = _collect(args)
    if type(values) is XlErr:
        return values
    return math.fsum(values) / len(values) if values else DIV0


@excel("MIN")
def f_min(*args):
    values = _collect(args)
    return values if type(values) is XlErr else (min(values) if values else 0.0)


@excel("MAX")
def f_max(*args):
    values = _collect(args)
    return values if type(values) is XlErr else (max(values) if values else 0.0)


@excel("MEDIAN")
def f_median(*args):
    values = _collect(args)
    if type(values) is XlErr:
        return values
    return float(np.median(values)) if values else NUM


def _spread(args, ddof: int, root: bool):
    values = _collect(args)
    if type(values) is XlErr:
        return values
    if len(values) <= ddof:
        return DIV0
    mean = math.fsum(values) / len(values)
    var = math.fsum((v - mean) ** 2 for v in values) / (len(values) - ddof)
    return math.sqrt(var) if root else var


FUNCTIONS["STDEV"] = FUNCTIONS["STDEV.S"] = lambda *a: _spread(a, 1, True)
FUNCTIONS["STDEVP"] = FUNCTIONS["STDEV.P"] = lambda *a: _spread(a, 0, True)
FUNCTIONS["VAR"] = FUNCTIONS["VAR.S"] = lambda *a: _spread(a, 1, False)
FUNCTIONS["VARP"] = FUNCTIONS["VAR.P"] = lambda *a: _spread(a, 0, False)


@excel("COUNT")
def f_count(*args):
    total = 0
    for arg in args:
        if isinstance(arg, Rng):
            total += sum(1 for v in arg.cells.flat if type(v) is float or type(v) is int)
        elif type(to_number(arg)) is not XlErr and arg is not None:
            total += 1
    return float(total)


@excel("COUNTA")
def f_counta(*args):
    total = 0
    for arg in args:
        if isinstance(arg, Rng):
            total += sum(1 for v in arg.cells.flat if v is not None)
        else:
            total += 1
    return float(total)


@excel("COUNTBLANK")
def f_countblank(rng):
    if not isinstance(rng, Rng):
        return VALUE
    return float(sum(1 for v in rng.cells.flat if v is None or v == ""))


def _large_small(rng, k, largest: bool):
    values = _collect([rng])
    if type(values) is XlErr:
        return values
    k = to_number(scalar(k))
    if type(k) is XlErr:
        return k
    k = math.ceil(k)
    if not values or k < 1 or k > len(values):
        return NUM
    ordered = sorted(values, reverse=largest)
    return ordered[k - 1]


FUNCTIONS["LARGE"] = lambda r, k: _large_small(r, k, True)
FUNCTIONS["SMALL"] = lambda r, k: _large_small(r, k, False)


def _unary(fn: Callable[[float], float], domain: Callable[[float], bool] = lambda x: True):
    def apply(x):
        n = to_number(scalar(x))
        if type(n) is XlErr:
            return n
        if not domain(n):
            return NUM
        try:
            return finite_or_num(fn(n))
        except (OverflowError, ValueError):
            return NUM

    return apply


FUNCTIONS["ABS"] = _unary(abs)
FUNCTIONS["SQRT"] = _unary(math.sqrt, lambda x: x >= 0)
FUNCTIONS["EXP"] = _unary(math.exp)
FUNCTIONS["LN"] = _unary(math.log, lambda x: x > 0)
FUNCTIONS["LOG10"] = _unary(math.log10, lambda x: x > 0)
FUNCTIONS["INT"] = _unary(lambda x: float(math.floor(x)))
FUNCTIONS["SIGN"] = _unary(lambda x: float((x > 0) - (x < 0)))


@excel("PI")
def f_pi():
    return math.pi


def _two_numbers(a, b):
    x, y = to_number(scalar(a)), to_number(scalar(b))
    if type(x) is XlErr:
        return x, None
    if type(y) is XlErr:
        return y, None
    return x, y


@excel("ROUND")
def f_round(x, digits=0.0):
    n, d = _two_numbers(x, digits)
    if d is None:
        return n
    return excel_round(n, int(d))


def _round_direction(up: bool):
    def apply(x, digits=0.0):
        n, d = _two_numbers(x, digits)
        if d is None:
            return n
        factor = 10.0 ** int(d)
        y = float(f"{abs(n) * factor:.15g}")
        y = math.ceil(y) if up else math.floor(y)
        return math.copysign(y / factor, n)

    return apply


FUNCTIONS["ROUNDUP"] = _round_direction(True)
FUNCTIONS["ROUNDDOWN"] = _round_direction(False)


@excel("POWER")
def f_power(x, y):
    a, b = _two_numbers(x, y)
    if b is None:
        return a
    return power(a, b)


def power(a: float, b: float):
    if a == 0 and b == 0:
        return NUM
    if a == 0 and b < 0:
        return DIV0
    try:
        result = a**b
    except (OverflowError, ZeroDivisionError):
        return NUM
    if isinstance(result, complex):
        return NUM
    return finite_or_num(result)


@excel("MOD")
def f_mod(x, y):
    a, b = _two_numbers(x, y)
    if b is None:
        return a
    if b == 0:
        return DIV0
    return a - b * math.floor(a / b)


@excel("IF")
def f_if(condition, when_true=True, when_false=False):
    test = to_bool(scalar(condition))
    if type(test) is XlErr:
        return test
    chosen = when_true if test else when_false
    return 0.0 if chosen is None else chosen  # an omitted or blank branch shows 0


@excel("IFERROR")
def f_iferror(value, fallback):
    v = scalar(value) if isinstance(value, Rng) and value.cells.size == 1 else value
    return fallback if type(v) is XlErr else v


@excel("IFNA")
def f_ifna(value, fallback):
    return fallback if value is NA else value


def _logic(all_: bool):
    def apply(*args):
        found = []
        for arg in args:
            items = arg.cells.flat if isinstance(arg, Rng) else [arg]
            for v in items:
                if type(v) is XlErr:
                    return v
                if v is None or (type(v) is str and isinstance(arg, Rng)):
                    continue
                b = to_bool(v)
                if type(b) is XlErr:
                    return b
                found.append(b)
        if not found:
            return VALUE
        return all(found) if all_ else any(found)

    return apply


FUNCTIONS["AND"] = _logic(True)
FUNCTIONS["OR"] = _logic(False)


@excel("NOT")
def f_not(x):
    b = to_bool(scalar(x))
    return b if type(b) is XlErr else (not b)


FUNCTIONS["ISNUMBER"] = lambda x: type(scalar(x)) in (float, int)
FUNCTIONS["ISTEXT"] = lambda x: type(scalar(x)) is str
FUNCTIONS["ISBLANK"] = lambda x: scalar(x) is None
FUNCTIONS["ISERROR"] = lambda x: type(scalar(x)) is XlErr
FUNCTIONS["ISNA"] = lambda x: scalar(x) is NA


@excel("CHOOSE")
def f_choose(index, *options):
    i = to_number(scalar(index))
    if type(i) is XlErr:
        return i
    i = int(i)
    if i < 1 or i > len(options):
        return VALUE
    return options[i - 1]


@excel("CONCATENATE", "CONCAT")
def f_concat(*args):
    parts = []
    for arg in args:
        items = arg.cells.flat if isinstance(arg, Rng) else [arg]
        for v in items:
            t = to_text(v)
            if type(t) is XlErr:
                return t
            parts.append(t)
    return "".join(parts)


def _text_fn(fn):
    def apply(x):
        t = to_text(scalar(x))
        return t if type(t) is XlErr else fn(t)

    return apply


FUNCTIONS["UPPER"] = _text_fn(str.upper)
FUNCTIONS["LOWER"] = _text_fn(str.lower)
FUNCTIONS["TRIM"] = _text_fn(lambda s: " ".join(s.split()))
FUNCTIONS["LEN"] = _text_fn(lambda s: float(len(s)))


@excel("ROWS")
def f_rows(rng):
    return float(rng.shape[0]) if isinstance(rng, Rng) else 1.0


@excel("COLUMNS")
def f_columns(rng):
    return float(rng.shape[1]) if isinstance(rng, Rng) else 1.0


@excel("NPV")
def f_npv(rate, *values):
    r = to_number(scalar(rate))
    if type(r) is XlErr:
        return r
    if r == -1:
        return DIV0
    flows = _collect(values)
    if type(flows) is XlErr:
        return flows
    return finite_or_num(math.fsum(v / (1 + r) ** (i + 1) for i, v in enumerate(flows)))


@excel("RANK", "RANK.EQ")
def f_rank(number, ref, order=0.0):
    x = to_number(scalar(number))
    if type(x) is XlErr:
        return x
    if not isinstance(ref, Rng):
        return VALUE
    values = [v for v in ref.cells.flat if type(v) is float or type(v) is int]
    for v in ref.cells.flat:
        if type(v) is XlErr:
            return v
    if x not in values:
        return NA
    ascending = to_number(scalar(order))
    if type(ascending) is XlErr:
        return ascending
    if ascending:
        return float(1 + sum(1 for v in values if v < x))
    return float(1 + sum(1 for v in values if v > x))


@excel("SUMPRODUCT")
def f_sumproduct(*arrays):
    mats = []
    for a in arrays:
        cells = a.cells if isinstance(a, Rng) else np.array([[a]], dtype=object)
        mats.append(cells)
    if any(m.shape != mats[0].shape for m in mats):
        return VALUE
    total = 0.0
    for items in zip(*(m.ravel() for m in mats), strict=True):
        product = 1.0
        for v in items:
            if type(v) is XlErr:
                return v
            product *= v if (type(v) is float or type(v) is int) else 0.0
        total += product
    return finite_or_num(total)


def _criterion(criterion: Any) -> Callable[[Any], bool]:
    """COUNTIF / SUMIF criteria: "=x", ">3", "<>a", wildcards * and ?."""
    if type(criterion) is not str:
        if criterion is None:
            criterion = 0.0
        return lambda v: compare(v, criterion) == 0 if v is not None else False
    match = re.match(r"^(<=|>=|<>|=|<|>)?(.*)$", criterion, re.S)
    op, operand = match.group(1) or "=", match.group(2)
    number = to_number(operand)
    target: Any = number if type(number) is not XlErr and operand.strip() else operand
    if type(target) is str and op in ("=", "<>") and any(ch in target for ch in "*?"):
        pattern = re.compile(
            "^" + "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in target) + "$",
            re.I | re.S,
        )

        def wild(v):
            hit = type(v) is str and bool(pattern.match(v))
            return hit if op == "=" else not hit

        return wild

    def test(v):
        if op == "=" and target == "":
            return v is None or v == ""
        if v is None:
            return op == "<>"
        if (type(target) is str) != (type(v) is str):
            return op == "<>"
        c = compare(v, target)
        if type(c) is XlErr:
            return False
        return {"=": c == 0, "<>": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]

    return test


@excel("COUNTIF")
def f_countif(rng, criterion):
    if not isinstance(rng, Rng):
        return VALUE
    test = _criterion(scalar(criterion))
    return float(sum(1 for v in rng.cells.flat if test(v)))


@excel("SUMIF")
def f_sumif(rng, criterion, sum_range=None):
    if not isinstance(rng, Rng):
        return VALUE
    target = sum_range if isinstance(sum_range, Rng) else rng
    if target.shape != rng.shape:
        return VALUE
    test = _criterion(scalar(criterion))
    total = 0.0
    for v, s in zip(rng.cells.flat, target.cells.flat, strict=True):
        if test(v):
            if type(s) is XlErr:
                return s
            if type(s) is float or type(s) is int:
                total += s
    return total


@excel("AVERAGEIF")
def f_averageif(rng, criterion, average_range=None):
    if not isinstance(rng, Rng):
        return VALUE
    target = average_range if isinstance(average_range, Rng) else rng
    test = _criterion(scalar(criterion))
    values = [s for v, s in zip(rng.cells.flat, target.cells.flat, strict=False) if test(v) and type(s) in (float, int)]
    return math.fsum(values) / len(values) if values else DIV0


def _match_position(value: Any, items: list[Any], kind: int) -> int | XlErr:
    if kind == 0:
        if type(value) is str and any(ch in value for ch in "*?"):
            test = _criterion(value)
            for i, v in enumerate(items):
                if test(v):
                    return i
            return NA
        for i, v in enumerate(items):
            if v is not None and type(v) is not XlErr and compare(v, value) == 0:
                if (type(v) is str) == (type(value) is str):
                    return i
        return NA
    best = NA
    for i, v in enumerate(items):
        if v is None or type(v) is XlErr or (type(v) is str) != (type(value) is str):
            continue
        c = compare(v, value)
        if kind > 0:
            if c <= 0:
                best = i
            else:
                break
        else:
            if c >= 0:
                best = i
            else:
                break
    return best


@excel("MATCH")
def f_match(value, rng, kind=1.0):
    value = scalar(value)
    if type(value) is XlErr:
        return value
    if not isinstance(rng, Rng) or (rng.shape[0] > 1 and rng.shape[1] > 1):
        return NA
    k = to_number(scalar(kind))
    if type(k) is XlErr:
        return k
    position = _match_position(value, list(rng.cells.ravel()), int(np.sign(k)))
    return position if type(position) is XlErr else float(position + 1)


@excel("INDEX")
def f_index(rng, row=0.0, column=None):
    if not isinstance(rng, Rng):
        return scalar(rng) if row in (0.0, 1.0) else VALUE
    r = to_number(scalar(row)) if row is not None else 0.0
    c = to_number(scalar(column)) if column is not None else 0.0
    if type(r) is XlErr:
        return r
    if type(c) is XlErr:
        return c
    r, c = int(r), int(c)
    rows, cols = rng.shape
    if rows == 1 and column is None:
        r, c = 1, r  # INDEX(row_range, n) reads along the row
    if r < 0 or c < 0 or r > rows or c > cols:
        return REF_ERROR
    if r == 0 and c == 0:
        return rng
    if r == 0:
        return Rng(rng.cells[:, c - 1 : c])
    if c == 0:
        if cols == 1:
            return rng.cells[r - 1, 0]
        return Rng(rng.cells[r - 1 : r, :])
    return rng.cells[r - 1, c - 1]


def _lookup(value, table, index, approximate, by_rows: bool):
    value = scalar(value)
    if type(value) is XlErr:
        return value
    if not isinstance(table, Rng):
        return NA
    i = to_number(scalar(index))
    if type(i) is XlErr:
        return i
    i = int(i)
    cells = table.cells if by_rows else table.cells.T
    if i < 1:
        return VALUE
    if i > cells.shape[1]:
        return REF_ERROR
    approx = True if approximate is None else to_bool(scalar(approximate))
    if type(approx) is XlErr:
        return approx
    position = _match_position(value, list(cells[:, 0]), 1 if approx else 0)
    if type(position) is XlErr:
        return position
    return cells[position, i - 1]


FUNCTIONS["VLOOKUP"] = lambda v, t, i, a=None: _lookup(v, t, i, a, True)
FUNCTIONS["HLOOKUP"] = lambda v, t, i, a=None: _lookup(v, t, i, a, False)


@excel("TRANSPOSE")
def f_transpose(rng):
    if isinstance(rng, Rng):
        return Rng(rng.cells.T.copy())
    return rng


def _numeric_matrix(v: Any) -> np.ndarray | XlErr:
    cells = v.cells if isinstance(v, Rng) else np.array([[v]], dtype=object)
    out = np.empty(cells.shape)
    for index, item in np.ndenumerate(cells):
        if type(item) is XlErr:
            return item
        if type(item) not in (float, int):
            return VALUE
        out[index] = item
    return out


@excel("LINEST")
def f_linest(known_y, known_x=None, const=True, stats=False):
    """Least squares as Excel lays it out: coefficients last x first, then the intercept;
    with stats, rows of standard errors, (R^2, SE of y), (F, df) and (SS reg, SS resid)."""
    y = _numeric_matrix(known_y)
    if type(y) is XlErr:
        return y
    y = y.ravel()
    n = y.size
    if known_x is None:
        x = np.arange(1.0, n + 1).reshape(-1, 1)
    else:
        x = _numeric_matrix(known_x)
        if type(x) is XlErr:
            return x
        if x.shape[0] != n:
            x = x.T if x.shape[1] == n else None
        if x is None:
            return REF_ERROR
    with_const = True if const is None else to_bool(scalar(const))
    want_stats = False if stats is None else to_bool(scalar(stats))
    if type(with_const) is XlErr:
        return with_const
    if type(want_stats) is XlErr:
        return want_stats
    k = x.shape[1]
    design = np.column_stack([x, np.ones(n)]) if with_const else x
    if n < design.shape[1] + (0 if not want_stats else 0) or n == 0:
        return NUM
    coef, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    if rank < design.shape[1]:
        return NUM  # collinear columns: Excel drops one; refuse rather than guess
    slopes = coef[:k][::-1]
    intercept = coef[k] if with_const else 0.0
    first = list(slopes) + [intercept]
    if not want_stats:
        return Rng(np.array([first], dtype=object))
    fitted = design @ coef
    resid = y - fitted
    ss_resid = float(resid @ resid)
    df = n - design.shape[1]
    ss_total = float(((y - y.mean()) @ (y - y.mean())) if with_const else y @ y)
    ss_reg = ss_total - ss_resid
    r2 = ss_reg / ss_total if ss_total else 1.0
    sey = math.sqrt(ss_resid / df) if df > 0 else NUM
    if df > 0:
        cov = ss_resid / df * np.linalg.inv(design.T @ design)
        se = np.sqrt(np.diag(cov))
        se_row = list(se[:k][::-1]) + [se[k] if with_const else NA]
        f_stat = (ss_reg / k) / (ss_resid / df) if ss_resid else NUM
    else:
        se_row = [NUM] * (k + 1)
        f_stat = NUM
    width = k + 1
    rows = [
        first,
        se_row,
        [r2, sey] + [NA] * (width - 2),
        [f_stat, float(df)] + [NA] * (width - 2),
        [ss_reg, ss_resid] + [NA] * (width - 2),
    ]
    return Rng(np.array([[v if type(v) is XlErr else float(v) for v in row] for row in rows], dtype=object))


def _pairs(known_y: Any, known_x: Any) -> tuple[np.ndarray, np.ndarray] | XlErr:
    """Paired numbers of two ranges, as CORREL and SLOPE read them: a pair counts only where
    both cells hold numbers; ranges of different sizes give #N/A."""
    ys = known_y.cells.ravel() if isinstance(known_y, Rng) else np.array([known_y], dtype=object)
    xs = known_x.cells.ravel() if isinstance(known_x, Rng) else np.array([known_x], dtype=object)
    if ys.size != xs.size:
        return NA
    y, x = [], []
    for a, b in zip(ys, xs, strict=True):
        if type(a) is XlErr:
            return a
        if type(b) is XlErr:
            return b
        if type(a) in (float, int) and type(b) in (float, int):
            y.append(a)
            x.append(b)
    return np.array(y, dtype=float), np.array(x, dtype=float)


def _moments(known_y, known_x):
    pairs = _pairs(known_y, known_x)
    if type(pairs) is XlErr:
        return pairs
    y, x = pairs
    if y.size < 2:
        return DIV0
    dy, dx = y - y.mean(), x - x.mean()
    sxx, syy, sxy = float(dx @ dx), float(dy @ dy), float(dx @ dy)
    return y, x, sxx, syy, sxy


@excel("CORREL", "PEARSON")
def f_correl(array1, array2):
    m = _moments(array1, array2)
    if type(m) is XlErr:
        return m
    _, _, sxx, syy, sxy = m
    return DIV0 if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)


@excel("RSQ")
def f_rsq(known_y, known_x):
    r = f_correl(known_y, known_x)
    return r if type(r) is XlErr else r * r


@excel("SLOPE")
def f_slope(known_y, known_x):
    m = _moments(known_y, known_x)
    if type(m) is XlErr:
        return m
    _, _, sxx, _, sxy = m
    return DIV0 if sxx == 0 else sxy / sxx


@excel("INTERCEPT")
def f_intercept(known_y, known_x):
    m = _moments(known_y, known_x)
    if type(m) is XlErr:
        return m
    y, x, sxx, _, sxy = m
    return DIV0 if sxx == 0 else float(y.mean() - sxy / sxx * x.mean())


# ----------------------------------------------------------------------------- criteria over several ranges


def _ifs(target: Any, pairs: tuple) -> list[Any] | XlErr:
    """Cells of ``target`` where every (range, criterion) pair holds, as SUMIFS reads them."""
    if len(pairs) % 2 or not pairs:
        return VALUE
    ranges = [pairs[i] for i in range(0, len(pairs), 2)]
    tests = [_criterion(scalar(pairs[i])) for i in range(1, len(pairs), 2)]
    if not all(isinstance(r, Rng) for r in ranges) or (target is not None and not isinstance(target, Rng)):
        return VALUE
    shape = (target if target is not None else ranges[0]).shape
    if any(r.shape != shape for r in ranges):
        return VALUE
    flats = [r.cells.ravel() for r in ranges]
    source = (target if target is not None else ranges[0]).cells.ravel()
    return [source[i] for i in range(source.size) if all(test(flat[i]) for test, flat in zip(tests, flats, strict=True))]


@excel("SUMIFS")
def f_sumifs(sum_range, *pairs):
    picked = _ifs(sum_range, pairs)
    if type(picked) is XlErr:
        return picked
    for v in picked:
        if type(v) is XlErr:
            return v
    return math.fsum(v for v in picked if type(v) in (float, int))


@excel("COUNTIFS")
def f_countifs(*pairs):
    picked = _ifs(None, pairs)
    return picked if type(picked) is XlErr else float(len(picked))


@excel("AVERAGEIFS")
def f_averageifs(average_range, *pairs):
    picked = _ifs(average_range, pairs)
    if type(picked) is XlErr:
        return picked
    values = [v for v in picked if type(v) in (float, int)]
    return math.fsum(values) / len(values) if values else DIV0


def _extreme_ifs(largest: bool):
    def apply(target, *pairs):
        picked = _ifs(target, pairs)
        if type(picked) is XlErr:
            return picked
        values = [v for v in picked if type(v) in (float, int)]
        return (max(values) if largest else min(values)) if values else 0.0

    return apply


FUNCTIONS["MAXIFS"] = _extreme_ifs(True)
FUNCTIONS["MINIFS"] = _extreme_ifs(False)


# ----------------------------------------------------------------------------- text


@excel("VALUE")
def f_value(text):
    v = scalar(text)
    if type(v) in (float, int):
        return float(v)
    if type(v) is not str:
        return VALUE if v is not None else 0.0
    return to_number(v)


def _ends(text, count, from_right: bool):
    t = to_text(scalar(text))
    n = to_number(scalar(count))
    if type(t) is XlErr:
        return t
    if type(n) is XlErr:
        return n
    if n < 0:
        return VALUE
    n = int(n)
    return (t[len(t) - n:] if n else "") if from_right else t[:n]


FUNCTIONS["LEFT"] = lambda text, count=1.0: _ends(text, count, False)
FUNCTIONS["RIGHT"] = lambda text, count=1.0: _ends(text, count, True)


@excel("MID")
def f_mid(text, start, count):
    t = to_text(scalar(text))
    s, n = to_number(scalar(start)), to_number(scalar(count))
    for v in (t, s, n):
        if type(v) is XlErr:
            return v
    if s < 1 or n < 0:
        return VALUE
    return t[int(s) - 1 : int(s) - 1 + int(n)]


# ----------------------------------------------------------------------------- dates (1900 system)

_EPOCH = _dt.date(1899, 12, 30)


def _serial(day: _dt.date) -> float:
    serial = (day - _EPOCH).days
    return float(serial if serial >= 61 else serial - 1)  # Excel's phantom 29 February 1900


def _date(serial: Any) -> _dt.date | XlErr:
    n = to_number(scalar(serial))
    if type(n) is XlErr:
        return n
    if n < 1 or n > 2958465:
        return NUM
    whole = int(math.floor(n))
    return _EPOCH + _dt.timedelta(days=whole if whole >= 61 else whole + 1)


@excel("DATE")
def f_date(year, month, day):
    parts = [to_number(scalar(v)) for v in (year, month, day)]
    for p in parts:
        if type(p) is XlErr:
            return p
    y, m, d = (int(math.floor(p)) for p in parts)
    if y < 1900:
        y += 1900
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    try:
        first = _dt.date(y, m, 1)
    except ValueError:
        return NUM
    return _serial(first) + d - 1


def _part(attribute: str):
    def apply(serial):
        day = _date(serial)
        return day if type(day) is XlErr else float(getattr(day, attribute))

    return apply


FUNCTIONS["YEAR"] = _part("year")
FUNCTIONS["MONTH"] = _part("month")
FUNCTIONS["DAY"] = _part("day")


@excel("WEEKDAY")
def f_weekday(serial, kind=1.0):
    day = _date(serial)
    if type(day) is XlErr:
        return day
    k = int(to_number(scalar(kind)) or 1)
    monday0 = day.weekday()
    if k == 1:
        return float((monday0 + 1) % 7 + 1)
    if k == 2:
        return float(monday0 + 1)
    if k == 3:
        return float(monday0)
    return NUM


def _add_months(serial, months, month_end: bool):
    day = _date(serial)
    n = to_number(scalar(months))
    if type(day) is XlErr:
        return day
    if type(n) is XlErr:
        return n
    total = day.year * 12 + day.month - 1 + int(n)
    y, m = divmod(total, 12)
    m += 1
    if month_end:
        nxt = _dt.date(y + (m == 12), m % 12 + 1, 1)
        return _serial(nxt - _dt.timedelta(days=1))
    last = (_dt.date(y + (m == 12), m % 12 + 1, 1) - _dt.timedelta(days=1)).day
    return _serial(_dt.date(y, m, min(day.day, last)))


FUNCTIONS["EOMONTH"] = lambda start, months: _add_months(start, months, True)
FUNCTIONS["EDATE"] = lambda start, months: _add_months(start, months, False)


# ----------------------------------------------------------------------------- finance


def _finance_args(*values):
    out = []
    for v in values:
        n = to_number(scalar(v)) if v is not None else 0.0
        if type(n) is XlErr:
            raise _Stop(n)
        out.append(n)
    return out


def _guarded(fn):
    def apply(*args):
        try:
            result = fn(*args)
        except _Stop as stop:
            return stop.err
        except (ZeroDivisionError, OverflowError, ValueError):
            return NUM
        return result if type(result) is XlErr else finite_or_num(result)

    return apply


@excel("PMT")
@_guarded
def f_pmt(rate, nper, pv, fv=0.0, kind=0.0):
    r, n, p, f, t = _finance_args(rate, nper, pv, fv, kind)
    if n == 0:
        return NUM
    if r == 0:
        return -(p + f) / n
    growth = (1 + r) ** n
    return -(r * (f + p * growth)) / ((1 + r * (t != 0)) * (growth - 1))


@excel("FV")
@_guarded
def f_fv(rate, nper, pmt, pv=0.0, kind=0.0):
    r, n, c, p, t = _finance_args(rate, nper, pmt, pv, kind)
    if r == 0:
        return -(p + c * n)
    growth = (1 + r) ** n
    return -(p * growth + c * (1 + r * (t != 0)) * (growth - 1) / r)


@excel("PV")
@_guarded
def f_pv(rate, nper, pmt, fv=0.0, kind=0.0):
    r, n, c, f, t = _finance_args(rate, nper, pmt, fv, kind)
    if r == 0:
        return -(f + c * n)
    growth = (1 + r) ** n
    return -(f + c * (1 + r * (t != 0)) * (growth - 1) / r) / growth


@excel("NPER")
@_guarded
def f_nper(rate, pmt, pv, fv=0.0, kind=0.0):
    r, c, p, f, t = _finance_args(rate, pmt, pv, fv, kind)
    if r == 0:
        return DIV0 if c == 0 else -(p + f) / c
    adjusted = c * (1 + r * (t != 0)) / r
    return math.log((adjusted - f) / (adjusted + p)) / math.log(1 + r)


@excel("IRR")
def f_irr(values, guess=0.1):
    flows = _collect([values])
    if type(flows) is XlErr:
        return flows
    if not any(v > 0 for v in flows) or not any(v < 0 for v in flows):
        return NUM
    g = to_number(scalar(guess)) if guess is not None else 0.1
    if type(g) is XlErr:
        return g

    def npv(rate):
        return math.fsum(v / (1 + rate) ** i for i, v in enumerate(flows))

    def slope(rate):
        return math.fsum(-i * v / (1 + rate) ** (i + 1) for i, v in enumerate(flows))

    rate = g
    for _ in range(100):  # Newton's method from the guess, as Excel; converged to 1e-12
        try:
            value, step_base = npv(rate), slope(rate)
        except (OverflowError, ZeroDivisionError):
            return NUM
        if step_base == 0:
            return NUM
        step = value / step_base
        rate -= step
        if rate <= -1:
            return NUM
        if abs(step) < 1e-12 * max(1.0, abs(rate)):
            return rate
    return NUM


@excel("QUARTILE", "QUARTILE.INC")
def f_quartile(array, quart):
    values = _collect([array])
    if type(values) is XlErr:
        return values
    q = to_number(scalar(quart))
    if type(q) is XlErr:
        return q
    q = int(q)
    if not values or q < 0 or q > 4:
        return NUM
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 4
    low = int(math.floor(position))
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@excel("GEOMEAN")
def f_geomean(*args):
    values = _collect(args)
    if type(values) is XlErr:
        return values
    if not values or any(v <= 0 for v in values):
        return NUM
    return math.exp(math.fsum(math.log(v) for v in values) / len(values))


@excel("FORECAST", "FORECAST.LINEAR")
def f_forecast(x, known_y, known_x):
    target = to_number(scalar(x))
    if type(target) is XlErr:
        return target
    m = _moments(known_y, known_x)
    if type(m) is XlErr:
        return m
    y, xs, sxx, _, sxy = m
    if sxx == 0:
        return DIV0
    slope = sxy / sxx
    return float(y.mean() + slope * (target - xs.mean()))


@excel("PERCENTILE", "PERCENTILE.INC")
def f_percentile(array, k):
    values = _collect([array])
    if type(values) is XlErr:
        return values
    p = to_number(scalar(k))
    if type(p) is XlErr:
        return p
    if not values or p < 0 or p > 1:
        return NUM
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    low = int(math.floor(position))
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_end(day: _dt.date) -> bool:
    return (day + _dt.timedelta(days=1)).month != day.month


@excel("YEARFRAC")
def f_yearfrac(start, end, basis=0.0):
    """Fraction of a year between two dates, on Excel's day-count bases 0 to 4."""
    a, b = _date(start), _date(end)
    if type(a) is XlErr:
        return a
    if type(b) is XlErr:
        return b
    k = to_number(scalar(basis)) if basis is not None else 0.0
    if type(k) is XlErr:
        return k
    k = int(k)
    if k < 0 or k > 4:
        return NUM
    if a > b:
        a, b = b, a
    days = (b - a).days
    if k == 0:
        d1, d2 = a.day, b.day
        if d1 == 31 and d2 == 31:
            d1 = d2 = 30
        elif d1 == 31:
            d1 = 30
        elif d1 == 30 and d2 == 31:
            d2 = 30
        elif a.month == 2 and b.month == 2 and _month_end(a) and _month_end(b):
            d1 = d2 = 30
        elif a.month == 2 and _month_end(a):
            d1 = 30
        return ((b.year - a.year) * 360 + (b.month - a.month) * 30 + d2 - d1) / 360
    if k == 1:
        within_year = a.year == b.year or (
            b.year == a.year + 1 and (a.month > b.month or (a.month == b.month and a.day >= b.day))
        )
        if within_year:
            if a.year == b.year:
                length = 366 if _leap(a.year) else 365
            else:
                spans_leap_day = any(
                    _leap(y) and a <= _dt.date(y, 2, 29) <= b for y in (a.year, b.year)
                )
                length = 366 if spans_leap_day else 365
            return days / length
        years = range(a.year, b.year + 1)
        average = sum(366 if _leap(y) else 365 for y in years) / len(years)
        return days / average
    if k == 2:
        return days / 360
    if k == 3:
        return days / 365
    d1, d2 = min(a.day, 30), min(b.day, 30)
    return ((b.year - a.year) * 360 + (b.month - a.month) * 30 + d2 - d1) / 360
