"""Assembling a :class:`Register` from a file's cells: the rules, step by step.

Decided once for the whole file (:func:`geo.registers.plan.plan_register`, a
:class:`~geo.registers.plan.Plan`):

0. the column limit, column names made unique text without
   control characters;
1. :func:`geo.registers.columns.find_columns`: the role columns, named by the caller or
   found by header;
2. the location: without lat/lon columns or a geometry, a WKT/WKB column or a
   column of «lat, lon» pairs; a lat (or lon) column without its partner is not used;
   then :func:`geo.registers.columns.province_by_content` (no province header: a column
   whose values name provinces) and :func:`geo.registers.columns.rename_reserved` (user
   columns that would shadow the product's own are renamed);
3. a province column or a location, else the file is unusable.

Then, row by row, for any batch of rows (:func:`parse_rows`: the whole file in memory, or
one partition of it, the same code):

4. control characters removed from cells (a note on the row);
5. :func:`_identity_columns`: ``id``, ``name`` and ``province`` as text as written (ids
   with Persian digits read as ASCII, ids too large for int64 as text, over-long names cut);
6. :func:`geo.registers.coordinates.coordinates`: ``lat``/``lon`` in EPSG:4326;
7. :func:`_indicator_columns`: every other column as numbers, yes/no values or text (the
   kind of each decided from the batch's cells unless the plan fixes it).
"""

from __future__ import annotations

import warnings as pywarnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from geo._text import INVISIBLE
from geo.errors import InputTypeError, RegisterError, RegisterWarning
from geo.i18n import message, whole
from geo.reasons import Reason, RowReasons
from geo.registers._database import is_database_url
from geo.registers.cells import (
    Cells,
    as_text,
    ascii_or_blank,
    clip,
    column_kind,
    parse_booleans,
    parse_numbers,
    remove_controls,
)
from geo.registers.coordinates import coordinates, wkt_geometries
from geo.registers.known import declared_kind
from geo.registers.plan import Plan, RegisterInfo, plan_register
from geo.registers.readers import read_file
from geo.registers.utm import ZONES
from geo.registers.vocabulary import DIGITS, ROLES, header_key

__all__ = [
    "MAX_NAME_LENGTH",
    "Plan",
    "Register",
    "build_register",
    "decode_binary",
    "parse_ids",
    "parse_rows",
    "fits_int64",
    "plan_register",
    "read_cells",
    "read_register",
]

#: A name longer than this is cut (and its row flagged): no real estate name comes close.
MAX_NAME_LENGTH = 300


@dataclass
class Register:
    """An estate register as read, with its columns identified and its values parsed.

    Attributes
    ----------
    frame
        One row per data row, in file order, with ``row`` (1-based, header excluded),
        ``id``, ``name``, ``province``, ``county`` (the texts as written), ``lat`` and ``lon`` (floats
        in EPSG:4326, NaN when missing or unusable), then the indicator columns (float64
        for numbers, pandas ``boolean`` for yes/no columns) and any other text columns,
        under their header names as written.
    columns
        Role (``id``, ``name``, ``province``, ``county``, ``lat``, ``lon``, ``geometry``) → the header
        it was found under.
    indicators
        Header → ``"number"`` or ``"bool"``.
    reasons
        Problems found in single cells, per row.
    notes
        What was done to single cells that is not a problem (control characters
        removed), per row: a row with notes but no reasons is still joined.
    warnings
        Problems of the whole file that do not stop it being used (English text; each a
        :class:`geo.i18n.Bilingual` with its Persian wording in ``.fa``).
    path
        The file read, if any.
    source_crs
        The CRS the coordinates were reprojected from, if any.
    renamed
        Header as written → the header it is known by here, of the user columns renamed
        so as not to shadow the product's own (``status`` → ``user_status``).

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
    path: PurePath | None = None
    source_crs: str | None = None
    notes: RowReasons | None = None
    renamed: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        """The number of data rows."""
        return len(self.frame)

    def _repr_html_(self) -> str:
        """The columns found, rows with problems and the file's warnings (Jupyter)."""
        from geo._reprs import register_html

        return register_html(self)

    @property
    def info(self) -> RegisterInfo:
        """The register as a whole, without its rows (its warnings are this register's list)."""
        return RegisterInfo(self.columns, self.indicators, self.warnings, self.path, self.source_crs, self.renamed)

    #: Whether the register has coordinates (lat/lon columns or a geometry), a province column, a county column.
    has_location = property(lambda self: self.info.has_location)
    has_province = property(lambda self: self.info.has_province)
    has_county = property(lambda self: self.info.has_county)


