"""Every command of ``xlfuncs``, driven into every way it can fail: a missing file, a folder
where a file belongs (and a file where a folder belongs), a file that is not what it should
be, an output on a read-only disk, an output on a full disk, an output that is the input.

Each must fail with one line on stderr, ``xlfuncs COMMAND: ...`` naming the file and the
reason, exit status 2, no traceback, the previous output left byte for byte as it was, and no
temporary file left behind. The commands run as real child processes, as a user runs them.
Full and read-only disks are real file systems where the tests run as root
(tests/support/disks.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import disks
from tests.support.paths import SAMPLES, WORKBOOKS

TEMPLATE = WORKBOOKS / "unit_costs.xlsx"
BATCH_TEMPLATE = WORKBOOKS / "spend_variation.xlsx"
SSDA903 = SAMPLES / "ssda903"
PREVIOUS = b"the previous output, which must survive"


@dataclass
class Case:
    """One failure: the command line (built in a folder), the text its one line must hold,
    and the outputs that must stay as they were."""

    argv: Callable[[Path], list[str]]
    expect: str
    outputs: Callable[[Path], list[Path]] = lambda folder: []
    disk: str = ""  # "full" or "read-only": the folder "disk" is such a disk
    kept: dict[str, bytes] = field(default_factory=dict)  # files on that disk before the run


def _inputs(folder: Path) -> None:
    (folder / "notes.txt").write_text("not a workbook\n")
    (folder / "folder").mkdir(exist_ok=True)
    (folder / "councils.csv").write_text("Council\nE06000034\nE09000033\n")
    (folder / "binary.csv").write_bytes(b"\xff\xfe\x00\x00garbage")
    (folder / "prev.xlsx").write_bytes(PREVIOUS)
    shutil.copy(TEMPLATE, folder / "model.xlsx")
    shutil.copy(BATCH_TEMPLATE, folder / "sv.xlsx")
    repo = folder / "repo"
    repo.mkdir(exist_ok=True)
    (repo / "README.md").write_text("no generated blocks here\n")


def _p(folder: Path, *names: str) -> str:
    return str(folder.joinpath(*names))


_BUDGET = ["--as-at", "2022-12-31", "--costs", str(SAMPLES / "budget_costs.csv")]
_KEPT = {"out.xlsx": PREVIOUS, "out.csv": PREVIOUS, "summary.csv": PREVIOUS, "x.conf": PREVIOUS}


def _disk_outputs(names: tuple[str, ...]) -> Callable[[Path], list[Path]]:
    return lambda folder: [folder / "disk" / n for n in names]


CASES: dict[str, Case] = {
    # recalc
    "recalc: no such file": Case(lambda f: ["recalc", _p(f, "missing.xlsx"), "-o", _p(f, "prev.xlsx")], "missing.xlsx: no such file", lambda f: [f / "prev.xlsx"]),
    "recalc: input is a folder": Case(lambda f: ["recalc", _p(f, "folder"), "-o", _p(f, "prev.xlsx")], "folder: not a file", lambda f: [f / "prev.xlsx"]),
    "recalc: input is not a workbook": Case(lambda f: ["recalc", _p(f, "notes.txt"), "-o", _p(f, "prev.xlsx")], "notes.txt: not an .xlsx workbook", lambda f: [f / "prev.xlsx"]),
    "recalc: output is a folder": Case(lambda f: ["recalc", _p(f, "model.xlsx"), "-o", _p(f, "folder")], "folder: is a folder"),
    "recalc: output under a file": Case(lambda f: ["recalc", _p(f, "model.xlsx"), "-o", _p(f, "notes.txt", "out.xlsx")], "notes.txt is a file, not a folder"),
    "recalc: output is the input": Case(lambda f: ["recalc", _p(f, "model.xlsx"), "-o", _p(f, "model.xlsx")], "refusing to overwrite the input", lambda f: [f / "model.xlsx"]),
    "recalc: read-only disk": Case(lambda f: ["recalc", _p(f, "model.xlsx"), "-o", _p(f, "disk", "out.xlsx")], "out.xlsx: cannot write", _disk_outputs(("out.xlsx",)), "read-only", {"out.xlsx": PREVIOUS}),
    "recalc: full disk": Case(lambda f: ["recalc", _p(f, "model.xlsx"), "-o", _p(f, "disk", "out.xlsx")], "out.xlsx: cannot write", _disk_outputs(("out.xlsx",)), "full", {"out.xlsx": PREVIOUS}),
    "recalc: bad engine": Case(lambda f: ["recalc", _p(f, "model.xlsx"), "-o", _p(f, "prev.xlsx"), "--engine", "fast"], "--engine", lambda f: [f / "prev.xlsx"]),
    "recalc: no output named": Case(lambda f: ["recalc", _p(f, "model.xlsx")], "-o/--output"),
    # check
    "check: no such file": Case(lambda f: ["check", _p(f, "missing.xlsx")], "missing.xlsx: no such file"),
    "check: not a workbook": Case(lambda f: ["check", _p(f, "notes.txt")], "notes.txt: not an .xlsx workbook"),
    "check: input is a folder": Case(lambda f: ["check", _p(f, "folder")], "folder: not a file"),
    "check --fix: no output": Case(lambda f: ["check", _p(f, "model.xlsx"), "--fix"], "--fix needs -o"),
    "check --fix: output is a folder": Case(lambda f: ["check", _p(f, "model.xlsx"), "--fix", "-o", _p(f, "folder")], "folder"),
    "check --fix: output is the input": Case(lambda f: ["check", _p(f, "model.xlsx"), "--fix", "-o", _p(f, "model.xlsx")], "refusing to overwrite", lambda f: [f / "model.xlsx"]),
    "check --fix: read-only disk": Case(lambda f: ["check", _p(f, "model.xlsx"), "--fix", "-o", _p(f, "disk", "out.xlsx")], "out.xlsx: cannot write", _disk_outputs(("out.xlsx",)), "read-only", {"out.xlsx": PREVIOUS}),
    "check --fix: full disk": Case(lambda f: ["check", _p(f, "model.xlsx"), "--fix", "-o", _p(f, "disk", "out.xlsx")], "out.xlsx: cannot write", _disk_outputs(("out.xlsx",)), "full", {"out.xlsx": PREVIOUS}),
    # batch
    "batch: no such template": Case(lambda f: ["batch", _p(f, "missing.xlsx"), _p(f, "councils.csv"), "--out", _p(f, "out")], "missing.xlsx: no such file"),
    "batch: no such data": Case(lambda f: ["batch", _p(f, "sv.xlsx"), _p(f, "missing.csv"), "--out", _p(f, "out")], "missing.csv: no such file"),
    "batch: data is a folder": Case(lambda f: ["batch", _p(f, "sv.xlsx"), _p(f, "folder"), "--out", _p(f, "out")], "folder"),
    "batch: data is not text": Case(lambda f: ["batch", _p(f, "sv.xlsx"), _p(f, "binary.csv"), "--out", _p(f, "out")], "binary.csv: not a readable CSV file"),
    "batch: template is not a workbook": Case(lambda f: ["batch", _p(f, "notes.txt"), _p(f, "councils.csv"), "--out", _p(f, "out")], "notes.txt: not an .xlsx workbook"),
    "batch: out is a file": Case(lambda f: ["batch", _p(f, "sv.xlsx"), _p(f, "councils.csv"), "--out", _p(f, "notes.txt")], "notes.txt: is a file, not a folder", lambda f: [f / "notes.txt"]),
    "batch: read-only disk": Case(lambda f: ["batch", _p(f, "sv.xlsx"), _p(f, "councils.csv"), "--out", _p(f, "disk")], "disk", _disk_outputs(("summary.csv",)), "read-only", {"summary.csv": PREVIOUS}),
    "batch: full disk": Case(lambda f: ["batch", _p(f, "sv.xlsx"), _p(f, "councils.csv"), "--out", _p(f, "disk")], "cannot write", _disk_outputs(("summary.csv",)), "full", {"summary.csv": PREVIOUS}),
    # forecast-903
    "forecast-903: no such folder": Case(lambda f: ["forecast-903", _p(f, "missing"), "--out", _p(f, "prev.xlsx")], "missing: no such folder", lambda f: [f / "prev.xlsx"]),
    "forecast-903: a file, not a folder": Case(lambda f: ["forecast-903", _p(f, "notes.txt"), "--out", _p(f, "prev.xlsx")], "notes.txt", lambda f: [f / "prev.xlsx"]),
    "forecast-903: out is a folder": Case(lambda f: ["forecast-903", str(SSDA903), "--out", _p(f, "folder")], "folder: is a folder"),
    "forecast-903: read-only disk": Case(lambda f: ["forecast-903", str(SSDA903), "--months", "3", "--out", _p(f, "disk", "out.csv")], "out.csv: cannot write", _disk_outputs(("out.csv",)), "read-only", {"out.csv": PREVIOUS}),
    "forecast-903: full disk": Case(lambda f: ["forecast-903", str(SSDA903), "--months", "3", "--out", _p(f, "disk", "out.csv")], "out.csv: cannot write", _disk_outputs(("out.csv",)), "full", {"out.csv": PREVIOUS}),
    "forecast-903: template on a read-only disk": Case(lambda f: ["forecast-903", str(SSDA903), "--months", "3", "--out", _p(f, "f.csv"), "--template", _p(f, "disk", "out.xlsx")], "out.xlsx: cannot write", _disk_outputs(("out.xlsx",)), "read-only", {"out.xlsx": PREVIOUS}),
    "forecast-903: bad months": Case(lambda f: ["forecast-903", str(SSDA903), "--months", "x", "--out", _p(f, "f.csv")], "--months"),
    # budget-903
    "budget-903: no such folder": Case(lambda f: ["budget-903", _p(f, "missing"), *_BUDGET, "--out", _p(f, "prev.xlsx")], "missing: no such folder", lambda f: [f / "prev.xlsx"]),
    "budget-903: no such costs file": Case(lambda f: ["budget-903", str(SSDA903), "--as-at", "2022-12-31", "--costs", _p(f, "missing.csv"), "--out", _p(f, "prev.xlsx")], "missing.csv: file not found", lambda f: [f / "prev.xlsx"]),
    "budget-903: out is a folder": Case(lambda f: ["budget-903", str(SSDA903), *_BUDGET, "--out", _p(f, "folder")], "folder: is a folder"),
    "budget-903: read-only disk": Case(lambda f: ["budget-903", str(SSDA903), *_BUDGET, "--out", _p(f, "disk", "out.csv")], "out.csv: cannot write", _disk_outputs(("out.csv",)), "read-only", {"out.csv": PREVIOUS}),
    "budget-903: full disk": Case(lambda f: ["budget-903", str(SSDA903), *_BUDGET, "--out", _p(f, "disk", "out.csv")], "out.csv: cannot write", _disk_outputs(("out.csv",)), "full", {"out.csv": PREVIOUS}),
    "budget-903: template on a read-only disk": Case(lambda f: ["budget-903", str(SSDA903), *_BUDGET, "--out", _p(f, "b.csv"), "--template", _p(f, "disk", "out.xlsx")], "out.xlsx: cannot write", _disk_outputs(("out.xlsx",)), "read-only", {"out.xlsx": PREVIOUS}),
    "budget-903: costs not CSV": Case(lambda f: ["budget-903", str(SSDA903), "--as-at", "2022-12-31", "--costs", _p(f, "notes.txt"), "--out", _p(f, "prev.xlsx")], "notes.txt: missing columns placement, weekly_cost", lambda f: [f / "prev.xlsx"]),
    "budget-903: bad as-at": Case(lambda f: ["budget-903", str(SSDA903), "--as-at", "31/12/2022", "--costs", str(SAMPLES / "budget_costs.csv"), "--out", _p(f, "b.csv")], "--as-at"),
    # portable
    "portable: no such file": Case(lambda f: ["portable", _p(f, "missing.xlsx"), "-o", _p(f, "prev.xlsx")], "missing.xlsx: no such file", lambda f: [f / "prev.xlsx"]),
    "portable: not a workbook": Case(lambda f: ["portable", _p(f, "notes.txt"), "-o", _p(f, "prev.xlsx")], "notes.txt: not an .xlsx workbook", lambda f: [f / "prev.xlsx"]),
    "portable: output is the input": Case(lambda f: ["portable", _p(f, "model.xlsx"), "-o", _p(f, "model.xlsx")], "refusing to overwrite the input", lambda f: [f / "model.xlsx"]),
    "portable: read-only disk": Case(lambda f: ["portable", _p(f, "model.xlsx"), "-o", _p(f, "disk", "out.xlsx")], "out.xlsx: cannot write", _disk_outputs(("out.xlsx",)), "read-only", {"out.xlsx": PREVIOUS}),
    # samples
    "samples: out is a file": Case(lambda f: ["samples", "--out", _p(f, "notes.txt")], "notes.txt", lambda f: [f / "notes.txt"]),
    "samples: read-only disk": Case(lambda f: ["samples", "--out", _p(f, "disk")], "cannot write", _disk_outputs(("councils.csv",)), "read-only", {"councils.csv": PREVIOUS}),
    "samples: full disk": Case(lambda f: ["samples", "--out", _p(f, "disk")], "cannot write", _disk_outputs(("councils.csv",)), "full", {"councils.csv": PREVIOUS}),
    # templates
    "templates: out is a file": Case(lambda f: ["templates", "--out", _p(f, "notes.txt")], "notes.txt", lambda f: [f / "notes.txt"]),
    "templates: read-only disk": Case(lambda f: ["templates", "--out", _p(f, "disk")], "cannot write", _disk_outputs(("out.xlsx",)), "read-only", {"out.xlsx": PREVIOUS}),
    "templates: full disk": Case(lambda f: ["templates", "--out", _p(f, "disk")], "cannot write", _disk_outputs(("out.xlsx",)), "full", {"out.xlsx": PREVIOUS}),
    # functions
    "functions: docs into a file": Case(lambda f: ["functions", "--write-docs", _p(f, "notes.txt")], "README.md"),
    "functions: README without its lists": Case(lambda f: ["functions", "--write-docs", _p(f, "repo")], "README.md: no <!-- functions:start --> marker", lambda f: [f / "repo" / "README.md"]),
    "functions: read-only disk": Case(lambda f: ["functions", "--write-docs", _p(f, "disk")], "cannot write", _disk_outputs(("README.md",)), "read-only", {"README.md": b"<!-- functions:start --><!-- functions:end --><!-- templates:start --><!-- templates:end -->"}),
    # addin
    "addin: config is a folder": Case(lambda f: ["addin", "config", "--config-file", _p(f, "folder")], "folder"),
    "addin: config on a read-only disk": Case(lambda f: ["addin", "config", "--config-file", _p(f, "disk", "x.conf")], "x.conf: cannot write", _disk_outputs(("x.conf",)), "read-only", {"x.conf": PREVIOUS}),
    "addin: config on a full disk": Case(lambda f: ["addin", "config", "--config-file", _p(f, "disk", "x.conf")], "x.conf", _disk_outputs(("x.conf",)), "full", {"x.conf": b"[xlwings]\n" + b"x" * 8000}),
    "addin: install off Windows": Case(lambda f: ["addin", "install"], "desktop Excel on Windows"),
    "addin: unknown action": Case(lambda f: ["addin", "uninstall"], "invalid choice"),
    # demo
    "demo: out is a file": Case(lambda f: ["demo", "--out", _p(f, "notes.txt")], "notes.txt", lambda f: [f / "notes.txt"]),
    "demo: read-only disk": Case(lambda f: ["demo", "--out", _p(f, "disk")], "disk", _disk_outputs(("out.xlsx",)), "read-only", {"out.xlsx": PREVIOUS}),
    "demo: full disk": Case(lambda f: ["demo", "--out", _p(f, "disk")], "cannot write", _disk_outputs(("out.xlsx",)), "full", {"out.xlsx": PREVIOUS}),
    # no command at all
    "unknown command": Case(lambda f: ["frobnicate"], "invalid choice"),
}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder" if path.is_dir() else None
    except OSError:
        return None


def _run(argv: list[str], preexec=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "XLFUNCS_DEBUG"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "xlfuncs", *argv], capture_output=True, text=True, timeout=300,
        env=env, preexec_fn=preexec,
    )  # fmt: skip


def _leftovers(folder: Path) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob(".*.part")]


@pytest.mark.parametrize("name", list(CASES))
def test_every_failure_is_one_line(name, tmp_path):
    case = CASES[name]
    _inputs(tmp_path)
    disk = tmp_path / "disk"
    if case.disk == "full":
        context = disks.full_disk(disk, case.kept)
    elif case.disk == "read-only":
        context = disks.read_only(disk, case.kept)
    else:
        context = None
    argv = case.argv(tmp_path)
    if context is None:
        before = {p: _digest(p) for p in case.outputs(tmp_path)}
        result = _run(argv)
        after = {p: _digest(p) for p in case.outputs(tmp_path)}
        left = _leftovers(tmp_path)
    else:
        with context as preexec:
            before = {p: _digest(p) for p in case.outputs(tmp_path)}
            result = _run(argv, preexec)
            after = {p: _digest(p) for p in case.outputs(tmp_path)}
            left = _leftovers(tmp_path)
    lines = result.stderr.strip().splitlines()
    command = argv[0] if argv[0] != "frobnicate" else ""
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"xlfuncs {command}".rstrip() + ":") or lines[0].startswith("xlfuncs"), lines[0]
    assert case.expect in lines[0], lines[0]
    assert after == before, "the previous output changed"
    assert left == [], f"temporary files left: {left}"


def test_a_bug_is_one_line_naming_the_file(tmp_path, monkeypatch, capsys):
    """A failure nobody foresaw (here: a recursion error inside the engine) is reported in one
    line, naming the workbook and the kind of error, but none of its text."""
    from xlfuncs.cli import main
    from xlfuncs.engine import recalc

    def crash(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded while reading 'A123456789012'")

    monkeypatch.setattr(recalc.Workbook, "calculate", crash)
    monkeypatch.delenv("XLFUNCS_DEBUG", raising=False)
    assert main(["recalc", str(TEMPLATE), "-o", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(TEMPLATE) in err and "internal error (RecursionError" in err
    assert "A123456789012" not in err  # the exception's text may quote a cell: never shown
    assert not (tmp_path / "out.xlsx").exists()


def test_every_command_is_covered():
    from xlfuncs.cli import _commands

    covered = {case.argv(Path("/x"))[0] for case in CASES.values()}
    assert set(_commands()) <= covered
