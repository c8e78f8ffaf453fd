#!/usr/bin/env python3
"""Write the SYNTHETIC SSDA903 samples: ``samples/ssda903/<YYYY>/header.csv`` and ``episodes.csv``.

    python scripts/make_sample_903.py [--out samples/ssda903] [--seed 903] [--scale 1]

A seeded microsimulation of an invented English authority of about 40,000 children with 300-400
looked after at any time. Children enter care (more often as babies or teenagers), change legal
status (police protection, interim and full care orders, section 20, placement orders), move
between placements (kinship, in-house and agency fostering, children's homes, semi-independent
and independent living, placed with parents, placed for adoption, secure units, residential
schools), have temporary moves (hospital, holidays, their foster carers' holidays: T1-T4) and
leave (home, adoption, special guardianship, staying put at 18, independent living, transfers),
some to come back. Unaccompanied asylum-seeking children (UASC) arrive aged
14-17, are accommodated under section 20 and are listed in each year's UASC table
(``uasc.csv``) with the date their status ceases (their 18th birthday, or an age assessment).
Disabled children on an agreed series of short breaks are recorded as the guide says: LS V3
(each short break an episode of its own) or V4 (each agreement an episode). Each collection
year's files hold every episode open at some time in that year (1 April to 31 March), with DEC
and REC blank for episodes still open at 31 March, as the DfE return does. Postcodes are real
public postcodes (so that the DfE validation rules can derive placement distances and
authorities); everything else — children, dates, providers, URNs — is invented.

``--scale N`` multiplies the number of children (for benchmarks). The same seed and scale give
byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FIRST_YEAR, LAST_YEAR = 2019, 2023  # collection years, each ending 31 March
SIM_START = dt.date(2000, 4, 1)
END = dt.date(LAST_YEAR, 3, 31)
#: New children entering care per year at scale 1 (mid-2019), growing 3% a year.
ENTRY_RATE = 104.0
GROWTH = 0.03
#: Unaccompanied asylum-seeking children arriving per year at scale 1, from UASC_START.
UASC_RATE = 13.0
UASC_START = dt.date(2012, 4, 1)
#: New agreements for a series of short breaks per year at scale 1 (V3 and V4 alike).
SHORT_BREAK_RATE = 10.0

# Real postcodes (public ONS data): the home authority and its neighbours.
IN_AREA = """MK1 1JN MK1 1LH MK1 1LS MK1 9BZ MK1 9GQ MK1 9LT MK10 1XQ MK10 7GG MK10 7NZ MK10 9GP
MK10 9JT MK11 1HU MK11 1JL MK11 1NT MK12 5LH MK12 5NU MK12 5RS MK12 6HP MK13 0WS MK13 7BA MK13 7PD
MK13 8BA MK13 8BQ MK13 9EJ MK13 9YW MK13 9YZ MK14 5DB MK14 5EL MK14 5QS MK14 6PP MK14 6YJ MK15 0DR
MK15 8YH MK15 9DY MK16 8AL MK16 9DL MK17 0JL MK17 8JQ MK17 8ZE MK19 7PG MK19 7QZ MK2 2JL MK2 2TE
MK2 3DD MK2 3DR MK2 3NJ MK3 6LH MK3 6NS MK3 7BS MK3 7JE MK3 7QX MK4 3AW MK4 3ZS MK4 4BJ MK4 4EG
MK4 4EH MK4 4HW MK4 4WA MK46 4BY MK46 4JD MK46 5LB MK5 5AA MK5 6FX MK5 6GF MK5 6LZ MK5 8AG MK5 8EX
MK5 8GH MK6 2DA MK6 2HF MK6 2RS MK6 2XB MK6 3AS MK7 6BL MK7 6JT MK7 6YL MK7 7EQ MK7 7ST MK7 7TL
MK7 8LS MK7 8QR MK8 0DG MK8 0NY MK8 1AF MK8 1FT MK8 1FW MK8 8YP MK9 1DE MK9 1EP MK9 2XY"""
OUT_OF_AREA = """MK40 2NE MK40 3FB MK40 4UY MK41 0TL MK41 7QB MK41 8YS MK42 8EL MK42 8NF MK43 9EZ
MK43 9GE MK44 3ES MK44 3LN NN11 9DX NN2 6DX NN2 7AE NN2 8ZH NN3 3RZ NN3 4LS NN3 4PP NN4 7BH NN4 8EG
NN5 6DG NN5 7HH NN6 6AE HP10 9SP HP14 4SR HP22 5TS HP22 6HF HP5 1GB HP7 9LR HP8 4YX HP9 1YW HP9 2JT
LU6 1RY MK18 5DN MK18 7EJ LU1 2LP LU1 2PJ LU1 3PU LU3 1HP LU3 3QB LU3 9DN LU4 0DY LU4 0HD LU5 5GZ
LU5 6SW LU6 2DU LU7 4DU LU7 4RF LU7 7PP MK17 9HN MK45 1NH"""


def _postcodes(text: str) -> list[str]:
    words = text.split()
    return [f"{words[i]} {words[i + 1]}" for i in range(0, len(words), 2)]


IN_POSTS = _postcodes(IN_AREA)
OUT_POSTS = _postcodes(OUT_OF_AREA)

ETHNIC = {
    "WBRI": 0.68, "WIRI": 0.005, "WOTH": 0.04, "WIRT": 0.005, "WROM": 0.005, "MWBC": 0.05,
    "MWBA": 0.02, "MWAS": 0.01, "MOTH": 0.03, "AIND": 0.01, "APKN": 0.015, "ABAN": 0.005,
    "AOTH": 0.01, "BCRB": 0.02, "BAFR": 0.045, "BOTH": 0.01, "CHNE": 0.003, "OOTH": 0.02,
    "REFU": 0.007, "NOBT": 0.01,
}
CHANGE_REASONS = {
    "CARPL": 0.36, "CREQB": 0.14, "CREQO": 0.1, "CHILD": 0.1, "LAREQ": 0.08, "CLOSE": 0.05,
    "ALLEG": 0.03, "STAND": 0.03, "APPRR": 0.02, "OTHER": 0.09,
}
CATEGORY_OF_NEED = {"N1": 0.64, "N2": 0.03, "N3": 0.03, "N4": 0.14, "N5": 0.07, "N6": 0.02,
                    "N7": 0.01, "N8": 0.06}

# Placement kinds: code(s), provider, mean days before a move, minimum age in years.
KINDS = {
    "kin": dict(mean=700, min_age=0),
    "inhouse": dict(mean=480, min_age=0),
    "ifa": dict(mean=480, min_age=0),
    "resi": dict(mean=330, min_age=8),
    "carehome": dict(mean=300, min_age=12),
    "h5": dict(mean=260, min_age=16),
    "p2": dict(mean=420, min_age=16),
    "p1": dict(mean=300, min_age=0),
    "k1": dict(mean=70, min_age=12),
    "s1": dict(mean=360, min_age=7),
    "z1": dict(mean=90, min_age=10),
    "a6": dict(mean=10**6, min_age=0),
}
#: Where a child goes next (new entrants and moves), by age band.
NEXT_KIND = (
    (1, {"inhouse": 0.5, "ifa": 0.24, "kin": 0.21, "p1": 0.05}),
    (5, {"inhouse": 0.45, "ifa": 0.3, "kin": 0.2, "p1": 0.05}),
    (10, {"inhouse": 0.4, "ifa": 0.32, "kin": 0.14, "resi": 0.08, "s1": 0.02, "p1": 0.04}),
    (16, {"inhouse": 0.29, "ifa": 0.3, "kin": 0.07, "resi": 0.24, "carehome": 0.02, "k1": 0.02,
          "s1": 0.02, "z1": 0.01, "p1": 0.03}),
    (99, {"inhouse": 0.14, "ifa": 0.15, "kin": 0.04, "resi": 0.19, "carehome": 0.02, "h5": 0.36,
          "p2": 0.08, "z1": 0.02}),
)
ENTRY_AGE_BANDS = ((0, 1, 0.19), (1, 5, 0.14), (5, 10, 0.17), (10, 16, 0.37), (16, 17.85, 0.13))
#: Exit routes by age at entry: (route, probability); "age18" means looked after until 18.
ROUTES = (
    (1, {"adoption": 0.34, "home": 0.3, "sgo": 0.2, "age18": 0.16}),
    (5, {"adoption": 0.18, "home": 0.42, "sgo": 0.2, "age18": 0.2}),
    (10, {"home": 0.46, "sgo": 0.14, "age18": 0.34, "other": 0.06}),
    (16, {"home": 0.45, "sgo": 0.02, "age18": 0.38, "other": 0.15}),
    (99, {"home": 0.18, "age18": 0.74, "other": 0.08}),
)
#: UASC: age at arrival (from, to, share), ethnic groups, where they are placed by age.
UASC_ENTRY_AGES = ((14, 15, 0.1), (15, 16, 0.25), (16, 17, 0.35), (17, 17.8, 0.3))
UASC_ETHNIC = {"AOTH": 0.35, "BAFR": 0.3, "OOTH": 0.2, "WOTH": 0.1, "MOTH": 0.05}
UASC_NEXT_KIND = (
    (16, {"ifa": 0.55, "inhouse": 0.35, "resi": 0.1}),
    (99, {"h5": 0.55, "ifa": 0.2, "inhouse": 0.1, "p2": 0.1, "resi": 0.05}),
)
UASC_ROUTES = {"age18": 0.75, "transfer": 0.12, "assessed": 0.05, "other": 0.08}
#: Temporary moves: code, (shortest, longest) days, and which placements they interrupt.
TEMPORARY = {
    "T1": ((2, 21), ("foster", "home")),  # hospital (DfE rule 375: at most six weeks)
    "T2": ((5, 14), ("foster", "home")),  # the child's holiday
    "T3": ((5, 14), ("foster",)),  # the foster carers' holiday
    "T4": ((1, 7), ("foster", "home")),  # seven days or less (rule 379)
}
#: Chance a year that a placement is interrupted by a temporary move.
TEMPORARY_RATE = 0.15
LA_FOSTERING_URN = "SC990001"
IFA_URNS = ("SC991101", "SC991102", "SC991103", "SC991104", "SC991105", "SC991106")
ADOPTION_AGENCIES = (("PR1", "SC993001"), ("PR5", "SC993102"), ("PR5", "SC993103"))


@dataclass
class Episode:
    decom: dt.date
    dec: dt.date | None
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    rec: str = ""
    reason: str = ""
    home_post: str = ""
    pl_post: str = ""
    urn: str = ""


@dataclass
class Child:
    ident: str
    dob: dt.date
    sex: str
    ethnic: str
    upn: str
    home_post: str
    episodes: list[Episode] = field(default_factory=list)
    uasc: bool = False
    uasc_ceased: dt.date | None = None  # before the 18th birthday: an age assessment
    short_breaks: bool = False  # looked after only on an agreed series of short breaks


def collection_year(day: dt.date) -> int:
    """The collection year (named by the 31 March it ends) holding ``day``."""
    return day.year + (1 if day.month >= 4 else 0)


def add_years(day: dt.date, years: int) -> dt.date:
    """The anniversary ``years`` later; 29 February falls on 1 March in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


