"""The default map and the register map, without a browser (see test_browser.py for that)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from branca.element import Element

from geo.errors import MapError
from geo.maps import (
    DEFAULT_FILES,
    build_maps,
    embedded_data,
    estates_map,
    register_map,
    render_html,
    save_map,
)
from geo.reference.provinces import load_provinces
from geo.reference.stats import load_indicators, load_province_stats

REPO = Path(__file__).resolve().parents[1]
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"

#: Every "http" that may remain in a default map, and why it is harmless (never loaded).
ALLOWED_HTTP = {
    "http://www.w3.org/2000/svg": "SVG XML namespace name (Leaflet and our hatch pattern); an identifier, not fetched",
    "https://leafletjs.com": "Leaflet's attribution link: an <a href>, only followed if the user clicks it",
    "https://bugs.chromium.org/p/chromium/issues/detail?id=600120": "a comment inside leaflet.js",
    "https://bugzilla.mozilla.org/show_bug.cgi?id=888319": "a comment inside leaflet.js",
    "http-equiv": 'branca\'s <meta http-equiv="content-type"> (an attribute name)',
}
#: A tag that would load something from the network (an <a href> is only followed on a click).
LOADING_URL = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio|embed|object|image|use)\b[^>]*\b(?:src|href|data)\s*=\s*["']?\s*(?:https?:)?//""",
    re.I,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("maps")
    paths = build_maps(out)
    assert [p.name for p in paths] == [DEFAULT_FILES["fa"], DEFAULT_FILES["en"]]
    return {lang: (out / DEFAULT_FILES[lang]).read_text(encoding="utf-8") for lang in ("fa", "en")}


def test_same_inputs_give_identical_bytes(built):
    assert render_html(estates_map(lang="fa")) == built["fa"]
    assert render_html(estates_map(lang="en")) == built["en"]


