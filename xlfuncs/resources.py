"""The files xlfuncs ships: the template workbooks and the bundled samples.

They live at the top of the repository (``workbooks/``, ``samples/``) and are mapped into the
package as ``xlfuncs.workbooks`` and ``xlfuncs.samples`` when it is built, so the same code
finds them in a checkout and in an installed wheel.
"""

from __future__ import annotations

from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def samples_dir() -> Path:
    """The bundled samples folder (``samples/`` in a checkout)."""
    return _CHECKOUT / "samples"


def workbooks_dir() -> Path:
    """The committed template workbooks (``workbooks/`` in a checkout)."""
    return _CHECKOUT / "workbooks"
