"""Per-province and per-county sums of a joined register.

:func:`aggregate` counts the rows of each unit and sums, averages or counts the yes (and
their share, in %, of the rows that say yes or no) of each indicator column, whole
columns at once (``numpy.bincount``); :func:`by_county_table` is the per-county table of
a join (``by_county.csv``). A sum beyond what a float holds is left empty and its rows
flagged, never written as ``inf``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.joining.locate import CountyIndex
from geo.reasons import Reason, RowReasons

__all__ = ["aggregate", "by_county_table", "flag_overflow", "overflows", "sums_table", "unit_sums"]


def unit_sums(frame: pd.DataFrame, idx: np.ndarray, indicators: Mapping[str, str], k: int) -> dict[str, np.ndarray]:
    """Per unit: the count of rows (``estates``), and per indicator ``COL:total`` and ``COL:known``.

    ``idx`` is each row's unit (-1: none). The sums of parts of a register (partitions)
    add up, key by key, to the sums of the whole: :func:`sums_table` makes the table.
    """
    ok = idx >= 0
    sums: dict[str, np.ndarray] = {"estates": np.bincount(idx[ok], minlength=k).astype("int64")}
    for col in indicators:
        values = frame[col].to_numpy(dtype="float64", na_value=np.nan)
        present = ok & ~np.isnan(values)
        with np.errstate(over="ignore", invalid="ignore"):
            sums[f"{col}:total"] = np.bincount(idx[present], weights=values[present], minlength=k)
        sums[f"{col}:known"] = np.bincount(idx[present], minlength=k).astype("int64")
    return sums


def sums_table(
    sums: Mapping[str, np.ndarray], indicators: Mapping[str, str], units: tuple[gpd.GeoDataFrame, list[str]]
) -> gpd.GeoDataFrame:
    """The table of :func:`aggregate` from :func:`unit_sums`: an overflowing sum (or total) left empty."""
    unit_frame, kept = units
    columns: dict[str, np.ndarray] = {"estates": np.asarray(sums["estates"], dtype="int64")}
    for col, kind in indicators.items():
        total, known = sums[f"{col}:total"], sums[f"{col}:known"]
        if kind == "bool":
            columns[f"{col}_true"] = total.astype("int64")
            with np.errstate(invalid="ignore", divide="ignore"):  # of the estates that say yes or no
                columns[f"{col}_share"] = np.where(known > 0, 100.0 * total / np.maximum(known, 1), np.nan)
            continue
        total = np.where(np.isfinite(total), total, np.nan)
        with np.errstate(over="ignore"):
            if not math.isfinite(float(np.nansum(total))):
                total = np.full_like(total, np.nan)
        columns[f"{col}_sum"] = total
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[f"{col}_mean"] = np.where(known > 0, total / np.maximum(known, 1), np.nan)
    base = unit_frame[kept]
    out = pd.concat([base, pd.DataFrame(columns, index=base.index)], axis=1)  # at once, not column by column
    out["geometry"] = unit_frame.geometry
    return gpd.GeoDataFrame(out, geometry="geometry", crs=unit_frame.crs)


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
    sums = unit_sums(frame, idx, indicators, len(unit_frame))
    if reasons is not None:
        flag_overflow(frame, idx, indicators, (sums, names), reasons)
    return sums_table(sums, indicators, (unit_frame, kept))


def overflows(sums: Mapping[str, np.ndarray], indicators: Mapping[str, str]) -> bool:
    """Whether a per-unit sum of a number column (hence its total) overflows a float."""
    return any(not np.isfinite(sums[f"{c}:total"]).all() for c, kind in indicators.items() if kind != "bool")


def flag_overflow(
    frame: pd.DataFrame,
    idx: np.ndarray,
    indicators: Mapping[str, str],
    whole: tuple[Mapping[str, np.ndarray], np.ndarray],
    reasons: RowReasons,
) -> None:
    """Flag the rows of ``frame`` whose values made a sum overflow.

    ``whole``: the :func:`unit_sums` of the whole register (of these rows, or of all the
    partitions they are one of) and each unit's label. A row in a unit whose sum overflows
    gets ``sum_overflow``; when the national total overflows, every other row with a value
    gets ``total_overflow``.
    """
    sums, names = whole
    for col, kind in indicators.items():
        if kind != "bool":
            values = frame[col].to_numpy(dtype="float64", na_value=np.nan)
            _overflow(col, sums[f"{col}:total"], (idx >= 0) & ~np.isnan(values), idx, names=names, reasons=reasons)


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
    col: str, total: np.ndarray, present: np.ndarray, idx: np.ndarray, *, names: np.ndarray, reasons: RowReasons
) -> None:
    """Flag the rows that made an overflowing per-unit sum, or (all others) an overflowing national total."""
    over = ~np.isfinite(total)
    if over.any():
        rows = present & np.isin(idx, np.flatnonzero(over))
        reasons.add(rows, [Reason("sum_overflow", column=col, province=names[i]) for i in idx[rows]])
    with np.errstate(over="ignore"):
        national = float(np.nansum(np.where(over, np.nan, total)))
    if not math.isfinite(national):
        reasons.add(present & ~np.isin(idx, np.flatnonzero(over)), Reason("total_overflow", column=col))
