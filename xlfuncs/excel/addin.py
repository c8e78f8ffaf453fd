"""Setting up Excel to call xlfuncs.

Classic route (Windows desktop Excel): an xlwings *custom add-in* (``xlfuncs.xlam``, made from
the add-in template that xlwings ships) into which the xlfuncs functions are imported, installed
in Excel's XLSTART folder, plus a config naming ``xlfuncs.udfs`` in ``UDF MODULES`` and the
Python interpreter to run. The functions live in the add-in, so workbooks stay macro-free
``.xlsx`` (the plain xlwings add-in would import them into each workbook, which must then be
``.xlsm``); Excel stores calls to them as links to the add-in's path, which
``xlfuncs check --fix`` and the headless engine read back as plain names.

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

from xlfuncs.xlsx.atomic import write_text

UDF_MODULE = "xlfuncs.udfs"

LITE_REQUIREMENTS = "xlfuncs-lite\n"
LITE_MAIN = "from xlfuncs.udfs import *  # noqa: F401,F403 - every xlfuncs function\n"


#: The custom add-in template inside xlwings keeps its VBA project name, so its user config is
#: ``~/.myaddin/myaddin.conf``; the plain xlwings config is written too.
ADDIN_PROJECT = "myaddin"
ADDIN_FILE = "xlfuncs.xlam"


def config_path() -> Path:
    """The xlwings user config: ``~/.xlwings/xlwings.conf``."""
    return Path.home() / ".xlwings" / "xlwings.conf"


def addin_config_path() -> Path:
    """The custom add-in's user config: ``~/.myaddin/myaddin.conf``."""
    return Path.home() / f".{ADDIN_PROJECT}" / f"{ADDIN_PROJECT}.conf"


def addin_template() -> Path:
    """xlwings' custom add-in template (an .xlam with its VBA; no ribbon)."""
    import xlwings

    path = Path(xlwings.__file__).with_name("quickstart_addin.xlam")
    if not path.exists():
        raise FileNotFoundError(f"this xlwings ({xlwings.__version__}) ships no custom add-in template")
    return path


def build_addin(folder: Path | None = None) -> Path:
    """Copy the custom add-in template to ``folder/xlfuncs.xlam`` (default ``~/.xlfuncs``)."""
    folder = folder or Path.home() / ".xlfuncs"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ADDIN_FILE
    shutil.copyfile(addin_template(), target)
    return target


def _parse(text: str) -> list[tuple[str, str]]:
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        key, _, value = line.partition(",")
        entries.append((key.strip().strip('"'), value.strip().strip('"')))
    return entries


#: The keys xlfuncs writes, spelt as xlwings' add-in VBA reads them (``GetConfig("UDF MODULES")``
#: in ``xlwings_custom_addin.bas`` and ``addin/Main.bas``); xlwings compares keys case-blind.
UDF_MODULES_KEY = "UDF MODULES"
INTERPRETER_KEY = "INTERPRETER_WIN"
#: Keys earlier xlfuncs releases wrote that xlwings never reads: repaired on the next write.
MISSPELT_KEYS = {"UDF_MODULES": UDF_MODULES_KEY}


def merged_config(existing: str, interpreter: str) -> str:
    """The xlwings config with xlfuncs added, keeping every other setting and UDF module.

    A ``UDF_MODULES`` line (which xlwings ignores) is folded into ``UDF MODULES``.

    >>> print(merged_config('"UDF_MODULES","mytools"\\n"SHOW CONSOLE","False"\\n', "C:/py/python.exe"), end="")
    "UDF MODULES","mytools;xlfuncs.udfs"
    "SHOW CONSOLE","False"
    "INTERPRETER_WIN","C:/py/python.exe"
    """
    modules: list[str] = []
    others: list[tuple[str, str]] = []
    for key, value in _parse(existing):
        canonical = MISSPELT_KEYS.get(key.upper(), key).upper()
        if canonical == UDF_MODULES_KEY:
            modules.extend(m.strip() for m in value.split(";") if m.strip())
        elif canonical != INTERPRETER_KEY:
            others.append((key, value))
    modules.append(UDF_MODULE)
    entries = [(UDF_MODULES_KEY, ";".join(dict.fromkeys(modules))), *others, (INTERPRETER_KEY, interpreter)]
    return "".join(f'"{key}","{value}"\n' for key, value in entries)


def written_keys() -> set[str]:
    """Every key :func:`merged_config` writes for xlfuncs."""
    return {key for key, _ in _parse(merged_config("", "python"))}


def write_config(path: Path | None = None, interpreter: str | None = None) -> Path:
    """Add xlfuncs to an xlwings-style config file, keeping what else it holds.

    A config the user made read-only is left alone (:class:`AddinError` says so).
    """
    path = path or config_path()
    if path.exists() and not os.access(path, os.W_OK):
        raise AddinError(f"{path}: cannot write: the config is read-only; make it writable, or add the line "
                         f'"{UDF_MODULES_KEY}","{UDF_MODULE}" yourself')
    existing = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    try:
        write_text(path, merged_config(existing, interpreter or sys.executable))
    except OSError as exc:
        raise AddinError(str(exc)) from None
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


class AddinError(RuntimeError):
    """Excel refused a step of the add-in set-up; the message says what to change."""


def import_functions(addin: Path) -> None:
    """Have Excel import the xlfuncs functions into the custom add-in's VBA project.

    Runs the add-in's own ``ImportPythonUDFsToAddin`` macro through xlwings, then saves it.
    Excel must trust access to the VBA project object model for this one step.
    """
    import xlwings as xw

    app = xw.App(visible=False, add_book=False)
    try:
        book = app.books.open(str(addin))
        try:
            book.macro("ImportPythonUDFsToAddin")()
        except Exception as exc:  # noqa: BLE001 - COM errors vary; the remedy is the same
            raise AddinError(
                "Excel would not let xlfuncs import its functions into the add-in "
                f"({exc}). In Excel: File > Options > Trust Center > Trust Center Settings > "
                "Macro Settings, tick 'Trust access to the VBA project object model', then run "
                "`xlfuncs addin install` again (you can untick it afterwards)."
            ) from None
        book.save()
        book.close()
    finally:
        app.quit()


def install_addin(addin: Path) -> None:
    """Run xlwings' installer for the custom add-in (copies it into Excel's XLSTART)."""
    command = shutil.which("xlwings")
    base = [command] if command else [sys.executable, "-m", "xlwings.cli"]
    subprocess.run([*base, "addin", "install", "--file", str(addin)], check=True)
