"""``xlfuncs functions``: the registered Excel functions and what each does."""

from __future__ import annotations

from pathlib import Path

from xlfuncs.excel.docs import functions_table

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
    from xlfuncs.excel.docs import functions_markdown, functions_text

    if args.write_docs:
        from xlfuncs.cli import UserError
        from xlfuncs.xlsx.atomic import write_text

        docs = args.write_docs / "docs" / "functions.md"
        readme = args.write_docs / "README.md"
        if not readme.is_file():
            raise UserError(f"{readme}: no README.md to bring up to date (--write-docs takes the repository's folder)")
        try:
            text = generated_readme(readme.read_text(encoding="utf-8"))
        except ValueError as exc:  # the markers of the generated lists are missing
            raise UserError(f"{readme}: {exc}") from None
        write_text(docs, functions_markdown())
        write_text(readme, text)
        print(f"{docs}\n{readme}")
        return 0
    print(functions_markdown() if args.markdown else functions_text(), end="")
    return 0


def templates_list() -> str:
    from xlfuncs.templates import templates

    lines = []
    for filename, template in templates().items():
        lines.append(f"* `workbooks/{filename}`: {template.title}.")
    return "\n".join(lines) + "\n"


def replace_block(text: str, block: str, content: str) -> str:
    """Replace what stands between ``<!-- block:start -->`` and ``<!-- block:end -->``."""
    start, end = f"<!-- {block}:start -->", f"<!-- {block}:end -->"
    head, found, rest = text.partition(start)
    if not found:
        raise ValueError(f"no {start} marker")
    _, found, tail = rest.partition(end)
    if not found:
        raise ValueError(f"no {end} marker")
    return f"{head}{start}\n{content}{end}{tail}"


def generated_readme(text: str) -> str:
    """The README with its generated lists (functions, templates) brought up to date."""
    text = replace_block(text, "functions", functions_table())
    return replace_block(text, "templates", templates_list())
