"""Personal data inside free text: a comment, a page header, a chart title, a cached value.

Cells are judged by their column labels (:mod:`xlfuncs.check.personal`). Text elsewhere in a
package has no label, so two things are looked for in it:

* **shapes** that are personal wherever they appear: a unique pupil number, a full UK
  postcode, an NHS number written in its 3-3-4 form with a valid check digit, an e-mail
  address, a date following "DOB" / "date of birth" / "born", and an identifier following
  "child ID", "case ref", "pupil no" and the like;
* **values already known** to be personal in this workbook: every value of a cell found to
  be personal data (the child IDs, names and dates of birth of an episode table, as the
  workbook itself spells them), the items of a pivot cache field labelled as personal data,
  and the names of the people who wrote or edited the file (document properties, comment
  authors). A child ID such as ``C1001`` has no shape of its own: it is recognised because
  the same text stands in a ``CHILD`` column.

Nothing here ever puts the text found into a message: findings say what kind of data was
found, never the data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE = (
    rf"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})[a-z]*\.? \d{{4}})"
)
_TOKEN = r"[A-Za-z0-9][A-Za-z0-9/_\-]{1,30}"
_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"

UPN_IN_TEXT = re.compile(rf"{_NOT_ALNUM_BEFORE}[A-HJ-NP-RT-Z]\d{{11}}[0-9A-Z]{_NOT_ALNUM_AFTER}")
_OUTWARD = r"(?:GIR|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPS-UW]|[A-HK-Y]\d[ABEHMNPRV-Y]))"
_INWARD = r"(?:\d[ABD-HJLNP-UW-Z]{2}|0AA)"
#: Upper case with or without the space, as postcodes are written; any case with the space.
POSTCODE_IN_TEXT = re.compile(_NOT_ALNUM_BEFORE + _OUTWARD + " ?" + _INWARD + _NOT_ALNUM_AFTER)
POSTCODE_ANY_CASE = re.compile(
    _NOT_ALNUM_BEFORE + _OUTWARD + " " + _INWARD + _NOT_ALNUM_AFTER, re.IGNORECASE
)
NHS_IN_TEXT = re.compile(rf"{_NOT_ALNUM_BEFORE}(\d{{3}}) (\d{{3}}) (\d{{4}}){_NOT_ALNUM_AFTER}")
EMAIL = re.compile(r"(?<![\w.+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
BIRTH_DATE = re.compile(
    rf"\b(?:dob|d\.o\.b\.?|mc_dob|date of birth|birth ?date|born(?: on)?)\s*[:=\-]?\s*({_DATE})",
    re.IGNORECASE,
)
LABELLED_ID = re.compile(
    rf"\b(?:child|pupil|person|client|case|young person)(?:'s)?[ _]?"
    rf"(?:id|identifier|ref|reference|number|no\.?|code)\b\s*[:#=\-]?\s*({_TOKEN})",
    re.IGNORECASE,
)
#: "Child C1001", "CHILD: 123456": an identifier mixing letters and digits, or after a colon.
CHILD_TOKEN = re.compile(rf"\bchild(?:\s*[:#=]\s*|\s+)({_TOKEN})", re.IGNORECASE)
#: Names that say which program wrote a file, not which person.
SOFTWARE = re.compile(
    r"^\s*(?:xlfuncs|openpyxl|xlsxwriter|apache poi|libreoffice|openoffice|microsoft|excel|"
    r"calc|python|pandas|unknown|author|user|administrator|admin)\b|^\s*tc=\{[0-9a-f\-]+\}\s*$|^\s*$",
    re.IGNORECASE,
)
#: A known value shorter than this is too common to look for in other text.
MIN_KNOWN = 4
#: Words a column of names or identifiers holds that are nobody's name ("Total", "Unknown").
_NOT_A_NAME = frozenset(
    "total totals subtotal sum none unknown n/a na null blank other others all male female "
    "not known not recorded missing example sample test tbc tbd yes no true false".split()
)
#: A known value of digits only must be at least this long to be looked for in other text.
MIN_KNOWN_DIGITS = 5
_CELL_LIKE = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+$")


@dataclass(frozen=True)
class Match:
    """Personal data found in a text: where it is and what kind it is."""

    start: int
    end: int
    kind: str


def _nhs_valid(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _has_letter_and_digit(token: str) -> bool:
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def shapes(text: str) -> list[Match]:
    """Personal data recognisable by its shape alone, anywhere in ``text``.

    >>> [m.kind for m in shapes("Child C1001 (UPN A123456789012) moved to RM17 6SL, DOB 03/05/2012")]
    ['child identifier', 'unique pupil number', 'postcode', 'date of birth']
    >>> shapes("Children in need per 10,000, 2023-24 (E06000034)")
    []
    """
    found: list[Match] = []
    for match in UPN_IN_TEXT.finditer(text):
        found.append(Match(match.start(), match.end(), "unique pupil number"))
    for pattern in (POSTCODE_IN_TEXT, POSTCODE_ANY_CASE):
        for match in pattern.finditer(text):
            found.append(Match(match.start(), match.end(), "postcode"))
    for match in NHS_IN_TEXT.finditer(text):
        if _nhs_valid("".join(match.groups())):
            found.append(Match(match.start(), match.end(), "NHS number"))
    for match in EMAIL.finditer(text):
        found.append(Match(match.start(), match.end(), "e-mail address"))
    for match in BIRTH_DATE.finditer(text):
        found.append(Match(match.start(1), match.end(1), "date of birth"))
    for match in LABELLED_ID.finditer(text):
        if any(c.isdigit() for c in match.group(1)):
            found.append(Match(match.start(1), match.end(1), "child identifier"))
    for match in CHILD_TOKEN.finditer(text):
        token = match.group(1)
        after_colon = ":" in match.group(0) or "#" in match.group(0) or "=" in match.group(0)
        if _has_letter_and_digit(token) or (after_colon and any(c.isdigit() for c in token)):
            found.append(Match(match.start(1), match.end(1), "child identifier"))
    return _merge(found)


def _merge(found: list[Match]) -> list[Match]:
    """Matches in order, overlapping ones merged (the first kind kept)."""
    out: list[Match] = []
    for match in sorted(found, key=lambda m: (m.start, -m.end)):
        if out and match.start < out[-1].end:
            last = out[-1]
            out[-1] = Match(last.start, max(last.end, match.end), last.kind)
        else:
            out.append(match)
    return out


def date_forms(value: dt.date) -> list[str]:
    """How a date is written in text: ISO, UK day/month/year with and without zeros, and with
    the month's name.

    >>> date_forms(dt.date(2012, 5, 3))[:3]
    ['2012-05-03', '03/05/2012', '3/5/2012']
    """
    return [
        value.isoformat(),
        value.strftime("%d/%m/%Y"),
        f"{value.day}/{value.month}/{value.year}",
        value.strftime("%d.%m.%Y"),
        value.strftime("%d-%m-%Y"),
        f"{value.day} {value.strftime('%B')} {value.year}",
        f"{value.day} {value.strftime('%b')} {value.year}",
    ]


def is_software(name: str) -> bool:
    """Whether an author field names a program rather than a person.

    >>> is_software("openpyxl"), is_software("xlfuncs 0.1.0"), is_software("Jane Smith")
    (True, True, False)
    """
    return bool(SOFTWARE.search(name))


_RUN = re.compile(r"[^\W\d_]+|\d+")


def _runs(text: str) -> int:
    return len(_RUN.findall(text))


@dataclass
class Identifiers:
    """The personal values known in one workbook, and the search for them and for the shapes
    of personal data in any text.

    Known values are looked up by the runs of letters and of digits that make them up, not by
    one regular expression of every value: an episode table of 10,000 children gives tens of
    thousands of values, and the search stays linear in the text's length.
    """

    known: dict[str, str] = field(default_factory=dict)  # value (case-folded) -> kind
    dates: dict[str, str] = field(default_factory=dict)  # a date as written -> kind
    longest: int = 0  # the most runs of letters or digits in one known value

    def add(self, value: object, kind: str) -> None:
        """Remember ``value`` (text, number or date) as personal data of ``kind``."""
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            for form in date_forms(value):
                self.dates.setdefault(form.casefold(), kind)
                self.longest = max(self.longest, _runs(form))
            return
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if len(text) < MIN_KNOWN or (text.isdigit() and len(text) < MIN_KNOWN_DIGITS):
            return
        runs = _runs(text)
        if not runs:
            return
        self.known.setdefault(text.casefold(), kind)
        self.longest = max(self.longest, runs)

    def add_all(self, values: Iterable[object], kind: str) -> None:
        for value in values:
            self.add(value, kind)

    def add_found(self, value: object, kind: str) -> None:
        """Remember a value found under a personal-data label (in a cell, a pivot field) when
        it is distinctive enough to look for elsewhere: an identifier or postcode holds a digit
        (a "Total" under a CHILD heading is no one's ID), a name is not a common word."""
        if isinstance(value, dt.date | dt.datetime):
            self.add(value, kind)
            return
        text = str(value).strip() if value is not None else ""
        if kind == "names":
            if text.casefold() not in _NOT_A_NAME and any(c.isalpha() for c in text):
                self.add(text, kind)
        elif any(c.isdigit() for c in text):
            self.add(value, kind)

    def __bool__(self) -> bool:
        return bool(self.known or self.dates)

    def _known_in(self, text: str, cell_like: bool) -> list[Match]:
        runs = [(m.start(), m.end()) for m in _RUN.finditer(text)]
        found = []
        for first in range(len(runs)):
            start = runs[first][0]
            for last in range(first, min(len(runs), first + self.longest)):
                end = runs[last][1]
                piece = text[start:end].casefold()
                kind = self.known.get(piece)
                if kind is not None and _bounded(text, start, end, str.isalnum):
                    if cell_like or not _CELL_LIKE.match(piece):
                        found.append(Match(start, end, kind))
                        continue
                kind = self.dates.get(piece)
                if kind is not None and _bounded(text, start, end, str.isdigit):
                    found.append(Match(start, end, kind))
        return found

    def find(self, text: str | None, *, shapes_too: bool = True, cell_like: bool = True) -> list[Match]:
        """Every piece of personal data in ``text``.

        ``cell_like=False`` leaves out known values that could be read as cell references
        (a child ID ``C1001`` is also the cell C1001): for text that may be a reference.

        >>> ids = Identifiers()
        >>> ids.add("C1001", "child identifiers"); ids.add(dt.date(2012, 5, 3), "dates of birth")
        >>> [(m.kind) for m in ids.find("C1001 on 2012-05-03T00:00:00, not C10010")]
        ['child identifiers', 'dates of birth']
        """
        if not text:
            return []
        found = shapes(text) if shapes_too else []
        if self:
            found.extend(self._known_in(text, cell_like))
        return _merge(found)

    def redact(self, text: str, matches: list[Match] | None = None) -> str:
        """``text`` with every piece of personal data in it taken out."""
        matches = self.find(text) if matches is None else matches
        for match in reversed(matches):
            text = text[: match.start] + text[match.end :]
        return text


def _bounded(text: str, start: int, end: int, joins) -> bool:
    """Whether text[start:end] stands on its own: no letter or digit (``joins``) either side."""
    return (start == 0 or not joins(text[start - 1])) and (end == len(text) or not joins(text[end]))


def kinds(matches: Iterable[Match]) -> str:
    """The kinds found, in words: "a unique pupil number and a postcode"."""
    seen: list[str] = []
    for match in matches:
        if match.kind not in seen:
            seen.append(match.kind)
    return " and ".join(seen)
