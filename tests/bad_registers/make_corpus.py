"""Write the corpus of bad and hostile registers used by tests/test_registers.py and test_join.py.

Every file is synthetic. Coordinates of good rows are provincial capitals (approximate);
the expected outcome of each file is in the test table ``CORPUS`` of tests/test_join.py.

Run ``python tests/bad_registers/make_corpus.py [DIR]`` to (re)write the files into DIR
(default: this folder). The binary ones (XLSX, Parquet, junk) are not committed; the tests
write the whole corpus into a temporary folder with :func:`build`.
"""

from __future__ import annotations

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


def build(folder: str | Path) -> Path:
    """Write the whole corpus into ``folder``; return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in _texts().items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    _xlsx(folder / "mixed.xlsx")
    return folder


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
