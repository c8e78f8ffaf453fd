"""Rates of children in care or in need, per 10,000 children.

Source: What Works Centre for Children's Social Care / CASCADE (2018), ``seed 004``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .errors import DivisionByZeroError, OutOfDomainError

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
