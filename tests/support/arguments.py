"""Argument lists that reach each registered function's method, in the shapes Excel sends."""

from __future__ import annotations

from typing import Any

import numpy as np

from xlfuncs.excel.errors import ExcelError
from xlfuncs.excel.registry import ExcelFunction

SERIES = [100.0, 104.0, 109.0, 115.0, 118.0, 124.0]
TABLE = [[100.0, 50.0, 3.0], [104.0, 52.0, 2.0], [109.0, 55.0, 4.0], [115.0, 57.0, 1.0],
         [118.0, 51.0, 5.0], [124.0, 60.0, 2.5], [130.0, 58.0, 3.5]]


def _candidates(spec: ExcelFunction) -> list[list[Any]]:
    out = []
    for length in (6, 7, 5, 3):
        for number in (1.0, 2.0, 0.5, 10.0):
            args: list[Any] = []
            for arg in spec.args:
                if arg.optional:
                    break
                if arg.kind == "vector":
                    args.append([[v / 100] if "share" in arg.name or "rate" in arg.name else [v] for v in SERIES[:length]])
                elif arg.kind == "matrix":
                    args.append([row[:] for row in TABLE[:length]])
                elif arg.kind == "text":
                    args.append(arg.choices[0] if arg.choices else "x")
                elif arg.kind == "flag":
                    args.append(True)
                else:
                    args.append(number)
            out.append(args)
    return out


def _column(values: list[float]) -> list[list[Any]]:
    return [[v] for v in values]


