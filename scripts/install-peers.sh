#!/usr/bin/env bash
# Peer tools in their own virtual environments under .peers/ (git-ignored):
#   .peers/cs-demand-model       Social Finance's demand model (pins pandas 1.5, Python 3.11)
#   .peers/csc-validator-be-903  DfE SSDA903 validation rules (pins pandas < 2, numpy < 1.25)
# Idempotent: a present environment whose package imports is left alone (fast no-op).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PEER_PYTHON:-python3}"

install_peer() {
  local name="$1" requirement="$2" module="$3"
  local env=".peers/$name"
  if [ -x "$env/bin/python" ] && "$env/bin/python" -c "import $module" >/dev/null 2>&1; then
    return 0
  fi
  echo "install-peers: creating $env ($requirement)" >&2
  rm -rf "$env"
  "$PYTHON" -m venv "$env"
  "$env/bin/python" -m pip install -q --disable-pip-version-check "$requirement" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
  "$env/bin/python" -c "import $module"
}

install_peer cs-demand-model "cs-demand-model==0.5.1" cs_demand_model
install_peer csc-validator-be-903 "csc-validator-be-903==0.1.17" lac_validator.lac_validator
