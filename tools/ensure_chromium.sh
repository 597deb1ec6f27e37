#!/usr/bin/env bash
# Install Debian's Chromium (and the fonts and tools its tests use) if they are missing.
# The browser tests drive /usr/bin/chromium through playwright; the print test renders
# Chromium's PDF to PNG with pdftoppm (Debian's poppler-utils).
set -euo pipefail
# fonts-liberation: the browser test that hides every Arabic-script font uses it.
if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/truetype/liberation ] && command -v fc-list >/dev/null \
   && command -v pdftoppm >/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Chromium or poppler-utils is missing and this user cannot install it: run 'apt-get install chromium fonts-liberation poppler-utils' as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-dejavu-core fontconfig \
  poppler-utils >/dev/null
/usr/bin/chromium --version
