"""Errors the pure functions raise, each naming the argument at fault.

The domain modules know nothing of Excel: they raise these. The registry maps each class to
the Excel error value a user would expect (see :data:`xlfuncs.excel.registry.DEFAULT_ERROR_CODES`).
"""

from __future__ import annotations


class InputError(ValueError):
    """An argument is unusable; ``argument`` names it."""

    def __init__(self, argument: str, message: str):
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.detail = message


class NotANumberError(InputError):
    """A value that must be a number is text, a boolean or blank (Excel: #VALUE!)."""


class OutOfDomainError(InputError):
    """A number outside the range the method allows, e.g. a negative population (#NUM!)."""


class ShapeError(InputError):
    """Ranges of different sizes, or the wrong number of dimensions (#N/A, as CORREL)."""


class NoDataError(InputError):
    """Too few values to compute the result, e.g. one point for a trend (#DIV/0!, as STDEV)."""


class DivisionByZeroError(InputError, ZeroDivisionError):
    """A divisor is zero, e.g. a zero count of children (#DIV/0!)."""


class NotFoundError(InputError):
    """A lookup key, method or category that does not exist (#N/A)."""
