"""The band of a projected cost: the variance of the care days a stock-flow projection prices.

The cost of the care days from day :math:`a + 1` to day :math:`b` is
:math:`C = \\sum_{t=a+1}^{b} w_t^{\\top} X(t)`, with :math:`X(t)` the children in each state on
day :math:`t` and :math:`w_t` the cost of a day in each state. Under the projection's own
model (:mod:`xlfuncs.methods.stock_flow.projection`: each day each child stays, moves or
leaves by a multinomial draw, entrants Poisson) the counts of two days are correlated through
the children present on both:

.. math:: \\operatorname{Cov}(X(t), X(s)) = M^{t-s} V(s), \\qquad t \\ge s

so, with :math:`u_s = \\sum_{t=s+1}^{b} (M^{\\top})^{t-s} w_t`, computed backwards as
:math:`u_b = 0`, :math:`u_s = M^{\\top}(w_{s+1} + u_{s+1})`,

.. math:: \\operatorname{Var}(C) = \\sum_{s=a+1}^{b} \\left( w_s^{\\top} V(s) w_s
          + 2\\, u_s^{\\top} V(s) w_s \\right)

exactly. Adding the days' standard deviations instead would treat the days as perfectly
correlated and overstate the band; treating them as independent would understate it. Like the
projection's band, it is the spread chance alone gives around the estimated rates.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.stock_flow.projection import cost_model, run, transition_matrix


def cost_variance(matrix: np.ndarray, covariances: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Variance of :math:`\\sum_t w_t^{\\top} X(t)` over the days given.

    Parameters
    ----------
    matrix : ndarray, shape (n, n)
        The one-day matrix ``M`` of the projection (``P(t+1) = M P(t) + e``).
    covariances : ndarray, shape (days, n, n)
        :math:`V(t)` of each day priced, in order (consecutive days).
    weights : ndarray, shape (days, n, k)
        Cost of a day in each state on each day, for ``k`` sums at once (one per budget line,
        say).

    Returns
    -------
    ndarray, shape (k,)

    Examples
    --------
    One child, who leaves with probability 1/2 each day, priced 1 a day over two days: the
    cost is 0, 1 or 2 with probabilities 1/2, 1/4, 1/4, so its variance is 11/16.

    >>> M = np.array([[0.5]])
    >>> V = np.array([[[0.25]], [[0.1875]]])
    >>> float(cost_variance(M, V, np.ones((2, 1, 1)))[0])
    0.6875
    """
    days = covariances.shape[0]
    if days == 0:
        return np.zeros(weights.shape[-1])
    total = np.zeros(weights.shape[-1])
    ahead = np.zeros(weights.shape[1:])  # u_s: every later day's weight carried back to day s
    for s in range(days - 1, -1, -1):
        w = weights[s]
        if s < days - 1:
            ahead = matrix.T @ (weights[s + 1] + ahead)
        vw = covariances[s] @ w
        total += np.einsum("ik,ik->k", w + 2.0 * ahead, vw)
    return np.clip(total, 0.0, None)


def stockflow_cost_sd(stock: ArrayLike, transitions: ArrayLike, exits: ArrayLike,
                      entrants: ArrayLike, days: ArrayLike, weekly_cost: ArrayLike,
                      inflation: float = 0.0) -> np.ndarray:
    """Standard deviation of the cost of the care days between successive horizons.

    Parameters
    ----------
    stock, transitions, exits, entrants : array_like
        The model, as for :func:`~xlfuncs.methods.stock_flow.projection.stockflow_project`.
    days : array_like of int
        Increasing horizons in days from today, as for
        :func:`~xlfuncs.methods.stock_flow.projection.stockflow_cost`.
    weekly_cost : array_like, shape (n,)
        Cost of a week of care in each state, today's prices.
    inflation : float
        Annual rise in costs, compounded daily. Default 0.

    Returns
    -------
    ndarray, shape (len(days),)
        Element ``k``: the standard deviation of ``stockflow_cost``'s element ``k``, the cost
        of the days after ``days[k-1]`` up to and including ``days[k]``; the band of that cost
        is ``cost ± 2 × sd``.

    Notes
    -----
    The exact variance of a sum of correlated daily counts (module notes). Excel:
    ``=LAC_STOCKFLOW_COST_SD(Stock, Transitions, Exits, Entrants, Days, WeeklyCost)``.

    Examples
    --------
    100 children, 1% leaving a day, £700 a week: the cost of the next 30 days has a standard
    deviation of £8,383 (a simulation of 2 million children gives £8,391; the days treated as
    independent would give £1,862, as perfectly correlated £9,812):

    >>> float(stockflow_cost_sd([100], [[0]], [0.01], [0], [30], [700])[0].round(0))
    8383.0
    """
    stock, rates, exits, entrants, horizons, weekly = cost_model(
        stock, transitions, exits, entrants, days, weekly_cost, inflation)
    every_day = np.arange(int(horizons.max()) + 1)
    _, cov, _ = run(stock, rates, exits, entrants, every_day, variance=True)
    matrix = transition_matrix(rates, exits)
    factor = (1.0 + inflation) ** (every_day / 365.25)
    out = np.zeros(horizons.size)
    previous = 0
    for k, h in enumerate(horizons.tolist()):
        window = np.arange(previous + 1, h + 1)
        weights = (weekly / 7.0)[None, :, None] * factor[window, None, None]
        out[k] = np.sqrt(cost_variance(matrix, cov[window], weights)[0])
        previous = h
    return out
