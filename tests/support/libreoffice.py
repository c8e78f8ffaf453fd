"""LibreOffice headless as the reference spreadsheet engine.

Two ways to drive it:

* :func:`recalculate_file`: the command-line conversion with recalculation forced on load
  (a private profile sets ``OOXMLRecalcMode`` to "always"), start-up included;
* :class:`Session`: one persistent ``soffice`` with a UNO worker in the system Python
  (``python3-uno``): load once, then set inputs, recalculate and read outputs repeatedly.

Installed by ``scripts/install-libreoffice.sh``. LibreOffice never re-saves a template
(it lowercases unknown function names): conversions write to a separate folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

WORKER = Path(__file__).with_name("_uno_worker.py")
SYSTEM_PYTHON = "/usr/bin/python3"


class LibreOfficeMissing(RuntimeError):
    """LibreOffice headless is not installed (run scripts/install-libreoffice.sh)."""


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise LibreOfficeMissing("LibreOffice headless is not installed: run scripts/install-libreoffice.sh")
    return path


def available() -> bool:
    try:
        soffice()
    except LibreOfficeMissing:
        return False
    return True


def make_profile(directory: str | Path) -> Path:
    """A private LibreOffice profile that recalculates every .xlsx on load."""
    directory = Path(directory)
    user = directory / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_RECALC_PROFILE)
    return directory


def recalculate_files(
    sources: Iterable[str | Path], out_dir: str | Path, profile: str | Path | None = None
) -> list[Path]:
    """Have LibreOffice load each source, recalculate everything and save an .xlsx of the same
    name in ``out_dir``: one LibreOffice start for all of them."""
    sources = [Path(p) for p in sources]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlfuncs-lo-") as temp:
        profile_dir = make_profile(profile or temp)
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation={profile_dir.resolve().as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out_dir),
                *map(str, sources),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=600,
        )
    results = [out_dir / (source.stem + ".xlsx") for source in sources]
    for source, result in zip(sources, results, strict=True):
        if not result.exists():
            raise RuntimeError(f"LibreOffice did not convert {source}")
    return results


def recalculate_file(source: str | Path, out_dir: str | Path, profile: str | Path | None = None) -> Path:
    """Have LibreOffice load ``source``, recalculate everything and save an .xlsx in ``out_dir``."""
    return recalculate_files([source], out_dir, profile)[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    """A persistent LibreOffice with one workbook loaded, driven through UNO.

    >>> with Session("model.xlsx") as lo:  # doctest: +SKIP
    ...     lo.set_values("Inputs", {"B2": 5})
    ...     lo.calculate()
    ...     lo.get_values("Model", ["C2"])
    """

    def __init__(self, workbook: str | Path):
        self.workbook = Path(workbook).resolve()
        self._temp = tempfile.TemporaryDirectory(prefix="xlfuncs-lo-session-")
        profile = make_profile(self._temp.name)
        self.port = _free_port()
        self._office = subprocess.Popen(
            [
                soffice(),
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--norestore",
                "--nologo",
                f"--accept=socket,host=127.0.0.1,port={self.port};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        self._worker = subprocess.Popen(
            [SYSTEM_PYTHON, str(WORKER), str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._call("load", path=str(self.workbook))

    def _call(self, command: str, **kwargs: Any) -> Any:
        assert self._worker.stdin and self._worker.stdout
        self._worker.stdin.write(json.dumps({"command": command, **kwargs}) + "\n")
        self._worker.stdin.flush()
        line = self._worker.stdout.readline()
        if not line:
            raise RuntimeError("the LibreOffice worker stopped")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"LibreOffice: {reply['error']}")
        return reply.get("result")

    def set_values(self, sheet: str, values: dict[str, Any]) -> None:
        self._call("set", sheet=sheet, values=values)

    def calculate(self) -> None:
        self._call("calculate")

    def get_values(self, sheet: str, cells: Iterable[str]) -> list[Any]:
        return self._call("get", sheet=sheet, cells=list(cells))

    def run(self, inputs: list[tuple[str, dict[str, Any]]], outputs: list[tuple[str, list[str]]]) -> list[list[Any]]:
        """Set inputs, recalculate, read outputs: one round trip."""
        return self._call("run", inputs=inputs, outputs=outputs)

    def save(self, path: str | Path) -> None:
        """Save the workbook as it now is to ``path`` (.xlsx), leaving the loaded one open."""
        self._call("save", path=str(Path(path).resolve()))

    def close(self) -> None:
        try:
            self._call("close")
        except Exception:  # noqa: BLE001 - closing is best effort
            pass
        for process in (self._worker, self._office):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self._temp.cleanup()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
