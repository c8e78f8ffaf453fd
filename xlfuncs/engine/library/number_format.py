"""Excel's number format codes, as TEXT applies them: ``TEXT(1234.5, "#,##0.00")``.

A code has up to four sections separated by ``;`` (positive; negative; zero; text), each made
of digit placeholders (``0`` a digit always, ``#`` a digit only where significant, ``?`` a
digit or a space), a decimal point, ``,`` (thousands separators between placeholders, a
division by 1,000 after the last one), ``%``, an exponent (``E+00``), date and time codes
(``yyyy``, ``mmm``, ``dd``, ``h``, ``mm``, ``ss``, ``.00``, ``AM/PM``, elapsed ``[h]``),
literal text in quotes or after ``\\``, and ``@`` for a text value. ``General`` writes a
number as a cell shows it.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from xlfuncs.engine.values import VALUE, XlErr, excel_round, number_text

_DATE_CODES = re.compile(r"(?i)(yyyy|yy|e|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p)")
_MONTHS = "January February March April May June July August September October November December".split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def split_sections(code: str) -> list[str]:
    """The ``;``-separated sections of a code, quotes and escapes respected."""
    sections, current, i = [], "", 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) - 1 if end < 0 else end
            current += code[i : end + 1]
            i = end + 1
            continue
        if ch in "\\_*" and i + 1 < len(code):
            current += code[i : i + 2]
            i += 2
            continue
        if ch == ";":
            sections.append(current)
            current = ""
        else:
            current += ch
        i += 1
    sections.append(current)
    return sections


def _tokens(section: str) -> list[tuple[str, str]]:
    """(kind, text): kind is "lit" for literal text, "br" for a [bracket], else "code"."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            out.append(("lit", section[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append(("lit", section[i + 1]))
            i += 2
        elif ch == "_" and i + 1 < len(section):
            out.append(("lit", " "))  # room for the next character: a space in text
            i += 2
        elif ch == "*" and i + 1 < len(section):
            i += 2  # a fill to the column width: nothing in text
        elif ch == "[":
            end = section.find("]", i)
            end = len(section) if end < 0 else end
            out.append(("br", section[i + 1 : end]))
            i = end + 1
        else:
            out.append(("code", ch))
            i += 1
    return out


def _is_date(tokens: list[tuple[str, str]]) -> bool:
    if any(kind == "br" and re.fullmatch(r"(?i)h+|m+|s+", text) for kind, text in tokens):
        return True
    codes = "".join(text for kind, text in tokens if kind == "code")
    codes = re.sub(r"(?i)general", "", codes)
    return bool(re.search(r"(?i)[ydhs]|am/pm|a/p", codes)) or (
        bool(re.search(r"(?i)m", codes)) and not re.search(r"[0#?]", codes)
    )


def _bracket_literal(text: str) -> str:
    """What a [bracket] adds to the text: a currency symbol ([$€-809]); colours, conditions and
    locales add nothing."""
    if text.startswith("$"):
        return text[1:].split("-", 1)[0]
    return ""


def format_value(value: Any, code: str, date1904: bool = False) -> str | XlErr:
    """``value`` written with the format ``code``, as TEXT does."""
    sections = split_sections(code)
    if type(value) is str:
        if len(sections) >= 4:
            return _text_section(sections[3], value)
        if "@" in sections[0] and not re.search(r"[0#?]", sections[0]):
            return _text_section(sections[0], value)
        return value
    number = float(value)
    section, signed = _choose(sections, number)
    if section is None:
        return VALUE
    tokens = _tokens(section)
    if not any(kind == "code" and text.strip() for kind, text in tokens) and not any(kind == "lit" for kind, _ in tokens):
        return ""
    if re.fullmatch(r"(?i)\s*general\s*", section):
        text = number_text(abs(number) if not signed else number)
        return text
    if _is_date(tokens):
        return _date_text(tokens, abs(number) if not signed else number, date1904)
    return _number_text(tokens, number if signed else abs(number), signed)


