"""A raster of polygons for point in polygon: most points answered by one array lookup.

:func:`build_grid` divides the polygons' extent into square cells and marks each cell
with the one polygon whose **interior** holds the whole cell (a little enlarged), with
:data:`OUTSIDE` where the cell touches no polygon, or with :data:`TEST` where the cell
meets a boundary (or two polygons): only the points in those cells need an exact test.
A point on a boundary line lies in a :data:`TEST` cell, so the exact test (which, like
``sjoin(predicate="within")``, puts a boundary point in no polygon) decides it: the grid
never changes an answer, it only spares the tests whose answer is certain.

The cells are found coarse to fine (a cell that meets a boundary is cut into
:data:`_SPLIT` × :data:`_SPLIT`), so the work follows the boundaries' length, not the
number of cells. A grid depends only on the polygons: :func:`cached_grid` keeps it in the
disk cache (:mod:`geo._cache`), keyed by the polygons' WKB digest.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

__all__ = ["OUTSIDE", "TEST", "Grid", "build_grid", "cached_grid"]

#: A cell that touches no polygon.
OUTSIDE = -1
#: A cell whose points need the exact test.
TEST = -2
#: The coarsest cell, in degrees; each level cuts a :data:`TEST` cell into _SPLIT × _SPLIT.
_START = 1.0
_SPLIT = 4
_LEVELS = 4  # cells of 1/64 degree at the finest level (about 1.7 km)
#: Each cell is tested enlarged by this much (degrees) on every side, so that a point
#: computed into a neighbouring cell by rounding is still inside the tested box.
_EPS = 1e-9
_FORMAT = "grid-1"


@dataclass(frozen=True)
class Grid:
    """Cells over the polygons' extent (see the module docstring).

    Attributes
    ----------
    x0, y0
        The extent's lower left corner (whole degrees).
    step
        A cell's side, in degrees (a power of two, so scaling by it is exact).
    cells
        int16 array of shape (rows, columns): polygon position, :data:`OUTSIDE` or :data:`TEST`.
    """

    x0: float
    y0: float
    step: float
    cells: np.ndarray

    def lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The cell mark of each point (:data:`OUTSIDE` off the grid; NaN counts as off).

        Examples
        --------
        >>> g = Grid(0.0, 0.0, 1.0, np.array([[0, TEST]], dtype="int16"))
        >>> g.lookup(np.array([0.5, 1.5, 2.5, np.nan]), np.array([0.5, 0.5, 0.5, 0.5])).tolist()
        [0, -2, -1, -1]
        """
        rows, cols = self.cells.shape
        with np.errstate(invalid="ignore"):
            i = np.floor((y - self.y0) / self.step)
            j = np.floor((x - self.x0) / self.step)
            on = (i >= 0) & (i < rows) & (j >= 0) & (j < cols)
        out = np.full(len(x), OUTSIDE, dtype="int32")
        out[on] = self.cells[i[on].astype("int64"), j[on].astype("int64")]
        return out


def _marks(polygons: np.ndarray, tree: shapely.STRtree, x: np.ndarray, y: np.ndarray, size: float) -> np.ndarray:
    """The mark of each cell with lower left corner (x, y) and side ``size``."""
    boxes = shapely.box(x - _EPS, y - _EPS, x + size + _EPS, y + size + _EPS)
    cell, poly = tree.query(boxes)
    meets = shapely.intersects(polygons[poly], boxes[cell])
    cell, poly = cell[meets], poly[meets]
    count = np.bincount(cell, minlength=len(boxes))
    marks = np.where(count == 0, OUTSIDE, TEST).astype("int16")
    single = count[cell] == 1
    cell, poly = cell[single], poly[single]
    holds = shapely.contains_properly(polygons[poly], boxes[cell])
    marks[cell[holds]] = poly[holds]
    return marks


def build_grid(polygons: Any) -> Grid:
    """The grid of ``polygons`` (EPSG:4326, in their order: a mark is a position).

    Examples
    --------
    >>> g = build_grid([shapely.box(0.2, 0.2, 2.8, 1.8)])
    >>> g.lookup(np.array([1.5, 0.201, 0.2, 5.0]), np.array([1.0, 1.0, 1.0, 1.0])).tolist()
    [0, -2, -2, -1]
    """
    polygons = np.asarray(polygons, dtype=object)
    if len(polygons) > np.iinfo("int16").max:
        raise ValueError("a grid holds at most 32,767 polygons")
    shapely.prepare(polygons)
    tree = shapely.STRtree(polygons)
    x_lo, y_lo, x_hi, y_hi = shapely.total_bounds(polygons)
    x0, y0 = np.floor(x_lo) - _START, np.floor(y_lo) - _START
    cols = int(np.ceil((x_hi - x0) / _START)) + 1
    rows = int(np.ceil((y_hi - y0) / _START)) + 1
    factor = _SPLIT ** (_LEVELS - 1)
    cells = np.full((rows * factor, cols * factor), TEST, dtype="int16")
    # cells still to mark, as (row, column) at the current level
    r, c = (a.ravel() for a in np.mgrid[0:rows, 0:cols])
    size, scale = _START, factor
    split_r, split_c = np.repeat(np.arange(_SPLIT), _SPLIT), np.tile(np.arange(_SPLIT), _SPLIT)
    while True:
        marks = _marks(polygons, tree, x0 + c * size, y0 + r * size, size)
        if scale == 1:
            cells[r, c] = marks
            break
        for k in np.flatnonzero(marks != TEST):
            cells[r[k] * scale : (r[k] + 1) * scale, c[k] * scale : (c[k] + 1) * scale] = marks[k]
        todo = marks == TEST
        r = (r[todo, None] * _SPLIT + split_r[None, :]).ravel()
        c = (c[todo, None] * _SPLIT + split_c[None, :]).ravel()
        size, scale = size / _SPLIT, scale // _SPLIT
    return Grid(float(x0), float(y0), _START / factor, cells)


def _to_bytes(grid: Grid) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.array([grid.x0, grid.y0, grid.step]), allow_pickle=False)
    np.save(buffer, grid.cells, allow_pickle=False)
    return buffer.getvalue()


def _from_bytes(data: bytes) -> Grid:
    buffer = io.BytesIO(data)
    x0, y0, step = np.load(buffer, allow_pickle=False).tolist()
    cells = np.load(buffer, allow_pickle=False)
    cells.flags.writeable = False
    return Grid(x0, y0, step, cells)


def cached_grid(polygons: Any) -> Grid:
    """:func:`build_grid` of ``polygons``, from the disk cache when an earlier run made it.

    Keyed by the SHA-256 of the polygons' WKB, the grid's parameters and GEOS's version.
    """
    from geo._cache import cached

    digest = hashlib.sha256()
    for wkb in shapely.to_wkb(np.asarray(polygons, dtype=object)):
        digest.update(wkb)
    key = (_FORMAT, _START, _SPLIT, _LEVELS, _EPS, shapely.geos_version_string, digest.hexdigest())
    return _from_bytes(cached("grids", key, lambda: _to_bytes(build_grid(polygons))))
