"""Forecasts of looked-after children: trend lines, rates held or moved to a target, and the
decomposition of past demand.

"How many children will we have in care if we do nothing?" is answered in councils either with
a trend line in Excel (TREND, GROWTH, FORECAST.ETS) or with a rate per 10,000 children applied
to a projected child population. :func:`lac_forecast` gives both in one spilled column:

* ``"linear"`` and ``"exponential"`` are Excel's TREND and GROWTH on the same data;
* ``"ets"`` is Holt's additive (level and trend) exponential smoothing, fitted as LibreOffice
  Calc's FORECAST.ETS.ADD does with no seasonality;
* ``"population"``, ``"target"`` and ``"rising"`` are the "population growth only", "falling
  CLA" and "rising CLA" scenarios of seed 003 (Thurrock Director of Public Health annual
  report 2017): a rate per 10,000 held, moved to a target, or rising and then levelling off,
  applied to a projected child population.

:func:`lac_forecast_interval` gives the prediction interval of the trend methods and
:func:`lac_decompose` the demand decomposition of seed 003's Figure 5.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import (
    InputError,
    NoDataError,
    NotFoundError,
    OutOfDomainError,
    ShapeError,
)
from xlfuncs.methods.rates import PER

#: Every forecasting method, in the order the documentation lists them.
METHODS = ("linear", "exponential", "ets", "population", "target", "rising")
#: Methods that apply a rate per 10,000 to a projected population.
RATE_METHODS = ("population", "target", "rising")
#: Methods that estimate a trend from the history, so have a prediction interval.
INTERVAL_METHODS = ("linear", "exponential", "ets")
#: Longest horizon, in periods: a century of years or 83 years of months.
MAX_HORIZON = 1_000
#: Longest history accepted: the smoothing fit is a loop over it, so the work stays bounded.
MAX_HISTORY = 10_000

# The parameter search of LibreOffice's FORECAST.ETS stops at this resolution.
_ETS_RESOLUTION = 0.001


# --------------------------------------------------------------------------- validation


def _series(values: ArrayLike, name: str, minimum: int) -> np.ndarray:
    array = np.asarray(values, dtype=float).reshape(-1)
    if array.size < minimum:
        points = "history points" if minimum > 1 else "history point"
        raise NoDataError(name, f"needs at least {minimum} {points}, got {array.size}")
    if array.size > MAX_HISTORY:
        raise ShapeError(name, f"at most {MAX_HISTORY:,} values, got {array.size:,}")
    if not np.all(np.isfinite(array)):
        raise OutOfDomainError(name, "holds a value that is not a finite number")
    return array


def _periods(horizon: float) -> int:
    value = float(horizon)
    if not math.isfinite(value) or value != math.floor(value):
        raise OutOfDomainError("horizon", f"must be a whole number of periods, got {value:g}")
    if value < 1:
        raise OutOfDomainError("horizon", f"must be at least 1 period, got {value:g}")
    if value > MAX_HORIZON:
        raise OutOfDomainError("horizon", f"at most {MAX_HORIZON:,} periods, got {value:g}")
    return int(value)


def _method(method: str, allowed: tuple[str, ...]) -> str:
    key = str(method).strip().lower()
    if key not in allowed:
        raise NotFoundError("method", f'"{method}" is not one of {", ".join(allowed)}')
    return key


def _x_values(known_x: ArrayLike | None, n: int) -> np.ndarray:
    """The known x's (default 1..n, as TREND), strictly increasing."""
    if known_x is None:
        return np.arange(1.0, n + 1.0)
    x = np.asarray(known_x, dtype=float).reshape(-1)
    if x.size != n:
        raise ShapeError("known_x", f"has {x.size} values, known_counts has {n}")
    if not np.all(np.isfinite(x)):
        raise OutOfDomainError("known_x", "holds a value that is not a finite number")
    if np.any(np.diff(x) <= 0):
        raise OutOfDomainError("known_x", "must be strictly increasing (one value per period)")
    return x


def _confidence(confidence: float) -> float:
    value = float(confidence)
    if not (0.0 < value < 1.0):
        raise OutOfDomainError("confidence", f"must be between 0 and 1 (e.g. 0.95), got {value:g}")
    return value


