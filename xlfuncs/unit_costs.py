"""Unit costs of children's social care.

The foundation of every other model: what a child in need, or a placement, costs per week
or per year. Sources are cited per function; ``seed 004`` is the What Works Centre for
Children's Social Care / CASCADE report (2018), Appendix B.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .errors import DivisionByZeroError, NotFoundError, OutOfDomainError

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
