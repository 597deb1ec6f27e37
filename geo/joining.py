"""Join an estate register to Iran's provinces and aggregate it per province.

:func:`join` assigns each row of a register (see :mod:`geo.registers`) to one province:

* **by attribute**: the province column, through :func:`geo.names.resolve_province`;
  historical or unknown names are never guessed (the resolver's message and candidates
  become the row's reason);
* **by location**: point in polygon against the 31 provinces through a spatial index
  (:mod:`geo.locate`). A point outside every polygon but within ``coast_km`` (default
  25 km, measured in Iran's Albers equal-area CRS) of one is assigned to the nearest
  province and flagged: just off the coast, or just across a land border (no coastline is
  shipped, so the two are not told apart). A point outside Iran as given that falls inside
  it with latitude and longitude exchanged is flagged as swapped and joined as swapped.
  Anything else outside is rejected;
* **both** (the default when the register has both): a disagreement is flagged with both
  provinces named and the row keeps the province its attribute declares.

Every row ends in exactly one of ``joined``, ``flagged`` (joined, with reasons) or
``rejected`` (no province could be assigned; with reasons), so that
``rows_in == rows_joined + rows_flagged + rows_rejected``. Duplicate ids are flagged.
Cells that could not be read (text in a number column, negative amounts) flag their row
and are left out of the sums; so are values whose per-province sum (or national total)
would overflow a float (``inf`` is never written).

*Notes* are not problems: what was done to a row that needs no one's attention (a blank
province cell where the point lies cleanly inside a province; control characters removed
from a cell) is a note (``notes``/``notes_fa``). A row with notes and no reasons stays
``joined``; the accounting identity above is unchanged. Comparisons with published figures are made by
:mod:`geo.reconciliation`; the files are written by :mod:`geo.outputs`.

Examples
--------
>>> import pandas as pd
>>> reg = pd.DataFrame({"id": [1, 2], "province": ["تهران", "Atlantis"], "lat": [35.7, 0], "lon": [51.4, 0]})
>>> result = join(reg)
>>> result.estates["status"].tolist()
['joined', 'rejected']
>>> int(result.by_province.loc["IR-23", "estates"])
1
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Real
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import AmbiguousNameError, InputTypeError, InputValueError, NameResolutionError, RegisterError
from geo.i18n import Bilingual, number_list
from geo.locate import ProvinceIndex, locate, province_index
from geo.names import resolve_province
from geo.reasons import Reason, RowReasons
from geo.reconciliation import empty_reconciliation, reconciliation_table
from geo.registers import Register, read_register

__all__ = ["JoinResult", "join", "COAST_KM", "Progress"]

#: How far (km) outside every province polygon a point may lie and still be assigned to
#: the nearest province (flagged). Measured in :data:`geo.provinces.EQUAL_AREA_CRS`.
COAST_KM = 25.0

#: A progress callback: a stage name and the fraction done.
Progress = Callable[[str, float], None]

_BY = ("attribute", "location", "both")


@dataclass
class JoinResult:
    """The outcome of :func:`join`.

    Attributes
    ----------
    estates
        One row per input row, in input order: ``row`` (1-based data row), ``id``,
        ``name``, ``province`` (ISO code, None when rejected), ``province_as_given``,
        ``status`` (``joined``/``flagged``/``rejected``), ``reasons`` (tuple of text),
        ``reasons_fa`` (the same reasons in Persian, in the same order), ``notes`` and
        ``notes_fa`` (what was done to the row that is not a problem),
        ``lat``, ``lon``, the indicators, and a point ``geometry`` (EPSG:4326; None
        without a usable location).
    by_province
        The 31 provinces (indexed by ISO code, with geometry) and ``estates`` (count of
        joined and flagged rows), ``<column>_sum`` and ``<column>_mean`` of each numeric
        indicator and ``<column>_true`` of each yes/no indicator.
    reconciliation
        One row per declared comparison: ``column``, ``reference``, ``source``,
        ``province`` (None for a national total), ``label``, ``unit``, ``period``,
        ``register``, ``published``, ``difference`` (register − published) and
        ``coverage`` (register / published).
    summary
        The report without its per-row part (cheap; :attr:`report` adds ``rows``).

    Examples
    --------
    >>> import pandas as pd
    >>> result = join(pd.DataFrame({"province": ["Fars", "Atlantis"]}))
    >>> {k: result.summary[k] for k in ("rows_in", "rows_joined", "rows_flagged", "rows_rejected")}
    {'rows_in': 2, 'rows_joined': 1, 'rows_flagged': 0, 'rows_rejected': 1}
    >>> result.report["rows"][1]["status"], result.report["rows"][1]["province"]
    ('rejected', None)
    """

    estates: gpd.GeoDataFrame
    by_province: gpd.GeoDataFrame
    reconciliation: pd.DataFrame
    summary: dict[str, Any]
    register: Register | None = field(default=None, repr=False)

    @cached_property
    def report(self) -> dict[str, Any]:
        """The report: the summary plus ``rows``, one object per input row.

        Each row object has ``row``, ``id``, ``status``, ``province`` (ISO code or None),
        ``reasons`` and ``reasons_fa`` (the same in Persian), ``notes`` and ``notes_fa``.
        Built on first use (a register of 10^6 rows makes 10^6 objects).
        """
        e = self.estates
        ids = e["id"].astype(object).where(e["id"].notna(), None).tolist()
        provinces = e["province"].astype(object).where(e["province"].notna(), None).tolist()
        texts = [e[c] if c in e.columns else pd.Series([()] * len(e)) for c in ("reasons_fa", "notes", "notes_fa")]
        columns = (e["row"].tolist(), ids, e["status"].tolist(), provinces, e["reasons"].tolist())
        keys = ("row", "id", "status", "province", "reasons", "reasons_fa", "notes", "notes_fa")
        rows = [
            dict(zip(keys, (*head, *map(list, lists)), strict=True))
            for *head, lists in zip(
                *columns[:4], zip(columns[4], *(t.tolist() for t in texts), strict=True), strict=True
            )
        ]
        return {**self.summary, "rows": rows}

    def _repr_html_(self) -> str:
        """Counts by status, the first flagged and rejected rows, the reconciliation (Jupyter)."""
        from geo._reprs import result_html

        return result_html(self)

    def write(self, out_dir: str | Path, *, lang: Literal["fa", "en"] = "fa") -> dict[str, Path]:
        """Write the outputs into ``out_dir`` (created if needed); see :func:`geo.outputs.write_outputs`.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> r = join(pd.DataFrame({"province": ["Fars"]}))
        >>> sorted(r.write(tempfile.mkdtemp()))[:3]
        ['by_province.csv', 'joined.geojson', 'joined.gpkg']
        """
        from geo.outputs import write_outputs  # the writers and the map: only when writing

        return write_outputs(self, out_dir, lang=lang)


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
    notes: RowReasons,
) -> np.ndarray:
    """The province of each row from both its attribute and its location.

    The attribute wins where both are known (a disagreement is flagged with both
    provinces); either alone is used (flagged with why the other failed), except that a
    blank province cell with a location is a note, not a problem; neither gives both
    failures.
    """
    (a_idx, a_fail, candidates), (l_idx, l_fail) = attribute, location
    differ = (a_idx >= 0) & (l_idx >= 0) & (a_idx != l_idx)
    pairs = zip(prov.names[a_idx[differ]].tolist(), prov.names[l_idx[differ]].tolist(), strict=True)
    reasons.add(differ, [Reason("attribute_differs", attribute=a, location=b) for a, b in pairs])
    only_a = (a_idx >= 0) & (l_idx < 0)
    reasons.add(only_a, [Reason("location_failed_joined_by_attribute", problem=m) for m in l_fail[only_a]])
    blank = pd.isna(province)
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


def _duplicates(ids: pd.Series, rows: np.ndarray, reasons: RowReasons) -> None:
    """Flag every row whose id another row has too, naming the rows."""
    dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if not dup.any():
        return
    sub = pd.DataFrame({"id": ids[dup].to_numpy(), "row": rows[dup]})
    groups = sub.groupby("id", sort=False)["row"].agg(list)
    text = {key: Reason("duplicate_id", id=key, rows=number_list(rs, limit=10)) for key, rs in groups.items()}
    reasons.add(dup, sub["id"].map(text).to_numpy(dtype=object))


def _aggregate(
    frame: pd.DataFrame, idx: np.ndarray, indicators: Mapping[str, str], prov: ProvinceIndex, reasons: RowReasons
) -> gpd.GeoDataFrame:
    """Per province: the count of joined rows, and sums and means (numbers) or counts of yes (yes/no).

    A sum that overflows a float (two values of 1.5e308) is left empty, and the rows that
    made it are flagged; so are all rows of a column whose national total overflows.
    """
    k = len(prov.codes)
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
        total = _overflow(col, total, present, idx, prov, reasons)
        known = np.bincount(idx[present], minlength=k)
        columns[f"{col}_sum"] = total
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[f"{col}_mean"] = np.where(known > 0, total / np.maximum(known, 1), np.nan)
    base = prov.frame[["code", "name_en", "name_fa"]]
    out = pd.concat([base, pd.DataFrame(columns, index=base.index)], axis=1)  # at once, not column by column
    out["geometry"] = prov.frame.geometry
    return gpd.GeoDataFrame(out, geometry="geometry", crs=prov.frame.crs)


def _overflow(
    col: str, total: np.ndarray, present: np.ndarray, idx: np.ndarray, prov: ProvinceIndex, reasons: RowReasons
) -> np.ndarray:
    """Per-province sums with overflowed ones (and all, if the national total overflows) as NaN.

    The rows that made an overflowing sum are flagged.
    """
    over = ~np.isfinite(total)
    if over.any():
        rows = present & np.isin(idx, np.flatnonzero(over))
        reasons.add(rows, [Reason("sum_overflow", column=col, province=prov.names[i]) for i in idx[rows]])
        total = np.where(over, np.nan, total)
    with np.errstate(over="ignore"):
        national = float(np.nansum(total))
    if not math.isfinite(national):
        rows = present & ~np.isin(idx, np.flatnonzero(over))
        reasons.add(rows, Reason("total_overflow", column=col))
        total = np.full_like(total, np.nan)
    return total


def _check_by(by: str | None, reg: Register) -> str:
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


def _estates(
    frame: pd.DataFrame,
    idx: np.ndarray,
    status: np.ndarray,
    reasons: RowReasons,
    notes: RowReasons,
    lon: np.ndarray,
    lat: np.ndarray,
    prov: ProvinceIndex,
) -> gpd.GeoDataFrame:
    """The estates table of :class:`JoinResult`, built from whole columns at once.

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
        "notes": pd.Series(notes.lists(), dtype=object, copy=False),
        "notes_fa": pd.Series(notes.lists_fa(), dtype=object, copy=False),
    }
    for col in frame.columns[1:]:
        columns["province_as_given" if col == "province" else col] = frame[col].array
    columns["lat"], columns["lon"] = lat, lon
    return gpd.GeoDataFrame(columns, geometry=gpd.array.from_shapely(geoms, crs=4326), crs=4326, copy=False)


