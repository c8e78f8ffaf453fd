"""Folders on a full disk and on a read-only disk, for the tests of what every command does
when it cannot write.

Where the tests run as root, each is a real file system: a tmpfs of 64 KiB filled to the last
byte, or a tmpfs remounted read-only (permissions do not stop root, a read-only mount does).
Elsewhere a full disk is a child process whose file-size limit (RLIMIT_FSIZE) is smaller than
what it writes (the write fails with EFBIG, as a full disk fails with ENOSPC), and a read-only
disk a folder without write permission. ``XLFUNCS_TEST_NO_MOUNT=1`` takes the fallbacks
where mounting would work.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

#: Bytes a child may write to any one file when the disk cannot be filled for real.
FILE_SIZE_LIMIT = 1024


def _mount(*args: str) -> bool:
    if os.environ.get("XLFUNCS_TEST_NO_MOUNT"):  # to try the fallbacks where mounting works
        return False
    try:
        result = subprocess.run(["mount", *args], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


@contextlib.contextmanager
def full_disk(folder: Path, keep: dict[str, bytes] | None = None) -> Iterator[Callable[[], None] | None]:
    """``folder`` on a disk with no space left, holding the files ``keep`` (name -> bytes).

    Yields None when the disk is really full, else a ``preexec_fn`` for the child process
    that limits the size of the files it writes."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0 and _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)):
        try:
            for name, data in (keep or {}).items():
                (folder / name).write_bytes(data)
            with contextlib.suppress(OSError), (folder / ".filler").open("wb") as filler:
                while True:
                    filler.write(b"\0" * 1024)
                    filler.flush()
            yield None
        finally:
            _unmount(folder)
        return
    for name, data in (keep or {}).items():
        (folder / name).write_bytes(data)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))

    yield limit


@contextlib.contextmanager
def read_only(folder: Path, keep: dict[str, bytes] | None = None) -> Iterator[None]:
    """``folder`` on a read-only disk, holding the files ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0 and _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)):
        try:
            for name, data in (keep or {}).items():
                (folder / name).write_bytes(data)
            if not _mount("-o", "remount,ro", str(folder)):
                raise RuntimeError(f"cannot remount {folder} read-only")
            yield
        finally:
            _unmount(folder)
        return
    for name, data in (keep or {}).items():
        (folder / name).write_bytes(data)
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(0o755)
