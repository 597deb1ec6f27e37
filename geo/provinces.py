"""Iran's 31 provinces: the reference geometry every other table joins to.

The boundaries are Natural Earth's admin-1 polygons, repaired into a clean coverage and
keyed by the current ISO 3166-2:IR code (see ``data/boundaries/README.md`` and
``tools/build_boundaries.py``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo._paths import data_dir
from geo.errors import DataError

__all__ = ["load_provinces", "province_table", "EQUAL_AREA_CRS", "BOUNDARIES_FILE"]

#: Albers equal-area conic fitted to Iran (standard parallels 27° N and 37° N);
#: used for every area the package computes.
EQUAL_AREA_CRS = "+proj=aea +lat_0=32 +lon_0=54 +lat_1=27 +lat_2=37 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"

#: The processed boundary file, relative to the data folder.
BOUNDARIES_FILE = "boundaries/iran_provinces.geojson"

_COLUMNS = ["code", "hasc", "fips", "name_en", "name_fa", "capital_en", "capital_fa", "area_km2"]


def _path() -> Path:
    path = data_dir() / BOUNDARIES_FILE
    if not path.is_file():
        raise DataError("the shipped province boundaries are missing; reinstall the package", path=path)
    return path


@lru_cache(maxsize=1)
def _read() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(_path(), engine="pyogrio")
    missing = [c for c in _COLUMNS if c not in gdf.columns]
    if missing:
        raise DataError(f"missing columns {missing}", path=_path())
    gdf["fips"] = gdf["fips"].fillna("")
    return gdf[[*_COLUMNS, "geometry"]].set_index("code", drop=False).rename_axis(None)


def load_provinces() -> gpd.GeoDataFrame:
    """Load Iran's 31 provinces as a GeoDataFrame in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``code`` (current ISO 3166-2:IR, ``IR-00`` … ``IR-30``) and with the
        columns ``code``, ``hasc``, ``fips``, ``name_en``, ``name_fa`` (standard Persian
        letters), ``capital_en``, ``capital_fa``, ``area_km2`` (Albers equal-area) and
        ``geometry``. The polygons form a clean coverage: no gaps, no overlaps. Each
        call returns a fresh copy, safe to modify.

    Examples
    --------
    >>> provinces = load_provinces()
    >>> len(provinces), provinces.crs.to_epsg()
    (31, 4326)
    >>> provinces.loc["IR-10", "name_en"]
    'Isfahan'
    """
    return _read().copy()


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    df = pyogrio.read_dataframe(_path(), read_geometry=False)
    df["fips"] = df["fips"].fillna("")
    return df[_COLUMNS].sort_values("code").reset_index(drop=True)


def province_table() -> pd.DataFrame:
    """The province attributes without geometry (fast; used by the name resolver).

    Returns
    -------
    pandas.DataFrame
        One row per province with the columns of :func:`load_provinces` except geometry.
        Each call returns a fresh copy, safe to modify.

    Examples
    --------
    >>> province_table().shape[0]
    31
    """
    return _table().copy()
