"""The portable copies of every template and of the native-calls workbook, made once, with
LibreOffice's recalculation of each (one LibreOffice start for all) and ``xlfuncs recalc`` of
each original."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import native_calls
from tests.support.cached import cached_values
from xlfuncs.engine import recalculate
from xlfuncs.portable import PortableReport, make_portable
from xlfuncs.templates import WORKBOOKS_DIR, templates

TEMPLATES = sorted(templates())
CALLS = "native_calls.xlsx"


@dataclass
class Copy:
    """One workbook made portable: the original, the copy and what each engine gives."""

    original: Path
    portable: Path
    report: PortableReport
    expected: dict[str, dict[str, Any]]  # xlfuncs recalc of the original
    libreoffice: dict[str, dict[str, Any]]  # LibreOffice's recalculation of the copy


@pytest.fixture(scope="session")
def portable_copies(libreoffice, tmp_path_factory) -> dict[str, Copy]:
    folder = tmp_path_factory.mktemp("portable")
    sources = {name: WORKBOOKS_DIR / name for name in TEMPLATES}
    sources[CALLS] = native_calls.build(folder / "original-calls.xlsx")
    reports = {name: make_portable(source, folder / name) for name, source in sources.items()}
    recalculated = libreoffice.recalculate_files([folder / name for name in sources], folder / "libreoffice")
    copies = {}
    for (name, source), from_libreoffice in zip(sources.items(), recalculated, strict=True):
        expected = recalculate(source, folder / f"recalculated-{name}").values
        copies[name] = Copy(source, folder / name, reports[name], expected, cached_values(from_libreoffice))
    return copies