# --------------------------------------------------------------------------- trend lines


def _least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Mean of x, mean of y, slope and the sum of squares of x about its mean."""
    x_mean = float(np.mean(x))
    y_mean = float(np.mean(y))
    dx = x - x_mean
    sxx = float(np.dot(dx, dx))
    slope = float(np.dot(dx, y - y_mean)) / sxx
    return x_mean, y_mean, slope, sxx


def _log_counts(counts: np.ndarray) -> np.ndarray:
    bad = np.flatnonzero(counts <= 0)
    if bad.size:
        raise OutOfDomainError(
            "known_counts",
            f'the exponential method needs positive values, value {bad[0] + 1} is {counts[bad[0]]:g}',
        )
    return np.log(counts)


def _regression(
    counts: np.ndarray, x: np.ndarray, new_x: np.ndarray, logarithmic: bool, confidence: float | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """OLS fit of y (or ln y) on x: forecasts at new_x and, if asked, the interval half-width."""
    y = _log_counts(counts) if logarithmic else counts
    x_mean, y_mean, slope, sxx = _least_squares(x, y)
    fitted = y_mean + slope * (new_x - x_mean)
    if confidence is None:
        return fitted, None
    n = y.size
    residuals = y - (y_mean + slope * (x - x_mean))
    s = math.sqrt(float(np.dot(residuals, residuals)) / (n - 2))
    from scipy import stats  # imported on use: scipy.stats costs half a second to import

    t = float(stats.t.ppf(0.5 + confidence / 2.0, n - 2))
    half = t * s * np.sqrt(1.0 + 1.0 / n + (new_x - x_mean) ** 2 / sxx)
    return fitted, half


# --------------------------------------------------------------------------- smoothing


class _Holt:
    """Holt's additive exponential smoothing with LibreOffice's initial state and fit.

    Level starts at the first value and trend at the average step from first to last value;
    alpha (level) and gamma (trend) are chosen by LibreOffice Calc's interval-halving search
    on the mean squared one-step error, the smoothing constant of the trend being searched
    anew for each alpha tried.
    """

    def __init__(self, y: np.ndarray):
        self.y = [float(v) for v in y]
        self.n = len(self.y)
        self.level0 = self.y[0]
        self.trend0 = (self.y[-1] - self.y[0]) / (self.n - 1)
        self.alpha = self.gamma = 0.0
        self.mse = self._run(0.0, 0.0)[0]

    def _run(self, alpha: float, gamma: float) -> tuple[float, float, float]:
        """Mean squared one-step error, last level and last trend for these constants."""
        y = self.y
        level, trend = self.level0, self.trend0
        sum_sq = 0.0
        for i in range(1, self.n):
            error = (level + trend) - y[i]
            sum_sq += error * error
            new_level = alpha * y[i] + (1 - alpha) * (level + trend)
            trend = gamma * (new_level - level) + (1 - gamma) * trend
            level = new_level
        return sum_sq / (self.n - 1), level, trend

    @staticmethod
    def _search(evaluate: Callable[[float], float]) -> float:
        """LibreOffice's search of one constant in [0, 1]; returns the constant kept."""
        f0, f2, f1 = 0.0, 1.0, 0.5
        e0 = evaluate(f0)
        e2 = evaluate(f2)
        mse = evaluate(f1)
        if e0 == mse == e2:
            evaluate(0.0)
            return 0.0
        while f2 - f1 > _ETS_RESOLUTION:
            if e2 > e0:
                f2, e2, f1 = f1, mse, (f0 + f1) / 2
            else:
                f0, e0, f1 = f1, mse, (f1 + f2) / 2
            mse = evaluate(f1)
        if e2 > e0:
            if e0 < mse:
                evaluate(f0)
                return f0
        elif e2 < mse:
            evaluate(f2)
            return f2
        return f1

    def fit(self) -> _Holt:
        def with_gamma(gamma: float) -> float:
            self.gamma = gamma
            return self._run(self.alpha, gamma)[0]

        def with_alpha(alpha: float) -> float:
            self.alpha = alpha
            self.gamma = self._search(with_gamma)
            return self._run(alpha, self.gamma)[0]

        # The search leaves gamma at the value found for the alpha it keeps.
        self.alpha = self._search(with_alpha)
        self.mse, self.level, self.trend = self._run(self.alpha, self.gamma)
        return self

    def forecast(self, steps: np.ndarray) -> np.ndarray:
        return self.level + steps * self.trend

    def half_width(self, steps: np.ndarray, confidence: float) -> np.ndarray:
        # ETS(A,A,N) forecast variance (Hyndman et al. 2008, table 6.1) with beta = alpha*gamma.
        a, b = self.alpha, self.alpha * self.gamma
        h = steps
        factor = 1.0 + (h - 1) * (a * a + a * b * h + b * b * h * (2 * h - 1) / 6.0)
        from scipy import stats

        z = float(stats.norm.ppf(0.5 + confidence / 2.0))
        return z * math.sqrt(self.mse) * np.sqrt(factor)


