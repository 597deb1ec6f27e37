"""A few points near the coast are measured without the tree of boundary segments, with the tree's answers.

``geo.joining.locate._near_coast`` gives a point outside every territorial polygon the province of
its nearest boundary segment within ``coast_km``. The tree of the ~113,000 segments costs a
tenth of a second to build; a register with a few such points (the shipped example) is
measured against each nearby province's boundary instead (``_nearest_direct``), which
must give the same province and the same distance (the reason's text shows it), and hand
a tie (a point as near to two provinces) back to the tree, whose choice it is.
Real boundaries, points drawn over a box around Iran and on the provinces' own vertices.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.joining import locate
from geo.reasons import RowReasons


@pytest.fixture(scope="module")
def outside() -> tuple[np.ndarray, np.ndarray]:
    """About 1,500 points outside every territorial polygon: random near Iran, and on border vertices."""
    prov = locate.province_index()
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(43, 64, 12_000), rng.uniform(24, 40.5, 12_000)
    xy = shapely.get_coordinates(np.asarray(prov.geoms, dtype=object))
    vertices = xy[rng.choice(len(xy), 400)]  # on a border line: in no polygon's interior
    lon, lat = np.concatenate([lon, vertices[:, 0]]), np.concatenate([lat, vertices[:, 1]])
    out = locate.within(prov, lon, lat) < 0
    return lon[out], lat[out]


def _tree(points: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray]:
    edges, owner = locate._edge_tree()
    (hit, edge), dist = edges.query_nearest(points, max_distance=max_distance, return_distance=True, all_matches=False)
    poly, far = np.full(len(points), -1), np.full(len(points), np.nan)
    poly[hit], far[hit] = owner[edge], dist
    return poly, far


@pytest.mark.parametrize("coast_km", [5.0, 20.0, 100.0])
def test_same_province_and_distance_as_the_tree(outside, coast_km):
    """Batches of points as the coast step hands them over: the tree's answers, ties declined."""
    prov = locate.province_index()
    points = shapely.points(*prov.to_metric.transform(*outside))
    tree_poly, tree_dist = _tree(points, coast_km * 1000)
    answered = ties = 0
    for start in range(0, len(points), locate._DIRECT_COAST):
        batch = slice(start, start + locate._DIRECT_COAST)
        direct = locate._nearest_direct(points[batch], coast_km * 1000)
        if direct is None:
            ties += 1
            continue
        hit, poly, dist = direct
        mine_poly, mine_dist = np.full(len(points[batch]), -1), np.full(len(points[batch]), np.nan)
        mine_poly[hit], mine_dist[hit] = poly, dist
        np.testing.assert_array_equal(mine_poly, tree_poly[batch])
        np.testing.assert_array_equal(mine_dist, tree_dist[batch])  # the same floats, not close ones
        answered += len(hit)
    assert answered > 20  # points near the coast were answered directly
    assert ties > 0  # border vertices: equally near two provinces, handed to the tree


def test_a_tie_is_the_trees(outside):
    """A point on a shared border vertex is 0 m from two provinces: the direct way declines."""
    prov = locate.province_index()
    lines = shapely.boundary(prov.metric)
    pair = next(j for j in range(1, len(lines)) if shapely.intersects(lines[0], lines[j]))
    shared = shapely.get_coordinates(shapely.intersection(lines[0], lines[pair]))
    assert len(shared)  # the first province by code and a neighbour share a border
    assert locate._nearest_direct(shapely.points(shared[:1]), 20_000.0) is None


def test_locate_gives_the_same_rows_and_reasons_either_way(outside, monkeypatch):
    """The whole coast step (few points: direct; the limit set to 0: the tree), reasons included."""
    lon, lat = outside
    prov = locate.province_index()
    near = np.flatnonzero(np.isfinite(_tree(shapely.points(*prov.to_metric.transform(lon, lat)), 20_000.0)[1]))
    rng = np.random.default_rng(3)
    for _ in range(6):
        pick = np.concatenate([rng.choice(near, 8, replace=False), rng.choice(len(lon), 4, replace=False)])
        runs = []
        for limit in (locate._DIRECT_COAST, 0):
            monkeypatch.setattr(locate, "_DIRECT_COAST", limit)
            reasons = RowReasons(len(pick))
            x, y = lon[pick].copy(), lat[pick].copy()
            idx, fail = locate.locate(x, y, 20.0, reasons)
            runs.append((idx.tolist(), [repr(f) for f in fail], reasons.lists().tolist(), x.tolist(), y.tolist()))
        assert runs[0] == runs[1]
        assert sum(i >= 0 for i in runs[0][0]) >= 8  # the near points were joined to a province
