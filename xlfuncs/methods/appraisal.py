"""Multi-year appraisal of an intervention, after HM Treasury's Green Book.

A profile of yearly costs and benefits in real terms (one value per year, the first value being
year 0, "now") is discounted to present values with the Green Book's declining schedule:

=============  ======================  ================
Years          Standard rate            Health effects
=============  ======================  ================
0 to 30        3.5%                     1.5%
31 to 75       3.0%                     1.29%
76 to 125      2.5%                     1.07%
126 to 200     2.0%                     0.86%
201 to 300     1.5%                     0.64%
over 300       1.0%                     0.43%
=============  ======================  ================

The discount factor of year *t* is the product of ``1 / (1 + r_k)`` over the years
``k = 1 .. t``, where ``r_k`` is the rate in force in year *k*; year 0 is not discounted
(HM Treasury Green Book (2022), Annex A6). A constant rate can be given instead, as the BeST?
trial protocol (seed 000) discounts at 1.5%.

Excel's own ``NPV(rate, v1, ..., vn)`` discounts ``v1`` by one whole period; the Green Book
does not discount year 0. Every function here takes ``first_year``: 0 (the default, Green
Book) or 1 (Excel's NPV convention), so a formula always says which it does.

The local-partnership adjustments follow HM Treasury's supplementary guidance "Supporting
public service transformation: cost benefit analysis guidance for local partnerships" (2014,
built with New Economy for Greater Manchester): raise costs for optimism bias; take deadweight,
attribution and displacement off gross outcomes; let effects drop off year on year; keep
fiscal benefits (cashable and non-cashable) beside economic and social value; report the net
present value, the benefit-cost ratio and, where positive, the payback period.
"""

from __future__ import annotations

import math
import re

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import (
    DivisionByZeroError,
    NoDataError,
    NotFoundError,
    OutOfDomainError,
    ShapeError,
)

#: Last year of each band of the Green Book schedule (the final band is open-ended).
BAND_ENDS = (30, 75, 125, 200, 300)
#: Green Book annual discount rates for each band (HM Treasury Green Book (2022), Annex A6).
SCHEDULES: dict[str, tuple[float, ...]] = {
    "standard": (0.035, 0.030, 0.025, 0.020, 0.015, 0.010),
    "health": (0.015, 0.0129, 0.0107, 0.0086, 0.0064, 0.0043),
}
#: Longest horizon, in years, a profile or a discount factor may reach: bounds the work.
MAX_YEAR = 10_000

_RATE_TEXT = re.compile(r"^\s*(-?\d+(?:\.\d*)?|-?\.\d+)\s*(%?)\s*$")


def _rate_or_schedule(schedule: str | float) -> str | float:
    """``"standard"``, ``"health"`` or a constant annual rate (0.035, "3.5%")."""
    if isinstance(schedule, str):
        key = schedule.strip().lower()
        if key in SCHEDULES:
            return key
        match = _RATE_TEXT.match(key)
        if not match:
            raise NotFoundError(
                "schedule",
                f'"{schedule}" is not "standard", "health" or a constant rate such as 0.035',
            )
        rate = float(match.group(1)) / (100.0 if match.group(2) else 1.0)
    else:
        rate = float(schedule)
    if not math.isfinite(rate):
        raise OutOfDomainError("schedule", "the discount rate must be a finite number")
    if rate <= -1:
        raise OutOfDomainError("schedule", "a discount rate of -100% or below has no present value")
    return rate


def _whole_years(values: ArrayLike, name: str) -> np.ndarray:
    years = np.asarray(values, dtype=float)
    if np.any(np.isnan(years)):
        raise OutOfDomainError(name, "expected whole numbers of years, got NaN")
    if np.any(years < 0):
        raise OutOfDomainError(name, "years count from year 0 and cannot be negative")
    if np.any(years != np.floor(years)):
        raise OutOfDomainError(name, "the Green Book discounts whole years: give a whole number")
    if np.any(years > MAX_YEAR):
        raise OutOfDomainError(name, f"years beyond {MAX_YEAR:,} are outside any appraisal")
    return years.astype(np.int64)


def _factor_table(last_year: int, schedule: str | float) -> np.ndarray:
    """Discount factors for years 0 .. last_year."""
    resolved = _rate_or_schedule(schedule)
    k = np.arange(1, last_year + 1)
    if isinstance(resolved, str):
        rates = np.asarray(SCHEDULES[resolved])[np.searchsorted(BAND_ENDS, k, side="left")]
    else:
        rates = np.full(k.shape, resolved)
    table = np.empty(last_year + 1)
    table[0] = 1.0
    with np.errstate(over="ignore", under="ignore"):
        table[1:] = 1.0 / np.cumprod(1.0 + rates)
    if not np.all(np.isfinite(table)):
        raise OutOfDomainError("schedule", "the discount factors overflow over this horizon")
    return table