def _consecutive(x: np.ndarray) -> None:
    if not np.allclose(np.diff(x), 1.0, rtol=0.0, atol=1e-9):
        raise OutOfDomainError(
            "known_x", 'the "ets" method needs consecutive periods (steps of 1, no gaps)'
        )


# --------------------------------------------------------------------------- rates


def _base_rate(counts: np.ndarray, population: np.ndarray, rate: float | None) -> float:
    if rate is not None:
        value = float(rate)
        if not math.isfinite(value) or value < 0:
            raise OutOfDomainError("rate", f"a rate per 10,000 cannot be negative, got {value:g}")
        return value
    return float(counts[-1]) / float(population[0]) * PER


def _projection(population: ArrayLike | None, periods: int, method: str) -> np.ndarray:
    if population is None:
        raise InputError(
            "population", f'the "{method}" method needs the child population (base period first)'
        )
    values = np.asarray(population, dtype=float).reshape(-1)
    if values.size < periods + 1:
        raise ShapeError(
            "population",
            f"needs {periods + 1} values (the last known period, then each of the {periods} "
            f"forecast periods), got {values.size}",
        )
    values = values[: periods + 1]
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise OutOfDomainError("population", "every child population must be a positive number")
    return values


def _rising(start: float, steps: np.ndarray, rate_trend: float | None, trend_years: float | None) -> np.ndarray:
    """The rising rate path: start + rate_trend x min(step, trend_years)."""
    if rate_trend is None:
        raise InputError("rate_trend", 'the "rising" method needs the change in the rate each period')
    if trend_years is None:
        raise InputError("trend_years", 'the "rising" method needs the periods the trend lasts')
    trend, length = float(rate_trend), float(trend_years)
    if not math.isfinite(trend):
        raise OutOfDomainError("rate_trend", "must be a finite number of children per 10,000 a period")
    if not math.isfinite(length) or length < 0:
        raise OutOfDomainError("trend_years", f"cannot be negative, got {length:g}")
    path = start + trend * np.minimum(steps, length)
    if np.any(path < 0):
        raise OutOfDomainError("rate_trend", "the rate would fall below zero before the trend ends")
    return path


# --------------------------------------------------------------------------- public


