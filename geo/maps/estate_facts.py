"""The estates' own facts on a register's map: each of the register's columns once, as a column array.

A register row carries, beside the product's columns (:data:`geo.registers.columns.RESERVED`),
the columns the user's file had: treatment plant, ISO 14001, green space … or anything else.
Each goes into the page once, as one list of values in the points' order
(:class:`~geo.maps.contract.EstateFact`), not as an object per point, which keeps the page
small. A column the vocabulary knows (a ``data/registers/template.csv`` column, by its key,
its headers or a word of ``data/registers/fact_words.csv``, compared after
:func:`~geo.registers.vocabulary.header_key` folding) gets the template's label in the page's
language and its unit; any other keeps its header as written, shortened to
:data:`HEADER_CHARS` characters. The page carries at most :data:`FACT_COLUMNS` columns (the
card says how many more there are) and at most :data:`CELL_CHARS` characters of a text cell.
Every text is data: the page's script places it with ``textContent``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo._paths import data_dir
from geo.i18n import as_given, message, section
from geo.maps.contract import EstateFact

__all__ = [
    "CELL_CHARS",
    "FACT_COLUMNS",
    "HEADER_CHARS",
    "estate_texts",
    "fact_columns",
    "fact_kind",
    "full_columns",
    "number_breaks",
    "own_columns",
    "place_points",
    "shorten",
    "start_fragment",
]

#: The most register columns a page carries (a 500-column register: the first 40, and a note).
FACT_COLUMNS = 40
#: The most characters of a text cell a page carries (a 10 KB cell is cut, with "…").
CELL_CHARS = 160
#: The most characters of the packed columns of the points, whole, for the CSV download
#: (:attr:`~geo.maps.contract.PointsData.full`); above, the page carries the capped ones only.
FULL_CHARS = 3_000_000
#: The most characters of an unknown column's header shown as its label.
HEADER_CHARS = 60
_KIND_UNIT = {"hectares": "hectare"}


def shorten(text: str, cap: int) -> str:
    """``text`` cut to ``cap`` characters, ending in "…" when cut.

    Examples
    --------
    >>> shorten("abcdef", 4), shorten("abc", 4)
    ('abc…', 'abc')
    """
    return text if len(text) <= cap else text[: cap - 1] + "…"


@lru_cache(maxsize=1)
def _known() -> dict[str, Any]:
    """:func:`header_key` of every header form a template column goes by → that column."""
    from geo.registers.template import template_columns
    from geo.registers.vocabulary import header_key

    columns = {c.key: c for c in template_columns() if c.kind in ("hectares", "count", "yesno")}
    known: dict[str, Any] = {}
    for col in columns.values():
        for form in (col.key, col.header_fa, col.header_en):
            known.setdefault(header_key(form), col)
    with (data_dir() / "registers" / "fact_words.csv").open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            if rec["key"] in columns:
                known.setdefault(header_key(rec["word"]), columns[rec["key"]])
    return known


def _template_column(header: str) -> Any:
    from geo.registers.vocabulary import header_key

    return _known().get(header_key(header))


def _is_yesno(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return True
    if values.dtype != object:
        return False
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, (bool, np.bool_)) for v in present.tolist())


def _number(v: Any) -> int | float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x):
        return None
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _column(values: pd.Series, kind: str) -> list[Any]:
    """A column's values as the page carries them."""
    if kind == "yesno":
        return [None if v is None or v is pd.NA or v != v else int(bool(v)) for v in values.tolist()]
    if kind == "number":
        return [_number(v) for v in values.tolist()]
    out = []
    for v in values.tolist():
        blank = v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
        out.append("" if blank else shorten(str(v), CELL_CHARS))
    return out


def own_columns(rows: pd.DataFrame) -> list[Any]:
    """The register's own columns of a table of estates (not the product's, nor the geometry)."""
    from geo.registers.columns import RESERVED

    product = {c.casefold() for c in RESERVED} | {"geometry"}
    return [c for c in rows.columns if str(c).casefold() not in product]


_PLACES = ("status", "province", "county")


