"""Excel face of :mod:`xlfuncs.methods.spend_variation` (the SPEND_ family).

The model functions take the spend per head (known_y) and the drivers (known_x) as LINEST
does. A council with a blank cell is left out of the fit (SPEND_COUNTS says how many); text
in a numeric cell is an error naming the cell.
"""

from __future__ import annotations

import numpy as np

from xlfuncs.excel.registry import Arg, ExcelFunction, register
from xlfuncs.methods import spend_variation as sv
from xlfuncs.methods.errors import NotANumberError

FAMILY = "Spend variation"

_Y = Arg("known_y", "Spend per head aged 0-25 of each council (one column).", kind="vector", blanks="missing")
_X = Arg(
    "known_x",
    "Drivers: one row per council, one column per driver (IDACI, population 0-25, income, unemployment, crime).",
    kind="matrix",
    blanks="missing",
)


def _every_council(values: np.ndarray, what: str) -> np.ndarray:
    """A per-council result as a column, refusing councils left out for missing values.

    >>> _every_council(np.array([1.0, 2.0]), "gap")
    array([[1.],
           [2.]])
    """
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        rows = ", ".join(str(i + 1) for i in missing[:5]) + (", ..." if missing.size > 5 else "")
        raise NotANumberError(
            "known_x", f"no {what} for row {rows}: a spend or driver cell is blank"
        )
    return values.reshape(-1, 1)


def spend_linest(known_y, known_x, stats=True):
    """The spend model in the layout of Excel's ``LINEST(known_y, known_x, TRUE, stats)``.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    stats : bool, optional
        The 5-row block of statistics (default) or the coefficients only.

    Returns
    -------
    ndarray
        As :func:`xlfuncs.methods.spend_variation.linest`, with 0 in the cells where Excel's LINEST
        shows #N/A (a spreadsheet function here returns numbers only).

    Notes
    -----
    Seed 000 (LGA / Newton 2018) five-factor model; see :func:`xlfuncs.methods.spend_variation.fit`.

    Examples
    --------
    >>> spend_linest([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]])[2].round(4)
    array([0.9997, 0.073 , 0.    ])
    """
    return sv.fit(known_y, known_x, warn=False).linest(stats=stats, fill=0.0)


def spend_expected(known_y, known_x, new_x=None):
    """Expected spend per head: every council down a column, or the councils in ``new_x``.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    new_x : array_like, optional
        Drivers of the councils to predict for, one row each.

    Returns
    -------
    ndarray
        A column of expected spend per head (see :func:`xlfuncs.methods.spend_variation.expected_spend`).
        Without ``new_x``, a council with a blank cell is an error naming its row.

    Notes
    -----
    Seed 000: compare a council with what the factors predict for it.

    Examples
    --------
    >>> spend_expected([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]], [[6, 1]]).round(4)
    array([[12.82]])
    """
    if new_x is None:
        return _every_council(sv.expected_spend(known_y, known_x), "expected spend")
    return sv.expected_spend(known_y, known_x, new_x).reshape(-1, 1)


def spend_gap(known_y, known_x, percent=False):
    """Actual minus expected spend per head for every council, down a column.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    percent : bool, optional
        The gap as a fraction of expected spend.

    Returns
    -------
    ndarray
        A column of gaps (see :func:`xlfuncs.methods.spend_variation.spend_gap`); a council with a
        blank cell is an error naming its row.

    Notes
    -----
    Seed 000: coding of the returns alone moved some councils' spend by up to 12%.

    Examples
    --------
    >>> spend_gap([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]).round(4).ravel()
    array([-0.0533,  0.04  ,  0.0667, -0.04  , -0.0133])
    """
    return _every_council(sv.spend_gap(known_y, known_x, percent), "gap")


def spend_driver_rsq(known_y, known_x):
    """Each driver's R-squared on its own, as a row under the driver columns.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.

    Returns
    -------
    ndarray
        Shape (1, drivers); see :func:`xlfuncs.methods.spend_variation.driver_r_squared`.

    Notes
    -----
    Seed 000: IDACI alone explains 31% of the variation in spend per head.

    Examples
    --------
    >>> spend_driver_rsq([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]).round(4)
    array([[0.9973, 0.0024]])
    """
    return sv.driver_r_squared(known_y, known_x).reshape(1, -1)


def spend_shapley(known_y, known_x, share=False):
    """Each driver's Shapley (LMG) share of R-squared, as a row under the driver columns.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    share : bool, optional
        Fractions of R-squared (adding up to 1) instead of R-squared points.

    Returns
    -------
    ndarray
        Shape (1, drivers); see :func:`xlfuncs.methods.spend_variation.shapley_r_squared`.

    Notes
    -----
    Seed 000: the five drivers together explain just over 50%; this divides it among them.

    Examples
    --------
    >>> spend_shapley([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]], True).round(4)
    array([[0.9976, 0.0024]])
    """
    return sv.shapley_r_squared(known_y, known_x, share).reshape(1, -1)


