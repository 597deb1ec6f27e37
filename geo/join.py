"""Join an estate register to Iran's provinces, aggregate it and check it against sources.

:func:`join` assigns each row of a register (see :mod:`geo.registers`) to one province:

* **by attribute**: the province column, through :func:`geo.names.resolve_province`;
  historical or unknown names are never guessed (the resolver's message and candidates
  become the row's reason);
* **by location**: point in polygon against the 31 provinces through a spatial index
  (``STRtree.query(predicate="within")``, vectorised). A point outside every polygon but
  within ``coast_km`` (default 25 km, measured in Iran's Albers equal-area CRS) of one is
  assigned to the nearest province and flagged: just off the coast, or just across a land
  border (no coastline is shipped, so the two are not told apart). A point outside Iran as
  given that falls inside it with latitude and longitude exchanged is flagged as swapped and
  joined as swapped. Anything else outside is rejected;
* **both** (the default when the register has both): a disagreement is flagged with both
  provinces named and the row keeps the province its attribute declares.

Every row ends in exactly one of ``joined``, ``flagged`` (joined, with reasons) or
``rejected`` (no province could be assigned; with reasons), so that
``rows_in == rows_joined + rows_flagged + rows_rejected``. Duplicate ids are flagged.
Cells that could not be read (text in a number column, negative amounts) flag their row
and are left out of the sums.

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

import importlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._io import atomic_write_text
from geo.errors import AmbiguousNameError, DataError, NameResolutionError, RegisterError
from geo.registers import Bilingual, Reason, Register, RowReasons, header_key, read_register

__all__ = ["JoinResult", "join", "reconcile", "parse_reconcile", "COAST_KM"]

#: How far (km) outside every province polygon a point may lie and still be assigned to
#: the nearest province (flagged). Measured in :data:`geo.provinces.EQUAL_AREA_CRS`.
COAST_KM = 25.0

# Iran's bounding box (lon_min, lat_min, lon_max, lat_max), a little padded: the swap test.
_IRAN_BBOX = (43.5, 24.5, 64.0, 40.0)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class _Provinces:
    frame: gpd.GeoDataFrame
    codes: np.ndarray  # ISO codes in frame order, object
    labels: np.ndarray  # "IR-10 Isfahan", object
    names: np.ndarray  # Bilingual("IR-10 Isfahan", "اصفهان (IR-10)"): a province in a reason
    short: np.ndarray  # Bilingual("IR-10", "اصفهان (IR-10)")
    geoms: tuple  # EPSG:4326 polygons, prepared
    bounds: np.ndarray  # (31, 4) bounds of geoms
    edges: shapely.STRtree  # every boundary segment, in EQUAL_AREA_CRS
    edge_province: np.ndarray  # province index of each segment
    ring: shapely.Geometry  # Iran buffered by coast_km, EPSG:4326, prepared
    to_metric: Any  # pyproj Transformer 4326 -> EQUAL_AREA_CRS, always_xy


@lru_cache(maxsize=4)
def _provinces(coast_km: float) -> _Provinces:
    from pyproj import Transformer

    from geo.provinces import EQUAL_AREA_CRS, load_provinces

    frame = load_provinces().sort_index()
    metric = frame.to_crs(EQUAL_AREA_CRS)
    ring_metric = shapely.union_all(metric.geometry.values).buffer(coast_km * 1000.0 + 1.0, quad_segs=4)
    ring = gpd.GeoSeries([ring_metric], crs=EQUAL_AREA_CRS).to_crs(4326).iloc[0]
    shapely.prepare(ring)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    shapely.prepare(geoms)
    labels = (frame["code"] + " " + frame["name_en"]).to_numpy(dtype=object)
    names_fa = (frame["name_fa"] + " (" + frame["code"] + ")").tolist()
    names = np.empty(len(frame), dtype=object)
    names[:] = [Bilingual(en, fa) for en, fa in zip(labels.tolist(), names_fa, strict=True)]
    short = np.empty(len(frame), dtype=object)
    short[:] = [Bilingual(en, fa) for en, fa in zip(frame["code"].tolist(), names_fa, strict=True)]
    # Distance to a polygon is distance to its nearest boundary segment (for a point outside):
    # a tree of ~6,000 two-point segments answers that far faster than the polygons do.
    segments, owner = [], []
    for i, geom in enumerate(metric.geometry.values):
        for line in shapely.get_parts(shapely.get_parts(shapely.boundary(geom))):
            xy = shapely.get_coordinates(line)
            segments.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
            owner.append(np.full(len(xy) - 1, i))
    return _Provinces(
        frame,
        frame["code"].to_numpy(dtype=object),
        labels,
        names,
        short,
        tuple(geoms),
        shapely.bounds(geoms),
        shapely.STRtree(np.concatenate(segments)),
        np.concatenate(owner),
        ring,
        Transformer.from_crs(4326, EQUAL_AREA_CRS, always_xy=True),
    )


# --------------------------------------------------------------------------- result


@dataclass
class JoinResult:
    """The outcome of :func:`join`.

    Attributes
    ----------
    estates
        One row per input row, in input order: ``row`` (1-based data row), ``id``,
        ``name``, ``province`` (ISO code, None when rejected), ``province_as_given``,
        ``status`` (``joined``/``flagged``/``rejected``), ``reasons`` (tuple of text),
        ``reasons_fa`` (the same reasons in Persian, in the same order),
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
        ``reasons`` and ``reasons_fa`` (the same in Persian). Built on first use (a register
        of 10^6 rows makes 10^6 objects).
        """
        e = self.estates
        ids = e["id"].astype(object).where(e["id"].notna(), None).tolist()
        provinces = e["province"].astype(object).where(e["province"].notna(), None).tolist()
        rows = [
            {"row": r, "id": i, "status": s, "province": p, "reasons": list(why), "reasons_fa": list(why_fa)}
            for r, i, s, p, why, why_fa in zip(
                e["row"].tolist(), ids, e["status"].tolist(), provinces, e["reasons"].tolist(),
                _reasons_fa(e).tolist(), strict=True,
            )
        ]
        return {**self.summary, "rows": rows}

    def write(self, out_dir: str | Path, *, lang: Literal["fa", "en"] = "fa") -> dict[str, Path]:
        """Write the outputs into ``out_dir`` (created if needed).

        Files: ``joined.geojson`` and ``joined.gpkg`` (joined and flagged estates),
        ``by_province.csv``, ``rejects.csv``, ``reconciliation.csv`` (when there is a
        reconciliation), ``report.json`` and ``map.html``. CSV cells that a spreadsheet
        would run as a formula are prefixed with a single quote.

        Returns
        -------
        dict
            Output name → path.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> r = join(pd.DataFrame({"province": ["Fars"]}))
        >>> sorted(r.write(tempfile.mkdtemp()))[:3]
        ['by_province.csv', 'joined.geojson', 'joined.gpkg']
        """
        out = Path(out_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataError(f"cannot create the output folder: {exc.strerror or exc}", path=out) from exc
        paths: dict[str, Path] = {}
        ok = self.estates["status"] != "rejected"
        joined = _for_file(self.estates.loc[ok])
        paths["joined.geojson"] = atomic_write_text(out / "joined.geojson", _geojson(joined))
        paths["joined.gpkg"] = out / "joined.gpkg"
        paths["joined.gpkg"].unlink(missing_ok=True)
        joined.to_file(paths["joined.gpkg"], driver="GPKG", engine="pyogrio", layer="estates")
        by_prov = pd.DataFrame(self.by_province.drop(columns="geometry"))
        paths["by_province.csv"] = _write_csv(by_prov, out / "by_province.csv")
        rejects = pd.DataFrame(_for_file(self.estates.loc[~ok]).drop(columns=["geometry", "province", "status"]))
        paths["rejects.csv"] = _write_csv(rejects, out / "rejects.csv")
        if len(self.reconciliation):
            paths["reconciliation.csv"] = _write_csv(self.reconciliation, out / "reconciliation.csv")
        paths["map.html"] = out / "map.html"
        note = _write_register_map(self, paths["map.html"], lang=lang)
        rows = self.report["rows"]  # plain Python values already: no walk over 10^6 of them
        report = _jsonable({**self.summary, "map": note, "outputs": sorted(paths, key=str)})
        text = json.dumps({**report, "rows": rows}, ensure_ascii=False, indent=1, allow_nan=False, default=_json_default)
        paths["report.json"] = atomic_write_text(out / "report.json", text)
        return paths


# --------------------------------------------------------------------------- joining


def _resolve_attribute(
    values: pd.Series, legacy_codes: bool, prov: _Provinces
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[str, ...]]]:
    """Province index per row (-1 when unresolved), the failure message, and candidates."""
    from geo.names import resolve_province

    index = {c: i for i, c in enumerate(prov.codes)}
    uniques = pd.unique(values[values.notna()])
    codes: dict[str, int] = {}
    messages: dict[str, Reason] = {}
    candidates: dict[str, tuple[str, ...]] = {}
    for value in uniques:
        try:
            codes[value] = index[resolve_province(value, legacy_codes=legacy_codes)]
        except AmbiguousNameError as exc:
            messages[value] = Reason("ambiguous_province", message=Bilingual(str(exc), exc.message_fa))
            candidates[value] = exc.candidates
        except NameResolutionError as exc:
            text = str(exc).replace("Pass legacy_codes=True", "Pass legacy_codes=True (--legacy-codes)")
            messages[value] = Reason("unknown_province", message=Bilingual(text, exc.message_fa))
            candidates[value] = exc.candidates
    idx = values.map(codes).fillna(-1).to_numpy(dtype="int64")
    msg = values.map(messages).to_numpy(dtype=object, copy=True)
    blank = values.isna().to_numpy()
    msg[blank] = Reason("no_province")
    return idx, msg, candidates


def _within(prov: _Provinces, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the province each point lies in (-1: none), point in polygon, vectorised.

    Each prepared polygon tests only the points inside its bounding box, straight from the
    coordinates (:func:`shapely.contains_xy`), so no point geometry has to be built. A point
    on a border line lies in no polygon's interior; the coast step assigns it.
    """
    idx = np.full(len(x), -1, dtype="int64")
    for i, geom in enumerate(prov.geoms):
        x0, y0, x1, y1 = prov.bounds[i]
        box = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if box.size:
            idx[box[shapely.contains_xy(geom, x[box], y[box])]] = i
    return idx


