#!/usr/bin/env bash
# The test command: installs everything the suite needs, then lints, type-checks and tests.
#   bash scripts/test.sh [pytest arguments]
# Creates .venv (Python 3.11+), installs xlfuncs with its test and lint extras, installs
# LibreOffice headless and the peer tools' own environments, runs ruff and mypy over the
# package, then pytest, then scripts/check_dist.py (builds the release files and runs the wheel
# installed in a fresh environment outside the checkout, about 1.5 minutes; XLFUNCS_SKIP_DIST=1
# leaves it out of a quick local run, never in CI). Any of them failing fails; "no tests
# collected" fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test,lint]"
bash scripts/install-libreoffice.sh
for extra in scripts/install-peers.sh; do
  if [ -f "$extra" ]; then bash "$extra"; fi
done
echo "test.sh: ruff" >&2
.venv/bin/ruff check xlfuncs tests bench scripts
echo "test.sh: mypy" >&2
.venv/bin/mypy
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "test.sh: pytest collected no tests: failing" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
if [ "${XLFUNCS_SKIP_DIST:-0}" = "1" ] && [ "${CI:-}" != "true" ]; then
  echo "test.sh: XLFUNCS_SKIP_DIST=1: the release files were not checked" >&2
  exit 0
fi
echo "test.sh: the release files, installed outside the checkout" >&2
.venv/bin/python scripts/check_dist.py