def _summary(reg: Register, by: str, coast_km: float, status: np.ndarray) -> dict[str, Any]:
    """The report's header: what was read and how, and the count of each outcome."""
    counts = pd.Series(status).value_counts()
    summary: dict[str, Any] = {
        "source": str(reg.path) if reg.path is not None else None,
        "by": by,
        "coast_km": coast_km,
        "columns": reg.columns,
        "indicators": reg.indicators,
        "source_crs": reg.source_crs,
        "warnings": list(reg.warnings),
        "rows_in": len(status),
        "rows_joined": int(counts.get("joined", 0)),
        "rows_flagged": int(counts.get("flagged", 0)),
        "rows_rejected": int(counts.get("rejected", 0)),
    }
    if summary["rows_joined"] + summary["rows_flagged"] + summary["rows_rejected"] != len(status):
        raise AssertionError("a row was lost while joining")  # pragma: no cover - guarded by construction
    return summary


def _check_coast(coast_km: object) -> float:
    """``coast_km`` as a float, checked.

    Raises
    ------
    InputTypeError, InputValueError
        It is not a number, or not a finite one of at least 0.
    """
    if isinstance(coast_km, bool) or not isinstance(coast_km, Real):
        raise InputTypeError(f"`coast_km` is a distance in km (a number), not {type(coast_km).__name__}")
    value = float(coast_km)
    if not math.isfinite(value) or value < 0:
        raise InputValueError(f"`coast_km` must be a finite distance of 0 km or more, not {value!r}")
    return value


