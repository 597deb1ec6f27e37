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
import numbers
import re
import string
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

__all__ = ["Register", "Reason", "Bilingual", "RowReasons", "read_register", "header_key", "parse_numbers", "parse_booleans", "ROLES"]

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
#: Stripped from both ends of every cell: Unicode white space and the invisible characters
#: (ZWNJ, bidi marks, BOM …), so that a cell holding only those is blank, not a value.
_STRIP = (" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
          + "\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
          "\u2066\u2067\u2068\u2069\ufeff\u00ad")  # fmt: skip


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


def bool_key(value: object) -> str:
    """The key of a yes/no cell: :func:`header_key`, or the stripped text when that is empty.

    Symbols are not word characters, so ``header_key("✓") == header_key("✗") == ""``; they
    keep their own key here, and a lone ``-`` or ``?`` is not taken for any word.

    Examples
    --------
    >>> bool_key("✓"), bool_key("✗"), bool_key(" Yes ")
    ('✓', '✗', 'yes')
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return header_key(value) or _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value))).strip(_STRIP)


def _read_vocabulary() -> tuple[dict[str, tuple[str, ...]], frozenset[str], frozenset[str]]:
    """Column headers of each role and the yes/no words, from ``data/registers/vocabulary.csv``."""
    path = data_dir() / "registers" / "vocabulary.csv"
    roles: dict[str, list[str]] = {role: [] for role in (*ROLES, "latlon", "geometry")}
    words: dict[str, set[str]] = {"true": set(), "false": set()}
    with path.open(encoding="utf-8", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=1):
            kind, meaning, word = rec["kind"], rec["meaning"], rec["word"]
            if kind == "column" and meaning in roles:
                roles[meaning].append(word)
            elif kind == "boolean" and meaning in words:
                words[meaning].add(bool_key(word))
            else:
                raise DataError(f"unknown kind/meaning {kind!r}/{meaning!r}", path=path, row=i, field="meaning")
    both = words["true"] & words["false"]
    if both or "" in words["true"] | words["false"]:
        raise DataError(f"yes/no words that are both or neither: {sorted(both) or ['']}", path=path, field="word")
    return {k: tuple(v) for k, v in roles.items()}, frozenset(words["true"]), frozenset(words["false"])


_ROLE_NAMES, _TRUE_KEYS, _FALSE_KEYS = _read_vocabulary()
_ROLE_OF: dict[str, tuple[str, ...]] = {}
for _role, _words in _ROLE_NAMES.items():
    for _word in _words:
        _ROLE_OF[header_key(_word)] = (*_ROLE_OF.get(header_key(_word), ()), _role)


_TO_PERSIAN_NUMBER = str.maketrans("0123456789.,", "۰۱۲۳۴۵۶۷۸۹٫٬")


def _read_reason_templates() -> dict[str, tuple[str, str]]:
    """Code → (English, Persian) format strings, from ``data/registers/reasons.csv``.

    Both wordings of a code must name the same fields: a mismatch is a :class:`DataError`
    when ``geo`` is imported, not a ``KeyError`` on some user's row.
    """
    path = data_dir() / "registers" / "reasons.csv"
    out: dict[str, tuple[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=1):
            code, en, fa = rec["code"], rec["en"], rec["fa"]
            if not code or code in out or not en or not fa:
                raise DataError(f"reason code {code!r} is empty, repeated or lacks a wording", path=path, row=i)
            if template_fields(en) != template_fields(fa):
                raise DataError(f"reason {code!r}: the English and Persian wordings name different fields",
                                path=path, row=i, field="fa")  # fmt: skip
            out[code] = (en, fa)
    return out


def template_fields(template: str) -> frozenset[str]:
    """The field names of a format string: ``{id!r}`` and ``{id}`` both name ``id``."""
    return frozenset(name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name)


class Bilingual:
    """A field value written differently in English and Persian (a province: «IR-22 Hormozgan» / «هرمزگان (IR-22)»)."""

    __slots__ = ("en", "fa")

    def __init__(self, en: str, fa: str) -> None:
        self.en, self.fa = en, fa

    def __repr__(self) -> str:
        return f"Bilingual({self.en!r}, {self.fa!r})"


class _PersianNumber:
    """A number that formats with Persian digits and separators (``{d:.1f}`` → ``۱۰٫۶``)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        text = format(self.value, spec)
        if "e" in text and spec.endswith("g") and abs(self.value) >= 1:  # 4.25805e+06 reads as ۴٬۲۵۸٬۰۵۰ in Persian
            text = format(self.value, ",.0f")
        return text.translate(_TO_PERSIAN_NUMBER)

    def __str__(self) -> str:
        return format(self, "")

    def __repr__(self) -> str:
        return repr(self.value)


