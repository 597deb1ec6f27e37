"""File writers for tables of any size: GeoPackage, GeoParquet, CSV (Arrow, in chunks) and GeoJSON.

A table is written :data:`CHUNK` rows at a time, each chunk converted to Arrow on its own,
so that writing a million rows never holds a second copy of them, and the caller hears how
many rows are written as it goes. Text columns keep one Arrow type across chunks (the
schema is taken from the whole table once). CSV cells that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) are prefixed with a single
quote, headers included; GeoJSON is RFC 7946 (longitude, latitude; no ``crs``; NaN as null).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._io import formula_safe
from geo.output._arrow import formula_like, wkb_array
from geo.output._gpkg_process import GPKG_CONFIG

__all__ = [
    "CHUNK",
    "geometry_kind",
    "jsonable",
    "layer_crs",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_parquet",
    "write_tables",
]

#: Rows converted and written at a time.
CHUNK = 100_000
#: Called with the number of rows written so far.
Advance = Callable[[int], None]
#: What stopped a chunked write from inside the stream a writer pulls from (Ctrl-C, a full
#: disk under another file of the pass): the writer's stream turns it into its own error,
#: so it is kept here and raised again as it was.
_FAILED: list[BaseException] = []
#: GeoParquet's name of each shapely geometry type id.
_GEOMETRY_NAMES = {0: "Point", 1: "LineString", 2: "LineString", 3: "Polygon", 4: "MultiPoint",
                   5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}  # fmt: skip


def _nothing(done: int) -> None:
    """An :data:`Advance` that tells no one."""


def _attributes(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``frame`` but its geometry, as a file takes them.

    A cell holding a tuple or list of texts (a row's reasons) becomes them joined by
    `` | ``; other objects than text become text.
    """
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    out = pd.DataFrame(frame.drop(columns=[geometry] if geometry else []), copy=False)
    for col in out.columns:
        if out[col].dtype == object and pd.api.types.infer_dtype(out[col], skipna=True) not in ("string", "empty"):
            out[col] = out[col].map(_cell_text, na_action="ignore").astype(object)
    return out


