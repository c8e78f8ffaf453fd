"""What a forecast of looked-after children costs, and the "cost of doing nothing".

Seed 003 (Thurrock Director of Public Health annual report 2017) prices its scenarios as the
change in the annual cost of looked-after children against today after 3, 5 and 10 years, and
names the cost drivers to watch: weeks of care provided in the year, length of stay, and the
average cost of each kind of placement. :func:`lac_forecast_cost` turns counts into annual cost
through weeks of care and weekly unit costs; :func:`lac_cost_change` gives the table.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import NoDataError, OutOfDomainError, ShapeError

#: Weeks in a 365-day year: a child in care all year is 365/7 weeks of care, as LAIT's
#: weekly unit cost (annual cost / 365 x 7) assumes.
WEEKS_PER_YEAR = 365.0 / 7.0
#: Years after the base year of seed 003's "cost of doing nothing" table.
THURROCK_YEARS = (3.0, 5.0, 10.0)
# Shares of a placement mix may miss 1 by rounding in the cells a user typed.
_MIX_TOLERANCE = 1e-6


def lac_forecast_cost(
    counts: ArrayLike,
    weekly_cost: ArrayLike,
    placement_mix: ArrayLike | None = None,
    inflation: float = 0.0,
    weeks_per_child: float = WEEKS_PER_YEAR,
) -> np.ndarray:
    """Annual cost of a forecast: children x weeks of care x weekly unit cost, inflated.

    Parameters
    ----------
    counts : array_like
        Children looked after in each year, the base year first: one column (or row) of
        totals, or one row per year and one column per placement type.
    weekly_cost : array_like
        Weekly cost per child: one blended cost, or one per placement type (a row).
    placement_mix : array_like, optional
        With totals and several weekly costs: the share of children in each placement type,
        one row for every year or one row per year; each row sums to 1.
    inflation : float, optional
        Annual rise in unit costs, e.g. 0.02 for 2%. Default 0 (today's prices). The base year
        is at today's prices; year ``t`` is multiplied by ``(1 + inflation) ** t``.
    weeks_per_child : float, optional
        Weeks of care per child counted, per year. Default 365/7 (about 52.14): the count is
        taken as the average number in care through the year. At most 53.

    Returns
    -------
    ndarray
        The annual cost of each year, in the units of ``weekly_cost``.

    Raises
    ------
    ShapeError
        Costs, mix and counts by placement type that do not line up.
    OutOfDomainError
        Negative counts or costs, shares that do not sum to 1, inflation of -100% or less,
        weeks per child outside (0, 53].

    Notes
    -----
    With :math:`N_{t,j}` the children in placement type :math:`j` in year :math:`t`
    (totals times shares when a mix is given), :math:`c_j` the weekly costs, :math:`w` the
    weeks per child and :math:`i` the inflation:

    .. math:: C_t = w (1 + i)^t \\sum_j N_{t,j} c_j

    Weeks of care, length of stay and placement cost by type are the cost drivers seed 003
    asks councils to monitor. Excel equivalent for one blended cost:
    ``=A2*$B$1*365/7*(1+$C$1)^(ROW()-ROW($A$2))``, or ``=SUMPRODUCT(A2:D2,$F$1:$I$1)*365/7``
    by placement type.

    Examples
    --------
    345 children at a blended £1,231 a week, then 2% inflation a year:

    >>> lac_forecast_cost([345, 350, 355], 1231).round(0)
    array([22144811., 22465750., 22786689.])
    >>> lac_forecast_cost([345, 350], 1231, inflation=0.02).round(0)
    array([22144811., 22915065.])

    80% in foster care at £650 a week and 20% in children's homes at £3,000:

    >>> lac_forecast_cost([100], [650, 3000], [0.8, 0.2]).round(0)
    array([5840000.])
    >>> lac_forecast_cost([[80, 20]], [650, 3000]).round(0)
    array([5840000.])
    """
    costs = np.asarray(weekly_cost, dtype=float).reshape(-1)
    if costs.size == 0:
        raise NoDataError("weekly_cost", "needs at least one weekly cost")
    if not np.all(np.isfinite(costs)) or np.any(costs < 0):
        raise OutOfDomainError("weekly_cost", "every weekly cost must be a number of at least 0")
    table = np.asarray(counts, dtype=float)
    if table.ndim > 2:
        raise ShapeError("counts", "expected a row, a column or a table of counts")
    types = costs.size
    if placement_mix is None and types > 1:
        table = np.atleast_2d(table)
        if table.shape[1] != types:
            raise ShapeError(
                "counts",
                f"with {types} weekly costs, give one column of counts per placement type "
                f"(got {table.shape[1]}) or totals with a placement_mix",
            )
    else:
        if table.ndim == 2 and min(table.shape) > 1:
            raise ShapeError("counts", "with a placement_mix or one blended cost, give one column of totals")
        totals = table.reshape(-1, 1)
        if placement_mix is None:
            table = totals
        else:
            table = totals * _mix(placement_mix, types, totals.shape[0])
    if table.size == 0:
        raise NoDataError("counts", "needs at least one year")
    if not np.all(np.isfinite(table)) or np.any(table < 0):
        raise OutOfDomainError("counts", "a count of children cannot be negative")
    rise = float(inflation)
    if not math.isfinite(rise) or rise <= -1:
        raise OutOfDomainError("inflation", f"must be more than -100% a year, got {rise:g}")
    weeks = float(weeks_per_child)
    if not math.isfinite(weeks) or not 0 < weeks <= 53:
        raise OutOfDomainError("weeks_per_child", f"must be more than 0 and at most 53, got {weeks:g}")
    years = np.arange(table.shape[0], dtype=float)
    return table @ costs * weeks * (1.0 + rise) ** years


def _mix(placement_mix: ArrayLike, types: int, years: int) -> np.ndarray:
    shares = np.atleast_2d(np.asarray(placement_mix, dtype=float))
    if shares.shape[1] != types and shares.shape[0] == types and shares.shape[1] == 1:
        shares = shares.T  # a column of shares typed beside a column of costs
    if shares.shape[1] != types:
        raise ShapeError("placement_mix", f"needs {types} shares per row, one per weekly cost")
    if shares.shape[0] not in (1, years):
        raise ShapeError("placement_mix", f"needs one row, or one row per year ({years})")
    if not np.all(np.isfinite(shares)) or np.any(shares < 0):
        raise OutOfDomainError("placement_mix", "shares cannot be negative")
    sums = shares.sum(axis=1)
    off = np.flatnonzero(np.abs(sums - 1.0) > _MIX_TOLERANCE)
    if off.size:
        raise OutOfDomainError(
            "placement_mix", f"row {off[0] + 1} sums to {sums[off[0]]:g}; shares must sum to 1"
        )
    return shares


def lac_cost_change(annual_costs: ArrayLike, after_years: ArrayLike = THURROCK_YEARS) -> np.ndarray:
    """Change in annual cost against the base year after some years: the cost of doing nothing.

    Parameters
    ----------
    annual_costs : array_like
        Annual cost of each year, the base year ("today") first, e.g. from
        :func:`lac_forecast_cost`.
    after_years : array_like, optional
        Whole numbers of years after the base year. Default 3, 5 and 10 (seed 003's table).

    Returns
    -------
    ndarray
        One row: ``annual_costs[t] - annual_costs[0]`` for each ``t`` of ``after_years``
        (spilled across a row in Excel, the shape of the published table).

    Notes
    -----
    Seed 003 (Thurrock 2017), "the cost of doing nothing", changes in annual LAC cost against
    today: Rising CLA £2.08M / £4.01M / £5.98M after 3 / 5 / 10 years; population growth only
    £1.07M / £2.22M / £3.32M; falling CLA -£0.44M / -£0.59M / £0.94M. Excel equivalent:
    ``=INDEX(C2:C12, 1+3) - C2``.

    Examples
    --------
    >>> costs = [22.15, 22.7, 23.0, 23.22, 23.6, 24.37, 24.5, 24.6, 24.9, 25.2, 25.47]
    >>> lac_cost_change(costs).round(2)
    array([[1.07, 2.22, 3.32]])
    >>> lac_cost_change([100, 110, 125], [1, 2])
    array([[10., 25.]])
    """
    costs = np.asarray(annual_costs, dtype=float).reshape(-1)
    if costs.size < 2:
        raise NoDataError("annual_costs", "needs the base year and at least one later year")
    if not np.all(np.isfinite(costs)):
        raise OutOfDomainError("annual_costs", "holds a value that is not a finite number")
    years = np.asarray(after_years, dtype=float).reshape(-1)
    if years.size == 0:
        raise NoDataError("after_years", "needs at least one number of years")
    if not np.all(np.isfinite(years)) or np.any(years != np.floor(years)) or np.any(years < 1):
        raise OutOfDomainError("after_years", "must be whole numbers of years, at least 1")
    last = costs.size - 1
    if np.any(years > last):
        raise ShapeError(
            "after_years",
            f"{int(years.max())} years after the base year needs {int(years.max()) + 1} annual "
            f"costs, got {costs.size}",
        )
    return (costs[years.astype(int)] - costs[0]).reshape(1, -1)