def _locate(
    lon: np.ndarray, lat: np.ndarray, coast_km: float, reasons: RowReasons
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Province index by location (-1 outside), and the failure message of each row.

    Swapped points come back with their coordinates exchanged (``lon``/``lat`` are updated
    in place). Coast and swap findings are added to ``reasons``.
    """
    prov = _provinces(coast_km)
    n = len(lon)
    fail = np.full(n, None, dtype=object)
    valid = ~np.isnan(lon) & ~np.isnan(lat)
    fail[~valid] = Reason("no_coordinates")
    idx = np.where(valid, _within(prov, np.nan_to_num(lon), np.nan_to_num(lat)), -1)

    cand = np.flatnonzero(valid & (idx < 0))
    if cand.size:
        cand = cand[shapely.contains_xy(prov.ring, lon[cand], lat[cand])]
    if cand.size:
        x, y = prov.to_metric.transform(lon[cand], lat[cand])
        (hit, edge), dist = prov.edges.query_nearest(
            shapely.points(x, y), max_distance=coast_km * 1000.0, return_distance=True, all_matches=False
        )
        rows = cand[hit]
        poly = prov.edge_province[edge]
        idx[rows] = poly
        off = dist >= 1.0  # closer than a metre: on a border line, not worth a flag
        reasons.add_at(
            rows[off],
            [
                Reason("outside_polygon_near", distance=d / 1000, province=name, coast_km=coast_km)
                for d, name in zip(dist[off].tolist(), prov.names[poly[off]].tolist(), strict=True)
            ],
        )

    lo_x, lo_y, hi_x, hi_y = _IRAN_BBOX
    swap = np.flatnonzero(valid & (idx < 0) & (lat >= lo_x) & (lat <= hi_x) & (lon >= lo_y) & (lon <= hi_y))
    if swap.size:
        found = _within(prov, lat[swap], lon[swap])
        rows, poly = swap[found >= 0], found[found >= 0]
        idx[rows] = poly
        msgs = [
            Reason("swapped", lat=a, lon=b, province=name)
            for a, b, name in zip(lat[rows].tolist(), lon[rows].tolist(), prov.names[poly].tolist(), strict=True)
        ]
        reasons.add_at(rows, msgs)
        lon[rows], lat[rows] = lat[rows].copy(), lon[rows].copy()

    outside = valid & (idx < 0)
    if outside.any():
        fail[outside] = Reason("outside_iran", coast_km=coast_km)
    return idx, fail


def _duplicates(ids: pd.Series, rows: np.ndarray, reasons: RowReasons) -> None:
    dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if not dup.any():
        return
    sub = pd.DataFrame({"id": ids[dup].to_numpy(), "row": rows[dup]})
    groups = sub.groupby("id", sort=False)["row"].agg(list)
    text = {key: Reason("duplicate_id", id=key, rows=_row_list(rs)) for key, rs in groups.items()}
    reasons.add(dup, sub["id"].map(text).to_numpy(dtype=object))


def _row_list(rows: list[int]) -> Bilingual:
    """Up to 10 row numbers, in English («5, 37») and Persian («۵، ۳۷»)."""
    more = " …" if len(rows) > 10 else ""
    en = ", ".join(map(str, rows[:10])) + more
    return Bilingual(en, en.replace(", ", "، ").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))


def _aggregate(
    frame: pd.DataFrame, idx: np.ndarray, indicators: Mapping[str, str], prov: _Provinces
) -> gpd.GeoDataFrame:
    k = len(prov.codes)
    ok = idx >= 0
    out = prov.frame[["code", "name_en", "name_fa"]].copy()
    out["estates"] = np.bincount(idx[ok], minlength=k).astype("int64")
    for col, kind in indicators.items():
        values = frame[col].to_numpy(dtype="float64", na_value=np.nan)
        present = ok & ~np.isnan(values)
        total = np.bincount(idx[present], weights=values[present], minlength=k)
        if kind == "bool":
            out[f"{col}_true"] = total.astype("int64")
        else:
            known = np.bincount(idx[present], minlength=k)
            out[f"{col}_sum"] = total
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"{col}_mean"] = np.where(known > 0, total / np.maximum(known, 1), np.nan)
    out["geometry"] = prov.frame.geometry
    return gpd.GeoDataFrame(out, geometry="geometry", crs=prov.frame.crs)


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
        :func:`parse_reconcile`), e.g. ``{"fire_station_1396": "hse_fire_stations_built"}``.
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

    Examples
    --------
    >>> import pandas as pd
    >>> r = join(pd.DataFrame({"استان": ["اصفهان", "فارس"], "lat": [29.6, 29.6], "lon": [52.5, 52.5]}))
    >>> r.estates["status"].tolist()
    ['flagged', 'joined']
    """
    tick = progress or (lambda stage, done: None)
    tick("reading", 0.0)
    reg = register if isinstance(register, Register) else read_register(register, **overrides)
    frame = reg.frame
    n = len(frame)
    prov = _provinces(coast_km)
    if by is None:
        by = "both" if reg.has_province and reg.has_location else ("attribute" if reg.has_province else "location")
    if by not in ("attribute", "location", "both"):
        raise RegisterError(f"--by must be attribute, location or both, not {by!r}", path=reg.path, field="by")
    if by in ("attribute", "both") and not reg.has_province:
        raise RegisterError("joining by attribute needs a province column (name it with --province)", path=reg.path)
    if by in ("location", "both") and not reg.has_location:
        raise RegisterError("joining by location needs lat/lon columns or a geometry (--lat/--lon)", path=reg.path)

    reasons = RowReasons(n)
    reasons.extend(reg.reasons)
    lon = frame["lon"].to_numpy(dtype="float64", copy=True)
    lat = frame["lat"].to_numpy(dtype="float64", copy=True)
    tick("resolving provinces", 0.2)
    if by in ("attribute", "both"):
        a_idx, a_fail, candidates = _resolve_attribute(frame["province"], legacy_codes, prov)
    tick("locating points", 0.4)
    if by in ("location", "both"):
        l_idx, l_fail = _locate(lon, lat, coast_km, reasons)
    geoms = shapely.points(lon, lat)  # NaN coordinates make empty points, None below

    tick("deciding", 0.7)
    if by == "attribute":
        idx = a_idx
        fail = a_idx < 0
        reasons.add(fail, a_fail[fail])
    elif by == "location":
        idx = l_idx
        fail = l_idx < 0
        reasons.add(fail, l_fail[fail])
    else:
        idx = np.where(a_idx >= 0, a_idx, l_idx)
        both = (a_idx >= 0) & (l_idx >= 0)
        differ = both & (a_idx != l_idx)
        reasons.add(
            differ,
            [
                Reason("attribute_differs", attribute=a, location=b)
                for a, b in zip(prov.names[a_idx[differ]].tolist(), prov.names[l_idx[differ]].tolist(), strict=True)
            ],
        )
        only_a = (a_idx >= 0) & (l_idx < 0)
        reasons.add(only_a, [Reason("location_failed_joined_by_attribute", problem=m) for m in l_fail[only_a]])
        only_l = (a_idx < 0) & (l_idx >= 0)
        msgs = []
        for value, msg, code, name in zip(
            frame["province"].to_numpy()[only_l], a_fail[only_l], prov.codes[l_idx[only_l]],
            prov.short[l_idx[only_l]], strict=True,
        ):  # fmt: skip
            if code in candidates.get(value, ()):
                msgs.append(Reason("attribute_failed_located_candidate", problem=msg, province=name))
            else:
                msgs.append(Reason("attribute_failed_located", problem=msg, province=name))
        reasons.add(only_l, msgs)
        neither = (a_idx < 0) & (l_idx < 0)
        reasons.add(neither, a_fail[neither])
        reasons.add(neither, l_fail[neither])
    _duplicates(frame["id"], frame["row"].to_numpy(), reasons)

    flagged = reasons.any()
    joined = idx >= 0
    status = np.where(~joined, "rejected", np.where(flagged, "flagged", "joined")).astype(object)
    unexplained = ~joined & ~flagged
    reasons.add(unexplained, Reason("no_province_assigned"))
    tick("aggregating", 0.8)
    geoms[np.isnan(lon) | np.isnan(lat)] = None
    # One construction from whole columns: inserting them one by one copies the frame each time.
    columns: dict[str, Any] = {
        "row": frame["row"].to_numpy(),
        "province": pd.Series(np.where(joined, prov.codes[np.maximum(idx, 0)], None), dtype=object, copy=False),
        "status": pd.Series(status, dtype=object, copy=False),
        "reasons": pd.Series(reasons.lists(), dtype=object, copy=False),
        "reasons_fa": pd.Series(reasons.lists_fa(), dtype=object, copy=False),
    }
    for col in frame.columns[1:]:
        columns["province_as_given" if col == "province" else col] = frame[col].array
    columns["lat"], columns["lon"] = lat, lon
    estates = gpd.GeoDataFrame(columns, geometry=gpd.array.from_shapely(geoms, crs=4326), crs=4326, copy=False)
    by_province = _aggregate(frame, idx, reg.indicators, prov)
    counts = pd.Series(status).value_counts()
    summary = {
        "source": str(reg.path) if reg.path is not None else None,
        "by": by,
        "coast_km": coast_km,
        "columns": reg.columns,
        "indicators": reg.indicators,
        "source_crs": reg.source_crs,
        "warnings": list(reg.warnings),
        "rows_in": n,
        "rows_joined": int(counts.get("joined", 0)),
        "rows_flagged": int(counts.get("flagged", 0)),
        "rows_rejected": int(counts.get("rejected", 0)),
    }
    if summary["rows_joined"] + summary["rows_flagged"] + summary["rows_rejected"] != n:
        raise AssertionError("a row was lost while joining")  # pragma: no cover - guarded by construction
    tick("reconciling", 0.9)
    table = _reconcile(by_province, reg, reconcile) if reconcile else _empty_reconciliation()
    summary["reconciliation"] = table.to_dict("records")
    tick("done", 1.0)
    return JoinResult(estates, by_province, table, summary, reg)


# --------------------------------------------------------------------------- reconciliation

_RECON_COLUMNS = ["column", "reference", "source", "province", "label", "unit", "period",
                  "register", "published", "difference", "coverage"]  # fmt: skip


def _empty_reconciliation() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _RECON_COLUMNS})


