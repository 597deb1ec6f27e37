"""The grid of polygons (geo.joining._grid) gives the same answers as testing every point, and as sjoin.

Real boundaries (the shipped territorial polygons of the 31 provinces and 478 counties), with
points where a grid could go wrong: on the polygons' own vertices and on the midpoints of
their edges (on border lines), just beside them, at sea, abroad and far outside the grid.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.joining import _grid, locate


@pytest.fixture(scope="module")
def points() -> tuple[np.ndarray, np.ndarray]:
    """About 60,000 points: uniform over a box wider than Iran, and on and beside the borders."""
    rng = np.random.default_rng(25)
    prov, counties = locate.province_index(), locate.county_index()
    xy = shapely.get_coordinates(np.asarray(prov.geoms + counties.geoms, dtype=object))
    vertices = xy[rng.choice(len(xy), 15_000)]
    k = rng.choice(len(xy) - 1, 15_000)
    midpoints = (xy[k] + xy[k + 1]) / 2  # on an edge (or a hair off it, by rounding)
    beside = vertices + rng.normal(0, 1e-4, vertices.shape)
    box = np.column_stack([rng.uniform(40, 67, 15_000), rng.uniform(22, 42, 15_000)])
    far = np.array([[-170.0, -80.0], [179.9, 89.9], [53.0, 32.0]])
    every = np.concatenate([vertices, midpoints, beside, box, far])
    return every[:, 0].copy(), every[:, 1].copy()


def _every_point_tested(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locate, "_GRID_POINTS", 10**12)


def test_provinces_through_the_grid_are_those_of_sjoin_and_of_the_exact_test(points, monkeypatch):
    x, y = points
    prov = locate.province_index()
    assert len(x) >= locate._GRID_POINTS  # the grid is used
    through_grid = locate.within(prov, x, y)
    marks = _grid.cached_grid(prov.geoms).lookup(x, y)
    assert (marks == _grid.TEST).sum() > 20_000  # the border points do reach the exact test
    assert ((marks >= 0) & (through_grid == marks)).sum() > 5_000  # and many inland are answered by the grid
    _every_point_tested(monkeypatch)
    exact = locate.within(prov, x, y)
    np.testing.assert_array_equal(through_grid, exact)
    frame = gpd.GeoDataFrame({"i": np.arange(len(prov.geoms))}, geometry=list(prov.geoms), crs=4326)
    joined = gpd.sjoin(gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326), frame, predicate="within")
    expected = np.full(len(x), -1)
    expected[joined.index.to_numpy()] = joined["i"].to_numpy()
    assert joined.index.is_unique
    np.testing.assert_array_equal(through_grid, expected)
    assert (through_grid == -1).sum() > 10_000  # points on borders, at sea and abroad: in no polygon


def test_counties_through_the_grid_are_those_of_the_exact_test(points, monkeypatch):
    x, y = (a[::3] for a in points)  # a third of them, through the grid all the same
    monkeypatch.setattr(locate, "_GRID_POINTS", 1_000)
    province = locate.within(locate.province_index(), x, y)
    # also points given another province (by a register's column): never a county of another province
    other = np.where(np.arange(len(x)) % 7 == 0, (province + 1) % 31, province)
    through_grid = [locate.locate_counties(p, x, y) for p in (province, other)]
    _every_point_tested(monkeypatch)
    for p, found in zip((province, other), through_grid, strict=True):
        np.testing.assert_array_equal(found, locate.locate_counties(p, x, y))
        assert (locate.county_index().province[found[found >= 0]] == p[found >= 0]).all()


def test_a_damaged_cache_entry_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    squares = [shapely.box(50, 30, 51, 31), shapely.box(51, 30, 52, 31)]
    made = _grid.cached_grid(squares)
    (entry,) = (tmp_path / "grids").iterdir()
    entry.write_bytes(entry.read_bytes()[:-10])
    again = _grid.cached_grid(squares)
    np.testing.assert_array_equal(made.cells, again.cells)
    # the shared edge x = 51 is in neither square's interior: its cells are tested
    assert again.lookup(np.array([51.0, 50.5, 51.5]), np.array([30.5, 30.5, 30.5])).tolist() == [_grid.TEST, 0, 1]
