"""The public map builders: the default map, a register's map, and the files of ``geo build``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from geo._args import check_flag, check_frame
from geo.errors import InputTypeError, MapError
from geo.i18n import LANGS, check_lang, message, section, whole
from geo.maps.contract import LinkData, RegisterPoints
from geo.maps.county_level import counties_payload
from geo.maps.payload import facts_payload, page_data, provinces_payload, quality_payload, strings
from geo.maps.points import register_points
from geo.maps.search import province_search
from geo.maps.series_chart import series_payload
from geo.reference.facts import OUTPUT_COLUMNS as LEDGER_COLUMNS

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from geo.maps.contract import PageData
    from geo.maps.county_level import CountyBlock

__all__ = ["DEFAULT_FILES", "JoinedRegister", "build_maps", "estates_map", "register_html", "register_map"]

#: The file each language is written to by :func:`build_maps`.
DEFAULT_FILES: dict[str, str] = {"fa": "iran_estates.html", "en": "iran_estates.en.html"}


class JoinedRegister(Protocol):
    """What :func:`register_map` needs of a join's result (a :class:`geo.JoinResult` has it)."""

    @property
    def by_province(self) -> gpd.GeoDataFrame:
        """The 31 provinces with the register's per-province columns."""

    @property
    def estates(self) -> gpd.GeoDataFrame:
        """The register's rows as points."""

    @property
    def by_county(self) -> gpd.GeoDataFrame | None:
        """The 478 counties with the register's per-county columns (None: no county level)."""


def _load_inputs(indicators: str | Path | Sequence[str] | None) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """The declared indicators (all, another CSV's, or those named) and the statistics."""
    from geo.reference.stats import load_indicators, load_province_stats

    if indicators is None or isinstance(indicators, (str, Path)):
        return load_indicators(indicators), load_province_stats(indicators)
    meta = load_indicators()
    wanted = list(indicators)
    unknown = [i for i in wanted if i not in meta.index]
    if unknown:
        raise MapError(
            message(
                "errors", "maps_unknown_indicators", unknown=whole(str(unknown)), declared=whole(", ".join(meta.index))
            )
        )
    return meta.loc[wanted], load_province_stats()


