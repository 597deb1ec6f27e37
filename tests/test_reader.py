"""The default map as its readers use it, in Debian's Chromium (offline, as test_browser.py):
find a province, share the view, take the data, print, find one's way, on a phone, with a
keyboard or a screen reader, and the 1394 layer whose printed table does not add up.

Each point runs on the Persian and the English page, at laptop (1280×800) and phone
(390×844) sizes; screenshots go to tests/artifacts/reader_*.png.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from playwright.sync_api import expect
from test_browser import ARTIFACTS, DRAWN, HOSTILE_IMG, HOSTILE_SCRIPT, READY, Page, browser, overlap  # noqa: F401 (browser: a fixture)

from geo.maps import build_maps, estates_map, save_map
from geo.numbers import to_persian_digits
from geo.reference.names import normalize_name, province_aliases, resolve_province
from geo.reference.stats import load_indicators, load_province_stats

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": (1280, 800), "phone": (390, 844)}
LANGS = ("fa", "en")
each_page = pytest.mark.parametrize("size", list(VIEWPORTS))
#: The project's hostile strings (tests/test_maps.py, tests/bad_registers/make_corpus.py) and
#: a few that only a URL can carry.
HOSTILE = [
    HOSTILE_IMG, HOSTILE_SCRIPT, "<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
    '=HYPERLINK("http://evil","x")', "+1+1", "=cmd", "@x", "-تهران", "{{ 7*7 }}{% raw %}",
    "javascript:alert(1)", "__proto__", "constructor", "toString", "%E0%A4%A", "IR-10<svg onload=alert(3)>",
    "\u202eIR-10", "x" * 5000,
]  # fmt: skip
FORMULA_NAMES = {"IR-10": '=HYPERLINK("http://evil","x")', "IR-23": "+1+1", "IR-07": "-3", "IR-30": "@x"}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("maps")
    fa, en = build_maps(out)  # side by side, as `geo build` writes them: their links work
    stats = load_province_stats()
    stats.loc["IR-10", "name_en"] = HOSTILE_IMG
    stats.loc["IR-10", "name_fa"] = HOSTILE_SCRIPT
    formulas = load_province_stats()
    for code, name in FORMULA_NAMES.items():
        formulas.loc[code, "name_en"] = name
    pages = {"fa": fa, "en": en}
    for lang in LANGS:
        pages[f"hostile_{lang}"] = save_map(estates_map(lang=lang, stats=stats), out / f"hostile_{lang}.html")
        pages[f"formulas_{lang}"] = save_map(estates_map(lang=lang, stats=formulas), out / f"formulas_{lang}.html")
    return pages


def shot(pg: Page, name: str) -> Path:
    pg.still()  # popups fade in and pan clear of the panels
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"reader_{name}.png"
    pg.page.screenshot(path=str(path))
    return path


def clean(pg: Page) -> None:
    """Nothing left the machine, nothing ran that the page did not write, no error."""
    assert pg.blocked == [], pg.blocked
    assert pg.errors == [], pg.errors
    assert pg.dialogs == [], pg.dialogs
    assert pg.page.evaluate("typeof window.__pwned") == "undefined"
    assert pg.page.locator("img, iframe, object, embed").count() == 0


def open_page(browser, files, lang: str, size: str, fragment: str = "") -> Page:
    return Page(browser, files[lang], VIEWPORTS[size], fragment)


def no_popup(pg: Page) -> None:
    """Wait for every popup to be gone (a closing popup fades out for 0.2 s)."""
    pg.page.wait_for_function("!document.querySelector('.leaflet-popup')")


def names_of(code: str) -> tuple[str, str]:
    p = load_province_stats().loc[code]
    return p["name_fa"], p["name_en"]


def within(box: dict, width: int, height: int) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["r"] <= width and box["b"] <= height


def digits(text: str, lang: str) -> str:
    return to_persian_digits(text) if lang == "fa" else text


# --------------------------------------------------------------------------- 1. find

#: (what a reader types, the province): Latin transliterations, Persian with Arabic letter
#: forms, with «استان», with and without ZWNJ, an earlier name.
SEARCHES = [
    ("esfahan", "IR-10"), ("Ispahan", "IR-10"), ("استان اصفهان", "IR-10"), ("اصفهان", "IR-10"),
    ("آذربايجان شرقي", "IR-03"), ("آذربایجان‌شرقی", "IR-03"), ("Azarbaijan-e Gharbi", "IR-04"),
    ("كهگيلويه و بويراحمد", "IR-17"), ("Bakhtaran", "IR-05"), ("chaharmahal", "IR-14"), ("TEHRAN", "IR-23"),
    ("سيستان و بلوچستان", "IR-11"),
]  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_search_finds_a_province_in_any_spelling_and_opens_it(browser, files, lang, size):
    pg = open_page(browser, files, lang, size)
    try:
        box = pg.page.locator("#geo-search")
        for typed, code in SEARCHES:
            box.fill(typed)
            first = pg.page.locator("#geo-search-list [role=option]").first
            fa, en = names_of(code)
            assert fa in first.inner_text() and en in first.inner_text(), (typed, first.inner_text())
            assert pg.page.evaluate("q => geoMap.find(q)[0]", typed) == code
        # an ambiguous name lists every province it may mean
        box.fill("خراسان")
        assert sorted(pg.page.evaluate("geoMap.find('خراسان')")) == ["IR-09", "IR-28", "IR-29"]
        assert pg.page.locator("#geo-search-list [role=option]").count() == 3
        box.fill("Atlantis")
        assert pg.page.locator("#geo-search-list [role=option]").count() == 0
        assert pg.page.inner_text(".geo-search-status") == (
            "استان یا شهرستانی با این نام نیست" if lang == "fa" else "No province or county has that name"
        )
        # typed letter by letter, chosen with the arrow keys and Enter: zoom to it, open its popup
        box.fill("")
        box.type("Kerman", delay=10)
        pg.page.keyboard.press("ArrowDown")  # Kerman first (exact), Kermanshah second
        assert pg.page.get_attribute("#geo-search", "aria-activedescendant") == "geo-search-opt-1"
        pg.page.keyboard.press("ArrowUp")
        pg.page.keyboard.press("Enter")
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        assert pg.page.evaluate("geoMap.selected()") == "IR-08"
        assert names_of("IR-08")[1] in pg.page.inner_text(".leaflet-popup-content")
        assert pg.page.evaluate("geoMap.map.getZoom()") > 5
        pg.still()  # the popup pans clear of the panels
        w, h = VIEWPORTS[size]
        popup = pg.box(".leaflet-popup-content-wrapper")
        assert within(popup, w, h)
        assert not overlap(popup, pg.box(".geo-head")) and not overlap(popup, pg.box(".geo-side"))
        shot(pg, f"search_{lang}_{size}")
        clean(pg)
    finally:
        pg.close()


@pytest.mark.parametrize("lang", LANGS)
def test_page_folding_agrees_with_normalize_name_on_every_alias(browser, files, lang):
    """map.js folds exactly as geo.reference.names.normalize_name: every name form of data/provinces/
    (each also with «استان», ZWNJ, Arabic letters, extra spaces), the ambiguous names and
    the hostile strings; and every alias (codes aside) finds its own province first."""
    forms = [form for form, _, _ in province_aliases()]
    with open(Path(__file__).resolve().parents[1] / "data" / "provinces" / "ambiguous.csv", encoding="utf-8") as fh:
        forms += [row["name"] for row in csv.DictReader(fh)]
    variants = []
    for f in forms:
        variants += [f, "استان " + f, f + " Province", f.replace(" ", "\u200c"), f.replace("ی", "ي").replace("ک", "ك"),
                     "  " + f.upper() + "\u00a0", f.replace(" ", " - ")]  # fmt: skip
    variants += HOSTILE + ["ۀ ة أ إ ٱ آ ؤ ئ", "١٣٩٦ ۱۳۹۶", "Khorāsān-e Raẕavī", "ﺍﺻﻔﻬﺎﻥ", "ـاصـفـهـان"]
    pg = open_page(browser, files, lang, "laptop")
    try:
        folded = pg.page.evaluate("xs => xs.map(geoMap.fold)", variants)
        mismatches = [(v, js, normalize_name(v)) for v, js in zip(variants, folded, strict=True) if js != normalize_name(v)]
        assert mismatches == []
        assert len(variants) > 1000
        aliases = [(form, hasc) for form, kind, hasc in province_aliases() if kind not in ("hasc", "iso_legacy")]
        firsts = pg.page.evaluate("xs => xs.map(x => geoMap.find(x)[0] || null)", [a for a, _ in aliases])
        wrong = [(a, got) for (a, _), got in zip(aliases, firsts, strict=True) if got != resolve_province(a)]
        assert wrong == []
        clean(pg)
    finally:
        pg.close()


# --------------------------------------------------------------------------- 2. share

@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_fragment_restores_the_view_and_the_1394_layer_says_where_its_table_does_not_add_up(browser, files, lang, size):
    """#indicator=…&province=… opens that layer with that province's popup; the layer of
    Yearbook 1394 table 8-9 names its disagreements with both numbers, in the legend and
    in Alborz's popup."""
    frag = "#indicator=manufacturing_private_100plus&province=IR-30"
    pg = open_page(browser, files, lang, size, frag)
    try:
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        assert pg.page.evaluate("geoMap.current()") == "manufacturing_private_100plus"
        assert pg.page.input_value("#geo-select") == "manufacturing_private_100plus"
        assert pg.page.evaluate("geoMap.selected()") == "IR-30"
        assert pg.page.evaluate("location.hash") == frag
        legend = pg.page.inner_text("#geo-legend")
        assert digits("2,438", lang).replace(",", "٬" if lang == "fa" else ",") in legend
        assert digits("2,338", lang).replace(",", "٬" if lang == "fa" else ",") in legend
        assert digits("297 + 139 + 272 = 708", lang) in legend and digits("608", lang) in legend
        popup = pg.page.inner_text(".leaflet-popup-content")
        assert names_of("IR-30")[0] in popup and digits("708", lang) in popup
        # the language link carries the same state
        href = pg.page.get_attribute(".geo-lang", "href")
        assert href == ("iran_estates.en.html" if lang == "fa" else "iran_estates.html") + frag
        shot(pg, f"fragment_1394_{lang}_{size}")
        clean(pg)
    finally:
        pg.close()


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_state_goes_into_the_fragment_and_across_the_language_link(browser, files, lang, size):
    pg = open_page(browser, files, lang, size)
    try:
        assert pg.page.evaluate("location.hash") == ""
        pg.page.select_option("#geo-select", "treatment_plants_in_design")
        assert pg.page.evaluate("location.hash") == "#indicator=treatment_plants_in_design"
        pt = pg.page.evaluate("geoMap.point('IR-07')")
        pg.page.mouse.click(pt["x"], pt["y"])
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        frag = "#indicator=treatment_plants_in_design&province=IR-07"
        assert pg.page.evaluate("location.hash") == frag
        # a fragment typed into the address bar (hashchange) is applied too
        pg.page.evaluate("location.hash = '#province=IR-23'")
        pg.page.wait_for_function("geoMap.selected() === 'IR-23'")
        assert pg.page.evaluate("geoMap.current()") == "green_space_ha"
        pg.page.evaluate("location.hash = '#indicator=treatment_plants_in_design&province=IR-07'")
        pg.page.wait_for_function("geoMap.selected() === 'IR-07'")
        other = "en" if lang == "fa" else "fa"
        with pg.page.expect_navigation():
            pg.page.click(".geo-lang")
        pg.page.wait_for_function(READY)
        assert pg.page.evaluate("document.documentElement.lang") == other
        assert pg.page.evaluate("geoMap.current()") == "treatment_plants_in_design"
        pg.page.wait_for_function("geoMap.selected() === 'IR-07'")
        assert pg.page.evaluate("location.hash") == frag
        assert pg.page.get_attribute(".geo-lang", "href").endswith(frag)
        shot(pg, f"language_link_{lang}_to_{other}_{size}")
        clean(pg)
    finally:
        pg.close()


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_hostile_or_unknown_fragment_falls_back_to_the_default_view(browser, files, lang, size):
    """Fragments with the project's hostile strings, unknown ids and codes, broken %-escapes:
    the default view, a clean address, no console error, nothing run."""
    frags = ["#indicator=nope&province=IR-99", "#" + HOSTILE_IMG, "#indicator=" + quote(HOSTILE_SCRIPT),
             "#province=%E0%A4%A", "#level=county&county=x&province=__proto__"]  # fmt: skip
    for frag in frags:  # on load
        pg = open_page(browser, files, lang, size, frag)
        try:
            assert pg.page.evaluate("geoMap.current()") == "green_space_ha"
            assert pg.page.evaluate("geoMap.selected()") is None
            assert pg.page.locator(".leaflet-popup").count() == 0
            assert pg.page.evaluate("location.hash") == ""
            clean(pg)
        finally:
            pg.close()
    pg = open_page(browser, files, lang, size, "#province=IR-10")
    try:
        for h in HOSTILE:  # while open: each as indicator, as province, and as the whole fragment
            for frag in (f"indicator={quote(h)}&province={quote(h)}", f"province={quote(h)}", quote(h), h):
                pg.page.evaluate("f => { location.hash = f; }", frag)
                pg.page.wait_for_function("location.hash === ''")
                assert pg.page.evaluate("geoMap.current()") == "green_space_ha"
                assert pg.page.evaluate("geoMap.selected()") is None
        assert pg.page.evaluate("geoMap.paths()") == 31
        shot(pg, f"hostile_fragment_{lang}_{size}")
        clean(pg)
    finally:
        pg.close()


