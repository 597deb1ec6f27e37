"""The built maps in a real browser: Debian's Chromium driven through playwright, offline.

Every request that is not file:// is aborted and recorded; the tests assert there is
none. Screenshots (both languages, laptop and phone) go to tests/artifacts/.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.maps import build_maps, estates_map, register_map, save_map
from geo.reference.stats import load_province_stats

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
VIEWPORTS = {"laptop": (1366, 768), "phone": (390, 844)}
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
#: The page's ready signal (map.js): set on <html> in the frame after its last layout, once
#: the embedded font has loaded and the panels were placed again with it.
READY = "document.documentElement.dataset.geoReady === '1'"
#: The map at rest: no pan or zoom animation running, no popup fading in or out.
STILL = """() => { const m = geoMap.map, p = document.querySelector('.leaflet-popup');
    return !(m._panAnim && m._panAnim._inProgress) && !m._animatingZoom && !m._flyToFrame
        && (!p || getComputedStyle(p).opacity === '1'); }"""
#: Two animation frames: what a change wrote to the page has been laid out and drawn.
DRAWN = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing at /usr/bin/chromium: run `make test` (it installs it) "
                    "or `apt-get install chromium`")  # fmt: skip
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("maps")
    fa, en = build_maps(out)
    stats = load_province_stats()
    stats.loc["IR-10", "name_en"] = HOSTILE_IMG
    stats.loc["IR-10", "name_fa"] = HOSTILE_SCRIPT
    hostile = save_map(estates_map(stats=stats), out / "hostile.html")
    from test_maps import fake_register_result

    register = save_map(register_map(fake_register_result(), lang="en"), out / "register.html")
    return {"fa": fa, "en": en, "hostile": hostile, "register": register}


class Page:
    """A page opened over file:// with the network cut off and every problem recorded."""

    def __init__(self, browser, path: Path, viewport: tuple[int, int], fragment: str = ""):
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []  # alert()/confirm()/prompt(): a hostile string that ran
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri() + fragment)
        self.page.wait_for_function(READY)

    def still(self) -> None:
        """Wait for the map to come to rest (pans, zooms, popup fades done) and be drawn."""
        self.page.wait_for_function(STILL)
        self.page.evaluate(DRAWN)

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def hover(self, code: str):
        pt = self.page.evaluate("c => geoMap.point(c)", code)
        self.page.mouse.move(pt["x"] + 1, pt["y"] + 1)
        self.page.mouse.move(pt["x"], pt["y"])
        self.page.wait_for_selector(".leaflet-tooltip")
        return self.page.inner_text(".leaflet-tooltip")

    def box(self, selector: str) -> dict:
        return self.page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect(); "
                                          "return {x: r.left, y: r.top, r: r.right, b: r.bottom}; }")  # fmt: skip

    def close(self):
        self.page.close()


def overlap(a: dict, b: dict) -> bool:
    return not (a["r"] <= b["x"] or b["r"] <= a["x"] or a["b"] <= b["y"] or b["b"] <= a["y"])


