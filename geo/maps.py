"""Interactive, self-contained, bilingual maps of Iran's provinces and industrial estates.

The default map (:func:`estates_map`) shows one choropleth per declared per-province
indicator (``data/yearbook/indicators.csv``) on a single embedded GeoJSON: switching the
indicator restyles the same 31 features. A national panel lists the 1396 SH HSE and
infrastructure facts of the facts ledger, with their source phrases, beside the 1392
national totals of the matching per-province tables.

Every map is a :class:`folium.Map` (so it displays inline in Jupyter) but nothing in it
comes from the network: Leaflet is inlined from the installed ``django-js-lib-leaflet``
package, Persian text is drawn with Noto Sans Arabic subset to the page's characters and
embedded as a base64 ``@font-face`` (from ``fontpkg-noto-sans-arabic``, see
:mod:`geo._assets`), folium's CDN links are switched off, and the page's own script
(``geo/templates/map.js``) builds every tooltip, popup, legend and panel with
``textContent``. Data travels as JSON in a ``<script type="application/json">`` block
with ``<``, ``>`` and ``&`` escaped. Element ids are fixed, so the same inputs give
byte-identical HTML. A tile basemap is opt-in (``tiles=``, an xyzservices name).

Examples
--------
>>> m = estates_map(lang="en")
>>> html = render_html(m)
>>> "<script src=\\"http" in html
False
"""

from __future__ import annotations

import difflib
import hashlib
import html as _html
import importlib.metadata
import json
import math
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure
from branca.utilities import color_brewer
from jinja2 import Template

from geo._assets import (
    font_codepoints,
    font_face_css,
    leaflet_css,
    leaflet_js,
    own_css,
    own_js,
    script_json,
)
from geo._cache import cached
from geo._page import allow_page_zoom, page_data
from geo._io import atomic_write_text
from geo.errors import MapError
from geo.numbers import format_number_fa, to_persian_digits

if TYPE_CHECKING:
    import geopandas as gpd

    from geo.join import JoinResult

__all__ = [
    "LANGS",
    "DEFAULT_FILES",
    "estates_map",
    "register_map",
    "save_map",
    "render_html",
    "build_maps",
    "embedded_data",
]

#: The languages a map can be written in.
LANGS: tuple[str, ...] = ("fa", "en")

#: The file each language is written to by :func:`build_maps`.
DEFAULT_FILES: dict[str, str] = {"fa": "iran_estates.html", "en": "iran_estates.en.html"}

#: ColorBrewer's sequential yellow-green-blue (colour-blind safe), via branca.
PALETTE = "YlGnBu"
MAX_CLASSES = 5

#: Simplification tolerance (degrees) and coordinate decimals tried in order; the first
#: that leaves a valid coverage of valid polygons is embedded.
_SIMPLIFY_STEPS: tuple[tuple[float, int], ...] = ((0.01, 3), (0.005, 3), (0.0, 4), (0.0, 6))

_SCHEME_LABELS = {
    "en": {
        "NaturalBreaks": "natural breaks (Jenks, exact Fisher-Jenks optimum)",
        "Quantiles": "quantiles",
        "EqualInterval": "equal intervals",
        "FisherJenks": "Fisher-Jenks",
        "HeadTailBreaks": "head/tail breaks",
        "BoxPlot": "box plot",
    },
    "fa": {
        "NaturalBreaks": "شکست‌های طبیعی (جنکس، بهینهٔ دقیق فیشر-جنکس)",
        "Quantiles": "چندک‌ها",
        "EqualInterval": "بازه‌های برابر",
        "FisherJenks": "فیشر-جنکس",
        "HeadTailBreaks": "شکست سر و دم",
        "BoxPlot": "نمودار جعبه‌ای",
    },
}

_FACT_UNITS = {
    "en": {"count": "", "person": "people", "person_hour": "person-hours", "hectare": "ha", "USD": "USD",
           "IRR": "rials", "percent": "%"},
    "fa": {"count": "", "person": "نفر", "person_hour": "نفرساعت", "hectare": "هکتار", "USD": "دلار",
           "IRR": "ریال", "percent": "درصد"},
}  # fmt: skip

