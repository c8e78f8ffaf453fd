"""Setting up the classic add-in and the Lite route."""

import subprocess
import sys

from xlfuncs.excel import addin


def test_config_keeps_other_settings_and_modules(tmp_path):
    path = tmp_path / "xlwings.conf"
    path.write_text('"UDF_MODULES","budget_tools"\n"DEBUG UDFS","False"\n')
    addin.write_config(path, interpreter=r"C:\Python311\python.exe")
    addin.write_config(path, interpreter=r"C:\Python311\python.exe")  # idempotent
    assert path.read_text() == (
        '"UDF MODULES","budget_tools;xlfuncs.udfs"\n'
        '"DEBUG UDFS","False"\n'
        '"INTERPRETER_WIN","C:\\Python311\\python.exe"\n'
    )


def test_install_explains_itself_where_classic_udfs_cannot_run(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "xlfuncs", "addin", "install", "--config-file", str(tmp_path / "c.conf")],
        capture_output=True,
        text=True,
    )
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows machines
        return
    assert result.returncode == 2
    assert "need desktop Excel on Windows" in result.stderr
    assert "xlfuncs addin lite" in result.stderr
    assert not (tmp_path / "c.conf").exists()


def test_lite_steps_name_the_import():
    result = subprocess.run([sys.executable, "-m", "xlfuncs", "addin", "lite"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "from xlfuncs.udfs import *" in result.stdout
    assert "requirements.txt" in result.stdout


def test_custom_addin_is_built_from_the_template_xlwings_ships(tmp_path):
    """The add-in keeps workbooks .xlsx: it is an .xlam carrying the VBA the functions go into."""
    import zipfile

    built = addin.build_addin(tmp_path)
    assert built.name == "xlfuncs.xlam"
    with zipfile.ZipFile(built) as package:
        assert any(name.lower().endswith("vbaproject.bin") for name in package.namelist())