class Reason:
    """Why a row is flagged or rejected: a code of ``data/registers/reasons.csv`` and its fields.

    ``en`` and ``fa`` are the English and Persian texts, rendered on first use. In the
    Persian text, numbers take Persian digits; text copied from the register (cell values,
    column names, ids) is shown as written, and a :class:`Bilingual` field or a nested
    :class:`Reason` in the language of the sentence.

    Examples
    --------
    >>> r = Reason("duplicate_id", id="5", rows=Bilingual("5, 37", "۵، ۳۷"))
    >>> r.en
    "duplicate id '5' (rows 5, 37)"
    >>> r.fa
    'شناسهٔ تکراری «5» (ردیف‌های ۵، ۳۷)'
    """

    __slots__ = ("_en", "_fa", "code", "fields")

    def __init__(self, code: str, **fields: object) -> None:
        if code not in REASONS:
            raise KeyError(f"unknown reason code {code!r}")
        self.code, self.fields = code, fields
        self._en: str | None = None
        self._fa: str | None = None

    @property
    def en(self) -> str:
        if self._en is None:
            self._en = REASONS[self.code][0].format_map(
                {k: v.en if isinstance(v, (Reason, Bilingual)) else v for k, v in self.fields.items()}
            )
        return self._en

    @property
    def fa(self) -> str:
        if self._fa is None:
            self._fa = REASONS[self.code][1].format_map({k: _in_persian(v) for k, v in self.fields.items()})
        return self._fa

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {self.en!r})"


def _in_persian(value: object) -> object:
    if isinstance(value, (Reason, Bilingual)):
        return value.fa
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return _PersianNumber(value)
    return value


#: Reason code → (English, Persian) format string, from ``data/registers/reasons.csv``.
REASONS = _read_reason_templates()


def _reason(code: str, **fields: object) -> Reason:
    return Reason(code, **fields)


def _texts(message: str | Reason | np.ndarray | Iterable[str | Reason]) -> tuple[Any, Any]:
    """The English and Persian texts of one message, or two object arrays of them.

    A plain string (from code that predates reason codes) stands for itself in both.
    """
    if isinstance(message, str):
        return message, message
    if isinstance(message, Reason):
        return message.en, message.fa
    items = message.tolist() if isinstance(message, np.ndarray) else list(message)
    en = np.empty(len(items), dtype=object)
    fa = np.empty(len(items), dtype=object)
    en[:] = [m.en if isinstance(m, Reason) else m for m in items]
    fa[:] = [m.fa if isinstance(m, Reason) else m for m in items]
    return en, fa