_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Iran's industrial estates: environment and infrastructure",
        "subtitle": "Per-province figures: Statistical Yearbook of Iran, 1392 SH (2013–14) and 1394 SH (2015–16). "
        "National panel: ISIPO's results for 1396 SH (2017–18).",
        "indicator": "Indicator",
        "no_data": "no data",
        "classes": "Classes: {scheme} (mapclassify), {k} classes",
        "rank": "rank {r} of {n}",
        "share": "share of national total: {s}",
        "source": "Source",
        "year": "year",
        "national": "National figures, 1396 SH (ISIPO)",
        "national_note": "Reported by IRNA. Where the yearbook has a per-province table, its 1392 national total is shown beside the 1396 figure.",
        "phrase": "source phrase",
        "pair_1396": "1396, national (ISIPO)",
        "pair_1392": "1392, total of the 31 provinces (yearbook)",
        "attribution": "Boundaries: Natural Earth · Statistical Yearbook of Iran 1392, 1394 · ISIPO figures reported by IRNA",
        "click": "Click a province for all its figures.",
        "points": "Estates in the register",
        "status_joined": "joined",
        "status_flagged": "joined with a warning",
        "status_rejected": "rejected",
        "unplaced": "{n} rows without a usable location are not drawn",
        "estates_n": "{n} estates",
        "province": "Province",
        "status": "Status",
        "reasons": "Reasons",
        "zoom_in": "zoom in to see them",
        "total": "national total: {t}",
    },
    "fa": {
        "title": "شهرک‌ها و نواحی صنعتی ایران: محیط زیست و زیرساخت",
        "subtitle": "آمار استانی: سالنامهٔ آماری کشور ۱۳۹۲ و ۱۳۹۴. آمار کشوری: عملکرد سازمان صنایع کوچک و شهرک‌های صنعتی ایران در سال ۱۳۹۶.",
        "indicator": "شاخص",
        "no_data": "بدون داده",
        "classes": "طبقه‌بندی: {k} طبقه به روش {scheme}، محاسبه با mapclassify",
        "rank": "رتبهٔ {r} از {n}",
        "share": "سهم از کل کشور: {s}",
        "source": "منبع",
        "year": "سال",
        "national": "آمار کشوری ۱۳۹۶ (سازمان صنایع کوچک و شهرک‌های صنعتی)",
        "national_note": "منبع ارقام: گزارش ایرنا. هر جا سالنامه جدول استانی دارد، جمع کشوری ۱۳۹۲ آن در کنار رقم ۱۳۹۶ آمده است.",
        "phrase": "عین عبارت منبع",
        "pair_1396": "۱۳۹۶، کل کشور (سازمان)",
        "pair_1392": "۱۳۹۲، جمع ۳۱ استان (سالنامه)",
        "attribution": "مرزها: Natural Earth · سالنامهٔ آماری کشور ۱۳۹۲ و ۱۳۹۴ · آمار سازمان صنایع کوچک و شهرک‌های صنعتی به گزارش ایرنا",
        "click": "برای دیدن همهٔ آمار هر استان روی آن کلیک کنید.",
        "points": "شهرک‌های فهرست شما",
        "status_joined": "پذیرفته",
        "status_flagged": "پذیرفته با هشدار",
        "status_rejected": "ردشده",
        "unplaced": "{n} ردیف مختصات قابل‌استفاده ندارد و روی نقشه نیامده است",
        "estates_n": "{n} شهرک",
        "province": "استان",
        "status": "وضعیت",
        "reasons": "دلایل",
        "zoom_in": "برای دیدن، بزرگ‌نمایی کنید",
        "total": "جمع کل کشور: {t}",
    },
}

_REGISTER_LABELS = {
    "estates": ("Estates in the register", "شهرک‌های ثبت‌شده در فهرست"),
}


