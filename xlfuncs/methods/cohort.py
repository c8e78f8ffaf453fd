"""Cohort appraisal: children kept out of care save the years of care they would have had.

A preventive service (an edge-of-care team, Pause, a step-down programme) works with a new
cohort every year. The children it keeps out of care in year *t* would otherwise have entered
care and stayed for a while: the saving is not one year's cost counted once, in the year of
prevention, but the care each child avoids in every year they would have stayed. Three things
set that tail:

* a **length-of-stay profile** :math:`p_d`, the share of children whose stay would have ended
  during its *d*-th year (:math:`d = 1 \\ldots K`, summing to 1), typed from local data or
  estimated from an SSDA903 return with the stock-flow model (:func:`stay_profile_from_model`,
  :func:`stay_profile_from_903`). Within its last year a stay is taken to end evenly through the
  year (the usual convention for durations grouped by year), so the share of year *k* of the
  stay (*k* = 0 for the first) a child spends in care is

  .. math:: c_k = S_k - \\tfrac12 p_{k+1}, \\qquad S_k = \\sum_{d > k} p_d,

  and the mean stay is :math:`L = \\sum_d (d - \\tfrac12) p_d` years. The mean can be changed
  (``mean_stay``) without changing the profile's shape: the profile is stretched in time by
  :math:`f = L' / L`, :math:`c'_k = f \\int_{k/f}^{(k+1)/f} S(x)\\,dx` with :math:`S` the
  survival curve (straight between year ends), so the duration of care avoided can itself be
  an uncertain input;
* **drop-off**, the persistence of the effect within a cohort: a share *d* of a cohort's
  avoided care is lost each year after prevention (children who come into care later after
  all, or an effect that fades), so year *k* after prevention keeps :math:`(1 - d)^k` of it.
  This is how HM Treasury's local-partnership guidance (2014, built with GMCA / New Economy)
  lets effects drop off: over the life of one cohort's benefit, not across the intakes of a
  continuing service;
* **deadweight, attribution and displacement**, taken off the children prevented before they
  are valued, as in :func:`xlfuncs.methods.appraisal.net_outcome`.

The child-years of care avoided in year :math:`\\tau` are then the sum over earlier cohorts,

.. math:: Y_\\tau = \\sum_{t \\le \\tau} n_t\\, c_{\\tau - t}\\, (1 - d)^{\\tau - t},

and each child-year is valued as fiscal cashable (placement costs), fiscal non-cashable (staff
time and other savings slower to become cash), economic and social value, all in base-year
prices, optionally rising with a real growth of unit costs. Costs are the service's reach x
cost per case, raised for optimism bias. Discounting is the Green Book's
(:mod:`xlfuncs.methods.appraisal`): year 0 is now and is not discounted. Care that cohorts would
still have had after the last year of the appraisal is not counted (the appraisal stops there).

:func:`evaluate` computes all of this for many sets of inputs at once (one row per draw of a
Monte Carlo simulation); :func:`care_years` and :func:`stay_occupancy` are the pieces a
worksheet shows row by row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods import appraisal
from xlfuncs.methods.errors import NoDataError, NotFoundError, OutOfDomainError, ShapeError

#: The inputs of a cohort appraisal, in the order of a worksheet's input table.
INPUTS = (
    "reach",
    "cost_per_case",
    "optimism_bias",
    "children_prevented",
    "deadweight",
    "attribution",
    "displacement",
    "drop_off",
    "mean_stay",
    "cashable_per_year",
    "non_cashable_per_year",
    "economic_per_year",
    "social_per_year",
    "unit_cost_growth",
)
#: What each input is, for tables and messages.
LABELS = {
    "reach": "Cases reached a year (families)",
    "cost_per_case": "Cost per case (£)",
    "optimism_bias": "Optimism bias uplift on costs",
    "children_prevented": "Children prevented from entering care a year, at full effect",
    "deadweight": "Deadweight (would have happened anyway)",
    "attribution": "Attribution (owed to other services)",
    "displacement": "Displacement (moved, not avoided)",
    "drop_off": "Drop-off: share of a cohort's avoided care lost each year",
    "mean_stay": "Average stay avoided per child (years)",
    "cashable_per_year": "Cashable saving per year of care avoided (£)",
    "non_cashable_per_year": "Non-cashable fiscal saving per year of care avoided (£)",
    "economic_per_year": "Economic value per year of care avoided (£)",
    "social_per_year": "Social value per year of care avoided (£)",
    "unit_cost_growth": "Real growth in unit costs of care a year",
}
#: The values each input can take at all.
LIMITS: dict[str, tuple[float, float]] = {
    "reach": (0.0, math.inf),
    "cost_per_case": (0.0, math.inf),
    "optimism_bias": (0.0, math.inf),
    "children_prevented": (0.0, math.inf),
    "deadweight": (0.0, 1.0),
    "attribution": (0.0, 1.0),
    "displacement": (0.0, 1.0),
    "drop_off": (0.0, 1.0),
    "mean_stay": (0.0, 100.0),
    "cashable_per_year": (0.0, math.inf),
    "non_cashable_per_year": (0.0, math.inf),
    "economic_per_year": (-math.inf, math.inf),
    "social_per_year": (-math.inf, math.inf),
    "unit_cost_growth": (-0.5, 0.5),
}
#: Which benefits a net present value counts.
MEASURES = ("public", "fiscal", "cashable")
#: Longest appraisal or length-of-stay profile, in years.
MAX_YEARS = 200
#: How far a length-of-stay profile may miss summing to 1 (rounding in typed cells).
_PROFILE_TOLERANCE = 1e-6
#: Days in a year of the stock-flow model's projection.
_YEAR_DAYS = 365


# --------------------------------------------------------------------------- length of stay


def stay_profile(values: ArrayLike, name: str = "stay_profile") -> np.ndarray:
    """A length-of-stay profile, checked: non-negative shares summing to 1.

    Parameters
    ----------
    values : array_like
        Share of children whose stay would end during its 1st, 2nd, ... year.
    name : str
        The argument's name, for error messages.

    Returns
    -------
    ndarray
        The shares, trailing zeros removed (at least one value kept).

    Raises
    ------
    OutOfDomainError
        A negative or non-finite share, or shares that do not sum to 1.

    Examples
    --------
    >>> stay_profile([0.5, 0.3, 0.2, 0, 0])
    array([0.5, 0.3, 0.2])
    """
    shares = np.asarray(values, dtype=float).ravel()
    if shares.size == 0:
        raise NoDataError(name, "the profile is empty: give the share of stays ending in each year")
    if shares.size > MAX_YEARS:
        raise ShapeError(name, f"at most {MAX_YEARS} years, got {shares.size}")
    if not np.all(np.isfinite(shares)) or np.any(shares < 0):
        raise OutOfDomainError(name, "each share must be a number of at least 0")
    total = float(shares.sum())
    if abs(total - 1.0) > _PROFILE_TOLERANCE:
        raise OutOfDomainError(
            name, f"the shares sum to {total:.6g}; a length-of-stay profile must sum to 1 (100%)"
        )
    last = int(np.flatnonzero(shares)[-1]) + 1
    return shares[:last] / total


def stay_mean(stay: ArrayLike) -> float:
    """Mean length of stay, in years, of a length-of-stay profile.

    Parameters
    ----------
    stay : array_like
        Share of children whose stay ends during its 1st, 2nd, ... year (sums to 1).

    Returns
    -------
    float
        :math:`L = \\sum_d (d - \\tfrac12) p_d`: each stay taken to end half way through the
        year in which it ends.

    Notes
    -----
    Average length of stay is one of the cost drivers seed 003 (Thurrock DPH report 2017)
    asks councils to monitor. Excel equivalent: ``=SUMPRODUCT(B2:K2, COLUMN(B2:K2)-COLUMN(B2)+0.5)``.

    Examples
    --------
    >>> stay_mean([0.5, 0.3, 0.2])
    1.2
    """
    p = stay_profile(stay)
    return float(p @ (np.arange(1, p.size + 1) - 0.5))


def _survival(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survival at year ends S_0..S_K, the share ending in the next year, and the integral of
    S from 0 to each year end."""
    survival = np.concatenate(([1.0], 1.0 - np.cumsum(p)))
    survival[-1] = 0.0
    survival = np.clip(survival, 0.0, 1.0)
    ending_next = np.concatenate((p, [0.0]))
    integral = np.concatenate(([0.0], np.cumsum((survival[:-1] + survival[1:]) / 2.0)))
    return survival, ending_next, integral


