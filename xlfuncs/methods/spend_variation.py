"""Why does one council spend more per child than another? The LGA / Newton spend model.

Seed 000 summarises the LGA / Newton "Making Sense" work (2018): spend on children's services
per head of population aged 0-25 varied from £292 to £1,254 (FY16/17 revenue outturn); five
factors largely outside a council's control (IDACI deprivation, size of the population aged
0-25, disposable household income, unemployment and crime) explain just over half of the
variation, IDACI alone 31%; the model implies an expected range of £334 to £883. Councils are
to be compared with what those factors predict for them, not with one "right" figure.

This module fits that model by ordinary least squares (the same numbers as Excel's ``LINEST``),
splits its R-squared among the drivers (Shapley / LMG), gives each council's expected spend and
its gap, and finds each council's nearest neighbours on the standardised drivers.

Rows are councils and columns are drivers. A council with a missing value (NaN) in the spend
or any driver is left out of the fit, with a :class:`MissingDataWarning` saying which.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import (
    DivisionByZeroError,
    NoDataError,
    NotANumberError,
    OutOfDomainError,
    ShapeError,
)

#: The five drivers of seed 000, in the order the template and the sample panel use.
DRIVERS = ("idaci", "population_0_25", "household_income", "unemployment", "crime")

#: Most drivers :func:`shapley_r_squared` decomposes (it fits 2**p models).
MAX_SHAPLEY_DRIVERS = 12


#: Most councils :func:`statistical_neighbours` compares (the work grows with the square).
MAX_NEIGHBOUR_COUNCILS = 2_000

#: A design whose smallest scaled singular value is below this is treated as collinear.
COLLINEAR_TOLERANCE = 1e-9


class MissingDataWarning(UserWarning):
    """Councils left out of the model because their spend or a driver is missing."""


def spend_per_head(spend: ArrayLike, population_0_25: ArrayLike) -> np.ndarray:
    """Spend on children's services per head of the population aged 0-25.

    Parameters
    ----------
    spend : array_like
        Revenue outturn spend on children's services in the year, in pounds.
    population_0_25 : array_like
        Resident population aged 0-25 (ONS mid-year estimate). Positive.

    Returns
    -------
    ndarray
        Pounds per head aged 0-25.

    Notes
    -----
    .. math:: s = \\frac{S}{P_{0-25}}

    Seed 000 (LGA / Newton "Making Sense" 2018): £292 to £1,254 per head in FY16/17.
    Excel equivalent: ``=A2/B2``.

    Examples
    --------
    >>> float(spend_per_head(42_000_000, 70_000))
    600.0
    """
    money = np.asarray(spend, dtype=float)
    population = np.asarray(population_0_25, dtype=float)
    if np.any(money < 0):
        raise OutOfDomainError("spend", "spend cannot be negative")
    if np.any(population == 0):
        raise DivisionByZeroError("population_0_25", "the population aged 0-25 is zero")
    if np.any(population < 0):
        raise OutOfDomainError("population_0_25", "a population cannot be negative")
    return money / population


def _label(position: int, councils: Sequence[str] | None) -> str:
    if councils is not None and position < len(councils):
        return str(councils[position])
    return f"row {position + 1}"


def _driver_names(p: int, drivers: Sequence[str] | None) -> list[str]:
    if drivers is None:
        return [f"x{j + 1}" for j in range(p)]
    names = [str(d) for d in drivers]
    if len(names) != p:
        raise ShapeError("drivers", f"{len(names)} driver names for {p} columns of known_x")
    return names


def _arrays(known_y: ArrayLike, known_x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Spend as a vector and drivers as councils x drivers, the way LINEST reads them."""
    y = np.asarray(known_y, dtype=float).reshape(-1)
    x = np.asarray(known_x, dtype=float)
    if x.ndim == 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2:
        raise ShapeError("known_x", "expected a table of councils x drivers")
    if x.shape[0] != y.size and x.shape[1] == y.size:
        x = x.T  # drivers in rows, councils in columns (LINEST accepts either)
    if x.shape[0] != y.size:
        raise ShapeError(
            "known_x", f"{x.shape[0]} rows of drivers for {y.size} councils in known_y"
        )
    if x.shape[1] == 0 or y.size == 0:
        raise NoDataError("known_x", "no data")
    if np.any(np.isinf(y)):
        raise NotANumberError("known_y", "values must be finite")
    if np.any(np.isinf(x)):
        raise NotANumberError("known_x", "values must be finite")
    return y, x


