"""Excel's standard functions for the compiled evaluator, one module per Excel category.

Each implementation takes evaluated arguments (values or :class:`~xlfuncs.engine.values.Rng`)
and returns a value, following Excel's documented rules (what ranges skip, which error each
failure gives), and registers itself under its Excel name with ``@excel("NAME")`` (see
:mod:`.arguments`). Some also have a vector form in :mod:`xlfuncs.engine.vectorised`, used
when one workbook is evaluated for many input sets at once. A workbook that calls a function
not listed in :data:`FUNCTIONS` is recalculated by the ``formulas`` engine instead.

A new standard function goes into the module of its Excel category, with a fixture cell in
``tests/fixtures/make_functions_workbook.py`` that LibreOffice checks.
"""

from xlfuncs.engine.library import (  # noqa: F401  (importing a category registers its functions)
    criteria,
    dates,
    engineering,
    financial,
    information,
    logical,
    lookup,
    math_trig,
    statistical,
    text,
)
from xlfuncs.engine.library.arguments import FUNCTIONS
from xlfuncs.engine.library.math_trig import power

__all__ = ["FUNCTIONS", "power"]
