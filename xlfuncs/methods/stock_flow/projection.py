"""Projecting a stock-flow model day by day, with a band from the variance of the flows.

Pure numpy over aggregated arrays (no child-level data), so the same functions serve the
command line and Excel (:mod:`xlfuncs.excel.catalog.stock_flow`): ``stock`` (children in each state
today), ``transitions`` (daily probability of moving from the row state to the column state;
the diagonal is ignored), ``exits`` (daily probability of leaving care) and ``entrants`` (new
children per day in each state).

The projection is the demand model's ``P(t+1) = M P(t) + e`` (seed 003; Social Finance's
``cs-demand-model``) with

.. math:: M = I - \\operatorname{diag}(R\\mathbf 1 + x) + R^{\\top}

for off-diagonal rates :math:`R` and exit rates :math:`x`. Each day each child in state
:math:`i` independently stays, moves to :math:`j` (probability :math:`R_{ij}`) or leaves
(:math:`x_i`): a multinomial draw; entrants are Poisson. The covariance of the counts then
follows exactly

.. math:: V(t+1) = M V(t) M^{\\top} + \\sum_i m_i(t)\\, C_i + \\operatorname{diag}(e)

where :math:`m(t)` is the projected mean and :math:`C_i` the covariance of one child's change
of state vector in a day; the band is :math:`m \\pm 2\\sqrt{V_{ss}}` (floored at 0). It shows
the spread that chance alone gives around the rates; it does not include the uncertainty of
the rates themselves.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import NoDataError, OutOfDomainError, ShapeError

#: Bounds that keep the work of one call small whatever the input.
MAX_DAYS = 36_525
MAX_STATES = 64


def _vector(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != 1:
        raise ShapeError(name, "expected one row or one column")
    if not np.all(np.isfinite(array)):
        raise OutOfDomainError(name, "holds a value that is not a finite number")
    return array


def check_model(
    stock, transitions, exits, entrants, clip: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate and return (stock, R with zero diagonal, exits, entrants, diagonal) as arrays."""
    stock = _vector(stock, "stock")
    n = stock.size
    if n == 0:
        raise NoDataError("stock", "no states")
    if n > MAX_STATES:
        raise ShapeError("stock", f"at most {MAX_STATES} states, got {n}")
    rates = np.asarray(transitions, dtype=float)
    if rates.ndim == 1 and n == 1 and rates.size == 1:
        rates = rates.reshape(1, 1)
    if rates.shape != (n, n):
        raise ShapeError("transitions", f"expected {n} x {n} (one row and column per state), got "
                         f"{'x'.join(map(str, rates.shape))}")
    if not np.all(np.isfinite(rates)):
        raise OutOfDomainError("transitions", "holds a value that is not a finite number")
    exits = _vector(exits, "exits")
    entrants = _vector(entrants, "entrants")
    for name, array in (("exits", exits), ("entrants", entrants)):
        if array.size != n:
            raise ShapeError(name, f"expected {n} values (one per state), got {array.size}")
    if np.any(stock < 0):
        raise OutOfDomainError("stock", "a count of children cannot be negative")
    if np.any(entrants < 0):
        raise OutOfDomainError("entrants", "a number of entrants cannot be negative")
    diagonal = np.diag(rates).copy()
    rates = rates.copy()
    np.fill_diagonal(rates, 0.0)
    if not clip:
        if np.any(rates < 0) or np.any(exits < 0):
            raise OutOfDomainError("transitions", "a daily probability cannot be negative")
        out = rates.sum(axis=1) + exits
        if np.any(out > 1 + 1e-12):
            i = int(np.argmax(out))
            raise OutOfDomainError(
                "transitions", f"state {i + 1}: daily probabilities of leaving add up to {out[i]:.4g} > 1"
            )
    return stock, rates, exits, entrants, diagonal


