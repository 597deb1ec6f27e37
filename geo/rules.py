"""The rules of a join: the row rules for any batch of rows, and the whole-table steps in parts that add up.

Both engines run these and no other rules: the in-memory one (:func:`geo.joining.join`)
on the whole register as one batch, the dask one (:mod:`geo.engines.dask`) on each
partition.

* :func:`join_batch` is the pure per-batch function: a batch of register rows
  (:func:`geo.registers.parse_rows`) in, one row out per row: its province, status,
  reasons (English and Persian) and values. It runs, in order, the attribute rule
  (:func:`geo.names.resolve_province`), the location rules (:func:`geo.locate.locate`:
  point in polygon, coast, swap), the decision between them, the duplicate-id flags it is
  given, and the status.
* Whole-table steps, given in parts: :func:`duplicate_reasons` (which ids occur more than
  once, from the ids and row numbers of the whole table or of any part holding all rows of
  those ids); :func:`province_parts` and :func:`province_table` (per-province counts and
  sums of one batch, added up over batches, then the table); :func:`summary`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import AmbiguousNameError, NameResolutionError, RegisterError
from geo.i18n import Bilingual, number_list
from geo.locate import ProvinceIndex, locate, province_index
from geo.names import resolve_province
from geo.reasons import Reason, RowReasons
from geo.registers import Register

__all__ = [
    "COAST_KM",
    "STATUSES",
    "Batch",
    "check_by",
    "duplicate_reasons",
    "join_batch",
    "province_parts",
    "province_table",
    "status_counts",
    "summary",
]

#: How far (km) outside every province polygon a point may lie and still be assigned to
#: the nearest province (flagged). Measured in :data:`geo.provinces.EQUAL_AREA_CRS`.
COAST_KM = 25.0

#: The outcome of every row.
STATUSES = ("joined", "flagged", "rejected")

_BY = ("attribute", "location", "both")


def _resolve_attribute(
    values: pd.Series, legacy_codes: bool, prov: ProvinceIndex
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[str, ...]]]:
    """Province index per row (-1 when unresolved), the failure reason, and candidates."""
    index = {c: i for i, c in enumerate(prov.codes)}
    codes: dict[str, int] = {}
    messages: dict[str, Reason] = {}
    candidates: dict[str, tuple[str, ...]] = {}
    for value in pd.unique(values[values.notna()]):
        try:
            codes[value] = index[resolve_province(value, legacy_codes=legacy_codes)]
        except AmbiguousNameError as exc:
            messages[value] = Reason("ambiguous_province", message=Bilingual(str(exc), exc.message_fa))
            candidates[value] = exc.candidates
        except NameResolutionError as exc:
            messages[value] = Reason("unknown_province", message=Bilingual(str(exc), exc.message_fa))
            candidates[value] = exc.candidates
    idx = values.map(codes).fillna(-1).to_numpy(dtype="int64")
    msg = values.map(messages).to_numpy(dtype=object, copy=True)
    msg[values.isna().to_numpy()] = Reason("no_province")
    return idx, msg, candidates


def _decide_both(
    province: np.ndarray,
    attribute: tuple[np.ndarray, np.ndarray, dict[str, tuple[str, ...]]],
    location: tuple[np.ndarray, np.ndarray],
    prov: ProvinceIndex,
    reasons: RowReasons,
) -> np.ndarray:
    """The province of each row from both its attribute and its location.

    The attribute wins where both are known (a disagreement is flagged with both
    provinces); either alone is used (flagged with why the other failed); neither gives
    both failures.
    """
    (a_idx, a_fail, candidates), (l_idx, l_fail) = attribute, location
    differ = (a_idx >= 0) & (l_idx >= 0) & (a_idx != l_idx)
    pairs = zip(prov.names[a_idx[differ]].tolist(), prov.names[l_idx[differ]].tolist(), strict=True)
    reasons.add(differ, [Reason("attribute_differs", attribute=a, location=b) for a, b in pairs])
    only_a = (a_idx >= 0) & (l_idx < 0)
    reasons.add(only_a, [Reason("location_failed_joined_by_attribute", problem=m) for m in l_fail[only_a]])
    only_l = (a_idx < 0) & (l_idx >= 0)
    found = zip(province[only_l], a_fail[only_l], prov.codes[l_idx[only_l]], prov.short[l_idx[only_l]], strict=True)
    reasons.add(
        only_l,
        [
            Reason(
                "attribute_failed_located_candidate"
                if code in candidates.get(value, ())
                else "attribute_failed_located",
                problem=msg,
                province=name,
            )
            for value, msg, code, name in found
        ],
    )
    neither = (a_idx < 0) & (l_idx < 0)
    reasons.add(neither, a_fail[neither])
    reasons.add(neither, l_fail[neither])
    return np.where(a_idx >= 0, a_idx, l_idx)


def check_by(by: str | None, reg: Register) -> str:
    """The join mode: ``by`` as given (checked against the register), else what the register allows."""
    if by is None:
        return "both" if reg.has_province and reg.has_location else ("attribute" if reg.has_province else "location")
    if by not in _BY:
        raise RegisterError(f"`by` must be attribute, location or both, not {by!r}", path=reg.path, field="by")
    if by in ("attribute", "both") and not reg.has_province:
        raise RegisterError("joining by attribute needs a province column (name it with `province`)", path=reg.path)
    if by in ("location", "both") and not reg.has_location:
        raise RegisterError("joining by location needs lat/lon columns or a geometry (`lat`/`lon`)", path=reg.path)
    return by


def duplicate_reasons(ids: pd.Series, rows: np.ndarray) -> dict[Any, Reason]:
    """Id → its "duplicate id" reason, for every id that more than one row has.

    ``ids`` and ``rows`` (1-based data row numbers, in file order) are those of the whole
    table, or of any part of it that holds every row of each repeated id (the dask engine
    gives the rows of the ids its shuffle found repeated).

    Examples
    --------
    >>> found = duplicate_reasons(pd.Series(["a", "b", "a", None, None]), np.arange(1, 6))
    >>> [(k, r.en) for k, r in found.items()]
    [('a', "duplicate id 'a' (rows 1, 3)")]
    """
    dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if not dup.any():
        return {}
    sub = pd.DataFrame({"id": ids[dup].to_numpy(), "row": np.asarray(rows)[dup]}).sort_values("row", kind="stable")
    groups = sub.groupby("id", sort=False)["row"].agg(list)
    return {key: Reason("duplicate_id", id=key, rows=number_list(rs, limit=10)) for key, rs in groups.items()}


@dataclass
class Batch:
    """What :func:`join_batch` found for a batch of rows.

    Attributes
    ----------
    estates
        One row per row of the batch (see :attr:`geo.joining.JoinResult.estates`).
    idx
        Province index per row in :func:`geo.locate.province_index` order (-1: rejected).
    """

    estates: gpd.GeoDataFrame
    idx: np.ndarray


def join_batch(
    reg: Register,
    mode: str,
    *,
    coast_km: float = COAST_KM,
    legacy_codes: bool = False,
    duplicates: Mapping[Any, Reason] | None = None,
) -> Batch:
    """The row rules on one batch of rows: the province, status and reasons of each.

    Parameters
    ----------
    reg
        The batch (:func:`geo.registers.parse_rows`), or a whole register.
    mode
        ``attribute``, ``location`` or ``both`` (:func:`check_by`).
    coast_km, legacy_codes
        As for :func:`geo.joining.join`.
    duplicates
        Id → reason, of the ids repeated anywhere in the table (:func:`duplicate_reasons`).

    Examples
    --------
    >>> from geo.registers import read_register
    >>> reg = read_register(pd.DataFrame({"id": [1, 1], "province": ["Fars", "Atlantis"]}))
    >>> batch = join_batch(reg, "attribute", duplicates=duplicate_reasons(reg.frame["id"], reg.frame["row"]))
    >>> batch.estates["status"].tolist(), batch.estates["reasons"].map(len).tolist()
    (['flagged', 'rejected'], [1, 2])
    """
    frame = reg.frame
    prov = province_index(coast_km)
    reasons = RowReasons(len(frame))
    reasons.extend(reg.reasons)
    lon = frame["lon"].to_numpy(dtype="float64", copy=True)
    lat = frame["lat"].to_numpy(dtype="float64", copy=True)
    if mode in ("attribute", "both"):
        attribute = _resolve_attribute(frame["province"], legacy_codes, prov)
    if mode in ("location", "both"):
        location = locate(lon, lat, coast_km, reasons)
    if mode == "both":
        idx = _decide_both(frame["province"].to_numpy(), attribute, location, prov, reasons)
    else:
        idx, fail = attribute[:2] if mode == "attribute" else location
        reasons.add(idx < 0, fail[idx < 0])
    if duplicates:
        repeated = frame["id"].isin(list(duplicates)).to_numpy() & frame["id"].notna().to_numpy()
        reasons.add(repeated, frame["id"][repeated].map(duplicates).to_numpy(dtype=object))
    flagged = reasons.any()
    status = np.where(idx < 0, "rejected", np.where(flagged, "flagged", "joined")).astype(object)
    reasons.add((idx < 0) & ~flagged, Reason("no_province_assigned"))
    return Batch(_estates(frame, idx, status, reasons, lon, lat, prov), idx)


def _estates(
    frame: pd.DataFrame,
    idx: np.ndarray,
    status: np.ndarray,
    reasons: RowReasons,
    lon: np.ndarray,
    lat: np.ndarray,
    prov: ProvinceIndex,
) -> gpd.GeoDataFrame:
    """The estates table of a batch, built from whole columns at once.

    Inserting columns one by one copies the frame each time.
    """
    geoms = shapely.points(lon, lat)
    geoms[np.isnan(lon) | np.isnan(lat)] = None  # NaN coordinates would make empty points
    province = np.where(idx >= 0, prov.codes[np.maximum(idx, 0)], None)
    columns: dict[str, Any] = {
        "row": frame["row"].to_numpy(),
        "province": pd.Series(province, dtype=object, copy=False),
        "status": pd.Series(status, dtype=object, copy=False),
        "reasons": pd.Series(reasons.lists(), dtype=object, copy=False),
        "reasons_fa": pd.Series(reasons.lists_fa(), dtype=object, copy=False),
    }
    for col in frame.columns[1:]:
        columns["province_as_given" if col == "province" else col] = frame[col].array
    columns["lat"], columns["lon"] = lat, lon
    return gpd.GeoDataFrame(columns, geometry=gpd.array.from_shapely(geoms, crs=4326), crs=4326, copy=False)


def province_parts(batch: Batch, indicators: Mapping[str, str]) -> np.ndarray:
    """The per-province counts and sums of one batch: parts that add up over batches.

    Returns an array of shape (31 provinces + 1, max(3, 1 + 2 × indicators)): per province the
    count of joined and flagged rows, then per indicator the total of its known values
    and how many were known; the last row counts the batch's joined, flagged and rejected
    rows in its first three columns. :func:`province_table` makes the table of their sum.
    """
    k = len(province_index(COAST_KM).codes)
    idx, frame = batch.idx, batch.estates
    ok = idx >= 0
    out = np.zeros((k + 1, max(3, 1 + 2 * len(indicators))), dtype="float64")
    out[:k, 0] = np.bincount(idx[ok], minlength=k)
    for j, col in enumerate(indicators):
        values = frame[col].to_numpy(dtype="float64", na_value=np.nan)
        present = ok & ~np.isnan(values)
        out[:k, 1 + 2 * j] = np.bincount(idx[present], weights=values[present], minlength=k)
        out[:k, 2 + 2 * j] = np.bincount(idx[present], minlength=k)
    out[k, :3] = [(frame["status"] == s).sum() for s in STATUSES]
    return out


def status_counts(parts: np.ndarray) -> dict[str, int]:
    """``rows_joined``, ``rows_flagged``, ``rows_rejected`` of added-up :func:`province_parts`."""
    return {f"rows_{s}": int(parts[-1, i]) for i, s in enumerate(STATUSES)}


def province_table(parts: np.ndarray, indicators: Mapping[str, str]) -> gpd.GeoDataFrame:
    """The per-province table from added-up :func:`province_parts`.

    The 31 provinces with ``estates`` (joined and flagged rows), ``<column>_sum`` and
    ``<column>_mean`` of each numeric indicator, ``<column>_true`` of each yes/no one.
    """
    prov = province_index(COAST_KM)
    k = len(prov.codes)
    out = prov.frame[["code", "name_en", "name_fa"]].copy()
    out["estates"] = parts[:k, 0].astype("int64")
    for j, (col, kind) in enumerate(indicators.items()):
        total, known = parts[:k, 1 + 2 * j], parts[:k, 2 + 2 * j]
        if kind == "bool":
            out[f"{col}_true"] = total.astype("int64")
        else:
            out[f"{col}_sum"] = total
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"{col}_mean"] = np.where(known > 0, total / np.maximum(known, 1), np.nan)
    out["geometry"] = prov.frame.geometry
    return gpd.GeoDataFrame(out, geometry="geometry", crs=prov.frame.crs)


def summary(reg: Register, by: str, coast_km: float, counts: Mapping[str, int], rows_in: int) -> dict[str, Any]:
    """The report's header: what was read and how, and the count of each outcome.

    Raises
    ------
    AssertionError
        ``rows_in`` is not the sum of the counts: a row was lost.
    """
    out: dict[str, Any] = {
        "source": str(reg.path) if reg.path is not None else None,
        "by": by,
        "coast_km": coast_km,
        "columns": reg.columns,
        "indicators": reg.indicators,
        "source_crs": reg.source_crs,
        "warnings": list(reg.warnings),
        "rows_in": rows_in,
        **{key: int(counts[key]) for key in ("rows_joined", "rows_flagged", "rows_rejected")},
    }
    if out["rows_joined"] + out["rows_flagged"] + out["rows_rejected"] != rows_in:
        raise AssertionError("a row was lost while joining")  # pragma: no cover - guarded by construction
    return out
