"""Reading a (Geo)Parquet register: nested columns as text, a geometry column row by row.

Two things a Parquet file can hold that a register's cells cannot: nested values (list,
struct and map columns), which are read as JSON text, one warning per column; and a
GeoParquet geometry column with a cell that is not readable WKB, which GeoPandas refuses
for the whole file. Then the column is read as plain WKB cells, so that the row rules
flag only the rows whose geometry is unreadable (each with its reason), in the CRS the
file's ``geo`` metadata declares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from geo.i18n import message

__all__ = ["read_parquet"]

#: GeoParquet's CRS when its metadata names none (the specification: OGC:CRS84, lon/lat).
_DEFAULT_CRS = "OGC:CRS84"


def _geo_metadata(schema: Any) -> dict[str, Any]:
    """The file's GeoParquet ``geo`` metadata, or {} (none, or not JSON)."""
    raw = (schema.metadata or {}).get(b"geo")
    try:
        geo = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return geo if isinstance(geo, dict) else {}


def _declared_crs(geo: dict[str, Any]) -> str | None:
    """The CRS the ``geo`` metadata declares for its primary column, as pyproj writes it."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    column = (geo.get("columns") or {}).get(geo.get("primary_column"), {})
    if not isinstance(column, dict):
        return None
    crs = column.get("crs", _DEFAULT_CRS)
    if crs is None:
        return None
    try:
        return str(CRS.from_user_input(crs).to_string())
    except (CRSError, TypeError, ValueError):
        return None


def _nested(schema: Any, skip: set[str]) -> dict[str, str]:
    """Column name → Arrow type of each nested column (list, struct, map), but ``skip``."""
    import pyarrow as pa

    return {f.name: str(f.type) for f in schema if pa.types.is_nested(f.type) and f.name not in skip}


def _as_text(value: Any) -> str | None:
    """A nested cell as JSON text (None stays blank).

    Examples
    --------
    >>> _as_text([1, {"k": "شهرک"}]), _as_text(None)
    ('[1, {"k": "شهرک"}]', None)
    """
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


def read_parquet(path: Path) -> tuple[Any, str | None, list[str]]:
    """The (Geo)DataFrame of a Parquet file, its declared CRS and its warnings.

    The CRS is given where the geometry column was read as cells (else the frame's own).

    Raises whatever pyarrow or GeoPandas raise for a file that is not Parquet at all
    (the caller words it).
    """
    import geopandas as gpd
    import pyarrow.parquet as pq
    from shapely.errors import ShapelyError

    schema = pq.read_schema(path)
    geo = _geo_metadata(schema)
    declared = None
    try:
        frame = gpd.read_parquet(path)
    except (ValueError, KeyError):  # no (usable) geo metadata: a plain table
        frame = pd.read_parquet(path)
    except ShapelyError:  # a geometry that is not readable WKB: each row on its own
        frame = pd.read_parquet(path)
        declared = _declared_crs(geo)
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    nested = _nested(schema, {geometry} if geometry else set())
    warnings: list[str] = []
    for name, kind in nested.items():
        values = pq.read_table(path, columns=[name]).column(name).to_pylist()
        frame[name] = pd.array([_as_text(v) for v in values], dtype=object)
        warnings.append(message("warnings", "nested_as_text", column=name, kind=kind))
    return frame, declared, warnings
