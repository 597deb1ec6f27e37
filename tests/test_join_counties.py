"""Counties in joins: a county column (شهرستان) read and resolved, the province derived from
it, every located row given its county, contradictions flagged with both named, and the
per-county table and file. Real county names and real places throughout."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from geo.reference.counties import county_table, load_counties
from geo.reference.provinces import EQUAL_AREA_CRS

# Real places (lon, lat) and the counties they are in.
KARAJ = (50.991, 35.840)  # Karaj County, Alborz
TABRIZ = (46.292, 38.080)  # Tabriz County, East Azerbaijan
TABAS = (56.92, 33.60)  # Tabas County, South Khorasan (in Yazd until 1392)
KASHAN = (51.43, 33.98)  # Kashan County, Isfahan
SHIRAZ = (52.53, 29.61)  # Shiraz County, Fars


def code_of(name_en: str) -> str:
    table = county_table()
    return table.index[table["name_en"] == name_en][0]


def test_a_county_column_is_found_by_its_header_and_gives_the_province():
    reg = pd.DataFrame(
        {
            "شهرستان": ["شهرستان تبریز", "كرج", "Kashan County", "طبس", "آق‌قلا"],
            "تعداد واحد": [3, 5, 7, 11, 13],
        }
    )
    read = geo.read_register(reg)
    assert read.columns == {"county": "شهرستان"} and read.has_county and not read.has_province
    result = geo.join(reg)
    e = result.estates
    assert result.summary["by"] == "attribute"
    assert e["status"].tolist() == ["joined"] * 5
    assert e["province"].tolist() == ["IR-03", "IR-30", "IR-10", "IR-29", "IR-27"]
    assert e["county"].tolist() == [code_of(n) for n in
                                    ("Tabriz County", "Karaj County", "Kashan County", "Tabas County", "Aqqala County")]  # fmt: skip
    assert e["county_as_given"].tolist() == reg["شهرستان"].tolist()
    assert result.by_province.loc["IR-29", "estates"] == 1
    assert result.by_county.loc[code_of("Tabas County"), "تعداد واحد_sum"] == 11


@pytest.mark.parametrize("header", ["county", "County Name", "نام شهرستان", "shahrestan"])
def test_county_headers_of_the_vocabulary(header):
    read = geo.read_register(pd.DataFrame({header: ["Shiraz"], "استان": ["فارس"]}))
    assert read.columns["county"] == header and read.columns["province"] == "استان"


def test_county_that_contradicts_the_province_is_flagged_with_both_named():
    """Tabas moved from Yazd to South Khorasan: a register that still says Yazd."""
    e = geo.join(pd.DataFrame({"استان": ["یزد", "خراسان جنوبی"], "شهرستان": ["طبس", "طبس"]})).estates
    assert e["status"].tolist() == ["flagged", "joined"]
    assert e["province"].tolist() == ["IR-21", "IR-29"]  # the province column is kept, never guessed
    assert e["county"].tolist() == [None, code_of("Tabas County")]
    reason, reason_fa = e["reasons"][0][0], e["reasons_fa"][0][0]
    assert "Tabas County (IR-29 South Khorasan)" in reason and "IR-21 Yazd" in reason
    assert "خراسان جنوبی (IR-29)" in reason_fa and "یزد (IR-21)" in reason_fa


def test_unknown_county_names_its_closest_candidates_and_is_never_guessed():
    only_county = geo.join(pd.DataFrame({"county": ["Tabriiz"]})).estates
    assert only_county["status"].tolist() == ["rejected"] and only_county["province"].tolist() == [None]
    assert "closest: r6554961 Tabriz County (IR-03 East Azerbaijan)" in only_county["reasons"][0][0]
    assert "شهرستان تبریز" in only_county["reasons_fa"][0][0]
    with_province = geo.join(pd.DataFrame({"province": ["East Azerbaijan"], "county": ["Tabriiz"]})).estates
    assert with_province["status"].tolist() == ["flagged"] and with_province["province"].tolist() == ["IR-03"]
    assert with_province["county"].tolist() == [None]
    assert "Tabriz County" in with_province["reasons"][0][0]


def test_an_ambiguous_province_is_settled_by_its_county():
    e = geo.join(pd.DataFrame({"province": ["Khorasan"], "county": ["Tabas"]})).estates
    assert e["status"].tolist() == ["flagged"] and e["province"].tolist() == ["IR-29"]
    assert "ambiguous" in e["reasons"][0][0] and "joined to the province of its county" in e["reasons"][0][0]
    assert "Tabas County (IR-29 South Khorasan)" in e["reasons"][0][0]


def test_a_county_name_under_two_provinces_is_rejected_with_both_named(monkeypatch):
    """No two OSM counties share a name today (checked in test_counties); simulated on the
    real table with Tabas County duplicated under Yazd, as before 1392."""
    from geo.reference import counties as mod

    table = county_table()
    twin = table.loc[[code_of("Tabas County")]].assign(code="r1", osm_id=1, province="IR-21")
    doubled = pd.concat([table, twin.set_index("code", drop=False).rename_axis(None)])
    monkeypatch.setattr(mod, "_table", lambda: doubled)
    mod._index.cache_clear()
    mod._resolve.cache_clear()
    mod.county_label.cache_clear()
    try:
        e = geo.join(pd.DataFrame({"county": ["طبس"]})).estates
        assert e["status"].tolist() == ["rejected"]
        assert "ambiguous" in e["reasons"][0][0]
        assert "IR-29 South Khorasan" in e["reasons"][0][0] and "IR-21 Yazd" in e["reasons"][0][0]
        assert "حدس زده نشد" in e["reasons_fa"][0][0]
    finally:
        mod._index.cache_clear()
        mod._resolve.cache_clear()
        mod.county_label.cache_clear()


def test_every_located_row_gets_its_county():
    points = [KARAJ, TABRIZ, TABAS, KASHAN, SHIRAZ]
    reg = pd.DataFrame({"lon": [p[0] for p in points], "lat": [p[1] for p in points]})
    e = geo.join(reg).estates
    assert e["status"].tolist() == ["joined"] * 5
    expected = ["Karaj County", "Tabriz County", "Tabas County", "Kashan County", "Shiraz County"]
    assert e["county"].tolist() == [code_of(n) for n in expected]
    # the same answer as geopandas gives on the counties' territorial polygons
    counties = load_counties(geometry="territorial")
    pts = gpd.GeoDataFrame(reg, geometry=gpd.points_from_xy(reg["lon"], reg["lat"]), crs=4326)
    assert gpd.sjoin(pts, counties, predicate="within")["code"].tolist() == e["county"].tolist()


def test_a_located_row_in_no_county_polygon_gets_the_nearest_county_of_its_province():
    """OSM leaves Bushehr's territorial sea around Farsi Island out of every county."""
    farsi_sea = shapely.Point(50.25, 28.05)
    counties = load_counties(geometry="territorial")
    assert not counties.geometry.contains(farsi_sea).any()
    e = geo.join(pd.DataFrame({"lat": [farsi_sea.y], "lon": [farsi_sea.x]})).estates
    assert e["province"].tolist() == ["IR-18"] and e["status"].tolist() == ["flagged"]
    bushehr = counties[counties["province"] == "IR-18"].to_crs(EQUAL_AREA_CRS)
    point = gpd.GeoSeries([farsi_sea], crs=4326).to_crs(EQUAL_AREA_CRS).iloc[0]
    assert e["county"].tolist() == [bushehr.distance(point).idxmin()]