class RowReasons:
    """Reasons attached to rows, collected column by column without a loop over all rows.

    Each reason is kept in English and in Persian (:class:`Reason`); a plain string counts
    as both.

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
    >>> r.add(np.array([True, False, False]), Reason("geometry_empty"))
    >>> r.lists_fa()[0]
    ('bad', 'هندسه خالی است')
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self._parts: list[tuple[np.ndarray, Any, Any]] = []

    def add(self, mask: np.ndarray, message: str | Reason | np.ndarray | Iterable[str | Reason]) -> None:
        """Attach ``message`` to the rows where ``mask`` holds.

        ``message`` is one reason for all of them, or one per selected row (in order).
        """
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if positions.size == 0:
            return
        en, fa = _texts(message)
        if not isinstance(en, str) and en.shape[0] != positions.size:
            raise ValueError("one message per selected row is needed")
        self._parts.append((positions, en, fa))

    def add_at(self, positions: np.ndarray, messages: str | Reason | np.ndarray | Iterable[str | Reason]) -> None:
        """Attach ``messages`` (one reason, or one per position) to the rows at ``positions``."""
        positions = np.asarray(positions, dtype="int64")
        if positions.size:
            self._parts.append((positions, *_texts(messages)))

    def extend(self, other: RowReasons, positions: np.ndarray | None = None) -> None:
        """Add the reasons of ``other``; its row i becomes row ``positions[i]`` here."""
        for pos, en, fa in other._parts:
            self._parts.append((pos if positions is None else positions[pos], en, fa))

    def any(self) -> np.ndarray:
        """Boolean mask of the rows that have at least one reason."""
        out = np.zeros(self.n, dtype=bool)
        for pos, _, _ in self._parts:
            out[pos] = True
        return out

    def lists(self) -> np.ndarray:
        """One tuple of (English) reasons per row (an object array), in the order they were added.

        Rows without reasons share one empty tuple, so that 10^6 clean rows cost nothing.
        """
        return self._lists(1)

    def lists_fa(self) -> np.ndarray:
        """As :meth:`lists`, in Persian: the same reasons, in the same order."""
        return self._lists(2)

    def _lists(self, which: int) -> np.ndarray:
        out = np.empty(self.n, dtype=object)
        out.fill(())
        if not self._parts:
            return out
        counts = np.bincount(np.concatenate([part[0] for part in self._parts]), minlength=self.n)
        found: dict[int, list[str]] = {}
        for part in self._parts:
            pos, msg = part[0], part[which]
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
        try:
            stripped = pd.Series(text[strings]).astype(str).str.strip(_STRIP)
        except UnicodeDecodeError:  # bytes (a Parquet binary column)
            stripped = pd.Series(text[strings]).map(lambda v: v if isinstance(v, bytes) else str(v).strip(_STRIP))
        mask[strings] = (stripped.map(len) == 0).to_numpy()
    return mask


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 1.0 and 1e20 from a spreadsheet are the whole numbers 1 and 10²⁰
    return str(value).strip(_STRIP)


def _as_text(s: pd.Series) -> pd.Series:
    """Cells as stripped text (None where blank); whole floats lose their ``.0``."""
    if pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans:
        return s.astype(str).astype(object)
    if pd.api.types.is_float_dtype(s.dtype):
        whole = s.notna() & np.isfinite(s.fillna(0)) & (s.fillna(0) % 1 == 0)
        out = s.astype(object).where(~whole, s.where(whole).fillna(0).astype("int64").astype(str))
        out = out.astype(str).where(s.notna(), None)
    elif isinstance(s.dtype, pd.StringDtype) and not s.hasnans:
        out = s.str.strip(_STRIP)
    else:
        out = s.astype(object).map(_cell_text, na_action="ignore")
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
    keys = {u: bool_key(u) for u in uniques}
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
    words = keys.isin(_TRUE_KEYS | _FALSE_KEYS)
    bool_share = float(words.mean())
    if bool_share < 1.0 and keys[words].nunique() < 2:
        bool_share = 0.0  # one yes/no-like word among other text («x», «y») is not a yes/no column
    _, invalid = parse_numbers(s)
    num_share = 1.0 - float(invalid[present].mean())
    # A column mostly of yes/no words is one, its other cells flagged: never silently text.
    if bool_share == 1.0 or (bool_share >= 0.5 and bool_share > num_share):
        return "bool"
    if num_share >= 0.5:
        return "number"
    return "text"


def _quote(value: object, limit: int = 40) -> str:
    return repr(_clip(value, limit))


def _clip(value: object, limit: int = 40) -> str:
    """A cell as text, cut to ``limit`` characters: how a reason quotes it."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


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


#: How many rows at the top of a sheet or text file are searched for the header row.
_HEADER_SCAN = 20


def _header_score(cells: Iterable[object], wanted: frozenset[str]) -> int:
    """How many column roles a row of cells names (the header row names the most)."""
    keys = {header_key(c) for c in cells if c is not None and str(c).strip(_STRIP)}
    keys |= {header_key(_PARENS.sub("", str(c))) for c in cells if c is not None and "(" in str(c)}
    roles = {role for key in keys for role in _ROLE_OF.get(key, ())}
    return len(roles) + len(keys & wanted)


def _find_header(rows: list[list[object]], wanted: frozenset[str]) -> tuple[int, list[object] | None, int]:
    """Where the header is among the first rows.

    Returns the index of the header row (the data start after it), the header cells when
    it is two rows merged (a group row such as «موقعیت» above «عرض»/«طول», the lower row
    winning where both are filled), else None, and the header's score.
    """
    first = _header_score(rows[0], wanted) if rows else 0
    best = (first, 0, None)
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        score = _header_score(row, wanted)
        if score > best[0]:
            best = (score, i, None)
        if i + 1 < len(rows) and any(c is not None and str(c).strip(_STRIP) for c in row):
            below = rows[i + 1]
            width = max(len(row), len(below))
            merged = [
                b if b is not None and str(b).strip(_STRIP) else a
                for a, b in zip([*row, *[None] * (width - len(row))], [*below, *[None] * (width - len(below))], strict=True)
            ]
            score = _header_score(merged, wanted)
            if score > best[0] and score > _header_score(below, wanted):
                best = (score, i + 1, merged)
    return best[1], best[2], best[0]


