"""Iran's 31 provinces: the reference geometry every other table joins to.

The boundaries are OpenStreetMap's province relations (© OpenStreetMap contributors,
ODbL 1.0), keyed by the current ISO 3166-2:IR code from their ``ISO3166-2`` tags and
checked one-to-one against pycountry and ``data/provinces/`` (see
``data/boundaries/README.md`` and ``tools/build_boundaries.py``). Two polygons per
province: the land one (sea cut off at the coast, islands kept; the default, what maps
draw and ``area_km2`` measures) and the territorial one (OpenStreetMap's polygon with the
12-nautical-mile territorial sea; for joining points at sea near the coast).
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd
import shapely

from geo.reference._boundaries import Geometry, attribute_table, read_boundaries, with_geometry

__all__ = [
    "load_provinces",
    "province_table",
    "territorial_sea",
    "EQUAL_AREA_CRS",
    "BOUNDARIES_FILE",
]

#: Albers equal-area conic fitted to Iran (standard parallels 27° N and 37° N);
#: used for every area the package computes.
EQUAL_AREA_CRS = "+proj=aea +lat_0=32 +lon_0=54 +lat_1=27 +lat_2=37 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"

#: The processed boundary file (GeoParquet), relative to the data folder.
BOUNDARIES_FILE = "boundaries/provinces.parquet"

_COLUMNS = ["code", "hasc", "fips", "name_en", "name_fa", "capital_en", "capital_fa", "area_km2"]


@lru_cache(maxsize=1)
def _read() -> gpd.GeoDataFrame:
    gdf = read_boundaries(BOUNDARIES_FILE, _COLUMNS)
    gdf["fips"] = gdf["fips"].fillna("")
    return gdf.set_index("code", drop=False).rename_axis(None)


def load_provinces(geometry: Geometry = "land") -> gpd.GeoDataFrame:
    """Load Iran's 31 provinces as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    geometry
        ``"land"`` (default): each province ending at the coast, with its islands, lakes
        and salt flats; the polygons maps draw and ``area_km2`` measures. Together they
        form a coverage that :func:`shapely.coverage_simplify` can simplify as a whole.
        ``"territorial"``: each province with its share of the 12-nautical-mile
        territorial sea (OpenStreetMap's polygons as they are), the polygons a point
        at sea near the coast is joined against (see :func:`territorial_sea`).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``code`` (current ISO 3166-2:IR, ``IR-00`` … ``IR-30``) and with the
        columns ``code``, ``hasc``, ``fips``, ``name_en``, ``name_fa`` (standard Persian
        letters), ``capital_en``, ``capital_fa``, ``area_km2`` (land area, Albers
        equal-area) and ``geometry``. The polygons form a clean coverage: no gaps, no
        overlaps. Each call returns a fresh copy, safe to modify.

    Raises
    ------
    ValueError
        For a ``geometry`` other than ``"territorial"`` or ``"land"``.

    Examples
    --------
    >>> provinces = load_provinces()
    >>> len(provinces), provinces.crs.to_epsg()
    (31, 4326)
    >>> provinces.loc["IR-10", "name_en"]
    'Isfahan'
    >>> territorial = load_provinces(geometry="territorial")
    >>> import shapely   # land never reaches beyond the territory
    >>> bool((shapely.area(provinces.geometry.values) <= shapely.area(territorial.geometry.values) + 1e-9).all())
    True
    """
    return with_geometry(_read(), _COLUMNS, geometry)


@lru_cache(maxsize=1)
def _territorial_sea() -> gpd.GeoDataFrame:
    frame = _read()
    sea = shapely.difference(frame.geometry.to_numpy(), frame["land"].to_numpy())
    out = gpd.GeoDataFrame(frame[["code", "name_en", "name_fa"]].copy(), geometry=sea, crs=4326)
    return out[shapely.area(sea) > 0]


def territorial_sea() -> gpd.GeoDataFrame:
    """Each coastal province's territorial sea: its territorial polygon minus its land.

    A point inside one of these polygons is in that province's territorial sea (at sea,
    but within 12 nautical miles of its coast or islands).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per coastal province (indexed by ``code``), columns ``code``,
        ``name_en``, ``name_fa`` and ``geometry`` (EPSG:4326). A fresh copy.

    Examples
    --------
    >>> sea = territorial_sea()
    >>> "IR-22" in sea.index, "IR-10" in sea.index   # Hormozgan is coastal, Isfahan is not
    (True, False)
    """
    return _territorial_sea().copy()


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    df = attribute_table(BOUNDARIES_FILE, _COLUMNS)
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