def _occupancy(p: np.ndarray, years: int, stretch: np.ndarray) -> np.ndarray:
    """Share of each year of stay spent in care, for each stretch factor: shape (years, n)."""
    survival, ending_next, integral = _survival(p)
    half_ending = ending_next / 2.0
    last = p.size
    f = np.maximum(np.asarray(stretch, dtype=float).ravel(), 1e-12)
    inverse = 1.0 / f
    out = np.empty((years, f.size))
    previous = np.zeros(f.size)
    # Row by row (one year end at a time) keeps every array the size of one row.
    for k in range(1, years + 1):
        y = np.minimum(k * inverse, last)  # year end k on the profile's own time scale
        whole = y.astype(np.intp)
        part = y - whole
        # Integral of the survival curve to y = j + u: I_j + u (S_j - u p_{j+1} / 2); at and
        # beyond the last year S and p are 0, so the cap at `last` changes nothing.
        area = integral[whole] + part * (survival[whole] - half_ending[whole] * part)
        out[k - 1] = (area - previous) * f
        previous = area
    return out


def _mean_stay(mean_stay: float | None, profile_mean: float) -> float:
    if mean_stay is None:
        return 1.0
    value = float(mean_stay)
    floor, ceiling = LIMITS["mean_stay"]
    if not math.isfinite(value) or not floor < value <= ceiling:
        raise OutOfDomainError("mean_stay", f"an average stay must be more than 0 and at most {ceiling:g} years")
    return value / profile_mean


