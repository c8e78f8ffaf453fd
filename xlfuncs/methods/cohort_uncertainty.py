"""How sure are we of a cohort appraisal? Monte Carlo over any of its inputs, with rank
correlation between chosen inputs, and a tornado of every uncertain input.

Every input of :mod:`xlfuncs.methods.cohort` (reach, cost per case, optimism bias, children
prevented, deadweight, attribution, displacement, drop-off, the average stay avoided, the four
values of a year of care avoided and the real growth of unit costs) is given as one row of an
input table, ``(code, low, central, high, sd)`` with the distributions of
:mod:`xlfuncs.methods.sampling`: fixed, uniform, triangular, PERT or normal truncated at its
bounds. The central column is the deterministic appraisal, so the simulation's NPV at the
central values is the appraisal's NPV.

Chosen inputs can be rank-correlated (a more effective service may also be one whose effect
lasts; placement and staff savings move with care prices) by the method of Iman and Conover,
with a target matrix checked to be a correlation matrix (entries in [-1, 1], unit diagonal,
symmetric, positive semi-definite). Draws are reproducible from one seed.

The tornado moves each input from its 5th to its 95th percentile (or any other tail) with the
others at their central values and ranks every input by the swing of the NPV; fixed inputs
swing by nothing and come last. Percentiles rather than end points put the five
distributions on one footing: a normal has no end points, and the ends of a uniform range are
as likely as its middle. HM Treasury's Green Book (2022) asks for the uncertainty of key
inputs to be shown, with sensitivity analysis and switching values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods import cohort
from xlfuncs.methods.errors import NoDataError, OutOfDomainError, ShapeError
from xlfuncs.methods.sampling import (
    MAX_DRAWS,
    Distribution,
    check_correlation,
    draw,
    parse_distribution,
    spearman_matrix,
    whole_number,
)

#: Upper bound on draws x years: bounds the work of the yearly paths.
MAX_DRAW_YEARS = 20_000_000
#: Draws handled at once: each array of one block's draws stays small enough for the
#: processor's cache, which matters more than the count of numpy calls.
_BLOCK = 16_384


def parse_inputs(inputs: ArrayLike) -> list[Distribution]:
    """The input table as one distribution per input of :data:`xlfuncs.methods.cohort.INPUTS`.

    Parameters
    ----------
    inputs : array_like, shape (14, 5)
        One row per input in the order of :data:`~xlfuncs.methods.cohort.INPUTS`, columns
        (distribution code, low, central, high, sd); NaN (a blank cell) where not needed.
        Fewer than five columns are padded with blanks.

    Raises
    ------
    ShapeError
        Not one row per input.
    OutOfDomainError, NotFoundError
        A row that is not a valid distribution within its input's limits; the message names
        the row and the input.

    Examples
    --------
    >>> table = np.full((14, 5), np.nan); table[:, 0] = 1; table[:, 2] = 0.0
    >>> table[8, 2] = 2.5
    >>> [d.kind for d in parse_inputs(table)][:2]
    ['fixed', 'fixed']
    """
    table = np.asarray(inputs, dtype=float)
    if table.ndim == 1:
        table = table.reshape(1, -1)
    if table.ndim != 2 or table.shape[0] != len(cohort.INPUTS) or not 1 <= table.shape[1] <= 5:
        raise ShapeError(
            "inputs",
            f"expected {len(cohort.INPUTS)} rows (one per input, in order) of up to 5 columns "
            f"(code, low, central, high, sd), got {'x'.join(map(str, table.shape))}",
        )
    out = []
    for j, name in enumerate(cohort.INPUTS):
        distribution = parse_distribution(table[j], "inputs", cohort.LIMITS[name], f"row {j + 1} ({name})")
        if name == "mean_stay" and distribution.central <= 0:
            raise OutOfDomainError("inputs", f"row {j + 1} ({name}): the average stay must be more than 0 years")
        out.append(distribution)
    return out


def _correlation(
    distributions: list[Distribution], correlated: ArrayLike | None, correlation: ArrayLike | None
) -> tuple[list[int], np.ndarray | None]:
    if correlated is None and correlation is None:
        return [], None
    if correlated is None:
        raise NoDataError("correlated", "a correlation matrix needs the numbers of the inputs it correlates")
    if correlation is None:
        raise NoDataError("correlation", "give the target rank correlations of the correlated inputs")
    numbers = np.asarray(correlated, dtype=float).ravel()
    count = len(distributions)
    picked = [whole_number(v, "correlated", 1, count) - 1 for v in numbers]
    if len(set(picked)) != len(picked):
        raise OutOfDomainError("correlated", "an input is listed twice")
    for j in picked:
        if distributions[j].fixed:
            raise OutOfDomainError(
                "correlated", f"input {j + 1} ({cohort.INPUTS[j]}) is fixed: only uncertain inputs can be correlated"
            )
    matrix = check_correlation(correlation, len(picked))
    return picked, matrix


@dataclass(frozen=True)
class CohortSimulation:
    """Per-draw results of :func:`simulate`."""

    inputs: np.ndarray  # (draws, 14): each input's draws, in the order of cohort.INPUTS
    npv: np.ndarray
    payback: np.ndarray  # discounted, from the start of year 0; NaN where it does not pay back

    @property
    def pays_back(self) -> np.ndarray:
        return ~np.isnan(self.payback)


def draws_of(
    inputs: ArrayLike,
    correlated: ArrayLike | None = None,
    correlation: ArrayLike | None = None,
    draws: int = 10_000,
    seed: int = 1,
) -> np.ndarray:
    """The draws of every input: shape (draws, 14), reproducible from ``seed``.

    Parameters
    ----------
    inputs : array_like
        The input table (see :func:`parse_inputs`).
    correlated : array_like, optional
        Numbers (1 to 14, in the table's order) of the inputs to correlate.
    correlation : array_like, optional
        Their target rank (Spearman) correlations, a square matrix.
    draws : int, default 10,000
        Number of draws, 1 to 1,000,000.
    seed : int, default 1
        Whole-number seed; the same seed gives the same draws.

    Examples
    --------
    >>> table = np.full((14, 5), np.nan); table[:, 0] = 1; table[:, 2] = 0.0; table[8, 2] = 2.0
    >>> table[3] = [3, 10, 20, 30, np.nan]
    >>> x = draws_of(table, draws=5, seed=2)
    >>> x.shape, bool(np.all(x[:, 0] == 0)), bool(np.all((x[:, 3] >= 10) & (x[:, 3] <= 30)))
    ((5, 14), True, True)
    """
    distributions = parse_inputs(inputs)
    picked, matrix = _correlation(distributions, correlated, correlation)
    n = whole_number(draws, "draws", 1, MAX_DRAWS)
    s = whole_number(seed, "seed", 0, 2**53)
    if picked and n < len(picked) + 2:
        raise OutOfDomainError("draws", f"correlating {len(picked)} inputs needs at least {len(picked) + 2} draws")
    return draw(distributions, n, s, picked, matrix)


def simulate(
    inputs: ArrayLike,
    running: ArrayLike,
    ramp: ArrayLike,
    stay_profile: ArrayLike,
    correlated: ArrayLike | None = None,
    correlation: ArrayLike | None = None,
    draws: int = 10_000,
    seed: int = 1,
    schedule: str | float = "standard",
    measure: str = "public",
    price_factor: float = 1.0,
) -> CohortSimulation:
    """Monte Carlo simulation of a cohort appraisal.

    Parameters
    ----------
    inputs, correlated, correlation, draws, seed
        As :func:`draws_of`.
    running, ramp, stay_profile, schedule, price_factor
        As :func:`xlfuncs.methods.cohort.setting`.
    measure : {"public", "fiscal", "cashable"}, default "public"
        Benefits the NPV and payback count.

    Returns
    -------
    CohortSimulation
        Per draw: the inputs, the NPV and the discounted payback period.

    Notes
    -----
    Each draw is the appraisal of :func:`xlfuncs.methods.cohort.evaluate`, computed for all
    draws at once (in blocks of draws to bound memory). Discounting after HM Treasury Green
    Book (2022), Annex A6.

    Examples
    --------
    >>> table = np.full((14, 5), np.nan); table[:, 0] = 1; table[:, 2] = 0.0
    >>> table[0, 2], table[1, 2], table[8, 2], table[9, 2] = 100, 2000, 2.0, 40_000
    >>> table[3] = [3, 5, 10, 15, np.nan]
    >>> sim = simulate(table, [1] * 5, [1] * 5, [0.3, 0.3, 0.2, 0.2], draws=1000, seed=4)
    >>> sim.npv.shape, bool(sim.pays_back.mean() > 0.9)
    ((1000,), True)
    """
    x = draws_of(inputs, correlated, correlation, draws, seed)
    fixed = cohort.setting(running, ramp, stay_profile, schedule, price_factor)
    key = cohort._measure(measure)
    n = x.shape[0]
    if n * fixed.years > MAX_DRAW_YEARS:
        raise OutOfDomainError(
            "draws",
            f"{n:,} draws of a {fixed.years}-year appraisal is more than {MAX_DRAW_YEARS:,} "
            "draw-years: use fewer draws or years",
        )
    constant = {j: float(d) for j, d in enumerate(x[0]) if np.all(x[:, j] == d)}
    npv = np.empty(n)
    payback = np.empty(n)
    step = _BLOCK
    for start in range(0, n, step):
        block = x[start : start + step]
        values = {
            name: constant[j] if j in constant else block[:, j] for j, name in enumerate(cohort.INPUTS)
        }
        flows = cohort.evaluate(values, fixed, key)
        npv[start : start + step] = cohort.npv(flows, fixed)
        payback[start : start + step] = cohort.payback(flows, fixed)
    return CohortSimulation(x, npv, payback)


def _percentiles(percentiles: ArrayLike) -> np.ndarray:
    k = np.atleast_1d(np.asarray(percentiles, dtype=float)).ravel()
    if k.size == 0:
        raise NoDataError("percentiles", "give at least one percentile, e.g. 0.5")
    if np.any(np.isnan(k)) or np.any((k < 0) | (k > 1)):
        raise OutOfDomainError("percentiles", "each must be between 0 and 1, as in PERCENTILE.INC (5% is 0.05)")
    return k


def npv_percentiles(
    inputs: ArrayLike,
    running: ArrayLike,
    ramp: ArrayLike,
    stay_profile: ArrayLike,
    percentiles: ArrayLike,
    correlated: ArrayLike | None = None,
    correlation: ArrayLike | None = None,
    draws: int = 10_000,
    seed: int = 1,
    schedule: str | float = "standard",
    measure: str = "public",
    price_factor: float = 1.0,
) -> np.ndarray:
    """Chosen percentiles of the simulated NPV of a cohort appraisal.

    Parameters
    ----------
    inputs, running, ramp, stay_profile, correlated, correlation, draws, seed, schedule,
    measure, price_factor
        As :func:`simulate`.
    percentiles : array_like
        Fractions between 0 and 1, e.g. (0.05, 0.5, 0.95).

    Returns
    -------
    ndarray
        One NPV per percentile, interpolated between draws as Excel's ``PERCENTILE.INC``.

    Examples
    --------
    >>> table = np.full((14, 5), np.nan); table[:, 0] = 1; table[:, 2] = 0.0
    >>> table[0, 2], table[1, 2], table[8, 2], table[9, 2] = 100, 2000, 2.0, 40_000
    >>> table[3] = [3, 5, 10, 15, np.nan]
    >>> p = npv_percentiles(table, [1] * 5, [1] * 5, [0.3, 0.3, 0.2, 0.2], [0.05, 0.5, 0.95])
    >>> bool(p[0] < p[1] < p[2])
    True
    """
    k = _percentiles(percentiles)
    sim = simulate(inputs, running, ramp, stay_profile, correlated, correlation, draws, seed,
                   schedule, measure, price_factor)
    return np.quantile(sim.npv, k)


def payback_probability(
    inputs: ArrayLike,
    running: ArrayLike,
    ramp: ArrayLike,
    stay_profile: ArrayLike,
    correlated: ArrayLike | None = None,
    correlation: ArrayLike | None = None,
    draws: int = 10_000,
    seed: int = 1,
    schedule: str | float = "standard",
    measure: str = "public",
    price_factor: float = 1.0,
) -> float:
    """Probability that a cohort appraisal pays back (discounted) within its years.

    Parameters
    ----------
    inputs, running, ramp, stay_profile, correlated, correlation, draws, seed, schedule,
    measure, price_factor
        As :func:`simulate`.

    Returns
    -------
    float
        Share of draws whose cumulative discounted net benefit turns positive within the
        appraisal, as :func:`xlfuncs.methods.appraisal.payback_period` finds a payback.

    Examples
    --------
    >>> table = np.full((14, 5), np.nan); table[:, 0] = 1; table[:, 2] = 0.0
    >>> table[0, 2], table[1, 2], table[8, 2], table[9, 2] = 100, 2000, 0.5, 40_000
    >>> table[3] = [2, 0, 10, 20, np.nan]
    >>> round(payback_probability(table, [1], [1], [1.0], draws=20_000), 2)
    0.5
    """
    sim = simulate(inputs, running, ramp, stay_profile, correlated, correlation, draws, seed,
                   schedule, measure, price_factor)
    return float(sim.pays_back.mean())


def rank_correlation(
    inputs: ArrayLike,
    correlated: ArrayLike,
    correlation: ArrayLike,
    draws: int = 10_000,
    seed: int = 1,
) -> np.ndarray:
    """The rank correlations the draws achieve between the correlated inputs.

    Parameters
    ----------
    inputs, correlated, correlation, draws, seed
        As :func:`draws_of`.

    Returns
    -------
    ndarray
        Square matrix of the Spearman correlations of the draws, in the order of
        ``correlated``: to set beside the target.

    Notes
    -----
    Iman and Conover's method reaches the target up to sampling error, of the order of
    :math:`1/\\sqrt{draws}`.

    Examples
    --------
    >>> table = np.full((14, 5), np.nan); table[:, 0] = 1; table[:, 2] = 0.0; table[8, 2] = 2.0
    >>> table[3] = [3, 10, 20, 30, np.nan]; table[7] = [4, 0, 0.05, 0.2, np.nan]
    >>> rank_correlation(table, [4, 8], [[1, -0.5], [-0.5, 1]], 50_000).round(2)
    array([[ 1. , -0.5],
           [-0.5,  1. ]])
    """
    x = draws_of(inputs, correlated, correlation, draws, seed)
    columns = [int(v) - 1 for v in np.asarray(correlated, dtype=float).ravel()]
    return spearman_matrix(x[:, columns])


def _tail(tail: float) -> float:
    value = float(tail)
    if not math.isfinite(value) or not 0 <= value < 0.5:
        raise OutOfDomainError("tail", "must be at least 0 and below 0.5 (0.05 for the 5th and 95th percentiles)")
    return value


def tornado(
    inputs: ArrayLike,
    running: ArrayLike,
    ramp: ArrayLike,
    stay_profile: ArrayLike,
    schedule: str | float = "standard",
    measure: str = "public",
    price_factor: float = 1.0,
    tail: float = 0.05,
) -> np.ndarray:
    """One-way sensitivity of a cohort appraisal's NPV to every input, largest swing first.

    Parameters
    ----------
    inputs, running, ramp, stay_profile, schedule, measure, price_factor
        As :func:`simulate`.
    tail : float, default 0.05
        Each input is moved from this percentile to ``1 - tail`` (0 gives its low and high
        ends; a normal without a bound then has no end and gives an error).

    Returns
    -------
    ndarray
        Shape (14, 4), one row per input sorted by swing, largest first (ties in input order):
        the input's number (1 to 14, the table's order), the NPV with the input at its lower
        percentile, at its upper percentile, and the swing ``|upper - lower|``. The others stay
        at their central values. Fixed inputs have no swing and come last.

    Notes
    -----
    One-way sensitivity analysis, as HM Treasury Green Book (2022) asks for; drawn as a
    tornado chart its bars show which assumption moves the answer most.

    Examples
    --------
    >>> table = np.full((14, 5), np.nan); table[:, 0] = 1; table[:, 2] = 0.0
    >>> table[0, 2], table[1, 2], table[8, 2], table[9, 2] = 100, 2000, 2.0, 40_000
    >>> table[3] = [2, 5, 10, 15, np.nan]; table[1] = [2, 1500, 2000, 2500, np.nan]
    >>> tornado(table, [1] * 5, [1] * 5, [0.3, 0.3, 0.2, 0.2])[:3, 0]
    array([4., 2., 1.])
    """
    distributions = parse_inputs(inputs)
    fixed = cohort.setting(running, ramp, stay_profile, schedule, price_factor)
    key = cohort._measure(measure)
    q = _tail(tail)
    count = len(distributions)
    central = np.array([d.central for d in distributions])
    sets = np.tile(central, (2 * count + 1, 1))
    for j, distribution in enumerate(distributions):
        if distribution.fixed:
            continue
        lower, upper = distribution.quantile(np.array([q, 1.0 - q]))
        if not (math.isfinite(lower) and math.isfinite(upper)):
            raise OutOfDomainError(
                "tail", f"input {j + 1} ({cohort.INPUTS[j]}) has no end point: use a tail above 0"
            )
        sets[2 * j, j], sets[2 * j + 1, j] = lower, upper
    values = cohort.npv(cohort.evaluate(dict(zip(cohort.INPUTS, sets.T, strict=True)), fixed, key), fixed)
    rows = [
        (j + 1, values[2 * j], values[2 * j + 1], abs(values[2 * j + 1] - values[2 * j]))
        for j in range(count)
    ]
    rows.sort(key=lambda row: (-row[3], row[0]))
    return np.array(rows, dtype=float)


def central_npv(
    inputs: ArrayLike,
    running: ArrayLike,
    ramp: ArrayLike,
    stay_profile: ArrayLike,
    schedule: str | float = "standard",
    measure: str = "public",
    price_factor: float = 1.0,
) -> float:
    """NPV of a cohort appraisal at the central values of its input table.

    Parameters
    ----------
    inputs, running, ramp, stay_profile, schedule, measure, price_factor
        As :func:`simulate`; only the central column of ``inputs`` is used (the other
        columns are still checked).

    Returns
    -------
    float
        The NPV of :func:`xlfuncs.methods.cohort.evaluate` at the central values: the same
        number as a worksheet's row-by-row appraisal of the same case.

    Examples
    --------
    >>> table = np.full((14, 5), np.nan); table[:, 0] = 1; table[:, 2] = 0.0
    >>> table[0, 2], table[1, 2], table[3, 2], table[8, 2], table[9, 2] = 10, 100, 2, 0.5, 1000
    >>> central_npv(table, [1, 1], [1, 1], [1.0], schedule=0.0)
    0.0
    """
    distributions = parse_inputs(inputs)
    fixed = cohort.setting(running, ramp, stay_profile, schedule, price_factor)
    values = {name: d.central for name, d in zip(cohort.INPUTS, distributions, strict=True)}
    return float(cohort.npv(cohort.evaluate(values, fixed, measure), fixed)[0])
