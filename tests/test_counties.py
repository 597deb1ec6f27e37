"""Counties: 478 OpenStreetMap counties, their codes and names, and resolve_county."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

import geo
from geo.errors import AmbiguousNameError, UnknownNameError
from geo.reference.counties import county_key, county_table, load_counties
from geo.reference.provinces import EQUAL_AREA_CRS


@pytest.fixture(scope="module")
def counties():
    return load_counties()


def test_478_counties_with_stable_codes(counties):
    assert len(counties) == 478 and counties.crs.to_epsg() == 4326
    assert counties["code"].is_unique and list(counties.index) == list(counties["code"])
    assert (counties["code"] == "r" + counties["osm_id"].astype(str)).all()
    assert set(counties["province"]) == set(geo.load_provinces()["code"])


def test_names(counties):
    # OSM writes «شهرستان» before every name but one (Khoy County is just «خوی»)
    assert counties.loc[~counties["name_fa"].str.startswith("شهرستان "), "name_fa"].tolist() == ["خوی"]
    assert geo.resolve_county("شهرستان خوی") == geo.resolve_county("خوی") == geo.resolve_county("Khoy County")
    assert (counties["name_fa"].str.removeprefix("شهرستان ").str.strip() == counties["name_fa_short"]).all()
    assert not counties["name_fa_short"].str.contains("شهرستان").any()
    text = "".join(counties["name_fa"])
    assert "ي" not in text and "ك" not in text
    # OSM has no name:en for three counties: one is filled from GeoNames (sourced), two stay empty
    assert sorted(counties.loc[counties["name_en"] == "", "name_fa_short"]) == ["جازموریان", "گنبکی"]
    assert counties.loc["r14474227", "name_en"] == "Marvast County"


def test_counties_tile_their_provinces():
    """Each province's counties add up to the province, on land and in the territorial sea
    (Farsi Island's territorial sea, Bushehr, is in no county in OSM)."""
    provinces = geo.load_provinces(geometry="territorial")
    for geometry in ("land", "territorial"):
        counties = load_counties(geometry=geometry)
        geoms = counties.geometry.to_numpy()
        assert shapely.is_valid(geoms).all() and shapely.coverage_is_valid(geoms)
    land_counties = load_counties().dissolve("province")
    land_provinces = geo.load_provinces()
    for code in land_provinces.index:
        diff = shapely.symmetric_difference(land_counties.loc[code, "geometry"], land_provinces.loc[code, "geometry"])
        assert diff.area < 1e-8, code
    terr = load_counties(geometry="territorial").dissolve("province").to_crs(EQUAL_AREA_CRS)
    gap = provinces.to_crs(EQUAL_AREA_CRS).geometry.area - terr.geometry.reindex(provinces.index).area
    assert (gap.drop("IR-18").abs() < 1).all()
    assert 1_000e6 < gap["IR-18"] < 1_500e6


def test_land_areas_add_up_to_the_provinces(counties):
    by_province = counties.groupby("province")["area_km2"].sum()
    provinces = geo.load_provinces()["area_km2"]
    np.testing.assert_allclose(by_province.reindex(provinces.index), provinces, atol=5.0)


def test_load_counties_of_one_province():
    alborz = load_counties("البرز")
    assert set(alborz["province"]) == {"IR-30"} and len(alborz) == len(load_counties("IR-30"))
    assert "کرج" in set(alborz["name_fa_short"])
    with pytest.raises(AmbiguousNameError):
        load_counties("Khorasan")


@pytest.mark.parametrize(
    "name",
    ["شهرستان تبریز", "تبریز", "شهرستان تبريز", "  تبريز ", "Tabriz County", "tabriz", "TABRIZ county", "r6554961"],
)
def test_resolve_tabriz_in_every_spelling(name):
    assert geo.resolve_county(name) == "r6554961"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("آق قلا", "r6554864"),  # space
        ("آق‌قلا", "r6554864"),  # ZWNJ
        ("آققلا", "r6554864"),  # neither
        ("اق قلا", "r6554864"),  # alef without madda
        ("Aqqala County", "r6554864"),
        ("شهرستان بندر انزلی", "r6554938"),
        ("Bandar-e-Anzali", "r6554938"),
        ("Bandar e Anzali County", "r6554938"),
        ("علی آباد کتول", "r6555124"),
        ("كرج", "r6555165"),  # Arabic kaf
    ],
)
def test_resolve_variants(name, code):
    assert geo.resolve_county(name) == code


