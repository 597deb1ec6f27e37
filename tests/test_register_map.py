"""The register map at any size: points below the limit, a per-zoom grid above it, counts that
add up, every number in Persian digits on the Persian page (in Chromium, offline)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_browser import READY

from geo.maps import embedded_data, register_map, render_html, save_map
from geo.maps.cell_store import unpack
from geo.maps.contract import check_page_data
from geo.maps.points import GRID_CELLS, POINTS_LIMIT, PROBLEM_POINTS, register_points
from geo.numbers import format_number_fa
from geo.reference.provinces import load_provinces

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip
LATIN_DIGIT = re.compile(r"[0-9]")


def _result(n: int, flagged: int, rejected: int, unplaced: int = 0) -> SimpleNamespace:
    """A joined register of ``n`` rows at real points inside the provinces (the map needs no more).

    The rejected rows lie together north of Tehran, so that one cell holds most of them.
    """
    provinces = load_provinces()
    points = provinces.geometry.sample_points(size=n // len(provinces) + 1, rng=11).explode().to_numpy()[:n]
    status = np.array(["joined"] * n, dtype=object)
    status[:flagged] = "flagged"
    status[flagged : flagged + rejected] = "rejected"
    points[flagged : flagged + rejected] = shapely.points(np.full(rejected, 51.4), np.linspace(35.9, 35.95, rejected))
    points[n - unplaced :] = None
    reasons = [("outside its province",) if s != "joined" else () for s in status]
    estates = gpd.GeoDataFrame(
        {"row": np.arange(1, n + 1), "name": [f"واحد {i}" for i in range(n)], "status": status,
         "province": ["IR-23"] * n, "reasons": reasons, "reasons_fa": reasons},
        geometry=points, crs=4326,
    )  # fmt: skip
    by_province = provinces.copy()
    by_province["estates"] = np.bincount(np.arange(31), minlength=31) * (n // 31)
    return SimpleNamespace(estates=estates, by_province=by_province)


def test_below_the_limit_every_row_is_a_point() -> None:
    result = _result(500, 20, 5, unplaced=3)
    drawn = register_points(result.estates, "fa")
    points, grid, tally = drawn.points, drawn.grid, drawn.tally
    # the rows without coordinates name their province: drawn at its point, marked approximate
    assert grid is None and len(points.row) == 500 and all(ll is not None for ll in points.ll)
    assert points.approx[-3:] == [2, 2, 2] and points.approx.count(0) == 497
    assert (tally.joined, tally.flagged, tally.rejected, tally.unplaced, tally.approx) == (475, 20, 5, 0, 3)


def test_above_the_limit_rows_are_counted_in_a_grid_that_adds_up() -> None:
    n = POINTS_LIMIT + 15_000
    result = _result(n, 6_000, 700, unplaced=100)
    drawn = register_points(result.estates, "fa")
    points, grid, tally = drawn.points, drawn.grid, drawn.tally
    assert grid is not None and (tally.joined, tally.flagged, tally.rejected) == (n - 6_700, 6_000, 700)
    assert tally.unplaced == 0 and tally.approx == 100  # at their province's point
    assert tally.problems == 6_700 and tally.shown == len(points.row) == PROBLEM_POINTS
    shown = set(points.status)
    assert shown == {"flagged", "rejected"} and points.status.count("rejected") == 700  # rejected first
    assert points.row == sorted(points.row)
    status = unpack(grid.store.status, "u1") & 3  # the store holds every located row once
    assert np.bincount(status, minlength=3).tolist() == [n - 6_700, 6_000, 700]
    assert unpack(grid.store.cells, "<u4").sum() == n and len(unpack(grid.store.cells, "<u4")) == len(grid.levels[-1].lat)
    assert sum(len(level.lat) for level in grid.levels) <= GRID_CELLS
    assert [lv.z for lv in grid.levels] == list(range(grid.zmin, grid.zmax + 1))


BIG = POINTS_LIMIT + 40_000


@pytest.fixture(scope="module")
def big_page(tmp_path_factory) -> Path:
    result = _result(BIG, 3_000, 1_234)
    html = render_html(register_map(result, lang="fa"))
    check_page_data(embedded_data(html))
    assert len(html.encode("utf-8")) < 5_000_000
    return save_map(register_map(result, lang="fa"), tmp_path_factory.mktemp("map") / "big_fa.html")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing at /usr/bin/chromium: run `make test` (it installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.mark.browser
def test_the_big_persian_map_shows_counts_and_mixes_in_persian_digits(browser, big_page) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto(big_page.as_uri())
        page.wait_for_function(READY)
        key = page.inner_text("#geo-point-key")
        for count in (BIG - 3_000 - 1_234, 3_000, 1_234):  # the Python formatter and the page's script agree
            assert f"({format_number_fa(count)})" in key
        assert not LATIN_DIGIT.search(key)
        drawn = page.evaluate("geoMap.drawn()")
        assert drawn["clusters"] > 10 and drawn["dots"] > 100
        cells = [it for it in page.evaluate("geoMap.items()") if "j" in it]
        mixed = max(cells, key=lambda it: it["r"])  # the cell of the rejected rows: its ring is not all green
        assert mixed["r"] > 500 and mixed["j"] + mixed["f"] > 0
        box = page.locator(".geo-map").bounding_box()
        page.mouse.move(box["x"] + mixed["x"], box["y"] + mixed["y"])
        tip = page.inner_text(".geo-point-tip")
        assert page.locator(".leaflet-tooltip").count() == 1  # the province's closed
        assert "ردشده" in tip and not LATIN_DIGIT.search(tip)
        assert format_number_fa(mixed["r"]) in tip and format_number_fa(mixed["j"] + mixed["f"] + mixed["r"]) in tip
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "register_grid_fa_laptop.png"))
        zoom = page.evaluate("geoMap.map.getZoom()")
        page.mouse.click(box["x"] + mixed["x"], box["y"] + mixed["y"])
        page.wait_for_function(f"geoMap.map.getZoom() > {zoom}")
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_a_flagged_or_rejected_row_opens_its_reasons(browser, big_page) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(big_page.as_uri())
        page.wait_for_function(READY)
        page.evaluate("geoMap.map.setView([35.925, 51.4], 16, {animate: false})")
        dots = [it for it in page.evaluate("geoMap.items()") if "row" in it and 200 < it["y"] < 600]
        assert dots
        box = page.locator(".geo-map").bounding_box()
        page.mouse.click(box["x"] + dots[0]["x"], box["y"] + dots[0]["y"])
        page.wait_for_selector(".leaflet-popup-content .geo-reasons")
        assert "outside its province" in page.inner_text(".leaflet-popup-content")
    finally:
        page.close()


def test_a_large_registers_number_facts_are_binned_within_the_pages_budget() -> None:
    """At 10⁶ rows two number facts of many values get the style's classes as bins, packed within NUMBER_BYTES.

    With 250 bins each they took 2.7 MB of a synthetic 10⁶-row map (6.7 MB in all, above
    the 5 MB the map is held to); a small register keeps its fine bins.
    """
    import pandas as pd

    from geo.maps.cell_store import NUMBER_BINS, NUMBER_BYTES, _fact_codes, fact_specs, pack

    rng = np.random.default_rng(7)
    n = 1_000_000
    codes = pd.DataFrame({"n0": np.round(rng.gamma(2.0, 3.0, n), 2), "n1": rng.integers(1, 400, n).astype(float)})
    specs = fact_specs(codes)
    assert [len(s.edges) for s in specs.values()] == [4, 4]
    assert all(s.edges == s.breaks for s in specs.values())  # the style's classes stay exact
    packed = sum(len(pack(_fact_codes(codes[f"n{k[1:]}"], s), "u1")) for k, s in specs.items())
    assert packed <= NUMBER_BYTES * 1.2, packed
    small = fact_specs(codes.iloc[:20_000])
    assert NUMBER_BINS - 10 < len(small["f1"].edges) <= NUMBER_BINS  # 399 values in about 250 bins
