"""How sure are we? Monte Carlo simulation and one-way (tornado) sensitivity of an appraisal.

The model is the single-period cost-benefit of :mod:`xlfuncs.methods.cost_benefit` spread over years
by two profiles, as in :mod:`xlfuncs.methods.appraisal`:

* a year's cost is ``reach * cost_per_case``; the cost in year *t* is that times
  ``cost_profile[t]`` (1 for a year the service runs, 0 once it stops; include an optimism
  bias uplift or a price rebasing factor in the profile, e.g. 1.1);
* a year's gross saving is ``cases_prevented * saving_per_prevented_case``; the benefit in
  year *t* is that times ``benefit_profile[t]`` (the share of the full effect achieved that
  year after ramp-up, drop-off, deadweight, attribution and displacement).

The net present value is then, with Green Book discount factors :math:`D_t`,

.. math:: NPV = p\\,s \\sum_t b_t D_t - n\\,c \\sum_t k_t D_t

and "net savings" is the single-period figure of seed 003 (Thurrock DPH report 2017),
``p * s - n * c``.

Each uncertain input is given as one value (known), two values (low, high: uniform) or three
(low, most likely, high: triangular). Draws come from numpy's PCG64 generator seeded with
``seed``, as uniform numbers turned into each input by its inverse distribution function; each
input always uses its own column of the same uniform numbers, so the same seed gives the same
draws and narrowing one input's range leaves the others' draws unchanged. Published tools for
local cost-benefit analysis (the HM Treasury / New Economy model, the Thurrock table) give
point estimates or a low-high pair; this module adds the distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods import appraisal
from xlfuncs.methods.errors import NoDataError, OutOfDomainError, ShapeError
from xlfuncs.methods.sampling import whole_number

#: The four uncertain inputs, in the order of ``NET_SAVINGS``.
INPUTS = ("reach", "cost_per_case", "cases_prevented", "saving_per_prevented_case")
#: Upper bound on draws: keeps one call to seconds whatever is typed.
MAX_DRAWS = 1_000_000
#: Upper bound on draws x years of profile: bounds the time the payback paths take.
MAX_DRAW_YEARS = 20_000_000
#: Draws handled at once when whole yearly paths are needed: bounds memory.
_CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class Triangle:
    """An uncertain input: low, most likely and high (low == mode == high when known)."""

    low: float
    mode: float
    high: float
    kind: str  # "fixed", "uniform" or "triangular"

    @property
    def base(self) -> float:
        """The central value: the most likely, or the middle of a uniform range."""
        return self.mode

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Inverse distribution function at the uniform numbers ``u``.

        Notes
        -----
        Triangular (low *a*, most likely *c*, high *b*): for :math:`u < (c-a)/(b-a)`,
        :math:`a + \\sqrt{u (b-a)(c-a)}`, else :math:`b - \\sqrt{(1-u)(b-a)(b-c)}`; uniform:
        :math:`a + u (b - a)`.

        Examples
        --------
        >>> Triangle(0.0, 5.0, 10.0, "triangular").quantile(np.array([0.0, 0.5, 1.0]))
        array([ 0.,  5., 10.])
        """
        low, mode, high = self.low, self.mode, self.high
        if self.kind == "fixed" or high == low:
            return np.full(u.shape, low)
        if self.kind == "uniform":
            return low + u * (high - low)
        width = high - low
        split = (mode - low) / width
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1.0 - u) * width * (high - mode))
        return np.where(u < split, left, right)


def parse_range(values: ArrayLike, name: str) -> Triangle:
    """An input given as 1 value (known), 2 (low, high: uniform) or 3 (low, mode, high).

    Parameters
    ----------
    values : array_like
        One, two or three non-negative numbers in order.
    name : str
        The argument's name, for error messages.

    Returns
    -------
    Triangle
        The distribution; its ``base`` is the most likely value (or the middle of a range).

    Raises
    ------
    OutOfDomainError
        A negative value, low above high, or a most likely value outside low..high.
    ShapeError
        More than three values.

    Notes
    -----
    Triangular and uniform ranges are the usual way to put a three-point (or two-point)
    estimate into a Monte Carlo simulation; HM Treasury Green Book (2022) asks for the
    uncertainty of key inputs to be shown, not only their central values.

    Examples
    --------
    >>> parse_range([110, 135.5, 150], "reach")
    Triangle(low=110.0, mode=135.5, high=150.0, kind='triangular')
    >>> parse_range([2, 5], "cases_prevented").base
    3.5
    """
    array = np.asarray(values, dtype=float).ravel()
    if array.size == 0:
        raise NoDataError(name, "no value given")
    if array.size > 3:
        raise ShapeError(
            name, f"expected 1 value, (low, high) or (low, most likely, high); got {array.size}"
        )
    if not np.all(np.isfinite(array)):
        raise OutOfDomainError(name, "expected finite numbers")
    if np.any(array < 0):
        raise OutOfDomainError(name, "cannot be negative")
    if array.size == 1:
        v = float(array[0])
        return Triangle(v, v, v, "fixed")
    low, high = float(array[0]), float(array[-1])
    if low > high:
        raise OutOfDomainError(name, f"low {low:g} is above high {high:g}")
    if array.size == 2:
        return Triangle(low, (low + high) / 2.0, high, "uniform")
    mode = float(array[1])
    if not low <= mode <= high:
        raise OutOfDomainError(name, f"most likely {mode:g} is outside {low:g} to {high:g}")
    return Triangle(low, mode, high, "triangular")