# --------------------------------------------------------------------------- 1b. hostile search text

@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_hostile_search_text_is_only_text(browser, files, lang, size):
    """The project's hostile strings typed into the search box run nothing; a province
    whose (caller-given) name is hostile is found by it and shown literally."""
    pg = open_page(browser, files, f"hostile_{lang}", size)
    try:
        box = pg.page.locator("#geo-search")
        for h in HOSTILE:
            box.fill(h)
            pg.page.keyboard.press("ArrowDown")
            pg.page.keyboard.press("Enter")
            pg.page.keyboard.press("Escape")
        pg.page.evaluate("geoMap.map.closePopup()")
        no_popup(pg)
        box.fill(HOSTILE_IMG)
        option = pg.page.locator("#geo-search-list [role=option]").first
        assert HOSTILE_IMG in option.inner_text()
        pg.page.keyboard.press("Enter")
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        assert HOSTILE_IMG in pg.page.inner_text(".leaflet-popup-content")
        # the box shows the name in the page's language: Persian (hostile too) on the fa page
        assert pg.page.input_value("#geo-search") == (HOSTILE_SCRIPT if lang == "fa" else HOSTILE_IMG)
        assert pg.page.locator("script:not([type]), script[type='text/javascript']").count() == \
            pg.page.evaluate("document.scripts.length") - 2  # only the data block and the packed counties are not code
        shot(pg, f"hostile_search_{lang}_{size}")
        clean(pg)
    finally:
        pg.close()


