"""Iran's 478 counties (شهرستان): boundaries, names and a resolver for their names.

The counties are OpenStreetMap's ``admin_level=5`` relations (© OpenStreetMap
contributors, ODbL 1.0), each keyed by a stable code derived from the data: ``r`` and
its OSM relation id (e.g. ``r6554961`` for Tabriz County), the one identifier every
county has (23 lack a Wikidata id). Like the provinces, each county has a territorial
polygon (``geometry``, for the join) and a land polygon (sea cut off, for maps and
``area_km2``); each province's counties add up to the province. See
``data/boundaries/README.md``.

County names are matched with the same folding as province names
(:func:`geo.reference.names.normalize_name`): Arabic letter forms, zero-width non-joiners,
spaces, diacritics and Latin accents do not matter, and the word «شهرستان» or "County"
may be present or not.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import pandas as pd

from geo.errors import AmbiguousNameError, UnknownNameError
from geo.i18n import Bilingual, message, province_label
from geo.reference._boundaries import Geometry, attribute_table, read_boundaries, with_geometry
from geo.reference.names import _LATIN_STOPWORDS, _error, _fa_list, _key, resolve_province

__all__ = ["load_counties", "resolve_county", "county_table", "county_label", "COUNTIES_FILE"]

#: The processed county file (GeoParquet), relative to the data folder.
COUNTIES_FILE = "boundaries/counties.parquet"

_COLUMNS = ["code", "osm_id", "wikidata", "province", "name_fa", "name_fa_short", "name_en", "area_km2"]
_COUNTY_WORD = "شهرستان"
_COUNTY_STOPWORDS = _LATIN_STOPWORDS | frozenset({"county", "shahrestan", "shahrestane", "city"})


def county_key(text: str) -> str:
    """The matching key of a county name (the province key's folding, «شهرستان»/County dropped).

    Examples
    --------
    >>> county_key("شهرستان آق‌قلا") == county_key("آق قلا") == county_key("اق قلا")
    True
    >>> county_key("Aqqala County")
    'aqqala'
    """
    return _key(text, _COUNTY_WORD, _COUNTY_STOPWORDS)


@lru_cache(maxsize=1)
def _read() -> gpd.GeoDataFrame:
    gdf = read_boundaries(COUNTIES_FILE, _COLUMNS)
    for col in ("wikidata", "name_en"):
        gdf[col] = gdf[col].fillna("")
    return gdf.set_index("code", drop=False).rename_axis(None)


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    df = attribute_table(COUNTIES_FILE, _COLUMNS)
    for col in ("wikidata", "name_en"):
        df[col] = df[col].fillna("")
    return df.set_index("code", drop=False).rename_axis(None)


def county_table(province: str | None = None) -> pd.DataFrame:
    """The county attributes without geometry (fast; used by the name resolver).

    Parameters
    ----------
    province
        Only the counties of this province (any form :func:`geo.resolve_province`
        reads); ``None`` (default) for all 478.

    Returns
    -------
    pandas.DataFrame
        One row per county, indexed by ``code``, with the columns of :func:`load_counties`
        except geometry. A fresh copy, safe to modify.

    Raises
    ------
    UnknownNameError, AmbiguousNameError
        When ``province`` names no single province.

    Examples
    --------
    >>> county_table().shape[0], county_table("Alborz").shape[0]
    (478, 7)
    """
    table = _table()
    if province is not None:
        table = table[table["province"] == resolve_province(province)]
    return table.copy()


def load_counties(province: str | None = None, geometry: Geometry = "land") -> gpd.GeoDataFrame:
    """Load Iran's counties as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    province
        Only the counties of this province, named in any form
        :func:`geo.resolve_province` reads (``"IR-10"``, ``"Isfahan"``, ``"اصفهان"``);
        ``None`` (default) for all 478.
    geometry
        ``"land"`` (default: sea cut off at the coast, islands kept; for maps and
        areas) or ``"territorial"`` (with the 12-nautical-mile territorial sea; for
        joining points at sea near the coast).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``code`` (``r`` + OSM relation id) with the columns ``code``,
        ``osm_id``, ``wikidata`` (empty when OSM has none), ``province`` (ISO
        3166-2:IR code), ``name_fa`` (as in OSM, with «شهرستان»), ``name_fa_short``
        (without it), ``name_en`` (OSM's ``name:en``, empty for the two counties that
        have none), ``area_km2`` (land, Albers equal-area) and ``geometry``. The
        counties form a clean coverage. A fresh copy, safe to modify.

    Raises
    ------
    UnknownNameError, AmbiguousNameError
        When ``province`` names no single province.

    Examples
    --------
    >>> counties = load_counties()
    >>> len(counties), counties.crs.to_epsg()
    (478, 4326)
    >>> alborz = load_counties("Alborz")
    >>> sorted(alborz["name_fa_short"])[:3]
    ['اشتهارد', 'ساوجبلاغ', 'طالقان']
    """
    frame = _read()
    if province is not None:
        frame = frame[frame["province"] == resolve_province(province)]
    return with_geometry(frame, _COLUMNS, geometry)


# --------------------------------------------------------------------------- resolver


@dataclass(frozen=True)
class _Index:
    keys: dict[str, tuple[str, ...]]  # key -> county codes (more than one: ambiguous)


@lru_cache(maxsize=1)
def _index() -> _Index:
    keys: dict[str, list[str]] = {}
    for rec in _table().itertuples():
        for form in (rec.name_fa, rec.name_fa_short, rec.name_en):
            key = county_key(form) if form else ""
            if key and rec.code not in keys.setdefault(key, []):
                keys[key].append(rec.code)
    return _Index({k: tuple(v) for k, v in keys.items()})


@lru_cache(maxsize=1)
def _province_labels() -> dict[str, Bilingual]:
    from geo.reference.provinces import province_table

    table = province_table()
    rows = zip(table["code"].tolist(), table["name_en"].tolist(), table["name_fa"].tolist(), strict=True)
    return {code: province_label(code, en, fa) for code, en, fa in rows}


def _province(code: str) -> Bilingual:
    return _province_labels()[code]


@lru_cache(maxsize=1024)
def county_label(code: str) -> Bilingual:
    """How a sentence names a county: its code, name and province, in English and Persian.

    Examples
    --------
    >>> label = county_label("r6554961")
    >>> label.en
    'r6554961 Tabriz County (IR-03 East Azerbaijan)'
    >>> label.fa
    'شهرستان تبریز (r6554961) در استان آذربایجان شرقی (IR-03)'
    """
    rec = _table().loc[code]
    name = Bilingual(rec["name_en"] or rec["name_fa"], rec["name_fa"])
    return message("names", "county_label", code=code, name=name, province=_province(rec["province"]))


def _labels(codes: tuple[str, ...]) -> Bilingual:
    """Counties as a sentence lists them («A; B» / «A یا B»)."""
    labels = [county_label(c) for c in codes]
    return Bilingual("; ".join(labels), _fa_list([lab.fa for lab in labels]))


def resolve_county(name: str, province: str | None = None) -> str:
    """Resolve a county name (Persian or English, any common spelling) to its county code.

    Parameters
    ----------
    name
        A county name: Persian with or without «شهرستان», with Arabic letter forms
        (ي ك) or Persian ones, with or without zero-width non-joiners or spaces; or the
        English name, with or without "County". A county code (``r6554961``) is
        returned as it is when it exists.
    province
        Look only among the counties of this province (any form
        :func:`geo.resolve_province` reads); ``None`` to look in all 31.

    Returns
    -------
    str
        The county code: ``r`` + OSM relation id.

    Raises
    ------
    AmbiguousNameError
        The name fits counties in more than one province (``candidates`` holds their
        codes; the messages name them in English and Persian). Give ``province``.
    UnknownNameError
        No county is known by that name (in that province): the counties of that name
        elsewhere, or else the closest names, are its ``candidates`` and are named.

    Examples
    --------
    >>> resolve_county("شهرستان تبريز")   # Arabic ي
    'r6554961'
    >>> resolve_county("Tabriz County") == resolve_county("تبریز", province="IR-03")
    True
    """
    if not isinstance(name, str):
        raise _error(UnknownNameError, "county_not_text", name, ())
    return _resolve(name, None if province is None else resolve_province(province))


@lru_cache(maxsize=4096)
def _resolve(name: str, province: str | None) -> str:
    table = _table()
    stripped = name.strip()
    if stripped in table.index and (province is None or table.at[stripped, "province"] == province):
        return stripped
    idx = _index()
    key = county_key(name)
    everywhere = idx.keys.get(key, ())
    codes = everywhere if province is None else tuple(c for c in everywhere if table.at[c, "province"] == province)
    if len(codes) == 1:
        return codes[0]
    if len(codes) > 1:
        raise _error(AmbiguousNameError, "county_ambiguous", name, codes, candidates=_labels(codes))
    if everywhere:
        raise _error(
            UnknownNameError,
            "county_elsewhere",
            name,
            everywhere,
            province=_province(province or ""),
            candidates=_labels(everywhere),
        )
    _raise_unknown(name, key, province)
    raise AssertionError("unreachable")


def _raise_unknown(name: str, key: str, province: str | None) -> None:
    """An unknown county name: the closest names (in ``province``) as candidates."""
    table, keys = _table(), _index().keys
    pool = [k for k, cs in keys.items() if province is None or any(table.at[c, "province"] == province for c in cs)]
    close = difflib.get_close_matches(key, pool, n=3, cutoff=0.6) if key else []
    found = (c for k in close for c in keys[k] if province is None or table.at[c, "province"] == province)
    candidates = tuple(dict.fromkeys(found))
    where = {} if province is None else {"province": _province(province)}
    code = ("county_unknown" if province is None else "county_unknown_in") + ("_closest" if candidates else "")
    extra = {"closest": _labels(candidates)} if candidates else {}
    raise _error(UnknownNameError, code, name, candidates, **where, **extra)