def test_identical_bytes_across_processes(tmp_path):
    """Two CLI runs (different hash seeds) write byte-identical files."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed)
        res = subprocess.run([sys.executable, "-m", "geo", "build", "--out", str(out)], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=300)  # fmt: skip
        assert res.returncode == 0, res.stderr
        outs.append(out)
    for name in DEFAULT_FILES.values():
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()


def test_no_random_ids_or_timestamps(built):
    html = built["fa"]
    assert not re.search(r"[0-9a-f]{32}", html), "a folium uuid leaked into the page"
    assert "map_geo" in html


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_no_network_resources(built, lang):
    html = built[lang]
    assert not LOADING_URL.search(html)
    assert not re.search(r"""@import|url\(\s*["']?(?:https?:)?//""", html, re.I)
    assert "<link" not in html.lower()
    for m in re.finditer(r"https?://[^\s\"'<>)\\]+|http-equiv", html):
        assert m.group(0) in ALLOWED_HTTP, f"unexpected {m.group(0)!r}"


def test_leaflet_is_inlined_from_the_installed_package(built):
    from importlib import resources

    js = (resources.files("js_lib_leaflet") / "static/js_lib_leaflet/leaflet.js").read_text(encoding="utf-8")
    assert js[:2000] in built["fa"]
    assert "sourceMappingURL" not in built["fa"]


#: The embedded font's rule: its licence comment and the @font-face with a base64 data URL.
FONT_RULE = re.compile(
    r"/\* Noto Sans Arabic, copyright [^*]*\*/\n"
    r'@font-face \{ font-family: "Noto Sans Arabic Embedded"; [^}]*?'
    r'src: url\(data:font/(woff2?|ttf);base64,([A-Za-z0-9+/=]+)\) format\("(woff2?|truetype)"\); \}\n'
)


def embedded_font(html: str):
    """The embedded font of a page, parsed by fontTools."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    rules = FONT_RULE.findall(html)
    assert len(rules) == 1, "exactly one embedded @font-face"
    return TTFont(io.BytesIO(base64.b64decode(rules[0][1])))


def test_default_map_is_at_most_350_kb_and_the_county_layer_at_most_250_kb_more(built):
    """The default Persian map with the province geometry: at most 350 KB with everything
    (Leaflet, the embedded font, every layer, the search index and the reader's controls;
    the font itself at most 40 KB of it). The county level (a second, packed block decoded
    on demand) costs at most 250 KB more (its block, and the county names' letters in the
    font)."""
    provinces_only = render_html(estates_map(lang="fa", counties=False)).encode("utf-8")
    assert len(provinces_only) <= 350_000, len(provinces_only)
    html = built["fa"]
    assert 100_000 < len(html.encode("utf-8")) - len(provinces_only) <= 250_000
    font = FONT_RULE.search(html)
    assert len(font.group(0)) <= 40_000, len(font.group(0))


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_embedded_font_is_first_in_the_stack(built, lang):
    html = built[lang]
    assert len(FONT_RULE.findall(html)) == 1
    stacks = re.findall(r"font-family: ([^;{}]+);", html[FONT_RULE.search(html).end():])
    assert stacks and stacks[0].startswith('"Noto Sans Arabic Embedded", ')


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_embedded_font_is_a_subset_that_shapes(built, lang):
    from geo.maps._assets import FONT_FEATURES, font_codepoints

    html = built[lang]
    font = embedded_font(html)
    cmap = set(font.getBestCmap())
    # exactly the Arabic-script characters of the page, plus Persian digits, ٬ ٫ and ZWNJ
    assert cmap == set(font_codepoints(font_text(html)))
    page = {ord(c) for c in embedded_data(html)["strings"]["title"] + json_text(html) + font_text(html)}
    arabic = {c for c in page if 0x0600 <= c <= 0x06FF}
    assert arabic and arabic <= cmap
    assert set(map(ord, "۰۱۲۳۴۵۶۷۸۹٬٫\u200c")) <= cmap
    assert not any(0x41 <= c <= 0x7A for c in cmap), "Latin text keeps the reader's fonts"
    # the layout features that Arabic shaping needs are kept, and only those listed
    gsub = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    gpos = {r.FeatureTag for r in font["GPOS"].table.FeatureList.FeatureRecord}
    assert {"init", "medi", "fina", "rlig"} <= gsub <= set(FONT_FEATURES)
    assert {"mark", "mkmk"} <= gpos <= set(FONT_FEATURES)
    # regular to bold, width pinned to 100
    assert [(a.axisTag, a.minValue, a.maxValue) for a in font["fvar"].axes] == [("wght", 400, 700)]
    assert "OFL" in font["name"].getDebugName(13) + font["name"].getDebugName(14)
    try:
        import brotli  # noqa: F401

        assert font.flavor == "woff2"
    except ImportError:
        assert font.flavor == "woff"


def font_text(html: str) -> str:
    """The page's text the font subset covers: the page and its packed county level (names)."""
    import json

    from geo.maps.page import embedded_counties

    counties = embedded_counties(html)
    return html + (json.dumps(counties, ensure_ascii=False) if counties is not None else "")


def json_text(html: str) -> str:
    start = html.index('<script type="application/json" id="geo-data">')
    return html[start:html.index("</script>", start)]


def test_embedded_font_is_deterministic(built):
    """The subset is made again from scratch (cache cleared) with the same bytes, the
    shipped font's timestamps kept, in this process and in a fresh one."""
    from geo.maps import _assets

    cps = _assets.font_codepoints(font_text(built["fa"]))
    first = _assets.font_bytes(cps)
    _assets.font_bytes.cache_clear()
    assert _assets.font_bytes(cps) == first
    assert _assets.font_face_css(cps) in built["fa"]
    code = ("import sys, hashlib; from geo import _assets; "
            "print(hashlib.sha256(_assets.font_bytes(tuple(map(int, sys.argv[1:])))[0]).hexdigest())")  # fmt: skip
    res = subprocess.run([sys.executable, "-c", code, *map(str, cps)], cwd=REPO, capture_output=True, text=True,
                         timeout=300, env=dict(os.environ, PYTHONHASHSEED="7"))  # fmt: skip
    assert res.returncode == 0, res.stderr
    import hashlib

    assert res.stdout.strip() == hashlib.sha256(first[0]).hexdigest()
    from fontTools.ttLib import TTFont

    with _assets._font_path().open("rb") as fh:
        shipped = TTFont(fh, lazy=True)["head"]
        assert embedded_font(built["fa"])["head"].modified == shipped.modified


def test_adding_an_indicator_adds_at_most_5_kb(tmp_path):
    src = REPO / "data" / "yearbook"
    base, extra = tmp_path / "base", tmp_path / "extra"
    for d in (base, extra):
        shutil.copytree(src, d)
    ind = pd.read_csv(src / "indicators.csv", dtype=str, keep_default_na=False)
    row = ind[ind["id"] == "treatment_plants_operational"].copy()
    row["id"] = "treatment_plants_operational_copy"
    row["label_en"] = "A further declared indicator"
    row["label_fa"] = "شاخص اعلام‌شدهٔ دیگر"
    pd.concat([ind, row]).to_csv(extra / "indicators.csv", index=False)
    a = render_html(estates_map(indicators=base / "indicators.csv")).encode("utf-8")
    b = render_html(estates_map(indicators=extra / "indicators.csv")).encode("utf-8")
    data = embedded_data(b.decode("utf-8"))
    assert [i["id"] for i in data["indicators"]][-1] == "treatment_plants_operational_copy"
    assert 0 < len(b) - len(a) <= 5_000, len(b) - len(a)


def test_every_declared_indicator_is_a_layer(built):
    data = embedded_data(built["en"])
    declared = load_indicators()
    assert [i["id"] for i in data["indicators"]] == list(declared.index)
    props = data["geojson"]["features"][0]["properties"]
    for ind in data["indicators"]:
        assert ind["id"] in props  # one geometry, every indicator's value in its properties
        assert ind["scheme"] == declared.loc[ind["id"], "scheme"]
        assert len(ind["colors"]) == len(ind["bins"]) >= 2
        assert len(ind["c"]) == len(ind["t"]) == len(ind["r"]) == 31
    green = data["indicators"][0]
    assert green["label"] == declared.loc["green_space_ha", "label_en"]
    assert green["total"] == "6,604"
    assert "natural breaks" in green["classes"]


def test_no_data_is_not_zero():
    stats = load_province_stats()
    stats.loc["IR-10", "green_space_ha"] = np.nan
    stats.loc["IR-11", "green_space_ha"] = 0
    data = embedded_data(render_html(estates_map(lang="en", stats=stats)))
    green = data["indicators"][0]
    codes = [f["properties"]["code"] for f in data["geojson"]["features"]]
    assert green["c"][codes.index("IR-10")] == -1 and green["t"][codes.index("IR-10")] is None
    assert green["c"][codes.index("IR-11")] >= 0 and green["t"][codes.index("IR-11")] == "0"


def test_embedded_geometry_is_a_valid_coverage(built):
    data = embedded_data(built["fa"])
    from geo.maps.geometry import unpack_polygons

    decimals = data["geojson"]["decimals"]
    geoms = np.array([unpack_polygons(f["geometry"], decimals) for f in data["geojson"]["features"]])
    assert len(geoms) == 31
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)
    # simplified but still close to the shipped area
    original = load_provinces().geometry.values
    assert abs(shapely.area(geoms).sum() / shapely.area(original).sum() - 1) < 0.01