# --------------------------------------------------------------------------- 3. take the data

def read_download(pg: Page) -> tuple[str, bytes]:
    with pg.page.expect_download() as info:
        pg.page.click(".geo-download")
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_download_is_the_table_behind_the_current_indicator(browser, files, lang, size):
    pg = open_page(browser, files, lang, size, "#indicator=manufacturing_private")
    try:
        name, data = read_download(pg)
        assert name == f"iran_estates_manufacturing_private_{lang}.csv"
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows the Persian
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert list(rows[0]) == ["code", "name_fa", "name_en", "value", "unit", "year", "rank", "source", "note"]
        stats = load_province_stats()
        ind = load_indicators().loc["manufacturing_private"]
        assert [r["code"] for r in rows] == sorted(stats.index)
        for r in rows:
            assert int(r["value"]) == stats.loc[r["code"], "manufacturing_private"]
            assert (r["name_fa"], r["name_en"]) == names_of(r["code"])
            assert r["unit"] == ind[f"unit_{lang}"] and r["year"] == "1394" and r["source"] == ind[f"source_{lang}"]
            assert int(r["rank"]) == 1 + int((stats["manufacturing_private"] > stats.loc[r["code"], "manufacturing_private"]).sum())
        notes = {r["code"]: r["note"] for r in rows if r["note"]}
        assert sorted(notes) == ["IR-23", "IR-30"]  # Tehran and Alborz: rows that do not add up
        assert digits("708", lang) in notes["IR-30"] and digits("608", lang) in notes["IR-30"]
        # a derived indicator: its value as computed, to 4 decimals
        pg.page.select_option("#geo-select", "green_space_ha_per_1000km2")
        name, data = read_download(pg)
        assert name == f"iran_estates_green_space_ha_per_1000km2_{lang}.csv"
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        np.testing.assert_allclose([float(r["value"]) for r in rows],
                                   stats.loc[[r["code"] for r in rows], "green_space_ha_per_1000km2"], atol=5e-5)  # fmt: skip
        clean(pg)
    finally:
        pg.close()


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_download_neutralises_formulas_in_names(browser, files, lang, size):
    """Names a spreadsheet would run (= + - @ at the start) reach the CSV as text."""
    pg = open_page(browser, files, f"formulas_{lang}", size)
    try:
        _, data = read_download(pg)
        rows = {r["code"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
        for code, name in FORMULA_NAMES.items():
            assert rows[code]["name_en"] == "'" + name
        assert not any(cell and cell[0] in "=+-@" for r in rows.values() for cell in r.values())
        clean(pg)
    finally:
        pg.close()


# --------------------------------------------------------------------------- 4. print

def pdf_pages(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1)), re.search(r"Page size:\s+(.*)", info).group(1)


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_print_is_one_a4_landscape_page_with_map_title_legend_sources_credits(browser, files, lang, size, tmp_path):
    """Chromium's PDF (what Print → Save as PDF gives), rendered to PNG by pdftoppm
    (poppler-utils) into tests/artifacts/ and looked at."""
    pg = open_page(browser, files, lang, size, "#indicator=manufacturing_private_100plus&province=IR-30")
    try:
        pdf = tmp_path / "map.pdf"
        pg.page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        pages, page_size = pdf_pages(pdf)
        assert pages == 1
        assert page_size.startswith("841.") and "x 59" in page_size and "(A4)" in page_size  # 297 × 210 mm
        png = ARTIFACTS / f"reader_print_{lang}_{size}"
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(png)], check=True)
        from PIL import Image

        image = Image.open(f"{png}.png").convert("RGB")
        assert image.width > image.height
        colours = {image.getpixel((x, y)) for x in range(0, image.width, 2) for y in range(0, image.height, 2)}
        # the map's classes are printed in their colours (backgrounds kept)
        for hexa in ("#ffffcc", "#253494"):
            rgb = tuple(int(hexa[k:k + 2], 16) for k in (1, 3, 5))
            assert any(sum(abs(a - b) for a, b in zip(c, rgb, strict=True)) < 12 for c in colours), hexa
        # what the printed page holds, laid out for print on a screen of the page's size (as
        # Chromium lays out a printed page)
        page_w, page_h = 281 * 96 / 25.4, 193 * 96 / 25.4  # A4 landscape less 8 mm margins, in CSS px
        pg.page.set_viewport_size({"width": round(page_w), "height": round(page_h)})
        pg.page.emulate_media(media="print")
        page = pg.box("html")  # (a right-to-left page lies at the right of the wider screen)
        for sel in (".geo-head h1", "#geo-legend", ".geo-quality", ".leaflet-control-attribution", ".leaflet-control-scale-line"):
            box = {k: v - (page["x"] if k in "xr" else page["y"]) for k, v in pg.box(sel).items()}
            assert box["r"] > box["x"] and within(box, page_w + 1, page_h + 1), sel
        for sel in (".geo-national", ".geo-search", ".geo-download", ".leaflet-control-zoom", ".geo-lang", ".leaflet-popup"):
            assert pg.page.locator(sel).evaluate_all("es => es.every(e => !e.offsetParent)"), sel
        legend = pg.page.inner_text("#geo-legend")
        assert load_indicators().loc["manufacturing_private_100plus", f"source_{lang}"] in legend
        map_box = pg.box(".geo-map")
        assert abs(map_box["r"] - map_box["x"] - page_w) < 2 and abs(map_box["b"] - map_box["y"] - page_h) < 2
        inside = pg.page.evaluate("""() => { const m = geoMap.map, s = m.getSize();
            return ['IR-00', 'IR-11', 'IR-24', 'IR-22', 'IR-18', 'IR-09'].map(c => m.latLngToContainerPoint(
                geoMap.layer.getLayers().find(l => l.feature.properties.code === c).getBounds().getCenter()))
              .every(p => p.x > 0 && p.y > 0 && p.x < s.x && p.y < s.y); }""")
        assert inside, "the whole country is on the printed page"
        clean(pg)
    finally:
        pg.close()