class Simulator:
    def __init__(self, seed: int, scale: float):
        self.rng = np.random.default_rng(seed)
        self.scale = scale
        rng = self.rng
        # Providers with fixed addresses: (provider code, URN or "", postcode).
        self.la_homes = [("PR1", f"SC99200{i}", IN_POSTS[5 + 11 * i]) for i in range(1, 3)]
        self.private_homes = [
            ("PR4" if i % 6 else "PR5", f"SC9921{i:02d}",
             (OUT_POSTS if rng.random() < 0.7 else IN_POSTS)[int(rng.integers(0, 40))])
            for i in range(14)
        ]
        self.care_homes = [("PR4", "", OUT_POSTS[int(rng.integers(0, len(OUT_POSTS)))])
                           for _ in range(3)]
        self.secure_units = [("PR2", f"SC99400{i}", OUT_POSTS[10 + 7 * i]) for i in range(2)]
        self.schools = [("PR5", f"SC99500{i}", OUT_POSTS[20 + 5 * i]) for i in range(2)]
        self.h5_providers = [("PR4" if i % 3 else "PR5", "", post)
                             for i, post in enumerate(IN_POSTS[60:72] + OUT_POSTS[:6])]
        self.children: list[Child] = []
        self._ids: set[int] = set()

    # -- helpers ---------------------------------------------------------------------------
    def pick(self, table: dict[str, float]) -> str:
        keys = list(table)
        p = np.array([table[k] for k in keys], dtype=float)
        return keys[int(self.rng.choice(len(keys), p=p / p.sum()))]

    def new_id(self) -> str:
        while True:
            ident = int(self.rng.integers(100_000, 1_000_000 if self.scale <= 8 else 10_000_000))
            if ident not in self._ids:
                self._ids.add(ident)
                return str(ident)

    def foster_post(self, home: str, previous: str, out_share: float) -> str:
        while True:
            pool = OUT_POSTS if self.rng.random() < out_share else IN_POSTS
            post = pool[int(self.rng.integers(0, len(pool)))]
            if post not in (home, previous):
                return post

    def placement(self, kind: str, child: Child, age: float, previous: Episode | None):
        """(PLACE, PLACE_PROVIDER, URN, PL_POST) for a new placement of ``kind``."""
        rng = self.rng
        prev_post = previous.pl_post if previous else ""
        long_term = age >= 5 and rng.random() < 0.3
        if kind == "kin":
            place = "U1" if long_term else "U3"
            return place, "PR1", LA_FOSTERING_URN, self.foster_post(child.home_post, prev_post, 0.15)
        if kind == "inhouse":
            place = "U4" if long_term else "U6"
            return place, "PR1", LA_FOSTERING_URN, self.foster_post(child.home_post, prev_post, 0.05)
        if kind == "ifa":
            place = "U4" if long_term else "U6"
            urn = IFA_URNS[int(rng.integers(0, len(IFA_URNS)))]
            return place, "PR4", urn, self.foster_post(child.home_post, prev_post, 0.45)
        if kind in ("resi", "carehome", "k1", "s1", "h5"):
            pool = {
                "resi": self.la_homes + self.private_homes,
                "carehome": self.care_homes,
                "k1": self.secure_units,
                "s1": self.schools,
                "h5": self.h5_providers,
            }[kind]
            for _ in range(50):  # a pool may hold only the postcodes to avoid
                provider, urn, post = pool[int(rng.integers(0, len(pool)))]
                if post != prev_post and post != child.home_post:
                    break
            place = {"resi": "K2", "carehome": "R1", "k1": "K1", "s1": "S1", "h5": "H5"}[kind]
            return place, provider, urn, post
        if kind == "p2":
            return "P2", "PR1", "", self.foster_post(child.home_post, prev_post, 0.0)
        if kind == "p1":
            return "P1", "PR0", "", child.home_post
        if kind == "z1":
            return "Z1", "", "", self.foster_post(child.home_post, prev_post, 0.3)
        if kind == "a6":
            provider, urn = ADOPTION_AGENCIES[int(rng.integers(0, len(ADOPTION_AGENCIES)))]
            return "A6", provider, urn, self.foster_post(child.home_post, prev_post, 0.4)
        raise ValueError(kind)

    def next_kind(self, age: float, current: str | None, legal: str) -> str:
        table = next(t for upper, t in NEXT_KIND if age < upper)
        for _ in range(50):
            kind = self.pick(table)
            if kind == current and kind in ("p1", "p2", "z1"):
                continue
            if kind == "p1" and legal not in ("C1", "C2"):
                continue
            if age < KINDS[kind]["min_age"]:
                continue
            return kind
        return "inhouse"

    # -- simulation --------------------------------------------------------------------------
    def new_child(self, start: dt.date) -> Child:
        rng = self.rng
        weights = np.array([b[2] for b in ENTRY_AGE_BANDS])
        low, high, _ = ENTRY_AGE_BANDS[int(rng.choice(len(weights), p=weights / weights.sum()))]
        if low == 0 and rng.random() < 0.4:
            age_days = int(rng.integers(1, 15))  # removed at or soon after birth
        else:
            age_days = int(rng.integers(max(1, int(low * 365.25)), int(high * 365.25)))
        dob = start - dt.timedelta(days=age_days)
        child = Child(
            ident=self.new_id(),
            dob=dob,
            sex="1" if rng.random() < 0.55 else "2",
            ethnic=self.pick(ETHNIC),
            upn=self.upn(dob),
            home_post=IN_POSTS[int(rng.integers(0, len(IN_POSTS)))]
            if rng.random() < 0.93
            else OUT_POSTS[int(rng.integers(0, len(OUT_POSTS)))],
        )
        self.children.append(child)
        return child

    def upn(self, dob: dt.date) -> str:
        rng = self.rng
        return ("ABCDEFGHJKLMNPQRTUVWXYZ"[int(rng.integers(0, 23))]
                + f"826{int(rng.integers(1000, 5000))}{(dob.year + 5) % 100:02d}"
                + f"{int(rng.integers(0, 1000)):03d}")

    def new_uasc_child(self, start: dt.date) -> Child:
        rng = self.rng
        weights = np.array([b[2] for b in UASC_ENTRY_AGES])
        low, high, _ = UASC_ENTRY_AGES[int(rng.choice(len(weights), p=weights / weights.sum()))]
        dob = start - dt.timedelta(days=int(rng.integers(int(low * 365.25), int(high * 365.25))))
        if (dob.month, dob.day) == (2, 29):  # keep the 18th birthday unambiguous (DUC)
            dob = dob - dt.timedelta(days=1)
        child = Child(ident=self.new_id(), dob=dob, sex="1" if rng.random() < 0.9 else "2",
                      ethnic=self.pick(UASC_ETHNIC), upn="UN2", home_post="", uasc=True)
        self.children.append(child)
        return child

    def age(self, child: Child, day: dt.date) -> float:
        return (day - child.dob).days / 365.25

    def period(self, child: Child, start: dt.date) -> tuple[dt.date | None, str]:
        """Simulate one period of care from ``start``; returns (exit date or None, route)."""
        rng = self.rng
        day18 = add_years(child.dob, 18)
        age0 = self.age(child, start)
        routes = next(r for upper, r in ROUTES if age0 < upper)
        route = self.pick(routes)
        if route == "adoption":
            length = 420 + rng.gamma(4.0, 110.0)
        elif route == "home":
            length = 7 + rng.exponential(300.0 if age0 >= 10 else 380.0)
        elif route == "sgo":
            length = 200 + rng.gamma(3.0, 190.0)
        elif route == "other":
            length = 14 + rng.exponential(330.0)
        else:
            length = 10**6
        exit_day = start + dt.timedelta(days=int(length))
        if exit_day >= day18:
            exit_day, route = day18, "age18"
        if exit_day <= start:
            exit_day = start + dt.timedelta(days=1)

        # Legal status changes: (day, status).
        legal: list[tuple[dt.date, str]] = []
        roll = rng.random()
        if roll < 0.07:
            legal.append((start, "L1"))
            after = "C1" if rng.random() < 0.7 else "V2"
            legal.append((start + dt.timedelta(days=int(rng.integers(1, 4))), after))
        elif roll < 0.55 or route == "adoption":
            legal.append((start, "C1"))
        else:
            legal.append((start, "V2"))
        current_day, current = legal[-1]
        if current == "V2" and (rng.random() < 0.25 or route == "adoption"):
            current_day = current_day + dt.timedelta(days=int(14 + rng.exponential(110)))
            legal.append((current_day, "C1"))
            current = "C1"
        if current == "C1":
            legal.append((current_day + dt.timedelta(days=int(rng.integers(150, 300))), "C2"))
        a6_day = None
        if route == "adoption":
            a6_day = exit_day - dt.timedelta(days=int(rng.integers(90, 240)))
            e1_day = a6_day - dt.timedelta(days=int(rng.integers(20, 120)))
            earlier = [item for item in legal if item[0] < e1_day]
            if not earlier or e1_day <= earlier[-1][0]:
                route, a6_day = "sgo", None
            else:
                legal = earlier + [(e1_day, "E1")]
        legal = [item for item in legal if item[0] < exit_day]

        def status_at(day: dt.date) -> str:
            return [s for d, s in legal if d <= day][-1]

        # Placement moves: (day, kind).
        kind = self.next_kind(age0, None, status_at(start))
        moves = [(start, kind)]
        day = start
        while a6_day is None or moves[-1][1] != "a6":
            day = day + dt.timedelta(days=int(1 + rng.exponential(KINDS[kind]["mean"])))
            if a6_day is not None and day >= a6_day:
                moves.append((a6_day, "a6"))
                break
            if day >= exit_day:
                break
            kind = self.next_kind(self.age(child, day), kind, status_at(day))
            moves.append((day, kind))
        move_days = dict(moves)
        last = self.build_episodes(child, legal, move_days, exit_day, self.pick(CATEGORY_OF_NEED))
        if exit_day > END:
            return None, route
        last.dec = exit_day
        last.rec = self.exit_reason(route, last)
        return exit_day, route

    def build_episodes(self, child: Child, legal, move_days, exit_day, cin: str) -> Episode:
        """One episode per day on which the legal status or the placement changes; the last."""

        def status_at(day: dt.date) -> str:
            return [s for d, s in legal if d <= day][-1]

        days = sorted({d for d, _ in legal} | set(move_days))
        previous: Episode | None = None
        for d in days:
            if d >= exit_day:
                break
            ls = status_at(d)
            if previous is None:
                place, provider, urn, post = self.placement(
                    move_days[d], child, self.age(child, d), None)
                rne = "S"
            else:
                moved = d in move_days
                changed_legal = ls != previous.ls
                if not (moved or changed_legal):
                    continue
                if moved:
                    place, provider, urn, post = self.placement(
                        move_days[d], child, self.age(child, d), previous)
                else:
                    place, provider, urn, post = (
                        previous.place, previous.provider, previous.urn, previous.pl_post)
                rne = "U" if moved and changed_legal else ("P" if moved else "L")
                previous.dec = d
                previous.rec = "X1"
                if moved:
                    previous.reason = "CARPL" if place == "A6" else self.pick(CHANGE_REASONS)
            previous = Episode(
                decom=d, dec=None, rne=rne, ls=ls, cin=cin, place=place, provider=provider,
                home_post=child.home_post, pl_post=post, urn=urn,
            )
            child.episodes.append(previous)
        assert previous is not None
        return previous

    def uasc_period(self, child: Child, start: dt.date) -> None:
        """An unaccompanied asylum-seeking child's period of care, under section 20."""
        rng = self.rng
        day18 = add_years(child.dob, 18)
        route = self.pick(UASC_ROUTES)
        if route == "transfer":  # the National Transfer Scheme: care taken over elsewhere
            exit_day = start + dt.timedelta(days=int(rng.integers(10, 90)))
        elif route == "assessed":  # an age assessment finds the young person is 18 or over
            exit_day = start + dt.timedelta(days=int(rng.integers(20, 200)))
            if collection_year(exit_day) != collection_year(start):
                route, exit_day = "age18", day18  # one DUC per UASC table (DfE rule 205B)
        elif route == "other":
            exit_day = start + dt.timedelta(days=int(14 + rng.exponential(300.0)))
        else:
            exit_day = day18
        if exit_day >= day18:
            exit_day, route = day18, "age18"
        kind = self.uasc_kind(self.age(child, start), None)
        moves = [(start, kind)]
        day = start
        while True:
            day = day + dt.timedelta(days=int(1 + rng.exponential(KINDS[kind]["mean"])))
            if day >= exit_day:
                break
            kind = self.uasc_kind(self.age(child, day), kind)
            moves.append((day, kind))
        last = self.build_episodes(child, [(start, "V2")], dict(moves), exit_day, "N8")
        if exit_day > END:
            return
        last.dec = exit_day
        if route == "transfer":
            last.rec = "E3"
        elif route == "assessed":
            last.rec = "E15"
            child.uasc_ceased = exit_day  # status ceases with the assessment
        elif route == "other":
            last.rec = "E8"
        elif last.place.startswith("U") and rng.random() < 0.4:
            last.rec = "E17"
        else:
            last.rec = "E5" if rng.random() < 0.6 else "E6"

    def uasc_kind(self, age: float, current: str | None) -> str:
        table = next(t for upper, t in UASC_NEXT_KIND if age < upper)
        for _ in range(50):
            kind = self.pick(table)
            if kind == current and kind in ("p2",):
                continue
            if age < KINDS[kind]["min_age"]:
                continue
            return kind
        return "ifa"

    def short_break_child(self, start: dt.date) -> None:
        """A disabled child on an agreed series of short breaks (LS V3 or V4), nothing else."""
        rng = self.rng
        age_days = int(rng.integers(int(5 * 365.25), int(15 * 365.25)))
        dob = start - dt.timedelta(days=age_days)
        child = Child(ident=self.new_id(), dob=dob, sex="1" if rng.random() < 0.6 else "2",
                      ethnic=self.pick(ETHNIC), upn=self.upn(dob), home_post="",
                      short_breaks=True)
        self.children.append(child)
        ending = min(start + dt.timedelta(days=int(rng.integers(550, 1460))),
                     add_years(dob, 18) - dt.timedelta(days=30))
        place, provider = ("K2", "PR1") if rng.random() < 0.5 else (
            ("U6", "PR1") if rng.random() < 0.6 else ("U3", "PR1"))
        if rng.random() < 0.5:
            # V3: each short break an episode, RNE S, at most 17 days (DfE rules 365, 366).
            day = start
            while day < ending and day <= END:
                nights = int(rng.integers(1, 4))
                back = day + dt.timedelta(days=nights)
                child.episodes.append(Episode(
                    decom=day, dec=back, rne="S", ls="V3", cin="N2", place=place,
                    provider=provider, rec="E4A"))
                day = back + dt.timedelta(days=int(14 + rng.exponential(14)))
        else:
            # V4: each agreement an episode, renewed after a few weeks.
            day = start
            while day < ending and day <= END:
                back = min(day + dt.timedelta(days=int(rng.integers(300, 366))), ending)
                child.episodes.append(Episode(
                    decom=day, dec=back, rne="S", ls="V4", cin="N2", place=place,
                    provider=provider, rec="E4A"))
                day = back + dt.timedelta(days=int(rng.integers(7, 45)))
        for episode in child.episodes:
            if episode.dec is not None and episode.dec > END:
                episode.dec, episode.rec = None, ""

    def temporary_moves(self, child: Child) -> None:
        """Interrupt some placements with a temporary move (T1-T4), as the guide records it:
        the move an episode of its own, the return to the same placement another."""
        rng = self.rng
        out: list[Episode] = []
        for e in child.episodes:
            end = e.dec if e.dec is not None else END
            length = (end - e.decom).days
            home = e.place in ("K2", "R1", "S1")
            foster = e.place.startswith("U")
            if e.ls in ("V3", "V4") or not (home or foster) or length < 40 or \
                    rng.random() >= TEMPORARY_RATE * length / 365.25:
                out.append(e)
                continue
            codes = [c for c, (_, where) in TEMPORARY.items() if ("foster" if foster else "home") in where]
            code = codes[int(rng.integers(0, len(codes)))]
            shortest, longest = TEMPORARY[code][0]
            days = int(rng.integers(shortest, longest + 1))
            first = e.decom + dt.timedelta(days=10)
            latest = end - dt.timedelta(days=10 + days)
            if latest <= first:
                out.append(e)
                continue
            t0 = first + dt.timedelta(days=int(rng.integers(0, (latest - first).days)))
            t1 = t0 + dt.timedelta(days=days)
            if collection_year(t0) != collection_year(t1):
                out.append(e)
                continue
            before = Episode(decom=e.decom, dec=t0, rne=e.rne, ls=e.ls, cin=e.cin, place=e.place,
                             provider=e.provider, rec="X1", reason="", home_post=e.home_post,
                             pl_post=e.pl_post, urn=e.urn)
            away = Episode(decom=t0, dec=t1, rne="P", ls=e.ls, cin=e.cin, place=code, provider="",
                           rec="X1", reason="", home_post=e.home_post,
                           pl_post=self.foster_post(e.home_post, e.pl_post, 0.3), urn="")
            after = Episode(decom=t1, dec=e.dec, rne="P", ls=e.ls, cin=e.cin, place=e.place,
                            provider=e.provider, rec=e.rec, reason=e.reason,
                            home_post=e.home_post, pl_post=e.pl_post, urn=e.urn)
            out.extend([before, away, after])
        child.episodes = out

    def exit_reason(self, route: str, last: Episode) -> str:
        rng = self.rng
        foster = last.place.startswith("U")
        if route == "adoption":
            return "E11" if rng.random() < 0.2 else "E12"
        if route == "home":
            return "E4A" if rng.random() < 0.75 else "E13"
        if route == "sgo":
            if foster and rng.random() < 0.6:
                return "E45" if last.place in ("U1", "U3") else "E46"
            return "E41" if rng.random() < 0.35 else ("E47" if rng.random() < 0.7 else "E48")
        if route == "other":
            return "E3" if rng.random() < 0.25 else "E8"
        # at 18
        if foster and rng.random() < 0.5:
            return "E17"
        if last.place in ("H5", "P2"):
            return "E5" if rng.random() < 0.7 else "E6"
        return "E5" if rng.random() < 0.4 else "E8"

    def run(self) -> None:
        rng = self.rng
        clock = 0.0  # days since SIM_START, continuous: arrivals form a Poisson process
        day = SIM_START
        reentries: list[tuple[dt.date, Child]] = []
        while True:
            years = (day - dt.date(2019, 4, 1)).days / 365.25
            rate = ENTRY_RATE * self.scale * (1 + GROWTH) ** years / 365.25
            clock += rng.exponential(1.0 / rate)
            day = SIM_START + dt.timedelta(days=int(clock))
            while reentries and reentries[0][0] <= day:
                when, child = reentries.pop(0)
                self.care(child, when, reentries)
            if day > END:
                break
            self.care(self.new_child(day), day, reentries)
        # Unaccompanied asylum-seeking children, then short breaks: their own arrivals.
        for rate, first, arrive in ((UASC_RATE, UASC_START, self.uasc_arrival),
                                    (SHORT_BREAK_RATE, dt.date(2014, 4, 1), self.short_break_child)):
            clock = 0.0
            while True:
                clock += rng.exponential(365.25 / (rate * self.scale))
                day = first + dt.timedelta(days=int(clock))
                if day > END:
                    break
                arrive(day)
        for child in self.children:
            if not child.short_breaks:
                self.temporary_moves(child)

    def uasc_arrival(self, day: dt.date) -> None:
        self.uasc_period(self.new_uasc_child(day), day)

    def care(self, child: Child, start: dt.date, reentries: list) -> None:
        exit_day, route = self.period(child, start)
        if exit_day is None or route != "home":
            return
        if self.rng.random() < 0.2:
            back = exit_day + dt.timedelta(days=int(30 + self.rng.exponential(420)))
            if back < add_years(child.dob, 18) - dt.timedelta(days=60) and back <= END:
                reentries.append((back, child))
                reentries.sort(key=lambda item: (item[0], item[1].ident))


