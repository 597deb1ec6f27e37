"""Per-province and per-county sums of a joined register.

:func:`aggregate` counts the rows of each unit and sums, averages or counts the yes of
each indicator column, whole columns at once (``numpy.bincount``); :func:`by_county_table`
is the per-county table of a join (``by_county.csv``). A sum beyond what a float holds
is left empty and its rows flagged, never written as ``inf``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.locate import CountyIndex
from geo.reasons import Reason, RowReasons

__all__ = ["aggregate", "by_county_table"]


def aggregate(
    frame: pd.DataFrame,
    idx: np.ndarray,
    indicators: Mapping[str, str],
    units: tuple[gpd.GeoDataFrame, list[str], np.ndarray],
    reasons: RowReasons | None,
) -> gpd.GeoDataFrame:
    """Per unit (province or county): the count of joined rows, sums and means or counts of yes.

    ``idx`` is each row's position in ``units`` (its frame, the columns kept, and a label
    of each for reasons). A sum that overflows a float (two values of 1.5e308) is left
    empty, and the rows that made it are flagged (unless ``reasons`` is None); so are all
    rows of a column whose national total overflows.
    """
    unit_frame, kept, names = units
    k = len(unit_frame)
    ok = idx >= 0
    columns: dict[str, np.ndarray] = {"estates": np.bincount(idx[ok], minlength=k).astype("int64")}
    for col, kind in indicators.items():
        values = frame[col].to_numpy(dtype="float64", na_value=np.nan)
        present = ok & ~np.isnan(values)
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.bincount(idx[present], weights=values[present], minlength=k)
        if kind == "bool":
            columns[f"{col}_true"] = total.astype("int64")
            continue
        total = _overflow(col, total, present, idx, names, reasons)
        known = np.bincount(idx[present], minlength=k)
        columns[f"{col}_sum"] = total
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[f"{col}_mean"] = np.where(known > 0, total / np.maximum(known, 1), np.nan)
    base = unit_frame[kept]
    out = pd.concat([base, pd.DataFrame(columns, index=base.index)], axis=1)  # at once, not column by column
    out["geometry"] = unit_frame.geometry
    return gpd.GeoDataFrame(out, geometry="geometry", crs=unit_frame.crs)


def by_county_table(
    frame: pd.DataFrame, county: np.ndarray, indicators: Mapping[str, str], counties: CountyIndex
) -> gpd.GeoDataFrame:
    """The per-county table of a join, like ``by_province``.

    478 rows indexed by county code with ``code``, ``province``, ``name_en``, ``name_fa``,
    ``estates`` and the sums, means and counts of yes of the indicators, and the county's
    land polygon. An overflowing sum is left empty (its rows are flagged by ``by_province``).
    """
    units = counties.frame.set_index("code", drop=False).rename_axis(None)
    kept = ["code", "province", "name_en", "name_fa"]
    return aggregate(frame, county, indicators, (units, kept, counties.codes), None)


def _overflow(
    col: str, total: np.ndarray, present: np.ndarray, idx: np.ndarray, names: np.ndarray, reasons: RowReasons | None
) -> np.ndarray:
    """Per-unit sums with overflowed ones (and all, if the national total overflows) as NaN.

    The rows that made an overflowing sum are flagged (when ``reasons`` is given).
    """
    over = ~np.isfinite(total)
    if over.any():
        rows = present & np.isin(idx, np.flatnonzero(over))
        if reasons is not None:
            reasons.add(rows, [Reason("sum_overflow", column=col, province=names[i]) for i in idx[rows]])
        total = np.where(over, np.nan, total)
    with np.errstate(over="ignore"):
        national = float(np.nansum(total))
    if not math.isfinite(national):
        rows = present & ~np.isin(idx, np.flatnonzero(over))
        if reasons is not None:
            reasons.add(rows, Reason("total_overflow", column=col))
        total = np.full_like(total, np.nan)
    return total
