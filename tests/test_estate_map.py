"""The estate on the map (issue 22): each estate's card, rows without coordinates at their
county's or province's point, style and filters kept in the URL, the estates table, the
notebook's initial state, hostile text inert; in Chromium, fa and en, laptop and phone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geo
from geo.errors import MapError
from geo.maps import embedded_data, register_map, save_map
from geo.maps.contract import check_page_data
from geo.maps.estate_facts import CELL_CHARS, FACT_COLUMNS, fact_columns, place_points, start_fragment

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
LATIN_DIGIT = re.compile(r"[0-9]")


def _register() -> pd.DataFrame:
    """Eight estates: with coordinates, with only a county, with only a province, with no place;
    yes/no and number facts as registers write them, and hostile text in a header, a name and cells."""
    rows = [
        (1, "شهرک صنعتی عباس‌آباد", "تهران", "", 35.69, 51.39, "دارد", 120.5, "a", "بله"),
        (2, IMG, "اصفهان", "", 32.65, 51.67, "ندارد", 80, SCRIPT, "خیر"),
        (3, "ناحیه صنعتی سه", "", "شیراز", None, None, "", None, "=cmd|' /C calc'!A0", ""),
        (4, "Estate four", "Fars", "", None, None, "بله", 1250, "y" * 10_000, "بله"),
        (5, "بی‌نشان", "", "", None, None, "خیر", 3, "", "خیر"),
        (6, "شهرك صنعتي مشهد", "خراسان رضوی", "مشهد", 36.3, 59.6, "دارد", 400, "b", "بله"),
        (7, "شهرک صنعتی تبریز", "آذربایجان شرقی", "", 38.08, 46.29, "ندارد", 45, "c", ""),
        (8, "شهرک بیرون از استان", "فارس", "", 35.69, 51.40, "دارد", 10, "d", "خیر"),
    ]
    columns = ["id", "name", "province", "county", "lat", "lon", "تصفیه خانه", "مساحت (هکتار)", IMG, "ایزو 14001"]
    return pd.DataFrame(rows, columns=columns)


@pytest.fixture(scope="module")
def result():
    return geo.join(_register())


@pytest.fixture(scope="module")
def pages(result, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("estates")
    out = {}
    for lang in ("fa", "en"):
        out[lang] = save_map(register_map(result, lang=lang), folder / f"estates_{lang}.html")
        html = out[lang].read_text(encoding="utf-8")
        check_page_data(embedded_data(html))
        assert SCRIPT not in html and IMG not in html  # user text only inside the escaped data block
    return out


def test_the_facts_travel_once_as_columns_labelled_by_the_vocabulary(result, pages) -> None:
    data = embedded_data(pages["fa"].read_text(encoding="utf-8"))
    facts = {f["header"]: f for f in data["points"]["facts"]}
    assert facts["تصفیه خانه"]["label"] == "تصفیه‌خانهٔ فاضلاب در حال بهره‌برداری"  # template.csv, by fact_words.csv
    assert facts["تصفیه خانه"]["v"] == [1, 0, None, 1, 0, 1, 0, 1]
    assert facts["مساحت (هکتار)"]["unit"] == "هکتار" and facts["مساحت (هکتار)"]["v"][3] == 1250
    assert not facts[IMG]["known"] and facts[IMG]["label"] == IMG and len(facts[IMG]["v"][3]) == CELL_CHARS
    assert data["points"]["approx"] == [0, 0, 1, 2, 0, 0, 0, 0] and data["points"]["ll"][4] is None
    assert data["tally"]["approx"] == 2 and data["tally"]["unplaced"] == 1
    assert result.estates["lat"].isna().sum() == 3  # the joined rows keep no invented coordinates


def test_a_500_column_register_is_capped_and_says_so() -> None:
    wide = pd.DataFrame({f"c{k}": ["x" * 10_000] for k in range(500)})
    facts, cut = fact_columns(wide, "en")
    assert len(facts) == FACT_COLUMNS and cut == 500 - FACT_COLUMNS
    assert {len(f.v[0]) for f in facts} == {CELL_CHARS} and facts[0].v[0].endswith("…")


def test_a_county_or_province_point_is_inside_it() -> None:
    from geo.reference.counties import load_counties
    from geo.reference.provinces import load_provinces

    county = load_counties().set_index("code").loc["r6555113"]  # Shiraz
    lon, lat, how = place_points(pd.Series(["r6555113", "", "x"]).to_numpy(), pd.Series(["", "IR-07", ""]).to_numpy())
    assert how.tolist() == [1, 2, 0]
    import shapely

    assert county.geometry.buffer(0.02).contains(shapely.Point(lon[0], lat[0]))
    fars = load_provinces().set_index("code").loc["IR-07"].geometry
    assert fars.buffer(0.02).contains(shapely.Point(lon[1], lat[1]))


def test_the_initial_state_names_only_the_register_columns() -> None:
    assert start_fragment(["a"], "a", {"status": "flagged"}) == "color=f0&where.status=flagged"
    with pytest.raises(MapError, match="not a column"):
        start_fragment(["a"], "b", None)
    with pytest.raises(MapError, match="takes True"):
        start_fragment(["a"], None, {"a": "yes please"})


def _open(chromium, url: str, size: str):
    page = chromium.new_page(viewport=SIZES[size], accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(url)
    page.wait_for_function("window.geoMap !== undefined && geoMap.estates")
    return page, errors


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.browser
def test_the_card_shows_every_fact_in_persian(chromium, pages) -> None:
    page, errors = _open(chromium, pages["fa"].as_uri(), "laptop")
    try:
        assert page.evaluate("geoMap.estates.open(4)")
        card = page.locator(".geo-card").last
        text = card.inner_text()
        for part in ("Estate four", "مکان تقریبی: استان فارس", "فارس", "Fars", "پیوندخورده با هشدار",
                     "تصفیه‌خانهٔ فاضلاب در حال بهره‌برداری", "بله", "۱٬۲۵۰ هکتار", "گواهی ایزو ۱۴۰۰۱", IMG, "…"):  # fmt: skip
            assert part in text, part
        assert "دلایل" in text  # a flagged row's reasons
        assert "شناسه\n۴\n" in text and "ردیف\n۴\n" in text
        assert not LATIN_DIGIT.search(text.replace("14001", "").replace(IMG, "").replace("Estate four", ""))
        assert card.locator("img, script").count() == 0 and page.evaluate("window.__pwned") is None
        _shot(page, "estate_card_fa_laptop")
        page.evaluate("geoMap.estates.open(3)")
        text = page.locator(".geo-card").last.inner_text()
        assert "مکان تقریبی: شهرستان شیراز" in text and "Shiraz" in text and "ثبت نشده" in text
        assert "=cmd" in text
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_approximate_places_are_hollow_and_counted(chromium, pages) -> None:
    page, errors = _open(chromium, pages["en"].as_uri(), "laptop")
    try:
        approx = {it["row"]: it for it in page.evaluate("geoMap.items()") if it.get("approx")}
        assert sorted(approx) == [3, 4] and approx[3]["approx"] == 1 and approx[4]["approx"] == 2
        key = page.inner_text("#geo-point-key")
        assert "2 drawn at their county's or province's point" in key and "7 of 8 estates shown" in key
        assert "Not drawn (no usable coordinates, county or province): 1" in key
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_style_and_filters_follow_the_fragment_and_the_download(chromium, pages) -> None:
    hostile = "#where.bogus=1&where.f0=maybe&color=nothing&where.%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E=1" \
        "&where.__proto__=yes&color=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E&where.province=%3Cimg%3E"
    page, errors = _open(chromium, pages["en"].as_uri() + hostile, "laptop")
    try:  # an unknown or hostile filter or style: none, and no error
        assert page.evaluate("window.__pwned") is None and page.evaluate("geoMap.estates.where()") == {}
        assert page.evaluate("geoMap.estates.shown()") == 7 and page.evaluate("geoMap.estates.style()") == "status"
        page.select_option(".geo-style-choice select", label="wastewater treatment plant in operation")
        key = page.inner_text("#geo-point-key")
        assert "yes (4)" in key and "no (2)" in key and "not given (1)" in key
        items = page.evaluate("geoMap.items()")
        colours = {it["row"]: it["color"] for it in items if "row" in it}
        assert colours[4] == "#0072b2" and colours[2] == "#e69f00" and colours[3] == "#9e9e9e"
        assert [it["classes"] for it in items if "classes" in it] == [[2, 0, 0]]  # rows 1 and 8, near Tehran
        page.click(".geo-filters summary")
        page.get_by_label("wastewater treatment plant in operation", exact=True).select_option("no")
        page.wait_for_function("geoMap.estates.shown() === 2")
        assert "where.f0=no" in page.evaluate("location.hash") and "color=f0" in page.evaluate("location.hash")
        assert "2 of 8 estates shown" in page.inner_text("#geo-point-key")
        page.select_option("#geo-select", "_estates_shown")  # the provinces follow the filters too
        assert "national total: 2" in page.inner_text("#geo-legend")
        by_code = {line.split(",")[0]: line.split(",")[3] for line in page.evaluate("geoMap.csv()").split("\r\n")[1:] if line}
        assert by_code["IR-10"] == "1" and by_code["IR-03"] == "1" and by_code["IR-23"] == "0"
        assert "indicator=_estates_shown" in page.evaluate("location.hash")
        csv = page.evaluate("geoMap.estates.csv()")
        lines = csv.lstrip("\ufeff").strip().split("\r\n")
        assert len(lines) == 3 and lines[0].split(",")[:3] == ["row", "id", "name"]
        assert {line.split(",")[0] for line in lines[1:]} == {"2", "7"} and f'"{IMG}"'.replace('"', '""')[1:-1] in csv
        with page.expect_download() as info:
            page.click(".geo-estates-download")
        assert Path(info.value.path()).read_text(encoding="utf-8-sig").replace("\n", "\r\n").count("\r\n") == 3
        frag = page.evaluate("location.hash")
        page.goto("about:blank")
        page.goto(pages["en"].as_uri() + frag + "&where.f1=40~500")  # reopening the link restores it (and a range)
        page.wait_for_function("window.geoMap !== undefined && geoMap.estates")
        assert page.evaluate("geoMap.estates.where()") == {"f0": "no", "f1": "40~500"}
        assert page.evaluate("geoMap.estates.shown()") == 2  # rows 2 (80 ha) and 7 (45 ha)
        assert page.evaluate("geoMap.current()") == "_estates_shown" and "national total: 2" in page.inner_text("#geo-legend")
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_the_notebook_state_opens_the_map(chromium, result, tmp_path) -> None:
    path = save_map(result.map(lang="en", color="مساحت (هکتار)", filter={"status": "joined"}), tmp_path / "nb.html")
    page, errors = _open(chromium, path.as_uri(), "laptop")
    try:
        assert page.evaluate("geoMap.estates.style()") == "f1"
        assert page.evaluate("geoMap.estates.shown()") == 4
        assert "area in hectares" in page.inner_text("#geo-point-key")
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "size"), [("fa", "laptop"), ("en", "phone"), ("en", "laptop"), ("fa", "phone")])
def test_the_table_by_keyboard_and_the_screens(chromium, pages, lang, size) -> None:
    """The styled and filtered map, a card and the table, looked at in each language and size;
    the table sorted, searched and opened from the keyboard; axe-core on the table and filters."""
    from axe_playwright_python.sync_playwright import Axe

    page, errors = _open(chromium, pages[lang].as_uri() + "#color=f1&where.f0=yes", size)
    try:
        assert page.evaluate("geoMap.estates.shown()") == 4
        _shot(page, f"estate_styled_{lang}_{size}")
        page.evaluate("geoMap.estates.open(6)")
        page.wait_for_selector(".geo-card")
        _shot(page, f"estate_card_{lang}_{size}")
        page.evaluate("void geoMap.map.closePopup()")
        page.click(".geo-filters summary")
        page.locator(".geo-table-details > summary").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".geo-table tbody tr")
        status = page.locator(".geo-table-status")
        assert status.get_attribute("aria-live") == "polite"
        assert page.locator(".geo-table tbody tr").count() == 4
        assert page.locator(".geo-table-panel").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")
        sort = page.locator(".geo-table thead th").nth(3)  # the chosen fact, area: sorted from the keyboard
        sort.locator("button").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelectorAll('.geo-table thead th')[3].ariaSort === 'ascending'")
        names = page.locator(".geo-table tbody th").all_inner_texts()
        assert names[0].startswith("شهرک بیرون") and names[-1].startswith("Estate four")  # 10 ha … 1,250 ha
        page.fill(".geo-table-search", "شهرک صنعتی مشهد")  # folded: the register wrote «شهرك صنعتي مشهد»
        page.wait_for_function("document.querySelectorAll('.geo-table tbody tr').length === 1")
        assert ("۱" if lang == "fa" else "1") in status.inner_text()
        page.locator(".geo-row-open").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".geo-card")
        assert page.evaluate("document.activeElement.classList.contains('leaflet-popup-content')")
        page.keyboard.press("Escape")  # closes the card, back to the row
        page.wait_for_function("document.activeElement.classList.contains('geo-row-open')")
        page.fill(".geo-table-search", "")
        page.wait_for_function("document.querySelectorAll('.geo-table tbody tr').length === 4")
        _shot(page, f"estate_table_{lang}_{size}")
        found = Axe().run(page, context={"include": [[".geo-table-panel"], [".geo-side"]]}).response
        ARTIFACTS.mkdir(exist_ok=True)
        summary = [(v["id"], v["impact"], len(v["nodes"])) for v in found["violations"]]
        (ARTIFACTS / f"estate_axe_{lang}_{size}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        serious = [v for v in found["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, ensure_ascii=False)[:3000]
        assert errors == [] and page.evaluate("window.__pwned") is None
    finally:
        page.close()


def _big(n: int):
    """``n`` estates at random points in each province (its code), with a yes/no and a number fact."""
    from types import SimpleNamespace

    import geopandas as gpd
    import numpy as np

    from geo.reference.provinces import load_provinces

    rng = np.random.default_rng(3)
    provinces = load_provinces()
    sampled = provinces.geometry.sample_points(size=n // 31 + 1, rng=3).explode()[:n]
    plant = pd.array(np.where(rng.random(n) < 0.4, True, False), dtype="boolean")
    plant[rng.random(n) < 0.1] = pd.NA
    area = np.round(rng.gamma(2.0, 40.0, n)).clip(1, 240)  # whole hectares: fewer distinct values than bins, every range exact
    area[rng.random(n) < 0.05] = np.nan
    estates = gpd.GeoDataFrame(
        {"row": np.arange(1, n + 1), "name": [IMG if i % 2 else f"e{i}" for i in range(n)],
         "status": np.where(rng.random(n) < 0.02, "flagged", "joined").astype(object),
         "province": sampled.index.to_numpy(dtype=object), "county": [""] * n, "reasons": [()] * n,
         "reasons_fa": [()] * n, "treatment plant": plant, "area (ha)": area, IMG: [SCRIPT] * n,
         "units": rng.integers(0, 100_000, n)},
        geometry=sampled.to_numpy(), crs=4326,
    )  # fmt: skip
    by_province = provinces.copy()
    by_province["estates"] = n // 31
    return SimpleNamespace(estates=estates, by_province=by_province)


#: A small point limit, so that a register of a few thousand rows is drawn as cells.
SMALL_LIMIT = 400


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    import geo.maps.points as points

    result = _big(4_000)
    folder = tmp_path_factory.mktemp("big")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(points, "POINTS_LIMIT", SMALL_LIMIT)
        mp.setattr(points, "PROBLEM_POINTS", 30)
        paths = {lang: save_map(register_map(result, lang=lang), folder / f"big_{lang}.html") for lang in ("fa", "en")}
    return result, paths


def test_the_store_holds_every_drawn_row_and_each_facts_code(big) -> None:
    import numpy as np

    from geo.maps.cell_store import unpack

    result, paths = big
    grid = embedded_data(paths["en"].read_text(encoding="utf-8"))["grid"]
    store = grid["store"]
    e = result.estates
    assert store["rows"] == len(e) == unpack(store["cells"], "<u4").sum()
    status = unpack(store["status"], "u1")
    assert int(((status & 3) == 1).sum()) == int((e["status"] == "flagged").sum())
    plant = {f["key"]: f for f in store["facts"]}["f0"]
    codes = np.bincount(unpack(plant["codes"], "u1"), minlength=3).tolist()
    assert codes == [int((e["treatment plant"] == True).sum()), int((e["treatment plant"] == False).sum()),  # noqa: E712
                     int(e["treatment plant"].isna().sum())]  # fmt: skip
    area = {f["key"]: f for f in store["facts"]}["f1"]
    assert area["edges"] == sorted(e["area (ha)"].dropna().unique().tolist())  # each value its own bin
    for level in grid["levels"][1:]:  # each cell's parent is a cell of the coarser level
        assert unpack(level["up"], "<i4").max() < len(grid["levels"][grid["levels"].index(level) - 1]["lat"])


def _expected(e: pd.DataFrame, province: str, plant: bool, low: float, high: float) -> pd.Series:
    return (e["province"] == province) & (e["treatment plant"] == plant) & e["area (ha)"].between(low, high)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_filters_combined_give_exact_counts_on_cells(chromium, big, lang) -> None:
    """A province, a yes/no fact and a range at once, on cells: the key, the cells, the choropleth of a
    province and the national total are what pandas counts from the register."""
    from geo.numbers import format_number_fa

    result, paths = big
    e = result.estates
    fmt = (lambda n: format_number_fa(n)) if lang == "fa" else (lambda n: f"{n:,}")
    page, errors = _open(chromium, paths[lang].as_uri() + "#color=f1&where.province=IR-07&where.f0=yes&where.f1=40~120",
                         "laptop")  # fmt: skip
    try:
        page.wait_for_function("document.documentElement.getAttribute('data-geo-ready') === '1'")
        sel = _expected(e, "IR-07", True, 40, 120)
        assert 0 < sel.sum() < (e["province"] == "IR-07").sum()
        key = page.inner_text("#geo-point-key")
        total = f"{fmt(int(sel.sum()))} of {fmt(len(e))}" if lang == "en" else f"{fmt(int(sel.sum()))} شهرک از {fmt(len(e))}"
        assert total in key
        breaks = [f for f in embedded_data(paths[lang].read_text(encoding="utf-8"))["points"]["facts"] if f["key"] == "f1"][0]["breaks"]
        classes = np.searchsorted(np.asarray(breaks), e.loc[sel, "area (ha)"].to_numpy(), side="left")
        for c, count in enumerate(np.bincount(classes, minlength=len(breaks)).tolist()):  # the key's class counts
            assert f"({fmt(count)})" in key.split("\n")[1 + c]
        cells = [it for it in page.evaluate("geoMap.items()") if "classes" in it]
        assert sum(it["n"] for it in cells) <= sel.sum() and cells  # those in view
        page.evaluate("geoMap.map.setZoom(3, {animate: false})")
        page.wait_for_function(f"geoMap.items().filter(it => 'classes' in it).reduce((a, it) => a + it.n, 0) === {int(sel.sum())}")
        csv = page.evaluate("geoMap.estates.csv()").strip().split("\r\n")  # the dots shown, and what is missing
        missing = "counted in the map's cells only" if lang == "en" else "تنها در خانه‌های شبکهٔ نقشه"
        assert missing in csv[-1] and fmt(int(sel.sum())) in csv[-1]
        choro = page.evaluate("geoMap.estates.choropleth()")  # the indicator "estates shown, per province"
        assert {k: v for k, v in choro["v"].items() if v} == e.loc[sel].groupby("province").size().to_dict()
        assert choro["total"] == fmt(int(sel.sum()))  # its national total
        assert errors == []
        if lang == "fa":
            assert not LATIN_DIGIT.search(key)
        page.select_option("#geo-select", "_estates_shown")  # the provinces coloured by the estates shown
        assert fmt(int(sel.sum())) in page.inner_text("#geo-legend")
        for size in ("laptop", "phone"):
            page.set_viewport_size(SIZES[size])
            page.evaluate("geoMap.map.invalidateSize({animate: false}); geoMap.map.setView([32.5, 54], 5, {animate: false})")
            page.wait_for_function("geoMap.drawn().clusters > 0")
            _shot(page, f"estates_cells_filtered_{lang}_{size}")
        drawn = e[e["status"] == "flagged"].head(30)  # the rows drawn one by one: a card of a hostile name
        assert page.evaluate(f"geoMap.estates.open({int(drawn.loc[drawn['name'] == IMG, 'row'].iloc[0])})")
        assert page.evaluate("window.__pwned") is None and page.locator(".geo-card img, .geo-card script").count() == 0
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_an_unknown_filter_on_cells_falls_back_to_none(chromium, big) -> None:
    result, paths = big
    page, errors = _open(chromium, paths["en"].as_uri() + "#where.f9=yes&where.province=IR-99&color=<b>x</b>", "laptop")
    try:
        page.wait_for_function("document.documentElement.getAttribute('data-geo-ready') === '1'")
        assert page.evaluate("geoMap.estates.where()") == {} and page.evaluate("geoMap.estates.style()") == "status"
        assert f"{len(result.estates):,} of {len(result.estates):,} estates shown" in page.inner_text("#geo-point-key")
        # a number of more distinct values than bins: a range is taken to the bins' edges, and the key says so
        units = next(f for f in embedded_data(paths["en"].read_text(encoding="utf-8"))["grid"]["store"]["facts"]
                     if f["key"] == "f3")  # fmt: skip
        inside = [k for k, (lo, hi) in enumerate(zip(units["low"], units["edges"], strict=True)) if hi >= 20_000 and lo <= 50_000]
        lo, hi = units["low"][inside[0]], units["edges"][inside[-1]]
        assert 200 < len(units["edges"]) <= 250 and (lo, hi) != (20_000, 50_000)
        page.evaluate("geoMap.estates.apply('where.f3=20000~50000')")
        key = page.inner_text("#geo-point-key")
        assert f"{int(result.estates['units'].between(lo, hi).sum()):,} of" in key
        assert f"the range is taken to the edges of the value bins the map counts by, {lo:,.0f} to {hi:,.0f}" in key
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_the_csv_of_the_estates_shown_has_every_column_whole(chromium, pages) -> None:
    """The card is capped; the download is not: a 10 KB cell whole, every column, formula-safe."""
    page, errors = _open(chromium, pages["en"].as_uri(), "laptop")
    try:
        csv = page.evaluate("geoMap.estates.csv()")
        assert "y" * 10_000 in csv and "y" * 10_001 not in csv
        assert "'=cmd|' /C calc'!A0" in csv  # formula-safe, whole
        header = csv.lstrip("\ufeff").split("\r\n")[0]
        assert header.count(",") == 8 + 4 - 1 and header.endswith("ایزو 14001")  # row … location, the 4 own columns
        page.evaluate("geoMap.estates.apply('where.status=joined')")
        assert "y" * 10_000 not in page.evaluate("geoMap.estates.csv()")  # only the estates shown
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_columns_too_large_to_carry_whole_are_said_in_the_csv(chromium, result, tmp_path, monkeypatch) -> None:
    """Past the page's cap on the whole columns, the CSV has the capped ones and a line that says so."""
    import geo.maps.estate_facts as estate_facts

    monkeypatch.setattr(estate_facts, "FULL_CHARS", 10)
    path = save_map(register_map(result, lang="fa"), tmp_path / "capped.html")
    assert embedded_data(path.read_text(encoding="utf-8"))["points"]["full"] == ""
    page, errors = _open(chromium, path.as_uri(), "laptop")
    try:
        lines = page.evaluate("geoMap.estates.csv()").strip().split("\r\n")
        assert "y" * 159 + "…" in lines[4] and "y" * 160 not in lines[4]  # the card's cap: 160 characters
        assert "ستونِ نخست و خانه‌ها را تا ۱۶۰ نویسه دارد" in lines[-1] and "joined.csv" in lines[-1]
        assert errors == []
    finally:
        page.close()