def _ascii_ids(ids: pd.Series) -> pd.Series:
    """Ids as written, but Persian digits as ASCII and invisible characters dropped."""
    ids = ids.astype(object)
    odd = ~ascii_or_blank(ids)
    if odd.any():
        ids[odd] = ids[odd].map(lambda v: INVISIBLE.sub("", v).translate(DIGITS).strip())
    return ids


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


def fits_int64(ids: pd.Series) -> bool:
    """Whether whole-number ids can stay int64: no blank, and none past int64 (a uint64 column)."""
    if not pd.api.types.is_integer_dtype(ids.dtype) or ids.hasnans:
        return False
    return ids.dtype.kind != "u" or not len(ids) or int(ids.max()) <= np.iinfo("int64").max


def _identity_columns(
    cells: pd.DataFrame, columns: dict[str, str], reasons: RowReasons, first_row: int = 1, int_ids: bool | None = None
) -> pd.DataFrame:
    """``row``, then ``id``, ``name``, ``province`` and ``county`` as written (None where absent or blank).

    Whole-number ids stay numbers (cheap to compare; ``int_ids``: decided for the whole
    register, else from these cells); text ids have their Persian digits read as ASCII;
    names longer than :data:`MAX_NAME_LENGTH` are cut.
    """
    n = len(cells)
    frame = pd.DataFrame({"row": np.arange(first_row, first_row + n, dtype="int64")})
    for role in ("id", "name", "province", "county"):
        source = cells[columns[role]] if role in columns else None
        if role == "id" and source is not None and (fits_int64(source) if int_ids is None else int_ids):
            frame[role] = source.to_numpy(dtype="int64")
            continue
        values = as_text(source).to_numpy() if source is not None else np.full(n, None, dtype=object)
        frame[role] = pd.Series(values, dtype=object)
    if "id" in columns and not pd.api.types.is_numeric_dtype(cells[columns["id"]].dtype) and n:
        frame["id"] = _ascii_ids(frame["id"]).to_numpy()
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


def _indicator(cells: pd.Series, reasons: RowReasons, kind: str | None = None) -> tuple[str, Any]:
    """The kind of one other column (``kind``, else found from its cells) and its values.

    Cells that do not fit get a reason. Negative numbers are left out (they are amounts:
    counts, areas, money).
    """
    col = cells.name
    numbers = parse_numbers(cells) if kind != "bool" else None
    kind = kind or column_kind(cells, numbers, declared_kind(col))
    if kind == "text":
        return kind, as_text(cells).to_numpy()
    if kind == "bool":
        booleans, invalid = parse_booleans(cells)
        values: Any = booleans.to_numpy()
        what = "not_yes_no"
    else:
        values, invalid = numbers if numbers is not None else parse_numbers(cells)
        negative = values < 0
        if negative.any():
            reasons.add(negative, [Reason("negative_value", column=col, value=v) for v in values[negative].tolist()])
            values[negative] = np.nan
        what = "not_number"
    if invalid.any():
        reasons.add(invalid, [Reason(what, column=col, value=clip(v)) for v in cells.to_numpy()[invalid]])
    return kind, values


