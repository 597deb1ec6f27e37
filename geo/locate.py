"""Where a point lies: the provinces as a spatial index, point in polygon, coast and swap rules.

:func:`locate` assigns each point to the province it lies in, vectorised over all points.
A point outside every polygon but within ``coast_km`` (measured in
:data:`geo.provinces.EQUAL_AREA_CRS`) of one is assigned to the nearest province and
flagged; a point outside Iran that falls inside it with latitude and longitude exchanged
is flagged as swapped and joined as swapped; anything else outside is not assigned.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo.i18n import Bilingual, province_label
from geo.provinces import EQUAL_AREA_CRS, load_provinces
from geo.reasons import Reason, RowReasons

__all__ = ["ProvinceIndex", "province_index", "within", "locate"]

# Iran's bounding box (lon_min, lat_min, lon_max, lat_max), a little padded: the swap test.
_IRAN_BBOX = (43.5, 24.5, 64.0, 40.0)


@dataclass(frozen=True)
class ProvinceIndex:
    """The 31 provinces, prepared for joining points to them.

    Attributes
    ----------
    frame
        :func:`geo.load_provinces`, sorted by code.
    codes
        ISO codes in frame order (object array).
    names
        :class:`~geo.i18n.Bilingual` labels («IR-10 Isfahan» / «اصفهان (IR-10)»): a
        province in a reason.
    short
        As ``names``, with the bare code in English («IR-10»).
    geoms, bounds
        The prepared EPSG:4326 polygons and their bounds, shape (31, 4).
    edges, edge_province
        Every boundary segment in :data:`~geo.provinces.EQUAL_AREA_CRS` (an STRtree) and
        the province index of each.
    ring
        Iran buffered by ``coast_km``, EPSG:4326, prepared.
    to_metric
        pyproj Transformer EPSG:4326 → :data:`~geo.provinces.EQUAL_AREA_CRS`, always_xy.
    """

    frame: gpd.GeoDataFrame
    codes: np.ndarray
    names: np.ndarray
    short: np.ndarray
    geoms: tuple[Any, ...]
    bounds: np.ndarray
    edges: shapely.STRtree
    edge_province: np.ndarray
    ring: Any
    to_metric: Any


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return _frozen(out)


def _frozen(array: np.ndarray) -> np.ndarray:
    """``array`` made read-only: the index is cached and shared by every join."""
    array.flags.writeable = False
    return array


def _edges(metric: gpd.GeoDataFrame) -> tuple[shapely.STRtree, np.ndarray]:
    """Every boundary segment of every province, as a tree, and the province of each.

    Distance to a polygon is distance to its nearest boundary segment (for a point
    outside): a tree of ~6,000 two-point segments answers that far faster than the
    polygons do.
    """
    segments, owner = [], []
    for i, geom in enumerate(metric.geometry.values):
        for line in shapely.get_parts(shapely.get_parts(shapely.boundary(geom))):
            xy = shapely.get_coordinates(line)
            segments.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
            owner.append(np.full(len(xy) - 1, i))
    return shapely.STRtree(np.concatenate(segments)), np.concatenate(owner)


#: How far (m) the land is simplified before the coast ring is drawn around it: a ring of
#: OpenStreetMap's detailed coast takes seconds to buffer, one of the simplified coast a
#: tenth of a second.
_RING_SIMPLIFY_M = 500.0


def _coast_ring(land: Any, metres: float) -> Any:
    """A polygon holding every point within ``metres`` of ``land``, and a little more.

    It is the coast step's quick first test; the exact distance is measured after it
    (:func:`_near_coast`). The land is simplified by :data:`_RING_SIMPLIFY_M` first, so the ring is drawn that much
    wider, and 5 % wider again: a buffer's arcs are polygons that fall short of the circle.
    """
    simple = shapely.simplify(land, _RING_SIMPLIFY_M, preserve_topology=True)
    return simple.buffer((metres + _RING_SIMPLIFY_M) * 1.05 + 1.0, quad_segs=4)


@lru_cache(maxsize=4)
def province_index(coast_km: float) -> ProvinceIndex:
    """The provinces prepared for :func:`locate` (cached per ``coast_km``)."""
    from pyproj import Transformer

    frame = load_provinces().sort_index()
    metric = frame.to_crs(EQUAL_AREA_CRS)
    ring_metric = _coast_ring(shapely.union_all(metric.geometry.values), coast_km * 1000.0)
    ring = gpd.GeoSeries([ring_metric], crs=EQUAL_AREA_CRS).to_crs(4326).iloc[0]
    shapely.prepare(ring)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    shapely.prepare(geoms)
    rows = zip(frame["code"].tolist(), frame["name_en"].tolist(), frame["name_fa"].tolist(), strict=True)
    labels = [province_label(code, en, fa) for code, en, fa in rows]
    edges, owner = _edges(metric)
    return ProvinceIndex(
        frame,
        _frozen(frame["code"].to_numpy(dtype=object, copy=True)),
        _objects(labels),
        _objects([Bilingual(code, label.fa) for code, label in zip(frame["code"].tolist(), labels, strict=True)]),
        tuple(geoms),
        _frozen(shapely.bounds(geoms)),
        edges,
        _frozen(owner),
        ring,
        Transformer.from_crs(4326, EQUAL_AREA_CRS, always_xy=True),
    )


def within(prov: ProvinceIndex, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the province each point lies in (-1: none), point in polygon, vectorised.

    Each prepared polygon tests only the points inside its bounding box, straight from the
    coordinates (:func:`shapely.contains_xy`), so no point geometry has to be built. A point
    on a border line lies in no polygon's interior; the coast step assigns it.
    """
    idx = np.full(len(x), -1, dtype="int64")
    for i, geom in enumerate(prov.geoms):
        x0, y0, x1, y1 = prov.bounds[i]
        box = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if box.size:
            idx[box[shapely.contains_xy(geom, x[box], y[box])]] = i
    return idx


def _near_coast(
    prov: ProvinceIndex, lon: np.ndarray, lat: np.ndarray, idx: np.ndarray, coast_km: float, reasons: RowReasons
) -> None:
    """Assign points outside every polygon but within ``coast_km`` of one to the nearest (flagged)."""
    cand = np.flatnonzero(~np.isnan(lon) & ~np.isnan(lat) & (idx < 0))
    if cand.size:
        cand = cand[shapely.contains_xy(prov.ring, lon[cand], lat[cand])]
    if not cand.size:
        return
    x, y = prov.to_metric.transform(lon[cand], lat[cand])
    (hit, edge), dist = prov.edges.query_nearest(
        shapely.points(x, y), max_distance=coast_km * 1000.0, return_distance=True, all_matches=False
    )
    rows = cand[hit]
    poly = prov.edge_province[edge]
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
    in place). Coast and swap findings are added to ``reasons``.
    """
    prov = province_index(coast_km)
    fail = np.full(len(lon), None, dtype=object)
    valid = ~np.isnan(lon) & ~np.isnan(lat)
    fail[~valid] = Reason("no_coordinates")
    idx = np.where(valid, within(prov, np.nan_to_num(lon), np.nan_to_num(lat)), -1)
    _near_coast(prov, lon, lat, idx, coast_km, reasons)
    _swapped(prov, lon, lat, idx, reasons)
    outside = valid & (idx < 0)
    if outside.any():
        fail[outside] = Reason("outside_iran", coast_km=coast_km)
    return idx, fail