@pytest.mark.parametrize("lang", ["fa", "en"])
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_loads_offline_draws_31_provinces(browser, files, lang, size):
    pg = Page(browser, files[lang], VIEWPORTS[size])
    try:
        assert pg.page.evaluate("geoMap.paths()") == 31
        assert pg.page.locator("path.leaflet-interactive").count() == 31
        # the panels do not cover each other
        head, side, national = pg.box(".geo-head"), pg.box(".geo-side"), pg.box(".geo-national")
        assert not overlap(head, side) and not overlap(side, national) and not overlap(head, national)
        if size == "phone":
            assert pg.page.evaluate("document.getElementById('geo-national').open") is False
        tip = pg.hover("IR-10")
        assert "اصفهان" in tip and "Isfahan" in tip
        ARTIFACTS.mkdir(exist_ok=True)
        pg.page.screenshot(path=str(ARTIFACTS / f"map_{lang}_{size}.png"))
        if size == "phone":
            pg.page.click(".geo-national summary")
            pg.page.wait_for_function("document.getElementById('geo-national').open")
            pg.page.evaluate(DRAWN)
            pg.page.screenshot(path=str(ARTIFACTS / f"map_{lang}_{size}_national.png"))
        assert pg.blocked == [], "a request tried to leave the machine"
        assert pg.errors == []
    finally:
        pg.close()


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_switching_indicator_restyles_and_changes_legend(browser, files, lang):
    pg = Page(browser, files[lang], VIEWPORTS["laptop"])
    try:
        ids = pg.page.evaluate("geoMap.indicators")
        assert len(ids) >= 5
        fills0 = pg.page.evaluate("geoMap.fills()")
        legend0 = pg.page.inner_text("#geo-legend")
        pg.page.select_option("#geo-select", "treatment_plants_operational")
        assert pg.page.evaluate("geoMap.current()") == "treatment_plants_operational"
        fills1 = pg.page.evaluate("geoMap.fills()")
        legend1 = pg.page.inner_text("#geo-legend")
        assert fills0 != fills1 and legend0 != legend1
        assert pg.page.locator("path.leaflet-interactive").count() == 31  # same features, restyled
        tip = pg.hover("IR-10")
        assert ("تصفیه" in tip) if lang == "fa" else ("treatment plants" in tip)
        # a click lists every indicator for the province
        pt = pg.page.evaluate("geoMap.point('IR-10')")
        pg.page.mouse.click(pt["x"], pt["y"])
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        assert pg.page.locator(".leaflet-popup-content .geo-pop-ind").count() == len(ids)
        # the popup is panned out from under the title and the side panels
        pg.still()
        popup = pg.box(".leaflet-popup-content-wrapper")
        for sel in (".geo-head", ".geo-side", ".geo-national"):
            assert not overlap(popup, pg.box(sel)), sel
        assert pg.errors == [] and pg.blocked == []
    finally:
        pg.close()


@pytest.mark.parametrize("lang,direction", [("fa", "rtl"), ("en", "ltr")])
def test_direction_of_panels(browser, files, lang, direction):
    pg = Page(browser, files[lang], VIEWPORTS["laptop"])
    try:
        pg.hover("IR-10")
        for sel in (".geo-head", ".geo-side", "#geo-legend", ".geo-national", ".leaflet-tooltip .geo-tip-box"):
            assert pg.page.eval_on_selector(sel, "e => getComputedStyle(e).direction") == direction, sel
        if lang == "fa":
            assert pg.page.evaluate("document.documentElement.dir") == "rtl"
            text = pg.page.inner_text("#geo-legend")
            assert "۱۳۹۲" in text and "1392" not in text  # Persian digits
    finally:
        pg.close()


def test_hostile_names_run_nothing_and_show_literally(browser, files):
    pg = Page(browser, files["hostile"], VIEWPORTS["laptop"])
    try:
        tip = pg.hover("IR-10")
        assert HOSTILE_IMG in tip and HOSTILE_SCRIPT in tip
        pt = pg.page.evaluate("geoMap.point('IR-10')")
        pg.page.mouse.click(pt["x"], pt["y"])
        pg.page.wait_for_selector(".leaflet-popup-content")
        assert HOSTILE_IMG in pg.page.inner_text(".leaflet-popup-content")
        pg.still()  # the popup drawn and faded in: whatever it held has had its chance to run
        assert pg.page.evaluate("typeof window.__pwned") == "undefined"
        assert pg.page.locator("img[src=x]").count() == 0
        assert pg.blocked == []
    finally:
        pg.close()