def _ranges(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    within_reach: bool,
) -> tuple[Triangle, ...]:
    ranges = tuple(
        parse_range(v, n)
        for v, n in zip(
            (reach, cost_per_case, cases_prevented, saving_per_prevented_case), INPUTS, strict=True
        )
    )
    if within_reach and ranges[2].high > ranges[0].low:
        raise OutOfDomainError(
            "cases_prevented",
            f"up to {ranges[2].high:g} cases prevented against as few as {ranges[0].low:g} "
            "reached; if one case reached can prevent several outcomes, set within_reach to FALSE",
        )
    return ranges


def draw_inputs(ranges: tuple[Triangle, ...], draws: int, seed: int) -> np.ndarray:
    """Draws of each input, one column per input, reproducible from ``seed``.

    Parameters
    ----------
    ranges : tuple of Triangle
        The inputs' distributions (see :func:`parse_range`).
    draws : int
        Number of draws, 1 to 1,000,000.
    seed : int
        Seed of numpy's PCG64 generator; the same seed gives the same draws.

    Returns
    -------
    ndarray
        Shape ``(draws, len(ranges))``.

    Notes
    -----
    One matrix of uniform numbers ``Generator(PCG64(seed)).random((draws, k))`` is drawn and
    column *j* is mapped through input *j*'s inverse distribution function, so each input's
    draws depend only on the seed and its own range.

    Examples
    --------
    >>> r = (parse_range(5, "a"), parse_range([0, 10], "b"))
    >>> x = draw_inputs(r, 3, seed=1)
    >>> x.shape, bool((x[:, 0] == 5).all()), bool(((x[:, 1] >= 0) & (x[:, 1] <= 10)).all())
    ((3, 2), True, True)
    """
    n = whole_number(draws, "draws", 1, MAX_DRAWS)
    s = whole_number(seed, "seed", 0, 2**53)
    uniforms = np.random.Generator(np.random.PCG64(s)).random((n, len(ranges)))
    out = np.empty_like(uniforms)
    for j, distribution in enumerate(ranges):
        out[:, j] = distribution.quantile(uniforms[:, j])
    return out


@dataclass(frozen=True)
class Simulation:
    """Per-draw results of :func:`simulate`."""

    inputs: np.ndarray  # (draws, 4): reach, cost_per_case, cases_prevented, saving
    npv: np.ndarray
    net_savings: np.ndarray
    pays_back: np.ndarray  # bool: cumulative discounted net benefit turns positive