def _complete_rows(
    y: np.ndarray,
    x: np.ndarray,
    drivers: list[str],
    councils: Sequence[str] | None,
    warn: bool,
) -> np.ndarray:
    keep = ~(np.isnan(y) | np.isnan(x).any(axis=1))
    if warn and not keep.all():
        parts = []
        for i in np.flatnonzero(~keep):
            what = ["spend"] if np.isnan(y[i]) else []
            what += [drivers[j] for j in np.flatnonzero(np.isnan(x[i]))]
            parts.append(f"{_label(int(i), councils)} ({', '.join(what)})")
        shown = "; ".join(parts[:10]) + ("; ..." if len(parts) > 10 else "")
        warnings.warn(
            f"{len(parts)} of {y.size} councils left out of the model for missing values: {shown}",
            MissingDataWarning,
            stacklevel=3,
        )
    return keep


def _check_collinear(x: np.ndarray, drivers: list[str]) -> None:
    """Refuse a design where a driver is constant or a combination of others."""
    design = np.column_stack([x, np.ones(x.shape[0])])
    norms = np.linalg.norm(design, axis=0)
    norms[norms == 0] = 1.0
    scaled = design / norms
    _, singular, vt = np.linalg.svd(scaled, full_matrices=False)
    if singular[-1] > COLLINEAR_TOLERANCE * singular[0]:
        return
    null = vt[-1]
    null = null / np.max(np.abs(null))
    involved = [drivers[j] for j in range(x.shape[1]) if abs(null[j]) > 1e-6]
    if len(involved) == 1:
        raise OutOfDomainError(
            "known_x", f"driver {involved[0]} has the same value for every council; drop it"
        )
    raise OutOfDomainError(
        "known_x",
        f"collinear drivers: {', '.join(involved)} (one is a linear combination of the "
        "others); drop one",
    )


@dataclass(frozen=True)
class SpendModel:
    """An ordinary least squares fit of spend per head on drivers, with LINEST's statistics.

    Coefficients and standard errors are in the order of the columns of ``known_x`` (LINEST
    reverses them; :meth:`linest` gives its layout). ``fitted`` and ``residuals`` have one
    entry per council given, NaN for councils left out for missing values.
    """

    drivers: tuple[str, ...]
    coefficients: np.ndarray
    intercept: float
    standard_errors: np.ndarray
    intercept_se: float
    r_squared: float
    se_y: float
    f_statistic: float
    df_resid: int
    ss_reg: float
    ss_resid: float
    n_used: int
    dropped: np.ndarray
    fitted: np.ndarray
    residuals: np.ndarray

    @property
    def n_dropped(self) -> int:
        return int(self.dropped.size)

    def predict(self, new_x: ArrayLike) -> np.ndarray:
        """Expected spend for drivers ``new_x`` (one row per council, or one council)."""
        x = np.asarray(new_x, dtype=float)
        p = self.coefficients.size
        if x.ndim <= 1:
            if x.size % p:
                raise ShapeError("new_x", f"expected {p} drivers per council, got {x.size}")
            x = x.reshape(-1, p)
        if x.shape[1] != p and x.shape[0] == p:
            x = x.T
        if x.shape[1] != p:
            raise ShapeError("new_x", f"expected {p} drivers per council, got {x.shape[1]}")
        return x @ self.coefficients + self.intercept

    def linest(self, stats: bool = True, fill: float = np.nan) -> np.ndarray:
        """The model in Excel's ``LINEST(known_y, known_x, TRUE, stats)`` layout.

        Row 1: coefficients m_p ... m_1 then the intercept b; row 2 their standard errors;
        row 3: R-squared, standard error of y; row 4: F, residual degrees of freedom; row 5:
        regression and residual sums of squares. Cells Excel fills with #N/A hold ``fill``.
        """
        p = self.coefficients.size
        top = np.concatenate([self.coefficients[::-1], [self.intercept]])
        if not stats:
            return top.reshape(1, -1)
        out = np.full((5, p + 1), fill, dtype=float)
        out[0] = top
        out[1] = np.concatenate([self.standard_errors[::-1], [self.intercept_se]])
        out[2, :2] = (self.r_squared, self.se_y)
        out[3, :2] = (self.f_statistic, self.df_resid)
        out[4, :2] = (self.ss_reg, self.ss_resid)
        return out


