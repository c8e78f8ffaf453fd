"""Weekly costs of placements: the council's price list, applied to each episode.

A price list has rows ``(placement, provider, weekly_cost, child)``:

* ``placement``: a PLACE code of the guide (``K2``), a budget line of the line map in use
  (``agency_fostering``), one of DfE's placement categories (``fostering``; a name that is both
  a line and a category, ``other``, is the line), or ``default`` (every placement no other row
  prices);
* ``provider``: a PLACE_PROVIDER code, or ``""`` for any provider;
* ``child``: ``""``, or the council's own reference for one child (the return's CHILD): the
  row prices that child's placements only, e.g. a named high-cost placement. These references
  are matched and never written anywhere.

The most specific row wins: a child's own row over any other, then a code over a budget line
over a DfE category over the default, then a named provider over any provider. A temporary move is priced as the
placement the child is away from, so a price list never needs T0-T4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from xlfuncs.methods.budget.lines import PROVIDER_CODES, LineMap
from xlfuncs.methods.errors import InputError, NotFoundError, OutOfDomainError
from xlfuncs.methods.stock_flow.placements import DFE_CATEGORIES, PLACEMENTS, classify

#: The ``placement`` of a row pricing every placement no other row prices.
DEFAULT = "default"


@dataclass(frozen=True)
class PriceRow:
    """One row of a price list (``source`` is its line in the file, for messages)."""

    placement: str
    provider: str
    weekly_cost: float
    child: str = ""
    source: int = 0



@dataclass(frozen=True)
class PriceList:
    """A checked price list for a line map; :meth:`weekly` prices episodes."""

    rows: tuple[PriceRow, ...]
    lines: LineMap

    @property
    def default(self) -> float | None:
        for row in self.rows:
            if row.placement == DEFAULT and not row.child:
                return row.weekly_cost
        return None

    @property
    def child_rows(self) -> int:
        return sum(1 for row in self.rows if row.child)

    def weekly(self, places, providers, line_index, children=None) -> np.ndarray:
        """Weekly cost of each placement (NaN where no row prices it).

        Parameters
        ----------
        places, providers : array_like of str
            PLACE and PLACE_PROVIDER, temporary moves resolved.
        line_index : array_like of int
            The line of each placement (:meth:`LineMap.classify`).
        children : array_like of str, optional
            The council's reference of each placement's child, for per-child rows.

        Examples
        --------
        >>> from xlfuncs.methods.budget.lines import LineMap
        >>> prices = price_list([PriceRow("agency_fostering", "", 900.0), PriceRow("U4", "PR4", 1000.0),
        ...                      PriceRow("fostering", "", 500.0), PriceRow("K2", "", 5000.0),
        ...                      PriceRow("K2", "", 9000.0, child="C7")], LineMap())
        >>> lines = LineMap().classify(["U4", "U5", "U5", "K2", "K2", "H5"],
        ...                            ["PR4", "PR4", "PR1", "PR4", "PR4", "PR4"])
        >>> prices.weekly(["U4", "U5", "U5", "K2", "K2", "H5"], ["PR4", "PR4", "PR1", "PR4", "PR4", "PR4"],
        ...               lines, ["C1", "C2", "C3", "C4", "C7", "C8"]).tolist()
        [1000.0, 900.0, 500.0, 5000.0, 9000.0, nan]
        """
        place = np.asarray(places, dtype=str)
        provider = np.asarray(providers, dtype=str)
        line = np.asarray(line_index, dtype=np.int64)
        out = np.full(place.shape, np.nan)
        if place.size == 0:
            return out
        # The few distinct (code, provider, line) triples are priced, not every placement.
        keys = np.char.add(np.char.add(np.char.add(place, "|"), provider), np.char.add("|", line.astype(str)))
        triples, inverse = np.unique(keys, return_inverse=True)
        general = [r for r in self.rows if not r.child]
        priced = np.array([_price(*_split(t), general, self.lines) for t in triples.tolist()])
        out = priced[inverse.ravel()].reshape(place.shape)
        named = [r for r in self.rows if r.child]
        if named and children is not None:
            child = np.asarray(children, dtype=str)
            wanted = np.isin(child, [r.child for r in named])
            for i in np.flatnonzero(wanted):
                value = _price(place[i], provider[i], int(line[i]),
                               [r for r in named if r.child == child[i]], self.lines)
                if not math.isnan(value):
                    out[i] = value
        return out

    def unmatched_children(self, children) -> int:
        """How many per-child rows name a child not among ``children`` (a count: the
        references themselves are never reported)."""
        present = set(np.asarray(children, dtype=str).tolist())
        return sum(1 for r in self.rows if r.child and r.child not in present)


def _split(triple: str) -> tuple[str, str, int]:
    code, provider, line = triple.split("|")
    return code, provider, int(line)


def _price(code: str, provider: str, line: int, rows: list[PriceRow], lines: LineMap) -> float:
    """The weekly cost the most specific matching row gives (NaN if none matches)."""
    line_name = lines.names[line]
    category = DFE_CATEGORIES[int(classify([code])[0])]
    best, best_score = math.nan, -1
    for row in rows:
        if row.placement == code:
            score = 6
        elif row.placement == line_name:
            score = 4
        elif row.placement == category and row.placement not in lines.names:
            score = 2
        elif row.placement == DEFAULT:
            score = 0
        else:
            continue
        if row.provider:
            if row.provider != provider:
                continue
            score += 1
        if score > best_score:
            best, best_score = row.weekly_cost, score
    return best


def price_list(rows, lines: LineMap) -> PriceList:
    """Check a price list against a line map.

    Raises
    ------
    NotFoundError
        A placement that is neither a code of the guide, a line, a DfE category nor
        ``default``; a provider the guide does not have.
    OutOfDomainError
        A weekly cost that is negative or not a finite number.
    InputError
        The same placement, provider and child in two rows (duplicate codes), or a row pricing
        a temporary move.

    Examples
    --------
    >>> price_list([PriceRow("K2", "", 100.0, source=2), PriceRow("k2", "", 200.0, source=3)], LineMap())
    Traceback (most recent call last):
    ...
    xlfuncs.methods.errors.InputError: placement: line 3: K2 (any provider) is priced twice (also line 2)
    """
    groups = set(lines.names) | set(DFE_CATEGORIES)
    seen: dict[tuple[str, str, str], int] = {}
    checked = []
    for row in rows:
        placement = row.placement.strip()
        placement = placement.upper() if placement.upper() in PLACEMENTS else placement.lower()
        provider = row.provider.strip().upper()
        where = f"line {row.source}: " if row.source else ""
        if placement not in PLACEMENTS and placement not in groups and placement != DEFAULT:
            raise NotFoundError("placement", f'{where}"{row.placement.strip()}" is not a placement '
                                f'code, a budget line ({", ".join(lines.names)}), a DfE category or '
                                f"{DEFAULT}")
        if placement in PLACEMENTS and PLACEMENTS[placement].temporary:
            raise InputError("placement", f"{where}{placement} is a temporary move, priced as the "
                             "placement the child is away from: remove the row")
        if provider and provider not in PROVIDER_CODES:
            raise NotFoundError("provider", f'{where}"{row.provider.strip()}" is not a PLACE_PROVIDER '
                                f'code ({", ".join(PROVIDER_CODES)} or blank for any)')
        cost = float(row.weekly_cost)
        if not math.isfinite(cost) or cost < 0:
            raise OutOfDomainError("weekly_cost", f"{where}a weekly cost must be a number of "
                                   "pounds, 0 or more")
        child = row.child.strip()
        key = (placement, provider, child)
        if key in seen:
            what = placement + (f" with provider {provider}" if provider else " (any provider)")
            whose = " for the same child" if child else ""
            also = f" (also line {seen[key]})" if seen[key] else ""
            raise InputError("placement", f"{where}{what} is priced twice{whose}{also}")
        seen[key] = row.source
        checked.append(PriceRow(placement, provider, cost, child, row.source))
    return PriceList(tuple(checked), lines)


def describe_missing(places, providers, priced_places=()) -> str:
    """The placements no row prices, as one phrase: a code alone, or with its provider where
    the same code is priced for other providers (``priced_places``).

    >>> describe_missing(["R5", "K1", "K1"], ["", "PR1", "PR4"])
    'K1, R5'
    >>> describe_missing(["K1", "K1"], ["PR1", "PR4"], priced_places=["K1"])
    'K1 with provider PR1, K1 with provider PR4'
    """
    pairs = sorted({(str(a), str(b)) for a, b in zip(places, providers, strict=True)})
    partly = {str(c) for c in priced_places}
    out = []
    for code, provider in pairs:
        if code in partly:
            out.append(f"{code} with provider {provider}" if provider else f"{code} (no provider)")
        elif code not in out:
            out.append(code)
    return ", ".join(out)
