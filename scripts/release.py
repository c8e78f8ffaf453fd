"""Build what a maintainer publishes, into ``dist/``.

    python scripts/release.py [--dist dist] [--no-check]

Writes, for the version in ``xlfuncs/__init__.py``:

* ``xlfuncs-V-py3-none-any.whl`` and ``xlfuncs-V.tar.gz``: the whole package (every command,
  the engine, the template workbooks, the samples);
* ``xlfuncs_lite-V-py3-none-any.whl`` and ``xlfuncs_lite-V.tar.gz``: the distribution
  ``xlfuncs-lite``, only what ``xlfuncs.udfs`` imports (the methods and their Excel face),
  depending on numpy and xlwings alone: what xlwings Lite should download at every start. It
  installs the same import package ``xlfuncs``; install one distribution or the other;
* ``SHA256SUMS``: ``sha256sum -c SHA256SUMS`` checks the four files.

Each sdist is built first and each wheel from its sdist (``python -m build``), so a file the
sdist forgets fails the build. ``twine check`` then checks the four files' metadata. Build from
a clean checkout: the script says so when ``git status`` shows changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LITE_NAME = "xlfuncs-lite"
#: Single modules of the slim distribution: the import paths Excel names, the registry and the
#: native forms its declarations carry, the coercion and the one error path, the xlwings adapter.
LITE_MODULES = (
    "xlfuncs/__init__.py",
    "xlfuncs/py.typed",
    "xlfuncs/udfs.py",
    "xlfuncs/registry.py",
    "xlfuncs/excel/__init__.py",
    "xlfuncs/excel/registry.py",
    "xlfuncs/excel/native.py",
    "xlfuncs/excel/coercion.py",
    "xlfuncs/excel/errors.py",
    "xlfuncs/excel/xlwings_udfs.py",
)
#: Whole packages of the slim distribution: the declarations and the methods they call.
LITE_PACKAGES = ("xlfuncs/excel/catalog", "xlfuncs/methods")
#: The slim distribution's dependencies, with the bounds the full package gives them.
LITE_DEPENDENCIES = ("numpy", "xlwings")

LITE_README = """\
# xlfuncs-lite