def parse_reconcile(spec: Mapping[str, str] | Iterable[str] | str | Path) -> dict[str, str]:
    """Read a declared mapping of register columns to published figures.

    Parameters
    ----------
    spec
        A mapping ``{column: reference}``; ``"column=reference"`` text (or several); or
        the path of a JSON object, a two-column CSV (``column,reference``) or, when
        PyYAML is installed, a YAML mapping. A reference is a fact id of the ledger
        (:func:`geo.facts.load_facts`) or an indicator column of the per-province
        yearbook tables (:func:`geo.stats.load_province_stats`), optionally written
        ``stats:column``.

    Examples
    --------
    >>> parse_reconcile(["fire_station_1396=hse_fire_stations_built"])
    {'fire_station_1396': 'hse_fire_stations_built'}
    """
    if isinstance(spec, Mapping):
        return {str(k): str(v) for k, v in spec.items()}
    items = [spec] if isinstance(spec, (str, Path)) else list(spec)
    out: dict[str, str] = {}
    for item in items:
        text = str(item)
        path = Path(text)
        if "=" not in text or (path.suffix.lower() in (".json", ".csv", ".yaml", ".yml") and path.is_file()):
            out.update(_read_mapping_file(path))
            continue
        column, _, ref = text.rpartition("=")
        if not column.strip() or not ref.strip():
            raise RegisterError(f"--reconcile wants column=reference, not {text!r}", field="reconcile")
        out[column.strip()] = ref.strip()
    return out


