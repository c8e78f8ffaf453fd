"""Comments (notes), threaded comments and the people who wrote them.

* A legacy comment part (``xl/comments1.xml``) lists its authors by name and holds each
  comment's text, plain or in runs. A comment whose text holds personal data has its text
  replaced by :data:`REMOVED`; other comments are kept as they are.
* A threaded comment part (Excel 365) holds each comment's text and points at a person;
  Excel also writes each thread as a legacy comment beginning "[Threaded comment]", which is
  read like any other.
* The persons part names each commenter (display name, user id such as an e-mail address).

Authors are cleared the way Excel's own "remove personal information" does: each name
becomes "Author".
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import sweep
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import is_software, kinds
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.package import NS_MAIN

NS_THREADED = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
REMOVED = "(comment removed by xlfuncs check --fix: it held personal data)"
ANONYMOUS = "Author"
_M = f"{{{NS_MAIN}}}"
_TC = f"{{{NS_THREADED}}}"


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_M}t"))


def _place(survey: Survey, part: str, ref: str | None) -> str:
    sheet = survey.sheet_of(part)
    cell = f"{sheet}!{ref}" if sheet and ref else (ref or "")
    return f"{part}: comment on {cell}" if cell else part


# --- authors -------------------------------------------------------------------------------


def author_names(kind: str, root: etree._Element) -> list[str]:
    """The people named as authors in a comments or persons part."""
    if kind == "comments":
        return [a.text or "" for a in root.iter(f"{_M}author") if not is_software(a.text or "")]
    if kind == "persons":
        out = []
        for person in root.iter(f"{_TC}person"):
            for attr in ("displayName", "userId"):
                value = person.get(attr) or ""
                if not is_software(value):
                    out.append(value)
        return out
    return []


# --- legacy comments ---------------------------------------------------------------------


def scan_comments(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    named = author_names("comments", root)
    if named:
        yield Finding("author", f"{part}: comment authors", f"names {len(named)} comment author{'s' if len(named) > 1 else ''}")
    for comment in root.iter(f"{_M}comment"):
        found = survey.identifiers.find(_text(comment))
        if found:
            yield Finding("personal-text", _place(survey, part, comment.get("ref")), f"the comment holds {kinds(found)}")


def clean_comments(survey: Survey, part: str, root: etree._Element) -> int:
    changed = 0
    for author in root.iter(f"{_M}author"):
        # "tc={...}" is no one's name: it ties the comment to its thread
        if author.text != ANONYMOUS and not (author.text or "").startswith("tc="):
            author.text = ANONYMOUS
            changed += 1
    for comment in root.iter(f"{_M}comment"):
        if survey.identifiers.find(_text(comment)):
            text = comment.find(f"{_M}text")
            if text is None:
                continue
            for child in list(text):
                text.remove(child)
            etree.SubElement(text, f"{_M}t").text = REMOVED
            changed += 1
    return changed


# --- threaded comments and persons ---------------------------------------------------------


def scan_threaded(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    for comment in root.iter(f"{_TC}threadedComment"):
        text = comment.find(f"{_TC}text")
        found = survey.identifiers.find("" if text is None else text.text)
        if found:
            yield Finding("personal-text", _place(survey, part, comment.get("ref")), f"the threaded comment holds {kinds(found)}")
    yield from _sweep_rest(survey, part, root)


def clean_threaded(survey: Survey, part: str, root: etree._Element) -> int:
    changed = 0
    for comment in root.iter(f"{_TC}threadedComment"):
        text = comment.find(f"{_TC}text")
        if text is not None and survey.identifiers.find(text.text):
            text.text = REMOVED
            mentions = comment.find(f"{_TC}mentions")
            if mentions is not None:
                comment.remove(mentions)  # they point into the text replaced
            changed += 1
    return changed + sweep.redact(root, survey.identifiers, _is_comment_text)


def scan_persons(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    named = author_names("persons", root)
    if named:
        people = len(root.findall(f"{_TC}person"))
        yield Finding("author", f"{part}: people who commented", f"names {people} {'person' if people == 1 else 'people'} who wrote threaded comments")


def clean_persons(survey: Survey, part: str, root: etree._Element) -> int:
    changed = 0
    for person in root.iter(f"{_TC}person"):
        if person.get("displayName") != ANONYMOUS:
            person.set("displayName", ANONYMOUS)
            changed += 1
        if person.get("userId") is not None:
            person.set("userId", ANONYMOUS)
            person.set("providerId", "None")
    return changed


def _is_comment_text(element: etree._Element) -> bool:
    return element.tag == f"{_TC}text"


def _sweep_rest(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    for hit in sweep.hits(root, survey.identifiers, _is_comment_text):
        yield Finding("personal-text", part, f"holds {kinds(hit.matches)}")
