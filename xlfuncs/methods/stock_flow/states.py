"""States of the stock-flow model: stream x age band x placement group.

Two state spaces:

* :data:`DEFAULT` (``conventions="xlfuncs"``): two streams, unaccompanied asylum-seeking
  children (``uasc``) and every other child looked after (``non-uasc``), each with its own
  entrants and rates; five age bands; DfE's published placement categories
  (:data:`~xlfuncs.methods.stock_flow.placements.DFE_CATEGORIES`): 2 x 5 x 6 = 60 states;
* :data:`PEER` (``conventions="cs-demand-model"``): Social Finance's open demand model (PyPI
  ``cs-demand-model`` 0.5.1, its ``standard-v1`` configuration), so the two can be compared
  state by state: one stream, the same five bands, and its four categories: fostering
  (U1-U6), residential (K2, R1), supported (H5, P2) and other (every other code).

The age bands, in both: 0-1, 1-5, 5-10, 10-16 and 16-18+.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from xlfuncs.methods.errors import NotFoundError
from xlfuncs.methods.stock_flow.placements import DFE_CATEGORIES
from xlfuncs.methods.stock_flow.placements import classify as classify_placements

#: Age bands, youngest first; the lower bound of each in whole years.
BANDS: tuple[str, ...] = ("0-1", "1-5", "5-10", "10-16", "16-18+")
BAND_STARTS: tuple[int, ...] = (0, 1, 5, 10, 16)
#: Streams of the default model: children who are not UASC, and UASC.
STREAMS: tuple[str, ...] = ("non-uasc", "uasc")
#: cs-demand-model 0.5.1 ``standard-v1`` placement categories and their codes (others: other).
PEER_PLACEMENTS: tuple[str, ...] = ("fostering", "residential", "supported", "other")
PEER_PLACEMENT_CODES: dict[str, tuple[str, ...]] = {
    "fostering": ("U1", "U2", "U3", "U4", "U5", "U6"),
    "residential": ("K2", "R1"),
    "supported": ("H5", "P2"),
}


@dataclass(frozen=True)
class StateSpace:
    """The states of a model: every (stream, age band, placement), stream by stream, then band
    by band."""

    streams: tuple[str, ...]
    bands: tuple[str, ...]
    placements: tuple[str, ...]

    @property
    def n(self) -> int:
        return len(self.streams) * len(self.bands) * len(self.placements)

    @cached_property
    def labels(self) -> list[tuple[str, str, str]]:
        """(stream, age band, placement) of each state, in model order."""
        return [(s, b, p) for s in self.streams for b in self.bands for p in self.placements]

    def index(self, stream, band, placement):
        """Index of the state for stream, band and placement indices (vectorised).

        >>> DEFAULT.index(1, 3, 0), PEER.index(0, 3, 0)
        (48, 12)
        """
        return (stream * len(self.bands) + band) * len(self.placements) + placement

    def band_placement(self) -> np.ndarray:
        """For each state, the index of its (age band, placement) pair, streams merged."""
        per_stream = len(self.bands) * len(self.placements)
        return np.arange(self.n) % per_stream

    def parse(self, text: str, argument: str = "state") -> list[int]:
        """State indices matching ``"BAND:PLACEMENT"`` (every stream) or
        ``"STREAM:BAND:PLACEMENT"``, where any part may be ``all``.

        >>> PEER.parse("10-16:fostering")
        [12]
        >>> PEER.parse("all:residential")
        [1, 5, 9, 13, 17]
        >>> DEFAULT.parse("uasc:16-18+:all")[:2], len(DEFAULT.parse("16-18+:fostering"))
        ([54, 55], 2)
        """
        parts = text.strip().split(":")
        if len(parts) == 2:
            stream_text, (band_text, placement_text) = "all", parts
        elif len(parts) == 3 and len(self.streams) > 1:
            stream_text, band_text, placement_text = parts
        else:
            form = "BAND:PLACEMENT" + (" or STREAM:BAND:PLACEMENT" if len(self.streams) > 1 else "")
            raise NotFoundError(argument, f'"{text}": write a state as {form}, e.g. 10-16:fostering')
        streams = self._pick(stream_text.lower(), self.streams, "stream", argument)
        bands = self._pick(band_text, self.bands, "age band", argument)
        placements = self._pick(placement_text.lower(), self.placements, "placement", argument)
        return [int(self.index(s, b, p)) for s in streams for b in bands for p in placements]

    @staticmethod
    def _pick(text: str, names: tuple[str, ...], what: str, argument: str) -> list[int]:
        if text.lower() == "all":
            return list(range(len(names)))
        if text in names:
            return [names.index(text)]
        article = "an" if what[0] in "aeiou" else "a"
        raise NotFoundError(argument, f'"{text}" is not {article} {what} ({", ".join(names)} or all)')


DEFAULT = StateSpace(STREAMS, BANDS, DFE_CATEGORIES)
PEER = StateSpace(("all",), BANDS, PEER_PLACEMENTS)


def space_for(conventions: str) -> StateSpace:
    """The state space of a set of conventions."""
    return PEER if conventions == "cs-demand-model" else DEFAULT


def peer_category(codes, overrides: dict[str, str] | None = None) -> np.ndarray:
    """cs-demand-model's category index (0 fostering, 1 residential, 2 supported, 3 other).

    Parameters
    ----------
    codes : array_like of str
        SSDA903 ``PLACE`` codes, any case.
    overrides : dict, optional
        ``{code: category}`` changes to the mapping, e.g. ``{"K3": "supported"}``.

    Examples
    --------
    >>> peer_category(["U4", "k2", "H5", "P1", "K1", ""]).tolist()
    [0, 1, 2, 3, 3, 3]
    >>> peer_category(["K3"], {"K3": "supported"}).tolist()
    [2]
    """
    table = {code: PEER_PLACEMENTS.index(cat) for cat, group in PEER_PLACEMENT_CODES.items()
             for code in group}
    for code, category in (overrides or {}).items():
        if category not in PEER_PLACEMENTS:
            raise NotFoundError("placement_map",
                                f'"{category}" is not one of {", ".join(PEER_PLACEMENTS)}')
        table[code.strip().upper()] = PEER_PLACEMENTS.index(category)
    values = np.asarray(codes, dtype=object)
    if values.size == 0:
        return np.zeros(values.shape, dtype=np.int64)
    unique, inverse = np.unique(values.astype(str), return_inverse=True)
    other = PEER_PLACEMENTS.index("other")
    mapped = np.array([table.get(code.strip().upper(), other) for code in unique], dtype=np.int64)
    return mapped[inverse].reshape(values.shape)


def placement_category(codes, overrides: dict[str, str] | None = None,
                       conventions: str = "xlfuncs") -> np.ndarray:
    """Placement index of codes in the state space of ``conventions``.

    >>> placement_category(["U4", "K1", "S1", "P1"]).tolist()
    [0, 1, 2, 3]
    >>> placement_category(["U4", "K1", "S1", "P1"], conventions="cs-demand-model").tolist()
    [0, 3, 3, 3]
    """
    if conventions == "cs-demand-model":
        return peer_category(codes, overrides)
    return classify_placements(codes, view="dfe", overrides=overrides)
