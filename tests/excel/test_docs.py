"""Generated reference text stays in step with the registry."""

import subprocess
import sys
from pathlib import Path

from xlfuncs.cli.functions import generated_readme
from xlfuncs.excel.docs import functions_markdown
from xlfuncs.excel.registry import functions

ROOT = Path(__file__).resolve().parents[2]


def test_docs_functions_md_is_generated_from_the_registry():
    committed = (ROOT / "docs" / "functions.md").read_text()
    assert committed == functions_markdown(), "run `xlfuncs functions --markdown > docs/functions.md`"


def test_readme_lists_every_function_and_template():
    readme = (ROOT / "README.md").read_text()
    assert readme == generated_readme(readme), "run `xlfuncs functions --write-docs .`"
    for name in functions():
        assert f"`{name}`" in readme, f"README.md does not mention {name}"


def test_functions_command_lists_every_function():
    result = subprocess.run([sys.executable, "-m", "xlfuncs", "functions"], capture_output=True, text=True)
    assert result.returncode == 0
    for name, spec in functions().items():
        assert name in result.stdout
        assert spec.description in result.stdout
