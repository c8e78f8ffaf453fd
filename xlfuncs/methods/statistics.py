"""Summaries and rank tests for comparing authorities: the What Works Centre's toolkit.

Seed 004 (What Works Centre for Children's Social Care / CASCADE, 2018) describes each region
by the minimum, maximum, mean and standard deviation of its authorities' rates (Table 2),
measures associations with Spearman's rank correlation (low-income families against the rate
of children in care: r_s = .682, p < .001) and compares groups of authorities with the
Mann-Whitney U test (authorities with innovation programmes: U = 2275, p < .05).

The p-values are scipy's: :func:`spearman` and :func:`mann_whitney` return what
``scipy.stats.spearmanr`` and ``scipy.stats.mannwhitneyu`` return for the same data.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import NoDataError, NotFoundError, OutOfDomainError, ShapeError

#: Largest n1 x n2 for which the exact Mann-Whitney distribution is computed (bounds memory).
MAX_EXACT_PAIRS = 1_000_000

#: Order of the values :func:`summary` returns.
SUMMARY_FIELDS = ("minimum", "maximum", "mean", "sd", "n")


def _values(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).reshape(-1)
    if np.any(np.isinf(array)):
        raise OutOfDomainError(name, "values must be finite")
    return array


def summary(values: ArrayLike) -> np.ndarray:
    """Minimum, maximum, mean, standard deviation and count, as Table 2 of seed 004.

    Parameters
    ----------
    values : array_like
        Values for a group of authorities, e.g. each authority's average rate 2012-17. Missing
        values (NaN) are left out. At least two values.

    Returns
    -------
    ndarray
        ``[minimum, maximum, mean, sd, n]``; the SD is the sample standard deviation
        (n - 1 divisor), as SPSS and Excel's ``STDEV.S`` give it.

    Notes
    -----
    .. math:: s = \\sqrt{\\frac{\\sum (x_i - \\bar x)^2}{n - 1}}

    Seed 004, Table 2: Outer London's authorities' average rates 2012-17 had minimum 22,
    maximum 85, mean 45.6 and SD 16.9. Excel equivalent:
    ``=MIN(A2:A21)``, ``=MAX(...)``, ``=AVERAGE(...)``, ``=STDEV.S(...)``, ``=COUNT(...)``.

    Examples
    --------
    >>> summary([22, 85, 40, 38, 43]).round(4)
    array([22.    , 85.    , 45.6   , 23.4798,  5.    ])
    """
    array = _values(values, "values")
    array = array[~np.isnan(array)]
    if array.size < 2:
        raise NoDataError("values", "give at least two values for a standard deviation")
    return np.array(
        [array.min(), array.max(), array.mean(), array.std(ddof=1), float(array.size)]
    )


def grouped_summary(
    values: ArrayLike, groups: Iterable[Hashable]
) -> dict[Hashable, np.ndarray]:
    """:func:`summary` for each group, e.g. each region's authorities (Table 2 of seed 004).

    Parameters
    ----------
    values : array_like
        One value per authority.
    groups : iterable
        The group of each authority (e.g. its region name), in the same order.

    Returns
    -------
    dict
        Group -> ``[minimum, maximum, mean, sd, n]``, groups in order of first appearance.
        A group with fewer than two values raises :class:`~xlfuncs.methods.errors.NoDataError`
        naming it.

    Examples
    --------
    >>> out = grouped_summary([50, 60, 80, 100], ["North", "North", "South", "South"])
    >>> out["South"].round(4)
    array([ 80.    , 100.    ,  90.    ,  14.1421,   2.    ])
    """
    array = _values(values, "values")
    labels = list(groups)
    if len(labels) != array.size:
        raise ShapeError("groups", f"{len(labels)} groups for {array.size} values")
    out: dict[Hashable, np.ndarray] = {}
    for label in dict.fromkeys(labels):
        mask = np.array([item == label for item in labels])
        try:
            out[label] = summary(array[mask])
        except NoDataError:
            raise NoDataError("values", f"group {label!r} has fewer than two values") from None
    return out


def _paired(array1: ArrayLike, array2: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x = _values(array1, "array1")
    y = _values(array2, "array2")
    if x.size != y.size:
        raise ShapeError("array2", f"{y.size} values paired with {x.size} in array1")
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


def spearman(array1: ArrayLike, array2: ArrayLike) -> np.ndarray:
    """Spearman's rank correlation and its two-sided p-value, as ``scipy.stats.spearmanr``.

    Parameters
    ----------
    array1, array2 : array_like
        Paired values, one pair per authority. A pair with a missing value (NaN) is left
        out. At least three complete pairs; neither may be constant.

    Returns
    -------
    ndarray
        ``[rho, p]``.

    Notes
    -----
    :math:`\\rho` is Pearson's correlation of the ranks (ties take their average rank). The
    p-value tests :math:`\\rho = 0` with

    .. math:: t = \\rho \\sqrt{\\frac{n - 2}{1 - \\rho^2}}

    on Student's t with n - 2 degrees of freedom, two-sided. Seed 004 reports, for example,
    r_s = .682, p < .001 between the proportion of low-income families and the rate of children
    in care (151 authorities). Excel equivalent for rho: ``=CORREL(RANK.AVG(...),RANK.AVG(...))``
    over helper columns of ranks.

    Examples
    --------
    >>> spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]).round(4)
    array([0.8   , 0.1041])
    """
    x, y = _paired(array1, array2)
    n = x.size
    if n < 3:
        raise NoDataError("array1", f"{n} complete pairs; give at least three")
    for name, values in (("array1", x), ("array2", y)):
        if np.all(values == values[0]):
            raise NoDataError(name, "all values are equal: the correlation is undefined")
    from scipy import special as _special  # imported on use: scipy.stats is slow to import
    from scipy import stats as _stats

    rx = _stats.rankdata(x)
    ry = _stats.rankdata(y)
    rho = float(np.corrcoef(rx, ry)[0, 1])
    rho = min(1.0, max(-1.0, rho))
    df = n - 2
    with np.errstate(divide="ignore"):
        t = rho * np.sqrt(max(np.float64(df) / ((1.0 + rho) * (1.0 - rho)), 0.0))
    p = 2.0 * _special.stdtr(df, -abs(t))  # Student's t survival function, as scipy
    return np.array([rho, float(p)])


def mann_whitney(
    sample1: ArrayLike,
    sample2: ArrayLike,
    statistic: str = "u1",
    method: str = "auto",
) -> np.ndarray:
    """Mann-Whitney U test of two independent groups and its two-sided p-value (scipy's).

    Parameters
    ----------
    sample1, sample2 : array_like
        Values of the two groups, e.g. rates of authorities with and without an innovation
        programme. Missing values (NaN) are left out. At least one value in each.
    statistic : {"u1", "min"}, optional
        Which U to report: ``"u1"`` (default) the U of ``sample1``, as scipy reports it;
        ``"min"`` the smaller of U1 and U2 = n1 n2 - U1, as SPSS and most papers report it.
    method : {"auto", "exact", "asymptotic"}, optional
        How the p-value is computed, as ``scipy.stats.mannwhitneyu``: ``"auto"`` is exact when
        a sample has at most 8 values and there are no ties, else the normal approximation
        with tie and continuity corrections.

    Returns
    -------
    ndarray
        ``[U, p]``.

    Notes
    -----
    .. math:: U_1 = R_1 - \\frac{n_1 (n_1 + 1)}{2}

    where :math:`R_1` is the sum of the ranks of ``sample1`` in the pooled data (ties take the
    average rank). Seed 004: authorities with innovation programmes had lower rates of
    children in care 2012-17, U = 2275, p < .05 (63 of 152 authorities had a programme).

    Examples
    --------
    >>> mann_whitney([1, 2, 3], [4, 5, 6, 7]).round(4)
    array([0.    , 0.0571])
    >>> mann_whitney([1, 2, 3], [4, 5, 6, 7], statistic="min", method="asymptotic").round(4)
    array([0.    , 0.0518])
    """
    if statistic not in ("u1", "min"):
        raise NotFoundError("statistic", f'"{statistic}" is not one of u1, min')
    if method not in ("auto", "exact", "asymptotic"):
        raise NotFoundError("method", f'"{method}" is not one of auto, exact, asymptotic')
    x = _values(sample1, "sample1")
    y = _values(sample2, "sample2")
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    for name, values in (("sample1", x), ("sample2", y)):
        if values.size == 0:
            raise NoDataError(name, "the sample is empty")
    if method == "exact" and x.size * y.size > MAX_EXACT_PAIRS:
        raise OutOfDomainError(
            "method", f"the exact test is limited to n1 x n2 <= {MAX_EXACT_PAIRS:,}; use asymptotic"
        )
    if np.all(np.concatenate([x, y]) == x[0]):
        raise NoDataError("sample1", "every value in both samples is equal: nothing to rank")
    from scipy import stats as _stats

    result = _stats.mannwhitneyu(x, y, alternative="two-sided", method=method)
    u1 = float(result.statistic)
    u = min(u1, x.size * y.size - u1) if statistic == "min" else u1
    return np.array([u, float(result.pvalue)])
