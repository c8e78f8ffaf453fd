"""From an estimated model to a month-end forecast with its band."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from xlfuncs.methods.errors import OutOfDomainError
from xlfuncs.methods.stock_flow.model import StockFlowModel
from xlfuncs.methods.stock_flow.projection import MAX_DAYS, month_ends, run
from xlfuncs.methods.stock_flow.states import DEFAULT, StateSpace


@dataclass(frozen=True)
class Forecast:
    """Projected children per state at each date, with standard deviations.

    ``cov`` holds the covariance of the states' counts at each date (for bands of sums of
    states); without it, sums of states are given bands as if independent.
    """

    dates: list[dt.date]
    counts: np.ndarray  # (dates, states)
    sd: np.ndarray  # (dates, states)
    total_sd: np.ndarray  # (dates,)
    daily: np.ndarray  # (days + 1, states): every day from the start
    start: dt.date
    sds: float = 2.0
    space: StateSpace = DEFAULT
    cov: np.ndarray | None = field(default=None, compare=False)  # (dates, states, states)

    @property
    def total(self) -> np.ndarray:
        return self.counts.sum(axis=1)

    @property
    def lower(self) -> np.ndarray:
        return np.clip(self.counts - self.sds * self.sd, 0.0, None)

    @property
    def upper(self) -> np.ndarray:
        return self.counts + self.sds * self.sd

    def by_band_placement(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Counts, standard deviations and UASC counts per (age band, placement), streams
        added together: arrays of shape (dates, bands x placements); UASC None without a UASC
        stream."""
        pair = self.space.band_placement()
        n_pairs = len(self.space.bands) * len(self.space.placements)
        weights = np.zeros((n_pairs, self.space.n))
        weights[pair, np.arange(self.space.n)] = 1.0
        counts = self.counts @ weights.T
        if self.cov is not None:
            var = np.einsum("pi,kij,pj->kp", weights, self.cov, weights)
        else:
            var = (self.sd ** 2) @ weights.T
        sd = np.sqrt(np.clip(var, 0.0, None))
        uasc = None
        if "uasc" in self.space.streams:
            stream = np.arange(self.space.n) // n_pairs
            mask = stream == self.space.streams.index("uasc")
            uasc = self.counts[:, mask] @ weights[:, mask].T
        return counts, sd, uasc

    def rows(self):
        """(date, age band, placement, count, lower, upper, UASC) for every date and (band,
        placement), streams added together; UASC (the UASC children among the count) is None
        without a UASC stream."""
        counts, sd, uasc = self.by_band_placement()
        lower = np.clip(counts - self.sds * sd, 0.0, None)
        upper = counts + self.sds * sd
        pairs = [(b, p) for b in self.space.bands for p in self.space.placements]
        for k, day in enumerate(self.dates):
            for j, (band, placement) in enumerate(pairs):
                yield (day, band, placement, counts[k, j], lower[k, j], upper[k, j],
                       None if uasc is None else uasc[k, j])


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
    >>> bool(abs(result.total[0] - result.counts[0].sum()) < 1e-9)
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
                    start=model.start, sds=sds, space=model.space, cov=cov)
