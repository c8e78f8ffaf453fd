"""Pivot caches: the copy of its source data a pivot table keeps inside the file.

A pivot cache holds, for each field (column) of the source, its distinct values
(``<sharedItems>``) and, in its records part, every source row. It stays in the file when
the source sheet is blanked or deleted, and a pivot table showing one row per child shows the
IDs again in its own cells. A field holds personal data when its name is a personal-data
label (``CHILD``, ``DOB``, ``UPN``, ...) or when one of its values is personal data.

``--fix`` replaces each value of such a field, in the shared items and in the records, by a
placeholder ("removed 1", "removed 2", ...: shared items stay distinct, so the pivot table's
own items still point at one each), and records the field's items as text. Fields holding no
personal data, and every figure, are kept. The values of personal fields are also what the
rest of the workbook is searched for (the pivot table's own cells).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xlfuncs.check import sweep
from xlfuncs.check.findings import Finding
from xlfuncs.check.identifiers import is_software
from xlfuncs.check.personal import label_kind
from xlfuncs.check.survey import Survey
from xlfuncs.xlsx.package import NS_MAIN

_M = f"{{{NS_MAIN}}}"
_VALUES = ("s", "n", "d", "b", "e")
#: Attributes of ``<sharedItems>`` describing the value types; dropped when the values become text.
_TYPE_FLAGS = (
    "containsSemiMixedTypes", "containsNonDate", "containsDate", "containsString",
    "containsMixedTypes", "containsNumber", "containsInteger", "minValue", "maxValue",
    "minDate", "maxDate", "longText",
)  # fmt: skip
PLACEHOLDER = "removed"


def _fields(root: etree._Element) -> list[etree._Element]:
    fields = root.find(f"{_M}cacheFields")
    return [] if fields is None else list(fields.iter(f"{_M}cacheField"))


def _items(field: etree._Element) -> list[etree._Element]:
    """The values of a field's shared items, placeholders left out."""
    shared = field.find(f"{_M}sharedItems")
    if shared is None:
        return []
    return [
        i for i in shared
        if isinstance(i.tag, str) and sweep.local(i.tag) in _VALUES and not _is_placeholder(i)
    ]  # fmt: skip


def _is_placeholder(item: etree._Element) -> bool:
    value = item.get("v") or ""
    return sweep.local(item.tag) == "s" and (value == PLACEHOLDER or value.startswith(PLACEHOLDER + " "))


def _value(item: etree._Element) -> object:
    value = item.get("v")
    if value is None:
        return None
    kind = sweep.local(item.tag)
    if kind == "d":
        import datetime as dt

        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _records_of(survey: Survey, definition: str) -> list[str]:
    return survey.targets(definition, "/pivotCacheRecords")


def personal_fields(survey: Survey, part: str, root: etree._Element) -> dict[int, str]:
    """Field position -> the kind of personal data it holds."""
    out = {}
    for position, field in enumerate(_fields(root)):
        kind = label_kind(field.get("name") or "")
        if kind is None:
            for item in _items(field):
                if sweep.local(item.tag) == "s" and survey.identifiers.find(item.get("v")):
                    kind = "personal data"
                    break
        if kind is not None:
            out[position] = kind
    return out


def learn(survey: Survey) -> None:
    """Remember the values of every personal field of every pivot cache, so the pivot table's
    cells and the rest of the package are searched for them too."""
    for part, content in survey.content_types.items():
        if not content.endswith("pivotCacheDefinition+xml"):
            continue
        root = survey.read(part)
        fields = personal_fields(survey, part, root)
        survey.pivot_fields[part] = set(fields)
        cache_fields = _fields(root)
        for position, kind in fields.items():
            for item in _items(cache_fields[position]):
                survey.identifiers.add_found(_value(item), kind)


def is_items(element: etree._Element) -> bool:
    return element.tag == f"{_M}sharedItems"


def _holds_values(field: etree._Element) -> bool:
    """Whether a field keeps values: shared items, or the range of its values."""
    shared = field.find(f"{_M}sharedItems")
    bounds = shared is not None and any(shared.get(a) for a in ("minValue", "maxValue", "minDate", "maxDate"))
    return bool(_items(field)) or bounds


def scan_definition(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    if not is_software(root.get("refreshedBy") or ""):
        yield Finding("author", f"{part}: refreshed by", "the pivot cache names the person who last refreshed it")
    fields = _fields(root)
    for position in sorted(survey.pivot_fields.get(part, set())):
        if _holds_values(fields[position]):
            name = fields[position].get("name")
            yield Finding("personal-text", f"{part}: field {name}", "the pivot cache keeps the field's values, which are personal data")
    for hit in sweep.hits(root, survey.identifiers, is_items):
        yield Finding("personal-text", part, f"the pivot cache holds {', '.join(dict.fromkeys(hit.kinds))}")


def clean_definition(survey: Survey, part: str, root: etree._Element) -> int:
    fields = _fields(root)
    changed = 0
    if root.get("refreshedBy") is not None:
        del root.attrib["refreshedBy"]  # who last refreshed it: a person's name
        changed += 1
    for position in sorted(survey.pivot_fields.get(part, set())):
        if not _holds_values(fields[position]):
            continue
        shared = fields[position].find(f"{_M}sharedItems")
        for attr in _TYPE_FLAGS:
            shared.attrib.pop(attr, None)
        number = 0
        for item in list(shared):
            if isinstance(item.tag, str) and sweep.local(item.tag) in _VALUES:
                number += 1
                shared.replace(item, etree.Element(f"{_M}s", v=f"{PLACEHOLDER} {number}"))
        changed += 1
    return changed + sweep.redact(root, survey.identifiers, is_items)


def _definition_of(survey: Survey, records: str) -> str:
    for owner in survey.owners(records):
        if owner in survey.pivot_fields:
            return owner
    return ""


def _record_hits(survey: Survey, part: str, root: etree._Element) -> Iterator[tuple[etree._Element, int]]:
    """(value element, field position) for each personal value in the records."""
    fields = survey.pivot_fields.get(_definition_of(survey, part), set())
    for record in root.iter(f"{_M}r"):
        for position, value in enumerate(record):
            if not isinstance(value.tag, str) or sweep.local(value.tag) not in _VALUES or _is_placeholder(value):
                continue
            if position in fields or (sweep.local(value.tag) == "s" and survey.identifiers.find(value.get("v"))):
                yield value, position


def scan_records(survey: Survey, part: str, root: etree._Element) -> Iterator[Finding]:
    count = sum(1 for _ in _record_hits(survey, part, root))
    if count:
        yield Finding("personal-text", part, f"the pivot cache's records keep {count:,} values that are personal data")


def clean_records(survey: Survey, part: str, root: etree._Element) -> int:
    found = list(_record_hits(survey, part, root))
    for value, _position in found:
        value.getparent().replace(value, etree.Element(f"{_M}s", v=PLACEHOLDER))
    return len(found)
