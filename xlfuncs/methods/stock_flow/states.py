"""States of the stock-flow model: age band x placement category.

The bands and categories are those of Social Finance's open demand model (PyPI
``cs-demand-model`` 0.5.1, its ``standard-v1`` configuration), so the two can be compared state
by state: ages 0-1, 1-5, 5-10, 10-16 and 16-18+; fostering (SSDA903 placement codes U1-U6),
residential (K2, R1), supported (H5, P2) and other (every other code).
"""

from __future__ import annotations

import numpy as np

from xlfuncs.methods.errors import NotFoundError

#: Age bands, youngest first; the lower bound of each in whole years.
BANDS: tuple[str, ...] = ("0-1", "1-5", "5-10", "10-16", "16-18+")
BAND_STARTS: tuple[int, ...] = (0, 1, 5, 10, 16)
#: Placement categories, in output order.
PLACEMENTS: tuple[str, ...] = ("fostering", "residential", "supported", "other")
#: SSDA903 placement codes in each category; codes not listed are "other".
PLACEMENT_CODES: dict[str, tuple[str, ...]] = {
    "fostering": ("U1", "U2", "U3", "U4", "U5", "U6"),
    "residential": ("K2", "R1"),
    "supported": ("H5", "P2"),
}
OTHER = PLACEMENTS.index("other")
N_STATES = len(BANDS) * len(PLACEMENTS)


def state_labels() -> list[tuple[str, str]]:
    """(age band, placement) of each state, in model order (band by band).

    >>> state_labels()[:3]
    [('0-1', 'fostering'), ('0-1', 'residential'), ('0-1', 'supported')]
    >>> len(state_labels())
    20
    """
    return [(band, placement) for band in BANDS for placement in PLACEMENTS]


def state_index(band: int | np.ndarray, category: int | np.ndarray):
    """Index of the state for band and category indices (vectorised).

    >>> state_index(3, 0)
    12
    """
    return band * len(PLACEMENTS) + category


def placement_category(codes, overrides: dict[str, str] | None = None) -> np.ndarray:
    """Category index (0 fostering, 1 residential, 2 supported, 3 other) of placement codes.

    Parameters
    ----------
    codes : array_like of str
        SSDA903 ``PLACE`` codes, any case.
    overrides : dict, optional
        ``{code: category}`` changes to the mapping, e.g. ``{"K3": "supported"}`` for the
        supported-accommodation code of later returns.

    Returns
    -------
    ndarray of int
        One category index per code.

    Notes
    -----
    The mapping is ``cs-demand-model`` 0.5.1's ``standard-v1`` configuration.

    Examples
    --------
    >>> placement_category(["U4", "k2", "H5", "P1", ""]).tolist()
    [0, 1, 2, 3, 3]
    >>> placement_category(["K3"], {"K3": "supported"}).tolist()
    [2]
    """
    table = {code: PLACEMENTS.index(cat) for cat, group in PLACEMENT_CODES.items() for code in group}
    for code, category in (overrides or {}).items():
        if category not in PLACEMENTS:
            raise NotFoundError("placement_map", f'"{category}" is not one of {", ".join(PLACEMENTS)}')
        table[code.strip().upper()] = PLACEMENTS.index(category)
    values = np.asarray(codes, dtype=object)
    unique, inverse = np.unique(values.astype(str), return_inverse=True)
    mapped = np.array([table.get(code.strip().upper(), OTHER) for code in unique], dtype=np.int64)
    return mapped[inverse].reshape(values.shape)


def parse_state(text: str, argument: str = "state") -> list[int]:
    """State indices matching ``"BAND:PLACEMENT"``, where either part may be ``all``.

    >>> parse_state("10-16:fostering")
    [12]
    >>> parse_state("all:residential")
    [1, 5, 9, 13, 17]
    >>> len(parse_state("16-18+:all"))
    4
    """
    band_text, sep, placement_text = text.strip().partition(":")
    if not sep:
        raise NotFoundError(argument, f'"{text}": write a state as BAND:PLACEMENT, e.g. 10-16:fostering')
    if band_text.lower() == "all":
        bands = list(range(len(BANDS)))
    elif band_text in BANDS:
        bands = [BANDS.index(band_text)]
    else:
        raise NotFoundError(argument, f'"{band_text}" is not an age band ({", ".join(BANDS)} or all)')
    if placement_text.lower() == "all":
        cats = list(range(len(PLACEMENTS)))
    elif placement_text.lower() in PLACEMENTS:
        cats = [PLACEMENTS.index(placement_text.lower())]
    else:
        raise NotFoundError(
            argument, f'"{placement_text}" is not a placement ({", ".join(PLACEMENTS)} or all)'
        )
    return [int(state_index(b, c)) for b in bands for c in cats]
