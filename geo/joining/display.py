"""The estates of a join as a table for people (:meth:`geo.JoinResult.table`).

Province and county by name, the status in words, known facts by their label and unit
(:mod:`geo.registers.known`), in the language asked; the values keep their types.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from geo.joining.locate import county_index, province_index

__all__ = ["display_table"]

#: The columns of :meth:`JoinResult.table` before and after the register's own, by their label codes.
_TABLE_HEAD = ("row", "id", "name", "province", "county", "status")
_TABLE_TAIL = ("reasons", "notes", "lat", "lon")
#: What the table leaves out of ``estates``: the other language's texts, the places as given, the point.
_NOT_SHOWN = {"reasons_fa", "notes_fa", "province_as_given", "county_as_given", "geometry"}


def display_table(estates: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:meth:`geo.JoinResult.table` of ``estates``: the estates headed by display labels in ``lang``."""
    from geo.i18n import message
    from geo.registers.known import fact_header, unique_labels

    fa = lang == "fa"
    names = {"province": province_index().frame, "county": county_index().frame}
    columns: dict[str, Any] = {}
    for col in _TABLE_HEAD:
        values = estates[col] if col in estates.columns else pd.Series([None] * len(estates), index=estates.index)
        if col in names:
            found = names[col].set_index("code")["name_fa" if fa else "name_en"]
            values = values.map(found).astype(object).where(values.notna(), None)
        elif col == "status":
            words = {s: getattr(message("columns", f"status.{s}"), lang) for s in ("joined", "flagged", "rejected")}
            values = values.astype(object).map(words)
        columns[col] = values.astype(object) if col != "row" else values
    own = [c for c in estates.columns if c not in {*_TABLE_HEAD, *_TABLE_TAIL, *_NOT_SHOWN}]
    columns |= {c: estates[c] for c in own}
    for col in ("reasons", "notes"):
        texts = estates.get(f"{col}_fa" if fa else col, estates.get(col))
        columns[col] = pd.Series(
            [("؛ " if fa else "; ").join(v) if len(v) else None for v in texts], index=estates.index, dtype=object
        )
    columns |= {c: estates[c] for c in ("lat", "lon")}
    heads = [message("columns", f"estate.{c}") for c in _TABLE_HEAD] + [fact_header(c) for c in own]
    heads += [message("columns", f"estate.{c}") for c in _TABLE_TAIL]
    table = pd.DataFrame(columns, index=estates.index)
    return table.set_axis([getattr(h, "fa" if fa else "en") for h in unique_labels(heads)], axis=1)
