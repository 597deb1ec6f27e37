"""Hostile inputs of issue 15: outputs that agree with each other, columns that cannot be
shadowed, text that cannot blow up a report, limits, and the API used wrongly.

The corpus files are written by ``tests/bad_registers/make_corpus.py``; their exit status,
statuses and messages are in the table of ``tests/test_join.py``. Here: what the table
cannot say (file contents, sizes, Python exceptions), and a property over generated registers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import geo
from geo.cli import app
from geo.errors import GeoError, InputTypeError, InputValueError, LimitError, MapError, RegisterError
from geo.maps import embedded_data

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "bad_registers"))
from make_corpus import build  # noqa: E402

runner = CliRunner()
TEHRAN = (35.69, 51.39)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("hostile"))


def _cli(args: list[str]):
    result = runner.invoke(app, args)
    assert "Traceback" not in (result.output or ""), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _one_line_error(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 3 and len(lines) == 1, result.output  # unusable input
    return lines[0]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 26)  # a 5 MB cell is kept as written in rejects.csv
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _unquote(cell: str) -> str:
    """A CSV cell as it was before it was made formula-safe."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


# --------------------------------------------------------------------------- every output agrees


def _outputs(out: Path) -> dict[str, object]:
    import pyogrio

    return {
        "report": json.loads((out / "report.json").read_text(encoding="utf-8")),
        "geojson": json.loads((out / "joined.geojson").read_text(encoding="utf-8"))["features"],
        "gpkg": pyogrio.read_dataframe(out / "joined.gpkg"),
        "rejects": _csv_rows(out / "rejects.csv"),
        "by_province": pd.read_csv(out / "by_province.csv", encoding="utf-8-sig"),
        "points": embedded_data((out / "map.html").read_text(encoding="utf-8"))["points"],
    }


def _every_row(out: Path) -> list[dict[str, object]]:
    """``rows.csv``, every row's status, province, reasons and notes, as report.json lists them."""

    def texts(cell: str) -> list[str]:
        cell = _unquote(cell)
        return cell.split(" | ") if cell else []

    return [
        {"row": int(r["row"]), "status": r["status"], "province": r["province"] or None,
         "reasons": texts(r["reasons"]), "notes": texts(r["notes"])}
        for r in _csv_rows(out / "rows.csv")
    ]  # fmt: skip


def _assert_outputs_agree(out: Path) -> None:
    """Every output holds the same rows, statuses, provinces, reasons and notes as rows.csv, and
    report.json lists exactly its flagged and rejected rows, with the same."""
    o = _outputs(out)
    report, rows = o["report"], _every_row(out)
    listed = [{k: r[k] for k in ("row", "status", "province", "reasons", "notes")} for r in report["rows"]]
    assert listed == [r for r in rows if r["status"] != "joined"]
    counts = Counter(r["status"] for r in rows)
    assert report["rows_in"] == len(rows) == report["rows_joined"] + report["rows_flagged"] + report["rows_rejected"]
    assert (counts["joined"], counts["flagged"], counts["rejected"]) == (
        report["rows_joined"], report["rows_flagged"], report["rows_rejected"])  # fmt: skip
    kept = [r for r in rows if r["status"] != "rejected"]
    features = [f["properties"] for f in o["geojson"]]
    gpkg = o["gpkg"]
    assert [f["row"] for f in features] == [r["row"] for r in kept] == gpkg["row"].tolist()
    for source in (features, gpkg.to_dict("records")):
        for props, rec in zip(source, kept, strict=True):
            assert props["status"] == rec["status"] and props["province"] == rec["province"]
            # a row without reasons or notes has none (null), not an empty text
            for col in ("reasons", "notes"):
                value = None if props[col] is None or props[col] != props[col] else props[col]  # NaN: a null read back
                assert value == (" | ".join(rec[col]) or None), (col, props[col], rec[col])
    assert gpkg["name"].fillna("").tolist() == [f["name"] or "" for f in features]  # same text in both
    rejected = [r for r in rows if r["status"] == "rejected"]
    assert [int(r["row"]) for r in o["rejects"]] == [r["row"] for r in rejected]
    assert [_unquote(r["reasons"]) for r in o["rejects"]] == [" | ".join(r["reasons"]) for r in rejected]
    by_province = o["by_province"].set_index(o["by_province"].columns[0])  # code, names, estates: headed in words
    estates = by_province.iloc[:, 2]
    assert estates.sum() == len(kept)
    assert estates[estates > 0].to_dict() == dict(Counter(r["province"] for r in kept))
    assert not any(isinstance(v, float) and math.isinf(v) for v in by_province.select_dtypes("number").to_numpy().ravel())
    points = o["points"]
    assert points["row"] == [r["row"] for r in rows] and points["status"] == [r["status"] for r in rows]
    assert points["province"] == [r["province"] or "" for r in rows]


