"""Running the engine where a deeply nested formula cannot exhaust Python's stack.

Excel accepts formulas up to 8,192 characters with 64 nested functions; parentheses and
operators can nest far deeper than functions within that length (``1+(1+(1+...))``), and a
circular reference is followed on demand from cell to cell. Parsing, compiling and
evaluating are recursive, so they run in a thread with a large stack and a recursion limit to
match, instead of failing with RecursionError on a formula Excel takes.
"""

from __future__ import annotations

import contextvars
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")

#: Bytes of stack for the engine's thread, and the recursion limit it allows.
STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 200_000

_local = threading.local()


def deep(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``fn(*args, **kwargs)`` on a large stack; its result, or its exception re-raised here."""
    if getattr(_local, "inside", False):
        return fn(*args, **kwargs)
    context = contextvars.copy_context()
    outcome: dict[str, Any] = {}

    def run() -> None:
        _local.inside = True
        try:
            outcome["value"] = context.run(fn, *args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc

    previous_limit = sys.getrecursionlimit()
    previous_size = threading.stack_size()
    try:
        threading.stack_size(STACK_BYTES)
        sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
        worker = threading.Thread(target=run, name="xlfuncs-engine")
        worker.start()
    finally:
        threading.stack_size(previous_size)
    worker.join()
    sys.setrecursionlimit(previous_limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
