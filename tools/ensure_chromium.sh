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
bash "$(dirname "$0")/apt_install.sh" chromium fonts-liberation fonts-dejavu-core fontconfig poppler-utils
/usr/bin/chromium --version