def estates_map(
    lang: str = "fa",
    tiles: str | None = None,
    indicators: str | Path | Sequence[str] | None = None,
    *,
    stats: gpd.GeoDataFrame | None = None,
    facts: pd.DataFrame | None = None,
    counties: bool = True,
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
    counties
        Whether the reader can switch to the county level: the 478 counties
        (OpenStreetMap) drawn in their province's colour, packed in a second block that
        the page decodes only when asked (:mod:`geo.maps.contract`).

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
    >>> from geo.maps import render_html
    >>> m = estates_map(lang="en")
    >>> 'dir="ltr"' in render_html(m)
    True
    """
    check_lang(lang)
    _check_map_args(tiles, indicators, stats=stats, facts=facts, counties=counties)
    meta, loaded = _load_inputs(indicators)
    return _estates_map(lang, tiles, meta, loaded if stats is None else stats, facts=facts, counties=counties)


def _check_map_args(tiles: object, indicators: object, *, stats: object, facts: object, counties: object) -> None:
    """The parameters of :func:`estates_map`, each of its type (else an InputTypeError)."""
    if tiles is not None and not isinstance(tiles, str):
        raise InputTypeError(message("errors", "maps_tiles_type", kind=type(tiles).__name__))
    listed = isinstance(indicators, Sequence) and all(isinstance(i, str) for i in indicators)
    if indicators is not None and not isinstance(indicators, (str, Path)) and not listed:
        raise InputTypeError(message("errors", "maps_indicators_type", kind=type(indicators).__name__))
    tables = (
        (
            check_frame(stats, "stats", "stats"),
            "stats",
            ("name_en", "name_fa", "geometry"),
        ),
        (check_frame(facts, "facts", "ledger"), "facts", LEDGER_COLUMNS),
    )
    for frame, name, needed in tables:
        missing = [c for c in needed if frame is not None and c not in frame.columns]
        if missing:
            raise MapError(message("errors", "maps_lacks_columns", name=name, columns=whole(", ".join(missing))))
    check_flag(counties, "counties")


def _estates_map(
    lang: str,
    tiles: str | None,
    meta: pd.DataFrame,
    gdf: gpd.GeoDataFrame,
    *,
    facts: pd.DataFrame | None,
    counties: bool = True,
) -> folium.Map:
    missing = [i for i in meta.index if i not in gdf.columns]
    if missing:
        raise MapError(message("errors", "maps_stats_lack", missing=whole(str(missing))))
    from geo.maps.page import add_data, new_map

    texts = strings(lang)
    m = new_map(lang, texts["title"], tiles)
    provinces = provinces_payload(gdf, meta, lang)
    facts_data = facts_payload(lang, meta, facts)
    # the same map in the other language, written beside this one by build_maps
    other = "en" if lang == "fa" else "fa"
    words = section("map", "language", other)  # the other language's name, in itself
    alt = LinkData(href=DEFAULT_FILES[other], lang=other, label=words["name"], title=words["this_map"])
    credit = f"{texts['attribution']} · {texts['licences']}"
    block = counties_payload(_codes(gdf), lang) if counties else None
    data = page_data(
        lang,
        texts=texts,
        n=len(gdf),
        tiles=bool(tiles),
        attribution=credit,
        provinces=provinces,
        facts=facts_data,
        search=province_search(gdf),
        alt=alt,
        quality=quality_payload(meta, lang),
        csv_name="iran_estates",
        counties=block.layer if block is not None else None,
        series=series_payload(lang, facts=facts),
    )
    return add_data(m, data, block)


def _codes(gdf: gpd.GeoDataFrame) -> list[str]:
    """The province codes of a table, in its row order (its ``code`` column, else its index)."""
    return [str(c) for c in (gdf["code"] if "code" in gdf.columns else gdf.index)]


def _register_indicators(by_province: gpd.GeoDataFrame) -> pd.DataFrame:
    """The numeric per-province columns of a register, declared as indicators."""
    from geo.reference.provinces import province_table
    from geo.registers.known import column_labels, measure_of

    base = set(province_table().columns) | {"geometry"}
    labels = column_labels(by_province.columns)  # the vocabulary's words, never the machine names
    rows = []
    for col in by_province.columns:
        if col in base or not pd.api.types.is_numeric_dtype(by_province[col]):
            continue
        if pd.api.types.is_bool_dtype(by_province[col]):
            continue
        with np.errstate(over="ignore"):
            total = float(pd.to_numeric(by_province[col], errors="coerce").sum())
        if (measure_of(str(col)) or ("", ""))[1] in ("share", "mean"):
            total = np.nan  # a sum of shares or of means is no national figure
        rows.append(
            {
                "id": str(col),
                "label_en": labels[str(col)].en,
                "label_fa": labels[str(col)].fa,
                "unit_en": "",
                "unit_fa": "",
                "year_sh": "",
                "year_en": "",
                "scheme": "NaturalBreaks",
                "source_en": "your estate register",
                "source_fa": "فهرست شهرک‌های شما",
                "national_total": total if np.isfinite(total) and total > 0 else np.nan,
                "counterpart_fact": "",
            }
        )
    if not rows:
        raise MapError(message("errors", "maps_no_numeric_column"))
    return pd.DataFrame(rows).set_index("id", drop=False).rename_axis(None)


def register_map(
    result: JoinedRegister,
    *,
    lang: str = "fa",
    tiles: str | None = None,
    color: str | None = None,
    filter: Mapping[str, Any] | None = None,  # noqa: A002 (the reader's word for it)
    points: RegisterPoints | None = None,
) -> folium.Map:
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
    color
        What the estates are coloured by when the map opens: ``"status"`` (default) or one
        of the register's columns, by its header (yes/no: two colours and "not given";
        numbers: classes).
    filter
        The estates shown when the map opens: header → ``True``/``False``/``None`` (yes, no,
        not given) or a ``(low, high)`` range, and ``status``, ``province`` (ISO code) or
        ``county`` (code) → the one kept. The reader changes both on the page; a link to the
        page keeps them in its ``#fragment``.
    points
        The points, grid and tally of the estates (:class:`~geo.maps.contract.RegisterPoints`)
        when they were counted elsewhere (the dask engine counts them on its workers:
        :mod:`geo.engines.mapping`); None: :func:`~geo.maps.points.register_points` of
        ``result.estates``.

    Returns
    -------
    folium.Map
        Switchable choropleths of the register's indicators and the estates: up to
        :data:`~geo.maps.points.POINTS_LIMIT` rows with a location, each a circle marker,
        grouped by a small grid clustering in the page's own script (cells of 48 px; a
        cluster shows its count, a ring of its mix of statuses, and zooms in on click);
        above it, the rows counted per status in the cells of a grid made for each zoom
        level (:mod:`geo.maps.points`), with the flagged and rejected rows still drawn one
        by one, up to :data:`~geo.maps.points.PROBLEM_POINTS`.
        Per county too when ``result`` has ``by_county``: the reader switches level.

    Raises
    ------
    MapError
        For an unknown language or tile provider, or a result with nothing to map.
    InputTypeError
        ``result`` has no ``by_province`` and ``estates`` tables (``None``, a path).

    Examples
    --------
    >>> import pandas as pd, geo
    >>> from geo.maps import embedded_data, render_html
    >>> result = geo.join(pd.DataFrame({"province": ["Fars", "تهران"], "lat": [29.6, 35.7], "lon": [52.5, 51.4]}))
    >>> m = register_map(result, lang="en")
    >>> len(embedded_data(render_html(m))["points"]["status"])
    2
    """
    from geo.maps.page import add_data, new_map

    page = _register_page(result, lang=lang, tiles=tiles, color=color, filter=filter, points=points)
    return add_data(new_map(lang, page.title, tiles), page.data, page.counties)


@dataclass(frozen=True)
class _Page:
    """What a page shows: its title, data block and county block."""

    title: str
    data: PageData
    counties: CountyBlock | None


def register_html(
    result: JoinedRegister,
    *,
    lang: str = "fa",
    color: str | None = None,
    filter: Mapping[str, Any] | None = None,  # noqa: A002
) -> str:
    """The HTML of :func:`register_map` (no tiles), made from a cached page shell without folium.

    The same bytes as ``render_html(register_map(result, lang=lang, …))``
    (:mod:`geo.maps.shell`); rendered by folium as a whole if the shell is unusable.
    """
    from geo.maps.shell import filled, layer_parts

    page = _register_page(result, lang=lang, tiles=None, color=color, filter=filter, points=None)
    parts = layer_parts(page.data, page.counties, page.title)
    html = filled(lang, parts, page.title, _render_shell)
    if html is None:
        from geo.maps.page import add_data, new_map, render_html

        html = render_html(add_data(new_map(lang, page.title, None), page.data, page.counties))
    return html


def _render_shell(lang: str, counties: bool) -> str:
    """Folium's page with markers in our parts' places (:func:`geo.maps.page.render_shell`)."""
    from geo.maps.page import render_shell

    return render_shell(lang, counties)


def _register_page(
    result: JoinedRegister,
    *,
    lang: str,
    tiles: str | None,
    color: str | None,
    filter: Mapping[str, Any] | None,  # noqa: A002
    points: RegisterPoints | None,
) -> _Page:
    """The title, data block and county block of :func:`register_map`."""
    check_lang(lang)
    if not all(isinstance(getattr(result, a, None), pd.DataFrame) for a in ("by_province", "estates")):
        raise InputTypeError(message("errors", "maps_result_type", kind=type(result).__name__))
    if points is not None and not isinstance(points, RegisterPoints):
        raise InputTypeError(message("errors", "maps_points_type"))
    by_province = result.by_province
    meta = _register_indicators(by_province)
    texts = strings(lang)
    if tiles is not None:  # an unknown provider fails before any work
        from geo.maps.page import new_map

        new_map(lang, texts["points"], tiles)
    provinces = provinces_payload(by_province, meta, lang)
    points = points or register_points(result.estates, lang, color, filter)
    page_texts = dict(texts, title=texts["points"], subtitle="")
    credit = f"{texts['attribution'].split(' · ')[0]} · {texts['licences']}"
    by_county = getattr(result, "by_county", None)
    block = None
    if by_county is not None:
        block = counties_payload(_codes(by_province), lang, by_county, meta.loc[meta.index.isin(by_county.columns)])
    data = page_data(
        lang,
        texts=page_texts,
        n=len(by_province),
        tiles=bool(tiles),
        attribution=credit,
        provinces=provinces,
        facts=[],
        register=points,
        search=province_search(by_province),
        alt=None,
        quality=quality_payload(meta, lang),
        csv_name="estate_register",
        counties=block.layer if block is not None else None,
    )
    return _Page(title=texts["points"], data=data, counties=block)


def build_maps(
    out: str | Path = "maps",
    *,
    langs: Sequence[str] = LANGS,
    tiles: str | None = None,
    indicators: str | Path | Sequence[str] | None = None,
    counties: bool = True,
) -> list[Path]:
    """Write the default maps: ``iran_estates.html`` (fa) and ``iran_estates.en.html`` (en).

    Parameters
    ----------
    out
        The folder to write into.
    langs
        The languages to write, each to its file of :data:`DEFAULT_FILES`.
    tiles, indicators, counties
        As for :func:`estates_map`.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in build_maps(tempfile.mkdtemp())]
    ['iran_estates.html', 'iran_estates.en.html']
    """
    for lang in langs:
        check_lang(lang)
    from geo.maps.page import save_map, tile_layer
    from geo.reference.facts import load_facts

    if tiles:
        tile_layer(tiles)

    facts = load_facts()
    meta, stats = _load_inputs(indicators)
    maps = [(lang, _estates_map(lang, tiles, meta, stats, facts=facts, counties=counties)) for lang in langs]
    return [save_map(m, Path(out) / DEFAULT_FILES[lang]) for lang, m in maps]
