"""The band of a projected cost: the exact variance of correlated daily counts, checked against
the pairwise sum it shortens and against a simulation of the children themselves."""

from __future__ import annotations

import numpy as np
import pytest

from xlfuncs.excel.registry import functions
from xlfuncs.methods.budget.band import cost_variance, stockflow_cost_sd
from xlfuncs.methods.stock_flow.projection import run, stockflow_cost, transition_matrix

STOCK = np.array([40.0, 60.0])
RATES = np.array([[0.0, 0.01], [0.005, 0.0]])
EXITS = np.array([0.002, 0.003])
ENTRANTS = np.array([0.1, 0.2])
WEEKLY = np.array([650.0, 3000.0])


def pairwise_variance(days: int) -> float:
    """sum over every pair of days s, t of w' Cov(X(t), X(s)) w, Cov = M^(t-s) V(s)."""
    _, cov, _ = run(STOCK, RATES, EXITS, ENTRANTS, np.arange(days + 1), variance=True)
    M = transition_matrix(RATES, EXITS)
    w = WEEKLY / 7
    total = 0.0
    for s in range(1, days + 1):
        for t in range(1, days + 1):
            lag = abs(t - s)
            first = min(s, t)
            total += w @ np.linalg.matrix_power(M, lag) @ cov[first] @ w
    return total


def test_equals_the_pairwise_sum_of_covariances():
    sd = stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [40], WEEKLY)[0]
    assert sd ** 2 == pytest.approx(pairwise_variance(40), rel=1e-10)


def test_agrees_with_a_simulation_of_the_children():
    """Each day each child moves, leaves or stays (a multinomial draw, as two binomials) and
    entrants arrive (Poisson); 20,000 runs of 30 days."""
    rng = np.random.default_rng(14)
    runs, days = 20_000, 30
    counts = np.tile(STOCK, (runs, 1)).astype(np.int64)
    cost = np.zeros(runs)
    for _ in range(days):
        new = rng.poisson(ENTRANTS, size=(runs, 2))
        for i in range(2):
            move = RATES[i, 1 - i]
            moved = rng.binomial(counts[:, i], move)
            left = rng.binomial(counts[:, i] - moved, EXITS[i] / (1 - move))
            new[:, i] += counts[:, i] - moved - left
            new[:, 1 - i] += moved
        counts = new
        cost += counts @ (WEEKLY / 7)
    expected = stockflow_cost(STOCK, RATES, EXITS, ENTRANTS, [days], WEEKLY)[0]
    sd = stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [days], WEEKLY)[0]
    assert cost.mean() == pytest.approx(expected, rel=2e-3)
    assert cost.std() == pytest.approx(sd, rel=0.03)


def test_between_successive_horizons_and_with_inflation():
    both = stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [10, 30], WEEKLY)
    first = stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [10], WEEKLY)
    assert both[0] == pytest.approx(first[0])
    assert 0 < both[1]
    dearer = stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [365], WEEKLY, 0.05)[0]
    assert dearer > stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [365], WEEKLY)[0]
    assert stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [0], WEEKLY).tolist() == [0.0]


def test_several_sums_at_once():
    _, cov, _ = run(STOCK, RATES, EXITS, ENTRANTS, np.arange(31), variance=True)
    M = transition_matrix(RATES, EXITS)
    weights = np.zeros((30, 2, 3))
    weights[:, 0, 0] = WEEKLY[0] / 7
    weights[:, 1, 1] = WEEKLY[1] / 7
    weights[:, :, 2] = WEEKLY / 7
    var = cost_variance(M, cov[1:], weights)
    assert var[2] == pytest.approx(stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [30], WEEKLY)[0] ** 2)
    # the total's variance is the parts' plus twice their covariance, which moves make negative
    assert var[2] < var[0] + var[1] + 2 * np.sqrt(var[0] * var[1])


def test_excel_face_and_errors():
    spec = functions()["LAC_STOCKFLOW_COST_SD"]
    column = lambda v: [[x] for x in v]  # noqa: E731
    value = spec(column(STOCK), RATES.tolist(), column(EXITS), column(ENTRANTS), [[30]], column(WEEKLY))
    assert np.asarray(value, dtype=float).ravel()[0] == pytest.approx(
        stockflow_cost_sd(STOCK, RATES, EXITS, ENTRANTS, [30], WEEKLY)[0])
    with pytest.raises(Exception, match="LAC_STOCKFLOW_COST_SD: days"):
        spec(column(STOCK), RATES.tolist(), column(EXITS), column(ENTRANTS), [[30], [10]], column(WEEKLY))
    with pytest.raises(Exception, match="weekly_cost"):
        spec(column(STOCK), RATES.tolist(), column(EXITS), column(ENTRANTS), [[30]], [[650]])