register(
    ExcelFunction(
        name="SPEND_PER_HEAD",
        impl=sv.spend_per_head,
        family=FAMILY,
        description="Spend on children's services per head of the population aged 0-25 (LGA / Newton 2018).",
        args=(
            Arg("spend", "Revenue outturn spend on children's services in the year, pounds."),
            Arg("population_0_25", "Resident population aged 0-25. Must be positive."),
        ),
        example="=SPEND_PER_HEAD(42000000, 70000)",
    )
)

register(
    ExcelFunction(
        name="SPEND_LINEST",
        impl=spend_linest,
        family=FAMILY,
        description=(
            "The spend model in LINEST(known_y,known_x,TRUE,stats) layout: coefficients last "
            "driver first then intercept; SEs; R2, se y; F, df; SS reg, SS resid. 0 where "
            "LINEST shows #N/A."
        ),
        args=(
            _Y,
            _X,
            Arg("stats", "Optional: TRUE (default) for the 5-row block of statistics, FALSE for coefficients only.", kind="flag", default=True),
        ),
        returns="array",
        example="=SPEND_LINEST(F5:F155, G5:K155)",
    )
)

register(
    ExcelFunction(
        name="SPEND_EXPECTED",
        impl=spend_expected,
        family=FAMILY,
        description=(
            "Expected spend per head from the drivers (the model's fitted value), for every "
            "council down a column, or for the councils in new_x."
        ),
        args=(
            _Y,
            _X,
            Arg("new_x", "Optional: drivers of the councils to predict for, one row each.", kind="matrix", default=None),
        ),
        returns="array",
        example="=SPEND_EXPECTED(F5:F155, G5:K155, G5:K5)",
    )
)

register(
    ExcelFunction(
        name="SPEND_GAP",
        impl=spend_gap,
        family=FAMILY,
        description=(
            "Actual minus expected spend per head for every council, down a column; "
            "positive = spending more than the drivers predict."
        ),
        args=(
            _Y,
            _X,
            Arg("percent", "Optional: TRUE for the gap as a fraction of expected spend.", kind="flag", default=False),
        ),
        returns="array",
        example="=SPEND_GAP(F5:F155, G5:K155)",
    )
)

register(
    ExcelFunction(
        name="SPEND_RANGE",
        impl=sv.expected_range,
        family=FAMILY,
        description="Lowest and highest expected spend per head across the councils, down a column (seed: £334 to £883).",
        args=(_Y, _X),
        returns="array",
        example="=SPEND_RANGE(F5:F155, G5:K155)",
    )
)

register(
    ExcelFunction(
        name="SPEND_COUNTS",
        impl=sv.model_counts,
        family=FAMILY,
        description="Councils the spend model uses and councils it leaves out for blank cells, down a column.",
        args=(_Y, _X),
        returns="array",
        example="=SPEND_COUNTS(F5:F155, G5:K155)",
    )
)

register(
    ExcelFunction(
        name="SPEND_DRIVER_RSQ",
        impl=spend_driver_rsq,
        family=FAMILY,
        description="R-squared of each driver on its own, in a row in the order of the driver columns (IDACI alone: 31%).",
        args=(_Y, _X),
        returns="array",
        example="=SPEND_DRIVER_RSQ(F5:F155, G5:K155)",
    )
)

register(
    ExcelFunction(
        name="SPEND_SHAPLEY",
        impl=spend_shapley,
        family=FAMILY,
        description=(
            "Each driver's share of the model's R-squared (Shapley value, LMG method), in a row "
            "in driver order; they add up to R-squared, or to 1 with share TRUE."
        ),
        args=(
            _Y,
            _X,
            Arg("share", "Optional: TRUE for fractions of R-squared instead of R-squared points.", kind="flag", default=False),
        ),
        returns="array",
        example="=SPEND_SHAPLEY(F5:F155, G5:K155)",
    )
)

register(
    ExcelFunction(
        name="SPEND_NEIGHBOURS",
        impl=sv.statistical_neighbours,
        family=FAMILY,
        description=(
            "Row numbers of each council's nearest councils on the standardised drivers, "
            "nearest first (not DfE's official statistical neighbours)."
        ),
        args=(
            Arg("known_x", "Drivers: one row per council, one column per driver. No blanks.", kind="matrix"),
            Arg("neighbours", "Optional: neighbours per council, default 5.", default=5, keyword="k"),
            Arg("distances", "Optional: TRUE for the distances instead of row numbers.", kind="flag", default=False),
        ),
        returns="array",
        example="=SPEND_NEIGHBOURS(G5:K155, 5)",
    )
)
