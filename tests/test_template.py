"""The register template: its checks and guide, and a filled template round-tripping through `geo join`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook

from geo.reference.counties import county_table, load_counties
from geo.reference.facts import load_facts
from geo.reference.provinces import load_provinces
from geo.reference.stats import load_indicators
from geo.registers.template import TEMPLATE_ROWS, template_columns, template_references, write_template

REPO = Path(__file__).resolve().parents[1]


def _fill(path: Path, lang: str) -> pd.DataFrame:
    """Fill the template's data sheet: one estate in each province, at a point inside it."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    provinces = load_provinces().sort_values("code")
    points = provinces.geometry.representative_point()
    counties = load_counties()
    within = gpd.GeoDataFrame(geometry=points, crs=4326).sjoin(counties, predicate="within")
    named = within["name_fa_short" if lang == "fa" else "name_en"]
    county = named.where(named != "", within["name_fa_short"])  # as the county drop-down lists them
    yes, no = ("بله", "خیر") if lang == "fa" else ("yes", "no")
    rows = []
    for k, (code, rec) in enumerate(provinces.iterrows()):
        values = {
            "id": k + 1, "name": f"estate {k + 1}", "province": rec[f"name_{lang}"], "county": county[code],
            "lat": round(points[code].y, 5), "lon": round(points[code].x, 5), "area_ha": 100 + k,
            "green_space_ha": 10 + k / 2, "green_space_added_1396_ha": 2, "treatment_plant": yes if k % 2 else no,
            "treatment_plant_opened_1396": yes if k < 3 else no, "iso14001": yes if k % 3 == 0 else no,
            "fire_station_1396": yes if k < 9 else no, "monitoring_1396": no, "units_connected_1396": 40 + k,
            "audited_units_1396": 100, "units_started_1396": 50, "jobs_1396": 2000 + k,
        }  # fmt: skip
        rows.append(values | {"county_code": within.loc[code, "index_right"]})
        for col_index, col in enumerate(template_columns(), start=1):
            ws.cell(row=k + 2, column=col_index, value=values[col.key])
    wb.save(path)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_filled_template_round_trips_through_geo_join(tmp_path, lang) -> None:
    path = tmp_path / f"estates_{lang}.xlsx"
    done = subprocess.run([sys.executable, "-m", "geo", "template", "--out", str(path), "--lang", lang],
                          capture_output=True, text=True, timeout=300, cwd=REPO)  # fmt: skip
    assert done.returncode == 0, done.stderr
    filled = _fill(path, lang)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "geo", "join", str(path), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=REPO)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["rows_in"] == report["rows_joined"] == 31 and report["rows"] == []
    assert set(report["columns"]) == {"id", "name", "province", "county", "lat", "lon"}
    statuses = pd.read_csv(out / "rows.csv", encoding="utf-8-sig")
    assert statuses["county"].tolist() == filled["county_code"].tolist()  # each county from its drop-down resolved
    # every column with a figure is compared with it, with no --reconcile
    recon = pd.read_csv(out / "reconciliation.csv", encoding="utf-8-sig")
    national = recon[recon["province"].isna()].set_index("reference")
    expected = {c.reference for c in template_columns() if c.reference}
    assert set(national.index) == expected
    fire = national.loc["hse_fire_stations_built"]
    published = load_facts().set_index("id").loc["hse_fire_stations_built", "value"]
    assert (fire["register"], fire["published"], fire["difference"]) == (9, published, 9 - published)
    green = national.loc["green_space_ha"]
    assert green["register"] == pytest.approx(filled["green_space_ha"].sum())
    assert green["published"] == pytest.approx(load_indicators().loc["green_space_ha", "national_total"])
    assert len(recon[recon["reference"] == "green_space_ha"]) == 32  # the nation and each province


