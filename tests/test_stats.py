"""Per-province yearbook tables: resolved 31/31, summing to the published national totals."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import geo
from geo._paths import data_dir
from geo.errors import LedgerError
from geo.stats import load_indicators, load_province_stats


def test_tables_resolve_31_of_31_and_sum_to_national_totals():
    stats = load_province_stats()
    assert len(stats) == 31
    assert stats["green_space_ha"].notna().all()
    assert stats["green_space_ha"].sum() == 6604
    assert stats["treatment_plants_operational"].sum() == 156
    assert stats["treatment_plants_under_construction"].sum() == 37
    assert stats["treatment_plants_in_design"].sum() == 59


def test_values_match_the_shared_source(shared_dir):
    """The shipped tables hold exactly the figures of ../shared/data, under resolved codes."""
    src = pd.read_csv(shared_dir / "data" / "yearbook_1392_green_space_ha_by_province.csv")
    src["code"] = src["province"].map(geo.resolve_province)
    stats = load_province_stats()
    for code, value in zip(src["code"], src["green_space_ha"]):
        assert stats.loc[code, "green_space_ha"] == value
    tp = pd.read_csv(shared_dir / "data" / "yearbook_1392_treatment_plants_by_province.csv")
    tp["code"] = tp["province"].map(geo.resolve_province)
    for rec in tp.itertuples():
        assert stats.loc[rec.code, "treatment_plants_operational"] == rec.operational
        assert stats.loc[rec.code, "treatment_plants_in_design"] == rec.in_design


def test_known_provinces():
    stats = load_province_stats()
    assert stats.loc["IR-09", "green_space_ha"] == 793  # Razavi Khorasan, the largest
    assert stats.loc["IR-23", "green_space_ha"] == 717  # Tehran
    assert stats.loc["IR-02", "treatment_plants_operational"] == 11  # Mazandaran


def test_density_indicator_uses_province_area():
    stats = load_province_stats()
    expected = stats["green_space_ha"] / stats["area_km2"] * 1000
    np.testing.assert_allclose(stats["green_space_ha_per_1000km2"], expected)
    assert stats["green_space_ha_per_1000km2"].idxmax() == "IR-23"  # Tehran: 717 ha on ~14,400 km²


def test_indicator_metadata_is_complete():
    ind = load_indicators()
    assert {"green_space_ha", "treatment_plants_operational"} <= set(ind.index)
    assert set(ind["year_sh"]) == {"1392", "1394"}
    assert (ind.loc[ind["table"] == "manufacturing_establishments_1394.csv", "year_sh"] == "1394").all()
    assert ind["source_en"].str.contains("Statistical Yearbook").all()


@pytest.fixture
def table_copy(tmp_path):
    folder = tmp_path / "yearbook"
    shutil.copytree(data_dir() / "yearbook", folder)
    return folder


def test_a_changed_value_breaks_the_national_total(table_copy):
    path = table_copy / "green_space_1392.csv"
    text = path.read_text(encoding="utf-8").replace("IR-23,تهران,717", "IR-23,تهران,718")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError, match=r"green_space_1392\.csv.*6605.*6604"):
        load_province_stats(table_copy / "indicators.csv")


def test_a_non_number_names_file_row_and_field(table_copy):
    path = table_copy / "treatment_plants_1392.csv"
    text = path.read_text(encoding="utf-8")
    assert ",11,4,2," in text.splitlines()[3]  # row 3: Mazandaran
    path.write_text(text.replace(",11,4,2,", ",eleven,4,2,"), encoding="utf-8")
    with pytest.raises(LedgerError, match=r"treatment_plants_1392\.csv, row 3, field 'operational'"):
        load_province_stats(table_copy / "indicators.csv")


def test_a_wrong_code_is_caught(table_copy):
    path = table_copy / "green_space_1392.csv"
    text = path.read_text(encoding="utf-8").replace("IR-23,تهران", "IR-30,تهران")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError, match="resolves to IR-23, not IR-30"):
        load_province_stats(table_copy / "indicators.csv")


def test_unknown_scheme_is_rejected(table_copy):
    path = table_copy / "indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("NaturalBreaks", "Rainbow", 1), encoding="utf-8")
    with pytest.raises(LedgerError, match="row 1, field 'scheme'"):
        load_indicators(path)