def test_embedded_counties_are_a_valid_coverage_inside_their_provinces(built):
    """The county level decodes to 478 valid polygons forming a valid coverage, each inside
    the outline drawn for its province, and the outlines are exactly the counties' unions."""
    from geo.maps.geometry import unpack_polygons
    from geo.maps.page import embedded_counties
    from geo.reference.counties import load_counties

    data, counties = embedded_data(built["en"]), embedded_counties(built["en"])
    geoms = np.array([unpack_polygons(p, counties["decimals"]) for p in counties["polygons"]])
    outlines = np.array([unpack_polygons(p, counties["decimals"]) for p in counties["outline"]])
    assert len(geoms) == 478 and shapely.is_valid(geoms).all() and shapely.coverage_is_valid(geoms)
    codes = [f["properties"]["code"] for f in data["geojson"]["features"]]
    shipped = load_counties().set_index("code")
    assert [codes[p] for p in counties["province"]] == shipped.loc[counties["code"], "province"].tolist()
    for k, code in enumerate(codes):
        mine = geoms[np.array(counties["province"]) == k]
        assert shapely.equals(shapely.union_all(mine), outlines[k]), code
    original = shapely.area(shipped.loc[counties["code"]].geometry.to_numpy())
    assert np.abs(shapely.area(geoms) / original - 1).max() < 0.05
    assert counties["name_fa"][counties["code"].index("r6554961")] == "شهرستان تبریز"


def test_yearbook_layers_say_their_provinces_are_those_of_their_year(built):
    """Each yearbook layer's caption: per province as of its table's year, and Tabas's move."""
    for lang, words in (("en", "Per province as of {}"), ("fa", "مرزهای سال {}")):
        data = embedded_data(built[lang])
        for ind in data["indicators"]:
            year = ind["year_sh"] if lang == "en" else ind["year_sh"].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
            assert words.format(year) in ind["borders"], ind["id"]
            assert "Tabas" in ind["borders"] or "طبس" in ind["borders"]