def _years(value: float, name: str) -> int:
    number = float(value)
    if not math.isfinite(number) or number != math.floor(number) or not 1 <= number <= MAX_YEARS:
        raise OutOfDomainError(name, f"expected a whole number of years from 1 to {MAX_YEARS}")
    return int(number)


def stay_occupancy(stay: ArrayLike, years: float | None = None, mean_stay: float | None = None) -> np.ndarray:
    """Share of each year of a stay spent in care, from a length-of-stay profile.

    Parameters
    ----------
    stay : array_like
        Share of children whose stay would end during its 1st, 2nd, ... year (sums to 1).
    years : int, optional
        Years of stay to report (default: the profile's length).
    mean_stay : float, optional
        An average stay in years to stretch the profile to (default: the profile's own,
        :func:`stay_mean`).

    Returns
    -------
    ndarray
        One row: :math:`c_k` for years of stay :math:`k = 0, 1, \\ldots` (see the module notes);
        they sum to the mean stay when ``years`` covers the profile.

    Notes
    -----
    With the profile's own mean, :math:`c_k = S_k - \\tfrac12 p_{k+1}`: every child still in
    care at the start of year *k* counts in full, those whose stay ends in it for half.
    Excel equivalent for the first year: ``=1-B2/2``; year *k*: ``=1-SUM($B2:B2)+C2/2``... with
    the shares from the next column.

    Examples
    --------
    >>> stay_occupancy([0.5, 0.3, 0.2])
    array([[0.75, 0.35, 0.1 ]])
    >>> stay_occupancy([0.5, 0.3, 0.2], 4, mean_stay=2.4).round(4)
    array([[0.875, 0.625, 0.425, 0.275]])
    """
    p = stay_profile(stay)
    n = p.size if years is None else _years(years, "years")
    stretch = _mean_stay(mean_stay, stay_mean(p))
    return _occupancy(p, n, np.array([stretch])).reshape(1, -1)


