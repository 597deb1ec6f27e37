"""Assembling a :class:`Register` from a file's cells: the rules, step by step.

The steps that look at a whole column (what each column is for, the kind of each
indicator column, whether ids are whole numbers) make a :class:`Plan` once
(:func:`make_plan`); :func:`parse_rows` then reads any batch of rows by it. A register
read in one piece does both on all its cells; the dask engine (:mod:`geo.engines.dask`)
makes the plan from counts added up over its partitions and reads each partition by it.

1. :func:`find_columns`: the role columns, named by the caller or found by header;
2. :func:`_location_columns`: without lat/lon columns or a geometry, a WKT/WKB column or a
   column of «lat, lon» pairs; a lat (or lon) column without its partner is not used;
3. :func:`_require_something_to_join`: a province column or a location, else the file is unusable;
4. :func:`_identity_columns`: ``id``, ``name`` and ``province`` as text as written (ids
   with Persian digits read as ASCII, over-long names cut);
5. :func:`geo.registers.coordinates.coordinates`: ``lat``/``lon`` in EPSG:4326;
6. :func:`_indicator_columns`: every other column as numbers, yes/no values or text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo._text import INVISIBLE
from geo.errors import RegisterError
from geo.i18n import message
from geo.reasons import Reason, RowReasons
from geo.registers.cells import as_text, clip, column_kind, parse_booleans, parse_numbers
from geo.registers.coordinates import coordinates, pair_column, wkt_column, wkt_geometries
from geo.registers.readers import read_file
from geo.registers.vocabulary import DIGITS, ROLE_WORDS, ROLES, header_key, vocabulary, without_parens

__all__ = [
    "IDENTITY",
    "MAX_NAME_LENGTH",
    "Plan",
    "Register",
    "decode_binary",
    "find_columns",
    "id_texts",
    "make_plan",
    "other_columns",
    "parse_rows",
    "read_register",
]

#: A name longer than this is cut (and its row flagged): no real estate name comes close.
MAX_NAME_LENGTH = 300

#: The columns every register frame starts with; a file's column of the same name is not read.
IDENTITY = ("row", "id", "name", "province", "lat", "lon")


@dataclass
class Register:
    """An estate register as read, with its columns identified and its values parsed.

    Attributes
    ----------
    frame
        One row per data row, in file order, with ``row`` (1-based, header excluded),
        ``id``, ``name``, ``province`` (the text as written), ``lat`` and ``lon`` (floats
        in EPSG:4326, NaN when missing or unusable), then the indicator columns (float64
        for numbers, pandas ``boolean`` for yes/no columns) and any other text columns,
        under their header names as written.
    columns
        Role (``id``, ``name``, ``province``, ``lat``, ``lon``, ``geometry``) → the header
        it was found under.
    indicators
        Header → ``"number"`` or ``"bool"``.
    reasons
        Problems found in single cells, per row.
    warnings
        Problems of the whole file that do not stop it being used (English text; each a
        :class:`geo.i18n.Bilingual` with its Persian wording in ``.fa``).
    path
        The file read, if any.
    source_crs
        The CRS the coordinates were reprojected from, if any.

    Examples
    --------
    >>> reg = read_register(pd.DataFrame({"استان": ["اصفهان"], "ایزو 14001": ["بله"]}))
    >>> reg.columns, reg.indicators
    ({'province': 'استان'}, {'ایزو 14001': 'bool'})
    """

    frame: pd.DataFrame
    columns: dict[str, str]
    indicators: dict[str, str]
    reasons: RowReasons
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None
    source_crs: str | None = None

    def __len__(self) -> int:
        """The number of data rows."""
        return len(self.frame)

    def _repr_html_(self) -> str:
        """The columns found, rows with problems and the file's warnings (Jupyter)."""
        from geo._reprs import register_html

        return register_html(self)

    @property
    def has_location(self) -> bool:
        """Whether the register has coordinates (lat/lon columns or a geometry)."""
        return "geometry" in self.columns or ("lat" in self.columns and "lon" in self.columns)

    @property
    def has_province(self) -> bool:
        """Whether the register has a province column."""
        return "province" in self.columns


