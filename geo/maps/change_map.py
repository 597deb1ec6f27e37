"""The change map of a comparison (:func:`geo.compare`): what changed between two registers.

The page is made by the same machinery as every map (:mod:`geo.maps.page`: Leaflet and
the font inlined, no CDN, the data block; :mod:`geo.maps.payload`): the change tables
are its choropleths (each kind's count, each yes/no fact's estates that gained it, each
fact's difference), per province and, decoded on demand, per county; the estates are
drawn by ``geo/templates/change.js`` (:class:`~geo.maps.contract_time.ChangesData`): a
symbol per kind, a moved estate's arrow from its old point to its new one, a card with
each changed fact before → after, filters by kind and by fact. Every text is in the
page's language (Persian digits on the Persian page), the registers' Jalali years too.
"""

from __future__ import annotations

from typing import Any

import folium
import numpy as np
import pandas as pd

from geo.comparing.compare_facts import value_text
from geo.comparing.compare_tables import fact_columns
from geo.i18n import check_lang, message, quoted, section
from geo.maps.contract_time import ChangesData
from geo.maps.county_level import counties_payload
from geo.maps.page import add_data, new_map
from geo.maps.payload import page_data, provinces_payload, quality_payload, strings
from geo.maps.search import province_search

__all__ = ["CHANGES_LIMIT", "change_map"]

#: The most estates a change map draws one by one (every changed one first).
CHANGES_LIMIT = 20_000
_KINDS = ("added", "removed", "moved", "changed", "unchanged", "ambiguous")


def _words(lang: str) -> dict[str, str]:
    return section("change", "map", lang) | {f"kind_{k}": v for k, v in section("change", "kind", lang).items()}


def _year_text(year: Any, lang: str) -> str:
    """A Jalali year as the page says it: «۱۳۹۶» on the Persian page, «1396 SH (2017–18)» on the English one."""
    if year is None:
        return ""
    from geo._text import persian_digits
    from geo.reference.facts import period_bounds  # jdatetime: the year's first and last Gregorian day

    start, end = period_bounds(int(year))
    return persian_digits(str(year)) if lang == "fa" else f"{year} SH ({start.year}–{str(end.year)[-2:]})"


def _text(bilingual: Any, lang: str) -> str:
    return bilingual.fa if lang == "fa" else str(bilingual)


def _layers(result: Any, lang: str) -> pd.DataFrame:
    """The change tables' columns as declared indicators (the choropleths), in the page's language."""
    years = [_year_text(y, lang) for y in (result.summary["years"]["old"], result.summary["years"]["new"])]
    span = _text(message("change", "map.years", old=years[0], new=years[1]), lang) if all(years) else ""
    kinds = section("change", "kind", lang)
    rows = [(k, _text(message("change", "table.kind", kind=kinds[k]), lang)) for k in _KINDS[:4]]
    for fact in result.facts:
        if fact.kind == "text":
            continue
        label = fact.label_fa if lang == "fa" else fact.label_en
        cols = fact_columns(fact)
        if fact.kind == "bool":
            rows.append((cols[3], _text(message("change", "table.gained", fact=label), lang)))
        rows.append((cols[2], _text(message("change", "table.difference", fact=label), lang)))
    source = {"en": "the two registers compared", "fa": "دو فهرست سنجیده"}
    records = [
        {"id": i, "label_en": t, "label_fa": t, "unit_en": "", "unit_fa": "", "year_sh": span, "year_en": "",
         "scheme": "NaturalBreaks", "source_en": source["en"], "source_fa": source["fa"],
         "national_total": np.nan, "counterpart_fact": ""}
        for i, t in rows
    ]  # fmt: skip
    return pd.DataFrame(records).set_index("id", drop=False).rename_axis(None)


def _order(ch: pd.DataFrame) -> np.ndarray:
    """The estates drawn: every one that is not unchanged first, in table order, up to :data:`CHANGES_LIMIT`."""
    kinds = ch["kind"].to_numpy()
    return np.concatenate([np.flatnonzero(kinds != "unchanged"), np.flatnonzero(kinds == "unchanged")])[:CHANGES_LIMIT]


def _card(rec: dict[str, Any], facts: list[Any], changed: list[int], lang: str) -> list[list[str]]:
    lines = []
    for j in changed:
        fact = facts[j]
        label = fact.label_fa if lang == "fa" else fact.label_en
        if fact.kind == "text":
            before, after = rec["name_old"], rec["name_new"]
        else:
            before, after = rec[f"{fact.key}_before"], rec[f"{fact.key}_after"]
        lines.append([str(quoted(label)), value_text(before, lang), value_text(after, lang)])
    return lines