def _cell_text(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return " | ".join(map(str, value))
    return str(value)


def _schema(frame: pd.DataFrame, columns: list[str] | None = None) -> Any:
    """The Arrow schema of a table (its ``columns``; None: all) from its column types, no geometry.

    Text columns are strings throughout.
    """
    import pyarrow as pa

    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    fields = []
    for col in frame.columns if columns is None else columns:
        s = frame[col]
        if col == geometry:
            continue
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            kind = pa.string()
        elif isinstance(s.dtype, pd.BooleanDtype) or pd.api.types.is_bool_dtype(s.dtype):
            kind = pa.bool_()
        else:
            kind = pa.Schema.from_pandas(s.head(0).to_frame(), preserve_index=False).field(0).type
        fields.append(pa.field(str(col), kind))
    return pa.schema(fields)


def _batches(
    frame: pd.DataFrame,
    rows: np.ndarray | None,
    schema: Any,
    advance: Advance,
    *,
    geometry: bool = False,
    columns: list[str] | None = None,
) -> Iterator[Any]:
    """The ``rows`` of ``frame`` (positions; None: all) as Arrow record batches of :data:`CHUNK` rows.

    Each chunk is taken (its ``columns``; None: all), made ready for a file
    (:func:`_attributes`) and converted on its own; with ``geometry``, a ``geometry``
    column of WKB is appended.
    """
    import pyarrow as pa

    total = len(frame) if rows is None else len(rows)
    for start in range(0, max(total, 1), CHUNK):
        part = frame.iloc[start : start + CHUNK] if rows is None else frame.iloc[rows[start : start + CHUNK]]
        cells = part if columns is None else part[columns]
        table = pa.Table.from_pandas(_attributes(cells), schema=schema, preserve_index=False)
        if geometry:
            table = table.append_column("geometry", wkb_array(np.asarray(part.geometry.values, dtype=object)))
        yield from table.to_batches()
        advance(min(start + CHUNK, total))


def _teed(batches: Iterator[Any], sinks: list[Callable[[Any], None]]) -> Iterator[Any]:
    """``batches``, each also handed to every sink first; what stops it is kept in :data:`_FAILED`."""
    _FAILED.clear()
    try:
        for batch in batches:
            for sink in sinks:
                sink(batch)
            yield batch
    except BaseException as exc:
        _FAILED.append(exc)
        raise


def _geometries(frame: gpd.GeoDataFrame, rows: np.ndarray | None) -> np.ndarray:
    geoms = np.asarray(frame.geometry.values, dtype=object)
    return geoms if rows is None else geoms[rows]


def _gpkg(batches: Iterator[Any], path: Path, schema: Any, kind: str, crs: str | None) -> None:
    """A GeoPackage layer ``estates`` from a stream of batches with a WKB ``geometry`` column."""
    import pyarrow as pa
    import pyogrio

    reader = pa.RecordBatchReader.from_batches(schema.append(pa.field("geometry", pa.binary())), batches)
    old = {k: pyogrio.get_gdal_config_option(k) for k in GPKG_CONFIG}
    pyogrio.set_gdal_config_options(GPKG_CONFIG)
    try:
        pyogrio.write_arrow(reader, path, layer="estates", driver="GPKG", geometry_name="geometry",
                            geometry_type=kind, crs=crs)  # fmt: skip
    except Exception as exc:
        if _FAILED:
            raise _FAILED[0] from exc
        raise
    finally:
        pyogrio.set_gdal_config_options(old)


def _csv_sink(stack: ExitStack, path: Path, schema: Any) -> Callable[[Any], None]:
    """A function writing batches to a CSV (UTF-8 with BOM, formula-like text neutralised)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = pa.schema([pa.field(formula_safe(f.name), f.type) for f in schema])
    sink = stack.enter_context(pa.OSFile(str(path), "wb"))
    sink.write(b"\xef\xbb\xbf")
    writer = stack.enter_context(pacsv.CSVWriter(sink, header))

    def write(batch: Any) -> None:
        columns = _neutralised(batch.select(schema.names)).columns
        writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=header))

    return write


def _few_values(frame: pd.DataFrame, rows: np.ndarray | None, schema: Any) -> list[str]:
    """The text columns of ``schema`` that GeoParquet stores as dictionaries: few distinct values.

    A column is one when its first :data:`CHUNK` rows written hold at most a tenth as many
    distinct values as rows (status, province, a yes/no column): its pages are then
    smaller and quicker to read. A column of mostly distinct texts (ids, names) is not:
    its dictionary would only be built to be dropped (10^6 rows: 0.40 s against 0.72 s
    with every column a dictionary, and 11 % smaller).
    """
    first = frame.iloc[: min(CHUNK, len(frame))] if rows is None else frame.iloc[rows[:CHUNK]]
    few = []
    for field in schema:
        if field.type == "string" and field.name in first.columns:
            column = first[field.name]
            if column.nunique(dropna=True) <= max(len(column) // 10, 1):
                few.append(field.name)
    return few


def _parquet_sink(
    stack: ExitStack, path: Path, schema: Any, frame: gpd.GeoDataFrame, rows: Any
) -> Callable[[Any], None]:
    """A function writing batches (with their WKB ``geometry``) to a GeoParquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    full = schema.append(pa.field("geometry", pa.binary())).with_metadata({b"geo": _geo_metadata(frame, rows)})
    coded = _few_values(frame, rows, schema)
    writer = stack.enter_context(pq.ParquetWriter(str(path), full, use_dictionary=coded))
    return lambda batch: writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=full))


