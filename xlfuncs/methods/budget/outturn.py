"""The month-end forecast outturn of a placement budget, line by line, from SSDA903 episodes.

For an as-at date :math:`D` in the financial year 1 April to 31 March, and each budget line:

* **actual to date**: the days of care from 1 April to :math:`D` inclusive (an episode counts
  the days from DECOM up to the day before DEC: the DEC day itself is not a day of care in
  that placement), each priced at its placement's weekly cost / 7;
* **committed**: the placements open at the end of :math:`D`, continued from :math:`D + 1` to
  31 March inclusive at their current weekly cost (what the children placed today cost if
  nothing changes);
* **projected**: what the stock-flow model expects to change that: exits, entrants and moves
  between lines to 31 March. The model (:func:`~xlfuncs.methods.stock_flow.model.estimate`
  over the budget lines, stream x age band x line) is estimated over the reference window
  (by default the 12 months to :math:`D`) and projected day by day from :math:`D`; each
  projected day of care is priced at its line's average weekly cost today (the open
  placements', or over the reference window for a line with none open), so that a projection
  that changed nothing would add nothing. The band is that of the priced projection
  (:mod:`~xlfuncs.methods.budget.band`);
* **forecast outturn** = actual + committed + projected; **variance** = forecast outturn -
  budget (positive: an overspend).

Everything is computed on the episodes as known at the end of :math:`D`
(:func:`~xlfuncs.methods.budget.known.known_at`): the report is the same whatever the return
holds after it. Prices are today's throughout, including for the days already past: the
report prices the volume of care, not the invoices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from xlfuncs.methods.budget.band import cost_variance
from xlfuncs.methods.budget.known import known_at
from xlfuncs.methods.budget.lines import LineMap
from xlfuncs.methods.budget.prices import PriceList, describe_missing
from xlfuncs.methods.errors import InputError, OutOfDomainError
from xlfuncs.methods.stock_flow.episodes import OPEN, EpisodeTable, from_days, to_days
from xlfuncs.methods.stock_flow.model import StockFlowModel, estimate
from xlfuncs.methods.stock_flow.placements import resolve_temporary
from xlfuncs.methods.stock_flow.projection import run, transition_matrix
from xlfuncs.methods.stock_flow.states import BANDS, STREAMS, StateSpace

#: Days in the default reference window: the 12 months to the as-at date.
REFERENCE_DAYS = 365
#: The shortest reference window a model is estimated from.
MIN_REFERENCE_DAYS = 28


def financial_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """1 April and 31 March of the financial year holding ``day``.

    >>> financial_year(dt.date(2023, 3, 31)), financial_year(dt.date(2023, 4, 1))[0]
    ((datetime.date(2022, 4, 1), datetime.date(2023, 3, 31)), datetime.date(2023, 4, 1))
    """
    first = day.year if day.month >= 4 else day.year - 1
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def line_space(lines: LineMap) -> StateSpace:
    """The model's states over budget lines: stream x age band x line."""
    return StateSpace(STREAMS, BANDS, lines.names)


@dataclass(frozen=True)
class Priced:
    """Episodes known at a date with their line and weekly cost (temporary moves resolved)."""

    table: EpisodeTable
    line: np.ndarray
    weekly: np.ndarray  # NaN where unpriced
    place: np.ndarray
    provider: np.ndarray


def priced_episodes(table: EpisodeTable, as_at: dt.date, lines: LineMap, prices: PriceList) -> Priced:
    """The episodes known at the end of ``as_at``, each with its line and weekly cost."""
    cut = known_at(table, as_at)
    place, provider = resolve_temporary(cut.place, cut.provider, cut.continues())
    line = lines.classify(place, provider)
    weekly = prices.weekly(place, provider, line, cut.child_ids[cut.child])
    return Priced(cut, line, weekly, place, provider)