@dataclass(frozen=True)
class Plan:
    """How a register's cells become its rows: what was decided from the whole table.

    Attributes
    ----------
    columns
        Role (``id``, ``name``, ``province``, ``lat``, ``lon``, ``geometry``) → header;
        ``lat`` and ``lon`` name the same header for a column of «lat, lon» pairs.
    kinds
        Every other column read as an indicator → ``"number"``, ``"bool"`` or ``"text"``.
    wkt
        Whether ``columns["geometry"]`` is a column of WKT/WKB cells (else the file's own
        geometry, when it has one).
    int_ids
        Whether ids stay whole numbers (an integer id column without blanks).
    crs, declared_crs
        The CRS the caller gave and the one the file declares.
    path
        The file read, if any.
    """

    columns: dict[str, str]
    kinds: dict[str, str]
    wkt: bool = False
    int_ids: bool = False
    crs: str | None = None
    declared_crs: str | None = None
    path: Path | None = None

    @property
    def indicators(self) -> dict[str, str]:
        """Header → ``"number"`` or ``"bool"``: the indicator columns summed per province."""
        return {col: kind for col, kind in self.kinds.items() if kind != "text"}


def find_columns(frame: pd.DataFrame, overrides: Mapping[str, str | None], path: Path | None) -> dict[str, str]:
    """Role → header: the header the caller named for it, else the first of its known names."""
    keys: dict[str, str] = {}
    for col in frame.columns:
        for key in (header_key(col), header_key(without_parens(col))):
            keys.setdefault(key, col)
    found: dict[str, str] = {}
    names = vocabulary().names
    for role in ROLES:
        wanted = overrides.get(role)
        if wanted is not None:
            col = wanted if wanted in frame.columns else keys.get(header_key(wanted))
            if col is None:
                columns = list(map(str, frame.columns))
                raise RegisterError(
                    f"no column {wanted!r} for {role}; the columns are {columns}", path=path, field=wanted
                )
            found[role] = col
            continue
        for alias in names[role]:
            col = keys.get(header_key(alias))
            if col is not None and col not in found.values():
                found[role] = col
                break
    return found


def _location_columns(cells: pd.DataFrame, geometry: str | None, columns: dict[str, str], warnings: list[str]) -> bool:
    """Complete ``columns`` (in place) with the location; return whether it is a WKT/WKB column.

    ``geometry`` is the name of the file's geometry column when it holds any geometry.
    Without it or lat/lon columns, a WKT/WKB column is read as the geometry, else a column
    of «lat, lon» pairs stands for both lat and lon. A lat (or lon) column without its
    partner is dropped. ``cells`` may be a sample: only the first non-blank cells of a
    column are looked at.
    """
    wkt = None
    if geometry is not None:
        columns["geometry"] = geometry
    elif "lat" not in columns and "lon" not in columns:
        taken = set(columns.values())
        wkt = wkt_column(cells, taken)
        if wkt is not None:
            columns["geometry"] = wkt
            warnings.append(message("warnings", "wkt_column", column=wkt))
        elif (pair := pair_column(cells, taken)) is not None:
            columns["lat"] = columns["lon"] = pair
    if ("lat" in columns) != ("lon" in columns):
        have = "lat" if "lat" in columns else "lon"
        warnings.append(message("warnings", "no_partner", column=columns[have], role=ROLE_WORDS[have]))
        columns.pop(have)
    return wkt is not None


def _require_something_to_join(cells: pd.DataFrame, columns: dict[str, str], path: Path | None) -> None:
    """A register without a province column and without a location cannot be joined."""
    if "province" not in columns and "geometry" not in columns and "lat" not in columns:
        raise RegisterError(
            "no province column and no location (lat/lon columns or a geometry); the columns are"
            f" {list(map(str, cells.columns))}. Name them with `province` or `lat`/`lon`, or check the encoding",
            path=path,
        )


