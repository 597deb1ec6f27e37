"""Read users' estate registers: CSV/TSV, XLSX, GeoJSON, GeoPackage, (Geo)Parquet.

A register is a table with one row per industrial estate. Its columns are found by
name in Persian or English (``id``/«شناسه», ``name``/«نام», ``province``/«استان»,
``lat``/«عرض جغرافیایی», ``lon``/«طول جغرافیایی», or a geometry), matched after
normalisation (Arabic letter forms, zero-width non-joiners, case, spaces, digits), and
every one can be named explicitly instead. The remaining columns are *indicators*:
numbers (Persian and Arabic-Indic digits, thousands separators ``٬ , ،``, the Arabic
decimal separator ``٫``) or booleans (بله/خیر, دارد/ندارد, yes/no, true/false, 1/0).

Reading never drops a row. A cell that cannot be read (text in a number column, a
negative amount, a coordinate out of range) becomes a *reason* attached to its row, and
:func:`geo.join` decides from all reasons whether the row is joined, flagged or rejected.
Only a file that cannot be used at all raises :class:`geo.errors.RegisterError`.

Coordinates come back in EPSG:4326. A file that declares another CRS (GeoJSON, GeoPackage,
GeoParquet) is reprojected with pyproj, and so are ``lat``/``lon`` columns when the caller
passes ``crs=`` (``--crs`` on the command line); the ``--crs`` given by the user wins over
a declared one.

Examples
--------
>>> import pandas as pd
>>> reg = read_register(pd.DataFrame({"استان": ["اصفهان"], "عرض": ["۳۲٫۶۵"], "طول": ["51.67"]}))
>>> reg.columns["province"], float(reg.frame.loc[0, "lat"])
('استان', 32.65)
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import shapely

from geo._paths import data_dir
from geo._text import DIGIT_MAP, MATCH_LETTERS
from geo._text import INVISIBLE as _INVISIBLE
from geo.errors import DataError, RegisterError

__all__ = ["Register", "RowReasons", "read_register", "header_key", "parse_numbers", "parse_booleans", "ROLES"]

#: The columns a register may have, besides its indicators.
ROLES = ("id", "name", "province", "lat", "lon")

_LETTERS = MATCH_LETTERS
_DIGITS = str.maketrans({**DIGIT_MAP, "٫": ".", "−": "-"})  # also the Arabic decimal point and minus sign
_NOT_WORD = re.compile(r"[\W_]+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_GROUPED = r"[+-]?\d{1,3}(?:[,٬،]\d{3})+(?:\.\d+)?"
_FORMATS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".parquet": "parquet",
    ".geoparquet": "parquet", ".pq": "parquet",
}  # fmt: skip
#: A name longer than this is cut (and its row flagged): no real estate name comes close.
MAX_NAME_LENGTH = 300


def header_key(text: object) -> str:
    """Reduce a column header (or a short cell value) to the key used for matching.

    Folds Arabic letter forms into Persian ones, turns Persian and Arabic-Indic digits
    into ASCII, drops zero-width characters, case and every space or punctuation mark.

    Examples
    --------
    >>> header_key("عرض جغرافيائي") == header_key("عرض‌جغرافیایی")
    True
    >>> header_key(" Latitude ")
    'latitude'
    """
    s = unicodedata.normalize("NFKC", str(text))
    s = _INVISIBLE.sub("", s).translate(_LETTERS).translate(_DIGITS).casefold()
    return _NOT_WORD.sub("", s)


def _read_vocabulary() -> tuple[dict[str, tuple[str, ...]], frozenset[str], frozenset[str]]:
    """Column headers of each role and the yes/no words, from ``data/registers/vocabulary.csv``."""
    path = data_dir() / "registers" / "vocabulary.csv"
    roles: dict[str, list[str]] = {role: [] for role in ROLES}
    words: dict[str, set[str]] = {"true": set(), "false": set()}
    with path.open(encoding="utf-8", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=1):
            kind, meaning, word = rec["kind"], rec["meaning"], rec["word"]
            if kind == "column" and meaning in roles:
                roles[meaning].append(word)
            elif kind == "boolean" and meaning in words:
                words[meaning].add(header_key(word))
            else:
                raise DataError(f"unknown kind/meaning {kind!r}/{meaning!r}", path=path, row=i, field="meaning")
    return {k: tuple(v) for k, v in roles.items()}, frozenset(words["true"]), frozenset(words["false"])


_ROLE_NAMES, _TRUE_KEYS, _FALSE_KEYS = _read_vocabulary()


class RowReasons:
    """Reasons attached to rows, collected column by column without a loop over all rows.

    Parameters
    ----------
    n
        The number of rows.

    Examples
    --------
    >>> r = RowReasons(3)
    >>> r.add(np.array([True, False, True]), "bad")
    >>> r.add(np.array([False, False, True]), np.array(["worse"], dtype=object))
    >>> r.lists().tolist()
    [('bad',), (), ('bad', 'worse')]
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self._parts: list[tuple[np.ndarray, Any]] = []

    def add(self, mask: np.ndarray, message: str | np.ndarray | Iterable[str]) -> None:
        """Attach ``message`` to the rows where ``mask`` holds.

        ``message`` is one text for all of them, or one text per selected row (in order).
        """
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if positions.size == 0:
            return
        if not isinstance(message, str):
            message = np.asarray(list(message) if not isinstance(message, np.ndarray) else message, dtype=object)
            if message.shape[0] != positions.size:
                raise ValueError("one message per selected row is needed")
        self._parts.append((positions, message))

    def add_at(self, positions: np.ndarray, messages: str | np.ndarray) -> None:
        """Attach ``messages`` (one text, or one per position) to the rows at ``positions``."""
        positions = np.asarray(positions, dtype="int64")
        if positions.size:
            self._parts.append((positions, messages if isinstance(messages, str) else np.asarray(messages, dtype=object)))

    def extend(self, other: RowReasons, positions: np.ndarray | None = None) -> None:
        """Add the reasons of ``other``; its row i becomes row ``positions[i]`` here."""
        for pos, msg in other._parts:
            self._parts.append((pos if positions is None else positions[pos], msg))

    def any(self) -> np.ndarray:
        """Boolean mask of the rows that have at least one reason."""
        out = np.zeros(self.n, dtype=bool)
        for pos, _ in self._parts:
            out[pos] = True
        return out

    def lists(self) -> np.ndarray:
        """One tuple of reasons per row (an object array), in the order they were added.

        Rows without reasons share one empty tuple, so that 10^6 clean rows cost nothing.
        """
        out = np.empty(self.n, dtype=object)
        out.fill(())
        if not self._parts:
            return out
        counts = np.bincount(np.concatenate([pos for pos, _ in self._parts]), minlength=self.n)
        found: dict[int, list[str]] = {}
        for pos, msg in self._parts:
            single = counts[pos] == 1
            if single.any():  # the common case, without a Python step per row for one message
                if isinstance(msg, str):
                    out[pos[single]] = _filled(int(single.sum()), (msg,))
                else:
                    out[pos[single]] = [(m,) for m in msg[single].tolist()]
            many = pos[~single].tolist()
            texts = [msg] * len(many) if isinstance(msg, str) else msg[~single].tolist()
            for p, m in zip(many, texts, strict=True):
                found.setdefault(p, []).append(m)
        for p, msgs in found.items():
            out[p] = tuple(msgs)
        return out


