"""The output set of a dask join: partitioned GeoParquet beside the tables and ``report.json``.

The workers write their Parquet parts (``joined/``, ``rejects/``, ``rows/``: one file per
partition) into the set's temporary folder (on a cluster, ``out`` must be on a file system
the workers share with the client); the client adds ``by_province.csv``,
``by_county.csv``, ``reconciliation.csv`` (when there is one), ``map.html`` and ``report.json``, and
:meth:`geo.output._output_set.OutputSet.commit` moves them into ``out``, ``report.json`` last.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from geo.output._output_set import LAST, OutputSet

__all__ = ["OUTPUT_FILES", "OUTPUT_FOLDERS", "parquet_schema", "write_set"]

#: The files and the folders of Parquet parts a dask join writes.
OUTPUT_FILES = ["by_province.csv", "by_county.csv", "reconciliation.csv", "map.html", LAST]
OUTPUT_FOLDERS = ["joined", "rejects", "rows"]
_LISTS = ("reasons", "reasons_fa", "notes", "notes_fa")


def parquet_schema(meta: Any, int_ids: bool | None, columns: list[str] | None = None) -> Any:
    """The Parquet schema of every partition, whatever each partition holds (GeoParquet metadata kept).

    Object columns are typed from what the rules put in them: text, lists of text
    (reasons, notes), or whole numbers for ids the plan keeps as numbers.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = meta if columns is None else pd.DataFrame(meta[columns])
    written = io.BytesIO()
    frame.to_parquet(written, index=False)  # GeoParquet's own metadata, as geopandas writes it
    schema = pq.read_schema(written)
    geometry = getattr(frame, "_geometry_column_name", None)
    for i, name in enumerate(schema.names):
        if name in _LISTS:
            kind = pa.list_(pa.string())
        elif name == "id" and int_ids:
            kind = pa.int64()
        elif frame[name].dtype == object and name != geometry:
            kind = pa.string()
        else:
            continue
        schema = schema.set(i, pa.field(name, kind))
    return schema


def write_set(
    target: OutputSet, result: Any, lang: str = "fa", write_map: Callable[[Path], None] | None = None
) -> dict[str, Path]:
    """Write the tables, ``map.html`` (by ``write_map``) and ``report.json`` into ``target``, and commit it.

    The tables are headed in ``lang``, as the in-memory engine heads them (:func:`geo.registers.known.labelled`).
    """
    from geo.output._writers import report_text, write_csv
    from geo.registers.known import labelled, table_columns

    tables = {
        "by_province.csv": labelled(pd.DataFrame(result.by_province.drop(columns="geometry")), lang),
        "by_county.csv": labelled(pd.DataFrame(result.by_county.drop(columns="geometry")), lang),
    }
    if len(result.reconciliation):
        tables["reconciliation.csv"] = result.reconciliation
    for name, frame in tables.items():
        write_csv(frame, target.path(name))
    if write_map is not None:
        write_map(target.path("map.html"))
    for folder in ("joined", "rejects", "rows"):
        target.path(folder)  # written by the workers: listed as the set's
    names = sorted({*target.written, LAST})
    columns = table_columns(c for c in result.by_province.columns if c != "geometry")
    text = report_text(result.summary, outputs=names, table_columns=columns)
    target.path(LAST).write_text(text, encoding="utf-8")
    target.commit()
    return {name: target.out / name for name in target.written}
