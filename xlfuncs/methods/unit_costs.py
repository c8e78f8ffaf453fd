"""Unit costs of children's social care.

The foundation of every other model: what a child in need, or a placement, costs per week
or per year. Sources are cited per function: ``seed 004`` is the What Works Centre for
Children's Social Care / CASCADE report (2018), Appendix B (the LAIT unit cost); ``seed 000``
summarises the CCFR bottom-up unit costing of Holmes (2021); ``seed 003`` is the Thurrock
Director of Public Health report (2017), whose key cost drivers are weeks of care and the
average cost of each kind of placement.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import (
    DivisionByZeroError,
    InputError,
    NoDataError,
    NotFoundError,
    OutOfDomainError,
    ShapeError,
)

#: Days in each period a unit cost can be expressed per. LAIT uses a 365-day year.
PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 365.0 / 12.0, "year": 365.0}


def unit_cost(annual_spend: ArrayLike, count: ArrayLike, period: str = "week") -> np.ndarray:
    """Unit cost per child per period from annual spend and a count of children.

    Parameters
    ----------
    annual_spend : array_like
        Spend over the year in pounds (for LAIT: spend on social work plus commissioning and
        children's services strategy, from the outturn or s251 return).
    count : array_like
        Children counted (for LAIT: children in need at 31 March). Must be positive.
    period : {"week", "day", "month", "year"}
        The period the cost is expressed per. Default "week".

    Returns
    -------
    ndarray
        Cost per child per period, in the units of ``annual_spend``.

    Notes
    -----
    The LAIT weekly unit cost of social work per child in need (seed 004, Appendix B):

    .. math:: \\text{unit cost} = \\frac{x / y}{365} \\times 7

    where :math:`x` is annual spend and :math:`y` the count. Other periods replace 7 by the
    period's days (a month is 365/12 days). England 2012-16 ranged from £28 to £510, mean £108.

    Excel equivalent: ``=A2/B2/365*7``.

    Examples
    --------
    >>> float(unit_cost(5_000_000, 1000))
    95.89041095890411
    >>> unit_cost([5_000_000, 2_000_000], [1000, 400], period="year")
    array([5000., 5000.])
    """
    spend = np.asarray(annual_spend, dtype=float)
    children = np.asarray(count, dtype=float)
    if period not in PERIOD_DAYS:
        raise NotFoundError("period", f'"{period}" is not one of {", ".join(PERIOD_DAYS)}')
    if np.any(spend < 0):
        raise OutOfDomainError("annual_spend", "spend cannot be negative")
    if np.any(children == 0):
        raise DivisionByZeroError("count", "the count of children is zero")
    if np.any(children < 0):
        raise OutOfDomainError("count", "the count of children cannot be negative")
    return spend / children / 365.0 * PERIOD_DAYS[period]


#: Weeks in a 365-day year: the conversion between weekly and annual costs used throughout.
WEEKS_PER_YEAR = 365.0 / 7.0


def _nonnegative(values: ArrayLike, name: str, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if np.any(np.isnan(array)):
        raise OutOfDomainError(name, f"{what} holds a missing value")
    if np.any(array < 0):
        raise OutOfDomainError(name, f"{what} cannot be negative")
    return array


def placement_weekly_cost(annual_spend: ArrayLike, weeks_of_care: ArrayLike) -> np.ndarray:
    """Average weekly cost of a placement type: spend over the year / weeks of care provided.

    Parameters
    ----------
    annual_spend : array_like
        Spend in the year on placements of one kind (e.g. in-house fostering), in pounds.
    weeks_of_care : array_like
        Weeks of care of that kind provided in the year (days in placement / 7). Positive.

    Returns
    -------
    ndarray
        Cost per child per week of care.

    Notes
    -----
    .. math:: c_w = \\frac{S}{W}

    Weeks of care provided in the year and the average cost of each kind of placement are two
    of the key cost drivers to monitor in seed 003 (Thurrock DPH report 2017). Reference points
    (2016-17 prices): foster care about £600-650 a week, a council-run children's home about
    £3,000 a resident week. Excel equivalent: ``=A2/B2``.

    Examples
    --------
    >>> float(placement_weekly_cost(1_300_000, 2_000))
    650.0
    >>> placement_weekly_cost([1_300_000, 3_120_000], [2_000, 1_040])
    array([ 650., 3000.])
    """
    spend = _nonnegative(annual_spend, "annual_spend", "spend")
    weeks = _nonnegative(weeks_of_care, "weeks_of_care", "weeks of care")
    if np.any(weeks == 0):
        raise DivisionByZeroError("weeks_of_care", "no weeks of care were provided")
    return spend / weeks


def annual_cost(weekly_cost: ArrayLike, weeks_per_year: ArrayLike = WEEKS_PER_YEAR) -> np.ndarray:
    """Annual cost of a weekly cost: weekly cost x weeks in the year (365 / 7 by default).

    Parameters
    ----------
    weekly_cost : array_like
        Cost per child per week in pounds, e.g. a placement's weekly fee.
    weeks_per_year : array_like, optional
        Weeks the cost runs for in the year. Default 365 / 7 = 52.14 (a full year in
        placement); give 52 to follow a contract priced on 52 weeks.

    Returns
    -------
    ndarray
        Cost per child per year.

    Notes
    -----
    .. math:: c_y = c_w \\times \\frac{365}{7}

    Consistent with the LAIT unit cost (seed 004, Appendix B), which converts annual spend to a
    weekly figure through a 365-day year. Excel equivalent: ``=A2*365/7``.

    Examples
    --------
    >>> float(annual_cost(650))
    33892.857142857145
    >>> float(annual_cost(3000, 52))
    156000.0
    """
    weekly = _nonnegative(weekly_cost, "weekly_cost", "a weekly cost")
    weeks = _nonnegative(weeks_per_year, "weeks_per_year", "weeks")
    if np.any(weeks > 53):
        raise OutOfDomainError("weeks_per_year", "a year has at most 53 weeks")
    return weekly * weeks


def cost_per_child_year(annual_spend: ArrayLike, weeks_of_care: ArrayLike) -> np.ndarray:
    """Cost per child per year of care: spend / (weeks of care / weeks in a year).

    Parameters
    ----------
    annual_spend : array_like
        Spend in the year on placements, in pounds.
    weeks_of_care : array_like
        Weeks of care provided in the year. Positive.

    Returns
    -------
    ndarray
        Cost of one child in care for a full year.

    Notes
    -----
    Weeks of care divided by 365 / 7 is the number of child-years of care, so a child who is
    looked after for half the year counts as half a child:

    .. math:: c_y = \\frac{S}{W / (365/7)}

    Weeks of care are a key cost driver in seed 003 (Thurrock DPH report 2017).
    Excel equivalent: ``=A2/(B2/(365/7))``.

    Examples
    --------
    >>> float(round(cost_per_child_year(1_300_000, 2_000), 2))
    33892.86
    """
    return placement_weekly_cost(annual_spend, weeks_of_care) * WEEKS_PER_YEAR


def process_cost(hours: ArrayLike, hourly_cost: ArrayLike, overhead_rate: float = 0.0) -> float:
    """Cost of one social care process, bottom-up: staff time x hourly cost, plus overheads.

    Parameters
    ----------
    hours : array_like
        Hours each member of staff spends on one occurrence of the process (social worker,
        team manager, administrator, ...). Non-negative.
    hourly_cost : array_like
        Cost per hour of each member of staff, in the same order (salary plus on-costs; one
        value applies to every row). Non-negative.
    overhead_rate : float, optional
        Overheads as a fraction of staff cost (0.2 = 20%). Default 0, for hourly costs that
        already include overheads (as PSSRU unit costs do).

    Returns
    -------
    float
        Cost of one occurrence of the process.

    Notes
    -----
    The CCFR bottom-up unit costing method (Holmes, seed 000: "Children's social care cost
    pressures and variations in unit costs", 2021) builds the cost of care from the time each
    process takes (deciding a child needs to be looked after and finding a first placement,
    care planning, maintaining the placement, reviews, finding a later placement, legal work,
    leaving care) times the hourly cost of the staff doing it:

    .. math:: c_p = (1 + o) \\sum_s h_s \\, w_s

    Excel equivalent: ``=SUMPRODUCT(A2:A4,B2:B4)*(1+C2)``.

    Examples
    --------
    >>> float(process_cost([6.5, 1.0], [45.0, 60.0]))
    352.5
    >>> float(process_cost([6.5, 1.0], [45.0, 60.0], overhead_rate=0.2))
    423.0
    """
    h = _nonnegative(hours, "hours", "hours").reshape(-1)
    w = _nonnegative(hourly_cost, "hourly_cost", "an hourly cost").reshape(-1)
    if w.size == 1:
        w = np.repeat(w, h.size)
    if h.size != w.size:
        raise ShapeError(
            "hourly_cost", f"{w.size} hourly costs for {h.size} rows of hours; give one per row"
        )
    if h.size == 0:
        raise NoDataError("hours", "no staff time given")
    overhead = float(overhead_rate)
    if not np.isfinite(overhead) or overhead < 0:
        raise OutOfDomainError("overhead_rate", "overheads cannot be negative")
    return float(np.sum(h * w) * (1.0 + overhead))


def care_history_cost(
    process_costs: ArrayLike,
    occurrences: ArrayLike,
    placement_weeks: ArrayLike | None = None,
    weekly_fees: ArrayLike | None = None,
) -> float:
    """Cost of one child's care history: processes x occurrences, plus placement fees.

    Parameters
    ----------
    process_costs : array_like
        Cost of one occurrence of each process (see :func:`process_cost`).
    occurrences : array_like
        How often each process happened in the child's history (e.g. 4 reviews). Non-negative.
    placement_weeks : array_like, optional
        Weeks spent in each placement.
    weekly_fees : array_like, optional
        Weekly fee (or in-house weekly cost) of each placement, in the same order.

    Returns
    -------
    float
        Total cost of the history.

    Notes
    -----
    .. math:: C = \\sum_p c_p n_p + \\sum_k w_k f_k

    The CCFR method (Holmes, seed 000) sums the process costs over each child's care history
    and adds the placement fees; the same history costed for every child gives the variation
    in cost between children. Excel equivalent:
    ``=SUMPRODUCT(A2:A9,B2:B9)+SUMPRODUCT(C2:C4,D2:D4)``.

    Examples
    --------
    >>> float(care_history_cost([1200.0, 352.5], [1, 4], [40, 12], [650.0, 3000.0]))
    64610.0
    >>> float(care_history_cost([1200.0, 352.5], [1, 4]))
    2610.0
    """
    costs = _nonnegative(process_costs, "process_costs", "a process cost").reshape(-1)
    counts = _nonnegative(occurrences, "occurrences", "a count of occurrences").reshape(-1)
    if costs.size != counts.size:
        raise ShapeError(
            "occurrences", f"{counts.size} occurrences for {costs.size} process costs"
        )
    total = float(np.sum(costs * counts))
    if (placement_weeks is None) != (weekly_fees is None):
        missing = "weekly_fees" if weekly_fees is None else "placement_weeks"
        raise InputError(missing, "placement weeks and weekly fees are given together")
    if placement_weeks is not None:
        assert weekly_fees is not None  # the two are given together (checked above)
        weeks = _nonnegative(placement_weeks, "placement_weeks", "weeks").reshape(-1)
        fees = _nonnegative(weekly_fees, "weekly_fees", "a weekly fee").reshape(-1)
        if weeks.size != fees.size:
            raise ShapeError("weekly_fees", f"{fees.size} fees for {weeks.size} placements")
        total += float(np.sum(weeks * fees))
    return total