def reference_window(table: EpisodeTable, as_at: dt.date,
                     reference_start: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The window the model is estimated over: ``reference_start`` (default 12 months before
    ``as_at``, not before the first collection year) to ``as_at``."""
    first = dt.date(table.years[0] - 1, 4, 1)
    start = reference_start or max(first, as_at - dt.timedelta(days=REFERENCE_DAYS - 1))
    if start < first:
        raise OutOfDomainError("reference_start", f"{start} is before the return starts ({first})")
    if (as_at - start).days + 1 < MIN_REFERENCE_DAYS:
        raise OutOfDomainError("reference_start", f"the reference window {start} to {as_at} is "
                               f"shorter than {MIN_REFERENCE_DAYS} days: the return starts too "
                               "close to the as-at date to estimate the model")
    return start, as_at


def missing_prices(priced: Priced, start: dt.date, as_at: dt.date) -> str:
    """The placements in care from ``start`` to ``as_at`` that no row prices, as one phrase
    (empty when every one is priced)."""
    lo, hi = to_days(start), to_days(as_at)
    t = priced.table
    used = (t.start <= hi) & (t.end > lo)
    gap = used & np.isnan(priced.weekly)
    if not gap.any():
        return ""
    return describe_missing(priced.place[gap], priced.provider[gap], priced.place[used & ~gap])


@dataclass(frozen=True)
class MonthEnd:
    """One month-end report: arrays over the budget lines (``lines.names``)."""

    as_at: dt.date
    year_start: dt.date
    year_end: dt.date
    reference_start: dt.date
    reference_end: dt.date
    lines: LineMap
    children_now: np.ndarray
    weekly_now: np.ndarray  # weekly cost of the placements open at the as-at date
    days_to_date: np.ndarray
    actual: np.ndarray
    committed_days: np.ndarray
    committed: np.ndarray
    projected: np.ndarray
    projected_sd: np.ndarray
    total_projected_sd: float
    line_weekly: np.ndarray  # average weekly cost a projected day of each line is priced at
    price_source: tuple[str, ...]  # where each line's average comes from
    model: StockFlowModel
    priced: Priced = field(repr=False, compare=False)  # the episodes behind the figures
    sds: float = 2.0

    @property
    def days_left(self) -> int:
        return (self.year_end - self.as_at).days

    @property
    def outturn(self) -> np.ndarray:
        """Forecast outturn of each line."""
        return self.actual + self.committed + self.projected

    def band(self) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) of each line's forecast outturn; not below actual to date."""
        half = self.sds * self.projected_sd
        return np.maximum(self.outturn - half, self.actual), self.outturn + half

    def total_band(self) -> tuple[float, float]:
        total = float(self.outturn.sum())
        half = self.sds * self.total_projected_sd
        return max(total - half, float(self.actual.sum())), total + half


def line_prices(priced: Priced, lines: LineMap, reference: tuple[int, int],
                open_now: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Average weekly cost of a day of care in each line: of the placements open now; for a
    line with none, of the priced care days of the reference window; else 0."""
    n = len(lines.names)
    weekly = np.nan_to_num(priced.weekly)
    counts = np.bincount(priced.line[open_now], minlength=n).astype(float)
    sums = np.bincount(priced.line[open_now], weights=weekly[open_now], minlength=n)
    t = priced.table
    lo, hi = reference
    days = np.clip(np.minimum(t.end, hi + 1) - np.maximum(t.start, lo), 0, None).astype(float)
    days = np.where(np.isnan(priced.weekly), 0.0, days)
    ref_days = np.bincount(priced.line, weights=days, minlength=n)
    ref_cost = np.bincount(priced.line, weights=days * weekly, minlength=n)
    out = np.zeros(n)
    source = []
    for k in range(n):
        if counts[k]:
            out[k], what = sums[k] / counts[k], "open placements"
        elif ref_days[k]:
            out[k], what = ref_cost[k] / ref_days[k], "reference window"
        else:
            what = "none"
        source.append(what)
    return out, tuple(source)


def month_end(table: EpisodeTable, as_at: dt.date | str, lines: LineMap, prices: PriceList,
              reference_start: dt.date | None = None, sds: float = 2.0) -> MonthEnd:
    """The month-end report at ``as_at``: actual to date, committed, projected, by line.

    Parameters
    ----------
    table : EpisodeTable
        Episodes from :func:`~xlfuncs.data.ssda903.read_ssda903` (with the default
        conventions); only what was known at the end of ``as_at`` is used.
    as_at : date or ``YYYY-MM-DD``
        The as-at date, in a collection year the return holds.
    lines : LineMap
        The budget lines.
    prices : PriceList
        Weekly costs; every placement in care in the financial year to date or the reference
        window must be priced.
    reference_start : date, optional
        First day of the model's reference window (default: 12 months before ``as_at``).
    sds : float
        Half-width of the bands in standard deviations. Default 2.

    Returns
    -------
    MonthEnd

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> from xlfuncs.methods.budget.lines import LineMap
    >>> from xlfuncs.methods.budget.prices import PriceRow, price_list
    >>> table = read_ssda903(samples_dir() / "ssda903")
    >>> prices = price_list([PriceRow("default", "", 1000.0)], LineMap())
    >>> report = month_end(table, "2022-09-30", LineMap(), prices)
    >>> report.year_start, report.days_left, int(report.children_now.sum())
    (datetime.date(2022, 4, 1), 182, 398)
    >>> bool(np.isclose(report.committed.sum(), 398 * 1000 / 7 * 182))
    True
    """
    as_at = dt.date.fromisoformat(as_at) if isinstance(as_at, str) else as_at
    if table.conventions != "xlfuncs":
        raise InputError("table", "budget monitoring reads the return as DfE's guide defines it "
                         "(the default conventions)")
    first, last = dt.date(table.years[0] - 1, 4, 1), from_days(table.collection_end)
    if not first <= as_at <= last:
        raise OutOfDomainError("as_at", f"{as_at} is outside the return, which holds {first} to {last}")
    year_start, year_end = financial_year(as_at)
    ref_start, ref_end = reference_window(table, as_at, reference_start)
    priced = priced_episodes(table, as_at, lines, prices)
    missing = missing_prices(priced, min(year_start, ref_start), as_at)
    if missing:
        raise InputError("weekly_cost", f"no weekly cost for placements in the return: {missing}")
    t = priced.table
    n = len(lines.names)
    day, fy_start, fy_end = to_days(as_at), to_days(year_start), to_days(year_end)
    weekly = np.nan_to_num(priced.weekly)
    days_to_date = np.clip(np.minimum(t.end, day + 1) - np.maximum(t.start, fy_start), 0, None)
    open_now = (t.start <= day) & (t.end == OPEN)
    left = fy_end - day
    actual = np.bincount(priced.line, weights=days_to_date * weekly / 7.0, minlength=n)
    children = np.bincount(priced.line[open_now], minlength=n).astype(float)
    weekly_now = np.bincount(priced.line[open_now], weights=weekly[open_now], minlength=n)
    committed = weekly_now * left / 7.0

    space = line_space(lines)
    model = estimate(t, ref_start, ref_end, grouping=(space, priced.line))
    price, source = line_prices(priced, lines, (to_days(ref_start), day), open_now)
    projected, sd, total_sd = _projected(model, space, price, left, committed)
    return MonthEnd(
        as_at=as_at, year_start=year_start, year_end=year_end, reference_start=ref_start,
        reference_end=ref_end, lines=lines, children_now=children, weekly_now=weekly_now,
        days_to_date=np.bincount(priced.line, weights=days_to_date, minlength=n),
        actual=actual, committed_days=children * left, committed=committed, projected=projected,
        projected_sd=sd, total_projected_sd=total_sd, line_weekly=price, price_source=source,
        model=model, priced=priced, sds=sds,
    )


def state_weekly(space: StateSpace, line_weekly: np.ndarray) -> np.ndarray:
    """Weekly cost of each state: its line's average."""
    return np.array([line_weekly[space.placements.index(p)] for _, _, p in space.labels])


def _projected(model: StockFlowModel, space: StateSpace, line_weekly: np.ndarray, left: int,
               committed: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(projected change by line, its sd by line, sd of the total) over the ``left`` days."""
    n_lines = len(space.placements)
    if left <= 0:
        return np.zeros(n_lines), np.zeros(n_lines), 0.0
    rates = model.rates.copy()
    np.fill_diagonal(rates, 0.0)
    mean, cov, _ = run(model.stock, rates, model.exits, model.entrants, np.arange(left + 1),
                       variance=True)
    line_of_state = np.array([space.placements.index(p) for _, _, p in space.labels])
    daily = state_weekly(space, line_weekly) / 7.0
    weights = np.zeros((space.n, n_lines + 1))
    weights[np.arange(space.n), line_of_state] = daily
    weights[:, n_lines] = daily
    expected = mean[1:].sum(axis=0) @ weights
    variance = cost_variance(transition_matrix(rates, model.exits), cov[1:],
                             np.broadcast_to(weights, (left, *weights.shape)))
    sd = np.sqrt(variance)
    return expected[:n_lines] - committed, sd[:n_lines], float(sd[n_lines])
