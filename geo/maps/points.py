"""A register's rows on its map, at any size.

Up to :data:`POINTS_LIMIT` rows with a location, every row is a point (the page's script
groups near points into clusters that show their mix of statuses). Above it, a page of
points would be tens of MB and slow to draw, so the rows are counted in a grid instead
(:func:`grid_payload`): for each zoom level, cells of :data:`CELL_PX` screen pixels, each
at the mean position of its rows, and the rows themselves as a column store
(:mod:`geo.maps.cell_store`, coded by :func:`row_codes`) that the page counts into the
cells, drawn as rings of the shares of the style's classes, for any filters; the flagged
and rejected rows are still drawn one by one (rejected first, then flagged, in row order),
up to :data:`PROBLEM_POINTS` of them. Every row is in the page: none is lost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.maps.cell_store import FactSpec, column_store, fact_specs, pack
from geo.maps.contract import CellStore, GridData, GridLevel, PointsData, RegisterPoints, TallyData
from geo.maps.estate_facts import (
    CELL_CHARS,
    FACT_COLUMNS,
    estate_texts,
    fact_columns,
    full_columns,
    own_columns,
    place_points,
    shorten,
    start_fragment,
)
from geo.numbers import format_number_fa

__all__ = [
    "CELL_PX",
    "GRID_CELLS",
    "GRID_ZMAX",
    "POINTS_LIMIT",
    "PROBLEM_POINTS",
    "cell_counts",
    "code_families",
    "counted_points",
    "grid_of_cells",
    "grid_payload",
    "located_rows",
    "point_counts",
    "register_points",
    "row_codes",
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
GRID_ZMAX = 18
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
        width = self.counts.shape[1]
        counts = np.stack([np.bincount(inv, weights=self.counts[:, i], minlength=k) for i in range(width)], axis=1)
        lat = np.bincount(inv, weights=self.lat, minlength=k)
        lon = np.bincount(inv, weights=self.lon, minlength=k)
        return _Cells(z, keys >> 31, keys & ((1 << 31) - 1), counts.astype("int64"), lat, lon)

    def level(self, coarser: _Cells | None) -> GridLevel:
        """The page's form: mean position (4 decimals), each cell's index in the ``coarser`` level."""
        n = self.counts[:, :3].sum(axis=1)
        up = ""
        if coarser is not None:
            keys = coarser.cx * (1 << 31) + coarser.cy
            up = pack(np.searchsorted(keys, (self.cx // 2) * (1 << 31) + self.cy // 2), "<i4")
        return GridLevel(self.z, np.round(self.lat / n, 4).tolist(), np.round(self.lon / n, 4).tolist(), up)


def _points_at(z: int, x: np.ndarray, y: np.ndarray, lon: np.ndarray, lat: np.ndarray, onehot: np.ndarray) -> _Cells:
    """The rows counted in the cells of zoom ``z`` (``onehot``: each row's status as 0/1 columns)."""
    scale = 2.0**z * 256 / CELL_PX
    rows = _Cells(z, np.zeros(0), np.zeros(0), onehot, lat, lon)
    return rows.grouped(z, np.floor(x * scale).astype("int64"), np.floor(y * scale).astype("int64"))


def grid_payload(
    lon: np.ndarray, lat: np.ndarray, status: np.ndarray, codes: pd.DataFrame, specs: Mapping[str, FactSpec]
) -> GridData:
    """Located rows counted in grid cells, level by level, and the rows as a column store (module docstring).

    The rows are counted once at zoom :data:`_GRID_FINE`; coarser levels are made from its
    cells (each is four of the next), finer ones from the rows when the budget allows.

    Parameters
    ----------
    lon, lat
        Finite coordinates (EPSG:4326) of the rows to count.
    status
        ``joined``, ``flagged`` or ``rejected`` per row.
    codes, specs
        :func:`row_codes` of every row of the register and its
        :func:`geo.maps.cell_store.fact_specs`: the store (:mod:`geo.maps.cell_store`).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> rows = gpd.GeoDataFrame({"status": ["joined", "rejected", "flagged"], "province": "", "county": ""},
    ...                         geometry=shapely.points([51.4, 51.41, 59.6], [35.7, 35.7, 36.3]))
    >>> g = grid_payload(np.array([51.4, 51.41, 59.6]), np.array([35.7, 35.7, 36.3]), rows["status"].to_numpy(),
    ...                  row_codes(rows), {})
    >>> len(g.levels[0].lat), g.store.rows
    (2, 3)
    """
    onehot = np.eye(3, dtype="int8")[_codes(status)]
    x, y = _mercator(lon, lat)
    return _grid(lambda z: _points_at(z, x, y, lon, lat, onehot), len(lon), _store_of(codes, specs))


def _store_of(codes: pd.DataFrame, specs: Mapping[str, FactSpec]) -> Callable[[_Cells], CellStore]:
    """The column store of ``codes`` in the cells of a grid's finest level."""
    return lambda fine: column_store(codes, GRID_ZMAX - fine.z, fine.cx * (1 << 31) + fine.cy, specs)


def _codes(status: np.ndarray) -> np.ndarray:
    """Each row's status as 0 (joined), 1 (flagged) or 2 (rejected)."""
    return np.select([status == s for s in _STATUS], [0, 1, 2], default=2).astype("int64")


def _grid(count_at: Callable[[int], _Cells | None], rows: int, store: Callable[[_Cells], CellStore]) -> GridData:
    """The grid of :func:`grid_payload` from the cells of each level (None: a level of too many cells).

    ``store``: the column store of the rows in the cells of the finest level kept.
    """
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
    while len(kept) == len(levels) and kept[-1].z < GRID_ZMAX and len(kept[-1].cx) < rows:
        found = count_at(kept[-1].z + 1)  # all fit: count finer levels from the rows
        if found is None or total + len(found.cx) > GRID_CELLS:
            break
        kept.append(found)
        levels.append(found)
        total += len(found.cx)
    drawn = [c.level(kept[k - 1] if k else None) for k, c in enumerate(kept)]
    return GridData(CELL_PX, GRID_ZMIN, kept[-1].z, drawn, store(kept[-1]))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _reasons_text(values: Any, lang: str) -> str:
    """A point's reasons as one line."""
    if not isinstance(values, (list, tuple)):
        return _text(values)
    return ("؛ " if lang == "fa" else "; ").join(map(str, values))


def _county_names(codes: list[str]) -> dict[str, list[str]]:
    """County code → [name_fa, name_en] of the codes named (the shipped county table)."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    from geo.reference.counties import county_table

    table = county_table()
    return {c: [str(table.at[c, "name_fa"]), str(table.at[c, "name_en"])] for c in wanted if c in table.index}


def _points(
    estates: Any, positions: np.ndarray, placed: _Placed, lang: str, start: str, specs: Mapping[str, FactSpec] | None
) -> PointsData:
    """The rows at ``positions`` as points, drawn where ``placed`` says."""
    rows = estates.iloc[positions]
    column = "reasons_fa" if lang == "fa" and "reasons_fa" in rows.columns else "reasons"
    reasons = rows[column].tolist() if column in rows.columns else [""] * len(rows)
    if column == "reasons_fa" and "reasons" in rows.columns:  # a row without Persian reasons shows the English
        reasons = [fa or en for fa, en in zip(reasons, rows["reasons"].tolist(), strict=True)]

    def texts(col: str) -> list[str]:
        return [_text(v) for v in rows[col].tolist()] if col in rows.columns else [""] * len(rows)

    numbers = pd.to_numeric(rows["row"], errors="coerce").tolist() if "row" in rows.columns else [None] * len(rows)
    found = zip(placed.lat[positions].tolist(), placed.lon[positions].tolist(), strict=True)
    ll = [None if math.isnan(a) else [round(a, 5), round(b, 5)] for a, b in found]
    facts, cut = fact_columns(rows, lang, estates, specs)
    county = texts("county")
    return PointsData(
        ll=ll,
        name=[shorten(t, CELL_CHARS) for t in texts("name")],
        status=texts("status"),
        province=texts("province"),
        reasons=[_reasons_text(r, lang) for r in reasons],
        row=[int(v) if v is not None and not math.isnan(v) else None for v in numbers],
        id=[shorten(t, CELL_CHARS) for t in texts("id")],
        county=county,
        approx=placed.how[positions].tolist(),
        facts=facts,
        cut=cut,
        counties=_county_names(county),
        texts=estate_texts(lang),
        decimal=format_number_fa(1.5, decimals=1)[1] if lang == "fa" else ".",
        start=start,
        full=full_columns(rows),
    )


@dataclass
class _Placed:
    """Where each row is drawn: its coordinates, else its county's or province's point."""

    lon: np.ndarray
    lat: np.ndarray
    how: np.ndarray  # 0 own coordinates (or none), 1 county, 2 province
    ok: np.ndarray  # drawn at all


def _placed(estates: Any) -> _Placed:
    lon, lat, ok = _located(estates)
    how = np.zeros(len(ok), dtype="int64")
    missing = np.flatnonzero(~ok)
    if len(missing):
        codes = {c: estates[c].to_numpy(dtype=object)[missing] if c in estates.columns else np.full(len(missing), "")
                 for c in ("county", "province")}  # fmt: skip
        alon, alat, ahow = place_points(codes["county"], codes["province"])
        lon[missing], lat[missing], how[missing] = alon, alat, ahow
    return _Placed(lon, lat, how, ok | (how > 0))


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
    return estates["status"].to_numpy(dtype=object) if "status" in estates.columns else np.full(n, "")


def _counts(placed: _Placed, status: np.ndarray) -> dict[str, int]:
    """The rows counted: per status, not drawn, drawn problems, drawn, drawn at a county's or province's point."""
    ok = placed.ok
    counts = {s: int((status == s).sum()) for s in _STATUS}
    problems = int((ok & (status != "joined")).sum())
    drawn = {"unplaced": int((~ok).sum()), "problems": problems, "located": int(ok.sum())}
    return {**counts, **drawn, "approx": int((placed.how > 0).sum())}


def located_rows(estates: Any) -> np.ndarray:
    """Mask of the rows of ``estates`` that the map draws (their own point, or their county's or province's)."""
    return _placed(estates).ok


def point_counts(estates: Any) -> dict[str, int]:
    """The counts :func:`register_points` decides and tallies from; those of parts of a register add up.

    Keys: ``joined``, ``flagged``, ``rejected``, ``unplaced``, ``problems`` (drawn flagged
    or rejected rows), ``located`` (drawn rows; above :data:`POINTS_LIMIT`: the grid) and
    ``approx`` (drawn at a county's or province's point).
    """
    placed = _placed(estates)
    return _counts(placed, _statuses(estates, len(placed.ok)))


def register_points(
    estates: Any, lang: str, color: str | None = None, where: Mapping[str, Any] | None = None
) -> RegisterPoints:
    """The points, grid (None up to :data:`POINTS_LIMIT` placed rows) and tally of a register's map.

    A row without usable coordinates is drawn at its county's representative point, else its
    province's (``approx`` 1 or 2; :func:`geo.maps.estate_facts.place_points`); a row with
    no place known is not drawn. The rows' coordinates in the tables are not touched.

    Parameters
    ----------
    estates
        One row per register row: a point ``geometry`` (missing where there is no
        location), ``row``, ``name``, ``status``, ``province``, ``county``, ``reasons`` (and
        ``reasons_fa``, shown on the Persian map), and the register's own columns.
    lang
        The page's language.
    color, where
        The initial style and filters (:func:`geo.maps.estate_facts.start_fragment`).
    """
    start = start_fragment(own_columns(estates), color, where)
    placed = _placed(estates)
    ok = placed.ok
    status = _statuses(estates, len(ok))
    counts = _counts(placed, status)
    grid, specs = None, None
    if counts["located"] > POINTS_LIMIT:
        codes = row_codes(estates)
        specs = fact_specs(codes)
        grid = grid_payload(placed.lon[ok], placed.lat[ok], status[ok], codes, specs)
    return _drawn(estates, placed, status, lang, grid=grid, counts=counts, start=start, specs=specs)


def counted_points(
    candidates: Any, lang: str, grid: GridData, counts: dict[str, int], specs: Mapping[str, FactSpec]
) -> RegisterPoints:
    """:func:`register_points` of a register above :data:`POINTS_LIMIT` counted elsewhere (the dask engine).

    ``candidates``: in row order, at least the first :data:`PROBLEM_POINTS` drawn rejected
    rows and as many drawn flagged ones; ``grid``: :func:`grid_of_cells` of the whole
    register's :func:`cell_counts` and :func:`row_codes`; ``counts``: its
    :func:`point_counts`; ``specs``: :func:`geo.maps.cell_store.fact_specs` of its codes.
    """
    placed = _placed(candidates)
    status = _statuses(candidates, len(placed.ok))
    start = start_fragment(own_columns(candidates), None, None)
    return _drawn(candidates, placed, status, lang, grid=grid, counts=counts, start=start, specs=specs)


def _drawn(
    estates: Any, placed: _Placed, status: np.ndarray, lang: str, *, grid: GridData | None, counts: dict[str, int],
    start: str, specs: Mapping[str, FactSpec] | None,
) -> RegisterPoints:  # fmt: skip
    """The rows drawn one by one (all, or with a grid the problems up to a cap) and the tally."""
    ok = placed.ok
    if grid is None:
        chosen = np.arange(len(ok))
    else:
        first = [np.flatnonzero(ok & (status == s)) for s in ("rejected", "flagged")]
        chosen = np.sort(np.concatenate(first)[:PROBLEM_POINTS])
    points = _points(estates, chosen, placed, lang, start, specs)
    if grid is not None:  # the county filter names every county of the store
        points = replace(points, counties=_county_names(points.county + [c for _, c in grid.store.places]))
    shown = counts["problems"] if grid is None else len(chosen)
    tally = {k: counts[k] for k in (*_STATUS, "unplaced", "problems", "approx")}
    return RegisterPoints(points=points, grid=grid, tally=TallyData(**tally, shown=shown))


def code_families(estates: Any) -> dict[str, str]:
    """The register's own columns that may be facts: ``y`` (yes/no codes) or ``n`` (numbers) + their position."""
    out = {}
    for k, col in enumerate(own_columns(estates)[:FACT_COLUMNS]):
        dtype = estates[col].dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
            out[col] = f"y{k}"
        elif pd.api.types.is_numeric_dtype(dtype):
            out[col] = f"n{k}"
    return out


def _yesno(values: pd.Series) -> np.ndarray:
    """0 yes, 1 no, 2 not given, 3 anything else (a text, a number): the page's codes of a yes/no fact.

    Examples
    --------
    >>> _yesno(pd.Series([True, False])).tolist(), _yesno(pd.Series([True, None, False], dtype="boolean")).tolist()
    ([0, 1], [0, 2, 1])
    >>> _yesno(pd.Series([True, None, "maybe", 1, False], dtype=object)).tolist()
    [0, 2, 3, 3, 1]
    """
    if pd.api.types.is_bool_dtype(values.dtype):  # bool, or pandas' boolean with missing cells
        given = values.notna().to_numpy(dtype=bool)
        return np.where(given, np.where(values.fillna(False).to_numpy(dtype=bool), 0, 1), 2).astype("uint8")
    v = values.astype(object).to_numpy()
    blank = pd.isna(v)
    is_bool = np.fromiter((isinstance(x, (bool, np.bool_)) for x in v), dtype=bool, count=len(v))
    yes = np.zeros(len(v), dtype=bool)
    yes[is_bool] = v[is_bool].astype(bool)
    return np.select([blank, is_bool & yes, is_bool], [2, 0, 1], default=3).astype("uint8")


def row_codes(estates: Any, families: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Each row of ``estates`` as the column store reads it (:mod:`geo.maps.cell_store`); parts' add up in order.

    Columns: ``cx``, ``cy`` (the row's cell at zoom :data:`GRID_ZMAX`, -1 where not drawn),
    ``s`` (status code, +4 when drawn at its county's or province's point), ``province``,
    ``county``, and per own column that may be a fact (``families``: column → name; default
    by the columns' types) a yes/no code (``y`` + position) or its number (``n`` + position).
    """
    placed = _placed(estates)
    ok = placed.ok
    x, y = _mercator(np.nan_to_num(placed.lon), np.nan_to_num(placed.lat))
    scale = 2.0**GRID_ZMAX * 256 / CELL_PX
    status = _codes(_statuses(estates, len(ok))) + 4 * (placed.how > 0)
    n = len(ok)
    out = {
        "cx": np.where(ok, np.floor(x * scale), -1).astype("int32"),
        "cy": np.where(ok, np.floor(y * scale), -1).astype("int32"),
        "s": status.astype("uint8"),
        **{c: pd.Series(estates[c].to_numpy(dtype=object) if c in estates.columns else np.full(n, "", dtype=object),
                        dtype=object, copy=False)
           for c in ("province", "county")},  # kept as objects: no text array made of 10^6 codes
    }  # fmt: skip
    for col, name in (code_families(estates) if families is None else families).items():
        values = estates[col]
        out[name] = _yesno(values) if name[0] == "y" else pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return pd.DataFrame(out)


#: The columns of :func:`cell_counts` besides the counts ``n0``, ``n1`` … of each status.
_CELL_KEYS = ("z", "cx", "cy")


def cell_counts(estates: Any) -> pd.DataFrame:
    """The drawn rows of ``estates`` counted in the grid's cells, from zoom 12 to the finest.

    One row per cell: ``z``, ``cx``, ``cy``, the count of each status (``n0``, ``n1`` …) and
    the sums of the rows' ``lat`` and ``lon``: the counts of parts of a register (dask's
    partitions) summed per cell are the whole's. A level finer than 12 with more than
    :data:`GRID_CELLS` cells (too many to draw) is one row with ``cx`` -1, and ends the levels.
    """
    placed = _placed(estates)
    ok = placed.ok
    status = _statuses(estates, len(ok))[ok]
    lon, lat = placed.lon[ok], placed.lat[ok]
    x, y = _mercator(lon, lat)
    onehot = np.eye(3, dtype="int8")[_codes(status)]
    frames = []
    for z in range(_GRID_FINE, GRID_ZMAX + 1):
        cells = _points_at(z, x, y, lon, lat, onehot)
        if z > _GRID_FINE and len(cells.cx) > GRID_CELLS:
            cells = _Cells(z, np.array([-1]), np.array([-1]), np.zeros((1, 3), "int64"), np.zeros(1), np.zeros(1))
        counts = {f"n{i}": cells.counts[:, i] for i in range(cells.counts.shape[1])}
        frame = {"z": np.full(len(cells.cx), z), "cx": cells.cx, "cy": cells.cy, **counts}
        frames.append(pd.DataFrame({**frame, "lat": cells.lat, "lon": cells.lon}))
        if cells.cx[:1].tolist() == [-1]:
            break
    return pd.concat(frames, ignore_index=True).astype({"z": "int64", "cx": "int64", "cy": "int64"})


def grid_of_cells(cells: pd.DataFrame, located: int, codes: pd.DataFrame, specs: Mapping[str, FactSpec]) -> GridData:
    """:func:`grid_payload` of a register from its :func:`cell_counts` summed per cell and its :func:`row_codes`.

    ``located``: its drawn rows. A level that any part gave as too many cells is left out,
    as it would be of the whole.
    """
    cells = cells.reset_index()
    over = set(cells.loc[cells["cx"] < 0, "z"].tolist())
    counts = sorted(c for c in cells.columns if c.startswith("n") and c[1:].isdigit())

    def count_at(z: int) -> _Cells | None:
        if z in over or (z > min(over, default=GRID_ZMAX + 1)):
            return None
        level = cells[cells["z"] == z].sort_values(["cx", "cy"])
        if z > _GRID_FINE and not len(level):
            return None
        n = level[counts].to_numpy(dtype="int64")
        return _Cells(
            z, level["cx"].to_numpy(), level["cy"].to_numpy(), n, level["lat"].to_numpy(), level["lon"].to_numpy()
        )

    return _grid(count_at, located, _store_of(codes, specs))
