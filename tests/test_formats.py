"""Registers as field offices have them: Shapefile (plain and zipped), KML, KMZ, XLS, ODS.

Every file is written at run time by GDAL (pyogrio), the tool those offices' programs use,
except the ``.xls``: no maintained writer of Excel 97-2003 exists on PyPI, so it is a
committed fixture written by LibreOffice Calc (``tools/make_xls_fixture.sh``; provenance in
``tests/data/formats/README.md``). The shipped example register, exported to each format,
must join with the same statuses, provinces and counties as the CSV it came from.
"""

from __future__ import annotations

import json
import sys
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import geo
from geo.cli import app
from geo.errors import RegisterError
from geo.registers.readers import file_format

sys.path.insert(0, str(Path(__file__).parent / "bad_registers"))
from make_formats import ISFAHAN, SHIRAZ, TEHRAN, build, utm  # noqa: E402

runner = CliRunner()

HERE = Path(__file__).parent
EXAMPLE = HERE.parent / "data" / "examples" / "estates_example.csv"
XLS = HERE / "data" / "formats" / "estates_example.xls"
COORDS = ("عرض جغرافیایی", "طول جغرافیایی")


def _join(path: Path, **options: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return geo.join(path, **options).estates


@pytest.fixture(scope="module")
def csv_outcome() -> pd.DataFrame:
    return _join(EXAMPLE)


@pytest.fixture(scope="module")
def exports(tmp_path_factory, csv_outcome) -> dict[str, Path]:
    """The example as each tool writes it: points where the CSV's coordinates were read."""
    import geopandas as gpd
    import pyogrio

    folder = tmp_path_factory.mktemp("exports")
    table = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        written = geo.read_register(EXAMPLE).frame  # the coordinates as written (not yet un-swapped)
    points = gpd.points_from_xy(written["lon"], written["lat"])
    layer = gpd.GeoDataFrame(table.drop(columns=list(COORDS)), geometry=points, crs=4326)
    layer.loc[written["lat"].isna().to_numpy() | written["lon"].isna().to_numpy(), "geometry"] = None
    out = {}
    shp = folder / "shp" / "estates.shp"
    shp.parent.mkdir()
    pyogrio.write_dataframe(layer, shp, encoding="UTF-8")
    out["shp"] = shp
    out["zip"] = folder / "estates.zip"
    with zipfile.ZipFile(out["zip"], "w", zipfile.ZIP_DEFLATED) as archive:
        for part in shp.parent.iterdir():
            archive.write(part, part.name)
    for key, driver in (("kml", "KML"), ("kmz", "LIBKML")):
        out[key] = folder / f"estates.{key}"
        pyogrio.write_dataframe(layer, out[key], driver=driver)
    out["ods"] = folder / "estates.ods"
    pyogrio.write_dataframe(table, out["ods"], driver="ODS")
    out["xls"] = XLS
    return out


@pytest.mark.parametrize("kind", ["shp", "zip", "kml", "kmz", "ods", "xls"])
def test_the_example_exported_joins_as_the_csv(exports, csv_outcome, kind) -> None:
    path = exports[kind]
    assert file_format(path) == {"zip": "shp"}.get(kind, kind)
    got = _join(path)
    assert len(got) == len(csv_outcome)
    for column in ("status", "province", "county"):
        assert got[column].tolist() == csv_outcome[column].tolist(), column


# case folder / file, extra CLI args, exit code, statuses (None: refused, nothing written), text in the output or report
CASES = [
    ("good_shp/estates.shp", [], 0, ["joined"] * 3, []),
    ("good_zip/estates.zip", [], 0, ["joined"] * 3, []),
    ("cp1256_cpg/estates.shp", [], 0, ["joined"] * 3, []),
    ("cp1256_no_cpg/estates.shp", [], 0, ["joined"] * 3, ["read as Windows-1256"]),
    ("no_prj/estates.shp", [], 0, ["joined"] * 3, ["has no .prj"]),
    ("utm_no_prj/estates.shp", [], 0, ["flagged"] * 3, ["UTM zone 39N (EPSG:32639), assumed"]),
    ("utm_no_prj/estates.shp", ["--crs", "EPSG:32639"], 0, ["joined"] * 3, []),
    ("two_layers/layers.zip", [], 3, None, ["2 Shapefiles", "'estates', 'zones'", "--sheet"]),
    ("two_layers/layers.zip", ["--sheet", "zones"], 0, ["joined"] * 3, []),
    ("good_kml/estates.kml", [], 0, ["joined"] * 3, []),
    ("google_earth_kml/estates.kml", [], 0, ["joined"] * 2, ["2 folders of placemarks"]),
    ("good_kmz/estates.kmz", [], 0, ["joined"] * 3, []),
    ("good_ods/estates.ods", [], 0, ["joined"] * 2, []),
    ("no_shx/estates.shp", [], 3, None, ["estates.shx is missing"]),
    ("dbf_mismatch/estates.shp", [], 3, None, [".dbf holds 2 rows but its .shp holds 3 shapes"]),
    ("unknown_cpg/estates.shp", [], 3, None, ["'KLINGON-42'", "1256"]),
    ("lone_dbf/estates.dbf", [], 3, None, ["one part of a Shapefile", "estates.shp"]),
    ("lone_prj/estates.prj", [], 3, None, ["one part of a Shapefile", "estates.shp"]),
    ("zip_without_layer/estates.zip", [], 3, None, ["holds no Shapefile", "readme.txt"]),
    ("zip_traversal/estates.zip", [], 3, None, ["path traversal", "'../../estates"]),
    ("kmz_traversal/estates.kmz", [], 3, None, ["path traversal"]),
    ("zip_bomb/estates.zip", [], 3, None, ["zip bomb", "GEO_MAX_EXPANSION"]),
    ("entity_bomb/estates.kml", [], 3, None, ["<!ENTITY>"]),
    ("entity_bomb_kmz/estates.kmz", [], 3, None, ["<!ENTITY>"]),
    ("truncated_shp/estates.shp", [], 3, None, ["cut short"]),
    ("truncated_kml/estates.kml", [], 3, None, ["cannot read as KML"]),
    ("truncated_kmz/estates.kmz", [], 3, None, ["cannot read as KMZ"]),
    ("truncated_ods/estates.ods", [], 3, None, ["cannot read as OpenDocument spreadsheet (.ods)"]),
    ("truncated_xls/estates.xls", [], 3, None, ["cannot read as Excel 97-2003"]),
    ("text_named_xls/estates.xls", [], 3, None, ["named as Excel 97-2003 (.xls) but its content is not"]),
    ("empty_shp/estates.shp", [], 3, None, ["the file is empty"]),
    ("empty_kml/estates.kml", [], 3, None, ["the file is empty"]),
    ("empty_ods/estates.ods", [], 3, None, ["the file is empty"]),
    ("empty_xls/estates.xls", [], 3, None, ["the file is empty"]),
    ("good_kml/estates.kml", ["--sheet", "nope"], 3, None, ["no layer 'nope'"]),
]


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build(tmp_path_factory.mktemp("formats"))


@pytest.mark.parametrize(("name", "args", "code", "statuses", "needles"), CASES,
                         ids=[f"{c[0]}{' '.join(c[1])}" for c in CASES])  # fmt: skip
def test_format_case_has_its_outcome(cases, tmp_path, name, args, code, statuses, needles) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["join", str(cases / name), "--out", str(out), "--lang", "en", *args])
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    text = result.output
    if statuses is None:
        assert not out.exists()  # refused before anything was written
        assert len([line for line in result.output.splitlines() if line.strip()]) == 1, result.output
    else:
        rows = pd.read_csv(out / "rows.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert rows["status"].tolist() == statuses
        text += (out / "report.json").read_text(encoding="utf-8") + rows.to_csv()
    for needle in needles:
        assert needle in text


def test_every_format_case_is_in_the_table(cases) -> None:
    tested = {c[0].split("/")[0] for c in CASES}
    assert sorted(p.name for p in cases.iterdir() if p.name not in tested) == []


def test_persian_text_of_a_windows_1256_shapefile_is_read(cases) -> None:
    for folder in ("cp1256_cpg", "cp1256_no_cpg"):
        reg = _register(cases / folder / "estates.shp")
        assert reg.frame["province"].tolist() == ["تهران", "فارس", "اصفهان"], folder


def test_persian_extended_data_names_of_a_google_earth_kml_are_kept(cases) -> None:
    reg = _register(cases / "google_earth_kml" / "estates.kml")
    assert reg.columns["province"] == "استان" and reg.columns["name"] == "Name"
    assert reg.frame["تعداد واحد"].tolist() == [12, 7] and reg.frame["description"].iloc[0] == "نمونه"


def _register(path: Path, **options: object):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return geo.read_register(path, **options)


def test_utm_metres_in_a_csv_take_the_zone_of_their_named_provinces(tmp_path) -> None:
    points = utm(32639, TEHRAN, SHIRAZ, ISFAHAN)
    rows = "".join(f"{i},{p},{y:.1f},{x:.1f}\n" for i, (p, (x, y)) in enumerate(zip(["تهران", "فارس", "اصفهان"], points), 1))
    named = tmp_path / "utm.csv"
    named.write_text("id,استان,Y,X\n" + rows, encoding="utf-8")
    got = _join(named, lat="Y", lon="X")
    assert got["province"].tolist() == ["IR-23", "IR-07", "IR-10"]
    assert all("EPSG:32639" in " ".join(r) for r in got["reasons"])
    # without provinces, zones 39N and 40N both put the three points inside Iran: refused, both named
    bare = tmp_path / "utm_bare.csv"
    bare.write_text("id,Y,X\n" + "".join(f"{i},{y:.1f},{x:.1f}\n" for i, (x, y) in enumerate(points, 1)), encoding="utf-8")
    with pytest.raises(RegisterError, match=r"39N \(EPSG:32639\) and 40N \(EPSG:32640\).*`crs`"):
        _register(bare, lat="Y", lon="X")
    result = runner.invoke(app, ["join", str(bare), "--lat", "Y", "--lon", "X", "--out", str(tmp_path / "o")])
    assert result.exit_code == 3 and "--crs" in result.output and not (tmp_path / "o").exists()


def test_metres_of_no_utm_zone_are_not_told_to_be_web_mercator(tmp_path) -> None:
    path = tmp_path / "far.csv"
    path.write_text("id,Y,X\n1,9000000,200000\n", encoding="utf-8")
    got = _join(path, lat="Y", lon="X")
    assert "EPSG:3857" not in " ".join(got["reasons"][0]) and "UTM" in " ".join(got["reasons"][0])


def test_hemisphere_letters_and_words_and_a_repeated_header(tmp_path) -> None:
    path = tmp_path / "hemi.csv"
    path.write_text("id,استان,عرض,طول\n1,تهران,35.69 N,51.39 E\n2,فارس,۲۹٫۶۱ شمالی,۵۲٫۵۴ شرقی\n"
                    "id,استان,عرض,طول\n3,قم,N 34.64,E 50.88\n4,قم,34.64 S,50.88 E\n", encoding="utf-8")  # fmt: skip
    reg = _register(path)
    assert reg.frame["lat"].tolist()[:3] == [35.69, 29.61, 34.64] and reg.frame["lat"].iloc[3] == -34.64
    assert any("line 4 skipped" in w for w in reg.warnings)
    got = _join(path)
    assert got["status"].tolist() == ["joined", "joined", "joined", "flagged"]
    assert "outside Iran" in " ".join(got["reasons"][3])


def test_a_repeated_header_found_among_many_rows_with_a_blank_or_other_spelling(tmp_path) -> None:
    """The repeat is looked for through the column of fewest values (here «ایزو»), whose cell may be blank."""
    provinces = ("تهران", "فارس", "قم", "یزد")
    rows = [f"E{i},{provinces[i % 4]},35.{i:04d},51.{i:04d},{'بله' if i % 2 else 'خیر'}" for i in range(1500)]
    rows[700] = "شناسه,استان,عرض,طول, "  # blank in «ایزو» (a space)
    rows[1200] = "شناسه,استان,عرض,طول,ايزو"  # Arabic yeh: the same header by header_key
    rows[900] = "شناسه,تهران,35.1,51.4,ایزو"  # one header cell is not enough
    path = tmp_path / "long.csv"
    path.write_text("شناسه,استان,عرض,طول,ایزو\n" + "\n".join(rows) + "\n", encoding="utf-8")
    reg = _register(path)
    assert len(reg.frame) == 1498
    assert any("lines 702 and 1202 skipped" in w or "lines 702, 1202 skipped" in w for w in reg.warnings), reg.warnings


def test_a_province_column_of_towns_resolves_through_counties(tmp_path) -> None:
    path = tmp_path / "towns.csv"
    path.write_text("id,استان\n1,کاشان\n2,Shiraz\n3,شهرستان مرودشت\n4,Tabriz\n5,Shirazz\n6,مرو دشتی\n", encoding="utf-8")
    got = _join(path)
    assert got["province"].tolist()[:4] == ["IR-10", "IR-07", "IR-07", "IR-03"]
    assert got["status"].tolist() == ["flagged"] * 4 + ["rejected"] * 2
    assert "the province column holds a county: کاشان → " in got["reasons"][0][0] and "Kashan County" in got["reasons"][0][0]
    assert "closest: Shiraz" in got["reasons"][4][0] and "IR." not in got["reasons"][4][0]
    assert "مرودشت" in got["reasons"][5][0]  # Persian names for a Persian cell


def test_the_dask_engine_reads_a_zipped_shapefile_whole_and_says_so(exports, csv_outcome) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        result = geo.join(exports["zip"], engine="dask", client=client)
        estates = result.estates.compute().sort_values("row")
    assert estates["status"].tolist() == csv_outcome["status"].tolist()
    assert any("cannot cut this ESRI Shapefile into partitions" in str(w) for w in result.register.warnings)