def _header_names(cells: Iterable[object]) -> tuple[list[str], list[str]]:
    """Header texts, blank ones named ``Unnamed: k`` and repeated ones numbered, and warnings."""
    names: list[str] = []
    seen: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for k, cell in enumerate(cells):
        text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell)
        text = text.strip(_STRIP)
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
        if not text:
            text = f"Unnamed: {k}"
        if text in seen:
            repeated.setdefault(text, [seen[text]]).append(k + 1)
            n = 1
            while f"{text}.{n}" in seen:
                n += 1
            seen[f"{text}.{n}"] = k + 1
            names.append(f"{text}.{n}")
        else:
            seen[text] = k + 1
            names.append(text)
    warnings = [
        f"the header {text!r} appears {len(cols)} times (columns {', '.join(map(str, cols))}); the first is the"
        f" {text!r} column, the others are kept as {', '.join(repr(f'{text}.{i}') for i in range(1, len(cols)))}"
        for text, cols in repeated.items()
    ]
    return names, warnings


def _header_warning(index: int, merged: bool, rows: list[list[object]], where: str) -> list[str]:
    if merged:
        return [f"the header is two rows ({where} {index} and {index + 1}, merged cells); they were read as one"
                + (f"; {where}s 1–{index - 1} above it were skipped" if index > 1 else "")]  # fmt: skip
    if index == 0:
        return []
    title = next((str(c).strip() for row in rows[:index] for c in row if c is not None and str(c).strip(_STRIP)), "")
    above = f"{where}s 1–{index} above it were" if index > 1 else f"{where} 1 above it was"
    return [f"the header is on {where} {index + 1}; {above} skipped ({_quote(title) if title else 'blank'})"]


def _read_delimited(path: Path, sep: str | None, wanted: frozenset[str]) -> tuple[pd.DataFrame, list[str]]:
    data = path.read_bytes()
    if not data.strip():
        raise RegisterError("the file is empty", path=path)
    text, warnings = _decode(data, path)
    if not text.strip(_STRIP):
        raise RegisterError("the file is empty", path=path)
    text = text.removeprefix("\ufeff")
    lines = text[:65536].splitlines()[: _HEADER_SCAN + 1]
    candidates = [sep] if sep is not None else ["\t", ",", ";", "|"]
    found = []
    for order, candidate in enumerate(candidates):
        try:
            rows = [list(r) for r in csv.reader(lines, delimiter=candidate)]
        except csv.Error:
            continue
        index, merged, score = _find_header(rows, wanted)
        count = lines[0].count(candidate) if lines else 0
        found.append(((score, count, -order), candidate, rows, index, merged))
    if not found:
        raise RegisterError("cannot read as delimited text", path=path)
    _, sep, rows, index, merged = max(found, key=lambda f: f[0])
    if merged is None and index == 0 and sep != "\t" and lines and lines[0].count(sep) == 0:
        sep = ","
    start = index - 1 if merged is not None else index
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=True, skiprows=start or None)  # fmt: skip
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        hint = f" (the header was taken from line {start + 1})" if start else ""
        raise RegisterError(f"cannot read as delimited text{hint}: {str(exc).strip()}", path=path) from exc
    header = merged if merged is not None else (rows[index] if index < len(rows) else list(frame.columns))
    if merged is not None:
        frame = frame.iloc[1:]
    if len(header) == len(frame.columns):
        names, dup_warnings = _header_names(header)
        frame.columns = names
        warnings += dup_warnings
    else:
        frame.columns = [str(c).strip(_STRIP) for c in frame.columns]
    warnings += _header_warning(index, merged is not None, rows, "line")
    return frame.reset_index(drop=True), warnings


