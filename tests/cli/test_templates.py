"""``xlfuncs templates``: a safe default folder, never the installation."""

from __future__ import annotations

from pathlib import Path

import xlfuncs
from xlfuncs.cli import main
from xlfuncs.cli.templates import inside_install
from xlfuncs.templates import build_bytes, templates


def test_default_folder_is_in_the_current_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["templates"]) == 0
    written = sorted(p.name for p in (tmp_path / "xlfuncs-templates").glob("*.xlsx"))
    assert written == sorted(templates())
    assert len(capsys.readouterr().out.splitlines()) == len(written)


def test_out_writes_what_the_code_builds(tmp_path):
    assert main(["templates", "--out", str(tmp_path / "t")]) == 0
    for filename, template in templates().items():
        assert (tmp_path / "t" / filename).read_bytes() == build_bytes(template)


def test_refuses_the_installed_package_and_site_packages(capsys):
    package = Path(xlfuncs.__file__).parent
    before = sorted(package.rglob("*.xlsx"))
    assert main(["templates", "--out", str(package / "workbooks")]) == 2
    assert "inside the Python installation" in capsys.readouterr().err
    assert sorted(package.rglob("*.xlsx")) == before
    import sysconfig

    assert inside_install(Path(sysconfig.get_path("purelib")) / "anything") is not None


def test_a_folder_of_ones_own_is_not_the_installation(tmp_path):
    assert inside_install(tmp_path / "templates") is None


def test_without_addin_writes_templates_that_call_no_xlfuncs_function(tmp_path):
    from xlfuncs.check import check_workbook
    from xlfuncs.portable import xlfuncs_cells
    from xlfuncs.xlsx.package import open_package

    assert main(["templates", "--without-addin", "--out", str(tmp_path / "t")]) == 0
    for filename in templates():
        path = tmp_path / "t" / filename
        assert xlfuncs_cells(open_package(path)) == 0, filename
        assert check_workbook(path).clean, filename