def _share(value: float, name: str) -> float:
    number = float(value)
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise OutOfDomainError(name, "a share must be between 0 and 1 (0% to 100%)")
    return number


def _cohorts(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if array.size == 0:
        raise NoDataError(name, "no years given")
    if array.size > MAX_YEARS:
        raise ShapeError(name, f"at most {MAX_YEARS} years, got {array.size}")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise OutOfDomainError(name, "each value must be a number of at least 0")
    return array


def _toeplitz(cohorts: np.ndarray) -> np.ndarray:
    """T[k, tau] = cohorts[tau - k] for tau >= k: care of cohort tau - k in its year k."""
    n = cohorts.size
    k = np.arange(n)
    lag = k[None, :] - k[:, None]
    return np.where(lag >= 0, cohorts[np.clip(lag, 0, None)], 0.0)


def care_years(
    cohorts: ArrayLike, stay: ArrayLike, drop_off: float = 0.0, mean_stay: float | None = None
) -> np.ndarray:
    """Child-years of care avoided in each year by cohorts of children kept out of care.

    Parameters
    ----------
    cohorts : array_like
        Children kept out of care in each year's cohort (net of deadweight, attribution and
        displacement), year 0 first.
    stay : array_like
        Share of children whose stay would have ended during its 1st, 2nd, ... year (sums to
        1): the length-of-stay profile.
    drop_off : float, default 0
        Share (0 to 1) of a cohort's avoided care lost each year after prevention.
    mean_stay : float, optional
        Average stay in years to stretch the profile to (default: the profile's own).

    Returns
    -------
    ndarray
        One row, as long as ``cohorts``:
        :math:`Y_\\tau = \\sum_{t \\le \\tau} n_t c_{\\tau-t} (1-d)^{\\tau-t}`.

    Notes
    -----
    The cohort model of the module notes. Drop-off is the persistence of one cohort's effect,
    after HM Treasury's local-partnership CBA guidance (2014). Care after the last year given
    is not counted.

    Examples
    --------
    Ten children kept out of care in each of three years; half would have left within a year,
    30% in their second and 20% in their third; 10% of the effect lost each year:

    >>> care_years([10, 10, 10], [0.5, 0.3, 0.2], 0.1).round(3)
    array([[ 7.5 , 10.65, 11.46]])
    """
    n = _cohorts(cohorts, "cohorts")
    p = stay_profile(stay)
    d = _share(drop_off, "drop_off")
    stretch = _mean_stay(mean_stay, stay_mean(p))
    kernel = _occupancy(p, n.size, np.array([stretch]))[:, 0] * (1.0 - d) ** np.arange(n.size)
    return (kernel @ _toeplitz(n)).reshape(1, -1)


# --------------------------------------------------------------------------- from SSDA903


def stay_profile_from_model(
    transitions: ArrayLike, exits: ArrayLike, entrants: ArrayLike, years: float = 10
) -> np.ndarray:
    """Length-of-stay profile of new entrants under a stock-flow model.

    Parameters
    ----------
    transitions, exits, entrants : array_like
        The model, as :func:`xlfuncs.methods.stock_flow.projection.stockflow_project` takes it:
        daily transition probabilities between states, daily probabilities of leaving care,
        and new entrants per day in each state (which set where new children start).
    years : int, default 10
        Years of the profile; the last holds every stay longer than ``years - 1`` years.

    Returns
    -------
    ndarray
        One row of ``years`` shares summing to 1: of a cohort entering care as the model's
        entrants do, the share whose stay ends during its 1st, 2nd, ... year.

    Raises
    ------
    OutOfDomainError
        No entrants (the profile of nobody is undefined), or an invalid model.

    Notes
    -----
    The survival :math:`S_d` of a cohort of one child spread over the states as the entrants
    are is its projection with no further entrants
    (``stockflow_total(entrants / sum(entrants), transitions, exits, 0, 365 d)``, the model of
    seed 003's stock-flow forecasting, after Social Finance's ``cs-demand-model``); then
    :math:`p_d = S_{d-1} - S_d`, with the last share :math:`S_{K-1}`. Children ageing out of
    care leave through the model's exits.

    Examples
    --------
    One state, children leaving at 1/730 a day (an average stay of about two years):

    >>> stay_profile_from_model([[0]], [1 / 730], [1], 4).round(3)
    array([[0.394, 0.239, 0.145, 0.223]])
    """
    from xlfuncs.methods.stock_flow.projection import stockflow_total

    k = _years(years, "years")
    start = np.asarray(entrants, dtype=float).ravel()
    if start.size == 0 or not np.all(np.isfinite(start)) or np.any(start < 0):
        raise OutOfDomainError("entrants", "entrants per day must be numbers of at least 0")
    total = float(start.sum())
    if total <= 0:
        raise OutOfDomainError("entrants", "no entrants: a length of stay needs children entering care")
    days = np.arange(k) * _YEAR_DAYS
    survival = stockflow_total(start / total, transitions, exits, np.zeros_like(start), days)
    survival = np.clip(np.minimum.accumulate(survival), 0.0, 1.0)
    shares = np.append(survival[:-1] - survival[1:], survival[-1])
    return shares.reshape(1, -1)


def stay_profile_from_903(
    table, reference_start: dt.date | str, reference_end: dt.date | str, years: int = 10
) -> np.ndarray:
    """Length-of-stay profile of new entrants estimated from an SSDA903 return.

    Parameters
    ----------
    table : EpisodeTable
        Episodes from :func:`xlfuncs.data.ssda903.read_ssda903`.
    reference_start, reference_end : date or ``YYYY-MM-DD``
        The period whose transitions, exits and entrants are estimated.
    years : int, default 10
        Years of the profile (the last holds every longer stay).

    Returns
    -------
    ndarray
        ``years`` shares summing to 1, as :func:`stay_profile_from_model`.

    Notes
    -----
    :func:`xlfuncs.methods.stock_flow.estimate` (the stock-flow model of seed 003) over the
    reference period, then :func:`stay_profile_from_model`. Only aggregated rates leave the
    return: no child-level value is in the result.

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> table = read_ssda903(samples_dir() / "ssda903")
    >>> profile = stay_profile_from_903(table, "2022-04-01", "2023-03-31", 10)
    >>> round(float(profile.sum()), 9)
    1.0
    """
    from xlfuncs.methods.stock_flow import estimate

    model = estimate(table, reference_start, reference_end)
    return stay_profile_from_model(model.rates, model.exits, model.entrants, years)[0]


# --------------------------------------------------------------------------- the whole appraisal


@dataclass(frozen=True)
class Setting:
    """The fixed part of a cohort appraisal: its years and profiles."""

    running: np.ndarray  # (N,) multiplier of a year's cost: 1 while the service runs
    ramp: np.ndarray  # (N,) share of the full effect reached each year
    profile: np.ndarray  # (K,) length-of-stay profile
    factors: np.ndarray  # (N,) Green Book discount factors
    price_factor: float

    @property
    def years(self) -> int:
        return int(self.running.size)

    @property
    def profile_mean(self) -> float:
        return float(self.profile @ (np.arange(1, self.profile.size + 1) - 0.5))


def setting(
    running: ArrayLike,
    ramp: ArrayLike,
    stay: ArrayLike,
    schedule: str | float = "standard",
    price_factor: float = 1.0,
) -> Setting:
    """The fixed part of a cohort appraisal, checked.

    Parameters
    ----------
    running : array_like
        One value a year, year 0 first: 1 while the service runs (0 once it stops; a fraction
        for part of a year). Multiplies both the year's cost and its new cohort.
    ramp : array_like
        Share (0 to 1) of the full effect the service reaches each year, as long as ``running``.
    stay : array_like
        The length-of-stay profile (see :func:`stay_profile`).
    schedule : {"standard", "health"} or float, default "standard"
        As :func:`xlfuncs.methods.appraisal.discount_factor`.
    price_factor : float, default 1
        Multiplier of every money value, e.g. the rebasing factor to base-year prices.

    Examples
    --------
    >>> s = setting([1, 1, 1], [0.5, 1, 1], [0.5, 0.5])
    >>> s.years, s.profile_mean
    (3, 1.0)
    """
    run = appraisal._profile(running, "running")
    if np.any(run < 0):
        raise OutOfDomainError("running", "a multiplier of the year's cost cannot be negative")
    up = appraisal._profile(ramp, "ramp")
    if up.size != run.size:
        raise ShapeError("ramp", f"{up.size} years of ramp-up against {run.size} years of running")
    if np.any((up < 0) | (up > 1)):
        raise OutOfDomainError("ramp", "each year's share of the full effect must be between 0 and 1")
    if run.size > MAX_YEARS:
        raise ShapeError("running", f"at most {MAX_YEARS} years, got {run.size}")
    factor = float(price_factor)
    if not math.isfinite(factor) or factor <= 0:
        raise OutOfDomainError("price_factor", "must be a positive number (1 for no rebasing)")
    return Setting(run, up, stay_profile(stay), appraisal._factors_for(run.size, schedule, 0), factor)


def _measure(measure: str) -> str:
    key = str(measure).strip().lower()
    if key not in MEASURES:
        raise NotFoundError("measure", f'"{measure}" is not one of {", ".join(MEASURES)}')
    return key


@dataclass(frozen=True)
class Flows:
    """Yearly costs and benefits of many sets of inputs: arrays of shape (years, sets)."""

    costs: np.ndarray
    benefits: np.ndarray

    @property
    def net(self) -> np.ndarray:
        return self.benefits - self.costs


def _value(values: Mapping[str, ArrayLike], name: str) -> np.ndarray:
    array = np.asarray(values[name], dtype=float)
    return array if array.ndim == 0 else array.ravel()


def evaluate(values: Mapping[str, ArrayLike], fixed: Setting, measure: str = "public") -> Flows:
    """Yearly costs and the chosen benefits for many sets of inputs at once.

    Parameters
    ----------
    values : mapping of input name to array_like
        Every name of :data:`INPUTS`, each one number (the same for every set) or one value
        per set (all the same length). Not checked here:
        :func:`xlfuncs.methods.cohort_uncertainty.parse_inputs` checks them against
        :data:`LIMITS`.
    fixed : Setting
        Years, ramp-up and length-of-stay profile (:func:`setting`).
    measure : {"public", "fiscal", "cashable"}, default "public"
        Benefits counted: all (fiscal, economic and social), fiscal only, or cashable only.

    Returns
    -------
    Flows
        ``costs`` and ``benefits``, each of shape (years, sets), in base-year prices.

    Notes
    -----
    For each set, with *n* the children prevented a year at full effect:

    .. math::

        C_\\tau = r\\,c\\,(1 + o)\\,u_\\tau\\,\\pi, \\qquad
        B_\\tau = Y_\\tau\\,(1 + g)^{\\tau}\\, v\\, \\pi, \\qquad
        Y_\\tau = n (1-w)(1-a)(1-x) \\sum_{t \\le \\tau} u_t h_t\\, c_{\\tau-t} (1-d)^{\\tau-t}

    with reach *r*, cost per case *c*, optimism bias *o*, running :math:`u`, ramp-up *h*,
    deadweight *w*, attribution *a*, displacement *x*, drop-off *d*, occupancy :math:`c_k`
    (stretched to the set's mean stay), real unit-cost growth *g*, value per year of care *v*
    (cashable, + non-cashable, + economic and social, by ``measure``) and price factor
    :math:`\\pi`. The work is a few operations on arrays of years x sets and one small
    matrix product (the cohorts' Toeplitz matrix), so 100,000 sets of a 10-year appraisal
    take milliseconds.

    Examples
    --------
    >>> s = setting([1, 1], [1, 1], [1.0])
    >>> v = dict.fromkeys(INPUTS, 0.0) | {"reach": 10, "cost_per_case": 100, "children_prevented": 2,
    ...      "mean_stay": 0.5, "cashable_per_year": 1000}
    >>> f = evaluate(v, s)
    >>> f.costs.tolist(), f.benefits.tolist()
    ([[1000.0], [1000.0]], [[1000.0], [1000.0]])
    """
    key = _measure(measure)
    get = {name: _value(values, name) for name in INPUTS}
    n = max(array.size for array in get.values())
    years = fixed.years
    price = fixed.price_factor
    cost_scale = get["reach"] * get["cost_per_case"] * (1.0 + get["optimism_bias"]) * price
    costs = np.multiply.outer(fixed.running, np.broadcast_to(cost_scale, (n,)))
    stay = get["mean_stay"]
    if stay.ndim == 0 or np.all(stay == stay[0]):
        occupancy = _occupancy(fixed.profile, years, stay.reshape(-1)[:1] / fixed.profile_mean)
    else:
        occupancy = _occupancy(fixed.profile, years, stay / fixed.profile_mean)
    keep = 1.0 - get["drop_off"]
    sets = max(occupancy.shape[1], keep.size)
    cohorts = fixed.running * fixed.ramp
    cared = np.zeros((years, sets))
    persistence: np.ndarray | float = 1.0
    for k in range(years):
        # Care avoided in year tau by the cohort of year tau - k, k years after prevention.
        kernel = occupancy[k] * persistence
        for tau in range(k, years):
            if cohorts[tau - k]:
                cared[tau] += cohorts[tau - k] * kernel
        persistence = persistence * keep
    value = get["cashable_per_year"]
    if key != "cashable":
        value = value + get["non_cashable_per_year"]
    if key == "public":
        value = value + get["economic_per_year"] + get["social_per_year"]
    scale = (
        get["children_prevented"]
        * (1.0 - get["deadweight"])
        * (1.0 - get["attribution"])
        * (1.0 - get["displacement"])
        * value
        * price
    )
    growth = 1.0 + get["unit_cost_growth"]
    benefits = np.empty((years, n))
    index: np.ndarray | float = scale
    for tau in range(years):
        benefits[tau] = cared[tau] * index
        index = index * growth
    return Flows(costs=costs, benefits=benefits)


def npv(flows: Flows, fixed: Setting) -> np.ndarray:
    """Net present value of each set of flows (Green Book, year 0 undiscounted)."""
    total = np.zeros(flows.costs.shape[1])
    for t, factor in enumerate(fixed.factors):  # numpy's loops: no threaded BLAS call (see sampling)
        total += (flows.benefits[t] - flows.costs[t]) * factor
    return total


def payback(flows: Flows, fixed: Setting, discounted: bool = True) -> np.ndarray:
    """Payback of each set in years from the start of year 0; NaN where it does not pay back.

    As :func:`xlfuncs.methods.appraisal.payback_period` (discounted) and
    :func:`xlfuncs.methods.appraisal.cash_payback_period` (not), for many sets at once.

    Examples
    --------
    >>> s = setting([1, 1, 1], [1, 1, 1], [1.0], schedule=0.0)
    >>> payback(Flows(np.array([[100.0], [0], [0]]), np.array([[0.0], [60], [60]])), s)
    array([2.66666667])
    """
    weights = fixed.factors if discounted else np.ones(fixed.years)
    sets = flows.costs.shape[1]
    result = np.full(sets, np.nan)
    cumulative = np.zeros(sets)
    open_ = np.ones(sets, dtype=bool)
    for t in range(fixed.years):
        before = cumulative
        cumulative = before + (flows.benefits[t] - flows.costs[t]) * weights[t]
        crossed = open_ & (cumulative > 0)
        if crossed.any():
            with np.errstate(invalid="ignore", divide="ignore"):
                result[crossed] = t + (-before[crossed]) / (cumulative[crossed] - before[crossed])
            open_ &= ~crossed
    return result