_KINDS = ["good", "blank_province", "bad_province", "abbreviated", "sea", "control", "formula", "huge", "duplicate",
          "overflow", "no_coordinates"]  # fmt: skip


def _generated(kinds: list[str], rng: np.random.Generator) -> pd.DataFrame:
    points = [("Tehran", TEHRAN), ("Fars", (29.61, 52.54)), ("North Khorasan", (37.47, 57.33))]
    rows = []
    for i, kind in enumerate(kinds, start=1):
        province, (lat, lon) = points[int(rng.integers(len(points)))]
        row = {"id": str(i), "name": f"estate {i}", "province": province, "lat": lat, "lon": lon, "units": 3.0, "status": "ok"}
        if kind == "blank_province":
            row["province"] = ""
        elif kind == "bad_province":
            row["province"] = "Atlantis"
        elif kind == "abbreviated":
            row["province"] = "N. Khorasan"
            row["lat"], row["lon"] = points[2][1]
        elif kind == "sea":
            row["lat"], row["lon"] = 26.5, 52.5
        elif kind == "control":
            row["name"] = f"est\x00ate\x1b[1m {i}"
        elif kind == "formula":
            row["name"] = "=HYPERLINK(1)"
        elif kind == "huge":
            row["name"] = "ش" * 5000
        elif kind == "duplicate":
            row["id"] = "1"
        elif kind == "overflow":
            row["units"] = 1.5e308
        elif kind == "no_coordinates":
            row["lat"] = row["lon"] = np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["id", "name", "province", "lat", "lon", "units", "status"])


@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(_KINDS), min_size=1, max_size=12), seed=st.integers(0, 2**16))
def test_outputs_agree_row_for_row_for_any_register(tmp_path_factory, kinds, seed) -> None:
    """GeoJSON, GeoPackage, rejects.csv, by_province.csv, report.json and the map's points
    hold the same rows with the same verdicts, for any mix of hostile rows."""
    out = tmp_path_factory.mktemp("agree")
    frame = _generated(kinds, np.random.default_rng(seed))
    result = geo.join(frame)
    result.write(out, lang="en")
    _assert_outputs_agree(out)
    for row, kind in zip(_every_row(out), kinds, strict=True):
        if kind == "blank_province":
            assert row["notes"] and not any("no province given" in r for r in row["reasons"])
        if kind in ("good", "abbreviated") and row["reasons"] == []:
            assert row["status"] == "joined"
    assert (out / "report.json").stat().st_size < 200_000  # 5,000-character names are quoted short


@pytest.mark.parametrize("name", ["reserved_columns.csv", "control_characters.csv", "sum_overflow.csv", "e308.csv",
                                  "formula_no_value.xlsx", "uint64_ids.parquet", "province_blank_located.csv",
                                  "abbreviations.csv", "huge_cell.csv"])  # fmt: skip
def test_corpus_outputs_agree_row_for_row(corpus, tmp_path, name) -> None:
    geo.join(corpus / name).write(tmp_path, lang="en")
    _assert_outputs_agree(tmp_path)


# --------------------------------------------------------------------------- single classes, in the files


