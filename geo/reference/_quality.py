"""Where a printed per-province table disagrees with itself: found, described, never fixed.

A yearbook table prints a national row and, for a breakdown (e.g. establishments by size
class), each province's total beside its parts. :func:`check_column` and
:func:`check_parts` compare those printed figures with the sums of the printed cells and
return one :class:`QualityIssue` per disagreement, holding both numbers. Whether an
issue is an error or a :class:`geo.errors.DataQualityWarning` is declared per indicator
in ``data/yearbook/indicators.csv`` (``on_mismatch``); either way no number is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo._text import persian_digits
from geo.i18n import Bilingual, message

__all__ = ["QualityIssue", "check_column", "check_parts"]


@dataclass(frozen=True)
class QualityIssue:
    """One disagreement inside a printed table, with both numbers.

    Attributes
    ----------
    table
        The table's file name.
    column
        The column whose printed figure disagrees (the national total's column, or the
        row's total column).
    kind
        ``"national_total"``: the provinces' cells of ``column`` do not sum to the printed
        national total; ``"parts"``: a province's parts do not sum to its printed total.
    printed
        The printed figure (national total, or the province's total).
    computed
        The sum of the printed cells it should equal.
    code, row, province_en, province_fa
        For ``"parts"``: the province (ISO code, 1-based data row, names).
    parts
        For ``"parts"``: each part's column and printed value, in order.
    """

    table: str
    column: str
    kind: str
    printed: float
    computed: float
    code: str | None = None
    row: int | None = None
    province_en: str = ""
    province_fa: str = ""
    parts: tuple[tuple[str, float], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column whose printed cells take part in the disagreement."""
        return (self.column, *(c for c, _ in self.parts))

    def _fields(self) -> dict[str, object]:
        terms = " + ".join(f"{v:,g}" for _, v in self.parts)
        return {
            "computed": self.computed,
            "printed": self.printed,
            "column": self.column,
            "columns": " + ".join(c for c, _ in self.parts),
            "terms": Bilingual(terms, persian_digits(terms, separators=True)),
            "name": Bilingual(self.province_en, self.province_fa),
        }

    def message(self) -> str:
        """The issue in English, naming the file, row and field, with both numbers.

        Examples
        --------
        >>> text = QualityIssue("t.csv", "a", "national_total", printed=10, computed=12).message()
        >>> text.startswith("t.csv, field 'a': the printed table does not add up")
        True
        >>> "sum to 12, the printed national total is 10" in text
        True
        """
        where = [self.table] + ([f"row {self.row} ({self.code})"] if self.row is not None else [])
        text = message("warnings", f"table.{self.kind}", **self._fields())
        return f"{', '.join([*where, f'field {self.column!r}'])}: {text}"

    def note(self, lang: str = "en") -> str:
        """The issue in a short sentence for a map legend, a popup or a CSV cell.

        Examples
        --------
        >>> issue = QualityIssue("t.csv", "a", "parts", 608, 708, "IR-30", 5, "Alborz", "البرز",
        ...                      (("b", 297), ("c", 139), ("d", 272)))
        >>> issue.note("en")
        'Alborz: 297 + 139 + 272 = 708, printed total 608'
        >>> issue.note("fa") == "البرز: \u2066۲۹۷ + ۱۳۹ + ۲۷۲ = ۷۰۸\u2069، جمع چاپ‌شده ۶۰۸"
        True
        """
        text = message("warnings", f"table.note_{self.kind}", **self._fields())
        return text.fa if lang == "fa" else text.en


def check_column(table: str, column: str, values: pd.Series, national_total: float) -> list[QualityIssue]:
    """The provinces' cells of a column against the printed national total (empty cells skipped).

    Examples
    --------
    >>> check_column("t.csv", "a", pd.Series([1.0, 2.0, np.nan]), 3)
    []
    >>> check_column("t.csv", "a", pd.Series([1.0, 2.0]), 4)[0].computed
    3.0
    """
    total = float(values.sum(skipna=True))
    if np.isclose(total, float(national_total)):
        return []
    return [QualityIssue(table, column, "national_total", printed=float(national_total), computed=total)]


def check_parts(
    table: str, frame: pd.DataFrame, total: str, parts: list[str], names: pd.DataFrame
) -> list[QualityIssue]:
    """Each province's parts against its printed total (empty cells count as none, as in print).

    ``frame`` holds the numeric columns indexed by ISO code in table order; ``names`` the
    provinces' ``name_en`` and ``name_fa`` by code. A row whose total is empty is skipped.
    """
    issues = []
    sums = frame[parts].sum(axis=1, skipna=True, min_count=1)
    for row, code in enumerate(frame.index, start=1):
        printed, computed = frame.at[code, total], sums.at[code]
        if pd.isna(printed) or (pd.isna(computed) and printed == 0) or np.isclose(printed, computed):
            continue
        cells = tuple((p, float(v)) for p, v in zip(parts, frame.loc[code, parts].fillna(0), strict=True))
        issue = QualityIssue(table, total, "parts", float(printed), float(0 if pd.isna(computed) else computed))
        issues.append(
            replace(
                issue,
                code=str(code),
                row=row,
                province_en=str(names.at[code, "name_en"]),
                province_fa=str(names.at[code, "name_fa"]),
                parts=cells,
            )
        )
    return issues
