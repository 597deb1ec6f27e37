"""The national panel's charts: ISIPO's national figures over the years (:mod:`geo.reference.series`).

One chart per indicator with figures for at least two years (:func:`geo.reference.series.charted`),
each figure a point at its Jalali year (its date as the source gives it, and its source, in
the tooltip); the article's 1396 figure is marked as such, and two figures of one year that differ are both drawn
and flagged, with a sentence naming both (:func:`geo.reference.series.disagreements`). The page's
``geo/templates/series.js`` draws them as inline SVG under the national panel.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from geo.i18n import Bilingual, message, section
from geo.maps.contract_time import SeriesChart, SeriesData
from geo.numbers import format_number_fa, to_persian_digits
from geo.reference.series import charted, disagreements, load_series, source_text

__all__ = ["series_payload"]


def _value(value: int, lang: str) -> str:
    return format_number_fa(value) if lang == "fa" else f"{value:,d}"


def _digits(text: str, lang: str) -> str:
    return to_persian_digits(text) if lang == "fa" else text


def _source(rec: dict[str, Any], lang: str, *, address: bool = True) -> str:
    """The article in the page's language, else the address (decoded) or the site's name."""
    if rec["origin"] == "article":
        return section("change", "series", lang)["article_source" if address else "article_short"]
    return source_text(rec) if address else str(rec["source"])


def _tip(rec: dict[str, Any], lang: str, units: dict[str, str]) -> str:
    origin = section("change", "series", lang)["article" if rec["origin"] == "article" else "press"]
    source = _source(rec, lang)
    text = message(
        "change",
        "series.tip",
        value=_value(int(rec["value"]), lang),
        unit=units.get(rec["unit"], ""),
        date=_digits(rec["as_of"] or rec["as_of_printed"], lang),
        origin=origin,
        source=Bilingual(source, source),  # whole: a composed text is not cut short
    )
    return (text.fa if lang == "fa" else str(text)).replace("  ", " ")


def _clash_note(label: str, year: int, group: pd.DataFrame, lang: str) -> str:
    values = "، ".join if lang == "fa" else ", ".join
    records = group.to_dict("records")
    listed = values(f"{_value(int(r['value']), lang)} ({_source(r, lang, address=False)})" for r in records)
    text = message("change", "series.clash", label=label, year=_digits(str(year), lang), values=listed)
    return text.fa if lang == "fa" else str(text)


def _chart(ind: str, rows: pd.DataFrame, lang: str, units: dict[str, str]) -> SeriesChart:
    rows = rows[rows["year"].notna()]
    rows = rows.assign(_x=rows["year"].astype(int)).sort_values(["_x", "origin"], kind="stable")
    label = str(rows["label_fa" if lang == "fa" else "label_en"].iloc[0])
    clash_years = {d.year for d in disagreements(rows) if d.indicator == ind}
    records = rows.to_dict("records")
    return SeriesChart(
        id=ind,
        label=label,
        unit=units.get(str(rows["unit"].iloc[0]), ""),
        x=[float(r["_x"]) for r in records],
        y=[float(r["value"]) for r in records],
        yt=[_digits(str(int(r["year"])), lang) for r in records],
        vt=[_value(int(r["value"]), lang) for r in records],
        tip=[_tip(r, lang, units) for r in records],
        article=[r["origin"] == "article" for r in records],
        clash=[int(r["year"]) in clash_years for r in records],
        notes=[_clash_note(label, y, rows[rows["year"] == y], lang) for y in sorted(clash_years)],
    )


def series_payload(lang: str, series: pd.DataFrame | None = None, facts: pd.DataFrame | None = None) -> SeriesData:
    """The charts of the national panel, and the disagreements of indicators without one.

    Examples
    --------
    >>> data = series_payload("en")
    >>> [c.id for c in data.charts][:2], len(data.notes)
    (['estates_approved', 'estates_operating'], 2)
    """
    series = load_series(facts=facts) if series is None else series
    units = dict(section("map", "unit", lang), billion_IRR="billion rials" if lang == "en" else "میلیارد ریال")
    shown = charted(series)
    charts = [_chart(ind, series[series["indicator"] == ind], lang, units) for ind in shown]
    notes = []
    for d in disagreements(series):
        if d.indicator not in shown:
            rows = series[(series["indicator"] == d.indicator) & (series["year"] == d.year)]
            label = str(rows["label_fa" if lang == "fa" else "label_en"].iloc[0])
            notes.append(_clash_note(label, d.year, rows, lang))
    texts = section("change", "series", lang)
    words = {k: texts[k] for k in ("title", "article", "press", "clash_key")}
    return SeriesData(charts=charts, notes=notes, words=words)
