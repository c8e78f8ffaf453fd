"""Excel's error values, and the one way an xlfuncs call fails.

An error value is typed: :class:`ErrorValue`, one instance per code, from reading a cell to
writing one. Text that merely reads like an error (a cell holding ``="#N/A"``) stays text.

Every failure of an xlfuncs function, whatever its cause, becomes one :class:`ExcelError`
here (:func:`failure`): a code and a message naming the function and the argument. The
xlwings adapter, the compiled evaluator and the ``formulas`` bridge only show it, each as well
as its host can, so the same bad input gives the same code and the same words everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import final

from xlfuncs.methods.errors import (
    DivisionByZeroError,
    InputError,
    NoDataError,
    NotANumberError,
    NotFoundError,
    OutOfDomainError,
    ShapeError,
)


@final  # never subclassed: lets ``type(v) is ErrorValue`` narrow both ways for mypy
class ErrorValue:
    """An Excel error value; one instance per code, so ``is`` compares them."""

    __slots__ = ("code",)

    def __init__(self, code: str):
        self.code = code

    def __repr__(self) -> str:
        return self.code

    def __str__(self) -> str:
        return self.code

    def __reduce__(self):  # a copy or a pickle is the same instance
        return (error_value, (self.code,))


#: The error values Excel's worksheet functions give, in Excel's ERROR.TYPE order.
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
#: Error values newer Excel saves in files (dynamic arrays, linked data types).
LATER_CODES = ("#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")
ERRORS: dict[str, ErrorValue] = {code: ErrorValue(code) for code in ERROR_CODES + LATER_CODES}

NULL, DIV0, VALUE, REF, NAME, NUM, NA = (ERRORS[code] for code in ERROR_CODES)


def error_value(code: str) -> ErrorValue:
    """The error value for ``code`` (#VALUE! for a code Excel does not have)."""
    return ERRORS.get(code.strip().upper(), VALUE)


def is_error(value: object) -> bool:
    return type(value) is ErrorValue


#: Error value for each failure class of the methods, as Excel's own functions give them.
DEFAULT_ERROR_CODES: Mapping[type, str] = {
    NotANumberError: "#VALUE!",
    OutOfDomainError: "#NUM!",
    ShapeError: "#N/A",
    NoDataError: "#DIV/0!",
    DivisionByZeroError: "#DIV/0!",
    NotFoundError: "#N/A",
    InputError: "#VALUE!",
}


class ExcelError(Exception):
    """A failure as Excel shows it: an error value and a message naming function and argument.

    ``str()`` is the text a host shows: ``"#DIV/0! UNIT_COST: count: the count is zero"``.
    """

    def __init__(self, code: str, message: str):
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message

    @property
    def value(self) -> ErrorValue:
        return error_value(self.code)

    @property
    def text(self) -> str:
        return f"{self.code} {self.message}"


class UpstreamError(Exception):
    """An argument already holds an Excel error value: it propagates unchanged, as in Excel."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def error_code(exc: InputError, overrides: Mapping[type, str] | None = None) -> str:
    """The error value a method's failure gives: the function's own table, then the default."""
    for table in (overrides or {}, DEFAULT_ERROR_CODES):
        for cls in type(exc).__mro__:
            if cls in table:
                return table[cls]
    return "#VALUE!"


def failure(
    function: str,
    exc: BaseException,
    argument: str | None = None,
    overrides: Mapping[type, str] | None = None,
) -> ExcelError:
    """Any failure of a call to ``function`` as the one :class:`ExcelError` every host shows.

    ``argument`` names the argument being coerced when the failure happened there.
    """
    if isinstance(exc, ExcelError):
        return exc
    if isinstance(exc, UpstreamError):
        where = f"{argument}: " if argument else ""
        return ExcelError(exc.code, f"{function}: {where}holds {exc.code}")
    if isinstance(exc, InputError):
        return ExcelError(error_code(exc, overrides), f"{function}: {exc}")
    if isinstance(exc, ZeroDivisionError):
        return ExcelError("#DIV/0!", f"{function}: division by zero ({exc})")
    if isinstance(exc, OverflowError | FloatingPointError):
        return ExcelError("#NUM!", f"{function}: result out of range ({exc})")
    if isinstance(exc, ModuleNotFoundError):
        return missing_package(function, exc)
    if isinstance(exc, MemoryError):
        return ExcelError("#NUM!", f"{function}: the calculation needs more memory than there is")
    return ExcelError("#VALUE!", f"{function}: unexpected failure: {type(exc).__name__}: {exc}")


def missing_package(function: str, exc: ModuleNotFoundError) -> ExcelError:
    """A function that needs a package this installation left out (scipy, under the slim
    ``xlfuncs-lite`` install that xlwings Lite downloads): #N/A, the value "not available", and
    what to add, rather than an import traceback.

    >>> print(missing_package("LAC_SPEARMAN", ModuleNotFoundError(name="scipy.stats")).text)
    #N/A LAC_SPEARMAN: needs the Python package scipy, which is not installed: add the line scipy to requirements.txt (xlwings Lite) or run pip install scipy
    """
    package = (exc.name or "a package").partition(".")[0]
    return ExcelError(
        "#N/A",
        f"{function}: needs the Python package {package}, which is not installed: add the line "
        f"{package} to requirements.txt (xlwings Lite) or run pip install {package}",
    )
