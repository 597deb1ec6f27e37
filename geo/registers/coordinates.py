"""Coordinates of register rows, in EPSG:4326, in any CRS pyproj knows.

They come from lat/lon columns, a column of pairs, WKT/WKB cells or a geometry column.

Cells are read as decimal degrees, degrees-minutes-seconds («35°41′24″N») or, in
geographic coordinates, with a decimal comma («35,69»). A coordinate that cannot be used
becomes a reason on its row (:class:`geo.reasons.Reason`), never an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo._text import fold, persian_digits
from geo.errors import RegisterError
from geo.i18n import Bilingual, as_given, message, whole
from geo.reasons import Reason, RowReasons
from geo.registers.cells import blank, clip, parse_numbers
from geo.registers.vocabulary import DIGITS, ROLE_WORDS, STRIP, header_key, role_keys, without_parens

__all__ = ["coordinates", "pair_column", "wkt_column", "wkt_geometries"]

_NUM = r"[+-]?\d+(?:[.,]\d+)?"
_DMS_PARTS = re.compile(
    rf"^(?P<h1>[NSEW])?\s*(?P<deg>{_NUM})\s*(?:°|º|˚|deg|d|درجه)\s*"
    rf"(?:(?P<min>{_NUM})\s*(?:'|′|’|‘|min|m|دقیقه)\s*)?"
    rf"(?:(?P<sec>{_NUM})\s*(?:′′|''|″|\"|”|s|sec|ثانیه)\s*)?"
    r"(?P<h2>[NSEW]|شمالی|جنوبی|شرقی|غربی)?$",
    re.IGNORECASE,
)
#: Decimal degrees with a hemisphere letter or word before or after them («32.65 N», «N 32.65», «۳۲٫۶۵ شمالی»).
_HEMI_DECIMAL = re.compile(
    rf"^(?P<h1>[NSEW]|شمالی|جنوبی|شرقی|غربی)?\s*(?P<deg>{_NUM})\s*(?P<h2>[NSEW]|شمالی|جنوبی|شرقی|غربی)?$", re.IGNORECASE
)
_HEMISPHERE = {"n": 1, "s": -1, "e": 1, "w": -1, "شمالی": 1, "جنوبی": -1, "شرقی": 1, "غربی": -1}
_AXIS = {"n": "lat", "s": "lat", "e": "lon", "w": "lon", "شمالی": "lat", "جنوبی": "lat", "شرقی": "lon", "غربی": "lon"}
_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3},\d+$")
_PAIR = re.compile(r"^\(?\s*([+-]?\d+(?:\.\d+)?)\s*[,;،/\s]\s*([+-]?\d+(?:\.\d+)?)\s*\)?$")
_PAIR_SPLIT = re.compile(r"\s*[,;،]\s*|(?<=[NSEWnsew])\s+(?=[+-]?\d)")
#: Reason code of each geometry type (shapely type id) that stands for an estate only as a guess.
_ODD_GEOMETRY = {
    1: "geometry_linestring",
    2: "geometry_linearring",
    4: "geometry_multipoint",
    5: "geometry_multilinestring",
    7: "geometry_collection",
}


def _clean(text: object) -> str:
    return fold(text).translate(DIGITS).strip(STRIP)


def _degrees(text: str) -> tuple[float, str | None] | None:
    """A coordinate written in degrees(-minutes(-seconds)) with an optional hemisphere.

    Returns the decimal degrees and the axis its hemisphere letter names (None without one).
    """
    m = _DMS_PARTS.match(text)
    if m is None:
        m = _HEMI_DECIMAL.match(text)
        if m is None or not (m.group("h1") or m.group("h2")):
            return None
        deg, mins, secs = float(m.group("deg").replace(",", ".")), 0.0, 0.0
    else:
        deg, mins, secs = (float(g.replace(",", ".")) if g else 0.0 for g in m.group("deg", "min", "sec"))
    if mins >= 60 or secs >= 60 or (m.group("h1") and m.group("h2")):
        return None
    value = abs(deg) + mins / 60 + secs / 3600
    hemi = (m.group("h1") or m.group("h2") or "").casefold()
    sign = -1 if deg < 0 or m.group("deg").startswith("-") else 1
    if hemi:
        sign = sign * _HEMISPHERE[hemi] if sign > 0 else -1
    return sign * value, _AXIS.get(hemi)


def _counted(code: str, fields: dict[str, Any]) -> Bilingual:
    """A warning that counts cells of a column, its code and fields kept for :func:`add_warnings`."""
    text = message("warnings", code, **fields)
    text.counted = (code, fields)
    return text


def _counted_key(text: str) -> tuple[str, object, object] | None:
    """What makes two cell-counting warnings the same warning: their code, column and role."""
    counted = getattr(text, "counted", None)
    return None if counted is None else (counted[0], counted[1]["column"], counted[1]["role"])


def add_warnings(into: list[str], more: Iterable[str]) -> None:
    """Add the warnings of another batch of the same register to ``into`` (in place).

    A text already there is not repeated; a warning counting cells of a column (values in
    degrees-minutes-seconds, with a decimal comma) adds its count to that column's, the
    first example kept: the warnings of a register read in partitions are those of the
    whole.
    """
    for text in more:
        if text in into:
            continue
        key = _counted_key(text)
        same = [i for i, w in enumerate(into) if key is not None and _counted_key(w) == key]
        if not same:
            into.append(text)
            continue
        first: Any = into[same[0]]
        added: Any = text
        code, fields = first.counted
        into[same[0]] = _counted(code, {**fields, "count": fields["count"] + added.counted[1]["count"]})


def _coordinate_cells(
    cells: pd.Series, values: np.ndarray, invalid: np.ndarray, role: str, geographic: bool
) -> tuple[list[str], dict[int, Reason]]:
    """Read the coordinate cells :func:`parse_numbers` could not.

    Those are degrees-minutes-seconds («35°41′24″N») and, in geographic coordinates, a
    decimal comma («35,69»).

    ``values`` and ``invalid`` are updated in place. Returns file warnings and, per row
    position, a reason that replaces "not a number".
    """
    notes: dict[str, list[str]] = {"dms": [], "comma": [], "hemisphere": []}
    why: dict[int, Reason] = {}
    candidates = np.flatnonzero(invalid)
    if geographic:
        candidates = np.union1d(candidates, np.flatnonzero(~invalid & (np.abs(np.nan_to_num(values)) > 180)))
    raw = cells.to_numpy()
    for i in candidates.tolist():
        text = _clean(raw[i])
        if geographic and _COMMA_DECIMAL.match(text):
            values[i], invalid[i] = float(text.replace(",", ".")), False
            notes["comma"].append(text)
            continue
        found = _degrees(text)
        if found is None:
            continue
        value, axis = found
        if axis is not None and axis != role:
            why[i] = Reason(f"{role}_names_{axis}_hemisphere", value=clip(raw[i]))
            continue
        values[i], invalid[i] = value, False
        notes["dms" if _DMS_PARTS.match(text) else "hemisphere"].append(text)
    warnings: list[str] = []
    fields = {"column": str(cells.name), "role": ROLE_WORDS[role]}
    if notes["dms"]:
        example = clip(notes["dms"][0])
        warnings.append(_counted("dms_values", {**fields, "count": len(notes["dms"]), "example": example}))
    if notes["hemisphere"]:
        example = clip(notes["hemisphere"][0])
        warnings.append(
            _counted("hemisphere_values", {**fields, "count": len(notes["hemisphere"]), "example": example})
        )
    if notes["comma"]:
        first = notes["comma"][0]
        read = Bilingual(first.replace(",", "."), persian_digits(first.replace(",", "٫")))
        more = {"count": len(notes["comma"]), "example": clip(first), "read": read}
        warnings.append(_counted("comma_decimal_values", {**fields, **more}))
    return warnings, why


def _pair(text: str) -> tuple[float, float, bool] | None:
    """Latitude, longitude and whether they were written the other way round, of «lat, lon»."""
    m = _PAIR.match(text)
    if m:
        return float(m.group(1)), float(m.group(2)), False
    parts = [p for p in _PAIR_SPLIT.split(text.strip("()")) if p]
    if len(parts) != 2:
        return None
    first, second = _degrees(parts[0]), _degrees(parts[1])
    if first is None or second is None:
        return None
    if (first[1] == "lon" and second[1] in ("lat", None)) or (second[1] == "lat" and first[1] is None):
        return second[0], first[0], True
    return first[0], second[0], False


def _pairs(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read a column of coordinate pairs («35.69, 51.39»).

    Returns latitude, longitude, a mask of unreadable cells and one of cells read as
    lon, lat (their hemisphere letters said so).
    """
    n = len(cells)
    lat, lon = np.full(n, np.nan), np.full(n, np.nan)
    empty = blank(cells)
    bad, flipped = ~empty, np.zeros(n, dtype=bool)
    texts = cells.astype(object).to_numpy()
    memo: dict[object, tuple[float, float, bool] | None] = {}
    for i in np.flatnonzero(~empty).tolist():
        key = texts[i]
        if key not in memo:
            memo[key] = _pair(_clean(key))
        got = memo[key]
        if got is not None:
            lat[i], lon[i], flipped[i] = got
            bad[i] = False
    return lat, lon, bad, flipped


