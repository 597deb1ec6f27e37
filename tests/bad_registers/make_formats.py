"""Write the corpus of bad and hostile Shapefiles, KML/KMZ, XLS and ODS files (issue 23).

Every file is synthetic and written by GDAL (pyogrio) or by hand where GDAL would refuse to
write it (a truncated file, a zip bomb, a path traversal, an entity bomb, a ``.dbf`` that
disagrees with its ``.shp``). The expected outcome of each is in the table ``CASES`` of
tests/test_formats.py. Each case is its own folder (a Shapefile is several files).

Run ``python tests/bad_registers/make_formats.py [DIR]`` to (re)write them into DIR.
"""

from __future__ import annotations

import shutil
import struct
import sys
import zipfile
from pathlib import Path

TEHRAN = (35.69, 51.39)
SHIRAZ = (29.61, 52.54)
ISFAHAN = (32.65, 51.67)


def utm(epsg: int, *latlon: tuple[float, float]) -> list[tuple[float, float]]:
    """Easting and northing (metres) of each (lat, lon) in a UTM zone, by pyproj."""
    from pyproj import Transformer

    to = Transformer.from_crs(4326, epsg, always_xy=True)
    return [to.transform(lon, lat) for lat, lon in latlon]


def _layer(crs: object = 4326, points: list[tuple[float, float]] | None = None):
    import geopandas as gpd

    points = points or [(TEHRAN[1], TEHRAN[0]), (SHIRAZ[1], SHIRAZ[0]), (ISFAHAN[1], ISFAHAN[0])]
    return gpd.GeoDataFrame(
        {"شناسه": ["1", "2", "3"], "نام": ["شهرک یک", "شهرک دو", "شهرک سه"], "استان": ["تهران", "فارس", "اصفهان"]},
        geometry=gpd.points_from_xy(*zip(*points, strict=True)),
        crs=crs,
    )


def _shp(folder: Path, name: str, encoding: str = "UTF-8", crs: object = 4326, points=None) -> Path:
    import pyogrio

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.shp"
    pyogrio.write_dataframe(_layer(crs, points), path, encoding=encoding)
    return path


def _zip(target: Path, files: dict[str, bytes | Path]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.read_bytes() if isinstance(content, Path) else content)
    return target


def _parts(shp: Path) -> dict[str, Path]:
    return {p.name: p for p in shp.parent.glob(f"{shp.stem}.*")}


def _shapefiles(root: Path) -> None:
    good = _shp(root / "good_shp", "estates")
    _zip(root / "good_zip" / "estates.zip", _parts(good))
    cp = _shp(root / "cp1256_cpg", "estates", encoding="CP1256")
    (cp.parent / "estates.cpg").write_text("1256")  # as ArcGIS writes it
    no_cpg = _shp(root / "cp1256_no_cpg", "estates", encoding="CP1256")
    (no_cpg.parent / "estates.cpg").unlink()
    bad_cpg = _shp(root / "unknown_cpg", "estates")
    (bad_cpg.parent / "estates.cpg").write_text("KLINGON-42")
    no_prj = _shp(root / "no_prj", "estates")
    (no_prj.parent / "estates.prj").unlink()
    _shp(root / "utm_no_prj", "estates", crs=None, points=utm(32639, TEHRAN, SHIRAZ, ISFAHAN))
    no_shx = _shp(root / "no_shx", "estates")
    (no_shx.parent / "estates.shx").unlink()
    mismatch = _shp(root / "dbf_mismatch", "estates")
    dbf = bytearray((mismatch.parent / "estates.dbf").read_bytes())
    dbf[4:8] = struct.pack("<I", 2)  # the .dbf says 2 rows; the .shp holds 3 shapes
    (mismatch.parent / "estates.dbf").write_bytes(bytes(dbf))
    for ext in (".dbf", ".prj"):
        lone = root / f"lone{ext.replace('.', '_')}"
        lone.mkdir(parents=True, exist_ok=True)
        shutil.copy(good.with_suffix(ext), lone / f"estates{ext}")
    two = _shp(root / "two_layers_src" / "a", "estates")
    other = _shp(root / "two_layers_src" / "b", "zones")
    _zip(root / "two_layers" / "layers.zip", {**_parts(two), **_parts(other)})
    shutil.rmtree(root / "two_layers_src")
    _zip(root / "zip_without_layer" / "estates.zip", {"readme.txt": b"estates are in the other file\n"})
    _zip(root / "zip_traversal" / "estates.zip", {f"../../{k}": v for k, v in _parts(good).items()})
    trunc = root / "truncated_shp"
    trunc.mkdir(parents=True, exist_ok=True)
    for name, path in _parts(good).items():
        (trunc / name).write_bytes(path.read_bytes()[:120] if name.endswith(".shp") else path.read_bytes())
    (root / "empty_shp").mkdir(parents=True, exist_ok=True)
    (root / "empty_shp" / "estates.shp").write_bytes(b"")


