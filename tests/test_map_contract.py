"""The JSON contract between the map pages and geo/templates/map.js (geo.maps.contract)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.i18n import section
from geo.maps import embedded_data, estates_map, register_map, render_html
from geo.maps._assets import own_js
from geo.maps.contract import (
    CellStore,
    CountyLayer,
    EstateFact,
    FactData,
    FeatureProperties,
    GridData,
    GridLevel,
    IndicatorData,
    LinkData,
    PageData,
    PairData,
    PointsData,
    QualityData,
    SearchData,
    StoreFact,
    TallyData,
    check_page_data,
    field_names,
)
from geo.maps.county_level import CountyData, check_county_data
from geo.maps.page import embedded_counties

MAP_JS = Path(geo.__file__).parent / "templates" / "map.js"

#: How map.js names each contract object (see geo/maps/contract.py), and what else that
#: name may carry that is not data (Leaflet's feature.properties, the script's own _i).
_NAMES = {
    r"\bD": (PageData, set()),
    r"\bind|\binds\[[^\]]+\]": (IndicatorData, set()),
    r"\bP": (PointsData, set()),
    r"\bf\.pair": (PairData, set()),
    r"\bf": (FactData, {"properties", "pair"}),
    r"\bp|\bprops|\.properties": (FeatureProperties, {"_i", "_j"}),
    r"\bG": (GridData, set()),
    r"\blv": (GridLevel, set()),
    r"\bT": (TallyData, set()),
    r"\bD\.search": (SearchData, set()),
    r"\bD\.alt": (LinkData, set()),
    r"\bQ": (QualityData, set()),
    r"\bD\.counties": (CountyLayer, set()),
    r"\bK": (CountyData, set()),
    r"\bef|\bFACT\[[^\]]+\]": (EstateFact, set()),
    r"\bG\.store": (CellStore, set()),
    r"\bsf|\bST\.fact\[[^\]]+\]": (StoreFact, set()),
}


def _read(pattern: str, js: str) -> set[str]:
    return set(re.findall(rf"(?:{pattern})\.([A-Za-z_]\w*)", js))


@pytest.mark.parametrize("pattern", list(_NAMES))
def test_every_field_map_js_reads_is_in_the_contract(pattern: str) -> None:
    cls, extra = _NAMES[pattern]
    js = own_js(points=True)  # map.js with the register layer (register.js) spliced in
    read = _read(pattern, js)
    assert read, f"map.js reads nothing through {pattern!r}: the naming convention changed"
    js_methods = {"length", "push", "forEach", "map", "filter", "indexOf", "slice", "join"}
    assert sorted(read - set(field_names(cls)) - extra - js_methods) == [], cls.__name__


def test_every_string_map_js_reads_is_a_page_string() -> None:
    js = own_js(points=True)
    keys = set(section("map", "page", "en"))
    read = set(re.findall(r"\bS\.(\w+)", js)) | {f"status_{s}" for s in ("joined", "flagged", "rejected")}
    assert read and sorted(read - keys) == []
    assert section("map", "page", "fa").keys() == keys


def test_every_estate_text_the_layer_reads_is_in_the_catalogue() -> None:
    """The register layer's words (``ET.*``) are the ``estate.*`` rows of data/i18n/map.csv, all used."""
    js = own_js(points=True)
    keys = set(section("map", "estate", "en"))
    read = set(re.findall(r"\bET\.(\w+)", js)) | {w for w in keys if re.search(rf'ET\[[^\]]*"{w}"|"{w}"', js)}
    assert read and sorted(read - keys) == [] and sorted(keys - read) == []
    assert section("map", "estate", "fa").keys() == keys


def _html() -> dict[str, str]:
    frame = pd.DataFrame(
        {"province": ["Fars", "تهران", "Atlantis"], "lat": [29.6, 35.7, None], "lon": [52.5, 51.4, None], "units": [3, 4, 5]}
    )
    result = geo.join(frame)
    return {
        "default fa": render_html(estates_map(lang="fa")),
        "default en": render_html(estates_map(lang="en")),
        "register fa": render_html(register_map(result, lang="fa")),
    }


def _pages() -> dict[str, dict]:
    return {name: embedded_data(html) for name, html in _html().items()}


def test_every_page_the_package_writes_keeps_the_contract() -> None:
    pages = _html()
    for name, html in pages.items():
        data = embedded_data(html)
        check_page_data(data)
        assert data["indicators"], name
        counties = embedded_counties(html)
        assert data["counties"] == {"n": 478, "block": "geo-counties", "packing": "deflate+base64"}, name
        check_county_data(counties, data["n"])
        # the register map has its own figures per county, the default map none
        assert [i["id"] for i in counties["indicators"]] == (
            [i["id"] for i in data["indicators"]] if name.startswith("register") else []
        ), name
    pages = {name: embedded_data(html) for name, html in pages.items()}
    assert pages["default fa"]["facts"] and any(f["pair"] for f in pages["default fa"]["facts"])
    assert pages["register fa"]["points"]["ll"][2] is None and len(pages["register fa"]["points"]["row"]) == 3


def test_a_page_that_breaks_the_contract_is_named() -> None:
    data = _pages()["default en"]
    first, *others = data["indicators"]
    broken = {**data, "indicators": [{k: v for k, v in first.items() if k != "r"}, *others]}
    with pytest.raises(ValueError, match=f"indicator {first['id']!r}: expected the keys"):
        check_page_data(broken)
    short = {**data, "indicators": [{**first, "c": first["c"][:-1]}, *others]}
    with pytest.raises(ValueError, match="one entry per province"):
        check_page_data(short)
    with pytest.raises(ValueError, match="page"):
        check_page_data({**data, "extra": 1})
