"""The data of a map page (:mod:`geo.maps.contract`), every text in the page's language.

It is made from tables: provinces, indicators, facts and register points.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd

from geo.i18n import section
from geo.maps._assets import script_json
from geo.maps.classify import classify, decimals_of, palette
from geo.maps.contract import (
    CountyLayer,
    FactData,
    IndicatorData,
    LinkData,
    PageData,
    PairData,
    QualityData,
    RegisterPoints,
    SearchData,
)
from geo.maps.contract_time import ChangesData, SeriesData
from geo.maps.geometry import packed_geometry
from geo.numbers import format_number_fa, to_persian_digits

__all__ = [
    "RawJSON",
    "facts_payload",
    "page_data",
    "provinces_payload",
    "quality_payload",
    "strings",
]


class RawJSON(str):
    """JSON text that the page's data block splices in as it is (already escaped)."""


def strings(lang: str) -> dict[str, str]:
    """The page's interface texts (``page.*`` of ``data/i18n/map.csv``) in ``lang``."""
    return section("map", "page", lang)


def _fmt(value: float | int | None, lang: str, decimals: int = 0) -> str | None:
    """A number for display: Persian digits (geo.numbers) for fa, grouped Latin for en."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if decimals == 0:
        value = round(float(value))
        return format_number_fa(value) if lang == "fa" else f"{value:,d}"
    return format_number_fa(float(value), decimals=decimals) if lang == "fa" else f"{float(value):,.{decimals}f}"


def _digits(text: str, lang: str) -> str:
    return to_persian_digits(text) if lang == "fa" else text


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _class_legend(values: np.ndarray, scheme: str, lang: str, decimals: int) -> tuple[list[int], list[str], list[str]]:
    """Class of each value (-1: none), and the colour and range text of each class."""
    finite = np.isfinite(values)
    if not finite.any():
        return [-1] * len(values), [], []
    yb, bins, low = classify(tuple(values[finite].tolist()), scheme)
    it = iter(yb)
    cls = [next(it) if ok else -1 for ok in finite]
    colors = list(palette(max(len(bins), 3)))
    if len(bins) < 3:
        colors = colors[-len(bins) :] if len(bins) > 1 else [colors[1]]
    bins_text = []
    lower = low
    for upper in bins:
        a, b = _fmt(lower, lang, decimals) or "", _fmt(upper, lang, decimals) or ""  # finite: never empty
        bins_text.append(a if a == b else f"{a} – {b}")
        # whole numbers: the next class starts at the next whole number (e.g. 0 | 1 – 2)
        lower = upper + 1 if decimals == 0 else upper
    return cls, colors, bins_text


def _share(value: float, total: float, lang: str) -> str:
    """``12.5%`` or ``۱۲٫۵٪``."""
    share = 100 * value / total
    return f"{share:.1f}%" if lang == "en" else format_number_fa(share, decimals=1) + "٪"


def _indicator_payload(ind: dict[str, Any], values: np.ndarray, lang: str, order: int) -> IndicatorData:
    """Everything the page needs for one indicator, in the page's language."""
    finite = np.isfinite(values)
    decimals = decimals_of(values)
    cls, colors, bins_text = _class_legend(values, ind["scheme"], lang, decimals)
    pairs = list(zip(values.tolist(), finite.tolist(), strict=True))
    # rank of 31: 1 = largest; ties share the best rank
    ranks = [1 + int(np.sum(values[finite] > v)) if ok else None for v, ok in pairs]
    total = ind.get("national_total")
    total = float(total) if total is not None and pd.notna(total) and float(total) > 0 else None
    scheme_label = section("map", "scheme", lang).get(ind["scheme"], ind["scheme"])
    year_en = f" ({_text(ind['year_en'])})" if lang == "en" and _text(ind.get("year_en")) else ""
    return IndicatorData(
        id=ind["id"],
        label=_text(ind[f"label_{lang}"]),
        unit=_text(ind[f"unit_{lang}"]),
        year=_digits(_text(ind["year_sh"]), lang) + year_en,
        source=_text(ind[f"source_{lang}"]),
        scheme=ind["scheme"],
        classes=strings(lang)["classes"].format(scheme=scheme_label, k=_fmt(len(bins_text), lang) or "0"),
        total=_fmt(total, lang, decimals) if total else None,
        colors=colors,
        bins=bins_text,
        c=cls,
        t=[_fmt(v, lang, decimals) if ok else None for v, ok in pairs],
        r=ranks,
        s=[_share(v, total, lang) if total and ok else None for v, ok in pairs],
        order=order,
        year_sh=_text(ind["year_sh"]),
        borders=_text(ind.get(f"borders_{lang}")) or None,
    )


