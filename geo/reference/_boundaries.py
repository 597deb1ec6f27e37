"""Reading the shipped boundary files (GeoParquet) of provinces and counties.

Each file holds two geometry columns: ``geometry``, the territorial polygon (land, lakes
and the 12-nautical-mile territorial sea: what a point is joined against), and ``land``,
the same polygon with the sea cut off (islands kept: what maps draw and what
``area_km2`` measures). Both form a clean coverage. See ``data/boundaries/README.md``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import shapely

from geo._args import check_choice
from geo._paths import data_dir
from geo.errors import DataError
from geo.i18n import message, whole

#: Which polygon a loader returns in its ``geometry`` column.
Geometry = Literal["territorial", "land"]
GEOMETRIES: tuple[str, ...] = ("territorial", "land")


def boundary_path(relative: str) -> Path:
    """The shipped file ``relative`` (to the data folder); :class:`DataError` when missing."""
    path = data_dir() / relative
    if not path.is_file():
        raise DataError(message("errors", "boundaries_missing"), path=path)
    return path


@lru_cache(maxsize=1)
def _wgs84() -> Any:
    """EPSG:4326 as one pyproj CRS, made from its code (fast; shared by every column read)."""
    from pyproj import CRS

    return CRS.from_epsg(4326)


def _is_wgs84(column: Any) -> bool:
    """Whether a GeoParquet column's metadata declares WKB in EPSG:4326 (by the CRS's id).

    Examples
    --------
    >>> _is_wgs84({"encoding": "WKB", "crs": {"id": {"authority": "EPSG", "code": 4326}}})
    True
    >>> _is_wgs84({"encoding": "WKB"}), _is_wgs84(None)
    (False, False)
    """
    if not isinstance(column, dict) or column.get("encoding") != "WKB":
        return False
    crs = column.get("crs")
    return isinstance(crs, dict) and crs.get("id") == {"authority": "EPSG", "code": 4326}


def read_boundaries(relative: str, columns: list[str]) -> gpd.GeoDataFrame:
    """Both geometries and ``columns`` of a shipped boundary file, checked.

    Read with pyarrow and :func:`shapely.from_wkb`, the CRS checked in the file's GeoParquet
    metadata by its id: the same frame as :func:`geopandas.read_parquet` gives, without
    parsing each column's PROJJSON into a pyproj CRS (the slowest part of reading the file).
    """
    path = boundary_path(relative)
    try:
        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {})[b"geo"])["columns"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(message("errors", "boundaries_unreadable", problem=whole(str(exc))), path=path) from exc
    missing = [c for c in [*columns, "geometry", "land"] if c not in table.column_names]
    if missing:
        raise DataError(message("errors", "boundaries_columns", missing=whole(str(missing))), path=path)
    for col in ("geometry", "land"):
        if not _is_wgs84(meta.get(col)):
            raise DataError(message("errors", "boundaries_not_wgs84"), path=path, field=col)
    crs = _wgs84()
    polygons = {c: shapely.from_wkb(table[c].to_numpy(zero_copy_only=False)) for c in ("geometry", "land")}
    gdf = gpd.GeoDataFrame(table.select(columns).to_pandas(), geometry=polygons["geometry"], crs=crs)
    gdf["land"] = gpd.GeoSeries(polygons["land"], crs=crs)
    return gdf


def attribute_table(relative: str, columns: list[str]) -> pd.DataFrame:
    """``columns`` of a shipped boundary file without reading any geometry (fast)."""
    path = boundary_path(relative)
    try:
        table = pq.read_table(path, columns=columns)
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(message("errors", "boundaries_attributes", problem=whole(str(exc))), path=path) from exc
    return table.to_pandas()


def with_geometry(frame: gpd.GeoDataFrame, columns: list[str], geometry: str) -> gpd.GeoDataFrame:
    """A fresh copy of ``frame[columns]`` whose ``geometry`` is the territorial or land polygon."""
    check_choice(geometry, "geometry", GEOMETRIES)  # an InputValueError (a ValueError) or InputTypeError
    source = "geometry" if geometry == "territorial" else "land"
    return gpd.GeoDataFrame(frame[columns].copy(), geometry=frame[source].copy().rename("geometry"), crs=4326)
