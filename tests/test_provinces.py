"""The shipped province boundaries: 31 provinces, current ISO codes, a clean coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pycountry
import pyproj
import pytest
import shapely

import geo
from geo._paths import data_dir
from geo.provinces import province_table

IRAN_LAND_AREA_KM2 = 1_648_195


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


def test_polygons_are_a_clean_coverage(provinces):
    geoms = provinces.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert set(shapely.get_type_id(geoms)) <= {3, 6}  # Polygon, MultiPolygon
    assert shapely.coverage_is_valid(geoms)
    # no overlaps: the sum of areas equals the area of the union
    union = shapely.union_all(geoms)
    assert shapely.area(geoms).sum() == pytest.approx(union.area, rel=1e-9)
    # no gaps: the union has no interior holes anywhere
    assert sum(shapely.get_num_interior_rings(p) for p in shapely.get_parts(union)) == 0


def test_minor_islands_went_to_their_nearest_provinces(provinces):
    hormuz = shapely.Point(55.306, 26.264)
    khuzestan_coast = shapely.Point(49.036, 30.482)
    assert provinces.geometry.contains(hormuz).sum() == 1
    assert provinces.loc[provinces.geometry.contains(hormuz)].index[0] == "IR-22"
    assert provinces.loc[provinces.geometry.contains(khuzestan_coast)].index[0] == "IR-06"


def test_area_in_equal_area_projection(provinces):
    recomputed = provinces.to_crs(geo.provinces.EQUAL_AREA_CRS).area / 1e6
    np.testing.assert_allclose(provinces["area_km2"], recomputed, atol=0.06)
    # cross-check with geodesic areas on the WGS84 ellipsoid
    geod = pyproj.Geod(ellps="WGS84")
    geodesic = np.array([abs(geod.geometry_area_perimeter(g)[0]) / 1e6 for g in provinces.geometry])
    np.testing.assert_allclose(provinces["area_km2"], geodesic, rtol=2e-3)


def test_total_area_within_3_percent_of_iran(provinces):
    total = provinces["area_km2"].sum()
    assert abs(total / IRAN_LAND_AREA_KM2 - 1) < 0.03


def test_reference_areas_table_covers_every_province(provinces):
    ref = pd.read_csv(data_dir() / "boundaries" / "reference_areas.csv")
    assert set(ref["code"]) == set(provinces["code"])
    merged = provinces.merge(ref, on="code")
    # Natural Earth is generalised, but no province is off by more than a quarter
    assert ((merged["area_km2"] / merged["reference_km2"] - 1).abs() < 0.25).all()


def test_known_points_fall_in_their_provinces(provinces):
    cities = {
        "IR-23": (51.389, 35.689),  # Tehran
        "IR-10": (51.668, 32.654),  # Isfahan
        "IR-07": (52.531, 29.592),  # Shiraz
        "IR-09": (59.606, 36.297),  # Mashhad
        "IR-03": (46.292, 38.080),  # Tabriz
        "IR-30": (50.991, 35.840),  # Karaj
        "IR-22": (56.30, 27.30),  # inland of Bandar Abbas (the generalised coast runs through the city)
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
    from geo.stats import load_indicators, load_province_stats

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