def _read_mapping_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise RegisterError("no such reconciliation file (or write column=reference)", path=path, field="reconcile")
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix in (".yaml", ".yml"):
            try:
                yaml = importlib.import_module("yaml")
            except ImportError as exc:
                raise RegisterError("YAML needs PyYAML; write the mapping as JSON or CSV", path=path) from exc
            data = yaml.safe_load(text)
        else:
            rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            data = dict(zip(rows.iloc[:, 0], rows.iloc[:, 1], strict=True))
    except (ValueError, IndexError) as exc:
        raise RegisterError(f"cannot read the reconciliation mapping: {exc}", path=path) from exc
    if not isinstance(data, dict):
        raise RegisterError("the reconciliation mapping must be an object {column: reference}", path=path)
    return {str(k): str(v) for k, v in data.items()}


def reconcile(result: JoinResult, mapping: Mapping[str, str] | Iterable[str] | str | Path) -> pd.DataFrame:
    """Compare aggregated register columns with published figures.

    Parameters
    ----------
    result
        A :class:`JoinResult`.
    mapping
        Anything :func:`parse_reconcile` reads.

    Returns
    -------
    pandas.DataFrame
        The columns of :attr:`JoinResult.reconciliation`.

    Examples
    --------
    >>> import pandas as pd
    >>> r = join(pd.DataFrame({"province": ["Fars", "Qom"], "fire_station_1396": ["بله", "خیر"]}))
    >>> table = reconcile(r, {"fire_station_1396": "hse_fire_stations_built"})
    >>> table[["register", "published", "difference"]].iloc[0].tolist()
    [1, 11, -10]
    """
    if result.register is None:
        raise RegisterError("this result has no register to reconcile")
    return _reconcile(result.by_province, result.register, mapping)