def join(
    register: str | Path | pd.DataFrame | Register,
    *,
    by: Literal["attribute", "location", "both"] | None = None,
    reconcile: Mapping[str, str] | Iterable[str] | str | Path | None = None,
    coast_km: float = COAST_KM,
    legacy_codes: bool = False,
    progress: Progress | None = None,
    **overrides: str | None,
) -> JoinResult:
    """Join an estate register to the 31 provinces.

    Parameters
    ----------
    register
        A path (any format :func:`geo.registers.read_register` reads), a (Geo)DataFrame,
        or a :class:`~geo.registers.Register`.
    by
        ``"attribute"`` (the province column), ``"location"`` (point in polygon) or
        ``"both"``; default: both when the register has both, else the one it has.
    reconcile
        Declared comparisons of register columns with published figures (see
        :func:`geo.reconciliation.parse_reconcile`), e.g.
        ``{"fire_station_1396": "hse_fire_stations_built"}``.
    coast_km
        How far outside the polygons a point is still assigned to the nearest province.
    legacy_codes
        Read ``IR-NN`` codes in the earlier edition of ISO 3166-2:IR (see
        :func:`geo.names.resolve_province`).
    progress
        Called with a stage name and the fraction done (for a progress bar).
    **overrides
        ``id``, ``name``, ``province``, ``lat``, ``lon``, ``crs``, ``sheet``: passed to
        :func:`~geo.registers.read_register` when ``register`` is not read yet.

    Returns
    -------
    JoinResult

    Raises
    ------
    RegisterError
        The register cannot be used, or ``by`` asks for a column it does not have.
    InputTypeError
        ``register`` is neither a path, a DataFrame nor a :class:`Register` (``None``,
        ``42``, a list of records), or ``coast_km`` is not a number.
    InputValueError
        ``coast_km`` is NaN, infinite or negative.

    Examples
    --------
    >>> import pandas as pd
    >>> r = join(pd.DataFrame({"استان": ["اصفهان", "فارس"], "lat": [29.6, 29.6], "lon": [52.5, 52.5]}))
    >>> r.estates["status"].tolist()
    ['flagged', 'joined']
    """
    tick = progress or (lambda stage, done: None)
    tick("reading", 0.0)
    coast_km = _check_coast(coast_km)
    reg = register if isinstance(register, Register) else read_register(register, **overrides)
    frame = reg.frame
    prov = province_index(coast_km)
    mode = _check_by(by, reg)
    reasons = RowReasons(len(frame))
    reasons.extend(reg.reasons)
    notes = RowReasons(len(frame))
    if reg.notes is not None:
        notes.extend(reg.notes)
    lon = frame["lon"].to_numpy(dtype="float64", copy=True)
    lat = frame["lat"].to_numpy(dtype="float64", copy=True)
    tick("resolving provinces", 0.2)
    if mode in ("attribute", "both"):
        attribute = _resolve_attribute(frame["province"], legacy_codes, prov)
    tick("locating points", 0.4)
    if mode in ("location", "both"):
        location = locate(lon, lat, coast_km, reasons)
    tick("deciding", 0.7)
    if mode == "both":
        idx = _decide_both(frame["province"].to_numpy(), attribute, location, prov, reasons, notes)
    else:
        idx, fail = attribute[:2] if mode == "attribute" else location
        reasons.add(idx < 0, fail[idx < 0])
    _duplicates(frame["id"], frame["row"].to_numpy(), reasons)
    tick("aggregating", 0.8)
    by_province = _aggregate(frame, idx, reg.indicators, prov, reasons)
    flagged = reasons.any()
    status = np.where(idx < 0, "rejected", np.where(flagged, "flagged", "joined")).astype(object)
    reasons.add((idx < 0) & ~flagged, Reason("no_province_assigned"))
    estates = _estates(frame, idx, status, reasons, notes, lon, lat, prov)
    summary = _summary(reg, mode, coast_km, status)
    tick("reconciling", 0.9)
    table = reconciliation_table(by_province, reg, reconcile) if reconcile else empty_reconciliation()
    summary["reconciliation"] = table.to_dict("records")
    tick("done", 1.0)
    return JoinResult(estates, by_province, table, summary, reg)
