"""The polygons a page draws: land coverages simplified as a whole, rounded, still valid.

Maps draw the **land** polygons (sea cut off at the coast, islands kept; see
``data/boundaries/README.md``): each level (31 provinces, 478 counties) is one coverage,
simplified as a whole with :func:`shapely.coverage_simplify` so that neighbours never
gap or overlap on screen, then rounded with :func:`shapely.set_precision` in its
``valid_output`` mode (rounding each vertex on its own makes narrow estuaries and island
channels cross themselves). Every result is checked to be valid polygons forming a valid
coverage. Simplifying the detailed OpenStreetMap coverage takes about a second, so
results are kept in the disk cache (:mod:`geo._cache`), keyed by the polygons' WKB.

Polygons travel packed (:func:`pack_polygons`: integer coordinates, each ring
delta-encoded; about 40 % of the same polygons as GeoJSON text): the provinces in the
page's data block, the county level in a second, compressed block that the page decodes
only when the reader asks for it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import shapely

from geo._cache import cached
from geo.errors import MapError
from geo.i18n import as_given, message

__all__ = [
    "COUNTY_STEPS",
    "PROVINCE_STEPS",
    "display_coverage",
    "pack_polygons",
    "packed_geometry",
    "simplified",
    "unpack_polygons",
]

#: Simplification tolerance (degrees) and coordinate decimals tried in order for the
#: provinces; the first that leaves a valid coverage of valid polygons is embedded.
#: 0.015° (about 1.5 km) keeps the default Persian map within 350 KB with its font
#: (tests/test_maps.py; 0.01° made it 380 KB).
PROVINCE_STEPS: tuple[tuple[float, int], ...] = ((0.015, 3), (0.005, 3), (0.0, 4), (0.0, 6))

#: The same for the counties (smaller units, drawn when zoomed in: finer).
COUNTY_STEPS: tuple[tuple[float, int], ...] = ((0.005, 3), (0.0025, 4), (0.0, 4), (0.0, 6))


def _simplify(geoms: np.ndarray, steps: Sequence[tuple[float, int]]) -> tuple[np.ndarray, int]:
    """The first (tolerance, decimals) of ``steps`` that gives a valid coverage, applied."""
    for tol, decimals in steps:
        simple = shapely.coverage_simplify(geoms, tol) if tol else geoms
        rounded = shapely.set_precision(simple, 10.0**-decimals)  # valid_output: never self-crossing
        valid = bool(shapely.is_valid(rounded).all()) and not bool(shapely.is_empty(rounded).any())
        if valid and bool(shapely.coverage_is_valid(rounded)):
            return rounded, decimals
    raise MapError(message("errors", "maps_not_coverage"))


def _wkb(geoms: Sequence[Any]) -> tuple[bytes, ...]:
    return tuple(shapely.to_wkb(np.asarray(geoms, dtype=object)).tolist())


@lru_cache(maxsize=8)
def _simplified_wkb(
    key: str, wkb: tuple[bytes, ...], steps: tuple[tuple[float, int], ...]
) -> tuple[int, tuple[bytes, ...]]:
    """The decimals kept and the simplified polygons as WKB.

    From the disk cache when an earlier run made them; ``key`` is the digest of ``wkb``
    (a short string the in-memory cache compares first).
    """

    def compute() -> bytes:
        rounded, decimals = _simplify(shapely.from_wkb(np.array(wkb, dtype=object)), steps)
        parts = [decimals.to_bytes(1, "big")] + [len(b).to_bytes(4, "big") + b for b in shapely.to_wkb(rounded)]
        return b"".join(parts)

    data = cached("coverage", (key, steps, shapely.geos_version), compute)
    out, at = [], 1
    while at < len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        out.append(data[at + 4 : at + 4 + size])
        at += 4 + size
    return data[0], tuple(out)


def simplified(geoms: Sequence[Any], steps: Sequence[tuple[float, int]] = PROVINCE_STEPS) -> tuple[np.ndarray, int]:
    """``geoms`` (a coverage) simplified as a whole and rounded by the first step that stays valid.

    Returns
    -------
    tuple
        The polygons (an object array) and the decimals they were rounded to.

    Raises
    ------
    MapError
        If not even the unsimplified polygons form a valid coverage.
    """
    wkb = _wkb(geoms)
    key = hashlib.sha1(b"".join(wkb)).hexdigest()
    decimals, out = _simplified_wkb(key, wkb, tuple(steps))
    return np.asarray(shapely.from_wkb(np.array(out, dtype=object))), decimals


def display_coverage(level: str = "province") -> Any:
    """The land polygons of a level as the maps draw them.

    Parameters
    ----------
    level
        ``"province"`` (:func:`geo.load_provinces`, simplified by :data:`PROVINCE_STEPS`)
        or ``"county"`` (:func:`geo.load_counties`, by :data:`COUNTY_STEPS`).

    Returns
    -------
    geopandas.GeoDataFrame
        The loader's frame with its land polygons simplified as one coverage and rounded:
        valid polygons forming a valid coverage (no gaps, no overlaps on screen).

    Examples
    --------
    >>> shown = display_coverage()
    >>> bool(shapely.coverage_is_valid(shown.geometry.to_numpy()))
    True
    >>> int(shapely.get_num_coordinates(shown.geometry.to_numpy()).sum()) < 10_000
    True
    """
    if level == "province":
        from geo.reference.provinces import load_provinces

        frame, steps = load_provinces(), PROVINCE_STEPS
    elif level == "county":
        from geo.reference.counties import load_counties

        frame, steps = load_counties(), COUNTY_STEPS
    else:
        raise MapError(message("errors", "maps_level", level=as_given(level)))
    return frame.set_geometry(simplified(frame.geometry.to_numpy(), steps)[0], crs=4326)


def packed_geometry(geoms: Sequence[Any]) -> tuple[int, list[tuple[str, tuple[float, float]]]]:
    """The polygons packed for a page's province features, each with a point (lat, lon) inside it.

    The polygons are coverage-simplified as a whole, then rounded (:data:`PROVINCE_STEPS`),
    and packed by :func:`pack_polygons` (JSON text): about 40 % of the same polygons as
    GeoJSON text.

    Returns
    -------
    tuple
        The decimals of the packed coordinates, and per polygon its packed JSON text and
        a point inside it.
    """
    rounded, decimals = simplified(geoms)
    reps = shapely.point_on_surface(rounded)
    texts = [packed_json(p) for p in pack_polygons(rounded, decimals)]
    points = [(round(float(p.y), 4), round(float(p.x), 4)) for p in reps]
    return decimals, list(zip(texts, points, strict=True))


def unpack_polygons(packed: Sequence[Sequence[Sequence[int]]], decimals: int) -> Any:
    """A MultiPolygon from :func:`pack_polygons`'s form (what the page's script does too).

    Examples
    --------
    >>> box = shapely.box(50, 30, 50.5, 30.25)
    >>> bool(unpack_polygons(pack_polygons([box], 2)[0], 2).equals(box))
    True
    """
    scale = 10.0**decimals
    polygons = []
    for rings in packed:
        parts = [np.cumsum(np.asarray(r, dtype="int64").reshape(-1, 2), axis=0) / scale for r in rings]
        polygons.append(shapely.Polygon(parts[0], parts[1:]))
    return shapely.MultiPolygon(polygons)


def _ring_deltas(coords: np.ndarray, scale: float) -> list[int]:
    """A ring as integers (coordinate × ``scale``), x and y interleaved, deltas after the first.

    Each pair after the first is the difference from the one before (small numbers:
    short text, good compression).
    """
    xy = np.rint(coords[:, :2] * scale).astype("int64")
    return np.diff(xy, axis=0, prepend=np.zeros((1, 2), dtype="int64")).ravel().tolist()


def pack_polygons(geoms: Sequence[Any] | np.ndarray, decimals: int) -> list[list[list[list[int]]]]:
    """Polygons packed for a page: per geometry, per polygon, per ring, delta-encoded integers.

    Each ring is ``[x0, y0, dx1, dy1, …]`` in units of ``10**-decimals`` degrees (x the
    longitude); the page adds the deltas back up. Rings keep their closing vertex.

    Examples
    --------
    >>> pack_polygons([shapely.box(50, 30, 50.5, 30.25)], 2)
    [[[[5050, 3000, 0, 25, -50, 0, 0, -25, 50, 0]]]]
    """
    scale = 10.0**decimals
    out = []
    for geom in geoms:
        polygons = []
        for polygon in shapely.get_parts(geom):
            rings = [polygon.exterior, *polygon.interiors]
            polygons.append([_ring_deltas(np.asarray(ring.coords), scale) for ring in rings])
        out.append(polygons)
    return out


def packed_json(value: Any) -> str:
    """Compact JSON (no spaces) of packed numbers and texts, as :func:`pack_polygons` makes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
