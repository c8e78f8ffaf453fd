"""LAC_STOCKFLOW_ functions: closed forms, exact variances, the registry face and the template."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlfuncs.excel.registry import ExcelError, functions
from xlfuncs.methods.stock_flow.forecast import forecast
from xlfuncs.methods.stock_flow.projection import (
    stockflow_cost,
    stockflow_project,
    stockflow_sd,
    stockflow_total,
    transition_matrix,
)
from xlfuncs.templates import WORKBOOKS_DIR, templates
from xlfuncs.templates.stock_flow import fill_template, sample_model

FUNCTIONS = functions()


class TestStockflowProject:
    def test_one_state_closed_form(self):
        # x(t) = e/q + (x0 - e/q)(1-q)^t
        q, e, x0 = 0.004, 0.3, 120.0
        days = [0, 30, 365, 3650]
        got = stockflow_project([x0], [[0]], [q], [e], days)[:, 0]
        want = [e / q + (x0 - e / q) * (1 - q) ** t for t in days]
        assert got == pytest.approx(want, rel=1e-12)

    def test_chain_of_two_states(self):
        # A -> B at p a day, B leaves at q: B(t) = x0 p/(q-p) ((1-p)^t - (1-q)^t) for B(0) = 0.
        p, q, x0, t = 0.01, 0.03, 100.0, 200
        got = stockflow_project([x0, 0], [[0, p], [0, 0]], [0, q], [0, 0], [t])[0]
        assert got[0] == pytest.approx(x0 * (1 - p) ** t)
        assert got[1] == pytest.approx(x0 * p / (q - p) * ((1 - p) ** t - (1 - q) ** t), rel=1e-9)

    def test_diagonal_is_ignored(self):
        a = stockflow_project([5, 5], [[0.5, 0.01], [0, 0.9]], [0, 0.01], [1, 0], [100])
        b = stockflow_project([5, 5], [[0, 0.01], [0, 0]], [0, 0.01], [1, 0], [100])
        assert np.array_equal(a, b)

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(st.floats(0, 500), min_size=3, max_size=3),
        st.lists(st.floats(0, 0.3), min_size=9, max_size=9),
        st.integers(0, 400),
    )
    def test_closed_system_keeps_every_child(self, stock, flat, days):
        rates = np.array(flat).reshape(3, 3)
        out = stockflow_project(stock, rates, [0, 0, 0], [0, 0, 0], [days])
        assert out.sum() == pytest.approx(sum(stock), rel=1e-9, abs=1e-9)
        assert np.all(out >= -1e-9)

    @settings(max_examples=30, deadline=None)
    @given(st.lists(st.floats(0, 100), min_size=2, max_size=2),
           st.lists(st.floats(0, 2), min_size=2, max_size=2), st.integers(1, 300))
    def test_linear_in_stock_and_entrants(self, stock, entrants, days):
        R, x = [[0, 0.02], [0.01, 0]], [0.003, 0.004]
        both = stockflow_project(stock, R, x, entrants, [days])
        apart = (stockflow_project(stock, R, x, [0, 0], [days])
                 + stockflow_project([0, 0], R, x, entrants, [days]))
        assert both == pytest.approx(apart, rel=1e-9, abs=1e-9)

    def test_bad_input_named(self):
        with pytest.raises(Exception, match="transitions: expected 2 x 2"):
            stockflow_project([1, 2], [[0, 0.1]], [0, 0], [0, 0], [1])
        with pytest.raises(Exception, match="stock: a count of children cannot be negative"):
            stockflow_project([-1], [[0]], [0], [0], [1])
        with pytest.raises(Exception, match="days: must be whole numbers"):
            stockflow_project([1], [[0]], [0], [0], [1.5])
        with pytest.raises(Exception, match="add up to 1.2"):
            stockflow_project([1, 1], [[0, 0.7], [0, 0]], [0.5, 0], [0, 0], [1])
        with pytest.raises(Exception, match="days: must be between 0 and 36,525"):
            stockflow_project([1], [[0]], [0], [0], [10**6])


class TestVariance:
    def test_binomial_survival(self):
        n, q, t = 250, 0.002, 365
        p = (1 - q) ** t
        assert stockflow_sd([n], [[0]], [q], [0], [t])[0, 0] == pytest.approx(math.sqrt(n * p * (1 - p)))

    def test_multinomial_one_day(self):
        n, p, q = 80, 0.05, 0.02
        sd = stockflow_sd([n, 0], [[0, p], [0, 0]], [q, 0], [0, 0], [1])[0]
        assert sd[0] == pytest.approx(math.sqrt(n * (1 - p - q) * (p + q)))
        assert sd[1] == pytest.approx(math.sqrt(n * p * (1 - p)))
        # The total loses only the exits: binomial with q.
        upper = stockflow_total([n, 0], [[0, p], [0, 0]], [q, 0], [0, 0], [1], sds=1)[0]
        assert upper == pytest.approx(n * (1 - q) + math.sqrt(n * q * (1 - q)))

    def test_poisson_entrants(self):
        assert stockflow_sd([0], [[0]], [0], [0.5], [100])[0, 0] == pytest.approx(math.sqrt(50))

    def test_monte_carlo_agrees(self):
        rng = np.random.default_rng(7)
        R = np.array([[0, 0.01, 0.005], [0.002, 0, 0.01], [0, 0.003, 0]])
        x = np.array([0.004, 0.006, 0.01])
        e = np.array([0.2, 0.05, 0.0])
        stock = np.array([60, 40, 20])
        days, runs = 120, 4000
        counts = np.tile(stock, (runs, 1))
        M = np.concatenate([R, x[:, None]], axis=1)
        M = np.concatenate([1 - M.sum(axis=1, keepdims=True), M], axis=1)  # stay first
        for _ in range(days):
            new = np.zeros_like(counts)
            for i in range(3):
                draws = np.array([rng.multinomial(c, M[i]) for c in counts[:, i]])
                new[:, i] += draws[:, 0]
                new[:, [j for j in range(3) if j != i]] += draws[:, 1:4][:, [j for j in range(3) if j != i]]
            counts = new + rng.poisson(e, size=(runs, 3))
        sd = stockflow_sd(stock, R, x, e, [days])[0]
        assert counts.std(axis=0) == pytest.approx(sd, rel=0.06)
        assert counts.mean(axis=0) == pytest.approx(stockflow_project(stock, R, x, e, [days])[0], rel=0.02)


class TestCost:
    def test_constant_stock(self):
        assert stockflow_cost([10], [[0]], [0], [0], [7, 14], [700]).tolist() == [7000.0, 7000.0]

    def test_inflation_compounds_daily(self):
        got = stockflow_cost([7], [[0]], [0], [0], [365], [700], inflation=0.05)[0]
        want = sum(700 * 1.05 ** (t / 365.25) for t in range(1, 366))
        assert got == pytest.approx(want)

    def test_days_must_increase(self):
        with pytest.raises(Exception, match="days: must increase"):
            stockflow_cost([7], [[0]], [0], [0], [10, 5], [700])


class TestPeerMatrix:
    def test_clipping_moves_the_whole_stock(self):
        M = transition_matrix(np.array([[0, 1.5], [0, 0]]), np.array([0.5, 0]), clip=True)
        assert M[:, 0].tolist() == [0.0, 0.75]  # 2 a day requested: all go, 3/4 move, 1/4 leave


class TestRegistryFace:
    def test_project_over_ranges_with_blanks(self):
        spec = FUNCTIONS["LAC_STOCKFLOW_PROJECT"]
        got = spec([[100, 50]], [[None, 0.01], [0, None]], [[0, 0.005]], [[0.1], [0]], [[0], [365]])
        assert got.shape == (2, 2) and got[1, 0] == pytest.approx(10 + 90 * 0.99**365)

    @pytest.mark.parametrize(
        "args, code",
        [
            (([[1, 2]], [[0, 0.1, 0]], [[0, 0]], [[0, 0]], [[1]]), "#N/A"),
            (([[1, -2]], [[0, 0.1], [0, 0]], [[0, 0]], [[0, 0]], [[1]]), "#NUM!"),
            (([[1, 2]], [[0, 0.1], [0, 0]], [[0, 0]], [[0, 0]], [["soon"]]), "#VALUE!"),
            (([[1, 2]], [[0, 0.1], [0, 0]], [[0, 0]], [[0, 0]], [[0.5]]), "#NUM!"),
        ],
    )
    def test_errors(self, args, code):
        with pytest.raises(ExcelError) as caught:
            FUNCTIONS["LAC_STOCKFLOW_PROJECT"](*args)
        assert caught.value.code == code
        assert "LAC_STOCKFLOW_PROJECT" in caught.value.message

    def test_total_band_and_cost(self):
        model = sample_model()
        result = forecast(model, 12)
        last = (result.dates[-1] - model.start).days  # 366: 2024 is a leap year
        n = model.n_states
        args = ([model.stock.tolist()], (model.rates * (1 - np.eye(n))).tolist(),
                [model.exits.tolist()], [model.entrants.tolist()], [[30], [last]])
        total = FUNCTIONS["LAC_STOCKFLOW_TOTAL"](*args)
        lower = FUNCTIONS["LAC_STOCKFLOW_TOTAL"](*args, -2)
        assert total[1, 0] == pytest.approx(result.total[-1], rel=1e-9)
        assert lower[1, 0] == pytest.approx(result.total[-1] - 2 * result.total_sd[-1], rel=1e-9)
        cost = FUNCTIONS["LAC_STOCKFLOW_COST"](*args, [[650] * n])
        assert cost.shape == (2, 1) and cost[0, 0] > 0


class TestTemplate:
    def test_recalculated_template_matches_the_forecast(self, recalculated):
        report, values = recalculated(WORKBOOKS_DIR / "stock_flow.xlsx")
        assert report.errors == {}
        result = forecast(sample_model(), 24)
        assert report.named("ChildrenAtStart") == 417
        assert report.named("ChildrenYearOne") == pytest.approx(result.total[11], rel=1e-9)
        assert report.named("ChildrenAtEnd") == pytest.approx(result.total[-1], rel=1e-9)
        assert report.named("UpperAtEnd") == pytest.approx(result.total[-1] + 2 * result.total_sd[-1], rel=1e-9)
        sheet = values["Projection"]
        assert sheet["D5"].value == pytest.approx(result.counts[0, 0], rel=1e-9)

    def test_scenario_sheet_changes_the_projection(self, tmp_path, recalculated):
        import openpyxl

        path = fill_template(tmp_path / "scenario.xlsx", sample_model(), months=12)
        book = openpyxl.load_workbook(path)
        for row in range(8, 8 + 60):
            book["Scenario"][f"D{row}"] = 0.5  # half the entrants
        book.save(path)
        report, _ = recalculated(path)
        base, _ = recalculated(WORKBOOKS_DIR / "stock_flow.xlsx", name="base.xlsx")
        assert report.named("ChildrenYearOne") < base.named("ChildrenYearOne")

    def test_template_is_registered(self):
        assert "stock_flow.xlsx" in templates()
        assert Path(WORKBOOKS_DIR / "stock_flow.xlsx").is_file()
