"""From an estimated model to a month-end forecast with its band."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from xlfuncs.methods.errors import OutOfDomainError
from xlfuncs.methods.stock_flow.model import StockFlowModel
from xlfuncs.methods.stock_flow.projection import MAX_DAYS, month_ends, run
from xlfuncs.methods.stock_flow.states import state_labels


@dataclass(frozen=True)
class Forecast:
    """Projected children per state at each date, with standard deviations."""

    dates: list[dt.date]
    counts: np.ndarray  # (dates, states)
    sd: np.ndarray  # (dates, states)
    total_sd: np.ndarray  # (dates,)
    daily: np.ndarray  # (days + 1, states): every day from the start
    start: dt.date
    sds: float = 2.0

    @property
    def total(self) -> np.ndarray:
        return self.counts.sum(axis=1)

    @property
    def lower(self) -> np.ndarray:
        return np.clip(self.counts - self.sds * self.sd, 0.0, None)

    @property
    def upper(self) -> np.ndarray:
        return self.counts + self.sds * self.sd

    def rows(self):
        """(date, age band, placement, count, lower, upper) for every date and state."""
        labels = state_labels()
        lower, upper = self.lower, self.upper
        for k, day in enumerate(self.dates):
            for s, (band, placement) in enumerate(labels):
                yield day, band, placement, self.counts[k, s], lower[k, s], upper[k, s]


def forecast(model: StockFlowModel, months: int, sds: float = 2.0) -> Forecast:
    """Project ``model`` day by day and report the month ends of the next ``months`` months.

    Parameters
    ----------
    model : StockFlowModel
        From :func:`~xlfuncs.methods.stock_flow.model.estimate` (possibly adjusted).
    months : int
        Number of month ends to report (1 to 1,200).
    sds : float
        Half-width of the band in standard deviations. Default 2.

    Returns
    -------
    Forecast

    Examples
    --------
    >>> from xlfuncs.resources import samples_dir
    >>> from xlfuncs.data.ssda903 import read_ssda903
    >>> from xlfuncs.methods.stock_flow.model import estimate
    >>> table = read_ssda903(samples_dir() / "ssda903")
    >>> result = forecast(estimate(table, "2022-04-01", "2023-03-31"), 24)
    >>> result.dates[0], result.dates[-1]
    (datetime.date(2023, 4, 30), datetime.date(2025, 3, 31))
    >>> bool(abs(result.total[0] - 347) < 10)
    True
    """
    if not 1 <= months <= 1200 or int(months) != months:
        raise OutOfDomainError("months", "must be a whole number from 1 to 1,200")
    dates = month_ends(model.start, int(months))
    horizons = np.array([(d - model.start).days for d in dates])
    if horizons.max() > MAX_DAYS:
        raise OutOfDomainError("months", "projects more than 100 years")
    rates = model.rates.copy()
    diagonal = np.diag(rates).copy()
    np.fill_diagonal(rates, 0.0)
    mean, cov, daily = run(model.stock, rates, model.exits, model.entrants, horizons,
                           diagonal=diagonal, clip=model.clip, variance=True, daily=True)
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
    total_sd = np.sqrt(np.clip(cov.sum(axis=(1, 2)), 0.0, None))
    return Forecast(dates=dates, counts=mean, sd=sd, total_sd=total_sd, daily=daily,
                    start=model.start, sds=sds)
