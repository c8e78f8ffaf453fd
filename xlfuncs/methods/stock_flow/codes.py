"""The SSDA903 code sets of DfE's guidance: legal status, reason for new episode, reason episode
ceased, placement type and placement provider.

Sources, by collection year (a year is named by the 31 March it ends):

* the codes and their meanings are those of DfE's *Children looked after by local authorities
  in England: guide to the SSDA903 collection* for 1 April 2022 to 31 March 2023 (collection
  year 2023), whose code lists did not change for 2024;
* the changes since, as DfE's validation rules check each year's return (implemented in
  ``csc-validator-be-903`` 0.1.17, rules 143 RNE, 144 LS, 146 PLACE, 149 REC, 178
  PLACE_PROVIDER of its ``lac2022_23`` to ``lac2025_26`` rule sets): placement type K3
  (registered supported accommodation) from 2025; H5, P2 and Z1 withdrawn and Z1 split into
  Z11-Z14 from 2026.

The placement codes themselves, with their groups, are in
:mod:`xlfuncs.methods.stock_flow.placements`.
"""

from __future__ import annotations

#: Legal status (LS), guide 2022-23.
LEGAL_STATUS = dict({
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20 (Children Act 1989)",
    "V3": "Accommodated under an agreed series of short-term breaks, individual episodes recorded",
    "V4": "Accommodated under an agreed series of short-term breaks, agreements recorded",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order (EPO)",
    "L3": "Under child assessment order and in local authority accommodation",
    "J1": "Remanded to local authority accommodation or to youth detention accommodation",
    "J2": "Placed in local authority accommodation under the Police and Criminal Evidence Act 1984",
    "J3": "Sentenced to a youth rehabilitation order with residence or intensive fostering",
})

#: Legal statuses of an agreed series of short breaks: DfE's counts of children looked after
#: (at 31 March, starting and ceasing to be looked after) leave these episodes out.
SHORT_BREAKS = frozenset({"V3", "V4"})

#: Reason for new episode (RNE), guide 2022-23. ``S`` starts a period of care.
NEW_EPISODE_REASONS = dict({
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement (but same carer(s)) only",
    "B": "Change of legal status and placement and carer(s) at the same time",
    "U": "Change of legal status and change of placement (but same carer(s)) at the same time",
})
STARTED = "S"

#: Reason episode ceased (REC), guide 2022-23. ``X1`` continues the period of care in a new
#: episode the same day; every other code ends the period of care.
REASONS_CEASED = dict({
    "X1": "Episode ceases, and new episode begins on same day, for any reason",
    "E11": "Adopted: application for an adoption order unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E4A": "Returned home to live with parent(s), relative(s) or other person(s) with parental "
           "responsibility as part of the care planning process",
    "E4B": "Returned home to live with parent(s), relative(s) or other person(s) with parental "
           "responsibility not as part of the care planning process",
    "E13": "Left care to live with parent(s), relative(s) or other person(s) with no parental "
           "responsibility",
    "E41": "Residence order or child arrangements order granted",
    "E45": "Special guardianship order to former foster carer(s) who are relative(s) or friend(s)",
    "E46": "Special guardianship order to former foster carer(s), not relative(s) or friend(s)",
    "E47": "Special guardianship order to carer(s), not former foster carer(s), who are "
           "relative(s) or friend(s)",
    "E48": "Special guardianship order to carer(s), not former foster carer(s), not relative(s) "
           "or friend(s)",
    "E5": "Moved into independent living with formalised advice or support",
    "E6": "Moved into independent living without formalised advice or support",
    "E7": "Transferred to residential care funded by adult social care services",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined the child is aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers (including staying put)",
})
CONTINUES = "X1"

#: Placement provider (PLACE_PROVIDER), guide 2022-23.
PROVIDERS = dict({
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own provision (by the local authority), including a regional adoption agency where "
           "the child's responsible local authority is the host authority",
    "PR2": "Other local authority provision, including a regional adoption agency where another "
           "local authority is the host authority",
    "PR3": "Other public provision (for example a primary care trust)",
    "PR4": "Private provision",
    "PR5": "Voluntary/third sector provision",
})

#: Placement types (PLACE) of the guide 2022-23, valid in collection years up to 2024.
_PLACE_2023 = frozenset({
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
})
_PLACE_2025 = _PLACE_2023 | {"K3"}
_PLACE_2026 = (_PLACE_2025 - {"H5", "P2", "Z1"}) | {"Z11", "Z12", "Z13", "Z14"}

#: Placement types that take no PLACE_PROVIDER (temporary moves and other placements).
NO_PROVIDER = frozenset({"T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"})


def place_codes(year: int) -> frozenset[str]:
    """The placement types valid in the collection year ending 31 March ``year``.

    >>> sorted(place_codes(2023) ^ place_codes(2026))
    ['H5', 'K3', 'P2', 'Z1', 'Z11', 'Z12', 'Z13', 'Z14']
    >>> "K3" in place_codes(2024), "K3" in place_codes(2025)
    (False, True)
    """
    if year <= 2024:
        return _PLACE_2023
    if year == 2025:
        return _PLACE_2025
    return _PLACE_2026


#: Every placement type any collection year accepts.
ALL_PLACE_CODES = _PLACE_2023 | _PLACE_2026