def _profiles(cost_profile: ArrayLike, benefit_profile: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    costs = appraisal._profile(cost_profile, "cost_profile")
    benefits = appraisal._profile(benefit_profile, "benefit_profile")
    if costs.size != benefits.size:
        raise ShapeError(
            "benefit_profile",
            f"{benefits.size} years of benefit profile against {costs.size} years of cost profile",
        )
    if np.any(costs < 0):
        raise OutOfDomainError("cost_profile", "cost multipliers cannot be negative")
    return costs, benefits


def simulate(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    cost_profile: ArrayLike = (1.0,),
    benefit_profile: ArrayLike = (1.0,),
    draws: int = 10_000,
    seed: int = 1,
    schedule: str | float = "standard",
    within_reach: bool = True,
) -> Simulation:
    """Monte Carlo simulation of an intervention's net savings and net present value.

    Parameters
    ----------
    reach, cost_per_case, cases_prevented, saving_per_prevented_case : array_like
        Each 1 value (known), 2 (low, high: uniform) or 3 (low, most likely, high:
        triangular); meanings as :func:`xlfuncs.methods.cost_benefit.net_savings`.
    cost_profile : array_like, default (1,)
        Multiplier of one year's cost in each year, year 0 first (see the module notes).
    benefit_profile : array_like, default (1,)
        Multiplier of one year's gross saving in each year; same length as ``cost_profile``.
    draws : int, default 10,000
        Number of draws, 1 to 1,000,000.
    seed : int, default 1
        Seed; the same seed gives the same results.
    schedule : {"standard", "health"} or float, default "standard"
        As :func:`xlfuncs.methods.appraisal.discount_factor`.
    within_reach : bool, default True
        Refuse ranges where cases prevented could exceed reach.

    Returns
    -------
    Simulation
        Per draw: the inputs, the NPV, the single-period net savings and whether the
        cumulative discounted net benefit turns positive within the profile.

    Notes
    -----
    The NPV is linear in the two products drawn, so it is computed without building yearly
    paths: ``p*s * PV(benefit_profile) - n*c * PV(cost_profile)``. Payback needs the paths
    and is computed in blocks of draws to bound memory. Discounting after HM Treasury Green
    Book (2022), Annex A6; net savings after seed 003 (Thurrock DPH report 2017).

    Examples
    --------
    >>> sim = simulate([110, 135.5, 150], 2285, [10, 21.7, 30], 70_727, draws=1000, seed=7)
    >>> sim.npv.shape, bool(np.all(sim.npv == sim.net_savings))
    ((1000,), True)
    """
    ranges = _ranges(reach, cost_per_case, cases_prevented, saving_per_prevented_case, within_reach)
    costs, benefits = _profiles(cost_profile, benefit_profile)
    n = whole_number(draws, "draws", 1, MAX_DRAWS)
    if n * costs.size > MAX_DRAW_YEARS:
        raise OutOfDomainError(
            "draws",
            f"{n:,} draws of a {costs.size:,}-year profile is more than "
            f"{MAX_DRAW_YEARS:,} draw-years: use fewer draws or years",
        )
    x = draw_inputs(ranges, n, seed)
    annual_cost = x[:, 0] * x[:, 1]
    annual_gross = x[:, 2] * x[:, 3]
    factors = appraisal._factors_for(costs.size, schedule, 0)
    discounted_costs = costs * factors
    discounted_benefits = benefits * factors
    npv = annual_gross * discounted_benefits.sum() - annual_cost * discounted_costs.sum()
    cum_costs = np.cumsum(discounted_costs)
    cum_benefits = np.cumsum(discounted_benefits)
    pays_back = np.empty(x.shape[0], dtype=bool)
    step = max(1, _CHUNK_CELLS // costs.size)
    for start in range(0, x.shape[0], step):
        stop = start + step
        paths = (
            annual_gross[start:stop, None] * cum_benefits
            - annual_cost[start:stop, None] * cum_costs
        )
        pays_back[start:stop] = (paths > 0).any(axis=1)
    return Simulation(x, npv, annual_gross - annual_cost, pays_back)


def _percentiles(percentiles: ArrayLike) -> np.ndarray:
    k = np.atleast_1d(np.asarray(percentiles, dtype=float)).ravel()
    if k.size == 0:
        raise NoDataError("percentiles", "give at least one percentile, e.g. 0.5")
    if np.any(np.isnan(k)) or np.any((k < 0) | (k > 1)):
        raise OutOfDomainError(
            "percentiles", "each must be between 0 and 1, as in PERCENTILE.INC (5% is 0.05)"
        )
    return k


def npv_percentiles(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    cost_profile: ArrayLike,
    benefit_profile: ArrayLike,
    percentiles: ArrayLike,
    draws: int = 10_000,
    seed: int = 1,
    schedule: str | float = "standard",
    within_reach: bool = True,
) -> np.ndarray:
    """Chosen percentiles of the simulated net present value.

    Parameters
    ----------
    reach, cost_per_case, cases_prevented, saving_per_prevented_case, cost_profile,
    benefit_profile, draws, seed, schedule, within_reach
        As :func:`simulate`.
    percentiles : array_like
        Fractions between 0 and 1, e.g. (0.05, 0.5, 0.95).

    Returns
    -------
    ndarray
        One NPV per percentile, interpolated between draws as Excel's ``PERCENTILE.INC``.

    Notes
    -----
    Discounting after HM Treasury Green Book (2022), Annex A6. Deterministic for a given seed,
    so a workbook recalculates to the same figures every time.

    Examples
    --------
    >>> p = npv_percentiles([110, 135.5, 150], 2285, [10, 21.7, 30], 70_727,
    ...                     [1, 1, 1], [0.5, 1, 1], [0.05, 0.5, 0.95], draws=2000, seed=3)
    >>> bool(p[0] < p[1] < p[2])
    True
    """
    k = _percentiles(percentiles)
    sim = simulate(
        reach, cost_per_case, cases_prevented, saving_per_prevented_case,
        cost_profile, benefit_profile, draws, seed, schedule, within_reach,
    )
    return np.quantile(sim.npv, k)


def net_savings_percentiles(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    percentiles: ArrayLike,
    draws: int = 10_000,
    seed: int = 1,
    within_reach: bool = True,
) -> np.ndarray:
    """Chosen percentiles of the simulated single-period net savings.

    Parameters
    ----------
    reach, cost_per_case, cases_prevented, saving_per_prevented_case, draws, seed, within_reach
        As :func:`simulate`.
    percentiles : array_like
        Fractions between 0 and 1.

    Returns
    -------
    ndarray
        One net-savings figure per percentile (``PERCENTILE.INC`` interpolation).

    Notes
    -----
    Net savings as seed 003 (Thurrock DPH report 2017): cases prevented x saving per case less
    reach x cost per case. The draws are those :func:`simulate` makes with the same seed.

    Examples
    --------
    >>> net_savings_percentiles(135.5, 2285, 21.7, 1_534_771 / 21.7, [0.5])
    array([1225153.5])
    """
    k = _percentiles(percentiles)
    sim = simulate(
        reach, cost_per_case, cases_prevented, saving_per_prevented_case,
        draws=draws, seed=seed, within_reach=within_reach,
    )
    return np.quantile(sim.net_savings, k)


def payback_probability(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    cost_profile: ArrayLike,
    benefit_profile: ArrayLike,
    draws: int = 10_000,
    seed: int = 1,
    schedule: str | float = "standard",
    within_reach: bool = True,
) -> float:
    """Probability that the intervention pays back within the years of the profile.

    Parameters
    ----------
    reach, cost_per_case, cases_prevented, saving_per_prevented_case, cost_profile,
    benefit_profile, draws, seed, schedule, within_reach
        As :func:`simulate`.

    Returns
    -------
    float
        Share of draws whose cumulative discounted net benefit turns positive in some year of
        the profile, as :func:`xlfuncs.methods.appraisal.payback_period` finds a payback.

    Notes
    -----
    The local-partnership CBA guidance (HM Treasury, 2014) reports the payback period; this
    gives the chance there is one. Discounting after HM Treasury Green Book (2022), Annex A6.

    Examples
    --------
    >>> round(payback_probability(100, 1000, [0, 2], 100_000, [1], [1], seed=1), 1)
    0.5
    """
    sim = simulate(
        reach, cost_per_case, cases_prevented, saving_per_prevented_case,
        cost_profile, benefit_profile, draws, seed, schedule, within_reach,
    )
    return float(sim.pays_back.mean())


def tornado(
    reach: ArrayLike,
    cost_per_case: ArrayLike,
    cases_prevented: ArrayLike,
    saving_per_prevented_case: ArrayLike,
    cost_profile: ArrayLike = (1.0,),
    benefit_profile: ArrayLike = (1.0,),
    schedule: str | float = "standard",
    within_reach: bool = True,
) -> np.ndarray:
    """One-way sensitivity of the NPV to each input, largest swing first (a tornado table).

    Parameters
    ----------
    reach, cost_per_case, cases_prevented, saving_per_prevented_case, cost_profile,
    benefit_profile, schedule, within_reach
        As :func:`simulate`.

    Returns
    -------
    ndarray
        Shape (4, 4), one row per input sorted by swing, largest first (ties in argument
        order): the input's number (1 reach, 2 cost per case, 3 cases prevented, 4 saving per
        prevented case), the NPV with that input at its low, the NPV at its high, and the
        swing ``|high - low|``. The other inputs stay at their most likely values (the middle
        of a two-value range).

    Notes
    -----
    One-way sensitivity analysis, which HM Treasury Green Book (2022) asks for beside
    switching values; drawn as a tornado chart its bars show which input moves the answer
    most. An input given as one value has zero swing.

    Examples
    --------
    >>> table = tornado([100, 120], [2000, 3000], 20, [50_000, 60_000])
    >>> table[:, 0]
    array([4., 2., 1., 3.])
    >>> table[0, 1:]
    array([725000., 925000., 200000.])
    """
    ranges = _ranges(reach, cost_per_case, cases_prevented, saving_per_prevented_case, within_reach)
    costs, benefits = _profiles(cost_profile, benefit_profile)
    factors = appraisal._factors_for(costs.size, schedule, 0)
    pv_cost, pv_benefit = float(costs @ factors), float(benefits @ factors)
    base = [r.base for r in ranges]

    def value(x: list[float]) -> float:
        return x[2] * x[3] * pv_benefit - x[0] * x[1] * pv_cost

    rows = []
    for j, r in enumerate(ranges):
        low, high = list(base), list(base)
        low[j], high[j] = r.low, r.high
        at_low, at_high = value(low), value(high)
        rows.append((j + 1, at_low, at_high, abs(at_high - at_low)))
    rows.sort(key=lambda row: (-row[3], row[0]))
    return np.array(rows, dtype=float)
