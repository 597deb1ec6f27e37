#!/usr/bin/env bash
# Install Debian packages as root (directly, or through sudo): `tools/apt_install.sh PKG...`.
# The tools/ensure_*.sh scripts call it for what the tests and lint need.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Missing Debian packages and this user cannot install them: run 'apt-get install $*' as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
