"""Headless recalculation of .xlsx workbooks: standard Excel functions through the
``formulas`` engine, xlfuncs functions through the registry.

>>> from xlfuncs.engine import recalculate  # doctest: +SKIP
>>> report = recalculate("model.xlsx", "model-recalculated.xlsx")  # doctest: +SKIP
"""

from xlfuncs.engine.recalc import RecalcReport, Workbook, recalculate
from xlfuncs.xlsx.package import WorkbookError

__all__ = ["RecalcReport", "Workbook", "WorkbookError", "recalculate"]