def lac_forecast(
    known_counts: ArrayLike,
    horizon: float,
    method: str = "linear",
    population: ArrayLike | None = None,
    rate: float | None = None,
    target_rate: float | None = None,
    target_years: float | None = None,
    known_x: ArrayLike | None = None,
    rate_trend: float | None = None,
    trend_years: float | None = None,
) -> np.ndarray:
    """Forecast counts of children (or rates) for the next ``horizon`` periods.

    Parameters
    ----------
    known_counts : array_like
        The history, oldest first: children looked after at each 31 March (or a rate per
        10,000). Non-negative; at least 2 values for the trend methods, 1 for ``"population"``,
        ``"target"`` and ``"rising"``, which use only the last one.
    horizon : int
        Number of periods to forecast (a whole number from 1 to 1,000).
    method : {"linear", "exponential", "ets", "population", "target", "rising"}
        ``"linear"``: least-squares line (Excel TREND). ``"exponential"``: least-squares line
        through ln(counts), exponentiated (Excel GROWTH); counts must be positive. ``"ets"``:
        Holt's additive exponential smoothing (level and trend, no seasonality).
        ``"population"``: a rate per 10,000 held and applied to ``population``. ``"target"``:
        the rate moves in equal steps to ``target_rate`` over ``target_years``, then holds,
        applied to ``population``. ``"rising"``: the rate rises by ``rate_trend`` each period
        for ``trend_years`` periods, then levels off, applied to ``population``.
    population : array_like, optional
        For ``"population"``, ``"target"`` and ``"rising"``: the child population aged 0-17 at
        the last known period, then at each forecast period (at least ``horizon + 1`` values;
        later values are not used).
    rate : float, optional
        For ``"population"``, ``"target"`` and ``"rising"``: the rate per 10,000 to start from.
        Default: the last known count over the first population, times 10,000.
    target_rate : float, optional
        For ``"target"``: the rate per 10,000 reached, e.g. the national average.
    target_years : float, optional
        For ``"target"``: periods taken to reach ``target_rate`` (positive).
    known_x : array_like, optional
        For ``"linear"``, ``"exponential"`` and ``"ets"``: the x of each known value, strictly
        increasing, e.g. years (default 1..n, as TREND). The forecasts are at the last x plus
        1, 2, ..., ``horizon``. ``"ets"`` needs consecutive x's.
    rate_trend : float, optional
        For ``"rising"``: the change in the rate per 10,000 each period while it rises (may be
        negative for a falling trend).
    trend_years : float, optional
        For ``"rising"``: the periods the trend lasts before the rate levels off (at least 0;
        a fraction ends the rise part way through a period).

    Returns
    -------
    ndarray
        ``horizon`` forecasts, one per period, spilled down a column in Excel.

    Raises
    ------
    NoDataError
        Too few known values.
    InputError
        An argument the method needs is missing (``population``, ``target_rate``, ...).
    OutOfDomainError
        A horizon of 0 or a fraction, negative counts, non-positive counts for
        ``"exponential"``, a non-positive population or ``target_years``.
    ShapeError
        ``population`` shorter than ``horizon + 1``, ``known_x`` not matching the counts.

    Notes
    -----
    Linear, with :math:`\\bar x, \\bar y` the means of the known values and :math:`x_h` the
    x of period :math:`h` ahead:

    .. math:: \\hat y_h = \\bar y + b (x_h - \\bar x), \\quad
              b = \\frac{\\sum (x - \\bar x)(y - \\bar y)}{\\sum (x - \\bar x)^2}

    Exponential: the same fit to :math:`\\ln y`, then :math:`\\hat y_h = e^{\\hat{\\ln y}_h}`.
    These are Excel's ``=TREND(known_counts, known_x, new_x)`` and ``=GROWTH(...)`` with
    ``new_x`` the next ``horizon`` x's (``=FORECAST.LINEAR`` gives the linear numbers one at a
    time). A linear forecast of a falling series can go below zero, as TREND's does.

    ETS: level :math:`\\ell` and trend :math:`b` updated each period,

    .. math:: \\ell_t = \\alpha y_t + (1-\\alpha)(\\ell_{t-1} + b_{t-1}), \\quad
              b_t = \\gamma (\\ell_t - \\ell_{t-1}) + (1-\\gamma) b_{t-1}, \\quad
              \\hat y_{n+h} = \\ell_n + h b_n,

    starting from :math:`\\ell_1 = y_1`, :math:`b_1 = (y_n - y_1)/(n-1)`, with
    :math:`\\alpha, \\gamma \\in [0, 1]` chosen to minimise the mean squared one-step error
    by LibreOffice Calc's search (``sc/source/core/tool/interpr8.cxx``, after the NIST
    Engineering Statistics Handbook 6.4.3.3). The numbers equal LibreOffice's
    ``=FORECAST.ETS.ADD(x, known_counts, known_x, 0)``. Excel's ``FORECAST.ETS`` (seasonality
    0) fits the same model with its own, unpublished, estimation of the constants, so Excel's
    numbers differ somewhat; the ``formulas`` engine does not compute FORECAST.ETS correctly.

    Population (seed 003, "population growth only"): :math:`\\hat y_h = r P_h / 10\\,000` with
    :math:`r = y_n / P_0 \\times 10\\,000` unless ``rate`` is given. Target (seed 003,
    "falling CLA": the rate brought to the national average over 5 years, then held):

    .. math:: r_h = r + (r^* - r)\\min(h / T, 1), \\quad \\hat y_h = r_h P_h / 10\\,000

    with :math:`r^*` = ``target_rate`` and :math:`T` = ``target_years``. The report does not
    say how the rate moves; equal steps are this function's choice.

    Rising (seed 003, "rising CLA": "based on trends over the past 5 - 10 years", +27% activity
    over 10 years): a rate-per-10,000 trend that rises and then levels off, with two
    parameters, the trend *b* (``rate_trend``) and its length *L* (``trend_years``):

    .. math:: r_h = r + b \\min(h, L), \\quad \\hat y_h = r_h P_h / 10\\,000

    The report publishes neither its trend nor its form. Two parameters are the fewest that
    reach all three published changes in annual cost (£2.08M / £4.01M / £5.98M after 3 / 5 /
    10 years) on the population path that reproduces its "population growth only" figures: a
    straight trend of the counts rises 82% in 10 years against the published 27%, a rate held
    gives the population-only figures, and a rate rising for ever overshoots the 10-year
    figure. With :math:`R_h` the ratio of the rate after *h* years to today's that a published
    figure implies (children, ``1 + change / today's cost``, over the population index), the
    parameters through the 3- and 10-year figures are
    :math:`b = r (R_3 - 1) / 3` and :math:`L = 3 (R_{10} - 1) / (R_3 - 1)`; the 5-year figure
    is then a test of the shape. They are calibrated to the published scenario, not estimated
    from data (the ``lac_forecast.xlsx`` template shows the calibration).
    Examples
    --------
    Thurrock's published counts (seed 003), 210 in March 2012 and 345 in March 2017, as a
    straight line by year:

    >>> lac_forecast([210, 345], 3, known_x=[2012, 2017])
    array([372., 399., 426.])
    >>> lac_forecast([100, 110, 121], 2, "exponential")
    array([133.1 , 146.41])
    >>> lac_forecast([300, 320, 345], 2, "ets")
    array([367.5, 390. ])

    345 children among 41,000 held at that rate while the population grows 1% a year, then
    moved to 60 per 10,000 over 5 years:

    >>> pop = [41_000, 41_410, 41_824.1]
    >>> lac_forecast([345], 2, "population", pop)
    array([348.45  , 351.9345])
    >>> lac_forecast([345], 2, "target", pop, target_rate=60, target_years=5)
    array([328.452  , 311.53854])

    The same rate rising by 1.2 per 10,000 a year for 1.5 years, then held:

    >>> lac_forecast([345], 2, "rising", pop, rate_trend=1.2, trend_years=1.5)
    array([353.4192  , 359.462838])
    """
    key = _method(method, METHODS)
    periods = _periods(horizon)
    steps = np.arange(1.0, periods + 1.0)
    if key in RATE_METHODS:
        counts = _series(known_counts, "known_counts", 1)
        if np.any(counts < 0):
            raise OutOfDomainError("known_counts", "a count of children cannot be negative")
        pop = _projection(population, periods, key)
        start = _base_rate(counts, pop, rate)
        if key == "population":
            return start * pop[1:] / PER
        if key == "rising":
            return _rising(start, steps, rate_trend, trend_years) * pop[1:] / PER
        if target_rate is None:
            raise InputError("target_rate", 'the "target" method needs the rate to reach')
        if target_years is None:
            raise InputError("target_years", 'the "target" method needs the years to reach it')
        goal, years = float(target_rate), float(target_years)
        if not math.isfinite(goal) or goal < 0:
            raise OutOfDomainError("target_rate", f"cannot be negative, got {goal:g}")
        if not math.isfinite(years) or years <= 0:
            raise OutOfDomainError(
                "target_years", f"the target must be reached in a positive number of periods, got {years:g}"
            )
        path = start + (goal - start) * np.minimum(steps / years, 1.0)
        return path * pop[1:] / PER
    counts = _series(known_counts, "known_counts", 2)
    if np.any(counts < 0):
        raise OutOfDomainError("known_counts", "a count of children cannot be negative")
    x = _x_values(known_x, counts.size)
    if key == "ets":
        _consecutive(x)
        return _Holt(counts).fit().forecast(steps)
    fitted, _ = _regression(counts, x, x[-1] + steps, key == "exponential", None)
    return np.exp(fitted) if key == "exponential" else fitted


