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


LITE_STEPS = """xlwings Lite (Excel on Windows, Mac and the web; no VBA, no local Python):
  1. In Excel: Home > Add-ins, search "xlwings Lite", Add. Open it from the Home tab.
  2. In the Lite editor, open requirements.txt and add the line:
       {requirements}  3. Open main.py and add at the top:
       {main}  4. Click Restart. The functions appear as =UNIT_COST(...), =LAC_RATE(...), ...
     (Lite may show them under its namespace; saved workbooks record them as
     _xldudf_ names, which `xlfuncs recalc` and `xlfuncs check --fix` read back.)
  Note: under Office.js an empty cell arrives as 0, not blank; an error shows as #VALUE!
  with the message (naming the function and argument) when you hover over the cell.
"""


def run(args) -> int:
    from xlfuncs.cli import UserError
    from xlfuncs.excel import addin

    if args.action == "lite":
        print(LITE_STEPS.format(requirements=addin.LITE_REQUIREMENTS, main=addin.LITE_MAIN), end="")
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
