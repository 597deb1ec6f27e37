"""The facts two registers are compared on, and how each changed (for :mod:`geo.compare`).

A *fact* is a column both registers have: matched by header in either language — a
register template column (:mod:`geo.registers.template`) by its key, whichever language
its header is written in, any other column by its folded header
(:func:`geo.registers.vocabulary.header_key`) — and read as the same kind (yes/no or
number) in both; and the estate's name. A column only one register has, or read as
another kind there, is listed as not compared, with the reason.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from geo._text import ASCII_DIGITS, INVISIBLE, LETTER_MAP
from geo.errors import InputValueError
from geo.i18n import Bilingual, as_given, message, quoted

__all__ = ["Fact", "compared_facts", "fact_changes", "value_text", "year_of"]


class Joined(Protocol):
    """What is read of a join's result."""

    @property
    def estates(self) -> pd.DataFrame:
        """One row per register row."""

    @property
    def register(self) -> Any:
        """The register as read (its ``indicators``)."""


@dataclass(frozen=True)
class Fact:
    """One fact compared: its key, its words, its column in each register, its kind (``bool``, ``number``, ``text``)."""

    key: str
    label_en: str
    label_fa: str
    old: str
    new: str
    kind: str

    def record(self) -> dict[str, str]:
        """The fact as ``report.json`` lists it."""
        return asdict(self)


def _keyed(headers: dict[str, str]) -> dict[str, tuple[str, str, str, str, str]]:
    """Matching key → (header, kind, English label, Persian label, fact key), the first header of a key kept.

    A template column's fact key is its own (``treatment_plant``); another column's is its
    header with its spaces made single.
    """
    from geo.registers.template import template_columns
    from geo.registers.vocabulary import header_key, without_parens

    known: dict[str, Any] = {}
    for column in template_columns():
        known[header_key(column.header_fa)] = known[header_key(column.header_en)] = column
    out: dict[str, tuple[str, str, str, str, str]] = {}
    for header, kind in headers.items():
        col = known.get(header_key(without_parens(header))) or known.get(header_key(header))
        plain = " ".join(str(header).split())
        if col is not None:
            out.setdefault(col.key, (header, kind, col.header_en, col.header_fa, col.key))
        else:
            out.setdefault(header_key(header) or plain, (header, kind, plain, plain, plain))
    return out


def compared_facts(old: Joined, new: Joined, year_column: str | None) -> tuple[list[Fact], list[dict[str, str]]]:
    """The facts both registers have, and those not compared (``key``, ``reason``)."""
    from geo.registers.vocabulary import header_key

    skip = header_key(year_column) if year_column else None
    sides = [_keyed(dict(r.register.indicators) if r.register is not None else {}) for r in (old, new)]
    facts: list[Fact] = []
    if all("name" in r.estates.columns and r.estates["name"].notna().any() for r in (old, new)):
        facts.append(Fact("name", "name", "نام", "name", "name", "text"))
    skipped = []
    for key in dict.fromkeys([*sides[0], *sides[1]]):
        a, b = sides[0].get(key), sides[1].get(key)
        if skip is not None and (header_key((a or b)[0]) == skip):  # type: ignore[index]
            continue
        if a is None or b is None:
            where = "new" if a is None else "old"
            skipped.append({"key": (a or b)[4], "reason": f"only in the {where} register"})  # type: ignore[index]
        elif a[1] != b[1]:
            skipped.append({"key": a[4], "reason": f"read as {a[1]} in the old register and {b[1]} in the new"})
        else:
            facts.append(Fact(a[4], a[2], a[3], a[0], b[0], a[1]))
    return facts, skipped


def value_text(value: Any, lang: str) -> str:
    """A fact's value as a card or a reason says it (yes/no, a number, text cut short, blank).

    Examples
    --------
    >>> value_text(True, "fa"), value_text(1250.0, "en"), value_text(2.5, "fa"), value_text(None, "en")
    ('بله', '1,250', '۲٫۵', '(blank)')
    """
    from geo._text import persian_digits

    fa = lang == "fa"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return message("change", "fact.blank").fa if fa else str(message("change", "fact.blank"))
    if isinstance(value, (bool, np.bool_)):
        word = message("change", "fact.yes" if value else "fact.no")
        return word.fa if fa else str(word)
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        text = f"{int(number):,}" if number.is_integer() and abs(number) < 1e15 else f"{number:,.6g}"
        return persian_digits(text, separators=True) if fa else text
    return str(quoted(str(value)))