def transition_matrix(rates, exits, diagonal=None, clip: bool = False) -> np.ndarray:
    """The one-day matrix ``M`` with ``P(t+1) = M P(t) + e``.

    With ``clip`` (``cs-demand-model``'s convention) a state whose outflow rates, within-state
    moves included, add up to more than one has its flows scaled to move its whole stock, and a
    state whose rates add up to less than zero moves nobody.

    >>> M = transition_matrix(np.array([[0, 0.1], [0.0, 0]]), np.array([0.0, 0.05]))
    >>> M.tolist()
    [[0.9, 0.0], [0.1, 0.95]]
    """
    rates = np.asarray(rates, dtype=float)
    exits = np.asarray(exits, dtype=float)
    n = exits.size
    if clip:
        diag = np.zeros(n) if diagonal is None else np.asarray(diagonal, dtype=float)
        out = rates.sum(axis=1) + exits + diag
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(out > 1, 1.0 / out, 1.0)
        scale = np.where(out < 0, 0.0, scale)
        rates = rates * scale[:, None]
        exits = exits * scale
    return np.eye(n) - np.diag(rates.sum(axis=1) + exits) + rates.T


def _change_covariances(rates, exits) -> np.ndarray:
    """C[i]: covariance of one child's one-day change of state vector, from state i."""
    n = exits.size
    eye = np.eye(n)
    cov = np.zeros((n, n, n))
    for i in range(n):
        p = rates[i]
        # Outcomes: to j (vector e_j - e_i, probability p_j), out (-e_i, probability x_i).
        vectors = eye - eye[i]
        mean = p @ vectors - exits[i] * eye[i]
        second = (vectors.T * p) @ vectors + exits[i] * np.outer(eye[i], eye[i])
        cov[i] = second - np.outer(mean, mean)
    return cov


#: Projections recently run, by their inputs: a batch (one row per council or scenario) often
#: calls the same projection once per row with only, say, the inflation rate changing.
_RECENT: dict[tuple, tuple] = {}
_RECENT_SIZE = 16


def _key(*arrays, **flags) -> tuple:
    parts: list = []
    for a in arrays:
        if a is None:
            parts.append(None)
        else:
            a = np.asarray(a)
            parts.append((a.dtype.str, a.shape, a.tobytes()))
    return (*parts, *sorted(flags.items()))


def live_states(stock, rates, entrants) -> np.ndarray:
    """The states that can ever hold a child: those with children or entrants, and every state
    a child can move to from them. The others stay empty, so a projection can leave them out.

    >>> live_states(np.array([1.0, 0, 0]), np.array([[0, 0.1, 0], [0, 0, 0], [0.2, 0, 0]]),
    ...             np.zeros(3)).tolist()
    [True, True, False]
    """
    moves = np.asarray(rates) != 0
    np.fill_diagonal(moves, False)
    live = (np.asarray(stock) != 0) | (np.asarray(entrants) != 0)
    while True:
        grown = live | moves[live].any(axis=0)
        if np.array_equal(grown, live):
            return live
        live = grown


def run(stock, rates, exits, entrants, horizons, *, diagonal=None, clip=False, variance=False,
        daily=False):
    """Project day by day; returns (means, covariances or None, daily means or None).

    ``horizons`` are whole days from today (0 is today); ``means[k]`` is the projected stock on
    day ``horizons[k]``. The arrays returned are read-only: the same inputs give the same
    arrays again without running the projection a second time.
    States that can never hold a child (:func:`live_states`) are left out
    of the arithmetic and reported as zeros: the same numbers, for a fraction of the work.
    """
    key = _key(stock, rates, exits, entrants, horizons, diagonal, clip=clip, variance=variance, daily=daily)
    found = _RECENT.get(key)
    if found is None:
        found = _run(stock, rates, exits, entrants, horizons, diagonal=diagonal, clip=clip, variance=variance, daily=daily)
        for array in found:
            if array is not None:
                array.flags.writeable = False
        if len(_RECENT) >= _RECENT_SIZE:
            _RECENT.pop(next(iter(_RECENT)))
        _RECENT[key] = found
    return found


