"""Document properties: core (``docProps/core.xml``), extended (``app.xml``) and custom.

* The people: the core properties' creator and last-modified-by, the extended properties'
  manager, and custom properties such as SharePoint's ``_AuthorEmail`` name people. ``--fix``
  clears them whatever they hold (a program's name included), as Excel's "remove personal
  information" does.
* Everything else (title, subject, keywords, description, category, company, the titles of
  parts, custom values) is searched for personal data: a core or extended property has it
  taken out of its text; a custom property holding it, or labelled as personal data
  ("DOB", "Child ID"), is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import sweep
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import is_software, kinds
from xlfuncs.check.personal import label_kind
from xlfuncs.check.survey import Survey

NS_CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_DCTERMS = "http://purl.org/dc/terms/"
NS_APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
#: Properties that name a person: cleared by --fix.
PEOPLE = {
    f"{{{NS_DC}}}creator": "creator",
    f"{{{NS_CORE}}}lastModifiedBy": "last modified by",
    f"{{{NS_APP}}}Manager": "manager",
}
#: A custom property whose name says it names a person.
PERSON_PROPERTY = re.compile(
    r"author|owner|editor|manager|reviewer|creator|(?:modified|reviewed|checked|approved|prepared|edited) ?by|"
    r"user ?name|display ?name|e-?mail|checked ?out",
    re.IGNORECASE,
)


def author_names(root: etree._Element) -> list[str]:
    """The people the core and extended properties name (programs left out)."""
    out = []
    for tag in PEOPLE:
        for element in root.iter(tag):
            if not is_software(element.text or ""):
                out.append(element.text or "")
    if root.tag == f"{{{NS_CUSTOM}}}Properties":
        for prop in root.iter(f"{{{NS_CUSTOM}}}property"):
            if PERSON_PROPERTY.search(prop.get("name") or ""):
                out.extend(t for t in (_value(prop),) if t and not is_software(t))
    return out


def _value(prop: etree._Element) -> str:
    return " ".join((v.text or "") for v in prop.iter() if v is not prop and v.text)


def is_timestamp(element: etree._Element) -> bool:
    return element.tag in (f"{{{NS_DCTERMS}}}created", f"{{{NS_DCTERMS}}}modified")


def _is_person(element: etree._Element) -> bool:
    return element.tag in PEOPLE or is_timestamp(element)


def scan(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    if root.tag == f"{{{NS_CUSTOM}}}Properties":
        yield from _scan_custom(survey, part, root)
        return
    for tag, what in PEOPLE.items():
        for element in root.iter(tag):
            if not is_software(element.text or ""):
                yield Finding("author", f"{part}: {what}", f"the document properties name who {_verb(what)}")
    for hit in sweep.hits(root, survey.identifiers, _is_person):
        yield Finding("personal-text", f"{part}: {sweep.local(hit.element.tag)}", f"holds {kinds(hit.matches)}")


def _verb(what: str) -> str:
    return {"creator": "wrote the file", "last modified by": "last changed it"}.get(what, "manages it")


def _custom_personal(survey: Survey, prop: etree._Element) -> str | None:
    name = prop.get("name") or ""
    if PERSON_PROPERTY.search(name):
        return "a person's name" if _value(prop).strip() else None
    kind = label_kind(name)
    if kind is not None and _value(prop).strip():
        return kind
    found = survey.identifiers.find(name) + survey.identifiers.find(_value(prop))
    return kinds(found) or None


def _scan_custom(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    for prop in root.iter(f"{{{NS_CUSTOM}}}property"):
        why = _custom_personal(survey, prop)
        if why == "a person's name":
            yield Finding("author", f"{part}: property {prop.get('name')}", "the custom property names a person")
        elif why:
            yield Finding("personal-text", f"{part}: property {prop.get('name')}", f"the custom property holds {why}")


def clean(survey: Survey, part: str, root: etree._Element) -> int:
    changed = 0
    if root.tag == f"{{{NS_CUSTOM}}}Properties":
        for prop in list(root.iter(f"{{{NS_CUSTOM}}}property")):
            if _custom_personal(survey, prop):
                root.remove(prop)
                changed += 1
        return changed
    for tag in PEOPLE:
        for element in list(root.iter(tag)):
            element.getparent().remove(element)
            changed += 1
    return changed + sweep.redact(root, survey.identifiers, is_timestamp)