def test_register_map_points_and_clusters(browser, files):
    pg = Page(browser, files["register"], VIEWPORTS["laptop"])
    try:
        assert pg.page.evaluate("geoMap.paths()") == 31
        # two Isfahan estates fall in one grid cell at the national zoom: a cluster of 2
        assert pg.page.evaluate("geoMap.drawn().clusters") >= 1
        pg.page.evaluate("geoMap.map.setView([32.65, 51.67], 11, {animate: false})")
        pg.page.wait_for_function("geoMap.drawn().clusters === 0 && geoMap.drawn().dots >= 1")
        pg.page.screenshot(path=str(ARTIFACTS / "register_en_laptop.png"))
        assert pg.page.evaluate("typeof window.__pwned") == "undefined"
        assert pg.errors == [] and pg.blocked == []
    finally:
        pg.close()


def test_docs_screenshot_exists():
    """docs/map_fa.png (for the README) is a committed screenshot of the fa map."""
    doc = Path(__file__).resolve().parents[1] / "docs" / "map_fa.png"
    assert doc.is_file() and doc.stat().st_size > 10_000


def test_register_map_of_the_example_from_the_cli(browser, tmp_path):
    """`geo join` on the shipped example: its map.html works offline and its point key
    counts the same rows as report.json."""
    import json
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "geo", "join", str(repo / "data" / "examples" / "estates_example.csv"), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    pg = Page(browser, out / "map.html", VIEWPORTS["laptop"])
    try:
        assert pg.page.evaluate("geoMap.paths()") == 31
        key = pg.page.inner_text("#geo-point-key")
        # the key counts the rows drawn, by status, and the rows not drawn (no place known) apart
        latin = key.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
        drawn = {s: int(re.search(rf"{label} \((\d+)\)", latin).group(1))
                 for s, label in (("joined", "پیوندخورده"), ("flagged", "پیوندخورده با هشدار"), ("rejected", "ردشده"))}  # fmt: skip
        not_drawn = int(re.search(r"استان\): (\d+)", latin).group(1))
        assert all(drawn[s] <= report[f"rows_{s}"] for s in drawn)
        assert sum(drawn.values()) + not_drawn == sum(report[f"rows_{s}"] for s in drawn)
        ARTIFACTS.mkdir(exist_ok=True)
        pg.page.screenshot(path=str(ARTIFACTS / "register_example_fa_laptop.png"))
        assert pg.blocked == [] and pg.errors == []
    finally:
        pg.close()


def platform_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium really drew a node's text with (DevTools CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        cdp.send("CSS.enable")
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def arabic_count(text: str) -> int:
    return sum(1 for c in text if "\u0600" <= c <= "\u06ff")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_embedded_font_is_loaded_and_draws_the_persian_text(browser, files, lang):
    pg = Page(browser, files[lang], VIEWPORTS["laptop"])
    try:
        tip = pg.hover("IR-10")
        assert "اصفهان" in tip
        pg.page.evaluate("document.fonts.ready")
        faces = pg.page.evaluate("Array.from(document.fonts).map(f => [f.family, f.status, f.weight])")
        assert faces == [["Noto Sans Arabic Embedded", "loaded", "400 700"]]
        assert pg.page.evaluate("""document.fonts.check('16px "Noto Sans Arabic Embedded"', 'اصفهان ۱۳۹۶')""")
        # every Arabic-script glyph of these nodes comes from the embedded (custom) font
        for sel in ([".geo-head h1", ".geo-legend-title"] if lang == "fa" else []) + [".leaflet-tooltip .geo-name-fa"]:
            text = pg.page.inner_text(sel)
            used = platform_fonts(pg.page, sel)
            custom = sum(f["glyphCount"] for f in used if f["isCustomFont"])
            assert custom >= arabic_count(text) > 0, (sel, used)
            assert all(f["familyName"] == "Noto Sans Arabic" for f in used if f["isCustomFont"])
        assert pg.errors == [] and pg.blocked == []
    finally:
        pg.close()


