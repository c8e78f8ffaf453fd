"""``xlfuncs samples``: copy the bundled synthetic samples into a folder to try the commands on.

The samples ship inside the package (``samples/`` in the repository): a SYNTHETIC panel of
English local authorities in DfE's layout (``la_panel.csv``: real names and codes, generated
figures), one row per council for ``xlfuncs batch`` (``councils.csv``) and five years of a
generated SSDA903 return with no real child in it (``ssda903/``); their README.md says how each
was made. Files already in the folder are left as they are.
"""

from __future__ import annotations

from pathlib import Path

NAME = "samples"
HELP = "Copy the bundled synthetic samples (council panel, batch CSV, SSDA903 return) into a folder."
DEFAULT_OUT = Path("xlfuncs-samples")


def add_arguments(parser) -> None:
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"folder to copy them to (default: {DEFAULT_OUT})"
    )


def sample_files(root: Path) -> list[Path]:
    """The sample files under ``root``, relative to it (the package's own module left out)."""
    return sorted(
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and path.suffix in (".csv", ".md")
    )


def run(args) -> int:
    from xlfuncs.resources import samples_dir
    from xlfuncs.xlsx.atomic import write_bytes

    root = samples_dir()
    copied = kept = 0
    for relative in sample_files(root):
        target = args.out / relative
        if target.exists():
            kept += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(target, (root / relative).read_bytes(), durable=False)
        copied += 1
    print(f"{args.out}: {copied} sample files copied, {kept} already there (synthetic data, see README.md)")
    print(f"  try: xlfuncs forecast-903 {args.out / 'ssda903'} --out forecast.csv")
    print(f"       xlfuncs templates --out templates && xlfuncs batch templates/spend_variation.xlsx "
          f"{args.out / 'councils.csv'} --out batch")
    return 0
