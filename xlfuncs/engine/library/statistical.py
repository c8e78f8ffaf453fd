"""Excel's Statistical functions: AVERAGE, MIN, MAX, MEDIAN, STDEV and VAR in their forms,
COUNT, COUNTA, COUNTBLANK, LARGE, SMALL, RANK, LINEST, CORREL, RSQ, SLOPE, INTERCEPT,
QUARTILE, PERCENTILE, GEOMEAN, FORECAST.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from xlfuncs.engine.library.arguments import FUNCTIONS, collect, excel
from xlfuncs.engine.values import (
    DIV0,
    NA,
    NUM,
    VALUE,
    Rng,
    XlErr,
    scalar,
    to_bool,
    to_number,
)
from xlfuncs.engine.values import (
    REF as REF_ERROR,
)


@excel("AVERAGE")
def f_average(*args):
    values = collect(args)
    if type(values) is XlErr:
        return values
    return math.fsum(values) / len(values) if values else DIV0


@excel("MIN")
def f_min(*args):
    values = collect(args)
    return values if type(values) is XlErr else (min(values) if values else 0.0)


@excel("MAX")
def f_max(*args):
    values = collect(args)
    return values if type(values) is XlErr else (max(values) if values else 0.0)


@excel("MEDIAN")
def f_median(*args):
    values = collect(args)
    if type(values) is XlErr:
        return values
    return float(np.median(values)) if values else NUM


def _spread(args, ddof: int, root: bool):
    values = collect(args)
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
    values = collect([rng])
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


def _independent_columns(design: np.ndarray, with_const: bool) -> list[int]:
    """The columns a least-squares fit keeps, as Excel does when some are collinear: the
    constant first, then each x column that adds to the rank; the others get coefficient 0."""
    order = ([design.shape[1] - 1] if with_const else []) + list(range(design.shape[1] - (1 if with_const else 0)))
    kept: list[int] = []
    for column in order:
        trial = kept + [column]
        if np.linalg.matrix_rank(design[:, trial]) == len(trial):
            kept.append(column)
    return sorted(kept)


def _known(known_y: Any, known_x: Any) -> tuple[np.ndarray, np.ndarray] | XlErr:
    """known_y as a vector and known_x as one row per y (1, 2, 3, ... when omitted), as
    Excel's regression functions read them; #REF! where the sizes do not agree."""
    y = _numeric_matrix(known_y)
    if type(y) is XlErr:
        return y
    y = y.ravel()
    n = y.size
    if known_x is None:
        return y, np.arange(1.0, n + 1).reshape(-1, 1)
    x = _numeric_matrix(known_x)
    if type(x) is XlErr:
        return x
    if x.shape[0] != n:
        if x.shape[1] != n:
            return REF_ERROR
        x = x.T
    return y, x


def _fit(known_y: Any, known_x: Any, const: Any) -> tuple[np.ndarray, float, np.ndarray] | XlErr:
    """(slopes in x-column order, intercept, the x matrix) of a least-squares fit."""
    known = _known(known_y, known_x)
    if type(known) is XlErr:
        return known
    y, x = known
    n = y.size
    with_const = True if const is None else to_bool(scalar(const))
    if type(with_const) is XlErr:
        return with_const
    if n == 0:
        return NUM
    design = np.column_stack([x, np.ones(n)]) if with_const else x
    kept = _independent_columns(design, bool(with_const))
    coef = np.zeros(design.shape[1])
    if kept:
        coef[kept] = np.linalg.lstsq(design[:, kept], y, rcond=None)[0]
    k = x.shape[1]
    return coef[:k], float(coef[k]) if with_const else 0.0, x


@excel("TREND")
def f_trend(known_y, known_x=None, new_x=None, const=True):
    """Values on the least-squares line (or plane) through the known points, at ``new_x``
    (the known x when omitted), in new_x's shape."""
    fit = _fit(known_y, known_x, const)
    if type(fit) is XlErr:
        return fit
    slopes, intercept, x = fit
    if new_x is None:
        points = x
        shape = (known_x.cells.shape if isinstance(known_x, Rng) else (x.shape[0], 1)) if known_x is not None else (x.shape[0], 1)
    else:
        grid = _numeric_matrix(new_x)
        if type(grid) is XlErr:
            return grid
        shape = grid.shape
        if slopes.size == 1:
            points = grid.reshape(-1, 1)
        elif grid.shape[1] == slopes.size:
            points = grid
            shape = (grid.shape[0], 1)
        elif grid.shape[0] == slopes.size:
            points = grid.T
            shape = (1, grid.shape[1])
        else:
            return REF_ERROR
    values = points @ slopes + intercept
    out = values.reshape(shape)
    return Rng(np.array([[float(v) for v in row] for row in out], dtype=object))


@excel("LINEST")
def f_linest(known_y, known_x=None, const=True, stats=False):
    """Least squares as Excel lays it out: coefficients last x first, then the intercept;
    with stats, rows of standard errors, (R^2, SE of y), (F, df) and (SS reg, SS resid)."""
    known = _known(known_y, known_x)
    if type(known) is XlErr:
        return known
    y, x = known
    n = y.size
    with_const = True if const is None else to_bool(scalar(const))
    want_stats = False if stats is None else to_bool(scalar(stats))
    if type(with_const) is XlErr:
        return with_const
    if type(want_stats) is XlErr:
        return want_stats
    k = x.shape[1]
    design = np.column_stack([x, np.ones(n)]) if with_const else x
    if n == 0:
        return NUM
    kept = _independent_columns(design, with_const)
    coef = np.zeros(design.shape[1])
    if kept:
        coef[kept] = np.linalg.lstsq(design[:, kept], y, rcond=None)[0]
    slopes = coef[:k][::-1]
    intercept = coef[k] if with_const else 0.0
    first = list(slopes) + [intercept]
    if not want_stats:
        return Rng(np.array([first], dtype=object))
    fitted = design @ coef
    resid = y - fitted
    ss_resid = float(resid @ resid)
    df = n - len(kept)
    ss_total = float(((y - y.mean()) @ (y - y.mean())) if with_const else y @ y)
    ss_reg = ss_total - ss_resid
    r2 = ss_reg / ss_total if ss_total else 1.0
    sey = math.sqrt(ss_resid / df) if df > 0 else NUM
    if df > 0:
        se = np.zeros(design.shape[1])  # a column left out for collinearity shows 0, as Excel does
        chosen = design[:, kept]
        se[kept] = np.sqrt(np.diag(ss_resid / df * np.linalg.inv(chosen.T @ chosen)))
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

@excel("QUARTILE", "QUARTILE.INC")
def f_quartile(array, quart):
    values = collect([array])
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
    values = collect(args)
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
    values = collect([array])
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
