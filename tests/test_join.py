"""Joining registers to provinces: the corpus of bad files, accounting, outputs, reconciliation."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import geo.maps
from geo.cli import app
from geo.errors import RegisterError
from geo.joining import COAST_KM, join
from geo.joining.reconciliation import parse_reconcile, reconcile
from geo.reference.provinces import load_provinces

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "bad_registers"))
from make_corpus import build  # noqa: E402

EXAMPLE = HERE.parent / "data" / "examples" / "estates_example.csv"
runner = CliRunner()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def good_points() -> pd.DataFrame:
    """One real point inside each province: representative_point() of its polygon."""
    p = load_provinces()
    pts = p.geometry.representative_point()
    return pd.DataFrame({"code": p.index, "name_fa": p["name_fa"], "name_en": p["name_en"],
                         "lat": pts.y.to_numpy(), "lon": pts.x.to_numpy()})  # fmt: skip


def _run(args: list[str]):
    result = runner.invoke(app, args)
    assert "Traceback" not in (result.output or "")
    return result


# file, extra CLI args, exit code, statuses in row order (None: not processed), reason substrings
CORPUS = [
    ("empty.csv", [], 3, None, ["empty"]),
    ("whitespace_only.csv", [], 3, None, ["empty"]),
    ("header_only.csv", [], 0, [], ["no data rows"]),
    ("binary.csv", [], 3, None, ["not a text file"]),
    ("wrong_encoding.csv", [], 3, None, ["no province or county column", "encoding"]),
    ("windows1256.csv", [], 0, ["joined"], []),
    ("mixed_encodings.csv", [], 0, ["joined", "joined"], ["mixed encodings"]),
    ("utf16_excel.tsv", [], 0, ["joined"], []),
    ("broken.geojson", [], 3, None, ["cannot read as GeoJSON"]),
    ("invalid_polygons.geojson", [], 0, ["flagged", "joined"], ["invalid estate geometry", "Self-intersection"]),
    ("null_geometry.geojson", [], 3, None, ["no province or county column and no location"]),
    ("epsg3857.geojson", [], 0, ["joined", "joined"], []),
    ("epsg3857_columns.csv", [], 0, ["rejected", "rejected"], ["projected CRS", "`crs`"]),
    ("epsg3857_columns.csv", ["--crs", "EPSG:3857"], 0, ["joined", "joined"], []),
    ("nan_infinity.csv", [], 0, ["flagged", "rejected", "flagged"], ["not a number: 'NaN'", "'Infinity'"]),
    ("out_of_range.csv", [], 0, ["rejected"] * 3, ["out of range: lat=95", "lon=200"]),
    ("swapped.csv", [], 0, ["flagged", "flagged"], ["look swapped", "IR-23 Tehran", "IR-09 Razavi Khorasan"]),
    (
        "at_sea.csv",
        [],
        0,
        ["rejected", "rejected", "flagged", "rejected", "flagged"],
        ["outside Iran", "in the territorial sea of IR-22 Hormozgan", "km from IR-22"],
    ),
    (
        "at_sea.csv",
        ["--by", "location"],
        0,
        ["rejected", "rejected", "flagged", "rejected", "flagged"],
        ["at sea beyond the territorial sea"],
    ),
    ("negative_counts.csv", [], 0, ["flagged", "joined"], ["negative value", "-5"]),
    ("text_in_numbers.csv", [], 0, ["flagged", "joined", "joined"], ["text in a number column", "'ده'"]),
    ("duplicate_ids.csv", [], 0, ["flagged", "flagged", "joined"], ["duplicate id '7' (rows 1, 2)"]),
    ("long_names.csv", [], 0, ["flagged"], ["10,000 characters"]),
    ("html_names.csv", [], 0, ["joined", "joined"], []),
    (
        "formulas.csv",
        [],
        0,
        ["rejected", "rejected", "rejected", "flagged", "rejected"],
        ["unknown province 'Atlantis'"],
    ),
    ("historical_province.csv", [], 0, ["rejected"] * 3, ["ambiguous", "IR-28 North Khorasan", "earlier edition"]),
    ("no_usable_columns.csv", [], 3, None, ["no province or county column"]),
    ("ragged.csv", [], 3, None, ["line 3"]),
    ("unknown_format.dat", [], 3, None, ["unknown register format"]),
    ("not_really.xlsx", [], 3, None, ["cannot read as XLSX"]),
    ("truncated.xlsx", [], 3, None, ["cannot read as XLSX"]),
    ("junk.parquet", [], 3, None, ["cannot read as Parquet"]),
    ("lat_without_lon.csv", [], 0, ["joined"], ["no partner column"]),
    ("zwnj_arabic_headers.csv", [], 0, ["joined"], []),
    (
        "mixed.xlsx",
        [],
        0,
        ["flagged", "rejected"],
        ["Atlantis", "cell B2 holds a formula with no saved value ('=1+1 formula text')"],
    ),
    ("missing_file.csv", [], 3, None, ["no such file"]),
    ("swapped.csv", ["--strict"], 1, ["flagged", "flagged"], []),
    ("windows1256.csv", ["--strict"], 0, ["joined"], []),
    ("swapped.csv", ["--by", "attribute"], 0, ["rejected", "rejected"], ["no province given"]),
    # --- a hostile user's files: what Excel, QGIS and Google Maps make
    ("title_row.csv", [], 0, ["joined", "joined"], ["header is on line 3", "lines 1–2 above it were skipped"]),
    ("two_row_header.csv", [], 0, ["joined"], ["header is two lines (lines 1 and 2"]),
    ("title_row.xlsx", [], 0, ["joined", "joined"], ["header is on row 3"]),
    ("merged_header.xlsx", [], 0, ["joined"], ["header is on row 2", "'مشخصات'"]),
    ("readme_sheet_first.xlsx", [], 0, ["joined"], ["2 sheets", "the first with estate columns", "`sheet`"]),
    ("two_sheets.xlsx", [], 0, ["joined"], ["read '1401' (the first)", "`sheet`"]),
    ("two_sheets.xlsx", ["--sheet", "1402"], 0, ["joined", "joined"], ["read '1402'"]),
    ("two_sheets.xlsx", ["--sheet", "1403"], 3, None, ["no sheet '1403'", "'1401', '1402'"]),
    (
        "excel_types.xlsx",
        [],
        0,
        ["joined", "flagged", "joined", "joined"],
        ["'نامعلوم'", "not a yes/no value 'ISO': 'x'"],
    ),
    ("two_layers.gpkg", [], 0, ["joined"], ["2 layers", "read 'estates'", "`sheet`"]),
    ("two_layers.gpkg", ["--layer", "zones"], 0, ["joined", "joined"], []),
    ("title_row.csv", ["--sheet", "x"], 3, None, ["--sheet chooses a sheet of an XLSX file"]),
    (
        "dms.csv",
        [],
        0,
        ["joined", "joined", "joined", "flagged", "flagged"],
        ["degrees-minutes-seconds", "names the hemisphere of a longitude", "not a number: '35°71′N'"],
    ),
    ("comma_decimal_semicolon.csv", [], 0, ["joined", "joined"], ["decimal comma", "read as 35.69"]),
    (
        "latlon_one_column.csv",
        [],
        0,
        ["joined", "flagged", "flagged"],
        ["holds coordinate pairs", "look swapped", "not a 'lat, lon' pair: 'nonsense'"],
    ),
    ("coordinate_pairs_unnamed.csv", [], 0, ["joined", "joined", "joined"], ["'where' holds coordinate pairs"]),
    ("duplicate_headers.csv", [], 0, ["joined"], ["'استان' appears 2 times", "'استان.1'"]),
    ("zwnj_only_cells.csv", [], 0, ["flagged", "rejected"], ["no province given"]),
    (
        "checkmarks.csv",
        [],
        0,
        ["joined", "joined", "flagged", "joined", "flagged", "joined"],
        ["not a yes/no value 'ISO 14001': 'x'", "'-'"],
    ),
    ("legacy_iso.csv", [], 0, ["rejected", "joined", "joined", "joined"], ["`legacy_codes`", "IR-28 North Khorasan"]),
    ("legacy_iso.csv", ["--legacy-codes"], 0, ["joined"] * 4, []),
    ("ids_as_written.csv", [], 0, ["joined"] * 4, ['"007"', '"1.0"', '"-0"', '"123456789012345678901234567890"']),
    ("formula_everywhere.csv", [], 0, ["rejected", "flagged"], ["'=cmd': '=4'"]),
    ("wkt_column.csv", [], 0, ["joined", "joined", "flagged"], ["'WKT' read as geometries", "not a WKT/WKB geometry"]),
    (
        "mixed_geometries.geojson",
        [],
        0,
        ["joined", "flagged", "flagged", "rejected", "joined"],
        ["MultiPoint of 2 points", "LineString", "no usable coordinates"],
    ),
    ("wkb_without_geo_metadata.parquet", [], 0, ["joined"], ["read as geometries"]),
    ("no_geometry.parquet", [], 0, ["joined", "joined"], []),
    ("a_folder.csv", [], 3, None, ["this is a folder"]),
    ("broken_link.csv", [], 3, None, ["broken link", "does not exist"]),
    # --- third round (issue 15): rows lost, columns shadowed, values that break sums, limits
    (
        "unbalanced_quote.csv",
        [],
        3,
        None,
        ["row 5", "column 'نام' (line 6) is closed only 95 lines further down", "94 lines that look like rows"],
    ),
    ("unclosed_quote.csv", [], 3, None, ["line 6: a quote opened there is never closed"]),
    (
        "reserved_columns.csv",
        [],
        0,
        ["joined", "rejected"],
        ["'status' is renamed 'user_status'", "'STATUS' is renamed 'user_STATUS.1'", "'row' is renamed 'user_row'"],
    ),
    ("control_characters.csv", [], 0, ["joined"] * 2002, ["control character(s) (NUL, ESC …) removed from 'نام'"]),
    ("huge_cell.csv", [], 0, ["joined", "rejected"], ["unknown province 'Atlantisxxxxxxxxxxxxxxxxxxxxxxxx"]),
    (
        "sum_overflow.csv",
        [],
        0,
        ["flagged", "flagged", "joined"],
        ["the sum of 'تعداد واحد' in IR-23 Tehran is beyond the largest number a float holds"],
    ),
    ("e308.csv", [], 0, ["flagged", "flagged"], ["the national total of 'تعداد واحد' is beyond"]),
    (
        "formula_no_value.xlsx",
        [],
        0,
        ["joined", "flagged", "rejected"],
        ["cell C3 holds a formula with no saved value ('=SUM(1,2)')", "cell B4 holds a formula"],
    ),
    ("blank_rows.xlsx", [], 0, ["joined", "joined"], []),
    ("stray_a1048576.xlsx", [], 0, ["joined", "rejected"], ["no province given"]),
    # its one cell is its header: no data rows, the rule of header_only.csv
    ("stray_xfd1048576.xlsx", [], 0, [], ["the header is on row 1048576", "no data rows"]),
    (
        "shared_strings_bomb.xlsx",
        [],
        3,
        None,
        ["'xl/sharedStrings.xml' expands from 797 KB to 800 MB", "GEO_MAX_EXPANSION"],
    ),
    ("numeric_10000_columns.csv", [], 3, None, ["10,000 columns, more than the limit of 500", "GEO_MAX_COLUMNS"]),
    ("text_2100_columns.csv", [], 3, None, ["2,100 columns"]),
    ("uint64_ids.parquet", [], 0, ["joined"] * 3, ['"id": "18446744073709551615"', '"id": "9223372036854775808"']),
    ("bad_crs.geojson", [], 3, None, ['declares its CRS as "EPSG:999999"', "--crs"]),
    ("bad_crs.geojson", ["--crs", "EPSG:3857"], 0, ["joined"], []),
    (
        "iso_code_column.csv",
        [],
        0,
        ["joined"] * 4,
        ["column 'code', whose header reads as the id column, was taken", "e.g. 'IR-03'"],
    ),
    ("abbreviations.csv", [], 0, ["joined"] * 11 + ["rejected"] * 2, ["'Kh.' is ambiguous"]),
    ("province_blank_located.csv", [], 0, ["joined"] * 40 + ["flagged"], ["no province given; joined by location"]),
    ("negative_counts.csv", ["--reconcile", "{corpus}/reconcile_deep.json"], 3, None, ["nested too deeply"]),
    ("negative_counts.csv", ["--reconcile", "{corpus}/reconcile_binary.json"], 3, None, ["not UTF-8 text", "binary"]),
]
#: Corpus files used by other tests than the table (the table's arguments name the reconciliation ones).
OTHER_FILES = {"hostile_ledger.csv": "test_hostile.py::test_facts_csv_neutralises_formulas"}


@pytest.mark.parametrize(("name", "args", "code", "statuses", "needles"), CORPUS,
                         ids=[f"{c[0]}{' '.join(c[1])}" for c in CORPUS])  # fmt: skip
def test_corpus_file_has_its_expected_outcome(corpus, tmp_path, name, args, code, statuses, needles) -> None:
    args = [a.replace("{corpus}", str(corpus)) for a in args]
    result = _run(["join", str(corpus / name), "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == code, result.output
    if statuses is None:
        assert not (tmp_path / "out").exists()  # refused before any output was written
        text = result.output
        if code == 3 and needles:
            assert len([line for line in result.output.splitlines() if line.strip()]) <= 3  # one message
    else:
        report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
        rows = pd.read_csv(tmp_path / "out" / "rows.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert rows["status"].tolist() == statuses  # every row's status, joined rows included
        assert rows["row"].tolist() == [str(i) for i in range(1, len(statuses) + 1)]
        # the report lists every flagged or rejected row, with the same status and reasons
        problems = rows[rows["status"] != "joined"]
        assert [r["row"] for r in report["rows"]] == problems["row"].astype(int).tolist()
        assert [r["status"] for r in report["rows"]] == problems["status"].tolist()
        assert [" | ".join(r["reasons"]) for r in report["rows"]] == problems["reasons"].tolist()
        assert report["rows_in"] == report["rows_joined"] + report["rows_flagged"] + report["rows_rejected"]
        assert report["rows_in"] == len(statuses) and report["rows_listed"] == len(problems)
        assert all(r["reasons"] for r in report["rows"])
        ids = [{"id": i} for i in rows["id"].str.removeprefix("'")]  # as written (a CSV cell -0 is quoted with ')
        notes = rows["notes"].tolist() if "notes" in rows.columns else []  # a joined row's notes: in rows.csv
        text = json.dumps([report, ids, notes], ensure_ascii=False)
    for needle in needles:
        assert needle in text


def test_corpus_has_at_least_55_files(corpus) -> None:
    assert len(list(corpus.iterdir())) >= 55


def test_every_corpus_file_is_in_the_table(corpus) -> None:
    tested = {c[0] for c in CORPUS} | set(OTHER_FILES)
    tested |= {Path(a).name for c in CORPUS for a in c[1] if a.startswith("{corpus}")}
    assert sorted(p.name for p in corpus.iterdir() if p.name not in tested) == []


def test_cli_errors_are_one_line_without_traceback(corpus, tmp_path) -> None:
    for name in ("a_folder.csv", "broken_link.csv", "junk.parquet", "empty.csv"):
        result = _run(["join", str(corpus / name), "--out", str(tmp_path / "out")])
        assert result.exit_code == 3 and "Traceback" not in result.output
    (tmp_path / "blocked").write_text("a file where the output folder should be")
    result = _run(["join", str(corpus / "windows1256.csv"), "--out", str(tmp_path / "blocked")])
    assert result.exit_code == 3 and "is a file, not a folder" in result.output


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_cli_names_the_sheet_option_where_the_report_names_the_parameter(corpus, tmp_path, lang) -> None:
    """A workbook of two sheets: the command line tells to choose one with --sheet (set apart
    for right-to-left text in Persian), report.json (the library's words) with `sheet`."""
    result = _run(["join", str(corpus / "two_sheets.xlsx"), "--out", str(tmp_path / "out"), "--lang", lang])
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if "1402" in line)
    if lang == "fa":
        assert warning.endswith("با \u2068--sheet\u2069 یکی را برگزینید"), warning
    else:
        assert warning.endswith("(the first); choose one with --sheet"), warning
    assert "`" not in result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [w for w in report["warnings"] if "2 sheets" in w][0].endswith("choose one with `sheet`")


