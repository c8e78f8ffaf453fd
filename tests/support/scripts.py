"""The repository's scripts (not a package) loaded as modules, for the tests that check them."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from tests.support.paths import ROOT


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: scripts/release.py: the distributions, the slim set, the checksums.
release = load_script("release")
