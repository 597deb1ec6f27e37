"""The register's map of a dask join (``map.html``): the in-memory engine's map, counted on the cluster.

Computed with the join, in the same pass over the partitions (:func:`map_parts`), by dask's
own reductions of what :mod:`geo.maps.points` counts of each partition:

- :func:`geo.maps.points.point_counts` (rows per status, without a location, located
  problems, located), summed;
- :func:`geo.maps.points.cell_counts` (the grid's cells from zoom 12 down), summed per
  cell (``groupby(["z", "cx", "cy"]).sum()``);
- the located rejected and flagged rows, the first :data:`~geo.maps.points.PROBLEM_POINTS`
  of each by row number (``nsmallest``);
- each row's codes (:func:`geo.maps.points.row_codes`: its cell, status, place and the
  register's yes/no and number columns), partition by partition in row order: the column
  store the page counts styles and filters from (:mod:`geo.maps.cell_store`), its number
  facts' classes and bins from the value counts of every row.

Then, on the client (:func:`map_rows`, :func:`write_map`): up to
:data:`~geo.maps.points.POINTS_LIMIT` located rows every row is a point, so the rows are
computed (the partitions joined again: a small register) and drawn by
:func:`geo.maps.register_map` as the in-memory engine draws them; above it, the grid of the
summed cells and the problem rows (:func:`geo.maps.points.counted_points`). Either way the
page's data is the in-memory engine's for the same register.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["map_parts", "map_rows", "write_map"]

_PROBLEMS = ("rejected", "flagged")


@dataclass(frozen=True)
class _Tables:
    """What :func:`geo.maps.register_map` reads of a join: the tables and the rows it draws."""

    by_province: Any
    estates: Any
    by_county: Any


def _counts(part: pd.DataFrame) -> pd.DataFrame:
    """A partition's :func:`geo.maps.points.point_counts`, as a one-row frame (dask sums frames)."""
    from geo.maps.points import point_counts

    return pd.DataFrame({k: [v] for k, v in point_counts(part).items()}, dtype="int64")


def _problems(part: pd.DataFrame) -> pd.DataFrame:
    """A partition's located rejected and flagged rows."""
    from geo.maps.points import located_rows

    return part[located_rows(part) & part["status"].isin(_PROBLEMS).to_numpy()]


def map_parts(estates: Any) -> dict[str, Any]:
    """The lazy reductions of the map's counts, cells and problem rows (see the module docstring)."""
    from geo.maps.points import PROBLEM_POINTS, cell_counts, code_families, row_codes

    meta = estates._meta
    families = code_families(meta)
    counts = estates.map_partitions(_counts, meta=_counts(meta)).sum(split_every=8)
    cells = estates.map_partitions(cell_counts, meta=cell_counts(meta)).groupby(["z", "cx", "cy"]).sum(split_every=8)
    problems = estates.map_partitions(_problems, meta=meta)
    first = {s: problems[problems["status"] == s].nsmallest(PROBLEM_POINTS, "row", split_every=8) for s in _PROBLEMS}
    codes = estates.map_partitions(row_codes, families, meta=row_codes(meta, families))
    return {"counts": counts, "cells": cells, "codes": codes, **first}


def map_rows(found: dict[str, Any], estates: Any) -> Any:
    """What the map draws one by one: every row (lazy: up to ``POINTS_LIMIT`` located rows), else the problem rows."""
    from geo.maps.points import POINTS_LIMIT

    if int(found["counts"]["located"]) <= POINTS_LIMIT:
        return estates
    return pd.concat([found[s] for s in _PROBLEMS]).sort_values("row", kind="stable")


def write_map(path: Path, result: Any, found: dict[str, Any], rows: pd.DataFrame, lang: str) -> None:
    """Write ``map.html`` of a dask join: ``rows`` is :func:`map_rows` computed."""
    from geo.maps import register_map, save_map
    from geo.maps.cell_store import fact_specs
    from geo.maps.points import POINTS_LIMIT, counted_points, grid_of_cells

    counts = {str(k): int(v) for k, v in found["counts"].items()}
    tables = _Tables(result.by_province, rows.reset_index(drop=True), result.by_county)
    if counts["located"] <= POINTS_LIMIT:
        save_map(register_map(tables, lang=lang), path)
        return
    codes = found["codes"].reset_index(drop=True)
    specs = fact_specs(codes)
    grid = grid_of_cells(found["cells"], counts["located"], codes, specs)
    points = counted_points(tables.estates, lang, grid, counts, specs)
    save_map(register_map(tables, lang=lang, points=points), path)
