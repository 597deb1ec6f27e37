"""The province polygons as the page embeds them: coverage-simplified, rounded, still valid."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import shapely

from geo.errors import MapError

__all__ = ["geometry_json"]

#: Simplification tolerance (degrees) and coordinate decimals tried in order; the first
#: that leaves a valid coverage of valid polygons is embedded.
_SIMPLIFY_STEPS: tuple[tuple[float, int], ...] = ((0.01, 3), (0.005, 3), (0.0, 4), (0.0, 6))


@lru_cache(maxsize=8)
def _simplified(key: str, wkb: tuple[bytes, ...]) -> tuple[tuple[str, tuple[float, float]], ...]:
    geoms = shapely.from_wkb(np.array(wkb, dtype=object))
    for tol, decimals in _SIMPLIFY_STEPS:
        simple = shapely.coverage_simplify(geoms, tol) if tol else geoms
        rounded = shapely.set_precision(simple, 10.0**-decimals, mode="pointwise")
        if bool(shapely.is_valid(rounded).all()) and bool(shapely.coverage_is_valid(rounded)):
            reps = shapely.point_on_surface(rounded)
            return tuple(
                (shapely.to_geojson(g), (round(float(p.y), 4), round(float(p.x), 4)))
                for g, p in zip(rounded, reps, strict=True)
            )
    raise MapError("the province polygons are not a valid coverage, even unsimplified")


def geometry_json(geoms: Sequence[Any]) -> list[tuple[str, tuple[float, float]]]:
    """The polygons as GeoJSON geometry texts, each with a point (lat, lon) inside it.

    The polygons are coverage-simplified as a whole, then rounded.

    The result is cached by the polygons' WKB (``key`` is its digest, so the cache
    compares a short string first).
    """
    wkb = tuple(shapely.to_wkb(np.asarray(geoms, dtype=object)).tolist())
    key = hashlib.sha1(b"".join(wkb)).hexdigest()
    return list(_simplified(key, wkb))
