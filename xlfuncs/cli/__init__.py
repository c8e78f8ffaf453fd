"""The ``xlfuncs`` command: each sub-command is a module in :mod:`xlfuncs.cli`.

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.

Every failure of every command prints one line, ``xlfuncs COMMAND: FILE: reason``, and exits
with status 2, never a traceback: a refused or unreadable file, a bad argument, a path that is
a folder, a read-only or full disk. Outputs are written whole or not at all
(:mod:`xlfuncs.xlsx.atomic`), so the previous output stays as it was. A failure nobody
foresaw (a bug) is reported the same way, naming the file and the kind of error but none of
its text (which could quote a cell); ``XLFUNCS_DEBUG=1`` shows the traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import pkgutil
import sys
import traceback
from pathlib import Path

from lxml import etree

from xlfuncs import __version__
from xlfuncs.methods.errors import InputError
from xlfuncs.xlsx.package import WorkbookError

#: Exit status of every failure.
FAILED = 2
#: Arguments naming the file a command works on, in the order they are looked for.
_SUBJECTS = ("workbook", "template", "directory", "data", "output", "out", "config_file", "write_docs")


class UserError(Exception):
    """A failure to report in one line (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (the usage itself is in ``--help``)."""

    def error(self, message: str):
        self.exit(FAILED, f"{self.prog}: {one_line(message)} (see {self.prog} --help)\n")


def one_line(text: object) -> str:
    """``text`` with its line breaks and runs of spaces made single spaces."""
    return " ".join(str(text).split())


def _subject(args: argparse.Namespace) -> str:
    for name in _SUBJECTS:
        value = getattr(args, name, None)
        if isinstance(value, Path | str) and str(value):
            return str(value)
    return ""


def os_message(exc: OSError, subject: str = "") -> str:
    """An operating-system failure as "FILE: reason" (the file the system names, else ours)."""
    text = one_line(exc)
    if exc.filename is not None and isinstance(exc, FileExistsError | NotADirectoryError):
        path = Path(str(exc.filename))
        if path.exists() and not path.is_dir():
            return f"{path}: is a file, not a folder"
        return f"{path}: a part of this path is a file, not a folder"
    if exc.filename is not None and exc.strerror:
        names = str(exc.filename) + (f" -> {exc.filename2}" if exc.filename2 else "")
        return f"{names}: {one_line(exc.strerror)}"
    if exc.strerror and not text.startswith(subject or "\0"):
        return f"{subject}: {one_line(exc.strerror)}" if subject else one_line(exc.strerror)
    return text


def _internal(exc: BaseException, subject: str) -> str:
    """A bug, described without the exception's text (which may quote a cell's value)."""
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        where = f" in {Path(last.filename).stem}:{last.lineno}"
    what = "not enough memory" if isinstance(exc, MemoryError) else f"internal error ({type(exc).__name__}{where})"
    prefix = f"{subject}: " if subject else ""
    return f"{prefix}{what}; please report it (XLFUNCS_DEBUG=1 shows the details)"


def _commands():
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME"):
            found[module.NAME] = module
    return dict(sorted(found.items()))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xlfuncs",
        description="Formulas and templates for funding children's social care.",
    )
    parser.add_argument("--version", action="version", version=f"xlfuncs {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
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
        return FAILED
    subject = _subject(args)
    hook = sys.unraisablehook
    if not os.environ.get("XLFUNCS_DEBUG"):
        # a library's generator closed while failing (openpyxl on a full disk) would print a
        # traceback from the garbage collector: the failure itself is reported below
        sys.unraisablehook = lambda unraisable: None
    try:
        return int(args.run(args) or 0)
    except (UserError, WorkbookError, InputError) as exc:
        message = one_line(exc)
    except OSError as exc:
        message = os_message(exc, subject)
    except etree.SerialisationError as exc:  # lxml failing to write (openpyxl's temporary files)
        message = f"{subject}: cannot write: the disk is full or the file too large ({one_line(exc)})"
    except KeyboardInterrupt:
        print(f"xlfuncs {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the boundary: no traceback reaches a user
        if os.environ.get("XLFUNCS_DEBUG"):
            raise
        message = _internal(exc, subject)
    finally:
        gc.collect()  # what the failure left half-done is closed while the quiet hook is on
        sys.unraisablehook = hook
    print(f"xlfuncs {args.command}: {message}", file=sys.stderr)
    return FAILED


if __name__ == "__main__":
    sys.exit(main())
