"""Forecast accuracy: how far past forecasts were from what happened.

Ofsted's review of sufficiency planning found councils' own forecasting "not credible", and
nobody shows how accurate their past forecasts were. These are the two figures a back-test
reports: the mean absolute percentage error, and how often the actual fell inside the band.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import NoDataError, OutOfDomainError, ShapeError


def _pairs(name: str, *arrays: ArrayLike) -> list[np.ndarray]:
    values = [np.asarray(a, dtype=float).ravel() for a in arrays]
    if len({v.size for v in values}) != 1:
        raise ShapeError(name, "every range must have one value per forecast: "
                         + " vs ".join(str(v.size) for v in values))
    return values


def forecast_mape(actuals: ArrayLike, forecasts: ArrayLike) -> float:
    """Mean absolute percentage error of forecasts, as a fraction.

    Parameters
    ----------
    actuals : array_like
        What happened (blank: left out with its forecast).
    forecasts : array_like
        What was forecast, one per actual (blank: left out with its actual).

    Returns
    -------
    float
        :math:`\\frac1n \\sum |f_i - a_i| / a_i` over the pairs with both values and
        :math:`a_i \\ne 0` (a percentage of nothing is no percentage), e.g. 0.05 for 5%.

    Notes
    -----
    Excel, for ranges with no blanks or zeros:
    ``=SUMPRODUCT(ABS(forecasts - actuals) / actuals) / COUNT(actuals)``.

    Examples
    --------
    >>> forecast_mape([100, 200, 0], [110, 190, 5])
    0.075
    """
    actual, forecast = _pairs("forecasts", actuals, forecasts)
    keep = np.isfinite(actual) & np.isfinite(forecast) & (actual != 0)
    if not keep.any():
        raise NoDataError("actuals", "no pair of an actual other than 0 and a forecast")
    return float(np.mean(np.abs(forecast[keep] - actual[keep]) / np.abs(actual[keep])))


def forecast_coverage(actuals: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Share of actuals that fell inside their forecast's band, lower and upper included.

    Parameters
    ----------
    actuals, lower, upper : array_like
        One value per forecast (a blank in any of them leaves that forecast out).

    Returns
    -------
    float
        Between 0 and 1; a band of two standard deviations should hold about 0.95 of them.

    Examples
    --------
    >>> forecast_coverage([100, 200, 300], [90, 210, 250], [110, 230, 300])
    0.6666666666666666
    """
    actual, low, high = _pairs("upper", actuals, lower, upper)
    keep = np.isfinite(actual) & np.isfinite(low) & np.isfinite(high)
    if np.any(low[keep] > high[keep]):
        raise OutOfDomainError("lower", "a lower end is above its upper end")
    if not keep.any():
        raise NoDataError("actuals", "no forecast with an actual and both ends of its band")
    inside = (actual[keep] >= low[keep]) & (actual[keep] <= high[keep])
    return float(inside.mean())