def test_persian_shapes_on_a_machine_without_arabic_fonts(browser, files, tmp_path):
    """Chromium given only the Liberation fonts (no Arabic script at all): the page still
    draws its Persian with the embedded font; the same page without the @font-face
    draws boxes (.notdef of a Latin font). Screenshots of both title panels go to
    tests/artifacts/."""
    import re

    liberation = Path("/usr/share/fonts/truetype/liberation")
    if not liberation.is_dir():
        pytest.fail("Debian's fonts-liberation is missing: run `make test` (it installs it) or `apt-get install fonts-liberation`")
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><dir>{liberation}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")  # fmt: skip
    html = files["fa"].read_text(encoding="utf-8")
    stripped = re.sub(r"/\* Noto Sans Arabic, copyright.*?\}\n", "", html, count=1, flags=re.S)
    assert stripped != html
    bare = tmp_path / "no_embedded_font.html"
    bare.write_text(stripped, encoding="utf-8")
    import os

    ARTIFACTS.mkdir(exist_ok=True)
    # a second Chromium from the same playwright, with its own fontconfig
    b = browser.browser_type.launch(executable_path=str(CHROMIUM), args=ARGS,
                                    env=dict(os.environ, FONTCONFIG_FILE=str(conf)))  # fmt: skip
    try:
        shots = {}
        for name, path in (("embedded", files["fa"]), ("removed", bare)):
            pg = Page(b, path, VIEWPORTS["laptop"])
            try:
                pg.page.evaluate("document.fonts.ready")
                text = pg.page.inner_text(".geo-head h1")
                used = platform_fonts(pg.page, ".geo-head h1")
                custom = sum(f["glyphCount"] for f in used if f["isCustomFont"])
                if name == "embedded":
                    assert custom >= arabic_count(text) > 0, used
                else:
                    assert custom == 0 and all("Arabic" not in f["familyName"] for f in used), used
                shot = ARTIFACTS / f"font_{name}_without_arabic_system_fonts.png"
                pg.page.locator(".geo-head").screenshot(path=str(shot))
                shots[name] = shot.read_bytes()
                assert pg.errors == [] and pg.blocked == []
            finally:
                pg.close()
        assert shots["embedded"] != shots["removed"]
    finally:
        b.close()


