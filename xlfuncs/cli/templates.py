"""``xlfuncs templates``: rebuild the template workbooks from code."""

from __future__ import annotations

from pathlib import Path

NAME = "templates"
HELP = "Build the template workbooks from code into a folder (default: the repository's workbooks/)."


def add_arguments(parser) -> None:
    parser.add_argument("--out", type=Path, default=None, help="folder to write the templates to")


def run(args) -> int:
    from xlfuncs.templates import WORKBOOKS_DIR, write_all

    for path in write_all(args.out or WORKBOOKS_DIR):
        print(path)
    return 0