def _run(stock, rates, exits, entrants, horizons, *, diagonal=None, clip=False, variance=False,
         daily=False):
    """:func:`run` without the cache: the live states only (see :func:`live_states`)."""
    stock, exits, entrants = (np.asarray(a, dtype=float) for a in (stock, exits, entrants))
    rates = np.asarray(rates, dtype=float)
    live = live_states(stock, rates, entrants)
    if 0 < live.sum() < live.size:
        n = live.size
        sub = _run(stock[live], rates[np.ix_(live, live)], exits[live], entrants[live], horizons,
                  diagonal=None if diagonal is None else np.asarray(diagonal, dtype=float)[live],
                  clip=clip, variance=variance, daily=daily)
        means = np.zeros((sub[0].shape[0], n))
        means[:, live] = sub[0]
        cov = None
        if sub[1] is not None:
            cov = np.zeros((sub[1].shape[0], n, n))
            cov[np.ix_(np.arange(cov.shape[0]), live, live)] = sub[1]
        days = None
        if sub[2] is not None:
            days = np.zeros((sub[2].shape[0], n))
            days[:, live] = sub[2]
        return means, cov, days
    return _run_all(stock, rates, exits, entrants, horizons, diagonal=diagonal, clip=clip,
                    variance=variance, daily=daily)


def _run_all(stock, rates, exits, entrants, horizons, *, diagonal=None, clip=False,
             variance=False, daily=False):
    """:func:`run` over every state given."""
    horizons = np.asarray(horizons)
    last = int(horizons.max()) if horizons.size else 0
    M = transition_matrix(rates, exits, diagonal, clip)
    if clip:
        # Flows actually moved, for the variance, after the peer's capping.
        eff = M.T.copy()
        np.fill_diagonal(eff, 0.0)
        eff_exits = 1.0 - M.sum(axis=0)
    else:
        eff, eff_exits = rates, exits
    n = stock.size
    want = np.zeros(last + 1, dtype=bool)
    want[horizons.astype(np.int64)] = True
    means = np.zeros((last + 1, n)) if daily else None
    out_mean = {}
    out_var = {}
    m = stock.astype(float).copy()
    V = np.zeros((n, n))
    C = _change_covariances(eff, np.clip(eff_exits, 0.0, None)).reshape(n, n * n) if variance else None
    noise_entry = np.diag(entrants)
    for t in range(last + 1):
        if t:
            if variance:
                V = M @ V @ M.T + (np.maximum(m, 0.0) @ C).reshape(n, n) + noise_entry
            m = M @ m + entrants
        if daily:
            means[t] = m
        if want[t]:
            out_mean[t] = m.copy()
            if variance:
                out_var[t] = V.copy()
    result_mean = np.array([out_mean[int(h)] for h in horizons]).reshape(len(horizons), n)
    result_var = (np.array([out_var[int(h)] for h in horizons]).reshape(len(horizons), n, n)
                  if variance else None)
    return result_mean, result_var, means


def _horizons(days: ArrayLike) -> np.ndarray:
    array = np.asarray(days, dtype=float).ravel()
    if array.size == 0:
        raise NoDataError("days", "no horizons given")
    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
        raise OutOfDomainError("days", "must be whole numbers of days")
    if np.any(array < 0) or np.any(array > MAX_DAYS):
        raise OutOfDomainError("days", f"must be between 0 and {MAX_DAYS:,} days")
    return array.astype(np.int64)