def test_every_county_resolves_by_each_of_its_names(counties):
    for rec in counties.itertuples():
        for form in (rec.name_fa, rec.name_fa_short, rec.name_en):
            if form:
                assert geo.resolve_county(form) == rec.code, form
                assert geo.resolve_county(form, province=rec.province) == rec.code, form


def test_county_in_another_province_names_where_it_is():
    """Tabas County moved from Yazd to South Khorasan: a register that still says Yazd is told."""
    with pytest.raises(UnknownNameError) as err:
        geo.resolve_county("Tabas", province="Yazd")
    assert err.value.candidates == ("r6555119",)
    assert "IR-29 South Khorasan" in str(err.value) and "IR-21 Yazd" in str(err.value)
    assert "خراسان جنوبی" in err.value.message_fa and "یزد" in err.value.message_fa
    assert geo.resolve_county("Tabas", province="South Khorasan") == "r6555119"


def test_unknown_county_lists_the_closest_in_both_languages():
    with pytest.raises(UnknownNameError) as err:
        geo.resolve_county("Tabriiz")
    assert "r6554961" in err.value.candidates
    assert "r6554961 Tabriz County (IR-03 East Azerbaijan)" in str(err.value)
    assert "شهرستان تبریز (r6554961) در استان آذربایجان شرقی (IR-03)" in err.value.message_fa


@pytest.mark.parametrize("bad", ["", "شهرستان", "County", "   ", "‌", "<script>", "r999", "IR-10"])
def test_hostile_or_empty_names_are_unknown(bad):
    with pytest.raises(UnknownNameError):
        geo.resolve_county(bad)


@pytest.mark.parametrize("bad", [None, 12, ["Tabriz"], b"Tabriz"])
def test_non_text_is_refused(bad):
    with pytest.raises(UnknownNameError):
        geo.resolve_county(bad)  # type: ignore[arg-type]


def test_a_name_shared_by_two_provinces_is_ambiguous(monkeypatch):
    """No two OSM counties share a name today; if a split or a rename ever makes two (as
    happened with provinces), the resolver must name both and guess neither. Simulated on
    the real table: Tabas County duplicated under Yazd, its province before 1392."""
    import pandas as pd

    from geo.reference import counties as mod

    table = county_table()
    twin = table.loc[["r6555119"]].assign(code="r1", osm_id=1, province="IR-21")
    doubled = pd.concat([table, twin.set_index("code", drop=False).rename_axis(None)])
    monkeypatch.setattr(mod, "_table", lambda: doubled)
    mod._index.cache_clear()
    mod._resolve.cache_clear()
    try:
        with pytest.raises(AmbiguousNameError) as err:
            mod.resolve_county("طبس")
        assert set(err.value.candidates) == {"r6555119", "r1"}
        assert "IR-29 South Khorasan" in str(err.value) and "IR-21 Yazd" in str(err.value)
        assert "خراسان جنوبی" in err.value.message_fa and "یزد" in err.value.message_fa
        assert mod.resolve_county("طبس", province="IR-29") == "r6555119"
    finally:
        mod._index.cache_clear()
        mod._resolve.cache_clear()


def test_county_key_shares_the_province_folding():
    assert county_key("شهرستان آذرشهر") == county_key("آذر شهر") == county_key("اذرشهر")
    assert county_key("Khoda Afarin County") == county_key("khoda-afarin")
