"""Numbers in published statistics, with the markers DfE and ONS publish in their place.

Explore education statistics (EES) and the older DfE and ONS tables put a marker where a
number is not published: ``x`` (unavailable), ``c`` (confidential: suppressed to protect
individuals), ``z`` (not applicable), ``low`` (a positive number that rounds to 0), ``u`` (low
reliability), ``:`` and ``..`` (not available, older tables), ``k`` (older DfE tables: below
half the unit shown) and, in DfE's LAIT database, ``-``. A marker is never a number: it is
read as missing (NaN) and counted, so that a total or a mean over a column says how many
values it could not use, and a marker is never taken as 0.

:func:`read_numbers` turns a column of published text into floats and counts of markers;
anything else that is not a number is an error naming the row and the column.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from xlfuncs.methods.errors import NotANumberError

#: Markers read as missing, lower case (files use either case), and what each means.
MARKERS = {
    "x": "not available",
    "c": "confidential (suppressed to protect individuals)",
    "z": "not applicable",
    "..": "not available (older tables)",
    ":": "not available (older tables)",
    "low": "a positive number that rounds to 0",
    "k": "below half the unit shown (older DfE tables)",
    "u": "low reliability",
    "-": "not available (DfE's LAIT)",
}


@dataclass
class Suppressed:
    """Counts of markers read as missing: by (column, marker), and blanks by column."""

    markers: Counter = field(default_factory=Counter)
    blanks: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.markers.values())

    def in_column(self, column: str) -> dict[str, int]:
        """Markers of one column: {marker: count}."""
        return {m: n for (c, m), n in sorted(self.markers.items()) if c == column}

    def lines(self) -> list[str]:
        """One line per column: how many values of each marker were read as missing."""
        columns = sorted({c for c, _ in self.markers} | set(self.blanks))
        out = []
        for column in columns:
            parts = [f'{n:,} "{m}"' for m, n in self.in_column(column).items()]
            if self.blanks.get(column):
                parts.append(f"{self.blanks[column]:,} blank")
            out.append(f"{column}: " + ", ".join(parts) + " read as missing")
        return out


def read_numbers(values, column: str, where=None, suppressed: Suppressed | None = None,
                 markers=MARKERS) -> np.ndarray:
    """Published text as floats: NaN for a marker or a blank (counted in ``suppressed``).

    Parameters
    ----------
    values : array_like of str
        The column's cells as published (thousands separators and a leading ``£`` allowed).
    column : str
        The column's name, for the counts and the error message.
    where : callable, optional
        ``where(i)`` names row ``i`` in an error message (e.g. the council and period).
    suppressed : Suppressed, optional
        Where to count the markers and blanks met.
    markers : mapping, optional
        The markers to accept (default :data:`MARKERS`), lower case.

    Returns
    -------
    ndarray of float

    Raises
    ------
    NotANumberError
        Text that is neither a number nor a marker, naming the row and the column.

    Examples
    --------
    >>> counts = Suppressed()
    >>> read_numbers(["345", "c", "1,234", "", "low", "x", "0"], "number", suppressed=counts).tolist()
    [345.0, nan, 1234.0, nan, nan, nan, 0.0]
    >>> counts.in_column("number"), counts.blanks["number"]
    ({'c': 1, 'low': 1, 'x': 1}, 1)
    """
    import pandas as pd

    text = pd.Series(np.asarray(values, dtype=object)).fillna("").astype(str).str.strip()
    cleaned = text.str.replace(",", "", regex=False).str.replace("£", "", regex=False)
    numbers = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, copy=True)
    blank = (text == "").to_numpy()
    lowered = text.str.lower()
    is_marker = lowered.isin(list(markers)).to_numpy()
    bad = ~np.isfinite(numbers) & ~blank & ~is_marker  # "nan" and "inf" are not numbers either
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        place = where(i) if where else f"row {i + 1}"
        raise NotANumberError(column, f"{place}: {text.iloc[i]!r} is neither a number nor a "
                              f"marker ({', '.join(markers)})")
    numbers[is_marker | blank] = np.nan
    if suppressed is not None:
        for marker, count in lowered[is_marker].value_counts().items():
            suppressed.markers[(column, marker)] += int(count)
        if blank.any():
            suppressed.blanks[column] += int(blank.sum())
    return numbers