The Excel functions of [xlfuncs](https://pypi.org/project/xlfuncs/) and nothing else: the
methods and their Excel face, for xlwings Lite, which downloads a workbook's packages every
time it starts. It depends on numpy and xlwings only.

In xlwings Lite, `requirements.txt`:

    xlfuncs-lite

and `main.py`:

    from xlfuncs.udfs import *  # noqa: F401,F403

Three functions need scipy (LAC_SPEARMAN, LAC_MANN_WHITNEY, LAC_FORECAST_INTERVAL): without
it they give #N/A with a message saying so; add the line `scipy` to `requirements.txt` to use
them (Pyodide provides it). The template workbooks, the headless engine and the `xlfuncs` command are in the full
package, `pip install xlfuncs`. Install one of the two distributions, not both: they hold the
same `xlfuncs` package.
"""


def version(root: Path = ROOT) -> str:
    """The package version, as ``xlfuncs.__version__`` states it."""
    text = (root / "xlfuncs" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not found:
        raise SystemExit("release: no __version__ in xlfuncs/__init__.py")
    return found.group(1)


def project(root: Path = ROOT) -> dict:
    with (root / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]


def requirement_name(requirement: str) -> str:
    """The distribution a requirement names, normalised: ``"numpy>=1.26"`` -> ``"numpy"``."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement.strip())
    return re.sub(r"[-_.]+", "-", name.group(0)).lower() if name else ""


def lite_dependencies(root: Path = ROOT) -> list[str]:
    """The full package's requirements on the slim distribution's dependencies."""
    wanted = {requirement_name(d): d for d in project(root)["dependencies"]}
    missing = [name for name in LITE_DEPENDENCIES if name not in wanted]
    if missing:
        raise SystemExit(f"release: pyproject.toml does not require {', '.join(missing)}")
    return [wanted[name] for name in LITE_DEPENDENCIES]


def lite_files(root: Path = ROOT) -> list[str]:
    """Every file of the slim distribution, relative to ``root``."""
    files = set(LITE_MODULES)
    for package in LITE_PACKAGES:
        files.update(
            path.relative_to(root).as_posix()
            for path in (root / package).rglob("*.py")
            if "__pycache__" not in path.parts
        )
    return sorted(files)


def _toml(value: object) -> str:
    # JSON strings and lists of strings are valid TOML basic strings and arrays.
    return json.dumps(value, ensure_ascii=False)


def lite_pyproject(root: Path = ROOT) -> str:
    full = project(root)
    return "\n".join([
        "[build-system]",
        'requires = ["setuptools>=77"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {_toml(LITE_NAME)}",
        f"version = {_toml(version(root))}",
        f"description = {_toml('The Excel functions of xlfuncs for xlwings Lite: numpy and xlwings only')}",
        'readme = "README.md"',
        f"license = {_toml(full['license'])}",
        'license-files = ["LICENSE"]',
        f"requires-python = {_toml(full['requires-python'])}",
        "authors = [" + ", ".join(f"{{ name = {_toml(a['name'])} }}" for a in full["authors"]) + "]",
        f"classifiers = {_toml(full['classifiers'])}",
        f"dependencies = {_toml(lite_dependencies(root))}",
        "",
        "[tool.setuptools.packages.find]",
        'include = ["xlfuncs*"]',
        "",
        "[tool.setuptools.package-data]",
        'xlfuncs = ["py.typed"]',
        "",
    ])


def stage_lite(stage: Path, root: Path = ROOT) -> Path:
    """Lay out the slim distribution's project in ``stage``; returns ``stage``."""
    for relative in lite_files(root):
        target = stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / relative, target)
    shutil.copyfile(root / "LICENSE", stage / "LICENSE")
    (stage / "README.md").write_text(LITE_README, encoding="utf-8")
    (stage / "pyproject.toml").write_text(lite_pyproject(root), encoding="utf-8")
    return stage


def build(project_dir: Path, dist: Path) -> list[Path]:
    """``python -m build``: the sdist, then the wheel from it; returns the two files."""
    before = set(dist.glob("*"))
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(project_dir)],
        capture_output=True, text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"release: building {project_dir} failed")
    return sorted(set(dist.glob("*")) - before)


def write_checksums(files: list[Path], dist: Path) -> Path:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads."""
    lines = [f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.name}" for f in sorted(files)]
    target = dist / "SHA256SUMS"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def twine_check(files: list[Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
        capture_output=True, text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("release: twine check failed")


def dirty(root: Path = ROOT) -> list[str]:
    """Changed or untracked files under the folders that go into the distributions."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--", "xlfuncs", "workbooks", "samples", "pyproject.toml"],
        cwd=root, capture_output=True, text=True,
    )
    return done.stdout.splitlines() if done.returncode == 0 else []


def release(dist: Path, check: bool = True, root: Path = ROOT) -> list[Path]:
    """Build the four files and their checksums into ``dist``; returns the four files."""
    dist.mkdir(parents=True, exist_ok=True)
    for stale in dist.glob("xlfuncs*"):
        stale.unlink()
    files = build(root, dist)
    with tempfile.TemporaryDirectory(prefix="xlfuncs-lite-") as stage:
        files += build(stage_lite(Path(stage), root), dist)
    if check:
        twine_check(files)
    write_checksums(files, dist)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--no-check", action="store_true", help="skip twine check")
    args = parser.parse_args(argv)
    changed = dirty()
    if changed:
        print(f"release: {len(changed)} uncommitted changes go into these files; "
              "publish only what a clean checkout builds", file=sys.stderr)
    files = release(args.dist.resolve(), check=not args.no_check)
    for path in files:
        print(f"{path}  {path.stat().st_size:,} bytes")
    print(f"{args.dist / 'SHA256SUMS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
