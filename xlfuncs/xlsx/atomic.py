"""Writing a file whole or not at all.

Every file xlfuncs writes (a recalculated workbook, a cleaned copy, a batch's workbooks and
CSV files, an Excel config) is written to a temporary file beside its target and renamed over
it only when complete, so a stopped run, a full disk or a killed process never leaves a
half-written file, and the previous file stays as it was. The new file's permissions follow
the user's umask, as any other program's output would.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


class OutputError(OSError):
    """A file that cannot be written, with one line naming it and the reason."""


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _blocking_file(target: Path) -> Path | None:
    """A file standing where a folder of ``target``'s path should be."""
    for parent in target.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, durable: bool = True) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed over ``target`` when the block succeeds.

    ``durable`` flushes the file to disk before the rename (skipped for the many workbooks
    of a batch, which resumes instead).
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder, not a file name")
    blocking = _blocking_file(target)
    if blocking is not None:
        raise OutputError(f"{target}: cannot write here: {blocking} is a file, not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here: {_reason(exc)}") from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        if durable:
            with open(temp, "rb+") as done:
                os.fsync(done.fileno())
        os.chmod(temp, _umask_mode())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"{target}: cannot write: {_reason(exc)}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes(target: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target, durable=durable) as temp:
        temp.write_bytes(data)


def write_text(target: str | os.PathLike[str], text: str, *, durable: bool = True) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``target`` atomically."""
    with atomic_path(target, durable=durable) as temp, open(temp, "w", encoding="utf-8", newline="") as out:
        out.write(text)
