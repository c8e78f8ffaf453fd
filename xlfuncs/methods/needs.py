"""Needs-led costing: children's needs against the cost of their care, and stepping down.

Valuing Care (seed 001: Impower with the County Councils Network, more than 3,500 children in
four councils) records each child's needs across domains and their severity, and links them to
the cost of the child's placement. Its findings: "very limited correlation between the needs of
children and young people, the costs of their care and the type of care they receive"; half
the children had no "severe" or "complex" needs, so that children living in residential
settings "could be supported to live with foster carers or reunified with their families";
reductions in costs came from "children receiving more appropriate levels of care".

The functions here work on an **aggregated** profile, never on child-level records: a table of
how many children there are at each need level (rows) in each placement type (columns), with
the average weekly cost of each cell. Need levels are numbers on a scale from 0 (no identified
need) to ``scale_max``; the templates use six levels, 0 none, 1 low, 2 medium, 3 high, 4 severe
and 5 complex, with the words of seed 001 (which does not publish Valuing Care's own scale).
"Severe or complex" is a level of at least ``severe_from`` (4 on that scale).

* :func:`need_cost_correlation`: the correlation of need and weekly cost across the children;
* :func:`share_without_severe_needs`: the share of each placement type's children without
  severe or complex needs;
* :func:`average_cost` and :func:`matched_cost`: what the children cost a week now, and what
  the placements their needs call for would cost;
* :func:`step_down_cohorts` and :func:`step_down_savings`: stepping children down over time,
  with a ramp and optimism bias, as cohorts for :mod:`xlfuncs.methods.cohort`'s appraisal.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods import cohort
from xlfuncs.methods.errors import (
    DivisionByZeroError,
    NoDataError,
    NotFoundError,
    OutOfDomainError,
    ShapeError,
)

#: The top of the need scale the templates use (0 none ... 5 complex).
SCALE_MAX = 5.0
#: The first level counted as "severe or complex" on that scale.
SEVERE_FROM = 4.0
#: Weeks in a 365-day year.
WEEKS_PER_YEAR = 365.0 / 7.0
#: Correlation methods.
CORRELATIONS = ("spearman", "pearson")
#: Bounds on the table: levels x placement types.
MAX_LEVELS = 1000
MAX_TYPES = 100


def _scale(scale_max: float) -> float:
    value = float(scale_max)
    if not math.isfinite(value) or value <= 0:
        raise OutOfDomainError("scale_max", "the top of the need scale must be a positive number")
    return value


def _levels(need_levels: ArrayLike, scale_max: float) -> np.ndarray:
    levels = np.asarray(need_levels, dtype=float).ravel()
    if levels.size == 0:
        raise NoDataError("need_levels", "no need levels given")
    if levels.size > MAX_LEVELS:
        raise ShapeError("need_levels", f"at most {MAX_LEVELS} levels, got {levels.size}")
    top = _scale(scale_max)
    outside = np.flatnonzero(~np.isfinite(levels) | (levels < 0) | (levels > top))
    if outside.size:
        i = int(outside[0])
        raise OutOfDomainError(
            "need_levels", f"level {i + 1} is {levels[i]:g}, outside the need scale 0 to {top:g}"
        )
    return levels


def _table(values: ArrayLike, name: str, levels: int) -> np.ndarray:
    table = np.asarray(values, dtype=float)
    if table.ndim < 2:
        table = table.reshape(-1, 1) if table.size == levels else table.reshape(1, -1)
    if table.ndim != 2 or table.shape[0] != levels:
        raise ShapeError(name, f"expected {levels} rows (one per need level), got {table.shape[0]}")
    if table.shape[1] > MAX_TYPES:
        raise ShapeError(name, f"at most {MAX_TYPES} placement types (columns), got {table.shape[1]}")
    if not np.all(np.isfinite(table)) or np.any(table < 0):
        raise OutOfDomainError(name, "every value must be a number of at least 0")
    return table


def _children(need_levels: ArrayLike, children: ArrayLike, scale_max: float) -> tuple[np.ndarray, np.ndarray]:
    levels = _levels(need_levels, scale_max)
    counts = _table(children, "children", levels.size)
    if counts.sum() <= 0:
        raise NoDataError("children", "the table holds no children")
    return levels, counts


def _costs(weekly_costs: ArrayLike, counts: np.ndarray) -> np.ndarray:
    costs = _table(weekly_costs, "weekly_costs", counts.shape[0])
    if costs.shape != counts.shape:
        raise ShapeError(
            "weekly_costs",
            f"{costs.shape[0]} x {costs.shape[1]} costs against {counts.shape[0]} x {counts.shape[1]} children",
        )
    return costs


def _threshold(value: float, name: str, top: float) -> float:
    number = float(value)
    if not math.isfinite(number) or not 0 < number <= top:
        raise OutOfDomainError(name, f"must be a level on the need scale, above 0 and at most {top:g}")
    return number


def _midranks(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mean rank of each value among weighted observations (ties share their mean rank)."""
    unique, inverse = np.unique(values, return_inverse=True)
    totals = np.bincount(inverse, weights=weights, minlength=unique.size)
    below = np.cumsum(totals) - totals
    return (below + (totals + 1.0) / 2.0)[inverse]


