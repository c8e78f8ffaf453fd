"""Rates of children in care or in need, per 10,000 children.

Source: What Works Centre for Children's Social Care / CASCADE (2018), ``seed 004``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import (
    DivisionByZeroError,
    NoDataError,
    NotANumberError,
    OutOfDomainError,
)

PER = 10_000.0


def rate_per_10000(count: ArrayLike, child_population: ArrayLike) -> np.ndarray:
    """Children per 10,000 of the child population.

    Parameters
    ----------
    count : array_like
        Children looked after (or in need, or on a plan) at a date. Non-negative.
    child_population : array_like
        Population aged 0-17 at the same date. Positive.

    Returns
    -------
    ndarray
        ``count / child_population * 10,000``.

    Notes
    -----
    .. math:: r = \\frac{n}{P} \\times 10\\,000

    Seed 004: 500 looked-after children in 50,000 children is a rate of 100. England's rate
    was about 60 per 10,000 in 2012-15. Excel equivalent: ``=A2/B2*10000``.

    Examples
    --------
    >>> float(rate_per_10000(500, 50_000))
    100.0
    >>> float(round(rate_per_10000(345, 41_000), 4))
    84.1463
    """
    n = np.asarray(count, dtype=float)
    population = np.asarray(child_population, dtype=float)
    if np.any(n < 0):
        raise OutOfDomainError("count", "a count of children cannot be negative")
    if np.any(population == 0):
        raise DivisionByZeroError("child_population", "the child population is zero")
    if np.any(population < 0):
        raise OutOfDomainError("child_population", "a population cannot be negative")
    return n / population * PER


def average_change(rates: ArrayLike, axis: int = -1) -> np.ndarray:
    """The What Works Centre "average change in the rate": mean of the year-on-year changes.

    Parameters
    ----------
    rates : array_like
        Rates per 10,000 in consecutive years, oldest first (one row per authority for a 2-D
        array). At least two years; no missing years.
    axis : int, optional
        The axis that runs over years. Default the last.

    Returns
    -------
    ndarray
        The mean change per year, per 10,000 children (a float for one series).

    Notes
    -----
    .. math:: \\bar\\Delta = \\frac{1}{T-1} \\sum_{t=2}^{T} (r_t - r_{t-1}) = \\frac{r_T - r_1}{T-1}

    The sum telescopes, so only the first and last years move the result: a council whose rate
    rose and fell back has an average change of zero. Seed 004 (What Works Centre / CASCADE
    2018): England's 151 authorities 2012-17 had M = 0.82, SD = 2.81, range -5.6 to 10.
    Excel equivalent: ``=AVERAGE(B2:F2-A2:E2)`` (an array formula) or ``=(F2-A2)/5``.

    Examples
    --------
    >>> float(average_change([60.0, 62.0, 61.0, 65.0, 66.0, 64.1]))
    0.82
    >>> average_change([[50, 52, 55], [80, 79, 75]])
    array([ 2.5, -2.5])
    """
    values = np.asarray(rates, dtype=float)
    if values.ndim == 0:
        raise NoDataError("rates", "give at least two years of rates")
    if values.shape[axis] < 2:
        raise NoDataError("rates", "give at least two years of rates")
    if np.any(np.isnan(values)):
        position = np.argwhere(np.isnan(values))[0]
        where = ", ".join(str(i + 1) for i in position)
        raise NotANumberError("rates", f"the rate at position {where} is missing")
    return np.mean(np.diff(values, axis=axis), axis=axis)