def _folded(values: np.ndarray) -> pd.Series:
    """Names as compared: NFKC, no invisible characters, Persian letter forms, single spaces."""
    text = pd.Series(values, dtype=object).map(str, na_action="ignore").astype(object)
    text = text.str.normalize("NFKC").str.replace(INVISIBLE, "", regex=True)
    text = text.str.translate(str.maketrans(LETTER_MAP)).str.split().str.join(" ")
    return text.astype(object)


def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether two columns of values differ (two blanks are equal)."""
    na_a, na_b = pd.isna(a), pd.isna(b)
    equal = np.zeros(len(a), dtype=bool)
    both = ~na_a & ~na_b
    equal[both] = np.asarray(a[both] == b[both], dtype=bool)
    return ~((na_a & na_b) | equal)


def _values(estates: pd.DataFrame, column: str, at: np.ndarray, kind: str) -> np.ndarray:
    """A fact's value for each estate (positions ``at``; -1: none): numbers as floats (NaN blank), others as objects."""
    col = estates[column]
    if kind == "number":
        numbers = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float) if len(col) else np.empty(0)
        return np.where(at >= 0, numbers[np.maximum(at, 0)] if len(col) else np.nan, np.nan)
    values = col.astype(object).where(col.notna(), None).to_numpy() if len(col) else np.empty(0, dtype=object)
    out = np.full(len(at), None, dtype=object)
    some = at >= 0
    out[some] = values[at[some]]
    return out


def fact_changes(
    ch: pd.DataFrame, frame: pd.DataFrame, old: pd.DataFrame, new: pd.DataFrame, facts: list[Fact]
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[int, list[Bilingual]]]:
    """Which facts changed for each estate found in both, the ``<fact>_before``/``_after`` columns, and the reasons.

    Returns
    -------
    tuple
        A boolean matrix (estates × facts), the columns by name, and for each estate with a
        changed fact its reasons («fact: before → after», both languages).
    """
    o, n = frame["o"].to_numpy(), frame["n"].to_numpy()
    paired = (o >= 0) & (n >= 0)
    changed = np.zeros((len(frame), len(facts)), dtype=bool)
    columns: dict[str, np.ndarray] = {}
    pairs_of: list[tuple[np.ndarray, np.ndarray]] = []
    for j, fact in enumerate(facts):
        before, after = _values(old, fact.old, o, fact.kind), _values(new, fact.new, n, fact.kind)
        if fact.kind == "text":  # only the names written differently are folded
            differ = paired & _differs(before, after)
            at = np.flatnonzero(differ)
            differ[at] = _differs(_folded(before[at]).to_numpy(), _folded(after[at]).to_numpy())
            changed[:, j] = differ
        else:
            changed[:, j] = paired & _differs(before, after)
            columns[f"{fact.key}_before"], columns[f"{fact.key}_after"] = before, after
        pairs_of.append((before, after))
    why: dict[int, list[Bilingual]] = {}
    for i in np.flatnonzero(changed.any(axis=1)).tolist():
        texts = []
        for j in np.flatnonzero(changed[i]).tolist():
            fact, (before, after) = facts[j], pairs_of[j]
            b, a = before[i], after[i]
            texts.append(
                message(
                    "change",
                    "why.fact",
                    fact=Bilingual(fact.label_en, fact.label_fa),
                    before=Bilingual(value_text(b, "en"), value_text(b, "fa")),
                    after=Bilingual(value_text(a, "en"), value_text(a, "fa")),
                )
            )
        why[int(i)] = texts
    return changed, columns, why


def _check_year(value: Any, field: str) -> int:
    try:
        year = int(str(value).strip().translate(ASCII_DIGITS))
    except ValueError:
        year = -1
    if not 1200 <= year <= 1500 or (isinstance(value, float) and not value.is_integer()):
        raise InputValueError(message("change", "error.year", field=field, value=quoted(str(value))))
    return year


def year_of(result: Joined, given: Any, column: str | None, field: str) -> int | None:
    """A register's Jalali year: the one given, else its year column's only year, else None."""
    if given is not None:
        return _check_year(given, field)
    if column is None:
        return None
    if column not in result.estates.columns:
        raise InputValueError(message("errors", "compare_no_year_column", column=as_given(quoted(column))))
    years = pd.unique(result.estates[column].dropna())
    if len(years) != 1:
        text = message("change", "error.year_column", column=column, count=len(years), field=field)
        raise InputValueError(text)
    return _check_year(years[0], field)