def test_user_columns_cannot_shadow_the_verdict(corpus, tmp_path) -> None:
    result = geo.join(corpus / "reserved_columns.csv")
    result.write(tmp_path)
    o = _outputs(tmp_path)
    props = o["geojson"][0]["properties"]
    assert props["status"] == "joined" and props["user_status"] == "ok" and props["user_STATUS.1"] == "OK"
    assert props["user_reasons"] == "none" and props["reasons"] is None and props["user_row"] == 99
    assert o["gpkg"]["status"].tolist() == ["joined"] and o["gpkg"]["user_status"].tolist() == ["ok"]
    assert {"user_province_as_given", "user_notes"} <= set(o["gpkg"].columns)
    assert o["rejects"][0]["user_status"] == "ok" and "status" not in o["rejects"][0]
    assert result.register.renamed["status"] == "user_status"


def test_reconcile_finds_a_renamed_column_by_its_written_name() -> None:
    frame = pd.DataFrame({"province": ["Fars", "Qom"], "status": ["بله", "خیر"]})
    result = geo.join(frame, reconcile={"status": "hse_fire_stations_built"})
    assert result.reconciliation["column"].tolist() == ["user_status"] and result.reconciliation["register"].iloc[0] == 1


def test_case_twins_are_renamed_for_the_geopackage(tmp_path) -> None:
    frame = pd.DataFrame({"province": ["Fars"], "Units": [1], "units": [2]})
    result = geo.join(frame)
    assert list(result.register.indicators) == ["Units", "units.1"]
    result.write(tmp_path)
    assert _outputs(tmp_path)["gpkg"]["units.1"].tolist() == [2]


def test_control_characters_are_the_same_in_every_output(corpus, tmp_path) -> None:
    result = geo.join(corpus / "control_characters.csv")
    result.write(tmp_path)
    o = _outputs(tmp_path)
    assert o["geojson"][-2]["properties"]["name"] == o["gpkg"]["name"].iloc[-2] == "شهرکصفر"
    assert o["geojson"][-1]["properties"]["name"] == "[31mشهرک قرمز[0m"
    last = _every_row(tmp_path)[-1]  # a joined row: its notes are in rows.csv, not in report.json's list
    assert last["notes"] == ["3 control character(s) (NUL, ESC …) removed from 'نام'"] and last["status"] == "joined"


def test_a_huge_cell_is_quoted_short(corpus, tmp_path) -> None:
    geo.join(corpus / "huge_cell.csv").write(tmp_path)
    assert (tmp_path / "report.json").stat().st_size < 50_000
    assert (tmp_path / "map.html").stat().st_size < 1_000_000
    listed = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["rows"]
    reason = next(r for row in listed for r in row["reasons"] if "x" * 70 in r)
    assert "x" * 70 + "…" in reason and len(reason) < 400


def test_overflowing_sums_are_left_empty_never_inf(corpus, tmp_path) -> None:
    geo.join(corpus / "sum_overflow.csv").write(tmp_path)
    text = (tmp_path / "by_province.csv").read_text(encoding="utf-8-sig")
    assert "inf" not in text.lower()
    by_province = pd.read_csv(io.StringIO(text)).set_index("کد")  # headed in Persian: «تعداد واحد» is a known fact
    assert np.isnan(by_province.loc["IR-23", "جمع واحدهای صنعتی"]) and by_province.loc["IR-07", "جمع واحدهای صنعتی"] == 5
    json.loads((tmp_path / "report.json").read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(c))


def test_uint64_ids_stay_exact_in_every_output(corpus, tmp_path) -> None:
    geo.join(corpus / "uint64_ids.parquet").write(tmp_path)
    o = _outputs(tmp_path)
    ids = ["18446744073709551615", "9223372036854775808", "5"]
    assert [f["properties"]["id"] for f in o["geojson"]] == ids == o["gpkg"]["id"].tolist()