def fit(
    known_y: ArrayLike,
    known_x: ArrayLike,
    drivers: Sequence[str] | None = None,
    councils: Sequence[str] | None = None,
    warn: bool = True,
) -> SpendModel:
    """Fit spend per head on the drivers by ordinary least squares, as Excel's LINEST does.

    Parameters
    ----------
    known_y : array_like
        Spend per head aged 0-25 of each council (see :func:`spend_per_head`).
    known_x : array_like
        Drivers, one row per council and one column per driver (seed 000's five: IDACI,
        population aged 0-25, disposable household income, unemployment, crime). A table with
        councils in columns is read the other way round, as LINEST does.
    drivers : sequence of str, optional
        Names of the drivers, for messages.
    councils : sequence of str, optional
        Names or codes of the councils, for messages.
    warn : bool, optional
        Warn (:class:`MissingDataWarning`) naming the councils left out for missing values.

    Returns
    -------
    SpendModel
        Coefficients, standard errors, R-squared, F, sums of squares, fitted values, residuals
        and which councils were left out.

    Raises
    ------
    NoDataError
        Fewer complete councils than coefficients plus one (no degrees of freedom left), or
        spend the same for every council.
    OutOfDomainError
        A constant driver, or collinear drivers (each named). Excel's LINEST instead sets one
        collinear coefficient to 0 without saying so.

    Notes
    -----
    With :math:`A = [X, 1]` and :math:`\\hat\\beta = (A^T A)^{-1} A^T y`:

    .. math::
        R^2 = \\frac{SS_{reg}}{SS_{reg} + SS_{resid}}, \\quad
        s_y = \\sqrt{\\frac{SS_{resid}}{n - p - 1}}, \\quad
        F = \\frac{SS_{reg} / p}{SS_{resid} / (n - p - 1)}, \\quad
        \\mathrm{se}(\\hat\\beta) = s_y \\sqrt{\\mathrm{diag}(A^T A)^{-1}}

    The numbers are those of Excel's ``LINEST(known_y, known_x, TRUE, TRUE)`` (checked against
    LibreOffice's LINEST on the sample panel). Seed 000: the five-factor model explains just
    over 50% of the variation in spend per head between English councils.

    Examples
    --------
    >>> model = fit([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]])
    >>> model.coefficients.round(4), round(model.intercept, 4), round(model.r_squared, 4)
    (array([ 1.99  , -0.2833]), 1.1633, 0.9997)
    """
    y, x = _arrays(known_y, known_x)
    names = _driver_names(x.shape[1], drivers)
    keep = _complete_rows(y, x, names, councils, warn)
    yk, xk = y[keep], x[keep]
    n, p = xk.shape
    if n < p + 2:
        raise NoDataError(
            "known_y",
            f"{n} councils with complete data for {p + 1} coefficients; "
            f"need at least {p + 2} to estimate the model and its errors",
        )
    if np.all(yk == yk[0]):
        raise NoDataError("known_y", "every council has the same spend: nothing to explain")
    _check_collinear(xk, names)
    design = np.column_stack([xk, np.ones(n)])
    q, r = np.linalg.qr(design)
    beta = np.linalg.solve(r, q.T @ yk)
    fitted_k = design @ beta
    resid_k = yk - fitted_k
    ss_resid = float(resid_k @ resid_k)
    ss_reg = float(np.sum((fitted_k - yk.mean()) ** 2))
    df = n - p - 1
    sigma2 = ss_resid / df
    r_inv = np.linalg.solve(r, np.eye(p + 1))
    se = np.sqrt(sigma2 * np.sum(r_inv**2, axis=1))
    f_stat = (ss_reg / p) / sigma2 if sigma2 > 0 else math.inf
    fitted = np.full(y.size, np.nan)
    fitted[keep] = x[keep] @ beta[:p] + beta[p]
    return SpendModel(
        drivers=tuple(names),
        coefficients=beta[:p].copy(),
        intercept=float(beta[p]),
        standard_errors=se[:p].copy(),
        intercept_se=float(se[p]),
        r_squared=ss_reg / (ss_reg + ss_resid),
        se_y=math.sqrt(sigma2),
        f_statistic=f_stat,
        df_resid=df,
        ss_reg=ss_reg,
        ss_resid=ss_resid,
        n_used=n,
        dropped=np.flatnonzero(~keep),
        fitted=fitted,
        residuals=y - fitted,
    )


