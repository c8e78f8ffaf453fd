"""The layers of the package, checked from the imports each module makes (top-level and inside
functions alike), so the tree keeps saying where things go.

    methods  <-  data  <-  excel  <-  engine  <-  batch, check, templates  <-  cli
    xlsx (files) sits beside them: it knows Excel's error values and nothing of the methods.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xlfuncs"


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in paths:
        for name in sorted(imports_of(path)):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return bad


#: What a layer must not import.
RULES = {
    "methods": (
        "xlwings", "openpyxl", "lxml", "formulas", "schedula", "pandas",
        "xlfuncs.excel", "xlfuncs.registry", "xlfuncs.udfs", "xlfuncs.engine", "xlfuncs.xlsx",
        "xlfuncs.data", "xlfuncs.batch", "xlfuncs.check", "xlfuncs.templates", "xlfuncs.cli",
    ),
    "data": (
        "xlwings", "openpyxl", "formulas", "xlfuncs.excel", "xlfuncs.engine", "xlfuncs.xlsx",
        "xlfuncs.batch", "xlfuncs.check", "xlfuncs.templates", "xlfuncs.cli",
    ),
    "excel": ("openpyxl", "lxml", "formulas", "schedula", "xlfuncs.engine", "xlfuncs.xlsx.writer",
              "xlfuncs.batch", "xlfuncs.check", "xlfuncs.templates", "xlfuncs.cli"),
    "xlsx": ("xlwings", "formulas", "xlfuncs.methods", "xlfuncs.data", "xlfuncs.excel.registry",
             "xlfuncs.excel.catalog", "xlfuncs.engine", "xlfuncs.batch", "xlfuncs.check",
             "xlfuncs.templates", "xlfuncs.cli"),
    "engine": ("xlwings", "openpyxl.writer", "xlfuncs.batch", "xlfuncs.check", "xlfuncs.templates",
               "xlfuncs.cli", "xlfuncs.methods", "xlfuncs.data"),
    "batch": ("xlwings", "xlfuncs.check", "xlfuncs.templates", "xlfuncs.cli"),
    "check": ("xlwings", "xlfuncs.batch", "xlfuncs.templates", "xlfuncs.cli"),
    "templates": ("xlwings", "xlfuncs.cli", "xlfuncs.batch"),
}


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_imports(layer):
    assert modules(layer), f"no modules in xlfuncs/{layer}"
    assert offending(modules(layer), RULES[layer]) == []


def test_methods_import_only_numpy_scipy_and_each_other():
    allowed = ("numpy", "scipy", "xlfuncs.methods", "__future__", "math", "re", "dataclasses",
               "typing", "collections", "datetime", "itertools", "functools", "warnings", "enum")
    stray = []
    for path in modules("methods"):
        for name in imports_of(path):
            root = name.split(".")[0]
            if name.startswith("xlfuncs.") and not name.startswith("xlfuncs.methods"):
                stray.append(f"{path.name}: {name}")
            elif root != "xlfuncs" and not any(name == a or name.startswith(a + ".") for a in allowed):
                stray.append(f"{path.name}: {name}")
    assert stray == []


def test_nothing_but_the_adapter_imports_xlwings():
    users = [
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if any(n == "xlwings" or n.startswith("xlwings.") for n in imports_of(path))
    ]
    assert sorted(users) == ["xlfuncs/excel/addin.py", "xlfuncs/excel/xlwings_udfs.py"]


def test_the_reference_harness_is_test_code():
    assert not (PACKAGE / "reference").exists()
    assert not [p for p in PACKAGE.rglob("*.py") if "soffice" in p.read_text(encoding="utf-8")]


def test_historic_import_paths_still_work():
    """Excel configurations name ``xlfuncs.udfs``; scripts call ``xlfuncs.registry.functions``."""
    import xlfuncs.registry
    import xlfuncs.udfs

    assert "UNIT_COST" in xlfuncs.registry.functions()
    assert callable(xlfuncs.udfs.UNIT_COST)
    assert set(xlfuncs.udfs.__all__) == set(xlfuncs.registry.functions())