def start_fragment(columns: list[Any], color: str | None, where: Mapping[str, Any] | None) -> str:
    """A map's initial style and filters in its URL fragment's form (what the page reads).

    Parameters
    ----------
    columns
        The register's own columns (:func:`own_columns`): a fact is named by its header.
    color
        ``"status"`` or a column's header: what the points are coloured by.
    where
        Header (or ``status``, ``province``, ``county``) → what to keep: ``True``/``False``
        (yes/no), ``None`` (not given), a ``(low, high)`` pair (either may be None) for a
        number, a status, an ISO province code or a county code.

    Raises
    ------
    MapError
        A name that is not one of the register's columns, or a value of the wrong kind.

    Examples
    --------
    >>> start_fragment(["تصفیه خانه", "area"], "area", {"تصفیه خانه": False, "area": (10, None)})
    'color=f1&where.f0=no&where.f1=10~'
    """
    from collections.abc import Mapping
    from urllib.parse import quote

    from geo.errors import InputTypeError, MapError

    if color is not None and not isinstance(color, str):
        raise InputTypeError(message("errors", "maps_color_type", kind=type(color).__name__))
    if where is not None and not isinstance(where, Mapping):
        raise InputTypeError(message("errors", "maps_filter_type", kind=type(where).__name__))
    keys = {str(c): f"f{k}" for k, c in enumerate(columns[:FACT_COLUMNS])}
    parts = []
    if color is not None and color != "status":
        if color not in keys:
            raise MapError(message("errors", "maps_color_column", column=as_given(shorten(str(color), HEADER_CHARS))))
        parts.append(f"color={keys[color]}")
    for name, value in (where or {}).items():
        if name in _PLACES and name not in keys:
            parts.append(f"where.{name}={quote(str(value), safe='')}")
            continue
        if name not in keys:
            raise MapError(message("errors", "maps_filter_column", column=as_given(shorten(str(name), HEADER_CHARS))))
        if isinstance(value, tuple) and len(value) == 2:
            if not all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in value):
                raise MapError(message("errors", "maps_filter_pair", column=as_given(shorten(str(name), HEADER_CHARS))))
            text = "~".join("" if v is None else repr(float(v)).removesuffix(".0") for v in value)
        elif value is None or isinstance(value, (bool, np.bool_)):
            text = {None: "none", True: "yes", False: "no"}[None if value is None else bool(value)]
        else:
            named = shorten(str(name), HEADER_CHARS)
            raise MapError(message("errors", "maps_filter_value", column=as_given(named)))
        parts.append(f"where.{keys[name]}={quote(text, safe='~')}")
    return "&".join(parts)


def number_breaks(values: Any) -> list[float]:
    """A number fact's classes: the upper bounds of its quartiles (each bound once).

    The page's script classes a value ``v`` as the first bound ``>= v``.

    Examples
    --------
    >>> number_breaks([1, 2, 3, 4, 5, 6, 7, 8, None]), number_breaks([5, 5, 5])
    ([2.0, 4.0, 6.0, 8.0], [5.0])
    """
    from geo.maps.cell_store import quartile_breaks

    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    vc = pd.Series(v[np.isfinite(v)]).value_counts().sort_index()
    return quartile_breaks(vc.index.to_numpy(dtype=float), vc.to_numpy())


def fact_kind(values: pd.Series) -> str:
    """``yesno``, ``number`` or ``text``: how the page shows, styles and filters a column."""
    if _is_yesno(values):
        return "yesno"
    return "number" if pd.api.types.is_numeric_dtype(values) else "text"