def linest(
    known_y: ArrayLike, known_x: ArrayLike, stats: bool = True, fill: float = np.nan
) -> np.ndarray:
    """The spend model in exactly the layout of Excel's ``LINEST(known_y, known_x, TRUE, stats)``.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    stats : bool, optional
        Return the 5-row block of statistics (default) or only the coefficients.
    fill : float, optional
        Value for the cells Excel fills with #N/A (rows 3-5 beyond column 2). Default NaN.

    Returns
    -------
    ndarray
        Shape (5, p + 1), or (1, p + 1) without stats. Row 1: m_p, ..., m_1, b (LINEST lists
        the coefficients in reverse order of the columns of known_x, then the intercept);
        row 2: their standard errors; row 3: R-squared, se of y; row 4: F, degrees of
        freedom; row 5: SS regression, SS residual.

    Notes
    -----
    See :func:`fit`. Councils with a missing value are left out (Excel's LINEST gives
    #VALUE! instead). Excel equivalent: ``=LINEST(B2:B152,C2:G152,TRUE,TRUE)``.

    Examples
    --------
    >>> block = linest([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]])
    >>> block[0].round(4)  # m2, m1, b
    array([-0.2833,  1.99  ,  1.1633])
    >>> block[2].round(4)  # R-squared, se of y, then #N/A
    array([0.9997, 0.073 ,    nan])
    """
    return fit(known_y, known_x, warn=False).linest(stats=stats, fill=fill)


def _centred_r_squared(yc: np.ndarray, xc: np.ndarray, sst: float) -> float:
    if xc.shape[1] == 0:
        return 0.0
    beta, *_ = np.linalg.lstsq(xc, yc, rcond=None)
    resid = yc - xc @ beta
    return 1.0 - float(resid @ resid) / sst


