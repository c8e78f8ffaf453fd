"""Text in a package as Excel writes it: characters XML cannot hold as ``_xHHHH_``.

XML 1.0 has no place for most control characters (U+0001 to U+001F but tab and line feed),
for U+FFFE and U+FFFF, or for a lone surrogate; and an XML reader turns a carriage return
into a line feed. SpreadsheetML writes each of them as ``_x`` and four hexadecimal digits and
an underscore (ECMA-376 Part 1, ST_Xstring): ``="a"&CHAR(1)`` is saved as ``a_x0001_``. Text
that itself reads ``_x0041_`` is saved with its underscore escaped, ``_x005F_x0041_``, so
that it reads back as it was; so is any ``_x`` followed by four hexadecimal digits, even without
the closing underscore, since an escape written after it could supply one (``_x0000`` then
CHAR(8) would otherwise read back as U+0000). :func:`escape` writes a text so; :func:`unescape` reads it back.
"""

from __future__ import annotations

import re

#: What XML 1.0 cannot hold (and the carriage return, which it would not keep).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4})")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape(text: str) -> str:
    """``text`` as SpreadsheetML stores it.

    >>> escape("a\\x01"), escape("_x0041_ stays"), escape("tab\\tand\\nnew line")
    ('a_x0001_', '_x005F_x0041_ stays', 'tab\\tand\\nnew line')
    """
    if "_" in text:
        text = _LOOKS_ESCAPED.sub("_x005F_", text)
    return _UNSAFE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def unescape(text: str) -> str:
    """Stored SpreadsheetML text as the cell shows it.

    >>> unescape("a_x0001_"), unescape("_x005F_x0041_ stays"), unescape("no_xescape")
    ('a\\x01', '_x0041_ stays', 'no_xescape')
    """
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def xml_safe(text: str) -> bool:
    """Whether ``text`` can stand in XML as it is."""
    return not _UNSAFE.search(text)
