#!/usr/bin/env bash
# Write tests/data/formats/estates_example.xls: the shipped example register
# (data/examples/estates_example.csv) saved as Excel 97-2003 by LibreOffice Calc, the tool
# offices use for .xls. No maintained .xls writer exists on PyPI (xlwt's last release is
# from 2017), so the round-trip test reads this committed file; rerun this script (as root,
# or with sudo) when the example changes. Provenance: tests/data/formats/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi
out="tests/data/formats"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp data/examples/estates_example.csv "$work/"
# Filter options of the CSV import: comma, double quote, UTF-8 (76), first line 1.
HOME="$work" soffice --headless --infilter="CSV:44,34,76,1" --convert-to xls:"MS Excel 97" \
  --outdir "$work" "$work/estates_example.csv" >/dev/null
cp "$work/estates_example.xls" "$out/estates_example.xls"
soffice --version
