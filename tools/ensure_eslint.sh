#!/usr/bin/env bash
# Install ESLint for the page script (geo/templates/*.js) as package-lock.json pins it:
# Debian's Node.js and npm if missing, then `npm ci` into node_modules/ (again only when the
# lock file is newer than the last install). `make lint` runs this before ESLint.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  bash tools/apt_install.sh nodejs npm
fi
STAMP=node_modules/.installed
if [ ! -f "$STAMP" ] || [ package-lock.json -nt "$STAMP" ]; then
  npm ci --no-audit --no-fund --silent
  touch "$STAMP"
fi
