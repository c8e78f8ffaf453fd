"""The SSDA903 stock-flow demand model: estimate, project and cost from episodes of care.

* :mod:`.episodes`: the :class:`EpisodeTable` every method takes
  (:func:`xlfuncs.data.ssda903.read_ssda903` reads one from a council's return);
* :mod:`.codes`: the code sets of DfE's SSDA903 guide; :mod:`.placements`: the one table of
  placement types with its two views, DfE's published categories and budget lines;
* :mod:`.states`: the state spaces (stream x age band x placement);
* :mod:`.model`: ``estimate`` (corrected conventions) and ``estimate_compatible``
  (``cs-demand-model`` 0.5.1's), and ``adjust`` for scenarios;
* :mod:`.projection`: the pure projection and its variance band over aggregated arrays, also
  the Excel functions ``LAC_STOCKFLOW_*``;
* :mod:`.forecast`: month-end forecasts; :mod:`.costs`: placement costs and cost drivers.

>>> from xlfuncs.resources import samples_dir
>>> from xlfuncs.data.ssda903 import read_ssda903
>>> from xlfuncs.methods.stock_flow import estimate, forecast
>>> table = read_ssda903(samples_dir() / "ssda903")
>>> round(float(forecast(estimate(table, "2022-04-01", "2023-03-31"), 12).total[-1]))
436
"""

from xlfuncs.methods.stock_flow.costs import cost_drivers, projected_costs
from xlfuncs.methods.stock_flow.episodes import EpisodeTable
from xlfuncs.methods.stock_flow.forecast import Forecast, forecast
from xlfuncs.methods.stock_flow.model import StockFlowModel, adjust, estimate, estimate_compatible

__all__ = [
    "EpisodeTable",
    "Forecast",
    "StockFlowModel",
    "adjust",
    "cost_drivers",
    "estimate",
    "estimate_compatible",
    "forecast",
    "projected_costs",
]
