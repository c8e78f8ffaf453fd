"""The file layer, on workbooks nobody wrote by hand: hypothesis generates them, with random
sheets (titles in any script, quotes, spaces, astral characters), defined names, text of every
Unicode class (control characters and astral characters included; surrogates cannot be
stored), numbers, booleans and formulas (arithmetic, text, references across sheets, ranges,
names, nested functions), all of which Excel takes.

``xlfuncs recalc`` must either write a file that openpyxl and LibreOffice open, or refuse with
one line (exit status 2) and write nothing; it never changes its input. A failure nobody
foresaw in the engine reaches the user as one line too (``internal error (...)``): each such
case is collected and shown, so it can be reported against the engine.

Examples: 50 by default (CI); ``XLFUNCS_FILE_EXAMPLES`` sets more (``tox -e hostile`` runs
1,000).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import signal
import warnings
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.workbook.defined_name import DefinedName

from xlfuncs.cli import main
from xlfuncs.xlsx.escape import escape

EXAMPLES = int(os.environ.get("XLFUNCS_FILE_EXAMPLES", "50"))
SECONDS = float(os.environ.get("XLFUNCS_FILE_SECONDS", "120"))

#: Characters Excel forbids in a sheet title.
_TITLE_FORBIDDEN = set("[]:*?/\\")
_TITLE_CHARS = st.characters(
    codec="utf-8", blacklist_categories=("Cs", "Cc", "Co", "Cn"), blacklist_characters="".join(_TITLE_FORBIDDEN)
)
TITLES = st.text(_TITLE_CHARS, min_size=1, max_size=31).filter(
    lambda t: t.strip() and not t.startswith("'") and not t.endswith("'") and t.lower() != "history"
)
#: Any character that can be stored: every Unicode class, control characters included.
ANY_CHAR = st.characters(codec="utf-8", blacklist_categories=("Cs",))
TEXTS = st.text(ANY_CHAR, max_size=40)
NUMBERS = st.one_of(
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda x: abs(x) < 1e300),
)
_LITERAL_CHARS = st.characters(codec="utf-8", blacklist_categories=("Cs", "Cc"))
STRING_LITERALS = st.text(_LITERAL_CHARS, max_size=20).map(lambda t: '"' + t.replace('"', '""') + '"')
#: What a name may not look like: a cell (AB12), an R1C1 reference (R2C3, R, C), a logical.
_NOT_A_NAME = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d*[Cc]\d*|true|false)$", re.IGNORECASE)
NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{2,12}", fullmatch=True).filter(lambda n: not _NOT_A_NAME.match(n))
COLUMNS = "ABCDE"
ROWS = range(1, 9)


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


@st.composite
def references(draw, titles: list[str]) -> str:
    col = draw(st.sampled_from(COLUMNS))
    row = draw(st.sampled_from(list(ROWS)))
    anchor = draw(st.sampled_from(["", "$"]))
    ref = f"{anchor}{col}{anchor}{row}"
    if draw(st.booleans()):
        return f"{_quote(draw(st.sampled_from(titles)))}!{ref}"
    return ref


@st.composite
def ranges(draw, titles: list[str]) -> str:
    c1, c2 = sorted(draw(st.lists(st.sampled_from(COLUMNS), min_size=2, max_size=2)))
    r1, r2 = sorted(draw(st.lists(st.sampled_from(list(ROWS)), min_size=2, max_size=2)))
    ref = f"{c1}{r1}:{c2}{r2}"
    if draw(st.booleans()):
        return f"{_quote(draw(st.sampled_from(titles)))}!{ref}"
    return ref


def expressions(titles: list[str], names: list[str], char: bool):
    leaves = [
        NUMBERS.map(lambda x: repr(float(x)) if isinstance(x, float) else str(x)),
        STRING_LITERALS,
        st.sampled_from(["TRUE", "FALSE"]),
        references(titles),
    ]
    if names:
        leaves.append(st.sampled_from(names))
    leaf = st.one_of(*leaves)

    def extend(inner):
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "&", "^", "=", "<", ">="]), inner).map(
            lambda t: f"({t[0]}{t[1]}{t[2]})"
        )
        unary = st.tuples(st.sampled_from(["LEN", "UPPER", "LOWER", "TRIM", "ABS", "ISNUMBER", "ISTEXT", "INT"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        )
        two = st.tuples(st.sampled_from(["ROUND", "LEFT", "RIGHT", "MOD", "IFERROR", "POWER"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]},{t[2]})"
        )
        branch = st.tuples(inner, inner, inner).map(lambda t: f"IF({t[0]},{t[1]},{t[2]})")
        aggregate = st.tuples(st.sampled_from(["SUM", "AVERAGE", "MAX", "MIN", "COUNT", "COUNTA", "PRODUCT"]), ranges(titles)).map(
            lambda t: f"{t[0]}({t[1]})"
        )
        choices = [binary, unary, two, branch, aggregate]
        if char:
            choices.append(st.integers(1, 255).map(lambda n: f"CHAR({n})"))
        return st.one_of(*choices)

    return st.recursive(leaf, extend, max_leaves=8)


@st.composite
def workbooks(draw):
    titles = draw(st.lists(TITLES, min_size=1, max_size=4, unique_by=str.lower))
    names = draw(st.lists(NAMES, max_size=3, unique_by=str.upper))
    char = draw(st.integers(0, 9)) == 0  # one workbook in ten needs the formulas engine
    formula = expressions(titles, names, char)
    sheets = []
    for title in titles:
        cells = draw(
            st.dictionaries(
                st.tuples(st.sampled_from(COLUMNS), st.sampled_from(list(ROWS))).map(lambda t: f"{t[0]}{t[1]}"),
                st.one_of(
                    NUMBERS,
                    st.booleans(),
                    TEXTS.map(lambda t: ("text", t)),
                    formula.map(lambda f: ("formula", "=" + f)),
                ),
                max_size=12,
            )
        )
        sheets.append((title, cells))
    targets = [(name, draw(st.sampled_from(titles)), draw(st.sampled_from(COLUMNS)), draw(st.sampled_from(list(ROWS)))) for name in names]
    return sheets, targets


def _write(path: Path, spec) -> Path:
    sheets, names = spec
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, cells in sheets:
        sheet = workbook.create_sheet(title)
        for ref, value in cells.items():
            cell = sheet[ref]
            if isinstance(value, tuple) and value[0] == "text":
                cell._value = escape(value[1])  # as Excel stores it: control characters as _xHHHH_
                cell.data_type = "s"
            elif isinstance(value, tuple):
                cell.value = value[1]
            else:
                cell.value = value
    for name, title, col, row in names:
        workbook.defined_names[name] = DefinedName(name, attr_text=f"{_quote(title)}!${col}${row}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook.save(path)
    return path


class Hang(BaseException):
    pass


@contextlib.contextmanager
def deadline():
    def expired(signum, frame):
        raise Hang(f"recalc did not return within {SECONDS:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_recalc_writes_an_openable_file_or_refuses_in_one_line(tmp_path, libreoffice):
    written: list[Path] = []
    refused: list[str] = []
    bugs: list[str] = []
    counter = iter(range(10**9))

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck), print_blob=True
    )
    @given(workbooks())
    def run(spec):
        number = next(counter)
        source = _write(tmp_path / f"in{number}.xlsx", spec)
        before = hashlib.sha256(source.read_bytes()).hexdigest()
        target = tmp_path / "out" / f"out{number}.xlsx"
        err, out = io.StringIO(), io.StringIO()
        with deadline(), contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            status = main(["recalc", str(source), "-o", str(target)])
        assert hashlib.sha256(source.read_bytes()).hexdigest() == before
        lines = err.getvalue().strip().splitlines()
        if status == 0:
            assert target.exists(), out.getvalue()
            openpyxl.load_workbook(target)
            openpyxl.load_workbook(target, data_only=True)
            written.append(target)
        else:
            assert status == 2, (status, err.getvalue())
            assert len(lines) == 1 and "Traceback" not in err.getvalue(), err.getvalue()
            assert not target.exists()
            refused.append(lines[0])
            if "internal error" in lines[0] or "cannot read the workbook" in lines[0]:
                bugs.append(f"{lines[0]} <- {spec!r}"[:3000])

    run()
    print(f"\n{len(written)} written, {len(refused)} refused, {len(bugs)} engine failures")
    for reason in sorted({r.split(": ", 2)[-1][:160] for r in refused})[:20]:
        print("  refused:", reason)
    for bug in bugs:
        print("  ", bug)
    assert _libreoffice_fails(libreoffice, written, tmp_path / "libreoffice") == []
    assert len(written) + len(refused) >= min(EXAMPLES, 10)


def _libreoffice_fails(libreoffice, paths: list[Path], folder: Path) -> list[str]:
    """The files LibreOffice cannot open: all in one start, then (if that start failed) one
    start per file not converted, to name each."""
    import subprocess

    if not paths:
        return []
    try:
        converted = libreoffice.recalculate_files(paths, folder)
    except (RuntimeError, subprocess.SubprocessError):
        converted = []
        failed = []
        for path in paths:
            done = folder / path.name
            if done.exists():
                converted.append(done)
                continue
            try:
                converted.append(libreoffice.recalculate_file(path, folder))
            except (RuntimeError, subprocess.SubprocessError) as exc:
                failed.append(f"{path.name}: {exc}")
        if failed:
            return failed
    for path in converted:
        openpyxl.load_workbook(path)
    return []


def test_the_generator_makes_what_excel_takes(tmp_path):
    """Guard of the generator: its workbooks are valid for openpyxl, with every kind of text."""
    sample = ([("Ünïcode 'q' 𝔸", {"A1": ("text", "ctrl\x01\x1f tab\t 😀 _x0041_"), "B1": ("formula", "=LEN(A1)")})], [])
    path = _write(tmp_path / "sample.xlsx", sample)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Ünïcode 'q' 𝔸"]
    assert book.active["A1"].value == escape("ctrl\x01\x1f tab\t 😀 _x0041_")