@pytest.mark.parametrize("name", ["fa", "en", "register"])
def test_credits_name_the_licences_and_how_to_read_them(browser, files, name):
    """Every map's credits (the attribution control) name the embedded code's and font's
    licences and the offline command that prints their texts, without a link."""
    pg = Page(browser, files[name], VIEWPORTS["laptop"])
    try:
        credits = pg.page.inner_text(".leaflet-control-attribution")
        for words in ("© OpenStreetMap contributors (ODbL)", "Leaflet (BSD-2-Clause)", "Noto Sans Arabic", "(OFL-1.1)",
                      "python -m geo licenses"):  # fmt: skip
            assert words in credits, credits
        # visible: inside the viewport, not covered by a panel
        box = pg.box(".leaflet-control-attribution")
        assert box["r"] - box["x"] > 200 and 0 <= box["y"] < box["b"] <= VIEWPORTS["laptop"][1]
        for sel in (".geo-head", ".geo-side"):
            assert not overlap(box, pg.box(sel)), sel
        links = pg.page.eval_on_selector_all(".leaflet-control-attribution a", "as => as.map(a => a.textContent)")
        assert not any("licen" in text.lower() for text in links)
        pg.page.locator(".leaflet-control-attribution").screenshot(path=str(ARTIFACTS / f"credits_{name}.png"))
        assert pg.blocked == [] and pg.errors == []
    finally:
        pg.close()


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_reader_switches_to_the_county_level(browser, files, lang):
    """The default map's county level: decoded on demand, 478 counties in their province's
    colour with the province outlines over them, a county tooltip that says the figure is
    the province's, and back to the 31 provinces."""
    pg = Page(browser, files[lang], VIEWPORTS["laptop"])
    try:
        assert pg.page.evaluate("geoMap.countyFills()") == []
        fills = pg.page.evaluate("geoMap.fills()")
        pg.page.select_option("#geo-level", "county")
        pg.page.wait_for_function("geoMap.level() === 'county'")
        counties = pg.page.evaluate("geoMap.countyFills()")
        assert len(counties) == 478 and pg.page.evaluate("geoMap.paths()") == 0
        assert set(counties) == set(fills)  # each county in its province's colour
        legend = pg.page.inner_text("#geo-legend")
        assert ("۴۷۸ شهرستان" in legend) if lang == "fa" else ("478 counties" in legend)
        pt = pg.page.evaluate("geoMap.countyPoint('r6554961')")  # Tabriz County
        pg.page.mouse.move(pt["x"] + 1, pt["y"] + 1)
        pg.page.mouse.move(pt["x"], pt["y"])
        pg.page.wait_for_selector(".leaflet-tooltip")
        tip = pg.page.inner_text(".leaflet-tooltip")
        assert "شهرستان تبریز" in tip and "Tabriz County" in tip
        assert ("آذربایجان شرقی" in tip and "رقم کل استان" in tip) if lang == "fa" else ("East Azerbaijan" in tip and "whole province" in tip)
        # with the county just under the page's header, its tooltip opens below the pointer, in full view
        head = pg.page.evaluate("document.querySelector('.geo-head').getBoundingClientRect().bottom")
        pg.page.evaluate(f"geoMap.map.panBy([0, {pt['y'] - head - 14}], {{animate: false}})")
        pt = pg.page.evaluate("geoMap.countyPoint('r6554961')")
        pg.page.evaluate("geoMap.map.eachLayer(function (l) { if (l.closeTooltip) { l.closeTooltip(); } })")
        pg.page.mouse.move(pt["x"], pt["y"] + 6)
        pg.page.mouse.move(pt["x"], pt["y"], steps=4)
        box = pg.page.locator(".leaflet-tooltip", has_text="Tabriz County").bounding_box()
        assert box is not None and box["y"] >= head, (box, head)
        # no figures per county on this page: the data taken stays the provinces'
        assert len(pd.read_csv(io.StringIO(pg.page.evaluate("geoMap.csv()").lstrip("\ufeff")))) == 31
        assert "_counties" not in pg.page.evaluate("geoMap.csvName()")
        pg.page.select_option("#geo-select", "treatment_plants_operational")
        assert pg.page.evaluate("geoMap.countyFills()") != counties
        ARTIFACTS.mkdir(exist_ok=True)
        pg.page.screenshot(path=str(ARTIFACTS / f"map_{lang}_counties.png"))
        pg.page.select_option("#geo-level", "province")
        pg.page.wait_for_function("geoMap.level() === 'province'")
        assert pg.page.evaluate("geoMap.paths()") == 31 and pg.page.evaluate("geoMap.countyFills()") == []
        assert pg.errors == [] and pg.blocked == []
    finally:
        pg.close()


