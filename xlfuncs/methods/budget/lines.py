"""Budget lines: which line of the placement budget each placement is charged to.

The default lines are the ``"budget"`` view of the one placement table
(:mod:`xlfuncs.methods.stock_flow.placements`): in-house fostering, agency fostering (by
PLACE_PROVIDER), residential, supported accommodation, secure, other. A council monitoring its
budget on other lines gives a mapping, one row per placement code (and, where it matters, per
provider) that it charges elsewhere: ``K2,PR1,in_house_residential`` moves the council's own
children's homes to a line of their own, and every code not named keeps its default line.
Each placement code, with each provider, falls in exactly one line.

Temporary moves (T0-T4) are charged to the placement the child is away from
(:func:`~xlfuncs.methods.stock_flow.placements.resolve_temporary`): a mapping cannot name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from xlfuncs.methods.errors import InputError, NotFoundError
from xlfuncs.methods.stock_flow import codes
from xlfuncs.methods.stock_flow.episodes import EpisodeTable
from xlfuncs.methods.stock_flow.placements import (
    BUDGET_LINES,
    LABELS,
    PLACEMENTS,
    classify,
    resolve_temporary,
)

#: Providers a mapping row may name ("" for any provider).
PROVIDER_CODES: tuple[str, ...] = tuple(codes.PROVIDERS)


@dataclass(frozen=True)
class LineMap:
    """The budget lines and the placements charged to each.

    ``names`` are the lines in report order; ``rules`` the council's changes to the default
    lines, ``(code, provider, line)`` with ``provider`` ``""`` for any provider (a row naming
    the provider wins over one that does not).
    """

    names: tuple[str, ...] = BUDGET_LINES
    rules: tuple[tuple[str, str, str], ...] = ()
    labels: dict[str, str] = field(default_factory=lambda: dict(LABELS["budget"]))

    def index(self, line: str) -> int:
        """Position of a line in :attr:`names` (:class:`NotFoundError` if it has none)."""
        if line not in self.names:
            raise NotFoundError("line", f'"{line}" is not a budget line ({", ".join(self.names)})')
        return self.names.index(line)

    def label(self, line: str) -> str:
        return self.labels.get(line, line.replace("_", " ").capitalize())

    def classify(self, places, providers) -> np.ndarray:
        """Line index of each placement (PLACE and PLACE_PROVIDER, temporary moves already
        resolved), vectorised over the few distinct pairs.

        >>> LineMap().classify(["U4", "U4", "K2"], ["PR1", "PR4", "PR4"]).tolist()
        [0, 1, 2]
        >>> custom = line_map([("K2", "PR1", "in_house_residential")])
        >>> custom.classify(["K2", "K2"], ["PR1", "PR4"]).tolist(), custom.names[-1]
        ([6, 2], 'in_house_residential')
        """
        place = np.char.upper(np.char.strip(np.asarray(places, dtype=str)))
        provider = np.char.upper(np.char.strip(np.asarray(providers, dtype=str)))
        if place.size == 0:
            return np.zeros(place.shape, dtype=np.int64)
        pairs, inverse = np.unique(np.char.add(np.char.add(place, "|"), provider), return_inverse=True)
        split = [p.split("|", 1) for p in pairs.tolist()]
        pair_place = [a for a, _ in split]
        pair_provider = [b for _, b in split]
        default = classify(pair_place, pair_provider, "budget")
        index = {name: i for i, name in enumerate(self.names)}
        exact = {(c, p): line for c, p, line in self.rules if p}
        anyone = {c: line for c, p, line in self.rules if not p}
        out = np.empty(len(pairs), dtype=np.int64)
        for k, (code, prov) in enumerate(zip(pair_place, pair_provider, strict=True)):
            line = exact.get((code, prov)) or anyone.get(code) or BUDGET_LINES[int(default[k])]
            out[k] = index[line]
        return out[inverse.ravel()].reshape(place.shape)


def line_map(rules, labels: dict[str, str] | None = None) -> LineMap:
    """A :class:`LineMap` from the council's rows ``(code, provider, line)``.

    Parameters
    ----------
    rules : iterable of (str, str, str)
        A PLACE code of the guide, a PLACE_PROVIDER code or ``""`` (any provider), and the line
        (lower case letters, digits and ``_``; a default line or a new one).
    labels : dict, optional
        Words for new lines.

    Returns
    -------
    LineMap
        The default lines that still hold a placement, then the new lines in the order the
        rows first name them.

    Raises
    ------
    NotFoundError
        A code the guide does not have, a temporary move (T0-T4), a provider the guide does not
        have.
    InputError
        The same code and provider in two rows (a placement would fall in two lines), or a line
        name that is not lower case letters, digits and ``_``.

    Examples
    --------
    >>> m = line_map([("R5", "", "secure_and_remand"), ("K1", "", "secure_and_remand")])
    >>> m.names
    ('in_house_fostering', 'agency_fostering', 'residential', 'supported_accommodation', 'other', 'secure_and_remand')
    """
    cleaned: list[tuple[str, str, str]] = []
    seen: dict[tuple[str, str], str] = {}
    for code, provider, line in rules:
        code, provider, line = code.strip().upper(), provider.strip().upper(), line.strip()
        if code not in PLACEMENTS:
            raise NotFoundError("placement", f'"{code}" is not a placement code of the SSDA903 guide')
        if PLACEMENTS[code].temporary:
            raise NotFoundError("placement", f"{code} is a temporary move: it is charged to the "
                                "placement the child is away from, and cannot have a line of its own")
        if provider and provider not in PROVIDER_CODES:
            raise NotFoundError("provider", f'"{provider}" is not a PLACE_PROVIDER code '
                                f'({", ".join(PROVIDER_CODES)} or blank for any)')
        if not line or not all(ch.islower() or ch.isdigit() or ch == "_" for ch in line):
            raise InputError("line", f'"{line}": name a line in lower case letters, digits and _')
        if (code, provider) in seen:
            where = f"{code} with provider {provider}" if provider else f"{code} (any provider)"
            raise InputError("placement", f"{where} is mapped twice (to {seen[(code, provider)]} "
                             f"and {line}): each placement falls in exactly one line")
        seen[(code, provider)] = line
        cleaned.append((code, provider, line))
    new_lines = [line for _, _, line in cleaned if line not in BUDGET_LINES]
    every_line = (*BUDGET_LINES, *dict.fromkeys(new_lines))
    trial = LineMap(every_line, tuple(cleaned))
    # Which lines a placement can still reach: every code with every provider (and none).
    places = [c for c, row in PLACEMENTS.items() if not row.temporary]
    providers = ["", *PROVIDER_CODES]
    grid_place = np.repeat(places, len(providers))
    grid_provider = np.tile(providers, len(places))
    reached = set(np.unique(trial.classify(grid_place, grid_provider)).tolist())
    names = tuple(name for i, name in enumerate(every_line) if i in reached)
    merged = dict(LABELS["budget"])
    merged.update(labels or {})
    return LineMap(names, tuple(cleaned), merged)


def episode_lines(table: EpisodeTable, lines: LineMap) -> np.ndarray:
    """Line index of each episode of ``table``, temporary moves charged to the placement the
    child is away from."""
    place, provider = resolve_temporary(table.place, table.provider, table.continues())
    return lines.classify(place, provider)