def _indicator_columns(
    cells: pd.DataFrame,
    columns: dict[str, str],
    frame: pd.DataFrame,
    reasons: RowReasons,
    kinds: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` with every column that plays no role added, and header → number/bool.

    Their names cannot clash with ``frame``'s (:func:`~geo.registers.columns.rename_reserved`).
    ``kinds`` (header → number/bool) fixes the kind of each column, others being text;
    without it, each column's kind is found from its cells.
    """
    used = {columns[r] for r in (*ROLES, "geometry") if r in columns}
    decode_binary(cells, used)
    indicators: dict[str, str] = {}
    added: dict[str, Any] = {}
    for col in cells.columns:
        if col in used:
            continue
        if col in frame.columns:  # pragma: no cover - rename_reserved renamed it
            raise AssertionError(f"column {col!r} shadows a column of the register")
        kind, values = _indicator(cells[col], reasons, None if kinds is None else kinds.get(col, "text"))
        added[col] = values
        if kind != "text":
            indicators[col] = kind
    if added:  # at once: inserting columns one by one copies the frame each time
        frame = pd.concat([frame, pd.DataFrame(added, index=frame.index)], axis=1)
    return frame, indicators


def parse_rows(
    cells: pd.DataFrame, geometry: Any, plan: Plan, first_row: int = 1, cell_reasons: RowReasons | None = None
) -> Register:
    """Read a batch of a register's rows by ``plan``: steps 4-7 (pure).

    Parameters
    ----------
    cells
        The batch's cells, under the file's headers (or the plan's renamed ones).
    geometry
        The batch's geometry column (a spatial file), or None.
    plan
        From :func:`plan_register`.
    first_row
        The 1-based data row of the batch's first row (``row`` counts from it).
    cell_reasons
        Reasons the reader gave the batch's rows (a formula without a saved value), if any.

    Returns
    -------
    Register
        The batch's rows, reasons, notes and warnings (``indicators``: the kinds used).
    """
    cells = cells.reset_index(drop=True).rename(columns=plan.renamed)
    columns = dict(plan.columns)
    notes = RowReasons(len(cells))
    cells = remove_controls(cells, notes)
    reasons = RowReasons(len(cells))
    if cell_reasons is not None:
        reasons.extend(cell_reasons)
    warnings: list[str] = []
    if plan.wkt is not None:
        geometry = wkt_geometries(cells[plan.wkt], reasons)
    frame = _identity_columns(cells, columns, reasons, first_row, plan.int_ids)
    lon, lat, source_crs = coordinates(
        cells, geometry, columns, crs=plan.crs, declared=plan.declared_crs, reasons=reasons, warnings=warnings
    )
    frame["lat"], frame["lon"] = lat, lon
    if plan.assumed_zone is not None:
        zone = plan.assumed_zone
        reasons.add(~np.isnan(lat), Reason("utm_assumed", zone=zone, epsg=str(ZONES[zone])))
    frame, indicators = _indicator_columns(cells, columns, frame, reasons, plan.indicators)
    return Register(frame, columns, indicators, reasons, warnings, plan.path, source_crs, notes, dict(plan.renamed))


def parse_ids(cells: pd.DataFrame, plan: Plan) -> pd.Series:
    """The ``id`` of a batch's rows as :func:`parse_rows` gives it, as text (None: blank or no id column).

    Text, whatever ``plan.int_ids``: the same text for the same id in every batch.
    """
    column = plan.columns.get("id")
    if column is None:
        return pd.Series([None] * len(cells), dtype=object)
    cells = cells.reset_index(drop=True).rename(columns=plan.renamed)[[column]]
    cells = remove_controls(cells, RowReasons(len(cells)))
    ids = _identity_columns(cells, {"id": column}, RowReasons(len(cells)))["id"]
    return ids.astype(object).where(ids.notna(), None).map(str, na_action="ignore")


def build_register(found: Cells, overrides: Mapping[str, str | None], crs: str | None) -> Register:
    """A :class:`Register` of all of a file's rows: its plan, then its rows parsed as one batch."""
    plan, cells, geometry, warnings = plan_register(found, overrides, crs)
    reg = parse_rows(cells, geometry, plan, cell_reasons=found.reasons)
    reg.warnings[:0] = warnings
    if len(cells) == 0:
        reg.warnings.append(message("warnings", "no_rows"))
    return reg


def _source_of(source: object) -> Path | pd.DataFrame:
    """``source`` as a path or a DataFrame.

    Raises
    ------
    InputTypeError
        Anything else (None, a number, bytes, a list of records).
    """
    if isinstance(source, pd.DataFrame):
        return source
    if isinstance(source, (str, Path)) and str(source).strip():
        return Path(source)
    if isinstance(source, bytes):
        hint = message("errors", "build_source_bytes")
    elif isinstance(source, (list, tuple)) and source and all(isinstance(r, Mapping) for r in source):
        hint = message("errors", "build_source_records")
    else:
        hint = whole("")
    given = {"kind": type(source).__name__, "value": whole(clip(repr(source), 60))}
    raise InputTypeError(message("errors", "build_source_type", **given, hint=hint))


def _check_overrides(overrides: Mapping[str, object]) -> None:
    """Column names and the CRS are text (or None).

    Raises
    ------
    InputTypeError
        One of them is not.
    """
    for key, value in overrides.items():
        if value is not None and not isinstance(value, str) and not (key == "crs" and hasattr(value, "to_wkt")):
            code = "build_names_table" if key in ("table", "sql") else "build_names_column"
            raise InputTypeError(message("errors", code, key=key, kind=type(value).__name__))


def read_register(  # noqa: PLR0913 - keyword-only: a column per role
    source: str | Path | pd.DataFrame,
    *,
    id: str | None = None,  # noqa: A002 - the column role is called id
    name: str | None = None,
    province: str | None = None,
    county: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    crs: str | None = None,
    sheet: str | None = None,
    table: str | None = None,
    sql: str | None = None,
) -> Register:
    """Read an estate register from a file, a DataFrame or a PostgreSQL/PostGIS database.

    Parameters
    ----------
    source
        A CSV/TSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1256), XLSX, GeoJSON,
        GeoPackage or (Geo)Parquet file, a (Geo)DataFrame already in memory, or a
        ``postgresql://`` URL of a database (with ``table`` or ``sql``; the password from
        the URL or libpq's ``PG*`` variables, never shown: :mod:`geo.registers.postgis`).
    id, name, province, county, lat, lon
        Header of the column to use for that role, instead of finding it by name.
    crs
        CRS of the coordinates (``lat`` = y, ``lon`` = x), e.g. ``"EPSG:3857"``; wins over
        a CRS the file declares.
    sheet
        The sheet of an XLSX workbook or the layer of a GeoPackage to read. Without it, the
        first sheet whose header names estate columns is read (the first layer), with a
        warning naming the others when there are several.
    table
        With a database URL: the table or view to read (``name`` or ``schema.name``, as
        written in the database); its first geometry column is the location, in the CRS
        of its SRID.
    sql
        With a database URL: a query to read instead of a table (read-only).

    Returns
    -------
    Register
        The parsed register; see :class:`Register`.

    Raises
    ------
    RegisterError
        The file is missing, empty, of an unknown format or unreadable, or has neither a
        province column nor a location; :class:`~geo.errors.LimitError` (a subclass) when
        it is beyond a limit of :mod:`geo.registers.limits`.
    InputTypeError
        ``source`` is neither a path nor a DataFrame, or a column is named by a non-text.

    Examples
    --------
    >>> frame = pd.DataFrame({"Province": ["Tehran"], "Latitude": [35.7], "Longitude": [51.4]})
    >>> sorted(read_register(frame).columns)
    ['lat', 'lon', 'province']
    """
    overrides = {"id": id, "name": name, "province": province, "county": county, "lat": lat, "lon": lon}
    reg = build_register(read_cells(source, sheet, overrides, crs, table=table, sql=sql), overrides, crs)
    for text in reg.warnings:
        pywarnings.warn(str(text), RegisterWarning, stacklevel=2)
    return reg


def read_cells(
    source: object,
    sheet: str | None,
    overrides: Mapping[str, str | None],
    crs: str | None = None,
    *,
    table: str | None = None,
    sql: str | None = None,
) -> Cells:
    """A register's cells, geometry column, declared CRS and file warnings, from a file, a frame or a database.

    Raises
    ------
    InputTypeError
        ``source`` is neither a path, a DataFrame nor a database URL, or a column is named by a non-text.
    RegisterError
        ``table`` or ``sql`` with a source that is not a database URL.
    """
    _check_overrides({**overrides, "crs": crs, "sheet": sheet, "table": table, "sql": sql})
    if table is not None or sql is not None or is_database_url(source):
        return _database_cells(source, sheet, table, sql)
    where = _source_of(source)
    if isinstance(where, pd.DataFrame):
        found = Cells(where)
        if hasattr(where, "geometry") and "geometry" in getattr(where, "columns", []):
            found.geometry = where.geometry
            found.crs = found.geometry.crs.to_string() if found.geometry.crs is not None else None
            found.frame = pd.DataFrame(where.drop(columns=found.geometry.name))
        return found
    wanted = frozenset(header_key(v) for v in overrides.values() if v is not None)
    found = read_file(where, sheet, wanted, crs)
    found.path = where
    return found


def _database_cells(source: object, sheet: str | None, table: str | None, sql: str | None) -> Cells:
    """The cells of a database register (:mod:`geo.registers.postgis`, imported only for one)."""
    if not is_database_url(source):
        raise RegisterError(message("database", "not_database"), field="table" if table is not None else "sql")
    if sheet is not None:
        raise RegisterError(message("errors", "build_sheet_of_database"), field="sheet")
    from geo.registers.postgis import read_database

    return read_database(str(source), table=table, sql=sql)
