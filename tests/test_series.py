"""The national series (data/facts/series.csv): read, checked, its disagreements kept, on the map's panel."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.errors import LedgerError
from geo.maps import embedded_data, estates_map, render_html
from geo.maps.contract import check_page_data
from geo.reference.series import charted, disagreements, format_series, load_series

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "isipo_national_series.csv"


@pytest.fixture(scope="module")
def series():
    return load_series()


def test_every_figure_is_a_number_of_a_known_indicator_with_its_source(series) -> None:
    assert series["value"].dtype.kind == "i" and (series["value"] > 0).all()
    press = series[series["origin"] == "press"]
    assert press["source_url"].str.startswith("https://").all()
    assert set(series.loc[series["origin"] == "article", "indicator"]) == {"units_started_in_year", "units_in_estates"}


def test_rows_of_two_numbers_are_split_and_the_uncertain_one_is_left_out(series) -> None:
    split = series[series["printed_value"] == "729 / 147"]
    assert sorted(zip(split["indicator"], split["value"], strict=True)) == [
        ("estates_operating", 729),
        ("estates_with_treatment_plant", 147),
    ]
    assert split["year"].isna().all()  # the source names no year: none guessed
    assert not series["value"].isin([768, 780]).any()  # reversed OCR digits: left out
    assert series.loc[series["as_of_printed"].str.startswith("end of Shahrivar, year not"), "year"].isna().all()


@pytest.mark.skipif(not SHARED.is_file(), reason="the shared reference data is not beside the repository")
def test_each_press_figure_is_printed_in_its_source_row(series) -> None:
    with SHARED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for rec in series[series["origin"] == "press"].to_dict("records"):
        same = [r for r in rows if r["source_url"] == rec["source_url"] and r["as_of_sh"] == rec["as_of_printed"]]
        texts = [r["note"].replace(",", "") if rec["from_note"] else r["value"] for r in same]
        assert any(str(rec["value"]) in t.replace(" ", "").split("/") or str(rec["value"]) in t for t in texts), rec


def test_disagreements_keep_both_figures_with_their_sources(series) -> None:
    found = {(d.indicator, d.year): d for d in disagreements(series)}
    article = found[("units_started_in_year", 1396)]
    assert sorted(article.values) == [2007, 2576] and any("article" in s for s in article.sources)
    assert sorted(found[("treatment_modules", 1397)].values) == [129, 229]
    assert set(found[("treatment_modules", 1397)].sources) == {"tasnimnews.com", "sharifsearch.ir"}
    assert "units_started_in_year" in charted(series) and "treatment_modules" not in charted(series)


def test_a_bad_row_is_refused_naming_row_and_field(tmp_path) -> None:
    src = Path(load_series.__code__.co_filename).parents[1] / "data" / "facts"
    (tmp_path / "series_indicators.csv").write_text((src / "series_indicators.csv").read_text("utf-8"), "utf-8")
    text = (src / "series.csv").read_text("utf-8").splitlines()
    text[2] = text[2].replace(",1392,1392-12-29,", ",1392,1393-12-29,")
    (tmp_path / "series.csv").write_text("\n".join(text) + "\n", "utf-8")
    with pytest.raises(LedgerError, match="not in the year") as err:
        load_series(tmp_path / "series.csv")
    assert err.value.row == 2 and err.value.field == "as_of"


def test_geo_facts_prints_the_series() -> None:
    run = [sys.executable, "-m", "geo", "facts", "--series", "--format"]
    records = json.loads(subprocess.run([*run, "json"], capture_output=True, check=True, text=True).stdout)
    assert {r["origin"] for r in records} == {"press", "article"} and all("source_url" in r for r in records)
    assert format_series(fmt="csv").startswith("indicator,label_en,")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_panel_carries_a_chart_per_indicator_with_two_years(lang) -> None:
    data = embedded_data(render_html(estates_map(lang=lang, counties=False)))
    check_page_data(data)
    charts = {c["id"]: c for c in data["series"]["charts"]}
    assert list(charts) == charted(load_series())
    units = charts["units_started_in_year"]
    assert units["article"].count(True) == 1 and units["clash"].count(True) == 2 and len(units["notes"]) == 1
    assert ("۱۳۹۶" if lang == "fa" else "1396") in units["yt"] and all("·" in t for t in units["tip"])
    assert len(data["series"]["notes"]) == 2  # the treatment modules: one year, two figures, both named
