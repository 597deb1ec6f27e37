"""A register's rows on its map, at any size.

Up to :data:`POINTS_LIMIT` rows with a location, every row is a point (the page's script
groups near points into clusters that show their mix of statuses). Above it, a page of
points would be tens of MB and slow to draw, so the rows are counted in a grid instead
(:func:`grid_payload`): for each zoom level, cells of :data:`CELL_PX` screen pixels, each
with its count of joined, flagged and rejected rows, drawn as a ring of those shares; the
flagged and rejected rows are still drawn one by one (rejected first, then flagged, in row
order), up to :data:`PROBLEM_POINTS` of them. Every count is in the page: none is lost.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.maps.contract import GridData, GridLevel, PointsData, TallyData

__all__ = [
    "CELL_PX",
    "GRID_CELLS",
    "POINTS_LIMIT",
    "PROBLEM_POINTS",
    "cell_counts",
    "counted_points",
    "grid_of_cells",
    "grid_payload",
    "located_rows",
    "point_counts",
    "register_points",
]

#: Up to this many rows with a location, each is drawn as a point; above, the grid.
POINTS_LIMIT = 20_000
#: Above :data:`POINTS_LIMIT`, at most this many flagged and rejected rows are drawn one by one.
PROBLEM_POINTS = 5_000
#: The side of a grid cell on screen, in pixels (the script's clusters use the same).
CELL_PX = 48
#: The coarsest zoom level counted, and the most cells all levels together may have (the
#: finest level is the last that keeps the total under it: about 2.5 MB of page).
GRID_ZMIN = 3
GRID_CELLS = 100_000
_GRID_ZMAX = 18
#: The level the rows are counted at first (about 1.2 km cells at Iran's latitudes).
_GRID_FINE = 12
_STATUS = ("joined", "flagged", "rejected")


def _mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator position in [0, 1) of each point (x east, y south), as Leaflet projects it."""
    x = (lon + 180.0) / 360.0
    s = np.sin(np.radians(np.clip(lat, -85.0511287798, 85.0511287798)))
    y = 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)
    return x, y


@dataclass
class _Cells:
    """The non-empty cells of one zoom level.

    Each with its position, its count of rows of each status and the sums of their
    latitudes and longitudes.
    """

    z: int
    cx: np.ndarray
    cy: np.ndarray
    counts: np.ndarray  # (cells, 3): joined, flagged, rejected
    lat: np.ndarray
    lon: np.ndarray

    def grouped(self, z: int, cx: np.ndarray, cy: np.ndarray) -> _Cells:
        """These cells' rows regrouped into the cells (``cx``, ``cy``) of zoom ``z``."""
        keys, inv = np.unique(cx * (1 << 31) + cy, return_inverse=True)
        k = len(keys)
        counts = np.stack([np.bincount(inv, weights=self.counts[:, i], minlength=k) for i in range(3)], axis=1)
        lat = np.bincount(inv, weights=self.lat, minlength=k)
        lon = np.bincount(inv, weights=self.lon, minlength=k)
        return _Cells(z, keys >> 31, keys & ((1 << 31) - 1), counts.astype("int64"), lat, lon)

    def level(self) -> GridLevel:
        """The page's form: mean position (4 decimals) and counts per status."""
        n = self.counts.sum(axis=1)
        j, f, r = (self.counts[:, i].tolist() for i in range(3))
        return GridLevel(self.z, np.round(self.lat / n, 4).tolist(), np.round(self.lon / n, 4).tolist(), j, f, r)


def _points_at(z: int, x: np.ndarray, y: np.ndarray, lon: np.ndarray, lat: np.ndarray, code: np.ndarray) -> _Cells:
    """The rows counted in the cells of zoom ``z``."""
    scale = 2.0**z * 256 / CELL_PX
    rows = _Cells(z, np.zeros(0), np.zeros(0), np.eye(3, dtype="int64")[code], lat, lon)
    return rows.grouped(z, np.floor(x * scale).astype("int64"), np.floor(y * scale).astype("int64"))


def grid_payload(lon: np.ndarray, lat: np.ndarray, status: np.ndarray) -> GridData:
    """Located rows counted per status in grid cells, level by level (see the module docstring).

    The rows are counted once at zoom :data:`_GRID_FINE`; coarser levels are made from its
    cells (each is four of the next), finer ones from the rows when the budget allows.

    Parameters
    ----------
    lon, lat
        Finite coordinates (EPSG:4326) of the rows to count.
    status
        ``joined``, ``flagged`` or ``rejected`` per row.

    Examples
    --------
    >>> g = grid_payload(np.array([51.4, 51.41, 59.6]), np.array([35.7, 35.7, 36.3]),
    ...                  np.array(["joined", "rejected", "flagged"]))
    >>> g.levels[0].j, g.levels[0].f, g.levels[0].r
    ([1, 0], [0, 1], [1, 0])
    """
    code = _codes(status)
    x, y = _mercator(lon, lat)
    return _grid(lambda z: _points_at(z, x, y, lon, lat, code), len(lon))