def test_outputs_of_hostile_files_are_valid(corpus, tmp_path) -> None:
    """RFC 7946 GeoJSON (lon, lat; no NaN), a GPKG pyogrio reads, 31 provinces, every reject, no formula."""
    import pyogrio

    for name in ("mixed_geometries.geojson", "formula_everywhere.csv", "excel_types.xlsx", "latlon_one_column.csv",
                 "nan_infinity.csv", "wkt_column.csv"):  # fmt: skip
        out = tmp_path / name
        result = join(corpus / name)
        result.write(out)
        text = (out / "joined.geojson").read_text(encoding="utf-8")
        doc = json.loads(text, parse_constant=lambda c, name=name: pytest.fail(f"{name}: {c} in joined.geojson"))
        assert "crs" not in doc and doc["type"] == "FeatureCollection"
        for feature in doc["features"]:
            if feature["geometry"] is not None:
                lon, lat = feature["geometry"]["coordinates"]
                assert 44 < lon < 64 and 25 < lat < 40, (name, feature)
        assert len(pyogrio.read_dataframe(out / "joined.gpkg")) == len(doc["features"])
        json.loads((out / "report.json").read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(c))
        assert len(pd.read_csv(out / "by_province.csv", encoding="utf-8-sig")) == 31
        rejects = pd.read_csv(out / "rejects.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert len(rejects) == result.summary["rows_rejected"] and (rejects["reasons"] != "").all()
        for csv_name in ("rejects.csv", "by_province.csv"):
            with (out / csv_name).open(encoding="utf-8-sig", newline="") as fh:
                cells = [c for row in csv.reader(fh) for c in row]
            assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_big_register_shows_progress_on_stderr_only(tmp_path) -> None:
    """A long file: the bar goes to stderr, stdout is the one summary line."""
    import subprocess

    n = 120_000
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"id": np.arange(n), "name": [f"estate number {i} " * 3 for i in range(n)],
                          "province": rng.choice(["Tehran", "Fars", "Atlantis"], n),
                          "lat": rng.uniform(27, 38, n).round(5), "lon": rng.uniform(46, 61, n).round(5)})  # fmt: skip
    frame.to_csv(tmp_path / "big.csv", index=False)
    assert (tmp_path / "big.csv").stat().st_size > 5_000_000
    done = subprocess.run([sys.executable, "-m", "geo", "join", str(tmp_path / "big.csv"), "--out", str(tmp_path / "o")],
                          check=False, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == [done.stdout.strip()] and done.stdout.startswith(
        f"rows in {n:,}".replace(",", "")
    )
    assert "writing" in done.stderr and "Traceback" not in done.stderr


def test_swapped_rows_are_joined_as_swapped(corpus) -> None:
    r = join(corpus / "swapped.csv")
    assert r.estates["province"].tolist() == ["IR-23", "IR-09"]
    assert r.estates["lat"].round(2).tolist() == [35.69, 36.30]
    assert r.estates.geometry.y.round(2).tolist() == [35.69, 36.30]


def test_html_names_are_escaped_in_the_register_map(corpus, tmp_path) -> None:
    r = join(corpus / "html_names.csv")
    paths = r.write(tmp_path, lang="en")
    page = paths["map.html"].read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    # the names travel as data, escaped inside the JSON block, and come back intact
    names = geo.maps.embedded_data(page)["points"]["name"]
    assert "<script>alert(1)</script>" in names and "<img src=x onerror=alert(2)>" in names
    assert not re.search(r'<script[^>]+src="https?:', page)  # no CDN: Leaflet is inlined
    assert not re.search(r'<link[^>]+href="https?:', page)


def test_csv_outputs_neutralise_formulas(corpus, tmp_path) -> None:
    join(corpus / "formulas.csv").write(tmp_path)
    with (tmp_path / "rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert '\'=HYPERLINK("http://evil","x")' in cells and "'+1+1" in cells and "'@SUM(A1)" in cells
    assert "'=1+1" in cells  # the leading tab was stripped with the other spaces
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_outputs_are_written(tmp_path) -> None:
    r = join(EXAMPLE)
    paths = r.write(tmp_path)
    assert {"joined.geojson", "joined.gpkg", "by_province.csv", "rejects.csv", "report.json", "map.html"} <= set(paths)
    import geopandas as gpd

    joined = gpd.read_file(tmp_path / "joined.gpkg")
    assert len(joined) == r.summary["rows_joined"] + r.summary["rows_flagged"]
    geojson = json.loads((tmp_path / "joined.geojson").read_text(encoding="utf-8"))
    assert len(geojson["features"]) == len(joined)
    rejects = pd.read_csv(tmp_path / "rejects.csv", encoding="utf-8-sig")
    assert rejects["row"].tolist() == r.estates.loc[r.estates["status"] == "rejected", "row"].tolist()
    by_prov = pd.read_csv(tmp_path / "by_province.csv", encoding="utf-8-sig")
    assert len(by_prov) == 31 and by_prov["شمار شهرک‌ها"].sum() == len(joined)  # headed in Persian by default


def test_example_register_outcome() -> None:
    r = join(EXAMPLE)
    s = r.summary
    assert (s["rows_in"], s["rows_joined"], s["rows_flagged"], s["rows_rejected"]) == (40, 31, 7, 2)
    row = r.estates.set_index("row")
    assert row.loc[38, "province"] == "IR-09" and "ambiguous" in row.loc[38, "reasons"][0]
    assert "IR-21 Yazd" in row.loc[39, "reasons"][0] and "IR-07 Fars" in row.loc[39, "reasons"][0]
    assert row.loc[39, "province"] == "IR-21"


def test_by_province_has_all_31_with_zero_counts_and_nan_means() -> None:
    r = join(
        pd.DataFrame(
            {"province": ["Tehran", "Tehran", "Fars"], "units": ["10", "20", "۵"], "iso": ["بله", "خیر", "بله"]}
        )
    )
    bp = r.by_province
    assert len(bp) == 31 and bp.crs.to_epsg() == 4326
    assert bp.loc["IR-23", ["estates", "units_sum", "units_mean", "iso_true"]].tolist() == [2, 30.0, 15.0, 1]
    assert bp.loc["IR-07", "units_sum"] == 5.0
    assert (
        bp.loc["IR-10", "estates"] == 0
        and np.isnan(bp.loc["IR-10", "units_mean"])
        and bp.loc["IR-10", "units_sum"] == 0
    )


def test_rejected_rows_are_left_out_of_the_aggregates() -> None:
    r = join(pd.DataFrame({"province": ["Tehran", "Atlantis"], "units": [1, 100]}))
    assert r.by_province["units_sum"].sum() == 1 and r.by_province["estates"].sum() == 1


def test_by_location_uses_the_polygons(good_points) -> None:
    r = join(good_points[["lat", "lon"]], by="location")
    assert r.estates["province"].tolist() == good_points["code"].tolist()
    assert (r.estates["status"] == "joined").all()


def test_by_mode_must_match_columns() -> None:
    with pytest.raises(RegisterError, match="needs lat/lon"):
        join(pd.DataFrame({"province": ["Fars"]}), by="location")
    with pytest.raises(RegisterError, match="attribute, location or both"):
        join(pd.DataFrame({"province": ["Fars"]}), by="nearest")


def _km_off_the_territory(code: str, lon: float, lat: float) -> str:
    """Distance (km, one decimal) from a point to a province's territorial polygon (land and
    territorial sea), computed here with geopandas from the shipped boundaries in the
    package's equal-area projection."""
    import geopandas as gpd

    from geo.reference.provinces import EQUAL_AREA_CRS, load_provinces

    territory = load_provinces(geometry="territorial").to_crs(EQUAL_AREA_CRS).loc[code, "geometry"]
    point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=4326).to_crs(EQUAL_AREA_CRS).iloc[0]
    return f"{territory.distance(point) / 1000:.1f}"


def test_coast_distance_is_documented_and_honoured() -> None:
    """Beyond the territorial sea (south of Jask, Gulf of Oman) the coast band applies."""
    assert COAST_KM == 25.0
    near = join(pd.DataFrame({"lat": [25.3], "lon": [57.8]}))
    km = _km_off_the_territory("IR-22", 57.8, 25.3)
    assert 5 < float(km) < 25
    assert near.estates["status"].tolist() == ["flagged"] and f"{km} km from IR-22" in near.estates["reasons"][0][0]
    far = join(pd.DataFrame({"lat": [25.3], "lon": [57.8]}), coast_km=5)
    assert far.estates["status"].tolist() == ["rejected"]


def test_territorial_sea_joins_flagged_whatever_the_coast_band() -> None:
    """In the Strait of Hormuz, 8 km off Hormozgan's coast: inside its territorial polygon, off its land."""
    import shapely

    assert not load_provinces().geometry.contains(shapely.Point(56.3, 27.1)).any()  # off every land polygon
    for coast_km in (25, 0):
        at_sea = join(pd.DataFrame({"lat": [27.1], "lon": [56.3]}), coast_km=coast_km).estates
        assert at_sea["status"].tolist() == ["flagged"] and at_sea["province"].tolist() == ["IR-22"]
        assert at_sea["reasons"][0] == ["at sea, in the territorial sea of IR-22 Hormozgan: joined to it"]
        assert at_sea["reasons_fa"][0] == ["در دریا، در آب‌های سرزمینی هرمزگان (IR-22): به همین استان پیوند خورد"]
    on_land = join(pd.DataFrame({"lat": [27.18], "lon": [56.27]})).estates  # Bandar Abbas
    assert on_land["status"].tolist() == ["joined"]


# --------------------------------------------------------------------------- reconciliation


def test_reconciliation_against_the_ledger_fact() -> None:
    facts = pytest.importorskip("geo.reference.facts").load_facts()
    published = facts.loc[facts["id"] == "hse_fire_stations_built", "value"].item()
    reg = pd.DataFrame({"province": ["Fars", "Qom", "Tehran", "Atlantis"],
                        "ایستگاه آتش‌نشانی ۱۳۹۶": ["بله", "بله", "خیر", "بله"]})  # fmt: skip
    r = join(reg, reconcile=["ایستگاه آتش نشانی 1396=hse_fire_stations_built"])
    row = r.reconciliation.iloc[0]
    assert (row["register"], row["published"], row["difference"]) == (2, published, 2 - published)
    assert row["coverage"] == pytest.approx(2 / published)
    assert r.summary["reconciliation"][0]["reference"] == "hse_fire_stations_built"
    assert reconcile(r, {"ایستگاه آتش نشانی ۱۳۹۶": "hse_fire_stations_built"}).equals(r.reconciliation)


def test_reconciliation_mapping_from_files(tmp_path) -> None:
    (tmp_path / "m.json").write_text(json.dumps({"fire": "hse_fire_stations_built"}), encoding="utf-8")
    (tmp_path / "m.csv").write_text("column,reference\nfire,hse_fire_stations_built\n", encoding="utf-8")
    assert (
        parse_reconcile(str(tmp_path / "m.json"))
        == parse_reconcile(tmp_path / "m.csv")
        == {"fire": "hse_fire_stations_built"}
    )
    with pytest.raises(RegisterError):
        parse_reconcile(["=x"])


def test_reconciliation_rejects_unknown_references() -> None:
    pytest.importorskip("geo.reference.facts")
    reg = pd.DataFrame({"province": ["Fars"], "fire": ["بله"]})
    with pytest.raises(RegisterError, match="neither a fact id"):
        join(reg, reconcile={"fire": "no_such_fact_anywhere"})
    with pytest.raises(RegisterError, match="not a number or yes/no column"):
        join(reg, reconcile={"nope": "hse_fire_stations_built"})


@pytest.mark.skipif(importlib.util.find_spec("geo.reference.stats") is None, reason="geo.reference.stats is not there yet")
def test_reconciliation_against_the_yearbook() -> None:
    from geo.reference.stats import load_province_stats

    stats = load_province_stats()
    column = next(c for c in stats.columns if c != "geometry" and pd.api.types.is_numeric_dtype(stats[c]))
    reg = pd.DataFrame({"province": ["Fars", "Tehran"], "mine": [1, 2]})
    table = join(reg, reconcile={"mine": column}).reconciliation
    assert len(table) == 32 and table["province"].isna().sum() == 1
    total = table.loc[table["province"].isna()].iloc[0]
    assert total["register"] == 3 and total["published"] == pytest.approx(pd.to_numeric(stats[column]).sum())


def test_cli_reconcile_and_strict(tmp_path) -> None:
    result = _run(["join", str(EXAMPLE), "--out", str(tmp_path), "--reconcile",
                   "ایستگاه آتش نشانی 1396=hse_fire_stations_built", "--strict", "--lang", "en"])  # fmt: skip
    assert result.exit_code == 1
    assert "rows in 40: joined 31, flagged 7, rejected 2" in result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["reconciliation"][0]["published"] == 11
    assert (tmp_path / "reconciliation.csv").is_file()
    bad = _run(["join", str(EXAMPLE), "--out", str(tmp_path), "--reconcile", "nope=hse_fire_stations_built"])
    assert bad.exit_code == 3


# --------------------------------------------------------------------------- accounting, for any register

_KINDS = [
    "good",
    "good_fa",
    "bad_province",
    "blank",
    "bad_coords",
    "text_coords",
    "sea",
    "swapped",
    "ambiguous",
    "duplicate",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kinds=st.lists(st.sampled_from(_KINDS), min_size=0, max_size=40),
    seed=st.integers(0, 2**16),
    by=st.sampled_from([None, "location", "attribute"]),
)
def test_accounting_identity_holds_for_any_register(good_points, kinds, seed, by) -> None:
    rng = np.random.default_rng(seed)
    rows = []
    for i, kind in enumerate(kinds):
        p = good_points.iloc[int(rng.integers(len(good_points)))]
        row = {"id": str(i), "province": p["name_en"], "lat": f"{p['lat']:.6f}", "lon": f"{p['lon']:.6f}"}
        if kind == "good_fa":
            row["province"] = "استان " + p["name_fa"].replace("ی", "ي")
        elif kind == "bad_province":
            row["province"] = "".join(rng.choice(list("abcxyzقحظ"), 6))
        elif kind == "blank":
            row.update(province="", lat="", lon="")
        elif kind == "bad_coords":
            row.update(lat=str(rng.uniform(-300, 300)), lon=str(rng.uniform(-300, 300)))
        elif kind == "text_coords":
            row.update(lat="abc", lon="Infinity")
        elif kind == "sea":
            row.update(lat="26.5", lon="52.5")
        elif kind == "swapped":
            row.update(lat=row["lon"], lon=row["lat"])
        elif kind == "ambiguous":
            row["province"] = "خراسان"
        elif kind == "duplicate" and rows:
            row["id"] = rows[0]["id"]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["id", "province", "lat", "lon"]).astype(str)
    result = join(frame, by=by)
    s = result.report
    assert s["rows_in"] == len(kinds) == len(s["rows"]) == len(result.estates)
    assert s["rows_in"] == s["rows_joined"] + s["rows_flagged"] + s["rows_rejected"]
    assert Counter(r["status"] for r in s["rows"]) == Counter(
        {
            k: v
            for k, v in (("joined", s["rows_joined"]), ("flagged", s["rows_flagged"]), ("rejected", s["rows_rejected"]))
            if v
        }
    )
    assert [r["row"] for r in s["rows"]] == list(range(1, len(kinds) + 1))
    for r, kind in zip(s["rows"], kinds, strict=True):
        assert (r["province"] is None) == (r["status"] == "rejected")
        assert bool(r["reasons"]) == (r["status"] != "joined")
        if kind in ("good", "good_fa") and frame["id"].tolist().count(r["id"]) == 1:
            assert r["status"] == "joined"
        if kind == "blank" or (kind in ("bad_province", "ambiguous") and by == "attribute"):
            assert r["status"] == "rejected"
    assert int(result.by_province["estates"].sum()) == s["rows_joined"] + s["rows_flagged"]


