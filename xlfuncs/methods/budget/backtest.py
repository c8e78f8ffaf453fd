"""Back-testing: how good the forecasts made in the past turned out to be.

Two questions, each answered from the return alone:

* **Children in care** (:func:`stock_flow_backtest`, :func:`trend_backtest`): at each origin (a
  past month end), each method is fitted to what was known then and forecasts the month ends
  that have since happened; each forecast is set against the children actually in care,
  in total and by placement group. The methods are those the project offers: the stock-flow
  model with its own conventions and with cs-demand-model's, both re-estimated over the 12
  months to the origin, and ``LAC_FORECAST``'s trend methods (linear, exponential, ETS) on the
  counts at each 31 March up to the origin, with ``LAC_FORECAST_INTERVAL``'s band.
* **Outturn** (:func:`outturn_backtest`): at each month end of a financial year that has
  ended, the forecast outturn the month-end report gave, and actual to date plus committed
  alone, set against the year's actual outturn: does the projection beat standing still?

:func:`summarise` gives the mean absolute percentage error (MAPE) and the share of actuals
inside the band, by method, placement group and horizon.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from xlfuncs.methods.budget.known import known_at
from xlfuncs.methods.budget.lines import LineMap
from xlfuncs.methods.budget.outturn import financial_year, month_end, priced_episodes
from xlfuncs.methods.budget.prices import PriceList
from xlfuncs.methods.errors import InputError
from xlfuncs.methods.stock_flow.costs import episode_groups
from xlfuncs.methods.stock_flow.episodes import EpisodeTable, from_days, to_days
from xlfuncs.methods.stock_flow.forecast import forecast
from xlfuncs.methods.stock_flow.model import estimate
from xlfuncs.methods.stock_flow.projection import month_ends
from xlfuncs.methods.stock_flow.states import PEER_PLACEMENTS, peer_category

#: Method names of the back-test.
STOCK_FLOW = "stock-flow"
STOCK_FLOW_PEER = "stock-flow (cs-demand-model)"
TREND_METHODS = ("linear", "exponential", "ets")
TOTAL = "total"


@dataclass(frozen=True)
class Point:
    """One forecast set against what happened."""

    method: str
    origin: dt.date
    date: dt.date
    horizon: int  # months after the origin
    placement: str  # a placement group, or "total"
    forecast: float
    lower: float | None
    upper: float | None
    actual: float

    @property
    def ape(self) -> float | None:
        """Absolute percentage error (None where nothing was in care: no percentage)."""
        return abs(self.forecast - self.actual) / self.actual * 100.0 if self.actual else None

    @property
    def inside(self) -> bool | None:
        if self.lower is None or self.upper is None:
            return None
        return self.lower <= self.actual <= self.upper


def counts_at(table: EpisodeTable, dates: Iterable[dt.date], group: np.ndarray, n_groups: int) -> np.ndarray:
    """Children in care at the end of each date, by group: shape (dates, groups)."""
    out = []
    for date in dates:
        day = to_days(date)
        present = (table.start <= day) & (table.end > day)
        out.append(np.bincount(group[present], minlength=n_groups))
    return np.array(out, dtype=float).reshape(-1, n_groups)


def origins_for(table: EpisodeTable, months: int, horizon: int = 12) -> list[dt.date]:
    """The last ``months`` month ends before the end of the return that have a 12-month
    reference window inside it (each forecasting up to ``horizon`` months, as many as have
    happened)."""
    end = from_days(table.collection_end)
    first = dt.date(table.years[0] - 1, 4, 1)
    earliest = dt.date(first.year + 1, first.month, 1) - dt.timedelta(days=1)  # 12 months in
    every = [d for d in month_ends(first, 12 * (len(table.years) + 1)) if earliest <= d < end]
    return every[-months:] if months else []


def _band(counts, sd, sds):
    return np.clip(counts - sds * sd, 0.0, None), counts + sds * sd


def stock_flow_backtest(table: EpisodeTable, origins: Iterable[dt.date], horizon: int = 12,
                        placement_map: dict[str, str] | None = None, sds: float = 2.0,
                        peer_table: EpisodeTable | None = None) -> tuple[list[Point], list[str]]:
    """Re-estimate the stock-flow model at each origin and score its forecasts.

    Parameters
    ----------
    table : EpisodeTable
        The whole return, read with the default conventions: the actual counts.
    origins : iterable of date
        Month ends to forecast from (each needs the 12 months before it in the return).
    horizon : int
        Months forecast from each origin (only those up to the end of the return are scored).
    placement_map : dict, optional
        Changes to DfE's placement categories, as for ``forecast-903 --map``.
    sds : float
        Half-width of the band in standard deviations.
    peer_table : EpisodeTable, optional
        The same return read with cs-demand-model's conventions: its method is scored too
        (against the same actuals, the children DfE counts, grouped in its four categories).

    Returns
    -------
    (points, notes)
        Every forecast scored; one note per origin a method could not be estimated at.
    """
    end = from_days(table.collection_end)
    names, groups = episode_groups(table, "dfe", placement_map)
    peer_groups = peer_category(table.place)
    points: list[Point] = []
    notes: list[str] = []
    methods = [(STOCK_FLOW, table, names, groups, placement_map)]
    if peer_table is not None:
        methods.append((STOCK_FLOW_PEER, peer_table, PEER_PLACEMENTS, peer_groups, None))
    for origin in origins:
        start = origin - dt.timedelta(days=364)
        for method, source, group_names, actual_groups, mapping in methods:
            try:
                model = estimate(known_at(source, origin), start, origin, mapping)
            except InputError as exc:
                notes.append(f"{method}: not estimated at {origin} ({exc})")
                continue
            months = [d for d in month_ends(origin, horizon) if d <= end]
            if not months:
                continue
            result = forecast(model, len(months), sds=sds)
            n_groups = len(group_names)
            weights = np.zeros((n_groups, result.space.n))
            state_group = np.array([group_names.index(p) for _, _, p in result.space.labels])
            weights[state_group, np.arange(result.space.n)] = 1.0
            assert result.cov is not None
            group_counts = result.counts @ weights.T
            group_sd = np.sqrt(np.clip(np.einsum("gi,kij,gj->kg", weights, result.cov, weights), 0, None))
            lower, upper = _band(group_counts, group_sd, sds)
            t_lower, t_upper = _band(result.total, result.total_sd, sds)
            actual = counts_at(table, months, actual_groups, n_groups)
            for k, date in enumerate(months):
                h = k + 1
                points.append(Point(method, origin, date, h, TOTAL, float(result.total[k]),
                                    float(t_lower[k]), float(t_upper[k]), float(actual[k].sum())))
                for g, name in enumerate(group_names):
                    points.append(Point(method, origin, date, h, name, float(group_counts[k, g]),
                                        float(lower[k, g]), float(upper[k, g]), float(actual[k, g])))
    return points, notes


def yearly_counts(table: EpisodeTable, placement_map: dict[str, str] | None = None):
    """(31 March dates, counts by DfE group (dates, groups), group names): the counts
    ``LAC_FORECAST`` is fitted to, from the 31 March before the first collection year."""
    names, groups = episode_groups(table, "dfe", placement_map)
    dates = [dt.date(y, 3, 31) for y in range(table.years[0] - 1, table.years[-1] + 1)]
    return dates, counts_at(table, dates, groups, len(names)), names


def trend_backtest(table: EpisodeTable, origins: Iterable[dt.date], horizon_years: int = 2,
                   methods: tuple[str, ...] = TREND_METHODS, sds: float = 2.0,
                   placement_map: dict[str, str] | None = None, min_years: int = 3
                   ) -> tuple[list[Point], list[str]]:
    """Score ``LAC_FORECAST``'s trend methods fitted to the 31 March counts up to each origin.

    Only the origins that are a 31 March are used (the methods forecast yearly counts); each
    needs ``min_years`` counts up to it. The band is ``LAC_FORECAST_INTERVAL``'s at the
    confidence of ``sds`` standard deviations of a normal distribution (95.4% for 2).
    """
    from xlfuncs.methods.forecasting import lac_forecast, lac_forecast_interval

    dates, counts, names = yearly_counts(table, placement_map)
    confidence = math.erf(sds / math.sqrt(2.0))
    points: list[Point] = []
    notes: list[str] = []
    years = np.array([d.year for d in dates], dtype=float)
    for origin in origins:
        if (origin.month, origin.day) != (3, 31) or origin not in dates:
            continue
        k = dates.index(origin)
        if k + 1 < min_years:
            continue
        ahead = min(horizon_years, len(dates) - 1 - k)
        if ahead < 1:
            continue
        series = [(TOTAL, counts[: k + 1].sum(axis=1), counts[k + 1:k + 1 + ahead].sum(axis=1))]
        series += [(name, counts[: k + 1, g], counts[k + 1:k + 1 + ahead, g])
                   for g, name in enumerate(names)]
        for method in methods:
            for name, known, actual in series:
                try:
                    centre = lac_forecast(known, ahead, method, known_x=years[: k + 1])
                except InputError as exc:
                    notes.append(f"{method}: {name} not forecast from {origin} ({exc.detail})")
                    continue
                try:
                    band = lac_forecast_interval(known, ahead, method, confidence, years[: k + 1])
                except (InputError, ImportError):
                    band = None
                for h in range(ahead):
                    lower = None if band is None else float(max(band[h, 0], 0.0))
                    upper = None if band is None else float(band[h, 1])
                    points.append(Point(method, origin, dates[k + 1 + h], 12 * (h + 1), name,
                                        float(centre[h]), lower, upper, float(actual[h])))
    return points, notes


@dataclass(frozen=True)
class Score:
    """MAPE and band coverage of a set of forecasts."""

    method: str
    placement: str
    horizon: int | None  # None: every horizon together
    forecasts: int
    mape: float | None
    inside: float | None  # share of actuals inside the band


def summarise(points: Iterable[Point]) -> list[Score]:
    """One :class:`Score` per method and placement over every horizon, then per horizon.

    >>> p = [Point("m", dt.date(2022, 3, 31), dt.date(2022, 4, 30), 1, "total", 110, 100, 120, 100),
    ...      Point("m", dt.date(2022, 3, 31), dt.date(2022, 5, 31), 2, "total", 90, 85, 95, 100)]
    >>> [(s.horizon, s.forecasts, s.mape, s.inside) for s in summarise(p)]
    [(None, 2, 10.0, 0.5), (1, 1, 10.0, 1.0), (2, 1, 10.0, 0.0)]
    """
    groups: dict[tuple[str, str, int | None], list[Point]] = {}
    for point in points:
        groups.setdefault((point.method, point.placement, None), []).append(point)
        groups.setdefault((point.method, point.placement, point.horizon), []).append(point)
    out = []
    for (method, placement, horizon), items in groups.items():
        apes = [p.ape for p in items if p.ape is not None]
        inside = [p.inside for p in items if p.inside is not None]
        out.append(Score(method, placement, horizon, len(items),
                         float(np.mean(apes)) if apes else None,
                         float(np.mean(inside)) if inside else None))
    out.sort(key=lambda s: (s.method, s.placement != TOTAL, s.placement,
                            -1 if s.horizon is None else s.horizon))
    return out


@dataclass(frozen=True)
class Backtest:
    """Every method's forecasts of children in care, scored."""

    origins: list[dt.date]
    horizon: int
    points: list[Point]
    scores: list[Score]
    notes: list[str]


