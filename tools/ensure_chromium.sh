#!/usr/bin/env bash
# Install Debian's Chromium (and a font that shapes Persian) if it is missing.
# The browser tests drive /usr/bin/chromium through playwright.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "vazir\|noto sans arabic\|dejavu sans"; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Chromium is missing and this user cannot install it: run 'apt-get install chromium fonts-noto-core' as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-core fonts-dejavu-core fontconfig >/dev/null
/usr/bin/chromium --version