def _reconcile(by_province: gpd.GeoDataFrame, reg: Register, spec: Any) -> pd.DataFrame:
    mapping = parse_reconcile(spec)
    keys = {header_key(c): c for c in reg.indicators}
    rows: list[dict[str, Any]] = []
    facts = stats = None
    for column, ref in mapping.items():
        col = column if column in reg.indicators else keys.get(header_key(column))
        if col is None:
            raise RegisterError(
                f"--reconcile names {column!r}, which is not a number or yes/no column of the register"
                f" (those are {list(reg.indicators)})",
                path=reg.path,
                field=column,
            )
        kind = reg.indicators[col]
        values = by_province[f"{col}_true" if kind == "bool" else f"{col}_sum"]
        facts = _load("geo.facts", "load_facts") if facts is None else facts
        fact = facts.loc[facts["id"] == ref] if facts is not None else None
        if fact is not None and len(fact):
            rec = fact.iloc[0]
            rows.append(_compare(col, ref, "ledger", None, rec["label_en"], rec["unit"], rec["period"],
                                 float(values.sum()), float(rec["value"])))  # fmt: skip
            continue
        stats = _load("geo.stats", "load_province_stats") if stats is None else stats
        stat_col = ref.removeprefix("stats:")
        if stats is None or stat_col not in getattr(stats, "columns", ()):
            raise RegisterError(
                f"--reconcile reference {ref!r} is neither a fact id of the ledger nor a column of the"
                " per-province yearbook tables",
                path=reg.path,
                field=column,
            )
        published = pd.to_numeric(stats[stat_col], errors="coerce").reindex(by_province.index)
        period = stats.attrs.get("period") if hasattr(stats, "attrs") else None
        rows.append(_compare(col, stat_col, "yearbook", None, stat_col, None, period,
                             float(values.sum()), float(published.sum())))  # fmt: skip
        for code in by_province.index:
            rows.append(_compare(col, stat_col, "yearbook", code, stat_col, None, period,
                                 float(values[code]), float(published[code])))  # fmt: skip
    return pd.DataFrame(rows, columns=_RECON_COLUMNS) if rows else _empty_reconciliation()