def test_every_map_credits_openstreetmap_contributors(built):
    import geo
    from geo.maps.page import embedded_data as data_of

    register = render_html(register_map(geo.join(pd.DataFrame({"province": ["Fars"]})), lang="fa"))
    for html in (built["fa"], built["en"], register):
        assert "© OpenStreetMap contributors (ODbL)" in data_of(html)["attribution"]
        assert "Natural Earth" not in html


def test_national_panel_has_the_hse_facts_with_sources(built):
    data = embedded_data(built["en"])
    ids = {f["id"] for f in data["facts"]}
    from geo.reference.facts import load_facts

    facts = load_facts()
    assert ids == set(facts.loc[facts["hse_panel"], "id"])
    for fact in ("hse_fire_stations_built", "hse_iso14001_estates", "hse_units_connected_wastewater",
                 "hse_online_monitoring_systems_installed"):  # fmt: skip
        assert fact in ids
    assert all(f["phrase"] and f["value"] for f in data["facts"])
    pairs = {f["pair"]["indicator"]: f for f in data["facts"] if f["pair"]}
    # the 1392 national total of the per-province table beside the 1396 national figure
    assert pairs["green_space_ha"]["value"] == "71" and pairs["green_space_ha"]["pair"]["value"] == "6,604"
    assert pairs["treatment_plants_operational"]["pair"]["value"] == "156"


def test_persian_digits_in_fa(built):
    data = embedded_data(built["fa"])
    green = data["indicators"][0]
    assert green["total"] == "۶٬۶۰۴"
    assert all(t is None or not re.search(r"[0-9]", t) for t in green["t"])


def test_hostile_names_are_escaped():
    stats = load_province_stats()
    stats.loc["IR-10", "name_en"] = HOSTILE_IMG
    stats.loc["IR-10", "name_fa"] = HOSTILE_SCRIPT
    stats.loc["IR-11", "name_en"] = "{{ 7*7 }}{% raw %}"  # not a template either
    html = render_html(estates_map(stats=stats))
    assert "<img src=x" not in html
    assert "window.__pwned=1</script>" not in html and "<script>window.__pwned" not in html
    props = {f["properties"]["code"]: f["properties"] for f in embedded_data(html)["geojson"]["features"]}
    assert props["IR-10"]["name_en"] == HOSTILE_IMG and props["IR-10"]["name_fa"] == HOSTILE_SCRIPT
    assert props["IR-11"]["name_en"] == "{{ 7*7 }}{% raw %}"


def test_save_is_atomic_when_rendering_fails(tmp_path):
    path = tmp_path / "m.html"
    save_map(estates_map(lang="en"), path)
    before = path.read_bytes()

    class Boom(Element):
        def render(self, **kwargs):
            raise RuntimeError("rendering failed")

    m = estates_map(lang="fa")
    m.add_child(Boom(), name="boom")
    with pytest.raises(RuntimeError):
        save_map(m, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]


