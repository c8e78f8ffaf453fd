"""Where the repository's folders are, for tests and benchmarks."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKBOOKS = ROOT / "workbooks"
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
BENCH = ROOT / "bench"