def _zip_bomb(target: Path, megabytes: int = 200) -> None:
    """A zip of a few hundred KB whose ``.shp`` member expands to ``megabytes`` MB of zeros."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("estates.shp", "w", force_zip64=True) as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(megabytes):
                fh.write(chunk)
        archive.writestr("estates.shx", b"\x00" * 100)
        archive.writestr("estates.dbf", b"\x03" + b"\x00" * 31)


_BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE kml [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
    + ']>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&lol9;</name>'
    "<Point><coordinates>51.39,35.69</coordinates></Point></Placemark></Document></kml>\n"
)


#: A KML as Google Earth saves one: a folder per province, untyped ExtendedData with Persian names.
_GOOGLE_EARTH = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>شهرک‌ها</name>
<Folder><name>تهران</name><Placemark><name>شهرک الف</name><description>نمونه</description>
<ExtendedData><Data name="استان"><value>تهران</value></Data><Data name="تعداد واحد"><value>۱۲</value></Data>
</ExtendedData><Point><coordinates>51.39,35.69,0</coordinates></Point></Placemark></Folder>
<Folder><name>فارس</name><Placemark><name>شهرک ب</name>
<ExtendedData><Data name="استان"><value>فارس</value></Data><Data name="تعداد واحد"><value>7</value></Data>
</ExtendedData><Point><coordinates>52.54,29.61,0</coordinates></Point></Placemark></Folder>
</Document></kml>
"""


def _kml(root: Path) -> None:
    import pyogrio

    (root / "google_earth_kml").mkdir(parents=True, exist_ok=True)
    (root / "google_earth_kml" / "estates.kml").write_text(_GOOGLE_EARTH, encoding="utf-8")
    good = root / "good_kml" / "estates.kml"
    good.parent.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(_layer(), good, driver="KML")
    text = good.read_bytes()
    (root / "truncated_kml").mkdir(parents=True, exist_ok=True)
    (root / "truncated_kml" / "estates.kml").write_bytes(text[: len(text) // 2])
    (root / "empty_kml").mkdir(parents=True, exist_ok=True)
    (root / "empty_kml" / "estates.kml").write_bytes(b"")
    (root / "entity_bomb").mkdir(parents=True, exist_ok=True)
    (root / "entity_bomb" / "estates.kml").write_text(_BILLION_LAUGHS, encoding="utf-8")
    _zip(root / "entity_bomb_kmz" / "estates.kmz", {"doc.kml": _BILLION_LAUGHS.encode()})
    _zip(root / "good_kmz" / "estates.kmz", {"doc.kml": text})
    _zip(root / "kmz_traversal" / "estates.kmz", {"../doc.kml": text})
    (root / "truncated_kmz").mkdir(parents=True, exist_ok=True)
    (root / "truncated_kmz" / "estates.kmz").write_bytes((root / "good_kmz" / "estates.kmz").read_bytes()[:60])


def _sheets(root: Path) -> None:
    import pandas as pd
    import pyogrio

    table = pd.DataFrame({"شناسه": ["1", "2"], "استان": ["تهران", "فارس"], "عرض": ["35.69", "29.61"],
                          "طول": ["51.39", "52.54"]})  # fmt: skip
    good = root / "good_ods" / "estates.ods"
    good.parent.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(table, good, driver="ODS")
    (root / "truncated_ods").mkdir(parents=True, exist_ok=True)
    (root / "truncated_ods" / "estates.ods").write_bytes(good.read_bytes()[:200])
    (root / "empty_ods").mkdir(parents=True, exist_ok=True)
    (root / "empty_ods" / "estates.ods").write_bytes(b"")
    (root / "truncated_xls").mkdir(parents=True, exist_ok=True)
    (root / "truncated_xls" / "estates.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56)
    (root / "empty_xls").mkdir(parents=True, exist_ok=True)
    (root / "empty_xls" / "estates.xls").write_bytes(b"")
    (root / "text_named_xls").mkdir(parents=True, exist_ok=True)
    (root / "text_named_xls" / "estates.xls").write_text("استان\nتهران\n", encoding="utf-8")


def build(folder: str | Path) -> Path:
    """Write every case into its own subfolder of ``folder``; return it."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    _shapefiles(root)
    _zip_bomb(root / "zip_bomb" / "estates.zip")
    _kml(root)
    _sheets(root)
    return root


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "formats")
