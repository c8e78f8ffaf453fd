"""``xlfuncs functions``: the registered Excel functions and what each does."""

from __future__ import annotations

from pathlib import Path

NAME = "functions"
HELP = "List every xlfuncs Excel function with its one-line description."


def add_arguments(parser) -> None:
    parser.add_argument(
        "--markdown", action="store_true", help="print the Markdown reference kept in docs/functions.md"
    )
    parser.add_argument(
        "--write-docs",
        metavar="REPO",
        type=Path,
        default=None,
        help="regenerate REPO/docs/functions.md and the lists in REPO/README.md",
    )


def run(args) -> int:
    from xlfuncs.excel.docs import functions_markdown, functions_text, generated_readme

    if args.write_docs:
        docs = args.write_docs / "docs" / "functions.md"
        docs.parent.mkdir(parents=True, exist_ok=True)
        docs.write_text(functions_markdown(), encoding="utf-8")
        readme = args.write_docs / "README.md"
        readme.write_text(generated_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"{docs}\n{readme}")
        return 0
    print(functions_markdown() if args.markdown else functions_text(), end="")
    return 0