def test_save_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "m.html"
    save_map(estates_map(lang="en"), path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(MapError, match="cannot write the map to .*: disk full"):  # the package's error, one line
        save_map(estates_map(lang="fa"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]


def test_unknown_tiles_name_close_ones():
    with pytest.raises(MapError, match="CartoDB.Positron"):
        estates_map(tiles="CartoDB.Positon")


def test_tiles_are_opt_in():
    html = render_html(estates_map(lang="en", tiles="OpenStreetMap.Mapnik"))
    assert "tile.openstreetmap.org" in html
    assert "tile.openstreetmap" not in render_html(estates_map(lang="en"))


def test_unknown_language():
    with pytest.raises(MapError, match="language"):
        estates_map(lang="de")


def test_lang_sets_direction(built):
    assert '<html lang="fa" dir="rtl">' in built["fa"]
    assert '<html lang="en" dir="ltr">' in built["en"]
    assert embedded_data(built["fa"])["dir"] == "rtl"
    assert "Vazirmatn" in built["fa"] and "Noto Sans Arabic" in built["fa"]


def test_cli_build_writes_both_files_and_lang_restricts(tmp_path):
    res = subprocess.run([sys.executable, "-m", "geo", "build", "--out", str(tmp_path / "both")], cwd=REPO,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in (tmp_path / "both").iterdir()) == ["iran_estates.en.html", "iran_estates.html"]
    res = subprocess.run([sys.executable, "-m", "geo", "build", "--lang", "en", "--out", str(tmp_path / "en")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert [p.name for p in (tmp_path / "en").iterdir()] == ["iran_estates.en.html"]
    res = subprocess.run([sys.executable, "-m", "geo", "build", "--tiles", "Nope.Nothing", "--out", str(tmp_path / "x")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 3 and "unknown tile provider" in res.stderr and "Traceback" not in res.stderr


def fake_register_result():
    by_province = load_provinces()
    by_province["estates"] = np.arange(31) % 7
    by_province["area_ha_sum"] = np.arange(31) * 12.5
    by_province["has_treatment_count"] = np.arange(31) % 3
    estates = gpd.GeoDataFrame(
        {
            "row": [1, 2, 3, 4],
            "name": [HOSTILE_IMG, "شهرک صنعتی مورچه‌خورت", "Alborz estate", HOSTILE_SCRIPT],
            "status": ["joined", "flagged", "joined", "rejected"],
            "province": ["IR-10", "IR-10", "IR-30", ""],
            "reasons": ["", "outside its province", "", "no coordinates"],
        },
        geometry=[shapely.Point(51.67, 32.65), shapely.Point(51.5, 33.1), shapely.Point(50.9, 35.9), None],
        crs="EPSG:4326",
    )
    return SimpleNamespace(by_province=by_province, estates=estates)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_register_map(lang):
    result = fake_register_result()
    html = render_html(register_map(result, lang=lang))
    assert html == render_html(register_map(result, lang=lang))
    assert "<img src=x" not in html and "<script>window.__pwned" not in html
    assert not LOADING_URL.search(html)
    data = embedded_data(html)
    assert [i["id"] for i in data["indicators"]] == ["estates", "area_ha_sum", "has_treatment_count"]
    assert data["points"]["name"][0] == HOSTILE_IMG
    assert data["points"]["ll"][3] is None
    assert f'dir="{"rtl" if lang == "fa" else "ltr"}"' in html


def test_register_map_needs_a_numeric_column():
    result = SimpleNamespace(by_province=load_provinces(), estates=fake_register_result().estates)
    with pytest.raises(MapError):
        register_map(result)


def test_disk_cache_changes_nothing_in_the_output(tmp_path, monkeypatch):
    """The same map with the cache off, with a cold cache and with a warm one: same bytes."""
    from geo.maps import _assets, classify, county_level, geometry

    def build(cache: str) -> bytes:
        monkeypatch.setenv("GEO_CACHE_DIR", cache)
        _assets.font_bytes.cache_clear()
        classify.classify.cache_clear()
        geometry._simplified_wkb.cache_clear()
        county_level._county_shapes.cache_clear()
        return render_html(estates_map(lang="fa")).encode("utf-8")

    off = build("")
    cold = build(str(tmp_path))
    assert all(any((tmp_path / kind).iterdir()) for kind in ("fonts", "classes", "coverage", "county-shapes"))
    warm = build(str(tmp_path))
    assert off == cold == warm


def test_an_unwritable_cache_is_not_an_error(tmp_path, monkeypatch):
    from geo.maps import _assets, classify

    blocker = tmp_path / "file-in-the-way"
    blocker.write_text("x")
    monkeypatch.setenv("GEO_CACHE_DIR", str(blocker / "cache"))
    _assets.font_bytes.cache_clear()
    classify.classify.cache_clear()
    assert "geo-data" in render_html(estates_map(lang="en"))


def test_fa_register_map_shows_persian_reasons_and_en_map_english():
    import geo

    result = geo.join(REPO / "data" / "examples" / "estates_example.csv")
    estates = result.estates
    flagged = (estates["status"] != "joined").to_numpy()
    assert flagged.any()
    fa = embedded_data(render_html(register_map(result, lang="fa")))["points"]["reasons"]
    en = embedded_data(render_html(register_map(result, lang="en")))["points"]["reasons"]
    assert fa == ["؛ ".join(r) for r in estates["reasons_fa"]]
    assert en == ["; ".join(r) for r in estates["reasons"]]
    for i in np.flatnonzero(flagged):
        assert re.search(r"[\u0600-\u06FF]", fa[i]) and fa[i] != en[i]
    assert any("ردیف‌های ۵، ۳۷" in text for text in fa)


def test_fa_register_map_falls_back_to_english_reasons_without_persian_ones():
    data = embedded_data(render_html(register_map(fake_register_result(), lang="fa")))
    assert data["points"]["reasons"] == ["", "outside its province", "", "no coordinates"]