def _named(col: object, names: frozenset[str]) -> bool:
    return header_key(col) in names or header_key(without_parens(col)) in names


def pair_column(cells: pd.DataFrame, used: set[str]) -> str | None:
    """A column of «lat, lon» pairs: named so (``مختصات``, ``coordinates`` …), or holding them."""
    names = role_keys("latlon")
    for col in cells.columns:
        if col not in used and _named(col, names):
            return col
    for col in cells.columns:
        if col in used or pd.api.types.is_numeric_dtype(cells[col].dtype):
            continue
        sample = cells[col][~blank(cells[col])].head(200)
        if len(sample) and np.mean([_pair(_clean(v)) is not None for v in sample]) >= 0.8:
            return col
    return None


def wkt_column(cells: pd.DataFrame, used: set[str]) -> str | None:
    """A column of WKT or WKB geometries (a QGIS «export with geometry as WKT»)."""
    names = role_keys("geometry")
    for col in cells.columns:
        if col in used or header_key(col) not in names:
            continue
        sample = cells[col][~blank(cells[col])].head(50)
        if len(sample) and all(isinstance(v, (bytes, str)) for v in sample):
            return col
    return None


def wkt_geometries(cells: pd.Series, reasons: RowReasons) -> pd.Series:
    """The geometries of a WKT/WKB column (None where blank or unreadable, with a reason)."""
    raw = cells.astype(object).where(~blank(cells), None).to_numpy()
    is_bytes = np.array([isinstance(v, bytes) for v in raw], dtype=bool)
    geoms = np.full(len(raw), None, dtype=object)
    with np.errstate(all="ignore"):
        if is_bytes.any():
            geoms[is_bytes] = shapely.from_wkb(raw[is_bytes], on_invalid="ignore")
        text = ~is_bytes & ~pd.isna(raw)
        if text.any():
            geoms[text] = shapely.from_wkt(raw[text].astype(str), on_invalid="ignore")
    unread = ~pd.isna(raw) & shapely.is_missing(geoms)
    reasons.add(unread, [Reason("not_wkt", value=clip(v)) for v in raw[unread]])
    return pd.Series(geoms, name=cells.name, dtype=object)