def _complete(known_y: ArrayLike, known_x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y, x = _arrays(known_y, known_x)
    keep = ~(np.isnan(y) | np.isnan(x).any(axis=1))
    return y[keep], x[keep]


def driver_r_squared(known_y: ArrayLike, known_x: ArrayLike) -> np.ndarray:
    """How much of the variation in spend each driver explains on its own (R-squared).

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.

    Returns
    -------
    ndarray
        One R-squared per driver, in the order of the columns of ``known_x``: the square of
        each driver's correlation with spend, over the councils the full model uses.

    Notes
    -----
    .. math:: R^2_j = \\mathrm{corr}(x_j, y)^2

    Seed 000: IDACI deprivation alone explains 31% of the variation in spend per head.
    The single-driver R-squared values add up to more than the full model's when drivers are
    correlated (deprivation, unemployment and crime move together); :func:`shapley_r_squared`
    shares the full R-squared out fairly instead. Excel equivalent: ``=RSQ(B2:B152,C2:C152)``.

    Examples
    --------
    >>> driver_r_squared([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]).round(4)
    array([0.9973, 0.0024])
    """
    y, x = _complete(known_y, known_x)
    fit(y, x, warn=False)  # the same checks as the full model: enough councils, no collinearity
    yc = y - y.mean()
    xc = x - x.mean(axis=0)
    sst = float(yc @ yc)
    return np.array(
        [_centred_r_squared(yc, xc[:, [j]], sst) for j in range(x.shape[1])]
    )


def shapley_r_squared(known_y: ArrayLike, known_x: ArrayLike, share: bool = False) -> np.ndarray:
    """Share of the model's R-squared due to each driver: the Shapley value (LMG method).

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers (at most :data:`MAX_SHAPLEY_DRIVERS`).
    share : bool, optional
        False (default): each driver's part in R-squared points (they add up to R-squared).
        True: as a fraction of R-squared (they add up to 1).

    Returns
    -------
    ndarray
        One value per driver, in the order of the columns of ``known_x``.

    Notes
    -----
    The Shapley value of driver :math:`j` averages the R-squared it adds over every order in
    which the drivers could enter the model (Lindeman, Merenda and Gold 1980, "LMG"):

    .. math::
        \\phi_j = \\sum_{S \\subseteq D \\setminus \\{j\\}}
        \\frac{|S|!\\,(p - |S| - 1)!}{p!}\\,\\bigl(R^2(S \\cup \\{j\\}) - R^2(S)\\bigr)

    The parts add up to the full R-squared exactly and none depends on the order of the
    columns; correlated drivers share what they explain together. Fits all 2^p subsets.
    Seed 000 (LGA / Newton 2018) reports IDACI alone at 31% and the five drivers together at
    just over 50%; this says how the 50% divides. Excel equivalent: none built in.

    Examples
    --------
    >>> y, x = [3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]
    >>> shapley_r_squared(y, x).round(4)
    array([0.9973, 0.0024])
    >>> float(round(shapley_r_squared(y, x).sum(), 4)), float(round(fit(y, x).r_squared, 4))
    (0.9997, 0.9997)
    """
    y, x = _complete(known_y, known_x)
    p = x.shape[1]
    if p > MAX_SHAPLEY_DRIVERS:
        raise OutOfDomainError(
            "known_x", f"{p} drivers; the decomposition is limited to {MAX_SHAPLEY_DRIVERS}"
        )
    model = fit(y, x, warn=False)
    # Every subset's R-squared from one correlation matrix: R^2(S) = c_S' G_S^-1 c_S, where G
    # holds the drivers' correlations and c their correlations with spend. The work is then
    # 2^p small solves, whatever the number of councils.
    xc = x - x.mean(axis=0)
    xc = xc / np.linalg.norm(xc, axis=0)
    yc = y - y.mean()
    yc = yc / np.linalg.norm(yc)
    gram = xc.T @ xc
    corr = xc.T @ yc
    r2 = np.zeros(1 << p)
    for mask in range(1, 1 << p):
        columns = [j for j in range(p) if mask >> j & 1]
        c = corr[columns]
        r2[mask] = float(c @ np.linalg.solve(gram[np.ix_(columns, columns)], c))
    weights = [math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) for s in range(p)]
    out = np.zeros(p)
    for j in range(p):
        bit = 1 << j
        for mask in range(1 << p):
            if mask & bit:
                continue
            out[j] += weights[mask.bit_count()] * (r2[mask | bit] - r2[mask])
    if share:
        out = out / model.r_squared
    return out


