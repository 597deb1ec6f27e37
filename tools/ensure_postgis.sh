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
HERE="$(cd "$(dirname "$0")" && pwd)"
# postgresql: Debian's supported major version; its PostGIS package is named after that version.
bash "$HERE/apt_install.sh" postgresql
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
bash "$HERE/apt_install.sh" "postgresql-$version-postgis-3"
have || { echo "PostGIS for PostgreSQL $version did not install" >&2; exit 1; }
echo "PostgreSQL $version with PostGIS: $(ls /usr/share/postgresql/$version/extension/postgis--*.sql | head -n 1)"