def _choose(sections: list[str], number: float) -> tuple[str | None, bool]:
    """The section for ``number`` and whether it carries the minus sign itself."""
    conditions = [re.match(r"^\s*\[(<=|>=|<>|<|>|=)(-?[\d.]+)\]", s) for s in sections]
    if any(conditions):
        for section, condition in zip(sections, conditions, strict=True):
            if condition is None:
                return section, True
            op, limit = condition.group(1), float(condition.group(2))
            if {"<": number < limit, ">": number > limit, "=": number == limit, "<=": number <= limit,
                ">=": number >= limit, "<>": number != limit}[op]:  # fmt: skip
                return section[condition.end():], op not in ("<", "<=") or limit > 0
        return None, True
    numeric = sections[:3]
    if len(numeric) == 1:
        return numeric[0], True
    if number < 0:
        return numeric[1], False
    if number == 0 and len(numeric) == 3:
        return numeric[2], True
    return numeric[0], True


def _text_section(section: str, text: str) -> str:
    out = []
    for kind, piece in _tokens(section):
        if kind == "lit":
            out.append(piece)
        elif kind == "br":
            out.append(_bracket_literal(piece))
        else:
            out.append(text if piece == "@" else piece)
    return "".join(out)


# --- numbers --------------------------------------------------------------------------


def _number_text(tokens: list[tuple[str, str]], number: float, signed: bool) -> str | XlErr:
    codes = [(kind, text) for kind, text in tokens]
    placeholders = [i for i, (kind, t) in enumerate(codes) if kind == "code" and t in "0#?"]
    percent = sum(1 for kind, t in codes if kind == "code" and t == "%")
    exponent_at = next(
        (i for i, (kind, t) in enumerate(codes) if kind == "code" and t in "Ee" and i + 1 < len(codes) and codes[i + 1][1] in "+-"),
        None,
    )
    point_at = next((i for i, (kind, t) in enumerate(codes) if kind == "code" and t == "."), None)
    end_of_number = exponent_at if exponent_at is not None else len(codes)
    integer_slots = [i for i in placeholders if (point_at is None or i < point_at) and i < end_of_number]
    fraction_slots = [i for i in placeholders if point_at is not None and point_at < i < end_of_number]
    exponent_slots = [i for i in placeholders if exponent_at is not None and i > exponent_at + 1]
    # Commas: between integer placeholders they group thousands; right after the last
    # placeholder of the integer part (before the point or the end) each divides by 1,000.
    grouping = False
    scale = 0
    last_integer = integer_slots[-1] if integer_slots else None
    for i, (kind, t) in enumerate(codes):
        if kind != "code" or t != ",":
            continue
        if integer_slots and integer_slots[0] < i < integer_slots[-1]:
            grouping = True
        elif last_integer is not None and i > last_integer and (point_at is None or i < point_at) and i < end_of_number:
            if all(codes[j] == ("code", ",") for j in range(last_integer + 1, i + 1)):
                scale += 1
    value = abs(number) * 100.0**percent / 1000.0**scale
    negative = number < 0
    exponent = 0
    if exponent_at is not None and value != 0:
        width = max(1, len(integer_slots))
        exponent = math.floor(math.log10(value))
        exponent -= (exponent % width) if width > 1 else 0
        value = value / 10.0**exponent
    digits_after = len(fraction_slots)
    rounded = excel_round(value, digits_after)
    if exponent_at is not None and rounded >= 10.0 ** max(1, len(integer_slots)):
        rounded /= 10.0
        exponent += 1
    whole = int(math.floor(rounded + 1e-9)) if digits_after else int(round(rounded))
    fraction = f"{rounded:.{digits_after}f}".split(".")[1] if digits_after else ""
    integer_text = str(whole) if whole else ""
    if negative and rounded == 0:
        negative = False  # -0.001 shown with no decimals is 0, not -0
    out: list[str] = []
    integer_placed = False
    fraction_index = 0
    exponent_text = str(abs(exponent))
    exponent_placed = False
    inside_integer = set(range(integer_slots[0] + 1, integer_slots[-1])) - set(integer_slots) if integer_slots else set()
    for i, (kind, t) in enumerate(codes):
        if i in inside_integer:
            continue  # laid out with the integer digits
        if kind == "lit":
            out.append(t)
        elif kind == "br":
            out.append(_bracket_literal(t))
        elif i in integer_slots:
            if not integer_placed:
                out.append(_integer_part(integer_text, [codes[j][1] for j in integer_slots], grouping, codes, integer_slots))
                integer_placed = True
        elif i in fraction_slots:
            digit = fraction[fraction_index]
            rest = fraction[fraction_index:]
            fraction_index += 1
            placeholder = t
            if placeholder == "0" or rest.strip("0"):
                out.append(digit)
            elif placeholder == "?":
                out.append(" ")
        elif i in exponent_slots:
            if not exponent_placed:
                shown = exponent_text.rjust(len(exponent_slots), "0")
                out.append(shown)
                exponent_placed = True
        elif exponent_at is not None and i == exponent_at:
            out.append(t)
        elif exponent_at is not None and i == exponent_at + 1:
            out.append("-" if exponent < 0 else ("+" if t == "+" else ""))
        elif t == ",":
            continue  # grouping or scaling, written above
        elif t == "." and i == point_at and not integer_slots and whole:
            out.append(f"{whole}.")  # no integer placeholders: the whole part is still shown
        elif t == "." or t == "%":
            out.append(t)
        else:
            out.append(t)
    text = "".join(out)
    if negative and signed:
        text = "-" + text
    return text


