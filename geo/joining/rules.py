"""The row rules of a join: each row of a batch to one province and county, its status and reasons.

:func:`check_rows` is pure (a batch of parsed rows in; province, status and reasons out)
and knows nothing of the other rows, so the same rules serve the whole register in memory
(:func:`geo.joining.join`) and each partition of one too large for it; :func:`check_cells`
reads a batch's cells first (:func:`geo.registers.build.parse_rows`). What needs all rows
— duplicate ids, per-province totals, the reconciliation, the counts — is
:mod:`geo.joining`'s.

* **by attribute**: the province column, through :func:`geo.reference.names.resolve_province`,
  and the county column (شهرستان), through :func:`geo.reference.counties.resolve_county`
  (:mod:`geo.joining.attributes`: a county-only register takes each row's province from its
  county); historical, unknown or ambiguous names are never guessed (the resolver's
  message and candidates become the row's reason), and a county in another province
  than the row's is flagged with both named;
* **by location**: point in polygon against the 31 provinces' territorial polygons
  (:mod:`geo.joining.locate`), with its territorial-sea, coast and swap rules, then the county of
  that province the point lies in;
* **both**: a disagreement is flagged with both provinces (or counties) named and the row
  keeps what its attributes declare; either alone is used (flagged with why the other
  failed), but a row that names no place with a location is a note, not a problem.

A row with a province and no reason is ``joined``; with reasons, ``flagged``; without a
province, ``rejected`` (always with a reason).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import InputTypeError, InputValueError, RegisterError
from geo.i18n import as_given, message, number_list
from geo.joining.attributes import Attribute, resolve_places
from geo.joining.locate import ProvinceIndex, county_index, locate, locate_counties, province_index
from geo.reasons import Reason, RowReasons
from geo.reference.counties import county_label
from geo.registers.build import Register, parse_rows
from geo.registers.plan import Plan, RegisterInfo

__all__ = [
    "COAST_KM",
    "BY",
    "STATUSES",
    "ROW_COLUMNS",
    "Checked",
    "Rules",
    "check_cells",
    "check_rows",
    "statuses",
    "add_duplicates",
    "check_by",
    "check_coast",
    "duplicate_reasons",
    "estates_table",
    "status_counts",
    "summary_of",
]

#: How far (km) outside every province polygon a point may lie and still be assigned to
#: the nearest province (flagged). Measured in :data:`geo.reference.provinces.EQUAL_AREA_CRS`.
COAST_KM = 25.0


#: Every row's outcome: joined, flagged (joined, with reasons) or rejected.
STATUSES = ("joined", "flagged", "rejected")
_STATUSES = np.array(STATUSES, dtype=object)
#: The join modes: by the province (or county) column, by location, or both.
BY = ("attribute", "location", "both")
#: The columns of every row's outcome: ``rows.csv`` (memory) and ``rows/`` (dask).
ROW_COLUMNS = ["row", "id", "status", "province", "county", "reasons", "reasons_fa", "notes", "notes_fa"]


@dataclass(frozen=True)
class Rules:
    """How rows are joined.

    ``by`` (``attribute``, ``location`` or ``both``), the ISO code edition, the coast band,
    and the place columns the register has (``province``, ``county``).
    """

    by: str
    legacy_codes: bool = False
    coast_km: float = COAST_KM
    places: tuple[str, ...] = ("province",)


@dataclass
class Checked:
    """The outcome of the row rules for a batch of rows.

    Attributes
    ----------
    province
        Index of each row's province in :func:`geo.joining.locate.province_index` (-1: none).
    county
        Index of each row's county in :func:`geo.joining.locate.county_index` (-1: none).
    status
        ``joined``, ``flagged`` or ``rejected`` per row (object array), before the
        whole-register rules (a duplicate id turns ``joined`` into ``flagged``).
    reasons
        The batch's reasons: the cells' (from reading) and the join's.
    notes
        What was done to rows that is not a problem (a blank province cell where the point
        lies cleanly in a province; control characters removed): a row with notes only is joined.
    lon, lat
        The coordinates used (a swapped point exchanged back).
    """

    province: np.ndarray
    county: np.ndarray
    status: np.ndarray
    reasons: RowReasons
    notes: RowReasons
    lon: np.ndarray
    lat: np.ndarray


def _decide_both(
    province: np.ndarray,
    attribute: Attribute,
    location: tuple[np.ndarray, np.ndarray],
    prov: ProvinceIndex,
    *,
    reasons: RowReasons,
    notes: RowReasons,
    blank: np.ndarray,
) -> np.ndarray:
    """The province of each row from both its attribute and its location.

    The attribute wins where both are known (a disagreement is flagged with both
    provinces); either alone is used (flagged with why the other failed), except that a
    row that names no place (``blank``: no province, no county) with a location is a
    note, not a problem; neither gives both failures.
    """
    a_idx, a_fail, candidates = attribute.province, attribute.fail, attribute.candidates
    l_idx, l_fail = location
    differ = (a_idx >= 0) & (l_idx >= 0) & (a_idx != l_idx)
    pairs = zip(prov.names[a_idx[differ]].tolist(), prov.names[l_idx[differ]].tolist(), strict=True)
    reasons.add(differ, [Reason("attribute_differs", attribute=a, location=b) for a, b in pairs])
    only_a = (a_idx >= 0) & (l_idx < 0)
    reasons.add(only_a, [Reason("location_failed_joined_by_attribute", problem=m) for m in l_fail[only_a]])
    located = (a_idx < 0) & (l_idx >= 0)
    notes.add(
        located & blank, [Reason("province_blank_located", province=p) for p in prov.names[l_idx[located & blank]]]
    )
    only_l = located & ~blank
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


def statuses(province: np.ndarray, reasons: RowReasons) -> np.ndarray:
    """``rejected`` without a province, else ``flagged`` with a reason, else ``joined``."""
    code = np.where(province < 0, 2, reasons.any().astype("int64"))
    return _STATUSES[code]  # one shared string per status, not one per row


def check_rows(
    frame: pd.DataFrame, cell_reasons: RowReasons, rules: Rules, cell_notes: RowReasons | None = None
) -> Checked:
    """Assign each row of a batch to a province and give it its status, reasons and notes (pure).

    Parameters
    ----------
    frame
        Parsed rows (:attr:`geo.registers.Register.frame`): ``province`` as written,
        ``lat`` and ``lon`` in EPSG:4326.
    cell_reasons, cell_notes
        The rows' reasons and notes from reading (copied, not changed).
    rules
        How to join.
    """
    reasons, notes = RowReasons(len(frame)), RowReasons(len(frame))
    reasons.extend(cell_reasons)
    if cell_notes is not None:
        notes.extend(cell_notes)
    lon = frame["lon"].to_numpy(dtype="float64", copy=True)
    lat = frame["lat"].to_numpy(dtype="float64", copy=True)
    idx, county = _places(frame, rules, lon, lat, (reasons, notes))
    reasons.add((idx < 0) & ~reasons.any(), Reason("no_province_assigned"))
    return Checked(idx, county, statuses(idx, reasons), reasons, notes, lon, lat)


def _places(
    frame: pd.DataFrame, rules: Rules, lon: np.ndarray, lat: np.ndarray, found: tuple[RowReasons, RowReasons]
) -> tuple[np.ndarray, np.ndarray]:
    """The province and county position of each row (-1: none), by ``rules.by``.

    By attribute, the county is the county column's; by location, the county the point
    lies in; by both, the county column's (a different county at the location is
    flagged with both named), else the location's when the point lies in the row's
    province. Failures and flags are added to the reasons of ``found``, notes to its notes.
    """
    (reasons, notes), prov, counties = found, province_index(), county_index()
    attribute: Any = None
    location: Any = None
    if rules.by in ("attribute", "both"):
        attribute = resolve_places(frame, rules.legacy_codes, (prov, counties), reasons, rules.places)
    if rules.by in ("location", "both"):
        location = locate(lon, lat, rules.coast_km, reasons)
        located = locate_counties(location[0], lon, lat)
    if rules.by == "both":
        blank = frame["province"].isna().to_numpy()
        if "county" in rules.places:
            blank = blank & frame["county"].isna().to_numpy()
        idx = _decide_both(
            frame["province"].to_numpy(), attribute, location, prov, reasons=reasons, notes=notes, blank=blank
        )
        given = attribute.county
        differ = (given >= 0) & (located >= 0) & (given != located)
        pairs = zip(counties.codes[given[differ]].tolist(), counties.codes[located[differ]].tolist(), strict=True)
        reasons.add(
            differ, [Reason("county_differs", attribute=county_label(a), location=county_label(b)) for a, b in pairs]
        )
        return idx, np.where(given >= 0, given, np.where(location[0] == idx, located, -1))
    idx, fail = (attribute.province, attribute.fail) if rules.by == "attribute" else location
    reasons.add(idx < 0, fail[idx < 0])
    return idx, attribute.county if rules.by == "attribute" else located


def check_cells(
    cells: pd.DataFrame, plan: Plan, rules: Rules, *, geometry: Any = None, first_row: int = 1
) -> tuple[Register, Checked]:
    """The row rules from a batch's cells: read them by ``plan``, then :func:`check_rows`.

    A pandas frame of a register's cells in (any slice of its rows, ``first_row`` the data
    row of its first), the parsed rows and their statuses, reasons and notes out.
    """
    reg = parse_rows(cells, geometry, plan, first_row)
    return reg, check_rows(reg.frame, reg.reasons, rules, reg.notes)


# The whole-register rules, computed by each engine from what it has of all rows: the
# in-memory engine from the rows themselves, the dask engine from counts and keys reduced
# over its partitions; both then apply them to each batch by these functions.


def duplicate_reasons(ids: pd.Series, rows: np.ndarray) -> dict[Any, Reason]:
    """The "duplicate id" reason of each id that more than one row has, naming its rows in order.

    ``ids`` and ``rows`` are the ids (None or NaN: none) and 1-based rows of every row of
    the register, or of every row whose id is repeated (in any order).
    """
    dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if not dup.any():
        return {}
    sub = pd.DataFrame({"id": ids[dup].to_numpy(), "row": rows[dup]}).sort_values("row", kind="stable")
    groups = sub.groupby("id", sort=False)["row"].agg(list)
    return {key: Reason("duplicate_id", id=key, rows=number_list(rs, limit=10)) for key, rs in groups.items()}


def add_duplicates(
    ids: pd.Series, rows: np.ndarray, reasons: RowReasons, found: Mapping[Any, Reason] | None = None
) -> None:
    """Flag every row whose id another row has too.

    ``found``: :func:`duplicate_reasons` of the whole register (default: of these rows).
    """
    found = duplicate_reasons(ids, rows) if found is None else found
    if not found:
        return
    text = ids.map(found)
    hit = text.notna().to_numpy()
    reasons.add(hit, text[hit].to_numpy(dtype=object))


def check_coast(coast_km: object) -> float:
    """``coast_km`` as a float, checked.

    Raises
    ------
    InputTypeError, InputValueError
        It is not a number, or not a finite one of at least 0.
    """
    if isinstance(coast_km, bool) or not isinstance(coast_km, Real):
        raise InputTypeError(message("errors", "coast_km_type", kind=type(coast_km).__name__))
    value = float(coast_km)
    if not math.isfinite(value) or value < 0:
        raise InputValueError(message("errors", "coast_km_value", value=as_given(value)))
    return value


def check_by(by: str | None, reg: RegisterInfo) -> str:
    """The join mode: ``by`` as given (checked against the register), else what the register allows."""
    named = reg.has_province or reg.has_county
    if by is None:
        return "both" if named and reg.has_location else ("attribute" if named else "location")
    if by not in BY:
        raise RegisterError(message("errors", "by_unknown", by=as_given(by)), path=reg.path, field="by")
    if by in ("attribute", "both") and not named:
        raise RegisterError(message("errors", "by_attribute_needs_column"), path=reg.path)
    if by in ("location", "both") and not reg.has_location:
        raise RegisterError(message("errors", "by_location_needs_location"), path=reg.path)
    return by


def estates_table(frame: pd.DataFrame, checked: Checked, status: np.ndarray) -> Any:
    """The estates of a batch (:attr:`geo.JoinResult.estates`), built from whole columns at once.

    ``checked``: the batch's row rules (:func:`check_rows`): each row's province and county
    positions, reasons and notes (the whole-register steps' added), coordinates;
    ``status``: each row's final status (:func:`statuses`). Inserting columns one by one
    copies the frame each time.
    """
    import geopandas as gpd
    import shapely

    lon, lat, reasons, notes = checked.lon, checked.lat, checked.reasons, checked.notes
    geoms = shapely.points(lon, lat)
    geoms[np.isnan(lon) | np.isnan(lat)] = None  # NaN coordinates would make empty points
    idx, county, prov, counties = checked.province, checked.county, province_index(), county_index()
    columns: dict[str, Any] = {
        "row": frame["row"].to_numpy(),
        "province": pd.Series(np.where(idx >= 0, prov.codes[np.maximum(idx, 0)], None), dtype=object, copy=False),
        "county": pd.Series(np.where(county >= 0, counties.codes[np.maximum(county, 0)], None), dtype=object),
        "status": pd.Series(status, dtype=object, copy=False),
        "reasons": pd.Series(reasons.lists(), dtype=object, copy=False),
        "reasons_fa": pd.Series(reasons.lists_fa(), dtype=object, copy=False),
        "notes": pd.Series(notes.lists(), dtype=object, copy=False),
        "notes_fa": pd.Series(notes.lists_fa(), dtype=object, copy=False),
    }
    as_given = {"province": "province_as_given", "county": "county_as_given"}
    for col in frame.columns[1:]:
        columns[as_given.get(col, col)] = frame[col].array
    columns["lat"], columns["lon"] = lat, lon
    return gpd.GeoDataFrame(columns, geometry=gpd.array.from_shapely(geoms, crs=4326), crs=4326, copy=False)


def status_counts(status: np.ndarray) -> dict[str, int]:
    """The count of each status (``joined``, ``flagged``, ``rejected``); counts of batches add up."""
    return {s: int(np.count_nonzero(status == s)) for s in STATUSES}


def summary_of(reg: RegisterInfo, by: str, coast_km: float, counts: Mapping[str, int], rows_in: int) -> dict[str, Any]:
    """The report's header: what was read and how (``reg``: its columns and warnings), the count of each outcome."""
    summary: dict[str, Any] = {
        "source": str(reg.path) if reg.path is not None else None,
        "by": by,
        "coast_km": coast_km,
        "columns": reg.columns,
        "indicators": reg.indicators,
        "source_crs": reg.source_crs,
        "warnings": list(reg.warnings),
        "rows_in": rows_in,
        "rows_joined": int(counts.get("joined", 0)),
        "rows_flagged": int(counts.get("flagged", 0)),
        "rows_rejected": int(counts.get("rejected", 0)),
    }
    if summary["rows_joined"] + summary["rows_flagged"] + summary["rows_rejected"] != rows_in:
        raise AssertionError("a row was lost while joining")  # pragma: no cover - guarded by construction
    return summary
