"""Reading estate registers: formats, encodings, header matching, values, CRS."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.errors import RegisterError
from geo.registers import header_key, parse_booleans, parse_numbers, read_register

TEHRAN = (35.69, 51.39)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"شناسه": ["1", "2"], "نام شهرک": ["الف", "ب"], "استان": ["تهران", "فارس"],
         "عرض جغرافیایی": ["35.69", "29.61"], "طول جغرافیایی": ["51.39", "52.54"], "تصفیه خانه": ["دارد", "ندارد"]}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("header", "role"),
    [("Latitude", "lat"), ("عرض", "lat"), ("Y", "lat"), ("عرض‌ جغرافيائي", "lat"), ("longitude", "lon"),
     ("X", "lon"), ("طول جغرافیایی (درجه)", "lon"), ("استان", "province"), ("Province", "province"),
     ("نام شهرک", "name"), ("كد", "id"), ("ID", "id")],
)  # fmt: skip
def test_headers_are_matched_through_normalisation(header: str, role: str) -> None:
    other = {"lat": "lon", "lon": "lat"}.get(role)
    cols = {header: ["1"], "استان" if role != "province" else "lat": ["تهران"]}
    if other:
        cols["long" if other == "lon" else "lat"] = ["1"]
    frame = pd.DataFrame(cols)
    if role in ("id", "name"):
        frame["lat"], frame["lon"] = ["35"], ["51"]
    reg = read_register(frame)
    assert reg.columns[role] == header


def test_header_key_folds_arabic_forms_zwnj_case_and_spaces() -> None:
    assert header_key("عرض جغرافيائي") == header_key("عرض‌جغرافیایی") == header_key("  عرض  جغرافیایی ")
    assert header_key("LONGITUDE") == "longitude"


def test_numbers_in_every_notation() -> None:
    values, invalid = parse_numbers(
        pd.Series(["۱٬۲۳۴", "1,234.5", "٣٥٫٦٩", "12،500", "", "abc", "NaN", "-Infinity", "1,5"])
    )
    assert values[:4].tolist() == [1234.0, 1234.5, 35.69, 12500.0]
    assert np.isnan(values[4]) and not invalid[4]
    assert invalid[5:].tolist() == [True, True, True, True]  # "1,5" is not a grouping of three digits


def test_booleans_in_both_languages() -> None:
    values, invalid = parse_booleans(
        pd.Series(["بله", "خير", "دارد", "ندارد", "Yes", "no", "TRUE", "false", "1", "۰", ""])
    )
    assert values.tolist()[:10] == [True, False, True, False, True, False, True, False, True, False]
    assert values.isna().tolist()[10] and not invalid.any()


def test_indicator_kinds_are_inferred() -> None:
    frame = _frame().assign(units=["۱۲", "abc"], green=["1٫5", "2"], note=["x", "y"])
    reg = read_register(frame)
    assert reg.indicators == {"تصفیه خانه": "bool", "units": "number", "green": "number"}
    assert reg.frame["units"].iloc[0] == 12.0 and np.isnan(reg.frame["units"].iloc[1])
    assert reg.reasons.lists()[1] == ["text in a number column 'units': 'abc' (left out)"]
    assert reg.frame["note"].tolist() == ["x", "y"]


def test_overrides_name_columns(tmp_path) -> None:
    frame = pd.DataFrame({"where": ["تهران"], "north": ["35.69"], "east": ["51.39"]})
    reg = read_register(frame, province="where", lat="north", lon="east")
    assert reg.columns == {"province": "where", "lat": "north", "lon": "east"}
    with pytest.raises(RegisterError, match="no column 'nope'"):
        read_register(frame, province="nope")


@pytest.mark.parametrize("fmt", ["csv", "csv-bom", "tsv", "cp1256", "xlsx", "geojson", "gpkg", "geoparquet", "parquet"])
def test_every_format_reads_the_same_register(tmp_path, fmt: str) -> None:
    import geopandas as gpd

    frame = _frame()
    path = tmp_path / f"reg.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "csv-bom":
        path = tmp_path / "reg.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif fmt == "cp1256":
        path = tmp_path / "reg.csv"
        path.write_bytes(frame.to_csv(index=False).replace("ی", "ي").encode("cp1256"))
    elif fmt == "xlsx":
        frame.to_excel(path, index=False)
    elif fmt == "parquet":
        frame.to_parquet(path)
    else:
        gdf = gpd.GeoDataFrame(
            frame.drop(columns=["عرض جغرافیایی", "طول جغرافیایی"]),
            geometry=gpd.points_from_xy(frame["طول جغرافیایی"].astype(float), frame["عرض جغرافیایی"].astype(float)),
            crs=4326,
        )
        path = tmp_path / ("reg.parquet" if fmt == "geoparquet" else f"reg.{fmt}")
        gdf.to_parquet(path) if fmt == "geoparquet" else gdf.to_file(path)
    reg = read_register(path)
    assert reg.frame["lat"].round(4).tolist() == [35.69, 29.61]
    assert reg.frame["lon"].round(4).tolist() == [51.39, 52.54]
    assert [v.replace("ي", "ی") for v in reg.frame["province"]] == ["تهران", "فارس"]
    plant = next(c for c in reg.indicators if header_key(c) == header_key("تصفیه خانه"))
    assert reg.frame[plant].tolist() == [True, False]
    assert reg.frame["id"].tolist() == ["1", "2"]


def test_declared_crs_is_reprojected(tmp_path) -> None:
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"id": [1]}, geometry=gpd.points_from_xy([TEHRAN[1]], [TEHRAN[0]]), crs=4326).to_crs(3857)
    gdf.to_file(tmp_path / "r.gpkg")
    reg = read_register(tmp_path / "r.gpkg")
    assert reg.frame["lat"].iloc[0] == pytest.approx(TEHRAN[0]) and reg.source_crs is not None


def test_user_crs_reprojects_columns() -> None:
    frame = pd.DataFrame({"x": ["5720713.6"], "y": ["4258048.9"]})
    reg = read_register(frame, crs="EPSG:3857")
    assert reg.frame["lon"].iloc[0] == pytest.approx(51.39, abs=1e-4)
    assert reg.frame["lat"].iloc[0] == pytest.approx(35.69, abs=1e-4)
    with pytest.raises(RegisterError, match="unknown CRS"):
        read_register(frame, crs="EPSG:999999")


def test_missing_file_is_a_register_error(tmp_path) -> None:
    with pytest.raises(RegisterError, match="no such file"):
        read_register(tmp_path / "nope.csv")


def test_utf8_and_arabic_indic_ids_are_the_same_id() -> None:
    reg = read_register(pd.DataFrame({"id": ["۷", "7", "٧"], "province": ["Fars"] * 3}))
    assert reg.frame["id"].tolist() == ["7", "7", "7"]


def test_check_marks_are_not_read_as_no() -> None:
    """Regression: «✓» and «✗» both had the key "" and every symbol was read as False."""
    values, invalid = parse_booleans(pd.Series(["✓", "✗", "✔", "✘", "-", "?", "دارا", "فاقد"]))
    assert values.tolist()[:4] == [True, False, True, False]
    assert invalid.tolist()[4:6] == [True, True] and values.tolist()[6:] == [True, False]


def test_mostly_yes_no_column_is_a_yes_no_column_with_its_odd_cells_flagged() -> None:
    reg = read_register(
        pd.DataFrame({"province": ["Fars"] * 4, "iso": ["✓", "x", "Y", "N"], "note": ["x", "y", "z", "w"]})
    )
    assert reg.indicators == {"iso": "bool"}
    assert reg.reasons.lists()[1] == ["not a yes/no value 'iso': 'x' (left out)"]


def test_cells_of_invisible_characters_are_blank() -> None:
    reg = read_register(
        pd.DataFrame({"province": ["\u200c", " تهران "], "lat": ["\u200c", "35.69"], "lon": ["\u00a0", "51.39"]})
    )
    assert reg.frame["province"].tolist() == [None, "تهران"] and reg.reasons.lists().tolist() == [[], []]


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [("35°41′24″N", "51°23′24″E", (35.69, 51.39)), ("35° 41,4' N", "51°23.4'E", (35.69, 51.39)),
     ("۳۵°۴۱′۲۴″", "۵۱°۲۳′۲۴″", (35.69, 51.39)), ("35,69", "51,39", (35.69, 51.39)), ("35°41′S", "51°23′W", (-35.6833, -51.3833))],
)  # fmt: skip
def test_coordinates_in_degrees_minutes_seconds_and_decimal_comma(lat, lon, expected) -> None:
    reg = read_register(pd.DataFrame({"lat": [lat], "lon": [lon]}))
    assert (reg.frame["lat"].iloc[0], reg.frame["lon"].iloc[0]) == pytest.approx(expected, abs=1e-4)
    assert reg.warnings and not reg.reasons.any().any()


def test_decimal_comma_is_not_guessed_in_projected_coordinates() -> None:
    reg = read_register(pd.DataFrame({"x": ["5,720,713.6"], "y": ["4,258,048.9"]}), crs="EPSG:3857")
    assert reg.frame["lat"].iloc[0] == pytest.approx(35.69, abs=1e-4) and not reg.warnings


def test_one_column_of_lat_lon_pairs() -> None:
    reg = read_register(pd.DataFrame({"مختصات": ["35.69, 51.39", "51°23′E 35°41′N", ""]}))
    assert reg.columns["lat"] == reg.columns["lon"] == "مختصات"
    assert reg.frame["lat"].round(2).tolist()[:2] == [35.69, 35.68] and np.isnan(reg.frame["lat"].iloc[2])
    same = read_register(pd.DataFrame({"where": ["35.69 51.39"]}), lat="where", lon="where")
    assert same.frame["lon"].tolist() == [51.39]


def test_spreadsheet_ids_stay_as_written(tmp_path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["id", "province"])
    for value in ("007", 1.0, -0.0, 1e20):
        wb.active.append([value, "Fars"])
    wb.save(tmp_path / "ids.xlsx")
    assert read_register(tmp_path / "ids.xlsx").frame["id"].tolist() == ["007", "1", "0", "100000000000000000000"]


def test_header_row_is_found_below_a_title_and_sheets_are_named(tmp_path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "help"
    wb.active.append(["read me first"])
    ws = wb.create_sheet("data")
    ws.append(["Estates of 1402"])
    ws.append(["id", "province"])
    ws.append([1, "Fars"])
    wb.save(tmp_path / "book.xlsx")
    reg = read_register(tmp_path / "book.xlsx")
    assert reg.frame["province"].tolist() == ["Fars"] and reg.frame["id"].tolist() == ["1"]
    assert any("read 'data'" in w for w in reg.warnings) and any(
        "row 1 above it was skipped" in w for w in reg.warnings
    )
    with pytest.raises(RegisterError, match="no sheet 'nope'"):
        read_register(tmp_path / "book.xlsx", sheet="nope")


def test_a_missing_geometry_among_others_does_not_crash() -> None:
    """Regression: one null geometry beside good ones raised a GEOSException (getX on an empty point)."""
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(51.39, 35.69), None], crs=4326)
    reg = read_register(gdf)
    assert reg.frame["lat"].iloc[0] == 35.69 and np.isnan(reg.frame["lat"].iloc[1])


# --------------------------------------------------------------------------- reasons in two languages


def test_register_reasons_come_in_english_and_persian_in_the_same_order() -> None:
    frame = _frame().assign(units=["-۳", "abc"], area=["5", "-1"])
    reg = read_register(frame)
    en, fa = reg.reasons.lists(), reg.reasons.lists_fa()
    assert [len(t) for t in en] == [len(t) for t in fa] == [1, 2]
    assert en[1] == [
        "text in a number column 'units': 'abc' (left out)",
        "negative value in 'area': -1 (left out of sums)",
    ]
    assert fa[0] == ["مقدار منفی در ستون «units»: -۳ (در جمع‌ها به حساب نیامد)"]
    assert fa[1] == [
        "متن در ستون عددی «units»: «abc» (به حساب نیامد)",
        "مقدار منفی در ستون «area»: -۱ (در جمع‌ها به حساب نیامد)",
    ]