def _weighted_pearson(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    total = w.sum()
    dx = x - (w @ x) / total
    dy = y - (w @ y) / total
    sxx, syy = w @ (dx * dx), w @ (dy * dy)
    if sxx <= 0 or syy <= 0:
        which = "need_levels" if sxx <= 0 else "weekly_costs"
        raise DivisionByZeroError(which, "every child has the same value: the correlation is undefined")
    return float((w @ (dx * dy)) / math.sqrt(sxx * syy))


def need_cost_correlation(
    need_levels: ArrayLike,
    children: ArrayLike,
    weekly_costs: ArrayLike,
    scale_max: float = SCALE_MAX,
    method: str = "spearman",
) -> float:
    """Correlation of need and weekly cost across the children of an aggregated profile.

    Parameters
    ----------
    need_levels : array_like
        The need level of each row of the table, on the scale 0 to ``scale_max``.
    children : array_like
        Children at each need level (rows) in each placement type (columns). Not negative.
    weekly_costs : array_like
        Average weekly cost of the children of each cell, same shape; cells with no children
        are not used (a blank counts as 0).
    scale_max : float, default 5
        Top of the need scale; a level outside 0 to ``scale_max`` is an error.
    method : {"spearman", "pearson"}, default "spearman"
        Rank (Spearman) or product-moment (Pearson) correlation.

    Returns
    -------
    float
        The correlation, from -1 to 1, that the children would give if each had their cell's
        need level and average weekly cost.

    Raises
    ------
    OutOfDomainError
        A need level outside the scale, or a negative count or cost.
    DivisionByZeroError
        All the children share one need level, or one cost (Excel's CORREL gives #DIV/0!).

    Notes
    -----
    Each cell is a group of children with the same level and cost: the correlation is the
    weighted correlation of the cells, weighted by their children. Spearman's is that of the
    mid-ranks (children with the same level, or the same cost, share their mean rank), which is
    exactly ``scipy.stats.spearmanr`` of the children listed one by one. Seed 001 found "very
    limited correlation" between needs and the cost of care. Excel equivalent for Pearson, with
    the children listed one per row: ``=CORREL(levels, costs)``.

    Examples
    --------
    >>> round(need_cost_correlation([1, 4], [[10, 0], [0, 10]], [[500, 0], [0, 4000]]), 6)
    1.0
    >>> round(need_cost_correlation([1, 4], [[10, 5], [5, 10]], [[500, 4000], [500, 4000]]), 4)
    0.3333
    """
    key = str(method).strip().lower()
    if key not in CORRELATIONS:
        raise NotFoundError("method", f'"{method}" is not one of {", ".join(CORRELATIONS)}')
    levels, counts = _children(need_levels, children, scale_max)
    costs = _costs(weekly_costs, counts)
    weights = counts.ravel()
    keep = weights > 0
    if weights.sum() < 2:
        raise NoDataError("children", "a correlation needs at least two children")
    x = np.broadcast_to(levels[:, None], counts.shape).ravel()[keep]
    y = costs.ravel()[keep]
    w = weights[keep]
    if key == "spearman":
        x, y = _midranks(x, w), _midranks(y, w)
    return _weighted_pearson(x, y, w)


def share_without_severe_needs(
    need_levels: ArrayLike,
    children: ArrayLike,
    severe_from: float = SEVERE_FROM,
    scale_max: float = SCALE_MAX,
) -> np.ndarray:
    """Share of each placement type's children without severe or complex needs, and of all.

    Parameters
    ----------
    need_levels, children, scale_max
        As :func:`need_cost_correlation`.
    severe_from : float, default 4
        The lowest level counted as severe or complex (4 on the templates' 0-5 scale).

    Returns
    -------
    ndarray
        One row: for each placement type (column of ``children``), the children below
        ``severe_from`` over all its children; then the same for all types together.

    Raises
    ------
    DivisionByZeroError
        A placement type with no children.

    Notes
    -----
    Seed 001: half the children in Valuing Care's analysis "did not have 'severe' or 'complex'
    needs", which "indicates that children living in residential settings could be supported
    to live with foster carers or reunified with their families". Excel equivalent for one
    column: ``=SUMIF(levels, "<4", B2:B7)/SUM(B2:B7)``.

    Examples
    --------
    >>> share_without_severe_needs([0, 2, 4, 5], [[10, 0], [20, 6], [10, 8], [0, 6]])
    array([[0.75, 0.3 , 0.6 ]])
    """
    levels, counts = _children(need_levels, children, scale_max)
    threshold = _threshold(severe_from, "severe_from", _scale(scale_max))
    table = np.column_stack([counts, counts.sum(axis=1)])
    totals = table.sum(axis=0)
    empty = np.flatnonzero(totals == 0)
    if empty.size:
        raise DivisionByZeroError("children", f"placement type {empty[0] + 1} (column) has no children")
    below = table[levels < threshold].sum(axis=0)
    return (below / totals).reshape(1, -1)


def _selection(levels: np.ndarray, below_level: float | None, top: float) -> np.ndarray:
    if below_level is None:
        return np.ones(levels.size, dtype=bool)
    return levels < _threshold(below_level, "below_level", top)


def _per_type(weighted: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Column averages of ``weighted`` / ``counts``, then the average over all columns."""
    sums = np.append(weighted.sum(axis=0), weighted.sum())
    totals = np.append(counts.sum(axis=0), counts.sum())
    empty = np.flatnonzero(totals == 0)
    if empty.size:
        raise DivisionByZeroError(
            "children", f"placement type {empty[0] + 1} (column) has no children in the levels counted"
        )
    return (sums / totals).reshape(1, -1)


def average_cost(
    need_levels: ArrayLike,
    children: ArrayLike,
    weekly_costs: ArrayLike,
    below_level: float | None = None,
    scale_max: float = SCALE_MAX,
) -> np.ndarray:
    """Average weekly cost of the children in each placement type now, and of all.

    Parameters
    ----------
    need_levels, children, weekly_costs, scale_max
        As :func:`need_cost_correlation`.
    below_level : float, optional
        Count only the children whose need level is below this (e.g. 4: those without severe
        or complex needs, the candidates to step down). Default: every child.

    Returns
    -------
    ndarray
        One row: for each placement type, the children's weekly costs over the children; then
        all types together.

    Notes
    -----
    The average a placement type costs is weighted by its children at each level. Excel
    equivalent for one column: ``=SUMPRODUCT(B2:B7, G2:G7)/SUM(B2:B7)``.

    Examples
    --------
    >>> average_cost([1, 4], [[10, 2], [0, 8]], [[500, 4000], [0, 5000]])
    array([[ 500., 4800., 2650.]])
    """
    levels, counts = _children(need_levels, children, scale_max)
    costs = _costs(weekly_costs, counts)
    keep = _selection(levels, below_level, _scale(scale_max))[:, None]
    return _per_type(counts * costs * keep, counts * keep)


def matched_cost(
    need_levels: ArrayLike,
    children: ArrayLike,
    type_costs: ArrayLike,
    matched_type: ArrayLike,
    below_level: float | None = None,
    scale_max: float = SCALE_MAX,
) -> np.ndarray:
    """Average weekly cost of the needs-matched placement of the children in each placement type.

    Parameters
    ----------
    need_levels, children, scale_max
        As :func:`need_cost_correlation`.
    type_costs : array_like
        The weekly cost of a placement of each type (one per column of ``children``).
    matched_type : array_like
        For each need level, the number (1 = the first column) of the placement type that
        level of need calls for.
    below_level : float, optional
        As :func:`average_cost`.

    Returns
    -------
    ndarray
        One row: for the children now in each placement type, the average weekly cost of the
        placements their needs call for; then all types together.

    Notes
    -----
    Seed 001: savings came from "children receiving more appropriate levels of care". A
    child's needs-matched placement is set by their need level here; which placement a level
    calls for is the council's practice judgement, typed as ``matched_type``. Set beside
    :func:`average_cost`, the difference is the weekly saving of matching every child's
    placement to their needs. Excel equivalent for one column:
    ``=SUMPRODUCT(B2:B7, INDEX(costs, matched))/SUM(B2:B7)``.

    Examples
    --------
    Children at need level 1 call for fostering (type 1, £500 a week), at level 4 for
    residential care (type 2, £4,500):

    >>> matched_cost([1, 4], [[10, 2], [0, 8]], [500, 4500], [1, 2])
    array([[ 500., 3700., 2100.]])
    """
    levels, counts = _children(need_levels, children, scale_max)
    prices = np.asarray(type_costs, dtype=float).ravel()
    if prices.size != counts.shape[1]:
        raise ShapeError("type_costs", f"expected {counts.shape[1]} costs (one per placement type), got {prices.size}")
    if not np.all(np.isfinite(prices)) or np.any(prices < 0):
        raise OutOfDomainError("type_costs", "every weekly cost must be a number of at least 0")
    matched = np.asarray(matched_type, dtype=float).ravel()
    if matched.size != levels.size:
        raise ShapeError("matched_type", f"expected {levels.size} types (one per need level), got {matched.size}")
    bad = ~np.isfinite(matched) | (matched != np.floor(matched)) | (matched < 1) | (matched > prices.size)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise NotFoundError(
            "matched_type", f"level {i + 1}: {matched[i]:g} is not a placement type number from 1 to {prices.size}"
        )
    price_by_level = prices[matched.astype(int) - 1][:, None]
    keep = _selection(levels, below_level, _scale(scale_max))[:, None]
    return _per_type(counts * price_by_level * keep, counts * keep)


def _ramp(ramp: ArrayLike) -> np.ndarray:
    shares = np.asarray(ramp, dtype=float).ravel()
    if shares.size == 0:
        raise NoDataError("ramp", "no years given")
    if shares.size > cohort.MAX_YEARS:
        raise ShapeError("ramp", f"at most {cohort.MAX_YEARS} years, got {shares.size}")
    if not np.all(np.isfinite(shares)) or np.any((shares < 0) | (shares > 1)):
        raise OutOfDomainError("ramp", "each year's cumulative share stepped down must be between 0 and 1")
    if np.any(np.diff(shares) < 0):
        raise OutOfDomainError("ramp", "a cumulative share stepped down cannot fall from one year to the next")
    return shares


def _optimism(optimism_bias: float) -> float:
    value = float(optimism_bias)
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise OutOfDomainError("optimism_bias", "a shortfall on the benefits must be between 0 and 1")
    return value


def step_down_cohorts(candidates: float, ramp: ArrayLike, optimism_bias: float = 0.0) -> np.ndarray:
    """Children stepped down to a needs-matched placement in each year.

    Parameters
    ----------
    candidates : float
        Children who could step down (e.g. in residential care without severe or complex
        needs: :func:`share_without_severe_needs` x the children in residential care).
    ramp : array_like
        Cumulative share (0 to 1) of the candidates stepped down by the end of each year,
        year 0 first; it cannot fall.
    optimism_bias : float, default 0
        Share (0 to 1) by which the plan's step-downs are expected to fall short.

    Returns
    -------
    ndarray
        One row: :math:`n (1 - o)(R_t - R_{t-1})` with :math:`R_{-1} = 0`.

    Notes
    -----
    HM Treasury's Green Book (2022) and its supplementary guidance on optimism bias: appraisers
    adjust for the systematic tendency to overstate benefits as well as to understate costs;
    here the adjustment is a shortfall on the children stepped down. Excel equivalent for year
    *t*: ``=$B$1*(1-$B$2)*(C5-B5)``.

    Examples
    --------
    >>> step_down_cohorts(28, [0.2, 0.4, 0.5, 0.5], 0.25).round(2)
    array([[4.2, 4.2, 2.1, 0. ]])
    """
    n = float(candidates)
    if not math.isfinite(n) or n < 0:
        raise OutOfDomainError("candidates", "a number of children must be at least 0")
    shares = _ramp(ramp)
    return (n * (1.0 - _optimism(optimism_bias)) * np.diff(shares, prepend=0.0)).reshape(1, -1)


def step_down_savings(
    candidates: float,
    weekly_saving: float,
    ramp: ArrayLike,
    stay: ArrayLike,
    optimism_bias: float = 0.0,
    drop_off: float = 0.0,
    weeks_per_year: float = WEEKS_PER_YEAR,
) -> np.ndarray:
    """Savings each year of stepping children down to the placements their needs call for.

    Parameters
    ----------
    candidates, ramp, optimism_bias
        As :func:`step_down_cohorts`.
    weekly_saving : float
        Weekly cost now less weekly cost of the needs-matched placement, per child (from
        :func:`average_cost` and :func:`matched_cost`). Not negative.
    stay : array_like
        Share of the children stepped down whose remaining time in care ends during its 1st,
        2nd, ... year (sums to 1): the length-of-stay profile of :mod:`xlfuncs.methods.cohort`.
    drop_off : float, default 0
        Share (0 to 1) of the children stepped down in a year who return to the dearer
        placement each year after (placements that break down).
    weeks_per_year : float, default 365/7
        Weeks of care in a year.

    Returns
    -------
    ndarray
        One row, as long as ``ramp``: the child-years in the needs-matched placement instead
        (:func:`xlfuncs.methods.cohort.care_years` of the cohorts of :func:`step_down_cohorts`)
        times ``weekly_saving x weeks_per_year``.

    Notes
    -----
    Stepping down is a cohort appraisal: each year's children stepped down save the difference
    for the rest of their time in care, less placements that break down. Seed 001: councils
    using Valuing Care "reported reductions in costs linked to children receiving more
    appropriate levels of care". Savings are in the prices of ``weekly_saving``; discount them
    with :func:`xlfuncs.methods.appraisal.present_value`.

    Examples
    --------
    >>> step_down_savings(28, 3650, [0.2, 0.4, 0.5], [0.5, 0.5], 0.25).round(0)
    array([[599513., 799350., 499594.]])
    """
    saving = float(weekly_saving)
    if not math.isfinite(saving) or saving < 0:
        raise OutOfDomainError("weekly_saving", "a weekly saving cannot be negative: no child steps down to a dearer placement")
    weeks = float(weeks_per_year)
    if not math.isfinite(weeks) or not 0 < weeks <= 53:
        raise OutOfDomainError("weeks_per_year", "must be more than 0 and at most 53")
    cohorts = step_down_cohorts(candidates, ramp, optimism_bias)[0]
    return cohort.care_years(cohorts, stay, drop_off) * saving * weeks