def _counterpart(fact: dict[str, Any], indicators: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The indicator a fact is paired with: named by the fact, else naming the fact (or its prefix)."""
    counterpart = _text(fact.get("counterpart"))
    if counterpart and counterpart in indicators:
        return indicators[counterpart]
    for ind in indicators.values():
        cf = _text(ind.get("counterpart_fact"))
        if cf and (cf == fact["id"] or fact["id"].startswith(cf)):
            return ind
    return None


def _pair(ind: dict[str, Any], lang: str) -> PairData | None:
    """The national total of a paired indicator, or None without one."""
    total = ind.get("national_total")
    if total is None or not pd.notna(total):
        return None
    return PairData(
        indicator=ind["id"],
        label=_text(ind[f"label_{lang}"]),
        value=_fmt(float(total), lang, 0 if float(total) == round(float(total)) else 1),
        unit=_text(ind[f"unit_{lang}"]),
        year=_digits(_text(ind["year_sh"]), lang),
        source=_text(ind[f"source_{lang}"]),
    )


def facts_payload(lang: str, indicators: pd.DataFrame, facts: pd.DataFrame | None) -> list[FactData]:
    """The national HSE/infrastructure facts, each with its paired 1392 total if any."""
    if facts is None:
        from geo.reference.facts import load_facts

        facts = load_facts()
    if facts is None or len(facts) == 0:
        return []
    panel = facts[facts["hse_panel"]] if "hse_panel" in facts.columns else facts[facts["theme"] == "hse"]
    ind_records = {rec["id"]: rec for rec in indicators.to_dict("records")}
    units = section("map", "unit", lang)
    out = []
    for rec in panel.to_dict("records"):
        value = rec["value"]
        decimals = 0 if float(value) == round(float(value)) else 1
        match = _counterpart(rec, ind_records)
        out.append(
            FactData(
                id=_text(rec["id"]),
                label=_text(rec.get(f"label_{lang}")),
                value=("≈" if rec.get("approx") else "") + (_fmt(value, lang, decimals) or ""),
                unit=units.get(rec["unit"], _text(rec["unit"])),
                year=_digits(_text(rec.get("period")), lang),
                phrase=_text(rec.get("source_phrase")),
                pair=_pair(match, lang) if match is not None else None,
            )
        )
    return out


def provinces_payload(gdf: Any, indicators: pd.DataFrame, lang: str) -> tuple[RawJSON, list[IndicatorData]]:
    """The provinces as a FeatureCollection, geometries packed, and their layers.

    Each feature's properties are :class:`~geo.maps.contract.FeatureProperties` and the
    indicators' raw values.
    """
    decimals, geoms = packed_geometry(list(gdf.geometry.values))
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
        # packed geometry text (numbers and brackets only) spliced in, not re-encoded
        features.append('{"type":"Feature","properties":' + script_json(props) + ',"geometry":' + geoms[i][0] + "}")
    records = zip(ind_ids, indicators.to_dict("records"), strict=True)
    payload = [
        _indicator_payload(dict(rec, id=ind_id), values[ind_id], lang, k) for k, (ind_id, rec) in enumerate(records)
    ]
    collection = f'{{"type":"FeatureCollection","decimals":{decimals},"features":[' + ",".join(features) + "]}"
    return RawJSON(collection), payload


#: The digits and thousands separator each page language writes numbers with.
_DIGITS = {"fa": ("۰۱۲۳۴۵۶۷۸۹", "٬"), "en": ("0123456789", ",")}


def quality_payload(indicators: pd.DataFrame, lang: str) -> QualityData:
    """Where each layer's printed table does not add up, each sentence once.

    From the ``quality`` of :func:`geo.load_indicators`; a disagreement of a row is shared
    by the layers of its columns, so the notes are listed once and cited by index.
    """
    notes: dict[str, int] = {}
    legend: dict[str, list[int]] = {}
    places: dict[str, dict[str, list[int]]] = {}
    column = indicators["quality"] if "quality" in indicators.columns else pd.Series(dtype=object)
    for ind_id, issues in column.items():
        if not isinstance(issues, (list, tuple)) or not issues:
            continue
        ids = [notes.setdefault(issue.note(lang), len(notes)) for issue in issues]
        legend[str(ind_id)] = ids
        by_code = places.setdefault(str(ind_id), {})
        for issue, k in zip(issues, ids, strict=True):
            if issue.code:
                by_code.setdefault(issue.code, []).append(k)
    return QualityData(notes=list(notes), legend=legend, places={k: v for k, v in places.items() if v})


def page_data(  # noqa: PLR0913 - keyword-only, one per field of PageData
    lang: str,
    *,
    texts: dict[str, str],
    n: int,
    tiles: bool,
    attribution: str,
    provinces: tuple[RawJSON, list[IndicatorData]],
    facts: list[FactData],
    register: RegisterPoints | None = None,
    search: SearchData,
    alt: LinkData | None,
    quality: QualityData,
    csv_name: str,
    counties: CountyLayer | None = None,
    series: SeriesData | None = None,
    changes: ChangesData | None = None,
) -> PageData:
    """A page's :class:`~geo.maps.contract.PageData`; ``attribution`` is escaped here.

    ``provinces`` is :func:`provinces_payload`'s; ``register`` a register's points, grid and
    tally (:func:`geo.maps.points.register_points`).
    """
    geojson, indicators = provinces
    points, grid, tally = (register.points, register.grid, register.tally) if register is not None else (None,) * 3
    digits, group = _DIGITS["fa" if lang == "fa" else "en"]
    return PageData(
        lang=lang,
        dir="rtl" if lang == "fa" else "ltr",
        strings=texts,
        digits=digits,
        group=group,
        n=n,
        tiles=tiles,
        attribution=html.escape(attribution),
        geojson=geojson,
        indicators=indicators,
        facts=facts,
        points=points,
        grid=grid,
        tally=tally,
        search=search,
        alt=alt,
        quality=quality,
        csv_name=csv_name,
        counties=counties,
        series=series,
        changes=changes,
    )
