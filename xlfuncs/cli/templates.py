"""``xlfuncs templates``: build the template workbooks from code into a folder.

The default folder is ``xlfuncs-templates`` in the current directory. A developer regenerates
the committed workbooks from the repository root with ``xlfuncs templates --out workbooks``.
Nothing is ever written inside the installed package or a site-packages folder: an upgrade
would silently replace (or a second user share) what was written there.
"""

from __future__ import annotations

import site
import sysconfig
from pathlib import Path

NAME = "templates"
HELP = (
    "Build the template workbooks from code into a folder (default: ./xlfuncs-templates; "
    "--out workbooks in a checkout regenerates the committed ones)."
)
DEFAULT_OUT = Path("xlfuncs-templates")


def add_arguments(parser) -> None:
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT,
        help=f"folder to write the templates to (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--without-addin", action="store_true",
        help="write the templates as they work without the add-in: every xlfuncs call in Excel's own "
        "functions, the few with no such form at their values with a note (as xlfuncs portable)",
    )


def install_folders() -> list[Path]:
    """Folders that belong to the Python installation: the xlfuncs package itself and every
    site-packages folder (the system's, the user's, this environment's)."""
    import xlfuncs

    folders = [Path(xlfuncs.__file__).parent]
    # getattr: some virtual environments' site module lacks these.
    folders += [Path(p) for p in getattr(site, "getsitepackages", list)()]
    folders += [Path(site.getusersitepackages())] if hasattr(site, "getusersitepackages") else []
    folders += [Path(sysconfig.get_path(key)) for key in ("purelib", "platlib")]
    return [folder.resolve() for folder in folders]


def inside_install(target: Path) -> Path | None:
    """The installation folder ``target`` lies in, or None when it lies in none."""
    resolved = target.resolve()
    for folder in install_folders():
        if resolved == folder or folder in resolved.parents:
            return folder
    return None


def run(args) -> int:
    from xlfuncs.cli import UserError
    from xlfuncs.templates import write_all

    folder = inside_install(args.out)
    if folder is not None:
        raise UserError(
            f"--out {args.out}: that is inside the Python installation ({folder}); "
            "write the templates to a folder of your own, e.g. --out xlfuncs-templates"
        )
    for path in write_all(args.out, without_addin=args.without_addin):
        print(path)
    return 0
