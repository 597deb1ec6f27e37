"""The data a map page carries: the JSON contract between Python and ``geo/templates/map.js``.

A page holds one ``<script type="application/json" id="geo-data">`` block, a
:class:`PageData` as JSON; the page's own script reads it and nothing else. The classes
below are that contract, field by field: a field the script reads must be declared here
(``tests/test_maps.py`` checks every name ``map.js`` reads against them, and every page
the package writes against :func:`check_page_data`). Short names (``c``, ``t``, ``r``,
``s``, ``ll``) keep the per-province and per-point arrays small.

``map.js`` names these objects consistently, and the test relies on it: ``D`` (the page),
``S`` (its strings), ``ind`` or ``inds[k]`` (an indicator), ``f`` (a fact) and ``f.pair``,
``P`` (the points), ``p`` or ``.properties`` (a province feature's properties).

Every text is already in the page's language (numbers with Persian digits on a Persian
page); the script only places it, with ``textContent``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

__all__ = [
    "FactData",
    "FeatureProperties",
    "IndicatorData",
    "LinkData",
    "PageData",
    "PairData",
    "PointsData",
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
class PointsData:
    """The estates of a register map, one list entry per register row (:attr:`PageData.points`).

    Attributes
    ----------
    ll
        ``[lat, lon]``, or None for a row without a usable location (not drawn).
    name, status, province, reasons
        Texts shown in the point's popup (``status`` is joined/flagged/rejected).
    row
        The 1-based data row of the register.
    """

    ll: list[list[float] | None]
    name: list[str]
    status: list[str]
    province: list[str]
    reasons: list[str]
    row: list[int | None]


@dataclass(frozen=True)
class SearchData:
    """What the search box finds places by (:attr:`PageData.search`; :mod:`geo.maps.search`).

    Attributes
    ----------
    fold
        The tables of :func:`geo.names.normalize_name` (``invisible``, ``marks`` and ``punct``
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
    nums
        The numbers 0 … n written in the page's digits (counts shown by the script).
    n
        The number of provinces.
    tiles
        Whether a tile basemap is drawn (choropleths then let it show through).
    attribution
        The map's credit line (HTML-escaped: Leaflet shows it as HTML).
    geojson
        The provinces: a FeatureCollection with :class:`FeatureProperties`.
    indicators, facts
        The choropleth layers and the national figures.
    points
        The register's estates, or None on the default map.
    search
        The search box's index (:class:`SearchData`).
    alt
        The same map in the other language (:class:`LinkData`), or None.
    quality
        Where a layer's printed table does not add up (:class:`QualityData`).
    csv_name
        The stem of the downloaded CSV's file name.
    """

    lang: str
    dir: str
    strings: dict[str, str]
    nums: list[str | None]
    n: int
    tiles: bool
    attribution: str
    geojson: Any
    indicators: list[IndicatorData]
    facts: list[FactData]
    points: PointsData | None
    search: SearchData
    alt: LinkData | None
    quality: QualityData
    csv_name: str


def field_names(cls: type) -> tuple[str, ...]:
    """The field names of a contract class, in order."""
    return tuple(f.name for f in fields(cls))


def plain(value: Any) -> Any:
    """A contract object as plain dicts and lists, keys in field order (not copied deeper)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


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
    features = data["geojson"]["features"]
    if len(features) != n or len(data["nums"]) != n + 1:
        raise ValueError(f"page: {len(features)} features and {len(data['nums'])} numbers for n={n}")
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
        _check_keys(data["points"], PointsData, "points")
        if len({len(v) for v in data["points"].values()}) > 1:
            raise ValueError("points: the lists differ in length")
    _check_reader(data)


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