def _ascii_ids(ids: pd.Series) -> pd.Series:
    """Ids as written, but Persian digits as ASCII and invisible characters dropped."""
    ids = ids.astype(object)
    odd = ids.map(lambda v: isinstance(v, str) and not v.isascii()).to_numpy(dtype=bool)
    if odd.any():
        ids[odd] = ids[odd].map(lambda v: INVISIBLE.sub("", v).translate(DIGITS).strip())
    return ids


def id_texts(source: pd.Series) -> np.ndarray:
    """Ids as the text a register keeps (None where blank): as written, Persian digits as ASCII.

    Two ids are the same id when their texts are equal, also when the register keeps them
    as whole numbers (see :attr:`Plan.int_ids`): the dask engine finds repeated ids by it.
    """
    values = as_text(source).to_numpy()
    if not pd.api.types.is_numeric_dtype(source.dtype) and len(source):
        values = _ascii_ids(pd.Series(values, dtype=object)).to_numpy()
    return values


def _cut_long_names(cells: pd.Series, names: pd.Series, reasons: RowReasons) -> pd.Series:
    """Names cut to :data:`MAX_NAME_LENGTH` characters (and their rows flagged)."""
    if isinstance(cells.dtype, pd.StringDtype):  # Arrow-backed text: lengths computed in C
        lengths = cells.str.len().fillna(0).to_numpy()
    else:
        lengths = np.fromiter((len(v) if v is not None else 0 for v in names), dtype="int64", count=len(names))
    long = lengths > MAX_NAME_LENGTH
    if not long.any():
        return names
    names = names.copy()
    cut = names[long].str.len().to_numpy()
    reasons.add(long, [Reason("name_too_long", length=k, limit=MAX_NAME_LENGTH) for k in cut.tolist()])
    names[long] = names[long].str.slice(0, MAX_NAME_LENGTH) + "…"
    return names


def _identity_columns(cells: pd.DataFrame, plan: Plan, reasons: RowReasons, first_row: int) -> pd.DataFrame:
    """``row``, then ``id``, ``name`` and ``province`` as written (None where absent or blank).

    Whole-number ids stay numbers (cheap to compare); text ids have their Persian digits
    read as ASCII; names longer than :data:`MAX_NAME_LENGTH` are cut.
    """
    n, columns = len(cells), plan.columns
    frame = pd.DataFrame({"row": np.arange(first_row, first_row + n, dtype="int64")})
    for role in ("id", "name", "province"):
        source = cells[columns[role]] if role in columns else None
        if role == "id" and source is not None:
            frame[role] = source.to_numpy(dtype="int64") if plan.int_ids else pd.Series(id_texts(source), dtype=object)
            continue
        values = as_text(source).to_numpy() if source is not None else np.full(n, None, dtype=object)
        frame[role] = pd.Series(values, dtype=object)
    if "name" in columns:
        frame["name"] = _cut_long_names(cells[columns["name"]], frame["name"], reasons)
    return frame


def decode_binary(cells: pd.DataFrame, used: set[str]) -> None:
    """Binary cells (Parquet) as text (in place), so that they can be read and written."""
    for col in cells.columns:
        if cells[col].dtype == object and col not in used:
            first = cells[col].dropna().head(1).tolist()
            if first and isinstance(first[0], bytes):
                cells[col] = cells[col].map(lambda v: v.decode("utf-8", "replace") if isinstance(v, bytes) else v)


