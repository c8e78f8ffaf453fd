"""How runtimes name xlfuncs functions in a saved file, and back to plain names.

* Typed in Excel with the classic add-in, the call is stored as a link to the add-in's file:
  ``[1]!UNIT_COST(B2,C2)`` in the XML, with ``xl/externalLinks/externalLink1.xml`` pointing at
  one council's path to ``xlwings.xlam`` (or a custom ``.xlam``). Excel shows it as
  ``'C:\\Users\\...\\xlwings.xlam'!UNIT_COST(B2,C2)`` until the add-in loads.
* Office.js custom functions (xlwings Lite) are stored with the ``_xldudf_`` prefix and the
  add-in's namespace joined by underscores (``_xldudf_XLWINGS_UNIT_COST(``); Excel shows the
  namespace with a dot (``XLWINGS.UNIT_COST(``). XLL-equivalent functions use ``_xll.``.

:func:`plain_names` turns all of these into ``UNIT_COST(`` so the same template recalculates
headlessly and opens cleanly at another council.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: Namespaces an Office.js or add-in runtime may put before our function names.
KNOWN_NAMESPACES = ("XLWINGS", "XLFUNCS")


@lru_cache(maxsize=64)
def _pattern(function_names: tuple[str, ...], addin_links: tuple[int, ...]) -> re.Pattern[str]:
    names = sorted(function_names, key=len, reverse=True)  # longest first: LAC_X before X
    links = "|".join(str(i) for i in sorted(addin_links))
    link = rf"(?:\[(?:{links})\]!)" if links else "(?!)"
    quoted = r"(?:'[^']*\.(?:xlam|xla|xll)'!)"
    space = "|".join(KNOWN_NAMESPACES)
    prefix = rf"(?:_xldudf_(?:(?:{space})_)?|_xll\.(?:(?:{space})\.)?|(?:{space})\.|{link}|{quoted})"
    return re.compile(rf"(?<![A-Za-z0-9_.]){prefix}({'|'.join(map(re.escape, names))})\s*\(", re.I)


#: Only formulas holding one of these can carry a runtime prefix: a cheap test first.
_MARKERS = re.compile(r"_xldudf_|_xll\.|!|\.", re.I)


def plain_names(formula: str, function_names: Iterable[str], addin_links: Iterable[int] = ()) -> str:
    """Strip runtime prefixes from calls to ``function_names`` in ``formula``.

    Text inside string literals is left alone.

    >>> plain_names("=[1]!UNIT_COST(B2,C2)+1", ["UNIT_COST"], [1])
    '=UNIT_COST(B2,C2)+1'
    >>> plain_names("=_xldudf_XLWINGS_LAC_RATE(A1,B1)", ["LAC_RATE"])
    '=LAC_RATE(A1,B1)'
    >>> plain_names('=XLWINGS.UNIT_COST(A1,B1)&"XLWINGS.UNIT_COST("', ["UNIT_COST"])
    '=UNIT_COST(A1,B1)&"XLWINGS.UNIT_COST("'
    """
    if not isinstance(formula, str) or not _MARKERS.search(formula):
        return formula
    names = tuple(function_names)
    if not names:
        return formula
    pattern = _pattern(names, tuple(sorted(addin_links)))
    parts = formula.split('"')
    # Even-numbered pieces are outside string literals ("" escapes split into empty pieces).
    for i in range(0, len(parts), 2):
        parts[i] = pattern.sub(lambda m: m.group(1).upper() + "(", parts[i])
    return '"'.join(parts)


#: What an omitted argument of an xlfuncs call becomes for the ``formulas`` engine, which would
#: otherwise pass 0 (so ``=F(A1,,5)`` would not take the default of its second argument).
OMITTED_CALL = "XLFUNCS_OMITTED()"


def mark_omitted(formula: str, function_names: Iterable[str]) -> str:
    """Write an explicit marker where an argument of an xlfuncs function is left empty.

    >>> mark_omitted('=LAC_FORECAST(A1:A6,10,"target",B1:B9,,60,5)', ["LAC_FORECAST"])
    '=LAC_FORECAST(A1:A6,10,"target",B1:B9,XLFUNCS_OMITTED(),60,5)'
    >>> mark_omitted("=IF(A1,,2)+UNIT_COST(1,2,)", ["UNIT_COST"])
    '=IF(A1,,2)+UNIT_COST(1,2,XLFUNCS_OMITTED())'
    """
    if not isinstance(formula, str) or "," not in formula:
        return formula
    from openpyxl.formula import Tokenizer
    from openpyxl.formula.tokenizer import TokenizerError

    names = {name.upper() for name in function_names}
    try:
        tokens = Tokenizer(formula).items
    except TokenizerError:
        return formula
    out: list[str] = []
    ours: list[bool] = []  # for each open function, parenthesis or array: is it an xlfuncs call?
    previous = None
    changed = False
    for token in tokens:
        kind, sub = token.type, token.subtype
        empty_before = previous is not None and (
            (previous.type == "FUNC" and previous.subtype == "OPEN") or (previous.type == "SEP" and previous.subtype == "ARG")
        )
        if kind == "SEP" and sub == "ARG" and ours and ours[-1] and empty_before:
            out.append(OMITTED_CALL)
            changed = True
        if kind == "FUNC" and sub == "CLOSE" and ours and ours.pop() and previous is not None and (
            previous.type == "SEP" and previous.subtype == "ARG"
        ):
            out.append(OMITTED_CALL)
            changed = True
        elif kind in ("PAREN", "ARRAY") and sub == "CLOSE" and ours:
            ours.pop()
        if kind == "FUNC" and sub == "OPEN":
            ours.append(token.value[:-1].upper() in names)
        elif kind in ("PAREN", "ARRAY") and sub == "OPEN":
            ours.append(False)
        out.append(token.value)
        if kind != "WHITE-SPACE":
            previous = token
    return "=" + "".join(out) if changed else formula