def stockflow_project(stock: ArrayLike, transitions: ArrayLike, exits: ArrayLike,
                      entrants: ArrayLike, days: ArrayLike) -> np.ndarray:
    """Children in each state after each number of days: the stock-flow projection.

    Parameters
    ----------
    stock : array_like, shape (n,)
        Children in each state today.
    transitions : array_like, shape (n, n)
        Daily probability that a child in the row state is in the column state the next day
        (diagonal ignored).
    exits : array_like, shape (n,)
        Daily probability that a child in each state leaves care.
    entrants : array_like, shape (n,)
        Children entering care in each state per day.
    days : array_like of int
        Horizons in days from today (0 to 36,525).

    Returns
    -------
    ndarray, shape (len(days), n)
        Projected children per state (rows: horizons; columns: states).

    Notes
    -----
    :math:`P(t+1) = M P(t) + e` with :math:`M = I - \\operatorname{diag}(R\\mathbf 1 + x) +
    R^\\top` (seed 003; the method of Social Finance's ``cs-demand-model``). Each row of
    ``transitions`` plus ``exits`` must add up to at most 1. Excel:
    ``=LAC_STOCKFLOW_PROJECT(Stock, Transitions, Exits, Entrants, Days)`` over ranges.

    Examples
    --------
    Two states, 1% a day moving from the first to the second, 0.5% a day leaving the second,
    one new child every ten days in the first:

    >>> R = [[0, 0.01], [0, 0]]
    >>> stockflow_project([100, 50], R, [0, 0.005], [0.1, 0], [0, 1, 365]).round(2)
    array([[100.  ,  50.  ],
           [ 99.1 ,  50.75],
           [ 12.3 ,  49.11]])
    """
    stock, rates, exits, entrants, _ = check_model(stock, transitions, exits, entrants)
    return run(stock, rates, exits, entrants, _horizons(days))[0]


def stockflow_sd(stock: ArrayLike, transitions: ArrayLike, exits: ArrayLike,
                 entrants: ArrayLike, days: ArrayLike) -> np.ndarray:
    """Standard deviation of the children in each state after each number of days.

    Parameters
    ----------
    stock, transitions, exits, entrants, days : array_like
        As for :func:`stockflow_project`.

    Returns
    -------
    ndarray, shape (len(days), n)
        Standard deviation per state from the multinomial daily flows and Poisson entrants.

    Notes
    -----
    The covariance recursion in the module notes (:mod:`xlfuncs.methods.stock_flow.projection`); a band
    of two standard deviations is ``count ± 2 × sd``.

    Examples
    --------
    One state, 100 children, 1% leaving a day, no entrants: after :math:`t` days the count is
    binomial with :math:`p = 0.99^t`, so the sd is :math:`\\sqrt{100 p (1-p)}`:

    >>> float(stockflow_sd([100], [[0]], [0.01], [0], [30])[0, 0].round(6))
    4.387981
    >>> float(np.sqrt(100 * 0.99**30 * (1 - 0.99**30)).round(6))
    4.387981
    """
    stock, rates, exits, entrants, _ = check_model(stock, transitions, exits, entrants)
    _, cov, _ = run(stock, rates, exits, entrants, _horizons(days), variance=True)
    return np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))


def stockflow_total(stock: ArrayLike, transitions: ArrayLike, exits: ArrayLike,
                    entrants: ArrayLike, days: ArrayLike, sds: float = 0.0) -> np.ndarray:
    """Total children in care after each number of days, optionally plus ``sds`` standard deviations.

    Parameters
    ----------
    stock, transitions, exits, entrants, days : array_like
        As for :func:`stockflow_project`.
    sds : float
        Standard deviations of the total to add (``-2`` for the lower end of the band, ``2``
        for the upper). Default 0: the projection. A lower end is floored at 0.

    Returns
    -------
    ndarray, shape (len(days),)
        Total projected children (with the covariances between states taken into account).

    Examples
    --------
    >>> R = [[0, 0.01], [0, 0]]
    >>> stockflow_total([100, 50], R, [0, 0.005], [0.1, 0], [365]).round(2)
    array([61.4])
    >>> stockflow_total([100], [[0]], [0.01], [0], [30], sds=2).round(4)
    array([82.746])
    """
    if not np.isfinite(sds) or abs(sds) > 10:
        raise OutOfDomainError("sds", "must be between -10 and 10")
    stock, rates, exits, entrants, _ = check_model(stock, transitions, exits, entrants)
    horizons = _horizons(days)
    mean, cov, _ = run(stock, rates, exits, entrants, horizons, variance=sds != 0)
    total = mean.sum(axis=1)
    if sds:
        total = total + sds * np.sqrt(np.clip(cov.sum(axis=(1, 2)), 0.0, None))
    return np.clip(total, 0.0, None)