def _indicator(cells: pd.Series, kind: str, reasons: RowReasons) -> Any:
    """The values of one other column, read as ``kind``; cells that do not fit get a reason.

    Negative numbers are left out (they are amounts: counts, areas, money).
    """
    col = cells.name
    if kind == "text":
        return as_text(cells).to_numpy()
    if kind == "bool":
        booleans, invalid = parse_booleans(cells)
        values: Any = booleans.to_numpy()
        what = "not_yes_no"
    else:
        values, invalid = parse_numbers(cells)
        negative = values < 0
        if negative.any():
            reasons.add(negative, [Reason("negative_value", column=col, value=v) for v in values[negative].tolist()])
            values[negative] = np.nan
        what = "not_number"
    if invalid.any():
        reasons.add(invalid, [Reason(what, column=col, value=clip(v)) for v in cells.to_numpy()[invalid]])
    return values


def other_columns(cells: pd.DataFrame, columns: Mapping[str, str]) -> list[str]:
    """The columns read as indicators: those that play no role and do not shadow :data:`IDENTITY`."""
    used = {columns[r] for r in (*ROLES, "geometry") if r in columns}
    return [col for col in cells.columns if col not in used and col not in IDENTITY]


def _indicator_columns(cells: pd.DataFrame, plan: Plan, frame: pd.DataFrame, reasons: RowReasons) -> None:
    """Add every column of ``plan.kinds`` to ``frame``, read as its kind."""
    decode_binary(cells, {plan.columns[r] for r in (*ROLES, "geometry") if r in plan.columns})
    for col, kind in plan.kinds.items():
        frame[col] = _indicator(cells[col], kind, reasons)


def make_plan(
    cells: pd.DataFrame,
    *,
    geometry: str | None,
    kind: Callable[[str], str],
    has_blanks: Callable[[str], bool],
    rows: int,
    overrides: Mapping[str, str | None],
    crs: str | None = None,
    declared_crs: str | None = None,
    path: Path | None = None,
    warnings: list[str] | None = None,
) -> Plan:
    """Decide how the cells of a register become its rows (steps 1–3 and the column kinds).

    Parameters
    ----------
    cells
        The cells, or a sample holding at least the first 200 non-blank cells of each
        column (in file order) and the columns' dtypes.
    geometry
        The name of the file's geometry column when it holds any geometry, else None.
    kind, has_blanks
        By header: an indicator column's kind (:func:`~geo.registers.cells.column_kind`, or
        the :class:`~geo.registers.cells.KindCounts` of its parts added up); whether a column
        has missing cells (an integer id column with them reads as text).
    rows
        The number of data rows of the whole table.
    overrides, crs, declared_crs, path, warnings
        As for :func:`read_register`; the file's declared CRS; where file warnings go.

    Raises
    ------
    RegisterError
        A named column is missing, or there is nothing to join by.
    """
    warnings = warnings if warnings is not None else []
    columns = find_columns(cells, overrides, path)
    wkt = _location_columns(cells, geometry, columns, warnings)
    _require_something_to_join(cells, columns, path)
    decode_binary(cells, {columns[r] for r in (*ROLES, "geometry") if r in columns})
    kinds = {col: kind(col) for col in other_columns(cells, columns)}
    ids = columns.get("id")
    int_ids = ids is not None and pd.api.types.is_integer_dtype(cells[ids].dtype) and not has_blanks(ids)
    if rows == 0:
        warnings.append(message("warnings", "no_rows"))
    return Plan(columns, kinds, wkt, bool(int_ids), crs, declared_crs, path)