def _stream_sink(stack: ExitStack, path: Path, schema: Any) -> Callable[[Any], None]:
    """A function writing batches (with their WKB ``geometry``) to an Arrow IPC stream, each as it comes."""
    import pyarrow as pa

    full = schema.append(pa.field("geometry", pa.binary()))
    writer = stack.enter_context(pa.ipc.new_stream(stack.enter_context(pa.OSFile(str(path), "wb")), full))
    return lambda batch: writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=full))


def write_tables(
    frame: pd.DataFrame,
    paths: dict[str, Path],
    advance: Advance = _nothing,
    rows: np.ndarray | None = None,
    columns: list[str] | None = None,
) -> None:
    """The ``rows`` of ``frame`` (positions; None: all) in each format of ``paths`` at once.

    ``columns``: those of ``frame`` to write (None: all); the table is not copied for them.

    ``paths`` maps ``gpkg`` (a layer ``estates`` with a spatial index), ``parquet``
    (GeoParquet, geometry as WKB), ``csv`` (no geometry) and ``stream`` (an Arrow IPC
    stream with WKB geometry, for :mod:`geo.output._gpkg_process`) to their files. One pass: each
    chunk of :data:`CHUNK` rows is converted to Arrow once and written to every file.
    """
    schema = _schema(frame, columns)
    spatial = isinstance(frame, gpd.GeoDataFrame) and bool({"gpkg", "parquet", "stream"} & set(paths))
    with ExitStack() as stack:
        sinks = [_csv_sink(stack, paths["csv"], schema)] if "csv" in paths else []
        if "parquet" in paths:
            sinks.append(_parquet_sink(stack, paths["parquet"], schema, frame, rows))
        if "stream" in paths:
            sinks.append(_stream_sink(stack, paths["stream"], schema))
        batches = _teed(_batches(frame, rows, schema, advance, geometry=spatial, columns=columns), sinks)
        if "gpkg" not in paths:
            for _ in batches:
                pass
            return
        _gpkg(batches, paths["gpkg"], schema, geometry_kind(frame, rows), layer_crs(frame))


def geometry_kind(frame: gpd.GeoDataFrame, rows: np.ndarray | None = None) -> str:
    """The GeoPackage geometry type of ``frame``'s ``rows``: ``Point`` when all are points (or missing)."""
    return "Point" if (shapely.get_type_id(_geometries(frame, rows)) <= 0).all() else "Unknown"


def layer_crs(frame: gpd.GeoDataFrame) -> str | None:
    """``frame``'s CRS as text for GDAL; None for none."""
    return frame.crs.to_string() if frame.crs is not None else None


def write_gpkg(
    frame: gpd.GeoDataFrame, path: Path, advance: Advance = _nothing, rows: np.ndarray | None = None
) -> None:
    """A GeoPackage layer ``estates`` of ``frame`` (its ``rows``; None: all), with a spatial index, in chunks."""
    write_tables(frame, {"gpkg": path}, advance, rows)


def _geo_metadata(frame: gpd.GeoDataFrame, rows: np.ndarray | None) -> bytes:
    """GeoParquet 1.1 metadata of the ``geometry`` column (WKB, its types, CRS as PROJJSON, bbox)."""
    geoms = _geometries(frame, rows)
    present = geoms[~shapely.is_missing(geoms)]
    names = sorted({_GEOMETRY_NAMES[t] for t in shapely.get_type_id(present).tolist()})
    bounds = shapely.total_bounds(present) if len(present) else None
    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": names}
    if frame.crs is not None:
        column["crs"] = frame.crs.to_json_dict()
    if bounds is not None and np.isfinite(bounds).all():
        column["bbox"] = [float(b) for b in bounds]
    meta = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}
    return json.dumps(meta).encode("utf-8")


def write_parquet(
    frame: gpd.GeoDataFrame, path: Path, advance: Advance = _nothing, rows: np.ndarray | None = None
) -> None:
    """A GeoParquet file of ``frame`` (its ``rows``; None: all), geometry as WKB, in chunks."""
    write_tables(frame, {"parquet": path}, advance, rows)


