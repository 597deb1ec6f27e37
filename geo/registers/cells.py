"""The cells of a register: what a reader found, and a column's cells read as values.

:class:`Cells` is what a reader found in a file; the functions read a column's cells as
blanks, text, numbers and yes/no values.

Every function works on a whole column (a :class:`pandas.Series`) at once, and none drops
or raises on a cell: what cannot be read is reported as a mask, for the caller to turn
into reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo._text import INVISIBLE
from geo.reasons import Reason, RowReasons
from geo.registers.vocabulary import DIGITS, STRIP, bool_key, vocabulary

__all__ = [
    "CONTROL",
    "Cells",
    "as_text",
    "ascii_or_blank",
    "blank",
    "clip",
    "column_kind",
    "KindCounts",
    "kind_counts",
    "parse_booleans",
    "parse_numbers",
    "remove_controls",
]

#: Control characters no cell may keep: C0 but tab, line feed and carriage return; DEL; C1.
#: NUL cuts a text in a GeoPackage (SQLite) but not in GeoJSON; ESC drives a terminal.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Cells:
    """What a reader found in a file.

    Attributes
    ----------
    frame
        The cells, one column per header (as written, made unique).
    geometry
        The geometry column (a GeoSeries) of a spatial format, else None.
    crs
        The CRS the file declares, else None.
    warnings
        Problems of the file that do not stop it being used.
    reasons
        Problems of single cells the reader saw (a formula without a saved value), one
        entry per row of ``frame``; None when there are none.
    path
        The file read, or None (cells handed over in memory).
    """

    frame: pd.DataFrame
    geometry: Any = None
    crs: str | None = None
    warnings: list[str] = field(default_factory=list)
    reasons: RowReasons | None = None
    path: PurePath | None = None


#: A number written with thousands separators (after Persian digits are read as ASCII).
_GROUPED_FULL = r"^[+-]?\d{1,3}(?:[,٬،]\d{3})+(?:\.\d+)?$"
#: A number as plain ASCII text (what a float parser reads): sign, digits, point, exponent.
_PLAIN = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
#: Persian and Arabic-Indic digits, the Arabic decimal point and the minus sign, to ASCII.
_DIGIT_PAIRS = tuple((chr(k), v) for k, v in DIGITS.items())
#: Text that may be a number once folded: digits of any script, signs, separators, an
#: exponent, spaces and invisible characters (a cheap test before the costly folding).
_NUMBER_CHARACTERS = "^[\\p{Nd}\\p{Zs}+\\-−.,٫٬،eE\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u0640\u00ad＋－．，]+$"
#: The yes/no words that are digits: a column of only these is a count (:meth:`KindCounts.kind`).
_DIGIT_WORDS = frozenset({"0", "1"})
#: How many of a column's most frequent distinct values :func:`column_kind` looks up.
_KIND_VALUES = 10_000


def _text_array(s: pd.Series) -> pa.ChunkedArray | None:
    """The cells as Arrow text, when they all are text (or missing); else None.

    Arrow-backed string columns (what the CSV reader and pandas' ``str`` dtype give) come
    without a copy; an object column is converted when it holds only ``str`` and missing
    values. Mixed columns (an XLSX column of numbers and text, bytes) are not text.
    """
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return pa.chunked_array(s.array.__arrow_array__())
    if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
        if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
            return None
        return pa.chunked_array([pa.array(s.to_numpy(dtype=object), type=pa.string(), from_pandas=True)])
    return None


def _trimmed(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text without the :data:`STRIP` characters at either end; blank cells as null."""
    out = pc.utf8_trim(text, characters=STRIP)
    return pc.if_else(pc.equal(pc.utf8_length(out), 0), pa.scalar(None, pa.string()), out)


def _mask(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """An Arrow boolean array as a NumPy mask (null as False)."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _joined(s: pd.Series) -> str:
    """All the text of a column as one string (a cheap test for a character in any cell)."""
    values = s.dropna().to_numpy()
    try:
        return "".join(values)
    except TypeError:  # numbers or bytes among the text
        return "".join(v for v in values.tolist() if isinstance(v, str))


def _has_control(s: pd.Series) -> bool:
    """Whether any text cell of ``s`` holds a :data:`CONTROL` character.

    Arrow text is tested on its UTF-8 bytes at once: a C0 byte but tab, line feed and
    carriage return, DEL, or a C1 character (``C2 80``-``C2 9F``).
    """
    text = _text_array(s) if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" else None
    if text is None:
        return CONTROL.search(_joined(s)) is not None
    for chunk in text.chunks:
        data = chunk.buffers()[2]
        if data is None:
            continue
        raw = np.frombuffer(data, dtype=np.uint8)
        c0 = (raw < 0x20) & (raw != 0x09) & (raw != 0x0A) & (raw != 0x0D)
        c1 = (raw[:-1] == 0xC2) & (raw[1:] >= 0x80) & (raw[1:] <= 0x9F)
        if c0.any() or (raw == 0x7F).any() or c1.any():
            return True
    return False


def remove_controls(frame: pd.DataFrame, notes: RowReasons) -> pd.DataFrame:
    """``frame`` without :data:`CONTROL` characters in its text cells, and a note on each row cleaned.

    Every output then holds the same text (a NUL kept in GeoJSON would cut the value in the
    GeoPackage). Columns are tested whole first, so a clean register costs one regex scan.
    """
    out = frame
    for col in frame.columns:
        s = frame[col]
        if not (pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)):
            continue
        if not _has_control(s):
            continue
        text = s.astype(object)
        hit = text.map(lambda v: isinstance(v, str) and CONTROL.search(v) is not None).to_numpy(dtype=bool)
        if out is frame:
            out = frame.copy()
        out[col] = text.where(~hit, text[hit].map(lambda v: CONTROL.sub("", v)))
        found = text[hit].map(lambda v: len(CONTROL.findall(v))).tolist()
        notes.add(hit, [Reason("control_characters_removed", column=str(col), count=k) for k in found])
    return out


def blank(s: pd.Series) -> np.ndarray:
    """Mask of the blank cells: missing, empty, or only white space and invisible characters."""
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return s.isna().to_numpy()
    text = _text_array(s)
    if text is not None:
        return _mask(pc.is_null(_trimmed(text)))
    values = s.astype("object")
    mask = values.isna().to_numpy().copy()
    strings = ~mask
    if strings.any():
        try:
            stripped = pd.Series(values[strings]).astype(str).str.strip(STRIP)
        except UnicodeDecodeError:  # bytes (a Parquet binary column)
            stripped = pd.Series(values[strings]).map(lambda v: v if isinstance(v, bytes) else str(v).strip(STRIP))
        mask[strings] = (stripped.map(len) == 0).to_numpy()
    return mask


def ascii_or_blank(s: pd.Series) -> np.ndarray:
    """Mask of the cells that are missing or text of ASCII characters only (not other objects)."""
    text = _text_array(s)
    if text is not None:
        return _mask(pc.fill_null(pc.string_is_ascii(text), True))
    return s.map(lambda v: v is None or (isinstance(v, str) and v.isascii())).to_numpy(dtype=bool)


def is_filled(cell: object) -> bool:
    """Whether a single cell holds anything but white space and invisible characters."""
    return cell is not None and bool(str(cell).strip(STRIP))


def cell_text(value: object) -> str:
    """One cell as stripped text; a whole float (``1.0``, ``1e20``) as the whole number."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip(STRIP)


def as_text(s: pd.Series) -> pd.Series:
    """Cells as stripped text (None where blank); whole floats lose their ``.0``."""
    if pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans:
        return s.astype(str).astype(object)
    text = _text_array(s)
    if text is not None:
        return pd.Series(_objects(_trimmed(text)), index=s.index, dtype=object)
    if pd.api.types.is_float_dtype(s.dtype):
        whole = s.notna() & np.isfinite(s.fillna(0)) & (s.fillna(0) % 1 == 0)
        out = s.astype(object).where(~whole, s.where(whole).fillna(0).astype("int64").astype(str))
        out = out.astype(str).where(s.notna(), None)
    else:
        out = s.astype(object).map(cell_text, na_action="ignore")
    out = out.astype(object)
    return out.where(out.notna() & (out != ""), None)


def _few_distinct(text: pa.ChunkedArray) -> bool:
    """Whether a long column holds few distinct values (a province or yes/no column).

    Its first :data:`_KIND_VALUES` cells hold fewer than a tenth as many.
    """
    return len(text) > _KIND_VALUES and len(pc.unique(text.slice(0, _KIND_VALUES))) < _KIND_VALUES // 10


def _objects(text: pa.ChunkedArray) -> np.ndarray:
    """Arrow text as an object array (None for null).

    A column of few distinct values (a province column) shares one Python string per
    value instead of one per cell.
    """
    if _few_distinct(text):
        encoded = pc.dictionary_encode(text).combine_chunks()
        words = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
        return words[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]
    return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)


def _cast_plain(text: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """float64 of the cells written as plain ASCII numbers (NaN elsewhere), and their mask."""
    plain = pc.match_substring_regex(text, _PLAIN)
    values = pc.cast(pc.if_else(plain, text, pa.scalar(None, pa.string())), pa.float64())
    return values.to_numpy(zero_copy_only=False).astype("float64", copy=True), _mask(plain)


def _folded_digits(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """``fold(text).translate(DIGITS)``, stripped, for a whole column at once."""
    text = pc.replace_substring_regex(pc.utf8_normalize(text, form="NFKC"), INVISIBLE.pattern, "")
    for source, target in _DIGIT_PAIRS:
        text = pc.replace_substring(text, source, target)
    text = pc.utf8_trim_whitespace(text)
    grouped = pc.match_substring_regex(text, _GROUPED_FULL)
    return pc.if_else(grouped, pc.replace_substring_regex(text, "[,٬،]", ""), text)


def _parse_text(text: pa.ChunkedArray) -> np.ndarray:
    """float64 of text cells in any of the forms :func:`parse_numbers` reads (NaN where not).

    A column of plain numbers (blank cells aside) is cast in one step; Arrow's parser takes
    nothing else but ``inf`` and ``nan``, which are not finite numbers either way.
    """
    try:
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False).astype("float64", copy=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    if _few_distinct(text):  # a yes/no or code column: each distinct value read once
        encoded = pc.dictionary_encode(text).combine_chunks()
        distinct = np.append(_parse_each(pa.chunked_array([encoded.dictionary])), np.nan)
        return distinct[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]
    return _parse_each(text)


def _parse_each(text: pa.ChunkedArray) -> np.ndarray:
    """float64 of text cells, each read on its own: plain numbers cast, others folded first."""
    values, plain = _cast_plain(text)
    maybe = np.flatnonzero(~plain & _mask(pc.is_valid(text)))
    if maybe.size:
        others = pa.chunked_array([pc.take(text, pa.array(maybe))])
        rest = maybe[_mask(pc.match_substring_regex(others, _NUMBER_CHARACTERS))]
        if rest.size:
            values[rest] = _cast_plain(_folded_digits(pa.chunked_array([pc.take(text, pa.array(rest))])))[0]
    return values


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
    if pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype("float64")
    text = _text_array(s)
    if text is not None:
        trimmed = _trimmed(text)
        empty = _mask(pc.is_null(trimmed))
        values = _parse_text(trimmed)
    elif pd.api.types.is_numeric_dtype(s.dtype):
        empty = s.isna().to_numpy()
        values = s.astype("float64").to_numpy(copy=True)
    else:  # mixed cells (an XLSX column): numbers as they are, the others as text
        empty = blank(s)
        obj = s.astype(object)
        values = pd.to_numeric(obj, errors="coerce").astype("float64").to_numpy(copy=True)
        slow = np.flatnonzero(np.isnan(values) & ~empty)
        if slow.size:
            cells = pa.chunked_array([pa.array([str(v) for v in obj.to_numpy()[slow]], type=pa.string())])
            values[slow] = _parse_text(_trimmed(cells))
    invalid = ~empty & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    return values, invalid


def _factorized(s: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Per cell, the index of its (stripped) value among the distinct values (-1: blank)."""
    text = _text_array(s)
    if text is not None:
        encoded = pc.dictionary_encode(_trimmed(text)).combine_chunks()
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype("int64")
        return codes, encoded.dictionary.to_pylist()
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    codes = np.where(blank(s), -1, codes).astype("int64")
    return codes, list(uniques)


def _truth(keys: list[str]) -> np.ndarray:
    """Per key: 1 for a yes word, 0 for a no word, -1 for neither."""
    words = vocabulary()
    return np.array([1 if k in words.true else 0 if k in words.false else -1 for k in keys], dtype="int8")


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
    codes, uniques = _factorized(s)
    truth = np.append(_truth([bool_key(u) for u in uniques]), np.int8(-1))[codes]  # code -1: the appended -1
    out = pd.array(truth == 1, dtype="boolean")
    out[truth < 0] = pd.NA
    invalid = (codes >= 0) & (truth < 0)
    return pd.Series(out, index=s.index), invalid


@dataclass(frozen=True)
class KindCounts:
    """What :func:`column_kind` decides from, counted so that the counts of parts add up (``+``).

    ``present``: the filled cells; ``not_numbers``: those that are not a number;
    ``words``: those that are a yes/no word (among the most frequent values, in a
    column that may be yes/no); ``distinct``: those words' keys. A column read in
    partitions is of the kind of its partitions' counts added up.
    """

    present: int = 0
    not_numbers: int = 0
    words: int = 0
    distinct: frozenset[str] = frozenset()

    def __add__(self, other: KindCounts) -> KindCounts:
        return KindCounts(
            self.present + other.present,
            self.not_numbers + other.not_numbers,
            self.words + other.words,
            self.distinct | other.distinct,
        )

    def kind(self, declared: str | None = None) -> Literal["number", "bool", "text"]:
        """Numbers, yes/no values or other text (see :func:`column_kind`, and its ``declared``)."""
        if self.present == 0:
            return "text"
        bool_share = self.words / self.present
        if bool_share < 1.0 and len(self.distinct) < 2:
            bool_share = 0.0  # one yes/no-like word among other text («x», «y») is not a yes/no column
        if self.distinct <= _DIGIT_WORDS and declared != "bool":
            bool_share = 0.0  # only the digits 0 and 1: a count (fire stations built), unless the header is yes/no
        num_share = 1.0 - self.not_numbers / self.present
        if bool_share == 1.0 or (bool_share >= 0.5 and bool_share > num_share):
            return "bool"
        return "number" if num_share >= 0.5 else "text"


def kind_counts(s: pd.Series, numbers: tuple[np.ndarray, np.ndarray] | None = None) -> KindCounts:
    """The counts :func:`column_kind` decides from, of a column or of one partition of it."""
    values, invalid = numbers if numbers is not None else parse_numbers(s)
    if not _may_be_yes_no(s, values, invalid):
        present = ~blank(s)
        return KindCounts(int(present.sum()), int(invalid[present].sum()))
    codes, uniques = _factorized(s)
    present = codes >= 0
    n = int(present.sum())
    if n == 0:
        return KindCounts()
    counts = np.bincount(codes[present], minlength=len(uniques))
    top = np.argsort(-counts, kind="stable")[:_KIND_VALUES]
    truth = _truth([bool_key(uniques[i]) for i in top.tolist()])
    words = top[truth >= 0]
    distinct = frozenset(bool_key(uniques[i]) for i in words.tolist())
    return KindCounts(n, int(invalid[present].sum()), int(counts[words].sum()), distinct)


def column_kind(
    s: pd.Series, numbers: tuple[np.ndarray, np.ndarray] | None = None, declared: str | None = None
) -> Literal["number", "bool", "text"]:
    """What an indicator column holds: numbers, yes/no values or other text.

    A column mostly of yes/no words is one (its other cells are flagged), never
    silently text; one yes/no-like word among other text is not. A column whose only
    yes/no-like values are the digits 0 and 1 (in any script, or as numbers) is a count
    (a 0/1/2 column of fire stations built, or a 0/1 one, adds up), unless ``declared`` is
    ``"bool"``: its header is a known yes/no fact (:func:`geo.registers.known.declared_kind`);
    «دارد/ندارد», «بله/خیر», yes/no, ✓/✗ or a Parquet boolean column are yes/no. Only the
    :data:`_KIND_VALUES` most frequent distinct values are looked up as yes/no words (a
    yes/no column has a handful; the rare rest of a long column counts as not yes/no), and
    only in a column that may hold them (:func:`_may_be_yes_no`). ``numbers`` is
    :func:`parse_numbers` of ``s`` when the caller has it already.
    """
    return kind_counts(s, numbers).kind(declared)


def _may_be_yes_no(s: pd.Series, values: np.ndarray, invalid: np.ndarray) -> bool:
    """Whether a column can be a yes/no column, told cheaply before its values are counted.

    A column of numbers other than 0 and 1 is not; nor one where none of
    :data:`_KIND_VALUES` cells spread evenly over it is a yes/no word.
    """
    numeric = ~invalid & ~np.isnan(values)
    if not invalid.any() and numeric.any() and not np.isin(values[numeric], (0.0, 1.0)).all():
        return False
    step = max(1, len(s) // _KIND_VALUES)
    sample = s.iloc[::step]
    keys = {bool_key(v) for v in pd.unique(sample[~blank(sample)].astype(object))}
    words = vocabulary()
    return bool(keys & (words.true | words.false))


def clip(value: object, limit: int = 40) -> str:
    """A cell as text, cut to ``limit`` characters: how a reason or warning quotes it.

    Examples
    --------
    >>> clip("x" * 50, 5)
    'xxxxx…'
    """
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