class _Projection:
    """The CRS coordinates are given in, and how to bring them to EPSG:4326."""

    def __init__(self, crs: str | None, declared: str | None) -> None:
        from pyproj import CRS, Transformer
        from pyproj.exceptions import CRSError

        source = crs or declared
        try:
            self.src = CRS.from_user_input(source) if source else None
        except CRSError as exc:
            said = message("errors", "coordinates_crs", crs=as_given(source), problem=whole(str(exc)))
            raise RegisterError(said, field="crs") from exc
        self.is_wgs84 = self.src is None or self.src.equals(CRS.from_epsg(4326), ignore_axis_order=True)
        self.transformer = None if self.is_wgs84 else Transformer.from_crs(self.src, "EPSG:4326", always_xy=True)

    @property
    def source_crs(self) -> str | None:
        """The CRS reprojected from, if any."""
        return self.src.to_string() if self.src is not None and not self.is_wgs84 else None

    def points(self, lon: np.ndarray, lat: np.ndarray) -> None:
        """Reproject the finite points of ``lon``/``lat`` in place."""
        if self.transformer is not None:
            ok = ~np.isnan(lat) & ~np.isnan(lon)
            lon[ok], lat[ok] = self.transformer.transform(lon[ok], lat[ok])

    def geometries(self, geoms: np.ndarray) -> np.ndarray:
        """The geometries reprojected (a new array), or ``geoms`` itself in EPSG:4326."""
        transformer = self.transformer
        if transformer is None:
            return geoms
        return shapely.transform(geoms, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1])))