def _points(part: pd.DataFrame, side: str) -> list[list[float] | None]:
    """Each estate's point on one side, ``[lat, lon]`` (5 decimals), or None."""
    ll = np.round(part[[f"lat_{side}", f"lon_{side}"]].to_numpy(dtype=float), 5)
    return [p if ok else None for p, ok in zip(ll.tolist(), ~np.isnan(ll).any(axis=1), strict=True)]


def _first(part: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The first of ``columns`` that is not blank, as text ("" when none is)."""
    out = pd.Series([None] * len(part), index=part.index, dtype=object)
    for c in columns:
        out = out.where(out.notna(), part[c].astype(object))
    return out.where(out.notna(), "").astype(str)


def _changes(result: Any, lang: str, names: dict[str, str]) -> ChangesData:
    ch = result.changes
    at = _order(ch)
    facts = list(result.facts)
    part = ch.iloc[at]
    changed = result.changed[at] if result.changed is not None else np.zeros((len(at), len(facts)), dtype=bool)
    f: list[list[int]] = [[] for _ in at]
    card: list[list[list[str]]] = [[] for _ in at]
    some = np.flatnonzero(changed.any(axis=1)) if len(facts) else np.empty(0, dtype=np.int64)
    if len(some):
        wanted = ["name_old", "name_new"] + [
            c for x in facts if x.kind != "text" for c in (f"{x.key}_before", f"{x.key}_after")
        ]
        rows = part.iloc[some][wanted]
        records = rows.astype(object).where(rows.notna(), None).to_dict("records")
        for i, rec in zip(some.tolist(), records, strict=True):
            f[i] = np.flatnonzero(changed[i]).tolist()
            card[i] = _card(rec, facts, f[i], lang)
    kinds = section("change", "kind", lang)
    codes = _first(part, ["province_new", "province_old"])
    years = [_year_text(result.summary["years"][s], lang) for s in ("old", "new")]
    return ChangesData(
        kinds=[[kind, kinds[kind]] for kind in _KINDS],
        facts=[[fact.key, fact.label_fa if lang == "fa" else fact.label_en] for fact in facts],
        k=part["kind"].map({kind: i for i, kind in enumerate(_KINDS)}).astype(int).tolist(),
        a=_points(part, "old"),
        b=_points(part, "new"),
        name=[str(quoted(n)) for n in _first(part, ["name_new", "name_old", "id_new", "id_old"]).tolist()],
        place=[names.get(c, "") for c in codes.tolist()],
        f=f,
        card=card,
        why=part["reasons_fa" if lang == "fa" else "reasons"]
        .astype(object)
        .where(part["reasons"].notna(), "")
        .tolist(),
        shown=len(at),
        total=len(ch),
        years=years if all(years) else [],
    )


def change_map(result: Any, *, lang: str = "fa") -> folium.Map:
    """The change map of a :class:`geo.comparing.CompareResult` (see the module docstring).

    Examples
    --------
    >>> import pandas as pd, geo
    >>> from geo.maps import embedded_data, render_html
    >>> old = pd.DataFrame({"id": [1], "province": ["Fars"], "lat": [29.6], "lon": [52.5]})
    >>> new = pd.DataFrame({"id": [1], "province": ["Fars"], "lat": [29.9], "lon": [52.5]})
    >>> data = embedded_data(render_html(change_map(geo.compare(old, new), lang="en")))
    >>> data["changes"]["kinds"][data["changes"]["k"][0]]
    ['moved', 'moved']
    """
    check_lang(lang)
    by_province = result.by_province
    meta = _layers(result, lang)
    words = _words(lang)
    years = [_year_text(result.summary["years"][s], lang) for s in ("old", "new")]
    span = _text(message("change", "map.years", old=years[0], new=years[1]), lang) if all(years) else ""
    title = words["title"] + (f" · {span}" if span else "")
    texts = dict(strings(lang), title=title, subtitle="", **{f"change_{k}": v for k, v in words.items()})
    m = new_map(lang, title, None)
    provinces = provinces_payload(by_province, meta, lang)
    names = dict(zip(by_province.index, by_province["name_fa" if lang == "fa" else "name_en"], strict=True))
    by_county = result.by_county
    block = counties_payload([str(c) for c in by_province.index], lang, by_county, meta)
    credit = f"{texts['attribution'].split(' · ')[0]} · {texts['licences']}"
    data = page_data(
        lang,
        texts=texts,
        n=len(by_province),
        tiles=False,
        attribution=credit,
        provinces=provinces,
        facts=[],
        search=province_search(by_province),
        alt=None,
        quality=quality_payload(meta, lang),
        csv_name="changes",
        counties=block.layer,
        changes=_changes(result, lang, names),
    )
    return add_data(m, data, block)