def _integer_part(digits: str, slots: list[str], grouping: bool, codes, positions: list[int]) -> str:
    """The integer digits laid on the placeholders (``0`` pads with zeros, ``?`` with spaces,
    ``#`` with nothing), extra leading digits before the first, literal text between
    placeholders kept, and thousands grouped when asked."""
    count = len(slots)
    padded = digits.rjust(count, "\x00")
    extra, laid = padded[: len(padded) - count], padded[len(padded) - count :]
    shown = []
    for slot, digit in zip(slots, laid, strict=True):
        if digit != "\x00":
            shown.append(digit)
        elif slot == "0":
            shown.append("0")
        elif slot == "?":
            shown.append(" ")
        else:
            shown.append("")
    # Literal text between integer placeholders (an account number "00-000") stays in place.
    between = {}
    for a, b in zip(positions, positions[1:], strict=False):
        lit = "".join(
            t if kind == "lit" else (_bracket_literal(t) if kind == "br" else t)
            for kind, t in codes[a + 1 : b]
            if not (kind == "code" and t == ",")
        )
        between[a] = lit
    if grouping and not any(between.values()):
        body = extra + "".join(shown)
        digits_only = body.lstrip(" ")
        lead = body[: len(body) - len(digits_only)]
        if digits_only.isdigit():
            groups = [digits_only[max(0, i - 3) : i] for i in range(len(digits_only), 0, -3)]
            return lead + ",".join(reversed(groups))
        return body
    parts = [extra]
    for k, (position, piece) in enumerate(zip(positions, shown, strict=True)):
        parts.append(piece)
        if k < len(positions) - 1:
            parts.append(between.get(position, ""))
    return "".join(parts)


# --- dates and times ----------------------------------------------------------------------


