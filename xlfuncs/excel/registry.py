"""The one place where each function's Excel face is declared.

An :class:`ExcelFunction` names a pure function from a domain module, its upper-case Excel
name, a one-line description for Excel's Function Wizard, each argument's documentation and
coercion, and which Excel error value each failure gives. :mod:`xlfuncs.excel.xlwings_udfs` (xlwings) and
:mod:`xlfuncs.engine.formulas_bridge` (headless recalculation) both read :data:`REGISTRY`; nothing else
declares an Excel face.

Declarations live in :mod:`xlfuncs.excel.catalog`, one module per family.
"""

from __future__ import annotations

import importlib
import keyword
import math
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from xlfuncs.excel import coercion
from xlfuncs.excel.errors import (  # noqa: F401  (re-exported: the registry's error names)
    DEFAULT_ERROR_CODES,
    ERROR_CODES,
    ExcelError,
    UpstreamError,
    error_code,
    failure,
)
from xlfuncs.excel.native import NativeForm
from xlfuncs.methods.errors import InputError, NotANumberError, NotFoundError

Kind = Literal["number", "vector", "matrix", "text", "flag"]

_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,62}$")
_ARG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
# The classic add-in writes a VBA wrapper: VBA keywords cannot be argument names.
_VBA_RESERVED = frozenset(
    """and as boolean byref byte byval call case const currency date debug declare dim do
    double each else elseif empty end enum eqv erase error event exit false for friend
    function get global gosub goto if imp implements in integer is let lib like long loop
    lset me mod new next not nothing null on option optional or paramarray preserve private
    property public raiseevent redim rem resume return rset select set single static step
    stop string sub then to true type typeof until variant wend while with xor""".split()
)


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class Arg:
    """One argument's Excel face.

    ``kind`` says how the range is coerced: ``number`` (one cell), ``vector`` (one row or
    column), ``matrix`` (2-D), ``text`` or ``flag``. ``blanks`` is the policy for ranges
    (see :mod:`xlfuncs.excel.coercion`). An argument with a ``default`` is optional; a blank cell
    given for it takes the default, as Excel's optional arguments do.
    """

    name: str
    doc: str
    kind: Kind = "number"
    blanks: str = "strict"
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()
    #: The method's parameter, where it is named differently from the Excel argument.
    keyword: str = ""

    @property
    def optional(self) -> bool:
        return self.default is not REQUIRED

    @property
    def parameter(self) -> str:
        return self.keyword or self.name

    def coerce(self, raw: Any, function: str) -> Any:
        if self.optional and _is_blank(raw):
            return self.default
        name = self.name
        if self.kind == "number":
            return coercion.to_scalar(raw, name)
        if self.kind == "vector":
            return coercion.to_vector(raw, name, self.blanks)
        if self.kind == "matrix":
            return coercion.to_matrix(raw, name, self.blanks)
        if self.kind == "flag":
            return coercion.to_flag(raw, name)
        text = coercion.to_text(raw, name)
        if text is None:
            raise NotANumberError(name, "expected text, got a blank cell")
        if self.choices:
            lowered = text.lower()
            for choice in self.choices:
                if choice.lower() == lowered:
                    return choice
            raise NotFoundError(name, f'"{text}" is not one of {", ".join(self.choices)}')
        return text


def _is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, np.ndarray) and raw.size == 1:
        return raw.flat[0] is None
    if isinstance(raw, list | tuple) and len(raw) == 1:
        return _is_blank(raw[0])
    return False


