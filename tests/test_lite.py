"""The slim install xlwings Lite downloads: ``xlfuncs.udfs`` needs only numpy and xlwings.

A fresh interpreter imports ``xlfuncs.udfs`` with every package the slim distribution leaves
out made unimportable (as it is in a Lite workbook that lists only ``xlfuncs-lite``), and with
every xlfuncs module outside the slim set unimportable too, then calls every function.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.scripts import release

ROOT = Path(__file__).resolve().parents[1]

#: The full package's dependencies that the slim one does not have.
LEFT_OUT = ("scipy", "pandas", "openpyxl", "formulas", "lxml", "defusedxml", "tqdm")
#: The functions that import scipy on use: #N/A with the message in a slim install.
NEED_SCIPY = {"LAC_SPEARMAN", "LAC_MANN_WHITNEY", "LAC_FORECAST_INTERVAL"}

SLIM_RUN = """
import importlib.abc, json, sys

slim = set(json.loads(sys.argv[1]))
left_out = tuple(json.loads(sys.argv[2]))

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in left_out:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        if top == "xlfuncs":
            base = name.replace(".", "/")
            if f"{base}.py" not in slim and f"{base}/__init__.py" not in slim:
                raise ModuleNotFoundError(f"{name} is not in the slim distribution", name=name)
        return None

sys.meta_path.insert(0, Blocker())
import xlfuncs.udfs as udfs
from xlfuncs.excel.registry import functions

SAMPLE = {"number": 3.0, "flag": True}
VECTOR = [[1.0], [2.0], [4.0], [3.0], [6.0], [5.0], [8.0]]
MATRIX = [[1.0, 2.0], [2.0, 1.0], [4.0, 3.0], [3.0, 5.0], [6.0, 4.0], [5.0, 7.0], [8.0, 6.0]]

def sample(arg):
    if arg.optional:
        return None
    if arg.kind == "text":
        return arg.choices[0] if arg.choices else "linear"
    if arg.kind == "vector":
        return VECTOR
    if arg.kind == "matrix":
        return MATRIX
    return SAMPLE[arg.kind]

results = {}
for name, spec in functions().items():
    udf = getattr(udfs, name)
    results[name] = str(udf(*[sample(a) for a in spec.args]))
results["SPEARMAN_DIRECT"] = str(udfs.LAC_SPEARMAN([1, 2, 3, 4], [2, 1, 4, 3]))
results["MANN_WHITNEY_DIRECT"] = str(udfs.LAC_MANN_WHITNEY([1, 2, 3], [4, 5, 6, 7]))
results["INTERVAL_DIRECT"] = str(udfs.LAC_FORECAST_INTERVAL([300, 310, 330, 335, 350, 360], 2))
results["UNIT_COST_DIRECT"] = udfs.UNIT_COST(5000000, 1000)
loaded = sorted({m.partition(".")[0] for m in sys.modules} & set(left_out))
print(json.dumps({"results": results, "loaded": loaded}))
"""


def run_slim() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SLIM_RUN, json.dumps(release.lite_files()), json.dumps(LEFT_OUT)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_udfs_import_with_only_the_slim_set():
    slim = run_slim()
    assert slim["loaded"] == []
    assert abs(slim["results"]["UNIT_COST_DIRECT"] - 95.890411) < 1e-6


def test_only_the_scipy_functions_miss_a_package_and_say_so():
    results = {n: str(t) for n, t in run_slim()["results"].items()}
    missing = {name for name, text in results.items() if "needs the Python package" in text}
    assert {n for n in missing if not n.endswith("_DIRECT")} == NEED_SCIPY
    for name in ("SPEARMAN_DIRECT", "MANN_WHITNEY_DIRECT", "INTERVAL_DIRECT"):
        assert results[name].startswith("#N/A LAC_"), results[name]
        assert "needs the Python package scipy, which is not installed: add the line scipy" in results[name]
    unexpected = {n: t for n, t in results.items() if "unexpected failure" in t or "Module" in t}
    assert unexpected == {}


def test_the_slim_set_is_what_xlfuncs_udfs_imports():
    code = (
        "import sys, json, xlfuncs.udfs, xlfuncs.registry;"
        "print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()"
        " if n.split('.')[0] == 'xlfuncs')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    imported = {Path(f).resolve().relative_to(ROOT).as_posix() for f in json.loads(done.stdout)}
    assert imported <= set(release.lite_files())
    # Nothing in the slim set that the functions never load, but modules of the two whole
    # packages it carries (the declarations and the pure methods, which read no files).
    extra = set(release.lite_files()) - imported - {"xlfuncs/py.typed"}
    assert all(f.startswith(tuple(p + "/" for p in release.LITE_PACKAGES)) for f in extra), extra