def _load(module: str, function: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    loader = getattr(mod, function, None)
    return loader() if loader is not None else None


def _compare(column: str, ref: str, source: str, province: str | None, label: Any, unit: Any, period: Any,
             register: float, published: float) -> dict[str, Any]:  # fmt: skip
    def plain(x: float) -> float | int:
        return int(x) if math.isfinite(x) and x == int(x) else x

    coverage = register / published if published and math.isfinite(published) else math.nan
    return {
        "column": column, "reference": ref, "source": source, "province": province, "label": label,
        "unit": unit, "period": None if period is None else int(period),
        "register": plain(register), "published": plain(published),
        "difference": plain(register - published), "coverage": coverage,
    }  # fmt: skip


# --------------------------------------------------------------------------- outputs


def _for_file(estates: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy the file writers accept: reasons as one text, nullable booleans as objects."""
    out = estates.copy()
    out["reasons"] = out["reasons"].map(" | ".join)
    if "reasons_fa" in out.columns:
        out["reasons_fa"] = out["reasons_fa"].map(" | ".join)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.BooleanDtype):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _reasons_fa(estates: pd.DataFrame) -> pd.Series:
    """The Persian reasons of ``estates``; the English ones for a frame made without them."""
    return estates["reasons_fa"] if "reasons_fa" in estates.columns else estates["reasons"]


def _neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula with a single quote."""
    out = frame.copy()
    out.columns = [("'" + c) if isinstance(c, str) and c.startswith(_FORMULA_START) else c for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            s = out[col].astype(object)
            risky = s.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)).astype(bool)
            if risky.any():
                out[col] = s.where(~risky, "'" + s[risky].astype(str))
    return out


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    return atomic_write_text(path, _neutralise(frame).to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig")


def _geojson(frame: gpd.GeoDataFrame) -> str:
    """RFC 7946 GeoJSON of points (longitude, latitude; no ``crs`` member; NaN as null).

    Built from whole columns: :meth:`GeoDataFrame.to_json` takes a Python step per cell.
    """
    props = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    props = props.astype(object).where(props.notna(), None)
    records = props.to_dict("records")
    geoms = np.asarray(frame.geometry.values, dtype=object)
    usable = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    coords = np.full((len(frame), 2), np.nan)
    if usable.any():
        coords[usable] = shapely.get_coordinates(shapely.centroid(geoms[usable]))[:, :2]
    features = [
        {"type": "Feature", "properties": rec,
         "geometry": {"type": "Point", "coordinates": [x, y]} if ok else None}
        for rec, ok, (x, y) in zip(records, usable.tolist(), coords.tolist(), strict=True)
    ]  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, allow_nan=False,
                      default=_json_default)  # fmt: skip


def _json_default(value: Any) -> Any:
    plain = _jsonable(value)
    if plain is value:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return plain


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(value)
    return value


def _write_register_map(result: JoinResult, path: Path, *, lang: Literal["fa", "en"] = "fa") -> str:
    """Write ``map.html`` with :func:`geo.maps.register_map`; return a note for the report."""
    from geo.maps import register_map, save_map

    save_map(register_map(result, lang=lang), path)
    return "geo.maps.register_map: offline, Leaflet inlined, no tiles"


