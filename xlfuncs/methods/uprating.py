"""Re-pricing an amount from one year's prices to another's with a price index.

One method behind two Excel names: ``UNIT_COST_UPRATE`` (unit costs from studies of different
years compared at one price year) and ``CBA_REBASE`` (a Green Book appraisal kept in the prices
of one base year).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import NoDataError, NotFoundError, OutOfDomainError, ShapeError


def _index(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim > 1 and sum(size > 1 for size in array.shape) > 1:
        raise ShapeError(name, f"expected one row or column, got shape {array.shape}")
    array = array.reshape(-1)
    if array.size == 0:
        raise NoDataError(name, "the index is empty")
    if not np.all(np.isfinite(array)):
        raise OutOfDomainError(name, "the index holds a missing or infinite value")
    return array


def reprice(
    amount: ArrayLike,
    price_year: ArrayLike,
    target_year: ArrayLike,
    index_years: ArrayLike,
    index_values: ArrayLike,
) -> np.ndarray:
    """An amount in ``price_year`` prices restated in ``target_year`` prices.

    Parameters
    ----------
    amount : array_like
        Amounts in pounds at ``price_year`` prices.
    price_year : array_like
        The year the amounts are priced in; one of ``index_years`` (financial years by their
        first or last calendar year, as long as one convention is used throughout: 2017 for
        2016-17, say).
    target_year : array_like
        The year whose prices to restate them in; one of ``index_years``.
    index_years : array_like
        Years of the index, each once.
    index_values : array_like
        The index for each year (HM Treasury's GDP deflator, any base). Positive.

    Returns
    -------
    ndarray
        ``amount * index[target_year] / index[price_year]``.

    Raises
    ------
    ShapeError
        Index years and values of different lengths.
    NotFoundError
        A year not in the index.
    OutOfDomainError
        A non-positive or missing index value, or a year listed twice.

    Notes
    -----
    .. math:: a_t = a_s \\frac{I_t}{I_s}

    Unit costs from different studies (CCFR, PSSRU, LAIT) are compared at one price year
    (seed 000, Holmes 2021); HM Treasury's Green Book (2022) keeps every cost and benefit of
    an appraisal in the prices of one base year, converted with the GDP deflator. Excel
    equivalent: ``=A2*INDEX(V,MATCH(T,Y,0))/INDEX(V,MATCH(S,Y,0))``.

    Examples
    --------
    >>> float(reprice(650, 2017, 2020, [2017, 2018, 2019, 2020], [100.0, 102.1, 104.2, 109.4]))
    711.1
    >>> reprice([100, 200], 2017, [2018, 2019], [2017, 2018, 2019], [90, 92, 95]).round(2)
    array([102.22, 211.11])
    """
    years = _index(index_years, "index_years")
    values = _index(index_values, "index_values")
    if years.size != values.size:
        raise ShapeError("index_values", f"{values.size} index values for {years.size} years")
    unique, counts = np.unique(years, return_counts=True)
    if np.any(counts > 1):
        raise OutOfDomainError("index_years", f"year {unique[counts > 1][0]:g} is listed twice")
    if np.any(values <= 0):
        raise OutOfDomainError("index_values", "index values must be positive")
    money = np.asarray(amount, dtype=float)
    if np.any(np.isnan(money)):
        raise OutOfDomainError("amount", "expected numbers, got NaN")

    def lookup(year: ArrayLike, name: str) -> np.ndarray:
        wanted = np.asarray(year, dtype=float)
        hits = wanted[..., None] == years
        found = hits.any(axis=-1)
        if not np.all(found):
            raise NotFoundError(name, f"{wanted[~found].ravel()[0]:g} is not one of index_years")
        return values[hits.argmax(axis=-1)]

    return money * lookup(target_year, "target_year") / lookup(price_year, "price_year")
