"""Text as SpreadsheetML stores it: every character XML cannot hold as ``_xHHHH_``, and a
literal ``_xHHHH_`` with its underscore escaped, read back to what it was."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from xlfuncs.xlsx.escape import escape, unescape, xml_safe

#: Any text Python can hold, lone surrogates included, with the escapes' own shapes mixed in.
TEXT = st.lists(
    st.one_of(
        st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF),
        st.sampled_from(["_x", "_x0041_", "_x005F_", "_X0041_", "_x00", "_xZZZZ_", "\r", "\r\n"]),
    ),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_every_text_reads_back_as_it_was(text):
    stored = escape(text)
    assert xml_safe(stored)
    assert unescape(stored) == text


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_what_is_stored_is_xml(text):
    element = etree.Element("t")
    element.text = escape(text)
    parsed = etree.fromstring(etree.tostring(element))
    assert unescape(parsed.text or "") == text


def test_as_excel_writes_them():
    assert escape("a\x01") == "a_x0001_"
    assert escape("line\rfeed") == "line_x000D_feed"  # a reader would turn a bare CR into LF
    assert escape("_x0041_") == "_x005F_x0041_"
    assert escape("_x004") == "_x004" and escape("snake_x_case") == "snake_x_case"
    assert escape("\ufffe\U0001F600") == "_xFFFE_\U0001F600"  # astral characters are XML
    assert unescape("_x000d_") == "\r"  # either case of hex digits reads back
