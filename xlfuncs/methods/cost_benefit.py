"""Single-period cost-benefit of an intervention: what it costs, what it saves, the net.

The simple case a finance director sees first: a service reaches so many families at a cost per
family and prevents so many children from entering care, each prevented entry saving so much.
The method and the figures reproduced here are the edge-of-care table of seed 003 (Thurrock
Director of Public Health annual report 2017), which costs a Multi-Systemic Therapy style
service:

=============================  ==========
Eligible families (reach)           135.5
Cost per family                    £2,285
Total cost                       £309,618
Children prevented from care         21.7
Gross savings                  £1,534,771
Net savings                    £1,225,153
Directly cashable net savings    £649,331
=============================  ==========

"Directly cashable" savings are those that can quickly be removed from budgets (there, only
placement costs); others, such as staff time, take longer to become cash. All functions are
vectorised over numpy arrays; multi-year appraisal is in :mod:`xlfuncs.methods.appraisal` and
uncertainty in :mod:`xlfuncs.methods.uncertainty`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import DivisionByZeroError, NoDataError, OutOfDomainError, ShapeError


def _non_negative(value: ArrayLike, name: str, what: str) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if np.any(np.isnan(array)):
        raise OutOfDomainError(name, "expected numbers, got NaN")
    if np.any(array < 0):
        raise OutOfDomainError(name, f"{what} cannot be negative")
    return array


def _check_within_reach(reach: np.ndarray, cases: np.ndarray, within_reach: bool) -> None:
    if within_reach and np.any(cases > reach):
        raise OutOfDomainError(
            "cases_prevented",
            "more cases prevented than reached; if one case reached can prevent several "
            "outcomes (e.g. incidents), set within_reach to FALSE",
        )


def total_cost(reach: ArrayLike, cost_per_case: ArrayLike) -> np.ndarray:
    """Total cost of an intervention in one period: reach x cost per case.

    Parameters
    ----------
    reach : array_like
        Cases (families, women, places) the service works with in the period. Non-negative;
        may be fractional when it is an expected number, as Thurrock's 135.5 families.
    cost_per_case : array_like
        Cost of working with one case, in pounds. Non-negative.

    Returns
    -------
    ndarray
        ``reach * cost_per_case``.

    Notes
    -----
    .. math:: C = n \\times c

    Seed 003 (Thurrock DPH report 2017): 135.5 families x £2,285 = £309,617.50, published
    rounded as £309,618. Excel equivalent: ``=A2*B2``.

    Examples
    --------
    >>> float(total_cost(135.5, 2285))
    309617.5
    >>> total_cost([10, 20], 1000)
    array([10000., 20000.])
    """
    n = _non_negative(reach, "reach", "reach")
    c = _non_negative(cost_per_case, "cost_per_case", "a cost per case")
    return n * c


def gross_savings(cases_prevented: ArrayLike, saving_per_prevented_case: ArrayLike) -> np.ndarray:
    """Gross savings: cases prevented x saving per prevented case.

    Parameters
    ----------
    cases_prevented : array_like
        Outcomes prevented in the period, e.g. children kept out of care. Non-negative.
    saving_per_prevented_case : array_like
        Cost avoided for each prevented case, in pounds. Non-negative.

    Returns
    -------
    ndarray
        ``cases_prevented * saving_per_prevented_case``.

    Notes
    -----
    .. math:: G = p \\times s

    Seed 003 (Thurrock DPH report 2017) publishes gross savings of £1,534,771 for 21.7
    children prevented from entering care, i.e. about £70,727 per child. Excel equivalent:
    ``=A2*B2``.

    Examples
    --------
    >>> float(gross_savings(21.7, 1_534_771 / 21.7))
    1534771.0
    """
    p = _non_negative(cases_prevented, "cases_prevented", "cases prevented")
    s = _non_negative(saving_per_prevented_case, "saving_per_prevented_case", "a saving per case")
    return p * s


def net_savings(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    within_reach: bool = True,
) -> np.ndarray:
    """Net savings of an intervention: gross savings less its cost.

    Parameters
    ----------
    reach : array_like
        Cases the service works with in the period (families, women, places). Non-negative.
    cost_per_case : array_like
        Cost of working with one case, in pounds. Non-negative.
    cases_prevented : array_like
        Outcomes prevented in the period, e.g. children kept out of care. Non-negative.
    saving_per_prevented_case : array_like
        Cost avoided for each prevented case, in pounds. Non-negative.
    within_reach : bool, default True
        When True, more cases prevented than reached is refused: each prevented case is one
        of those the service worked with. Set False where one case reached can prevent several
        outcomes (incidents of domestic violence, further babies removed from one mother).

    Returns
    -------
    ndarray
        ``cases_prevented * saving_per_prevented_case - reach * cost_per_case``.

    Raises
    ------
    OutOfDomainError
        A negative argument, or more cases prevented than reached under ``within_reach``.

    Notes
    -----
    .. math:: N = p \\times s - n \\times c

    Seed 003 (Thurrock DPH report 2017), edge-of-care service: 21.7 x £70,727 - 135.5 x £2,285
    = £1,534,771 - £309,617.50 = £1,225,153.50 (published as £1,225,153, the difference of
    the published rounded totals). Excel equivalent: ``=C2*D2-A2*B2``.

    Examples
    --------
    >>> float(net_savings(135.5, 2285, 21.7, 1_534_771 / 21.7))
    1225153.5
    >>> net_savings(15, 10_000, [2, 5], 70_000)
    array([-10000., 200000.])
    """
    n = _non_negative(reach, "reach", "reach")
    c = _non_negative(cost_per_case, "cost_per_case", "a cost per case")
    p = _non_negative(cases_prevented, "cases_prevented", "cases prevented")
    s = _non_negative(saving_per_prevented_case, "saving_per_prevented_case", "a saving per case")
    _check_within_reach(n, p, within_reach)
    return p * s - n * c


def cashable_net_savings(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    cashable_saving_per_case: ArrayLike,
    within_reach: bool = True,
) -> np.ndarray:
    """Directly cashable net savings: only the cashable part of each saving, less the cost.

    Parameters
    ----------
    reach, cost_per_case, cases_prevented : array_like
        As :func:`net_savings`.
    cashable_saving_per_case : array_like
        The part of the saving per prevented case that can quickly be removed from budgets
        (for Thurrock, placement costs only), in pounds. Non-negative.
    within_reach : bool, default True
        As :func:`net_savings`.

    Returns
    -------
    ndarray
        ``cases_prevented * cashable_saving_per_case - reach * cost_per_case``.

    Notes
    -----
    .. math:: N_{cash} = p \\times s_{cash} - n \\times c

    Seed 003 (Thurrock DPH report 2017) publishes directly cashable net savings of £649,331 for
    the edge-of-care service but not the cashable saving per child; solving the formula gives
    (£649,331 + £309,617.50) / 21.7 = about £44,191 per child, roughly a year of a fostering
    placement (see :func:`implied_saving_per_case`). The whole cost is charged against the
    cashable part: a service is paid for in cash. Excel equivalent: ``=C2*D2-A2*B2``.

    Examples
    --------
    >>> implied = (649_331 + 309_617.5) / 21.7
    >>> float(cashable_net_savings(135.5, 2285, 21.7, implied))
    649331.0
    """
    n = _non_negative(reach, "reach", "reach")
    c = _non_negative(cost_per_case, "cost_per_case", "a cost per case")
    p = _non_negative(cases_prevented, "cases_prevented", "cases prevented")
    s = _non_negative(cashable_saving_per_case, "cashable_saving_per_case", "a saving per case")
    _check_within_reach(n, p, within_reach)
    return p * s - n * c


def break_even_cases(
    reach: ArrayLike, cost_per_case: ArrayLike, saving_per_prevented_case: ArrayLike
) -> np.ndarray:
    """Cases that must be prevented for the savings to cover the cost.

    Parameters
    ----------
    reach, cost_per_case : array_like
        As :func:`net_savings`.
    saving_per_prevented_case : array_like
        Cost avoided for each prevented case. Positive.

    Returns
    -------
    ndarray
        ``reach * cost_per_case / saving_per_prevented_case``: net savings are zero when exactly
        this many cases are prevented.

    Raises
    ------
    DivisionByZeroError
        A zero saving per case: no number of prevented cases pays back.

    Notes
    -----
    .. math:: p^{*} = \\frac{n \\times c}{s}

    The question a finance director asks of seed 003 (Thurrock DPH report 2017): the
    edge-of-care service breaks even if it keeps about 4.4 children out of care, against the
    21.7 expected. Excel equivalent: ``=A2*B2/C2``.

    Examples
    --------
    >>> round(float(break_even_cases(135.5, 2285, 1_534_771 / 21.7)), 2)
    4.38
    """
    n = _non_negative(reach, "reach", "reach")
    c = _non_negative(cost_per_case, "cost_per_case", "a cost per case")
    s = _non_negative(saving_per_prevented_case, "saving_per_prevented_case", "a saving per case")
    if np.any(s == 0):
        raise DivisionByZeroError(
            "saving_per_prevented_case", "a zero saving per case never covers the cost"
        )
    return n * c / s


def benefit_cost_ratio(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    within_reach: bool = True,
) -> np.ndarray:
    """Benefit-cost ratio of one period: gross savings / total cost.

    Parameters
    ----------
    reach, cost_per_case, cases_prevented, saving_per_prevented_case, within_reach
        As :func:`net_savings`.

    Returns
    -------
    ndarray
        ``cases_prevented * saving_per_prevented_case / (reach * cost_per_case)``: pounds saved
        for each pound spent. Above 1 the intervention saves more than it costs.

    Raises
    ------
    DivisionByZeroError
        The total cost is zero.

    Notes
    -----
    .. math:: BCR = \\frac{p \\times s}{n \\times c}

    HM Treasury's local-partnership guidance (2014) reports this ratio as the return on
    investment. Seed 003 (Thurrock DPH report 2017): £1,534,771 / £309,617.50 = 4.96 for the
    edge-of-care service. For a profile over several years see
    :func:`xlfuncs.methods.appraisal.benefit_cost_ratio`. Excel equivalent: ``=C2*D2/(A2*B2)``.

    Examples
    --------
    >>> round(float(benefit_cost_ratio(135.5, 2285, 21.7, 1_534_771 / 21.7)), 3)
    4.957
    """
    n = _non_negative(reach, "reach", "reach")
    c = _non_negative(cost_per_case, "cost_per_case", "a cost per case")
    p = _non_negative(cases_prevented, "cases_prevented", "cases prevented")
    s = _non_negative(saving_per_prevented_case, "saving_per_prevented_case", "a saving per case")
    _check_within_reach(n, p, within_reach)
    cost = n * c
    if np.any(cost == 0):
        zero = "reach" if np.any(n == 0) else "cost_per_case"
        raise DivisionByZeroError(zero, "the total cost is zero")
    return p * s / cost


def implied_saving_per_case(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    net_savings: ArrayLike,
    within_reach: bool = True,
) -> np.ndarray:
    """Saving per prevented case implied by a published net saving.

    Solves :func:`net_savings` for the saving per case, to recover a figure a report used
    but did not print.

    Parameters
    ----------
    reach, cost_per_case, cases_prevented, within_reach
        As :func:`net_savings`.
    net_savings : array_like
        The published net savings, in pounds (may be negative).

    Returns
    -------
    ndarray
        ``(net_savings + reach * cost_per_case) / cases_prevented``.

    Raises
    ------
    DivisionByZeroError
        No cases prevented: any saving per case gives the same net.
    OutOfDomainError
        The net savings imply a negative saving per case (the net is below minus the cost).

    Notes
    -----
    .. math:: s = \\frac{N + n \\times c}{p}

    Seed 003 (Thurrock DPH report 2017): the directly cashable net savings of £649,331 imply a
    cashable (placement) saving of (£649,331 + £309,617.50) / 21.7 = £44,191.18 per child kept
    out of care. The figure is implied, not published. Excel equivalent: ``=(D2+A2*B2)/C2``.

    Examples
    --------
    >>> round(float(implied_saving_per_case(135.5, 2285, 21.7, 649_331)), 2)
    44191.18
    """
    n = _non_negative(reach, "reach", "reach")
    c = _non_negative(cost_per_case, "cost_per_case", "a cost per case")
    p = _non_negative(cases_prevented, "cases_prevented", "cases prevented")
    net = np.asarray(net_savings, dtype=float)
    if np.any(np.isnan(net)):
        raise OutOfDomainError("net_savings", "expected numbers, got NaN")
    _check_within_reach(n, p, within_reach)
    if np.any(p == 0):
        raise DivisionByZeroError("cases_prevented", "no cases prevented: the saving is undefined")
    saving = (net + n * c) / p
    if np.any(saving < 0):
        raise OutOfDomainError(
            "net_savings", "a net saving below minus the total cost implies a negative saving per case"
        )
    return saving


def _bounds(value: ArrayLike, name: str, what: str) -> tuple[float, float]:
    """(low, high) from one value or a pair; refuses low > high."""
    array = np.asarray(value, dtype=float).ravel()
    if array.size == 0:
        raise NoDataError(name, "no value given")
    if array.size > 2:
        raise ShapeError(name, f"expected one value or a (low, high) pair, got {array.size} values")
    array = _non_negative(array, name, what)
    low, high = float(array[0]), float(array[-1])
    if low > high:
        raise OutOfDomainError(name, f"low {low:g} is above high {high:g}")
    return low, high


def net_savings_range(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    within_reach: bool = True,
) -> np.ndarray:
    """Lowest and highest net savings when inputs are given as low / high ranges.

    Parameters
    ----------
    reach, cost_per_case, cases_prevented, saving_per_prevented_case : array_like
        Each one value (known) or a (low, high) pair, as :func:`net_savings`.
    within_reach : bool, default True
        As :func:`net_savings`; checked at the worst case (the highest cases prevented
        against the lowest reach).

    Returns
    -------
    ndarray
        ``[low, high]``: the least and the most the intervention can save on the ranges given.
        Net savings rise with cases prevented and with the saving per case and fall with reach
        and cost per case, so the bounds are the corners::

            low  = p_low  * s_low  - n_high * c_high
            high = p_high * s_high - n_low  * c_low

    Notes
    -----
    Seed 003 (Thurrock DPH report 2017) gives Pause (15 women a year) as preventing 2 to 5
    children from entering care, with net savings of £128,520 to £307,945. Those two figures
    are not one cost and one saving per child: a straight line through them implies a negative
    cost, so the report's costs or savings per child differ between its low and high cases.
    Give ranges only for what is uncertain. Excel equivalent: two ``NET_SAVINGS`` cells.

    Examples
    --------
    >>> net_savings_range(15, 10_000, [2, 5], 70_000)
    array([-10000., 200000.])
    >>> net_savings_range([130, 140], [2000, 2500], 21.7, 70_000)
    array([1169000., 1259000.])
    """
    n = _bounds(reach, "reach", "reach")
    c = _bounds(cost_per_case, "cost_per_case", "a cost per case")
    p = _bounds(cases_prevented, "cases_prevented", "cases prevented")
    s = _bounds(saving_per_prevented_case, "saving_per_prevented_case", "a saving per case")
    _check_within_reach(np.asarray(n[0]), np.asarray(p[1]), within_reach)
    return np.array([p[0] * s[0] - n[1] * c[1], p[1] * s[1] - n[0] * c[0]])
