"""Estimating the stock-flow model from SSDA903 episodes: stock, daily transitions, entrants.

The method is that of Social Finance's open demand model (PyPI ``cs-demand-model``, seed 003's
"stock-flow forecasting from SSDA903 episodes"): children are counted in states (see
:mod:`.states`); over a reference period the daily probability of moving from each state to
each other state, or out of care, and the daily number of new entrants to each state are
estimated; the model then projects ``P(t+1) = M P(t) + e``.

Two sets of conventions are provided (``conventions=``):

``"xlfuncs"`` (default), which reads the return as DfE's guide defines it and corrects the
peer where it departs from the data:

* states are stream (UASC or not) x age band x DfE's published placement category, so
  secure children's homes (K1) and residential schools (S1) are not "other", and UASC are a
  stream of their own with their own entrants (a child whose UASC status ceases while in care
  moves to the other stream, counted like any transition);
* a period of care starts at RNE S and ends at a REC other than X1 (read by
  :func:`~xlfuncs.data.ssda903.read_ssda903`): a same-day discharge and readmission is an exit
  and an entry, not a placement move; short breaks (LS V3, V4) are left out by the reader;
* a temporary move (T0-T4) keeps the child in the placement they are away from
  (:func:`~xlfuncs.methods.stock_flow.placements.resolve_temporary`): no transition;
* a child's age band is their age on each day (birthdays move children between bands, and the
  moves are counted like any other transition), not their age when the episode began;
* a daily rate is transitions over child-days at risk in the period (the maximum-likelihood
  estimate of a daily probability), not the mean over days of each day's ratio, which is
  unstable for small states and infinite on a day a state is empty;
* leaving care is what the data show: no extra "ageing out" of the 16-18+ band;
* entrants per day are divided by the days in the period counted the same way as for the rates.

``"cs-demand-model"``: the peer's conventions, to reproduce its numbers (see
:func:`estimate_compatible`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np

from xlfuncs.methods.errors import InputError, NotFoundError, OutOfDomainError
from xlfuncs.methods.stock_flow.episodes import (
    OPEN,
    EpisodeTable,
    civil_from_days,
    days_from_civil,
    from_days,
    to_days,
)
from xlfuncs.methods.stock_flow.placements import classify, is_temporary, temporary_sources
from xlfuncs.methods.stock_flow.states import (
    BAND_STARTS,
    BANDS,
    DEFAULT,
    PEER,
    StateSpace,
    peer_category,
)

#: cs-demand-model 0.5.1 ``standard-v1``: days in a year, band bounds in years, band lengths.
PEER_YEAR_DAYS = 365.24
PEER_BAND_BOUNDS = (-1.0, 1.0, 5.0, 10.0, 16.0, 30.0)
PEER_BAND_DAYS = (365.0, 4 * 365.0, 5 * 365.0, 6 * 365.0, 14 * 365.0)


@dataclass(frozen=True)
class StockFlowModel:
    """The estimated model: everything a projection needs, as arrays over the states of
    ``space`` (60 with the default conventions, 20 with cs-demand-model's).

    ``rates[i, j]`` is the daily probability that a child in state ``i`` is in state ``j``
    the next day (diagonal: moves between placements of the same state, which change no count);
    ``exits[i]`` the daily probability of leaving care; ``entrants[j]`` new entrants per day.
    """

    stock: np.ndarray
    rates: np.ndarray
    exits: np.ndarray
    entrants: np.ndarray
    start: dt.date  # the projection starts from the stock at the end of this day
    reference_start: dt.date
    reference_end: dt.date
    conventions: str = "xlfuncs"
    clip: bool = False  # scale a state's outflows down when they exceed its stock (peer)
    counts: dict = field(default_factory=dict, compare=False)  # raw counts behind the rates
    space: StateSpace = DEFAULT

    @property
    def labels(self) -> list[tuple[str, str, str]]:
        """(stream, age band, placement) of each state."""
        return self.space.labels

    @property
    def n_states(self) -> int:
        return self.space.n

    def total_stock(self) -> float:
        return float(self.stock.sum())


def _check_period(table: EpisodeTable, reference_start, reference_end) -> tuple[int, int]:
    start, end = to_days(reference_start), to_days(reference_end)
    if end <= start:
        raise OutOfDomainError("reference_end", "must be after reference_start")
    first = to_days(dt.date(table.years[0] - 1, 4, 1))
    if table.conventions == "xlfuncs" and start < first:
        # Before the first collection year the files hold only the children still in care.
        raise OutOfDomainError(
            "reference_start", f"is before the first collection year in the data ({from_days(first)})"
        )
    if end > table.collection_end:
        raise OutOfDomainError(
            "reference_end", f"is after the end of the data ({from_days(table.collection_end)})"
        )
    for year in getattr(table, "missing_years", ()):
        if start <= to_days(dt.date(year, 3, 31)) and end >= to_days(dt.date(year - 1, 4, 1)):
            raise OutOfDomainError(
                "reference_start", f"the period overlaps collection year {year}, which the data "
                f"do not hold (1 April {year - 1} to 31 March {year})")
    return start, end


def birthday_days(dob: np.ndarray, years: int) -> np.ndarray:
    """Day of each ``years``-th birthday (29 February birthdays fall on 1 March otherwise).

    >>> d = np.array([to_days("2008-02-29"), to_days("2010-06-15")])
    >>> [str(from_days(x)) for x in birthday_days(d, 1)]
    ['2009-03-01', '2011-06-15']
    """
    y, m, d = civil_from_days(dob)
    target_year = y + years
    leap = (target_year % 4 == 0) & ((target_year % 100 != 0) | (target_year % 400 == 0))
    feb29 = (m == 2) & (d == 29) & ~leap
    return days_from_civil(target_year, np.where(feb29, 3, m), np.where(feb29, 1, d))


#: Reasons for a new episode that are a change of placement (the others: S, L).
PLACEMENT_CHANGES = ("P", "T", "B", "U")


def categories(table: EpisodeTable, placement_map: dict[str, str] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Placement index of each episode in the state space of the table's conventions, and
    whether the episode begins with a move of placement.

    With the default conventions temporary moves take the placement the child is away from
    (:func:`~xlfuncs.methods.stock_flow.placements.temporary_sources`), so neither going to a
    temporary placement nor coming back from it is a move, and codes are grouped by DfE's
    published categories; with cs-demand-model's, as the peer groups them, every new episode
    of a period of care a move.
    """
    continues = table.continues()
    if table.conventions == "cs-demand-model":
        return peer_category(table.place, placement_map), continues
    # The few distinct codes are classified, not every episode's.
    codes, code_of = _distinct(table.place)
    temporary = is_temporary(codes)[code_of]
    resolved = code_of[temporary_sources(temporary, continues)]
    after_temporary = np.zeros(resolved.size, dtype=bool)
    after_temporary[1:] = temporary[:-1]
    moved = continues & np.isin(table.rne, PLACEMENT_CHANGES) & ~temporary
    back = np.zeros(resolved.size, dtype=bool)
    back[1:] = resolved[1:] == resolved[:-1]
    moved &= ~(after_temporary & back)
    return classify(codes, view="dfe", overrides=placement_map)[resolved], moved


def _row_counts(mask: np.ndarray) -> np.ndarray:
    """True values in each row of a narrow boolean matrix (a product with ones: several times
    faster than ``mask.sum(axis=1)`` on numpy's small inner axes)."""
    return (mask.view(np.uint8) @ np.ones(mask.shape[1], dtype=np.uint8)).astype(np.int64)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for short codes, sorting them as the integers
    their characters make (two-character codes: one 8-byte integer each) when they fit."""
    if values.dtype.kind == "U" and values.dtype.itemsize in (4, 8) and values.size:
        as_int = values.view(np.uint32 if values.dtype.itemsize == 4 else np.uint64)
        numbers, first, inverse = np.unique(as_int, return_index=True, return_inverse=True)
        return values[first], inverse.ravel()
    distinct, inverse = np.unique(values, return_inverse=True)
    return distinct, inverse.ravel()


def segments(table: EpisodeTable, placement_map: dict[str, str] | None = None, grouping=None):
    """Split episodes where a birthday moves a child between age bands or UASC status ends.

    Returns ``(child, start, end, state, continues, moved)`` arrays of segments sorted by child
    and start, each in one state of :data:`~xlfuncs.methods.stock_flow.states.DEFAULT` for its
    whole length; ``continues`` is False where a segment starts a period of care, ``moved``
    True where it starts with a move of placement (see :func:`categories`). ``grouping``,
    ``(space, group index of each episode)``, puts episodes in the placement groups of another
    space with the same streams and bands (budget lines, say) instead of DfE's categories.
    """
    space = DEFAULT if grouping is None else grouping[0]
    category, moves = categories(table, placement_map)
    if grouping is not None:
        category = np.asarray(grouping[1], dtype=np.int64)
    until = table.uasc_until[table.child]
    birthdays = np.stack([birthday_days(table.dob, years) for years in BAND_STARTS[1:]],
                         axis=1)[table.child]
    cuts = np.concatenate([birthdays, until[:, None]], axis=1)
    inside = (cuts > table.start[:, None]) & (cuts < table.end[:, None])
    pieces = 1 + _row_counts(inside)
    n = int(pieces.sum())
    episode = np.repeat(np.arange(table.n_episodes), pieces)
    # Start of each piece: the episode start, then each cut inside it, in order.
    first = np.concatenate(([0], np.cumsum(pieces)[:-1])).astype(np.int64)
    seg_start = table.start[episode].copy()
    rank = np.arange(n) - first[episode]  # 0 for the first piece of an episode
    later = rank > 0
    cut_rows = np.flatnonzero(pieces > 1)  # only episodes a cut falls in need sorting
    cut_sorted = np.where(inside[cut_rows], cuts[cut_rows], np.iinfo(np.int64).max)
    cut_sorted.sort(axis=1)
    row_of = np.zeros(table.n_episodes, dtype=np.int64)
    row_of[cut_rows] = np.arange(cut_rows.size)
    seg_start[later] = cut_sorted[row_of[episode[later]], rank[later] - 1]
    seg_end = np.empty(n, dtype=np.int64)
    seg_end[:-1] = seg_start[1:]
    last_piece = np.concatenate((first[1:] - 1, [n - 1]))
    seg_end[last_piece] = table.end
    seg_child = table.child[episode]
    band = _row_counts(seg_start[:, None] >= birthdays[episode])  # band birthdays passed
    stream = (seg_start < until[episode]).astype(np.int64)
    state = space.index(stream, band, category[episode])
    continues = later | ~table.new_period[episode]
    moved = ~later & moves[episode]
    return seg_child, seg_start, seg_end, state, continues, moved


def estimate(
    table: EpisodeTable,
    reference_start: dt.date | str,
    reference_end: dt.date | str,
    placement_map: dict[str, str] | None = None,
    grouping=None,
) -> StockFlowModel:
    """Estimate stock, daily transition probabilities and entrants over a reference period.

    Parameters
    ----------
    table : EpisodeTable
        Episodes from :func:`~xlfuncs.data.ssda903.read_ssda903`.
    reference_start, reference_end : date or ``YYYY-MM-DD``
        First and last day of the reference period (both included).
    placement_map : dict, optional
        ``{code: group}`` changes to the grouping of placement codes (the groups of DfE's
        view, :data:`~xlfuncs.methods.stock_flow.placements.DFE_CATEGORIES`).
    grouping : (StateSpace, ndarray), optional
        Placement groups other than DfE's categories: a space with the default streams and
        bands and the group index of each episode in it (see :func:`segments`).

    Returns
    -------
    StockFlowModel
        Stock at the end of ``reference_end``; rates, exits and entrants per day, over the
        60 states of :data:`~xlfuncs.methods.stock_flow.states.DEFAULT` (or of ``grouping``'s).

    Notes
    -----
    With :math:`n_i(d)` children in state :math:`i` on day :math:`d` (counted on the days from
    the start of an episode up to the day before it ends), :math:`T_{ij}(d)` children moving
    from :math:`i` to :math:`j` on day :math:`d` and :math:`D` days in the period,

    .. math:: r_{ij} = \\frac{\\sum_d T_{ij}(d)}{\\sum_d n_i(d-1)}, \\qquad
              e_j = \\frac{E_j}{D}

    where :math:`E_j` counts periods of care starting in state :math:`j` in the period (an
    episode with RNE S, as the reader reads it). States follow each child's age and UASC
    status on each day. With ``table.conventions ==
    "cs-demand-model"`` this calls :func:`estimate_compatible`.

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> table = read_ssda903(samples_dir() / "ssda903")
    >>> model = estimate(table, "2022-04-01", "2023-03-31")
    >>> model.total_stock()  # short breaks (LS V3, V4) left out
    417.0
    >>> bool((model.rates.sum(axis=1) + model.exits).max() < 1)
    True
    """
    if table.conventions == "cs-demand-model":
        return estimate_compatible(table, reference_start, reference_end, placement_map)
    start, end = _check_period(table, reference_start, reference_end)
    child, s, e, state, continues, moved = segments(table, placement_map, grouping)
    space = DEFAULT if grouping is None else grouping[0]
    N = space.n
    n = s.size
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = (child[:-1] == child[1:]) & (e[:-1] == s[1:]) & continues[1:]
    next_state = np.full(n, N, dtype=np.int64)  # N: out of care
    next_state[:-1] = np.where(same_next[:-1], state[1:], N)
    # Between segments in the same state only a move of placement is a transition (on the
    # diagonal); a change of legal status, or a temporary move and the return, is none.
    counted = np.ones(n, dtype=bool)
    counted[:-1] = ~same_next[:-1] | (next_state[:-1] != state[:-1]) | moved[1:]

    days = end - start + 1
    # Child-days at risk: days d-1 for d in the period, i.e. [start-1, end).
    overlap = np.clip(np.minimum(e, end) - np.maximum(s, start - 1), 0, None)
    exposure = np.bincount(state, weights=overlap, minlength=N)
    moving = (e >= start) & (e <= end) & (e != OPEN) & counted
    flows = np.bincount(
        state[moving] * (N + 1) + next_state[moving], minlength=N * (N + 1)
    ).reshape(N, N + 1).astype(float)
    entering = (s >= start) & (s <= end) & ~continues
    entries = np.bincount(state[entering], minlength=N).astype(float)
    present = (s <= end) & (e > end)
    stock = np.bincount(state[present], minlength=N).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_day = np.where(exposure[:, None] > 0, flows / exposure[:, None], 0.0)
    return StockFlowModel(
        stock=stock,
        rates=per_day[:, :N],
        exits=per_day[:, N],
        entrants=entries / days,
        start=from_days(end),
        reference_start=from_days(start),
        reference_end=from_days(end),
        conventions="xlfuncs",
        counts={"exposure": exposure, "flows": flows, "entries": entries, "days": days},
        space=space,
    )


def estimate_compatible(
    table: EpisodeTable,
    reference_start: dt.date | str,
    reference_end: dt.date | str,
    placement_map: dict[str, str] | None = None,
) -> StockFlowModel:
    """Estimate as ``cs-demand-model`` 0.5.1 does (``PopulationStats``, ``ModelPredictor``).

    Parameters
    ----------
    table : EpisodeTable
        Episodes read with ``conventions="cs-demand-model"``.
    reference_start, reference_end : date or ``YYYY-MM-DD``
        The reference period, both days included.
    placement_map : dict, optional
        Changes to the peer's placement-code mapping (its categories fostering, residential,
        supported, other).

    Returns
    -------
    StockFlowModel
        Over the 20 states of :data:`~xlfuncs.methods.stock_flow.states.PEER`, with
        ``clip=True``: a state's outflows are scaled down when their rates add up to more
        than one, as the peer caps transfers at the stock.

    Notes
    -----
    The peer's conventions, from its source (``datacontainer.py``, ``population_stats.py``,
    ``prediction.py``, ``config/standard-v1.yaml``):

    * age is ``(DECOM - DOB) / 365.24`` years, fixed for the whole episode; bands are
      [-1, 1), [1, 5), [5, 10), [10, 16), [16, 30);
    * a transition is counted on the DEC day, from the episode's state to (the same band, the
      next episode's category), or out of care when no episode starts on that day;
    * the daily rate is the mean over the days of the period (clipped to the data) of
      :math:`T_{ij}(d) / n_i(d-1)`, with :math:`n_i(d)` for the first day; a day on which
      :math:`n_i(d-1) = 0` and a child moves makes the rate infinite (refused here);
    * ageing adds :math:`1/L` a day from each band to the next, :math:`L` = 365, 1460, 1825 and
      2190 days, and :math:`1/5110` a day out of the 16-18+ band (its upper bound is 30);
    * entrants are the periods of care starting in the period divided by
      ``(reference_end - reference_start).days``;
    * the projection starts from the stock on ``reference_end``.

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> table = read_ssda903(samples_dir() / "ssda903",
    ...                      conventions="cs-demand-model")
    >>> model = estimate_compatible(table, "2022-04-01", "2023-03-31")
    >>> model.total_stock()  # short breaks (LS V4) counted, as the peer counts them
    428.0
    >>> float(round(model.exits[16:].max() - model.counts["observed_exits"][16:].max(), 6))
    0.000196
    """
    start, end = _check_period(table, reference_start, reference_end)
    category = peer_category(table.place, placement_map)
    N_STATES, n_places = PEER.n, len(PEER.placements)
    age = (table.start - table.dob[table.child]) / PEER_YEAR_DAYS
    band = np.searchsorted(np.asarray(PEER_BAND_BOUNDS), age, side="right") - 1
    if np.any((band < 0) | (band >= len(BANDS))):
        i = int(np.flatnonzero((band < 0) | (band >= len(BANDS)))[0])
        raise InputError(
            "episodes",
            f"CHILD {table.child_ids[table.child[i]]} is {age[i]:.1f} at the start of an episode: "
            "cs-demand-model has no age band for it",
        )
    state = band * n_places + category
    s, e, child = table.start, table.end, table.child
    n = s.size
    follows = np.zeros(n, dtype=bool)
    follows[:-1] = (child[:-1] == child[1:]) & (e[:-1] == s[1:])
    after_cat = np.full(n, -1)
    after_cat[:-1] = np.where(follows[:-1], category[1:], -1)
    to_state = np.where(after_cat >= 0, band * n_places + after_cat, N_STATES)
    preceded = np.zeros(n, dtype=bool)
    preceded[1:] = follows[:-1]

    # Daily stock over the peer's date index: first to last date in the data.
    first, last = int(s.min()), int(max(s.max(), e[e != OPEN].max() if np.any(e != OPEN) else s.max()))
    span = last - first + 1
    diff = np.zeros((span + 1, N_STATES))
    np.add.at(diff, (s - first, state), 1.0)
    closed = e != OPEN
    np.add.at(diff, (e[closed] - first, state[closed]), -1.0)
    stock_daily = np.cumsum(diff[:-1], axis=0)  # row k: stock on day first + k

    lo, hi = max(start, first), min(end, last)
    n_days = hi - lo + 1
    moving = closed & (e >= lo) & (e <= hi)
    day_before = np.maximum(e[moving] - 1, lo) - first  # the first day uses its own stock
    at_risk = stock_daily[day_before, state[moving]]
    if np.any(at_risk <= 0):
        i = int(np.flatnonzero(moving)[np.flatnonzero(at_risk <= 0)[0]])
        raise InputError(
            "episodes",
            f"CHILD {table.child_ids[child[i]]} leaves a state on {from_days(e[i])} when the "
            "state held no child the day before: cs-demand-model's rate would be infinite",
        )
    rates = np.zeros((N_STATES, N_STATES + 1))
    np.add.at(rates, (state[moving], to_state[moving]), 1.0 / at_risk)
    rates /= n_days
    observed_exits = rates[:, N_STATES].copy()
    # Ageing as the peer's ageing_out(): to the next band, or out of care from the last.
    for b in range(len(BANDS)):
        for c in range(n_places):
            i = b * n_places + c
            target = i + n_places if b + 1 < len(BANDS) else N_STATES
            rates[i, target] += 1.0 / PEER_BAND_DAYS[b]

    entering = (s >= start) & (s <= end) & ~preceded
    entries = np.bincount(state[entering], minlength=N_STATES).astype(float)
    stock_day = min(max(end, first), last) - first  # stock_at(): nearest day in the index
    return StockFlowModel(
        stock=stock_daily[stock_day].copy(),
        rates=rates[:, :N_STATES],
        exits=rates[:, N_STATES],
        entrants=entries / (end - start),
        start=from_days(end),
        reference_start=from_days(start),
        reference_end=from_days(end),
        conventions="cs-demand-model",
        clip=True,
        counts={"observed_exits": observed_exits, "entries": entries, "days": n_days},
        space=PEER,
    )


def adjust(
    model: StockFlowModel,
    kind: str,
    operation: str,
    source: list[int],
    value: float,
    target: list[int] | None = None,
) -> StockFlowModel:
    """A scenario: multiply or add to transition rates, exit rates or entrants.

    Parameters
    ----------
    model : StockFlowModel
        The estimated model (left unchanged).
    kind : {"rate", "entrants"}
        What to change.
    operation : {"multiply", "add"}
        ``multiply`` scales by ``value``; ``add`` adds ``value`` (a daily probability for rates,
        children per day for entrants).
    source : list of int
        States the change applies to: the from-states of rates, the states of entrants.
    value : float
        The factor or the amount.
    target : list of int, optional
        For rates: the to-states; ``model.n_states`` stands for leaving care.

    Returns
    -------
    StockFlowModel
        A new model; a rate or an entrant count made negative, or a state whose daily outflows
        add up to more than one, is refused (:class:`OutOfDomainError`).

    Examples
    --------
    >>> m = StockFlowModel(stock=np.ones(20), rates=np.zeros((20, 20)), exits=np.full(20, 0.001),
    ...     entrants=np.full(20, 0.01), start=dt.date(2023, 3, 31),
    ...     reference_start=dt.date(2022, 4, 1), reference_end=dt.date(2023, 3, 31))
    >>> adjust(m, "entrants", "multiply", [0, 1], 1.5).entrants[:3].tolist()
    [0.015, 0.015, 0.01]
    >>> float(adjust(m, "rate", "add", [12], 0.002, [13]).rates[12, 13])
    0.002
    """
    if not np.isfinite(value):
        raise OutOfDomainError("value", "must be a finite number")
    if operation not in ("multiply", "add"):
        raise NotFoundError("operation", f'"{operation}" is not multiply or add')
    src = np.asarray(source, dtype=np.int64)
    if kind == "entrants":
        entrants = model.entrants.copy()
        entrants[src] = entrants[src] * value if operation == "multiply" else entrants[src] + value
        if np.any(entrants < 0):
            raise OutOfDomainError("value", "makes a number of entrants negative")
        return replace(model, entrants=entrants)
    if kind != "rate":
        raise NotFoundError("kind", f'"{kind}" is not rate or entrants')
    if target is None:
        raise InputError("target", "a rate change needs the to-states (or out of care)")
    full = np.concatenate([model.rates, model.exits[:, None]], axis=1)
    rows, cols = np.meshgrid(src, np.asarray(target, dtype=np.int64), indexing="ij")
    if operation == "multiply":
        full[rows, cols] *= value
    else:
        full[rows, cols] += value
    if np.any(full < 0):
        raise OutOfDomainError("value", "makes a transition rate negative")
    n = model.stock.size
    out = full.sum(axis=1) - np.diag(full[:, :n])
    if not model.clip and np.any(out > 1):
        raise OutOfDomainError("value", "makes a state's daily outflows add up to more than 1")
    return replace(model, rates=full[:, :n], exits=full[:, n])
