"""The registry, under its first import path: see :mod:`xlfuncs.excel.registry`."""

from xlfuncs.excel.registry import *  # noqa: F403
from xlfuncs.excel.registry import REGISTRY, ExcelFunction, functions  # noqa: F401