def _read_xlsx(path: Path, sheet: str | None, wanted: frozenset[str]) -> tuple[pd.DataFrame, list[str]]:
    """The cells of one sheet: the one named, else the first whose header names estate columns."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RegisterError(f"cannot read as XLSX: {exc}", path=path) from exc
    try:
        names = list(wb.sheetnames)
        if sheet is not None:
            chosen = next((n for n in names if n == sheet), None) or next(
                (n for n in names if header_key(n) == header_key(sheet)), None
            )
            if chosen is None:
                raise RegisterError(f"no sheet {sheet!r}; the sheets are {names}", path=path, field="sheet")
            order = [chosen]
        else:
            order = names
        best: tuple[int, str, list[list[object]]] | None = None
        for name in order:
            rows = []
            for row in wb[name].iter_rows(values_only=True, max_row=_HEADER_SCAN + 1):
                rows.append(list(row))
            score = _find_header(rows, wanted)[2] if rows else -1
            if best is None or score > best[0]:
                best = (score, name, rows)
        assert best is not None
        chosen = best[1]
        try:
            rows = [list(r) for r in wb[chosen].iter_rows(values_only=True)]
        except Exception as exc:  # a broken sheet part
            raise RegisterError(f"cannot read sheet {chosen!r} as XLSX: {exc}", path=path) from exc
    finally:
        wb.close()
    warnings: list[str] = []
    if len(names) > 1:
        why = "" if sheet is not None else (" (the first)" if chosen == names[0] else " (the first with estate columns)")
        warnings.append(f"the workbook has {len(names)} sheets ({', '.join(map(repr, names))}); read {chosen!r}{why};"
                        " choose one with --sheet")  # fmt: skip
    while rows and not any(c is not None and str(c).strip(_STRIP) for c in rows[-1]):
        rows.pop()  # Excel keeps formatted but empty rows in the used range
    if not rows:
        raise RegisterError(f"sheet {chosen!r} is empty", path=path)
    index, merged, _ = _find_header(rows, wanted)
    header = merged if merged is not None else rows[index]
    width = max(len(r) for r in rows)
    header = [*header, *[None] * (width - len(header))]
    columns, dup_warnings = _header_names(header)
    body = [[*r, *[None] * (width - len(r))] for r in rows[index + 1 :]]
    frame = pd.DataFrame(body, columns=columns, dtype=object) if body else pd.DataFrame(columns=columns, dtype=object)
    # Columns with neither a header nor a value (Excel's used range): nothing to keep.
    empty = [c for c, h in zip(columns, header, strict=True) if (h is None or not str(h).strip(_STRIP)) and _blank(frame[c]).all()]
    frame = frame.drop(columns=empty)
    warnings += dup_warnings + _header_warning(index, merged is not None, rows, "row")
    return frame, warnings


def _read_geo(path: Path, fmt: str, sheet: str | None) -> tuple[Any, list[str]]:
    """A GeoDataFrame (or DataFrame) of a GeoJSON, GeoPackage or Parquet file, and warnings."""
    import warnings as pywarnings

    import geopandas as gpd

    warnings: list[str] = []
    with pywarnings.catch_warnings(record=True) as caught:
        pywarnings.simplefilter("always")
        if fmt == "parquet":
            if sheet is not None:
                raise RegisterError("--sheet chooses a sheet of an XLSX file or a layer of a GeoPackage", path=path)
            try:
                gdf = gpd.read_parquet(path)
            except (ValueError, KeyError):
                gdf = pd.read_parquet(path)
        else:
            import pyogrio

            layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
            layer = None
            if sheet is not None:
                layer = next((n for n in layers if n == sheet), None) or next(
                    (n for n in layers if header_key(n) == header_key(sheet)), None
                )
                if layer is None:
                    raise RegisterError(f"no layer {sheet!r}; the layers are {layers}", path=path, field="sheet")
            elif len(layers) > 1:
                layer = layers[0]
                warnings.append(f"the file has {len(layers)} layers ({', '.join(map(repr, layers))}); read {layer!r}"
                                " (the first); choose one with --sheet")  # fmt: skip
            gdf = gpd.read_file(path, engine="pyogrio", layer=layer)
    for w in caught:
        text = str(w.message).strip()
        if "More than one layer found" not in text and text not in warnings:
            warnings.append(f"while reading: {text}")
    return gdf, warnings


def _read_file(
    path: Path, sheet: str | None = None, wanted: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, Any, str | None, list[str]]:
    """The cells, geometry (or None), declared CRS and warnings of a register file."""
    if path.is_symlink() and not path.exists():
        raise RegisterError(f"broken link: it points to {str(path.readlink())!r}, which does not exist", path=path)
    if not path.exists():
        raise RegisterError("no such file", path=path)
    if path.is_dir():
        raise RegisterError("this is a folder; give the register file inside it", path=path)
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
    if sheet is not None and fmt not in ("xlsx", "gpkg"):
        raise RegisterError("--sheet chooses a sheet of an XLSX file or a layer of a GeoPackage", path=path)
    try:
        if fmt in ("csv", "tsv"):
            frame, warnings = _read_delimited(path, "\t" if fmt == "tsv" else None, wanted)
            return frame, None, None, warnings
        if fmt == "xlsx":
            frame, warnings = _read_xlsx(path, sheet, wanted)
            return frame, None, None, warnings
    except OSError as exc:
        raise RegisterError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    import geopandas as gpd

    try:
        gdf, warnings = _read_geo(path, fmt, sheet)
    except RegisterError:
        raise
    except Exception as exc:  # pyogrio/pyarrow raise their own error classes
        what = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "parquet": "Parquet"}[fmt]
        raise RegisterError(f"cannot read as {what}: {str(exc).strip()}", path=path) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        return pd.DataFrame(gdf), None, None, warnings
    geometry = gdf.geometry
    crs = geometry.crs.to_string() if geometry.crs is not None else None
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    return frame, geometry, crs, warnings


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


_NUM = r"[+-]?\d+(?:[.,]\d+)?"
_DMS_PARTS = re.compile(
    rf"^(?P<h1>[NSEW])?\s*(?P<deg>{_NUM})\s*(?:°|º|˚|deg|d|درجه)\s*"
    rf"(?:(?P<min>{_NUM})\s*(?:'|′|’|‘|min|m|دقیقه)\s*)?"
    rf"(?:(?P<sec>{_NUM})\s*(?:′′|''|″|\"|”|s|sec|ثانیه)\s*)?"
    r"(?P<h2>[NSEW]|شمالی|جنوبی|شرقی|غربی)?$",
    re.IGNORECASE,
)
_HEMISPHERE = {"n": 1, "s": -1, "e": 1, "w": -1, "شمالی": 1, "جنوبی": -1, "شرقی": 1, "غربی": -1}
_AXIS = {"n": "lat", "s": "lat", "e": "lon", "w": "lon", "شمالی": "lat", "جنوبی": "lat", "شرقی": "lon", "غربی": "lon"}
_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3},\d+$")
_PAIR = re.compile(r"^\(?\s*([+-]?\d+(?:\.\d+)?)\s*[,;،/\s]\s*([+-]?\d+(?:\.\d+)?)\s*\)?$")
_PAIR_SPLIT = re.compile(r"\s*[,;،]\s*|(?<=[NSEWnsew])\s+(?=[+-]?\d)")


def _clean(text: object) -> str:
    s = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text))).translate(_DIGITS)
    return s.strip(_STRIP)


def _degrees(text: str) -> tuple[float, str | None] | None:
    """A coordinate written in degrees(-minutes(-seconds)) with an optional hemisphere.

    Returns the decimal degrees and the axis its hemisphere letter names (None without one).
    """
    m = _DMS_PARTS.match(text)
    if m is None:
        return None
    deg, mins, secs = (float(g.replace(",", ".")) if g else 0.0 for g in m.group("deg", "min", "sec"))
    if mins >= 60 or secs >= 60 or (m.group("h1") and m.group("h2")):
        return None
    value = abs(deg) + mins / 60 + secs / 3600
    hemi = (m.group("h1") or m.group("h2") or "").casefold()
    sign = -1 if deg < 0 or m.group("deg").startswith("-") else 1
    if hemi:
        sign = sign * _HEMISPHERE[hemi] if sign > 0 else -1
    return sign * value, _AXIS.get(hemi)


def _coordinate_cells(
    cells: pd.Series, values: np.ndarray, invalid: np.ndarray, role: str, geographic: bool
) -> tuple[list[str], dict[int, Reason]]:
    """Read the coordinate cells :func:`parse_numbers` could not: degrees-minutes-seconds
    («35°41′24″N») and, in geographic coordinates, a decimal comma («35,69»).

    ``values`` and ``invalid`` are updated in place. Returns file warnings and, per row
    position, a reason that replaces "not a number".
    """
    notes: dict[str, list[str]] = {"dms": [], "comma": []}
    why: dict[int, Reason] = {}
    candidates = np.flatnonzero(invalid)
    if geographic:
        candidates = np.union1d(candidates, np.flatnonzero(~invalid & (np.abs(np.nan_to_num(values)) > 180)))
    raw = cells.to_numpy()
    for i in candidates.tolist():
        text = _clean(raw[i])
        if geographic and _COMMA_DECIMAL.match(text):
            values[i], invalid[i] = float(text.replace(",", ".")), False
            notes["comma"].append(text)
            continue
        found = _degrees(text)
        if found is None:
            continue
        value, axis = found
        if axis is not None and axis != role:
            why[i] = _reason(f"{role}_names_{axis}_hemisphere", value=_clip(raw[i]))
            continue
        values[i], invalid[i] = value, False
        notes["dms"].append(text)
    warnings = []
    name = repr(str(cells.name))
    if notes["dms"]:
        warnings.append(f"column {name} ({role}): {len(notes['dms'])} value(s) in degrees-minutes-seconds, e.g."
                        f" {_quote(notes['dms'][0])}; converted to decimal degrees")  # fmt: skip
    if notes["comma"]:
        warnings.append(f"column {name} ({role}): {len(notes['comma'])} value(s) with a decimal comma, e.g."
                        f" {_quote(notes['comma'][0])}; read as {notes['comma'][0].replace(',', '.')}")  # fmt: skip
    return warnings, why


def _pairs(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Latitude, longitude, a mask of unreadable cells and one of cells read as lon, lat
    (their hemisphere letters said so) of a column of coordinate pairs («35.69, 51.39»)."""
    n = len(cells)
    lat, lon = np.full(n, np.nan), np.full(n, np.nan)
    blank = _blank(cells)
    bad, flipped = ~blank, np.zeros(n, dtype=bool)
    texts = cells.astype(object).to_numpy()
    memo: dict[object, tuple[float, float, bool] | None] = {}
    for i in np.flatnonzero(~blank).tolist():
        key = texts[i]
        if key not in memo:
            memo[key] = _pair(_clean(key))
        got = memo[key]
        if got is not None:
            lat[i], lon[i], flipped[i] = got
            bad[i] = False
    return lat, lon, bad, flipped