def test_xlsx_rows_are_read_as_stored_not_as_the_dimension_says(corpus) -> None:
    reg = geo.read_register(corpus / "stray_a1048576.xlsx")
    assert reg.frame["id"].tolist() == ["1", "x"]
    blank = geo.read_register(corpus / "blank_rows.xlsx")
    assert blank.frame["province"].tolist() == ["تهران", "فارس"] and blank.frame["row"].tolist() == [1, 2]


def test_a_cell_on_two_lines_is_not_a_lost_row(tmp_path) -> None:
    path = tmp_path / "address.csv"
    path.write_text('id,province,address\n1,Tehran,"Street 5,\nBlock 3"\n2,Fars,"a, b"\n', encoding="utf-8")
    reg = geo.read_register(path)
    assert reg.frame["address"].tolist() == ["Street 5,\nBlock 3", "a, b"]


def test_notes_leave_a_row_joined(corpus) -> None:
    result = geo.join(corpus / "province_blank_located.csv")
    report = result.report
    first = report["rows"][0]
    assert first["status"] == "joined" and first["reasons"] == [] and first["province"] == "IR-23"
    assert first["notes"] == ["no province given; joined by location (IR-23 Tehran)"]
    assert first["notes_fa"] == ["استان داده نشده است؛ با موقعیت به تهران (IR-23) پیوند خورد"]
    # a point off the coast with a blank province is still a problem
    near = geo.join(pd.DataFrame({"province": ["", "Fars"], "lat": [27.1, 29.61], "lon": [56.3, 52.54]}))
    assert near.estates["status"].tolist() == ["flagged", "joined"] and near.estates["notes"][0]


def test_province_column_found_by_content_only_when_headers_do_not_say(corpus) -> None:
    reg = geo.read_register(corpus / "iso_code_column.csv")
    assert reg.columns == {"name": "name", "province": "code"} and reg.frame["id"].isna().all()
    with pytest.raises(RegisterError, match="no province or county column"):
        geo.read_register(corpus / "iso_code_column.csv", id="code")  # a column the caller named is never taken
    assert geo.read_register(pd.DataFrame({"id": ["IR-03"], "province": ["Fars"]})).columns["id"] == "id"


@pytest.mark.parametrize(("written", "code"), [("N. Khorasan", "IR-28"), ("S. Khorasan", "IR-29"), ("Kh. Razavi", "IR-09"),
                         ("E. Azarbaijan", "IR-03"), ("W. Azerbaijan", "IR-04"), ("N Khorasan", "IR-28"),
                         ("خ. رضوی", "IR-09"), ("خراسان ش.", "IR-28"), ("خراسان ج.", "IR-29"), ("آذربایجان ش.", "IR-03"),
                         ("آ. غربی", "IR-04"), ("آ.غ.", "IR-04")])  # fmt: skip
def test_abbreviated_provinces_resolve(written, code) -> None:
    assert geo.resolve_province(written) == code


@pytest.mark.parametrize("written", ["Kh.", "خ.", "Kh", "Az."])
def test_abbreviations_never_guess_the_undivided_provinces(written) -> None:
    with pytest.raises(geo.NameResolutionError):
        geo.resolve_province(written)


# --------------------------------------------------------------------------- limits