def count_backtest(table: EpisodeTable, months: int = 24, horizon: int = 12,
                   peer_table: EpisodeTable | None = None,
                   placement_map: dict[str, str] | None = None, sds: float = 2.0) -> Backtest:
    """The back-test of every method over the last ``months`` origins of the return.

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> result = count_backtest(read_ssda903(samples_dir() / "ssda903"), months=3, horizon=2)
    >>> [str(d) for d in result.origins], sorted({p.method for p in result.points})
    (['2022-12-31', '2023-01-31', '2023-02-28'], ['stock-flow'])
    """
    origins = origins_for(table, months, horizon)
    points, notes = stock_flow_backtest(table, origins, horizon, placement_map, sds, peer_table)
    trend, trend_notes = trend_backtest(table, origins, max(1, horizon // 12), sds=sds,
                                        placement_map=placement_map)
    every = points + trend
    return Backtest(origins, horizon, every, summarise(every), notes + trend_notes)


@dataclass(frozen=True)
class OutturnPoint:
    """One past month-end forecast of a year's outturn, set against the outturn."""

    as_at: dt.date
    year_start: dt.date
    line: str  # a budget line, or "Total"
    actual_to_date: float
    committed: float
    projected: float
    lower: float
    upper: float
    outturn: float  # what the year actually cost, at the same prices

    @property
    def forecast(self) -> float:
        return self.actual_to_date + self.committed + self.projected

    @property
    def standing_still(self) -> float:
        """Actual to date plus committed alone."""
        return self.actual_to_date + self.committed

    @property
    def beats(self) -> bool:
        """Whether the forecast outturn was nearer the outturn than actual plus committed."""
        return abs(self.forecast - self.outturn) < abs(self.standing_still - self.outturn)

    @property
    def inside(self) -> bool:
        return self.lower <= self.outturn <= self.upper


def outturn_month_ends(table: EpisodeTable, as_at: dt.date, months: int = 24) -> list[dt.date]:
    """The last ``months`` month ends, April to February, of the financial years ended by
    ``as_at`` whose 12 months before are in the return (at 31 March there is nothing left to
    forecast)."""
    first = dt.date(table.years[0] - 1, 4, 1)
    earliest = dt.date(first.year + 1, 3, 31)
    year_start, year_end = financial_year(as_at)
    done = as_at + dt.timedelta(days=1) if as_at == year_end else year_start
    every = [d for d in month_ends(first, 12 * (len(table.years) + 1))
             if earliest <= d < done and (d.month, d.day) != (3, 31)]
    return every[-months:] if months else []


def outturn_backtest(table: EpisodeTable, month_end_dates: Iterable[dt.date], lines: LineMap,
                     prices: PriceList, sds: float = 2.0) -> list[OutturnPoint]:
    """The month-end report at each date, set against its year's outturn, by line and in total.

    ``table`` is the return as known at the report's own as-at date; each month end's report
    sees only what was known at its date, its year's outturn everything up to 31 March.
    """
    outturns: dict[dt.date, np.ndarray] = {}
    points: list[OutturnPoint] = []
    for date in month_end_dates:
        report = month_end(table, date, lines, prices, sds=sds)
        if report.year_start not in outturns:
            outturns[report.year_start] = year_actual(table, report.year_end, lines, prices)
        outturn = outturns[report.year_start]
        lower, upper = report.band()
        t_lower, t_upper = report.total_band()
        for k, name in enumerate(lines.names):
            points.append(OutturnPoint(date, report.year_start, name, float(report.actual[k]),
                                       float(report.committed[k]), float(report.projected[k]),
                                       float(lower[k]), float(upper[k]), float(outturn[k])))
        points.append(OutturnPoint(date, report.year_start, "Total", float(report.actual.sum()),
                                   float(report.committed.sum()), float(report.projected.sum()),
                                   t_lower, t_upper, float(outturn.sum())))
    return points


def year_actual(table: EpisodeTable, year_end: dt.date, lines: LineMap, prices: PriceList) -> np.ndarray:
    """What each line cost over the financial year ending ``year_end`` (its care days priced)."""
    priced = priced_episodes(table, year_end, lines, prices)
    t = priced.table
    lo, hi = to_days(financial_year(year_end)[0]), to_days(year_end)
    days = np.clip(np.minimum(t.end, hi + 1) - np.maximum(t.start, lo), 0, None)
    cost = days * np.nan_to_num(priced.weekly) / 7.0
    return np.bincount(priced.line, weights=cost, minlength=len(lines.names))