def _pair(text: str) -> tuple[float, float, bool] | None:
    m = _PAIR.match(text)
    if m:
        return float(m.group(1)), float(m.group(2)), False
    parts = [p for p in _PAIR_SPLIT.split(text.strip("()")) if p]
    if len(parts) != 2:
        return None
    first, second = _degrees(parts[0]), _degrees(parts[1])
    if first is None or second is None:
        return None
    if first[1] == "lon" and second[1] in ("lat", None) or second[1] == "lat" and first[1] is None:
        return second[0], first[0], True
    return first[0], second[0], False


def _pair_column(cells: pd.DataFrame, used: set[str]) -> str | None:
    """A column of «lat, lon» pairs: named so (``مختصات``, ``coordinates`` …), or holding them."""
    names = {header_key(w) for w in _ROLE_NAMES["latlon"]}
    for col in cells.columns:
        if col not in used and (header_key(col) in names or header_key(_PARENS.sub("", str(col))) in names):
            return col
    for col in cells.columns:
        if col in used or pd.api.types.is_numeric_dtype(cells[col].dtype):
            continue
        sample = cells[col][~_blank(cells[col])].head(200)
        if len(sample) and np.mean([_pair(_clean(v)) is not None for v in sample]) >= 0.8:
            return col
    return None