def test_the_template_checks_what_each_column_may_hold(tmp_path) -> None:
    path = write_template(tmp_path / "estates.xlsx", lang="fa")
    wb = load_workbook(path)
    data, guide, _ = wb.worksheets
    assert data.sheet_view.rightToLeft and guide.sheet_view.rightToLeft
    headers = [c.value for c in data[1]]
    assert headers[:3] == ["شناسه (id)", "نام شهرک (estate name)", "استان (province)"]
    rules = {next(iter(r.sqref.ranges)).coord.split(":")[0]: r for r in data.data_validations.dataValidation}
    province = rules["C2"]
    assert province.type == "list" and next(iter(province.sqref.ranges)).coord == f"C2:C{TEMPLATE_ROWS + 1}"
    sheet, cells = province.formula1.split("!")
    listed = [c.value for c in guide[cells.replace("$", "")] for c in c]
    assert sorted(listed) == sorted(load_provinces()["name_fa"]) and len(listed) == 31
    by_key = {c.key: rules[data.cell(row=2, column=k).coordinate] for k, c in enumerate(template_columns(), 1)
              if data.cell(row=2, column=k).coordinate in rules}  # fmt: skip
    assert by_key["iso14001"].formula1 == '"بله,خیر"'
    assert by_key["lat"].type == "decimal" and float(by_key["lat"].formula1) <= 25.06 <= 39.78 <= float(
        by_key["lat"].formula2
    )
    assert by_key["units_connected_1396"].type == "whole" and by_key["area_ha"].type == "decimal"
    assert "name" not in by_key  # free text
    county = by_key["county"]  # a suggestion from the counties of the row's province; any spelling may be typed
    assert county.type == "list" and not county.showErrorMessage
    assert county.formula1.count("$C2") == 2  # the province column, on the rule's first row


def test_the_county_drop_down_lists_the_counties_of_the_province_chosen(tmp_path) -> None:
    # two counties of Kerman have no English name in OpenStreetMap: listed by their Persian one
    for lang, name in (("fa", "name_fa_short"), ("en", "name_en")):
        wb = load_workbook(write_template(tmp_path / f"estates_{lang}.xlsx", lang=lang))
        data, sheet = wb.worksheets[0], wb.worksheets[2]
        rows = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert len(rows) == len(county_table()) == 478
        # OFFSET(first row of the province, COUNTIF rows) needs each province's counties in one block
        blocks = [p for k, (p, _) in enumerate(rows) if k == 0 or rows[k - 1][0] != p]
        assert len(blocks) == len(set(blocks)) == 31
        names = load_provinces().set_index(f"name_{lang}").index
        for province in names:
            listed = sorted(c for p, c in rows if p == province)
            code = load_provinces().index[names.get_loc(province)]
            table = county_table(code)
            assert listed == sorted(table[name].where(table[name] != "", table["name_fa_short"])), province
        rule = next(r for r in data.data_validations.dataValidation if "OFFSET" in r.formula1)
        assert f"'{sheet.title}'!$A$2:$A$479" in rule.formula1


def test_the_guide_names_each_figure_from_the_ledger_and_the_yearbook(tmp_path) -> None:
    wb = load_workbook(write_template(tmp_path / "estates.xlsx", lang="en"))
    guide = {row[4]: row[3] for row in wb.worksheets[1].iter_rows(min_row=5, values_only=True) if row and row[4]}
    facts = load_facts().set_index("id")
    fire = guide["hse_fire_stations_built"]
    assert f": {facts.loc['hse_fire_stations_built', 'value']} " in fire and "1396" in fire
    assert facts.loc["hse_fire_stations_built", "source_phrase"] in fire
    green = guide["green_space_ha"]
    ind = load_indicators().loc["green_space_ha"]
    assert f"{int(ind['national_total']):,} ha in {ind['year_sh']}" in green and "table 2-23" in green


def test_template_headers_are_found_in_either_language() -> None:
    found = template_references(["ISO 14001 certified", "گواهی ایزو ۱۴۰۰۱ (ISO 14001 certified)", "شناسه", "notes"])
    assert found == {"ISO 14001 certified": "hse_iso14001_estates",
                     "گواهی ایزو ۱۴۰۰۱ (ISO 14001 certified)": "hse_iso14001_estates"}  # fmt: skip