def test_memory_limit_refuses_before_work_and_says_how_to_lift_it(corpus, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GEO_MAX_MEMORY", "100M")
    line = _one_line_error(_cli(["join", str(corpus / "windows1256.csv"), "--out", str(tmp_path / "out")]))
    assert "more than the limit of 100 MB (GEO_MAX_MEMORY)" in line and "--engine dask" in line
    assert not (tmp_path / "out").exists()
    monkeypatch.setenv("GEO_MAX_MEMORY", "lots")
    assert "GEO_MAX_MEMORY='lots' is not a size" in _one_line_error(_cli(["join", str(corpus / "windows1256.csv"),
                                                                           "--out", str(tmp_path / "out")]))  # fmt: skip
    monkeypatch.setenv("GEO_MAX_MEMORY", "0")
    assert _cli(["join", str(corpus / "windows1256.csv"), "--out", str(tmp_path / "out")]).exit_code == 0


def test_column_limit_is_lifted_but_never_past_what_a_geopackage_holds(corpus, monkeypatch) -> None:
    monkeypatch.setenv("GEO_MAX_COLUMNS", "5000")
    with pytest.raises(LimitError, match="holds at most 1,980"):
        geo.read_register(corpus / "text_2100_columns.csv")
    monkeypatch.setenv("GEO_MAX_COLUMNS", "3")
    with pytest.raises(LimitError, match="4 columns, more than the limit of 3"):
        geo.read_register(pd.DataFrame({"province": ["Fars"], "a": [1], "b": [2], "c": [3]}))


def test_zip_bomb_limit_names_the_part(corpus, monkeypatch) -> None:
    monkeypatch.setenv("GEO_MAX_EXPANSION", "500")
    with pytest.raises(LimitError, match=r"'xl/sharedStrings.xml' expands .* more than the limit of 500 times"):
        geo.read_register(corpus / "shared_strings_bomb.xlsx")


# --------------------------------------------------------------------------- API misuse


@pytest.mark.parametrize(
    ("call", "error", "builtin", "needle"),
    [(lambda: geo.join(None), InputTypeError, TypeError, "not NoneType"),
     (lambda: geo.join(42), InputTypeError, TypeError, "not int 42"),
     (lambda: geo.join([{"province": "Fars"}]), InputTypeError, TypeError, "pandas.DataFrame(records)"),
     (lambda: geo.read_register(b"estates.csv"), InputTypeError, TypeError, "os.fsdecode"),
     (lambda: geo.read_register(pd.DataFrame({"province": ["Fars"]}), province=3), InputTypeError, TypeError, "`province`"),
     (lambda: geo.register_map(None), InputTypeError, TypeError, "what geo.join returns"),
     (lambda: geo.join(pd.DataFrame({"lat": [27.1], "lon": [56.3]}), coast_km=float("nan")), InputValueError, ValueError,
      "coast_km"),
     (lambda: geo.join(pd.DataFrame({"lat": [27.1], "lon": [56.3]}), coast_km=-1), InputValueError, ValueError, "-1.0"),
     (lambda: geo.join(pd.DataFrame({"lat": [27.1], "lon": [56.3]}), coast_km="25"), InputTypeError, TypeError, "str"),
     (lambda: geo.normalize_name(None), InputTypeError, TypeError, "not NoneType"),
     (lambda: geo.save_map(None, "m.html"), InputTypeError, TypeError, "folium.Map")],
)  # fmt: skip
def test_api_misuse_raises_the_package_errors(call, error, builtin, needle) -> None:
    with pytest.raises(error) as caught:
        call()
    assert isinstance(caught.value, GeoError) and isinstance(caught.value, builtin)
    assert needle in str(caught.value)


def test_save_map_under_a_file_is_a_map_error(tmp_path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    result = geo.join(pd.DataFrame({"province": ["Fars"]}))
    with pytest.raises(MapError, match="a_file is a file, not a folder"):
        geo.save_map(geo.register_map(result, lang="en"), blocker / "map.html")


def test_dataframe_with_repeated_columns_reads_like_a_file() -> None:
    frame = pd.DataFrame([["Fars", "Qom", 1]], columns=["province", "province", "units"])
    result = geo.join(frame)
    assert result.estates["province"].tolist() == ["IR-07"] and "province.1" in result.estates.columns
    assert any("appears 2 times" in w for w in result.summary["warnings"])


# --------------------------------------------------------------------------- facts


def test_facts_csv_neutralises_formulas(corpus) -> None:
    result = _cli(["facts", "--format", "csv", "--ledger", str(corpus / "hostile_ledger.csv")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    notes = [r["note"] for r in rows[:5]]
    assert notes == ["'=HYPERLINK(\"http://evil\",\"x\")", "'@SUM(A1)", "'+1+1", "'-2+3", "'=1+1"]
    cells = [c for r in rows for c in r.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not c[1:].isdigit())]