def test_register_map_has_its_own_figures_per_county(browser, tmp_path):
    """A joined register's map at the county level: each county coloured by its own count,
    ranks among the 478 in Persian digits."""
    import geo

    reg = geo.join(Path(__file__).resolve().parents[1] / "data" / "examples" / "estates_example.csv")
    path = save_map(register_map(reg, lang="fa"), tmp_path / "map.html")
    pg = Page(browser, path, VIEWPORTS["laptop"])
    try:
        pg.page.evaluate("geoMap.setLevel('county')")
        pg.page.wait_for_function("geoMap.level() === 'county'")
        fills = pg.page.evaluate("geoMap.countyFills()")
        assert len(set(fills)) >= 2
        tehran = reg.by_county.loc["r6554970"]  # Tehran County
        assert tehran["estates"] >= 1
        inside = tehran.geometry.representative_point()  # zoomed in: clusters no longer cover it
        pg.page.evaluate(f"geoMap.map.setView([{inside.y}, {inside.x}], 9, {{animate: false}})")
        pg.still()
        pt = pg.page.evaluate("geoMap.countyPoint('r6554970')")
        pg.page.mouse.move(pt["x"] + 1, pt["y"] + 1)
        pg.page.mouse.move(pt["x"], pt["y"])
        pg.page.wait_for_selector(".leaflet-tooltip")
        tip = pg.page.inner_text(".leaflet-tooltip")
        assert "شهرستان تهران" in tip and "از ۴۷۸" in tip
        pg.page.screenshot(path=str(ARTIFACTS / "register_example_fa_counties.png"))
        # the data taken at this level: the 478 counties with the register's own counts
        indicator = pg.page.evaluate("geoMap.current()")
        csv = pd.read_csv(io.StringIO(pg.page.evaluate("geoMap.csv()").lstrip("\ufeff")), dtype={"code": str})
        assert len(csv) == 478 and "_counties_fa.csv" in pg.page.evaluate("geoMap.csvName()")
        counted = reg.by_county[indicator].reindex(csv["code"]).fillna(0).to_numpy()
        assert (csv["value"].fillna(0).to_numpy() == counted).all() and counted.sum() == reg.by_county[indicator].sum()
        pg.page.evaluate("geoMap.setLevel('province')")
        pg.page.wait_for_function("geoMap.level() === 'province'")
        assert len(pd.read_csv(io.StringIO(pg.page.evaluate("geoMap.csv()").lstrip("\ufeff")))) == 31
        assert pg.errors == [] and pg.blocked == []
    finally:
        pg.close()


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_search_finds_a_county_and_the_url_keeps_it(browser, files, lang):
    """The search box finds counties too (their keys come with the county level, decoded when
    the box is used): any spelling, with or without «شهرستان»/County. Choosing one shows the
    county level with its popup, and the #fragment keeps it for a reload."""
    pg = Page(browser, files[lang], VIEWPORTS["laptop"])
    try:
        box = pg.page.locator("#geo-search")
        box.click()
        pg.page.wait_for_function("geoMap.find('Kashan').length > 0")
        for typed in ("كاشان", "شهرستان کاشان", "Kashan County", "kashan"):
            assert pg.page.evaluate("q => geoMap.find(q)", typed)[0] == "r6555161", typed
        box.fill("Kashan")
        first = pg.page.locator("#geo-search-list [role=option]").first
        assert "Kashan County" in first.inner_text() and "شهرستان کاشان" in first.inner_text()
        assert ("شهرستان" if lang == "fa" else "county") in first.inner_text()
        pg.page.keyboard.press("Enter")
        pg.page.wait_for_function("geoMap.level() === 'county' && geoMap.selected() === 'r6555161'")
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        assert "Kashan County" in pg.page.inner_text(".leaflet-popup-content")
        frag = pg.page.evaluate("location.hash")
        assert "level=county" in frag and "county=r6555161" in frag
        assert pg.errors == [] and pg.blocked == []
    finally:
        pg.close()
    for fragment, selected in ((frag, "r6555161"), ("#level=county", None)):
        pg = Page(browser, files[lang], VIEWPORTS["laptop"])
        try:
            pg.page.goto(files[lang].as_uri() + fragment)
            pg.page.reload()
            pg.page.wait_for_function(f"{READY} && geoMap.level() === 'county'")
            if selected:
                pg.page.wait_for_function(f"geoMap.selected() === '{selected}'")
            assert len(pg.page.evaluate("geoMap.countyFills()")) == 478
            assert pg.errors == [] and pg.blocked == []
        finally:
            pg.close()


