"""Costs of care: projected placement costs with inflation, and the key cost drivers.

Seed 003 (Thurrock Director of Public Health report, 2017) names the cost drivers to monitor:
weeks of care provided in the year, average length of stay and the average weekly cost of
placements of each kind. :func:`cost_drivers` computes them from the same SSDA903 episodes as
the forecast; :func:`projected_costs` prices a forecast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from xlfuncs.methods.errors import NotFoundError, OutOfDomainError
from xlfuncs.methods.stock_flow.episodes import OPEN, EpisodeTable, to_days
from xlfuncs.methods.stock_flow.forecast import Forecast
from xlfuncs.methods.stock_flow.placements import classify, groups, resolve_temporary
from xlfuncs.methods.stock_flow.states import DEFAULT, PEER_PLACEMENTS, StateSpace, peer_category


def parse_costs(items: dict[str, float], placements: tuple[str, ...] = DEFAULT.placements
                ) -> tuple[dict[str, float], dict[str, float]]:
    """Split weekly costs into (per placement group, per SSDA903 placement code).

    Keys are the names of ``placements`` (by default DfE's categories: fostering,
    secure_homes, residential_schools, with_parents, adoption, other) or placement codes
    (U4, K2, ...); a code's cost overrides its group's for that code.

    >>> parse_costs({"fostering": 650, "U5": 900, "secure_homes": 3000})
    ({'fostering': 650.0, 'secure_homes': 3000.0}, {'U5': 900.0})
    """
    by_category, by_code = {}, {}
    for key, value in items.items():
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise OutOfDomainError("weekly_cost", f"{key}: a cost must be a non-negative number")
        name = key.strip()
        if name.lower() in placements:
            by_category[name.lower()] = value
        elif 1 <= len(name) <= 4 and name.isalnum():
            by_code[name.upper()] = value
        else:
            raise NotFoundError("weekly_cost", f'"{key}" is neither a placement group '
                                f'({", ".join(placements)}) nor a code')
    return by_category, by_code


def episode_groups(table: EpisodeTable, view: str = "dfe",
                   placement_map: dict[str, str] | None = None) -> tuple[tuple[str, ...], np.ndarray]:
    """(group names, group index of each episode) in a view of the placement table.

    With the default conventions temporary moves take the placement the child is away from;
    a table read with cs-demand-model's conventions is grouped, in the ``"dfe"`` view, as the
    peer groups it (fostering, residential, supported, other).
    """
    if table.conventions == "cs-demand-model" and view == "dfe":
        return PEER_PLACEMENTS, peer_category(table.place, placement_map)
    place, provider = resolve_temporary(table.place, table.provider, table.continues())
    return groups(view), classify(place, provider, view, placement_map)


@dataclass(frozen=True)
class Drivers:
    """Key cost drivers of one period, per placement category (plus "all")."""

    start: dt.date
    end: dt.date
    rows: list[dict]


def cost_drivers(
    table: EpisodeTable,
    start: dt.date | str,
    end: dt.date | str,
    weekly_cost: dict[str, float] | None = None,
    placement_map: dict[str, str] | None = None,
    view: str = "dfe",
) -> Drivers:
    """Weeks of care, children, average length of stay and average weekly cost by placement.

    Parameters
    ----------
    table : EpisodeTable
        Episodes from :func:`~xlfuncs.data.ssda903.read_ssda903`.
    start, end : date or ``YYYY-MM-DD``
        The period (both days included), e.g. a financial year.
    weekly_cost : dict, optional
        Weekly costs by group of the view and/or placement code (see :func:`parse_costs`).
    placement_map : dict, optional
        ``{code: group}`` changes to the view's grouping.
    view : {"dfe", "budget"}
        DfE's published categories (default) or the budget lines of
        :mod:`~xlfuncs.methods.stock_flow.placements`.

    Returns
    -------
    Drivers
        One row per group and one for all: ``weeks_of_care`` (days in care in the period,
        each episode counted from DECOM up to the day before DEC, / 7), ``children`` (looked after
        at some time in the period), ``placements_ended`` and ``average_stay_days`` (mean length,
        whole length, of placements of the group ending in the period; for "all", of periods
        of care ending in the period), ``average_weekly_cost`` (cost of the weeks of care /
        weeks; per-code costs weighted by each code's weeks) and ``cost``.

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> table = read_ssda903(samples_dir() / "ssda903")
    >>> d = cost_drivers(table, "2022-04-01", "2023-03-31", {"fostering": 650, "secure_homes": 3000})
    >>> [row["placement"] for row in d.rows]
    ['fostering', 'secure_homes', 'residential_schools', 'with_parents', 'adoption', 'other', 'all']
    >>> bool(d.rows[-1]["weeks_of_care"] > 15_000)
    True
    >>> b = cost_drivers(table, "2022-04-01", "2023-03-31", view="budget")
    >>> [row["placement"] for row in b.rows][:3]
    ['in_house_fostering', 'agency_fostering', 'residential']
    """
    lo, hi = to_days(start), to_days(end)
    if hi < lo:
        raise OutOfDomainError("end", "must not be before start")
    names, category = episode_groups(table, view, placement_map)
    by_category, by_code = parse_costs(weekly_cost or {}, names)
    s, e = table.start, table.end
    days_in = np.clip(np.minimum(e, hi + 1) - np.maximum(s, lo), 0, None).astype(float)
    codes = np.char.upper(table.place.astype(str))
    cost_per_day = np.full(s.size, np.nan)
    for c, name in enumerate(names):
        if name in by_category:
            cost_per_day[category == c] = by_category[name] / 7.0
    for code, value in by_code.items():
        cost_per_day[codes == code] = value / 7.0
    # Placements: runs of consecutive episodes of one child in one group, in one period of care.
    n = s.size
    joined = table.continues()
    new_run = ~(joined & np.concatenate(([False], category[1:] == category[:-1])))
    run_id = np.cumsum(new_run) - 1
    run_start = s[new_run]
    run_end = np.full(run_id.max() + 1, 0, dtype=np.int64)
    np.maximum.at(run_end, run_id, e)
    run_cat = category[new_run]
    ended = (run_end >= lo) & (run_end <= hi) & (run_end != OPEN)
    # Periods of care: from an episode that starts one to the last episode that continues it.
    period_id = np.cumsum(~joined) - 1
    p_start = s[~joined]
    p_end = np.zeros(period_id.max() + 1, dtype=np.int64)
    np.maximum.at(p_end, period_id, e)
    p_ended = (p_end >= lo) & (p_end <= hi) & (p_end != OPEN)

    rows = []
    for c, name in enumerate([*names, "all"]):
        mask = (category == c) if name != "all" else np.ones(n, dtype=bool)
        weeks = days_in[mask].sum() / 7.0
        priced = mask & ~np.isnan(cost_per_day)
        cost = float((days_in[priced] * cost_per_day[priced]).sum()) if priced.any() else None
        priced_weeks = days_in[priced].sum() / 7.0
        if name == "all":
            lengths = (p_end[p_ended] - p_start[p_ended]).astype(float)
        else:
            pick = ended & (run_cat == c)
            lengths = (run_end[pick] - run_start[pick]).astype(float)
        children = np.unique(table.child[mask & (days_in > 0)]).size
        rows.append({
            "placement": name,
            "weeks_of_care": float(weeks),
            "children": int(children),
            "placements_ended": int(lengths.size),
            "average_stay_days": float(lengths.mean()) if lengths.size else None,
            "average_weekly_cost": (cost / priced_weeks) if cost is not None and priced_weeks else None,
            "cost": cost,
        })
    return Drivers(start=dt.date.fromisoformat(str(start)) if isinstance(start, str) else start,
                   end=dt.date.fromisoformat(str(end)) if isinstance(end, str) else end, rows=rows)


def state_weekly_costs(by_category: dict[str, float], space: StateSpace = DEFAULT) -> np.ndarray:
    """Weekly cost of each state of ``space`` from costs per placement group (missing: 0).

    >>> state_weekly_costs({"fostering": 700})[:7].tolist()
    [700.0, 0.0, 0.0, 0.0, 0.0, 0.0, 700.0]
    """
    return np.array([float(by_category.get(p, 0.0)) for _, _, p in space.labels])


def projected_costs(result: Forecast, weekly: np.ndarray, inflation: float = 0.0):
    """Cost of the care days in each month of a forecast, per placement group.

    Parameters
    ----------
    result : Forecast
        A forecast (its daily projection is priced).
    weekly : ndarray, shape (states,)
        Weekly cost per state in today's prices (:func:`state_weekly_costs`).
    inflation : float
        Annual rise in costs, compounded daily from the forecast's start. Default 0.

    Returns
    -------
    list of (month end, placement, average children, cost)
        For each reported month end, the days after the previous month end (or the start).

    Examples
    --------
    >>> import numpy as np
    >>> from xlfuncs.methods.stock_flow.forecast import Forecast
    >>> days = np.zeros((32, 60)); days[:, 0] = 7.0
    >>> f = Forecast(dates=[dt.date(2023, 4, 30), dt.date(2023, 5, 1)], counts=np.zeros((2, 60)),
    ...              sd=np.zeros((2, 60)), total_sd=np.zeros(2), daily=days,
    ...              start=dt.date(2023, 3, 31))
    >>> projected_costs(f, state_weekly_costs({"fostering": 700}))[0]
    (datetime.date(2023, 4, 30), 'fostering', 7.0, 21000.0)
    """
    if not np.isfinite(inflation) or inflation <= -1 or inflation > 1:
        raise OutOfDomainError("inflation", "must be between -100% and 100% a year")
    daily = result.daily
    t = np.arange(daily.shape[0])
    factor = (1.0 + inflation) ** (t / 365.25)
    placements = result.space.placements
    category = np.array([placements.index(p) for _, _, p in result.space.labels])
    out = []
    previous = 0
    for day in result.dates:
        h = (day - result.start).days
        block = daily[previous + 1:h + 1]
        money = block * (weekly / 7.0) * factor[previous + 1:h + 1, None]
        for c, name in enumerate(placements):
            cols = category == c
            out.append((day, name, float(block[:, cols].sum(axis=1).mean()) if len(block) else 0.0,
                        float(money[:, cols].sum())))
        previous = h
    return out
