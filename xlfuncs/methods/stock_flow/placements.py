"""One table of SSDA903 placement types (PLACE, with PLACE_PROVIDER) and two views of it.

Every placement code of DfE's guide to the SSDA903 collection (see
:mod:`xlfuncs.methods.stock_flow.codes` for the guide's years) has one row in
:data:`PLACEMENTS`, which places it in a group of each view:

``"dfe"``: DfE's published categories of children looked after (the placement rows of the
    national and local-authority tables of *Children looked after in England*), used by the
    forecasts:

    ===================== ==================================================== ===============
    group                 DfE's category                                       codes
    ===================== ==================================================== ===============
    ``fostering``         Foster placements                                    U1-U6
    ``secure_homes``      Secure units, children's homes and semi-independent  K1, K2, H5, K3
                          living accommodation
    ``residential_schools`` Residential schools                                S1
    ``with_parents``      Placed with parents or other person with parental    P1
                          responsibility
    ``adoption``          Placed for adoption                                  A3-A6
    ``other``             Other placements in the community (P2, P3), other    P2, P3, R1, R2,
                          residential settings (R1, R2, R3, R5), other         R3, R5, Z1,
                          placements (Z1, Z11-Z14) and unresolved temporary    Z11-Z14, T0-T4
                          moves
    ===================== ==================================================== ===============

``"budget"``: the lines a council's placement budget is monitored on:

    =========================== ==============================================================
    line                        codes
    =========================== ==============================================================
    ``in_house_fostering``      U1-U6 provided by the council itself (PLACE_PROVIDER PR1, or
                                blank)
    ``agency_fostering``        U1-U6 provided by anyone else: independent fostering agencies
                                (PR4 private, PR5 voluntary), other councils (PR2), other
                                public bodies (PR3)
    ``residential``             K2 children's homes, R1 residential care homes, R3 family
                                centres and mother and baby units, S1 residential schools
    ``supported_accommodation`` H5 semi-independent living, P2 independent living, K3
                                registered supported accommodation
    ``secure``                  K1 secure children's homes, R5 young offender institutions
    ``other``                   P1 placed with parents, A3-A6 placed for adoption, P3
                                residential employment, R2 NHS/health establishments, Z1 and
                                Z11-Z14 other placements, unresolved temporary moves
    =========================== ==============================================================

K1 and S1 are never ``other`` in either view. A code the guide does not have is ``other`` in
both views (the SSDA903 reader reports it row by row).

Temporary moves (T0-T4: hospital, holidays, the carers' holiday, seven days or less) are not
placements of their own: DfE's rule 383 has the child return to the placement they left.
:func:`resolve_temporary` gives each temporary episode the placement (and provider) the child
is temporarily away from, so that a temporary move creates no transition and no change of
budget line; only a temporary episode with no other placement in its period of care stays
``other``.

The public interface, for forecasts and budget monitoring alike: :data:`VIEWS`,
:data:`DFE_CATEGORIES`, :data:`BUDGET_LINES`, :data:`LABELS`, :data:`PLACEMENTS` (with
:class:`Placement`), :data:`IN_HOUSE_PROVIDERS`, :func:`groups`, :func:`group_of`,
:func:`classify`, :func:`codes_in`, :func:`is_temporary`, :func:`resolve_temporary`,
:func:`temporary_sources`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xlfuncs.methods.errors import NotFoundError

#: The two views of the table.
VIEWS: tuple[str, ...] = ("dfe", "budget")

#: DfE's published placement categories, in the order of its tables (view ``"dfe"``).
DFE_CATEGORIES: tuple[str, ...] = (
    "fostering", "secure_homes", "residential_schools", "with_parents", "adoption", "other",
)
#: Budget lines (view ``"budget"``).
BUDGET_LINES: tuple[str, ...] = (
    "in_house_fostering", "agency_fostering", "residential", "supported_accommodation",
    "secure", "other",
)

#: Words for each group of each view: DfE's own category names, and the budget lines'.
LABELS = dict({
    "dfe": dict({
        "fostering": "Foster placements",
        "secure_homes": "Secure units, children's homes and semi-independent living accommodation",
        "residential_schools": "Residential schools",
        "with_parents": "Placed with parents or other person with parental responsibility",
        "adoption": "Placed for adoption",
        "other": "Other placements (in the community, other residential settings, other)",
    }),
    "budget": dict({
        "in_house_fostering": "In-house fostering",
        "agency_fostering": "Agency fostering (IFA and other providers)",
        "residential": "Residential (children's homes, care homes, residential schools)",
        "supported_accommodation": "Supported accommodation (semi-independent and independent living)",
        "secure": "Secure (secure children's homes, youth detention)",
        "other": "Other (with parents, for adoption, health, other placements)",
    }),
})

#: PLACE_PROVIDER codes whose fostering is the council's own (in-house) fostering; a blank
#: provider counts as in-house too (the reader reports a blank where the guide needs one).
IN_HOUSE_PROVIDERS = frozenset({"PR1", ""})


@dataclass(frozen=True)
class Placement:
    """One placement type of the guide and its group in each view.

    ``budget`` is the budget line; for fostering codes it is the line when the council
    provides the placement itself, and :func:`group_of` / :func:`classify` move it to
    ``agency_fostering`` for any other provider.
    """

    code: str
    description: str
    dfe: str
    budget: str
    fostering: bool = False
    temporary: bool = False


def _rows() -> dict[str, Placement]:
    rows = [
        ("A3", "Placed for adoption with parental/guardian consent with current foster carer(s)",
         "adoption", "other"),
        ("A4", "Placed for adoption with parental/guardian consent not with current foster carer(s)",
         "adoption", "other"),
        ("A5", "Placed for adoption with placement order with current foster carer(s)",
         "adoption", "other"),
        ("A6", "Placed for adoption with placement order not with current foster carer(s)",
         "adoption", "other"),
        ("H5", "Semi-independent living accommodation not subject to children's homes regulations",
         "secure_homes", "supported_accommodation"),
        ("K1", "Secure children's homes", "secure_homes", "secure"),
        ("K2", "Children's homes subject to Children's Homes Regulations", "secure_homes",
         "residential"),
        ("K3", "Registered supported accommodation (from 2024-25)", "secure_homes",
         "supported_accommodation"),
        ("P1", "Placed with own parent(s) or other person(s) with parental responsibility",
         "with_parents", "other"),
        ("P2", "Independent living, e.g. a flat, lodgings, bedsit, B&B or with friends",
         "other", "supported_accommodation"),
        ("P3", "Residential employment", "other", "other"),
        ("R1", "Residential care home", "other", "residential"),
        ("R2", "NHS/health trust or other establishment providing medical or nursing care",
         "other", "other"),
        ("R3", "Family centre or mother and baby unit", "other", "residential"),
        ("R5", "Young offender institution (YOI)", "other", "secure"),
        ("S1", "All residential schools, except where dual-registered as a school and children's home",
         "residential_schools", "residential"),
        ("Z1", "Other placements (listed on a schedule sent to DfE)", "other", "other"),
    ]
    table = {code: Placement(code, text, dfe, budget) for code, text, dfe, budget in rows}
    for code, text in (("Z11", "Other placement (2025-26 code)"), ("Z12", "Other placement (2025-26 code)"),
                       ("Z13", "Other placement (2025-26 code)"), ("Z14", "Other placement (2025-26 code)")):
        table[code] = Placement(code, text, "other", "other")
    fostering = [
        ("U1", "Foster placement with relative(s) or friend(s): long-term fostering"),
        ("U2", "Foster placement with relative(s) or friend(s) who are also approved adopters: "
               "fostering for adoption / concurrent planning"),
        ("U3", "Foster placement with relative(s) or friend(s): not long-term or fostering for adoption"),
        ("U4", "Foster placement with other foster carer(s): long-term fostering"),
        ("U5", "Foster placement with other foster carer(s) who are also approved adopters: "
               "fostering for adoption / concurrent planning"),
        ("U6", "Foster placement with other foster carer(s): not long-term or fostering for adoption"),
    ]
    for code, text in fostering:
        table[code] = Placement(code, text, "fostering", "in_house_fostering", fostering=True)
    temporary = [
        ("T0", "All types of temporary move"),
        ("T1", "Temporary periods in hospital"),
        ("T2", "Temporary absences of the child on holiday"),
        ("T3", "Temporary accommodation whilst normal foster carer(s) is/are on holiday"),
        ("T4", "Temporary accommodation of seven days or less, for any reason, not covered by T1-T3"),
    ]
    for code, text in temporary:
        table[code] = Placement(code, text, "other", "other", temporary=True)
    return dict(sorted(table.items()))


#: Every placement type of the guide (all collection years), keyed by PLACE code.
PLACEMENTS = dict(_rows())


def groups(view: str = "dfe") -> tuple[str, ...]:
    """The groups of a view, in output order.

    >>> groups("budget")[:2]
    ('in_house_fostering', 'agency_fostering')
    """
    if view == "dfe":
        return DFE_CATEGORIES
    if view == "budget":
        return BUDGET_LINES
    raise NotFoundError("view", f'"{view}" is not one of {", ".join(VIEWS)}')


def group_of(place: str, provider: str = "", view: str = "dfe") -> str:
    """The group of one placement (code and provider) in a view.

    Parameters
    ----------
    place : str
        SSDA903 PLACE code, any case.
    provider : str, optional
        PLACE_PROVIDER code (only the budget view reads it, for fostering).
    view : {"dfe", "budget"}

    Returns
    -------
    str
        The group; ``"other"`` for a code the guide does not have.

    Examples
    --------
    >>> group_of("K1"), group_of("S1"), group_of("H5")
    ('secure_homes', 'residential_schools', 'secure_homes')
    >>> group_of("U4", "PR4", "budget"), group_of("U4", "PR1", "budget"), group_of("K1", view="budget")
    ('agency_fostering', 'in_house_fostering', 'secure')
    """
    names = groups(view)
    return names[int(classify([place], [provider], view)[0])]


def classify(places, providers=None, view: str = "dfe",
             overrides: dict[str, str] | None = None) -> np.ndarray:
    """Group index (into :func:`groups` of ``view``) of each placement, vectorised.

    Parameters
    ----------
    places : array_like of str
        PLACE codes, any case (resolve temporary moves first with :func:`resolve_temporary`
        where the chain of episodes is known).
    providers : array_like of str, optional
        PLACE_PROVIDER codes, same shape; blank or omitted counts as in-house.
    view : {"dfe", "budget"}
    overrides : dict, optional
        ``{code: group}`` changes to the view for this call, e.g. ``{"R1": "secure_homes"}``.

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> classify(["U4", "k1", "S1", "P1", "A6", "XX"]).tolist()
    [0, 1, 2, 3, 4, 5]
    >>> classify(["U6", "U6", "K2", "H5"], ["PR1", "PR5", "PR4", "PR4"], "budget").tolist()
    [0, 1, 2, 3]
    >>> classify(["R1"], overrides={"R1": "secure_homes"}).tolist()
    [1]
    """
    names = groups(view)
    index = {name: i for i, name in enumerate(names)}
    table = {code: index[getattr(row, view)] for code, row in PLACEMENTS.items()}
    for code, name in (overrides or {}).items():
        if name not in index:
            raise NotFoundError("placement_map", f'"{name}" is not one of {", ".join(names)}')
        table[code.strip().upper()] = index[name]
    unique, inverse, shape = _normalised(places)
    if unique.size == 0:
        return np.zeros(shape, dtype=np.int64)
    result = np.array([table.get(code, index["other"]) for code in unique], dtype=np.int64)[inverse]
    if view == "budget" and providers is not None:
        overridden = {c.strip().upper() for c in overrides or {}}
        fostering = np.array([PLACEMENTS[c].fostering if c in PLACEMENTS and c not in overridden
                              else False for c in unique], dtype=bool)[inverse]
        by_provider, which, _ = _normalised(providers)
        in_house = np.isin(by_provider, list(IN_HOUSE_PROVIDERS))[which]
        result = np.where(fostering & ~in_house, index["agency_fostering"], result)
    return result.reshape(shape)


def _normalised(values) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """(distinct codes stripped and in upper case, index of each value's code, shape): the few
    distinct values are normalised, not every value."""
    array = np.asarray(values)
    if array.dtype.kind not in "U":
        array = np.asarray(values, dtype=object).astype(str)
    unique, inverse = np.unique(array.ravel(), return_inverse=True)
    cleaned = np.char.upper(np.char.strip(unique)) if unique.size else unique
    return cleaned, inverse.ravel(), array.shape


def codes_in(group: str, view: str = "dfe") -> tuple[str, ...]:
    """The PLACE codes of a group (for the budget view's fostering lines, every fostering code:
    the provider decides between them).

    >>> codes_in("secure_homes")
    ('H5', 'K1', 'K2', 'K3')
    >>> codes_in("secure", "budget"), codes_in("agency_fostering", "budget")[:2]
    (('K1', 'R5'), ('U1', 'U2'))
    """
    if group not in groups(view):
        raise NotFoundError("group", f'"{group}" is not one of {", ".join(groups(view))}')
    if view == "budget" and group in ("in_house_fostering", "agency_fostering"):
        return tuple(code for code, row in PLACEMENTS.items() if row.fostering)
    return tuple(code for code, row in PLACEMENTS.items() if getattr(row, view) == group)


def is_temporary(places) -> np.ndarray:
    """Whether each PLACE code is a temporary move (T0-T4).

    >>> is_temporary(["T1", "t3", "U4", ""]).tolist()
    [True, True, False, False]
    """
    unique, inverse, shape = _normalised(places)
    temporary = np.isin(unique, [c for c, row in PLACEMENTS.items() if row.temporary])
    return temporary[inverse].reshape(shape) if unique.size else np.zeros(shape, dtype=bool)


def resolve_temporary(places, providers, continues) -> tuple[np.ndarray, np.ndarray]:
    """Give each temporary episode the placement the child is temporarily away from.

    Parameters
    ----------
    places, providers : array_like of str
        PLACE and PLACE_PROVIDER of episodes sorted by child, then start date.
    continues : array_like of bool
        True where an episode continues the period of care of the episode before it (the same
        child, joined by REC X1); False where it starts a period of care (RNE S).

    Returns
    -------
    (places, providers) : tuple of ndarray of str
        A temporary episode (T0-T4) takes the code and provider of the last placement before it
        in its period of care, or, at the start of a period, of the first placement after it;
        one with neither (a period of temporary moves only) keeps its code.

    Notes
    -----
    DfE's guide records a temporary move as its own episode and the return to the usual
    placement as another (validation rule 383: the episode after a temporary placement has the
    placement before it). Read as moves, that would be two transitions and a spell in
    "other"; the child never left the usual placement, so none is counted.

    Examples
    --------
    >>> p, v = resolve_temporary(["U4", "T3", "U4", "T1", "K2"], ["PR4", "", "PR4", "", "PR1"],
    ...                          [False, True, True, False, True])
    >>> p.tolist(), v.tolist()
    (['U4', 'U4', 'U4', 'K2', 'K2'], ['PR4', 'PR4', 'PR4', 'PR1', 'PR1'])
    """
    place, provider = np.asarray(places), np.asarray(providers)
    place = place if place.dtype.kind == "U" else np.asarray(places, dtype=object).astype(str)
    provider = provider if provider.dtype.kind == "U" else np.asarray(providers, dtype=object).astype(str)
    temporary = is_temporary(place)
    if place.size == 0 or not temporary.any():
        return place, provider
    source = temporary_sources(temporary, continues)
    return place[source], provider[source]


def temporary_sources(temporary, continues) -> np.ndarray:
    """For each episode, the episode whose placement it has once temporary moves are resolved
    (itself, unless it is temporary): the index form of :func:`resolve_temporary`.

    >>> temporary_sources([False, True, False, True, False], [False, True, True, False, True]).tolist()
    [0, 0, 2, 4, 4]
    """
    temporary = np.asarray(temporary, dtype=bool)
    joined = np.asarray(continues, dtype=bool)
    n = temporary.size
    positions = np.arange(n)
    if n == 0 or not temporary.any():
        return positions
    period = np.cumsum(~joined) - 1
    before = np.maximum.accumulate(np.where(~temporary, positions, -1))
    after = np.minimum.accumulate(np.where(~temporary, positions, n)[::-1])[::-1]
    use_before = temporary & (before >= 0)
    use_before[use_before] &= period[before[use_before]] == period[use_before]
    use_after = temporary & ~use_before & (after < n)
    use_after[use_after] &= period[after[use_after]] == period[use_after]
    return np.where(use_before, before, np.where(use_after, after, positions))
