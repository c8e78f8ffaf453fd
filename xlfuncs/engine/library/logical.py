"""Excel's Logical functions: IF, IFERROR, IFNA, AND, OR, NOT.
"""

from __future__ import annotations

from xlfuncs.engine.library.arguments import FUNCTIONS, excel
from xlfuncs.engine.values import (
    NA,
    VALUE,
    Rng,
    XlErr,
    scalar,
    to_bool,
)


@excel("IF")
def f_if(condition, when_true=True, when_false=False):
    test = to_bool(scalar(condition))
    if type(test) is XlErr:
        return test
    chosen = when_true if test else when_false
    return 0.0 if chosen is None else chosen  # an omitted or blank branch shows 0


@excel("IFERROR")
def f_iferror(value, fallback):
    v = scalar(value) if isinstance(value, Rng) and value.cells.size == 1 else value
    return fallback if type(v) is XlErr else v


@excel("IFNA")
def f_ifna(value, fallback):
    return fallback if value is NA else value


def _logic(all_: bool):
    def apply(*args):
        found = []
        for arg in args:
            items = arg.cells.flat if isinstance(arg, Rng) else [arg]
            for v in items:
                if type(v) is XlErr:
                    return v
                if v is None or (type(v) is str and isinstance(arg, Rng)):
                    continue
                b = to_bool(v)
                if type(b) is XlErr:
                    return b
                found.append(b)
        if not found:
            return VALUE
        return all(found) if all_ else any(found)

    return apply


FUNCTIONS["AND"] = _logic(True)
FUNCTIONS["OR"] = _logic(False)


@excel("NOT")
def f_not(x):
    b = to_bool(scalar(x))
    return b if type(b) is XlErr else (not b)


@excel("SWITCH")
def f_switch(expression, *pairs):
    """The result paired with the first value equal to ``expression`` (of the same type), else
    the default (an odd last argument), else #N/A."""
    value = scalar(expression)
    if type(value) is XlErr:
        return value
    if len(pairs) < 2:
        return VALUE
    for i in range(0, len(pairs) - 1, 2):
        candidate = scalar(pairs[i])
        if type(candidate) is XlErr:
            return candidate
        left = 0.0 if value is None else value
        right = 0.0 if candidate is None else candidate
        if type(left) is bool or type(right) is bool or type(left) is str or type(right) is str:
            same = type(left) is type(right) and (left == right if type(left) is not str else left.lower() == right.lower())
        else:
            same = left == right
        if same:
            chosen = pairs[i + 1]
            return 0.0 if chosen is None else chosen
    if len(pairs) % 2:
        chosen = pairs[-1]
        return 0.0 if chosen is None else chosen
    return NA