def _neutralised(batch: Any) -> Any:
    """A batch whose text cells that start like a formula are prefixed with a single quote."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for col in batch.columns:
        if pa.types.is_string(col.type):
            risky = formula_like(col)
            if pc.any(risky).as_py():
                col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        columns.append(col)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def write_csv(
    frame: pd.DataFrame,
    path: Path,
    advance: Advance = _nothing,
    rows: np.ndarray | None = None,
    columns: list[str] | None = None,
) -> None:
    """A CSV of ``frame`` (its ``rows`` and ``columns``; None: all) without geometry, in chunks.

    UTF-8 with a BOM (spreadsheets then read it as UTF-8); formula-like text neutralised.
    """
    write_tables(frame, {"csv": path}, advance, rows, columns)


def write_geojson(
    frame: gpd.GeoDataFrame, path: Path, advance: Advance = _nothing, rows: np.ndarray | None = None
) -> None:
    """RFC 7946 GeoJSON of ``frame`` (its ``rows``; None: all): points, other shapes by their centroid."""
    part = frame if rows is None else frame.iloc[rows]
    path.write_text(_geojson(_attributes(part), _geometries(part, None)), encoding="utf-8")
    advance(len(part))


def _geojson(props: pd.DataFrame, geoms: np.ndarray) -> str:
    """The GeoJSON text, built from whole columns (:meth:`GeoDataFrame.to_json` steps per cell)."""
    props = props.astype(object).where(props.notna(), None)
    records = props.to_dict("records")
    usable = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    coords = np.full((len(props), 2), np.nan)
    if usable.any():
        coords[usable] = shapely.get_coordinates(shapely.centroid(geoms[usable]))[:, :2]
    features = [
        {"type": "Feature", "properties": rec, "geometry": {"type": "Point", "coordinates": [x, y]} if ok else None}
        for rec, ok, (x, y) in zip(records, usable.tolist(), coords.tolist(), strict=True)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, allow_nan=False, default=_json_default)


def _json_default(value: Any) -> Any:
    plain = jsonable(value)
    if plain is value:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return plain


def jsonable(value: Any) -> Any:
    """``value`` with NumPy and pandas scalars as plain Python ones (NaN and NA as None).

    Examples
    --------
    >>> jsonable({"a": np.int64(3), "b": [np.nan, pd.NA]})
    {'a': 3, 'b': [None, None]}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(value)
    return value


def json_text(value: Any) -> str:
    """``value`` as JSON text: UTF-8 as written, one level of indent, no NaN."""
    return json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False, default=_json_default)


def report_text(
    summary: dict[str, Any], *, outputs: list[str], table_columns: Any, rows: list[dict[str, Any]] | None = None
) -> str:
    """``report.json``'s text: the summary, the files of the set, the tables' columns, and the rows it lists.

    Both engines' output sets write it by this function: the in-memory engine's with
    ``rows`` (every flagged and rejected row; every row's outcome is in ``rows.csv``), the
    dask engine's without (every row's outcome is in ``rows/``).

    Examples
    --------
    >>> print(report_text({"rows_in": np.int64(0)}, outputs=["report.json"], table_columns=[]))
    {
     "rows_in": 0,
     "outputs": [
      "report.json"
     ],
     "table_columns": []
    }
    """
    if rows is None:
        return json_text(jsonable({**summary, "outputs": outputs, "table_columns": table_columns}))
    head = jsonable(
        {
            **summary,
            "accounting": "rows_in == rows_joined + rows_flagged + rows_rejected",
            "map": "geo.maps.register_map: offline, Leaflet inlined, no tiles",
            "outputs": outputs,
            "rows_file": "rows.csv",
            "table_columns": table_columns,
            "rows_listed": len(rows),
        }
    )
    return json_text({**head, "rows": rows})