# --------------------------------------------------------------------------- helpers


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise MapError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def _fmt(value: float | int | None, lang: str, decimals: int = 0) -> str | None:
    """A number for display: Persian digits (geo.numbers) for fa, grouped Latin for en."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if decimals == 0:
        value = int(round(float(value)))
        return format_number_fa(value) if lang == "fa" else f"{value:,d}"
    return format_number_fa(float(value), decimals=decimals) if lang == "fa" else f"{float(value):,.{decimals}f}"


def _digits(text: str, lang: str) -> str:
    return to_persian_digits(text) if lang == "fa" else text


def _decimals(values: np.ndarray) -> int:
    finite = values[np.isfinite(values)]
    if finite.size == 0 or np.allclose(finite, np.round(finite)):
        return 0
    return 1 if np.nanmax(np.abs(finite)) >= 10 else 2


@lru_cache(maxsize=64)
def _classify(values: tuple[float, ...], scheme: str) -> tuple[tuple[int, ...], tuple[float, ...], float]:
    """Class of each value, class upper bounds and minimum, through the disk cache.

    Importing mapclassify (and SciPy with it) takes longer than building the map, and
    the classes depend only on the values, the scheme and mapclassify's version, so they
    are kept between runs (:mod:`geo._cache`). JSON keeps every float exactly.
    """
    key = ("classes", importlib.metadata.version("mapclassify"), MAX_CLASSES, scheme, values)

    def compute() -> bytes:
        yb, bins, low = _classify_now(values, scheme)
        return json.dumps([list(yb), list(bins), low]).encode("utf-8")

    yb, bins, low = json.loads(cached("classes", key, compute))
    return tuple(yb), tuple(bins), low


def _classify_now(values: tuple[float, ...], scheme: str) -> tuple[tuple[int, ...], tuple[float, ...], float]:
    """Class of each finite value, upper bounds of the classes and the minimum (mapclassify).

    NaturalBreaks draws random k-means starts from NumPy's global generator; it is seeded
    here (and the caller's state restored) so the same values always give the same
    classes.
    """
    import mapclassify

    y = np.asarray(values, dtype=float)
    k = int(min(MAX_CLASSES, len(np.unique(y))))
    state = np.random.get_state()
    np.random.seed(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if k < 2:
                bins = np.array([y.max()])
                yb = np.zeros(len(y), dtype=int)
            elif scheme in ("HeadTailBreaks", "BoxPlot"):
                clf = getattr(mapclassify, scheme)(y)
                bins, yb = np.asarray(clf.bins, dtype=float), np.asarray(clf.yb, dtype=int)
            else:
                # NaturalBreaks (Jenks) is computed exactly with Fisher-Jenks, which finds the
                # global optimum of the same criterion (least squared deviation within
                # classes) that mapclassify.NaturalBreaks approaches with random k-means
                # starts: deterministic, and fast for 31 values.
                name = "FisherJenks" if scheme == "NaturalBreaks" else scheme
                clf = getattr(mapclassify, name)(y, k=k)
                bins, yb = np.asarray(clf.bins, dtype=float), np.asarray(clf.yb, dtype=int)
    finally:
        np.random.set_state(state)
    # drop empty classes (quantiles on tied data) and renumber
    used = sorted(set(yb.tolist()))
    remap = {c: i for i, c in enumerate(used)}
    return tuple(remap[c] for c in yb.tolist()), tuple(float(bins[c]) for c in used), float(y.min())


@lru_cache(maxsize=8)
def _simplified(key: str, wkb: tuple[bytes, ...]) -> tuple[tuple[str, list[float]], ...]:
    geoms = shapely.from_wkb(np.array(wkb, dtype=object))
    for tol, decimals in _SIMPLIFY_STEPS:
        simple = shapely.coverage_simplify(geoms, tol) if tol else geoms
        rounded = shapely.set_precision(simple, 10.0**-decimals, mode="pointwise")
        if bool(shapely.is_valid(rounded).all()) and bool(shapely.coverage_is_valid(rounded)):
            reps = shapely.point_on_surface(rounded)
            return tuple(
                (shapely.to_geojson(g), [round(float(p.y), 4), round(float(p.x), 4)])
                for g, p in zip(rounded, reps, strict=True)
            )
    raise MapError("the province polygons are not a valid coverage, even unsimplified")


def _geometry_json(geoms: Sequence[Any]) -> list[tuple[str, list[float]]]:
    """The polygons as GeoJSON geometry texts (coverage-simplified as a whole, then
    rounded), each with a representative point [lat, lon] inside it."""
    wkb = tuple(shapely.to_wkb(np.asarray(geoms, dtype=object)).tolist())
    key = hashlib.sha1(b"".join(wkb)).hexdigest()
    return list(_simplified(key, wkb))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


# --------------------------------------------------------------------------- data model


def _indicator_payload(ind: dict, values: np.ndarray, lang: str, order: int) -> dict:
    """Everything the page needs for one indicator, in the page's language."""
    finite = np.isfinite(values)
    decimals = _decimals(values)
    cls = [-1] * len(values)
    colors: list[str] = []
    bins_text: list[str] = []
    if finite.any():
        yb, bins, low = _classify(tuple(values[finite].tolist()), ind["scheme"])
        it = iter(yb)
        cls = [next(it) if ok else -1 for ok in finite]
        colors = list(color_brewer(PALETTE, n=max(len(bins), 3)))
        if len(bins) < 3:
            colors = colors[-len(bins):] if len(bins) > 1 else [colors[1]]
        lower = low
        for upper in bins:
            a, b = _fmt(lower, lang, decimals), _fmt(upper, lang, decimals)
            bins_text.append(a if a == b else f"{a} – {b}")
            # whole numbers: the next class starts at the next whole number (e.g. 0 | 1 – 2)
            lower = upper + 1 if decimals == 0 else upper
    # rank of 31: 1 = largest; ties share the best rank
    ranks = [1 + int(np.sum(values[finite] > v)) if ok else None for v, ok in zip(values.tolist(), finite.tolist(), strict=True)]
    total = ind.get("national_total")
    total = float(total) if total is not None and pd.notna(total) and float(total) > 0 else None
    shares = [
        (_digits(f"{100 * v / total:.1f}%", lang) if lang == "en" else format_number_fa(100 * v / total, decimals=1) + "٪")
        if (total and ok) else None
        for v, ok in zip(values.tolist(), finite.tolist(), strict=True)
    ]
    scheme_label = _SCHEME_LABELS[lang].get(ind["scheme"], ind["scheme"])
    return {
        "id": ind["id"],
        "label": _text(ind[f"label_{lang}"]),
        "unit": _text(ind[f"unit_{lang}"]),
        "year": _digits(_text(ind["year_sh"]), lang) + (f" ({_text(ind['year_en'])})" if lang == "en" and _text(ind.get("year_en")) else ""),
        "source": _text(ind[f"source_{lang}"]),
        "scheme": ind["scheme"],
        "classes": _STRINGS[lang]["classes"].format(scheme=scheme_label, k=_fmt(len(bins_text), lang) or "0"),
        "total": _fmt(total, lang, decimals) if total else None,
        "colors": colors,
        "bins": bins_text,
        "c": cls,
        "t": [_fmt(v, lang, decimals) if ok else None for v, ok in zip(values.tolist(), finite.tolist(), strict=True)],
        "r": ranks,
        "s": shares,
        "order": order,
    }


def _facts_payload(lang: str, indicators: pd.DataFrame, facts: pd.DataFrame | None) -> list[dict]:
    """The national HSE/infrastructure facts, each with its paired 1392 total if any."""
    if facts is None:
        from geo.facts import load_facts

        facts = load_facts()
    if facts is None or len(facts) == 0:
        return []
    panel = facts[facts["hse_panel"]] if "hse_panel" in facts.columns else facts[facts["theme"] == "hse"]
    ind_records = {rec["id"]: rec for rec in indicators.to_dict("records")}
    out = []
    for rec in panel.to_dict("records"):
        unit = _FACT_UNITS[lang].get(rec["unit"], _text(rec["unit"]))
        value = rec["value"]
        decimals = 0 if float(value) == round(float(value)) else 1
        item = {
            "id": _text(rec["id"]),
            "label": _text(rec.get(f"label_{lang}")),
            "value": ("≈" if rec.get("approx") else "") + (_fmt(value, lang, decimals) or ""),
            "unit": unit,
            "year": _digits(_text(rec.get("period")), lang),
            "phrase": _text(rec.get("source_phrase")),
            "pair": None,
        }
        counterpart = _text(rec.get("counterpart"))
        match = None
        if counterpart and counterpart in ind_records:
            match = ind_records[counterpart]
        else:
            for ind in ind_records.values():
                cf = _text(ind.get("counterpart_fact"))
                if cf and (cf == rec["id"] or rec["id"].startswith(cf)):
                    match = ind
                    break
        if match is not None:
            total = match.get("national_total")
            if total is not None and pd.notna(total):
                item["pair"] = {
                    "indicator": match["id"],
                    "label": _text(match[f"label_{lang}"]),
                    "value": _fmt(float(total), lang, 0 if float(total) == round(float(total)) else 1),
                    "unit": _text(match[f"unit_{lang}"]),
                    "year": _digits(_text(match["year_sh"]), lang),
                    "source": _text(match[f"source_{lang}"]),
                }
        out.append(item)
    return out


def embedded_data(html: str) -> dict:
    """Parse the JSON data block back out of a rendered map (for tests and tools).

    Examples
    --------
    >>> data = embedded_data(render_html(estates_map(lang="en")))
    >>> len(data["geojson"]["features"])
    31
    """
    start_tag = '<script type="application/json" id="geo-data">'
    start = html.index(start_tag) + len(start_tag)
    end = html.index("</script>", start)
    return json.loads(html[start:end])


# --------------------------------------------------------------------------- folium glue


_FIGURE_TEMPLATE = Template(
    "<!DOCTYPE html>\n"
    '<html lang="{{ this.geo_lang }}" dir="{{ this.geo_dir }}">\n'
    "<head>\n"
    '<meta charset="utf-8">\n'
    "<title>{{ this.title|e }}</title>\n"
    "    {{ this.header.render(**kwargs) }}\n"
    "</head>\n"
    "<body>\n"
    "    {{ this.html.render(**kwargs) }}\n"
    "</body>\n"
    "<script>\n"
    "    {{ this.script.render(**kwargs) }}\n"
    "</script>\n"
    "</html>\n"
)


class _GeoLayer(Element):
    """Our data block, script and style: the choropleths, panels and point clusters.

    Not a folium MacroElement on purpose: branca compiles a MacroElement's rendered output
    as a Jinja template again, so data holding ``{{`` or ``{%`` would be evaluated (and the
    100 KB JSON tokenised). These pieces go into the page as plain text.
    """

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = "GeoLayer"
        self._id = "geo"
        self.data_json = _data_json(data)

    def render(self, **kwargs) -> str:
        fig = self.get_root()
        map_var = self._parent.get_name()
        # the embedded Persian font, subset to the Arabic-script characters of this page's
        # data and strings (all of the page's own text travels in the data block)
        font = font_face_css(font_codepoints(fig.title + self.data_json))
        fig.header.add_child(_Inline(f"<style>{font}{own_css()}</style>", "geo_css"), name="geo_css")
        fig.html.add_child(
            _Inline(f'<script type="application/json" id="geo-data">{self.data_json}</script>', "geo_data"),
            name="geo_data",
        )
        fig.script.add_child(_Inline(f"(function (map) {{\n{own_js()}\n}})({map_var});", "geo_js"), name="geo_js")
        # the reader's page (geo/_page.py): folium's viewport tag forbids pinch-zoom on phones
        head = fig.header._children.get(map_var)
        if head is not None:
            fig.header._children[map_var] = _Inline(allow_page_zoom(head.render()), map_var)
        return ""


class _Inline(Element):
    """Raw text placed in the page head (inlined third-party CSS/JS), not a template."""

    def __init__(self, text: str, key: str) -> None:
        super().__init__()
        self._id = key
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _tile_layer(tiles: str) -> folium.TileLayer:
    import xyzservices

    names = list(xyzservices.providers.flatten())
    try:
        provider = xyzservices.providers.query_name(tiles)
    except ValueError:
        close = difflib.get_close_matches(tiles, names, n=6, cutoff=0.4)
        close += [n for n in names if tiles.lower().replace(" ", "") in n.lower() and n not in close][:6]
        hint = f"; close names: {', '.join(close)}" if close else "; see xyzservices.providers"
        raise MapError(f"unknown tile provider {tiles!r}{hint}") from None
    layer = folium.TileLayer(tiles=provider, name=provider.name, control=False)
    layer._id = "tiles"
    return layer


def _new_map(lang: str, title: str, tiles: str | None) -> folium.Map:
    tile_layer = _tile_layer(tiles) if tiles else None  # fail early, before any work
    m = folium.Map(
        location=[32.4, 53.7],
        zoom_start=5,
        tiles=None,
        zoom_control=False,
        prefer_canvas=False,
        zoomSnap=0.25,
        attributionControl=True,
    )
    # Nothing from CDNs: Leaflet is inlined below, the rest folium would link is unused.
    m.default_js = []
    m.default_css = []
    m._id = "geo"
    fig = m.get_root()
    assert isinstance(fig, Figure)
    fig._id = "page"
    fig._template = _FIGURE_TEMPLATE
    fig.title = title
    fig.geo_lang = lang
    fig.geo_dir = "rtl" if lang == "fa" else "ltr"
    fig.header.add_child(_Inline(f"<style>{leaflet_css()}</style>", "leaflet_css"), name="leaflet_css")
    fig.header.add_child(_Inline(f"<script>{leaflet_js()}</script>", "leaflet_js"), name="leaflet_js")
    if tile_layer is not None:
        m.add_child(tile_layer, name="tiles")
    return m


class _RawJSON(str):
    """JSON text that :func:`_data_json` splices in as it is (already escaped)."""


def _data_json(data: dict) -> str:
    """The page's data block: script-safe JSON, with pre-encoded parts spliced in."""
    raw = {k: v for k, v in data.items() if isinstance(v, _RawJSON)}
    text = script_json({k: (f"@@{k}@@" if k in raw else v) for k, v in data.items()})
    for k, v in raw.items():
        text = text.replace(f'"@@{k}@@"', v, 1)
    return text


def _provinces_payload(gdf, indicators: pd.DataFrame, lang: str) -> tuple[_RawJSON, list[dict]]:
    geoms = _geometry_json(list(gdf.geometry.values))
    features = []
    ind_ids = list(indicators.index)
    n = len(gdf)
    column = {c: (gdf[c].tolist() if c in gdf.columns else [None] * n) for c in ("code", "name_fa", "name_en")}
    values = {ind: gdf[ind].to_numpy(dtype=float) for ind in ind_ids}
    index = list(gdf.index)
    for i in range(n):
        props: dict[str, Any] = {
            "code": _text(column["code"][i]) or _text(index[i]),
            "name_fa": _text(column["name_fa"][i]),
            "name_en": _text(column["name_en"][i]),
            "pt": geoms[i][1],
        }
        for ind in ind_ids:
            v = float(values[ind][i])
            props[ind] = None if not math.isfinite(v) else (int(v) if v == int(v) else v)
        # geometry text from GEOS (numbers and brackets only) spliced in, not re-encoded
        features.append('{"type":"Feature","properties":' + script_json(props) + ',"geometry":' + geoms[i][0] + "}")
    payload = [
        _indicator_payload(dict(rec, id=ind_id), values[ind_id], lang, k)
        for k, (ind_id, rec) in enumerate(zip(ind_ids, indicators.to_dict("records"), strict=True))
    ]
    return _RawJSON('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"), payload


def _load_inputs(indicators):
    from geo.stats import load_indicators, load_province_stats

    if indicators is None or isinstance(indicators, (str, Path)):
        meta = load_indicators(indicators)
        stats = load_province_stats(indicators)
    else:
        meta = load_indicators()
        stats = load_province_stats()
        wanted = list(indicators)
        unknown = [i for i in wanted if i not in meta.index]
        if unknown:
            raise MapError(f"unknown indicator(s) {unknown}; declared: {', '.join(meta.index)}")
        meta = meta.loc[wanted]
    return meta, stats


# --------------------------------------------------------------------------- public API


def estates_map(
    lang: str = "fa",
    tiles: str | None = None,
    indicators: str | Path | Sequence[str] | None = None,
    *,
    stats: gpd.GeoDataFrame | None = None,
    facts: pd.DataFrame | None = None,
) -> folium.Map:
    """The default map: one switchable choropleth per indicator, a national HSE panel.

    Parameters
    ----------
    lang
        ``"fa"`` (right-to-left, Persian digits) or ``"en"``.
    tiles
        An xyzservices provider name (e.g. ``"CartoDB.Positron"``) for an opt-in tile
        basemap; ``None`` (default) draws no tiles and makes no network request at all.
    indicators
        ``None`` for every indicator declared in ``data/yearbook/indicators.csv``; a path
        to another indicators CSV (its tables are read from its folder); or a list of
        indicator ids to show, in that order.
    stats
        A GeoDataFrame like :func:`geo.load_province_stats` to draw instead of the
        shipped one (same index and columns; used for tests of hostile names).
    facts
        A facts ledger like :func:`geo.load_facts` instead of the shipped one.

    Returns
    -------
    folium.Map
        Displays inline in Jupyter; write it with :func:`save_map`.

    Raises
    ------
    MapError
        For an unknown language, tile provider or indicator id.

    Examples
    --------
    >>> m = estates_map(lang="en")
    >>> 'dir="ltr"' in render_html(m)
    True
    """
    _check_lang(lang)
    meta, loaded = _load_inputs(indicators)
    return _estates_map(lang, tiles, meta, loaded if stats is None else stats, facts)


def _estates_map(lang: str, tiles: str | None, meta: pd.DataFrame, gdf, facts: pd.DataFrame | None) -> folium.Map:
    missing = [i for i in meta.index if i not in gdf.columns]
    if missing:
        raise MapError(f"the statistics lack indicator column(s) {missing}")
    S = _STRINGS[lang]
    m = _new_map(lang, S["title"], tiles)
    geojson, payload = _provinces_payload(gdf, meta, lang)
    data = {
        "lang": lang,
        "dir": "rtl" if lang == "fa" else "ltr",
        "strings": S,
        "nums": [_fmt(i, lang) for i in range(len(gdf) + 1)],
        "n": len(gdf),
        "tiles": bool(tiles),
        "attribution": _html.escape(S["attribution"]),
        "geojson": geojson,
        "indicators": payload,
        "facts": _facts_payload(lang, meta, facts),
        "points": None,
    }
    # the reader's page (geo/_page.py): search, shared state, language link, CSV download
    data.update(page_data(lang, gdf, meta, alternate=DEFAULT_FILES["en" if lang == "fa" else "fa"], csv_name="iran_estates"))
    m.add_child(_GeoLayer(data), name="geo")
    return m


def _register_indicators(by_province) -> pd.DataFrame:
    from geo.provinces import load_provinces

    base = set(load_provinces().columns) | {"geometry"}
    rows = []
    for col in by_province.columns:
        if col in base or col == "geometry" or not pd.api.types.is_numeric_dtype(by_province[col]):
            continue
        if pd.api.types.is_bool_dtype(by_province[col]):
            continue
        en, fa = _REGISTER_LABELS.get(col, (str(col).replace("_", " "), str(col).replace("_", " ")))
        total = float(pd.to_numeric(by_province[col], errors="coerce").sum())
        rows.append({
            "id": str(col), "label_en": en, "label_fa": fa, "unit_en": "", "unit_fa": "",
            "year_sh": "", "year_en": "", "scheme": "NaturalBreaks",
            "source_en": "your estate register", "source_fa": "فهرست شهرک‌های شما",
            "national_total": total if total > 0 else np.nan, "counterpart_fact": "",
        })  # fmt: skip
    if not rows:
        raise MapError("the register's per-province table has no numeric column to map")
    return pd.DataFrame(rows).set_index("id", drop=False).rename_axis(None)


def register_map(result: JoinResult, *, lang: str = "fa", tiles: str | None = None) -> folium.Map:
    """Map a joined estate register: per-province choropleths plus the estates as points.

    Parameters
    ----------
    result
        An object with ``by_province`` (GeoDataFrame of the 31 provinces, the columns of
        :func:`geo.load_provinces` plus numeric indicator columns such as ``estates``)
        and ``estates`` (GeoDataFrame of points, some empty, with ``row``, ``name``,
        ``status``, ``province``, ``reasons``, and ``reasons_fa`` shown on the Persian map).
    lang, tiles
        As for :func:`estates_map`.

    Returns
    -------
    folium.Map
        Switchable choropleths of the register's indicators and the estates drawn as
        circle markers, grouped by a small grid clustering in the page's own script
        (cells of 48 px; a cluster shows its count and zooms in on click).

    Raises
    ------
    MapError
        For an unknown language or tile provider, or a result with nothing to map.

    Examples
    --------
    >>> import pandas as pd, geo
    >>> result = geo.join(pd.DataFrame({"province": ["Fars", "تهران"], "lat": [29.6, 35.7], "lon": [52.5, 51.4]}))
    >>> m = register_map(result, lang="en")
    >>> len(embedded_data(render_html(m))["points"]["status"])
    2
    """
    _check_lang(lang)
    by_province = result.by_province
    meta = _register_indicators(by_province)
    S = _STRINGS[lang]
    m = _new_map(lang, S["points"], tiles)
    geojson, payload = _provinces_payload(by_province, meta, lang)
    points: dict[str, list] = {"ll": [], "name": [], "status": [], "province": [], "reasons": [], "row": []}
    estates = result.estates
    geoms = estates.geometry.values if hasattr(estates, "geometry") else [None] * len(estates)
    for geom, rec in zip(geoms, estates.to_dict("records"), strict=True):
        ok = geom is not None and not shapely.is_empty(geom) and shapely.get_type_id(geom) == 0
        points["ll"].append([round(float(geom.y), 5), round(float(geom.x), 5)] if ok else None)
        points["name"].append(_text(rec.get("name")))
        points["status"].append(_text(rec.get("status")))
        points["province"].append(_text(rec.get("province")))
        reasons = rec.get("reasons_fa") if lang == "fa" else None  # Persian reasons on the Persian map
        if not isinstance(reasons, (list, tuple, str)) or not reasons:
            reasons = rec.get("reasons")
        if isinstance(reasons, (list, tuple)):
            reasons = ("؛ " if lang == "fa" else "; ").join(map(str, reasons))
        points["reasons"].append(_text(reasons))
        row = rec.get("row")
        points["row"].append(int(row) if row is not None and pd.notna(row) else None)
    data = {
        "lang": lang,
        "dir": "rtl" if lang == "fa" else "ltr",
        "strings": dict(S, title=S["points"], subtitle=""),
        "nums": [_fmt(i, lang) for i in range(len(by_province) + 1)],
        "n": len(by_province),
        "tiles": bool(tiles),
        "attribution": _html.escape(S["attribution"].split(" · ")[0]),
        "geojson": geojson,
        "indicators": payload,
        "facts": [],
        "points": points,
    }
    # the reader's page (geo/_page.py): search, shared state, CSV download (no other-language file)
    data.update(page_data(lang, by_province, meta, alternate=None, csv_name="estate_register"))
    m.add_child(_GeoLayer(data), name="geo")
    return m


def render_html(m: folium.Map) -> str:
    """The complete HTML page of a map, as a string."""
    return m.get_root().render()


def save_map(m: folium.Map, path: str | Path) -> Path:
    """Write a map to ``path`` atomically: a failure leaves any previous file in place.

    The page is rendered first, written to a temporary file in the same folder and moved
    over ``path`` with :func:`os.replace`.

    Parameters
    ----------
    m
        A map from :func:`estates_map` or :func:`register_map` (any ``folium.Map`` works).
    path
        The HTML file to write; its folder is created if needed.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = save_map(estates_map(lang="en"), pathlib.Path(tempfile.mkdtemp()) / "m.html")
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, render_html(m))
    return path


def build_maps(
    out: str | Path = "maps",
    *,
    langs: Sequence[str] = LANGS,
    tiles: str | None = None,
    indicators: str | Path | Sequence[str] | None = None,
) -> list[Path]:
    """Write the default maps: ``iran_estates.html`` (fa) and ``iran_estates.en.html`` (en).

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in build_maps(tempfile.mkdtemp())]
    ['iran_estates.html', 'iran_estates.en.html']
    """
    for lang in langs:
        _check_lang(lang)
    if tiles:
        _tile_layer(tiles)
    from geo.facts import load_facts

    facts = load_facts()
    meta, stats = _load_inputs(indicators)
    maps = [(lang, _estates_map(lang, tiles, meta, stats, facts)) for lang in langs]
    return [save_map(m, Path(out) / DEFAULT_FILES[lang]) for lang, m in maps]
