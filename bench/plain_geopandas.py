"""The baseline of ``bench_e2e``: the same workflow as ``geo join``, written plainly with geopandas.

``python bench/plain_geopandas.py REGISTER.csv PROVINCES OUT_DIR``: ``pd.read_csv`` →
``gpd.points_from_xy`` → ``gpd.sjoin(predicate="within")`` against the provinces →
``to_file`` GeoPackage. No checks, no reasons, no other output: what a user would write
by hand. It imports nothing of ``geo``.
"""

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

register, provinces, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
table = pd.read_csv(register)
lat = next(c for c in table.columns if c in ("lat", "عرض جغرافیایی"))
lon = next(c for c in table.columns if c in ("lon", "طول جغرافیایی"))
lat_values = pd.to_numeric(table[lat], errors="coerce")
lon_values = pd.to_numeric(table[lon], errors="coerce")
points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lon_values, lat_values), crs=4326)
polygons = gpd.read_file(provinces)[["geometry"]].to_crs(4326)
joined = gpd.sjoin(points, polygons, predicate="within")
joined.to_file(out / "joined.gpkg", driver="GPKG", layer="estates")
print(len(joined))