def discount_factor(year: ArrayLike, schedule: str | float = "standard") -> np.ndarray:
    """Green Book discount factor for a year: the present value of £1 arising in that year.

    Parameters
    ----------
    year : array_like
        Whole years from now; year 0 is now and is not discounted. At most 10,000.
    schedule : {"standard", "health"} or float, default "standard"
        The Green Book schedule (3.5% for years 0-30, declining after) or its health-effects
        schedule (1.5% for years 0-30, declining after), or one constant annual rate such as
        0.015 (also accepted as text, "1.5%").

    Returns
    -------
    ndarray
        :math:`D_t = \\prod_{k=1}^{t} (1 + r_k)^{-1}`, with :math:`D_0 = 1`.

    Raises
    ------
    OutOfDomainError
        A negative or fractional year, or a rate of -100% or below.
    NotFoundError
        An unknown schedule name.

    Notes
    -----
    :math:`r_k` is the rate in force in year *k* (HM Treasury Green Book (2022), Annex A6).
    The factor for year 30 is :math:`1.035^{-30} = 0.3563` and for year 31
    :math:`0.3563 / 1.03 = 0.3459`. With a constant rate the factor is :math:`(1 + r)^{-t}`.
    Excel equivalent for years 0-30: ``=1/1.035^A2``.

    Examples
    --------
    >>> discount_factor([0, 1, 30, 31]).round(4)
    array([1.    , 0.9662, 0.3563, 0.3459])
    >>> round(float(discount_factor(10, "health")), 4)
    0.8617
    >>> round(float(discount_factor(2, 0.10)), 4)
    0.8264
    """
    years = _whole_years(year, "year")
    last = int(years.max()) if years.size else 0
    return _factor_table(last, schedule)[years]


