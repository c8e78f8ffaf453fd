"""xlfuncs: Excel formulas for funding children's social care in English councils.

Each formula is a pure numpy function in a domain module (``unit_costs``, ``rates``, ...).
Its Excel face is declared once in :mod:`xlfuncs.excel.registry` and served by two adapters:
:mod:`xlfuncs.excel.xlwings_udfs` for Excel through xlwings, and :mod:`xlfuncs.engine` for headless
recalculation of .xlsx files.
"""

__version__ = "0.1.0"