def expected_spend(
    known_y: ArrayLike, known_x: ArrayLike, new_x: ArrayLike | None = None
) -> np.ndarray:
    """What the drivers predict a council spends per head: the model's fitted value.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    new_x : array_like, optional
        Drivers of the councils to predict for (one row each). Default: every council in
        ``known_x`` (NaN for a council with a missing driver).

    Returns
    -------
    ndarray
        Expected spend per head.

    Notes
    -----
    .. math:: \\hat y = b + \\sum_j m_j x_j

    Seed 000: councils should be compared with what the factors outside their control
    predict, not with one "right" value. Excel equivalent: ``=TREND(known_y,known_x,new_x)``.

    Examples
    --------
    >>> expected_spend([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]).round(4)
    array([ 3.1533,  4.86  ,  7.1333,  8.84  , 11.1133])
    """
    model = fit(known_y, known_x, warn=False)
    if new_x is None:
        return model.fitted
    return model.predict(new_x)


def spend_gap(known_y: ArrayLike, known_x: ArrayLike, percent: bool = False) -> np.ndarray:
    """Each council's actual spend per head minus its expected spend (the residual).

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.
    percent : bool, optional
        Give the gap as a fraction of expected spend instead of pounds.

    Returns
    -------
    ndarray
        One gap per council; positive means spending more than the drivers predict. NaN for
        a council left out for missing values.

    Notes
    -----
    .. math:: g_i = y_i - \\hat y_i \\quad\\text{or}\\quad g_i / \\hat y_i

    Seed 000 warns that coding of the returns alone moved some councils' spend by up to 12%:
    a gap is a question to ask, not a verdict. Excel equivalent:
    ``=B2-TREND(known_y,known_x,C2:G2)``.

    Examples
    --------
    >>> spend_gap([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]).round(4)
    array([-0.0533,  0.04  ,  0.0667, -0.04  , -0.0133])
    """
    model = fit(known_y, known_x, warn=False)
    if percent:
        return model.residuals / model.fitted
    return model.residuals


def expected_range(known_y: ArrayLike, known_x: ArrayLike) -> np.ndarray:
    """Lowest and highest expected spend per head across the councils: the range to expect.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council.
    known_x : array_like
        Drivers, councils x drivers.

    Returns
    -------
    ndarray
        ``[lowest, highest]`` expected spend per head over the councils the model uses.

    Notes
    -----
    Seed 000 (LGA / Newton 2018): "a range from £334-£883 could be expected as the result of
    five factors alone", against an actual range of £292 to £1,254. Excel equivalent:
    ``=MIN(expected)`` and ``=MAX(expected)``.

    Examples
    --------
    >>> expected_range([3.1, 4.9, 7.2, 8.8, 11.1], [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]).round(4)
    array([ 3.1533, 11.1133])
    """
    model = fit(known_y, known_x, warn=False)
    fitted = model.fitted[~np.isnan(model.fitted)]
    return np.array([fitted.min(), fitted.max()])


def model_counts(known_y: ArrayLike, known_x: ArrayLike) -> np.ndarray:
    """How many councils the model uses and how many it leaves out for missing values.

    Parameters
    ----------
    known_y : array_like
        Spend per head of each council (NaN where missing).
    known_x : array_like
        Drivers, councils x drivers (NaN where missing).

    Returns
    -------
    ndarray
        ``[used, left out]``.

    Notes
    -----
    A council is left out when its spend or any driver is missing, as in :func:`fit`.
    Seed 000's model covers every English council; a model fitted on fewer should say so
    beside its R-squared. Excel equivalent: ``=ROWS(B2:B152)-COUNT(B2:B152)`` for one column.

    Examples
    --------
    >>> model_counts([3.1, 4.9, 7.2, 8.8, 11.1, 9.0],
    ...              [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0], [float("nan"), 1]])
    array([5., 1.])
    """
    model = fit(known_y, known_x, warn=False)
    return np.array([float(model.n_used), float(model.n_dropped)])


