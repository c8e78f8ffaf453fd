"""Where the templates and samples are found: through importlib.resources, in every layout."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

from xlfuncs.resources import samples_dir, workbooks_dir

ROOT = Path(__file__).resolve().parents[1]


def test_editable_install_maps_the_top_level_folders():
    # test.sh installs xlfuncs editable: the mapped packages are the repository's folders.
    assert Path(str(resources.files("xlfuncs.workbooks"))).resolve() == ROOT / "workbooks"
    assert workbooks_dir() == ROOT / "workbooks"
    assert samples_dir() == ROOT / "samples"
    assert (samples_dir() / "ssda903" / "2023" / "episodes.csv").is_file()
    from xlfuncs.templates import templates

    assert sorted(p.name for p in workbooks_dir().glob("*.xlsx")) == sorted(templates())


def test_a_checkout_run_in_place_finds_the_same_folders():
    # -I: no site-packages, so no editable install; only the checkout on sys.path.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from xlfuncs.resources import samples_dir, workbooks_dir;"
        "print(samples_dir()); print(workbooks_dir())"
    )
    done = subprocess.run([sys.executable, "-I", "-c", code, str(ROOT)],
                          capture_output=True, text=True, check=True, cwd="/")
    assert done.stdout.split() == [str(ROOT / "samples"), str(ROOT / "workbooks")]


def test_the_package_never_locates_files_from_its_own_path():
    # Path(__file__).parents[...] finds the checkout, not an installed wheel's files.
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "xlfuncs").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"Path\(__file__\)|os\.path\.dirname\(__file__\)", line)
    ]
    assert offenders == []