def _codes(status: np.ndarray) -> np.ndarray:
    """Each row's status as 0 (joined), 1 (flagged) or 2 (rejected)."""
    return np.select([status == s for s in _STATUS], [0, 1, 2], default=2).astype("int64")


def _grid(count_at: Callable[[int], _Cells | None], rows: int) -> GridData:
    """The grid of :func:`grid_payload` from the cells of each level (None: a level of too many cells)."""
    fine = count_at(_GRID_FINE)
    if fine is None:  # pragma: no cover - the finest level counted is always given
        raise ValueError("no cells at the finest level")
    levels = [fine]
    while levels[0].z > GRID_ZMIN:
        finer = levels[0]
        levels.insert(0, finer.grouped(finer.z - 1, finer.cx // 2, finer.cy // 2))
    kept, total = [levels[0]], len(levels[0].cx)
    for cells in levels[1:]:
        if total + len(cells.cx) > GRID_CELLS or len(kept[-1].cx) == rows:
            break  # over the budget, or every row already alone in its cell
        kept.append(cells)
        total += len(cells.cx)
    while len(kept) == len(levels) and kept[-1].z < _GRID_ZMAX and len(kept[-1].cx) < rows:
        found = count_at(kept[-1].z + 1)  # all fit: count finer levels from the rows
        if found is None or total + len(found.cx) > GRID_CELLS:
            break
        kept.append(found)
        levels.append(found)
        total += len(found.cx)
    return GridData(CELL_PX, GRID_ZMIN, kept[-1].z, [c.level() for c in kept])


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _reasons_text(values: Any, lang: str) -> str:
    """A point's reasons as one line."""
    if not isinstance(values, (list, tuple)):
        return _text(values)
    return ("؛ " if lang == "fa" else "; ").join(map(str, values))


def _points(estates: Any, positions: np.ndarray, ll: list[list[float] | None], lang: str) -> PointsData:
    """The rows at ``positions`` as points (``ll`` their positions, None where not drawn)."""
    rows = estates.iloc[positions]
    column = "reasons_fa" if lang == "fa" and "reasons_fa" in rows.columns else "reasons"
    reasons = rows[column].tolist() if column in rows.columns else [""] * len(rows)
    if column == "reasons_fa" and "reasons" in rows.columns:  # a row without Persian reasons shows the English
        reasons = [fa or en for fa, en in zip(reasons, rows["reasons"].tolist(), strict=True)]

    def texts(col: str) -> list[str]:
        return [_text(v) for v in rows[col].tolist()] if col in rows.columns else [""] * len(rows)

    numbers = pd.to_numeric(rows["row"], errors="coerce").tolist() if "row" in rows.columns else [None] * len(rows)
    return PointsData(
        ll=ll,
        name=texts("name"),
        status=texts("status"),
        province=texts("province"),
        reasons=[_reasons_text(r, lang) for r in reasons],
        row=[int(v) if v is not None and not math.isnan(v) else None for v in numbers],
    )


def _located(estates: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longitude, latitude (NaN where none) and a mask of the rows with a point location."""
    n = len(estates)
    geoms = np.asarray(estates.geometry.values, dtype=object) if hasattr(estates, "geometry") else np.full(n, None)
    ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms) & (shapely.get_type_id(geoms) == 0)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    lon[ok], lat[ok] = shapely.get_x(geoms[ok]), shapely.get_y(geoms[ok])
    return lon, lat, ok


def _statuses(estates: Any, n: int) -> np.ndarray:
    """Each row's status (``""`` without a status column)."""
    return estates["status"].astype(object).to_numpy() if "status" in estates.columns else np.full(n, "")


def _counts(ok: np.ndarray, status: np.ndarray) -> dict[str, int]:
    """The rows counted: per status, without a location, located problems, located."""
    counts = {s: int((status == s).sum()) for s in _STATUS}
    problems = int((ok & (status != "joined")).sum())
    return {**counts, "unplaced": int((~ok).sum()), "problems": problems, "located": int(ok.sum())}


def located_rows(estates: Any) -> np.ndarray:
    """Mask of the rows of ``estates`` that the map places (a point location)."""
    return _located(estates)[2]


def point_counts(estates: Any) -> dict[str, int]:
    """The counts :func:`register_points` decides and tallies from; those of parts of a register add up.

    Keys: ``joined``, ``flagged``, ``rejected``, ``unplaced``, ``problems`` (located
    flagged or rejected rows) and ``located`` (above :data:`POINTS_LIMIT`: the grid).
    """
    _, _, ok = _located(estates)
    return _counts(ok, _statuses(estates, len(ok)))


def register_points(estates: Any, lang: str) -> tuple[PointsData, GridData | None, TallyData]:
    """The points, grid (None up to :data:`POINTS_LIMIT` located rows) and tally of a register's map.

    Parameters
    ----------
    estates
        One row per register row: a point ``geometry`` (missing where there is no
        location), ``row``, ``name``, ``status``, ``province``, ``reasons`` (and
        ``reasons_fa``, shown on the Persian map).
    lang
        The page's language.
    """
    lon, lat, ok = _located(estates)
    status = _statuses(estates, len(ok))
    counts = _counts(ok, status)
    grid = None if counts["located"] <= POINTS_LIMIT else grid_payload(lon[ok], lat[ok], status[ok])
    return _drawn(estates, (lon, lat, ok, status), lang, grid, counts)


def counted_points(
    candidates: Any, lang: str, grid: GridData, counts: dict[str, int]
) -> tuple[PointsData, GridData, TallyData]:
    """:func:`register_points` of a register above :data:`POINTS_LIMIT` counted elsewhere (the dask engine).

    ``candidates``: in row order, at least the first :data:`PROBLEM_POINTS` located
    rejected rows and as many located flagged ones; ``grid``: :func:`grid_of_cells` of the
    whole register's :func:`cell_counts`; ``counts``: its :func:`point_counts`.
    """
    lon, lat, ok = _located(candidates)
    points, _, tally = _drawn(candidates, (lon, lat, ok, _statuses(candidates, len(ok))), lang, grid, counts)
    return points, grid, tally


def _drawn(
    estates: Any, located: tuple[np.ndarray, ...], lang: str, grid: GridData | None, counts: dict[str, int]
) -> tuple[PointsData, GridData | None, TallyData]:
    """The rows drawn one by one (all, or without a grid the problems up to a cap) and the tally."""
    lon, lat, ok, status = located
    if grid is None:
        chosen = np.arange(len(ok))
    else:
        first = [np.flatnonzero(ok & (status == s)) for s in ("rejected", "flagged")]
        chosen = np.sort(np.concatenate(first)[:PROBLEM_POINTS])
    found = zip(lat[chosen].tolist(), lon[chosen].tolist(), ok[chosen].tolist(), strict=True)
    ll = [[round(a, 5), round(b, 5)] if here else None for a, b, here in found]
    points = _points(estates, chosen, ll, lang)
    shown = counts["problems"] if grid is None else len(chosen)
    tally = {k: counts[k] for k in (*_STATUS, "unplaced", "problems")}
    return points, grid, TallyData(**tally, shown=shown)


#: The columns of :func:`cell_counts` besides the counts ``n0``, ``n1`` … of each status.
_CELL_KEYS = ("z", "cx", "cy")


def cell_counts(estates: Any) -> pd.DataFrame:
    """The located rows of ``estates`` counted in the grid's cells, from zoom 12 to the finest.

    One row per cell: ``z``, ``cx``, ``cy``, the count of each status (``n0``, ``n1`` …) and
    the sums of the rows' ``lat`` and ``lon``: the counts of parts of a register (dask's
    partitions) summed per cell are the whole's. A level finer than 12 with more than
    :data:`GRID_CELLS` cells (too many to draw) is one row with ``cx`` -1, and ends the levels.
    """
    lon, lat, ok = _located(estates)
    status = _statuses(estates, len(ok))[ok]
    lon, lat = lon[ok], lat[ok]
    x, y = _mercator(lon, lat)
    code = _codes(status)
    frames = []
    for z in range(_GRID_FINE, _GRID_ZMAX + 1):
        cells = _points_at(z, x, y, lon, lat, code)
        if z > _GRID_FINE and len(cells.cx) > GRID_CELLS:
            cells = _Cells(z, np.array([-1]), np.array([-1]), np.zeros((1, 3), "int64"), np.zeros(1), np.zeros(1))
        counts = {f"n{i}": cells.counts[:, i] for i in range(cells.counts.shape[1])}
        frame = {"z": np.full(len(cells.cx), z), "cx": cells.cx, "cy": cells.cy, **counts}
        frames.append(pd.DataFrame({**frame, "lat": cells.lat, "lon": cells.lon}))
        if cells.cx[:1].tolist() == [-1]:
            break
    return pd.concat(frames, ignore_index=True).astype({"z": "int64", "cx": "int64", "cy": "int64"})


def grid_of_cells(cells: pd.DataFrame, located: int) -> GridData:
    """:func:`grid_payload` of a register from its :func:`cell_counts` summed per cell (``located``: its located rows).

    A level that any part gave as too many cells is left out, as it would be of the whole.
    """
    cells = cells.reset_index()
    over = set(cells.loc[cells["cx"] < 0, "z"].tolist())
    counts = sorted(c for c in cells.columns if c.startswith("n") and c[1:].isdigit())

    def count_at(z: int) -> _Cells | None:
        if z in over or (z > min(over, default=_GRID_ZMAX + 1)):
            return None
        level = cells[cells["z"] == z].sort_values(["cx", "cy"])
        if z > _GRID_FINE and not len(level):
            return None
        n = level[counts].to_numpy(dtype="int64")
        return _Cells(
            z, level["cx"].to_numpy(), level["cy"].to_numpy(), n, level["lat"].to_numpy(), level["lon"].to_numpy()
        )

    return _grid(count_at, located)