def _date_text(tokens: list[tuple[str, str]], serial: float, date1904: bool) -> str | XlErr:
    if serial < 0:
        return VALUE
    codes = []
    fraction_digits = 0
    for kind, text in tokens:
        codes.append((kind, text))
    joined = "".join(t if k == "code" else "\x00" for k, t in codes)
    match = re.search(r"(?i)s+\.(0+)", joined)
    if match:
        fraction_digits = len(match.group(1))
    ampm = bool(re.search(r"(?i)am/pm|a/p", joined))
    # Round to what is shown: whole seconds, or the fractions of a second asked for.
    unit = 86400 * 10**fraction_digits
    ticks = round(serial * unit)
    days, rest = divmod(ticks, unit)
    seconds_total = rest / 10**fraction_digits
    day = _calendar(days, date1904)
    hours, remainder = divmod(int(seconds_total), 3600)
    minutes, seconds = divmod(remainder, 60)
    fraction = rest % (10**fraction_digits) if fraction_digits else 0
    out: list[str] = []
    items = _date_items(codes)
    for kind, text in items:
        if kind == "lit":
            out.append(text)
            continue
        if kind == "br":
            lower = text.lower()
            elapsed = ticks / unit
            if re.fullmatch(r"h+", lower):
                out.append(str(int(elapsed * 24)).rjust(len(lower), "0"))
            elif re.fullmatch(r"m+", lower):
                out.append(str(int(elapsed * 1440)).rjust(len(lower), "0"))
            elif re.fullmatch(r"s+", lower):
                out.append(str(int(round(elapsed * 86400))).rjust(len(lower), "0"))
            else:
                out.append(_bracket_literal(text))
            continue
        lower = text.lower()
        if kind == "minute":
            out.append(str(minutes).rjust(len(lower), "0") if len(lower) > 1 else str(minutes))
        elif lower in ("yyyy", "e"):
            out.append(str(day[0]).rjust(4, "0"))
        elif lower == "yy":
            out.append(str(day[0] % 100).rjust(2, "0"))
        elif lower == "mmmmm":
            out.append(_MONTHS[day[1] - 1][0])
        elif lower == "mmmm":
            out.append(_MONTHS[day[1] - 1])
        elif lower == "mmm":
            out.append(_MONTHS[day[1] - 1][:3])
        elif lower in ("mm", "m"):
            out.append(str(day[1]).rjust(len(lower), "0"))
        elif lower == "dddd":
            out.append(_DAYS[day[3]])
        elif lower == "ddd":
            out.append(_DAYS[day[3]][:3])
        elif lower in ("dd", "d"):
            out.append(str(day[2]).rjust(len(lower), "0"))
        elif lower in ("hh", "h"):
            shown = hours % 12 or 12 if ampm else hours
            out.append(str(shown).rjust(len(lower), "0"))
        elif lower in ("ss", "s"):
            out.append(str(seconds).rjust(len(lower), "0"))
        elif lower == "am/pm":
            out.append(("AM" if hours < 12 else "PM") if text[0].isupper() else ("am" if hours < 12 else "pm"))
        elif lower == "a/p":
            out.append(("A" if hours < 12 else "P") if text[0].isupper() else ("a" if hours < 12 else "p"))
        elif kind == "fraction":
            out.append("." + str(fraction).rjust(fraction_digits, "0"))
        else:
            out.append(text)
    return "".join(out)


def _date_items(codes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Date codes grouped (``yyyy``, ``mm``...), ``m`` read as minutes after an hour or before a
    second, and ``.00`` after seconds as their fraction."""
    text = ""
    spans: list[tuple[str, str]] = []
    for kind, piece in codes:
        if kind == "code":
            text += piece
            continue
        if text:
            spans.extend(_split_codes(text))
            text = ""
        spans.append((kind, piece))
    if text:
        spans.extend(_split_codes(text))
    out: list[tuple[str, str]] = []
    for i, (kind, piece) in enumerate(spans):
        if kind == "date" and piece.lower() in ("m", "mm"):
            before = next((p.lower() for k, p in reversed(out) if k in ("date", "br")), "")
            after = next((p.lower() for k, p in spans[i + 1 :] if k in ("date", "br")), "")
            if before.startswith("h") or after.startswith("s"):
                kind = "minute"
        out.append((kind, piece))
    return out


def _split_codes(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i] == "." and out and out[-1][0] == "date" and out[-1][1].lower().startswith("s"):
            j = i + 1
            while j < len(text) and text[j] == "0":
                j += 1
            if j > i + 1:
                out.append(("fraction", text[i:j]))
                i = j
                continue
        match = _DATE_CODES.match(text, i)
        if match:
            out.append(("date", match.group(0)))
            i = match.end()
        else:
            out.append(("lit", text[i]))
            i += 1
    return out


def _calendar(days: int, date1904: bool) -> tuple[int, int, int, int]:
    """(year, month, day, weekday from Monday) of a serial day number, Excel's way."""
    if date1904:
        day = _dt.date(1904, 1, 1) + _dt.timedelta(days=days)
        return day.year, day.month, day.day, day.weekday()
    if days == 0:
        return 1900, 1, 0, 5  # 0 January 1900, a Saturday to Excel
    if days == 60:
        return 1900, 2, 29, 2  # the 29 February 1900 Excel keeps
    day = _dt.date(1899, 12, 31) + _dt.timedelta(days=days if days < 60 else days - 1)
    weekday = (days - 2) % 7  # serial 1 is a Sunday to Excel
    return day.year, day.month, day.day, weekday
