#!/usr/bin/env bash
# Install Debian's PostgreSQL server with PostGIS (for the PostGIS tests and `make bench`) if missing.
# The tests start their own throw-away server from these binaries (tests/pg_server.py); nothing
# here starts or configures a cluster. The PostGIS package must match the server's major version.
set -euo pipefail
have() {
  local bin
  for bin in /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$bin" ] || continue
    local version; version=$(basename "$(dirname "$(dirname "$bin")")")
    [ -f "/usr/share/postgresql/$version/extension/postgis.control" ] && return 0
  done
  return 1
}
if have; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "PostgreSQL with PostGIS is missing and this user cannot install it: run 'apt-get install postgresql postgresql-<version>-postgis-3' as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# postgresql: Debian's supported major version; its PostGIS package is named after that version.
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
$SUDO apt-get install -y -qq --no-install-recommends "postgresql-$version-postgis-3" >/dev/null
have || { echo "PostGIS for PostgreSQL $version did not install" >&2; exit 1; }
echo "PostgreSQL $version with PostGIS: $(ls /usr/share/postgresql/$version/extension/postgis--*.sql | head -n 1)"