def _profile(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim > 1:
        if sum(size > 1 for size in array.shape) > 1:
            raise ShapeError(name, f"expected one row or column of years, got shape {array.shape}")
        array = array.ravel()
    array = np.atleast_1d(array)
    if array.size == 0:
        raise NoDataError(name, "the profile is empty: give one value a year")
    if not np.all(np.isfinite(array)):
        raise OutOfDomainError(name, "expected finite numbers, the profile holds NaN or infinity")
    if array.size > MAX_YEAR:
        raise ShapeError(name, f"a profile of {array.size:,} years is longer than {MAX_YEAR:,}")
    return array


def _first_year(first_year: float) -> int:
    value = float(first_year)
    if not math.isfinite(value) or value != math.floor(value) or value < 0:
        raise OutOfDomainError(
            "first_year", "expected 0 (Green Book: year 0, undiscounted) or 1 (Excel NPV)"
        )
    if value > MAX_YEAR:
        raise OutOfDomainError("first_year", f"years beyond {MAX_YEAR:,} are outside any appraisal")
    return int(value)


def _factors_for(n: int, schedule: str | float, first_year: int) -> np.ndarray:
    return _factor_table(first_year + n - 1, schedule)[first_year:]


def _pair(costs: ArrayLike, benefits: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    c = _profile(costs, "costs")
    b = _profile(benefits, "benefits")
    if c.size != b.size:
        raise ShapeError(
            "benefits", f"{b.size} years of benefits against {c.size} years of costs"
        )
    if np.any(c < 0):
        raise OutOfDomainError("costs", "costs cannot be negative: enter savings as benefits")
    return c, b


def present_value(
    values: ArrayLike, schedule: str | float = "standard", first_year: int = 0
) -> float:
    """Present value of a yearly profile.

    Parameters
    ----------
    values : array_like
        One value a year in real terms (constant prices), in year order.
    schedule : {"standard", "health"} or float, default "standard"
        As :func:`discount_factor`.
    first_year : int, default 0
        The year of the first value. 0 (Green Book): the first value is now and is not
        discounted. 1 (Excel's ``NPV``): the first value is discounted one whole year.

    Returns
    -------
    float
        :math:`PV = \\sum_i v_i D_{f + i}`, where *f* is ``first_year``.

    Raises
    ------
    NoDataError
        An empty profile.
    OutOfDomainError
        A rate of -100% or below, or a ``first_year`` that is not a whole number.

    Notes
    -----
    HM Treasury Green Book (2022), Annex A6. With a constant rate and ``first_year=1`` this is
    exactly Excel's ``=NPV(rate, values)``; with ``first_year=0`` it is
    ``=A1+NPV(rate, A2:An)``.

    Examples
    --------
    >>> round(present_value([100, 100, 100]), 2)
    289.97
    >>> round(present_value([100, 100, 100], 0.1, first_year=1), 2)
    248.69
    """
    v = _profile(values, "values")
    start = _first_year(first_year)
    return float(v @ _factors_for(v.size, schedule, start))


def discounted_profile(
    values: ArrayLike, schedule: str | float = "standard", first_year: int = 0
) -> np.ndarray:
    """Each year's value times its discount factor.

    Parameters
    ----------
    values, schedule, first_year
        As :func:`present_value`.

    Returns
    -------
    ndarray
        :math:`v_i D_{f + i}` for each year; their sum is the present value.

    Notes
    -----
    HM Treasury Green Book (2022), Annex A6. Excel equivalent: ``=A2*B2`` beside a column of
    discount factors.

    Examples
    --------
    >>> discounted_profile([100, 100, 100]).round(2)
    array([100.  ,  96.62,  93.35])
    """
    v = _profile(values, "values")
    start = _first_year(first_year)
    return v * _factors_for(v.size, schedule, start)


def npv(
    costs: ArrayLike,
    benefits: ArrayLike,
    schedule: str | float = "standard",
    first_year: int = 0,
) -> float:
    """Net present value of yearly costs and benefits: PV(benefits) - PV(costs).

    Parameters
    ----------
    costs : array_like
        Cost in each year, in real terms. Non-negative (savings belong in ``benefits``).
    benefits : array_like
        Benefit in each year, same length as ``costs``. May be negative (a disbenefit).
    schedule, first_year
        As :func:`present_value`.

    Returns
    -------
    float
        :math:`NPV = \\sum_t (B_t - C_t) D_t`.

    Raises
    ------
    ShapeError
        Costs and benefits of different lengths.
    NoDataError
        An empty profile.

    Notes
    -----
    HM Treasury Green Book (2022), Annex A6, and the local-partnership CBA guidance (2014):
    the NPV is the headline of the economic case. Excel equivalent for a constant rate *r*
    with the first value at year 0: ``=B2-A2+NPV(r, B3:Bn)-NPV(r, A3:An)``.

    Examples
    --------
    >>> round(npv([100, 0, 0], [0, 60, 60]), 2)
    13.98
    """
    c, b = _pair(costs, benefits)
    start = _first_year(first_year)
    return float((b - c) @ _factors_for(c.size, schedule, start))


def benefit_cost_ratio(
    costs: ArrayLike,
    benefits: ArrayLike,
    schedule: str | float = "standard",
    first_year: int = 0,
) -> float:
    """Benefit-cost ratio of yearly profiles: PV(benefits) / PV(costs).

    Parameters
    ----------
    costs, benefits, schedule, first_year
        As :func:`npv`.

    Returns
    -------
    float
        Pounds of present-value benefit for each pound of present-value cost.

    Raises
    ------
    DivisionByZeroError
        The costs are all zero.

    Notes
    -----
    The local-partnership guidance (HM Treasury, 2014) calls this the return on investment and
    reports it separately for fiscal, cashable and all (public value) benefits: give each kind
    of benefit as ``benefits`` in turn. Discounting after HM Treasury Green Book (2022),
    Annex A6.

    Examples
    --------
    >>> round(benefit_cost_ratio([100, 0, 0], [0, 60, 60]), 4)
    1.1398
    """
    c, b = _pair(costs, benefits)
    start = _first_year(first_year)
    factors = _factors_for(c.size, schedule, start)
    pv_costs = float(c @ factors)
    if pv_costs == 0:
        raise DivisionByZeroError("costs", "the present value of the costs is zero")
    return float(b @ factors) / pv_costs


def cumulative_net_benefit(
    costs: ArrayLike,
    benefits: ArrayLike,
    schedule: str | float = "standard",
    first_year: int = 0,
) -> np.ndarray:
    """Cumulative discounted net benefit at the end of each year.

    Parameters
    ----------
    costs, benefits, schedule, first_year
        As :func:`npv`.

    Returns
    -------
    ndarray
        :math:`\\sum_{k \\le t} (B_k - C_k) D_k` for each year; the last value is the NPV.

    Notes
    -----
    The curve that shows when an intervention pays back (HM Treasury Green Book (2022),
    Annex A6, for the discounting). Excel equivalent: ``=SUM($C$2:C2)`` beside a column of
    discounted net benefits.

    Examples
    --------
    >>> cumulative_net_benefit([100, 0, 0], [0, 60, 60]).round(2)
    array([-100.  ,  -42.03,   13.98])
    """
    c, b = _pair(costs, benefits)
    start = _first_year(first_year)
    return np.cumsum((b - c) * _factors_for(c.size, schedule, start))


def _crossing(cumulative: np.ndarray, start: int, what: str) -> float:
    """Time from the start of year 0 at which ``cumulative`` (at each year end) turns positive.

    Each year's flows are taken as spread evenly through that year, so the cumulative rises (or
    falls) in a straight line from its value at the end of the year before (0 at the start of
    the first year) to its value at the end of the year.
    """
    positive = np.flatnonzero(cumulative > 0)
    if positive.size == 0:
        raise NotFoundError(
            "benefits",
            f"the cumulative {what} net benefit never turns positive within the "
            f"{cumulative.size} years of the profile",
        )
    i = int(positive[0])
    before = float(cumulative[i - 1]) if i else 0.0
    after = float(cumulative[i])
    return float(start + i + (-before) / (after - before))


def payback_period(
    costs: ArrayLike,
    benefits: ArrayLike,
    schedule: str | float = "standard",
    first_year: int = 0,
) -> float:
    """Discounted payback period: years from the start of year 0 until the cumulative
    discounted net benefit turns positive.

    Parameters
    ----------
    costs, benefits, schedule, first_year
        As :func:`npv`.

    Returns
    -------
    float
        Years counted from the start of year 0, each year's costs and benefits taken as
        spread evenly through it. With :math:`S_t` the cumulative discounted net benefit at the
        end of year *t* (:math:`S_{-1} = 0` at the start) and *t* the first year that ends with
        :math:`S_t > 0`, the payback is :math:`t + \frac{-S_{t-1}}{S_t - S_{t-1}}`. A service
        that pays back during its second year (year 1) gives 1.x; one whose first year is
        already net positive gives 0.

    Raises
    ------
    NotFoundError
        The cumulative net benefit never turns positive within the profile (Excel: #N/A, as
        MATCH gives when nothing matches).

    Notes
    -----
    The local-partnership CBA guidance (HM Treasury, 2014) reports a payback period where
    the return is positive. Discounting after HM Treasury Green Book (2022), Annex A6: year
    *t*'s flows carry year *t*'s discount factor, the interpolation only places the crossing
    within the year. With ``first_year`` 1 the first value is year 1, so the count starts one
    year later. For the undiscounted (cash) payback see :func:`cash_payback_period`.

    Examples
    --------
    A cost of 100 in year 0 and 60 a year of benefits in years 1 and 2 pays back three
    quarters of the way through year 2:

    >>> round(payback_period([100, 0, 0], [0, 60, 60]), 4)
    2.7504
    >>> payback_period([0, 10], [50, 0])
    0.0
    """
    cumulative = cumulative_net_benefit(costs, benefits, schedule, first_year)
    return _crossing(cumulative, _first_year(first_year), "discounted")


def cash_payback_period(costs: ArrayLike, benefits: ArrayLike, first_year: int = 0) -> float:
    """Cash payback period: years from the start of year 0 until the cumulative undiscounted
    net benefit turns positive.

    Parameters
    ----------
    costs, benefits, first_year
        As :func:`npv`; nothing is discounted.

    Returns
    -------
    float
        As :func:`payback_period`, on the cumulative sum of ``benefits - costs`` in cash.

    Raises
    ------
    NotFoundError
        The cumulative cash net benefit never turns positive within the profile (#N/A).

    Notes
    -----
    The budget holder's question: when has the money spent come back? Years are counted from
    the start of year 0 with each year's flows spread evenly through it, as for
    :func:`payback_period`; without discounting the cash payback comes no later than the
    discounted one when costs come first. Excel equivalent: the first year whose running
    ``=SUM($B$2:B2)`` of net benefits is positive, interpolated within that year.

    Examples
    --------
    >>> cash_payback_period([100, 0, 0], [0, 60, 60])
    2.6666666666666665
    >>> cash_payback_period([100, 0], [40, 80])
    1.75
    """
    c, b = _pair(costs, benefits)
    start = _first_year(first_year)
    return _crossing(np.cumsum(b - c), start, "cash")


def _share(value: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if np.any(np.isnan(array)) or np.any((array < 0) | (array > 1)):
        raise OutOfDomainError(name, "a share must be between 0 and 1 (0% to 100%)")
    return array


def optimism_bias(cost: ArrayLike, uplift: ArrayLike) -> np.ndarray:
    """Cost raised for optimism bias.

    Parameters
    ----------
    cost : array_like
        The cost as estimated, in pounds. Non-negative.
    uplift : array_like
        The optimism bias uplift as a fraction (0.25 for 25%). Non-negative; may exceed 1, as
        the Green Book's upper bounds for some projects do.

    Returns
    -------
    ndarray
        ``cost * (1 + uplift)``.

    Notes
    -----
    HM Treasury Green Book (2022) and its supplementary guidance on optimism bias: appraisers
    raise estimated costs by an uplift that reflects the systematic tendency to underestimate
    them, reduced as evidence firms up. The local-partnership guidance (HM Treasury, 2014)
    applies it to costs. Excel equivalent: ``=A2*(1+B2)``.

    Examples
    --------
    >>> float(optimism_bias(309_617.5, 0.10))
    340579.25
    """
    c = np.asarray(cost, dtype=float)
    u = np.asarray(uplift, dtype=float)
    if np.any(np.isnan(c)) or np.any(c < 0):
        raise OutOfDomainError("cost", "a cost cannot be negative")
    if np.any(np.isnan(u)) or np.any(u < 0):
        raise OutOfDomainError("uplift", "an optimism bias uplift cannot be negative")
    return c * (1.0 + u)


def net_outcome(
    gross: ArrayLike,
    deadweight: ArrayLike = 0.0,
    attribution: ArrayLike = 0.0,
    displacement: ArrayLike = 0.0,
) -> np.ndarray:
    """Gross outcomes less deadweight, attribution and displacement.

    Parameters
    ----------
    gross : array_like
        The gross outcome (a count, or its value in pounds).
    deadweight : array_like, default 0
        Share (0..1) of the outcome that would have happened anyway, without the intervention.
    attribution : array_like, default 0
        Share (0..1) of what remains that is owed to other services working with the same
        families, not to this one.
    displacement : array_like, default 0
        Share (0..1) of the outcome that is only moved elsewhere (e.g. costs shifted to another
        service or area) rather than avoided.

    Returns
    -------
    ndarray
        ``gross * (1 - deadweight) * (1 - attribution) * (1 - displacement)``.

    Raises
    ------
    OutOfDomainError
        A share outside 0..1.

    Notes
    -----
    HM Treasury, "Supporting public service transformation: cost benefit analysis guidance for
    local partnerships" (2014): gross outcomes are adjusted for deadweight, attribution and
    displacement before they are valued, applied one after another as here. Excel
    equivalent: ``=A2*(1-B2)*(1-C2)*(1-D2)``.

    Examples
    --------
    >>> float(net_outcome(100, deadweight=0.2, attribution=0.1))
    72.0
    """
    g = np.asarray(gross, dtype=float)
    if np.any(np.isnan(g)):
        raise OutOfDomainError("gross", "expected numbers, got NaN")
    d = _share(deadweight, "deadweight")
    a = _share(attribution, "attribution")
    x = _share(displacement, "displacement")
    return g * (1.0 - d) * (1.0 - a) * (1.0 - x)


def apply_drop_off(value: ArrayLike, drop_off: ArrayLike, years_after: ArrayLike) -> np.ndarray:
    """An effect after it has dropped off for some years.

    Parameters
    ----------
    value : array_like
        The effect (or its value) in its first year.
    drop_off : array_like
        Share (0..1) of the effect lost each year.
    years_after : array_like
        Years since the first year of the effect. Non-negative.

    Returns
    -------
    ndarray
        ``value * (1 - drop_off) ** years_after``.

    Notes
    -----
    The local-partnership CBA guidance (HM Treasury, 2014) lets the effect of an intervention
    fall year on year rather than persist unchanged. Excel equivalent: ``=A2*(1-B2)^C2``.

    Examples
    --------
    >>> apply_drop_off(1000, 0.25, [0, 1, 2])
    array([1000. ,  750. ,  562.5])
    """
    v = np.asarray(value, dtype=float)
    if np.any(np.isnan(v)):
        raise OutOfDomainError("value", "expected numbers, got NaN")
    d = _share(drop_off, "drop_off")
    t = np.asarray(years_after, dtype=float)
    if np.any(np.isnan(t)) or np.any(t < 0):
        raise OutOfDomainError("years_after", "years since the first year cannot be negative")
    return v * (1.0 - d) ** t