def test_county_column_that_contradicts_the_coordinates_is_flagged_with_both_named():
    reg = pd.DataFrame({"county": ["Shiraz", "Karaj"], "lat": [SHIRAZ[1], SHIRAZ[1]], "lon": [SHIRAZ[0], SHIRAZ[0]]})
    e = geo.join(reg).estates
    assert e["status"].tolist() == ["joined", "flagged"]
    assert e["county"].tolist() == [code_of("Shiraz County"), code_of("Karaj County")]  # the attribute is kept
    reasons = " | ".join(e["reasons"][1])
    assert "county attribute says r6555165 Karaj County (IR-30 Alborz)" in reasons
    assert "Shiraz County (IR-07 Fars)" in reasons
    assert "province attribute says IR-30 Alborz but the point lies in IR-07 Fars" in reasons
    assert any("شهرستان کرج" in r and "شهرستان شیراز" in r for r in e["reasons_fa"][1])


def test_by_county_adds_up_and_is_written(tmp_path):
    rng = np.random.default_rng(9)
    land = shapely.union_all(geo.load_provinces().geometry.to_numpy())
    lon, lat = rng.uniform(44, 63.3, 4000), rng.uniform(25, 39.8, 4000)
    keep = shapely.contains_xy(land, lon, lat)
    reg = pd.DataFrame({"lon": lon[keep], "lat": lat[keep], "units": rng.integers(0, 9, int(keep.sum()))})
    result = geo.join(reg)
    by_county = result.by_county
    assert len(by_county) == 478 and by_county["estates"].sum() == keep.sum() == result.summary["rows_with_county"]
    per_province = by_county.groupby("province")[["estates", "units_sum"]].sum()
    pd.testing.assert_frame_equal(
        per_province.reindex(result.by_province.index),
        result.by_province[["estates", "units_sum"]],
        check_names=False,
    )
    paths = result.write(tmp_path / "out", lang="en")
    written = pd.read_csv(paths["by_county.csv"], encoding="utf-8-sig")
    assert list(written.columns[:5]) == ["Code", "Province code", "Name (English)", "Name (Persian)", "Estates"]
    assert written["Estates"].sum() == keep.sum()
    report = json.loads(paths["report.json"].read_text(encoding="utf-8"))
    assert "by_county.csv" in report["outputs"]
    rows = pd.read_csv(paths["rows.csv"], encoding="utf-8-sig")
    assert rows["county"].notna().all() and set(rows["county"]) <= set(by_county.index)


def test_county_option_of_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from geo.cli import app

    register = tmp_path / "register.csv"
    register.write_text("id,place\n1,شهرستان شیراز\n2,كاشان\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["join", str(register), "--out", str(tmp_path / "out"), "--county", "place"])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(tmp_path / "out" / "rows.csv", encoding="utf-8-sig")
    assert rows["status"].tolist() == ["joined", "joined"] and rows["province"].tolist() == ["IR-07", "IR-10"]
    assert rows["county"].tolist() == [code_of("Shiraz County"), code_of("Kashan County")]
