"""Writing a join's outputs as one set: estates, tables, every row's status, report, map.

The files (in ``--out``):

- ``joined.gpkg``, ``joined.parquet`` (GeoParquet), ``joined.geojson``, ``joined.csv``:
  the joined and flagged estates, in the :data:`FORMATS` chosen; by default
  (:func:`default_formats`) GeoPackage and CSV, and GeoJSON as well up to
  :data:`GEOJSON_DEFAULT_ROWS` rows (a GeoJSON of a national register is hundreds of MB
  that no tool opens quickly);
- ``rows.csv``: the status of every input row (``row``, ``id``, ``status``,
  ``province``, ``reasons``, ``reasons_fa``), joined rows included;
- ``by_province.csv``, ``rejects.csv`` (the rejected rows with their cells), and
  ``reconciliation.csv`` when there is a reconciliation;
- ``map.html`` (:func:`geo.maps.register_map`);
- ``report.json``, written last: the counts (``rows_in == rows_joined + rows_flagged +
  rows_rejected``), the file's warnings, the reconciliation, and every flagged or
  rejected row with its reasons.

The set is written atomically as a whole (:class:`geo._output_set.OutputSet`). CSV cells
that a spreadsheet would run as a formula are prefixed with a single quote; GeoJSON is
RFC 7946 (longitude, latitude; no ``crs`` member; NaN as null).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._output_set import LAST, OutputSet, output_error
from geo._progress import Progress, no_progress
from geo.errors import GeoError
from geo.maps import register_map, save_map

__all__ = ["FORMATS", "GEOJSON_DEFAULT_ROWS", "default_formats", "output_names", "write_into", "write_outputs"]

#: The formats the joined estates can be written in, each to ``joined.<extension>``.
FORMATS = ("gpkg", "parquet", "geojson", "csv")
_FILES = {"gpkg": "joined.gpkg", "parquet": "joined.parquet", "geojson": "joined.geojson", "csv": "joined.csv"}
#: Up to this many joined rows, the default formats include GeoJSON.
GEOJSON_DEFAULT_ROWS = 10_000
#: The files written whatever the formats (``report.json`` is written last).
_ALWAYS = ("rows.csv", "by_province.csv", "rejects.csv", "reconciliation.csv", "map.html", LAST)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = "^[=+\\-@\t\r]"
#: SQLite settings for a GeoPackage built in a temporary folder: no journal file (the
#: whole file is thrown away if the run stops) and no waiting for the disk.
_GPKG_CONFIG = {"OGR_SQLITE_JOURNAL": "OFF", "OGR_SQLITE_SYNCHRONOUS": "OFF"}


class Written(Protocol):
    """What :func:`write_outputs` writes (a :class:`geo.JoinResult` has it all)."""

    @property
    def estates(self) -> gpd.GeoDataFrame:
        """One row per register row."""

    @property
    def by_province(self) -> gpd.GeoDataFrame:
        """The per-province table."""

    @property
    def reconciliation(self) -> pd.DataFrame:
        """The declared comparisons."""

    @property
    def summary(self) -> dict[str, Any]:
        """The report without its rows."""


def default_formats(rows: int) -> tuple[str, ...]:
    """The formats written when none are asked for: GeoPackage and CSV, GeoJSON too when small.

    Examples
    --------
    >>> default_formats(500), default_formats(1_000_000)
    (('gpkg', 'csv', 'geojson'), ('gpkg', 'csv'))
    """
    return ("gpkg", "csv", "geojson") if rows <= GEOJSON_DEFAULT_ROWS else ("gpkg", "csv")


def _checked_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, in the order given, each known."""
    chosen = tuple(dict.fromkeys(str(f).strip().lower() for f in formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise GeoError(f"`formats` are among {', '.join(FORMATS)}; not {', '.join(map(repr, unknown)) or 'none'}")
    return chosen


def output_names(formats: Iterable[str] | None = None) -> list[str]:
    """Every file a run with ``formats`` (None: any) may write, ``report.json`` last."""
    chosen = _checked_formats(formats) if formats is not None else FORMATS
    return [_FILES[f] for f in chosen] + list(_ALWAYS)


def write_outputs(
    result: Written,
    out_dir: str | Path,
    *,
    lang: Literal["fa", "en"] = "fa",
    formats: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Write the outputs of ``result`` into ``out_dir`` as one set (see the module docstring).

    Parameters
    ----------
    result
        A join's result.
    out_dir
        The folder; created if needed. Files of an earlier run there are replaced.
    lang
        The language of ``map.html``.
    formats
        Among :data:`FORMATS`; default :func:`default_formats` of the joined rows.
    progress
        Called as each file is written (see :data:`geo._progress.Progress`).

    Returns
    -------
    dict
        Output name → path.

    Raises
    ------
    OutputError
        The folder cannot take the set (read-only, full, a name taken by a folder,
        another run writing there); nothing was changed in it.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from geo import join
    >>> paths = write_outputs(join(pd.DataFrame({"province": ["Fars"]})), tempfile.mkdtemp())
    >>> sorted(paths)[-3:]
    ['rejects.csv', 'report.json', 'rows.csv']
    """
    chosen = _checked_formats(formats) if formats is not None else None
    with OutputSet(out_dir, output_names(chosen)) as target:
        return write_into(result, target, lang=lang, formats=chosen, progress=progress)


def write_into(
    result: Written,
    target: OutputSet,
    *,
    lang: Literal["fa", "en"] = "fa",
    formats: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Write the outputs into an open :class:`~geo._output_set.OutputSet` and commit it."""
    tick = progress or no_progress
    estates = result.estates
    ok = (estates["status"] != "rejected").to_numpy()
    joined = _file_frame(estates, ok)
    chosen = _checked_formats(formats) if formats is not None else default_formats(len(joined))
    writers = {"gpkg": _write_gpkg, "parquet": _write_parquet, "geojson": _write_geojson, "csv": _write_csv}
    for fmt in chosen:
        _step(target, _FILES[fmt], len(joined), tick, lambda p, w=writers[fmt], f=joined: w(f, p))
    del joined
    _step(target, "rows.csv", len(estates), tick, lambda p: _write_csv(_rows_frame(estates), p))
    by_prov = pd.DataFrame(result.by_province.drop(columns="geometry"))
    _step(target, "by_province.csv", len(by_prov), tick, lambda p: _write_csv(by_prov, p))
    rejects = pd.DataFrame(_file_frame(estates, ~ok).drop(columns=["geometry", "province", "status"]))
    _step(target, "rejects.csv", len(rejects), tick, lambda p: _write_csv(rejects, p))
    if len(result.reconciliation):
        table = result.reconciliation
        _step(target, "reconciliation.csv", len(table), tick, lambda p: _write_csv(table, p))
    _step(target, "map.html", len(estates), tick, lambda p: save_map(register_map(result, lang=lang), p))
    text, listed = _report(result, estates, (estates["status"] != "joined").to_numpy(), target.written)
    _step(target, LAST, listed, tick, lambda p: p.write_text(text, encoding="utf-8"))
    target.commit()
    return {name: target.out / name for name in target.written}


def _step(target: OutputSet, name: str, rows: int, tick: Progress, write: Any) -> None:
    """Write one file of the set, telling progress; a failure of the disk or a writer is an OutputError."""
    tick(f"writing {name}", 0, rows)
    try:
        write(target.path(name))
    except Exception as exc:
        if isinstance(exc, GeoError) or not _from_writer(exc):
            raise
        raise output_error(exc, name, target.out) from exc
    tick(f"writing {name}", rows, rows)


def _from_writer(exc: BaseException) -> bool:
    """Whether ``exc`` comes from the file system or a file writer (not from a bug here)."""
    return isinstance(exc, OSError) or type(exc).__module__.split(".")[0] == "pyogrio"


def _reasons_text(reasons: pd.Series) -> np.ndarray:
    """Each row's reasons as one text (`` | `` between them), without a step for rows that have none."""
    values = reasons.to_numpy(dtype=object)
    out = np.full(len(values), "", dtype=object)
    some = np.fromiter((len(r) > 0 for r in values), dtype=bool, count=len(values))
    out[some] = [" | ".join(r) for r in values[some]]
    return out


def _file_frame(estates: gpd.GeoDataFrame, mask: np.ndarray) -> gpd.GeoDataFrame:
    """The rows of ``mask`` as the file writers take them: reasons as one text each."""
    out = estates.loc[mask] if not mask.all() else estates.copy(deep=False)
    for col in ("reasons", "reasons_fa"):
        if col in out.columns:
            out[col] = _reasons_text(out[col])
    return out


def _rows_frame(estates: gpd.GeoDataFrame) -> pd.DataFrame:
    """``rows.csv``: the status of every row, with its province and reasons."""
    columns = {c: estates[c].to_numpy() for c in ("row", "id", "status", "province")}
    columns["reasons"] = _reasons_text(estates["reasons"])
    if "reasons_fa" in estates.columns:
        columns["reasons_fa"] = _reasons_text(estates["reasons_fa"])
    return pd.DataFrame(columns)


@contextmanager
def _gdal_config(options: dict[str, str]) -> Iterator[None]:
    import pyogrio

    old = pyogrio.get_gdal_config_option
    before = {k: old(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


def _write_gpkg(frame: gpd.GeoDataFrame, path: Path) -> None:
    with _gdal_config(_GPKG_CONFIG):
        _plain_objects(frame).to_file(path, driver="GPKG", engine="pyogrio", layer="estates", use_arrow=True)


def _write_parquet(frame: gpd.GeoDataFrame, path: Path) -> None:
    _plain_objects(frame).to_parquet(path, index=False)


def _write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    path.write_text(_geojson(frame), encoding="utf-8")


def _plain_objects(frame: pd.DataFrame) -> Any:
    """``frame`` with its object columns as text (None kept), which Arrow takes whatever they held."""
    mixed = [
        c
        for c in frame.columns
        if frame[c].dtype == object
        and c != getattr(frame, "_geometry_column_name", None)
        and pd.api.types.infer_dtype(frame[c], skipna=True) not in ("string", "empty")
    ]
    if not mixed:
        return frame
    out = frame.copy(deep=False)
    for col in mixed:
        out[col] = frame[col].map(str, na_action="ignore").astype(object)
    return out


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A CSV (UTF-8 with BOM, for spreadsheets) by Arrow's writer; formula-like text neutralised."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    frame = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    table = pa.Table.from_pandas(_plain_objects(frame), preserve_index=False)
    columns = []
    for col in table.columns:
        if pa.types.is_large_string(col.type):
            col = col.cast(pa.string())
        if pa.types.is_string(col.type):
            risky = pc.match_substring_regex(col, _FORMULA_PATTERN)
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        columns.append(col)
    names = [("'" + c) if c.startswith(_FORMULA_START) else c for c in map(str, frame.columns)]
    with pa.OSFile(str(path), "wb") as sink:
        sink.write(b"\xef\xbb\xbf")
        pacsv.write_csv(pa.Table.from_arrays(columns, names=names), sink)


def _report(result: Written, estates: pd.DataFrame, listed: np.ndarray, written: list[str]) -> tuple[str, int]:
    """``report.json``'s text and the number of rows it lists.

    The summary, the files of the set, and every flagged or rejected row.
    """
    rows = _rows_frame(estates.loc[listed])
    records = [
        {
            "row": int(r),
            "id": _jsonable(i),
            "status": s,
            "province": p if isinstance(p, str) else None,
            "reasons": list(why),
            "reasons_fa": list(why_fa),
        }
        for r, i, s, p, why, why_fa in zip(
            rows["row"].tolist(),
            rows["id"].tolist(),
            rows["status"].tolist(),
            rows["province"].tolist(),
            estates.loc[listed, "reasons"].tolist(),
            (estates.loc[listed, "reasons_fa"] if "reasons_fa" in estates.columns else rows["reasons"]).tolist(),
            strict=True,
        )
    ]
    note = "geo.maps.register_map: offline, Leaflet inlined, no tiles"
    head = _jsonable(
        {
            **result.summary,
            "accounting": "rows_in == rows_joined + rows_flagged + rows_rejected",
            "map": note,
            "outputs": sorted([*written, LAST]),
            "rows_file": "rows.csv",
            "rows_listed": len(records),
        }
    )
    text = json.dumps({**head, "rows": records}, ensure_ascii=False, indent=1, allow_nan=False, default=_json_default)
    return text, len(records)


def _geojson(frame: gpd.GeoDataFrame) -> str:
    """RFC 7946 GeoJSON of points (longitude, latitude; no ``crs`` member; NaN as null).

    Built from whole columns: :meth:`GeoDataFrame.to_json` takes a Python step per cell.
    """
    props = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    props = props.astype(object).where(props.notna(), None)
    records = props.to_dict("records")
    geoms = np.asarray(frame.geometry.values, dtype=object)
    usable = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    coords = np.full((len(frame), 2), np.nan)
    if usable.any():
        coords[usable] = shapely.get_coordinates(shapely.centroid(geoms[usable]))[:, :2]
    features = [
        {"type": "Feature", "properties": rec, "geometry": {"type": "Point", "coordinates": [x, y]} if ok else None}
        for rec, ok, (x, y) in zip(records, usable.tolist(), coords.tolist(), strict=True)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, allow_nan=False, default=_json_default)


def _json_default(value: Any) -> Any:
    plain = _jsonable(value)
    if plain is value:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return plain


def _jsonable(value: Any) -> Any:
    """``value`` with NumPy and pandas scalars as plain Python ones (NaN and NA as None)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
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
