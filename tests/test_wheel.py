"""The release files built from this tree: what the full and the slim wheel carry.

``scripts/release.py`` builds them once for the module (sdist, wheel from the sdist, twine
check); ``scripts/check_dist.py`` (run by ``scripts/test.sh``) installs them outside the
checkout and runs the commands.
"""

from __future__ import annotations

import hashlib
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from tests.support.scripts import release

ROOT = Path(__file__).resolve().parents[1]
VERSION = release.version()


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    release.release(folder)  # raises if a build or twine check fails
    return folder


def wheel_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as wheel:
        return {name: wheel.read(name) for name in wheel.namelist()}


def metadata(files: dict[str, bytes], dist_info: str):
    return Parser().parsestr(files[f"{dist_info}/METADATA"].decode())


@pytest.fixture(scope="module")
def full_wheel(dist) -> dict[str, bytes]:
    return wheel_files(dist / f"xlfuncs-{VERSION}-py3-none-any.whl")


@pytest.fixture(scope="module")
def lite_wheel(dist) -> dict[str, bytes]:
    return wheel_files(dist / f"xlfuncs_lite-{VERSION}-py3-none-any.whl")


class TestFullWheel:
    def test_carries_every_committed_template_byte_for_byte(self, full_wheel):
        committed = {p.name: p.read_bytes() for p in (ROOT / "workbooks").glob("*.xlsx")}
        shipped = {n.rpartition("/")[2]: d for n, d in full_wheel.items() if n.startswith("xlfuncs/workbooks/") and n.endswith(".xlsx")}
        from xlfuncs.templates import templates

        assert sorted(committed) == sorted(templates())
        assert shipped == committed

    def test_carries_every_sample(self, full_wheel):
        samples = ROOT / "samples"
        committed = {p.relative_to(samples).as_posix() for p in samples.rglob("*") if p.suffix in (".csv", ".md")}
        shipped = {n.removeprefix("xlfuncs/samples/") for n in full_wheel if n.startswith("xlfuncs/samples/") and not n.endswith(".py")}
        assert shipped == committed

    def test_is_pure_python_and_carries_no_tests_or_caches(self, full_wheel):
        wheel = full_wheel[f"xlfuncs-{VERSION}.dist-info/WHEEL"].decode()
        assert "Root-Is-Purelib: true" in wheel and "Tag: py3-none-any" in wheel
        tops = {n.split("/")[0] for n in full_wheel}
        assert tops == {"xlfuncs", f"xlfuncs-{VERSION}.dist-info"}
        assert not [n for n in full_wheel if n.endswith((".pyc", ".so", ".pyd")) or "__pycache__" in n]

    def test_metadata_states_the_dependencies_and_the_command(self, full_wheel):
        meta = metadata(full_wheel, f"xlfuncs-{VERSION}.dist-info")
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        assert meta["Name"] == "xlfuncs" and meta["Version"] == VERSION
        assert meta["License-Expression"] == "MIT"
        from packaging.requirements import Requirement

        plain = [d for d in meta.get_all("Requires-Dist") if "extra ==" not in d]
        assert sorted(str(Requirement(d)) for d in plain) == sorted(str(Requirement(d)) for d in project["dependencies"])
        assert "xlfuncs = xlfuncs.cli:main" in full_wheel[f"xlfuncs-{VERSION}.dist-info/entry_points.txt"].decode()


class TestSdist:
    def test_carries_the_templates_and_samples_it_builds_the_wheel_from(self, dist):
        with tarfile.open(dist / f"xlfuncs-{VERSION}.tar.gz") as sdist:
            names = {n.partition("/")[2] for n in sdist.getnames()}
        assert {f"workbooks/{p.name}" for p in (ROOT / "workbooks").glob("*.xlsx")} <= names
        assert {"samples/councils.csv", "samples/ssda903/2023/episodes.csv", "pyproject.toml", "LICENSE"} <= names


class TestLiteWheel:
    def test_holds_exactly_the_slim_set(self, lite_wheel):
        package = {n for n in lite_wheel if not n.startswith(f"xlfuncs_lite-{VERSION}.dist-info/")}
        assert package == set(release.lite_files())
        assert "xlfuncs/udfs.py" in package and "xlfuncs/excel/addin.py" not in package
        assert not [n for n in package if n.startswith(("xlfuncs/engine", "xlfuncs/templates", "xlfuncs/cli", "xlfuncs/workbooks"))]

    def test_depends_on_numpy_and_xlwings_only(self, lite_wheel):
        meta = metadata(lite_wheel, f"xlfuncs_lite-{VERSION}.dist-info")
        assert meta["Name"] == "xlfuncs-lite" and meta["Version"] == VERSION
        assert [release.requirement_name(d) for d in meta.get_all("Requires-Dist")] == ["numpy", "xlwings"]
        assert f"xlfuncs_lite-{VERSION}.dist-info/entry_points.txt" not in lite_wheel

    def test_is_pure_python(self, lite_wheel):
        assert "Tag: py3-none-any" in lite_wheel[f"xlfuncs_lite-{VERSION}.dist-info/WHEEL"].decode()


def test_checksums_cover_the_four_files(dist):
    lines = (dist / "SHA256SUMS").read_text().splitlines()
    sums = dict(reversed(line.split("  ")) for line in lines)
    assert sorted(sums) == sorted(p.name for p in dist.glob("xlfuncs*"))
    assert len(sums) == 4
    for name, digest in sums.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest
