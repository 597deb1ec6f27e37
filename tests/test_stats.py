"""Per-province yearbook tables: resolved 31/31, summing to the published national totals."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import geo
from geo._paths import data_dir
from geo.errors import LedgerError
from geo.reference.stats import load_indicators, load_province_stats


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


# --------------------------------------------------------------------------- Yearbook 1394, table 8-9

MANUFACTURING = "manufacturing_establishments_1394.csv"
COLUMNS = {"manufacturing_private": "private_total", "manufacturing_private_10_49": "private_10_49",
           "manufacturing_private_50_99": "private_50_99", "manufacturing_private_100plus": "private_100plus",
           "manufacturing_public": "public_total"}  # fmt: skip


def test_manufacturing_values_are_the_printed_ones(shared_dir):
    """Every province's value is the printed cell of ../shared/data (an empty cell, printed
    «.», is no data), under the code resolved from the name; the truncated printed name
    of Chaharmahal and Bakhtiari is kept as printed beside the name it was read as."""
    src = pd.read_csv(shared_dir / "data" / "yearbook_1394_manufacturing_establishments_by_province.csv", dtype=str,
                      keep_default_na=False)  # fmt: skip
    national, rows = src.iloc[0], src.iloc[1:]
    assert national["province_fa"] == "کل کشور"
    stats = load_province_stats()
    ind = load_indicators()
    for rec in rows.to_dict("records"):
        code = geo.resolve_province(rec["province_fa"])
        for ind_id, column in COLUMNS.items():
            value = stats.loc[code, ind_id]
            assert (np.isnan(value) if rec[column] == "" else value == int(rec[column])), (code, column)
    for ind_id, column in COLUMNS.items():
        assert ind.loc[ind_id, "national_total"] == int(national[column])  # the printed national row
    shipped = pd.read_csv(data_dir() / "yearbook" / MANUFACTURING, dtype=str, keep_default_na=False).set_index("code")
    assert shipped.loc["IR-14", "province_as_printed"] == "هار محال و بختیاری"
    assert shipped.loc["IR-14", "province_fa"] == "چهارمحال و بختیاری"
    assert np.isnan(stats.loc["IR-18", "manufacturing_public"])  # Bushehr: printed «.», not 0


def test_the_import_tool_reproduces_the_shipped_tables(shared_dir, tmp_path, monkeypatch):
    """tools/import_yearbook.py, run on ../shared/data, writes the shipped tables byte for byte."""
    import importlib.util
    from pathlib import Path

    tool_path = Path(__file__).resolve().parents[1] / "tools" / "import_yearbook.py"
    spec = importlib.util.spec_from_file_location("import_yearbook", tool_path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    target = tmp_path / "yearbook"
    target.mkdir()
    shutil.copy(data_dir() / "yearbook" / "indicators.csv", target)
    monkeypatch.setattr(tool, "TARGET", target)
    tool.main()
    for dst in tool.TABLES.values():
        assert (target / dst).read_bytes() == (data_dir() / "yearbook" / dst).read_bytes(), dst


def test_a_printed_table_that_does_not_add_up_is_reported_with_both_numbers():
    """Alborz, private, 100+ workers: the row's parts sum to 708 against its printed 608, and
    the column's provinces to 2,438 against the printed national 2,338. Each disagreement is
    a DataQualityWarning holding both numbers; the printed numbers are kept."""
    with pytest.warns(geo.DataQualityWarning) as caught:
        stats = load_province_stats()
    issues = {(w.message.issue.column, w.message.issue.code): w.message for w in caught}
    alborz = issues[("private_total", "IR-30")]
    assert "297 + 139 + 272 = 708" in str(alborz) and "608" in str(alborz) and MANUFACTURING in str(alborz)
    assert (alborz.issue.printed, alborz.issue.computed) == (608, 708)
    column = issues[("private_100plus", None)]
    assert (column.issue.printed, column.issue.computed) == (2338, 2438)
    assert "2,438" in str(column) and "2,338" in str(column)
    # the small differences the source puts down to sampling are reported too, never hidden
    assert issues[("private_total", "IR-23")].issue.computed == 1840
    assert issues[("public_total", None)].issue.printed == 338
    assert len(caught) == len(issues) == 6
    # never "fixed"
    assert stats.loc["IR-30", "manufacturing_private_100plus"] == 272
    assert stats.loc["IR-30", "manufacturing_private"] == 608
    assert stats["manufacturing_private_100plus"].sum() == 2438


def test_the_disagreements_stay_in_the_indicators_metadata():
    ind = load_indicators()
    hundred = ind.loc["manufacturing_private_100plus", "quality"]
    assert [(i.kind, i.printed, i.computed) for i in hundred][0] == ("national_total", 2338, 2438)
    assert any(i.code == "IR-30" and i.note("en") == "Alborz: 297 + 139 + 272 = 708, printed total 608" for i in hundred)
    assert "۷۰۸" in next(i.note("fa") for i in hundred if i.code == "IR-30")
    assert all(q == () for q in ind.loc[~ind.index.str.startswith("manufacturing"), "quality"])
    assert (ind.loc[ind.index.str.startswith("manufacturing"), "on_mismatch"] == "warn").all()
    assert (ind.loc[~ind.index.str.startswith("manufacturing"), "on_mismatch"] == "error").all()


def test_without_warn_a_table_that_does_not_add_up_is_an_error(table_copy):
    """on_mismatch is declared per indicator; without it a disagreement stops the load."""
    path = table_copy / "indicators.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("manufacturing_private,"))
    path.write_text(text.replace(row, row[: -len(",warn")] + ","), encoding="utf-8")
    with pytest.raises(LedgerError, match=rf"{MANUFACTURING}.*field 'private_total'.*12787.*12785"):
        load_province_stats(path)
    # with the national total set to the provinces' sum, the row check speaks (Tehran, row 24)
    path.write_text(path.read_text(encoding="utf-8").replace(",12785,", ",12787,"), encoding="utf-8")
    with pytest.raises(LedgerError, match=rf"{MANUFACTURING}, row 24, field 'private_total'.*1840.*1841"):
        load_province_stats(path)


def test_an_unknown_on_mismatch_is_rejected(table_copy):
    path = table_copy / "indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",warn\n", ",maybe\n", 1), encoding="utf-8")
    with pytest.raises(LedgerError, match="field 'on_mismatch'"):
        load_indicators(path)
