"""``xlfuncs addin install | config | lite``: put xlfuncs in Excel."""

from __future__ import annotations

from pathlib import Path

NAME = "addin"
HELP = "Install the xlfuncs Excel add-in (Windows desktop Excel), or show the xlwings Lite set-up."


def add_arguments(parser) -> None:
    parser.add_argument(
        "action",
        choices=["install", "config", "lite"],
        help="install: the xlfuncs add-in for desktop Excel on Windows (functions imported, "
        "config written); config: write the config only; lite: print the xlwings Lite steps",
    )
    parser.add_argument("--config-file", type=Path, default=None, help="xlwings config to write")


#: The slim distribution Lite should download: the functions only (numpy and xlwings), built
#: by scripts/release.py beside the full package; its wheel's file name for this version.
LITE_DISTRIBUTION = "xlfuncs-lite"
LITE_WHEEL = "xlfuncs_lite-{version}-py3-none-any.whl"
FULL_WHEEL = "xlfuncs-{version}-py3-none-any.whl"

LITE_STEPS = """xlwings Lite (Excel on Windows, Mac and the web; no VBA, no local Python):
  1. In Excel: Home > Add-ins, search "xlwings Lite", Add. Open it from the Home tab.
  2. In the Lite editor, open requirements.txt and add ONE line, as your case is:
     - once xlfuncs is published on the public package index (PyPI):
         {lite_name}
     - before that, or to use a release your council has checked: the https address of
       the wheel {lite_wheel}
       (scripts/release.py builds it into dist/, with its SHA256SUMS), for example
         https://YOUR-WEB-SERVER/xlfuncs/{lite_wheel}
       Lite runs in the browser: it takes a package name or an https link to a .whl file,
       not a file on your disk, and the server must allow cross-origin requests (send
       Access-Control-Allow-Origin); GitHub release downloads do not.
     {lite_name} downloads numpy and xlwings only. Add the line scipy as well for
     LAC_SPEARMAN, LAC_MANN_WHITNEY and LAC_FORECAST_INTERVAL (without it they show #N/A
     saying so). The line xlfuncs (the full package) works too, but downloads about four
     times as much at every start.
  3. Open main.py and add at the top:
       {main}  4. Click Restart. The functions appear as =UNIT_COST(...), =LAC_RATE(...), ...
     (Lite may show them under its namespace; saved workbooks record them as
     _xldudf_ names, which `xlfuncs recalc` and `xlfuncs check --fix` read back.)
  Note: under Office.js a bad input shows #VALUE!; hover over the cell for the message
  naming the function and the argument. A blank cell arrives as blank (a blank optional
  argument takes its default) and an error cell as that error.

Desktop Python (the xlfuncs command, templates, recalculation without Excel):
  once published:   pip install xlfuncs
  before that:      pip install ./{full_wheel}
                    (the wheel file from dist/, or its https address)
"""


def lite_steps(main: str) -> str:
    """The xlwings Lite steps for this version, with ``main`` the line for main.py."""
    from xlfuncs import __version__

    return LITE_STEPS.format(
        lite_name=LITE_DISTRIBUTION,
        lite_wheel=LITE_WHEEL.format(version=__version__),
        full_wheel=FULL_WHEEL.format(version=__version__),
        main=main,
    )


def run(args) -> int:
    from xlfuncs.cli import UserError
    from xlfuncs.excel import addin

    if args.action == "lite":
        print(lite_steps(addin.LITE_MAIN), end="")
        return 0
    if args.action == "config":
        try:
            path = addin.write_config(args.config_file)
        except addin.AddinError as exc:
            raise UserError(str(exc)) from None
        print(f"{path}: {addin.UDF_MODULES_KEY} includes {addin.UDF_MODULE}")
        return 0
    supported, why = addin.classic_supported()
    if not supported:
        raise UserError(why)
    built = addin.build_addin()
    try:
        for path in (args.config_file or addin.config_path(), addin.addin_config_path()):
            addin.write_config(path)
        addin.import_functions(built)
    except addin.AddinError as exc:
        raise UserError(str(exc)) from None
    addin.install_addin(built)
    print(f"{built.name} installed in Excel's XLSTART folder with every xlfuncs function;")
    print(f"{addin.addin_config_path()} loads {addin.UDF_MODULE} with this Python.")
    print("Restart Excel, then type =UNIT_COST(5000000, 1000) in a cell (expect 95.89).")
    print("Workbooks stay .xlsx: the functions live in the add-in.")
    return 0