def cost_model(stock: ArrayLike, transitions: ArrayLike, exits: ArrayLike, entrants: ArrayLike,
               days: ArrayLike, weekly_cost: ArrayLike, inflation: float) -> tuple[np.ndarray, ...]:
    """The checked model, horizons and weekly costs of a costing (:func:`stockflow_cost` and
    the band of :mod:`xlfuncs.methods.budget.band`): ``days`` must increase, one non-negative
    weekly cost per state, inflation between -100% and 100% a year."""
    stock, rates, exits, entrants, _ = check_model(stock, transitions, exits, entrants)
    horizons = _horizons(days)
    if np.any(np.diff(horizons) <= 0):
        raise OutOfDomainError("days", "must increase for costs between horizons")
    weekly = _vector(weekly_cost, "weekly_cost")
    if weekly.size != stock.size:
        raise ShapeError("weekly_cost", f"expected {stock.size} values (one per state)")
    if np.any(weekly < 0):
        raise OutOfDomainError("weekly_cost", "a cost cannot be negative")
    if not np.isfinite(inflation) or inflation <= -1 or inflation > 1:
        raise OutOfDomainError("inflation", "must be between -100% and 100% a year")
    return stock, rates, exits, entrants, horizons, weekly


def stockflow_cost(stock: ArrayLike, transitions: ArrayLike, exits: ArrayLike,
                   entrants: ArrayLike, days: ArrayLike, weekly_cost: ArrayLike,
                   inflation: float = 0.0) -> np.ndarray:
    """Cost of the care days projected between successive horizons.

    Parameters
    ----------
    stock, transitions, exits, entrants, days : array_like
        As for :func:`stockflow_project`; ``days`` must increase.
    weekly_cost : array_like, shape (n,)
        Cost of a week of care in each state, in today's prices (e.g. the weekly cost of the
        state's placement type).
    inflation : float
        Annual rate at which costs rise (0.03 for 3%), compounded daily. Default 0.

    Returns
    -------
    ndarray, shape (len(days),)
        Element ``k``: cost of the days after ``days[k-1]`` up to and including ``days[k]``
        (after today up to ``days[0]`` for the first).

    Notes
    -----
    .. math:: \\text{cost}_k = \\sum_{t=d_{k-1}+1}^{d_k} \\sum_s P_s(t)\\,\\frac{w_s}{7}\\,
              (1 + i)^{t / 365.25}

    Weekly placement costs (REFERENCE: about £600-650 a week for foster care, £3,000 for a
    council children's home, 2016-17 prices) are cost drivers the council sets (seed 003).

    Examples
    --------
    Seven children in one state, no flows, £700 a week: £700 a day.

    >>> stockflow_cost([7], [[0]], [0], [0], [1, 8], [700])
    array([ 700., 4900.])
    """
    stock, rates, exits, entrants, horizons, weekly = cost_model(
        stock, transitions, exits, entrants, days, weekly_cost, inflation)
    _, _, daily = run(stock, rates, exits, entrants, horizons, daily=True)
    t = np.arange(daily.shape[0])
    per_day = daily @ (weekly / 7.0) * (1.0 + inflation) ** (t / 365.25)
    cumulative = np.cumsum(per_day) - per_day[0]  # day 0 is today: not projected
    ends = cumulative[horizons]
    return np.diff(np.concatenate(([0.0], ends)))


def month_ends(start: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the ``months`` months after the month of ``start``, or from
    ``start``'s own month when ``start`` is not its last day.

    >>> month_ends(dt.date(2023, 3, 31), 2)
    [datetime.date(2023, 4, 30), datetime.date(2023, 5, 31)]
    >>> month_ends(dt.date(2023, 3, 15), 1)
    [datetime.date(2023, 3, 31)]
    """
    out = []
    year, month = start.year, start.month
    for _ in range(months + 1):
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end > start:
            out.append(end)
        year, month = nxt.year, nxt.month
        if len(out) == months:
            break
    return out