def parse_rows(cells: pd.DataFrame, geometry: Any, plan: Plan, first_row: int = 1) -> Register:
    """A :class:`Register` of a batch of rows, read by ``plan`` (steps 4–6).

    Parameters
    ----------
    cells
        The batch's cells, in file order.
    geometry
        The batch's geometry column (a GeoSeries), if the file has one.
    plan
        From :func:`make_plan`.
    first_row
        The data row number (1-based) of the batch's first row.

    Returns
    -------
    Register
        Its ``warnings`` are those of the batch's cells alone (coordinates read as
        degrees-minutes-seconds …).
    """
    cells = cells.reset_index(drop=True)
    early = RowReasons(len(cells))
    if plan.wkt:
        geometry = wkt_geometries(cells[plan.columns["geometry"]], early)
    elif "geometry" not in plan.columns:
        geometry = None
    reasons = RowReasons(len(cells))
    reasons.extend(early)
    frame = _identity_columns(cells, plan, reasons, first_row)
    warnings: list[str] = []
    lon, lat, source_crs = coordinates(cells, geometry, plan.columns, plan.crs, plan.declared_crs, reasons, warnings)
    frame["lat"], frame["lon"] = lat, lon
    _indicator_columns(cells, plan, frame, reasons)
    return Register(frame, dict(plan.columns), plan.indicators, reasons, warnings, plan.path, source_crs)


def _build(
    cells: pd.DataFrame,
    geometry: Any,
    declared_crs: str | None,
    path: Path | None,
    overrides: Mapping[str, str | None],
    crs: str | None,
    warnings: list[str],
) -> Register:
    """A :class:`Register` from all of a file's cells: its plan, then its rows."""
    cells = cells.reset_index(drop=True)
    present = geometry is not None and not shapely.is_missing(np.asarray(geometry.values, dtype=object)).all()
    plan = make_plan(
        cells,
        geometry=(getattr(geometry, "name", "geometry") or "geometry") if present else None,
        kind=lambda col: column_kind(cells[col]),
        has_blanks=lambda col: bool(cells[col].hasnans),
        rows=len(cells),
        overrides=overrides,
        crs=crs,
        declared_crs=declared_crs,
        path=path,
        warnings=warnings,
    )
    reg = parse_rows(cells, geometry, plan)
    reg.warnings = [*warnings, *reg.warnings]
    return reg


def read_register(
    source: str | Path | pd.DataFrame,
    *,
    id: str | None = None,  # noqa: A002 - the column role is called id
    name: str | None = None,
    province: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    crs: str | None = None,
    sheet: str | None = None,
) -> Register:
    """Read an estate register from a file or a DataFrame.

    Parameters
    ----------
    source
        A CSV/TSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1256), XLSX, GeoJSON,
        GeoPackage or (Geo)Parquet file, or a (Geo)DataFrame already in memory.
    id, name, province, lat, lon
        Header of the column to use for that role, instead of finding it by name.
    crs
        CRS of the coordinates (``lat`` = y, ``lon`` = x), e.g. ``"EPSG:3857"``; wins over
        a CRS the file declares.
    sheet
        The sheet of an XLSX workbook or the layer of a GeoPackage to read. Without it, the
        first sheet whose header names estate columns is read (the first layer), with a
        warning naming the others when there are several.

    Returns
    -------
    Register
        The parsed register; see :class:`Register`.

    Raises
    ------
    RegisterError
        The file is missing, empty, of an unknown format or unreadable, or has neither a
        province column nor a location.

    Examples
    --------
    >>> frame = pd.DataFrame({"Province": ["Tehran"], "Latitude": [35.7], "Longitude": [51.4]})
    >>> sorted(read_register(frame).columns)
    ['lat', 'lon', 'province']
    """
    overrides = {"id": id, "name": name, "province": province, "lat": lat, "lon": lon}
    if isinstance(source, pd.DataFrame):
        geometry = None
        cells = source
        declared = None
        if hasattr(source, "geometry") and "geometry" in getattr(source, "columns", []):
            geometry = source.geometry
            declared = geometry.crs.to_string() if geometry.crs is not None else None
            cells = pd.DataFrame(source.drop(columns=geometry.name))
        return _build(cells, geometry, declared, None, overrides, crs, [])
    path = Path(source)
    wanted = frozenset(header_key(v) for v in (id, name, province, lat, lon) if v is not None)
    found = read_file(path, sheet, wanted)
    return _build(found.frame, found.geometry, found.crs, path, overrides, crs, found.warnings)
