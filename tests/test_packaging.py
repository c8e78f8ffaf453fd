"""pyproject.toml lists every package and maps the data folders the wheel must carry."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def folders_with_init(top: Path, prefix: str) -> set[str]:
    return {
        ".".join((prefix, *init.parent.relative_to(top).parts)).rstrip(".")
        for init in top.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_packages_listed_are_the_package_folders_and_the_mapped_data():
    expected = folders_with_init(ROOT / "xlfuncs", "xlfuncs")
    expected |= {"xlfuncs.workbooks", "xlfuncs.samples", "xlfuncs.samples.ssda903"}
    assert set(SETUPTOOLS["packages"]) == expected


def test_data_folders_stay_at_the_top_of_the_repository():
    assert SETUPTOOLS["package-dir"] == {"xlfuncs.workbooks": "workbooks", "xlfuncs.samples": "samples"}
    assert "*.xlsx" in SETUPTOOLS["package-data"]["xlfuncs.workbooks"]
