"""Shared fixtures: real engines only.

``libreoffice``: LibreOffice headless must be installed (scripts/install-libreoffice.sh). In CI
(``CI=true``) its absence fails the test; elsewhere the test is skipped with a clear message.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from tests.support import libreoffice as lo

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def libreoffice():
    """The LibreOffice module, once LibreOffice is known to be installed."""
    if not lo.available():
        message = "LibreOffice headless is not installed: run scripts/install-libreoffice.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return lo


@pytest.fixture
def recalculated(tmp_path):
    """Recalculate a workbook headlessly; returns (report, data_only openpyxl workbook)."""
    from xlfuncs.engine import recalculate

    def run(path, name="out.xlsx"):
        target = tmp_path / name
        report = recalculate(path, target)
        return report, openpyxl.load_workbook(target, data_only=True)

    return run


@pytest.fixture
def libreoffice_values(libreoffice, tmp_path):
    """Recalculate a workbook in LibreOffice (forced on load); returns a data_only workbook."""

    def run(path):
        out = libreoffice.recalculate_file(path, tmp_path / "libreoffice")
        return openpyxl.load_workbook(out, data_only=True)

    return run
