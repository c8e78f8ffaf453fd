"""The files xlfuncs ships: the template workbooks and the bundled samples.

They live at the top of the repository (``workbooks/``, ``samples/``) and are mapped into the
package as ``xlfuncs.workbooks`` and ``xlfuncs.samples`` (``package-dir`` in
``pyproject.toml``), so an installed wheel and an editable install find them the same way,
through :mod:`importlib.resources`. Only a checkout run without installing (``python -m
xlfuncs`` from the repository root) has no such packages; there the folders beside the
package are the same files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The packages the top-level folders become when xlfuncs is installed.
WORKBOOKS_PACKAGE = "xlfuncs.workbooks"
SAMPLES_PACKAGE = "xlfuncs.samples"


def _folder(package: str) -> Path:
    """The folder holding ``package``'s files, as a real path (the engine and the CSV readers
    take paths; pip installs packages unzipped, so the files are always on disk)."""
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        # Not installed: a checkout run in place. The folder sits beside the package.
        name = package.rpartition(".")[2]
        root = resources.files("xlfuncs").joinpath("..", name)
    if not isinstance(root, Path) or not root.is_dir():
        raise FileNotFoundError(
            f"{package}: this xlfuncs has no {package.rpartition('.')[2]} folder; "
            "install xlfuncs with pip from its wheel or sdist"
        )
    return root.resolve()


def samples_dir() -> Path:
    """The bundled (synthetic) samples: ``samples/`` in the repository."""
    return _folder(SAMPLES_PACKAGE)


def workbooks_dir() -> Path:
    """The committed template workbooks: ``workbooks/`` in the repository."""
    return _folder(WORKBOOKS_PACKAGE)
