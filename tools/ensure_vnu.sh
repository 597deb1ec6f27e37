#!/usr/bin/env bash
# Install the W3C Nu HTML checker (npm's vnu-jar, the version pinned in tools/vnu/package-lock.json)
# and a Java to run it (Debian's default-jre-headless) if they are missing. The test suite checks
# the maps' HTML with it (tests/test_html_valid.py).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
JAR="$HERE/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
if ! command -v java >/dev/null 2>&1; then
  bash "$HERE/apt_install.sh" default-jre-headless
fi
if [ ! -f "$JAR" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is missing: install Node.js and npm (Debian: 'apt-get install npm') to fetch the HTML checker." >&2
    exit 1
  fi
  npm ci --prefix "$HERE/vnu" --no-audit --no-fund --loglevel=error
fi
java -version 2>&1 | head -1
