"""The data a map page carries: the JSON contract between Python and ``geo/templates/map.js``.

A page holds one ``<script type="application/json" id="geo-data">`` block, a
:class:`PageData` as JSON; the page's own script reads it and nothing else. The classes
below are that contract, field by field: a field the script reads must be declared here
(``tests/test_maps.py`` checks every name ``map.js`` reads against them, and every page
the package writes against :func:`check_page_data`). Short names (``c``, ``t``, ``r``,
``s``, ``ll``) keep the per-province and per-point arrays small.

``map.js`` names these objects consistently, and the test relies on it: ``D`` (the page),
``S`` (its strings), ``ind`` or ``inds[k]`` (an indicator), ``f`` (a fact) and ``f.pair``,
``P`` (the points), ``p`` or ``.properties`` (a province feature's properties), ``G`` (the
grid), ``lv`` (one of its levels), ``T`` (the tally), ``D.counties`` (:class:`CountyLayer`)
and ``K`` (the county level once decoded: :class:`geo.maps.county_level.CountyData`, in a
second element of its own).

Every text is already in the page's language (numbers with Persian digits on a Persian
page); the script only places it, with ``textContent``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from geo.maps.contract_register import (
    CellStore,
    EstateFact,
    GridData,
    GridLevel,
    PointsData,
    RegisterPoints,
    StoreFact,
    TallyData,
)
from geo.maps.contract_time import ChangesData, SeriesChart, SeriesData

__all__ = [
    "CellStore",
    "CountyLayer",
    "EstateFact",
    "FactData",
    "FeatureProperties",
    "GridData",
    "GridLevel",
    "IndicatorData",
    "LinkData",
    "PageData",
    "PairData",
    "PointsData",
    "RegisterPoints",
    "StoreFact",
    "TallyData",
    "QualityData",
    "SearchData",
    "check_page_data",
    "field_names",
    "plain",
]


@dataclass(frozen=True)
class FeatureProperties:
    """The ``properties`` of each province feature of :attr:`PageData.geojson`.

    Besides these, one property per indicator id holds the raw value (number or null).

    Attributes
    ----------
    code
        ISO 3166-2:IR code (the key the script finds a province by).
    name_fa, name_en
        The province's names.
    pt
        A point inside the province, ``[lat, lon]`` (where a label or popup opens).
    """

    code: str
    name_fa: str
    name_en: str
    pt: tuple[float, float]


@dataclass(frozen=True)
class IndicatorData:
    """One switchable choropleth layer (an item of :attr:`PageData.indicators`).

    Attributes
    ----------
    id, label, unit, year, source
        The indicator's id and its texts in the page's language.
    scheme
        The mapclassify scheme name; ``classes`` says it in words with the class count.
    total
        The published national total, formatted, or None.
    colors, bins
        One colour and one range text per class (legend).
    c
        Class of each province, in feature order (-1: no data).
    t
        Value of each province as text (None: no data).
    r
        Rank of each province, 1 = largest, ties sharing the best rank (None: no data).
    s
        Share of the national total as text (None without a total or value).
    order
        Position of the layer in the indicator menu.
    year_sh
        The Solar Hijri year in Latin digits (the downloaded CSV's ``year`` column).
    borders
        A caption on the boundaries the figures were counted in, when they differ from the
        boundaries drawn (e.g. per province as of 1392), or None.
    v
        Value of each county as a number (None: no data), for the downloaded CSV: on the
        county layers only; a province layer's numbers are in the features' properties.
    """

    id: str
    label: str
    unit: str
    year: str
    source: str
    scheme: str
    classes: str
    total: str | None
    colors: list[str]
    bins: list[str]
    c: list[int]
    t: list[str | None]
    r: list[int | None]
    s: list[str | None]
    order: int
    year_sh: str
    borders: str | None
    v: list[float | None] | None = None


@dataclass(frozen=True)
class PairData:
    """The yearbook's national total shown beside a 1396 fact (:attr:`FactData.pair`)."""

    indicator: str
    label: str
    value: str | None
    unit: str
    year: str
    source: str


@dataclass(frozen=True)
class FactData:
    """One national figure of the facts panel (an item of :attr:`PageData.facts`).

    Attributes
    ----------
    id, label, value, unit, year
        The fact ledger's id and the figure's texts (``value`` prefixed ``≈`` when approximate).
    phrase
        The words of the source, as written there.
    pair
        The matching yearbook total, or None.
    """

    id: str
    label: str
    value: str
    unit: str
    year: str
    phrase: str
    pair: PairData | None


@dataclass(frozen=True)
class CountyLayer:
    """Where a page's county level is (:attr:`PageData.counties`).

    Attributes
    ----------
    n
        The number of counties.
    block
        The id of the element holding the packed
        :class:`~geo.maps.county_level.CountyData`.
    packing
        How it is packed: ``"deflate+base64"`` (zlib stream, base64 text).
    """

    n: int
    block: str
    packing: str


@dataclass(frozen=True)
class SearchData:
    """What the search box finds places by (:attr:`PageData.search`; :mod:`geo.maps.search`).

    Attributes
    ----------
    fold
        The tables of :func:`geo.reference.names.normalize_name` (``invisible``, ``marks`` and ``punct``
        as ASCII regular expressions; ``letters`` and ``digits`` as code point pairs;
        ``prefixes``; ``stop``): the script folds a query with them, step for step.
    levels
        Per level of places (``province``; ``county`` once a map has counties), one string
        per place in that level's feature order: its matching keys, space-separated.
    """

    fold: dict[str, Any]
    levels: dict[str, list[str]]


@dataclass(frozen=True)
class LinkData:
    """The same map in the other language (:attr:`PageData.alt`), opened in the same state.

    Attributes
    ----------
    href
        Its file name, beside this one; the script appends the page's ``#fragment``.
    lang, label, title
        Its language, and the link's words in that language.
    """

    href: str
    lang: str
    label: str
    title: str


@dataclass(frozen=True)
class QualityData:
    """Where the printed tables behind the layers do not add up (:attr:`PageData.quality`).

    Attributes
    ----------
    notes
        Each disagreement as a sentence in the page's language, with both numbers, once.
    legend
        Indicator id → the notes its legend lists.
    places
        Indicator id → province code → the notes of that province (popup, CSV ``note``).
    """

    notes: list[str]
    legend: dict[str, list[int]]
    places: dict[str, dict[str, list[int]]]


@dataclass(frozen=True)
class PageData:
    """Everything a map page shows.

    Attributes
    ----------
    lang, dir
        ``fa``/``rtl`` or ``en``/``ltr``.
    strings
        The interface texts (``page.*`` of ``data/i18n/map.csv``); ``{name}`` fields are
        filled in by the script.
    digits, group
        The page's ten digits (``0123456789`` or ``۰۱۲۳۴۵۶۷۸۹``) and thousands separator
        (``,`` or ``٬``): the script writes every number it shows with them.
    n
        The number of provinces.
    tiles
        Whether a tile basemap is drawn (choropleths then let it show through).
    attribution
        The map's credit line (HTML-escaped: Leaflet shows it as HTML).
    geojson
        The provinces: a FeatureCollection with :class:`FeatureProperties`, whose
        geometries are packed (:func:`geo.maps.geometry.pack_polygons`: per polygon, per
        ring, integers delta-encoded, in units of ``10**-decimals`` degrees, ``decimals``
        a member of the collection); the script unpacks them into GeoJSON before drawing.
    indicators, facts
        The choropleth layers and the national figures.
    points
        The register's estates drawn one by one (every row with a location, or above a
        size only the flagged and rejected ones, up to a cap), or None on the default map.
    grid
        The register's rows counted in grid cells (above that size), else None.
    tally
        The register's rows counted per status, or None on the default map.
    search
        The search box's index (:class:`SearchData`).
    alt
        The same map in the other language (:class:`LinkData`), or None.
    quality
        Where a layer's printed table does not add up (:class:`QualityData`).
    csv_name
        The stem of the downloaded CSV's file name.
    counties
        Where the county level is packed, or None for a page without one.
    series
        The national figures over the years (:class:`SeriesData`), or None.
    changes
        The estates of a change map (:class:`ChangesData`), or None.
    """

    lang: str
    dir: str
    strings: dict[str, str]
    digits: str
    group: str
    n: int
    tiles: bool
    attribution: str
    geojson: Any
    indicators: list[IndicatorData]
    facts: list[FactData]
    points: PointsData | None
    grid: GridData | None
    tally: TallyData | None
    search: SearchData
    alt: LinkData | None
    quality: QualityData
    csv_name: str
    counties: CountyLayer | None
    series: SeriesData | None = None
    changes: ChangesData | None = None


def field_names(cls: type) -> tuple[str, ...]:
    """The field names of a contract class, in order."""
    return tuple(f.name for f in fields(cls))


def plain(value: Any) -> Any:
    """A contract object as plain dicts and lists, keys in field order (not copied deeper)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list) and value and is_dataclass(value[0]):
        return [plain(v) for v in value]
    return value  # a list of numbers or texts (the grid's long columns) as it is


def _check_keys(obj: Any, cls: type, where: str) -> None:
    if not isinstance(obj, dict) or tuple(obj) != field_names(cls):
        got = list(obj) if isinstance(obj, dict) else type(obj).__name__
        raise ValueError(f"{where}: expected the keys {list(field_names(cls))}, got {got}")


def check_page_data(data: dict[str, Any]) -> None:
    """Check a page's parsed data block against the contract (keys, and lengths per province/point).

    Raises
    ------
    ValueError
        Naming the first part that does not conform.
    """
    _check_keys(data, PageData, "page")
    n = data["n"]
    if not isinstance(data["geojson"].get("decimals"), int):
        raise ValueError("page: the province geometries' decimals are missing")
    features = data["geojson"]["features"]
    if len(features) != n or len(data["digits"]) != 10:
        raise ValueError(f"page: {len(features)} features for n={n}, and {len(data['digits'])} digits")
    base = field_names(FeatureProperties)
    ids = [ind["id"] for ind in data["indicators"]]
    for i, feature in enumerate(features):
        if tuple(feature["properties"]) != (*base, *ids):
            raise ValueError(f"feature {i}: properties {list(feature['properties'])}, not {[*base, *ids]}")
    for ind in data["indicators"]:
        _check_keys(ind, IndicatorData, f"indicator {ind.get('id')!r}")
        if not all(len(ind[k]) == n for k in ("c", "t", "r", "s")):
            raise ValueError(f"indicator {ind['id']!r}: c, t, r and s need one entry per province")
    for fact in data["facts"]:
        _check_keys(fact, FactData, f"fact {fact.get('id')!r}")
        if fact["pair"] is not None:
            _check_keys(fact["pair"], PairData, f"pair of fact {fact['id']!r}")
    if data["points"] is not None:
        _check_points(data["points"])
    if data["tally"] is not None:
        _check_keys(data["tally"], TallyData, "tally")
    if data["grid"] is not None:
        _check_grid(data["grid"])
    _check_reader(data)
    if data["counties"] is not None:
        _check_keys(data["counties"], CountyLayer, "counties")
    _check_over_time(data)


def _check_over_time(data: dict[str, Any]) -> None:
    """The national series and a change map's estates: keys, and one entry per figure or estate."""
    if data["series"] is not None:
        _check_keys(data["series"], SeriesData, "series")
        for chart in data["series"]["charts"]:
            _check_keys(chart, SeriesChart, f"series chart {chart.get('id')!r}")
            if len({len(chart[k]) for k in ("x", "y", "yt", "vt", "tip", "article", "clash")}) > 1:
                raise ValueError(f"series chart {chart['id']!r}: the lists differ in length")
    if data["changes"] is not None:
        ch = data["changes"]
        _check_keys(ch, ChangesData, "changes")
        sizes = {len(ch[k]) for k in ("k", "a", "b", "name", "place", "f", "card", "why")}
        if len(sizes) > 1 or len(ch["k"]) != ch["shown"]:
            raise ValueError("changes: the lists differ in length or from shown")


def _check_points(points: dict[str, Any]) -> None:
    _check_keys(points, PointsData, "points")
    per_point = [k for k, v in points.items() if isinstance(v, list) and k != "facts"]
    n = len(points["ll"])
    if any(len(points[k]) != n for k in per_point):
        raise ValueError("points: the lists differ in length")
    for fact in points["facts"]:
        _check_keys(fact, EstateFact, f"estate fact {fact.get('key')!r}")
        if len(fact["v"]) != n:
            raise ValueError(f"estate fact {fact['key']!r}: one value per point is needed")


def _check_grid(grid: dict[str, Any]) -> None:
    _check_keys(grid, GridData, "grid")
    if [lv["z"] for lv in grid["levels"]] != list(range(grid["zmin"], grid["zmax"] + 1)):
        raise ValueError("grid: one level per zoom from zmin to zmax is needed")
    for lv in grid["levels"]:
        _check_keys(lv, GridLevel, f"grid level {lv.get('z')}")
        if len(lv["lat"]) != len(lv["lon"]):
            raise ValueError(f"grid level {lv['z']}: the lists differ in length")
    _check_keys(grid["store"], CellStore, "grid store")
    for fact in grid["store"]["facts"]:
        _check_keys(fact, StoreFact, f"grid store fact {fact.get('key')!r}")


def _check_reader(data: dict[str, Any]) -> None:
    """The parts of the reader's controls: search, language link, printed-table notes."""
    _check_keys(data["search"], SearchData, "search")
    if len(data["search"]["levels"].get("province", [])) != data["n"]:
        raise ValueError("search: the province level needs one entry per province")
    if data["alt"] is not None:
        _check_keys(data["alt"], LinkData, "alt")
    _check_keys(data["quality"], QualityData, "quality")
    notes = range(len(data["quality"]["notes"]))
    cited = [k for ks in data["quality"]["legend"].values() for k in ks]
    cited += [k for by in data["quality"]["places"].values() for ks in by.values() for k in ks]
    if any(k not in notes for k in cited):
        raise ValueError("quality: a note index points past the notes")
