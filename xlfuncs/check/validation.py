"""Data validation: drop-down lists typed into the rule, input prompts and error messages.

A list rule may hold its items itself (``"C1001,C1002"``) rather than point at cells: each
item that is personal data is taken out of the list, and a rule left with no item is dropped.
A rule's prompt and error message are text, searched like any other. Rules of both kinds,
the classic ``<dataValidation>`` and Excel 2010's ``<x14:dataValidation>`` (whose formula
sits in ``<xm:f>``), are read.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import sweep
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import Identifiers, kinds
from xlfuncs.check.survey import Survey

TEXT_ATTRIBUTES = ("prompt", "promptTitle", "error", "errorTitle")


def rules(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and sweep.local(e.tag) == "dataValidation"]


def _formulas(rule: etree._Element) -> list[etree._Element]:
    """The elements holding a rule's formulas (``formula1``, or its ``xm:f``)."""
    out = []
    for child in rule:
        if not isinstance(child.tag, str) or sweep.local(child.tag) not in ("formula1", "formula2"):
            continue
        inner = [e for e in child if isinstance(e.tag, str) and sweep.local(e.tag) == "f"]
        out.extend(inner or [child])
    return out


def _list_items(text: str) -> list[str] | None:
    """The items of a list typed into a rule (``"a,b,c"``), or None for a formula."""
    text = (text or "").strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"').split(",")
    return None


def _personal_items(items: list[str], identifiers: Identifiers) -> list[int]:
    return [i for i, item in enumerate(items) if identifiers.find(item.strip())]


def _rule_matches(rule: etree._Element, identifiers: Identifiers) -> list:
    found = []
    for element in _formulas(rule):
        found.extend(sweep.literal_matches(element.text or "", identifiers))
    for attr in TEXT_ATTRIBUTES:
        found.extend(identifiers.find(rule.get(attr)))
    return found


def scan(survey: Survey, part: str, where: str, root: etree._Element) -> Iterator[Finding]:
    for rule in rules(root):
        found = _rule_matches(rule, survey.identifiers)
        if found:
            cells = rule.get("sqref") or _sqref(rule)
            yield Finding("personal-text", f"{where}: validation of {cells}", f"the validation rule holds {kinds(found)}")


def _sqref(rule: etree._Element) -> str:
    for child in rule:
        if isinstance(child.tag, str) and sweep.local(child.tag) == "sqref":
            return child.text or ""
    return ""


def clean(survey: Survey, root: etree._Element) -> int:
    identifiers = survey.identifiers
    changed = 0
    for rule in rules(root):
        if not _rule_matches(rule, identifiers):
            continue
        changed += 1
        for attr in TEXT_ATTRIBUTES:
            if identifiers.find(rule.get(attr)):
                rule.set(attr, identifiers.redact(rule.get(attr) or ""))
        empty_list = False
        for element in _formulas(rule):
            items = _list_items(element.text or "")
            if items is not None:
                drop = set(_personal_items(items, identifiers))
                kept = [item for i, item in enumerate(items) if i not in drop]
                kept = [identifiers.redact(item) for item in kept]
                element.text = '"' + ",".join(kept).replace('"', '""') + '"'
                empty_list = empty_list or not any(k.strip() for k in kept)
            else:
                matches = sweep.literal_matches(element.text or "", identifiers)
                for match in reversed(matches):
                    text = element.text or ""
                    element.text = text[: match.start] + text[match.end :]
        if empty_list:
            _drop(rule)
    return changed


def _drop(rule: etree._Element) -> None:
    """Remove a rule; its container goes too when left empty (it may not be)."""
    container = rule.getparent()
    if container is None:
        return
    container.remove(rule)
    remaining = [e for e in container if isinstance(e.tag, str) and sweep.local(e.tag) == "dataValidation"]
    if remaining:
        if container.get("count") is not None:
            container.set("count", str(len(remaining)))
        return
    holder = container.getparent()
    if holder is not None:
        holder.remove(container)
        # an x14 container sits in <ext> inside <extLst>: an empty ext goes too
        while holder is not None and sweep.local(holder.tag) in ("ext", "extLst") and len(holder) == 0:
            above = holder.getparent()
            if above is None:
                break
            above.remove(holder)
            holder = above
