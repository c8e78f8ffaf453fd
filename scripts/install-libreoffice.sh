#!/usr/bin/env bash
# Installs LibreOffice headless (the reference spreadsheet engine for parity tests and benchmarks)
# from Debian's packages. Does nothing when soffice is already on PATH.
set -euo pipefail
if command -v soffice >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-libreoffice: need root (or sudo) to apt-get install libreoffice-calc-nogui" >&2
    exit 1
  fi
fi
echo "Installing LibreOffice headless (libreoffice-calc-nogui, python3-uno)..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  libreoffice-calc-nogui python3-uno >/dev/null
command -v soffice >/dev/null