def standardise(known_x: ArrayLike) -> np.ndarray:
    """Each driver as z-scores: (value - mean) / standard deviation over the councils.

    Parameters
    ----------
    known_x : array_like
        Drivers, councils x drivers. No missing values; no constant driver.

    Returns
    -------
    ndarray
        Same shape; each column has mean 0 and sample standard deviation 1.

    Notes
    -----
    .. math:: z_{ij} = \\frac{x_{ij} - \\bar x_j}{s_j}

    Putting drivers on one scale lets IDACI (a score near 0.2) and population (hundreds of
    thousands) count equally when :func:`statistical_neighbours` measures distance.
    Excel equivalent: ``=STANDARDIZE(C2,AVERAGE(C$2:C$152),STDEV.S(C$2:C$152))``.

    Examples
    --------
    >>> standardise([[1, 10], [2, 30], [3, 20]])
    array([[-1., -1.],
           [ 0.,  1.],
           [ 1.,  0.]])
    """
    x = np.asarray(known_x, dtype=float)
    if x.ndim == 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2 or x.shape[0] < 2:
        raise NoDataError("known_x", "give at least two councils")
    if np.any(np.isnan(x)):
        row, col = np.argwhere(np.isnan(x))[0]
        raise NoDataError(
            "known_x", f"row {row + 1}, driver {col + 1} is missing; fill it or remove the council"
        )
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        j = int(np.flatnonzero(sd == 0)[0])
        raise OutOfDomainError("known_x", f"driver {j + 1} has the same value for every council")
    return (x - x.mean(axis=0)) / sd


def statistical_neighbours(
    known_x: ArrayLike, k: int = 5, distances: bool = False
) -> np.ndarray:
    """Each council's k nearest councils on the standardised drivers.

    Parameters
    ----------
    known_x : array_like
        Drivers, councils x drivers. No missing values.
    k : int, optional
        Neighbours per council (default 5); at most the number of councils minus one.
    distances : bool, optional
        Return the distances instead of the neighbours' positions.

    Returns
    -------
    ndarray
        Shape (councils, k): the 1-based row numbers of each council's nearest councils,
        nearest first (ties go to the earlier row), or their distances.

    Notes
    -----
    Distance is Euclidean on the z-scores of :func:`standardise`, every driver weighted
    equally:

    .. math:: d_{ik} = \\sqrt{\\sum_j (z_{ij} - z_{kj})^2}

    These are neighbours on the spend model's drivers, for reading a council's gap beside
    councils like it. They are NOT the Department for Education's official statistical
    neighbours, which use a different set of variables and weights.
    Excel equivalent: ``=SQRT(SUMXMY2(z_row_i, z_row_k))`` and ``SMALL``.

    Examples
    --------
    >>> statistical_neighbours([[1, 10], [2, 30], [3, 20], [10, 90]], k=2)
    array([[3., 2.],
           [3., 1.],
           [2., 1.],
           [2., 3.]])
    """
    kf = float(k)
    if not kf.is_integer() or kf < 1:
        raise OutOfDomainError("k", "the number of neighbours must be a whole number of at least 1")
    z = standardise(known_x)
    n = z.shape[0]
    if n > MAX_NEIGHBOUR_COUNCILS:
        raise OutOfDomainError(
            "known_x", f"{n:,} councils; neighbours are limited to {MAX_NEIGHBOUR_COUNCILS:,}"
        )
    count = int(kf)
    if count > n - 1:
        raise OutOfDomainError("k", f"{count} neighbours asked for among {n} councils")
    positions = np.empty((n, count), dtype=int)
    nearest = np.empty((n, count))
    for i in range(n):
        dist = np.sqrt(np.sum((z - z[i]) ** 2, axis=1))
        dist[i] = np.inf
        order = np.argsort(dist, kind="stable")[:count]
        positions[i] = order
        nearest[i] = dist[order]
    if distances:
        return nearest
    return positions.astype(float) + 1.0
