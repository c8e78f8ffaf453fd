"""The ``xlfuncs`` command: each sub-command is a module in :mod:`xlfuncs.cli`.

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
Expected failures (a bad file, bad input) print one line and exit with status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from xlfuncs import __version__
from xlfuncs.methods.errors import InputError
from xlfuncs.xlsx.package import WorkbookError


class UserError(Exception):
    """A failure to report in one line (exit status 2)."""


def _commands():
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME"):
            found[module.NAME] = module
    return dict(sorted(found.items()))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlfuncs",
        description="Formulas and templates for funding children's social care.",
    )
    parser.add_argument("--version", action="version", version=f"xlfuncs {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _commands().items():
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except (UserError, WorkbookError, InputError, FileNotFoundError) as exc:
        print(f"xlfuncs {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"xlfuncs {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
