"""``xlfuncs functions``: the registered Excel functions and what each does."""

from __future__ import annotations

NAME = "functions"
HELP = "List every xlfuncs Excel function with its one-line description."


def add_arguments(parser) -> None:
    parser.add_argument(
        "--markdown", action="store_true", help="print the Markdown table kept in docs/functions.md"
    )


def run(args) -> int:
    from ..docs import functions_markdown, functions_text

    print(functions_markdown() if args.markdown else functions_text(), end="")
    return 0
