"""Reading the cells of a register column: blanks, text, numbers and yes/no values.

Every function works on a whole column (a :class:`pandas.Series`) at once, and none drops
or raises on a cell: what cannot be read is reported as a mask, for the caller to turn
into reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from geo._text import fold
from geo.registers.vocabulary import DIGITS, STRIP, bool_key, vocabulary

__all__ = ["KindCounts", "as_text", "blank", "clip", "column_kind", "kind_counts", "parse_booleans", "parse_numbers"]

_GROUPED = r"[+-]?\d{1,3}(?:[,٬،]\d{3})+(?:\.\d+)?"


def blank(s: pd.Series) -> np.ndarray:
    """Mask of the blank cells: missing, empty, or only white space and invisible characters."""
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return s.isna().to_numpy()
    text = s.astype("object")
    mask = text.isna().to_numpy().copy()
    strings = ~mask
    if strings.any():
        try:
            stripped = pd.Series(text[strings]).astype(str).str.strip(STRIP)
        except UnicodeDecodeError:  # bytes (a Parquet binary column)
            stripped = pd.Series(text[strings]).map(lambda v: v if isinstance(v, bytes) else str(v).strip(STRIP))
        mask[strings] = (stripped.map(len) == 0).to_numpy()
    return mask


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
    if pd.api.types.is_float_dtype(s.dtype):
        whole = s.notna() & np.isfinite(s.fillna(0)) & (s.fillna(0) % 1 == 0)
        out = s.astype(object).where(~whole, s.where(whole).fillna(0).astype("int64").astype(str))
        out = out.astype(str).where(s.notna(), None)
    elif isinstance(s.dtype, pd.StringDtype) and not s.hasnans:
        out = s.str.strip(STRIP)
    else:
        out = s.astype(object).map(cell_text, na_action="ignore")
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
    empty = blank(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype("float64")
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = s.astype("float64").to_numpy(copy=True)
    else:
        obj = s.astype(object)
        values = pd.to_numeric(obj, errors="coerce").astype("float64").to_numpy(copy=True)
        slow = np.isnan(values) & ~empty
        if slow.any():
            text = pd.Series(obj[slow]).astype(str).map(lambda v: fold(v).translate(DIGITS).strip())
            grouped = text.str.fullmatch(_GROUPED)
            text = text.where(~grouped, text.str.replace(r"[,٬،]", "", regex=True))
            values[slow] = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy()
    invalid = ~empty & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    return values, invalid


def _bool_keys(s: pd.Series) -> pd.Series:
    uniques = pd.unique(s.astype(object)[~blank(s)])
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
    words = vocabulary()
    true = keys.isin(words.true).to_numpy()
    false = keys.isin(words.false).to_numpy()
    out = pd.array([pd.NA] * len(s), dtype="boolean")
    out[true] = True
    out[false] = False
    invalid = ~blank(s) & ~true & ~false
    return pd.Series(out, index=s.index), invalid


@dataclass(frozen=True)
class KindCounts:
    """What :func:`column_kind` decides from, counted so that the counts of parts add up.

    A column read in parts (partitions of a large file) is of the kind its whole would
    be: the parts' counts are added (``+``) and :meth:`kind` decides once.

    Attributes
    ----------
    present
        Cells that are not blank.
    words
        Cells that are a yes/no word.
    distinct_words
        The distinct yes/no words (as :func:`~geo.registers.vocabulary.bool_key` keys).
    not_numbers
        Cells that are not blank and not a finite number.

    Examples
    --------
    >>> a, b = kind_counts(pd.Series(["بله", ""])), kind_counts(pd.Series(["خیر", "x"]))
    >>> (a + b).kind(), a.kind(), b.kind()
    ('bool', 'bool', 'text')
    """

    present: int = 0
    words: int = 0
    distinct_words: frozenset[str] = frozenset()
    not_numbers: int = 0

    def __add__(self, other: KindCounts) -> KindCounts:
        return KindCounts(
            self.present + other.present,
            self.words + other.words,
            self.distinct_words | other.distinct_words,
            self.not_numbers + other.not_numbers,
        )

    def kind(self) -> Literal["number", "bool", "text"]:
        """Numbers, yes/no values or other text (see :func:`column_kind`)."""
        if self.present == 0:
            return "text"
        bool_share = self.words / self.present
        if bool_share < 1.0 and len(self.distinct_words) < 2:
            bool_share = 0.0  # one yes/no-like word among other text («x», «y») is not a yes/no column
        num_share = 1.0 - self.not_numbers / self.present
        if bool_share == 1.0 or (bool_share >= 0.5 and bool_share > num_share):
            return "bool"
        if num_share >= 0.5:
            return "number"
        return "text"


def kind_counts(s: pd.Series) -> KindCounts:
    """The counts :func:`column_kind` decides from, of one column or one part of it."""
    present = ~blank(s)
    n = int(present.sum())
    if n == 0:
        return KindCounts()
    words = vocabulary()
    keys = _bool_keys(s)[present]
    is_word = keys.isin(words.true | words.false)
    _, invalid = parse_numbers(s)
    distinct = frozenset(map(str, keys[is_word].unique()))
    return KindCounts(n, int(is_word.sum()), distinct, int(invalid[present].sum()))


def column_kind(s: pd.Series) -> Literal["number", "bool", "text"]:
    """What an indicator column holds: numbers, yes/no values or other text.

    A column mostly of yes/no words is one (its other cells are flagged), never
    silently text; one yes/no-like word among other text is not.
    """
    return kind_counts(s).kind()


def clip(value: object, limit: int = 40) -> str:
    """A cell as text, cut to ``limit`` characters: how a reason or warning quotes it.

    Examples
    --------
    >>> clip("x" * 50, 5)
    'xxxxx…'
    """
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