@pytest.mark.parametrize("name", ["fa", "en", "register"])
def test_zoom_stops_at_its_limits_and_the_buttons_say_so(browser, files, name):
    """Every map has finite zoom limits and a pan limit around Iran: zoomed in to the most, `+`
    is disabled and the provinces are still drawn (no NaN); zoomed out to the least, `-` is
    disabled and Iran is still in view; a pan far away comes back."""
    from playwright.sync_api import expect

    pg = Page(browser, files[name], VIEWPORTS["laptop"])
    try:
        limits = pg.page.evaluate("[geoMap.map.getMinZoom(), geoMap.map.getMaxZoom()]")
        assert 2 <= limits[0] <= 4 and 12 <= limits[1] <= 16, limits
        zoom_in, zoom_out = pg.page.locator(".leaflet-control-zoom-in"), pg.page.locator(".leaflet-control-zoom-out")
        expect(zoom_in).not_to_have_class(re.compile("leaflet-disabled"))
        # the call that threw "Invalid LatLng object: (NaN, NaN)" with an infinite maxZoom
        pg.page.evaluate("geoMap.map.setZoom(geoMap.map.getMaxZoom(), {animate: false})")
        pg.still()
        assert pg.page.evaluate("geoMap.map.getZoom()") == limits[1]
        expect(zoom_in).to_have_class(re.compile("leaflet-disabled"))
        assert zoom_in.get_attribute("aria-disabled") == "true"
        zoom_in.click(force=True)  # a disabled button does nothing
        pg.still()
        assert pg.page.evaluate("geoMap.map.getZoom()") == limits[1]
        centre = pg.page.evaluate("(() => { const c = geoMap.map.getCenter(); return [c.lat, c.lng]; })()")
        assert all(np.isfinite(centre))
        pg.page.evaluate("geoMap.map.setZoom(0, {animate: false})")  # below the least: held at it
        pg.still()
        assert pg.page.evaluate("geoMap.map.getZoom()") == limits[0]
        expect(zoom_out).to_have_class(re.compile("leaflet-disabled"))
        expect(zoom_in).not_to_have_class(re.compile("leaflet-disabled"))
        # a pan to the other side of the world is pulled back to Iran
        pg.page.evaluate("geoMap.map.panTo([-40, -100], {animate: false})")
        pg.page.wait_for_function("geoMap.map.getBounds().contains([32.4, 53.7])")
        assert pg.errors == [] and pg.blocked == []
    finally:
        pg.close()


#: Latin digits a Persian page may show: ISO 3166-2 codes, the licences' names and the
#: command that prints them, format names (the README's rule: codes and options stay Latin).
LATIN_ALLOWED = re.compile(r"IR-\d\d|ODbL ?1\.0|BSD-2-Clause|OFL-1\.1|ISO ?14001|EPSG:\d+|CC BY[- ]\d\.\d")


def test_a_whole_persian_page_shows_no_latin_digit(browser, files):
    """Everything the Persian page shows (panels, legend, credits, the national panel open, a
    province's popup, the county level): its numbers in Persian digits."""
    pg = Page(browser, files["fa"], VIEWPORTS["laptop"])
    try:
        pg.page.click(".geo-national summary")
        pt = pg.page.evaluate("geoMap.point('IR-10')")
        pg.page.mouse.click(pt["x"], pt["y"])
        pg.page.wait_for_selector(".leaflet-popup-content .geo-pop-ind")
        pg.still()
        shown = pg.page.evaluate("document.body.innerText")
        pg.page.evaluate("geoMap.setLevel('county')")
        pg.page.wait_for_function("geoMap.level() === 'county'")
        pg.page.evaluate(DRAWN)
        shown += "\n" + pg.page.evaluate("document.body.innerText")
        assert "۱۳۹۲" in shown and "اصفهان" in shown  # (the page was read)
        found = sorted({m.group() for m in re.finditer(r".{0,12}[0-9].{0,12}", LATIN_ALLOWED.sub("", shown))})
        assert found == [], found
        assert pg.errors == []
    finally:
        pg.close()
