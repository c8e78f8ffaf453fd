"""Month-end monitoring of the placement budget, sufficiency and back-testing, from SSDA903.

* :mod:`.lines`: the budget lines each placement is charged to (the ``"budget"`` view of the
  placement table, or a council's own mapping);
* :mod:`.prices`: the council's weekly costs, by code, provider, line or child;
* :mod:`.known`: episodes as known at the end of a day (no figure sees a later record);
* :mod:`.outturn`: actual to date, committed and projected to 31 March, by line: the
  forecast outturn against budget;
* :mod:`.band`: the band of a projected cost (``LAC_STOCKFLOW_COST_SD``);
* :mod:`.sufficiency`: placements needed by line and age band against capacity, and the
  high-cost tail;
* :mod:`.backtest`: past forecasts of children in care and of the outturn against what
  happened.

>>> from xlfuncs.resources import samples_dir
>>> from xlfuncs.data.ssda903 import read_ssda903
>>> from xlfuncs.methods.budget import LineMap, PriceRow, month_end, price_list
>>> table = read_ssda903(samples_dir() / "ssda903", known_at="2022-12-31")
>>> report = month_end(table, "2022-12-31", LineMap(), price_list([PriceRow("default", "", 700.0)], LineMap()))
>>> report.lines.names[:2], report.days_left
(('in_house_fostering', 'agency_fostering'), 90)
"""

from xlfuncs.methods.budget import backtest, band, known, lines, outturn, prices, sufficiency
from xlfuncs.methods.budget.known import known_at
from xlfuncs.methods.budget.lines import LineMap, episode_lines, line_map
from xlfuncs.methods.budget.outturn import MonthEnd, financial_year, month_end
from xlfuncs.methods.budget.prices import PriceList, PriceRow, price_list

__all__ = [
    "LineMap",
    "MonthEnd",
    "PriceList",
    "PriceRow",
    "backtest",
    "band",
    "episode_lines",
    "financial_year",
    "known",
    "known_at",
    "line_map",
    "lines",
    "month_end",
    "outturn",
    "price_list",
    "prices",
    "sufficiency",
]