# --------------------------------------------------------------------------- 5. orientation

@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_scale_bar_is_metric_and_measures_the_map(browser, files, lang, size):
    pg = open_page(browser, files, lang, size)
    try:
        for zoom_by in (0, 2):
            pg.page.evaluate("z => geoMap.map.setZoom(geoMap.map.getZoom() + z, {animate: false})", zoom_by)
            pg.still()  # the scale bar is updated on the map's moveend
            bar = pg.page.evaluate("""() => {
                const bar = document.querySelector('.leaflet-control-scale-line'), m = geoMap.map;
                const w = bar.getBoundingClientRect().width, y = m.getSize().y / 2;
                return {w: w, metres: +bar.dataset.metres, text: bar.textContent,
                        true: m.distance(m.containerPointToLatLng([0, y]), m.containerPointToLatLng([w, y]))};
            }""")
            assert bar["w"] > 20 and abs(bar["metres"] / bar["true"] - 1) < 0.03, bar
            value = int(bar["metres"] // 1000)
            assert bar["text"] == (f"{to_persian_digits(value, group=False)} کیلومتر" if lang == "fa" else f"{value} km")
        clean(pg)
    finally:
        pg.close()


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_whole_country_control_brings_every_province_back(browser, files, lang, size):
    pg = open_page(browser, files, lang, size, "#province=IR-10")
    try:
        pg.page.wait_for_selector(".leaflet-popup")
        assert pg.page.evaluate("geoMap.map.getZoom()") >= 6
        home = pg.page.locator(".geo-home")
        assert home.get_attribute("aria-label") == ("کل کشور" if lang == "fa" else "Whole country")
        w, h = VIEWPORTS[size]
        if size == "phone":  # a popup there is as wide as the screen: the buttons wait for it to close
            expect(home).to_be_hidden()
            pg.page.click(".leaflet-popup-close-button")
        expect(home).to_be_visible()
        pg.still()
        assert within(pg.box(".geo-home"), w, h)
        home.click()
        no_popup(pg)
        assert pg.page.evaluate("location.hash") == ""
        points = pg.page.evaluate("Array.from({length: 31}, (_, i) => geoMap.point('IR-' + String(i).padStart(2, '0')))")
        assert all(0 < p["x"] < w and 0 < p["y"] < h for p in points)
        shot(pg, f"whole_country_{lang}_{size}")
        clean(pg)
    finally:
        pg.close()


FOCUS_RING = "rgb(197, 27, 125)"  # #c51b7d, ColorBrewer PiYG: not black, clear on YlGnBu


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_keyboard_focus_is_visible_and_never_a_black_box(browser, files, lang, size):
    pg = open_page(browser, files, lang, size)
    try:
        pg.page.keyboard.press("Tab")
        pg.page.keyboard.press("Tab")
        pg.page.keyboard.press("Tab")  # the indicator menu
        assert pg.page.evaluate("document.activeElement.id") == "geo-select"
        style = pg.page.evaluate("(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineColor]; })()")
        assert style == ["solid", FOCUS_RING]
        for _ in range(60):  # on to the first province
            pg.page.keyboard.press("Tab")
            if pg.page.evaluate("document.activeElement.tagName") == "path":
                break
        assert pg.page.evaluate("document.activeElement.tagName") == "path"
        assert pg.page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "none"
        strokes = pg.page.evaluate("Array.from(document.querySelectorAll('.leaflet-geo-focus-pane path')).map(p => p.getAttribute('stroke'))")
        assert strokes == ["#ffffff", "#c51b7d"]  # a white halo under a magenta outline
        shot(pg, f"focus_{lang}_{size}")
        # a click leaves the same outline, not the browser's black rectangle
        pt = pg.page.evaluate("geoMap.point('IR-21')")
        pg.page.mouse.click(pt["x"], pt["y"])
        pg.page.wait_for_selector(".leaflet-popup")
        assert pg.page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "none"
        # the focus outline (halo and magenta); the pointer, wherever the popup's pan left it,
        # may also draw the dark hover outline of the province under it
        strokes = pg.page.evaluate("Array.from(document.querySelectorAll('.leaflet-geo-focus-pane path')).map(p => p.getAttribute('stroke'))")
        assert [s for s in strokes if s != "#222222"] == ["#ffffff", "#c51b7d"]
        clean(pg)
    finally:
        pg.close()


# --------------------------------------------------------------------------- 6. phone

@pytest.mark.parametrize("lang", LANGS)
def test_phone_zoom_buttons_panel_and_popups(browser, files, lang):
    w, h = VIEWPORTS["phone"]
    pg = open_page(browser, files, lang, "phone")
    try:
        meta = pg.page.get_attribute("meta[name=viewport]", "content")
        assert "user-scalable" not in meta and "maximum-scale" not in meta  # pinch-zoom allowed
        assert pg.page.evaluate("geoMap.map.touchZoom.enabled()")
        for sel in (".leaflet-control-zoom-in", ".leaflet-control-zoom-out", ".geo-home"):
            assert pg.page.locator(sel).is_visible() and within(pg.box(sel), w, h), sel
        assert pg.page.evaluate("document.getElementById('geo-national').open") is False
        map_h = pg.box(".geo-map")["b"] - pg.box(".geo-map")["y"]
        side = pg.box(".geo-side")
        assert side["b"] - side["y"] <= map_h / 2
        shot(pg, f"phone_{lang}")
        pg.page.click(".geo-national summary")
        pg.page.wait_for_function("document.getElementById('geo-national').open")
        pg.page.evaluate(DRAWN)
        national = pg.box(".geo-national")
        assert national["b"] - national["y"] <= map_h / 2 and within(national, w, h)
        for sel in (".leaflet-control-zoom-in", ".geo-home"):  # the buttons stay clear of the open panel
            box = pg.box(sel)
            assert box["b"] <= national["y"], sel
        shot(pg, f"phone_national_{lang}")
        pg.page.click(".geo-national summary")
        for code in ("IR-10", "IR-11", "IR-24", "IR-18"):  # centre, south-east, north-west, south-west
            pg.page.evaluate("geoMap.fit()")
            pt = pg.page.evaluate("c => geoMap.point(c)", code)
            pg.page.mouse.click(pt["x"], pt["y"])
            pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
            pg.still()
            assert within(pg.box(".leaflet-popup-content-wrapper"), w, h), code
            if code == "IR-10":
                shot(pg, f"phone_popup_{lang}")
            pg.page.evaluate("geoMap.map.closePopup()")
        clean(pg)
    finally:
        pg.close()


# --------------------------------------------------------------------------- 7. accessibility

def tab_stops(pg: Page, most: int = 120) -> list[dict]:
    """The keyboard stops from the top of the page, once round (Tab until the first comes back)."""
    stops = []
    for k in range(most):
        pg.page.keyboard.press("Tab")
        stop = pg.page.evaluate("""k => { const e = document.activeElement;
            if (k === 0) { window.__firstStop = e; } else if (e === window.__firstStop || e === document.body) { return null; }
            return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.getAttribute('class') || '',
                    label: e.getAttribute('aria-label') || ''}; }""", k)
        if stop is None:
            return stops
        stops.append(stop)
    raise AssertionError(f"more than {most} keyboard stops")


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_provinces_have_names_and_come_after_the_controls_in_keyboard_order(browser, files, lang, size):
    pg = open_page(browser, files, lang, size)
    try:
        labels = pg.page.evaluate("Array.from(document.querySelectorAll('path.leaflet-interactive')).map(p => p.getAttribute('aria-label'))")
        assert len(labels) == len(set(labels)) == 31
        isfahan = "اصفهان: ۶۰۱ هکتار" if lang == "fa" else "Isfahan: 601 ha"
        assert load_province_stats().loc["IR-10", "green_space_ha"] == 601
        assert isfahan in labels
        assert pg.page.evaluate("Array.from(document.querySelectorAll('path.leaflet-interactive')).every(p => p.getAttribute('role') === 'button' && p.tabIndex === 0)")
        pg.page.select_option("#geo-select", "manufacturing_public")
        labels = pg.page.evaluate("Array.from(document.querySelectorAll('path.leaflet-interactive')).map(p => p.getAttribute('aria-label'))")
        assert ("بوشهر: بدون داده" if lang == "fa" else "Bushehr: no data") in labels
        pg.page.select_option("#geo-select", "green_space_ha")
        pg.page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        stops = tab_stops(pg)
        first = [s["id"] or s["cls"].split(" ")[0] for s in stops[:6]]
        assert {"geo-select", "geo-search", "geo-download"} <= set(first), first
        paths = [k for k, s in enumerate(stops) if s["tag"] == "path"]
        assert len(paths) == 31 and paths == list(range(paths[0], paths[0] + 31))
        controls = [k for k, s in enumerate(stops) if s["cls"].startswith(("leaflet-control-zoom", "geo-home", "geo-download", "geo-search"))]
        assert max(controls) < paths[0]
        ordered = [stops[k]["label"].split(":")[0] for k in paths]
        assert ordered == pg.page.evaluate("([xs, l]) => xs.slice().sort((a, b) => a.localeCompare(b, l))", [ordered, lang])
        # Enter opens the focused province's popup and moves into it; Escape closes it and comes back
        pg.page.locator(f'path[aria-label="{isfahan}"]').focus()
        pg.page.keyboard.press("Enter")
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        assert pg.page.evaluate("document.activeElement.classList.contains('leaflet-popup-content')")
        assert pg.page.evaluate("geoMap.selected()") == "IR-10"
        pg.page.keyboard.press("Escape")
        no_popup(pg)
        assert pg.page.evaluate("document.activeElement.getAttribute('aria-label')") == isfahan
        clean(pg)
    finally:
        pg.close()


@pytest.mark.parametrize("lang", LANGS)
@each_page
def test_axe_core_finds_no_serious_or_critical_violation(browser, files, lang, size):
    """axe-core (from the PyPI package axe-playwright-python) on the page as it opens, with a
    province's popup open and with the search list open; every finding is saved."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    pg = open_page(browser, files, lang, size)
    try:
        found = {}
        found["default"] = axe.run(pg.page).response
        pg.page.evaluate("location.hash = '#indicator=manufacturing_private_100plus&province=IR-30'")
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        pg.still()  # (audited once faded in: half-transparent text has less contrast)
        found["popup"] = axe.run(pg.page).response
        pg.page.evaluate("geoMap.map.closePopup()")
        pg.page.fill("#geo-search", "خراسان")
        found["search"] = axe.run(pg.page).response
        summary = {state: [(v["id"], v["impact"], len(v["nodes"])) for v in r["violations"]] for state, r in found.items()}
        summary["axe-core"] = found["default"]["testEngine"]["version"]
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"reader_axe_{lang}_{size}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        serious = [(s, v) for s, r in found.items() for v in r["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, ensure_ascii=False)[:3000]
    finally:
        pg.close()