@dataclass(frozen=True)
class ExcelFunction:
    """The Excel face of one pure function."""

    name: str
    impl: Callable[..., Any]
    description: str
    args: tuple[Arg, ...]
    family: str
    returns: Literal["scalar", "array"] = "scalar"
    errors: Mapping[type, str] = field(default_factory=dict)
    example: str = ""
    #: The call written in Excel's own functions, for a workbook shared without the add-in
    #: (see :mod:`xlfuncs.excel.native`); :func:`xlfuncs.excel.native.without_native` where
    #: there is none, with the reason.
    native: NativeForm | None = None

    def error_code(self, exc: Exception) -> str:
        """The error value this function gives for a method's failure."""
        return failure(self.name, exc, overrides=self.errors).code

    def coerce(self, raw_args: tuple[Any, ...]) -> dict[str, Any]:
        """Coerce raw Excel arguments (positional, as typed in the cell) to impl's keywords."""
        if len(raw_args) > len(self.args):
            raise ExcelError(
                "#VALUE!",
                f"{self.name}: takes at most {len(self.args)} arguments, got {len(raw_args)}",
            )
        values: dict[str, Any] = {}
        for position, arg in enumerate(self.args):
            raw = raw_args[position] if position < len(raw_args) else None
            if position >= len(raw_args) and not arg.optional:
                raise ExcelError("#VALUE!", f"{self.name}: {arg.name}: is required")
            try:
                values[arg.name] = arg.coerce(raw, self.name)
            except Exception as exc:  # noqa: BLE001 - every failure becomes one Excel error
                raise failure(self.name, exc, arg.name, self.errors) from exc
        return values

    def __call__(self, *raw_args: Any) -> float | np.ndarray:
        """Evaluate as Excel would: coerce, call the pure function, check the result.

        Returns a float for ``scalar`` functions and a 2-D float array for ``array`` ones.
        Every failure, whether of an argument (a blank where a number belongs, an error value
        already in a cell) or of the method, raises one :class:`ExcelError` whose message
        names this function and, where there is one, the argument.
        """
        values = self.coerce(raw_args)
        try:
            result = self.run(values)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one Excel error
            raise failure(self.name, exc, overrides=self.errors) from exc
        return self._check_result(result)

    def run(self, values: Mapping[str, Any]) -> Any:
        """The method called with coerced ``values`` keyed by Excel argument name.

        A failure that names one of the method's parameters is raised again naming the Excel
        argument, so a message always uses the names the user sees in the Function Wizard.
        """
        kwargs = {arg.parameter: values[arg.name] for arg in self.args if arg.name in values}
        try:
            with np.errstate(all="ignore"):
                return self.impl(**kwargs)
        except InputError as exc:
            excel_name = next((a.name for a in self.args if a.keyword and a.keyword == exc.argument), None)
            if excel_name is None:
                raise
            raise type(exc)(excel_name, exc.detail) from exc

    def _check_result(self, result: Any) -> float | np.ndarray:
        if self.returns == "scalar":
            value = float(np.asarray(result, dtype=float).reshape(-1)[0])
            if not math.isfinite(value):
                raise ExcelError("#NUM!", f"{self.name}: the result is not a finite number")
            return value
        array = np.asarray(result, dtype=float)
        if array.ndim == 0:
            array = array.reshape(1, 1)
        elif array.ndim == 1:
            array = array.reshape(-1, 1)  # a series spills down a column
        if not np.all(np.isfinite(array)):
            raise ExcelError("#NUM!", f"{self.name}: the result holds a number out of range")
        return array

    @property
    def signature(self) -> str:
        parts = [f"[{a.name}]" if a.optional else a.name for a in self.args]
        return f"{self.name}({', '.join(parts)})"


REGISTRY: dict[str, ExcelFunction] = {}


def register(function: ExcelFunction) -> ExcelFunction:
    """Add a declaration, checking it against Excel's and xlwings' naming rules."""
    name = function.name
    if not _NAME.match(name):
        raise ValueError(f"{name!r}: Excel names here are upper-case letters, digits and _")
    if name in REGISTRY:
        raise ValueError(f"{name} is declared twice")
    if not function.description or len(function.description) > 255 or "\n" in function.description:
        raise ValueError(f"{name}: the description must be one line of at most 255 characters")
    seen_optional = False
    for arg in function.args:
        if not _ARG_NAME.match(arg.name) or arg.name in _VBA_RESERVED or keyword.iskeyword(arg.name):
            raise ValueError(f"{name}: argument name {arg.name!r} is not usable in Excel or VBA")
        if not arg.doc or len(arg.doc) > 255:
            raise ValueError(f"{name}: argument {arg.name} needs a doc of at most 255 characters")
        if arg.optional:
            seen_optional = True
        elif seen_optional:
            raise ValueError(f"{name}: required argument {arg.name} follows an optional one")
    REGISTRY[name] = function
    return function


_loaded = False


def functions() -> dict[str, ExcelFunction]:
    """Every declared function, keyed by Excel name (loads :mod:`xlfuncs.excel.catalog` once)."""
    global _loaded
    if not _loaded:
        from xlfuncs.excel import catalog

        for module in pkgutil.iter_modules(catalog.__path__):
            importlib.import_module(f"{catalog.__name__}.{module.name}")
        _loaded = True
    return dict(sorted(REGISTRY.items()))