def lac_forecast_interval(
    known_counts: ArrayLike,
    horizon: float,
    method: str = "linear",
    confidence: float = 0.95,
    known_x: ArrayLike | None = None,
) -> np.ndarray:
    """Prediction interval of a trend forecast: a lower and an upper column.

    Parameters
    ----------
    known_counts : array_like
        The history, oldest first (at least 3 values: an interval needs a residual).
    horizon : int
        Number of periods ahead (1 to 1,000), as for :func:`lac_forecast`.
    method : {"linear", "exponential", "ets"}
        The trend method whose forecasts the interval surrounds.
    confidence : float, optional
        Probability that a future value falls inside the interval, between 0 and 1.
        Default 0.95.
    known_x : array_like, optional
        As for :func:`lac_forecast`.

    Returns
    -------
    ndarray
        ``horizon`` rows of (lower, upper).

    Notes
    -----
    Linear: the ordinary least-squares prediction interval for a new observation,

    .. math:: \\hat y_h \\pm t_{(1+c)/2,\\,n-2}\\; s \\sqrt{1 + \\frac1n +
              \\frac{(x_h - \\bar x)^2}{\\sum (x - \\bar x)^2}}

    with :math:`s^2` the residual sum of squares over :math:`n-2` (Student's t from scipy).
    Exponential: the same interval for :math:`\\ln y`, exponentiated, so it is asymmetric and
    always positive. ETS: an approximation, treating the fitted constants as known and the
    one-step errors as normal with variance :math:`\\sigma^2` = their mean square (ETS(A,A,N),
    Hyndman, Koehler, Ord and Snyder 2008, table 6.1, with :math:`\\beta = \\alpha\\gamma`):

    .. math:: \\hat y_h \\pm z_{(1+c)/2}\\, \\sigma \\sqrt{1 + (h-1)\\left[\\alpha^2 +
              \\alpha\\beta h + \\tfrac16 \\beta^2 h (2h-1)\\right]}

    Excel's FORECAST.ETS.CONFINT uses its own, unpublished, method and gives other widths.
    ``"population"``, ``"target"`` and ``"rising"`` apply a given rate, estimate nothing, and
    have no interval.
    Seed 003 (Thurrock 2017) publishes its Rising CLA trend without an interval; seed 003 also
    warns that "forecasting future numbers ... involves a lot of uncertainty": this is that
    uncertainty for the trend alone, assuming the trend's form is right.

    Examples
    --------
    >>> lac_forecast_interval([210, 236, 252, 289, 327, 345], 2).round(1)
    array([[348.1, 401.9],
           [373.1, 433.2]])
    >>> lac_forecast_interval([100, 112, 119, 135], 1, "exponential", 0.8).round(2)
    array([[139.06, 155.96]])
    """
    key = _method(method, METHODS)
    if key not in INTERVAL_METHODS:
        raise NotFoundError(
            "method",
            f'"{key}" applies a given rate and has no prediction interval; '
            f'use {", ".join(INTERVAL_METHODS)}',
        )
    periods = _periods(horizon)
    level = _confidence(confidence)
    counts = _series(known_counts, "known_counts", 3)
    if np.any(counts < 0):
        raise OutOfDomainError("known_counts", "a count of children cannot be negative")
    x = _x_values(known_x, counts.size)
    steps = np.arange(1.0, periods + 1.0)
    if key == "ets":
        _consecutive(x)
        model = _Holt(counts).fit()
        centre, margin = model.forecast(steps), model.half_width(steps, level)
        return np.column_stack([centre - margin, centre + margin])
    fitted, half = _regression(counts, x, x[-1] + steps, key == "exponential", level)
    assert half is not None
    lower, upper = fitted - half, fitted + half
    if key == "exponential":
        lower, upper = np.exp(lower), np.exp(upper)
    return np.column_stack([lower, upper])