def _wkt_column(cells: pd.DataFrame, used: set[str]) -> str | None:
    """A column of WKT or WKB geometries (a QGIS «export with geometry as WKT»)."""
    names = {header_key(w) for w in _ROLE_NAMES["geometry"]}
    for col in cells.columns:
        if col in used or header_key(col) not in names:
            continue
        sample = cells[col][~_blank(cells[col])].head(50)
        if len(sample) and all(isinstance(v, (bytes, str)) for v in sample):
            return col
    return None


def _coordinates(
    frame: pd.DataFrame,
    geometry: Any,
    columns: dict[str, str],
    crs: str | None,
    declared: str | None,
    reasons: RowReasons,
    warnings: list[str],
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

    if "lat" in columns and "lon" in columns and columns["lat"] == columns["lon"]:
        cells = frame[columns["lat"]]
        lat[:], lon[:], bad, _ = _pairs(cells)
        warnings.append(f"column {columns['lat']!r} holds coordinate pairs; read as 'latitude, longitude' (the order"
                        " Google Maps copies); rows that look swapped are flagged")  # fmt: skip
        if bad.any():
            reasons.add(bad, [_reason("not_latlon_pair", value=_clip(v)) for v in cells.to_numpy()[bad]])
        if transformer is not None:
            ok = ~np.isnan(lat) & ~np.isnan(lon)
            x, y = transformer.transform(lon[ok], lat[ok])
            lon[ok], lat[ok] = x, y
    elif "lat" in columns and "lon" in columns:
        for role, target in (("lat", lat), ("lon", lon)):
            values, invalid = parse_numbers(frame[columns[role]])
            if invalid.any() or (src is None and (np.abs(np.nan_to_num(values)) > 180).any()):
                notes, why = _coordinate_cells(frame[columns[role]], values, invalid, role, is_wgs84)
                warnings += notes
                for i, text in why.items():
                    reasons.add_at(np.array([i]), text)
                    invalid[i] = False
            target[:] = values
            if invalid.any():
                bad = frame[columns[role]].to_numpy()[invalid]
                reasons.add(invalid, [_reason(f"{role}_not_number", value=_clip(v)) for v in bad])
        one_missing = np.isnan(lat) ^ np.isnan(lon)
        reasons.add(one_missing & (_blank(frame[columns["lat"]]) | _blank(frame[columns["lon"]])),
                    _reason("one_coordinate"))  # fmt: skip
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
            reasons.add(invalid, [_reason("invalid_geometry", detail=w) for w in why])
            geoms = geoms.copy()
            geoms[invalid] = shapely.make_valid(geoms[invalid])
        points = geoms.copy()
        polys = present & (kinds != 0)
        points[polys] = shapely.point_on_surface(geoms[polys])
        use = present & ~shapely.is_empty(points)
        x, y = shapely.get_x(points[use]), shapely.get_y(points[use])
        lon[use], lat[use] = x, y
        # An outline (Polygon, MultiPolygon) stands for its estate; other shapes are a guess.
        parts = shapely.get_num_geometries(geoms)
        odd = use & (np.isin(kinds, (1, 2, 5, 7)) | ((kinds == 4) & (parts > 1)))
        if odd.any():
            codes = {1: "geometry_linestring", 2: "geometry_linearring", 4: "geometry_multipoint",
                     5: "geometry_multilinestring", 7: "geometry_collection"}  # fmt: skip
            reasons.add(odd, [
                _reason(codes[k], count=p, lat=b, lon=a) if k == 4 else _reason(codes[k], lat=b, lon=a)
                for k, p, a, b in zip(kinds[odd].tolist(), parts[odd].tolist(), lon[odd].tolist(), lat[odd].tolist(), strict=True)
            ])  # fmt: skip
        reasons.add(present & ~use, _reason("geometry_empty"))
    finite = np.isfinite(lon) & np.isfinite(lat)
    lon[~finite], lat[~finite] = np.nan, np.nan
    out = finite & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    if out.any():
        msgs = []
        for a, b in zip(lat[out].tolist(), lon[out].tolist(), strict=True):
            code = "out_of_range_metres" if max(abs(a), abs(b)) > 1000 else "out_of_range"
            msgs.append(_reason(code, lat=a, lon=b))
        reasons.add(out, msgs)
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
    early = RowReasons(n)
    if geometry is None and "lat" not in columns and "lon" not in columns:
        taken = set(columns.values())
        wkt = _wkt_column(cells, taken)
        if wkt is not None:
            raw = cells[wkt].astype(object).where(~_blank(cells[wkt]), None).to_numpy()
            is_bytes = np.array([isinstance(v, bytes) for v in raw], dtype=bool)
            geoms = np.full(n, None, dtype=object)
            with np.errstate(all="ignore"):
                if is_bytes.any():
                    geoms[is_bytes] = shapely.from_wkb(raw[is_bytes], on_invalid="ignore")
                text = ~is_bytes & ~pd.isna(raw)
                if text.any():
                    geoms[text] = shapely.from_wkt(raw[text].astype(str), on_invalid="ignore")
            unread = ~pd.isna(raw) & shapely.is_missing(geoms)
            early.add(unread, [_reason("not_wkt", value=_clip(v)) for v in raw[unread]])
            geometry, columns["geometry"] = pd.Series(geoms, name=wkt, dtype=object), wkt
            warnings.append(f"column {wkt!r} read as geometries (WKT/WKB), in EPSG:4326 unless --crs says otherwise")
        else:
            pair = _pair_column(cells, taken)
            if pair is not None:
                columns["lat"] = columns["lon"] = pair
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
    reasons.extend(early)
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
            reasons.add(long, [_reason("name_too_long", length=k, limit=MAX_NAME_LENGTH) for k in lengths.tolist()])
            frame.loc[long, "name"] = frame.loc[long, "name"].str.slice(0, MAX_NAME_LENGTH) + "…"
    lon, lat, source_crs = _coordinates(cells, geometry, columns, crs, declared_crs, reasons, warnings)
    frame["lat"], frame["lon"] = lat, lon
    indicators: dict[str, str] = {}
    used = {columns[r] for r in (*ROLES, "geometry") if r in columns}
    for col in cells.columns:  # binary cells (Parquet) as text, so that they can be read and written
        if cells[col].dtype == object and col not in used:
            first = cells[col].dropna().head(1).tolist()
            if first and isinstance(first[0], bytes):
                cells[col] = cells[col].map(lambda v: v.decode("utf-8", "replace") if isinstance(v, bytes) else v)
    for col in cells.columns:
        if col in used or col in frame.columns:
            continue
        kind = _kind(cells[col])
        if kind == "bool":
            values, invalid = parse_booleans(cells[col])
            indicators[col] = "bool"
            frame[col] = values.to_numpy()
            what = "not_yes_no"
        elif kind == "number":
            values, invalid = parse_numbers(cells[col])
            negative = values < 0
            if negative.any():
                reasons.add(negative, [_reason("negative_value", column=col, value=v) for v in values[negative].tolist()])
                values[negative] = np.nan
            indicators[col] = "number"
            frame[col] = values
            what = "not_number"
        else:
            frame[col] = _as_text(cells[col]).to_numpy()
            continue
        if invalid.any():
            bad = cells[col].to_numpy()[invalid]
            reasons.add(invalid, [_reason(what, column=col, value=_clip(v)) for v in bad])
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
    cells, geometry, declared, warnings = _read_file(path, sheet, wanted)
    return _build(cells, geometry, declared, path, overrides, crs, warnings)
