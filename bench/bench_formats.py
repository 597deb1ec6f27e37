"""Benchmark: ``geo.join`` of a register as a zipped Shapefile, KML and KMZ against the same register as GeoPackage.

The register is :func:`bench.bench_join.synthetic_register` (synthetic points, a few bad
rows), written by GDAL (pyogrio) in each format: what a GIS office sends. Each row times
``geo.join(path)`` (read, parse, join; no outputs written) of one format, the best of
``repeat`` runs alternating with the GeoPackage baseline, in one process.

Target (issue 23): the zipped Shapefile and the KML within 1.3 × the GeoPackage, at 10^5
features. A last pair of rows compares the two spreadsheet readers on the same XLSX
workbook (openpyxl, today's reader, and calamine, which reads ``.xls``): which is faster is
informative (the XLSX reader is kept for its formula and zip-bomb checks; see README).

Run ``python -m bench formats`` for a table.
"""

from __future__ import annotations

import tempfile
import time
import warnings
import zipfile
from pathlib import Path

TARGET = 1.3


def _write(folder: Path, n: int) -> dict[str, Path]:
    import geopandas as gpd
    import pyogrio

    from bench.bench_join import synthetic_register

    table = synthetic_register(n)
    layer = gpd.GeoDataFrame(
        table.drop(columns=["lat", "lon"]), geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=4326
    )
    paths = {"gpkg": folder / "estates.gpkg", "kml": folder / "estates.kml", "kmz": folder / "estates.kmz"}
    pyogrio.write_dataframe(layer, paths["gpkg"])
    pyogrio.write_dataframe(layer, paths["kml"], driver="KML")
    pyogrio.write_dataframe(layer, paths["kmz"], driver="LIBKML")
    shp = folder / "shp" / "estates.shp"
    shp.parent.mkdir()
    pyogrio.write_dataframe(layer, shp, encoding="UTF-8")
    paths["shp zip"] = folder / "estates.zip"
    with zipfile.ZipFile(paths["shp zip"], "w", zipfile.ZIP_DEFLATED) as archive:
        for part in shp.parent.iterdir():
            archive.write(part, part.name)
    return paths


def _best(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return min(times)


def _spreadsheets(folder: Path, n: int, repeat: int) -> list[dict]:
    """openpyxl (today's XLSX reader) against calamine on the same workbook."""
    from bench.bench_join import synthetic_register
    from geo.registers.sheets import read_xls
    from geo.registers.xlsx import read_xlsx

    path = folder / "estates.xlsx"
    synthetic_register(n).to_excel(path, index=False)
    openpyxl_s = _best(lambda: read_xlsx(path, None, frozenset()), repeat)
    calamine_s = _best(lambda: read_xls(path, None, frozenset()), repeat)  # calamine reads .xlsx too
    return [
        {"n": n, "format": "xlsx (openpyxl, kept)", "read_s": openpyxl_s, "ratio": 1.0},
        {"n": n, "format": "xlsx (calamine)", "read_s": calamine_s, "ratio": calamine_s / openpyxl_s},
    ]


def run(n: int = 100_000, repeat: int = 2, sheet_rows: int = 20_000) -> list[dict]:
    """One row per format: ``join_s``, the GeoPackage's ``gpkg_s``, ``ratio`` and whether it meets 1.3."""
    import geo

    rows = []
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = _write(Path(tmp), n)
        geo.join(paths["gpkg"])  # warm the caches (indexes, boundaries)
        for fmt in ("shp zip", "kml", "kmz"):
            base, ours = [], []
            for _ in range(repeat):
                base.append(_best(lambda: geo.join(paths["gpkg"]), 1))
                ours.append(_best(lambda fmt=fmt: geo.join(paths[fmt]), 1))
            ratio = min(ours) / min(base)
            row = {"n": n, "format": fmt, "join_s": min(ours), "gpkg_s": min(base), "ratio": ratio}
            if fmt != "kmz":
                row |= {"target": f"≤ {TARGET}", "target_met": ratio <= TARGET}
            rows.append(row)
        rows += _spreadsheets(Path(tmp), sheet_rows, repeat)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