def lac_decompose(
    known_counts: ArrayLike,
    population: ArrayLike,
    uasc: ArrayLike | None = None,
    deprivation: ArrayLike | None = None,
    elasticity: float = 1.0,
) -> np.ndarray:
    """What past counts would have been from demand factors alone (seed 003, Figure 5).

    Parameters
    ----------
    known_counts : array_like
        Children looked after at each date, the base year first (at least 2 values).
    population : array_like
        Child population aged 0-17 at the same dates. Positive.
    uasc : array_like, optional
        Unaccompanied asylum-seeking children looked after at the same dates (within
        ``known_counts``). Omitted: no UASC effect, column 2 equals column 1.
    deprivation : array_like, optional
        A deprivation measure at the same dates, e.g. the percentage of children in low-income
        families. Positive. Omitted: no deprivation effect, column 3 equals column 2.
    elasticity : float, optional
        Proportional change in the rate (outside UASC) for a proportional change in
        ``deprivation``. Default 1: the rate moves in proportion to deprivation.

    Returns
    -------
    ndarray
        One row per date, three columns: (1) the base-year rate held as the population changes;
        (2) the base-year rate of children other than UASC held, plus the actual UASC;
        (3) column 2 with that rate scaled by the change in deprivation.

    Notes
    -----
    With :math:`N_t, P_t, U_t, D_t` the counts, population, UASC and deprivation at date
    :math:`t` and 0 the base year:

    .. math::

        c^{(1)}_t = \\frac{N_0}{P_0} P_t, \\quad
        c^{(2)}_t = \\frac{N_0 - U_0}{P_0} P_t + U_t, \\quad
        c^{(3)}_t = \\frac{N_0 - U_0}{P_0} P_t \\left(\\frac{D_t}{D_0}\\right)^{e} + U_t

    Every column equals :math:`N_0` in the base year; ``known_counts`` minus column 3 is what
    these demand factors leave unexplained (seed 003 attributes it to supply factors). Seed 003
    holds Thurrock's 2008 rate with the child population, adds the actual UASC, then "an
    estimate of the impact of slightly higher levels of child poverty"; it does not publish
    the form of that estimate. Seed 004 finds a strong association between the proportion of
    children in low-income families and the rate in care (Spearman r = .682, 2012-15) but no
    elasticity; the constant-elasticity form here is this function's choice: state the
    elasticity used. Excel equivalent of column 1: ``=$B$2/$C$2*C2``.

    Examples
    --------
    >>> lac_decompose([200, 230, 260], [40_000, 41_000, 42_000], [10, 25, 40], [20, 20.5, 21])
    array([[200.     , 200.     , 200.     ],
           [205.     , 219.75   , 224.61875],
           [210.     , 239.5    , 249.475  ]])
    """
    counts = _series(known_counts, "known_counts", 2)
    if np.any(counts < 0):
        raise OutOfDomainError("known_counts", "a count of children cannot be negative")
    n = counts.size

    def aligned(values: ArrayLike, name: str) -> np.ndarray:
        array = np.asarray(values, dtype=float).reshape(-1)
        if array.size != n:
            raise ShapeError(name, f"has {array.size} values, known_counts has {n}")
        if not np.all(np.isfinite(array)):
            raise OutOfDomainError(name, "holds a value that is not a finite number")
        return array

    pop = aligned(population, "population")
    if np.any(pop <= 0):
        raise OutOfDomainError("population", "every child population must be a positive number")
    held = counts[0] / pop[0] * pop
    if uasc is None:
        unaccompanied = np.zeros(n)
        with_uasc = held
    else:
        unaccompanied = aligned(uasc, "uasc")
        if np.any(unaccompanied < 0):
            raise OutOfDomainError("uasc", "a count of children cannot be negative")
        if unaccompanied[0] > counts[0]:
            raise OutOfDomainError("uasc", "the base-year UASC exceed the base-year count")
        with_uasc = (counts[0] - unaccompanied[0]) / pop[0] * pop + unaccompanied
    if deprivation is None:
        with_deprivation = with_uasc
    else:
        measure = aligned(deprivation, "deprivation")
        if np.any(measure <= 0):
            raise OutOfDomainError("deprivation", "every value must be positive")
        e = float(elasticity)
        if not math.isfinite(e):
            raise OutOfDomainError("elasticity", "must be a finite number")
        scale = (measure / measure[0]) ** e
        with_deprivation = (counts[0] - unaccompanied[0]) / pop[0] * pop * scale + unaccompanied
    return np.column_stack([held, with_uasc, with_deprivation])
