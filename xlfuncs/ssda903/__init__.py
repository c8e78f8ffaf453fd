"""The SSDA903 stock-flow demand model: read DfE episodes, estimate, project, cost.

* :mod:`.reader`: ``read_ssda903(DIR)`` reads ``DIR/<YYYY>/header.csv`` and ``episodes.csv``
  into clean episode arrays, reporting every bad row;
* :mod:`.model`: ``estimate`` (corrected conventions) and ``estimate_compatible``
  (``cs-demand-model`` 0.5.1's), and ``adjust`` for scenarios;
* :mod:`.projection`: the pure projection and its variance band over aggregated arrays, also
  the Excel functions ``LAC_STOCKFLOW_*``;
* :mod:`.forecast`: month-end forecasts; :mod:`.costs`: placement costs and cost drivers.

>>> from pathlib import Path
>>> from xlfuncs.ssda903 import estimate, forecast, read_ssda903
>>> table = read_ssda903(Path(__file__).resolve().parents[2] / "samples" / "ssda903")
>>> round(float(forecast(estimate(table, "2022-04-01", "2023-03-31"), 12).total[-1]))
347
"""

from .costs import cost_drivers, projected_costs
from .forecast import Forecast, forecast
from .model import StockFlowModel, adjust, estimate, estimate_compatible
from .reader import EpisodeTable, ReadReport, SSDA903Error, read_ssda903

__all__ = [
    "EpisodeTable",
    "Forecast",
    "ReadReport",
    "SSDA903Error",
    "StockFlowModel",
    "adjust",
    "cost_drivers",
    "estimate",
    "estimate_compatible",
    "forecast",
    "projected_costs",
    "read_ssda903",
]