def fact_columns(
    rows: pd.DataFrame, lang: str, every: pd.DataFrame | None = None, specs: Mapping[str, Any] | None = None
) -> tuple[list[EstateFact], int]:
    """The register's own columns of ``rows`` (the points, in order), and how many are left out.

    A number fact's classes are of ``every`` row of the register (default: ``rows``); with
    ``specs`` (:func:`geo.maps.cell_store.fact_specs` of every row: a register counted in
    parts), each column's kind and classes are those.

    Examples
    --------
    >>> rows = pd.DataFrame({"row": [1, 2], "status": ["joined"] * 2,
    ...                      "تصفیه خانه": [True, None], "note": ["a", "b" * 500]})
    >>> facts, cut = fact_columns(rows, "en")
    >>> [(f.label, f.kind, f.v[0]) for f in facts], len(facts[1].v[1]), cut
    ([('wastewater treatment plant in operation', 'yesno', 1), ('note', 'text', 'a')], 160, 0)
    """
    own = own_columns(rows)
    units = section("map", "unit", lang)
    facts = []
    for k, col in enumerate(own[:FACT_COLUMNS]):
        header = shorten(str(col), HEADER_CHARS)
        full = (every if every is not None else rows)[col]
        if specs is None:
            kind = fact_kind(full)
            breaks = number_breaks(full) if kind == "number" else []
        else:
            spec = specs.get(f"f{k}")
            kind, breaks = (spec.kind, spec.breaks) if spec is not None else ("text", [])
        values = _column(rows[col], kind)
        known = _template_column(str(col))
        label, unit = header, ""
        if known is not None:
            label = known.header_fa if lang == "fa" else known.header_en
            unit = units.get(_KIND_UNIT.get(known.kind, ""), "")
        facts.append(EstateFact(f"f{k}", label, unit, kind, known is not None, header, values, breaks))
    return facts, max(0, len(own) - FACT_COLUMNS)


@lru_cache(maxsize=2)
def _representative(level: str) -> dict[str, tuple[float, float]]:
    """Code → a point inside each place (lat, lon) of the shipped boundaries as the maps draw them."""
    from geo.maps.geometry import display_coverage

    frame = display_coverage(level)
    codes = frame["code"] if "code" in frame.columns else frame.index
    reps = shapely.point_on_surface(frame.geometry.to_numpy())
    return {str(c): (round(float(p.y), 5), round(float(p.x), 5)) for c, p in zip(codes.tolist(), reps, strict=True)}


def place_points(county: np.ndarray, province: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where rows without coordinates are drawn: their county's point, else their province's.

    Parameters
    ----------
    county, province
        Each row's county code and province ISO code (text, "" or None where none).

    Returns
    -------
    tuple of numpy.ndarray
        Longitude and latitude (NaN where no place is known), and per row 1 (county), 2
        (province) or 0 (none).

    Examples
    --------
    >>> lon, lat, how = place_points(np.array(["", "nowhere"]), np.array(["IR-10", ""]))
    >>> how.tolist(), bool(44 < lon[0] < 64), bool(np.isnan(lon[1]))
    ([2, 0], True, True)
    """
    n = len(county)
    lon, lat, how = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype="int64")
    for level, codes, mark in (("province", province, 2), ("county", county, 1)):  # the county wins
        found = pd.Series(codes, dtype=object).map(_representative(level))
        hit = found.notna().to_numpy()
        if hit.any():
            pts = np.array(found[hit].tolist(), dtype=float)
            lat[hit], lon[hit], how[hit] = pts[:, 0], pts[:, 1], mark
    return lon, lat, how


def estate_texts(lang: str) -> dict[str, str]:
    """The register layer's words (``estate.*`` of ``data/i18n/map.csv``) in ``lang``, the cell cap filled in."""
    from geo.numbers import format_number_fa

    texts = section("map", "estate", lang)
    chars = format_number_fa(CELL_CHARS) if lang == "fa" else f"{CELL_CHARS:,}"
    return {**texts, "csv_cut": texts["csv_cut"].replace("{chars}", chars)}


def _cell(value: Any) -> str:
    """A cell of the CSV download as text ("" for none; yes/no as true/false)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return "" if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else str(value)


def full_columns(rows: pd.DataFrame) -> str:
    """The points' every own column, whole (:attr:`~geo.maps.contract.PointsData.full`), or "" past the cap."""
    from geo.maps.cell_store import pack

    own = own_columns(rows)
    cols = [rows[c].tolist() if c in rows.columns else [""] * len(rows) for c in ("id", "name", *own)]
    table = [[_cell(v) for v in values] for values in zip(*cols, strict=True)] if cols else []
    text = json.dumps({"header": [str(c) for c in own], "rows": table}, ensure_ascii=False)
    packed = pack(np.frombuffer(text.encode("utf-8"), dtype="u1"), "u1")
    return packed if len(packed) <= FULL_CHARS else ""
