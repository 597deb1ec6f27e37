"""What the map page needs for its readers beyond the choropleth (see ``geo/templates/map.js``).

:func:`page_data` adds to a map's data block: the words of the page's own controls
(search, download, whole country, scale bar, language link) in the page's language; the
search index (:mod:`geo._search_index`); the link to the same map in the other language;
and, per indicator, what the CSV download and the legend need beyond the display payload
(the year in Latin digits, and where the printed table does not add up, from
:func:`geo.load_indicators`' ``quality``). :func:`allow_page_zoom` lets a phone reader
pinch-zoom the page, which folium's viewport tag forbids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from geo._search_index import search_index

__all__ = ["UI_STRINGS", "page_data", "allow_page_zoom", "VIEWPORT"]

#: The words of the page's own controls, in each language.
UI_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "search": "Find a province",
        "search_hint": "e.g. Isfahan, Esfahan, اصفهان",
        "search_none": "No province has that name",
        "search_found": "{n} found",
        "level_province": "province",
        "download": "Download data (CSV)",
        "download_title": "The table behind this map: code, names, value, unit, year, rank and source of the indicator shown",
        "home": "Whole country",
        "zoom_in": "Zoom in",
        "zoom_out": "Zoom out",
        "km": "km",
        "m": "m",
        "quality": "The printed table does not add up; its numbers are shown as printed:",
        "lang_label": "فارسی",
        "lang_title": "این نقشه به فارسی",
        "map_label": "Map of Iran's provinces",
        "popup_label": "Figures of {name}",
    },
    "fa": {
        "search": "جستجوی استان",
        "search_hint": "مثلاً اصفهان یا Isfahan",
        "search_none": "استانی با این نام نیست",
        "search_found": "{n} مورد",
        "level_province": "استان",
        "download": "دریافت داده‌ها (CSV)",
        "download_title": "جدول داده‌های این نقشه: کد، نام، مقدار، یکا، سال، رتبه و منبع شاخص نمایش‌داده‌شده",
        "home": "کل کشور",
        "zoom_in": "بزرگ‌نمایی",
        "zoom_out": "کوچک‌نمایی",
        "km": "کیلومتر",
        "m": "متر",
        "quality": "جدول چاپی جمع نمی‌خورد؛ ارقام همان‌گونه که چاپ شده‌اند آمده‌اند:",
        "lang_label": "English",
        "lang_title": "This map in English",
        "map_label": "نقشهٔ استان‌های ایران",
        "popup_label": "آمار {name}",
    },
}

#: The viewport of every map page: the width of the device, and zoom left to the reader.
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'

_VIEWPORT_TAG = re.compile(r'<meta\s+name="viewport"[^>]*>', re.S)


def allow_page_zoom(head: str) -> str:
    """folium's page head with its viewport tag (``user-scalable=no``) replaced by :data:`VIEWPORT`.

    Examples
    --------
    >>> allow_page_zoom('<meta name="viewport" content="width=device-width,\\n  maximum-scale=1.0, user-scalable=no" />')
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    """
    return _VIEWPORT_TAG.sub(VIEWPORT, head, count=1)


def _indicator_extras(meta: pd.DataFrame, lang: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Per indicator, in the map's order: the year in Latin digits (for the CSV), and where
    its printed table does not add up: ``q`` for the legend, ``n`` by province code for
    popups and the CSV's ``note`` column, both as indices into the returned notes (a
    disagreement is shared by the indicators of its row, so each note is sent once)."""
    notes: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    for rec in meta.to_dict("records"):
        extra: dict[str, Any] = {"y": str(rec.get("year_sh") or "")}
        issues = rec.get("quality")
        if isinstance(issues, (list, tuple)) and issues:
            extra["q"] = [notes.setdefault(i.note(lang), len(notes)) for i in issues]
            by_code: dict[str, list[int]] = {}
            for issue in issues:
                if issue.code:
                    by_code.setdefault(issue.code, []).append(notes[issue.note(lang)])
            if by_code:
                extra["n"] = by_code
        out.append(extra)
    return out, list(notes)


def page_data(lang: str, places: Any, meta: pd.DataFrame, *, alternate: str | None, csv_name: str) -> dict[str, Any]:
    """The reader's additions to a map's data block.

    Parameters
    ----------
    lang
        The page's language.
    places
        The mapped provinces (``code``, ``name_fa``, ``name_en``), in the map's order.
    meta
        The indicators shown, as from :func:`geo.load_indicators` (``quality`` optional).
    alternate
        The file name of the same map in the other language (linked from the page, with
        the page's state), or ``None`` for a map that has none.
    csv_name
        The stem of the downloaded CSV's file name.

    Examples
    --------
    >>> import geo
    >>> data = page_data("en", geo.load_provinces(), geo.load_indicators(), alternate="iran_estates.html", csv_name="x")
    >>> data["alt"]["lang"], len(data["search"]["levels"]["province"])
    ('fa', 31)
    """
    other = "en" if lang == "fa" else "fa"
    column = {c: (list(places[c]) if c in places.columns else [""] * len(places)) for c in ("code", "name_fa", "name_en")}
    codes = [str(c) if c else str(i) for c, i in zip(column["code"], places.index, strict=True)]
    names: Sequence[Sequence[str]] = [
        [str(a) if isinstance(a, str) else "", str(b) if isinstance(b, str) else ""]
        for a, b in zip(column["name_fa"], column["name_en"], strict=True)
    ]
    S = UI_STRINGS[lang]
    extras, notes = _indicator_extras(meta, lang)
    return {
        "ui": S,
        "search": search_index("province", codes, names),
        "alt": {"href": alternate, "lang": other, "label": S["lang_label"], "title": S["lang_title"]} if alternate else None,
        "extra": extras,
        "notes": notes,
        "csv_name": csv_name,
    }
