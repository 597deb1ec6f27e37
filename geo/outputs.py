"""Writing a join's outputs: GeoJSON, GeoPackage, CSV tables, the report and the map.

Every file is written atomically (:mod:`geo._io`); CSV cells that a spreadsheet would run
as a formula are prefixed with a single quote; GeoJSON is RFC 7946 (longitude, latitude;
no ``crs`` member; NaN as null).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._io import atomic_write_text
from geo.errors import DataError
from geo.maps import register_map, save_map

__all__ = ["jsonable", "write_csv", "write_outputs"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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

    @property
    def report(self) -> dict[str, Any]:
        """The report with its rows."""


def write_outputs(result: Written, out_dir: str | Path, *, lang: Literal["fa", "en"] = "fa") -> dict[str, Path]:
    """Write the outputs of ``result`` into ``out_dir`` (created if needed).

    Files: ``joined.geojson`` and ``joined.gpkg`` (joined and flagged estates),
    ``by_province.csv``, ``rejects.csv``, ``reconciliation.csv`` (when there is a
    reconciliation), ``report.json`` and ``map.html``. CSV cells that a spreadsheet
    would run as a formula are prefixed with a single quote.

    Returns
    -------
    dict
        Output name → path.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from geo import join
    >>> paths = write_outputs(join(pd.DataFrame({"province": ["Fars"]})), tempfile.mkdtemp())
    >>> sorted(paths)[-2:]
    ['rejects.csv', 'report.json']
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the output folder: {exc.strerror or exc}", path=out) from exc
    paths: dict[str, Path] = {}
    ok = result.estates["status"] != "rejected"
    joined = _for_file(result.estates.loc[ok])
    paths["joined.geojson"] = atomic_write_text(out / "joined.geojson", _geojson(joined))
    paths["joined.gpkg"] = out / "joined.gpkg"
    paths["joined.gpkg"].unlink(missing_ok=True)
    joined.to_file(paths["joined.gpkg"], driver="GPKG", engine="pyogrio", layer="estates")
    by_prov = pd.DataFrame(result.by_province.drop(columns="geometry"))
    paths["by_province.csv"] = write_csv(by_prov, out / "by_province.csv")
    rejects = pd.DataFrame(_for_file(result.estates.loc[~ok]).drop(columns=["geometry", "province", "status"]))
    paths["rejects.csv"] = write_csv(rejects, out / "rejects.csv")
    if len(result.reconciliation):
        paths["reconciliation.csv"] = write_csv(result.reconciliation, out / "reconciliation.csv")
    paths["map.html"] = save_map(register_map(result, lang=lang), out / "map.html")
    note = "geo.maps.register_map: offline, Leaflet inlined, no tiles"
    rows = result.report["rows"]  # plain Python values already: no walk over 10^6 of them
    report = jsonable({**result.summary, "map": note, "outputs": sorted(paths, key=str)})
    text = json.dumps({**report, "rows": rows}, ensure_ascii=False, indent=1, allow_nan=False, default=_json_default)
    paths["report.json"] = atomic_write_text(out / "report.json", text)
    return paths


def _for_file(estates: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy the file writers accept: reasons as one text, nullable booleans as objects."""
    out = estates.copy()
    out["reasons"] = out["reasons"].map(" | ".join)
    if "reasons_fa" in out.columns:
        out["reasons_fa"] = out["reasons_fa"].map(" | ".join)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.BooleanDtype):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula with a single quote."""
    out = frame.copy()
    out.columns = pd.Index(
        [("'" + c) if isinstance(c, str) and c.startswith(_FORMULA_START) else c for c in out.columns]
    )
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            s = out[col].astype(object)
            risky = s.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)).astype(bool)
            if risky.any():
                out[col] = s.where(~risky, "'" + s[risky].astype(str))
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as UTF-8 CSV (with a BOM, for spreadsheets), formula-like cells neutralised."""
    return atomic_write_text(path, _neutralise(frame).to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig")


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
    plain = jsonable(value)
    if plain is value:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return plain


def jsonable(value: Any) -> Any:
    """``value`` with NumPy and pandas scalars as plain Python ones (NaN and NA as None)."""
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
