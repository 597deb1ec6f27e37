"""Where a point lies: provinces and counties as spatial indexes; sea, coast and swap rules.

:func:`locate` assigns each point to the province whose **territorial** polygon it lies
in (OpenStreetMap's polygon: land, lakes and the 12-nautical-mile territorial sea), at
full detail, vectorised over all points. Then:

* a point in a province's territorial sea (inside its territorial polygon, off its land)
  is joined to that province and flagged (reason ``territorial_sea``);
* a point outside every territorial polygon but within ``coast_km`` of one (the distance
  to the nearest boundary segment, in :data:`geo.reference.provinces.EQUAL_AREA_CRS`; no polygon is
  buffered) is assigned to the nearest province and flagged (``outside_polygon_near``);
* a point outside Iran that falls inside it with latitude and longitude exchanged is
  flagged as swapped and joined as swapped; anything else outside is not assigned.

:func:`locate_counties` then gives every located point its county: point in polygon
against the counties of its own province only, and for a point in no county's polygon
(off the coast, on a border line, or in the one stretch of territorial sea OpenStreetMap
leaves out of every county, around Farsi Island) the nearest county of that province.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import shapely

from geo.i18n import Bilingual, province_label
from geo.joining._grid import OUTSIDE, TEST, Grid, cached_grid
from geo.reasons import Reason, RowReasons
from geo.reference.provinces import EQUAL_AREA_CRS, load_provinces

__all__ = ["CountyIndex", "ProvinceIndex", "county_index", "locate", "locate_counties", "province_index", "within"]

#: Points located on several threads from this many on (fewer: one thread is as fast).
_THREADED_POINTS = 50_000
#: Points located through a grid of the polygons (:mod:`geo.joining._grid`) from this many on
#: (fewer: testing each against its polygons is as fast as reading the grid from the cache).
_GRID_POINTS = 20_000
#: Points outside every polygon measured against each nearby province's boundary, up to this
#: many (:func:`_nearest_direct`); more build the tree of boundary segments once (:func:`_edge_tree`).
#: 128 points at sea took 5 ms directly here, against 97 ms to build the tree (a 10^4-row
#: register with 1 % bad rows has about 100).
_DIRECT_COAST = 256
#: Threads that locate points: this machine's cores, at most 4.
_THREADS = min(4, os.cpu_count() or 1)
_T = TypeVar("_T")

# Iran's bounding box (lon_min, lat_min, lon_max, lat_max), a little padded: the swap test.
_IRAN_BBOX = (43.5, 24.5, 64.0, 40.0)


@dataclass(frozen=True)
class ProvinceIndex:
    """The 31 provinces, prepared for joining points to them.

    Attributes
    ----------
    frame
        :func:`geo.load_provinces` (land polygons: what maps draw), sorted by code.
    codes
        ISO codes in frame order (object array).
    names
        :class:`~geo.i18n.Bilingual` labels («IR-10 Isfahan» / «اصفهان (IR-10)»): a
        province in a reason.
    short
        As ``names``, with the bare code in English («IR-10»).
    geoms, bounds
        The prepared territorial polygons (EPSG:4326) and their bounds, shape (31, 4).
    land
        The prepared land polygon of each coastal province (a point in its territorial
        polygon but not on its land is in its territorial sea); None for the 24 provinces
        whose territorial polygon is their land.
    metric
        The territorial polygons in :data:`~geo.reference.provinces.EQUAL_AREA_CRS` (for distances;
        :func:`_edge_tree` makes their boundary segments into a tree when first needed).
    to_metric
        pyproj Transformer EPSG:4326 → :data:`~geo.reference.provinces.EQUAL_AREA_CRS`, always_xy.
    """

    frame: gpd.GeoDataFrame
    codes: np.ndarray
    names: np.ndarray
    short: np.ndarray
    geoms: tuple[Any, ...]
    bounds: np.ndarray
    land: tuple[Any, ...]
    metric: np.ndarray
    to_metric: Any


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return _frozen(out)


def _frozen(array: np.ndarray) -> np.ndarray:
    """``array`` made read-only: the index is cached and shared by every join."""
    array.flags.writeable = False
    return array


@lru_cache(maxsize=1)
def _edge_tree() -> tuple[shapely.STRtree, np.ndarray]:
    """Every boundary segment of every territorial polygon, as a tree, and the province of each.

    Distance to a polygon is distance to its nearest boundary segment (for a point
    outside): a tree of two-point segments answers that far faster than the polygons
    do, and without buffering anything. Built on first use: a register whose points all
    lie inside Iran never needs it.
    """
    metric = province_index().metric
    segments, owner = [], []
    for i, geom in enumerate(metric):
        for line in shapely.get_parts(shapely.get_parts(shapely.boundary(geom))):
            xy = shapely.get_coordinates(line)
            segments.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
            owner.append(np.full(len(xy) - 1, i))
    return shapely.STRtree(np.concatenate(segments)), _frozen(np.concatenate(owner))


@lru_cache(maxsize=1)
def _boundaries() -> tuple[np.ndarray, np.ndarray]:
    """The boundary of each territorial polygon in the equal-area CRS, and the polygon's bounds."""
    metric = province_index().metric
    return _frozen(shapely.boundary(metric)), _frozen(shapely.bounds(metric))


