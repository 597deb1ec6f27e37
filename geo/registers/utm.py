"""UTM metres without a declared CRS: the zone (38–41 N, WGS 84) under which the rows fall in Iran.

Provincial GIS data in Iran is usually in UTM metres, and a register exported from it often
loses its CRS (a CSV of X/Y columns, a Shapefile without ``.prj``). When a register's
coordinates are metres in the ranges of a UTM zone of the northern hemisphere (eastings
100–900 km, northings of Iran's latitudes), each of the four zones that cover Iran is
tried with pyproj: the zone under which the most rows fall inside the province their row
names (when the register names provinces), then inside Iran, is taken. Two zones that fit
equally are refused: the register must say which with ``crs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import RegisterError
from geo.i18n import message
from geo.registers.cells import parse_numbers

__all__ = ["ZONES", "UtmGuess", "guess_warning", "guess_zone", "in_utm_ranges"]

#: The UTM zones (WGS 84, north) that cover Iran, by EPSG code.
ZONES = {38: 32638, 39: 32639, 40: 32640, 41: 32641}
#: Eastings and northings (metres) a UTM zone gives for Iran's latitudes (about 24°–40.5° N).
_EASTING = (100_000.0, 900_000.0)
_NORTHING = (2_600_000.0, 4_500_000.0)
#: Points tried per zone (an even sample of a larger register).
_SAMPLE = 2000


@dataclass(frozen=True)
class UtmGuess:
    """The zone taken and how well each zone fit.

    Attributes
    ----------
    zone, epsg
        The zone taken (``39``) and its CRS (``32639``).
    inside
        Zone → rows of the sample inside Iran under it.
    named
        Zone → rows inside the province their row names (0 without a province column).
    tried
        Rows of the sample tried.
    """

    zone: int
    epsg: int
    inside: dict[int, int]
    named: dict[int, int]
    tried: int

    @property
    def crs(self) -> str:
        """The CRS as ``crs`` takes it (``EPSG:32639``)."""
        return f"EPSG:{self.epsg}"


def in_utm_ranges(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which points are an easting and a northing of a northern UTM zone at Iran's latitudes."""
    return (x >= _EASTING[0]) & (x <= _EASTING[1]) & (y >= _NORTHING[0]) & (y <= _NORTHING[1])


def _metres(cells: pd.DataFrame, geometry: Any, columns: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's x and y as written (lat column: y), NaN where there are none."""
    n = len(cells)
    if geometry is not None:
        import shapely

        geoms = np.asarray(getattr(geometry, "values", geometry), dtype=object)
        x, y = np.full(n, np.nan), np.full(n, np.nan)
        ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        points = shapely.point_on_surface(geoms[ok])
        x[ok], y[ok] = shapely.get_x(points), shapely.get_y(points)
        return x, y
    if "lat" in columns and "lon" in columns and columns["lat"] != columns["lon"]:
        y = np.asarray(parse_numbers(cells[columns["lat"]])[0], dtype=float)
        x = np.asarray(parse_numbers(cells[columns["lon"]])[0], dtype=float)
        return x, y
    return np.full(n, np.nan), np.full(n, np.nan)


def _named_codes(cells: pd.DataFrame, columns: dict[str, str]) -> np.ndarray | None:
    """The ISO code of the province each row names (None where it names none), or None."""
    if "province" not in columns:
        return None
    from geo.errors import NameResolutionError
    from geo.reference.names import resolve_province

    known: dict[object, str | None] = {}
    out = []
    for value in cells[columns["province"]].to_numpy():
        if value not in known:
            try:
                known[value] = resolve_province(str(value)) if isinstance(value, str) and value.strip() else None
            except (NameResolutionError, ValueError):
                known[value] = None
        out.append(known[value])
    return np.array(out, dtype=object)


def _fits(x: np.ndarray, y: np.ndarray, named: np.ndarray | None) -> tuple[dict[int, int], dict[int, int]]:
    """Per zone: points inside Iran, and points inside the province their row names."""
    import geopandas as gpd
    from pyproj import Transformer

    from geo.reference.provinces import load_provinces

    provinces = load_provinces("territorial")
    inside: dict[int, int] = {}
    in_named: dict[int, int] = {}
    for zone, epsg in ZONES.items():
        lon, lat = Transformer.from_crs(epsg, 4326, always_xy=True).transform(x, y)
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
        hits = gpd.sjoin(points, provinces[["geometry"]], predicate="within", how="left")
        hits = hits[~hits.index.duplicated()]
        where = hits["index_right"].to_numpy()
        inside[zone] = int(pd.notna(where).sum())
        in_named[zone] = 0 if named is None else int(sum(w == c for w, c in zip(where, named, strict=True) if c))
    return inside, in_named


def guess_zone(cells: pd.DataFrame, geometry: Any, columns: dict[str, str]) -> UtmGuess | None:
    """The UTM zone of a register's metres, or None when they are not UTM metres of Iran.

    Raises
    ------
    RegisterError
        Two zones fit equally well (the message names both and `crs`).
    """
    x, y = _metres(cells, geometry, columns)
    rows = np.flatnonzero(in_utm_ranges(x, y))
    if len(rows) == 0:
        return None
    rows = rows[:: max(1, len(rows) // _SAMPLE)]
    x, y = x[rows], y[rows]
    named = _named_codes(cells, columns)
    named = None if named is None else named[rows]
    inside, in_named = _fits(x, y, named)
    ranked = sorted(ZONES, key=lambda z: (in_named[z], inside[z]), reverse=True)
    best, second = ranked[0], ranked[1]
    if inside[best] == 0:
        return None
    if (in_named[best], inside[best]) == (in_named[second], inside[second]):
        a, b = sorted((best, second))
        fields = {"zone_a": str(a), "epsg_a": str(ZONES[a]), "zone_b": str(b), "epsg_b": str(ZONES[b])}
        text = message("formats", "utm_tie", **fields, inside=inside[best], tried=len(x))
        raise RegisterError(text, field="crs")
    return UtmGuess(best, ZONES[best], inside, in_named, len(x))


def guess_warning(guess: UtmGuess) -> str:
    """The warning that says which zone was taken and how each fit."""
    fits = ", ".join(f"{z}N: {guess.inside[z]}" for z in ZONES)
    zone = guess.zone
    fields = {"zone": str(zone), "epsg": str(guess.epsg), "named": guess.named[zone], "fits": fits}
    return message("formats", "utm_taken", **fields, inside=guess.inside[zone], tried=guess.tried)
