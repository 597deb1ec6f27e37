"""Registers as field offices have them: Shapefile (plain and zipped), KML, KMZ, XLS, ODS.

Every file is written at run time by GDAL (pyogrio), the tool those offices' programs use,
except the ``.xls``: no maintained writer of Excel 97-2003 exists on PyPI, so it is a
committed fixture written by LibreOffice Calc (``tools/make_xls_fixture.sh``; provenance in
``tests/data/formats/README.md``). The shipped example register, exported to each format,
must join with the same statuses, provinces and counties as the CSV it came from.
"""

from __future__ import annotations

import shutil
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.errors import RegisterError
from geo.registers.readers import file_format

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