def _nearest_direct(points: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """What :func:`_edge_tree`'s ``query_nearest`` answers for a few points, without building the tree.

    Each point's distance to the boundary of every province whose bounds lie within
    ``max_distance`` (GEOS measures a point against a boundary segment by segment, as the
    tree measures it against each segment: the same float). The tree's answer is the
    province of a nearest segment, so a single nearest province is that answer; where two
    provinces are equally near (a shared border) the tree's choice among them is its own,
    and None is returned so that the caller asks the tree.

    Returns
    -------
    tuple of numpy.ndarray, or None
        The positions of the points within ``max_distance`` of a boundary, each one's
        province and distance (as the tree's ``hit``, ``owner[edge]`` and distance).
    """
    lines, bounds = _boundaries()
    hit, poly, dist = [], [], []
    for i, (x, y) in enumerate(zip(shapely.get_x(points).tolist(), shapely.get_y(points).tolist(), strict=True)):
        dx = np.maximum(np.maximum(bounds[:, 0] - x, x - bounds[:, 2]), 0.0)
        dy = np.maximum(np.maximum(bounds[:, 1] - y, y - bounds[:, 3]), 0.0)
        near = np.flatnonzero(np.hypot(dx, dy) <= max_distance * (1 + 1e-9))  # bounds never farther than the boundary
        if not near.size:
            continue
        found = shapely.distance(points[i], lines[near])
        least = found.min()
        if (found == least).sum() > 1 or least == max_distance:
            return None  # a tie (or the limit itself): the tree's own choice
        if least < max_distance:
            hit.append(i)
            poly.append(near[int(found.argmin())])
            dist.append(least)
    return np.array(hit, dtype="int64"), np.array(poly, dtype="int64"), np.array(dist, dtype=float)


def _prepared(geoms: Any) -> np.ndarray:
    array = np.asarray(geoms, dtype=object)
    shapely.prepare(array)
    return array


@lru_cache(maxsize=1)
def province_index() -> ProvinceIndex:
    """The provinces prepared for :func:`locate` (built once)."""
    from pyproj import Transformer

    land = load_provinces().sort_index()
    territorial = load_provinces(geometry="territorial").sort_index().geometry.to_numpy()
    geoms = _prepared(territorial)
    coastal = shapely.area(territorial) > shapely.area(land.geometry.to_numpy()) + 1e-9
    coast = [_prepared([g])[0] if c else None for g, c in zip(land.geometry.to_numpy(), coastal, strict=True)]
    metric = gpd.GeoSeries(territorial, crs=4326).to_crs(EQUAL_AREA_CRS).to_numpy()
    rows = zip(land["code"].tolist(), land["name_en"].tolist(), land["name_fa"].tolist(), strict=True)
    labels = [province_label(code, en, fa) for code, en, fa in rows]
    return ProvinceIndex(
        land,
        _frozen(land["code"].to_numpy(dtype=object, copy=True)),
        _objects(labels),
        _objects([Bilingual(code, label.fa) for code, label in zip(land["code"].tolist(), labels, strict=True)]),
        tuple(geoms),
        _frozen(shapely.bounds(geoms)),
        tuple(coast),
        _frozen(metric),
        Transformer.from_crs(4326, EQUAL_AREA_CRS, always_xy=True),
    )


def _each(task: Callable[[int], _T], count: int, points: int) -> list[_T]:
    """``task(i)`` for i in ``range(count)``, in order; on :data:`_THREADS` threads for many ``points``."""
    if points < _THREADED_POINTS or _THREADS < 2:
        return [task(i) for i in range(count)]
    with ThreadPoolExecutor(_THREADS) as pool:
        return list(pool.map(task, range(count)))


def _contains(geoms: Any, bounds: np.ndarray, x: np.ndarray, y: np.ndarray, *, out: np.ndarray, ids: Any) -> None:
    """Set ``out[k] = ids[i]`` for each point k inside prepared polygon ``geoms[i]``.

    Each polygon tests only the points inside its bounding box, straight from the
    coordinates (:func:`shapely.contains_xy`), so no point geometry has to be built. Many
    points are tested on :data:`_THREADS` threads, polygons shared among them (shapely and
    NumPy release Python's lock while they work); the results are set in polygon order.
    """

    def inside(i: int) -> np.ndarray:
        x0, y0, x1, y1 = bounds[i]
        box = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        return box[shapely.contains_xy(geoms[i], x[box], y[box])] if box.size else box

    for i, rows in enumerate(_each(inside, len(geoms), len(x))):
        if rows.size:
            out[rows] = ids[i]


_GRIDS: dict[int, tuple[tuple[Any, ...], Grid]] = {}


def _grid(geoms: tuple[Any, ...]) -> Grid:
    """The grid of an index's polygons (:func:`geo.joining._grid.cached_grid`), made once per process."""
    held = _GRIDS.get(id(geoms))
    if held is None or held[0] is not geoms:
        held = (geoms, cached_grid(geoms))
        _GRIDS[id(geoms)] = held
    return held[1]


def within(prov: ProvinceIndex, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the province whose territorial polygon holds each point (-1: none), vectorised.

    A point on a border line lies in no polygon's interior; the coast step assigns it.
    Many points are first looked up in the polygons' grid: only those in a cell that
    meets a boundary are tested against the polygons (the same answers, see :mod:`geo.joining._grid`).
    """
    idx = np.full(len(x), -1, dtype="int64")
    if len(x) < _GRID_POINTS:
        _contains(prov.geoms, prov.bounds, x, y, out=idx, ids=range(len(prov.geoms)))
        return idx
    marks = _grid(prov.geoms).lookup(x, y)
    idx[marks >= 0] = marks[marks >= 0]
    test = np.flatnonzero(marks == TEST)
    if test.size:
        found = np.full(test.size, -1, dtype="int64")
        _contains(prov.geoms, prov.bounds, x[test], y[test], out=found, ids=range(len(prov.geoms)))
        idx[test] = found
    return idx


def _territorial_sea(
    prov: ProvinceIndex, lon: np.ndarray, lat: np.ndarray, idx: np.ndarray, reasons: RowReasons
) -> None:
    """Flag the points of coastal provinces that lie in their territorial sea (joined)."""
    for i, land in enumerate(prov.land):
        if land is None:
            continue
        rows = np.flatnonzero(idx == i)
        if rows.size:
            at_sea = rows[~shapely.contains_xy(land, lon[rows], lat[rows])]
            reasons.add_at(at_sea, Reason("territorial_sea", province=prov.names[i]))


def _near_coast(
    prov: ProvinceIndex, lon: np.ndarray, lat: np.ndarray, idx: np.ndarray, *, coast_km: float, reasons: RowReasons
) -> None:
    """Assign points outside every polygon but within ``coast_km`` of one to the nearest (flagged)."""
    cand = np.flatnonzero(~np.isnan(lon) & ~np.isnan(lat) & (idx < 0))
    if not cand.size:
        return
    x, y = prov.to_metric.transform(lon[cand], lat[cand])
    nearest = _nearest_direct(shapely.points(x, y), coast_km * 1000.0) if cand.size <= _DIRECT_COAST else None
    if nearest is None:
        edges, owner = _edge_tree()
        (hit, edge), dist = edges.query_nearest(
            shapely.points(x, y), max_distance=coast_km * 1000.0, return_distance=True, all_matches=False
        )
        nearest = (hit, owner[edge], dist)
    hit, poly, dist = nearest
    rows = cand[hit]
    idx[rows] = poly
    off = dist >= 1.0  # closer than a metre: on a border line, not worth a flag
    reasons.add_at(
        rows[off],
        [
            Reason("outside_polygon_near", distance=d / 1000, province=name, coast_km=coast_km)
            for d, name in zip(dist[off].tolist(), prov.names[poly[off]].tolist(), strict=True)
        ],
    )


def _swapped(prov: ProvinceIndex, lon: np.ndarray, lat: np.ndarray, idx: np.ndarray, reasons: RowReasons) -> None:
    """Assign points that lie in Iran once latitude and longitude are exchanged (flagged, swapped in place)."""
    lo_x, lo_y, hi_x, hi_y = _IRAN_BBOX
    valid = ~np.isnan(lon) & ~np.isnan(lat)
    swap = np.flatnonzero(valid & (idx < 0) & (lat >= lo_x) & (lat <= hi_x) & (lon >= lo_y) & (lon <= hi_y))
    if not swap.size:
        return
    found = within(prov, lat[swap], lon[swap])
    rows, poly = swap[found >= 0], found[found >= 0]
    idx[rows] = poly
    msgs = [
        Reason("swapped", lat=a, lon=b, province=name)
        for a, b, name in zip(lat[rows].tolist(), lon[rows].tolist(), prov.names[poly].tolist(), strict=True)
    ]
    reasons.add_at(rows, msgs)
    lon[rows], lat[rows] = lat[rows].copy(), lon[rows].copy()


def locate(lon: np.ndarray, lat: np.ndarray, coast_km: float, reasons: RowReasons) -> tuple[np.ndarray, np.ndarray]:
    """Province index by location (-1 outside), and the failure reason of each row.

    Swapped points come back with their coordinates exchanged (``lon``/``lat`` are updated
    in place). Territorial-sea, coast and swap findings are added to ``reasons``.
    """
    prov = province_index()
    fail = np.full(len(lon), None, dtype=object)
    valid = ~np.isnan(lon) & ~np.isnan(lat)
    fail[~valid] = Reason("no_coordinates")
    idx = np.where(valid, within(prov, np.nan_to_num(lon), np.nan_to_num(lat)), -1)
    _territorial_sea(prov, lon, lat, idx, reasons)
    _near_coast(prov, lon, lat, idx, coast_km=coast_km, reasons=reasons)
    _swapped(prov, lon, lat, idx, reasons)
    outside = valid & (idx < 0)
    if outside.any():
        fail[outside] = Reason("outside_iran", coast_km=coast_km)
    return idx, fail


# --------------------------------------------------------------------------- counties


@dataclass(frozen=True)
class CountyIndex:
    """The 478 counties, prepared for giving each located point its county.

    Attributes
    ----------
    frame
        :func:`geo.load_counties` (land polygons), in file order.
    codes
        County codes in frame order (object array).
    province
        The :class:`ProvinceIndex` position of each county's province.
    geoms, bounds
        The prepared territorial polygons (EPSG:4326) and their bounds.
    members
        For each province position, the positions of its counties.
    """

    frame: gpd.GeoDataFrame
    codes: np.ndarray
    province: np.ndarray
    geoms: tuple[Any, ...]
    bounds: np.ndarray
    members: tuple[np.ndarray, ...]


@lru_cache(maxsize=1)
def county_index() -> CountyIndex:
    """The counties prepared for :func:`locate_counties` (built once)."""
    from geo.reference.counties import load_counties

    land = load_counties()
    geoms = _prepared(load_counties(geometry="territorial").geometry.to_numpy())
    position = {code: i for i, code in enumerate(province_index().codes)}
    province = land["province"].map(position).to_numpy(dtype="int64")
    members = tuple(_frozen(np.flatnonzero(province == p)) for p in range(len(position)))
    return CountyIndex(
        land,
        _frozen(land["code"].to_numpy(dtype=object, copy=True)),
        _frozen(province),
        tuple(geoms),
        _frozen(shapely.bounds(geoms)),
        members,
    )


@lru_cache(maxsize=64)
def _county_tree(province: int) -> tuple[shapely.STRtree, np.ndarray]:
    """One province's counties (territorial polygons in the equal-area CRS) as a tree."""
    counties = county_index()
    members = counties.members[province]
    metric = gpd.GeoSeries(np.asarray(counties.geoms, dtype=object)[members], crs=4326).to_crs(EQUAL_AREA_CRS)
    return shapely.STRtree(metric.to_numpy()), members


def locate_counties(province: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The :class:`CountyIndex` position of each point's county (-1 where ``province`` is -1).

    Parameters
    ----------
    province
        Each point's province position (:func:`locate`, or an attribute); a point is only
        ever given a county of its own province.
    lon, lat
        The points (EPSG:4326; as :func:`locate` left them, swaps undone).
    """
    counties = county_index()
    out = np.full(len(province), -1, dtype="int64")
    order = np.argsort(province, kind="stable")
    starts = np.searchsorted(province[order], np.arange(len(counties.members) + 1))
    marks = _grid(counties.geoms).lookup(lon, lat) if len(province) >= _GRID_POINTS else None

    def inside(p: int) -> tuple[np.ndarray, np.ndarray]:
        rows = order[starts[p] : starts[p + 1]]
        rows = rows[~np.isnan(lon[rows]) & ~np.isnan(lat[rows])]
        found = np.full(rows.size, -1, dtype="int64")
        test = np.arange(rows.size)
        if marks is not None:  # a cell inside a county of this province, or outside every county: no test
            mark = marks[rows].astype("int64")
            sure = (mark >= 0) & (counties.province[np.maximum(mark, 0)] == p)
            found[sure] = mark[sure]
            test = np.flatnonzero(~sure & (mark != OUTSIDE))
        if test.size:
            members = counties.members[p]
            geoms = [counties.geoms[j] for j in members]
            hit = np.full(test.size, -1, dtype="int64")
            _contains(geoms, counties.bounds[members], lon[rows[test]], lat[rows[test]], out=hit, ids=members)
            found[test] = hit
        return rows, found

    for p, (rows, found) in enumerate(_each(inside, len(counties.members), len(province))):  # a province a task
        missing = np.flatnonzero(found < 0)
        if missing.size:  # off the coast, on a border line, or in the sea around Farsi Island
            tree, ids = _county_tree(p)
            x, y = province_index().to_metric.transform(lon[rows[missing]], lat[rows[missing]])
            hit, nearest = tree.query_nearest(shapely.points(x, y), all_matches=False)
            found[missing[hit]] = ids[nearest]
        out[rows] = found
    return out
