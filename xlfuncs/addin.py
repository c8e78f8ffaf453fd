"""Setting up Excel to call xlfuncs.

Classic route (Windows desktop Excel): the xlwings add-in plus a user config naming
``xlfuncs.udfs`` in ``UDF_MODULES`` and the Python interpreter to run. Templates stay macro-free
``.xlsx``: the functions live in the add-in, and Excel stores calls to them as links to the
add-in's path (which ``xlfuncs check --fix`` and the headless engine read back as plain names).

Office.js route (xlwings Lite: Windows, Mac, Excel on the web; no VBA): nothing to install on
the machine; the Lite editor's requirements and ``main.py`` import the functions
(:data:`LITE_REQUIREMENTS`, :data:`LITE_MAIN`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

UDF_MODULE = "xlfuncs.udfs"

LITE_REQUIREMENTS = "xlfuncs\n"
LITE_MAIN = "from xlfuncs.udfs import *  # noqa: F401,F403 - every xlfuncs function\n"


def config_path() -> Path:
    """The xlwings user config: ``~/.xlwings/xlwings.conf``."""
    return Path.home() / ".xlwings" / "xlwings.conf"


def _parse(text: str) -> list[tuple[str, str]]:
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        key, _, value = line.partition(",")
        entries.append((key.strip().strip('"'), value.strip().strip('"')))
    return entries


def merged_config(existing: str, interpreter: str) -> str:
    """The xlwings config with xlfuncs added, keeping every other setting and UDF module.

    >>> print(merged_config('"UDF_MODULES","mytools"\\n', "C:/py/python.exe"), end="")
    "UDF_MODULES","mytools;xlfuncs.udfs"
    "INTERPRETER_WIN","C:/py/python.exe"
    """
    entries = dict(_parse(existing))
    modules = [m for m in entries.get("UDF_MODULES", "").split(";") if m]
    if UDF_MODULE not in modules:
        modules.append(UDF_MODULE)
    entries["UDF_MODULES"] = ";".join(modules)
    entries["INTERPRETER_WIN"] = interpreter
    return "".join(f'"{key}","{value}"\n' for key, value in entries.items())


def write_config(path: Path | None = None, interpreter: str | None = None) -> Path:
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    text = merged_config(existing, interpreter or sys.executable)
    temp = path.with_suffix(".conf.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return path


def classic_supported() -> tuple[bool, str]:
    """Whether classic (VBA/COM) UDFs can run here, and why not."""
    if sys.platform != "win32":
        return False, (
            "classic xlwings functions need desktop Excel on Windows (they run through COM and "
            "VBA). On Mac, Excel on the web, or a machine where macros are blocked, use xlwings "
            "Lite instead: see `xlfuncs addin lite`."
        )
    try:
        import pythoncom  # noqa: F401
    except ImportError:
        return False, "pywin32 is missing: install it with `pip install pywin32`, then run this again"
    return True, ""


def install_addin() -> None:
    """Run xlwings' own add-in installer (copies xlwings.xlam into Excel's XLSTART)."""
    command = shutil.which("xlwings")
    args = [command, "addin", "install"] if command else [sys.executable, "-m", "xlwings.cli", "addin", "install"]
    subprocess.run(args, check=True)