def fmt(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def write_years(sim: Simulator, out: Path) -> dict[int, tuple[int, int, int]]:
    """Write each collection year's files; returns {year: (children, episodes, looked after)}."""
    summary = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
        folder = out / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        headers, rows, uasc, at_end = [], [], [], 0
        for child in sorted(sim.children, key=lambda c: int(c.ident)):
            eps = [e for e in child.episodes
                   if e.decom <= end and (e.dec is None or e.dec >= start)]
            if not eps:
                continue
            in_school = add_years(child.dob, 4) <= dt.date(year - 2, 8, 31)
            upn = child.upn if in_school or child.uasc else "UN1"
            # MOTHER is for girls looked after other than on short breaks (rules 393, 399).
            mother = "0" if child.sex == "2" and not child.short_breaks else ""
            headers.append([child.ident, child.sex, fmt(child.dob), child.ethnic, upn, mother, ""])
            if child.uasc:
                # DUC: the date UASC status ceases, the 18th birthday unless an age assessment
                # ended it sooner (rules 205B, 304).
                ceased = child.uasc_ceased or add_years(child.dob, 18)
                uasc.append([child.ident, child.sex, fmt(child.dob), fmt(ceased)])
            for e in eps:
                closed = e.dec is not None and e.dec <= end
                rows.append([
                    child.ident, fmt(e.decom), e.rne, e.ls, e.cin, e.place, e.provider,
                    fmt(e.dec) if closed else "", e.rec if closed else "",
                    e.reason if closed else "", e.home_post, e.pl_post, e.urn,
                ])
                if not closed:
                    at_end += 1
        with open(folder / "header.csv", "w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
            writer.writerows(headers)
        with open(folder / "episodes.csv", "w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER",
                             "DEC", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"])
            writer.writerows(rows)
        with open(folder / "uasc.csv", "w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["CHILD", "SEX", "DOB", "DUC"])
            writer.writerows(uasc)
        summary[year] = (len(headers), len(rows), at_end)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1]
                        / "samples" / "ssda903")
    parser.add_argument("--seed", type=int, default=903)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the number of children (benchmarks)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if not (0 < args.scale <= 64) or math.isnan(args.scale):
        parser.error("--scale must be in (0, 64]")
    sim = Simulator(args.seed, args.scale)
    sim.run()
    summary = write_years(sim, args.out)
    if not args.quiet:
        for year, (children, episodes, at_end) in summary.items():
            print(f"{args.out}/{year}: {children} children, {episodes} episodes, "
                  f"{at_end} looked after at 31 March {year}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
