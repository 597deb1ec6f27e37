"""Which column of a register plays which role, and the names the product keeps for itself.

Roles are found by header first (:func:`find_columns`, the words of
``data/registers/vocabulary.csv``). When no header names a province column, a column
whose values are province names or codes is taken for it (:func:`province_by_content`):
a column headed ``code`` holding ``IR-03 …`` is the province column, not the id; a
warning says which column was taken and why.

The product writes columns of its own beside the user's (:data:`RESERVED`: ``status``,
``reasons``, ``province`` …). A user column that would shadow one of them, or that differs
from another column only by case (a GeoPackage's column names ignore case), is renamed
deterministically (``status`` → ``user_status``) with a warning (:func:`rename_reserved`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath

import pandas as pd

from geo.errors import AmbiguousNameError, NameResolutionError, RegisterError
from geo.i18n import as_given, as_listed, message
from geo.registers.cells import as_text, blank, clip
from geo.registers.vocabulary import ROLE_WORDS, ROLES, header_key, vocabulary, without_parens

__all__ = ["RESERVED", "find_columns", "province_by_content", "rename_reserved"]

#: The columns geo writes beside a register's own (estates, joined.*, rejects.csv, report):
#: a user column may not take one of these names, whatever its case.
RESERVED = (
    "row",
    "id",
    "name",
    "province",
    "province_as_given",
    "county",
    "county_as_given",
    "status",
    "reasons",
    "reasons_fa",
    "notes",
    "notes_fa",
    "lat",
    "lon",
    "geometry",
)

#: Share of a column's (sampled, distinct) values that must name a province for the
#: column to be taken as the province column by its content.
PROVINCE_SHARE = 0.8
_SAMPLE = 200
#: Rows a column is sampled from (its first): enough for 200 distinct values.
_HEAD = 10_000


def find_columns(frame: pd.DataFrame, overrides: Mapping[str, str | None], path: PurePath | None) -> dict[str, str]:
    """Role → header: the header the caller named for it, else the first of its known names.

    Raises
    ------
    RegisterError
        The caller named a column the register does not have.
    """
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
                said = {"wanted": as_given(clip(wanted, 80)), "role": ROLE_WORDS.get(role, role)}
                said["columns"] = as_listed(columns)
                raise RegisterError(message("errors", "columns_no_column", **said), path=path, field=clip(wanted, 80))
            found[role] = col
            continue
        for alias in names[role]:
            col = keys.get(header_key(alias))
            if col is not None and col not in found.values():
                found[role] = col
                break
    return found


def _share_of_provinces(cells: pd.Series) -> tuple[float, int, str]:
    """Share of a column's distinct values that name a province, their count, and an example."""
    from geo.reference.names import resolve_province

    head = cells.iloc[:_HEAD]
    values = pd.unique(as_text(head[~blank(head)]).dropna())[:_SAMPLE]
    if not len(values):
        return 0.0, 0, ""
    named, example = 0, ""
    for value in values.tolist():
        try:
            resolve_province(value)
        except AmbiguousNameError:
            named += 1  # «خراسان» names provinces; it is not guessed, but it is a province column
        except NameResolutionError:
            continue
        else:
            named += 1
            example = example or value
    return named / len(values), named, example


def province_by_content(
    cells: pd.DataFrame, columns: dict[str, str], overrides: Mapping[str, str | None], warnings: list[str]
) -> None:
    """Without a province header, take the column whose values name provinces (in place).

    The column may have been taken for the id or the name by its header (``code`` is an
    id header): it becomes the province column, and that role is left to no column.
    Columns the caller named, the coordinates and a county column are never taken.
    """
    if "province" in columns or overrides.get("province") is not None:
        return
    named = {columns[r] for r, v in overrides.items() if v is not None and r in columns}
    # a county column (found by its header) names counties, many of them like their provinces
    kept = {columns.get("lat"), columns.get("lon"), columns.get("geometry"), columns.get("county")}
    for col in cells.columns:
        if col in named or col in kept or pd.api.types.is_numeric_dtype(cells[col].dtype):
            continue
        share, count, example = _share_of_provinces(cells[col])
        if count and share >= PROVINCE_SHARE:
            was = next((role for role, c in columns.items() if c == col), None)
            if was is not None:
                columns.pop(was)
            code = "province_by_content_was_role" if was else "province_by_content"
            fields = {"column": str(col), "count": count, "share": round(100 * share), "example": clip(example)}
            warnings.append(message("warnings", code, **fields, role=ROLE_WORDS.get(was, was) if was else ""))
            columns["province"] = col
            return


def _free(name: str, taken: set[str]) -> str:
    """``name``, or ``name.1``, ``name.2`` … : the first that no column has (whatever its case)."""
    if name.casefold() not in taken:
        return name
    n = 1
    while f"{name}.{n}".casefold() in taken:
        n += 1
    return f"{name}.{n}"


def rename_reserved(
    cells: pd.DataFrame, columns: dict[str, str], warnings: list[str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename user columns that would shadow a product column or differ from another only by case.

    Role columns keep their names (their values go under the role's name). A column named
    like one of :data:`RESERVED` becomes ``user_<name>``; one whose name another column
    has in another case gets ``.1``.

    Returns
    -------
    cells, renamed
        The cells under their new headers, and old header → new header of those renamed.
    """
    used = set(columns.values())
    reserved = {r.casefold() for r in RESERVED}
    taken = {str(c).casefold() for c in cells.columns if c in used} | reserved
    renamed: dict[str, str] = {}
    for col in cells.columns:
        if col in used:
            continue
        text = str(col)
        new = _free(f"user_{text}", taken) if text.casefold() in reserved else _free(text, taken)
        taken.add(new.casefold())
        if new != text:
            renamed[text] = new
            code = "column_reserved" if text.casefold() in reserved else "column_case"
            warnings.append(message("warnings", code, column=text, renamed=new))
    return (cells.rename(columns=renamed) if renamed else cells), renamed
