"""Excel's standard functions for the compiled evaluator, one scenario at a time.

Each implementation takes evaluated arguments (values or :class:`Rng`) and returns a value,
following Excel's documented rules (what ranges skip, which error each failure gives). Some
also have a vector form in :mod:`xlfuncs.engine.vector_functions`, used when one workbook is
evaluated for many input sets at once. A function not listed here sends the workbook to the
``formulas`` engine instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .excel_values import (
    DIV0,
    REF as REF_ERROR,
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
            from .excel_values import NeedsScalar

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