_ONE_STATE = [[0.99, 0.005], [0.01, 0.985]]
_STAY = _column([0.5, 0.3, 0.2])
#: A cohort appraisal's input table (code, low, central, high, sd), blanks as None.
_COHORT = [
    [3, 110, 135.5, 150, None], [1, None, 2285, None, None], [1, None, 0.1, None, None],
    [4, 10, 21.7, 30, None], [1, None, 0.2, None, None], [1, None, 0.1, None, None],
    [1, None, 0.0, None, None], [3, 0.0, 0.05, 0.2, None], [5, 1.0, 2.0, 5.0, 0.5],
    [1, None, 44191, None, None], [1, None, 26536, None, None], [1, None, 0, None, None],
    [1, None, 0, None, None], [1, None, 0.0, None, None],
]
_YEARS = _column([1.0, 1.0, 1.0, 1.0])
_NEEDS = _column([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
_CHILDREN = [[10.0, 0.0], [20.0, 6.0], [12.0, 8.0], [8.0, 14.0], [6.0, 20.0], [0.0, 12.0]]
_WEEKLY = [[450.0, 0.0], [460.0, 4200.0], [480.0, 4500.0], [500.0, 4300.0], [520.0, 4800.0], [0.0, 5200.0]]
_RAMP = _column([0.5, 1.0, 1.0, 1.0])
#: Functions whose arguments must agree with each other in ways the generic candidates miss.
KNOWN: dict[str, list[Any]] = {
    "CBA_MC_NET_SAVINGS": [_column([130, 140]), _column([2000, 2600]), _column([15, 20, 25]),
                           _column([60000, 70000]), _column([0.05, 0.5, 0.95]), 2000],
    "CBA_MC_NPV": [_column([130, 140]), _column([2000, 2600]), _column([15, 20, 25]), _column([60000, 70000]),
                   _column([1.1, 1.0, 1.0]), _column([0.0, 0.8, 1.0]), _column([0.05, 0.5, 0.95]), 2000],
    "CBA_MC_PAYBACK": [_column([130, 140]), _column([2000, 2600]), _column([15, 20, 25]), _column([60000, 70000]),
                       _column([1.1, 1.0, 1.0]), _column([0.0, 0.8, 1.0]), 2000],
    "CBA_TORNADO": [_column([130, 140]), _column([2000, 2600]), _column([15, 20, 25]), _column([60000, 70000]),
                    _column([1.1, 1.0, 1.0]), _column([0.0, 0.8, 1.0])],
    "CBA_PAYBACK": [_column([100, 50, 50, 50]), _column([0, 80, 90, 100])],
    "CBA_PAYBACK_CASH": [_column([100, 50, 50, 50]), _column([0, 80, 90, 100])],
    "CBA_STAY_MEAN": [_STAY],
    "CBA_STAY_OCCUPANCY": [_STAY],
    "CBA_STAY_PROFILE": [_ONE_STATE, _column([0.002, 0.003]), _column([0.1, 0.2])],
    "CBA_COHORT_CARE_YEARS": [_column([10.0, 12.0, 12.0]), _STAY],
    "CBA_COHORT_NPV": [_COHORT, _YEARS, _RAMP, _STAY],
    "CBA_COHORT_MC": [_COHORT, _YEARS, _RAMP, _STAY, _column([0.05, 0.5, 0.95]), None, None, 500],
    "CBA_COHORT_MC_PAYBACK": [_COHORT, _YEARS, _RAMP, _STAY, None, None, 500],
    "CBA_COHORT_MC_CORREL": [_COHORT, _column([4, 8]), [[1.0, -0.3], [-0.3, 1.0]], 500],
    "CBA_COHORT_TORNADO": [_COHORT, _YEARS, _RAMP, _STAY],
    "NEEDS_COST_CORREL": [_NEEDS, _CHILDREN, _WEEKLY],
    "NEEDS_SHARE_NOT_SEVERE": [_NEEDS, _CHILDREN],
    "NEEDS_AVERAGE_COST": [_NEEDS, _CHILDREN, _WEEKLY],
    "NEEDS_MATCHED_COST": [_NEEDS, _CHILDREN, _column([450.0, 4500.0]), _column([1, 1, 1, 1, 2, 2])],
    "NEEDS_STEP_DOWN_COHORTS": [28.0, _column([0.2, 0.4, 0.5])],
    "NEEDS_STEP_DOWN_SAVINGS": [28.0, 3650.0, _column([0.2, 0.4, 0.5]), _STAY],
    "CBA_REBASE": [1000.0, 2017.0, 2019.0, _column([2016, 2017, 2018, 2019]), _column([88, 90, 92, 95])],
    "UNIT_COST_UPRATE": [650.0, 2017.0, 2019.0, _column([2016, 2017, 2018, 2019]), _column([88, 90, 92, 95])],
    "LAC_COST_CHANGE": [_column([10.0, 10.5, 11.0, 11.2, 11.9, 12.1, 12.8, 13.0, 13.1, 13.5, 14.0])],
    "NET_SAVINGS_RANGE": [15.0, 10000.0, [[2.0, 5.0]], 70000.0],
    "LAC_STOCKFLOW_PROJECT": [_column([40, 60]), _ONE_STATE, _column([0.002, 0.003]), _column([0.1, 0.2]),
                              _column([0, 30, 365])],
    "LAC_STOCKFLOW_SD": [_column([40, 60]), _ONE_STATE, _column([0.002, 0.003]), _column([0.1, 0.2]),
                         _column([0, 30, 365])],
    "LAC_STOCKFLOW_TOTAL": [_column([40, 60]), _ONE_STATE, _column([0.002, 0.003]), _column([0.1, 0.2]),
                            _column([0, 30, 365])],
    "LAC_STOCKFLOW_COST": [_column([40, 60]), _ONE_STATE, _column([0.002, 0.003]), _column([0.1, 0.2]),
                           _column([0, 30, 365]), _column([650, 3000])],
    "LAC_STOCKFLOW_COST_SD": [_column([40, 60]), _ONE_STATE, _column([0.002, 0.003]), _column([0.1, 0.2]),
                              _column([0, 30, 365]), _column([650, 3000])],
}


def working_arguments(spec: ExcelFunction) -> list[Any] | None:
    """Required arguments (ranges as columns) for which ``spec`` returns a result, or None."""
    candidates = [KNOWN[spec.name]] if spec.name in KNOWN else []
    for args in candidates + _candidates(spec):
        try:
            spec(*args)
        except ExcelError:
            continue
        return args
    return None


def as_row(column: list[list[Any]]) -> list[list[Any]]:
    return [[row[0] for row in column]] if all(len(r) == 1 for r in column) else np.asarray(column, dtype=object).T.tolist()


def outcome(spec: ExcelFunction, args: list[Any]) -> Any:
    """The registry's answer as comparable data: numbers (nested lists) or the error's text."""
    try:
        result = spec(*args)
    except ExcelError as exc:
        return ("error", exc.text)
    return ("value", np.asarray(result, dtype=float).tolist())
