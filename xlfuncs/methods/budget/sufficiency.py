"""Sufficiency: the placements the stock-flow model says will be needed, against capacity.

From the model of the month-end report (stream x age band x budget line, estimated over the
reference window to the as-at date), the children expected in each line and age band at each
month end, with the band of :mod:`xlfuncs.methods.stock_flow.forecast`, set against the
places the council has or has bought (in-house beds, framework places: a capacity table by
line, and by age band or for all ages) give the gap: placements needed less places held,
positive where the council is short.

The high-cost tail is the placements at or above a weekly cost (say £5,000 and £10,000): the
share of each line's children placed at that cost today, and their average cost, applied to
each line's projected children, give the count and the cost of the tail month by month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from xlfuncs.methods.errors import InputError, NotFoundError, OutOfDomainError
from xlfuncs.methods.stock_flow.episodes import OPEN, to_days
from xlfuncs.methods.stock_flow.forecast import Forecast, forecast
from xlfuncs.methods.stock_flow.model import StockFlowModel

#: The age band of a capacity row that holds for every age.
ALL_AGES = "all"


@dataclass(frozen=True)
class Needed:
    """Children expected at each month end by line and age band (streams added), with sds."""

    dates: list[dt.date]
    lines: tuple[str, ...]
    bands: tuple[str, ...]
    counts: np.ndarray  # (dates, lines, bands)
    sd: np.ndarray  # (dates, lines, bands)
    line_sd: np.ndarray  # (dates, lines): all ages together
    result: Forecast


def placements_needed(model: StockFlowModel, months: int = 24) -> Needed:
    """Project a model over budget lines for ``months`` month ends, by line and age band.

    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> from xlfuncs.methods.budget.lines import LineMap, episode_lines
    >>> from xlfuncs.methods.budget.outturn import line_space
    >>> from xlfuncs.methods.stock_flow.model import estimate
    >>> table = read_ssda903(samples_dir() / "ssda903")
    >>> space = line_space(LineMap())
    >>> model = estimate(table, "2022-04-01", "2023-03-31", grouping=(space, episode_lines(table, LineMap())))
    >>> needed = placements_needed(model, 24)
    >>> needed.counts.shape, float(needed.counts[0].sum().round(1))
    ((24, 6, 5), 418.6)
    """
    result = forecast(model, months)
    space = model.space
    n_lines, n_bands = len(space.placements), len(space.bands)
    pair = space.band_placement()  # band * lines + line
    band_of, line_of = pair // n_lines, pair % n_lines
    weights = np.zeros((n_lines, n_bands, space.n))
    weights[line_of, band_of, np.arange(space.n)] = 1.0
    flat = weights.reshape(n_lines * n_bands, space.n)
    counts = (result.counts @ flat.T).reshape(len(result.dates), n_lines, n_bands)
    cov = result.cov
    assert cov is not None  # forecast always computes the covariances
    var = np.einsum("pi,kij,pj->kp", flat, cov, flat).reshape(len(result.dates), n_lines, n_bands)
    by_line = weights.sum(axis=1)
    line_var = np.einsum("pi,kij,pj->kp", by_line, cov, by_line)
    return Needed(result.dates, space.placements, space.bands, counts,
                  np.sqrt(np.clip(var, 0, None)), np.sqrt(np.clip(line_var, 0, None)), result)


def capacity_table(rows, lines: tuple[str, ...], bands: tuple[str, ...]) -> dict[tuple[str, str], float]:
    """``{(line, band or "all"): places}`` from rows ``(line, age_band, places)``; rows of the
    same line and band (several sources: in-house beds, framework places) are added.

    >>> capacity_table([("residential", "", 10), ("residential", "all", 20), ("in_house_fostering", "10-16", 40)],
    ...                ("in_house_fostering", "residential"), ("0-1", "10-16"))
    {('residential', 'all'): 30.0, ('in_house_fostering', '10-16'): 40.0}
    """
    table: dict[tuple[str, str], float] = {}
    for line, band, places in rows:
        line, band = line.strip(), (band.strip() or ALL_AGES)
        if line not in lines:
            raise NotFoundError("line", f'capacity for "{line}", which is not a budget line '
                                f'({", ".join(lines)})')
        if band != ALL_AGES and band not in bands:
            raise NotFoundError("age_band", f'"{band}" is not an age band ({", ".join(bands)} or '
                                f"{ALL_AGES})")
        value = float(places)
        if not np.isfinite(value) or value < 0:
            raise OutOfDomainError("places", f"{line} {band}: places must be a number, 0 or more")
        table[(line, band)] = table.get((line, band), 0.0) + value
    return table


def sufficiency_rows(needed: Needed, capacity: dict[tuple[str, str], float], sds: float = 2.0):
    """One row per month end, line and age band (and ``all`` ages), with the gap.

    Each row: ``(date, line, age_band, needed, lower, upper, capacity, gap, gap_upper)``;
    ``capacity`` is None where the table gives none (for ``all``: the line's own row, else the
    sum of its bands' rows when every band has one), and so are the gaps. ``gap`` is needed less
    capacity, ``gap_upper`` the upper end of the band less capacity.
    """
    for k, day in enumerate(needed.dates):
        for i, line in enumerate(needed.lines):
            for j, band in enumerate(needed.bands):
                count, sd = needed.counts[k, i, j], needed.sd[k, i, j]
                yield _row(day, line, band, count, sd, capacity.get((line, band)), sds)
            bands = [capacity.get((line, b)) for b in needed.bands]
            whole = capacity.get((line, ALL_AGES))
            if whole is None and all(b is not None for b in bands):
                whole = float(sum(b for b in bands if b is not None))
            yield _row(day, line, ALL_AGES, needed.counts[k, i].sum(), needed.line_sd[k, i], whole, sds)


def _row(day, line, band, count, sd, places, sds):
    lower, upper = max(0.0, count - sds * sd), count + sds * sd
    if places is None:
        return (day, line, band, float(count), lower, float(upper), None, None, None)
    return (day, line, band, float(count), lower, float(upper), places, float(count - places),
            float(upper - places))


@dataclass(frozen=True)
class Tail:
    """The placements at or above a weekly cost: today and at each month end."""

    threshold: float
    now: int
    weekly_now: float
    dates: list[dt.date]
    counts: np.ndarray  # (dates,)
    sd: np.ndarray
    cost: np.ndarray  # cost of the tail's days in each month (to each month end)


def high_cost_tail(table, line: np.ndarray, weekly: np.ndarray, as_at: dt.date,
                   reference_start: dt.date, needed: Needed, thresholds) -> list[Tail]:
    """Count and cost of the high-cost tail now and projected.

    Parameters
    ----------
    table : EpisodeTable
        Episodes known at ``as_at`` (the month-end report's).
    line, weekly : ndarray
        Each episode's budget line and weekly cost.
    as_at, reference_start : date
        The as-at date and the start of the reference window.
    needed : Needed
        The projection by line (:func:`placements_needed`).
    thresholds : iterable of float
        Weekly costs; a placement at or above one is in its tail.

    Notes
    -----
    In each line the tail's share of children and its average weekly cost are those of the
    placements open at ``as_at``; a line with none open takes them from the care days of the
    reference window. Projected count at month end :math:`k`:
    :math:`\\sum_l s_l N_l(k)`, its band from the covariance of the line counts; cost in the
    month: :math:`\\sum_t \\sum_l s_l c_l N_l(t) / 7` over its days.
    """
    day, lo = to_days(as_at), to_days(reference_start)
    weekly = np.nan_to_num(np.asarray(weekly, dtype=float))
    n_lines = len(needed.lines)
    open_now = (table.start <= day) & (table.end == OPEN)
    days = np.clip(np.minimum(table.end, day + 1) - np.maximum(table.start, lo), 0, None).astype(float)
    result = needed.result
    space = result.space
    line_of_state = np.array([space.placements.index(p) for _, _, p in space.labels])
    cov = result.cov
    assert cov is not None
    out = []
    for threshold in thresholds:
        threshold = float(threshold)
        if not np.isfinite(threshold) or threshold <= 0:
            raise OutOfDomainError("threshold", "a weekly cost threshold must be a positive number")
        high = weekly >= threshold
        share, average = np.zeros(n_lines), np.zeros(n_lines)
        for k in range(n_lines):
            here = open_now & (line == k)
            if here.any():
                share[k] = (here & high).sum() / here.sum()
                average[k] = weekly[here & high].mean() if (here & high).any() else 0.0
            else:
                spent = days * (line == k)
                if spent.sum():
                    share[k] = (spent * high).sum() / spent.sum()
                    average[k] = ((spent * high * weekly).sum() / (spent * high).sum()
                                  if (spent * high).any() else 0.0)
        w_count = share[line_of_state]
        w_cost = (share * average)[line_of_state] / 7.0
        counts = result.counts @ w_count
        sd = np.sqrt(np.clip(np.einsum("i,kij,j->k", w_count, cov, w_count), 0, None))
        per_day = result.daily @ w_cost
        cost, previous = [], 0
        for date in result.dates:
            h = (date - result.start).days
            cost.append(float(per_day[previous + 1:h + 1].sum()))
            previous = h
        out.append(Tail(threshold, int((open_now & high).sum()), float(weekly[open_now & high].sum()),
                        result.dates, counts, sd, np.array(cost)))
    return out


def check_thresholds(values) -> tuple[float, ...]:
    """Weekly-cost thresholds, increasing, each positive and given once."""
    out = sorted(float(v) for v in values)
    if any(not np.isfinite(v) or v <= 0 for v in out):
        raise OutOfDomainError("threshold", "a weekly cost threshold must be a positive number")
    if len(set(out)) != len(out):
        raise InputError("threshold", "a threshold is given twice")
    return tuple(out)