# --------------------------------------------------------------------------- Persian reasons

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_PERSIAN = re.compile(r"[\u0600-\u06FF]")


def _persian_words_only(text: str) -> str:
    """``text`` without what may stay Latin: quoted cell values, province codes, technical
    names in parentheses, and the name resolver's own (English) message."""
    for marker in ("استان شناخته نشد: ", "حدس زده نشد: "):
        if marker in text:
            text = text.split(marker, 1)[0]
    text = re.sub(r"«[^»]*»|\(IR-\d\d\)|\([^()]*\[[^\]]*\]\)|EPSG:\d+|`crs`|WKT|WKB", "", text)
    return text


def test_every_corpus_reason_has_a_persian_text(corpus, tmp_path) -> None:
    seen = 0
    for name, args, code, statuses, _ in CORPUS:
        if statuses is None or code != 0:
            continue
        out = tmp_path / f"{name}-{len(args)}"
        args = [a.replace("{corpus}", str(corpus)) for a in args]
        assert _run(["join", str(corpus / name), "--out", str(out), *args]).exit_code == 0
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        for row in report["rows"]:
            assert len(row["reasons_fa"]) == len(row["reasons"]), (name, row)
            for en, fa in zip(row["reasons"], row["reasons_fa"], strict=True):
                seen += 1
                assert fa and fa != en and _PERSIAN.search(fa), (name, fa)
                assert not _LATIN_WORD.search(_persian_words_only(fa)), (name, fa)
        if report["rows_rejected"]:
            rejects = pd.read_csv(out / "rejects.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
            assert (rejects["reasons_fa"] != "").all() and (rejects["reasons"] != "").all()
            assert not rejects["reasons_fa"].str.startswith(("=", "+", "-", "@")).any()
    assert seen > 50


def test_persian_reasons_spot_checks(corpus) -> None:
    at_sea = join(corpus / "at_sea.csv", by="location").estates
    flagged = at_sea.loc[at_sea["name"] == "gulf of oman"].iloc[0]
    km = _km_off_the_territory("IR-22", 57.8, 25.3)  # the corpus's row beyond the territorial sea
    assert f"{km} km from IR-22 Hormozgan" in flagged["reasons"][0]
    km_fa = km.translate(str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫"))
    assert f"{km_fa} کیلومتر از هرمزگان (IR-22)" in flagged["reasons_fa"][0]
    ids = join(corpus / "duplicate_ids.csv").estates
    assert "(ردیف‌های ۱، ۲)" in ids["reasons_fa"][0][0] and "(rows 1, 2)" in ids["reasons"][0][0]
    reg = pd.DataFrame({"id": [1, 2], "province": ["تهران", "Atlantis"], "lat": [32.65, 0], "lon": [51.67, 0]})
    both = join(reg).estates
    assert both["reasons_fa"][0] == [
        "ستون استان تهران (IR-23) را می‌گوید ولی نقطه در اصفهان (IR-10) است؛ استانِ ستون نگه داشته شد"
    ]
    assert both["reasons_fa"][1][0] == "استان شناخته نشد: «Atlantis» نام یا کد هیچ استانی نیست"
    assert both["reasons_fa"][1][1] == "نقطه بیرون از ایران است و بیش از ۲۵ کیلومتر با همهٔ استان‌ها فاصله دارد"


def test_reasons_are_lists_that_rows_share_and_nobody_changes_in_place(corpus) -> None:
    import pickle

    estates = join(corpus / "duplicate_ids.csv").estates
    for col in ("reasons", "reasons_fa", "notes", "notes_fa"):
        assert all(isinstance(v, list) for v in estates[col]), col
    flagged = estates["reasons"][0]
    assert flagged == [flagged[0]] and repr(flagged) == repr(list(flagged))  # prints as a list, not as tuple text
    clean = [v for v in estates["reasons"] if not v]
    with pytest.raises(TypeError, match="copy them first"):
        flagged.append("mine")
    if clean:
        with pytest.raises(TypeError):
            clean[0].extend(["mine"])  # would reach every clean row
    assert list(flagged) + ["mine"] == [*flagged, "mine"] and pickle.loads(pickle.dumps(flagged)) == flagged
