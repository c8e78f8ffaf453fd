"""The xlwings functions, under the import path Excel configurations name.

``UDF MODULES = "xlfuncs.udfs"`` (classic add-in) and ``from xlfuncs.udfs import *`` (xlwings
Lite) load this module; the adapter itself is :mod:`xlfuncs.excel.xlwings_udfs`.
"""

from xlfuncs.excel.xlwings_udfs import *  # noqa: F403
from xlfuncs.excel.xlwings_udfs import __all__  # noqa: F401