def _from_pair_column(cells: pd.Series, reasons: RowReasons, warnings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of a column of «lat, lon» pairs."""
    lat, lon, bad, _ = _pairs(cells)
    warnings.append(message("warnings", "latlon_pair_column", column=cells.name))
    if bad.any():
        reasons.add(bad, [Reason("not_latlon_pair", value=clip(v)) for v in cells.to_numpy()[bad]])
    return lat, lon


def _from_column(
    cells: pd.Series, role: str, proj: _Projection, reasons: RowReasons, warnings: list[str]
) -> np.ndarray:
    """The values of a lat or lon column; cells that are not numbers get a reason."""
    values, invalid = parse_numbers(cells)
    if invalid.any() or (proj.src is None and (np.abs(np.nan_to_num(values)) > 180).any()):
        notes, why = _coordinate_cells(cells, values, invalid, role, proj.is_wgs84)
        warnings += notes
        for i, text in why.items():
            reasons.add_at(np.array([i]), text)
            invalid[i] = False
    if invalid.any():
        bad = cells.to_numpy()[invalid]
        reasons.add(invalid, [Reason(f"{role}_not_number", value=clip(v)) for v in bad])
    return values


def _from_geometry(geometry: Any, proj: _Projection, reasons: RowReasons, lon: np.ndarray, lat: np.ndarray) -> None:
    """Fill ``lon``/``lat`` from a geometry column.

    Points are taken as they are, outlines by a point on their surface; invalid, empty
    and odd shapes get a reason.
    """
    geoms = np.asarray(geometry.values if hasattr(geometry, "values") else geometry, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if present.any():
        geoms = geoms.copy()
        geoms[present] = proj.geometries(geoms[present])
    kinds = shapely.get_type_id(geoms)
    invalid = present & (kinds != 0) & ~shapely.is_valid(geoms)
    if invalid.any():
        why = shapely.is_valid_reason(geoms[invalid])
        reasons.add(invalid, [Reason("invalid_geometry", detail=w) for w in why])
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    points = geoms.copy()
    polys = present & (kinds != 0)
    points[polys] = shapely.point_on_surface(geoms[polys])
    use = present & ~shapely.is_empty(points)
    lon[use], lat[use] = shapely.get_x(points[use]), shapely.get_y(points[use])
    # An outline (Polygon, MultiPolygon) stands for its estate; other shapes are a guess.
    parts = shapely.get_num_geometries(geoms)
    odd = use & (np.isin(kinds, (1, 2, 5, 7)) | ((kinds == 4) & (parts > 1)))
    if odd.any():
        found = zip(kinds[odd].tolist(), parts[odd].tolist(), lon[odd].tolist(), lat[odd].tolist(), strict=True)
        reasons.add(
            odd,
            [
                Reason(_ODD_GEOMETRY[k], count=p, lat=b, lon=a) if k == 4 else Reason(_ODD_GEOMETRY[k], lat=b, lon=a)
                for k, p, a, b in found
            ],
        )
    reasons.add(present & ~use, Reason("geometry_empty"))


def _drop_out_of_range(lon: np.ndarray, lat: np.ndarray, reasons: RowReasons) -> None:
    """Blank (with a reason) coordinates that are not finite or outside ±90/±180."""
    finite = np.isfinite(lon) & np.isfinite(lat)
    lon[~finite], lat[~finite] = np.nan, np.nan
    out = finite & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    if out.any():
        reasons.add(
            out,
            [
                Reason("out_of_range_metres" if max(abs(a), abs(b)) > 1000 else "out_of_range", lat=a, lon=b)
                for a, b in zip(lat[out].tolist(), lon[out].tolist(), strict=True)
            ],
        )
        lat[out], lon[out] = np.nan, np.nan


def coordinates(
    frame: pd.DataFrame,
    geometry: Any,
    columns: dict[str, str],
    *,
    crs: str | None,
    declared: str | None,
    reasons: RowReasons,
    warnings: list[str],
) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Longitudes and latitudes in EPSG:4326 (NaN where unusable), and the source CRS.

    Parameters
    ----------
    frame
        The register's cells.
    geometry
        Its geometry column, or None.
    columns
        Role → header; ``lat`` and ``lon`` name the same column when it holds pairs.
    crs, declared
        The CRS the caller gives (wins) and the one the file declares.
    reasons, warnings
        Where problems of single cells and of the whole file are added.
    """
    n = len(frame)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    proj = _Projection(crs, declared)
    if "lat" in columns and "lon" in columns:
        if columns["lat"] == columns["lon"]:
            lat[:], lon[:] = _from_pair_column(frame[columns["lat"]], reasons, warnings)
        else:
            lat[:] = _from_column(frame[columns["lat"]], "lat", proj, reasons, warnings)
            lon[:] = _from_column(frame[columns["lon"]], "lon", proj, reasons, warnings)
            one_missing = np.isnan(lat) ^ np.isnan(lon)
            either_blank = blank(frame[columns["lat"]]) | blank(frame[columns["lon"]])
            reasons.add(one_missing & either_blank, Reason("one_coordinate"))
        proj.points(lon, lat)
    if geometry is not None:
        _from_geometry(geometry, proj, reasons, lon, lat)
    _drop_out_of_range(lon, lat, reasons)
    return lon, lat, proj.source_crs