def _filled(n: int, value: object) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for i in range(min(n, 1)):
        out[i] = value
    if n > 1:
        out[1:] = out[0:1].repeat(n - 1)
    return out


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
        Problems of the whole file that do not stop it being used.
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
        return len(self.frame)

    @property
    def has_location(self) -> bool:
        """Whether the register has coordinates (lat/lon columns or a geometry)."""
        return "geometry" in self.columns or ("lat" in self.columns and "lon" in self.columns)

    @property
    def has_province(self) -> bool:
        """Whether the register has a province column."""
        return "province" in self.columns


# --------------------------------------------------------------------------- values


def _blank(s: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return s.isna().to_numpy()
    text = s.astype("object")
    mask = text.isna().to_numpy().copy()
    strings = ~mask
    if strings.any():
        stripped = pd.Series(text[strings]).astype(str).str.strip()
        mask[strings] = (stripped == "").to_numpy()
    return mask


def _as_text(s: pd.Series) -> pd.Series:
    """Cells as stripped text (None where blank); whole floats lose their ``.0``."""
    if pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans:
        return s.astype(str).astype(object)
    if pd.api.types.is_float_dtype(s.dtype):
        whole = s.notna() & np.isfinite(s.fillna(0)) & (s.fillna(0) % 1 == 0)
        out = s.astype(object).where(~whole, s.where(whole).fillna(0).astype("int64").astype(str))
        out = out.astype(str).where(s.notna(), None)
    elif isinstance(s.dtype, pd.StringDtype) and not s.hasnans:
        out = s.str.strip()
    else:
        out = s.astype(object).map(lambda v: str(v).strip(), na_action="ignore")
    out = out.astype(object)
    return out.where(out.notna() & (out != ""), None)


def parse_numbers(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of numbers written in any of the forms Iranian files use.

    Parameters
    ----------
    s
        Cells: numbers, or text with Latin, Persian or Arabic-Indic digits, thousands
        separators (``٬``, ``,``, ``،`` between groups of three digits) and ``.`` or ``٫``
        as decimal separator.

    Returns
    -------
    values, invalid
        float64 values (NaN where blank or invalid) and a mask of the cells that were
        not blank but are not a finite number (text, ``NaN``, ``Infinity``).

    Examples
    --------
    >>> v, bad = parse_numbers(pd.Series(["۱٬۲۳۴٫۵", "12", "abc", "", "inf"]))
    >>> v.tolist()[:2], bad.tolist()
    ([1234.5, 12.0], [False, False, True, False, True])
    """
    blank = _blank(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype("float64")
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = s.astype("float64").to_numpy(copy=True)
    else:
        obj = s.astype(object)
        values = pd.to_numeric(obj, errors="coerce").astype("float64").to_numpy(copy=True)
        slow = np.isnan(values) & ~blank
        if slow.any():
            text = pd.Series(obj[slow]).astype(str).map(
                lambda v: _INVISIBLE.sub("", unicodedata.normalize("NFKC", v)).translate(_DIGITS).strip()
            )
            grouped = text.str.fullmatch(_GROUPED)
            text = text.where(~grouped, text.str.replace(r"[,٬،]", "", regex=True))
            values[slow] = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy()
    invalid = ~blank & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    return values, invalid


def _bool_keys(s: pd.Series) -> pd.Series:
    uniques = pd.unique(s.astype(object)[~_blank(s)])
    keys = {u: header_key(u if not isinstance(u, float) or not u.is_integer() else int(u)) for u in uniques}
    return s.astype(object).map(keys)


def parse_booleans(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse a yes/no column in Persian or English.

    Returns
    -------
    values, invalid
        A pandas ``boolean`` Series (``<NA>`` where blank or invalid) and a mask of the
        cells that were not blank but are not a yes/no word.

    Examples
    --------
    >>> v, bad = parse_booleans(pd.Series(["دارد", "ندارد", "بله", "خير", "No", "۱", "maybe"]))
    >>> v.tolist(), bad.tolist()[-1]
    ([True, False, True, False, False, True, <NA>], True)
    """
    keys = _bool_keys(s)
    true = keys.isin(_TRUE_KEYS).to_numpy()
    false = keys.isin(_FALSE_KEYS).to_numpy()
    out = pd.array([pd.NA] * len(s), dtype="boolean")
    out[true] = True
    out[false] = False
    invalid = ~_blank(s) & ~true & ~false
    return pd.Series(out, index=s.index), invalid


def _kind(s: pd.Series) -> Literal["number", "bool", "text"]:
    present = ~_blank(s)
    n = int(present.sum())
    if n == 0:
        return "text"
    keys = _bool_keys(s)[present]
    bool_share = float(keys.isin(_TRUE_KEYS | _FALSE_KEYS).mean())
    _, invalid = parse_numbers(s)
    num_share = 1.0 - float(invalid[present].mean())
    if bool_share == 1.0 or (bool_share >= 0.8 and bool_share > num_share):
        return "bool"
    if num_share >= 0.5:
        return "number"
    return "text"


def _quote(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


# --------------------------------------------------------------------------- files


def _format_of(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"PAR1"):
        return "parquet"
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RegisterError("old Excel .xls files are not read; save the sheet as .xlsx or CSV", path=path)
    if suffix in _FORMATS:
        return _FORMATS[suffix]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    raise RegisterError(
        f"unknown register format {suffix or '(no extension)'!r}; use CSV, TSV, XLSX, GeoJSON, GeoPackage"
        " or (Geo)Parquet",
        path=path,
    )


def _decode(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Text of a CSV/TSV file and warnings about its encoding."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise RegisterError(f"broken UTF-16 text: {exc}", path=path) from exc
    if b"\x00" in data[:65536]:
        raise RegisterError("not a text file (it holds NUL bytes); is it binary or UTF-16 without a BOM?", path=path)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8, legacy, out = [], [], []
    for number, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
            if any(b >= 0x80 for b in line):
                utf8.append(number)
        except UnicodeDecodeError:
            out.append(line.decode("cp1256", errors="replace"))
            legacy.append(number)
    if utf8:
        shown = ", ".join(map(str, legacy[:10])) + (" …" if len(legacy) > 10 else "")
        return "\n".join(out), [
            f"mixed encodings: most lines are UTF-8 but lines {shown} are not; they were read as Windows-1256"
        ]
    return data.decode("cp1256", errors="replace"), []


def _read_delimited(path: Path, sep: str | None) -> tuple[pd.DataFrame, list[str]]:
    data = path.read_bytes()
    if not data.strip():
        raise RegisterError("the file is empty", path=path)
    text, warnings = _decode(data, path)
    if not text.strip():
        raise RegisterError("the file is empty", path=path)
    if sep is None:
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        sep = max(("\t", ",", ";", "|"), key=first.count)
        if first.count(sep) == 0:
            sep = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=True)  # fmt: skip
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise RegisterError(f"cannot read as delimited text: {str(exc).strip()}", path=path) from exc
    frame.columns = [str(c).lstrip("\ufeff").strip() for c in frame.columns]
    return frame, warnings



def _read_file(path: Path) -> tuple[pd.DataFrame, Any, str | None, list[str]]:
    """The cells, geometry (or None), declared CRS and warnings of a register file."""
    if not path.exists():
        raise RegisterError("no such file", path=path)
    if not path.is_file():
        raise RegisterError("not a file", path=path)
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise RegisterError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    if not head:
        raise RegisterError("the file is empty", path=path)
    fmt = _format_of(path, head)
    if fmt in ("csv", "tsv"):
        frame, warnings = _read_delimited(path, "\t" if fmt == "tsv" else None)
        return frame, None, None, warnings
    if fmt == "xlsx":
        try:
            frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise RegisterError(f"cannot read as XLSX: {exc}", path=path) from exc
        frame.columns = [str(c).strip() for c in frame.columns]
        return frame, None, None, []
    import geopandas as gpd

    try:
        if fmt == "parquet":
            try:
                gdf = gpd.read_parquet(path)
            except (ValueError, KeyError):
                return pd.read_parquet(path), None, None, []
        else:
            gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio/pyarrow raise their own error classes
        what = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "parquet": "Parquet"}[fmt]
        raise RegisterError(f"cannot read as {what}: {str(exc).strip()}", path=path) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        return pd.DataFrame(gdf), None, None, []
    geometry = gdf.geometry
    crs = geometry.crs.to_string() if geometry.crs is not None else None
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    return frame, geometry, crs, []


# --------------------------------------------------------------------------- columns


def _find_columns(frame: pd.DataFrame, overrides: Mapping[str, str | None], path: Path | None) -> dict[str, str]:
    keys: dict[str, str] = {}
    for col in frame.columns:
        for key in (header_key(col), header_key(_PARENS.sub("", str(col)))):
            keys.setdefault(key, col)
    found: dict[str, str] = {}
    for role in ROLES:
        wanted = overrides.get(role)
        if wanted is not None:
            if wanted in frame.columns:
                found[role] = wanted
            elif header_key(wanted) in keys:
                found[role] = keys[header_key(wanted)]
            else:
                raise RegisterError(
                    f"no column {wanted!r} for {role}; the columns are {list(map(str, frame.columns))}",
                    path=path,
                    field=wanted,
                )
            continue
        for alias in _ROLE_NAMES[role]:
            col = keys.get(header_key(alias))
            if col is not None and col not in found.values():
                found[role] = col
                break
    return found


def _coordinates(
    frame: pd.DataFrame,
    geometry: Any,
    columns: dict[str, str],
    crs: str | None,
    declared: str | None,
    reasons: RowReasons,
) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Longitudes and latitudes in EPSG:4326 (NaN where unusable), and the source CRS."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    n = len(frame)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    source = crs or declared
    try:
        src = CRS.from_user_input(source) if source else None
    except CRSError as exc:
        raise RegisterError(f"unknown CRS {source!r}: {exc}", field="crs") from exc
    is_wgs84 = src is None or src.equals(CRS.from_epsg(4326), ignore_axis_order=True)
    transformer = None if is_wgs84 else Transformer.from_crs(src, "EPSG:4326", always_xy=True)

    if "lat" in columns and "lon" in columns:
        for role, target in (("lat", lat), ("lon", lon)):
            values, invalid = parse_numbers(frame[columns[role]])
            target[:] = values
            if invalid.any():
                bad = frame[columns[role]].to_numpy()[invalid]
                reasons.add(invalid, np.array([f"{role} is not a number: {_quote(v)}" for v in bad], dtype=object))
        one_missing = np.isnan(lat) ^ np.isnan(lon)
        reasons.add(one_missing & (_blank(frame[columns["lat"]]) | _blank(frame[columns["lon"]])),
                    "only one of lat/lon is given")  # fmt: skip
        if transformer is not None:
            ok = ~np.isnan(lat) & ~np.isnan(lon)
            x, y = transformer.transform(lon[ok], lat[ok])
            lon[ok], lat[ok] = x, y
    if geometry is not None:
        geoms = np.asarray(geometry.values if hasattr(geometry, "values") else geometry, dtype=object)
        present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        if transformer is not None and present.any():
            geoms = geoms.copy()
            geoms[present] = shapely.transform(geoms[present], lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1])))
        kinds = shapely.get_type_id(geoms)
        invalid = present & (kinds != 0) & ~shapely.is_valid(geoms)
        if invalid.any():
            why = shapely.is_valid_reason(geoms[invalid])
            reasons.add(invalid, np.array([f"invalid estate geometry ({w}); repaired with make_valid" for w in why],
                                          dtype=object))  # fmt: skip
            geoms = geoms.copy()
            geoms[invalid] = shapely.make_valid(geoms[invalid])
        points = geoms.copy()
        polys = present & (kinds != 0)
        points[polys] = shapely.point_on_surface(geoms[polys])
        x = shapely.get_x(np.where(present & ~shapely.is_empty(points), points, shapely.Point()))
        y = shapely.get_y(np.where(present & ~shapely.is_empty(points), points, shapely.Point()))
        use = ~np.isnan(x)
        lon[use], lat[use] = x[use], y[use]
    finite = np.isfinite(lon) & np.isfinite(lat)
    lon[~finite], lat[~finite] = np.nan, np.nan
    out = finite & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    if out.any():
        msgs = []
        for a, b in zip(lat[out].tolist(), lon[out].tolist(), strict=True):
            hint = " (they look like metres of a projected CRS such as EPSG:3857; pass --crs)" if max(abs(a), abs(b)) > 1000 else ""
            msgs.append(f"coordinates out of range: lat={a:g}, lon={b:g}{hint}")
        reasons.add(out, np.array(msgs, dtype=object))
        lat[out], lon[out] = np.nan, np.nan
    return lon, lat, (src.to_string() if src is not None and not is_wgs84 else None)


