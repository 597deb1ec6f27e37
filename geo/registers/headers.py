"""Finding the header row of a sheet or text file, and naming its columns.

Spreadsheets made by people put a title above the header, split the header over two
rows (a group cell such as «موقعیت» above «عرض»/«طول»), leave headers blank or repeat
them. The header is the row (or pair of rows) among the first :data:`HEADER_SCAN` that
names the most estate columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from geo.i18n import Bilingual, message, number_list
from geo.registers.cells import clip, is_filled
from geo.registers.vocabulary import STRIP, header_key, vocabulary, without_parens

__all__ = ["HEADER_SCAN", "find_header", "header_names", "header_warnings"]

#: How many rows at the top of a sheet or text file are searched for the header row.
HEADER_SCAN = 20

#: How a warning names a row of each kind of file: singular, and plural before numbers.
_WHERE = {
    "line": (Bilingual("line", "سطر"), Bilingual("lines", "سطرهای")),
    "row": (Bilingual("row", "ردیف"), Bilingual("rows", "ردیف‌های")),
}


def _header_score(cells: Iterable[object], wanted: frozenset[str]) -> int:
    """How many column roles a row of cells names (the header row names the most)."""
    cells = list(cells)
    keys = {header_key(c) for c in cells if is_filled(c)}
    keys |= {header_key(without_parens(c)) for c in cells if c is not None and "(" in str(c)}
    roles_of = vocabulary().roles_of
    roles = {role for key in keys for role in roles_of.get(key, ())}
    return len(roles) + len(keys & wanted)


def _merged(upper: Sequence[object], lower: Sequence[object]) -> list[object]:
    """Two header rows as one: the lower cell where it is filled, else the upper one."""
    width = max(len(upper), len(lower))
    upper = [*upper, *[None] * (width - len(upper))]
    lower = [*lower, *[None] * (width - len(lower))]
    return [b if is_filled(b) else a for a, b in zip(upper, lower, strict=True)]


def find_header(rows: Sequence[Sequence[object]], wanted: frozenset[str]) -> tuple[int, list[object] | None, int]:
    """Where the header is among the first rows.

    Returns the index of the header row (the data start after it), the header cells when
    it is two rows merged (the lower row winning where both are filled), else None, and
    the header's score.
    """
    best: tuple[int, int, list[object] | None] = (_header_score(rows[0], wanted) if rows else 0, 0, None)
    for i, row in enumerate(rows[:HEADER_SCAN]):
        score = _header_score(row, wanted)
        if score > best[0]:
            best = (score, i, None)
        if i + 1 < len(rows) and any(is_filled(c) for c in row):
            merged = _merged(row, rows[i + 1])
            score = _header_score(merged, wanted)
            if score > best[0] and score > _header_score(rows[i + 1], wanted):
                best = (score, i + 1, merged)
    return best[1], best[2], best[0]


def header_names(cells: Iterable[object]) -> tuple[list[str], list[str]]:
    """Header texts, blank ones named ``Unnamed: k`` and repeated ones numbered, and warnings."""
    names: list[str] = []
    seen: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for k, cell in enumerate(cells):
        text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell)
        text = text.strip(STRIP)
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
    warnings: list[str] = [
        message(
            "warnings",
            "header_repeated",
            text=text,
            count=len(cols),
            columns=number_list(cols),
            kept=", ".join(repr(f"{text}.{i}") for i in range(1, len(cols))),
        )
        for text, cols in repeated.items()
    ]
    return names, warnings


def header_warnings(
    index: int, merged: bool, rows: Sequence[Sequence[object]], where: str, numbers: Sequence[int] | None = None
) -> list[str]:
    """A warning when the header is not the first row (``where`` is ``line`` or ``row``).

    ``numbers`` are the 1-based numbers of ``rows`` in the file when blank ones were left
    out (a sheet's), else row ``i`` is number ``i + 1``.
    """
    one, many = _WHERE[where]

    def number(i: int) -> int:
        return numbers[i] if numbers is not None else i + 1

    if merged:
        first = number(index - 1)
        code = "header_merged_skipped" if first > 1 else "header_merged"
        return [message("warnings", code, where=one, wheres=many, first=first, second=number(index), last=first - 1)]
    line = number(index)
    if line == 1:
        return []
    title = next((str(c).strip() for row in rows[:index] for c in row if is_filled(c)), "")
    shown = Bilingual(repr(clip(title)), f"«{clip(title)}»") if title else Bilingual("blank", "خالی")
    code = "header_below_many" if line > 2 else "header_below_one"
    return [message("warnings", code, where=one, wheres=many, line=line, last=line - 1, title=shown)]


#: How many first rows tell which header column has the fewest distinct values.
_SAMPLE = 1000


def _may_repeat(frame: pd.DataFrame, named: list[tuple[int, str]]) -> np.ndarray:
    """Whether each row may repeat the header: its cell in one named column is blank or reads as that header.

    The column is the one with the fewest distinct values in the first :data:`_SAMPLE`
    rows (a province or yes/no column rather than ids), and each of its distinct values is
    read once: a row that repeats the header has every filled named cell reading as its
    header, so no row outside this mask can.
    """
    sample = frame.iloc[:_SAMPLE]
    k, key = min(named, key=lambda kh: sample.iloc[:, kh[0]].nunique(dropna=False))
    codes, uniques = pd.factorize(frame.iloc[:, k], use_na_sentinel=True)
    maybe = [not is_filled(u) or header_key(str(u)) == key for u in uniques.tolist()]
    return np.array([*maybe, True], dtype=bool)[codes]  # the sentinel -1 (a missing cell) picks the last


def drop_repeated_headers(
    frame: pd.DataFrame, header: Sequence[object], where: str, numbers: Sequence[int]
) -> tuple[pd.DataFrame, list[str]]:
    """The data rows (their index kept) without those that repeat the header (two exports pasted together).

    A row repeats the header when every column with a header holds that header again (as
    :func:`~geo.registers.vocabulary.header_key` reads both), in at least two columns.
    ``numbers`` are the file's line (``where`` ``line``) or row numbers of ``frame``'s rows.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["1", "id", "2"], "استان": ["تهران", "استان", "فارس"]})
    >>> kept, warnings = drop_repeated_headers(frame, ["id", "استان"], "line", [2, 3, 4])
    >>> kept["id"].tolist(), str(warnings[0])
    (['1', '2'], 'the header is repeated inside the data (two exports pasted together?): line 3 skipped')
    """
    named = [(k, header_key(h)) for k, h in enumerate(header) if is_filled(h) and k < frame.shape[1]]
    if len(named) < 2 or len(frame) == 0:
        return frame, []
    first, key = named[0]
    maybe = np.flatnonzero(_may_repeat(frame, named))
    column = frame.iloc[maybe, first]
    candidates = maybe[column.astype(object).map(lambda v: isinstance(v, str) and header_key(v) == key).to_numpy(bool)]
    repeats = [
        i
        for i in candidates.tolist()
        if all(header_key(str(frame.iat[i, k])) == hk for k, hk in named if is_filled(frame.iat[i, k]))
        and sum(is_filled(frame.iat[i, k]) for k, _ in named) >= 2
    ]
    if not repeats:
        return frame, []
    shown = number_list([int(numbers[i]) for i in repeats], limit=10)
    one, many = _WHERE[where]
    text = message("warnings", "header_repeated_rows", where=one if len(repeats) == 1 else many, numbers=shown)
    return frame.drop(index=frame.index[repeats]), [text]
