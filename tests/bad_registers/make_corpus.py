"""Write the corpus of bad and hostile registers used by tests/test_registers.py and test_join.py.

Every file is synthetic. Coordinates of good rows are provincial capitals (approximate);
the expected outcome of each file is in the test table ``CORPUS`` of tests/test_join.py.

Run ``python tests/bad_registers/make_corpus.py [DIR]`` to (re)write the files into DIR
(default: this folder). The binary ones (XLSX, Parquet, junk) are not committed; the tests
write the whole corpus into a temporary folder with :func:`build`.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import numpy as np

HEAD = "شناسه,نام,استان,عرض جغرافیایی,طول جغرافیایی,تعداد واحد\n"
TEHRAN = (35.69, 51.39)
ISFAHAN = (32.65, 51.67)
SHIRAZ = (29.61, 52.54)
MASHHAD = (36.30, 59.60)


def _csv(rows: list[str]) -> str:
    return HEAD + "".join(r + "\n" for r in rows)


def _cp1256(text: str) -> bytes:
    """Windows-1256 as Persian Excel writes it (Arabic yeh: the code page has no Persian one)."""
    return text.replace("ی", "ي").encode("cp1256")


def _merc(lat: float, lon: float) -> tuple[float, float]:
    r = 6378137.0
    return r * np.radians(lon), r * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def _feature(geometry: dict | None, **props: object) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _texts() -> dict[str, str | bytes]:
    long_name = "ش" * 10_000
    x, y = _merc(*TEHRAN)
    x2, y2 = _merc(*ISFAHAN)
    bowtie = {"type": "Polygon", "coordinates": [[[51.3, 35.6], [51.5, 35.8], [51.5, 35.6], [51.3, 35.8], [51.3, 35.6]]]}
    good_poly = {"type": "Polygon", "coordinates": [[[51.6, 32.6], [51.7, 32.6], [51.7, 32.7], [51.6, 32.7], [51.6, 32.6]]]}
    files: dict[str, str | bytes] = {
        "empty.csv": b"",
        "whitespace_only.csv": "  \n\n \t\n",
        "header_only.csv": HEAD,
        "binary.csv": bytes(np.random.default_rng(5).integers(0, 256, 2048, dtype=np.uint8)) + b"\x00\x00",
        "wrong_encoding.csv": "استان,عرض,طول\nاصفهان,32.65,51.67\n".encode("iso8859_6"),
        "windows1256.csv": _cp1256(_csv([f"1,شهرک یک,تهران,{TEHRAN[0]},{TEHRAN[1]},10"])),
        "mixed_encodings.csv": _csv([f"1,شهرک یک,تهران,{TEHRAN[0]},{TEHRAN[1]},10"]).encode("utf-8")
        + _cp1256(f"2,شهرک دو,اصفهان,{ISFAHAN[0]},{ISFAHAN[1]},5\n"),
        "utf16_excel.tsv": "استان\tعرض\tطول\nفارس\t29.61\t52.54\n".encode("utf-16"),
        "broken.geojson": '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Po',
        "invalid_polygons.geojson": json.dumps(
            {"type": "FeatureCollection", "features": [_feature(bowtie, id="1", name="bowtie"),
                                                       _feature(good_poly, id="2", name="square")]}  # fmt: skip
        ),
        "null_geometry.geojson": json.dumps(
            {"type": "FeatureCollection", "features": [_feature(None, id="1", name="nowhere")]}
        ),
        "epsg3857.geojson": json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
                "features": [
                    _feature({"type": "Point", "coordinates": [x, y]}, id="1", name="tehran"),
                    _feature({"type": "Point", "coordinates": [x2, y2]}, id="2", name="isfahan"),
                ],
            }
        ),
        "epsg3857_columns.csv": f"id,x,y\n1,{x:.1f},{y:.1f}\n2,{x2:.1f},{y2:.1f}\n",
        "nan_infinity.csv": _csv(["1,a,تهران,NaN,51.39,1", "2,b,,35.69,Infinity,1", "3,c,فارس,inf,-inf,nan"]),
        "out_of_range.csv": _csv(["1,a,,95,51.39,1", "2,b,,35.69,200,1", "3,c,,-91,-181,1"]),
        "swapped.csv": _csv([f"1,a,,{TEHRAN[1]},{TEHRAN[0]},1", f"2,b,,{MASHHAD[1]},{MASHHAD[0]},1"]),
        "at_sea.csv": _csv(["1,gulf,,26.5,52.5,1", "2,caspian,,38.5,51.0,1", "3,off coast,,27.1,56.3,1",
                            "4,atlantic,,0,-30,1"]),  # fmt: skip
        "negative_counts.csv": _csv([f"1,a,تهران,{TEHRAN[0]},{TEHRAN[1]},-5", f"2,b,فارس,{SHIRAZ[0]},{SHIRAZ[1]},7"]),
        "text_in_numbers.csv": _csv([f"1,a,تهران,{TEHRAN[0]},{TEHRAN[1]},ده", f"2,b,فارس,{SHIRAZ[0]},{SHIRAZ[1]},7",
                                     f"3,c,فارس,{SHIRAZ[0]},{SHIRAZ[1]},8"]),  # fmt: skip
        "duplicate_ids.csv": _csv([f"7,a,تهران,{TEHRAN[0]},{TEHRAN[1]},1", f"۷,b,فارس,{SHIRAZ[0]},{SHIRAZ[1]},1",
                                   f"8,c,فارس,{SHIRAZ[0]},{SHIRAZ[1]},1"]),  # fmt: skip
        "long_names.csv": _csv([f"1,{long_name},تهران,{TEHRAN[0]},{TEHRAN[1]},1"]),
        "html_names.csv": _csv([f'1,<script>alert(1)</script>,تهران,{TEHRAN[0]},{TEHRAN[1]},1',
                                f'2,"<img src=x onerror=alert(2)>",فارس,{SHIRAZ[0]},{SHIRAZ[1]},1']),  # fmt: skip
        "formulas.csv": _csv(['1,"=HYPERLINK(""http://evil"",""x"")",Atlantis,,,1', "2,+1+1,Atlantis,,,1",
                              "3,@SUM(A1),Atlantis,,,1", "4,-2+3,تهران,,,1", '5,"\t=1+1",Atlantis,,,1']),  # fmt: skip
        "historical_province.csv": "id,province\n1,خراسان\n2,IR-32\n3,Khorasan\n",
        "no_usable_columns.csv": "a,b,c\n1,2,3\n",
        "ragged.csv": 'استان,عرض,طول\nتهران,35.69,51.39\nفارس,29.6,52.5,extra,fields\n',
        "unknown_format.dat": "just some text\n",
        "not_really.xlsx": "استان\nتهران\n",
        "lat_without_lon.csv": "استان,عرض\nتهران,35.69\n",
        "truncated.xlsx": b"PK\x03\x04" + b"\x00" * 40,
        "junk.parquet": b"PAR1" + b"\x01" * 64,
        "zwnj_arabic_headers.csv": "استان,عرض‌ جغرافيائي,طول‌جغرافیایی,دارای تصفیه خانه\nتهران,۳۵٫۶۹,٥١٫٣٩,دارد\n",
        # --- a hostile user's files (second round)
        "title_row.csv": "فهرست شهرک‌های صنعتی,,,\n\nشناسه,استان,عرض,طول\n1,تهران,35.69,51.39\n2,فارس,29.61,52.54\n",
        "two_row_header.csv": "نام,استان,موقعیت,\n,,عرض,طول\na,تهران,35.69,51.39\n",
        "dms.csv": _csv(["1,a,تهران,35°41′N,51°23′E", '2,b,فارس,"29° 36\' 36"" N","52° 32\' 24"" E"',
                         "3,c,تهران,35°41′24″N,51°23′24″E", "4,d,تهران,51°23′E,35°41′N", "5,e,تهران,35°71′N,51°E"]),
        "comma_decimal_semicolon.csv": "شناسه;استان;عرض;طول\n1;تهران;35,69;51,39\n2;فارس;29,61;52,54\n",
        "latlon_one_column.csv": 'id,استان,مختصات\n1,تهران,"35.69, 51.39"\n2,فارس,"52.54,29.61"\n3,قم,nonsense\n',
        "coordinate_pairs_unnamed.csv": 'id,where\n1,"35.69, 51.39"\n2,"51°23′E 35°41′N"\n3,"(29.61; 52.54)"\n',
        "duplicate_headers.csv": "id,استان,استان,عرض,طول\n1,تهران,فارس,35.69,51.39\n",
        "zwnj_only_cells.csv": "id,استان,عرض,طول\n1, تهران ,\u200c, \n2,\u200c,\u00a0,\u200f\n",
        "checkmarks.csv": "id,استان,ISO 14001\n1,تهران,✓\n2,فارس,✗\n3,قم,x\n4,یزد,دارد\n5,کرمان,-\n6,گیلان,ندارد\n",
        "legacy_iso.csv": "id,استان\n1,IR-31\n2,IR.TH\n3,IR26\n4,استان‌ تهران\n",
        "ids_as_written.csv": "id,استان\n007,تهران\n1.0,فارس\n-0,قم\n123456789012345678901234567890,یزد\n",
        "formula_everywhere.csv": "id,استان,=cmd,note\n=1,Atlantis,+2,-3\n@x,-تهران,=4,@5\n",
        "wkt_column.csv": 'id,WKT,استان\n1,POINT (51.39 35.69),\n2,"POLYGON ((51.6 32.6, 51.7 32.6, 51.7 32.7, 51.6 32.6))",\n'
        "3,POINT (garbage),فارس\n",
        "mixed_geometries.geojson": json.dumps({"type": "FeatureCollection", "features": [
            _feature({"type": "Polygon", "coordinates": [[[51.3, 35.6], [51.5, 35.6], [51.5, 35.8], [51.3, 35.8], [51.3, 35.6]]]}, name="outline"),
            _feature({"type": "MultiPoint", "coordinates": [[51.39, 35.69], [52.54, 29.61]]}, name="two points"),
            _feature({"type": "LineString", "coordinates": [[51.39, 35.69], [52.54, 29.61]]}, name="road"),
            _feature(None, name="nowhere"),
            _feature({"type": "Point", "coordinates": [51.39, 35.69, 1200]}, name="3d"),
        ]}),  # fmt: skip
    }
    return files


def _xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["کد", "نام شهرک", "استان", "Latitude", "Longitude", "ایزو 14001"])
    ws.append([1, "=1+1 formula text", "تهران", TEHRAN[0], TEHRAN[1], "بله"])
    ws.append([2, "b", "Atlantis", None, None, "خیر"])
    wb.save(path)


def _workbooks(folder: Path) -> None:
    """XLSX files as Excel users make them: a title row, merged headers, several sheets, types."""
    import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["فهرست شهرک‌های صنعتی ۱۴۰۲"])
    ws.append([])
    ws.append(["کد", "نام شهرک", "استان", "عرض", "طول"])
    ws.append([1, "a", "تهران", *TEHRAN])
    ws.append([2, "b", "فارس", *SHIRAZ])
    wb.save(folder / "title_row.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(["مشخصات", None, "موقعیت", None])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:D1")
    ws.append(["نام", "استان", "عرض", "طول"])
    ws.append(["a", "تهران", *TEHRAN])
    wb.save(folder / "merged_header.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.title = "راهنما"
    ws.append(["این فایل فهرست شهرک‌ها را دارد"])
    ws = wb.create_sheet("شهرک‌ها")
    ws.append(["نام", "استان"])
    ws.append(["a", "تهران"])
    wb.save(folder / "readme_sheet_first.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.title = "1401"
    ws.append(["نام", "استان"])
    ws.append(["a", "تهران"])
    ws = wb.create_sheet("1402")
    ws.append(["نام", "استان"])
    ws.append(["b", "فارس"])
    ws.append(["c", "قم"])
    wb.save(folder / "two_sheets.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "استان", "تاریخ تاسیس", "مساحت", "دارای تصفیه خانه", "ISO"])
    ws.append(["007", "تهران", datetime.datetime(2010, 1, 1), "۱۲٬۵۰۰", "دارد", "✓"])
    ws.append([1.0, "فارس", datetime.datetime(2012, 1, 1), "1,234.5", "نامعلوم", "x"])
    ws.append([-0.0, "قم", None, "  ", "ندارد", None])
    ws.append([1e20, "یزد", None, 12, "Y", "✗"])
    wb.save(folder / "excel_types.xlsx")


def _geo_files(folder: Path) -> None:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    target = folder / "two_layers.gpkg"
    target.unlink(missing_ok=True)
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(TEHRAN[1], TEHRAN[0])], crs=4326).to_file(target, layer="estates")
    gpd.GeoDataFrame({"name": ["b", "c"]}, geometry=[Point(SHIRAZ[1], SHIRAZ[0]), Point(ISFAHAN[1], ISFAHAN[0])],
                     crs=4326).to_file(target, layer="zones")  # fmt: skip
    pd.DataFrame({"name": ["a"], "geometry": [Point(TEHRAN[1], TEHRAN[0]).wkb]}).to_parquet(folder / "wkb_without_geo_metadata.parquet")
    pd.DataFrame({"استان": ["تهران", "فارس"], "عرض": [TEHRAN[0], SHIRAZ[0]], "طول": [TEHRAN[1], SHIRAZ[1]]}).to_parquet(
        folder / "no_geometry.parquet"
    )


# --------------------------------------------------------------------------- third round (issue 15)


def _rows(n: int, start: int = 1) -> list[str]:
    """``n`` good rows (Tehran, Isfahan, Shiraz in turn), numbered from ``start``."""
    places = [("تهران", TEHRAN), ("اصفهان", ISFAHAN), ("فارس", SHIRAZ)]
    out = []
    for i in range(start, start + n):
        province, (lat, lon) = places[i % 3]
        out.append(f"{i},شهرک {i},{province},{lat},{lon},{i % 7}")
    return out


def _hostile_texts() -> dict[str, str | bytes]:
    """Text files of the third round: lost rows, shadowed columns, control bytes, huge values."""
    rows = _rows(1000)
    rows[4] = '5,"شهرک پنج,تهران,35.69,51.39,1'  # a quote opened and never closed on its line
    rows[99] = '100,شهرک "صد",فارس,29.61,52.54,1'  # the next quote character closes it
    unclosed = _rows(20)
    unclosed[4] = '5,"شهرک پنج,تهران,35.69,51.39,1'
    control = _rows(2000)  # > 64 KB before the bad cells
    control += [f"2001,شهرک\x00صفر,تهران,{TEHRAN[0]},{TEHRAN[1]},1",
                f"2002,\x1b[31mشهرک قرمز\x1b[0m\x07,فارس,{SHIRAZ[0]},{SHIRAZ[1]},1"]  # fmt: skip
    blank_province = [f"{i},شهرک {i},,{lat},{lon},1" for i, (lat, lon) in enumerate([TEHRAN, ISFAHAN, SHIRAZ] * 13, 1)]
    blank_province += [f"40,شهرک ۴۰,تهران,{TEHRAN[0]},{TEHRAN[1]},1", f"41,شهرک ۴۱,فارس,{TEHRAN[0]},{TEHRAN[1]},1"]
    abbreviations = ["N. Khorasan", "S. Khorasan", "E. Azarbaijan", "W. Azerbaijan", "Kh. Razavi", "N Khorasan",
                     "خ. رضوی", "خراسان ش.", "خراسان ج.", "آذربایجان غ.", "آ. شرقی", "Kh.", "خ."]  # fmt: skip
    ledger = Path(__file__).resolve().parents[2] / "data" / "facts" / "ledger.csv"
    with ledger.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    for rec, note in zip(records, ["=HYPERLINK(\"http://evil\",\"x\")", "@SUM(A1)", "+1+1", "-2+3", "\t=1+1"], strict=False):
        rec["note"] = note
    hostile_ledger = io.StringIO()
    writer = csv.DictWriter(hostile_ledger, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return {
        "unbalanced_quote.csv": _csv(rows),
        "unclosed_quote.csv": _csv(unclosed),
        "reserved_columns.csv": "id,استان,عرض,طول,status,reasons,row,province_as_given,notes,STATUS\n"
        f"1,تهران,{TEHRAN[0]},{TEHRAN[1]},ok,none,99,x,y,OK\n2,Atlantis,,,ok,none,98,x,y,OK\n",
        "control_characters.csv": _csv(control),
        "huge_cell.csv": _csv([f"1,a,تهران,{TEHRAN[0]},{TEHRAN[1]},1", "2,b,Atlantis" + "x" * 5_000_000 + ",,,1"]),
        "sum_overflow.csv": _csv([f"1,a,تهران,{TEHRAN[0]},{TEHRAN[1]},1.5e308", f"2,b,تهران,{TEHRAN[0]},{TEHRAN[1]},1.5e308",
                                  f"3,c,فارس,{SHIRAZ[0]},{SHIRAZ[1]},5"]),  # fmt: skip
        "e308.csv": _csv([f"1,a,تهران,{TEHRAN[0]},{TEHRAN[1]},1e308", f"2,b,فارس,{SHIRAZ[0]},{SHIRAZ[1]},1e308"]),
        "numeric_10000_columns.csv": "id,استان," + ",".join(f"c{k}" for k in range(9998)) + "\n"
        + "".join(f"{i},تهران," + ",".join(str(k % 97) for k in range(9998)) + "\n" for i in range(3)),
        "text_2100_columns.csv": "id,استان," + ",".join(f"t{k}" for k in range(2098)) + "\n"
        + "".join(f"{i},تهران," + ",".join(f"w{k}" for k in range(2098)) + "\n" for i in range(2)),
        "bad_crs.geojson": json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:999999"}},
                                       "features": [_feature({"type": "Point", "coordinates": [5720713.6, 4258048.9]}, id="1")]}),  # fmt: skip
        "iso_code_column.csv": "code,name,units\nIR-03,a,1\nIR-23,b,2\nIR-10,c,3\nIR-07,d,4\n",
        "abbreviations.csv": "id,province\n" + "".join(f"{i},{a}\n" for i, a in enumerate(abbreviations, 1)),
        "province_blank_located.csv": _csv(blank_province),
        "hostile_ledger.csv": hostile_ledger.getvalue(),
        "reconcile_deep.json": "[" * 100_000 + "]" * 100_000,
        "reconcile_binary.json": bytes(range(256)) * 8,
    }


def _hostile_workbooks(folder: Path) -> None:
    """XLSX files of the third round: formulas without values, blank rows, stray far cells, a bomb."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["شناسه", "استان", "تعداد واحد", "مساحت"])
    ws.append([1, "تهران", 5, 10])
    ws.append([2, "فارس", "=SUM(1,2)", 20])  # openpyxl saves formulas without a computed value
    ws.append([3, "=B2", 7, 30])
    wb.save(folder / "formula_no_value.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(["شناسه", "استان"])
    for row in ([1, "تهران"], [], [None, None], ["  ", "\u200c"], [2, "فارس"], []):
        ws.append(row)
    wb.save(folder / "blank_rows.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(["شناسه", "استان"])
    ws.append([1, "تهران"])
    ws["A1048576"] = "x"
    wb.save(folder / "stray_a1048576.xlsx")

    wb = Workbook()
    wb.active["XFD1048576"] = "x"
    wb.save(folder / "stray_xfd1048576.xlsx")
    _shared_strings_bomb(folder / "shared_strings_bomb.xlsx")


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _shared_strings_bomb(path: Path, megabytes: int = 800) -> None:
    """A workbook of under 1 MB whose shared-strings part expands to ``megabytes`` MB (one long string).

    Written part by part (openpyxl writes inline strings, never a shared-strings part).
    """
    import zipfile

    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
        "</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, text in parts.items():
            dst.writestr(name, text)
        with dst.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(f'<sst xmlns="{_MAIN}" count="2" uniqueCount="2"><si><t>استان</t></si><si><t>تهران'.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(megabytes):
                fh.write(chunk)
            fh.write(b"</t></si></sst>")


def _hostile_parquet(folder: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids = pa.array([18446744073709551615, 9223372036854775808, 5], type=pa.uint64())
    pq.write_table(pa.table({"id": ids, "استان": ["تهران", "فارس", "قم"]}), folder / "uint64_ids.parquet")


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def build(folder: str | Path) -> Path:
    """Write the whole corpus into ``folder``; return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, _texts())
    _xlsx(folder / "mixed.xlsx")
    _workbooks(folder)
    _geo_files(folder)
    _write(folder, _hostile_texts())
    _hostile_workbooks(folder)
    _hostile_parquet(folder)
    (folder / "a_folder.csv").mkdir(exist_ok=True)
    link = folder / "broken_link.csv"
    if not link.is_symlink():
        link.symlink_to(folder / "gone" / "estates.csv")
    return folder


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