def _build(
    cells: pd.DataFrame,
    geometry: Any,
    declared_crs: str | None,
    path: Path | None,
    overrides: Mapping[str, str | None],
    crs: str | None,
    warnings: list[str],
) -> Register:
    cells = cells.reset_index(drop=True)
    n = len(cells)
    columns = _find_columns(cells, overrides, path)
    if geometry is not None and not (shapely.is_missing(np.asarray(geometry.values, dtype=object)).all()):
        columns["geometry"] = getattr(geometry, "name", "geometry") or "geometry"
    else:
        geometry = None
    if "lat" in columns and "lon" not in columns or "lon" in columns and "lat" not in columns:
        have = "lat" if "lat" in columns else "lon"
        warnings.append(f"column {columns[have]!r} ({have}) has no partner column; coordinates are not used")
        columns.pop(have)
    if "province" not in columns and "geometry" not in columns and "lat" not in columns:
        raise RegisterError(
            "no province column and no location (lat/lon columns or a geometry); the columns are"
            f" {list(map(str, cells.columns))}. Name them with --province or --lat/--lon, or check the encoding",
            path=path,
        )
    reasons = RowReasons(n)
    frame = pd.DataFrame({"row": np.arange(1, n + 1, dtype="int64")})
    for role in ("id", "name", "province"):
        source = cells[columns[role]] if role in columns else None
        if role == "id" and source is not None and pd.api.types.is_integer_dtype(source.dtype) and not source.hasnans:
            frame[role] = source.to_numpy(dtype="int64")  # whole-number ids stay numbers: cheap to compare
            continue
        values = _as_text(source).to_numpy() if source is not None else np.full(n, None, dtype=object)
        frame[role] = pd.Series(values, dtype=object)
    if "id" in columns and not pd.api.types.is_numeric_dtype(cells[columns["id"]].dtype):
        ids = frame["id"].astype(object)
        odd = ids.map(lambda v: isinstance(v, str) and not v.isascii()).to_numpy(dtype=bool) if n else np.zeros(0, bool)
        if odd.any():
            ids[odd] = ids[odd].map(lambda v: _INVISIBLE.sub("", v).translate(_DIGITS).strip())
            frame["id"] = ids.to_numpy()
    if "name" in columns:
        raw = cells[columns["name"]]
        if isinstance(raw.dtype, pd.StringDtype):  # Arrow-backed text: lengths computed in C
            lengths = raw.str.len().fillna(0).to_numpy()
        else:
            lengths = np.fromiter((len(v) if v is not None else 0 for v in frame["name"]), dtype="int64", count=n)
        long = lengths > MAX_NAME_LENGTH
        if long.any():
            lengths = frame.loc[long, "name"].str.len().to_numpy()
            reasons.add(long, np.array([f"name is {k:,} characters long; cut to {MAX_NAME_LENGTH}" for k in lengths],
                                       dtype=object))  # fmt: skip
            frame.loc[long, "name"] = frame.loc[long, "name"].str.slice(0, MAX_NAME_LENGTH) + "…"
    lon, lat, source_crs = _coordinates(cells, geometry, columns, crs, declared_crs, reasons)
    frame["lat"], frame["lon"] = lat, lon
    indicators: dict[str, str] = {}
    used = {columns[r] for r in ROLES if r in columns}
    for col in cells.columns:
        if col in used or col in frame.columns:
            continue
        kind = _kind(cells[col])
        if kind == "bool":
            values, invalid = parse_booleans(cells[col])
            indicators[col] = "bool"
            frame[col] = values.to_numpy()
            what = "not a yes/no value"
        elif kind == "number":
            values, invalid = parse_numbers(cells[col])
            negative = values < 0
            if negative.any():
                reasons.add(negative, np.array([f"negative value in {col!r}: {v:g} (left out of sums)" for v in values[negative]],
                                               dtype=object))  # fmt: skip
                values[negative] = np.nan
            indicators[col] = "number"
            frame[col] = values
            what = "text in a number column"
        else:
            frame[col] = _as_text(cells[col]).to_numpy()
            continue
        if invalid.any():
            bad = cells[col].to_numpy()[invalid]
            reasons.add(invalid, np.array([f"{what} {col!r}: {_quote(v)} (left out)" for v in bad], dtype=object))
    if n == 0:
        warnings.append("the register has a header but no data rows")
    return Register(frame, columns, indicators, reasons, warnings, path, source_crs)


def read_register(
    source: str | Path | pd.DataFrame,
    *,
    id: str | None = None,  # noqa: A002 - the column role is called id
    name: str | None = None,
    province: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    crs: str | None = None,
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
    cells, geometry, declared, warnings = _read_file(path)
    return _build(cells, geometry, declared, path, overrides, crs, warnings)
