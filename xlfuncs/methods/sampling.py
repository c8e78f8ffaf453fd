"""Uncertain inputs: their distributions, reproducible draws, and rank correlation between them.

An uncertain input of an appraisal is one of five distributions, each given by one row of
numbers ``(code, low, central, high, sd)``:

====  ==========  ==========================================================================
code  name        meaning of the row
====  ==========  ==========================================================================
1     fixed       known: always ``central`` (low, high and sd are not used)
2     uniform     every value from ``low`` to ``high`` equally likely
3     triangular  ``low``, most likely ``central``, ``high``
4     PERT        ``low``, most likely ``central``, ``high``: a beta distribution with shape
                  :math:`\\alpha = 1 + 4\\frac{m-a}{b-a}`, :math:`\\beta = 1 + 4\\frac{b-m}{b-a}`
                  (the PERT convention, Malcolm et al. 1959; mean :math:`(a + 4m + b)/6`)
5     normal      mean ``central``, standard deviation ``sd``, truncated at ``low`` and
                  ``high``; a blank bound is the input's own limit (e.g. 0 for a count)
====  ==========  ==========================================================================

``central`` is always the value the deterministic appraisal uses (for a uniform range, the
value a council would have used without the range), so the appraisal at the central values
and the simulation describe the same case.

Draws are reproducible from one whole-number seed: numpy's ``SeedSequence(seed)`` gives each
input its own PCG64 stream (input *j* uses child *j*, whatever the other inputs are), so the
same seed always gives the same draws, and changing one input's distribution leaves every
other input's draws unchanged.

Rank correlation between chosen inputs is imposed by the method of Iman and Conover (1982), as
risk-analysis tools do: each input is first drawn on its own, then the correlated inputs' draws
are reordered so that their ranks follow a matrix of normal scores with the wanted correlation.
The distributions themselves are untouched (every draw of an input is still one of its own
draws); only which draws meet in a row changes. The normal scores are given the product-moment
correlation :math:`2 \\sin(\\pi \\rho_s / 6)`, the value whose rank (Spearman) correlation in a
bivariate normal is :math:`\\rho_s` (Pearson 1907), so the achieved rank correlation of the draws
is the target up to sampling error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from xlfuncs.methods.errors import NotFoundError, OutOfDomainError, ShapeError

#: Distribution names by code (1-based, as typed in a worksheet).
DISTRIBUTIONS = ("fixed", "uniform", "triangular", "pert", "normal")
#: Upper bound on draws: keeps one call to seconds whatever is typed.
MAX_DRAWS = 1_000_000
#: Symmetry and diagonal tolerance of a correlation matrix typed in cells.
_TOLERANCE = 1e-9
#: Smallest eigenvalue accepted as zero when checking a matrix is positive semi-definite.
_PSD_TOLERANCE = 1e-9
#: PERT's weight on the most likely value.
PERT_WEIGHT = 4.0


@dataclass(frozen=True)
class Distribution:
    """One uncertain input: its kind and parameters (see the module notes)."""

    kind: str
    low: float
    central: float
    high: float
    sd: float = math.nan

    @property
    def fixed(self) -> bool:
        """True when every draw is the same value."""
        return self.kind == "fixed" or (self.kind != "normal" and self.low == self.high)

    def _pert_shape(self) -> tuple[float, float]:
        width = self.high - self.low
        alpha = 1.0 + PERT_WEIGHT * (self.central - self.low) / width
        beta = 1.0 + PERT_WEIGHT * (self.high - self.central) / width
        return alpha, beta

    def _normal_window(self) -> tuple[float, float]:
        from scipy import special  # imported on use: keeps loading the registry free of scipy

        lower = special.ndtr((self.low - self.central) / self.sd)
        upper = special.ndtr((self.high - self.central) / self.sd)
        return float(lower), float(upper)

    def quantile(self, u: ArrayLike) -> np.ndarray:
        """The value below which a share ``u`` (0 to 1) of the draws fall.

        Examples
        --------
        >>> Distribution("triangular", 0.0, 5.0, 10.0).quantile([0.0, 0.5, 1.0])
        array([ 0.,  5., 10.])
        >>> Distribution("pert", 0.0, 5.0, 10.0).quantile([0.5]).round(6)
        array([5.])
        >>> Distribution("normal", -np.inf, 10.0, np.inf, 2.0).quantile([0.5, 0.975]).round(3)
        array([10.  , 13.92])
        """
        p = np.asarray(u, dtype=float)
        if self.fixed:
            return np.full(p.shape, self.central)
        low, mode, high = self.low, self.central, self.high
        if self.kind == "uniform":
            return low + p * (high - low)
        if self.kind == "triangular":
            width = high - low
            split = (mode - low) / width
            left = low + np.sqrt(p * width * (mode - low))
            right = high - np.sqrt((1.0 - p) * width * (high - mode))
            return np.where(p < split, left, right)
        from scipy import special

        if self.kind == "pert":
            alpha, beta = self._pert_shape()
            return low + (high - low) * special.betaincinv(alpha, beta, p)
        lower, upper = self._normal_window()
        values = self.central + self.sd * special.ndtri(lower + p * (upper - lower))
        return np.clip(values, low, high)

    def sample(self, generator: np.random.Generator, draws: int) -> np.ndarray:
        """``draws`` values from this distribution, using only ``generator``.

        PERT draws come from numpy's beta generator (exact, and far quicker than inverting the
        beta distribution function), triangular draws from its triangular generator (the
        inverse distribution function of one uniform number); the others are the quantiles of
        uniform numbers.

        Examples
        --------
        >>> d = Distribution("pert", 10.0, 12.0, 20.0)
        >>> x = d.sample(np.random.Generator(np.random.PCG64(1)), 100_000)
        >>> bool(x.min() >= 10 and x.max() <= 20), round(float(x.mean()), 1)
        (True, 13.0)
        """
        if self.fixed:
            return np.full(draws, self.central)
        if self.kind == "pert":
            alpha, beta = self._pert_shape()
            return self.low + (self.high - self.low) * generator.beta(alpha, beta, draws)
        if self.kind == "triangular":
            return generator.triangular(self.low, self.central, self.high, draws)
        return self.quantile(generator.random(draws))


def _finite_or(value: float, default: float) -> float:
    return default if math.isnan(value) else value


def parse_distribution(
    row: ArrayLike,
    name: str,
    limits: tuple[float, float] = (-math.inf, math.inf),
    label: str = "",
) -> Distribution:
    """One row ``(code, low, central, high, sd)`` as a :class:`Distribution`.

    Parameters
    ----------
    row : array_like
        Up to five numbers; missing trailing values and NaN (a blank cell) are "not given".
    name : str
        The argument's name, for error messages.
    limits : (float, float)
        The values the input can take at all (e.g. 0 and 1 for a share); the distribution
        must lie within them, and a normal's blank bounds default to them.
    label : str
        What the row is, for error messages (e.g. ``"row 8 (drop_off)"``).

    Returns
    -------
    Distribution

    Raises
    ------
    NotFoundError
        A code that is not 1 to 5.
    OutOfDomainError
        Parameters out of order (low above the central value or the high), a standard
        deviation that is not positive, or values outside ``limits``.

    Examples
    --------
    >>> parse_distribution([3, 10, 21.7, 30], "inputs")
    Distribution(kind='triangular', low=10.0, central=21.7, high=30.0, sd=nan)
    >>> parse_distribution([5, np.nan, 0.05, np.nan, 0.02], "inputs", (0.0, 1.0)).low
    0.0
    """
    values = np.full(5, np.nan)
    given = np.asarray(row, dtype=float).ravel()[:5]
    values[: given.size] = given
    code, low, central, high, sd = (float(v) for v in values)
    where = f"{label}: " if label else ""
    if math.isnan(code) or code != math.floor(code) or not 1 <= code <= len(DISTRIBUTIONS):
        raise NotFoundError(
            name,
            f"{where}distribution code must be 1 fixed, 2 uniform, 3 triangular, 4 PERT or 5 normal",
        )
    kind = DISTRIBUTIONS[int(code) - 1]
    if not math.isfinite(central):
        raise OutOfDomainError(name, f"{where}the central (most likely) value must be a finite number")
    floor, ceiling = limits

    def within(value: float, what: str) -> None:
        if value < floor or value > ceiling:
            raise OutOfDomainError(name, f"{where}the {what} {value:g} is outside {floor:g} to {ceiling:g}")

    within(central, "central value")
    if kind == "fixed":
        return Distribution(kind, central, central, central)
    if kind == "normal":
        if not (math.isfinite(sd) and sd > 0):
            raise OutOfDomainError(name, f"{where}a normal distribution needs a positive standard deviation")
        low, high = _finite_or(low, floor), _finite_or(high, ceiling)
        if math.isfinite(low):
            within(low, "low bound")
        if math.isfinite(high):
            within(high, "high bound")
        if not low < high:
            raise OutOfDomainError(name, f"{where}the low bound {low:g} is not below the high {high:g}")
        distribution = Distribution(kind, low, central, high, sd)
        lower, upper = distribution._normal_window()
        if upper - lower < 1e-12:
            raise OutOfDomainError(name, f"{where}the bounds leave the normal distribution no probability")
        return distribution
    if not (math.isfinite(low) and math.isfinite(high)):
        raise OutOfDomainError(name, f"{where}a {kind} distribution needs a low and a high value")
    within(low, "low")
    within(high, "high")
    if low > high:
        raise OutOfDomainError(name, f"{where}the low {low:g} is above the high {high:g}")
    if not low <= central <= high:
        raise OutOfDomainError(name, f"{where}the central value {central:g} is outside {low:g} to {high:g}")
    return Distribution(kind, low, central, high)


def whole_number(value: float, name: str, low: int, high: int) -> int:
    """``value`` as an int from ``low`` to ``high``, or an error naming ``name``."""
    number = float(value)
    if not math.isfinite(number) or number != math.floor(number):
        raise OutOfDomainError(name, "expected a whole number")
    if number < low:
        raise OutOfDomainError(name, f"must be at least {low}")
    if number > high:
        raise OutOfDomainError(name, f"at most {high:,} (bounds the time one call takes)")
    return int(number)


def streams(seed: int, count: int) -> list[np.random.Generator]:
    """``count`` independent generators from one seed; stream *j* depends only on seed and *j*.

    Examples
    --------
    >>> a, b = streams(7, 2)
    >>> float(a.random()) == float(streams(7, 5)[0].random())
    True
    """
    children = np.random.SeedSequence(seed).spawn(count)
    return [np.random.Generator(np.random.PCG64(child)) for child in children]


def check_correlation(matrix: ArrayLike, size: int, name: str = "correlation") -> np.ndarray:
    """A target rank-correlation matrix, checked: square, symmetric, unit diagonal, entries in
    [-1, 1], positive semi-definite.

    Raises
    ------
    ShapeError
        Not ``size`` x ``size``.
    OutOfDomainError
        Any other condition not met; the message says which.

    Examples
    --------
    >>> check_correlation([[1, 0.5], [0.5, 1]], 2)
    array([[1. , 0.5],
           [0.5, 1. ]])
    """
    target = np.asarray(matrix, dtype=float)
    if target.ndim != 2 or target.shape != (size, size):
        shape = "x".join(map(str, target.shape)) or "one value"
        raise ShapeError(name, f"expected {size} x {size} (one row and column per correlated input), got {shape}")
    if not np.all(np.isfinite(target)):
        raise OutOfDomainError(name, "holds a value that is not a finite number")
    if np.any(np.abs(target) > 1):
        i, j = np.argwhere(np.abs(target) > 1)[0]
        raise OutOfDomainError(
            name, f"cell {i + 1},{j + 1} is {target[i, j]:g}: a correlation lies between -1 and 1"
        )
    if np.any(np.abs(np.diag(target) - 1) > _TOLERANCE):
        raise OutOfDomainError(name, "the diagonal must be 1: each input is perfectly correlated with itself")
    if np.any(np.abs(target - target.T) > _TOLERANCE):
        i, j = np.argwhere(np.abs(target - target.T) > _TOLERANCE)[0]
        raise OutOfDomainError(name, f"not symmetric: cell {i + 1},{j + 1} differs from cell {j + 1},{i + 1}")
    smallest = float(np.linalg.eigvalsh((target + target.T) / 2).min())
    if smallest < -_PSD_TOLERANCE:
        raise OutOfDomainError(
            name,
            f"not positive semi-definite (smallest eigenvalue {smallest:.4g}): these correlations "
            "cannot hold together; weaken some of them",
        )
    return (target + target.T) / 2


def _factor(matrix: np.ndarray) -> np.ndarray:
    """A square root ``F`` with ``F @ F.T == matrix`` of a positive semi-definite matrix."""
    values, vectors = np.linalg.eigh(matrix)
    return vectors * np.sqrt(np.clip(values, 0.0, None))


def normal_score_correlation(rank_correlation: np.ndarray) -> np.ndarray:
    """The product-moment correlation of normal scores that gives ``rank_correlation``.

    :math:`2 \\sin(\\pi \\rho_s / 6)` elementwise; if that matrix is not positive
    semi-definite (possible near the edge of the admissible set), its negative eigenvalues are
    set to zero and the diagonal rescaled to 1 (the nearest such matrix in that sense).

    Examples
    --------
    >>> normal_score_correlation(np.array([[1.0, 0.5], [0.5, 1.0]])).round(4)
    array([[1.    , 0.5176],
           [0.5176, 1.    ]])
    """
    pearson = 2.0 * np.sin(np.pi * rank_correlation / 6.0)
    np.fill_diagonal(pearson, 1.0)
    values, vectors = np.linalg.eigh(pearson)
    if values.min() >= 0:
        return pearson
    repaired = (vectors * np.clip(values, 0.0, None)) @ vectors.T
    scale = np.sqrt(np.diag(repaired))
    return repaired / np.outer(scale, scale)


def impose_rank_correlation(
    draws: np.ndarray, rank_correlation: np.ndarray, generator: np.random.Generator
) -> np.ndarray:
    """Reorder each column of ``draws`` so the columns have the given rank correlation.

    Parameters
    ----------
    draws : ndarray, shape (n, k)
        Independent draws of *k* inputs, one column each (none constant).
    rank_correlation : ndarray, shape (k, k)
        The target Spearman correlations, checked by :func:`check_correlation`.
    generator : numpy Generator
        Shuffles the normal scores; the same generator state gives the same result.

    Returns
    -------
    ndarray, shape (n, k)
        Each column a permutation of the same column of ``draws``.

    Notes
    -----
    Iman and Conover (1982), "A distribution-free approach to inducing rank correlation among
    input variables", *Communications in Statistics B* 11(3): 311-334. Columns of van der
    Waerden scores :math:`\\Phi^{-1}(i / (n + 1))`, each shuffled, have sample correlation
    :math:`E = P P^{\\top}`; :math:`S^{*} = S (P^{-1})^{\\top} Q^{\\top}` with :math:`Q Q^{\\top}`
    the normal-score correlation (:func:`normal_score_correlation`) has exactly that
    correlation, and each input's sorted draws are placed in the rank order of its column of
    :math:`S^{*}`.

    Examples
    --------
    >>> g = np.random.Generator(np.random.PCG64(3))
    >>> x = g.random((20_000, 2))
    >>> y = impose_rank_correlation(x, np.array([[1.0, 0.7], [0.7, 1.0]]), g)
    >>> from scipy.stats import spearmanr
    >>> round(float(spearmanr(y[:, 0], y[:, 1])[0]), 2)
    0.7
    """
    return _reorder(np.ascontiguousarray(draws.T), rank_correlation, generator).T


def _reorder(rows: np.ndarray, rank_correlation: np.ndarray, generator: np.random.Generator) -> np.ndarray:
    """:func:`impose_rank_correlation` on draws held one input per row: shape (k, n)."""
    from scipy import special

    k, n = rows.shape
    scores = special.ndtri(np.arange(1, n + 1) / (n + 1.0))
    shuffled = np.empty((k, n))  # one row per input: contiguous for the shuffles and sorts
    for j in range(k):
        shuffled[j] = generator.permutation(scores)
    # Every row holds the same scores, mean 0: their correlations are their dot products over
    # the sum of squares. Products and sums by numpy's own loops, as below: on a shared machine
    # a threaded BLAS call on arrays this thin costs more in waiting than in work.
    sample = np.eye(k)
    squares = float(np.sum(scores * scores))
    for i in range(k):
        for j in range(i):
            sample[i, j] = sample[j, i] = float(np.sum(shuffled[i] * shuffled[j])) / squares
    try:
        lower = np.linalg.cholesky(sample)
    except np.linalg.LinAlgError as exc:  # only for too few draws
        raise OutOfDomainError("draws", f"too few draws to correlate {k} inputs") from exc
    mixing = _factor(normal_score_correlation(rank_correlation)) @ np.linalg.inv(lower)
    out = np.empty((k, n))
    for i in range(k):
        arranged = mixing[i, 0] * shuffled[0]
        for j in range(1, k):
            arranged += mixing[i, j] * shuffled[j]
        out[i, np.argsort(arranged)] = np.sort(rows[i])
    return out


def spearman_matrix(draws: np.ndarray) -> np.ndarray:
    """Rank (Spearman) correlations between the columns of ``draws`` (no ties expected).

    Examples
    --------
    >>> spearman_matrix(np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]]))
    array([[1. , 0.5],
           [0.5, 1. ]])
    """
    ranks = np.empty_like(draws)
    n = draws.shape[0]
    for j in range(draws.shape[1]):
        ranks[np.argsort(draws[:, j]), j] = np.arange(n, dtype=float)
    if n < 2:
        return np.eye(draws.shape[1])
    return np.atleast_2d(np.corrcoef(ranks, rowvar=False))


def draw(
    distributions: Sequence[Distribution],
    draws: int,
    seed: int,
    correlated: Sequence[int] = (),
    rank_correlation: np.ndarray | None = None,
) -> np.ndarray:
    """Draws of every input, one column each, with rank correlation among ``correlated``.

    Parameters
    ----------
    distributions : sequence of Distribution
        One per input.
    draws : int
        Number of draws (rows).
    seed : int
        Seed of the streams (see :func:`streams`): input *j* uses stream *j*, the
        Iman-Conover shuffle the stream after the last input.
    correlated : sequence of int
        0-based indices of the inputs to correlate (none fixed).
    rank_correlation : ndarray, optional
        Their target rank correlations (checked by :func:`check_correlation`).

    Returns
    -------
    ndarray, shape (draws, len(distributions))

    Examples
    --------
    >>> d = [Distribution("fixed", 5, 5, 5), Distribution("uniform", 0, 5, 10)]
    >>> x = draw(d, 4, seed=1)
    >>> x.shape, bool((x[:, 0] == 5).all())
    ((4, 2), True)
    """
    generators = streams(seed, len(distributions) + 1)
    out = np.empty((len(distributions), draws))  # one row per input: contiguous writes
    for j, distribution in enumerate(distributions):
        out[j] = distribution.sample(generators[j], draws)
    if len(correlated) > 1 and rank_correlation is not None:
        columns = list(correlated)
        out[columns] = _reorder(out[columns], rank_correlation, generators[-1])
    return out.T
