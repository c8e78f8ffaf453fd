"""``xlfuncs samples``: the bundled samples copied out, existing files kept."""

from __future__ import annotations

from xlfuncs.cli import main
from xlfuncs.resources import samples_dir


def test_copies_every_sample_and_keeps_existing_files(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["samples", "--out", str(out)]) == 0
    shipped = sorted(p.relative_to(samples_dir()) for p in samples_dir().rglob("*") if p.suffix in (".csv", ".md"))
    copied = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert copied == shipped
    assert (out / "councils.csv").read_bytes() == (samples_dir() / "councils.csv").read_bytes()
    (out / "councils.csv").write_text("mine\n")
    assert main(["samples", "--out", str(out)]) == 0
    assert (out / "councils.csv").read_text() == "mine\n"
    assert f"0 sample files copied, {len(shipped)} already there" in capsys.readouterr().out
