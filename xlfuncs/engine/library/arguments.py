"""How the standard functions read their arguments: numbers out of ranges as SUM does, whole
numbers as Excel truncates them, and the table every function is registered in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from xlfuncs.engine.values import (
    Rng,
    XlErr,
    scalar,
    to_number,
)

FUNCTIONS: dict[str, Callable[..., Any]] = {}


def excel(*names: str):
    def register(fn):
        for name in names:
            FUNCTIONS[name] = fn
        return fn

    return register


class Stop(Exception):
    def __init__(self, err: XlErr):
        self.err = err


def numbers_of(args, direct_text_ok: bool = True) -> Iterator[float]:
    """Numbers as SUM sees them: ranges give their numbers only; direct arguments convert."""
    for arg in args:
        if isinstance(arg, Rng):
            for v in arg.cells.flat:
                t = type(v)
                if t is float or t is int:
                    yield v
                elif t is XlErr:
                    raise Stop(v)
        elif isinstance(arg, np.ndarray):
            from xlfuncs.engine.values import NeedsScalar

            raise NeedsScalar
        elif arg is None:
            continue
        else:
            n = to_number(arg)
            if type(n) is XlErr:
                raise Stop(n)
            yield n


def collect(args) -> list[float] | XlErr:
    try:
        return list(numbers_of(args))
    except Stop as stop:
        return stop.err


def int_arg(v: Any) -> int | XlErr:
    n = to_number(scalar(v))
    if type(n) is XlErr:
        return n
    return int(math.floor(n)) if n >= 0 else int(math.ceil(n))
