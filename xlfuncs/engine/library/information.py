"""Excel's Information functions: ISNUMBER, ISTEXT, ISBLANK, ISERROR, ISNA.
"""

from __future__ import annotations

from xlfuncs.engine.library.arguments import FUNCTIONS
from xlfuncs.engine.values import (
    NA,
    XlErr,
    scalar,
)

FUNCTIONS["ISNUMBER"] = lambda x: type(scalar(x)) in (float, int)
FUNCTIONS["ISTEXT"] = lambda x: type(scalar(x)) is str
FUNCTIONS["ISBLANK"] = lambda x: scalar(x) is None
FUNCTIONS["ISERROR"] = lambda x: type(scalar(x)) is XlErr
FUNCTIONS["ISNA"] = lambda x: scalar(x) is NA
