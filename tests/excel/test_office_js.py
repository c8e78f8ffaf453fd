"""xlwings Lite and xlwings Server (Office.js custom functions), through xlwings' own
``custom_functions_meta`` and ``custom_functions_call`` in a fresh interpreter, with the
payloads Excel sends: every parameter a 2-D list, a blank cell ``""``, an omitted argument
``null``, an error cell as an ErrorCellValue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.support.arguments import as_row, outcome, working_arguments
from xlfuncs.excel.errors import DIV0
from xlfuncs.excel.registry import functions

FUNCTIONS = functions()
ROOT = Path(__file__).resolve().parents[2]


def two_d(value):
    """A parameter as Office.js sends it (dimensionality "matrix")."""
    if isinstance(value, list):
        return value if value and isinstance(value[0], list) else [value]
    return [[value]]


#: An error cell as Excel's Office.js runtime passes it when the add-in allows errors for "any"
#: parameters (xlwings sets allowErrorForDataTypeAny): an ErrorCellValue.
DIV0_CELL = {"type": "Error", "basicType": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"}


def cases():
    """(label, name, args as the registry takes them, payload as Office.js sends it)."""
    out = []
    for name, spec in FUNCTIONS.items():
        args = working_arguments(spec)
        forms = [("columns", args)]
        for position, arg in enumerate(spec.args[: len(args)]):
            if arg.kind not in ("vector", "matrix") or not isinstance(args[position], list):
                continue
            variants = {"row": as_row(args[position]), "one cell": [[args[position][0][0]]]}
            if arg.kind == "matrix":
                variants["one column"] = [[row[0]] for row in args[position]]
            for form, value in variants.items():
                changed = list(args)
                changed[position] = value
                forms.append((f"{arg.name} as {form}", changed))
        omitted = [None] * (len(spec.args) - len(args))
        for label, form in forms:
            out.append((label, name, form, [two_d(a) for a in form] + omitted))
        if omitted:
            out.append(("blank optional cells", name, args, [two_d(a) for a in args] + [[[""]]] * len(omitted)))
        first = spec.args[0]
        bad = [[[DIV0_CELL]]] + [two_d(a) for a in args[1:]] + omitted
        out.append((f"{first.name} holds #DIV/0!", name, [DIV0, *args[1:]], bad))
        ranges = [i for i, a in enumerate(args) if isinstance(a, list) and len(a) > 1]
        if ranges:
            position = ranges[0]
            typed = [list(row) for row in args[position]]
            sent = [list(row) for row in args[position]]
            typed[1][0], sent[1][0] = DIV0, DIV0_CELL
            changed, payload = list(args), [two_d(a) for a in args] + omitted
            changed[position], payload[position] = typed, sent
            out.append((f"an error cell inside {spec.args[position].name}", name, changed, payload))
    return out


CASES = cases()


@pytest.fixture(scope="module")
def office_js():
    calls = [{"name": name, "args": payload} for _, name, _, payload in CASES]
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.office_js"],
        input=json.dumps(calls), capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_every_function_registers_with_its_arguments(office_js):
    registered = {f["id"]: f for f in office_js["meta"]["functions"]}
    assert set(registered) == set(FUNCTIONS)
    for name, spec in FUNCTIONS.items():
        meta = registered[name]
        assert meta["name"] == name
        assert meta["description"] == spec.description
        assert [p["name"] for p in meta["parameters"]] == [a.name for a in spec.args]
        assert [p.get("optional", False) for p in meta["parameters"]] == [a.optional for a in spec.args]
        assert [p["description"] for p in meta["parameters"]] == [a.doc for a in spec.args]
    assert office_js["meta"]["allowErrorForDataTypeAny"] is True


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c[1]}: {c[0]}" for c in CASES])
def test_the_method_gets_what_the_user_selected(office_js, index):
    label, name, args, _payload = CASES[index]
    spec = FUNCTIONS[name]
    got = office_js["results"][index]
    kind, want = outcome(spec, args)
    if kind == "error":
        assert got == {"raised": want}, f"{name} with {label}"
        return
    assert "value" in got, f"{name} with {label}: {got}"
    want = [[want]] if spec.returns == "scalar" else want
    assert np.shape(got["value"]) == np.shape(want), f"{name} with {label}"
    np.testing.assert_allclose(np.asarray(got["value"], dtype=float), want, rtol=1e-12, atol=1e-12)
