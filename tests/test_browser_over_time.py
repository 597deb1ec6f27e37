"""Browser checks of the change map (geo compare) and the national panel's charts, in Persian and English.

One Chromium for the module, one change-map set and one pair of default maps; each test
waits for the condition it checks. Screenshots go to tests/artifacts/ (change_map_*.png,
national_series_*.png).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_browser import ARGS, ARTIFACTS, CHROMIUM, HOSTILE_IMG  # noqa: E402
from test_compare import _new, _old  # noqa: E402

from geo.comparing import compare  # noqa: E402
from geo.maps import build_maps  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's Chromium is missing at /usr/bin/chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def change_set(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("compare")
    old = _old()
    old.loc[0, "نام شهرک"] = HOSTILE_IMG  # a hostile name stays text on the map
    new = _new(old)
    new.loc[new["نام"] == HOSTILE_IMG, "نام"] = HOSTILE_IMG + " "
    old.to_csv(folder / "old.csv", index=False)
    new.to_excel(folder / "new.xlsx", index=False)
    compare(folder / "old.csv", folder / "new.xlsx", old_year=1396, new_year=1397).write(folder / "out")
    return folder / "out"


def _open(browser, path: Path, ready: str):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("http*://**", lambda route: (errors.append(route.request.url), route.abort()))
    page.goto(path.as_uri())
    page.wait_for_function(ready)
    return page, errors


@pytest.mark.parametrize(("lang", "name"), [("fa", "map.html"), ("en", "map.en.html")])
def test_the_change_map_shows_each_kind_its_arrow_card_and_filters(browser, change_set, lang, name) -> None:
    from playwright.sync_api import expect

    page, errors = _open(browser, change_set / name, "window.geoChanges !== undefined")
    counts = page.evaluate("window.geoChanges.visible()")
    assert counts == {"added": 2, "removed": 2, "moved": 1, "changed": 3, "unchanged": 26, "ambiguous": 3}
    assert page.evaluate("window.geoChanges.arrows().lines") == 2  # the move's line and its old point
    key = page.locator("#geo-change-key")
    expect(key).to_contain_text("۱۳۹۶" if lang == "fa" else "1396 SH")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"change_map_{lang}.png"))
    # the card of the estate that gained a treatment plant: before → after
    index = page.evaluate("window.geoChanges.index('شهرک صنعتی نمونه شش')")
    assert page.evaluate(f"window.geoChanges.open({index})")
    card = page.locator(".geo-change-card")
    expect(card).to_be_visible()
    expect(card.locator(".geo-change-before")).to_have_text("خیر" if lang == "fa" else "no")
    expect(card.locator(".geo-change-after")).to_have_text("بله" if lang == "fa" else "yes")
    page.wait_for_function("window.geoChanges.arrows().heads === 1")  # drawn again at the card's zoom
    page.screenshot(path=str(ARTIFACTS / f"change_map_{lang}_card.png"))
    # filters: kinds off, then one fact
    key.locator("input[value=unchanged]").uncheck()
    page.wait_for_function("window.geoChanges.visible().unchanged === undefined")
    page.locator(".geo-change-fact").select_option("تصفیه خانه")
    page.wait_for_function("JSON.stringify(window.geoChanges.visible()) === JSON.stringify({changed: 1})")
    # the hostile name: its card shows it as text, and nothing ran
    page.locator(".geo-change-fact").select_option("")
    key.locator("input[value=unchanged]").check()
    hostile = page.evaluate(f"window.geoChanges.index({HOSTILE_IMG.strip()!r})")
    assert hostile >= 0 and page.evaluate(f"window.geoChanges.open({hostile})")
    expect(page.locator(".geo-change-card")).to_have_count(1)  # the card before it closes as this one opens
    expect(page.locator(".geo-change-card .geo-pop-names")).to_have_text(HOSTILE_IMG)
    assert page.evaluate("window.__pwned") is None and page.locator(".geo-change-card img").count() == 0
    assert errors == []
    page.close()


@pytest.mark.parametrize(("lang", "name"), [("fa", "iran_estates.html"), ("en", "iran_estates.en.html")])
def test_the_national_panel_charts_the_series_with_its_disagreements(browser, tmp_path_factory, lang, name) -> None:
    from playwright.sync_api import expect

    folder = tmp_path_factory.getbasetemp() / "series_maps"
    if not (folder / name).exists():
        build_maps(folder, counties=False)
    page, errors = _open(browser, folder / name, "window.geoMap !== undefined")
    section = page.locator(".geo-series")
    expect(section).to_be_visible()
    charts = section.locator(".geo-series-chart")
    expect(charts).to_have_count(5)
    units = section.locator('.geo-series-chart[data-id="units_started_in_year"]')
    expect(units.locator(".geo-series-article")).to_have_count(1)
    expect(units.locator(".geo-series-clash")).to_have_count(2)
    tips = units.locator(".geo-series-point title").all_text_contents()
    assert any(("مقاله" if lang == "fa" else "the article") in t for t in tips)
    assert any("visaro.ir/" in t for t in tips)
    expect(units.locator(".geo-series-note")).to_contain_text("۲٬۵۷۶" if lang == "fa" else "2,576")
    expect(units.locator(".geo-series-tick").first).to_have_text("۲٬۰۰۷" if lang == "fa" else "2,007")
    expect(section.locator(":scope > .geo-series-note")).to_have_count(2)  # treatment modules: one year, two figures
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 1900})  # the whole section inside the panel, unscrolled
    page.wait_for_function("document.getElementById('geo-national').scrollHeight > 1000")
    section.screenshot(path=str(ARTIFACTS / f"national_series_{lang}.png"))
    assert errors == []
    page.close()
