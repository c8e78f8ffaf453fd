"""Template workbooks, built by code and committed under ``workbooks/``.

Each module here defines ``TEMPLATE``, a :class:`Template`. ``xlfuncs templates --out DIR``
writes them (``--out workbooks`` in a checkout regenerates the committed files); a test proves the committed files are byte for byte what the code builds (the build is
deterministic: fixed timestamps in the package and its properties).
"""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from xlfuncs.resources import workbooks_dir
from xlfuncs.xlsx.atomic import write_bytes

#: The committed templates as shipped: ``workbooks/`` in a checkout, ``xlfuncs/workbooks`` in
#: an installed wheel (read them; never write there).
WORKBOOKS_DIR = workbooks_dir()

_FIXED_TIME = (2026, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@dataclass(frozen=True)
class Template:
    """A template workbook: its file name, what it is for and how to build it.

    ``headlines`` are (label, defined name) pairs that ``xlfuncs demo`` prints after
    recalculating the template on its sample data.
    """

    filename: str
    title: str
    build: Callable[[], Workbook]
    headlines: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def templates() -> dict[str, Template]:
    """Every template, keyed by file name."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        template = getattr(module, "TEMPLATE", None)
        if isinstance(template, Template):
            found[template.filename] = template
    return dict(sorted(found.items()))


def to_bytes(workbook: Workbook) -> bytes:
    """The .xlsx bytes of ``workbook``, identical on every build of the same content."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>2026-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def build_bytes(template: Template) -> bytes:
    return to_bytes(template.build())


def write_all(directory: Path, without_addin: bool = False) -> list[Path]:
    """Build every template into ``directory`` (created if need be); returns the files written.

    ``without_addin`` writes each template as it works without the add-in: every xlfuncs call
    in native form, the few without one at their values with a note (:mod:`xlfuncs.portable`).
    The committed templates keep their xlfuncs calls: with the add-in they are what a council
    types and reads, and the native forms are derived from them.
    """
    import tempfile

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for template in templates().values():
        path = directory / template.filename
        if not without_addin:
            write_bytes(path, build_bytes(template))  # whole or not at all
        else:
            from xlfuncs.portable import make_portable

            with tempfile.TemporaryDirectory(prefix="xlfuncs-template-") as temp:
                built = Path(temp) / template.filename
                built.write_bytes(build_bytes(template))
                make_portable(built, path)
        written.append(path)
    return written
