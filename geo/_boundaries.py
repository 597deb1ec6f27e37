"""Reading the shipped boundary files (GeoParquet) of provinces and counties.

Each file holds two geometry columns: ``geometry``, the territorial polygon (land, lakes
and the 12-nautical-mile territorial sea: what a point is joined against), and ``land``,
the same polygon with the sea cut off (islands kept: what maps draw and what
``area_km2`` measures). Both form a clean coverage. See ``data/boundaries/README.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from geo._args import check_choice
from geo._paths import data_dir
from geo.errors import DataError

#: Which polygon a loader returns in its ``geometry`` column.
Geometry = Literal["territorial", "land"]
GEOMETRIES: tuple[str, ...] = ("territorial", "land")


def boundary_path(relative: str) -> Path:
    """The shipped file ``relative`` (to the data folder); :class:`DataError` when missing."""
    path = data_dir() / relative
    if not path.is_file():
        raise DataError("a shipped boundary file is missing; reinstall the package", path=path)
    return path


def read_boundaries(relative: str, columns: list[str]) -> gpd.GeoDataFrame:
    """Both geometries and ``columns`` of a shipped boundary file, checked."""
    path = boundary_path(relative)
    try:
        gdf = gpd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the boundaries: {exc}", path=path) from exc
    missing = [c for c in [*columns, "geometry", "land"] if c not in gdf.columns]
    if missing:
        raise DataError(f"missing columns {missing}", path=path)
    for col in ("geometry", "land"):
        if not isinstance(gdf[col], gpd.GeoSeries) or gdf[col].crs is None or gdf[col].crs.to_epsg() != 4326:
            raise DataError("not a geometry column in EPSG:4326", path=path, field=col)
    return gdf[[*columns, "geometry", "land"]]


def attribute_table(relative: str, columns: list[str]) -> pd.DataFrame:
    """``columns`` of a shipped boundary file without reading any geometry (fast)."""
    path = boundary_path(relative)
    try:
        table = pq.read_table(path, columns=columns)
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"cannot read the boundary attributes: {exc}", path=path) from exc
    return table.to_pandas()


def with_geometry(frame: gpd.GeoDataFrame, columns: list[str], geometry: str) -> gpd.GeoDataFrame:
    """A fresh copy of ``frame[columns]`` whose ``geometry`` is the territorial or land polygon."""
    check_choice(geometry, "geometry", GEOMETRIES)  # an InputValueError (a ValueError) or InputTypeError
    source = "geometry" if geometry == "territorial" else "land"
    return gpd.GeoDataFrame(frame[columns].copy(), geometry=frame[source].copy().rename("geometry"), crs=4326)
